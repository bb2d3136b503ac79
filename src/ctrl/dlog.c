/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The control thread's log (see dlog.h): formatting, the two rate limits and
 * the "show logging" ring buffer.
 *
 * Rate limits. A message passes two gates, in this order:
 *  1. its flow's (invalid SPI) or SA's (replay, MAC) entry in a bounded table:
 *     held back if that flow/SA logged less than its interval ago;
 *  2. a token bucket shared by the three kinds: `rate` tokens, refilled at
 *     `rate` per second, starting full; held back if it is empty.
 * Only a message that passes both is logged, and only then is the entry
 * written, so a message the bucket held back does not start its flow's
 * interval, and a flood of new flows that the bucket stops never enters the
 * table: the table holds flows that logged, about rate x interval of them
 * live (1200 with the defaults), not whatever an attacker sends.
 *
 * The tables are set-associative: a key hashes (with a per-instance random
 * seed, so a sender cannot easily aim at one set) to a set of DLOG_WAYS entries; a
 * new key takes a free or expired entry of its set, else the least recently
 * logged one. The trade-off: when more than DLOG_WAYS flows of one set logged
 * within their interval, the oldest is forgotten and may log again before its
 * interval is over. Its extra line still counts against the bucket, so the
 * total stays within `rate` per second; what is lost is the per-flow spacing
 * under an overload, never the bound.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <syslog.h>

#include "dpsec/tbucket.h"

#include "dlog.h"

#define DLOG_WAYS 8
#define DLOG_SETS (DLOG_TABLE_SIZE / DLOG_WAYS)
#define ADDR_STRLEN 46			/* INET6_ADDRSTRLEN */

_Static_assert((DLOG_SETS & (DLOG_SETS - 1)) == 0, "the set count is a power of two");

/* What a limit is per: a flow (addresses, SPI, protocol) or an SA (id only). No padding. */
struct rl_key {
	uint8_t src[16];
	uint8_t dst[16];
	uint32_t id;		/* SPI or SA handle */
	uint8_t ipv6;
	uint8_t proto;
	uint8_t pad[2];
};

_Static_assert(sizeof(struct rl_key) == 40, "rl_key has no hidden padding (it is hashed)");

struct rl_slot {
	struct rl_key key;
	uint64_t last_ms;	/* when it last logged */
	uint64_t order;		/* which line of its kind that was (1, 2, ...); 0 = free */
};

struct dlog_kind_stats {
	uint64_t logged;
	uint64_t suppressed;
};

/* Whole '\n'-terminated lines in a circle of `size` bytes, oldest at `head`. */
struct dlog_ring {
	char *b;
	size_t size;
	size_t head;
	size_t used;
};

struct dlog {
	struct clk clk;
	bool syslog;
	uint32_t rate;
	uint64_t interval_ms[DLOG_KINDS];
	uint64_t seed;
	struct tbucket bucket;	/* gate 2, in milliseconds */
	struct rl_slot *table[DLOG_KINDS];
	struct dlog_kind_stats kind[DLOG_KINDS];
	struct dlog_ring ring;
	uint64_t logged;
	uint64_t rate_limited;
	uint64_t overwritten;
};

static uint32_t
clamp_u32(uint32_t v, uint32_t lo, uint32_t hi)
{
	return v < lo ? lo : v > hi ? hi : v;
}

static uint64_t
random_seed(void)
{
	uint64_t seed = 0;
	struct timespec ts;

	if (getrandom(&seed, sizeof(seed), GRND_NONBLOCK) == (ssize_t)sizeof(seed))
		return seed;
	/* No entropy yet (early boot): the seed only spreads sets, this will do. */
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_nsec * 0x9E3779B97F4A7C15u ^ (uint64_t)ts.tv_sec;
}

struct dlog *
dlog_create(const struct cfg_logging *cfg, const struct clk *clk)
{
	struct dlog *d = calloc(1, sizeof(*d));
	bool ok;

	if (d == NULL)
		return NULL;
	d->clk = clk != NULL ? *clk : clk_system;
	/* The config module enforces the documented ranges; clamp for other callers. */
	d->rate = clamp_u32(cfg->rate, 1, 10000);
	d->interval_ms[DLOG_INV_SPI] = 1000u * clamp_u32(cfg->invalid_spi_interval, 1, 3600);
	d->interval_ms[DLOG_REPLAY] = 1000u * clamp_u32(cfg->replay_interval, 1, 3600);
	d->interval_ms[DLOG_MAC] = 1000u * clamp_u32(cfg->mac_interval, 1, 3600);
	d->seed = random_seed();
	tbucket_init(&d->bucket, d->rate, d->rate, 1000, clk_mono_ms(&d->clk));
	d->ring.size = clamp_u32(cfg->buffer, DLOG_LINE_MAX, 16777216);
	d->ring.b = malloc(d->ring.size);
	ok = d->ring.b != NULL;
	for (int k = 0; k < DLOG_KINDS; k++) {
		d->table[k] = calloc(DLOG_TABLE_SIZE, sizeof(*d->table[k]));
		ok = ok && d->table[k] != NULL;
	}
	if (!ok) {
		dlog_destroy(d);	/* syslog still false: nothing to close */
		return NULL;
	}
	d->syslog = cfg->syslog;
	if (d->syslog)
		openlog("dpsecd", LOG_PID | LOG_NDELAY, LOG_DAEMON);
	return d;
}

void
dlog_destroy(struct dlog *d)
{
	if (d == NULL)
		return;
	if (d->syslog)
		closelog();
	for (int k = 0; k < DLOG_KINDS; k++)
		free(d->table[k]);
	free(d->ring.b);
	free(d);
}

/* --- rate limits --- */

static uint64_t
mix64(uint64_t h)
{
	h ^= h >> 33;
	h *= 0xFF51AFD7ED558CCDu;
	h ^= h >> 33;
	h *= 0xC4CEB9FE1A85EC53u;
	h ^= h >> 33;
	return h;
}

static uint32_t
key_set(const struct dlog *d, const struct rl_key *key)
{
	uint64_t w[sizeof(*key) / 8], h = d->seed;

	memcpy(w, key, sizeof(w));
	for (size_t i = 0; i < sizeof(w) / sizeof(w[0]); i++)
		h = mix64(h ^ w[i]);
	return (uint32_t)(h & (DLOG_SETS - 1));
}

/*
 * Gate 1. Returns false if key logged less than its interval ago; otherwise
 * true with *slot set to the entry to write if it does log now: its own, a
 * free or expired one, or the least recently logged of its set.
 */
static bool
flow_allows(struct dlog *d, enum dlog_kind kind, const struct rl_key *key, uint64_t now,
	    struct rl_slot **slot)
{
	struct rl_slot *set = d->table[kind] + (size_t)key_set(d, key) * DLOG_WAYS;
	struct rl_slot *free_slot = NULL, *oldest = NULL;

	for (int i = 0; i < DLOG_WAYS; i++) {
		struct rl_slot *s = &set[i];

		if (s->order == 0) {
			if (free_slot == NULL)
				free_slot = s;
		} else if (memcmp(&s->key, key, sizeof(*key)) == 0) {
			*slot = s;
			return now - s->last_ms >= d->interval_ms[kind];
		} else if (oldest == NULL || s->order < oldest->order) {
			/*
			 * Least recently logged by order, not by time: many lines
			 * share a millisecond in a flood. Expired entries are older
			 * than any live one, so they go first.
			 */
			oldest = s;
		}
	}
	*slot = free_slot != NULL ? free_slot : oldest;
	return true;
}

static bool
rate_ok(struct dlog *d, enum dlog_kind kind, const struct rl_key *key)
{
	uint64_t now = clk_mono_ms(&d->clk);
	struct rl_slot *slot;

	if (!flow_allows(d, kind, key, now, &slot) || !tbucket_take(&d->bucket, now)) {
		d->kind[kind].suppressed++;
		d->rate_limited++;
		return false;
	}
	d->kind[kind].logged++;
	slot->key = *key;
	slot->last_ms = now;
	slot->order = d->kind[kind].logged;
	return true;
}

/* --- the ring buffer --- */

static size_t
ring_phys(const struct dlog_ring *r, size_t off)
{
	size_t p = r->head + off;

	return p >= r->size ? p - r->size : p;
}

/* Length, '\n' included, of the line that starts off bytes after the oldest. */
static size_t
ring_line_len(const struct dlog_ring *r, size_t off)
{
	size_t p = ring_phys(r, off);
	size_t first = r->size - p < r->used - off ? r->size - p : r->used - off;
	const char *nl = memchr(r->b + p, '\n', first);

	if (nl != NULL)
		return (size_t)(nl - (r->b + p)) + 1;
	nl = memchr(r->b, '\n', r->used - off - first);
	/* Every stored line ends in '\n'; the fallback only keeps a broken ring bounded. */
	return nl != NULL ? first + (size_t)(nl - r->b) + 1 : r->used - off;
}

static void
ring_copy_out(const struct dlog_ring *r, size_t off, size_t n, char *dst)
{
	size_t p = ring_phys(r, off);
	size_t first = r->size - p < n ? r->size - p : n;

	memcpy(dst, r->b + p, first);
	memcpy(dst + first, r->b, n - first);
}

static void
ring_put(struct dlog *d, const char *line, size_t n)
{
	struct dlog_ring *r = &d->ring;
	size_t p, first;

	while (r->size - r->used < n) {
		size_t len = ring_line_len(r, 0);

		r->head = ring_phys(r, len);
		r->used -= len;
		d->overwritten++;
	}
	p = ring_phys(r, r->used);
	first = r->size - p < n ? r->size - p : n;
	memcpy(r->b + p, line, first);
	memcpy(r->b, line + first, n - first);
	r->used += n;
}

/* --- formatting --- */

/* "Sep  2 13:27:57.707: ", local time, the day space-padded as syslog and IOS print it. */
static size_t
format_stamp(struct dlog *d, char *out, size_t cap)
{
	static const char months[12][4] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
					   "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
	struct timespec now = {0, 0};
	struct tm tm;
	int n;

	clk_wall(&d->clk, &now);
	if (localtime_r(&now.tv_sec, &tm) == NULL) {
		memset(&tm, 0, sizeof(tm));
		tm.tm_mday = 1;
	}
	n = snprintf(out, cap, "%s %2d %02d:%02d:%02d.%03ld: ", months[tm.tm_mon % 12],
		     tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, now.tv_nsec / 1000000);
	return n < 0 ? 0 : (size_t)n < cap ? (size_t)n : cap - 1;
}

/* RFC 5952: lowercase, no leading zeros, the longest (first) run of 2+ zero fields as "::". */
static void
format_ip6(const uint8_t *a, char out[ADDR_STRLEN])
{
	static const uint8_t mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
	uint16_t w[8];
	int best = -1, best_len = 1;
	size_t n = 0;

	/* Section 5: IPv4-mapped addresses in mixed notation. */
	if (memcmp(a, mapped, sizeof(mapped)) == 0) {
		snprintf(out, ADDR_STRLEN, "::ffff:%u.%u.%u.%u", a[12], a[13], a[14], a[15]);
		return;
	}
	for (int i = 0; i < 8; i++)
		w[i] = (uint16_t)(a[2 * i] << 8 | a[2 * i + 1]);
	for (int i = 0; i < 8; i++) {
		int j = i;

		while (j < 8 && w[j] == 0)
			j++;
		if (j - i > best_len) {
			best = i;
			best_len = j - i;
		}
		i = j;
	}
	for (int i = 0; i < 8; i++) {
		if (i == best) {
			n += (size_t)snprintf(out + n, ADDR_STRLEN - n, "::");
			i += best_len - 1;
			continue;
		}
		n += (size_t)snprintf(out + n, ADDR_STRLEN - n, "%s%x",
				      i == 0 || i == best + best_len ? "" : ":", w[i]);
	}
}

static const char *
format_addr(bool ipv6, const uint8_t *a, char out[ADDR_STRLEN])
{
	if (ipv6)
		format_ip6(a, out);
	else
		snprintf(out, ADDR_STRLEN, "%u.%u.%u.%u", a[0], a[1], a[2], a[3]);
	return out;
}

/*
 * One line: the stamp, "%TAG: ", the text. Into the ring with '\n'; to syslog
 * without the stamp (syslog has its own). Control characters become '?'.
 */
__attribute__((format(printf, 4, 0))) static void
vemit(struct dlog *d, int severity, const char *tag, const char *fmt, va_list ap)
{
	static const int prio[8] = {LOG_EMERG,   LOG_ALERT,  LOG_CRIT, LOG_ERR,
				    LOG_WARNING, LOG_NOTICE, LOG_INFO, LOG_DEBUG};
	char line[DLOG_LINE_MAX];
	size_t stamp = format_stamp(d, line, sizeof(line));
	size_t n = stamp;
	int m = snprintf(line + n, sizeof(line) - n, "%%%s: ", tag);

	if (m > 0)
		n = n + (size_t)m < sizeof(line) ? n + (size_t)m : sizeof(line) - 1;
	m = vsnprintf(line + n, sizeof(line) - n, fmt, ap);
	if (m > 0)
		n = n + (size_t)m < sizeof(line) ? n + (size_t)m : sizeof(line) - 1;
	for (size_t i = stamp; i < n; i++) {
		if ((unsigned char)line[i] < 0x20 || line[i] == 0x7f)
			line[i] = '?';
	}
	severity = severity < 0 ? 0 : severity > 7 ? 7 : severity;
	if (d->syslog)
		syslog(prio[severity], "%s", line + stamp);
	line[n++] = '\n';	/* n < sizeof(line): the NUL was there */
	ring_put(d, line, n);
	d->logged++;
}

__attribute__((format(printf, 4, 5))) static void
emit(struct dlog *d, int severity, const char *tag, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vemit(d, severity, tag, fmt, ap);
	va_end(ap);
}

void
dlog_msg(struct dlog *d, int severity, const char *tag, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vemit(d, severity, tag, fmt, ap);
	va_end(ap);
}

/* --- the event messages --- */

static void
key_addrs(struct rl_key *k, bool ipv6, const uint8_t *src, const uint8_t *dst)
{
	size_t len = ipv6 ? 16 : 4;

	memcpy(k->src, src, len);
	memcpy(k->dst, dst, len);
	k->ipv6 = ipv6;
}

bool
dlog_inv_spi(struct dlog *d, bool ipv6, const uint8_t *dst, uint8_t proto, uint32_t spi,
	     const uint8_t *src)
{
	struct rl_key key = {.id = spi, .proto = proto};
	char a[ADDR_STRLEN], b[ADDR_STRLEN];

	key_addrs(&key, ipv6, src, dst);
	if (!rate_ok(d, DLOG_INV_SPI, &key))
		return false;
	emit(d, 4, "CRYPTO-4-RECVD_PKT_INV_SPI",
	     "decaps: rec'd IPSEC packet has invalid spi for destaddr=%s, prot=%u, spi=0x%X(%u), "
	     "srcaddr=%s",
	     format_addr(ipv6, dst, a), proto, spi, spi, format_addr(ipv6, src, b));
	return true;
}

bool
dlog_replay_error(struct dlog *d, uint32_t dp_handle, bool ipv6, const uint8_t *src,
		  const uint8_t *dst, uint32_t spi)
{
	struct rl_key key = {.id = dp_handle};
	char a[ADDR_STRLEN], b[ADDR_STRLEN];

	if (!rate_ok(d, DLOG_REPLAY, &key))
		return false;
	emit(d, 3, "IPSEC-3-REPLAY_ERROR",
	     "IPSec SA receives anti-replay error, DP Handle %u, src_addr %s, dest_addr %s, "
	     "SPI 0x%X",
	     dp_handle, format_addr(ipv6, src, a), format_addr(ipv6, dst, b), spi);
	return true;
}

bool
dlog_mac_error(struct dlog *d, uint32_t conn_id, bool ipv6, const uint8_t *local,
	       const uint8_t *remote, uint32_t spi, uint64_t seq)
{
	struct rl_key key = {.id = conn_id};
	char a[ADDR_STRLEN], b[ADDR_STRLEN];

	if (!rate_ok(d, DLOG_MAC, &key))
		return false;
	/*
	 * IOS prints seqno as 8 hex digits (tech note 116085: seqno=00071328).
	 * With ESN (RFC 4304) seq is 64 bits; only its low 32 bits, the ones on
	 * the wire, are printed.
	 */
	emit(d, 4, "CRYPTO-4-RECVD_PKT_MAC_ERR",
	     "decrypt: mac verify failed for connection id=%u local=%s remote=%s spi=%08X "
	     "seqno=%08X",
	     conn_id, format_addr(ipv6, local, a), format_addr(ipv6, remote, b), spi,
	     (uint32_t)seq);
	return true;
}

/* --- reading --- */

size_t
dlog_read(struct dlog *d, char *buf, size_t cap, struct view_log_stats *st)
{
	const struct dlog_ring *r = &d->ring;
	size_t off = 0, n = r->used;

	if (st != NULL) {
		st->logged = d->logged;
		st->rate_limited = d->rate_limited;
		st->overwritten = d->overwritten;
		st->buffer_size = r->size;
		st->syslog = d->syslog;
	}
	/* Leave out the oldest lines until the rest fits. */
	while (n > cap) {
		size_t len = ring_line_len(r, off);

		off += len;
		n -= len;
	}
	if (n > 0)
		ring_copy_out(r, off, n, buf);
	if (n < cap)
		buf[n] = '\0';
	return n;
}

void
dlog_clear(struct dlog *d)
{
	d->ring.head = 0;
	d->ring.used = 0;
}

void
dlog_kind_counts(const struct dlog *d, enum dlog_kind kind, uint64_t *logged,
		 uint64_t *suppressed)
{
	const struct dlog_kind_stats *k = &d->kind[(unsigned)kind < DLOG_KINDS ? kind : 0];

	if (logged != NULL)
		*logged = k->logged;
	if (suppressed != NULL)
		*suppressed = k->suppressed;
}

void
dlog_inv_spi_counts(const struct dlog *d, uint64_t *logged, uint64_t *suppressed)
{
	dlog_kind_counts(d, DLOG_INV_SPI, logged, suppressed);
}
