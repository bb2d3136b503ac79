/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * dpsecd's configuration, as loaded from YAML and fully validated: every name
 * reference is resolved to an index, every default is filled in, and nothing
 * downstream needs to check it again. The YAML layout mirrors the IOS objects
 * (transform sets, crypto maps with sequence entries, interfaces); see the
 * example configs in config/ and docs/CONFIG.md.
 */
#ifndef DPSEC_CONFIG_H
#define DPSEC_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ip4.h"
#include "ip6.h"
#include "secret.h"
#include "xform.h"

#define CFG_NAME_MAX 48
#define CFG_DEVARGS_MAX 512
#define CFG_PATH_MAX 108	/* sizeof(sun_path) */
#define CFG_NONE UINT32_MAX	/* "no index" */

/* Where a YAML node started (1-based), for errors found after loading. */
struct cfg_pos {
	uint32_t line;
	uint32_t col;
};

#include "config_ikev2.h"

enum cfg_role {
	CFG_ROLE_INSIDE,	/* protected side: traffic in is encrypted out */
	CFG_ROLE_OUTSIDE,	/* untrusted side: carries ESP and IKE */
};

enum cfg_dir {
	CFG_DIR_IN,
	CFG_DIR_OUT,
};

enum cfg_mode {
	CFG_MODE_TUNNEL,
};

struct cfg_dataplane {
	char **eal;		/* extra EAL arguments, in order (e.g. "--no-pci", "-l", "0-1") */
	uint32_t n_eal;
	uint16_t burst;		/* RX burst, 1..DP_BURST_MAX (64); default 32 */
	uint32_t mbufs;		/* mbufs in the pool; default 8191 */
	uint16_t rx_desc;	/* default 1024 */
	uint16_t tx_desc;	/* default 1024 */
	uint32_t replay_window;	/* default for SAs: 64; 0 = disabled; else 32..4096 */
	uint32_t sa_max;	/* capacity of the SA database; default 65536 */
};

struct cfg_cli {
	char socket[CFG_PATH_MAX];	/* default "/run/dpsec/dpsecd.sock" */
	char group[CFG_NAME_MAX];	/* "" = socket mode 0600, else 0660 with this group */
	char admin_group[CFG_NAME_MAX];	/* members get privilege 15 (root always); "" none */
};

struct cfg_neighbor {
	uint32_t ip;		/* network order */
	uint8_t mac[6];
};

/*
 * An IPv6 static neighbor (IOS "ipv6 neighbor X:X::X IF MAC"). The YAML keeps
 * one neighbors list; the family of each entry's ip sorts it into neighbors
 * or neighbors6, so IPv4 consumers never see an IPv6 entry.
 */
struct cfg_neighbor6 {
	uint8_t ip[IP6_LEN];
	uint8_t mac[6];
};

struct cfg_interface {
	char name[CFG_NAME_MAX];
	char device[CFG_DEVARGS_MAX];	/* DPDK devargs; the port name is the text before ',' */
	uint32_t addr;			/* network order, host bits kept */
	uint8_t prefix_len;
	bool has_addr6;			/* optional IPv6 address (address6) */
	uint8_t addr6[16];
	uint8_t prefix6_len;
	enum cfg_role role;
	uint32_t crypto_map;		/* index into crypto_maps, or CFG_NONE */
	bool has_next_hop_mac;
	uint8_t next_hop_mac[6];	/* default L2 destination when no neighbor matches */
	struct cfg_neighbor *neighbors;
	uint32_t n_neighbors;
	struct cfg_neighbor6 *neighbors6;	/* in the address6 subnet or link-local */
	uint32_t n_neighbors6;
	uint16_t mtu;			/* IP MTU; default 1500 */
	uint16_t tcp_adjust_mss;	/* inside only: clamp TCP SYN MSS to this; 0 = off */
	uint16_t tcp_adjust_mss6;	/* the same for IPv6 (IOS ipv6 tcp adjust-mss); 0 = off */
	uint32_t nd_reachable_ms;	/* IOS ipv6 nd reachable-time; 0 = unspecified (30 s) */
	struct cfg_pos pos;
};

struct cfg_route {
	struct ip4_prefix dst;
	uint32_t iface;		/* index into interfaces (inside), or CFG_NONE */
	uint32_t tunnel;	/* index into tunnels ("ip route ... Tunnel1"), or CFG_NONE */
	uint32_t via;		/* next hop, network order; 0 = connected (or a tunnel) */
	struct cfg_pos pos;
};

/* IOS "ipv6 route": the routes list's IPv6 prefixes, a table of their own. */
struct cfg_route6 {
	struct ip6_prefix dst;
	uint32_t iface;		/* an inside interface with address6, or CFG_NONE */
	uint32_t tunnel;	/* an "ipsec ipv6" tunnel ("ipv6 route ... Tunnel2"), or CFG_NONE */
	bool has_via;		/* false: directly connected */
	uint8_t via[IP6_LEN];	/* in the interface's address6 subnet, or link-local */
	struct cfg_pos pos;
};

/*
 * ESP: cipher and auth (auth DP_AUTH_NONE iff the cipher is AEAD). AH
 * (RFC 4302, proto IPPROTO_AH): auth is AH's HMAC, cipher DP_CIPHER_NULL
 * unused. An AH+ESP bundle (IOS "ah-sha256-hmac esp-gcm 256"; RFC 4301
 * section 4.5, ESP inside, AH outside): proto IPPROTO_ESP with cipher and
 * auth ESP's, and ah_auth the HMAC of the AH around it.
 */
struct cfg_transform_set {
	char name[CFG_NAME_MAX];
	uint8_t proto;		/* IPPROTO_ESP or IPPROTO_AH */
	enum dp_cipher cipher;
	enum dp_auth auth;
	enum dp_auth ah_auth;	/* bundle: AH's HMAC; DP_AUTH_NONE: no AH around the ESP */
	enum cfg_mode mode;
	bool esn;		/* extended sequence numbers (RFC 4304) */
	struct cfg_pos pos;
};

/* An AH+ESP bundle: ESP SAs with an AH SA around each. */
static inline bool
cfg_ts_bundle(const struct cfg_transform_set *ts)
{
	return ts->ah_auth != DP_AUTH_NONE;	/* set only beside ESP transforms */
}

/* One permit line of a crypto map ACL, written from the local side (src = protected). */
/*
 * IOS crypto ACL semantics: permit = protect with this entry; deny = not
 * protected by the map. dpsec has no cleartext path to the outside, so
 * traffic whose first matching line is a deny is dropped (35).
 */
enum cfg_acl_action {
	CFG_ACL_PERMIT,
	CFG_ACL_DENY,
};

/*
 * A line is IPv4 (src, dst) or IPv6 (v6: src6, dst6), never both, and all
 * lines of an entry are one family, as an IOS crypto map matches one "ip" or
 * one "ipv6" access list. For an IPv6 line "icmp" is ICMPv6 (58).
 */
struct cfg_acl {
	struct ip4_prefix src;
	struct ip4_prefix dst;
	uint8_t proto;		/* 0 = any IP protocol */
	uint16_t sport[2];	/* inclusive range; {0, 65535} = any */
	uint16_t dport[2];
	enum cfg_acl_action action;	/* default permit */
	bool v6;
	struct ip6_prefix src6;
	struct ip6_prefix dst6;
};

struct cfg_map_entry {
	uint32_t seq;
	/*
	 * The static peer: IPv4 in peer (network order), or IPv6 in peer6 with
	 * peer_v6 set (then peer is 0). The outer family: the map's interface
	 * has an address of that family (address6 for IPv6).
	 */
	uint32_t peer;
	bool peer_v6;
	uint8_t peer6[IP6_LEN];
	bool inner_v6;			/* the match lines are IPv6 */
	uint32_t transform_set;		/* index into transform_sets */
	struct cfg_acl *match;
	uint32_t n_match;
	uint32_t lifetime_sec;		/* default 3600 (IOS) */
	uint32_t lifetime_kb;		/* default 4608000 (IOS) */
	uint32_t replay_window;		/* resolved: entry value or dataplane default */
	uint32_t ikev2_profile;		/* set ikev2-profile: index into ikev2.profiles, or CFG_NONE */
	uint16_t pfs_group;		/* set pfs groupN: IANA DH group; 0 = no PFS */
	enum cfg_initiate initiate;	/* default on-traffic, as IOS */
	struct cfg_pos pos;
};

struct cfg_crypto_map {
	char name[CFG_NAME_MAX];
	struct cfg_map_entry *entries;	/* sorted by seq, seq unique */
	uint32_t n_entries;
	uint32_t iface;			/* outside interface it is applied to, or CFG_NONE */
	struct cfg_pos pos;
};

struct cfg_manual_sa {
	uint32_t map;			/* index into crypto_maps; CFG_NONE: a tunnel's */
	uint32_t entry;			/* index into that map's entries */
	uint32_t tunnel;		/* index into tunnels (its protection), or CFG_NONE */
	enum cfg_dir dir;
	uint32_t spi;			/* host order, >= 256 */
	struct secret cipher_key;	/* key || salt, length checked against the transform */
	struct secret auth_key;		/* empty for AEAD */
	/* AH+ESP bundle (cfg_ts_bundle): the AH SA's; spi and keys above are the ESP SA's */
	uint32_t ah_spi;		/* host order, >= 256; 0: not a bundle */
	struct secret ah_auth_key;
	bool udp_encap;			/* ESP-in-UDP, RFC 3948 */
	bool allow_unsafe_gcm;		/* allow_unsafe_manual_gcm: an AES-GCM test setup */
	uint16_t local_port;		/* default 4500 */
	uint16_t peer_port;		/* default 4500 */
	uint32_t initial_sequence;	/* outbound: last number "already sent"; default 0 */
	uint32_t local;			/* resolved: map interface's, or tunnel source */
	uint32_t peer;			/* resolved: entry's peer, or tunnel destination */
	/*
	 * resolved: IPv6 endpoints, local and peer 0. They are the interface's
	 * address6 and the entry's peer6, not copied here: manual SAs come by
	 * the million and live in secret memory.
	 */
	bool v6;
	bool from_file;			/* from manual_sa_file: pos is in that file */
	struct cfg_pos pos;
	struct cfg_pos spi_pos;		/* where its SPI is written (duplicate SPIs) */
	struct cfg_pos ah_spi_pos;	/* where ah_spi is written */
};

/*
 * A static virtual tunnel interface (IOS "interface TunnelN" with "tunnel mode
 * ipsec ipv4" and "tunnel protection ipsec profile P"): route-based IPsec.
 * What a route sends into it is encrypted with its SA, whatever the inner
 * addresses (its SAs have 0.0.0.0/0 selectors both ways); what its SA
 * decrypts is routed like any decrypted packet. Keyed by manual_sas naming
 * the tunnel, or by IKEv2 when its protection names an ikev2_profile.
 */
enum cfg_tunnel_mode {
	CFG_TUNNEL_IPSEC_IPV4,	/* "ipsec ipv4": IPv4 over IPv4 */
	CFG_TUNNEL_IPSEC_IPV6,	/* "ipsec ipv6": IPv6 over IPv6, keyed by hand or by IKE over IPv6 */
};

struct cfg_tunnel {
	char name[CFG_NAME_MAX];	/* "Tunnel<number>", canonical spelling */
	uint32_t number;
	uint32_t addr;			/* "ip address", network order; 0 = unnumbered */
	uint8_t prefix_len;
	uint32_t source_iface;		/* the outside interface the tunnel starts at */
	uint32_t source;		/* its address, network order (ipsec ipv4) */
	uint32_t destination;		/* the peer, network order (ipsec ipv4) */
	enum cfg_tunnel_mode mode;
	/* ipsec ipv6: the source interface's address6, the peer, "ipv6 address" */
	uint8_t source6[IP6_LEN];
	uint8_t destination6[IP6_LEN];
	bool has_addr6;
	uint8_t addr6[IP6_LEN];
	uint8_t prefix6_len;
	char profile[CFG_NAME_MAX];	/* "tunnel protection ipsec profile" name */
	uint32_t transform_set;		/* the profile's: index into transform_sets */
	uint32_t replay_window;		/* resolved: the profile's, or the dataplane's */
	/*
	 * "set ikev2-profile" in the ipsec profile: the tunnel is negotiated
	 * by IKE as if it were a crypto map entry, this one (peer: the
	 * destination; transform_set, replay_window, lifetimes copied; one
	 * permit-any match line, the 0.0.0.0/0 selectors of IOS sVTI). An
	 * ipsec ipv6 tunnel's: peer_v6 with peer6 the destination6, an IPv6
	 * line, ::/0 both ways, IKE over IPv6 from source6.
	 * ike.ikev2_profile is CFG_NONE for a manually keyed tunnel.
	 */
	struct cfg_map_entry ike;
	struct cfg_acl ike_any;		/* ike.match points here */
	struct cfg_pos pos;
};

#define CFG_MAX_TUNNELS 64

/* The IKE layer's map index for tunnels: entry i is tunnels[i].ike. */
#define CFG_MAP_TUNNEL 0xfffffff0u

/*
 * manual_sa_file: SAs in bulk, one a line (docs/CONFIG.md, config_sa_file.c).
 * Its SAs follow the YAML ones in manual_sas, with from_file set.
 */
#define CFG_SA_FILE_MAX_BYTES (1u << 30)	/* bytes of the file */
#define CFG_SA_FILE_MAX_LINES (8u << 20)	/* lines, comments and blank ones included */
#define CFG_SA_FILE_MAX_LINE 512u		/* bytes of one line, without its newline */

struct cfg_sa_file {
	char *name;			/* as written in the YAML; NULL: none */
	char *path;			/* as opened (relative to the YAML file's directory) */
	bool allow_unsafe_gcm;		/* allow_unsafe_manual_gcm for all of its SAs */
	uint32_t n_sas;
	unsigned int mode;		/* the file's st_mode, for config_keys_exposed */
};

struct cfg_isakmp {
	bool invalid_spi_recovery;	/* default false, as on IOS */
	/* Bounds on acting for an unknown SPI (src/ctrl/recovery.h). */
	uint32_t recovery_packets;	/* of one (peer, SPI) before acting; default 2; 1..1000 */
	uint32_t recovery_window;	/* s, within which they count; default 10; 1..3600 */
	uint32_t recovery_holddown;	/* s, per peer after acting; default 5; 0..3600 */
	uint32_t recovery_rate;		/* IKE initiations a second, all peers; default 5; 1..1000 */
};

/*
 * IOS "crypto ipsec fragmentation": what becomes of a packet, DF clear, that
 * would be larger than the egress MTU once encapsulated. before-encryption
 * (the IOS default): fragmented first, each fragment encrypted as its own
 * ESP/AH packet (the peer reassembles the inner packet, or the host does);
 * after-encryption: encrypted whole, the outer packet fragmented (the peer
 * reassembles before decrypting).
 */
enum cfg_frag { CFG_FRAG_BEFORE = 0, CFG_FRAG_AFTER };

struct cfg_ipsec {
	enum cfg_frag fragmentation;
};

/* The control thread's log: a buffer for "show logging", syslog(3), rate limits. */
struct cfg_logging {
	uint32_t buffer;		/* bytes kept for "show logging"; default 65536 (4096..16777216) */
	bool syslog;			/* also send to syslog(3); default true */
	uint32_t invalid_spi_interval;	/* s, per flow (src, dst, SPI); default 60, as IOS; 1..3600 */
	uint32_t replay_interval;	/* s, per SA; default 30; 1..3600 */
	uint32_t mac_interval;		/* s, per SA; default 30 (IOS tech note 116085); 1..3600 */
	uint32_t rate;			/* rate-limited messages per second, all together; default 20; 1..10000 */
};

struct dpsec_config {
	char *path;
	char hostname[CFG_NAME_MAX];	/* default "dpsec" */
	struct cfg_dataplane dp;
	struct cfg_cli cli;
	struct cfg_isakmp isakmp;
	struct cfg_ipsec ipsec;
	struct cfg_ikev2 ikev2;
	struct cfg_logging logging;
	struct cfg_interface *interfaces;
	uint32_t n_interfaces;
	struct cfg_tunnel *tunnels;
	uint32_t n_tunnels;
	struct cfg_route *routes;
	uint32_t n_routes;
	struct cfg_route6 *routes6;	/* the routes list's IPv6 entries, in order */
	uint32_t n_routes6;
	struct cfg_transform_set *transform_sets;
	uint32_t n_transform_sets;
	struct cfg_crypto_map *crypto_maps;
	uint32_t n_crypto_maps;
	struct cfg_manual_sa *manual_sas;
	uint32_t n_manual_sas;		/* YAML ones first, then sa_file.n_sas from the file */
	struct cfg_sa_file sa_file;
};

/*
 * Load and validate. On failure return NULL and write one line into err:
 * "path:line:col: what is wrong (expected ...)".
 */
struct dpsec_config *config_load(const char *path, char *err, size_t errlen);

/* Same, from memory; name is used in messages in place of a path. */
struct dpsec_config *config_parse(const char *name, const char *text, size_t len, char *err,
				  size_t errlen);

/*
 * Add the SAs of a manual SA file's text (name: for messages) to a loaded
 * configuration, with the checks the YAML loader makes (duplicate SPIs
 * against all SAs, dataplane.sa_max, the AES-GCM opt-in). The config loader
 * calls it for manual_sa_file; tests and the fuzzer call it directly. On
 * failure -EINVAL or -ENOMEM, one line in err ("name:line:col: ..."), and cfg
 * unchanged. Key bytes never appear in err.
 */
int config_add_sa_text(struct dpsec_config *cfg, const char *name, const char *text, size_t len,
		       bool allow_unsafe_gcm, char *err, size_t errlen);

/* The transform set (index) of the crypto map entry or the tunnel a manual SA keys. */
uint32_t config_manual_sa_ts(const struct dpsec_config *cfg, const struct cfg_manual_sa *sa);

/* Frees everything and wipes every key. Accepts NULL. */
void config_free(struct dpsec_config *cfg);

/* Does the configuration hold key material (manual SA keys, IKEv2 pre-shared keys)? */
bool config_has_keys(const struct dpsec_config *cfg);

/*
 * A configuration with keys in a file that group or others may read or
 * change (mode: the file's st_mode): true, with a one-line warning naming
 * cfg->path, who may do what, and the fix, in msg. False otherwise.
 */
bool config_keys_exposed(const struct dpsec_config *cfg, unsigned int mode, char *msg,
			 size_t len);
/* The same for the manual SA file (its mode as it was read), when it holds SAs. */
bool config_sa_file_exposed(const struct dpsec_config *cfg, char *msg, size_t len);

/* How config_write writes: keys hidden unless a test asks, the run-time recovery flag. */
struct cfg_write_opts {
	bool hide_keys;			/* every key as "(hidden)"; false only in tests */
	bool set_recovery;		/* write invalid_spi_recovery from below, not from cfg */
	bool invalid_spi_recovery;	/* the flag in force ("[no] crypto isakmp ...") */
};

/*
 * The configuration as YAML that config_parse reads back into an equal
 * structure (with hide_keys false), every setting written out, defaults
 * included, sections in the order config_parse resolves them. The text goes
 * to put in pieces. opts NULL means hide_keys.
 */
void config_write(const struct dpsec_config *cfg, const struct cfg_write_opts *opts,
		  void (*put)(void *ctx, const char *s, size_t n), void *ctx);

#endif
