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
	/* Counters of an installed SA; -ENOENT if the dataplane no longer has it. */
	int (*sa_usage)(void *ctx, uint32_t handle, struct ike_sa_usage *u);
	/* One IOS-style log line: severity 0..7, facility-mnemonic tag, message. */
	void (*log)(void *ctx, int severity, const char *tag, const char *msg);
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
 * recovery). 0 when an exchange was started, -EALREADY when one is up or
 * under way, -errno otherwise (e.g. -ENOENT: no ikev2_profile).
 */
int ike_initiate(struct ike *ike, uint32_t map, uint32_t entry);

/* The dataplane's lifetime events for an installed SA half. */
void ike_sa_expired(struct ike *ike, uint32_t handle, bool hard);

#endif
