/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Inbound ESP, tunnel mode, IPv4 (RFC 4303 section 3.4), one burst at a time:
 *
 *   1. gather the SPIs and look them all up in one bulk hash lookup;
 *   2. per packet: SA state, encapsulation, lengths, preliminary replay check,
 *      then AES-GCM decrypt + tag check (one-shot) and the replay commit, or
 *      queue the HMAC;
 *   3. CBC/NULL SAs: one HMAC burst, compare ICVs, one CBC decrypt burst for
 *      those that verified (ICV before decryption, RFC 4303 section 3.4.4.1);
 *   4. per authenticated packet: replay re-check and commit (CBC/NULL),
 *      padding and next header, inner IPv4 header, SA policy, TTL, route and
 *      new L2 header.
 *
 * AES-GCM packets are committed to the replay window one by one, before the
 * next packet of the burst is checked: exactly RFC 4303's per-packet order,
 * which matters for ESN, where the window decides the inferred high bits. For
 * CBC/NULL the preliminary checks of a burst see the window as it was at the
 * start of the burst (the HMACs run as one batch): the inferred high bits
 * differ only if the sender's numbers jump by ~2^31 within one burst, which
 * a sender never does (RFC 4303 section 3.3.3: it counts up by one).
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
#include "ip4_cksum.h"
#include "route.h"
#include "sa.h"
#include "sad.h"
#include "spd.h"

#define ESP_HDR 8	/* SPI + sequence number */
#define NH_IPV4 4	/* IP-in-IP: tunnel mode, RFC 4303 section 2.6 */
#define NH_NONE 59	/* dummy packet (traffic flow confidentiality) */

struct in_pkt {
	uint8_t *esp;
	uint32_t ct_len;
	uint64_t seq;
	bool committed;			/* already recorded in the replay window */
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

/* Step 2 before any crypto: is this packet worth decrypting? */
static dp_drop_t
in_check(struct dp_worker *w, struct sa_rt *sa, struct rte_mbuf *m, struct in_pkt *st)
{
	uint32_t esp_len = esp_length(m);
	uint32_t hdr = ESP_HDR + sa->iv_len;
	enum replay_verdict v;
	rte_be32_t seq_be;

	sa_owner_check(sa, w->id);
	if (sa_rt_state(sa) != SA_LIVE)
		return sa_drop(sa, DP_DROP_IN_V4_PKT_HIT_INVALID_SA);
	if (((sa->flags & SA_F_UDP) != 0) != (m->l4_len != 0))
		return sa_drop(sa, DP_DROP_IN_NAT_DEMUX_FAIL);
	if (esp_len < hdr + sa->icv_len + 2)
		return sa_drop(sa, DP_DROP_IN_ESP_TRUNCATED);
	st->ct_len = esp_len - hdr - sa->icv_len;
	if (st->ct_len & (sa->pad_block - 1u))
		return sa_drop(sa, DP_DROP_IN_ESP_BAD_BLOCK_LEN);
	/* ESP sits 2 bytes past a 4-byte boundary behind Ethernet + IPv4: no 32-bit load */
	memcpy(&seq_be, st->esp + 4, sizeof(seq_be));
	v = replay_check(&sa->replay, sa->replay_bmp, rte_be_to_cpu_32(seq_be),
			 sa->flags & SA_F_ESN, &st->seq);
	return v == REPLAY_OK ? DP_KEEP : replay_drop(w, sa, m, v, st->seq);
}

/* Re-check (another packet of the burst may have taken the number) and record it. */
static dp_drop_t
in_commit(struct dp_worker *w, struct sa_rt *sa, const struct rte_mbuf *m, struct in_pkt *st)
{
	enum replay_verdict v = replay_check_full(&sa->replay, sa->replay_bmp, st->seq);

	if (v != REPLAY_OK)
		return replay_drop(w, sa, m, v, st->seq);
	replay_commit(&sa->replay, sa->replay_bmp, st->seq);
	st->committed = true;
	return DP_KEEP;
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
	st->committed = true;
	return DP_KEEP;
}

static void
in_hmac_op(struct sa_rt *sa, struct in_pkt *st, struct cmb_op *op)
{
	uint32_t hdr = ESP_HDR + sa->iv_len;
	uint8_t *icv = st->esp + hdr + st->ct_len;

	memcpy(st->icv, icv, sa->icv_len);
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
in_cbc_bursts(struct dp_worker *w, struct rte_mbuf **pkts, struct sa_rt **sa, struct in_pkt *st,
	      struct cmb_op *ops, const uint16_t *idx, unsigned int nops, dp_drop_t *reason)
{
	struct cmb_op ok[DP_BURST_MAX];
	uint16_t ok_idx[DP_BURST_MAX];
	unsigned int nok = 0;

	cmb_hmac_burst(w->mb, ops, nops);
	for (unsigned int j = 0; j < nops; j++) {
		uint16_t i = idx[j];

		/* an ICV the library could not compute is an ICV that did not verify */
		if (!ops[j].failed && ct_equal(st[i].tag, st[i].icv, sa[i]->icv_len)) {
			ok[nok] = ops[j];
			ok_idx[nok++] = i;
		} else {
			reason[i] = mac_drop(w, sa[i], pkts[i], st[i].seq);
		}
	}
	cmb_cbc_burst(w->mb, ok, nok, false);
	for (unsigned int j = 0; j < nok; j++)
		if (ok[j].failed)
			reason[ok_idx[j]] = sa_drop(sa[ok_idx[j]], DP_DROP_IN_UNEXP_CD_SW_IPSEC_EXCEPTION);
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

/* The last route found in this burst (mac == NULL: none yet): packets of a flow share it. */
struct route_memo {
	uint32_t dst;
	uint16_t port;
	const struct rte_ether_addr *mac;
};

static inline dp_drop_t
route_memo_lookup(const struct dp *dp, struct route_memo *r, uint32_t dst, uint16_t *port,
		  const struct rte_ether_addr **mac)
{
	dp_drop_t v;

	if (r->mac != NULL && r->dst == dst) {
		*port = r->port;
		*mac = r->mac;
		return DP_KEEP;
	}
	v = route_inside(dp->route, dst, port, mac);
	if (v == DP_KEEP)
		*r = (struct route_memo){.dst = dst, .port = *port, .mac = *mac};
	return v;
}

/* Step 4: everything after authentication. */
static dp_drop_t
in_finish(struct dp_worker *w, struct sa_rt *sa, struct rte_mbuf *m, struct in_pkt *st,
	  struct sa_acc *acc, struct route_memo *memo)
{
	const struct dp *dp = w->dp;
	uint8_t *pt = st->esp + ESP_HDR + sa->iv_len;
	struct rte_ipv4_hdr *ip = (struct rte_ipv4_hdr *)pt;
	const struct rte_ether_addr *mac;
	struct rte_ether_hdr *eth;
	uint32_t inner_len, tot;
	uint16_t port;
	dp_drop_t why;

	if (!st->committed) {
		why = in_commit(w, sa, m, st);
		if (why != DP_KEEP)
			return why;
	}
	why = in_trailer(sa, pt, st->ct_len, &inner_len);
	if (why != DP_KEEP)
		return why;
	if (!inner_ipv4_ok(ip, inner_len))
		return sa_drop(sa, DP_DROP_IN_PKT_IPVER_INVALID);
	if (!spd_check_in(dp->spd, sa->policy, ip))
		return sa_drop(sa, DP_DROP_IN_V4_POST_INPUT_POLICY_FAIL);
	if (ip->time_to_live <= 1)
		return DP_DROP_G_Ipv4TtlExceeded;
	why = route_memo_lookup(dp, memo, ip->dst_addr, &port, &mac);
	if (why != DP_KEEP)
		return why;
	/*
	 * For the gateway itself through the tunnel (e.g. a ping of its inside
	 * address from the remote site): the control thread cannot answer back
	 * through the tunnel yet, so it is counted, not sent out to the LAN.
	 */
	if (ip->dst_addr == dp->ports[port].addr)
		return DP_DROP_G_PuntUnhandled;

	esp_ttl_dec(ip);
	tot = rte_be_to_cpu_16(ip->total_length);
	eth = (struct rte_ether_hdr *)(pt - sizeof(*eth));
	rte_ether_addr_copy(mac, &eth->dst_addr);
	rte_ether_addr_copy(&dp->ports[port].mac, &eth->src_addr);
	eth->ether_type = rte_cpu_to_be_16(RTE_ETHER_TYPE_IPV4);
	m->data_off = (uint16_t)((uint8_t *)eth - (uint8_t *)m->buf_addr);
	m->data_len = (uint16_t)(sizeof(*eth) + tot);
	m->pkt_len = m->data_len;
	m->l2_len = sizeof(*eth);
	m->l3_len = (ip->version_ihl & 0xf) * 4u;
	m->l4_len = 0;
	pkt_set_egress(m, port);
	sa_acc_add(acc, sa, tot);
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
		st[i].committed = false;
		reason[i] = in_check(w, sa[i], pkts[i], &st[i]);
		if (reason[i] != DP_KEEP)
			continue;
		if (sa[i]->flags & SA_F_AEAD) {
			reason[i] = in_gcm(w, sa[i], pkts[i], &st[i]);
		} else {
			in_hmac_op(sa[i], &st[i], &ops[nops]);
			idx[nops++] = i;
		}
	}
	if (nops > 0)
		in_cbc_bursts(w, pkts, sa, st, ops, idx, nops, reason);

	for (uint16_t i = 0; i < n; i++) {
		if (reason[i] == DP_KEEP)
			reason[i] = in_finish(w, sa[i], pkts[i], &st[i], &acc, &memo);
	}
	sa_acc_flush(&acc);
	return dp_burst_compact(pkts, reason, n);
}
