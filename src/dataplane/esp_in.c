/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Inbound ESP, tunnel mode, IPv4 (RFC 4303 section 3.4), one burst at a time:
 *
 *   1. gather the SAs, ESP offsets and lengths classification found
 *      (pkt_in_esp, dataplane.h); read and look up the others' (IPv6
 *      endpoints, handoffs, bundles) in one pass;
 *   2. per packet: SA state, encapsulation, lengths, replay check, then
 *      AES-GCM decrypt + tag check (one-shot) and the replay commit, or queue
 *      the HMAC (CBC/NULL, only for packets the replay check let through);
 *   3. CBC/NULL SAs: one HMAC burst, compare ICVs, one CBC decrypt burst for
 *      those that verified (ICV before decryption, RFC 4303 section 3.4.4.1);
 *   4. per packet, in order: CBC/NULL replay verdict and commit, padding and
 *      next header, inner IPv4 header, SA policy, TTL, route, broadcast, MTU
 *      and new L2 header (an IPv6 inner packet, next header 41: the same
 *      out of line, ipsec_in6.c).
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
#include "esp_pad.h"
#include "ipsec_in_fast.h"
#include "sa.h"
#include "sad.h"

#define ESP_HDR 8	/* SPI + sequence number */
#define NH_IPV4 4	/* IP-in-IP: tunnel mode, RFC 4303 section 2.6 */
#define NH_IPV6 41
#define NH_NONE 59	/* dummy packet (traffic flow confidentiality) */

struct in_pkt {
	uint8_t *esp;
	uint8_t *pt;			/* ciphertext, then plaintext: past ESP header and IV */
	uint32_t esp_len;		/* ESP bytes (pkt_in_esp, or esp_length) */
	uint32_t ct_len;
	uint64_t seq;			/* the 64-bit number the ICV is checked with */
	uint8_t auth;			/* CBC/NULL: enum in_auth */
	uint8_t icv[DP_ICV_MAX];	/* received ICV, saved before ESN bits overwrite it */
	uint8_t tag[DP_ICV_MAX];	/* computed ICV */
};

/*
 * ESP bytes in a classified packet classification carried nothing for
 * (pkt_in_esp): the IP payload, or for ESP-in-UDP the UDP payload (classify
 * checked the UDP length against the IP length).
 */
static inline uint32_t
esp_length(const struct rte_mbuf *m)
{
	const struct rte_ipv4_hdr *ip =
		rte_pktmbuf_mtod_offset(m, const struct rte_ipv4_hdr *, m->l2_len);
	const struct rte_udp_hdr *udp;

	if (unlikely((ip->version_ihl >> 4) == 6)) {	/* behind the extension headers (classify) */
		if (m->l4_len == 0)
			return rte_be_to_cpu_16(((const struct rte_ipv6_hdr *)ip)->payload_len) +
			       (uint32_t)sizeof(struct rte_ipv6_hdr) - m->l3_len;
	} else if (m->l4_len == 0) {
		return rte_be_to_cpu_16(ip->total_length) - m->l3_len;
	}
	udp = rte_pktmbuf_mtod_offset(m, const struct rte_udp_hdr *, m->l2_len + m->l3_len);
	return rte_be_to_cpu_16(udp->dgram_len) - m->l4_len;
}

static inline uint8_t *
esp_of(struct rte_mbuf *m)
{
	return rte_pktmbuf_mtod_offset(m, uint8_t *, m->l2_len + m->l3_len + m->l4_len);
}

/*
 * Step 2 before any crypto: SA state, encapsulation, lengths. via_ah: the
 * packet came out of a verified AH (a bundle); only a bundle's ESP SA takes
 * it, and such an SA takes nothing else, before its replay window is touched.
 */
static dp_drop_t
in_check(const struct dp_worker *w, struct sa_rt *sa, const struct rte_mbuf *m, struct in_pkt *st,
	 const bool via_ah)
{
	uint32_t esp_len = st->esp_len;
	uint32_t hdr = ESP_HDR + sa->iv_len;

	sa_owner_check(sa, w->id);
	if (sa_rt_state(sa) != SA_LIVE)
		return sa_drop(sa, sa_rt_state(sa) == SA_EXPIRED
					   ? DP_DROP_IN_CD_SW_IPSEC_HARD_EXPIRY
					   : DP_DROP_IN_V4_PKT_HIT_INVALID_SA);
	if (((sa->flags & SA_F_BUNDLED) != 0) != via_ah)
		return sa_drop(sa, sa->flags & SA_F_V6 ? DP_DROP_IN_V6_POST_INPUT_POLICY_FAIL
						       : DP_DROP_IN_V4_POST_INPUT_POLICY_FAIL);
	if (sa_rt_udp(sa) != (m->l4_len != 0))
		return sa_drop(sa, DP_DROP_IN_NAT_DEMUX_FAIL);
	if (esp_len < sa->esp_ovh + 2u)	/* header, IV, ICV and the 2 trailer bytes */
		return sa_drop(sa, DP_DROP_IN_ESP_TRUNCATED);
	st->ct_len = esp_len - sa->esp_ovh;
	if (st->ct_len & (sa->pad_block - 1u))
		return sa_drop(sa, DP_DROP_IN_ESP_BAD_BLOCK_LEN);
	st->pt = st->esp + hdr;
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
	uint8_t nonce[12], aad[12];
	uint32_t aad_len = esp_aad(st->esp, st->seq, sa->flags & SA_F_ESN, aad);

	esp_gcm_nonce(nonce, sa->salt, st->esp + ESP_HDR);
	cmb_gcm_dec_len(w->mb, sa->keys, sa->aes_key_len, st->pt, st->ct_len, nonce, aad, aad_len,
			st->tag);
	if (!ct_equal(st->tag, st->pt + st->ct_len, 16))
		return in_mac_drop(w, sa, m, st->seq);
	/* nothing was committed since this packet's own check, just above: no re-check */
	replay_commit(&sa->replay, sa->replay_bmp, st->seq);
	return DP_KEEP;
}

/* Before any ESN bits overwrite it. */
static inline void
in_save_icv(const struct sa_rt *sa, struct in_pkt *st)
{
	if (likely(sa->icv_len == 16))	/* GCM, SHA-256-128: a fixed copy, not a libc call */
		memcpy(st->icv, st->pt + st->ct_len, 16);
	else
		memcpy(st->icv, st->pt + st->ct_len, sa->icv_len);
}

static void
in_hmac_op(struct sa_rt *sa, struct in_pkt *st, struct cmb_op *op)
{
	uint32_t hdr = ESP_HDR + sa->iv_len;
	uint8_t *icv = st->pt + st->ct_len;

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

/* A CBC/NULL packet verified (and decrypted) on its own, with the number seq (in_verify_fn). */
static void
in_verify_one(struct dp_worker *w, struct sa_rt *sa, void *pkt, uint64_t seq, uint8_t *auth)
{
	struct in_pkt *st = pkt;
	struct cmb_op op;

	st->seq = seq;
	in_hmac_op(sa, st, &op);
	cmb_hmac_burst(w->mb, &op, 1);
	if (op.failed || !ct_equal(st->tag, st->icv, sa->icv_len)) {
		*auth = IN_ICV_BAD;
		return;
	}
	cmb_cbc_burst(w->mb, &op, 1, false);
	*auth = op.failed ? IN_DECRYPT_FAILED : IN_PLAIN;
}

/* RFC 4303 section 2.4: padding bytes are 1, 2, 3, ... */
static dp_drop_t
in_trailer(struct sa_rt *sa, const uint8_t *pt, uint32_t ct_len, uint32_t *inner_len, uint8_t *nhp)
{
	uint32_t pad = pt[ct_len - 2];
	uint8_t nh = pt[ct_len - 1];

	if (pad + 2 > ct_len)
		return sa_drop(sa, DP_DROP_IN_PKT_HEADPAD_LEN_ERR);
	if (!esp_pad_ok(pt, ct_len, pad))
		return sa_drop(sa, DP_DROP_CD_SW_PAD_MISMATCH);
	if (nh == NH_NONE)
		return DP_DROP_G_IpsecDummyPacket;
	if (nh != NH_IPV4 && nh != NH_IPV6)
		return sa_drop(sa, DP_DROP_IN_CD_SW_IPSEC_NH_MISMATCH);
	*inner_len = ct_len - 2 - pad;
	*nhp = nh;
	return DP_KEEP;
}

/* Step 4: the CBC/NULL packet's turn, the trailer, then what ESP and AH share. */
static dp_drop_t
in_finish(struct dp_worker *w, struct sa_rt *sa, struct rte_mbuf *m, struct in_pkt *st,
	  struct sa_acc *acc, struct route_memo *memo)
{
	uint8_t *pt = st->pt;
	uint32_t inner_len;
	uint8_t nh = NH_IPV4;
	dp_drop_t why;

	if (!(sa->flags & SA_F_AEAD)) {
		rte_be32_t seq_be;

		/* ESP sits 2 bytes past a 4-byte boundary behind Ethernet + IPv4: no 32-bit load */
		memcpy(&seq_be, st->esp + 4, sizeof(seq_be));
		why = in_turn(w, sa, m, rte_be_to_cpu_32(seq_be), &st->seq, &st->auth,
			      in_verify_one, st);
		if (why != DP_KEEP)
			return why;
	}
	why = in_trailer(sa, pt, st->ct_len, &inner_len, &nh);
	if (why != DP_KEEP)
		return why;
	if (unlikely(nh == NH_IPV6))
		return in_deliver6(w, sa, m, pt, inner_len, acc);
	return in_deliver(w, sa, m, pt, inner_len, acc, memo);
}

static inline bool
in_outer_v6(const struct rte_mbuf *m)
{
	return (*rte_pktmbuf_mtod_offset(m, const uint8_t *, m->l2_len) >> 4) == 6;
}

/*
 * The packets classification carried no SA for (miss[], nmiss of them: IPv6
 * endpoints, another worker's handoff, a bundle's ESP) looked up by (SPI,
 * destination, ESP, family); sa[] gets NULL for those no SA has.
 */
static __rte_noinline void
in_sa_lookup(const struct dp_worker *w, struct rte_mbuf **pkts, const struct in_pkt *st,
	     const uint16_t *miss, uint16_t nmiss, struct sa_rt **sa)
{
	struct sad_key keys[DP_BURST_MAX];
	const struct sad_key *kp[DP_BURST_MAX];
	struct sa_rt *found[DP_BURST_MAX];

	for (uint16_t j = 0; j < nmiss; j++) {
		const struct rte_mbuf *m = pkts[miss[j]];
		const struct rte_ipv4_hdr *ip =
			rte_pktmbuf_mtod_offset(m, const struct rte_ipv4_hdr *, m->l2_len);

		if (in_outer_v6(m))	/* IPv6 endpoints (sad.h) */
			sad_key_set(&keys[j], st[miss[j]].esp,
				    sad_fold6(((const struct rte_ipv6_hdr *)ip)->dst_addr),
				    IPPROTO_ESP | SAD_V6);
		else
			sad_key_set(&keys[j], st[miss[j]].esp, ip->dst_addr, IPPROTO_ESP);
		kp[j] = &keys[j];
	}
	sad_lookup_bulk(w->dp->sad, kp, nmiss, found);
	for (uint16_t j = 0; j < nmiss; j++)
		sa[miss[j]] = found[j];
}

/*
 * A carried SA is the one of the packet's SPI: a stage that let a packet
 * from elsewhere keep a stale one is a bug, which debug builds stop at.
 */
static inline void
in_sa_carried_check(const struct sa_rt *sa, const uint8_t *esp)
{
#ifndef NDEBUG
	RTE_VERIFY(memcmp(&sa->spi_be, esp, 4) == 0);
#else
	RTE_SET_USED(sa);
	RTE_SET_USED(esp);
#endif
}

static inline uint16_t
in_burst_body(struct dp_worker *w, struct rte_mbuf **pkts, uint16_t n, dp_drop_t *reason,
	      const bool via_ah)
{
	struct sa_rt *sa[DP_BURST_MAX];
	struct in_pkt st[DP_BURST_MAX];
	struct cmb_op ops[DP_BURST_MAX];
	uint16_t idx[DP_BURST_MAX], miss[DP_BURST_MAX];
	struct sa_acc acc = {0};
	struct route_memo memo = {.mac = NULL};
	enum replay_verdict v;
	unsigned int nops = 0;
	uint16_t nmiss = 0;

	/* what classification found (pkt_in_esp); the others are read and looked up here */
	for (uint16_t i = 0; i < n; i++) {
		const struct pkt_in_esp *c = pkt_in_esp(pkts[i]);

		sa[i] = c->sa;
		if (likely(sa[i] != NULL)) {
			st[i].esp = rte_pktmbuf_mtod_offset(pkts[i], uint8_t *, c->off);
			st[i].esp_len = c->len;
			in_sa_carried_check(sa[i], st[i].esp);
		} else {
			st[i].esp = esp_of(pkts[i]);
			st[i].esp_len = esp_length(pkts[i]);
			miss[nmiss++] = i;
		}
	}
	if (unlikely(nmiss > 0))
		in_sa_lookup(w, pkts, st, miss, nmiss, sa);

	for (uint16_t i = 0; i < n; i++) {
		if (sa[i] == NULL) {
			reason[i] = in_outer_v6(pkts[i]) ? DP_DROP_IN_US_V6_PKT_SA_NOT_FOUND_SPI
							 : DP_DROP_IN_US_V4_PKT_SA_NOT_FOUND_SPI;
			continue;
		}
		if (sa[i]->owner != w->id) {	/* its replay window is written there alone */
			pkt_set_handoff(pkts[i], sa[i]->owner, PKT_HO_IN);
			reason[i] = DP_HANDOFF;
			continue;
		}
		reason[i] = in_check(w, sa[i], pkts[i], &st[i], via_ah);
		if (reason[i] != DP_KEEP)
			continue;
		v = in_replay_check(sa[i], &st[i], &st[i].seq);
		if (sa[i]->flags & SA_F_AEAD) {
			reason[i] = v == REPLAY_OK
					    ? in_gcm(w, sa[i], pkts[i], &st[i])
					    : in_replay_drop(w, sa[i], pkts[i], v, st[i].seq);
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

uint16_t
esp_in_burst(struct dp_worker *w, struct rte_mbuf **pkts, uint16_t n, dp_drop_t *reason)
{
	return in_burst_body(w, pkts, n, reason, false);
}

uint16_t
esp_in_bundled_burst(struct dp_worker *w, struct rte_mbuf **pkts, uint16_t n, dp_drop_t *reason)
{
	/* classification saw their AH, not this ESP: its SA is looked up here */
	for (uint16_t i = 0; i < n; i++)
		pkt_set_in_sa(pkts[i], NULL);
	return in_burst_body(w, pkts, n, reason, true);
}
