/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * NAT detection (RFC 7296 section 2.23). Each side hashes the addresses and
 * ports it believes the IKE_SA_INIT travels between; the receiver compares
 * them with what it saw. A source hash matching none of ours: the peer is
 * behind a NAT (or pretends to be: strongSwan with kernel-libipsec always
 * sends a false one to get UDP encapsulation). A destination hash not
 * matching: we are behind one. Either way the initiator moves IKE to port
 * 4500 and every CHILD_SA is UDP-encapsulated (RFC 3948).
 */
#include <string.h>

#include "ike_engine.h"

static int
hash(uint64_t spi_i, uint64_t spi_r, const struct ike_addr *a, uint8_t out[IKE_NATD_LEN])
{
	uint8_t si[IKE_SPI_LEN], sr[IKE_SPI_LEN];

	ike_spi_bytes(spi_i, si);
	ike_spi_bytes(spi_r, sr);
	return ike_natd_hash(si, sr, a->ip, a->family == 6 ? 16 : 4, a->port, out);
}

int
natd_add(struct ike_out *o, uint64_t spi_i, uint64_t spi_r, const struct ike_addr *src,
	 const struct ike_addr *dst)
{
	uint8_t hs[IKE_NATD_LEN], hd[IKE_NATD_LEN];

	if (hash(spi_i, spi_r, src, hs) != 0 || hash(spi_i, spi_r, dst, hd) != 0)
		return -EIO;
	out_notify(o, IKE_N_NAT_DETECTION_SOURCE_IP, 0, NULL, 0, hs, sizeof(hs));
	out_notify(o, IKE_N_NAT_DETECTION_DESTINATION_IP, 0, NULL, 0, hd, sizeof(hd));
	return 0;
}

static bool
matches(const struct ike_notify_pl *n, const uint8_t want[IKE_NATD_LEN])
{
	return n->data.len == IKE_NATD_LEN && memcmp(n->data.p, want, IKE_NATD_LEN) == 0;
}

void
natd_check(struct ike_sa *sa, const struct ike_msg *m)
{
	uint8_t hs[IKE_NATD_LEN], hd[IKE_NATD_LEN];
	bool src_seen = false, src_match = false, dst_seen = false, dst_match = false;

	/* the hashes cover the SPIs of the message carrying them (SPIr 0 in the request) */
	if (hash(m->hdr.spi_i, m->hdr.spi_r, &sa->remote, hs) != 0 ||
	    hash(m->hdr.spi_i, m->hdr.spi_r, &sa->local, hd) != 0)
		return;
	for (unsigned int i = 0; i < m->n_notifies; i++) {
		const struct ike_notify_pl *n = &m->notify[i];

		if (n->type == IKE_N_NAT_DETECTION_SOURCE_IP) {
			src_seen = true;
			src_match |= matches(n, hs);
		} else if (n->type == IKE_N_NAT_DETECTION_DESTINATION_IP) {
			dst_seen = true;
			dst_match |= matches(n, hd);
		}
	}
	sa->nat_remote = src_seen && !src_match;
	sa->nat_local = dst_seen && !dst_match;
}

bool
natd_any(const struct ike_sa *sa)
{
	return sa->nat_local || sa->nat_remote;
}

void
natd_float(struct ike_sa *sa)
{
	if (!natd_any(sa))
		return;
	sa->local.port = IKE_NATT_PORT;
	sa->remote.port = IKE_NATT_PORT;
}

/* Same address family, address and port. */
static bool
same_endpoint(const struct ike_addr *a, const struct ike_addr *b)
{
	return ike_addr_equal_ip(a, b) && a->port == b->port;
}

void
natd_follow(struct ike *ike, struct ike_sa *sa, const struct ike_addr *remote)
{
	char was[IKE_ADDR_STRLEN], now[IKE_ADDR_STRLEN];
	struct ike_child *c;
	unsigned int failed = 0;

	/*
	 * Only after IKE_AUTH (before it the initiator's move to 4500 is the
	 * normal path) and only when the peer is the one behind a NAT: a peer
	 * not behind one has no reason to move, and is not followed (MOBIKE is
	 * another protocol).
	 */
	if (sa->state != IKE_SA_ESTABLISHED || !sa->nat_remote ||
	    remote->family != sa->remote.family || same_endpoint(&sa->remote, remote))
		return;
	ike_addr_str(&sa->remote, was);
	ike_addr_str(remote, now);
	sa->remote = *remote;
	TAILQ_FOREACH(c, &sa->children, link) {
		uint32_t h[2] = {c->h_in, c->h_out};

		for (int i = 0; i < 2; i++)
			if (h[i] != UINT32_MAX && ike->ops.sa_update_endpoints != NULL &&
			    ike->ops.sa_update_endpoints(ike->ops.ctx, h[i], remote, true) != 0)
				failed++;
	}
	ike_log(ike, 5, "IKEV2-5-PEER_MOVED",
		"peer %s now at %s (NAT mapping changed), tunnel %u%s", was, now, sa->tunnel_id,
		failed != 0 ? ": the dataplane refused the new endpoint of some CHILD_SA halves" : "");
}
