/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The control thread's log: IOS-style messages about what the workers report
 * (unknown SPIs, anti-replay and ICV failures) and the operator messages of
 * the daemon, kept in a ring buffer for "show logging" and sent to syslog(3).
 *
 * A peer or an attacker decides how many of the reported events there are,
 * so the three event messages are rate-limited twice: once per flow or SA
 * (IOS: "once a minute" per invalid-SPI flow, "30 second intervals" per SA
 * for MAC errors) and by one token bucket over all three, so that a flood of
 * random SPIs or spoofed sources still yields at most `rate` lines a second.
 * Every message held back is counted.
 *
 * Plain C and POSIX, no DPDK. Not thread-safe: the control thread owns it
 * (the CLI server runs in that thread too). One dlog per process may use
 * syslog, since openlog(3) is process-wide.
 */
#ifndef DPSEC_DLOG_H
#define DPSEC_DLOG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "dpsec/clk.h"
#include "dpsec/config.h"
#include "dpsec/view.h"

/* The rate-limited messages, for dlog_kind_counts. */
enum dlog_kind {
	DLOG_INV_SPI,	/* %CRYPTO-4-RECVD_PKT_INV_SPI, per (src, dst, SPI, protocol) */
	DLOG_REPLAY,	/* %IPSEC-3-REPLAY_ERROR, per SA (DP handle) */
	DLOG_MAC,	/* %CRYPTO-4-RECVD_PKT_MAC_ERR, per SA (connection id) */
	DLOG_KINDS
};

/* Entries of each per-flow / per-SA rate-limit table. */
#define DLOG_TABLE_SIZE 4096
/* Longest line kept, timestamp and '\n' included; longer operator messages are cut. */
#define DLOG_LINE_MAX 512

struct dlog;

/*
 * NULL on allocation failure. cfg is copied; clk too (wall: timestamps, mono:
 * rate limits; NULL = clk_system).
 */
struct dlog *dlog_create(const struct cfg_logging *cfg, const struct clk *clk);
/* Accepts NULL. */
void dlog_destroy(struct dlog *d);

/*
 * The event messages. Addresses are in network order, 4 bytes for IPv4 and 16
 * for IPv6; SPIs in host order. Each returns true if the message was logged,
 * false if a rate limit held it back (and counted it).
 */
/* %CRYPTO-4-RECVD_PKT_INV_SPI; proto is 50 (ESP) or 51 (AH). */
bool dlog_inv_spi(struct dlog *d, bool ipv6, const uint8_t *dst, uint8_t proto, uint32_t spi,
		  const uint8_t *src);
/* %IPSEC-3-REPLAY_ERROR for the SA dp_handle; src is the peer, dst is us. */
bool dlog_replay_error(struct dlog *d, uint32_t dp_handle, bool ipv6, const uint8_t *src,
		       const uint8_t *dst, uint32_t spi);
/* %CRYPTO-4-RECVD_PKT_MAC_ERR for the SA conn_id; local is us, remote the peer. */
bool dlog_mac_error(struct dlog *d, uint32_t conn_id, bool ipv6, const uint8_t *local,
		    const uint8_t *remote, uint32_t spi, uint64_t seq);

/*
 * An operator message, never rate-limited (startup, configuration changes,
 * debug output): "%TAG: text", severity 0..7 as syslog and IOS number them
 * (clamped), tag like "DPSEC-5-STARTED". Control characters in the text
 * become '?' (a log line is one line); text past DLOG_LINE_MAX is cut.
 */
void dlog_msg(struct dlog *d, int severity, const char *tag, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/*
 * The buffer for "show logging": oldest line first, whole '\n'-terminated
 * lines, at most cap bytes; when they do not all fit, the oldest are left
 * out. Returns the bytes written; if that is less than cap, a NUL follows.
 * st (may be NULL) gets the counters.
 */
size_t dlog_read(struct dlog *d, char *buf, size_t cap, struct view_log_stats *st);
/* "clear logging": empty the buffer. The counters keep running. */
void dlog_clear(struct dlog *d);

/* For "show crypto ipsec invalid-spi": %CRYPTO-4-RECVD_PKT_INV_SPI lines logged and held back. */
void dlog_inv_spi_counts(const struct dlog *d, uint64_t *logged, uint64_t *suppressed);
/* The same for any of the rate-limited kinds. */
void dlog_kind_counts(const struct dlog *d, enum dlog_kind kind, uint64_t *logged,
		      uint64_t *suppressed);

#endif
