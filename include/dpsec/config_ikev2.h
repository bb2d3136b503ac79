/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The IKEv2 part of dpsecd's configuration, mirroring the IOS objects:
 *
 *   crypto ikev2 proposal NAME     encryption / integrity / prf / group
 *   crypto ikev2 policy NAME       which proposals, for which local addresses
 *   crypto ikev2 keyring NAME      peers: address (or identity) -> pre-shared keys
 *   crypto ikev2 profile NAME      match identity remote, identity local, authentication,
 *                                  keyring, dpd, lifetime
 *   crypto map NAME SEQ            set ikev2-profile, set pfs, initiate (cfg_map_entry)
 *
 * Algorithms are kept as IANA IKEv2 transform IDs (src/ike/ike_const.h), so
 * the IKE code reads them without translation. Included by config.h (after
 * struct cfg_pos and CFG_NAME_MAX); include config.h, not this file.
 */
#ifndef DPSEC_CONFIG_IKEV2_H
#define DPSEC_CONFIG_IKEV2_H

#include <stdbool.h>
#include <stdint.h>

#include "ip4.h"

#ifndef DPSEC_CONFIG_H
#error "include dpsec/config.h"
#endif

#define CFG_IKE_ALGS_MAX 8	/* per transform type in one proposal */
#define CFG_FQDN_MAX 254	/* RFC 1035 name length, + NUL */
#define CFG_PSK_MAX 128		/* bytes; IOS allows 128-character keys */

/* One ENCR transform: IANA ID (12 AES-CBC, 20 AES-GCM-16) and key length in bits. */
struct cfg_ike_encr {
	uint16_t id;
	uint16_t bits;
};

/* crypto ikev2 proposal NAME */
struct cfg_ike_proposal {
	char name[CFG_NAME_MAX];
	struct cfg_ike_encr encr[CFG_IKE_ALGS_MAX];
	uint8_t n_encr;
	uint16_t integ[CFG_IKE_ALGS_MAX];	/* IANA INTEG IDs; none for AEAD-only proposals */
	uint8_t n_integ;
	uint16_t prf[CFG_IKE_ALGS_MAX];		/* IANA PRF IDs; default: one per integrity */
	uint8_t n_prf;
	uint16_t group[CFG_IKE_ALGS_MAX];	/* IANA DH groups, in order of preference */
	uint8_t n_group;
	struct cfg_pos pos;
};

/* crypto ikev2 policy NAME: the proposals offered/accepted on some local addresses. */
struct cfg_ike_policy {
	char name[CFG_NAME_MAX];
	uint32_t *proposals;		/* indices into cfg_ikev2.proposals, in order */
	uint32_t n_proposals;
	uint32_t *match_local;		/* local IPv4 addresses (network order); none = any */
	uint32_t n_match_local;
	struct cfg_pos pos;
};

enum cfg_ike_id_type {
	CFG_IKE_ID_NONE,		/* not set: the default (local address) applies */
	CFG_IKE_ID_ADDRESS,		/* ID_IPV4_ADDR */
	CFG_IKE_ID_FQDN,		/* ID_FQDN */
};

struct cfg_ike_id {
	enum cfg_ike_id_type type;
	struct ip4_prefix addr;		/* ADDRESS: a /32 for an identity, any length to match */
	bool v6;			/* ADDRESS is IPv6 (ID_IPV6_ADDR): addr6, not addr */
	struct ip6_prefix addr6;	/* ADDRESS v6: a /128 for an identity, any length to match */
	char fqdn[CFG_FQDN_MAX];	/* FQDN, compared case-insensitively */
};

/* Key material of a pre-shared key; wiped with the configuration. */
struct cfg_psk {
	uint16_t len;
	uint8_t b[CFG_PSK_MAX];
};

/* peer NAME inside crypto ikev2 keyring: who it is and the keys used with it. */
struct cfg_keyring_peer {
	char name[CFG_NAME_MAX];
	struct ip4_prefix addr;		/* address A [mask]; len 0 with has_addr false: none */
	bool has_addr;
	bool addr_v6;			/* the address is IPv6: addr6, not addr */
	struct ip6_prefix addr6;
	struct cfg_ike_id identity;	/* identity address|fqdn (optional) */
	struct cfg_psk psk_local;	/* pre-shared-key local K (or the one key for both) */
	struct cfg_psk psk_remote;	/* pre-shared-key remote K (or the one key for both) */
	struct cfg_pos pos;
};

struct cfg_keyring {
	char name[CFG_NAME_MAX];
	struct cfg_keyring_peer *peers;	/* secret_mem_alloc(n_peers * size): config_free */
	uint32_t n_peers;			/* wipes and unmaps it (the pre-shared keys) */
	struct cfg_pos pos;
};

enum cfg_dpd_mode {
	CFG_DPD_ON_DEMAND,	/* IOS default: probe only when traffic is sent and none received */
	CFG_DPD_PERIODIC,	/* probe every interval when idle */
};

/* crypto ikev2 profile NAME */
struct cfg_ike_profile {
	char name[CFG_NAME_MAX];
	struct cfg_ike_id *match_remote;	/* match identity remote ...; at least one */
	uint32_t n_match_remote;
	struct cfg_ike_id local_id;		/* identity local ...; NONE = local address */
	uint8_t auth_local;			/* authentication local: IANA method (RFC 7296 */
	uint8_t auth_remote;			/* 3.8); only 2, shared key MIC, for now */
	uint32_t keyring;			/* keyring local NAME: index into keyrings */
	uint32_t dpd_interval;			/* s; 0 = no DPD (IOS: no dpd) */
	uint32_t dpd_retry;			/* s between unanswered probes (IOS dpd N R) */
	enum cfg_dpd_mode dpd_mode;
	uint32_t lifetime_sec;			/* IKE SA lifetime; IOS default 86400 */
	struct cfg_pos pos;
};

struct cfg_ikev2 {
	struct cfg_ike_proposal *proposals;
	uint32_t n_proposals;
	struct cfg_ike_policy *policies;
	uint32_t n_policies;
	struct cfg_keyring *keyrings;
	uint32_t n_keyrings;
	struct cfg_ike_profile *profiles;
	uint32_t n_profiles;
	uint32_t retransmit_ms;		/* first retransmission; default 1000, doubled each time */
	uint32_t retransmit_tries;	/* retransmissions before giving up; default 5 */
	uint32_t cookie_threshold;	/* half-open IKE SAs above which COOKIE is demanded; default 64 */
	uint32_t half_open_max;		/* half-open IKE SAs at most; default 1024 */
	uint32_t nat_keepalive;		/* s; 0 = off; default 20 (IOS crypto isakmp nat keepalive) */
	uint32_t delete_rekeyed_delay;	/* s an old inbound SA stays after a rekey; default 5 */
	/*
	 * RFC 7383 IKE fragmentation (IOS crypto ikev2 fragmentation [mtu N]): the IP datagram
	 * size an encrypted message may have before it is sent as SKF fragments; 0 = off (the
	 * default, as IOS: the notify is neither sent nor accepted).
	 */
	uint32_t frag_mtu;
};

/* crypto map entry: when this gateway starts IKE for it. */
enum cfg_initiate {
	CFG_INITIATE_ON_TRAFFIC,	/* IOS: the first packet matching the ACL triggers IKE */
	CFG_INITIATE_ON_START,		/* bring the tunnel up when dpsecd starts */
};

/*
 * Lookups for the IKE code (src/config/config_ike_lookup.c), each a linear
 * scan: a site-to-site gateway has a handful of policies, profiles and
 * keyring peers (only the YAML node limit bounds them). Pointers point into
 * cfg and live as long as it.
 */
struct dpsec_config;
struct cfg_crypto_map;
struct cfg_map_entry;

/*
 * The policy for an IKE SA on local address local (network order): the one
 * whose match_local lists it, else the one without match_local, else NULL
 * (answer NO_PROPOSAL_CHOSEN). config_parse guarantees at most one of each.
 */
const struct cfg_ike_policy *config_ike_policy(const struct dpsec_config *cfg, uint32_t local);

/*
 * Whether a received identity (an address as a /32, or an FQDN) matches a
 * configured one: the address inside the prefix, or the FQDN equal ignoring
 * case (RFC 4343). NONE matches nothing.
 */
bool config_ike_id_match(const struct cfg_ike_id *pattern, const struct cfg_ike_id *id);

/*
 * Responder: the profile whose "match identity remote" matches the peer's IDi
 * most specifically (an FQDN before any address prefix, then the longest
 * prefix), or NULL (AUTHENTICATION_FAILED). config_parse refuses two profiles
 * with the same match statement, so the answer is unique.
 */
const struct cfg_ike_profile *config_ike_profile_match(const struct dpsec_config *cfg,
							const struct cfg_ike_id *remote_id);

/*
 * The keyring peer whose keys to use with a peer at addr (network order)
 * that sent identity id (NULL when not known yet, as on the initiator before
 * IKE_AUTH's response): a peer whose identity matches id, else the peer with
 * the longest address prefix containing addr, else NULL.
 */
const struct cfg_keyring_peer *config_keyring_peer(const struct cfg_keyring *kr, uint32_t addr,
						   const struct cfg_ike_id *id);
/* The same for a peer at an IPv6 address (only IPv6 'address' prefixes contain it). */
const struct cfg_keyring_peer *config_keyring_peer6(const struct cfg_keyring *kr,
						    const uint8_t addr6[IP6_LEN],
						    const struct cfg_ike_id *id);

/*
 * IKE-negotiated crypto map entries (ikev2_profile set) towards peer, of the
 * map applied to the outside interface whose address is local, in seq order;
 * profile != CFG_NONE keeps only entries using that profile. Start with
 * after = NULL and pass the previous result to get the next; NULL at the end.
 * *map (may be NULL) receives the map of the returned entry.
 */
const struct cfg_map_entry *config_ike_entry(const struct dpsec_config *cfg, uint32_t local,
					     uint32_t peer, uint32_t profile,
					     const struct cfg_map_entry *after,
					     const struct cfg_crypto_map **map);
/*
 * The same for IPv6 endpoints: the map applied to the outside interface whose
 * address6 is local6, its entries whose peer is peer6 (peer_v6).
 */
const struct cfg_map_entry *config_ike_entry6(const struct dpsec_config *cfg,
					      const uint8_t local6[IP6_LEN],
					      const uint8_t peer6[IP6_LEN], uint32_t profile,
					      const struct cfg_map_entry *after,
					      const struct cfg_crypto_map **map);
/*
 * The IKE-keyed tunnel (protection with ikev2_profile) from local to peer,
 * using profile unless CFG_NONE: its index in tunnels, or CFG_NONE. At most
 * one: two tunnels with the same endpoints are refused.
 */
uint32_t config_ike_tunnel(const struct dpsec_config *cfg, uint32_t local, uint32_t peer,
			   uint32_t profile);
/* The same for an ipsec ipv6 tunnel: source6 local6, destination6 peer6. */
uint32_t config_ike_tunnel6(const struct dpsec_config *cfg, const uint8_t local6[IP6_LEN],
			    const uint8_t peer6[IP6_LEN], uint32_t profile);

#endif
