/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * IKEv2 (RFC 7296) as the control thread drives it: a library with no
 * sockets, no DPDK and no threads. Datagrams go in (ike_input), datagrams
 * come out (ops->send), time is whatever ops->now_ms says, and CHILD_SAs
 * enter and leave the dataplane only through ops->sa_* (which the control
 * thread maps onto the SA-install API of dpsec/dp.h). So the whole protocol
 * runs the same between two in-process peers in a unit test, under a fuzzer,
 * and in dpsecd against strongSwan.
 *
 * One struct ike holds every IKE SA of the gateway. Not thread-safe: the
 * control thread owns it.
 */
#ifndef DPSEC_IKE_H
#define DPSEC_IKE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dp.h"

struct dpsec_config;
struct ike;

/* An IKE endpoint: address and UDP port. */
struct ike_addr {
	uint8_t family;		/* 4 or 6 */
	uint8_t ip[16];		/* network order; IPv4 in the first 4 bytes */
	uint16_t port;		/* host order */
};

/* What the dataplane reports about one installed SA (for DPD and the views). */
struct ike_sa_usage {
	uint64_t pkts;
	uint64_t bytes;
};

struct ike_ops {
	void *ctx;
	/* Monotonic milliseconds. */
	uint64_t (*now_ms)(void *ctx);
	/*
	 * Send one IKE message. The caller adds the 4-byte non-ESP marker when
	 * either port is 4500 (RFC 3948 section 2.2) and the IP/UDP headers.
	 */
	void (*send)(void *ctx, const struct ike_addr *local, const struct ike_addr *remote,
		     const uint8_t *msg, size_t len);
	/*
	 * Install a CHILD_SA half. Inbound SAs take traffic at once; an outbound
	 * one is installed inactive unless p->activate (the policy keeps its
	 * current SA until sa_activate). Returns 0 and a handle, or -errno.
	 */
	int (*sa_add)(void *ctx, const struct dp_sa_params *p, uint32_t *handle);
	int (*sa_activate)(void *ctx, uint32_t handle);
	int (*sa_del)(void *ctx, uint32_t handle);
	/*
	 * Replace an installed half's traffic selectors by p's (dp_sa_update_ts):
	 * the initiator's inbound half, installed before the responder narrowed.
	 * NULL: the half keeps the selectors it was installed with.
	 */
	int (*sa_set_ts)(void *ctx, uint32_t handle, const struct dp_sa_params *p);
	/* Counters of an installed SA; -ENOENT if the dataplane no longer has it. */
	int (*sa_usage)(void *ctx, uint32_t handle, struct ike_sa_usage *u);
	/* One IOS-style log line: severity 0..7, facility-mnemonic tag, message. */
	void (*log)(void *ctx, int severity, const char *tag, const char *msg);
	/*
	 * A NAT keepalive (RFC 3948 section 2.3): one UDP datagram from local to
	 * remote (port 4500) whose payload is the single byte 0xFF, without the
	 * non-ESP marker. Sent only while this side is behind a NAT and idle for
	 * cfg.ikev2.nat_keepalive seconds. NULL: no keepalives.
	 */
	void (*send_keepalive)(void *ctx, const struct ike_addr *local,
			       const struct ike_addr *remote);
	/*
	 * The peer of an established IKE SA is behind a NAT whose mapping
	 * changed (RFC 7296 section 2.23: an authenticated message came from a
	 * new address or port): new peer endpoint for one installed CHILD_SA
	 * half, as dp_sa_update_endpoints. 0 or -errno (logged, the SA keeps
	 * the old endpoint). NULL: the CHILD_SAs keep the old endpoints.
	 */
	int (*sa_update_endpoints)(void *ctx, uint32_t handle, const struct ike_addr *remote,
				   bool udp_encap);
};

/* Returns NULL and a one-line reason in err. cfg must outlive the instance. */
struct ike *ike_create(const struct dpsec_config *cfg, const struct ike_ops *ops, char *err,
		       size_t errlen);
/* Frees every IKE SA, wiping keys; tells the dataplane nothing. Accepts NULL. */
void ike_destroy(struct ike *ike);

/* A datagram for one of the gateway's IKE ports, non-ESP marker removed. */
void ike_input(struct ike *ike, const struct ike_addr *local, const struct ike_addr *remote,
	       const uint8_t *msg, size_t len);

/* Milliseconds until ike_run_timers() has work (UINT64_MAX: none). */
uint64_t ike_next_timeout(const struct ike *ike);
/* Retransmissions, DPD, rekeys, lifetimes, lingering SAs: whatever is due. */
void ike_run_timers(struct ike *ike);

/*
 * Bring up the tunnel of a crypto-map entry (on start, on traffic, on
 * recovery); map CFG_MAP_TUNNEL and entry i: the IKE-keyed tunnels[i]. 0
 * when an exchange was started, -EALREADY when one is up or under way,
 * -errno otherwise (e.g. -ENOENT: no ikev2_profile).
 */
int ike_initiate(struct ike *ike, uint32_t map, uint32_t entry);

/*
 * The dataplane's lifetime events for an installed SA half (either handle of
 * a CHILD_SA): soft starts a rekey (nothing if one is queued or under way),
 * hard deletes the CHILD_SA (DELETE to the peer). Unknown handles are ignored.
 */
void ike_sa_expired(struct ike *ike, uint32_t handle, bool hard);

/* ---- operator commands ---- */

/*
 * clear crypto ikev2 sa [peer A]: delete the IKE SAs with that peer address
 * (port ignored), or all with NULL, and their CHILD_SAs, sending a DELETE for
 * each established IKE SA (not waiting for the answer). Returns how many.
 */
unsigned int ike_clear(struct ike *ike, const struct ike_addr *peer);

/*
 * clear crypto sa, for an SA half (either handle) of a negotiated CHILD_SA:
 * DELETE to the peer over the established IKE SA (the outbound half stops at
 * once, the inbound goes with the answer), or removed locally when the IKE SA
 * is not established. An entry with initiate: on-start gets a new CHILD_SA
 * over the same IKE SA after the DELETE. 0 when the handle is IKE's (a half
 * already on its way out counts, and one still being negotiated is left to
 * finish), -ENOENT for any other (a manual SA).
 */
int ike_clear_child(struct ike *ike, uint32_t handle);

/*
 * clear crypto session [remote A]: ike_clear, then the entries with that peer
 * (all with NULL) whose policy is initiate: on-start are brought up again.
 * Returns how many IKE SAs went.
 */
unsigned int ike_clear_session(struct ike *ike, const struct ike_addr *peer);
/*
 * ike_initiate every crypto map entry (applied to an interface) and every
 * tunnel whose policy is initiate: on-start, only those with peer peer
 * unless NULL: at start, and after clear crypto session.
 */
void ike_initiate_on_start(struct ike *ike, const struct ike_addr *peer);

/* debug crypto ikev2: one line per message sent and received, and why one was dropped. */
void ike_set_debug(struct ike *ike, bool on);

/*
 * Test command: forget the CHILD_SAs of a crypto-map entry without telling
 * the peer (remove both halves from the dataplane), as a crash of this side
 * would. The peer keeps sending on its outbound SA: the invalid-SPI path.
 * Returns how many CHILD_SAs went (0: none).
 */
unsigned int ike_delete_child_local(struct ike *ike, uint32_t map, uint32_t entry);

/*
 * Tell the peer at that address (port ignored) over an established IKE SA
 * with it that an ESP/AH packet arrived for an SPI we do not know (RFC 7296
 * section 1.5: an INFORMATIONAL with N(INVALID_SPI), protocol 0, SPI size 0,
 * the SPI as data; proto is only what the caller saw). 0 when queued;
 * -ENOENT: no established IKE SA with that peer. Rate limits are the
 * caller's.
 */
int ike_notify_invalid_spi(struct ike *ike, const struct ike_addr *peer, uint32_t spi,
			   uint8_t proto);

/*
 * Create the CHILD_SA of a crypto-map entry anew (after its SA was lost):
 * CREATE_CHILD_SA over the established IKE SA with the entry's peer, or a
 * new IKE SA if there is none. 0 when started or queued, -EALREADY when a
 * creation for the entry is under way, -ENOENT for an entry without
 * ikev2_profile.
 */
int ike_recreate_child(struct ike *ike, uint32_t map, uint32_t entry);

/* ---- views (plain data, no keys) ---- */

enum view_ike_status {
	VIEW_IKE_NEGOTIATING,	/* IOS IN-NEG */
	VIEW_IKE_READY,		/* IOS READY */
	VIEW_IKE_DELETING,	/* IOS DELETE */
};

#define VIEW_IKE_ID_MAX 256	/* an FQDN (253) or a dotted quad, NUL-terminated */

/* One IKE SA: what show crypto ikev2 sa [detailed] and show crypto session print. */
struct view_ike_sa {
	uint32_t tunnel_id;
	struct ike_addr local, remote;
	enum view_ike_status status;
	bool initiator;			/* Initiator of SA: Yes */
	uint64_t spi_local, spi_remote;	/* host order */
	uint16_t encr, encr_bits, integ, prf, dh;	/* IANA numbers; integ 0 with AEAD */
	uint8_t auth_local, auth_remote;	/* IANA auth method (2 = PSK) */
	uint32_t lifetime_sec;		/* the profile's */
	uint64_t active_sec;		/* since the SA was established (0 before) */
	char local_id[VIEW_IKE_ID_MAX];
	char remote_id[VIEW_IKE_ID_MAX];
	char profile[48];		/* "" before IKE_AUTH on a responder */
	uint32_t msgid_tx, msgid_rx;	/* next request IDs: ours, the peer's */
	uint32_t window;		/* 1 (no SET_WINDOW_SIZE) */
	uint32_t dpd_interval, dpd_retry;	/* s; 0 = DPD off */
	bool nat_local;			/* NAT-T is detected inside (we are behind a NAT) */
	bool nat_remote;		/* NAT-T is detected outside (the peer is) */
	bool fragmentation;		/* both sides support RFC 7383 */
	uint32_t n_children;		/* CHILD_SAs in use (not the old ones lingering) */
};

/* One CHILD_SA (both halves): for show crypto session and the detail views. */
struct view_ike_child {
	uint32_t tunnel_id;		/* its IKE SA */
	uint32_t map, entry;		/* crypto map entry (indices into cfg) */
	uint32_t spi_in, spi_out;	/* host order */
	uint32_t handle_in, handle_out;	/* dataplane handles; UINT32_MAX: not installed */
	bool active;			/* the outbound half carries traffic */
	bool rekeyed;			/* replaced by a newer CHILD_SA, lingering */
	uint16_t pfs_group;		/* 0: no PFS */
	uint64_t age_sec;
};

/*
 * Counters in IOS's "show crypto ikev2 stats exchange" layout: each row is
 * sent requests, sent responses, received requests, received responses.
 * X(ID, "NAME"); the notify rows also carry the notify type (0: DPD, which
 * is an empty INFORMATIONAL, not a notify).
 */
#define IKE_STAT_EXCHANGES(X)                                                                      \
	X(IKE_SA_INIT, "IKE_SA_INIT")                                                              \
	X(IKE_AUTH, "IKE_AUTH")                                                                    \
	X(CREATE_CHILD_SA, "CREATE_CHILD_SA")                                                      \
	X(CHILD_IPSEC, "CREATE_CHILD_SA_IPSEC")                                                    \
	X(CHILD_IPSEC_REKEY, "CREATE_CHILD_SA_IPSEC_REKEY")                                        \
	X(CHILD_IKE_REKEY, "CREATE_CHILD_SA_IKE_REKEY")                                            \
	X(INFORMATIONAL, "INFORMATIONAL")

/* X(ID, "NAME", type, error) */
#define IKE_STAT_NOTIFIES(X)                                                                       \
	X(UNSUPPORTED_CRITICAL_PAYLOAD, "UNSUPPORTED_CRITICAL_PAYLOAD", 1, true)                   \
	X(INVALID_IKE_SPI, "INVALID_IKE_SPI", 4, true)                                             \
	X(INVALID_MAJOR_VERSION, "INVALID_MAJOR_VERSION", 5, true)                                 \
	X(INVALID_SYNTAX, "INVALID_SYNTAX", 7, true)                                               \
	X(INVALID_MESSAGE_ID, "INVALID_MESSAGE_ID", 9, true)                                       \
	X(INVALID_SPI, "INVALID_SPI", 11, true)                                                    \
	X(NO_PROPOSAL_CHOSEN, "NO_PROPOSAL_CHOSEN", 14, true)                                      \
	X(INVALID_KE_PAYLOAD, "INVALID_KE_PAYLOAD", 17, true)                                      \
	X(AUTHENTICATION_FAILED, "AUTHENTICATION_FAILED", 24, true)                                \
	X(TS_UNACCEPTABLE, "TS_UNACCEPTABLE", 38, true)                                            \
	X(TEMPORARY_FAILURE, "TEMPORARY_FAILURE", 43, true)                                        \
	X(CHILD_SA_NOT_FOUND, "CHILD_SA_NOT_FOUND", 44, true)                                      \
	X(INITIAL_CONTACT, "INITIAL_CONTACT", 16384, false)                                        \
	X(SET_WINDOW_SIZE, "SET_WINDOW_SIZE", 16385, false)                                        \
	X(NAT_DETECTION_SOURCE_IP, "NAT_DETECTION_SOURCE_IP", 16388, false)                        \
	X(NAT_DETECTION_DESTINATION_IP, "NAT_DETECTION_DESTINATION_IP", 16389, false)              \
	X(COOKIE, "COOKIE", 16390, false)                                                          \
	X(HTTP_CERT_LOOKUP_SUPPORTED, "HTTP_CERT_LOOKUP_SUPPORTED", 16392, false)                  \
	X(REKEY_SA, "REKEY_SA", 16393, false)                                                      \
	X(ESP_TFC_PADDING_NOT_SUPPORTED, "ESP_TFC_PADDING_NOT_SUPPORTED", 16394, false)            \
	X(IKEV2_FRAGMENTATION_SUPPORTED, "IKEV2_FRAGMENTATION_SUPPORTED", 16430, false)            \
	X(DPD, "DPD", 0, false)

/*
 * Why a received message was not processed (or only answered from the
 * cache), X(ID, "description"). Each is counted where it is decided.
 */
#define IKE_DROPS(X)                                                                               \
	X(MALFORMED, "malformed message (codec error)")                                           \
	X(NOT_IKEV2, "major version other than 2")                                                \
	X(UNKNOWN_SPI, "no IKE SA for the SPIs")                                                  \
	X(BAD_MSGID, "message ID outside the window")                                             \
	X(RETRANSMIT, "retransmitted request, answered from the cache")                            \
	X(UNEXPECTED_RESPONSE, "response to no outstanding request")                              \
	X(UNEXPECTED, "exchange not allowed in this state")                                       \
	X(ICV, "integrity check of the Encrypted payload failed")                                 \
	X(DECRYPT, "Encrypted payload malformed or padding wrong")                                \
	X(MISSING_PAYLOAD, "a required payload is missing")                                       \
	X(HALF_OPEN_LIMIT, "IKE_SA_INIT over half_open_max")                                      \
	X(COOKIE_SENT, "IKE_SA_INIT without a valid COOKIE, COOKIE demanded")                     \
	X(NO_PROPOSAL, "no acceptable proposal")                                                  \
	X(INVALID_KE, "KE of another group than the chosen one")                                  \
	X(BAD_KE, "KE data invalid for its group")                                                \
	X(AUTH_FAILED, "authentication failed or peer unknown")                                   \
	X(TS_UNACCEPTABLE, "traffic selectors match no crypto map entry")                         \
	X(FRAGMENT, "fragment out of place, duplicate or over the limits")                        \
	X(RATE_LIMITED, "answer to an unauthenticated message held back")

enum ike_stat_exchange {
#define IKE_X(id, name) IKE_STAT_X_##id,
	IKE_STAT_EXCHANGES(IKE_X)
#undef IKE_X
	IKE_STAT_X__COUNT
};

enum ike_stat_notify {
#define IKE_X(id, name, type, err) IKE_STAT_N_##id,
	IKE_STAT_NOTIFIES(IKE_X)
#undef IKE_X
	IKE_STAT_N__COUNT
};

enum ike_drop {
#define IKE_X(id, text) IKE_DROP_##id,
	IKE_DROPS(IKE_X)
#undef IKE_X
	IKE_DROP__COUNT
};

enum ike_stat_dir {
	IKE_TX_REQ,
	IKE_TX_RES,
	IKE_RX_REQ,
	IKE_RX_RES,
	IKE_STAT_DIRS
};

struct view_ike_stats {
	uint64_t exchange[IKE_STAT_X__COUNT][IKE_STAT_DIRS];
	uint64_t notify[IKE_STAT_N__COUNT][IKE_STAT_DIRS];
	uint64_t drops[IKE_DROP__COUNT];
	/* OTHER COUNTERS: IKE SAs established with a NAT seen on our side, on the peer's, none. */
	uint64_t nat_inside, nat_outside, no_nat;
	uint64_t sa_up, sa_down;	/* IKE SAs established / deleted after establishment */
	/*
	 * Both ends made an IKE SA at once (IKEV2-5-SA_COLLISION): pairs found
	 * here, and of those the ones whose redundant IKE SA was ours, deleted here.
	 */
	uint64_t collisions, collisions_deleted;
	uint64_t half_open;		/* current */
	uint64_t retransmits;		/* requests sent again */
	uint64_t give_ups;		/* exchanges abandoned after the last retransmission */
	uint64_t keepalives;		/* NAT keepalives sent */
	/* RFC 7383: fragments sent (retransmissions included) and accepted (ICV good) */
	uint64_t frags_tx, frags_rx;
	uint64_t frag_msgs_tx;		/* messages cut into fragments */
	uint64_t frag_msgs_rx;		/* messages reassembled */
};

/* Names for the rows and reasons ("IKE_SA_INIT", "NO_PROPOSAL_CHOSEN", "DPD"). */
extern const char *const ike_stat_exchange_names[IKE_STAT_X__COUNT];
extern const char *const ike_stat_notify_names[IKE_STAT_N__COUNT];
extern const char *const ike_drop_names[IKE_DROP__COUNT];	/* "ICV" */
extern const char *const ike_drop_texts[IKE_DROP__COUNT];

void ike_stats_get(const struct ike *ike, struct view_ike_stats *out);
/* clear crypto ikev2 stats: zero the counters (half_open stays current). */
void ike_stats_clear(struct ike *ike);

/* IKE SAs in creation order, at most max; returns how many were written. */
size_t ike_sa_list(const struct ike *ike, struct view_ike_sa *out, size_t max);
/* CHILD_SAs of every IKE SA (tunnel_id 0) or of one, at most max. */
size_t ike_child_list(const struct ike *ike, uint32_t tunnel_id, struct view_ike_child *out,
		      size_t max);

/*
 * Bytes the library holds on the heap for its IKE and CHILD SAs (SA state,
 * cached messages, identities, exchange scratch), malloc_usable_size of each
 * block; the instance's own message buffers are not included.
 */
size_t ike_mem_bytes(const struct ike *ike);

#endif
