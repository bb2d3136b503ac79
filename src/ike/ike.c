/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The instance (dpsec/ike.h): creation, the operator's and the control
 * thread's entry points, and the small services every engine file uses
 * (time, randomness, log lines, drop counting, config lookups). The protocol
 * itself is in the exchange files; ike_input.c is where messages come in.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ike_engine.h"

#define LOG_LINE_MAX 256

/* ---- services ---- */

uint64_t
ike_now(const struct ike *ike)
{
	return ike->ops.now_ms(ike->ops.ctx);
}

int
ike_rand(void *buf, size_t len)
{
	return ike_random(buf, len);
}

uint32_t
ike_rand_below(uint32_t n)
{
	uint32_t r = 0;

	if (n == 0 || ike_rand(&r, sizeof(r)) != 0)
		return 0;
	return r % n;
}

static void vlog(struct ike *ike, int severity, const char *tag, const char *fmt, va_list ap)
	__attribute__((format(printf, 4, 0)));

static void
vlog(struct ike *ike, int severity, const char *tag, const char *fmt, va_list ap)
{
	char line[LOG_LINE_MAX];

	if (ike->ops.log == NULL)
		return;
	vsnprintf(line, sizeof(line), fmt, ap);
	ike->ops.log(ike->ops.ctx, severity, tag, line);
}

void
ike_log(struct ike *ike, int severity, const char *tag, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog(ike, severity, tag, fmt, ap);
	va_end(ap);
}

void
ike_debug(struct ike *ike, const char *fmt, ...)
{
	va_list ap;

	if (!ike->debug)
		return;
	va_start(ap, fmt);
	vlog(ike, 7, "IKEV2-7-DEBUG", fmt, ap);
	va_end(ap);
}

void
ike_drop(struct ike *ike, enum ike_drop why, const char *detail)
{
	ike->st.drops[why]++;
	ike_debug(ike, "message dropped (%s): %s", ike_drop_texts[why], detail);
}

int
ike_entry_endpoints(const struct ike *ike, uint32_t map, uint32_t entry, struct ike_addr *local,
		    struct ike_addr *peer)
{
	const struct cfg_map_entry *e = ike_entry(ike, map, entry);

	*local = (struct ike_addr){.family = 4, .port = IKE_PORT};
	*peer = (struct ike_addr){.family = 4, .port = IKE_PORT};
	if (e == NULL)
		return -EINVAL;
	if (map == CFG_MAP_TUNNEL) {
		const struct cfg_tunnel *t = &ike->cfg->tunnels[entry];

		if (t->mode == CFG_TUNNEL_IPSEC_IPV6) {
			/* ipsec ipv6: IKE over IPv6 from the source interface's address6 */
			local->family = 6;
			peer->family = 6;
			memcpy(local->ip, t->source6, 16);
			memcpy(peer->ip, t->destination6, 16);
			return 0;
		}
		memcpy(local->ip, &t->source, 4);
		memcpy(peer->ip, &e->peer, 4);
		return t->source != 0 ? 0 : -ENODEV;
	}
	if (e->peer_v6) {
		/* the outer family is the peer's: our side is the interface's address6 */
		local->family = 6;
		peer->family = 6;
		memcpy(peer->ip, e->peer6, 16);
	} else {
		memcpy(peer->ip, &e->peer, 4);
	}
	for (uint32_t i = 0; i < ike->cfg->n_interfaces; i++) {
		const struct cfg_interface *ifc = &ike->cfg->interfaces[i];

		if (ifc->role != CFG_ROLE_OUTSIDE || ifc->crypto_map != map)
			continue;
		if (e->peer_v6 && !ifc->has_addr6)
			return -ENODEV;
		if (e->peer_v6)
			memcpy(local->ip, ifc->addr6, 16);
		else
			memcpy(local->ip, &ifc->addr, 4);
		return e->peer_v6 || ifc->addr != 0 ? 0 : -ENODEV;
	}
	return -ENODEV;
}

const char *
ike_entry_label(const struct ike *ike, uint32_t map, uint32_t entry, char buf[IKE_LABEL_LEN])
{
	if (map == CFG_MAP_TUNNEL && entry < ike->cfg->n_tunnels)
		snprintf(buf, IKE_LABEL_LEN, "%s", ike->cfg->tunnels[entry].name);
	else
		snprintf(buf, IKE_LABEL_LEN, "map %u entry %u", map, entry);
	return buf;
}

/* Tunnels are entries of a map of their own (CFG_MAP_TUNNEL), one per tunnel. */
const struct cfg_map_entry *
ike_entry(const struct ike *ike, uint32_t map, uint32_t entry)
{
	if (map == CFG_MAP_TUNNEL)
		return entry < ike->cfg->n_tunnels ? &ike->cfg->tunnels[entry].ike : NULL;
	if (map >= ike->cfg->n_crypto_maps || entry >= ike->cfg->crypto_maps[map].n_entries)
		return NULL;
	return &ike->cfg->crypto_maps[map].entries[entry];
}

void
ike_entry_index(const struct ike *ike, const struct cfg_crypto_map *m,
		const struct cfg_map_entry *e, uint32_t *map, uint32_t *entry)
{
	*map = (uint32_t)(m - ike->cfg->crypto_maps);
	*entry = (uint32_t)(e - m->entries);
}

uint16_t
ike_error_notify(const struct ike_msg *m)
{
	for (unsigned int i = 0; i < m->n_notifies; i++)
		if (m->notify[i].type <= IKE_N_ERROR_MAX)
			return m->notify[i].type;
	return 0;
}

const struct cfg_ike_profile *
ike_profile(const struct ike *ike, uint32_t profile)
{
	return profile < ike->cfg->ikev2.n_profiles ? &ike->cfg->ikev2.profiles[profile] : NULL;
}

/* ---- the instance ---- */

struct ike *
ike_create(const struct dpsec_config *cfg, const struct ike_ops *ops, char *err, size_t errlen)
{
	struct ike *ike;

	if (cfg == NULL || ops == NULL || ops->now_ms == NULL || ops->send == NULL ||
	    ops->sa_add == NULL || ops->sa_activate == NULL || ops->sa_del == NULL) {
		snprintf(err, errlen, "ike_create: configuration and the callbacks now_ms, send, "
				      "sa_add, sa_activate, sa_del are required");
		return NULL;
	}
	ike = calloc(1, sizeof(*ike));
	if (ike == NULL) {
		snprintf(err, errlen, "ike_create: out of memory");
		return NULL;
	}
	ike->cfg = cfg;
	ike->ops = *ops;
	TAILQ_INIT(&ike->sas);
	for (unsigned int i = 0; i < IKE_BUCKETS; i++) {
		LIST_INIT(&ike->by_spi[i]);
		LIST_INIT(&ike->by_peer[i]);
	}
	ike->cookie.key.len = 32;
	if (ike_rand(ike->cookie.key.b, ike->cookie.key.len) != 0) {
		snprintf(err, errlen, "ike_create: no randomness");
		free(ike);
		return NULL;
	}
	return ike;
}

void
ike_destroy(struct ike *ike)
{
	struct ike_sa *sa;

	if (ike == NULL)
		return;
	/* the dataplane is not told: the daemon is stopping, or a test is done */
	while ((sa = TAILQ_FIRST(&ike->sas)) != NULL) {
		sa->was_up = false;
		sa_free(ike, sa, false, "shutdown");
	}
	secret_wipe(&ike->cookie.key);
	secret_wipe(&ike->cookie_prev.key);
	mem_wipe(ike, sizeof(*ike));
	free(ike);
}

void
ike_set_debug(struct ike *ike, bool on)
{
	ike->debug = on;
}

/* ---- the window ---- */

static int
task_start(struct ike *ike, struct ike_sa *sa, const struct ike_task *t)
{
	switch (t->kind) {
	case TASK_CHILD_CREATE:
		return child_create_start(ike, sa, t->map, t->entry, t->spi == 1);
	case TASK_CHILD_REKEY:
		return child_rekey_start(ike, sa, t->spi);
	case TASK_IKE_REKEY:
		return ike_rekey_start(ike, sa);
	case TASK_CHILD_DELETE:
	case TASK_IKE_DELETE:
	case TASK_DPD:
	case TASK_INVALID_SPI:
		return info_start(ike, sa, t);
	default:
		return -ENOTSUP;
	}
}

void
sa_kick(struct ike *ike, struct ike_sa *sa)
{
	struct ike_task *t;

	while (!sa->req.busy && sa->state == IKE_SA_ESTABLISHED &&
	       (t = TAILQ_FIRST(&sa->tasks)) != NULL) {
		int rc;

		TAILQ_REMOVE(&sa->tasks, t, link);
		rc = task_start(ike, sa, t);
		if (rc != 0 && rc != -EALREADY)
			ike_debug(ike, "tunnel %u: queued work %d not started: error %d",
				  sa->tunnel_id, t->kind, rc);
		free(t);
	}
}

/* ---- bringing tunnels up ---- */

/* Is a CHILD_SA of the entry up, being made, or queued anywhere? */
static bool
entry_pending(const struct ike *ike, uint32_t map, uint32_t entry)
{
	const struct ike_sa *sa;

	if (child_of_entry(ike, map, entry, NULL) != NULL)
		return true;
	TAILQ_FOREACH(sa, &ike->sas, all) {
		if (sa->state == IKE_SA_DELETING)
			continue;
		if (sa->setup != NULL && sa->initiator && sa->setup->map == map &&
		    sa->setup->entry == entry)
			return true;
		if (task_queued(sa, TASK_CHILD_CREATE, map, entry, 0))
			return true;
	}
	return false;
}

/* An IKE SA of ours with the peer for that profile, up or being set up by us. */
static struct ike_sa *
sa_for_entry(const struct ike *ike, const struct ike_addr *peer, uint32_t profile)
{
	struct ike_sa *sa = NULL, *best = NULL;

	while ((sa = sa_next_by_peer(ike, peer, sa)) != NULL) {
		if (sa->profile != profile)
			continue;
		if (sa->state == IKE_SA_ESTABLISHED)
			return sa;
		if (sa->initiator && (sa->state == IKE_SA_INIT_SENT || sa->state == IKE_SA_AUTH_SENT))
			best = sa;
	}
	return best;
}

static int
sa_start(struct ike *ike, uint32_t map, uint32_t entry, const struct ike_addr *local,
	 const struct ike_addr *peer, uint32_t profile)
{
	struct ike_sa *sa = sa_new(ike, true, local, peer);
	int rc;

	if (sa == NULL)
		return -ENOMEM;
	sa->profile = profile;
	sa->setup = calloc(1, sizeof(*sa->setup));
	if (sa->setup == NULL) {
		sa_free(ike, sa, false, "out of memory");
		return -ENOMEM;
	}
	sa->setup->map = map;
	sa->setup->entry = entry;
	rc = init_start(ike, sa);
	if (rc != 0)
		sa_free(ike, sa, true, "IKE_SA_INIT could not be sent");
	return rc;
}

int
ike_initiate(struct ike *ike, uint32_t map, uint32_t entry)
{
	const struct cfg_map_entry *e = ike_entry(ike, map, entry);
	struct ike_addr local, peer;
	struct ike_sa *sa;
	int rc;

	if (e == NULL)
		return -EINVAL;
	if (e->ikev2_profile == CFG_NONE)
		return -ENOENT;
	rc = ike_entry_endpoints(ike, map, entry, &local, &peer);
	if (rc != 0)
		return rc;
	if (entry_pending(ike, map, entry))
		return -EALREADY;
	sa = sa_for_entry(ike, &peer, e->ikev2_profile);
	if (sa != NULL)
		return task_add(ike, sa, TASK_CHILD_CREATE, map, entry, 0);
	return sa_start(ike, map, entry, &local, &peer, e->ikev2_profile);
}

/* ---- not yet: the later steps of docs/IKE.md ---- */

void
ike_sa_expired(struct ike *ike, uint32_t handle, bool hard)
{
	struct ike_sa *sa = NULL;
	struct ike_child *c = child_by_handle(ike, handle, &sa);

	if (c == NULL)
		return;
	if (!hard) {
		/* soft: rekey, unless one is queued or under way (or it is replaced already) */
		if (c->state == CHILD_INSTALLED && !c->rekeying && sa->state == IKE_SA_ESTABLISHED)
			task_add(ike, sa, TASK_CHILD_REKEY, 0, 0, c->spi_in);
		return;
	}
	switch (c->state) {
	case CHILD_REKEYED:
		child_free(ike, sa, c, true);	/* a replaced one: nobody needs it any more */
		break;
	case CHILD_DELETING:
		break;
	default:
		if (sa->state == IKE_SA_ESTABLISHED)
			task_delete_child(ike, sa, c->suite.proto, c->spi_in);
		else
			child_free(ike, sa, c, true);
		break;
	}
}

unsigned int
ike_clear(struct ike *ike, const struct ike_addr *peer)
{
	unsigned int n = 0;
	struct ike_sa *sa;

	/* scan again after each: a deletion may take another SA along (a rekey's new one) */
again:
	TAILQ_FOREACH(sa, &ike->sas, all) {
		if (peer != NULL && !ike_addr_equal_ip(&sa->remote, peer))
			continue;
		info_delete_now(ike, sa, "cleared by the operator");
		n++;
		goto again;
	}
	return n;
}

/* The entry's policy is to keep its tunnel up (initiate: on-start). */
static bool
entry_on_start(const struct ike *ike, uint32_t map, uint32_t entry)
{
	const struct cfg_map_entry *e = ike_entry(ike, map, entry);

	return e != NULL && e->ikev2_profile != CFG_NONE && e->initiate == CFG_INITIATE_ON_START;
}

int
ike_clear_child(struct ike *ike, uint32_t handle)
{
	struct ike_sa *sa = NULL;
	struct ike_child *c = child_by_handle(ike, handle, &sa);
	uint32_t map, entry;

	if (c == NULL)
		return -ENOENT;
	if (c->state == CHILD_DELETING || c->state == CHILD_CREATING)
		return 0;	/* on its way out already, or not yet in */
	map = c->map;
	entry = c->entry;
	if (c->state != CHILD_REKEYED) {
		char label[IKE_LABEL_LEN];

		ike_log(ike, 5, "IKEV2-5-CHILD_CLEARED",
			"CHILD_SA 0x%08x/0x%08x of %s cleared by the operator, tunnel %u",
			c->spi_in, c->spi_out, ike_entry_label(ike, map, entry, label),
			sa->tunnel_id);
	}
	/* the same path as a hard expiry: DELETE over an established IKE SA, else local */
	ike_sa_expired(ike, handle, true);
	if (sa->state == IKE_SA_ESTABLISHED && entry_on_start(ike, map, entry))
		(void)task_add(ike, sa, TASK_CHILD_CREATE, map, entry, 0);
	return 0;
}

/* Is the entry's static peer that address (either family)? */
static bool
entry_has_peer(const struct cfg_map_entry *e, const struct ike_addr *peer)
{
	if (e->peer_v6)
		return peer->family == 6 && memcmp(peer->ip, e->peer6, 16) == 0;
	return peer->family == 4 && memcmp(peer->ip, &e->peer, 4) == 0;
}

void
ike_initiate_on_start(struct ike *ike, const struct ike_addr *peer)
{
	const struct dpsec_config *cfg = ike->cfg;

	for (uint32_t m = 0; m < cfg->n_crypto_maps; m++) {
		const struct cfg_crypto_map *cm = &cfg->crypto_maps[m];

		for (uint32_t e = 0; cm->iface != CFG_NONE && e < cm->n_entries; e++)
			if (entry_on_start(ike, m, e) &&
			    (peer == NULL || entry_has_peer(&cm->entries[e], peer)))
				(void)ike_initiate(ike, m, e);
	}
	for (uint32_t t = 0; t < cfg->n_tunnels; t++)
		if (entry_on_start(ike, CFG_MAP_TUNNEL, t) &&
		    (peer == NULL || entry_has_peer(&cfg->tunnels[t].ike, peer)))
			(void)ike_initiate(ike, CFG_MAP_TUNNEL, t);
}

unsigned int
ike_clear_session(struct ike *ike, const struct ike_addr *peer)
{
	unsigned int n = ike_clear(ike, peer);

	/* IOS: the policy says the tunnel stays up, so it comes back at once */
	ike_initiate_on_start(ike, peer);
	return n;
}

unsigned int
ike_delete_child_local(struct ike *ike, uint32_t map, uint32_t entry)
{
	unsigned int n = 0;
	struct ike_sa *sa;
	struct ike_child *c, *next;

	TAILQ_FOREACH(sa, &ike->sas, all)
		for (c = TAILQ_FIRST(&sa->children); c != NULL; c = next) {
			next = TAILQ_NEXT(c, link);
			if (c->map != map || c->entry != entry)
				continue;
			child_free(ike, sa, c, true);
			n++;
		}
	if (n != 0) {
		char label[IKE_LABEL_LEN];

		ike_log(ike, 4, "IKEV2-4-CHILD_FORGOTTEN",
			"%u CHILD_SA(s) of %s removed without telling the peer (test command)", n,
			ike_entry_label(ike, map, entry, label));
	}
	return n;
}

int
ike_notify_invalid_spi(struct ike *ike, const struct ike_addr *peer, uint32_t spi,
		       uint8_t proto)
{
	struct ike_sa *sa = NULL;

	(void)proto;	/* section 1.5: sent as protocol 0 whatever it was */
	while ((sa = sa_next_by_peer(ike, peer, sa)) != NULL)
		if (sa->state == IKE_SA_ESTABLISHED)
			return task_add(ike, sa, TASK_INVALID_SPI, 0, 0, spi);
	return -ENOENT;
}

/* A creation for the entry is under way: IKE_SA_INIT/IKE_AUTH, queued or in flight. */
static bool
entry_creating(const struct ike *ike, uint32_t map, uint32_t entry)
{
	const struct ike_sa *sa;
	const struct ike_child *c;

	TAILQ_FOREACH(sa, &ike->sas, all) {
		if (sa->state == IKE_SA_DELETING)
			continue;
		if (sa->setup != NULL && sa->initiator && sa->setup->map == map &&
		    sa->setup->entry == entry)
			return true;
		if (task_queued(sa, TASK_CHILD_CREATE, map, entry, 0) ||
		    task_queued(sa, TASK_CHILD_CREATE, map, entry, 1))
			return true;
		TAILQ_FOREACH(c, &sa->children, link)
			if (c->map == map && c->entry == entry &&
			    (c->state == CHILD_CREATING || c->rekeying))
				return true;
	}
	return false;
}

int
ike_recreate_child(struct ike *ike, uint32_t map, uint32_t entry)
{
	const struct cfg_map_entry *e = ike_entry(ike, map, entry);
	struct ike_addr local, peer;
	struct ike_sa *sa;
	int rc;

	if (e == NULL)
		return -EINVAL;
	if (e->ikev2_profile == CFG_NONE)
		return -ENOENT;
	rc = ike_entry_endpoints(ike, map, entry, &local, &peer);
	if (rc != 0)
		return rc;
	if (entry_creating(ike, map, entry))
		return -EALREADY;
	sa = sa_for_entry(ike, &peer, e->ikev2_profile);
	if (sa != NULL)
		return task_add(ike, sa, TASK_CHILD_CREATE, map, entry, 1);
	return sa_start(ike, map, entry, &local, &peer, e->ikev2_profile);
}
