/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * What the engine's files call in one another (private to src/ike). Each
 * block is one file; ike_sa.h has the state they share.
 */
#ifndef DPSEC_IKE_ENGINE_H
#define DPSEC_IKE_ENGINE_H

#include "ike_build.h"
#include "ike_sa.h"

/* ---- ike_out.c: building, sending, retransmitting ---- */

/* A message under construction: its payloads (into ike->inner) and the notifies it carries. */
struct ike_out {
	struct ike_wr w;
	uint8_t n_notify;
	uint16_t notify[IKE_MAX_NOTIFIES];
};

/* "IKE_SA_INIT", "IKE_AUTH", "CREATE_CHILD_SA", "INFORMATIONAL"; "?" for others. */
const char *ike_exchange_name(uint8_t exchange);

void out_init(struct ike *ike, struct ike_out *o);
/* A Notify payload, counted in the stats when the message goes. */
void out_notify(struct ike_out *o, uint16_t type, uint8_t proto, const void *spi, size_t spi_len,
		const void *data, size_t len);
/*
 * Send o as our next request on sa (the window must be free): encrypted
 * unless exchange is IKE_SA_INIT, kept for retransmission, counted under
 * exchange (and sub, a CREATE_CHILD_SA row, or -1). The request's scratch
 * (sa->req) is the caller's to fill before or after.
 */
int out_request(struct ike *ike, struct ike_sa *sa, enum ike_task_kind kind, uint8_t exchange,
		int sub, struct ike_out *o);
/* A request sent once and forgotten (a DELETE as the IKE SA goes: ike_clear). */
int out_request_once(struct ike *ike, struct ike_sa *sa, uint8_t exchange, struct ike_out *o);
/* IKE_SA_INIT again (COOKIE, INVALID_KE_PAYLOAD): same message ID 0, fresh retransmissions. */
int out_request_again(struct ike *ike, struct ike_sa *sa, struct ike_out *o);
/* Send o as the response to the peer's request msg_id, and cache it for retransmissions. */
int out_response(struct ike *ike, struct ike_sa *sa, uint8_t exchange, int sub, uint32_t msg_id,
		 struct ike_out *o);
/*
 * An unencrypted answer to an IKE_SA_INIT for which no SA is kept (errors,
 * COOKIE): header from the request, R flag, our SPI 0.
 */
void out_init_error(struct ike *ike, const struct ike_addr *local, const struct ike_addr *remote,
		    const struct ike_hdr *req, struct ike_out *o);
/* The request is over: free what it held. The next queued task may start (sa_kick). */
void req_clear(struct ike_sa *sa);
/* Timer: retransmit sa's request, or give up after the last try. */
void out_retransmit(struct ike *ike, struct ike_sa *sa);
/* Resend the cached response (retransmitted request). */
void out_resend_cached(struct ike *ike, struct ike_sa *sa);

/* ---- ike_frag.c: RFC 7383 fragmentation ---- */

/* The largest IKE message (from its header) one datagram to sa's peer may carry. */
size_t frag_msg_max(const struct ike *ike, const struct ike_sa *sa);
/* Whether an encrypted message with inner_len bytes of payloads goes out in fragments. */
bool frag_needed(const struct ike *ike, const struct ike_sa *sa, size_t inner_len);
/*
 * ike->inner (inner_len bytes, first payload first) sealed as Encrypted Fragment payloads
 * behind header h into ike->tx, as records (2-byte length, datagram): *len bytes in all,
 * *n_frags of them. -EMSGSIZE beyond IKE_FRAG_MAX fragments.
 */
int frag_seal(struct ike *ike, struct ike_sa *sa, const struct ike_hdr *h, uint8_t first,
	      size_t inner_len, size_t *len, uint16_t *n_frags);
/* The next datagram of a record buffer from *off (start at 0); false at the end. */
bool frag_next(const uint8_t *buf, size_t len, size_t *off, const uint8_t **dgram, size_t *dlen);
/*
 * A received SKF message of sa whose message ID the window expects: authenticated and
 * decrypted, kept, and when the set is complete the reassembled inner payloads parsed
 * into m (views into ike->reasm). 1: m is complete; 0: kept, more to come; -1: dropped
 * (counted).
 */
int frag_input(struct ike *ike, struct ike_sa *sa, struct ike_msg *m);
/* Forget (wipe) a reassembly under way. */
void frag_rx_free(struct ike_sa *sa);
/* Bytes a reassembly under way holds. */
size_t frag_rx_mem(const struct ike_sa *sa);

/* ---- ike_stats.c ---- */

enum ike_stat_exchange stats_row(uint8_t exchange);
void stats_tx(struct ike *ike, uint8_t exchange, int sub, bool response, const struct ike_out *o,
	      bool empty);
void stats_rx(struct ike *ike, const struct ike_msg *m, int sub, bool empty);

/* ---- proposal.c: IKE and CHILD proposals ---- */

/* The SA payload of an IKE_SA_INIT (or IKE rekey, with spi) from the policy. */
int prop_ike_offer(const struct cfg_ike_policy *pol, const struct dpsec_config *cfg,
		   const uint8_t *spi, struct ike_proposal *out, unsigned int *n, uint16_t *dh);
/*
 * Responder: the first of our proposals (policy order) the peer's SA payload
 * allows, choosing within it in our order; ke_group is the KE the peer sent
 * (preferred when both allow it). Writes the proposal to answer with.
 * -ENOENT: nothing acceptable.
 */
int prop_ike_select(const struct cfg_ike_policy *pol, const struct dpsec_config *cfg,
		    const struct ike_sa_pl *peer, uint16_t ke_group, struct ike_suite *s,
		    struct ike_proposal *answer);
/* Initiator: the responder's choice is one proposal we offered, one of each transform. */
int prop_ike_check(const struct ike_proposal *offered, unsigned int n, const struct ike_sa_pl *got,
		   struct ike_suite *s);
/* The ESP proposal of an entry's transform set, with our SPI and the PFS group (0: none). */
void prop_child_offer(const struct cfg_transform_set *tset, uint32_t spi, uint16_t dh,
		      struct ike_proposal *out);
/*
 * Responder: the peer's ESP proposal our transform set matches. pfs is our
 * group (0: accept the peer's if any, as IOS), with_dh false in IKE_AUTH
 * (DH transforms ignored). Fills the suite, the peer's SPI, the answer.
 */
int prop_child_select(const struct cfg_transform_set *tset, uint16_t pfs, bool with_dh,
		      const struct ike_sa_pl *peer, struct child_suite *cs, uint32_t *peer_spi,
		      struct ike_proposal *answer);
/* Initiator: the responder's answer is what we offered; its SPI. */
int prop_child_check(const struct ike_proposal *offered, const struct ike_sa_pl *got,
		     uint32_t *peer_spi);
/* Set the (4-byte) SPI of an ESP proposal. */
void prop_set_spi(struct ike_proposal *p, uint32_t spi);
/* The transform set's suite (dh 0). */
void prop_child_suite(const struct cfg_transform_set *tset, uint16_t dh, struct child_suite *cs);

/* ---- ts.c: traffic selectors ---- */

/* An entry's selectors from its permit lines: ours (src side) and the peer's (dst side). */
int ts_from_entry(const struct cfg_map_entry *e, struct ts_set *local, struct ts_set *remote);
/*
 * Responder: narrow the peer's TSi/TSr (its local, its remote) to entry e
 * (section 2.9). 0 with the narrowed sets (ours: local; the peer's: remote),
 * -ENOENT if nothing is left on either side.
 */
int ts_narrow(const struct cfg_map_entry *e, const struct ike_ts_pl *peer_local,
	      const struct ike_ts_pl *peer_remote, struct ts_set *local, struct ts_set *remote);
/* Initiator: every selector got is inside one we proposed. */
bool ts_within(const struct ike_ts_pl *got, const struct ts_set *proposed);
void ts_copy(struct ts_set *dst, const struct ike_ts_pl *src);
/*
 * One selector is all of IPv4 (v6: all of IPv6), any protocol, all ports
 * (an sVTI's 0.0.0.0/0; an IPv6 sVTI's ::/0).
 */
bool ts_is_any(const struct ike_ts_pl *pl, bool v6);
/* ---- natd.c: NAT detection (section 2.23) ---- */

/* N(NAT_DETECTION_SOURCE_IP) and N(..._DESTINATION_IP) for a message with these SPIs. */
int natd_add(struct ike_out *o, uint64_t spi_i, uint64_t spi_r, const struct ike_addr *src,
	     const struct ike_addr *dst);
/* Compare a received IKE_SA_INIT's hashes with what we saw; sets sa->nat_*. */
void natd_check(struct ike_sa *sa, const struct ike_msg *m);
/* Both sides sent NAT-D: is a NAT (or a peer faking one) in the way? */
bool natd_any(const struct ike_sa *sa);
/* Initiator: move IKE to port 4500 (section 2.23) once a NAT is seen. */
void natd_float(struct ike_sa *sa);
/*
 * An authenticated message (integrity checked, in the window) came from
 * remote: if the peer is behind a NAT and that is not where the IKE SA
 * sends, follow it, the IKE SA and its CHILD_SAs (section 2.23).
 */
void natd_follow(struct ike *ike, struct ike_sa *sa, const struct ike_addr *remote);

/* ---- cookie.c: what strangers may cost (sections 2.6, 2.21.1) ---- */

/*
 * Above cookie_threshold half-open SAs: true if the IKE_SA_INIT carries no
 * valid COOKIE (one was sent, or held back, and counted): stop there.
 */
bool cookie_demanded(struct ike *ike, const struct ike_addr *local, const struct ike_addr *remote,
		     const struct ike_msg *m);
/* May we send one more unencrypted answer to an unauthenticated message? Counts if not. */
bool unauth_answer_allowed(struct ike *ike);

/* ---- exchange_init.c ---- */

int init_start(struct ike *ike, struct ike_sa *sa);
void init_request(struct ike *ike, const struct ike_addr *local, const struct ike_addr *remote,
		  struct ike_msg *m);
void init_response(struct ike *ike, struct ike_sa *sa, struct ike_msg *m);

/* ---- exchange_auth.c ---- */

int auth_start(struct ike *ike, struct ike_sa *sa);
void auth_request(struct ike *ike, struct ike_sa *sa, struct ike_msg *m);
void auth_response(struct ike *ike, struct ike_sa *sa, struct ike_msg *m);
/* A peer identity as the configuration compares it; -EINVAL for types we do not match. */
int auth_cfg_id(const struct ike_idv *v, struct cfg_ike_id *id);
/* The IKE SA is up: timers, counters, SA_UP. */
void auth_established(struct ike *ike, struct ike_sa *sa);
/* Octet by octet; a nonce that is a prefix of the other is the lower one (2.8.1). */
int nonce_cmp(const uint8_t *a, size_t alen, const uint8_t *b, size_t blen);

/* ---- child_create.c: CHILD_SA negotiation and installation ---- */

/* The four keys of a CHILD_SA, in the order of section 2.17. */
struct child_keys {
	struct secret ek_ir, ak_ir;	/* initiator -> responder (of the exchange) */
	struct secret ek_ri, ak_ri;
};

int child_keys(const struct ike_sa *sa, const struct child_suite *cs,
	       const struct ike_dh_shared *gir, const struct ike_nonces *n, struct child_keys *k);
void child_keys_wipe(struct child_keys *k);
/* Install one half (keys of that direction); outbound inactive unless activate. */
int child_install(struct ike *ike, struct ike_sa *sa, struct ike_child *c, enum cfg_dir dir,
		  const struct secret *ek, const struct secret *ak, bool activate);
int child_activate(struct ike *ike, struct ike_child *c);
/* Initiator: the installed inbound half gets the selectors the responder narrowed to. */
void child_narrow_inbound(struct ike *ike, struct ike_child *c);
/*
 * Install both halves of a negotiated CHILD_SA: as the exchange's initiator
 * (inbound from the r->i keys) or responder; inbound first unless it is in
 * already, outbound inactive.
 */
int child_install_pair(struct ike *ike, struct ike_sa *sa, struct ike_child *c, bool initiator,
		       struct child_keys *k);
/*
 * Initiator: the proposal for c (its entry's transform set, spi_in, PFS group
 * dh) into offered, c->suite set, and its selectors from the entry if not set.
 */
int child_offer(struct ike *ike, struct ike_child *c, uint16_t dh, struct ike_proposal *offered);
/*
 * Initiator: the responder's TSi/TSr are within what c proposed; for a
 * tunnel, still 0.0.0.0/0 both ways (IOS sVTI).
 */
bool child_ts_answer_ok(const struct ike *ike, const struct ike_child *c,
			const struct ike_msg *m);
/* TSi and TSr for c, as the exchange's initiator or responder. */
void child_write_ts(struct ike_out *o, const struct ike_child *c, bool initiator);
/*
 * Responder, IKE_AUTH (with_dh false) or CREATE_CHILD_SA: the entry and
 * proposal for the peer's SA/TSi/TSr. Returns the new CHILD_SA (state
 * CREATING, SPIs, suite and narrowed selectors set, nothing installed) with
 * the answer's proposal, or NULL and the notify to refuse with in *err.
 */
struct ike_child *child_respond(struct ike *ike, struct ike_sa *sa, const struct ike_msg *m,
				bool with_dh, const struct ike_child *old,
				struct ike_proposal *answer, uint16_t *err);
/*
 * Responder: KE checked, keys from the exchange's nonces (and g^ir), both
 * halves installed (outbound inactive), SA, Nr, [KEr], TSi, TSr written to o.
 * 0, or the error notify to answer with instead.
 */
uint16_t child_accept(struct ike *ike, struct ike_sa *sa, struct ike_child *c,
		      const struct ike_msg *m, const struct ike_proposal *answer, struct ike_out *o,
		      uint8_t nr[IKE_NONCE_LEN]);
/* Refuse with err; INVALID_KE_PAYLOAD carries the group we want (section 1.3). */
void child_refuse_with(struct ike *ike, struct ike_sa *sa, const struct ike_msg *m, int sub,
		       uint16_t err, uint16_t group);
/* A fresh DH key of group and its public value; nothing (key NULL) for group 0. */
int child_dh_public(uint16_t group, struct ike_dh_key **key, uint8_t *pub, size_t *len);
/*
 * Initiator: the answer to our CHILD_SA request checked against what we
 * offered, keys derived (our nonce, the peer's, g^ir with dh), both halves
 * installed, outbound inactive.
 */
int child_complete(struct ike *ike, struct ike_sa *sa, struct ike_child *c,
		   const struct ike_msg *m, const uint8_t *nonce_i, struct ike_dh_key *dh);
/* Answer a CREATE_CHILD_SA request with one notify. */
void child_refuse(struct ike *ike, struct ike_sa *sa, const struct ike_msg *m, int sub,
		  uint16_t type, const void *data, size_t len);
/* Log and count a CHILD_SA that is up. */
void child_up(struct ike *ike, struct ike_sa *sa, struct ike_child *c);
/*
 * Start the CREATE_CHILD_SA for a new CHILD_SA of (map, entry); replace: the
 * entry's CHILD_SA on this IKE SA goes once the new one is up.
 */
int child_create_start(struct ike *ike, struct ike_sa *sa, uint32_t map, uint32_t entry,
		       bool replace);
/*
 * Send the CREATE_CHILD_SA request for c (spi_in set, in sa's list); with
 * rekeyed, N(REKEY_SA) names it. On failure c is freed.
 */
int child_request(struct ike *ike, struct ike_sa *sa, struct ike_child *c,
		  const struct ike_child *rekeyed, enum ike_task_kind kind, int sub);
void child_create_request(struct ike *ike, struct ike_sa *sa, struct ike_msg *m);
void child_create_response(struct ike *ike, struct ike_sa *sa, struct ike_msg *m);

/* ---- child_rekey.c ---- */

int child_rekey_start(struct ike *ike, struct ike_sa *sa, uint32_t spi_in);
void child_rekey_request(struct ike *ike, struct ike_sa *sa, struct ike_msg *m,
			 const struct ike_notify_pl *n);
/* Our rekey's answer after a collision (2.8.1): true if ours lost (c deleted). */
bool child_rekey_lost(struct ike *ike, struct ike_sa *sa, struct ike_child *c,
		      const struct ike_msg *m);
/*
 * A CHILD_SA exchange of ours was refused with err: try again now (true:
 * a new request is out, or the window was handed on), later, or not.
 */
bool child_retry(struct ike *ike, struct ike_sa *sa, struct ike_child *old, uint32_t map,
		 uint32_t entry, const struct ike_msg *m, uint16_t err);

/* ---- ike_rekey.c ---- */

int ike_rekey_start(struct ike *ike, struct ike_sa *sa);
void ike_rekey_request(struct ike *ike, struct ike_sa *sa, struct ike_msg *m);
void ike_rekey_response(struct ike *ike, struct ike_sa *sa, struct ike_msg *m);

/* ---- informational.c ---- */

void info_request(struct ike *ike, struct ike_sa *sa, struct ike_msg *m);
/* N(INITIAL_CONTACT) from sa's peer: every other IKE SA with its identity goes (section 2.4). */
void initial_contact(struct ike *ike, struct ike_sa *sa);
void info_response(struct ike *ike, struct ike_sa *sa, struct ike_msg *m);
int info_start(struct ike *ike, struct ike_sa *sa, const struct ike_task *t);
/* A CHILD_SA replaced by a rekey: outbound out now, inbound after delete_rekeyed_delay. */
void child_retire(struct ike *ike, struct ike_child *c);
/* DELETE of the whole IKE SA, sent once without waiting, then the SA is gone. */
void info_delete_now(struct ike *ike, struct ike_sa *sa, const char *why);

/* ---- ike.c ---- */

/* Start the next queued exchange if the window is free and the SA is up. */
void sa_kick(struct ike *ike, struct ike_sa *sa);

/* ---- ike_timers.c ---- */

/* An IKE SA is up: its rekey, DPD and keepalive times from the profile and config. */
void sa_timers_start(struct ike *ike, struct ike_sa *sa, const struct cfg_ike_profile *p);

#endif
