/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Inbound AH, tunnel mode, IPv4 or IPv6 outer (RFC 4302 section 3.4), one burst at a time,
 * in the passes esp_in.c takes:
 *
 *   1. gather the SPIs and look them up in one bulk lookup (protocol AH);
 *   2. per packet: SA state, lengths, the replay check; then the ICV input
 *      is prepared in place (the received ICV saved, mutable fields and the
 *      ICV zeroed, ESN high bits appended) and the HMAC queued;
 *   3. one HMAC burst, ICVs compared in constant time;
 *   4. per packet, in order: the replay verdict in its turn and the commit
 *      (ipsec_in.c: in_turn), next header, then what ESP and AH share
 *      (in_deliver: inner header, policy, TTL, route, MTU, L2 header).
 *
 * The outer header is dropped after verification (tunnel mode), so zeroing
 * its mutable fields in place costs nothing; a packet refused keeps its
 * addresses for the reports.
 *
 * An AH+ESP bundle's AH SA (SA_F_AH_ESP) carries ESP (next header 50) of
 * its own ESP SA: once the AH verified, its header is taken out and the
 * packets, now plain ESP under the outer header, go through the ESP stage
 * (esp_in_bundled_burst) together, in step 5 (RFC 4301 section 5.2: AH
 * processed, then the ESP it protected).
 */
#include <rte_ip.h>

#include "dpsec/secret.h"

#include "ah.h"
#include "esp.h"
#include "ipsec_in_fast.h"
#include "sad.h"

#define NH_IPV4 4  /* IP-in-IP: tunnel mode */
#define NH_IPV6 41
#define NH_NONE 59 /* no next header: a dummy packet */
#define ESP_HDR 8  /* SPI + sequence number */
/* ah_finish: verified bundle AH, to the ESP stage (not a drop code) */
#define AH_TO_ESP ((dp_drop_t)0xfc)
_Static_assert(DP_DROP__COUNT < AH_TO_ESP, "AH_TO_ESP is not a drop code");

struct ah_pkt {
	struct rte_ipv4_hdr *ip;	/* or the IPv6 header (ah_gather) */
	uint8_t *ah;
	uint32_t tot;		 /* outer packet length (IPv6: 40 + payload length) */
	uint64_t seq;		 /* the 64-bit number the ICV is checked with */
	uint8_t auth;		 /* enum in_auth */
	uint8_t icv[DP_ICV_MAX]; /* received ICV, saved before it is zeroed */
	uint8_t tag[DP_ICV_MAX]; /* computed ICV */
};

/* RFC 4302 appendix A.1: the options that are immutable in transit (type byte). */
static bool
opt_immutable(uint8_t type)
{
	switch (type) {
	case 0:	  /* end of options list */
	case 1:	  /* no operation */
	case 130: /* security */
	case 133: /* extended security */
	case 134: /* commercial security */
	case 148: /* router alert */
	case 149: /* sender directed multi-destination delivery */
		return true;
	default:
		return false;
	}
}

bool
ah_zero_mutable(struct rte_ipv4_hdr *ip)
{
	uint8_t *o = (uint8_t *)ip;
	uint32_t hl = (ip->version_ihl & 0xf) * 4u;

	ip->type_of_service = 0;
	ip->fragment_offset = 0;
	ip->time_to_live = 0;
	ip->hdr_checksum = 0;
	for (uint32_t i = sizeof(*ip); i < hl;) {
		uint32_t len;

		if (o[i] == 0)
			break; /* end of list: what follows is padding, hashed as it is */
		if (o[i] == 1) {
			i++;
			continue;
		}
		if (i + 1 >= hl || (len = o[i + 1]) < 2 || len > hl - i)
			return false;
		if (!opt_immutable(o[i]))
			memset(o + i, 0, len);
		i += len;
	}
	return true;
}

/*
 * RFC 4302 section 3.3.3.1.2.2: in hop-by-hop and destination options
 * headers (before the AH, len bytes from p, classify_ext6 walked them), the
 * data of each option whose type says it may change en route (RFC 8200
 * section 4.2, the third-highest bit) is zeroed for the ICV; the rest is
 * hashed as it is, a routing header too (segments left 0: the addresses are
 * as the destination sees them, section 3.3.3.1.2.1). false: an option runs
 * past its header.
 */
static bool
ah_zero_ext6(uint8_t *p, uint32_t len, uint8_t nh)
{
	for (uint32_t off = 0; off + 8 <= len;) {
		uint32_t hl = (p[off + 1] + 1u) * 8u;

		if (hl > len - off)
			return false;
		for (uint32_t i = 2; (nh == 0 || nh == 60) && i < hl;) {
			uint8_t *o = p + off + i;

			if (o[0] == 0) {	/* Pad1: the type byte alone */
				i++;
				continue;
			}
			if (hl - i < 2 || (uint32_t)o[1] > hl - i - 2)
				return false;
			if (o[0] & 0x20)
				memset(o + 2, 0, o[1]);
			i += 2u + o[1];
		}
		nh = p[off];
		off += hl;
	}
	return true;
}

static inline uint32_t
ah_seq32(const struct ah_pkt *st)
{
	rte_be32_t v;

	memcpy(&v, st->ah + 8, sizeof(v));
	return rte_be_to_cpu_32(v);
}

/* Step 2 before any crypto: SA state and lengths (RFC 4302 section 3.4.2). */
static dp_drop_t
ah_check(const struct dp_worker *w, struct sa_rt *sa, const struct rte_mbuf *m, struct ah_pkt *st)
{
	uint32_t payload = st->tot - m->l3_len, hlen = ah_hdr_len(sa);

	sa_owner_check(sa, w->id);
	if (sa_rt_state(sa) != SA_LIVE)
		return sa_drop(sa, sa_rt_state(sa) == SA_EXPIRED
					   ? DP_DROP_IN_CD_SW_IPSEC_HARD_EXPIRY
					   : DP_DROP_IN_V4_PKT_HIT_INVALID_SA);
	/* the header must be this SA's size (its ICV length) and fit the packet */
	if (payload < hlen || st->ah[1] != ah_len_field(sa))
		return sa_drop(sa, DP_DROP_IN_ESP_TRUNCATED);
	return DP_KEEP;
}

/*
 * The ICV input in place, and the HMAC operation over it: from the outer
 * IPv4 header to the end of the packet, plus the ESN high bits written just
 * past it (room checked: a frame filling its buffer has none).
 */
static dp_drop_t
ah_icv_input(struct sa_rt *sa, struct rte_mbuf *m, struct ah_pkt *st, struct cmb_op *op)
{
	uint32_t after = (uint32_t)(rte_pktmbuf_mtod(m, uint8_t *) + m->data_len -
				    ((uint8_t *)st->ip + st->tot));

	memcpy(st->icv, st->ah + AH_FIXED, sa->icv_len);
	if ((sa->flags & SA_F_ESN) && after + rte_pktmbuf_tailroom(m) < 4)
		return sa_drop(sa, DP_DROP_IN_UNEXP_CD_SW_IPSEC_EXCEPTION);
	if (unlikely(sa->flags & SA_F_V6)) {	/* its key was an IPv6 one: the outer is IPv6 */
		struct rte_ipv6_hdr *ip6 = (struct rte_ipv6_hdr *)st->ip;

		/* behind extension headers (classify_ext6): their mutable options zeroed too */
		if (m->l3_len > sizeof(*ip6) &&
		    !ah_zero_ext6((uint8_t *)(ip6 + 1), m->l3_len - sizeof(*ip6), ip6->proto))
			return DP_DROP_G_Ipv6HdrErr;
		ah_zero_mutable6(ip6);
	} else if (!ah_zero_mutable(st->ip))
		return DP_DROP_G_Ipv4HdrErr;
	memset(st->ah + AH_FIXED, 0, ah_hdr_len(sa) - AH_FIXED);
	*op = (struct cmb_op){
		.buf = (uint8_t *)st->ip, .k = sa->keys, .hash_len = st->tot, .tag = st->tag};
	if (sa->flags & SA_F_ESN) {
		esp_put_be32((uint8_t *)st->ip + st->tot, (uint32_t)(st->seq >> 32));
		op->hash_len += 4;
	}
	return DP_KEEP;
}

/* A packet verified on its own with the number seq (in_verify_fn). */
static void
ah_verify_one(struct dp_worker *w, struct sa_rt *sa, void *pkt, uint64_t seq, uint8_t *auth)
{
	struct ah_pkt *st = pkt;
	struct cmb_op op = {
		.buf = (uint8_t *)st->ip, .k = sa->keys, .hash_len = st->tot, .tag = st->tag};

	/* the ICV input was prepared in step 2, ESN bits included when there was room */
	st->seq = seq;
	if (sa->flags & SA_F_ESN) {
		esp_put_be32((uint8_t *)st->ip + st->tot, (uint32_t)(seq >> 32));
		op.hash_len += 4;
	}
	cmb_hmac_burst(w->mb, &op, 1);
	*auth = !op.failed && ct_equal(st->tag, st->icv, sa->icv_len) ? IN_PLAIN : IN_ICV_BAD;
}

/*
 * A verified bundle AH: its next header must be ESP (RFC 4301 section 4.5)
 * with the bundle's ESP SPI. Then the AH header comes out (the Ethernet and
 * outer IPv4 or IPv6 headers move up over it; the outer header's mutable fields
 * stay zeroed, nothing reads them after this) and the packet is plain ESP
 * for esp_in_bundled_burst. The AH SA counts the ESP bytes it carried.
 */
static dp_drop_t
ah_to_esp(struct dp_worker *w, struct sa_rt *sa, struct rte_mbuf *m, struct ah_pkt *st,
	  struct sa_acc *acc)
{
	uint32_t hlen = ah_hdr_len(sa), rest = st->tot - m->l3_len - hlen;
	struct rte_ipv4_hdr *ip;
	uint8_t *d;

	if (st->ah[0] != IPPROTO_ESP)
		return sa_drop(sa, DP_DROP_IN_CD_SW_IPSEC_NH_MISMATCH);
	if (rest < ESP_HDR)
		return sa_drop(sa->inner, DP_DROP_IN_ESP_TRUNCATED);
	/* the SA bundle the policy asks for, not AH around some other ESP SA */
	if (memcmp(st->ah + hlen, &sa->inner->spi_be, 4) != 0)
		return sa_drop(sa, sa->flags & SA_F_V6 ? DP_DROP_IN_V6_POST_INPUT_POLICY_FAIL
						       : DP_DROP_IN_V4_POST_INPUT_POLICY_FAIL);
	d = rte_pktmbuf_mtod(m, uint8_t *);
	memmove(d + hlen, d, m->l2_len + m->l3_len);
	rte_pktmbuf_adj(m, (uint16_t)hlen);
	ip = (struct rte_ipv4_hdr *)(d + hlen + m->l2_len);
	if (unlikely(sa->flags & SA_F_V6)) {	/* IPv6 outer: no extension headers (classify) */
		struct rte_ipv6_hdr *ip6 = (struct rte_ipv6_hdr *)ip;

		/* behind extension headers the last one still says AH: l3_len finds the ESP */
		if (m->l3_len == sizeof(*ip6))
			ip6->proto = IPPROTO_ESP;
		ip6->payload_len = rte_cpu_to_be_16((uint16_t)(st->tot - sizeof(*ip6) - hlen));
		m->l4_len = 0;	/* classify's AH mark (CLASSIFY_AH6_MARK): plain ESP now */
	} else {
		ip->next_proto_id = IPPROTO_ESP;
		ip->total_length = rte_cpu_to_be_16((uint16_t)(st->tot - hlen));
	}
	sa_acc_add(w, acc, sa, rest);
	return AH_TO_ESP;
}

/* Step 4: the packet's turn, its next header, and delivery. */
static dp_drop_t
ah_finish(struct dp_worker *w, struct sa_rt *sa, struct rte_mbuf *m, struct ah_pkt *st,
	  struct sa_acc *acc, struct route_memo *memo)
{
	uint32_t hlen = ah_hdr_len(sa);
	dp_drop_t why = in_turn(w, sa, m, ah_seq32(st), &st->seq, &st->auth, ah_verify_one, st);

	if (why != DP_KEEP)
		return why;
	if (st->ah[0] == NH_NONE)
		return DP_DROP_G_IpsecDummyPacket;
	if (sa->flags & SA_F_AH_ESP)
		return ah_to_esp(w, sa, m, st, acc);
	if (unlikely(st->ah[0] == NH_IPV6))	/* IPv6 inside the tunnel: ipsec_in6.c */
		return in_deliver6(w, sa, m, st->ah + hlen, st->tot - m->l3_len - hlen, acc);
	if (st->ah[0] != NH_IPV4)
		return sa_drop(sa, DP_DROP_IN_CD_SW_IPSEC_NH_MISMATCH);
	return in_deliver(w, sa, m, st->ah + hlen, st->tot - m->l3_len - hlen, acc, memo);
}

/* Step 2 for one packet whose SA was found. */
static dp_drop_t
ah_prepare(struct dp_worker *w, struct sa_rt *sa, struct rte_mbuf *m, struct ah_pkt *st,
	   struct cmb_op *op, bool *queued)
{
	dp_drop_t why = ah_check(w, sa, m, st);
	enum replay_verdict v;

	*queued = false;
	if (why != DP_KEEP)
		return why;
	v = replay_check(&sa->replay, sa->replay_bmp, ah_seq32(st), sa->flags & SA_F_ESN, &st->seq);
	why = ah_icv_input(sa, m, st, op);
	if (why != DP_KEEP)
		return why;
	/* refused without an HMAC; its reason is decided in its turn (step 4) */
	st->auth = IN_UNVERIFIED;
	*queued = v == REPLAY_OK;
	return DP_KEEP;
}

/*
 * Step 5: the bundles' ESP, all of this burst's at once (marked AH_TO_ESP),
 * through the ESP stage; each comes back kept or with the ESP stage's reason.
 */
static void
ah_bundles_esp(struct dp_worker *w, struct rte_mbuf **pkts, uint16_t n, dp_drop_t *reason)
{
	struct rte_mbuf *esp[DP_BURST_MAX];
	dp_drop_t why[DP_BURST_MAX];
	uint16_t idx[DP_BURST_MAX], k = 0, good;

	for (uint16_t i = 0; i < n; i++) {
		if (reason[i] == AH_TO_ESP) {
			esp[k] = pkts[i];
			idx[k++] = i;
		}
	}
	if (k == 0)
		return;
	good = esp_in_bundled_burst(w, esp, k, why);
	/* the ESP stage reordered them (kept first): any order will do, compacted after */
	for (uint16_t j = 0; j < k; j++) {
		pkts[idx[j]] = esp[j];
		reason[idx[j]] = j < good ? DP_KEEP : why[j];
	}
}

/* Step 1 for one packet: its headers, length and SAD key (IPv6 endpoints: sad.h). */
static inline void
ah_gather(struct rte_mbuf *m, struct ah_pkt *st, struct sad_key *key)
{
	st->ip = rte_pktmbuf_mtod_offset(m, struct rte_ipv4_hdr *, m->l2_len);
	st->ah = (uint8_t *)st->ip + m->l3_len;
	if (unlikely((st->ip->version_ihl >> 4) == 6)) {
		const struct rte_ipv6_hdr *ip6 = (const struct rte_ipv6_hdr *)st->ip;

		st->tot = sizeof(*ip6) + rte_be_to_cpu_16(ip6->payload_len);
		sad_key_set(key, st->ah + 4, sad_fold6(ip6->dst_addr), IPPROTO_AH | SAD_V6);
		return;
	}
	st->tot = rte_be_to_cpu_16(st->ip->total_length);
	sad_key_set(key, st->ah + 4, st->ip->dst_addr, IPPROTO_AH);
}

uint16_t
ah_in_burst(struct dp_worker *w, struct rte_mbuf **pkts, uint16_t n, dp_drop_t *reason)
{
	struct sad_key keys[DP_BURST_MAX];
	const struct sad_key *kp[DP_BURST_MAX];
	struct sa_rt *sa[DP_BURST_MAX];
	struct ah_pkt st[DP_BURST_MAX];
	struct cmb_op ops[DP_BURST_MAX];
	uint16_t idx[DP_BURST_MAX];
	struct sa_acc acc = {0};
	struct route_memo memo = {.mac = NULL};
	unsigned int nops = 0;
	bool bundles = false;

	for (uint16_t i = 0; i < n; i++) {
		ah_gather(pkts[i], &st[i], &keys[i]);
		kp[i] = &keys[i];
	}
	sad_lookup_bulk(w->dp->sad, kp, n, sa);

	for (uint16_t i = 0; i < n; i++) {
		bool queued;

		if (sa[i] == NULL) {
			reason[i] = keys[i].proto & SAD_V6 ? DP_DROP_IN_US_V6_PKT_SA_NOT_FOUND_SPI
							   : DP_DROP_IN_US_V4_PKT_SA_NOT_FOUND_SPI;
			continue;
		}
		if (sa[i]->owner != w->id) {	/* its replay window is written there alone */
			pkt_set_handoff(pkts[i], sa[i]->owner, PKT_HO_IN);
			reason[i] = DP_HANDOFF;
			continue;
		}
		reason[i] = ah_prepare(w, sa[i], pkts[i], &st[i], &ops[nops], &queued);
		if (queued)
			idx[nops++] = i;
	}
	if (nops > 0) {
		cmb_hmac_burst(w->mb, ops, nops);
		for (unsigned int j = 0; j < nops; j++) {
			struct ah_pkt *p = &st[idx[j]];

			/* an ICV the library could not compute is an ICV that did not verify */
			p->auth = !ops[j].failed && ct_equal(p->tag, p->icv, sa[idx[j]]->icv_len)
					  ? IN_PLAIN
					  : IN_ICV_BAD;
		}
	}
	for (uint16_t i = 0; i < n; i++) {
		if (reason[i] == DP_KEEP) {
			reason[i] = ah_finish(w, sa[i], pkts[i], &st[i], &acc, &memo);
			bundles |= reason[i] == AH_TO_ESP;
		}
	}
	sa_acc_flush(w, &acc);
	if (bundles)
		ah_bundles_esp(w, pkts, n, reason);
	return dp_burst_compact(pkts, reason, n);
}
