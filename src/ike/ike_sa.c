/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * IKE SAs and CHILD_SAs: creation, the two tables (by our SPI, which we
 * choose at random and so is unique; by the peer's address), lookups, and
 * deletion that wipes every key and nonce before the memory goes back.
 */
#include <arpa/inet.h>
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ike_engine.h"

/* IKE SA keys live in non-dumpable pages, wiped when an object is given back. */
static struct secret_slab keys_slab = SECRET_SLAB_INIT(sizeof(struct ike_sa_keys));

static unsigned int
spi_bucket(uint64_t spi)
{
	return (unsigned int)((spi ^ spi >> 32) * 0x9E3779B1u >> 7) & (IKE_BUCKETS - 1);
}

static unsigned int
peer_bucket(const struct ike_addr *a)
{
	uint32_t h = 2166136261u;

	for (int i = 0; i < (a->family == 6 ? 16 : 4); i++)
		h = (h ^ a->ip[i]) * 16777619u;
	return h & (IKE_BUCKETS - 1);
}

bool
ike_addr_equal_ip(const struct ike_addr *a, const struct ike_addr *b)
{
	return a->family == b->family && memcmp(a->ip, b->ip, a->family == 6 ? 16 : 4) == 0;
}

uint32_t
ike_addr_v4(const struct ike_addr *a)
{
	uint32_t v = 0;

	if (a->family == 4)
		memcpy(&v, a->ip, 4);
	return v;
}

const char *
ike_addr_str(const struct ike_addr *a, char buf[IKE_ADDR_STRLEN])
{
	char ip[INET6_ADDRSTRLEN] = "?";

	inet_ntop(a->family == 6 ? AF_INET6 : AF_INET, a->ip, ip, sizeof(ip));
	snprintf(buf, IKE_ADDR_STRLEN, "%s:%u", ip, a->port);
	return buf;
}

uint64_t
sa_spi_local(const struct ike_sa *sa)
{
	return sa->initiator ? sa->spi_i : sa->spi_r;
}

void
ike_spi_bytes(uint64_t spi, uint8_t b[IKE_SPI_LEN])
{
	for (int i = 0; i < IKE_SPI_LEN; i++)
		b[i] = (uint8_t)(spi >> (56 - 8 * i));
}

uint64_t
sa_spi_remote(const struct ike_sa *sa)
{
	return sa->initiator ? sa->spi_r : sa->spi_i;
}

/* A random SPI of ours no other SA has (0 is "unknown" in the header, section 3.1). */
static uint64_t
spi_new(const struct ike *ike)
{
	uint64_t spi = 0;

	for (int i = 0; i < 16; i++) {
		if (ike_rand(&spi, sizeof(spi)) != 0)
			return 0;
		if (spi != 0 && sa_by_spi(ike, spi) == NULL)
			return spi;
	}
	return 0;
}

struct ike_sa *
sa_new(struct ike *ike, bool initiator, const struct ike_addr *local,
       const struct ike_addr *remote)
{
	struct ike_sa *sa = calloc(1, sizeof(*sa));
	uint64_t spi = spi_new(ike);

	if (sa == NULL || spi == 0) {
		free(sa);
		return NULL;
	}
	sa->tunnel_id = ++ike->next_tunnel_id;
	if (sa->tunnel_id == 0)
		sa->tunnel_id = ++ike->next_tunnel_id;
	sa->initiator = initiator;
	if (initiator)
		sa->spi_i = spi;
	else
		sa->spi_r = spi;
	sa->local = *local;
	sa->remote = *remote;
	sa->profile = CFG_NONE;
	sa->created_ms = ike_now(ike);
	TAILQ_INIT(&sa->tasks);
	TAILQ_INIT(&sa->children);
	TAILQ_INSERT_TAIL(&ike->sas, sa, all);
	LIST_INSERT_HEAD(&ike->by_spi[spi_bucket(spi)], sa, spi_link);
	LIST_INSERT_HEAD(&ike->by_peer[peer_bucket(remote)], sa, peer_link);
	ike->n_sas++;
	return sa;
}

struct ike_sa *
sa_by_spi(const struct ike *ike, uint64_t spi)
{
	struct ike_sa *sa;

	LIST_FOREACH(sa, &ike->by_spi[spi_bucket(spi)], spi_link)
		if (sa_spi_local(sa) == spi)
			return sa;
	return NULL;
}

struct ike_sa *
sa_by_tunnel(const struct ike *ike, uint32_t id)
{
	struct ike_sa *sa;

	TAILQ_FOREACH(sa, &ike->sas, all)
		if (sa->tunnel_id == id)
			return sa;
	return NULL;
}

struct ike_sa *
sa_by_init(const struct ike *ike, uint64_t spi_i, const struct ike_addr *remote)
{
	struct ike_sa *sa;

	LIST_FOREACH(sa, &ike->by_peer[peer_bucket(remote)], peer_link)
		if (!sa->initiator && sa->spi_i == spi_i && ike_addr_equal_ip(&sa->remote, remote))
			return sa;
	return NULL;
}

struct ike_sa *
sa_next_by_peer(const struct ike *ike, const struct ike_addr *peer, struct ike_sa *prev)
{
	struct ike_sa *sa = prev != NULL ? LIST_NEXT(prev, peer_link)
					 : LIST_FIRST(&ike->by_peer[peer_bucket(peer)]);

	for (; sa != NULL; sa = LIST_NEXT(sa, peer_link))
		if (ike_addr_equal_ip(&sa->remote, peer))
			return sa;
	return NULL;
}

void
sa_set_half_open(struct ike *ike, struct ike_sa *sa, bool on)
{
	if (sa->half_open == on)
		return;
	sa->half_open = on;
	if (on)
		ike->half_open++;
	else
		ike->half_open--;
	ike->st.half_open = ike->half_open;
}

int
sa_keys_alloc(struct ike_sa *sa)
{
	if (sa->keys == NULL)
		sa->keys = secret_slab_get(&keys_slab);
	return sa->keys != NULL ? 0 : -ENOMEM;
}

int
sa_keys_set(struct ike_sa *sa, const struct ike_keys *k)
{
	int rc = sa_keys_alloc(sa);

	if (rc == 0)
		rc = ike_sk_init(&sa->keys->sk, &sa->suite, k, sa->initiator);
	if (rc == 0) {
		sa->keys->d = k->d;
		sa->keys->pi = k->pi;
		sa->keys->pr = k->pr;
	}
	return rc;
}

static void
free_wiped(void *p, size_t len)
{
	if (p == NULL)
		return;
	mem_wipe(p, len);
	free(p);
}

void
sa_setup_free(struct ike_sa *sa)
{
	struct ike_setup *s = sa->setup;

	if (s == NULL)
		return;
	ike_dh_key_free(s->dh);
	free_wiped(s->msg1, s->msg1_len);
	free_wiped(s->msg2, s->msg2_len);
	free_wiped(s, sizeof(*s));
	sa->setup = NULL;
}

void
req_clear(struct ike_sa *sa)
{
	struct ike_req *r = &sa->req;

	free(r->msg);
	ike_dh_key_free(r->dh);
	mem_wipe(r, sizeof(*r));
}

void
sa_free(struct ike *ike, struct ike_sa *sa, bool tell_dp, const char *why)
{
	struct ike_child *c;
	struct ike_task *t;
	char b[IKE_ADDR_STRLEN];

	if (sa->was_up) {
		char a[IKE_ADDR_STRLEN];

		ike->st.sa_down++;
		ike_log(ike, 5, "IKEV2-5-SA_DOWN",
			"SA DOWN: local %s remote %s, tunnel %u: %s", ike_addr_str(&sa->local, a),
			ike_addr_str(&sa->remote, b), sa->tunnel_id, why);
	} else {
		ike_debug(ike, "IKE SA %u with %s deleted before it was up: %s", sa->tunnel_id,
			  ike_addr_str(&sa->remote, b), why);
	}
	while ((c = TAILQ_FIRST(&sa->children)) != NULL)
		child_free(ike, sa, c, tell_dp);
	while ((t = TAILQ_FIRST(&sa->tasks)) != NULL) {
		TAILQ_REMOVE(&sa->tasks, t, link);
		free(t);
	}
	if (sa->req.new_sa != NULL) {
		/* an IKE rekey of ours under way: the half-made SA goes with the old one */
		struct ike_sa *n = sa->req.new_sa;

		sa->req.new_sa = NULL;
		sa_free(ike, n, tell_dp, why);
	}
	req_clear(sa);
	free(sa->resp);
	frag_rx_free(sa);
	sa_setup_free(sa);
	secret_slab_put(&keys_slab, sa->keys);
	sa_set_half_open(ike, sa, false);
	TAILQ_REMOVE(&ike->sas, sa, all);
	LIST_REMOVE(sa, spi_link);
	LIST_REMOVE(sa, peer_link);
	ike->n_sas--;
	free_wiped(sa, sizeof(*sa));
}

static size_t
usable(const void *p)
{
	return p != NULL ? malloc_usable_size((void *)p) : 0;
}

size_t
sa_mem(const struct ike_sa *sa)
{
	const struct ike_child *c;
	const struct ike_task *t;
	size_t n = usable(sa) + usable(sa->resp) + usable(sa->req.msg) + frag_rx_mem(sa);

	if (sa->keys != NULL)
		n += (sizeof(struct ike_sa_keys) + 63) / 64 * 64;
	if (sa->setup != NULL)
		n += usable(sa->setup) + usable(sa->setup->msg1) + usable(sa->setup->msg2);
	TAILQ_FOREACH(c, &sa->children, link)
		n += usable(c);
	TAILQ_FOREACH(t, &sa->tasks, link)
		n += usable(t);
	return n;
}

/* ---- CHILD_SAs ---- */

struct ike_child *
child_new(struct ike_sa *sa, uint32_t map, uint32_t entry)
{
	struct ike_child *c = calloc(1, sizeof(*c));

	if (c == NULL)
		return NULL;
	c->map = map;
	c->entry = entry;
	c->h_in = UINT32_MAX;
	c->h_out = UINT32_MAX;
	c->state = CHILD_CREATING;
	TAILQ_INSERT_TAIL(&sa->children, c, link);
	return c;
}

struct ike_child *
child_by_spi_in(const struct ike_sa *sa, uint32_t spi)
{
	struct ike_child *c;

	TAILQ_FOREACH(c, &sa->children, link)
		if (c->spi_in == spi)
			return c;
	return NULL;
}

struct ike_child *
child_by_spi_out(const struct ike_sa *sa, uint32_t spi)
{
	struct ike_child *c;

	TAILQ_FOREACH(c, &sa->children, link)
		if (c->spi_out == spi && spi != 0)
			return c;
	return NULL;
}

static struct ike_child *
find_moved(const struct ike *ike, struct ike_sa *sa, uint32_t spi, bool in,
	   struct ike_sa **owner)
{
	struct ike_child *c = in ? child_by_spi_in(sa, spi) : child_by_spi_out(sa, spi);

	if (c == NULL && sa->successor != 0) {
		struct ike_sa *n = sa_by_tunnel(ike, sa->successor);

		if (n != NULL) {
			sa = n;
			c = in ? child_by_spi_in(sa, spi) : child_by_spi_out(sa, spi);
		}
	}
	*owner = sa;
	return c;
}

struct ike_child *
child_find_in(const struct ike *ike, struct ike_sa *sa, uint32_t spi, struct ike_sa **owner)
{
	return find_moved(ike, sa, spi, true, owner);
}

struct ike_child *
child_find_out(const struct ike *ike, struct ike_sa *sa, uint32_t spi, struct ike_sa **owner)
{
	return find_moved(ike, sa, spi, false, owner);
}

struct ike_child *
child_by_handle(const struct ike *ike, uint32_t handle, struct ike_sa **sap)
{
	struct ike_sa *sa;
	struct ike_child *c;

	if (handle == UINT32_MAX)
		return NULL;
	TAILQ_FOREACH(sa, &ike->sas, all)
		TAILQ_FOREACH(c, &sa->children, link)
			if (c->h_in == handle || c->h_out == handle) {
				*sap = sa;
				return c;
			}
	return NULL;
}

struct ike_child *
child_of_entry(const struct ike *ike, uint32_t map, uint32_t entry, struct ike_sa **sap)
{
	struct ike_sa *sa;
	struct ike_child *c;

	TAILQ_FOREACH(sa, &ike->sas, all) {
		if (sa->state == IKE_SA_DELETING)
			continue;
		TAILQ_FOREACH(c, &sa->children, link)
			if (c->map == map && c->entry == entry &&
			    (c->state == CHILD_CREATING || c->state == CHILD_INSTALLED)) {
				if (sap != NULL)
					*sap = sa;
				return c;
			}
	}
	return NULL;
}

/*
 * The policy lost its outbound SA with c (the dataplane has no implicit
 * successor): another installed CHILD_SA of the same entry, over another
 * IKE SA (two made at once, one deleted), carries its traffic from now on.
 */
static void
child_take_over(struct ike *ike, const struct ike_child *gone)
{
	struct ike_sa *sa;
	struct ike_child *c;

	TAILQ_FOREACH(sa, &ike->sas, all)
		TAILQ_FOREACH(c, &sa->children, link)
			if (c != gone && c->map == gone->map && c->entry == gone->entry &&
			    c->state == CHILD_INSTALLED && c->h_out != UINT32_MAX &&
			    ike->ops.sa_activate(ike->ops.ctx, c->h_out) == 0) {
				c->active = true;
				return;
			}
}

void
child_free(struct ike *ike, struct ike_sa *sa, struct ike_child *c, bool tell_dp)
{
	if (tell_dp && c->h_out != UINT32_MAX)
		ike->ops.sa_del(ike->ops.ctx, c->h_out);
	if (tell_dp && c->h_in != UINT32_MAX)
		ike->ops.sa_del(ike->ops.ctx, c->h_in);
	TAILQ_REMOVE(&sa->children, c, link);
	if (tell_dp && c->h_out != UINT32_MAX && c->active)
		child_take_over(ike, c);
	free(c);
}

static bool
spi_in_use(const struct ike *ike, uint32_t spi)
{
	const struct ike_sa *sa;

	TAILQ_FOREACH(sa, &ike->sas, all)
		if (child_by_spi_in(sa, spi) != NULL)
			return true;
	return false;
}

uint32_t
child_spi_new(const struct ike *ike)
{
	uint32_t spi = 0;

	for (int i = 0; i < 16; i++) {
		if (ike_rand(&spi, sizeof(spi)) != 0)
			return 0;
		if (spi >= 256 && !spi_in_use(ike, spi))
			return spi;
	}
	return 0;
}

/* ---- tasks ---- */

int
task_add(struct ike *ike, struct ike_sa *sa, enum ike_task_kind kind, uint32_t map,
	 uint32_t entry, uint32_t spi)
{
	struct ike_task *t;

	if (task_queued(sa, kind, map, entry, spi))
		return 0;
	t = calloc(1, sizeof(*t));
	if (t == NULL)
		return -ENOMEM;
	t->kind = kind;
	t->map = map;
	t->entry = entry;
	t->spi = spi;
	/* A DELETE of the IKE SA goes before anything else: the rest would be wasted on it. */
	if (kind == TASK_IKE_DELETE)
		TAILQ_INSERT_HEAD(&sa->tasks, t, link);
	else
		TAILQ_INSERT_TAIL(&sa->tasks, t, link);
	sa_kick(ike, sa);
	return 0;
}

bool
task_queued(const struct ike_sa *sa, enum ike_task_kind kind, uint32_t map, uint32_t entry,
	    uint32_t spi)
{
	const struct ike_task *t;

	TAILQ_FOREACH(t, &sa->tasks, link)
		if (t->kind == kind && t->map == map && t->entry == entry && t->spi == spi)
			return true;
	return false;
}
