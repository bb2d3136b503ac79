/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Inbound ESP, tunnel mode, IPv4 (RFC 4303 section 3.4), one burst at a time:
 *
 *   1. gather the SPIs and look them all up in one bulk hash lookup;
 *   2. per packet: SA state, encapsulation, lengths, replay check, then
 *      AES-GCM decrypt + tag check (one-shot) and the replay commit, or queue
 *      the HMAC (CBC/NULL, only for packets the replay check let through);
 *   3. CBC/NULL SAs: one HMAC burst, compare ICVs, one CBC decrypt burst for
 *      those that verified (ICV before decryption, RFC 4303 section 3.4.4.1);
 *   4. per packet, in order: CBC/NULL replay verdict and commit, padding and
 *      next header, inner IPv4 header, SA policy, TTL, route, broadcast, MTU
 *      and new L2 header.
 *
 * Anti-replay is decided per packet, in burst order, against the window as
 * the packets before it left it (RFC 4303 section 3.4.3: check, verify,
 * commit, packet after packet), whatever the cipher: 19 for a number already
 * received inside the window, 116 for one left of it. AES-GCM packets are
 * checked and committed one by one in step 2. The CBC/NULL HMACs run as a
 * batch against the window as it stood at the start of the burst, so the
 * verdict is taken again in step 4, in the packet's turn; if the window has
 * moved so far since that ESN infers other high bits (RFC 4303 A2.2), the
 * packet is verified again on its own with those, as AES-GCM would have.
 *
 * Every rejected packet gets its reason; per-SA error counters move here
 * because this is where the SA is at hand.
 */
#include <rte_ether.h>
#include <rte_ip.h>
#include <rte_udp.h>

#include "dpsec/secret.h"

#include "dataplane.h"
#include "esp.h"
#include "frag4.h"
#include "ip4_cksum.h"
#include "route.h"
#include "sa.h"
#include "sa_ts.h"
#include "sad.h"
#include "spd.h"

#define ESP_HDR 8	/* SPI + sequence number */
#define NH_IPV4 4	/* IP-in-IP: tunnel mode, RFC 4303 section 2.6 */
#define NH_NONE 59	/* dummy packet (traffic flow confidentiality) */

/* Where a CBC/NULL packet stands after step 3. */
enum in_auth {
	IN_UNVERIFIED,		/* refused by the replay check in step 2: no HMAC run */
	IN_ICV_BAD,		/* the ICV did not verify (or the library could not compute it) */
	IN_DECRYPT_FAILED,	/* verified; the library failed the decryption */
	IN_PLAIN,		/* verified and decrypted */
};

struct in_pkt {
	uint8_t *esp;
	uint32_t ct_len;
	uint64_t seq;			/* the 64-bit number the ICV is checked with */
	uint8_t auth;			/* CBC/NULL: enum in_auth */
	uint8_t icv[DP_ICV_MAX];	/* received ICV, saved before ESN bits overwrite it */
	uint8_t tag[DP_ICV_MAX];	/* computed ICV */
};

/*
 * ESP bytes in a classified packet: the IP payload, or for ESP-in-UDP the
 * UDP payload (classify checked the UDP length against the IP length).
 */
static inline uint32_t
esp_length(const struct rte_mbuf *m)
{
	const struct rte_ipv4_hdr *ip =
		rte_pktmbuf_mtod_offset(m, const struct rte_ipv4_hdr *, m->l2_len);
	const struct rte_udp_hdr *udp;

	if (m->l4_len == 0)
		return rte_be_to_cpu_16(ip->total_length) - m->l3_len;
	udp = rte_pktmbuf_mtod_offset(m, const struct rte_udp_hdr *, m->l2_len + m->l3_len);
	return rte_be_to_cpu_16(udp->dgram_len) - m->l4_len;
}

static inline uint8_t *
esp_of(struct rte_mbuf *m)
{
	return rte_pktmbuf_mtod_offset(m, uint8_t *, m->l2_len + m->l3_len + m->l4_len);
}

/*
 * Anti-replay and ICV failures are counted against the SA and, rate-limited
 * per SA, reported to the control thread (%IPSEC-3-REPLAY_ERROR,
 * %CRYPTO-4-RECVD_PKT_MAC_ERR), side by side.
 */
static dp_drop_t
replay_drop(struct dp_worker *w, struct sa_rt *sa, const struct rte_mbuf *m,
	    enum replay_verdict v, uint64_t seq)
{
	link_sa_event(w, sa, m, DP_EV_REPLAY, seq);
	return sa_drop(sa, v == REPLAY_DUPLICATE ? DP_DROP_IN_CD_SW_IPSEC_ANTI_REPLAY_FAIL
						 : DP_DROP_CD_IN_PKT_OUT_OF_WINDOW);
}

static dp_drop_t
mac_drop(struct dp_worker *w, struct sa_rt *sa, const struct rte_mbuf *m, uint64_t seq)
{
	link_sa_event(w, sa, m, DP_EV_MAC, seq);
	return sa_drop(sa, DP_DROP_IN_CD_SW_IPSEC_MAC_EXCEPTION);
}

/* Step 2 before any crypto: SA state, encapsulation, lengths. */
static dp_drop_t
in_check(const struct dp_worker *w, struct sa_rt *sa, const struct rte_mbuf *m, struct in_pkt *st)
{
	uint32_t esp_len = esp_length(m);
	uint32_t hdr = ESP_HDR + sa->iv_len;

	sa_owner_check(sa, w->id);
	if (sa_rt_state(sa) != SA_LIVE)
		return sa_drop(sa, sa_rt_state(sa) == SA_EXPIRED
					   ? DP_DROP_IN_CD_SW_IPSEC_HARD_EXPIRY
					   : DP_DROP_IN_V4_PKT_HIT_INVALID_SA);
	if (sa_rt_udp(sa) != (m->l4_len != 0))
		return sa_drop(sa, DP_DROP_IN_NAT_DEMUX_FAIL);
	if (esp_len < hdr + sa->icv_len + 2)
		return sa_drop(sa, DP_DROP_IN_ESP_TRUNCATED);
	st->ct_len = esp_len - hdr - sa->icv_len;
	if (st->ct_len & (sa->pad_block - 1u))
		return sa_drop(sa, DP_DROP_IN_ESP_BAD_BLOCK_LEN);
	return DP_KEEP;
}

/* The window's verdict on the packet's number as it stands now; *full gets the 64-bit number. */
static inline enum replay_verdict
in_replay_check(const struct sa_rt *sa, const struct in_pkt *st, uint64_t *full)
{
	rte_be32_t seq_be;

	/* ESP sits 2 bytes past a 4-byte boundary behind Ethernet + IPv4: no 32-bit load */
	memcpy(&seq_be, st->esp + 4, sizeof(seq_be));
	return replay_check(&sa->replay, sa->replay_bmp, rte_be_to_cpu_32(seq_be),
			    sa->flags & SA_F_ESN, full);
}

static dp_drop_t
in_gcm(struct dp_worker *w, struct sa_rt *sa, const struct rte_mbuf *m, struct in_pkt *st)
{
	uint32_t hdr = ESP_HDR + sa->iv_len;
	uint8_t nonce[12], aad[12];
	uint32_t aad_len = esp_aad(st->esp, st->seq, sa->flags & SA_F_ESN, aad);

	esp_gcm_nonce(nonce, sa->salt, st->esp + ESP_HDR);
	cmb_gcm_dec(w->mb, sa->keys, st->esp + hdr, st->ct_len, nonce, aad, aad_len, st->tag);
	if (!ct_equal(st->tag, st->esp + hdr + st->ct_len, 16))
		return mac_drop(w, sa, m, st->seq);
	/* nothing was committed since this packet's own check, just above: no re-check */
	replay_commit(&sa->replay, sa->replay_bmp, st->seq);
	return DP_KEEP;
}

/* Before any ESN bits overwrite it. */
static inline void
in_save_icv(const struct sa_rt *sa, struct in_pkt *st)
{
	memcpy(st->icv, st->esp + ESP_HDR + sa->iv_len + st->ct_len, sa->icv_len);
}

static void
in_hmac_op(struct sa_rt *sa, struct in_pkt *st, struct cmb_op *op)
{
	uint32_t hdr = ESP_HDR + sa->iv_len;
	uint8_t *icv = st->esp + hdr + st->ct_len;

	*op = (struct cmb_op){.buf = st->esp, .k = sa->keys, .iv = st->esp + ESP_HDR,
			      .cipher_off = hdr, .cipher_len = st->ct_len,
			      .hash_len = hdr + st->ct_len, .tag = st->tag};
	if (sa->flags & SA_F_ESN) {
		/* the ICV covers the high 32 bits too, appended (RFC 4303 section 2.2.1) */
		esp_put_be32(icv, (uint32_t)(st->seq >> 32));
		op->hash_len += 4;
	}
}

/* Step 3: HMAC every queued packet, then decrypt the ones that verified. */
static void
in_cbc_bursts(struct dp_worker *w, struct sa_rt **sa, struct in_pkt *st, struct cmb_op *ops,
	      const uint16_t *idx, unsigned int nops)
{
	struct cmb_op ok[DP_BURST_MAX];
	unsigned int nok = 0;

	cmb_hmac_burst(w->mb, ops, nops);
	for (unsigned int j = 0; j < nops; j++) {
		uint16_t i = idx[j];

		/* an ICV the library could not compute is an ICV that did not verify */
		if (!ops[j].failed && ct_equal(st[i].tag, st[i].icv, sa[i]->icv_len)) {
			ok[nok++] = ops[j];
			st[i].auth = IN_PLAIN;
		} else {
			st[i].auth = IN_ICV_BAD;
		}
	}
	cmb_cbc_burst(w->mb, ok, nok, false);
	/* ok[] holds the verified ones in the order of idx[] */
	for (unsigned int j = 0, k = 0; j < nops; j++) {
		struct in_pkt *p = &st[idx[j]];

		if (p->auth == IN_PLAIN && ok[k++].failed)
			p->auth = IN_DECRYPT_FAILED;
	}
}

/* A CBC/NULL packet verified (and decrypted) on its own, with the number in st->seq. */
static void
in_verify_one(struct dp_worker *w, struct sa_rt *sa, struct in_pkt *st)
{
	struct cmb_op op;

	in_hmac_op(sa, st, &op);
	cmb_hmac_burst(w->mb, &op, 1);
	if (op.failed || !ct_equal(st->tag, st->icv, sa->icv_len)) {
		st->auth = IN_ICV_BAD;
		return;
	}
	cmb_cbc_burst(w->mb, &op, 1, false);
	st->auth = op.failed ? IN_DECRYPT_FAILED : IN_PLAIN;
}

/*
 * Step 4 for CBC/NULL: the replay verdict in the packet's turn, then its ICV,
 * then the commit, in the order AES-GCM takes them in step 2.
 */
static dp_drop_t
in_cbc_turn(struct dp_worker *w, struct sa_rt *sa, const struct rte_mbuf *m, struct in_pkt *st)
{
	uint64_t s;
	enum replay_verdict v = in_replay_check(sa, st, &s);

	if (v != REPLAY_OK)
		return replay_drop(w, sa, m, v, s);
	if (st->auth == IN_UNVERIFIED || s != st->seq) {
		/*
		 * Refused in step 2, or (ESN) the window has moved so far within the
		 * burst that the number now reads with other high bits. An ICV that
		 * verified over other high bits cannot verify over these (and the
		 * ciphertext is gone); otherwise check it with these.
		 */
		bool verify = st->auth == IN_UNVERIFIED || st->auth == IN_ICV_BAD;

		st->seq = s;
		if (verify)
			in_verify_one(w, sa, st);
		else
			st->auth = IN_ICV_BAD;
	}
	if (st->auth == IN_ICV_BAD)
		return mac_drop(w, sa, m, s);
	if (st->auth == IN_DECRYPT_FAILED)
		return sa_drop(sa, DP_DROP_IN_UNEXP_CD_SW_IPSEC_EXCEPTION);
	replay_commit(&sa->replay, sa->replay_bmp, s);
	return DP_KEEP;
}

/* RFC 4303 section 2.4: padding bytes are 1, 2, 3, ... */
static dp_drop_t
in_trailer(struct sa_rt *sa, const uint8_t *pt, uint32_t ct_len, uint32_t *inner_len)
{
	uint32_t pad = pt[ct_len - 2];
	uint8_t nh = pt[ct_len - 1];

	if (pad + 2 > ct_len)
		return sa_drop(sa, DP_DROP_IN_PKT_HEADPAD_LEN_ERR);
	for (uint32_t j = 0; j < pad; j++) {
		if (pt[ct_len - 2 - pad + j] != j + 1)
			return sa_drop(sa, DP_DROP_CD_SW_PAD_MISMATCH);
	}
	if (nh == NH_NONE)
		return DP_DROP_G_IpsecDummyPacket;
	if (nh != NH_IPV4)
		return sa_drop(sa, DP_DROP_IN_CD_SW_IPSEC_NH_MISMATCH);
	*inner_len = ct_len - 2 - pad;
	return DP_KEEP;
}

/* The decrypted packet must be whole IPv4; TFC padding after it is allowed. */
static bool
inner_ipv4_ok(const struct rte_ipv4_hdr *ip, uint32_t len)
{
	uint32_t hl, tot;

	if (len < sizeof(*ip) || (ip->version_ihl >> 4) != 4)
		return false;
	hl = (ip->version_ihl & 0xf) * 4u;
	tot = rte_be_to_cpu_16(ip->total_length);
	return hl >= sizeof(*ip) && tot >= hl && tot <= len && ip4_cksum_ok(ip, hl);
}

/*
 * The last destination of this burst that in_egress() let through, with
 * where it goes (mac == NULL: none yet): the packets of a flow share it.
 */
struct route_memo {
	uint32_t dst;
	uint16_t port;
	uint16_t mtu;
	const struct rte_ether_addr *mac;
};

/* Where a decrypted packet for dst goes: an inside port and the next hop's MAC. */
static dp_drop_t
in_route(const struct dp *dp, uint32_t dst, uint16_t *port, const struct rte_ether_addr **mac)
{
	dp_drop_t why;

	if (dst == UINT32_MAX)
		return DP_DROP_G_Ipv4DirectedBcast;	/* limited broadcast: never routed */
	why = route_inside(dp->route, dst, port, mac);
	if (why == DP_DROP_G_Ipv4NoRoute)
		return why;
	/* a broadcast is refused whether its link has an adjacency or not */
	if (dp_port_is_bcast(&dp->ports[*port], dst))
		return DP_DROP_G_Ipv4DirectedBcast;
	if (why != DP_KEEP)
		return why;
	/*
	 * For the gateway itself through the tunnel (e.g. a ping of its inside
	 * address from the remote site): the control thread cannot answer back
	 * through the tunnel yet (dp_inject_encrypt is the way it will), so it is
	 * counted, not sent out to the LAN.
	 */
	return dst == dp->ports[*port].addr ? DP_DROP_G_PuntUnhandled : DP_KEEP;
}

/* in_route() for dst, unless it is the burst's last destination; *r then holds the way. */
static inline dp_drop_t
in_egress(const struct dp *dp, struct route_memo *r, uint32_t dst)
{
	const struct rte_ether_addr *mac;
	uint16_t port;
	dp_drop_t why;

	if (r->mac != NULL && r->dst == dst)
		return DP_KEEP;
	why = in_route(dp, dst, &port, &mac);
	if (why == DP_KEEP)
		*r = (struct route_memo){.dst = dst, .port = port, .mtu = dp->ports[port].mtu,
					 .mac = mac};
	return why;
}

/*
 * Larger than the inside egress MTU (RFC 1812 section 5.2.6). DF set: dropped,
 * and the control thread is asked to send ICMP 3/4 with the MTU (RFC 1191)
 * back to the source, through the tunnel. DF clear: fragmented on the way
 * out (worker.c), if the header allows it.
 */
static dp_drop_t
in_too_big(struct dp_worker *w, struct sa_rt *sa, const struct rte_ipv4_hdr *ip,
	   const struct dp_port *out)
{
	if (ip->fragment_offset & rte_cpu_to_be_16(RTE_IPV4_HDR_DF_FLAG)) {
		link_icmp_error(w, sa, ip, out->iface, ICMP4_UNREACH, ICMP4_UNREACH_NEEDFRAG,
				out->mtu);
		return sa_drop(sa, DP_DROP_IN_INFRA_V4_PKT_LEN_TOO_BIG);
	}
	return frag4_check(ip, out->mtu);
}

/* Step 4: everything after authentication. */
static dp_drop_t
in_finish(struct dp_worker *w, struct sa_rt *sa, struct rte_mbuf *m, struct in_pkt *st,
	  struct sa_acc *acc, struct route_memo *memo)
{
	const struct dp *dp = w->dp;
	uint8_t *pt = st->esp + ESP_HDR + sa->iv_len;
	struct rte_ipv4_hdr *ip = (struct rte_ipv4_hdr *)pt;
	struct rte_ether_hdr *eth;
	uint32_t inner_len, tot, egress = 0;
	dp_drop_t why;

	if (!(sa->flags & SA_F_AEAD)) {
		why = in_cbc_turn(w, sa, m, st);
		if (why != DP_KEEP)
			return why;
	}
	why = in_trailer(sa, pt, st->ct_len, &inner_len);
	if (why != DP_KEEP)
		return why;
	if (!inner_ipv4_ok(ip, inner_len))
		return sa_drop(sa, DP_DROP_IN_PKT_IPVER_INVALID);
	if (!spd_check_in(dp->spd, sa->policy, ip) || !sa_ts_covers(sa, ip, true))
		return sa_drop(sa, DP_DROP_IN_V4_POST_INPUT_POLICY_FAIL);
	why = in_egress(dp, memo, ip->dst_addr);
	if (why != DP_KEEP)
		return why;
	if (ip->time_to_live <= 1) {
		/* RFC 1812 5.3.1: time exceeded, back through the tunnel from the way it was going */
		link_icmp_error(w, sa, ip, dp->ports[memo->port].iface, ICMP4_TIME_EXCEEDED,
				ICMP4_TTL_EXCEEDED, 0);
		return DP_DROP_G_Ipv4TtlExceeded;
	}
	tot = rte_be_to_cpu_16(ip->total_length);
	if (tot > memo->mtu) {
		why = in_too_big(w, sa, ip, &dp->ports[memo->port]);
		if (why != DP_KEEP)
			return why;
		egress |= PKT_FRAGMENT;
	}

	esp_ttl_dec(ip);
	eth = (struct rte_ether_hdr *)(pt - sizeof(*eth));
	rte_ether_addr_copy(memo->mac, &eth->dst_addr);
	rte_ether_addr_copy(&dp->ports[memo->port].mac, &eth->src_addr);
	eth->ether_type = rte_cpu_to_be_16(RTE_ETHER_TYPE_IPV4);
	m->data_off = (uint16_t)((uint8_t *)eth - (uint8_t *)m->buf_addr);
	m->data_len = (uint16_t)(sizeof(*eth) + tot);
	m->pkt_len = m->data_len;
	m->l2_len = sizeof(*eth);
	m->l3_len = (ip->version_ihl & 0xf) * 4u;
	m->l4_len = 0;
	m->hash.usr = egress | memo->port;	/* pkt_set_egress(), and whether to fragment */
	sa_acc_add(w, acc, sa, tot);
	return DP_KEEP;
}

uint16_t
esp_in_burst(struct dp_worker *w, struct rte_mbuf **pkts, uint16_t n, dp_drop_t *reason)
{
	struct sad_key keys[DP_BURST_MAX];
	const struct sad_key *kp[DP_BURST_MAX];
	struct sa_rt *sa[DP_BURST_MAX];
	struct in_pkt st[DP_BURST_MAX];
	struct cmb_op ops[DP_BURST_MAX];
	uint16_t idx[DP_BURST_MAX];
	struct sa_acc acc = {0};
	struct route_memo memo = {.mac = NULL};
	enum replay_verdict v;
	unsigned int nops = 0;

	for (uint16_t i = 0; i < n; i++) {
		const struct rte_ipv4_hdr *ip =
			rte_pktmbuf_mtod_offset(pkts[i], struct rte_ipv4_hdr *, pkts[i]->l2_len);

		st[i].esp = esp_of(pkts[i]);
		memcpy(&keys[i].spi_be, st[i].esp, 4);
		keys[i].dst_be = ip->dst_addr;
		keys[i].proto = IPPROTO_ESP;
		memset(keys[i].pad, 0, sizeof(keys[i].pad));
		kp[i] = &keys[i];
	}
	sad_lookup_bulk(w->dp->sad, &w->sa_cache, kp, n, sa);

	for (uint16_t i = 0; i < n; i++) {
		if (sa[i] == NULL) {
			reason[i] = DP_DROP_IN_US_V4_PKT_SA_NOT_FOUND_SPI;
			continue;
		}
		reason[i] = in_check(w, sa[i], pkts[i], &st[i]);
		if (reason[i] != DP_KEEP)
			continue;
		v = in_replay_check(sa[i], &st[i], &st[i].seq);
		if (sa[i]->flags & SA_F_AEAD) {
			reason[i] = v == REPLAY_OK ? in_gcm(w, sa[i], pkts[i], &st[i])
						   : replay_drop(w, sa[i], pkts[i], v, st[i].seq);
			continue;
		}
		in_save_icv(sa[i], &st[i]);
		st[i].auth = IN_UNVERIFIED;
		/* refused without an HMAC; its reason is decided in its turn (step 4) */
		if (v == REPLAY_OK) {
			in_hmac_op(sa[i], &st[i], &ops[nops]);
			idx[nops++] = i;
		}
	}
	if (nops > 0)
		in_cbc_bursts(w, sa, st, ops, idx, nops);

	for (uint16_t i = 0; i < n; i++) {
		if (reason[i] == DP_KEEP)
			reason[i] = in_finish(w, sa[i], pkts[i], &st[i], &acc, &memo);
	}
	sa_acc_flush(w, &acc);
	return dp_burst_compact(pkts, reason, n);
}
