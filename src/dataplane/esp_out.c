/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Outbound ESP, tunnel mode, IPv4 (RFC 4303 section 3.3), one burst at a time:
 *
 *   1. per packet: crypto map ACL -> policy (or a deny line: dropped, there is
 *      no cleartext path) -> current outbound SA; TTL, size
 *      against the egress MTU, sequence number (never wraps: section 3.3.3);
 *      build outer headers from the SA's template around the inner packet,
 *      IV, padding and trailer; AES-GCM is encrypted right here (one-shot);
 *   2. CBC/NULL SAs: one CBC encrypt burst, then one HMAC burst.
 *
 * An AH SA (RFC 4302, ah_out.c) takes the same path: the policy, checks and
 * outer header are the same, the AH header goes where ESP's would, and its
 * ICV is computed in the HMAC burst of step 2.
 *
 * An AH+ESP bundle (RFC 4301 section 4.5; the policy's SA is the AH one,
 * its ESP SA sa_rt.inner): the packet is put in ESP, tunnel mode, as above,
 * with room for the AH header between the outer IPv4 header and the ESP
 * header: [outer IPv4, protocol 51][AH, next header 50][ESP ...]. Its AH ICV
 * covers the finished ESP, so it is computed in a third burst (step 3),
 * after ESP's encryption and ICV.
 *
 * ESP-in-UDP goes out with a zero UDP checksum (RFC 3948 section 2.1: it
 * SHOULD be; the ESP ICV protects what matters, and summing 1400 bytes a
 * packet would cost more than the encryption's bookkeeping). Over IPv6 a
 * zero UDP checksum is allowed only by an agreement per tunnel (RFC 6935,
 * RFC 6936) that nothing negotiates here: it is computed (RFC 8200 section
 * 8.1) once the ESP is final, in step 3 (out_post).
 */
#include <rte_ether.h>
#include <rte_ip.h>
#include <rte_udp.h>

#include "dataplane.h"
#include "ah.h"
#include "esp.h"
#include "esp_pad.h"
#include "frag4.h"
#include "frag6.h"
#include "ip4_cksum.h"
#include "out_policy.h"
#include "route.h"
#include "sa.h"
#include "sa_ts.h"
#include "spd.h"
#include "tcp_mss.h"
#include "udp6_cksum.h"

#define ESP_HDR 8
#define NH_IPV4 4
#define NH_IPV6 41
/* out_encap: DF clear and too big, to be fragmented before encryption (not a drop code) */
#define OUT_SPLIT ((dp_drop_t)0xfd)
_Static_assert(DP_DROP__COUNT < OUT_SPLIT, "OUT_SPLIT is not a drop code");

struct out_pkt {
	uint8_t *esp;
	uint8_t *icv;
	uint32_t tot;			/* inner bytes, for the SA's counters */
	struct rte_ipv4_hdr *oip;	/* AH: the outer header, made whole after the HMAC */
	struct ah_out_save ah;
	uint8_t tag[DP_ICV_MAX];	/* ESN + HMAC, AH: the ICV is computed aside, then copied */
	uint8_t post;			/* what step 3 has to do: OUT_POST_* */
	struct cmb_op ah_op;
	uint8_t ah_tag[DP_ICV_MAX];
};

#define OUT_POST_AH 1	/* AH+ESP: ah_op signs the finished ESP */
#define OUT_POST_UDP6 2	/* ESP-in-UDP over IPv6: the UDP checksum over the finished ESP */

/* The bursts' arrays: a burst, or the fragments of one packet (esp_out_split). */
#define OUT_OPS_MAX (DP_BURST_MAX > FRAG4_MAX ? DP_BURST_MAX : FRAG4_MAX)

/* The SA whose ESP wraps the packet: sa itself, a bundle's inner SA, or NULL for AH alone. */
static inline struct sa_rt *
out_esp_sa(struct sa_rt *sa)
{
	if (!(sa->flags & SA_F_AH))
		return sa;
	return sa->flags & SA_F_AH_ESP ? sa->inner : NULL;
}

/* A tunnel's policy whose SAs IKE negotiates (protection with ikev2_profile). */
static inline bool
tunnel_by_ike(const struct dp *dp, uint32_t policy)
{
	return dp->cfg->tunnels[dp->spd->pol[policy].entry].ike.ikev2_profile != CFG_NONE;
}

/*
 * Is there an SA for this packet, and (forwarded) may its TTL go one lower?
 * A crypto map entry or an IKE-keyed tunnel without an SA asks the control
 * thread for one (IKE), where the drop is decided (33); a tunnel keyed by
 * hand without one drops the packet (111: nothing may leave in clear). An SA another
 * worker owns: DP_HANDOFF, *owner says which, *out stays NULL (this worker
 * must not write the SA). mo: the burst's policy memo (out_policy.h).
 */
static __rte_always_inline dp_drop_t
out_select(struct dp_worker *w, const struct rte_mbuf *m, const struct rte_ipv4_hdr *ip,
	   struct out_memo *mo, struct sa_rt **out, uint16_t *owner, const bool fwd)
{
	uint32_t policy = out_policy_memo(w->dp, ip, mo);
	struct sa_rt *sa;

	if (policy == CFG_NONE) {
		/* no crypto map entry, and no clear path out: RFC 1812 4.3.3.1 */
		if (fwd)
			link_icmp_inside(w, m, ip, ICMP4_UNREACH, ICMP4_UNREACH_NET, 0);
		return DP_DROP_G_Ipv4NoRoute;
	}
	if (policy == SPD_DENY)
		return DP_DROP_OUT_V4_PKT_HIT_DENY_DROP_SP;
	sa = spd_out_sa(w->dp->spd, policy);
	if (sa == NULL && spd_is_tunnel(w->dp->spd, policy) &&
	    !tunnel_by_ike(w->dp, policy))
		return DP_DROP_OUT_IPV4_SA_NOT_FOUND;
	if (sa == NULL) {
		link_acquire(w, policy, m, ip);
		return DP_DROP_OUT_V4_PKT_HIT_IKE_START_SP;
	}
	/* before anything writes to the SA: its owner does, on its own core (handoff.h) */
	if (sa->owner != w->id) {
		*owner = sa->owner;
		return DP_HANDOFF;
	}
	*out = sa;
	if (sa_rt_state(sa) != SA_LIVE)
		return sa_drop(sa, sa_rt_state(sa) == SA_EXPIRED
					   ? DP_DROP_OUT_CD_SW_IPSEC_HARD_EXPIRY
					   : DP_DROP_OUT_V4_PKT_HIT_INVALID_SA);
	if (!sa_ts_covers(sa, ip, false))
		return sa_drop(sa, DP_DROP_OUT_V4_POST_OUTPUT_POLICY_FAIL);
	if (fwd && ip->time_to_live <= 1) {
		link_icmp_inside(w, m, ip, ICMP4_TIME_EXCEEDED, ICMP4_TTL_EXCEEDED, 0);
		return DP_DROP_G_Ipv4TtlExceeded;
	}
	return DP_KEEP;
}

/*
 * Outer IPv4 (and UDP) header from the template; the fields that change per
 * packet but the inner packet's (TOS, DF: the caller's, then the checksum).
 */
static __rte_always_inline struct rte_ipv4_hdr *
out_headers(struct dp_worker *w, const struct sa_ep *ep, uint8_t *data, uint32_t outer_len)
{
	struct rte_ipv4_hdr *oip = (struct rte_ipv4_hdr *)(data + sizeof(struct rte_ether_hdr));

	/*
	 * Two overlapping 32-byte copies instead of a memcpy of a variable
	 * length (a libc call, ~18 instructions a packet): every template is
	 * 34 to 62 bytes (Ethernet and IPv4, IPv4 and UDP, IPv6, IPv6 and UDP;
	 * only the last reaches the template's second cache line, sa.h).
	 */
	RTE_BUILD_BUG_ON(SA_HDR_MAX > 64);
	RTE_ASSERT(ep->hdr_len >= 32);
	memcpy(data, ep->hdr, 32);
	memcpy(data + ep->hdr_len - 32, ep->hdr + ep->hdr_len - 32, 32);
	oip->total_length = rte_cpu_to_be_16((uint16_t)outer_len);
	oip->packet_id = rte_cpu_to_be_16(w->ip_id++);
	if (ep->udp && likely(!ep->v6)) {	/* IPv6's UDP header: out_outer6 */
		struct rte_udp_hdr *udp = (struct rte_udp_hdr *)(oip + 1);

		udp->dgram_len = rte_cpu_to_be_16((uint16_t)(outer_len - sizeof(*oip)));
		udp->dgram_cksum = 0;	/* RFC 3948 section 2.1 */
	}
	return oip;
}

/*
 * An IPv6 outer header (dp_sa_params.family AF_INET6) where out_headers
 * wrote the template: payload length and traffic class; the IPv4 fields
 * out_headers set fall on the IPv6 header and are written over. ESP-in-UDP:
 * the UDP length, its checksum zero until step 3 (OUT_POST_UDP6).
 */
static __rte_noinline void
out_outer6(const struct sa_ep *ep, void *l3, uint32_t outer_len, uint8_t tc, struct out_pkt *st)
{
	struct rte_ipv6_hdr *o6 = l3;

	o6->vtc_flow = rte_cpu_to_be_32(0x60000000u | (uint32_t)tc << 20);
	o6->payload_len = rte_cpu_to_be_16((uint16_t)(outer_len - sizeof(*o6)));
	if (ep->udp) {
		struct rte_udp_hdr *udp = (struct rte_udp_hdr *)(o6 + 1);

		udp->dgram_len = o6->payload_len;
		udp->dgram_cksum = 0;
		st->post |= OUT_POST_UDP6;
	}
}

/*
 * ESP header, IV, padding and trailer around the inner packet already in
 * place. gcm: sa is AES-GCM without ESN (out_encap_sa), its sizes constants.
 */
static __rte_always_inline void
out_esp(struct dp_worker *w, const struct sa_rt *sa, uint8_t *esp, uint32_t tot, uint32_t pad,
	uint8_t nh, const bool gcm)
{
	uint8_t *t = esp + ESP_HDR + (gcm ? SA_GCM_IV : sa->iv_len) + tot;

	uint32_t seq_be = rte_cpu_to_be_32((uint32_t)sa->seq);

	memcpy(esp, &sa->spi_be, 4);
	memcpy(esp + 4, &seq_be, 4);
	if (gcm || (sa->flags & SA_F_AEAD)) {
		/* RFC 4106 section 3.1: the sequence number is a unique IV per key */
		uint64_t iv_be = rte_cpu_to_be_64(sa->seq);

		memcpy(esp + ESP_HDR, &iv_be, 8);
	} else if (sa->iv_len) {
		const uint8_t *iv = cmb_ivgen_next(w->mb, &w->iv);

		if (likely(sa->iv_len == 16))	/* AES-CBC: a fixed copy, not a libc call */
			memcpy(esp + ESP_HDR, iv, 16);
		else
			memcpy(esp + ESP_HDR, iv, sa->iv_len);
	}
	/* the pad length, next header and ICV after the padding: written later */
	esp_pad_fill(t, pad, gcm || pad + 2 + sa->icv_len >= 16);
	t[pad] = (uint8_t)pad;
	t[pad + 1] = nh;
}

/* ESP: the padding, IV and trailer around the inner packet, its crypto set up or done. */
static __rte_always_inline void
out_esp_crypto(struct dp_worker *w, struct sa_rt *sa, struct out_pkt *st, uint32_t tot,
	       uint32_t pad, uint8_t nh, struct cmb_op *op, bool *queued, const bool gcm)
{
	uint32_t hdr = ESP_HDR + (gcm ? SA_GCM_IV : sa->iv_len), ct_len = tot + pad + 2;

	st->icv = st->esp + hdr + ct_len;
	out_esp(w, sa, st->esp, tot, pad, nh, gcm);
	if (gcm || (sa->flags & SA_F_AEAD)) {
		uint8_t nonce[12], aad[12];
		/* without ESN the AAD (SPI || sequence number) is the ESP header as it lies */
		uint32_t aad_len = gcm ? 8 : esp_aad(st->esp, sa->seq, sa->flags & SA_F_ESN, aad);

		esp_gcm_nonce(nonce, sa->salt, st->esp + ESP_HDR);
		cmb_gcm_enc_len(w->mb, sa->keys, sa->aes_key_len, st->esp + hdr, ct_len, nonce,
				gcm ? st->esp : aad, aad_len, st->icv);
		return;
	}
	*op = (struct cmb_op){.buf = st->esp, .k = sa->keys, .iv = st->esp + ESP_HDR,
			      .cipher_off = hdr, .cipher_len = ct_len, .hash_len = hdr + ct_len,
			      .tag = st->icv};
	if (sa->flags & SA_F_ESN) {
		esp_put_be32(st->icv, (uint32_t)(sa->seq >> 32));
		op->hash_len += 4;
		op->tag = st->tag;
	}
	*queued = true;
}

/*
 * The largest inner packet that fits the path MTU after encapsulation with
 * sa (hdr: its ESP header and IV, or its whole AH header): for ESP the
 * ciphertext (packet, padding, pad length, next header) is a whole number of
 * pad blocks, so the room left is rounded down to one before the two trailer
 * bytes come off. What "fragmentation needed" reports.
 */
static uint16_t
out_inner_mtu(struct sa_rt *sa, const struct sa_ep *ep, uint32_t hdr)
{
	uint32_t over = ep->hdr_len - (uint32_t)sizeof(struct rte_ether_hdr) + hdr;
	const struct sa_rt *esp = out_esp_sa(sa);
	uint32_t room;

	if (esp == NULL)	/* AH alone: hdr holds the ICV; nothing follows the packet */
		return ep->mtu > over ? (uint16_t)(ep->mtu - over) : 0;
	over += esp->icv_len;
	if (ep->mtu <= over + 2)
		return 0;
	room = (ep->mtu - over) & ~(esp->pad_block - 1u);
	return room > 2 ? (uint16_t)(room - 2) : 0;
}

/*
 * "ip tcp adjust-mss" of the inside interface the packet came in on, before
 * the packet disappears into the ESP (after the last drop, so that a packet
 * dropped is counted as it came). A forwarded packet whose mbuf names no
 * port (RTE_MBUF_PORT_INVALID: not from an RX queue, e.g. a benchmark's or
 * a test's) has no interface to take the setting from.
 */
static inline void
out_adjust_mss(struct dp_worker *w, const struct rte_mbuf *m, struct rte_ipv4_hdr *ip,
	       uint32_t tot)
{
	uint32_t avail = rte_pktmbuf_data_len(m) - m->l2_len;
	uint8_t pi;

	/* tcp_mss_adjust's first test, before the port is looked up: most traffic is not TCP */
	if (ip->next_proto_id != IPPROTO_TCP || unlikely(m->port >= RTE_MAX_ETHPORTS))
		return;
	pi = w->dp->port_index[m->port];
	if (unlikely(pi >= w->dp->n_ports))
		return;
	if (tcp_mss_adjust(ip, RTE_MIN(avail, tot), w->dp->ports[pi].tcp_mss))
		ctr_add(&w->stats.port[pi].mss_adjusted, 1);
}

/* out_adjust_mss for an IPv6 packet: the interface's tcp_adjust_mss6. */
static __rte_noinline void
out_adjust_mss6(struct dp_worker *w, const struct rte_mbuf *m, struct rte_ipv6_hdr *ip6,
		uint32_t tot)
{
	uint32_t avail = rte_pktmbuf_data_len(m) - m->l2_len;
	uint8_t pi;

	if (m->port >= RTE_MAX_ETHPORTS)
		return;
	pi = w->dp->port_index[m->port];
	if (pi >= w->dp->n_ports)
		return;
	if (tcp_mss_adjust6(ip6, RTE_MIN(avail, tot), w->dp->ports[pi].tcp_mss6))
		ctr_add(&w->stats.port[pi].mss_adjusted, 1);
}

/*
 * ESP header and IV, or the whole AH header, or both (a bundle): what goes
 * between the outer header and the packet.
 */
static inline uint32_t
out_hdr_len(const struct sa_rt *sa)
{
	if (!(sa->flags & SA_F_AH))
		return ESP_HDR + (uint32_t)sa->iv_len;
	if (sa->flags & SA_F_AH_ESP)
		return (uint32_t)ah_hdr_len(sa) + ESP_HDR + sa->inner->iv_len;
	return (uint32_t)ah_hdr_len(sa);
}

/*
 * Can the encapsulated packet (outer_len bytes, a plain 20-byte outer
 * header) be cut into FRAG4_MAX fragments at mtu (after-encryption)?
 */
static inline bool
out_fragmentable(uint32_t outer_len, uint16_t mtu)
{
	uint32_t step = ((uint32_t)mtu - sizeof(struct rte_ipv4_hdr)) & ~7u;

	return step > 0 && (outer_len - sizeof(struct rte_ipv4_hdr) + step - 1) / step <= FRAG4_MAX;
}

/*
 * Can the encapsulated packet (outer_len bytes) be fragmented on the way
 * out (worker.c tx_fragments)? An IPv6 outer packet is cut by frag6.c to
 * the SA's path MTU, which m carries there in tso_segsz (dataplane.h,
 * PKT_FRAGMENT); an IPv4 one by frag4.c.
 */
static bool
out_outer_frag_ok(struct rte_mbuf *m, const struct sa_ep *ep, uint32_t outer_len)
{
	if (!ep->v6)
		return out_fragmentable(outer_len, ep->mtu);
	m->tso_segsz = ep->mtu;
	return frag6_fits(outer_len, ep->mtu);
}

/*
 * Larger than the egress MTU once encapsulated (outer_len bytes). DF set:
 * dropped, and the sender told the tunnel's MTU (RFC 1191). DF clear, "crypto
 * ipsec fragmentation" decides: before-encryption (the IOS default) returns
 * OUT_SPLIT, to fragment the packet and encrypt each fragment
 * (esp_out_split); after-encryption returns DP_KEEP with *outer_frag, to
 * encrypt it whole and fragment the outer packet on the way out (RFC 4303
 * section 3.3.5). A piece of a split packet never comes here larger than
 * its MTU (out_inner_mtu) unless the SA changed under it.
 */
static dp_drop_t
out_too_big(struct dp_worker *w, struct rte_mbuf *m, const struct rte_ipv4_hdr *ip,
	    struct sa_rt *sa, const struct sa_ep *ep, uint32_t outer_len, bool *outer_frag,
	    const bool fwd, const bool piece)
{
	uint16_t inner_mtu = out_inner_mtu(sa, ep, out_hdr_len(sa));

	if (ip->fragment_offset & rte_cpu_to_be_16(RTE_IPV4_HDR_DF_FLAG)) {
		/* RFC 1191: the sender learns the tunnel's MTU and sends smaller */
		if (fwd)
			link_icmp_inside(w, m, ip, ICMP4_UNREACH, ICMP4_UNREACH_NEEDFRAG, inner_mtu);
		return sa_drop(sa, DP_DROP_OUT_CANNOT_FRAG_DF_SET_PKT);
	}
	if (piece)
		return sa_drop(sa, DP_DROP_OUT_INFRA_V4_PKT_LEN_TOO_BIG);
	if (w->dp->cfg->ipsec.fragmentation == CFG_FRAG_AFTER) {
		if (!out_outer_frag_ok(m, ep, outer_len))
			return sa_drop(sa, DP_DROP_OUT_INFRA_V4_PKT_LEN_TOO_BIG);
		*outer_frag = true;
		return DP_KEEP;
	}
	/* options that cannot be walked (inside packets are not checked for them), > FRAG4_MAX */
	return frag4_check(ip, inner_mtu) == DP_KEEP
		       ? OUT_SPLIT
		       : sa_drop(sa, DP_DROP_OUT_INFRA_V4_PKT_LEN_TOO_BIG);
}

/*
 * An IPv6 packet (tot bytes) larger than the tunnel once encapsulated
 * (outer_len bytes). The tunnel is a link to it (RFC 2473 section 7.1, RFC
 * 4459 section 3): a packet of at most 1280 bytes, the least every IPv6 link
 * carries (RFC 8200 section 5), must get through, so the outer packet is
 * fragmented on the way out, whatever "crypto ipsec fragmentation" says;
 * with after-encryption every packet is, as an IPv4 one with DF clear.
 * Otherwise (or past the fragments' bound) it is dropped and the sender told
 * the tunnel's MTU in an ICMPv6 Packet Too Big (RFC 4443 3.2, RFC 8201),
 * never below 1280. Never fragmented before encryption: IPv6 is not
 * fragmented on the way (RFC 8200 section 5).
 */
static __rte_noinline dp_drop_t
out_too_big6(struct dp_worker *w, struct rte_mbuf *m, const struct rte_ipv6_hdr *ip6,
	     struct sa_rt *sa, const struct sa_ep *ep, uint32_t tot, uint32_t outer_len,
	     bool *outer_frag, const bool fwd)
{
	uint16_t mtu = out_inner_mtu(sa, ep, out_hdr_len(sa));

	if ((tot <= ICMP6_MIN_MTU || w->dp->cfg->ipsec.fragmentation == CFG_FRAG_AFTER) &&
	    out_outer_frag_ok(m, ep, outer_len)) {
		*outer_frag = true;
		return DP_KEEP;
	}
	if (fwd)
		link_icmp6_inside(w, m, ip6, ICMP6_PACKET_TOO_BIG, 0, RTE_MAX(mtu, ICMP6_MIN_MTU));
	return sa_drop(sa, DP_DROP_OUT_INFRA_V6_PKT_LEN_TOO_BIG);
}

/*
 * Step 1 for one packet and its SA. On success the packet is fully
 * encapsulated and, for AES-GCM, encrypted; for CBC/NULL and AH *op is
 * filled for the bursts. OUT_SPLIT: to be fragmented before encryption, the
 * packet untouched but for its TTL (forwarded) and MSS. piece: a fragment of
 * such a packet, under the SA the whole was checked against. bundle: sa is
 * an AH+ESP bundle's AH SA (instantiated apart, so that ESP alone and AH
 * alone pay nothing for it). v6: the packet is IPv6 (out_encap6; instantiated
 * apart too), never split: IPv6 is not fragmented on the way (RFC 8200
 * section 5); too big is dropped, or its outer packet fragmented
 * (out_too_big6). gcm: sa is ESP with AES-GCM and no ESN, its sizes
 * (SA_GCM_*) constants: the instance most tunnels take, with no test of the
 * transform per packet.
 */
static __rte_always_inline dp_drop_t
out_encap_body(struct dp_worker *w, struct rte_mbuf *m, struct rte_ipv4_hdr *ip,
	       struct sa_rt *sa, struct out_pkt *st, struct cmb_op *op, bool *queued,
	       const bool fwd, const bool piece, const bool bundle, const bool v6, const bool gcm)
{
	struct rte_ipv6_hdr *ip6 = (struct rte_ipv6_hdr *)ip;
	uint32_t tot = v6 ? sizeof(*ip6) + rte_be_to_cpu_16(ip6->payload_len)
			  : rte_be_to_cpu_16(ip->total_length);
	uint32_t pad = 0, tail = 0, room, outer_len, grow;
	uint32_t hdr = gcm ? ESP_HDR + SA_GCM_IV : out_hdr_len(sa);
	const struct sa_ep *ep = sa_rt_ep(sa);	/* one template for the whole packet (sa.h) */
	struct sa_rt *esp = gcm ? sa : bundle ? sa->inner : sa->flags & SA_F_AH ? NULL : sa;
	bool outer_frag = false;
	uint8_t *data;

	/* a bundle's ESP SA has its own lifetime (sa_rt.inner: same owner) */
	if (bundle && sa_rt_state(esp) != SA_LIVE)
		return sa_drop(esp, sa_rt_state(esp) == SA_EXPIRED
					    ? DP_DROP_OUT_CD_SW_IPSEC_HARD_EXPIRY
					    : DP_DROP_OUT_V4_PKT_HIT_INVALID_SA);

	if (esp != NULL) {
		uint32_t blk = gcm ? SA_GCM_PAD_BLOCK : esp->pad_block;

		pad = (blk - ((tot + 2) & (blk - 1u))) & (blk - 1u);
		tail = pad + 2 + (gcm ? SA_GCM_ICV : esp->icv_len);
	}
	/* AH: a header, no trailer; with ESN 4 bytes of scratch past the end */
	room = tail + (!gcm && (sa->flags & (SA_F_AH | SA_F_ESN)) == (SA_F_AH | SA_F_ESN) ? 4 : 0);
	outer_len = ep->hdr_len - (uint32_t)sizeof(struct rte_ether_hdr) + hdr + tot + tail;
	if (v6 && outer_len > ep->mtu) {
		dp_drop_t why = out_too_big6(w, m, ip6, sa, ep, tot, outer_len, &outer_frag, fwd);

		if (why != DP_KEEP)
			return why;
	}
	if (!v6 && outer_len > ep->mtu) {
		dp_drop_t why = out_too_big(w, m, ip, sa, ep, outer_len, &outer_frag, fwd, piece);

		if (why == OUT_SPLIT && fwd) {
			out_adjust_mss(w, m, ip, tot);
			esp_ttl_dec(ip);	/* once, for all its fragments */
		}
		if (why != DP_KEEP)
			return why;
	}
	if (sa->seq == sa->seq_max)
		return sa_drop(sa, DP_DROP_OUT_CD_SW_IPSEC_DETECT_SEQ_OVEFLOW);
	if (bundle && esp->seq == esp->seq_max)
		return sa_drop(esp, DP_DROP_OUT_CD_SW_IPSEC_DETECT_SEQ_OVEFLOW);
	/*
	 * Room for the outer headers before the packet and for the trailer
	 * after it: bytes after the IP packet (Ethernet padding of a short
	 * frame, a trailer) are not protected and make room for the ESP
	 * trailer. One segment, as everything the dataplane receives (classify
	 * drops chains) or builds: ESP is made in place, in one piece. The
	 * lengths change after the last check, so that a frame dropped here is
	 * counted as it was received.
	 */
	grow = ep->hdr_len + hdr - m->l2_len;
	if (m->nb_segs != 1 || m->data_off < grow ||
	    (uint32_t)m->data_off + m->l2_len + tot + room > m->buf_len)
		return sa_drop(sa, DP_DROP_PKT_BUFFER_UNAVAILABLE);
	if (fwd && !v6)
		out_adjust_mss(w, m, ip, tot);
	else if (fwd)
		out_adjust_mss6(w, m, ip6, tot);

	sa->seq++;
	if (bundle) {
		sa_owner_check(esp, w->id);
		esp->seq++;
	}
	if (fwd && v6)
		ip6->hop_limits--;
	else if (fwd)
		esp_ttl_dec(ip);
	/* the outer headers in front, the trailer behind, anything past the packet cut off */
	m->data_off = (uint16_t)(m->data_off - grow);
	m->data_len = (uint16_t)(ep->hdr_len + hdr + tot + tail);
	m->pkt_len = m->data_len;
	data = rte_pktmbuf_mtod(m, uint8_t *);
	st->oip = out_headers(w, ep, data, outer_len);
	/* DSCP and ECN copied (RFC 6040); DF copied from IPv4, clear for IPv6 */
	if (unlikely(ep->v6)) {
		/* st->oip points at the IPv6 header: ah_out_fill tells it by its version */
		out_outer6(ep, st->oip, outer_len,
			   v6 ? (uint8_t)(rte_be_to_cpu_32(ip6->vtc_flow) >> 20)
			      : ip->type_of_service, st);
	} else if (v6) {
		st->oip->type_of_service = (uint8_t)(rte_be_to_cpu_32(ip6->vtc_flow) >> 20);
		st->oip->fragment_offset = 0;
	} else {
		st->oip->type_of_service = ip->type_of_service;
		st->oip->fragment_offset =
			ip->fragment_offset & rte_cpu_to_be_16(RTE_IPV4_HDR_DF_FLAG);
	}
	if (likely(!ep->v6))
		ip4_cksum_set_from_fixed(st->oip);
	st->esp = data + ep->hdr_len + (bundle ? ah_hdr_len(sa) : 0);
	if (esp == NULL) {
		ah_out_fill(sa, st->oip, outer_len, &st->ah, op, st->tag);
		if (v6)
			st->esp[0] = NH_IPV6;	/* AH's next header, before its HMAC (step 2) */
		*queued = true;
	} else {
		out_esp_crypto(w, esp, st, tot, pad, v6 ? NH_IPV6 : NH_IPV4, op, queued, gcm);
	}
	/* the AH header and its ICV input now; its HMAC after ESP's (out_bundle_ah) */
	if (bundle)
		ah_out_fill(sa, st->oip, outer_len, &st->ah, &st->ah_op, st->ah_tag);
	m->l2_len = sizeof(struct rte_ether_hdr);
	pkt_set_egress(m, ep->tx_port);
	if (outer_frag)
		m->hash.usr |= PKT_FRAGMENT;	/* after-encryption: worker.c fragments it */
	st->tot = tot;
	return DP_KEEP;
}

/* A bundle's packet: out_encap_body apart; st->post says whether its AH is still to sign. */
static __rte_noinline dp_drop_t
out_encap_bundle(struct dp_worker *w, struct rte_mbuf *m, struct rte_ipv4_hdr *ip,
		 struct sa_rt *sa, struct out_pkt *st, struct cmb_op *op, bool *queued, bool fwd,
		 bool piece)
{
	dp_drop_t why = out_encap_body(w, m, ip, sa, st, op, queued, fwd, piece, true, false,
				       false);

	if (why == DP_KEEP)
		st->post |= OUT_POST_AH;
	return why;
}

/*
 * out_encap_body for sa, the instance its transform needs (decided at
 * install: the flags do not change); the caller set st->post 0. A piece of
 * a split packet takes the general one (a slow path: no third copy).
 */
static __rte_always_inline dp_drop_t
out_encap_sa(struct dp_worker *w, struct rte_mbuf *m, struct rte_ipv4_hdr *ip, struct sa_rt *sa,
	     struct out_pkt *st, struct cmb_op *op, bool *queued, const bool fwd, const bool piece)
{
	if (!piece && likely((sa->flags & (SA_F_AH | SA_F_AEAD | SA_F_ESN)) == SA_F_AEAD))
		return out_encap_body(w, m, ip, sa, st, op, queued, fwd, false, false, false, true);
	if (unlikely(sa->flags & SA_F_AH_ESP))
		return out_encap_bundle(w, m, ip, sa, st, op, queued, fwd, piece);
	return out_encap_body(w, m, ip, sa, st, op, queued, fwd, piece, false, false, false);
}

/*
 * The policy of an IPv6 packet from the protected side: a route into an
 * ipsec ipv6 tunnel decides first (out_policy's reasoning), else the crypto
 * maps' IPv6 lines. The route lookup costs only a configuration with tunnels.
 */
static inline uint32_t
out_policy6(const struct dp *dp, const struct rte_ipv6_hdr *ip6, const struct spd_flow6 *f)
{
	if (dp->spd->n_tunnels != 0) {
		uint32_t t = route_tunnel6(dp->route, ip6->dst_addr);

		if (t != CFG_NONE)
			return dp->spd->first_tunnel + t;
	}
	return spd_match_out6(dp->spd, f);
}

/*
 * out_select for an IPv6 packet from the protected side (classify_ipv6 kept
 * it: payload length checked): the extension headers walked to the
 * upper-layer protocol and ports, the tunnel route or the crypto maps' IPv6
 * lines, the SA and its negotiated IPv6 selectors (57 when they do not
 * cover the packet: the peer narrowed them). An entry or IKE-keyed tunnel
 * without an SA asks IKE for one (link_acquire6, drop 38), as for IPv4; an
 * ipsec ipv6 tunnel keyed by hand without one drops the packet (112, 111's
 * IPv6 twin: nothing leaves in clear).
 */
static dp_drop_t
out_select6(struct dp_worker *w, const struct rte_mbuf *m, const struct rte_ipv6_hdr *ip6,
	    struct sa_rt **out, uint16_t *owner, const bool fwd)
{
	struct spd_flow6 f;
	uint32_t policy;
	struct sa_rt *sa;

	if (!spd_flow6_of(ip6, &f))
		return DP_DROP_G_Ipv6HdrErr;
	policy = out_policy6(w->dp, ip6, &f);
	if (policy == CFG_NONE) {
		/* no crypto map line, and no clear path out: RFC 4443 3.1 code 0 */
		if (fwd)
			link_icmp6_inside(w, m, ip6, ICMP6_DST_UNREACH, ICMP6_UNREACH_NOROUTE, 0);
		return DP_DROP_G_Ipv6NoRoute;
	}
	if (policy == SPD_DENY)
		return DP_DROP_OUT_V6_PKT_HIT_DENY_DROP_SP;
	sa = spd_out_sa(w->dp->spd, policy);
	if (sa == NULL && spd_is_tunnel(w->dp->spd, policy) && !tunnel_by_ike(w->dp, policy))
		return DP_DROP_OUT_IPV6_SA_NOT_FOUND;
	if (sa == NULL) {
		link_acquire6(w, policy, m, ip6);
		return DP_DROP_OUT_V6_PKT_HIT_IKE_START_SP;
	}
	if (sa->owner != w->id) {
		*owner = sa->owner;
		return DP_HANDOFF;
	}
	*out = sa;
	if (sa_rt_state(sa) != SA_LIVE)
		return sa_drop(sa, sa_rt_state(sa) == SA_EXPIRED
					   ? DP_DROP_OUT_CD_SW_IPSEC_HARD_EXPIRY
					   : DP_DROP_OUT_V6_PKT_HIT_INVALID_SA);
	if (!sa_ts_covers6(sa, &f, false))
		return sa_drop(sa, DP_DROP_OUT_V6_POST_OUTPUT_POLICY_FAIL);
	if (fwd && ip6->hop_limits <= 1) {
		link_icmp6_inside(w, m, ip6, ICMP6_TIME_EXCEEDED, ICMP6_HOPLIMIT_EXCEEDED, 0);
		return DP_DROP_G_Ipv6HopLimitExceeded;
	}
	return DP_KEEP;
}

/* Step 1 for an IPv6 packet: out_select6, then out_encap_body's IPv6 instances. */
static __rte_noinline dp_drop_t
out_encap6(struct dp_worker *w, struct rte_mbuf *m, struct sa_rt **sap, struct out_pkt *st,
	   struct cmb_op *op, bool *queued, const bool fwd)
{
	struct rte_ipv6_hdr *ip6 = rte_pktmbuf_mtod_offset(m, struct rte_ipv6_hdr *, m->l2_len);
	struct sa_rt *sa = NULL;
	uint16_t owner = 0;
	dp_drop_t why = out_select6(w, m, ip6, &sa, &owner, fwd);

	*sap = sa;
	if (why == DP_HANDOFF) {
		pkt_set_handoff(m, owner, fwd ? PKT_HO_OUT : PKT_HO_LOCAL);
		return why;
	}
	if (sa != NULL)
		sa_owner_check(sa, w->id);
	if (why != DP_KEEP)
		return why;
	if (sa->flags & SA_F_AH_ESP) {
		why = out_encap_body(w, m, (struct rte_ipv4_hdr *)ip6, sa, st, op, queued, fwd,
				     false, true, true, false);
		if (why == DP_KEEP)
			st->post |= OUT_POST_AH;
		return why;
	}
	return out_encap_body(w, m, (struct rte_ipv4_hdr *)ip6, sa, st, op, queued, fwd, false,
			      false, true, false);
}

/* Step 1: the policy and SA, then out_encap_sa(). */
static inline dp_drop_t
out_encap(struct dp_worker *w, struct rte_mbuf *m, struct out_memo *mo, struct sa_rt **sap,
	  struct out_pkt *st, struct cmb_op *op, bool *queued, const bool fwd)
{
	struct rte_ipv4_hdr *ip = rte_pktmbuf_mtod_offset(m, struct rte_ipv4_hdr *, m->l2_len);
	struct sa_rt *sa = NULL;
	uint16_t owner = 0;
	dp_drop_t why;

	*queued = false;
	st->post = 0;
	/* classify_ipv6 kept it; an IPv4 packet was validated as version 4 */
	if (unlikely((ip->version_ihl >> 4) == 6))
		return out_encap6(w, m, sap, st, op, queued, fwd);
	why = out_select(w, m, ip, mo, &sa, &owner, fwd);
	*sap = sa;
	if (why == DP_HANDOFF) {
		pkt_set_handoff(m, owner, fwd ? PKT_HO_OUT : PKT_HO_LOCAL);
		return why;
	}
	if (sa != NULL)
		sa_owner_check(sa, w->id);
	if (why != DP_KEEP)
		return why;
	return out_encap_sa(w, m, ip, sa, st, op, queued, fwd, false);
}

/* Step 3, ESP-in-UDP over IPv6: the UDP checksum of each kept packet (RFC 8200 section 8.1). */
static void
out_udp6_cksum(struct out_pkt *st, uint16_t n, const dp_drop_t *reason)
{
	for (uint16_t i = 0; i < n; i++) {
		if (reason[i] == DP_KEEP && (st[i].post & OUT_POST_UDP6)) {
			struct rte_ipv6_hdr *o6 = (struct rte_ipv6_hdr *)st[i].oip;
			struct rte_udp_hdr *udp = (struct rte_udp_hdr *)(o6 + 1);

			udp6_cksum_set(o6, udp);
		}
	}
}

/*
 * Step 3, AH+ESP bundles: the AH HMAC burst over the n packets' finished
 * ESP (kept ones only), then their AH headers made whole. Then the UDP
 * checksums of ESP-in-UDP over IPv6 (never in a bundle).
 */
static __rte_noinline void
out_post(struct dp_worker *w, struct sa_rt **sa, struct out_pkt *st, uint16_t n,
	 dp_drop_t *reason)
{
	struct cmb_op ops[OUT_OPS_MAX];
	uint16_t idx[OUT_OPS_MAX];
	unsigned int k = 0;

	out_udp6_cksum(st, n, reason);
	for (uint16_t i = 0; i < n; i++) {
		if (reason[i] == DP_KEEP && (st[i].post & OUT_POST_AH)) {
			ops[k] = st[i].ah_op;
			idx[k++] = i;
		}
	}
	if (k == 0)
		return;
	cmb_hmac_burst(w->mb, ops, k);
	for (unsigned int j = 0; j < k; j++) {
		uint16_t i = idx[j];

		if (ops[j].failed)
			reason[i] = sa_drop(sa[i], DP_DROP_OUT_UNEXP_CD_SW_IPSEC_EXCEPTION);
		else
			ah_out_finish(sa[i], st[i].oip, &st[i].ah, st[i].ah_tag);
	}
}

/*
 * Step 2: CBC and HMAC bursts for the nops packets idx[] names; their AH
 * headers made whole. Then step 3 for the packets among the n that need it.
 */
static __rte_always_inline void
out_crypto(struct dp_worker *w, struct sa_rt **sa, struct out_pkt *st, struct cmb_op *ops,
	   const uint16_t *idx, unsigned int nops, dp_drop_t *reason, uint16_t n, uint8_t post)
{
	if (nops == 0)
		goto post;	/* AES-GCM bundles still have their AH to sign */
	cmb_cbc_burst(w->mb, ops, nops, true);
	cmb_hmac_burst(w->mb, ops, nops);
	for (unsigned int j = 0; j < nops; j++) {
		uint16_t i = idx[j];
		const struct sa_rt *esp = out_esp_sa(sa[i]);

		if (ops[j].failed)	/* never send what was not encrypted and signed */
			reason[i] = sa_drop(sa[i], DP_DROP_OUT_UNEXP_CD_SW_IPSEC_EXCEPTION);
		else if (esp == NULL)
			ah_out_finish(sa[i], st[i].oip, &st[i].ah, st[i].tag);
		else if (ops[j].tag != st[i].icv)
			memcpy(st[i].icv, st[i].tag, esp->icv_len);
	}
post:
	if (post)
		out_post(w, sa, st, n, reason);
}

/* The packet's inner bytes on its SA's counters (and on a bundle's ESP SA, acc_esp). */
static inline void
out_count(struct dp_worker *w, struct sa_acc *acc, struct sa_acc *acc_esp, struct sa_rt *sa,
	  uint32_t tot)
{
	sa_acc_add(w, acc, sa, tot);
	if (sa->flags & SA_F_AH_ESP)
		sa_acc_add(w, acc_esp, sa->inner, tot);
}

static inline uint16_t
out_burst(struct dp_worker *w, struct rte_mbuf **pkts, uint16_t n, dp_drop_t *reason,
	  const bool fwd)
{
	struct sa_rt *sa[DP_BURST_MAX];
	struct out_pkt st[DP_BURST_MAX];
	struct cmb_op ops[DP_BURST_MAX];
	uint16_t idx[DP_BURST_MAX];
	struct sa_acc acc = {0}, acc_esp = {0};
	struct out_memo mo;
	unsigned int nops = 0;
	uint16_t kept = 0;
	uint8_t post = 0;

	out_memo_init(&mo);
	for (uint16_t i = 0; i < n; i++) {
		bool queued;

		reason[i] = out_encap(w, pkts[i], &mo, &sa[i], &st[i], &ops[nops], &queued, fwd);
		post |= st[i].post;
		if (queued)
			idx[nops++] = i;
	}
	out_crypto(w, sa, st, ops, idx, nops, reason, n, post);
	for (uint16_t i = 0; i < n; i++) {
		if (reason[i] == OUT_SPLIT) {
			/* kept whole for now: its fragments are counted as they are encrypted */
			pkts[i]->hash.usr = PKT_SPLIT;
			reason[i] = DP_KEEP;
			kept++;
		} else if (reason[i] == DP_KEEP) {
			out_count(w, &acc, &acc_esp, sa[i], st[i].tot);
			kept++;
		}
	}
	sa_acc_flush(w, &acc);
	sa_acc_flush(w, &acc_esp);
	/* nothing dropped (the common burst): nothing to move */
	return kept == n ? n : dp_burst_compact(pkts, reason, n);
}

unsigned int
esp_out_split(struct dp_worker *w, struct rte_mbuf *m, struct rte_mbuf **out, dp_drop_t *reason,
	      unsigned int *n_good)
{
	struct rte_ipv4_hdr *ip = rte_pktmbuf_mtod_offset(m, struct rte_ipv4_hdr *, m->l2_len);
	struct sa_rt *sa = NULL, *sas[FRAG4_MAX];
	struct out_pkt st[FRAG4_MAX];
	struct cmb_op ops[FRAG4_MAX];
	uint16_t idx[FRAG4_MAX], mtu;
	struct sa_acc acc = {0}, acc_esp = {0};
	unsigned int n, nops = 0;
	struct out_memo mo;
	uint16_t owner = 0;
	uint8_t post = 0;

	*n_good = 0;
	out_memo_init(&mo);
	/* the SA it was checked against: the same lookup, within the same burst */
	reason[0] = out_select(w, m, ip, &mo, &sa, &owner, false);
	/*
	 * A rekey between the burst and now gave the policy an SA another worker
	 * owns: the packet (its TTL already spent) is not run through the stage
	 * again there; it counts as having hit an SA no longer in force.
	 */
	if (reason[0] == DP_HANDOFF)
		reason[0] = DP_DROP_OUT_V4_PKT_HIT_INVALID_SA;
	if (reason[0] != DP_KEEP)
		return 0;
	mtu = out_inner_mtu(sa, sa_rt_ep(sa), out_hdr_len(sa));
	if (frag4_check(ip, mtu) != DP_KEEP) {
		reason[0] = sa_drop(sa, DP_DROP_OUT_INFRA_V4_PKT_LEN_TOO_BIG);
		return 0;
	}
	n = frag4_split(m, w->dp->pool, mtu, out);
	if (n == 0) {
		reason[0] = DP_DROP_G_IpFragErr;
		return 0;
	}
	for (unsigned int j = 0; j < n; j++) {
		bool queued = false;

		sas[j] = sa;
		st[j].post = 0;
		reason[j] = out_encap_sa(w, out[j],
					 rte_pktmbuf_mtod_offset(out[j], struct rte_ipv4_hdr *,
								 out[j]->l2_len),
					 sa, &st[j], &ops[nops], &queued, false, true);
		post |= st[j].post;
		if (queued)
			idx[nops++] = (uint16_t)j;
	}
	out_crypto(w, sas, st, ops, idx, nops, reason, (uint16_t)n, post);
	for (unsigned int j = 0; j < n; j++)
		if (reason[j] == DP_KEEP)
			out_count(w, &acc, &acc_esp, sa, st[j].tot);
	sa_acc_flush(w, &acc);
	sa_acc_flush(w, &acc_esp);
	*n_good = dp_burst_compact(out, reason, (uint16_t)n);
	return n;
}

uint16_t
esp_out_burst(struct dp_worker *w, struct rte_mbuf **pkts, uint16_t n, dp_drop_t *reason)
{
	return out_burst(w, pkts, n, reason, true);
}

uint16_t
esp_out_local_burst(struct dp_worker *w, struct rte_mbuf **pkts, uint16_t n, dp_drop_t *reason)
{
	return out_burst(w, pkts, n, reason, false);
}
