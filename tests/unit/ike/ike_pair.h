/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Two IKE engines in one process, wired together for the exchange tests:
 *
 *      gwA (192.0.2.1)                         gwB (192.0.2.2)
 *   10.0.0.0/24 -- struct ike ---- queue ---- struct ike -- 10.0.2.0/24
 *                  fake DP        [NAT?]      fake DP
 *
 * - one fake clock (milliseconds) both engines read;
 * - send() queues a copy; pair_pump() delivers the queue into the other
 *   side's ike_input, optionally through a port-translating NAT in front of
 *   gwA (500 -> 40500, 4500 -> 44500, same address), and through a filter
 *   that may drop or keep a message;
 * - a fake dataplane per side records every sa_add (parameters and keys
 *   copied), sa_activate and sa_del, each stamped with a sequence number
 *   shared with the sends, so a test can check what happened before what;
 * - log lines are kept per side.
 */
#ifndef DPSEC_TEST_IKE_PAIR_H
#define DPSEC_TEST_IKE_PAIR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dpsec/config.h"
#include "dpsec/ike.h"

#define PAIR_SAS 64
#define PAIR_LOGS 128
#define PAIR_QUEUE 256
#define PAIR_MSG_MAX 4096
#define PAIR_SENT_MAX 256

/* One SA half as the fake dataplane got it. */
struct fake_sa {
	struct dp_sa_params p;		/* key pointers cleared */
	struct secret ck, ak;
	bool active;
	bool deleted;
	uint64_t seq_add, seq_activate, seq_del;
	uint64_t pkts, bytes;		/* what sa_usage reports */
	unsigned int moves;		/* sa_update_endpoints calls (p.peer, p.peer_port updated) */
};

/* A message as one side sent it. */
struct pair_msg {
	int from;			/* 0 = gwA, 1 = gwB */
	struct ike_addr src, dst;	/* as sent (before the NAT) */
	uint8_t buf[PAIR_MSG_MAX];
	size_t len;
	uint64_t seq;
};

struct pair;

struct side {
	struct pair *pair;
	int idx;
	struct dpsec_config *cfg;
	struct ike *ike;
	struct fake_sa sa[PAIR_SAS];	/* handle = index */
	unsigned int n_sa;
	unsigned int adds, activates, dels;
	unsigned int ts_updates;	/* sa_set_ts calls */
	int add_fail;			/* sa_add returns this (0: succeed) */
	char log[PAIR_LOGS][320];
	unsigned int n_log;
	unsigned int keepalives;
};

/* Return false to drop the message (it is then counted in pair.dropped). */
typedef bool (*pair_filter)(struct pair *p, const struct pair_msg *m);

struct pair {
	uint64_t now_ms;
	uint64_t seq;
	bool nat;			/* gwA behind a port-translating NAT */
	uint16_t nat_offset;		/* its port offset (0: 40000); changing it moves the mapping */
	struct side s[2];
	struct pair_msg q[PAIR_QUEUE];
	unsigned int qh, qn;
	pair_filter filter;
	void *filter_ctx;
	unsigned int delivered, dropped;
	/* every message sent, in order (for the fuzz corpus), when record is set */
	bool record;
	struct pair_msg *sent;
	unsigned int n_sent;
};

/*
 * What differs between the tests' configurations; NULL fields take the
 * defaults of ike_pair.c (AES-GCM-256 everywhere, group 19, PSK "test-psk",
 * identities the addresses). Entry 0 (seq 10) is A 10.0.0.0/24 <-> B
 * 10.0.2.0/24, entry 1 (seq 20) A 10.0.1.0/24 <-> B 10.0.3.0/24.
 */
struct pair_opts {
	const char *proposal;	/* flow mapping of proposal P */
	const char *psk;	/* YAML value: "\"text\"" or "{local: ..., remote: ...}" */
	const char *id_local;	/* a profile line, e.g. "identity_local: {fqdn: a.example}" */
	const char *match_remote;	/* list items, e.g. "{address: 192.0.2.2}" */
	const char *profile;	/* more profile lines (dpd, lifetime), "\n      "-separated */
	const char *globals;	/* more ikev2 lines (retransmit, cookie_threshold) */
	const char *transforms;	/* of the transform set, e.g. "esp-gcm 256" */
	const char *entry0;	/* more keys of entry 0, e.g. "pfs: group19, " */
	const char *acl0;	/* entry 0's match list */
	const char *entry1;
	/*
	 * Non-NULL: a Tunnel1 from out0 to the peer, protection {profile: VTI,
	 * transform_set: TS, <this>}, e.g. "ikev2_profile: PROF". With v6, the
	 * tunnel is mode ipsec ipv6 (source6 out0's address6).
	 */
	const char *tunnel;
	/*
	 * IKE over IPv6: out0 gets address6 2001:db8::1 (gwA) / ::2 (gwB), the
	 * entries' peer, the keyring peer and the default match identity are the
	 * other side's IPv6 address. Set it on both sides.
	 */
	bool v6;
};

/* Set up both sides (fresh state); asserts on failure. */
void pair_init(struct pair *p, const struct pair_opts *a, const struct pair_opts *b);
void pair_fini(struct pair *p);
/* Side i crashes and starts again: a new engine, its dataplane emptied (not via sa_del). */
void pair_restart(struct pair *p, int i);
/* Deliver queued messages until none is left (or limit); returns how many were delivered. */
unsigned int pair_pump(struct pair *p);
/* Move the clock and run both sides' timers (repeatedly while something is due now). */
void pair_advance(struct pair *p, uint64_t ms);
/* Drop whatever is queued. */
void pair_flush(struct pair *p);

/* Installed, not deleted SA halves of a side in a direction; n of them written to out. */
unsigned int pair_live(const struct side *s, enum cfg_dir dir, const struct fake_sa **out,
		       unsigned int max);
/* The live half of side with this SPI and direction, or NULL. */
const struct fake_sa *pair_find(const struct side *s, enum cfg_dir dir, uint32_t spi);
/* Whether a log line of the side contains text. */
bool pair_logged(const struct side *s, const char *text);
/* Bring the tunnel of map 0 entry e up from side i, asserting it comes up. */
void pair_up(struct pair *p, int i, uint32_t e);
/* Assert both sides' live SAs pair up: each inbound half is the other side's outbound. */
void pair_assert_matching(const struct pair *p);

#endif
