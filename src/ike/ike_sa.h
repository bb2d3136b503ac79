/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The engine's state (private to src/ike): the instance, IKE SAs, CHILD_SAs,
 * the one outstanding request of each IKE SA and the work queued behind it.
 *
 *   struct ike         every IKE SA of the gateway, the tables to find them
 *                      (by our SPI, by the peer's address), the counters, and
 *                      the message buffers (one message is handled at a time)
 *   struct ike_sa      one IKE SA: SPIs, endpoints, algorithms, keys (in
 *                      wiped, non-dumpable memory), identities, message IDs,
 *                      the outstanding request and the cached response, the
 *                      queue of exchanges waiting for the window, its CHILD_SAs
 *   struct ike_child   one CHILD_SA: both SPIs, the dataplane handles of its
 *                      two halves, the transforms and the selectors agreed
 *
 * Ownership: struct ike owns its SAs, an IKE SA owns its CHILD_SAs, tasks,
 * request and cache. Whatever references a CHILD_SA from elsewhere (a task, a
 * request) names it by its inbound SPI and looks it up again, so a CHILD_SA
 * can go at any time without dangling pointers.
 */
#ifndef DPSEC_IKE_SA_H
#define DPSEC_IKE_SA_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/queue.h>

#include "dpsec/config.h"
#include "dpsec/ike.h"
#include "dpsec/tbucket.h"

#include "ike_crypto.h"
#include "ike_msg.h"

#define IKE_MSG_MAX 65535	/* a UDP datagram's payload, at most */
#define IKE_NONCE_LEN 32	/* ours: twice the 128 bits of section 2.10, any PRF's key half */
#define IKE_ID_DATA_MAX 255	/* FQDN (253) or an address */
#define IKE_BUCKETS 1024	/* hash buckets of each table (power of two) */
/*
 * RFC 7383 bounds, ours and the peer's: fragments of one message, and the plaintext held
 * while reassembling (one IKE SA reassembles one message at a time, so this is also the
 * most an IKE SA holds). A message of 64 fragments of 576 bytes is about 30 KB, far above
 * any PSK exchange; the byte limit is what the reassembly buffer holds.
 */
#define IKE_FRAG_MAX 64
#define IKE_FRAG_BYTES IKE_MSG_MAX

/* IKE SA states (docs/IKE.md "IKE SA state"); a rekey is an exchange, not a state. */
enum ike_sa_state {
	IKE_SA_INIT_SENT,	/* initiator: IKE_SA_INIT request out */
	IKE_SA_AUTH_SENT,	/* initiator: IKE_AUTH request out */
	IKE_SA_HALF_OPEN,	/* responder: IKE_SA_INIT answered, IKE_AUTH not yet */
	IKE_SA_ESTABLISHED,
	IKE_SA_DELETING,	/* DELETE sent (or dead): only its answer is awaited */
};

/* An identity as sent: the ID payload's type and data. */
struct ike_frag_rx;		/* ike_frag.c */

struct ike_idv {
	uint8_t type;		/* enum ike_id_type */
	uint16_t len;
	uint8_t data[IKE_ID_DATA_MAX];
};

/* The transforms of a CHILD_SA, in the dataplane's words. */
struct child_suite {
	uint8_t proto;		/* IKE_PROTO_ESP or IKE_PROTO_AH (cipher DP_CIPHER_NULL) */
	enum dp_cipher cipher;
	enum dp_auth auth;
	bool esn;
	uint16_t dh;		/* PFS group of the exchange that made it; 0: none */
};

/* Traffic selectors of one side. */
struct ts_set {
	uint8_t n;
	struct ike_ts ts[IKE_MAX_TS];
};

enum child_state {
	CHILD_CREATING,		/* our request is out; maybe only the inbound half is in */
	CHILD_INSTALLED,	/* both halves in the dataplane */
	CHILD_REKEYED,		/* replaced: outbound gone, inbound lingers until linger_ms */
	CHILD_DELETING,		/* we sent a DELETE for it */
};

struct ike_child {
	TAILQ_ENTRY(ike_child) link;
	uint32_t map, entry;
	uint32_t spi_in, spi_out;	/* host order; spi_out 0 until known */
	uint32_t h_in, h_out;		/* dataplane handles; UINT32_MAX: not installed */
	enum child_state state;
	bool active;			/* the outbound half carries the policy's traffic */
	bool rekeying;			/* a rekey of it is under way (either side's) */
	uint32_t replaces;		/* a rekey's new CHILD_SA: the old one's inbound SPI */
	struct child_suite suite;
	struct ts_set ts_local, ts_remote;
	uint64_t created_ms;
	uint64_t linger_ms;		/* CHILD_REKEYED: when the inbound half goes */
	uint64_t activate_ms;		/* rekey responder: activate by then at the latest */
	uint64_t retry_ms;		/* a refused rekey (TEMPORARY_FAILURE) is tried again then */
};

/* Work waiting for the window (one outstanding request per IKE SA). */
enum ike_task_kind {
	TASK_INIT,		/* IKE_SA_INIT (not queued: starts the SA) */
	TASK_AUTH,		/* IKE_AUTH (not queued) */
	TASK_CHILD_CREATE,	/* a new CHILD_SA for (map, entry) */
	TASK_CHILD_REKEY,	/* rekey the CHILD_SA whose inbound SPI is spi */
	TASK_CHILD_DELETE,	/* DELETE of the CHILD_SA whose inbound SPI is spi */
	TASK_IKE_REKEY,
	TASK_IKE_DELETE,
	TASK_DPD,		/* liveness check: an empty INFORMATIONAL */
	TASK_INVALID_SPI,	/* N(INVALID_SPI) naming spi (section 1.5) */
};

struct ike_task {
	TAILQ_ENTRY(ike_task) link;
	enum ike_task_kind kind;
	uint32_t map, entry;		/* CHILD_DELETE: map is the protocol (ESP or AH) */
	uint32_t spi;			/* CHILD_CREATE: 1 = replace the entry's CHILD_SA */
};

/* The outstanding request of an IKE SA and the scratch its exchange needs. */
struct ike_req {
	bool busy;
	enum ike_task_kind kind;
	uint8_t exchange;
	uint32_t msg_id;
	uint8_t *msg;			/* as sent, for retransmission (ike_frag.h: maybe fragments) */
	size_t len;
	uint16_t frags;			/* 0: msg is one datagram; else that many fragment records */
	unsigned int tries;		/* retransmissions so far */
	uint64_t rtx_ms;		/* next retransmission (or give-up) */
	uint32_t rtx_fixed_ms;		/* liveness checks: the profile's retry, not a backoff */
	uint32_t map, entry;		/* CHILD_CREATE */
	uint32_t spi;			/* the CHILD_SA (inbound SPI) it is about */
	uint32_t new_spi;		/* CHILD_CREATE/REKEY: the new CHILD_SA's inbound SPI */
	struct ike_sa *new_sa;		/* IKE_REKEY: the IKE SA being made */
	uint8_t nonce[IKE_NONCE_LEN];
	struct ike_dh_key *dh;
	uint16_t ke_group;		/* the group of our KE (INVALID_KE_PAYLOAD retries once) */
	bool ke_retried;
	/* CHILD_REKEY: the peer rekeyed the same CHILD_SA meanwhile (section 2.8.1) */
	bool collided;
	uint32_t coll_spi;		/* the CHILD_SA its exchange made (our inbound SPI) */
	uint16_t coll_nonce_len;
	uint8_t coll_nonce[IKE_NONCE_MAX];	/* the lower of that exchange's nonces */
};

/* IKE SA keys, in a slab of non-dumpable memory wiped when given back. */
struct ike_sa_keys {
	struct ike_sk sk;		/* SK_e*, SK_a*, oriented */
	struct secret d, pi, pr;
};

/* What only the IKE_SA_INIT / IKE_AUTH pair needs; freed (wiped) once it is over. */
struct ike_setup {
	uint8_t ni[IKE_NONCE_MAX], nr[IKE_NONCE_MAX];
	uint16_t ni_len, nr_len;
	struct ike_dh_key *dh;
	uint8_t *msg1;			/* IKE_SA_INIT request as sent (RealMessage1) */
	size_t msg1_len;
	uint8_t *msg2;			/* IKE_SA_INIT response (RealMessage2) */
	size_t msg2_len;
	uint8_t cookie[IKE_NONCE_MAX];	/* initiator: the COOKIE to send back */
	uint16_t cookie_len;
	uint16_t ke_group;		/* the KE we send / sent */
	bool ke_retried;		/* initiator: INVALID_KE_PAYLOAD honoured once */
	uint8_t cookie_tries;		/* initiator: COOKIEs answered (a loop ends) */
	uint32_t map, entry;		/* initiator: the entry whose CHILD_SA rides IKE_AUTH */
	uint32_t child_spi;		/* initiator: that CHILD_SA's inbound SPI */
};

struct ike_sa {
	TAILQ_ENTRY(ike_sa) all;	/* creation order */
	LIST_ENTRY(ike_sa) spi_link;	/* by our SPI */
	LIST_ENTRY(ike_sa) peer_link;	/* by the peer's address */
	uint32_t tunnel_id;
	enum ike_sa_state state;
	bool initiator;			/* original initiator: sets the I flag (section 3.1) */
	bool half_open;			/* counted in ike->half_open */
	bool was_up;			/* reached ESTABLISHED: SA_DOWN is logged when it goes */
	uint64_t spi_i, spi_r;		/* host order; spi_r 0 until known */
	struct ike_addr local, remote;
	bool nat_local, nat_remote;	/* a NAT in front of us / of the peer (section 2.23) */
	bool frag;			/* both sides sent IKEV2_FRAGMENTATION_SUPPORTED (RFC 7383) */
	struct ike_frag_rx *frx;	/* a message being reassembled (ike_frag.c), or NULL */
	struct ike_suite suite;
	struct ike_sa_keys *keys;	/* NULL before IKE_SA_INIT completes */
	uint32_t profile;		/* index, CFG_NONE before it is known */
	const struct cfg_keyring_peer *kpeer;
	struct ike_idv id_local, id_remote;
	struct ike_setup *setup;

	uint32_t msgid_tx, msgid_rx;	/* next request IDs: ours, the peer's */
	struct ike_req req;
	uint8_t *resp;			/* last response sent, for a retransmitted request */
	size_t resp_len;
	uint16_t resp_frags;		/* as req.frags */
	uint8_t resp_exchange;
	uint32_t resp_msgid;
	bool has_resp;

	TAILQ_HEAD(, ike_task) tasks;
	TAILQ_HEAD(, ike_child) children;

	uint64_t created_ms, up_ms;
	uint64_t rx_ms;			/* last authenticated message from the peer */
	uint64_t tx_ms;			/* last IKE message sent (NAT keepalive idleness) */
	uint64_t rekey_ms;		/* IKE SA rekey due (0: none) */
	uint64_t expire_ms;		/* replaced by a rekey: gone by then even without DELETE */
	uint32_t successor;		/* replaced by a rekey: the new one's tunnel ID */
	/*
	 * Made by IKE_SA_INIT/IKE_AUTH (not a rekey), and the lower of that
	 * exchange's two nonces: which of two IKE SAs both ends started at
	 * once is redundant (exchange_auth.c auth_collision).
	 */
	bool via_auth;
	uint16_t low_nonce_len;
	uint8_t low_nonce[IKE_NONCE_MAX];
	uint64_t dpd_ms;		/* next liveness decision (0: DPD off) */
	uint64_t keepalive_ms;		/* next NAT keepalive (0: none) */
	uint64_t dpd_in_pkts;		/* inbound packets of its CHILD_SAs at the last check */
	uint64_t dpd_out_pkts;		/* outbound likewise */
	uint64_t ka_out_pkts;		/* outbound packets at the last keepalive check */
};

TAILQ_HEAD(ike_sa_list, ike_sa);
LIST_HEAD(ike_sa_bucket, ike_sa);

struct ike {
	const struct dpsec_config *cfg;
	struct ike_ops ops;
	bool debug;
	uint32_t next_tunnel_id;
	struct ike_sa_list sas;
	struct ike_sa_bucket by_spi[IKE_BUCKETS];
	struct ike_sa_bucket by_peer[IKE_BUCKETS];
	uint32_t n_sas;
	uint32_t half_open;
	struct view_ike_stats st;
	struct ike_cookie_secret cookie;	/* current COOKIE secret (section 2.6) */
	struct ike_cookie_secret cookie_prev;
	bool cookie_prev_valid;
	uint64_t cookie_rotate_ms;
	struct tbucket unauth;		/* unencrypted answers to strangers (cookie.c) */

	struct ike_msg m;		/* the message being handled */
	uint8_t rx[IKE_MSG_MAX];	/* its bytes (decrypted in place) */
	uint8_t tx[IKE_MSG_MAX];	/* the message being sent */
	uint8_t inner[IKE_MSG_MAX];	/* its payloads before encryption */
	uint8_t reasm[IKE_FRAG_BYTES];	/* a reassembled message's inner payloads (RFC 7383) */
};

/* ---- ike_sa.c: life and tables ---- */

struct ike_sa *sa_new(struct ike *ike, bool initiator, const struct ike_addr *local,
		      const struct ike_addr *remote);
/* The SA whose SPI of ours is spi; NULL if none. */
struct ike_sa *sa_by_spi(const struct ike *ike, uint64_t spi);
struct ike_sa *sa_by_tunnel(const struct ike *ike, uint32_t tunnel_id);
/* Responder: the SA made for an IKE_SA_INIT with this SPIi from remote (section 2.1). */
struct ike_sa *sa_by_init(const struct ike *ike, uint64_t spi_i, const struct ike_addr *remote);
/* Next SA (after prev, NULL: first) with that peer address, port ignored. */
struct ike_sa *sa_next_by_peer(const struct ike *ike, const struct ike_addr *peer,
			       struct ike_sa *prev);
uint64_t sa_spi_local(const struct ike_sa *sa);
/* An SPI in wire order (the 8 bytes of the header). */
void ike_spi_bytes(uint64_t spi, uint8_t b[IKE_SPI_LEN]);
uint64_t sa_spi_remote(const struct ike_sa *sa);
void sa_set_half_open(struct ike *ike, struct ike_sa *sa, bool on);
int sa_keys_alloc(struct ike_sa *sa);
/* The SA's keys from a derivation, oriented by sa->initiator (suite set first). */
int sa_keys_set(struct ike_sa *sa, const struct ike_keys *k);
/* Wipe and free the IKE_SA_INIT/IKE_AUTH state (nonces, DH, the first messages). */
void sa_setup_free(struct ike_sa *sa);
/*
 * Delete the SA: its CHILD_SAs leave the dataplane (tell_dp) and every byte
 * of its state is wiped and freed. SA_DOWN is logged for an SA that was up.
 */
void sa_free(struct ike *ike, struct ike_sa *sa, bool tell_dp, const char *why);
size_t sa_mem(const struct ike_sa *sa);
bool ike_addr_equal_ip(const struct ike_addr *a, const struct ike_addr *b);
/* "192.0.2.1:500" */
#define IKE_ADDR_STRLEN 56
const char *ike_addr_str(const struct ike_addr *a, char buf[IKE_ADDR_STRLEN]);
/* Network-order IPv4 of an endpoint (0 for IPv6). */
uint32_t ike_addr_v4(const struct ike_addr *a);

struct ike_child *child_new(struct ike_sa *sa, uint32_t map, uint32_t entry);
struct ike_child *child_by_spi_in(const struct ike_sa *sa, uint32_t spi);
struct ike_child *child_by_spi_out(const struct ike_sa *sa, uint32_t spi);
/*
 * The same lookups on sa, then on the IKE SA that replaced it by a rekey (its
 * CHILD_SAs moved there while an exchange on the old one was still open).
 */
struct ike_child *child_find_in(const struct ike *ike, struct ike_sa *sa, uint32_t spi,
				struct ike_sa **owner);
struct ike_child *child_find_out(const struct ike *ike, struct ike_sa *sa, uint32_t spi,
				 struct ike_sa **owner);
struct ike_child *child_by_handle(const struct ike *ike, uint32_t handle, struct ike_sa **sa);
/* The CHILD_SA in use (creating or installed, not replaced) of an entry, anywhere. */
struct ike_child *child_of_entry(const struct ike *ike, uint32_t map, uint32_t entry,
				 struct ike_sa **sa);
/* Remove from the dataplane whatever half is installed (tell_dp), and free it. */
void child_free(struct ike *ike, struct ike_sa *sa, struct ike_child *c, bool tell_dp);
/* A fresh inbound SPI, unused by every CHILD_SA we know (>= 256, RFC 4303). */
uint32_t child_spi_new(const struct ike *ike);

/* Queue work behind the window (once: the same task twice is one); it may start at once. */
int task_add(struct ike *ike, struct ike_sa *sa, enum ike_task_kind kind, uint32_t map,
	     uint32_t entry, uint32_t spi);
/* DELETE the CHILD_SA of protocol proto (IKE_PROTO_ESP/AH) we receive on with spi_in. */
static inline int
task_delete_child(struct ike *ike, struct ike_sa *sa, uint8_t proto, uint32_t spi_in)
{
	return task_add(ike, sa, TASK_CHILD_DELETE, proto, 0, spi_in);
}
bool task_queued(const struct ike_sa *sa, enum ike_task_kind kind, uint32_t map, uint32_t entry,
		 uint32_t spi);

/* ---- ike.c: time, randomness, logs ---- */

uint64_t ike_now(const struct ike *ike);
/* Random bytes; the engine's only source (ike_random underneath). */
int ike_rand(void *buf, size_t len);
uint32_t ike_rand_below(uint32_t n);
void ike_log(struct ike *ike, int severity, const char *tag, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
void ike_debug(struct ike *ike, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Count a dropped message under its reason (and say why with debug on). */
void ike_drop(struct ike *ike, enum ike_drop why, const char *detail);
/*
 * The IKE endpoints of an entry (port 500): the peer, and our address of its
 * family, the outside interface's carrying the map (address, or address6 for
 * an IPv6 peer) or the tunnel's source (CFG_MAP_TUNNEL). 0, -EINVAL (no such
 * entry) or -ENODEV (no such address).
 */
int ike_entry_endpoints(const struct ike *ike, uint32_t map, uint32_t entry,
			struct ike_addr *local, struct ike_addr *peer);
/* For log lines: "map M entry E", or the tunnel's name ("Tunnel1") for CFG_MAP_TUNNEL. */
#define IKE_LABEL_LEN (CFG_NAME_MAX + 32)
const char *ike_entry_label(const struct ike *ike, uint32_t map, uint32_t entry,
			    char buf[IKE_LABEL_LEN]);
/* (map, entry)'s crypto map entry, or tunnels[entry].ike for CFG_MAP_TUNNEL; NULL if none. */
const struct cfg_map_entry *ike_entry(const struct ike *ike, uint32_t map, uint32_t entry);
/* Index of an entry inside its map, from config_ike_entry's answer. */
void ike_entry_index(const struct ike *ike, const struct cfg_crypto_map *m,
		     const struct cfg_map_entry *e, uint32_t *map, uint32_t *entry);
const struct cfg_ike_profile *ike_profile(const struct ike *ike, uint32_t profile);
/* The first error notify (type below 16384) of a message, 0 if none. */
uint16_t ike_error_notify(const struct ike_msg *m);

#endif
