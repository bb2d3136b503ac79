/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Every class of configuration error, as a table of (YAML, exact message).
 * The message is what an operator sees when dpsecd refuses to start, so the
 * line:col and the wording are part of the contract.
 *
 * Most cases are HEAD plus a few lines. HEAD is a valid configuration of
 * exactly 12 lines, so the first added line is line 13.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "dpsec/config.h"

/* Lines 1-3 */
#define TS                                                                                         \
	"transform_sets:\n"                                                                        \
	"  TS-GCM: {transforms: [esp-gcm 128]}\n"                                                  \
	"  TS-CBC: {transforms: [esp-aes 256, esp-sha256-hmac]}\n"
/* Lines 4-9 */
#define MAPS                                                                                       \
	"crypto_maps:\n"                                                                           \
	"  VPN:\n"                                                                                 \
	"    - {seq: 10, peer: 192.0.2.1, transform_set: TS-GCM, match: [{src: 10.0.2.0/24, "     \
	"dst: 10.0.0.0/24}]}\n"                                                                    \
	"    - {seq: 20, peer: 192.0.2.9, transform_set: TS-CBC, match: [{src: 10.0.2.0/24, "     \
	"dst: 10.0.9.0/24}]}\n"                                                                    \
	"  SPARE:\n"                                                                               \
	"    - {seq: 1, peer: 198.51.100.1, transform_set: TS-GCM, match: [{src: 10.0.2.0/24, "    \
	"dst: 10.0.5.0/24}]}\n"
#define IF_IN "  - {name: in0, device: net_null0, address: 10.0.2.1/24, role: inside}\n"
#define IF_OUT                                                                                     \
	"  - {name: out0, device: net_null1, address: 192.0.2.2/24, role: outside, crypto_map: VPN}\n"
/* Lines 10-12 */
#define IFS "interfaces:\n" IF_IN IF_OUT
#define HEAD TS MAPS IFS

/* A third interface at line 13, for the cases about one interface's keys. */
#define IF3 "  - {name: out1, device: net_null2, address: 198.51.100.2/24, role: outside"

/* Transform set TS-X (lines 1-3), a map using it (4-6), interfaces (7-9). */
#define TSX(list, extra) "transform_sets:\n  TS-X:\n    transforms: [" list "]\n" extra
#define MAPX                                                                                       \
	"crypto_maps:\n  VPN:\n    - {seq: 10, peer: 192.0.2.1, transform_set: TS-X, match: "      \
	"[{src: 10.0.2.0/24, dst: 10.0.0.0/24}]}\n" IFS

/* A map VPN whose entries start at line 5 (5 = " - {seq: 10, ..."). */
#define ENTRY_HEAD "transform_sets:\n  TS-GCM: {transforms: [esp-gcm 256]}\ncrypto_maps:\n  VPN:\n"
#define ENTRY(rest)                                                                                \
	ENTRY_HEAD "    - {seq: 10, peer: 192.0.2.1, transform_set: TS-GCM, match: [{src: "         \
		   "10.0.2.0/24, dst: 10.0.0.0/24" rest "\n" IFS

/* Manual SAs start at line 14. */
#define K20 "00112233445566778899aabbccddeeff01234567"
#define K32 "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"
#define SA(body) HEAD "manual_sas:\n" body
#define SA_GCM(spi, key) "  - {crypto_map: VPN, seq: 10, direction: in, spi: " spi ", cipher_key: " key
#define SA_CBC "  - {crypto_map: VPN, seq: 20, direction: out, spi: 4096, "
/* TS-X an AH+ESP bundle, and the manual_sas key (line 10) */
#define TSB TSX("ah-sha256-hmac, esp-gcm", "") MAPX "manual_sas:\n"
/* A manual SA of TS-X's map (MAPX), GCM key K20 (esp-gcm 128), for the bundle cases. */
#define BSA(spi, more)                                                                             \
	"  - {crypto_map: VPN, seq: 10, direction: in, spi: " spi ", cipher_key: " K20           \
	", allow_unsafe_manual_gcm: true" more

/* Tunnel1 at line 14 (rest: more of its keys), then what follows it from line 15. */
#define TUN(rest, more)                                                                            \
	HEAD "tunnels:\n  - {name: Tunnel1, source: out0, destination: 203.0.113.2, "            \
	     "protection: {profile: P, transform_set: TS-CBC}" rest "}\n" more
/* A tunnel at line 14 with only these keys. */
#define TUN1(keys) HEAD "tunnels:\n  - {" keys "}\n"
#define PROT "protection: {profile: P, transform_set: TS-CBC}"
#define DST "destination: 203.0.113.2"

/* An ikev2 section at line 13, after HEAD. */
#define IKE(body) HEAD "ikev2:\n" body
/* A keyring (line 14) for the profile cases, and the profile's authentication. */
#define KR "  keyrings: {KR: [{name: a, address: 192.0.2.1, pre_shared_key: k}]}\n"
#define AUTH "authentication: {local: pre-share, remote: pre-share}, "
#define PSK129                                                                                     \
	"0123456789012345678901234567890123456789012345678901234567890123"                         \
	"01234567890123456789012345678901234567890123456789012345678901234"
/*
 * Profiles PROF, whose keyring has a key for 192.0.2.0/28, and FAR, whose
 * keyring has none (lines 1-5); a map entry at line 10 that may use them.
 */
#define IKE_HEAD                                                                                   \
	"ikev2:\n"                                                                                 \
	"  keyrings: {KR: [{name: gwA, address: 192.0.2.0/28, pre_shared_key: k}], FARKR: [{name: "\
	"far, address: 203.0.113.0/24, pre_shared_key: k}]}\n"                                     \
	"  profiles:\n"                                                                            \
	"    PROF: {match_identity_remote: [{address: 192.0.2.1}], " AUTH "keyring: KR}\n"         \
	"    FAR: {match_identity_remote: [{address: 203.0.113.0/24}], " AUTH "keyring: FARKR}\n"
#define IKE_ENTRY(rest)                                                                            \
	IKE_HEAD ENTRY_HEAD "    - {seq: 10, peer: 192.0.2.1, transform_set: TS-GCM, match: [{src: " \
			    "10.0.2.0/24, dst: 10.0.0.0/24}]" rest "}\n" IFS
/* Tunnel1 at line 19 after IKE_HEAD and HEAD, its protection with these IKE keys. */
#define TUN_IKE(prot, more)                                                                        \
	IKE_HEAD HEAD "tunnels:\n  - {name: Tunnel1, source: out0, destination: 203.0.113.2, "   \
		      "protection: {profile: P, transform_set: TS-CBC, " prot "}}\n" more
/* HEAD with IPv6 addresses on both interfaces (lines 10-12 as HEAD's). */
#define IF_IN6                                                                                     \
	"  - {name: in0, device: net_null0, address: 10.0.2.1/24, address6: 2001:db8:2::1/64, "    \
	"role: inside}\n"
#define IF_OUT6                                                                                    \
	"  - {name: out0, device: net_null1, address: 192.0.2.2/24, address6: 2001:db8::2/64, " \
	"role: outside, crypto_map: VPN}\n"
#define HEAD6 TS MAPS "interfaces:\n" IF_IN6 IF_OUT6
/* A map VPN with one entry at line 5 whose peer and lines are given; interfaces as HEAD6's. */
#define ENTRY6(peer, lines)                                                                        \
	ENTRY_HEAD "    - {seq: 10, peer: " peer ", transform_set: TS-GCM, match: [" lines "]}\n" \
		   "interfaces:\n" IF_IN6 IF_OUT6
/* Tunnel2, ipsec ipv6, at line 14 after HEAD6 (rest: more of its keys), then more from line 15. */
#define TUN6(rest, more)                                                                           \
	HEAD6 "tunnels:\n  - {name: Tunnel2, mode: ipsec ipv6, source: out0, destination: "        \
	      "2001:db8:9::2, protection: {profile: P, transform_set: TS-CBC}" rest "}\n" more
/* RFC 4106 section 8: a manual AES-GCM SA needs the test opt-in. */
#define GCM_REFUSED(pos, spi)                                                                      \
	"t.yaml:" pos ": manual SA spi " spi " uses esp-gcm 128: with a manual key the sequence "  \
	"numbers, which are the GCM nonces, start at 1 again each time dpsecd starts, and a "      \
	"repeated nonce breaks AES-GCM (RFC 4106 section 8: automated keying only); for a test "   \
	"setup, add 'allow_unsafe_manual_gcm: true' to this SA"

struct err_case {
	const char *name;
	const char *yaml;
	const char *err;
};

static const struct err_case cases[] = {
	/* --- YAML syntax and the subset we accept --- */
	{"syntax: unclosed flow", "a: [1, 2\nb: 3\n",
	 "t.yaml:2:2: YAML syntax error: did not find expected ',' or ']' (while parsing a flow "
	 "sequence at 1:4)"},
	{"syntax: nested value", "a: b: c\n",
	 "t.yaml:1:5: YAML syntax error: mapping values are not allowed in this context"},
	{"syntax: tab indent", "a:\n\tb: 1\n",
	 "t.yaml:2:1: YAML syntax error: found character that cannot start any token (while "
	 "scanning for the next token at 2:1)"},
	{"syntax: bad utf-8", "hostname: \xff\n",
	 "t.yaml:1:11: YAML syntax error: invalid leading UTF-8 octet"},
	{"anchor", "x: &a 1\ny: *a\n",
	 "t.yaml:1:4: YAML anchors are not allowed (write the value out in full)"},
	{"alias", "hostname: *a\n",
	 "t.yaml:1:11: YAML aliases are not allowed (write the value out in full)"},
	{"tag", "hostname: !!str gw\n", "t.yaml:1:11: YAML tags are not allowed"},
	{"two documents", "hostname: a\n---\nhostname: b\n",
	 "t.yaml:2:1: multiple YAML documents are not allowed (one configuration per file)"},
	{"empty", "", "t.yaml:1:1: configuration is empty (expected a mapping with 'interfaces')"},
	{"complex key", "? [a]\n: 1\n",
	 "t.yaml:1:3: mapping keys must be plain strings (got a list)"},
	{"duplicate key", "hostname: a\nhostname: b\n",
	 "t.yaml:2:1: duplicate key 'hostname' (first at 1:1)"},
	{"duplicate transform set",
	 "transform_sets:\n  TS: {transforms: [esp-gcm]}\n  TS: "
	 "{transforms: [esp-gcm]}\n" IFS,
	 "t.yaml:3:3: duplicate key 'TS' (first at 2:3)"},

	/* --- top level and node types --- */
	{"top is a string", "hello\n",
	 "t.yaml:1:1: expected a mapping for configuration (got a string)"},
	{"unknown top key", HEAD "hostnme: a\n",
	 "t.yaml:13:1: unknown key 'hostnme' in configuration (expected one of: hostname, "
	 "dataplane, cli, isakmp, ipsec, logging, ikev2, transform_sets, crypto_maps, interfaces, "
	 "tunnels, routes, "
	 "manual_sas, manual_sa_file)"},
	{"missing interfaces", "hostname: a\n",
	 "t.yaml:1:1: missing required key 'interfaces' in configuration"},
	{"string for mapping", HEAD "hostname: {a: 1}\n",
	 "t.yaml:13:11: expected a string for 'hostname' (got a mapping)"},
	{"list for mapping", HEAD "dataplane: [1]\n",
	 "t.yaml:13:12: expected a mapping for dataplane (got a list)"},
	{"mapping for list", TS MAPS "interfaces: {a: 1}\n",
	 "t.yaml:10:13: expected a list for 'interfaces' (got a mapping)"},
	{"empty value for string", HEAD "hostname:\n",
	 "t.yaml:13:10: expected a string for 'hostname' (got an empty value)"},
	{"list item type", HEAD "dataplane: {eal: [a, [b]]}\n",
	 "t.yaml:13:22: expected a string for 'eal' (got a list)"},
	{"interface is a string", TS MAPS "interfaces: [foo]\n",
	 "t.yaml:10:14: expected a mapping for interface (got a string)"},

	/* --- names --- */
	{"hostname charset", HEAD "hostname: gw b\n",
	 "t.yaml:13:11: hostname 'gw b' may only contain letters, digits and '._-'"},
	{"hostname length", HEAD "hostname: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\n",
	 "t.yaml:13:11: hostname is too long (at most 47 characters, got 48)"},
	{"group charset", HEAD "cli: {group: \"wheel users\"}\n",
	 "t.yaml:13:14: group 'wheel users' may only contain letters, digits and '._-'"},
	{"admin group charset", HEAD "cli: {admin_group: net/admins}\n",
	 "t.yaml:13:20: admin_group 'net/admins' may only contain letters, digits and '._-'"},
	{"admin group empty plain", HEAD "cli: {admin_group: }\n",
	 "t.yaml:13:20: expected a string for 'admin_group' (got an empty value)"},
	{"transform set name", "transform_sets:\n  \"TS X\": {transforms: [esp-gcm]}\n" IFS,
	 "t.yaml:2:3: transform set name 'TS X' may only contain letters, digits and '._-'"},

	/* --- integers and booleans --- */
	{"int out of range", HEAD "dataplane: {burst: 65}\n",
	 "t.yaml:13:20: 'burst' must be 1..64 (got 65)"},
	{"int negative", HEAD "dataplane: {burst: -1}\n",
	 "t.yaml:13:20: 'burst' must be an integer 1..64 (got '-1')"},
	{"int float", HEAD "dataplane: {burst: 1.5}\n",
	 "t.yaml:13:20: 'burst' must be an integer 1..64 (got '1.5')"},
	{"int bool", HEAD "dataplane: {burst: true}\n",
	 "t.yaml:13:20: 'burst' must be an integer 1..64 (got 'true')"},
	{"int garbage", HEAD "dataplane: {burst: 32x}\n",
	 "t.yaml:13:20: 'burst' must be an integer 1..64 (got '32x')"},
	{"int octal", HEAD "dataplane: {burst: 010}\n",
	 "t.yaml:13:20: 'burst' must be an integer 1..64 (got '010')"},
	{"int quoted", HEAD "dataplane: {burst: \"32\"}\n",
	 "t.yaml:13:20: 'burst' must be an unquoted integer 1..64 (got \"32\")"},
	{"int overflow", HEAD "dataplane: {sa_max: 99999999999999999999999}\n",
	 "t.yaml:13:21: 'sa_max' must be 16..4194304 (got (hidden))"}, /* looks like a key */
	{"int mbufs", HEAD "dataplane: {mbufs: 1022}\n",
	 "t.yaml:13:20: 'mbufs' must be 1023..1048575 (got 1022)"},
	{"desc power of two", HEAD "dataplane: {rx_desc: 1000}\n",
	 "t.yaml:13:22: 'rx_desc' must be 64..4096, a power of two (got 1000)"},
	{"replay window big", HEAD "dataplane: {replay_window: 5000}\n",
	 "t.yaml:13:28: 'replay_window' must be 0 or 32..4096 (got 5000)"},
	{"replay window small", HEAD "dataplane: {replay_window: 5}\n",
	 "t.yaml:13:28: 'replay_window' must be 0 or 32..4096 (got 5)"},
	{"bool word", HEAD "isakmp: {invalid_spi_recovery: on}\n",
	 "t.yaml:13:32: 'invalid_spi_recovery' must be true or false (got 'on')"},
	{"recovery packets zero", HEAD "isakmp: {recovery_packets: 0}\n",
	 "t.yaml:13:28: 'recovery_packets' must be 1..1000 (got 0)"},
	{"recovery rate big", HEAD "isakmp: {recovery_rate: 1001}\n",
	 "t.yaml:13:25: 'recovery_rate' must be 1..1000 (got 1001)"},
	{"ipsec fragmentation word", HEAD "ipsec: {fragmentation: before}\n",
	 "t.yaml:13:24: 'fragmentation' must be one of: before-encryption, after-encryption "
	 "(got 'before')"},
	{"ipsec unknown key", HEAD "ipsec: {fragment: after-encryption}\n",
	 "t.yaml:13:9: unknown key 'fragment' in ipsec (expected one of: fragmentation)"},
	{"bool quoted", HEAD "isakmp: {invalid_spi_recovery: \"true\"}\n",
	 "t.yaml:13:32: 'invalid_spi_recovery' must be an unquoted true or false (got \"true\")"},
	{"socket relative", HEAD "cli: {socket: run/x.sock}\n",
	 "t.yaml:13:15: 'socket' must be an absolute path (got 'run/x.sock')"},
	{"socket too long",
	 HEAD "cli: {socket: "
	      "/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	      "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa}\n",
	 "t.yaml:13:15: 'socket' is too long (at most 107 bytes, got 108)"},

	/* --- logging --- */
	{"logging not a mapping", HEAD "logging: [1]\n",
	 "t.yaml:13:10: expected a mapping for logging (got a list)"},
	{"logging unknown key", HEAD "logging: {bufer: 65536}\n",
	 "t.yaml:13:11: unknown key 'bufer' in logging (expected one of: buffer, syslog, "
	 "invalid_spi_interval, replay_interval, mac_interval, rate)"},
	{"logging buffer small", HEAD "logging: {buffer: 4095}\n",
	 "t.yaml:13:19: 'buffer' must be 4096..16777216 (got 4095)"},
	{"logging buffer big", HEAD "logging:\n  buffer: 16777217\n",
	 "t.yaml:14:11: 'buffer' must be 4096..16777216 (got 16777217)"},
	{"logging syslog word", HEAD "logging: {syslog: off}\n",
	 "t.yaml:13:19: 'syslog' must be true or false (got 'off')"},
	{"logging interval zero", HEAD "logging: {invalid_spi_interval: 0}\n",
	 "t.yaml:13:33: 'invalid_spi_interval' must be 1..3600 (got 0)"},
	{"logging replay interval", HEAD "logging: {replay_interval: 3601}\n",
	 "t.yaml:13:28: 'replay_interval' must be 1..3600 (got 3601)"},
	{"logging mac interval", HEAD "logging: {mac_interval: -30}\n",
	 "t.yaml:13:25: 'mac_interval' must be an integer 1..3600 (got '-30')"},
	{"logging rate zero", HEAD "logging: {rate: 0}\n",
	 "t.yaml:13:17: 'rate' must be 1..10000 (got 0)"},
	{"logging rate big", HEAD "logging: {rate: 10001}\n",
	 "t.yaml:13:17: 'rate' must be 1..10000 (got 10001)"},
	{"logging rate quoted", HEAD "logging: {rate: \"20\"}\n",
	 "t.yaml:13:17: 'rate' must be an unquoted integer 1..10000 (got \"20\")"},

	/* --- interfaces --- */
	{"unknown key",
	 TS MAPS "interfaces:\n" IF_IN "  - name: out0\n    device: net_null1\n"
		 "    adress: 1.2.3.4/24\n",
	 "t.yaml:14:5: unknown key 'adress' in interface (expected one of: name, device, address, "
	 "address6, role, crypto_map, next_hop_mac, neighbors, mtu, tcp_adjust_mss, "
	 "tcp_adjust_mss6, nd_reachable_time)"},
	{"missing key",
	 TS MAPS "interfaces:\n" IF_IN "  - name: out0\n    address: 192.0.2.2/24\n"
		 "    role: outside\n",
	 "t.yaml:12:5: missing required key 'device' in interface"},
	{"no interfaces", TS MAPS "interfaces: []\n",
	 "t.yaml:10:13: 'interfaces' must not be empty"},
	{"duplicate interface name",
	 TS MAPS "interfaces:\n" IF_IN
		 "  - {name: in0, device: net_null1, address: 192.0.2.2/24, role: outside}\n",
	 "t.yaml:12:12: duplicate interface name 'in0' (first at 11:5)"},
	{"duplicate device",
	 TS MAPS
	 "interfaces:\n" IF_IN
	 "  - {name: out0, device: \"net_null0,x=1\", address: 192.0.2.2/24, role: outside}\n",
	 "t.yaml:12:26: device 'net_null0' is already used by interface 'in0'"},
	{"interface name charset",
	 TS MAPS "interfaces:\n"
		 "  - {name: \"in 0\", device: net_null0, address: 10.0.2.1/24, role: inside}\n",
	 "t.yaml:11:12: interface name 'in 0' may only contain letters, digits and '._-/'"},
	{"bad ipv4 address",
	 TS MAPS "interfaces:\n"
		 "  - {name: in0, device: net_null0, address: 10.0.2.256/24, role: inside}\n",
	 "t.yaml:11:45: 'address' must be an IPv4 address with prefix length A.B.C.D/1..32 (got "
	 "'10.0.2.256/24')"},
	{"bad ipv6 address",
	 TS MAPS
	 "interfaces:\n"
	 "  - {name: in0, device: net_null0, address: 10.0.2.1/24, address6: 2001:db8::g/64, "
	 "role: inside}\n",
	 "t.yaml:11:68: 'address6' must be an IPv6 address with prefix length X:X::X/1..128 (got "
	 "'2001:db8::g/64')"},
	{"ipv6 address without prefix",
	 TS MAPS
	 "interfaces:\n"
	 "  - {name: in0, device: net_null0, address: 10.0.2.1/24, address6: \"2001:db8::1\", "
	 "role: inside}\n",
	 "t.yaml:11:68: 'address6' must be an IPv6 address with prefix length X:X::X/1..128 (got "
	 "'2001:db8::1')"},
	{"address without prefix",
	 TS MAPS "interfaces:\n"
		 "  - {name: in0, device: net_null0, address: 10.0.2.1, role: inside}\n",
	 "t.yaml:11:45: 'address' must be an IPv4 address with prefix length A.B.C.D/1..32 (got "
	 "'10.0.2.1')"},
	{"address prefix 0",
	 TS MAPS "interfaces:\n"
		 "  - {name: in0, device: net_null0, address: 10.0.2.1/0, role: inside}\n",
	 "t.yaml:11:45: 'address' must be an IPv4 address with prefix length A.B.C.D/1..32 (got "
	 "'10.0.2.1/0')"},
	{"bad role",
	 TS MAPS "interfaces:\n"
		 "  - {name: in0, device: net_null0, address: 10.0.2.1/24, role: dmz}\n",
	 "t.yaml:11:64: 'role' must be one of: inside, outside (got 'dmz')"},
	{"crypto map on inside",
	 TS MAPS "interfaces:\n"
		 "  - {name: in0, device: net_null0, address: 10.0.2.1/24, role: inside, "
		 "crypto_map: VPN}\n",
	 "t.yaml:11:84: crypto map 'VPN' cannot be applied to inside interface 'in0' (expected an "
	 "outside interface)"},
	{"crypto map not found",
	 TS MAPS "interfaces:\n" IF_IN "  - {name: out0, device: net_null1, address: 192.0.2.2/24, "
				       "role: outside, crypto_map: VPM}\n",
	 "t.yaml:12:87: crypto map 'VPM' not found (defined: VPN, SPARE)"},
	{"crypto map applied twice", HEAD IF3 ", crypto_map: VPN}\n",
	 "t.yaml:13:90: crypto map 'VPN' is already applied to interface 'out0' (a crypto map may "
	 "be "
	 "applied to one interface only)"},
	{"bad mac", HEAD IF3 ", next_hop_mac: \"02:00:00:00:00\"}\n",
	 "t.yaml:13:92: 'next_hop_mac' must be a MAC address aa:bb:cc:dd:ee:ff (got "
	 "'02:00:00:00:00')"},
	{"mtu", HEAD IF3 ", mtu: 9001}\n", "t.yaml:13:83: 'mtu' must be 576..9000 (got 9001)"},
	{"tcp_adjust_mss low",
	 TS MAPS "interfaces:\n  - {name: in0, device: net_null0, address: 10.0.2.1/24, role: inside, "
		 "tcp_adjust_mss: 499}\n" IF_OUT,
	 "t.yaml:11:88: 'tcp_adjust_mss' must be 500..1460 (got 499)"},
	{"tcp_adjust_mss6 high",
	 TS MAPS "interfaces:\n  - {name: in0, device: net_null0, address: 10.0.2.1/24, role: inside, "
		 "tcp_adjust_mss6: 1441}\n" IF_OUT,
	 "t.yaml:11:89: 'tcp_adjust_mss6' must be 500..1440 (got 1441)"},
	{"tcp_adjust_mss6 outside", HEAD IF3 ", tcp_adjust_mss6: 1340}\n",
	 "t.yaml:13:95: 'tcp_adjust_mss6' cannot be set on outside interface 'out1' (expected an "
	 "inside interface: the outside carries only ESP and AH)"},
	{"nd_reachable_time high", HEAD IF3 ", address6: \"2001:db8:5::2/64\", "
			 "nd_reachable_time: 3600001}\n",
	 "t.yaml:13:127: 'nd_reachable_time' must be 0..3600000 ms, 0 for the default "
	 "30000 (got 3600001)"},
	{"nd_reachable_time negative", HEAD IF3 ", address6: \"2001:db8:5::2/64\", "
				     "nd_reachable_time: -1}\n",
	 "t.yaml:13:127: 'nd_reachable_time' must be an integer 0..3600000 ms, 0 for the "
	 "default 30000 (got '-1')"},
	{"nd_reachable_time without address6", HEAD IF3 ", nd_reachable_time: 5000}\n",
	 "t.yaml:13:97: 'nd_reachable_time' on interface 'out1', which has no address6 "
	 "(expected address6 on the interface: neighbor discovery runs from it)"},
	{"tcp_adjust_mss high",
	 TS MAPS "interfaces:\n  - {name: in0, device: net_null0, address: 10.0.2.1/24, role: inside, "
		 "tcp_adjust_mss: 1461}\n" IF_OUT,
	 "t.yaml:11:88: 'tcp_adjust_mss' must be 500..1460 (got 1461)"},
	{"tcp_adjust_mss outside", HEAD IF3 ", tcp_adjust_mss: 1360}\n",
	 "t.yaml:13:94: 'tcp_adjust_mss' cannot be set on outside interface 'out1' (expected an "
	 "inside interface: the outside carries only ESP and AH)"},
	{"neighbor outside subnet",
	 HEAD IF3 ", neighbors: [{ip: 198.51.101.1, mac: "
		  "\"02:00:00:00:00:01\"}]}\n",
	 "t.yaml:13:95: neighbor 198.51.101.1 is not in interface 'out1' subnet 198.51.100.0/24"},
	{"duplicate neighbor",
	 HEAD IF3 ", neighbors: [\n"
		  "      {ip: 198.51.100.1, mac: \"02:00:00:00:00:01\"},\n"
		  "      {ip: 198.51.100.1, mac: \"02:00:00:00:00:02\"}]}\n",
	 "t.yaml:15:12: duplicate neighbor 198.51.100.1 on interface 'out1' (first at 14:12)"},
	{"ipv6 neighbor without address6",
	 HEAD IF3 ", neighbors: [{ip: 2001:db8:5::9, mac: \"02:00:00:00:00:01\"}]}\n",
	 "t.yaml:13:95: IPv6 neighbor 2001:db8:5::9 on interface 'out1', which has no address6 "
	 "(expected address6 on the interface first)"},
	{"ipv6 neighbor malformed",
	 HEAD IF3 ", address6: 2001:db8:5::2/64, neighbors: [{ip: 2001:db8:5::g, mac: "
		  "\"02:00:00:00:00:01\"}]}\n",
	 "t.yaml:13:123: 'ip' must be an IPv6 address X:X::X (got '2001:db8:5::g')"},
	{"ipv6 neighbor off link",
	 HEAD IF3 ", address6: 2001:db8:5::2/64, neighbors: [{ip: 2001:db8:6::9, mac: "
		  "\"02:00:00:00:00:01\"}]}\n",
	 "t.yaml:13:123: neighbor 2001:db8:6::9 is not in interface 'out1' subnet 2001:db8:5::/64 "
	 "(nor link-local fe80::/10)"},
	{"duplicate ipv6 neighbor",
	 HEAD IF3 ", address6: 2001:db8:5::2/64, neighbors: [\n"
		  "      {ip: 2001:db8:5::1, mac: \"02:00:00:00:00:01\"},\n"
		  "      {ip: 198.51.100.1, mac: \"02:00:00:00:00:01\"},\n"
		  "      {ip: \"2001:DB8:5:0::1\", mac: \"02:00:00:00:00:02\"}]}\n",
	 "t.yaml:16:12: duplicate neighbor 2001:db8:5::1 on interface 'out1' (first at 14:12)"},
	{"neighbor bad mac",
	 HEAD IF3 ", neighbors: [{ip: 198.51.100.1, mac: 02-00-00-00-00-01}]}\n",
	 "t.yaml:13:114: 'mac' must be a MAC address aa:bb:cc:dd:ee:ff (got '02-00-00-00-00-01')"},
	{"no inside interface",
	 TS MAPS "interfaces:\n"
		 "  - {name: out0, device: net_null1, address: 192.0.2.2/24, role: outside}\n",
	 "t.yaml:11:3: at least one inside interface is required (expected an interface with "
	 "role: inside)"},
	{"no outside interface", TS MAPS "interfaces:\n" IF_IN,
	 "t.yaml:11:3: at least one outside interface is required (expected an interface with "
	 "role: outside)"},
	{"too many interfaces",
	 "interfaces: [{}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, "
	 "{}, {}, {}, {}]\n",
	 "t.yaml:1:13: at most 16 interfaces are supported (got 17)"},

	/* --- routes --- */
	{"route to outside", HEAD "routes:\n  - {prefix: 10.0.3.0/24, interface: out0}\n",
	 "t.yaml:14:38: route to outside interface 'out0' is not allowed (expected an inside "
	 "interface or a tunnel: routes carry decrypted traffic, or traffic to encrypt)"},
	{"route interface not found", HEAD "routes:\n  - {prefix: 10.0.3.0/24, interface: in9}\n",
	 "t.yaml:14:38: interface 'in9' not found (defined: in0, out0)"},
	{"route host bits", HEAD "routes:\n  - {prefix: 10.0.3.1/24, interface: in0}\n",
	 "t.yaml:14:14: 'prefix' 10.0.3.1/24 has host bits set (expected 10.0.3.0/24)"},
	{"route bad prefix", HEAD "routes:\n  - {prefix: 10.0.3.0/40, interface: in0}\n",
	 "t.yaml:14:14: 'prefix' must be an IPv4 prefix A.B.C.D/LEN (got '10.0.3.0/40')"},
	{"route via outside subnet",
	 HEAD "routes:\n  - {prefix: 10.0.3.0/24, interface: in0, "
	      "via: 10.0.9.1}\n",
	 "t.yaml:14:48: 'via' 10.0.9.1 is not in interface 'in0' subnet 10.0.2.0/24"},
	{"route bad via", HEAD "routes:\n  - {prefix: 10.0.3.0/24, interface: in0, via: 10.0.2}\n",
	 "t.yaml:14:48: 'via' must be an IPv4 address A.B.C.D (got '10.0.2')"},
	{"ipv6 route without address6",
	 HEAD "routes:\n  - {prefix: 2001:db8:3::/48, interface: in0}\n",
	 "t.yaml:14:42: IPv6 route to interface 'in0', which has no address6 (expected address6 "
	 "on the interface)"},
	{"ipv6 route host bits", HEAD6 "routes:\n  - {prefix: 2001:db8:3::1/48, interface: in0}\n",
	 "t.yaml:14:14: 'prefix' 2001:db8:3::1/48 has host bits set (expected 2001:db8:3::/48)"},
	{"ipv6 route via ipv4",
	 HEAD6 "routes:\n  - {prefix: 2001:db8:3::/48, interface: in0, via: 10.0.2.9}\n",
	 "t.yaml:14:52: 'via' 10.0.2.9 is IPv4 but 'prefix' is IPv6 (a route and its next hop are "
	 "one IP version)"},
	{"ipv4 route via ipv6",
	 HEAD6 "routes:\n  - {prefix: 10.0.3.0/24, interface: in0, via: 2001:db8:2::9}\n",
	 "t.yaml:14:48: 'via' 2001:db8:2::9 is IPv6 but 'prefix' is IPv4 (a route and its next hop "
	 "are one IP version)"},
	{"ipv6 route via off link",
	 HEAD6 "routes:\n  - {prefix: 2001:db8:3::/48, interface: in0, via: 2001:db8:9::1}\n",
	 "t.yaml:14:52: 'via' 2001:db8:9::1 is not in interface 'in0' subnet 2001:db8:2::/64 (nor "
	 "link-local fe80::/10)"},
	{"ipv6 route via malformed",
	 HEAD6 "routes:\n  - {prefix: 2001:db8:3::/48, interface: in0, via: fe80::1::2}\n",
	 "t.yaml:14:52: 'via' must be an IPv6 address X:X::X (got 'fe80::1::2')"},
	{"duplicate ipv6 route",
	 HEAD6 "routes:\n  - {prefix: 2001:db8:3::/48, interface: in0}\n"
	       "  - {prefix: 10.0.3.0/24, interface: in0}\n"
	       "  - {prefix: \"2001:DB8:3:0::/48\", interface: in0, via: fe80::1}\n",
	 "t.yaml:16:14: duplicate route 2001:db8:3::/48 (first at 14:14)"},
	{"duplicate route",
	 HEAD "routes:\n  - {prefix: 10.0.3.0/24, interface: in0}\n"
	      "  - {prefix: 10.0.3.0/24, interface: in0, via: 10.0.2.9}\n",
	 "t.yaml:15:14: duplicate route 10.0.3.0/24 (first at 14:14)"},

	/* --- transform sets --- */
	{"3des", TSX("esp-3des, esp-sha-hmac", "") MAPX,
	 "t.yaml:3:18: esp-3des is not supported: DES and 3DES are insecure (use esp-gcm 128/256 "
	 "or "
	 "esp-aes 128/256 with esp-sha256-hmac)"},
	{"des", TSX("esp-des", "") MAPX,
	 "t.yaml:3:18: esp-des is not supported: DES and 3DES are insecure (use esp-gcm 128/256 or "
	 "esp-aes 128/256 with esp-sha256-hmac)"},
	{"md5", TSX("esp-aes, esp-md5-hmac", "") MAPX,
	 "t.yaml:3:27: esp-md5-hmac is not supported: HMAC-MD5 is insecure (use esp-sha256-hmac or "
	 "esp-sha512-hmac)"},
	{"aes 192", TSX("esp-aes 192, esp-sha-hmac", "") MAPX,
	 "t.yaml:3:18: esp-aes 192 is not supported: only 128- and 256-bit AES keys are "
	 "implemented (use esp-aes 128 or esp-aes 256)"},
	/* AH+ESP bundle (transform set TS-X line 3, its manual SAs from line 10) */
	{"ah twice", TSX("ah-sha-hmac, esp-gcm, ah-sha256-hmac", "") MAPX,
	 "t.yaml:3:40: transform set 'TS-X' has more than one AH transform (ah-sha-hmac and "
	 "ah-sha256-hmac)"},
	{"bundle without cipher", TSX("ah-sha-hmac, esp-sha-hmac", "") MAPX,
	 "t.yaml:3:17: transform set 'TS-X': ah-sha-hmac beside esp-sha-hmac makes an AH+ESP "
	 "bundle, which needs an encryption transform (expected esp-gcm, esp-aes or esp-null)"},
	{"bundle aes without hmac", TSX("ah-sha256-hmac, esp-aes 256", "") MAPX,
	 "t.yaml:3:17: esp-aes 256 needs an HMAC: confidentiality-only ESP is refused, inside "
	 "AH too (add esp-sha256-hmac)"},
	{"bundle gcm with hmac", TSX("esp-gcm, ah-sha256-hmac, esp-sha-hmac", "") MAPX,
	 "t.yaml:3:43: esp-gcm is a combined-mode cipher; remove esp-sha-hmac"},
	{"bundle ah_spi missing", TSB BSA("4096", "") "}\n",
	 "t.yaml:11:5: missing required key 'ah_spi' in manual SA (transform set TS-X is an "
	 "AH+ESP bundle: 'spi' is its ESP SA's, 'ah_spi' its AH SA's)"},
	{"bundle ah key missing", TSB BSA("4096", "")
	 ", ah_spi: 4097}\n",
	 "t.yaml:11:5: missing required key 'ah_auth_key' in manual SA (ah-sha256-hmac needs 32 "
	 "bytes)"},
	{"bundle ah key length", TSB BSA("4096", "")
	 ", ah_spi: 4097, ah_auth_key: " K20 "}\n",
	 "t.yaml:11:170: ah_auth_key must be 64 hex digits (32 bytes for ah-sha256-hmac), got 40"},
	{"bundle ah_spi reserved", TSB BSA("4096", "")
	 ", ah_spi: 255}\n",
	 "t.yaml:11:151: SPI 255 is in 1..255, reserved by IANA (RFC 4303 section 2.1; expected "
	 "256..4294967295)"},
	{"bundle gcm auth_key", TSB BSA("4096", "")
	 ", auth_key: " K32 "}\n",
	 "t.yaml:11:153: auth_key is not allowed with esp-gcm 128 (a combined-mode cipher has "
	 "no separate HMAC key; the AH key is 'ah_auth_key')"},
	{"bundle udp_encap", TSB BSA("4096", "")
	 ", ah_spi: 4097, ah_auth_key: " K32 ", udp_encap: true}\n",
	 "t.yaml:11:247: 'udp_encap' applies to ESP SAs only (transform set TS-X is an AH+ESP "
	 "bundle, which cannot cross a NAT: RFC 3948)"},
	{"bundle duplicate ah spi", TSB BSA("4096", "")
	 ", ah_spi: 4097, ah_auth_key: " K32 "}\n" BSA("4098", "") ", ah_spi: 4097, ah_auth_key: "
	 K32 "}\n",
	 "t.yaml:12:151: duplicate inbound AH SPI 0x00001001 for local address 192.0.2.2 (first "
	 "at 11:151)"},
	{"ah_spi without bundle", TSX("esp-gcm", "") MAPX "manual_sas:\n" BSA("4096", "")
	 ", ah_spi: 4097}\n",
	 "t.yaml:11:151: 'ah_spi' applies to AH+ESP bundles only (transform set TS-X is not "
	 "one: its SAs have one SPI, 'spi', and their keys are 'cipher_key' and 'auth_key')"},
	{"ah_auth_key without bundle", TSX("ah-sha-hmac", "") MAPX "manual_sas:\n  - {crypto_map: "
	 "VPN, seq: 10, direction: in, spi: 4096, auth_key: " K20 ", ah_auth_key: " K20 "}\n",
	 "t.yaml:11:123: 'ah_auth_key' applies to AH+ESP bundles only (transform set TS-X is "
	 "not one: its SAs have one SPI, 'spi', and their keys are 'cipher_key' and 'auth_key')"},
	{"ah md5", TSX("ah-md5-hmac", "") MAPX,
	 "t.yaml:3:18: ah-md5-hmac is not supported: HMAC-MD5 is insecure (use ah-sha256-hmac or "
	 "ah-sha512-hmac)"},
	{"ah udp_encap", TSX("ah-sha-hmac", "") MAPX "manual_sas:\n  - {crypto_map: VPN, seq: 10, "
	 "direction: in, spi: 4096, auth_key: " K20 ", udp_encap: true}\n",
	 "t.yaml:11:121: 'udp_encap' applies to ESP SAs only (transform set TS-X is AH, which "
	 "cannot cross a NAT: RFC 3948)"},
	{"ah key length", TSX("ah-sha256-hmac", "") MAPX "manual_sas:\n  - {crypto_map: VPN, seq: "
	 "10, direction: in, spi: 4096, auth_key: " K20 "}\n",
	 "t.yaml:11:68: auth_key must be 64 hex digits (32 bytes for ah-sha256-hmac), got 40"},
	{"ah key missing", TSX("ah-sha384-hmac", "") MAPX "manual_sas:\n  - {crypto_map: VPN, seq: "
	 "10, direction: in, spi: 4096}\n",
	 "t.yaml:11:5: missing required key 'auth_key' in manual SA (ah-sha384-hmac needs 48 "
	 "bytes)"},
	{"unknown transform", TSX("esp-foo", "") MAPX,
	 "t.yaml:3:18: unknown transform 'esp-foo' (expected one of: esp-null, esp-aes 128, "
	 "esp-aes 256, esp-gcm 128, esp-gcm 256, esp-sha-hmac, esp-sha256-hmac, esp-sha384-hmac, "
	 "esp-sha512-hmac, ah-sha-hmac, ah-sha256-hmac, ah-sha384-hmac, ah-sha512-hmac)"},
	{"gcm with hmac", TSX("esp-gcm 256, esp-sha256-hmac", "") MAPX,
	 "t.yaml:3:31: esp-gcm is a combined-mode cipher; remove esp-sha256-hmac"},
	{"aes without hmac", TSX("esp-aes 256", "") MAPX,
	 "t.yaml:3:17: esp-aes 256 needs an HMAC: confidentiality-only ESP is refused (add "
	 "esp-sha256-hmac)"},
	{"null without hmac", TSX("esp-null", "") MAPX,
	 "t.yaml:3:17: esp-null needs an HMAC: confidentiality-only ESP is refused (add "
	 "esp-sha256-hmac)"},
	{"two ciphers", TSX("esp-aes 256, esp-gcm, esp-sha-hmac", "") MAPX,
	 "t.yaml:3:31: transform set 'TS-X' has more than one encryption transform (esp-aes 256 "
	 "and "
	 "esp-gcm 128)"},
	{"two hmacs", TSX("esp-aes, esp-sha-hmac, esp-sha256-hmac", "") MAPX,
	 "t.yaml:3:41: transform set 'TS-X' has more than one HMAC (esp-sha-hmac and "
	 "esp-sha256-hmac)"},
	{"no cipher", TSX("esp-sha-hmac", "") MAPX,
	 "t.yaml:3:17: transform set 'TS-X' has no encryption transform (expected esp-gcm, esp-aes "
	 "or esp-null)"},
	{"transport mode", TSX("esp-gcm", "    mode: transport\n") MAPX,
	 "t.yaml:4:11: transport mode is not supported yet (expected tunnel)"},
	{"bad mode", TSX("esp-gcm", "    mode: tunel\n") MAPX,
	 "t.yaml:4:11: 'mode' must be one of: tunnel (got 'tunel')"},
	{"esn not bool", TSX("esp-gcm", "    esn: 1\n") MAPX,
	 "t.yaml:4:10: 'esn' must be true or false (got '1')"},

	/* --- crypto maps --- */
	{"transform set not found",
	 ENTRY_HEAD "    - {seq: 10, peer: 192.0.2.1, transform_set: TS9,"
		    " match: [{src: 10.0.2.0/24, dst: 10.0.0.0/24}]}\n" IFS,
	 "t.yaml:5:49: transform set 'TS9' not found (defined: TS-GCM)"},
	{"unknown entry key",
	 ENTRY_HEAD "    - seq: 10\n      peer: 192.0.2.1\n"
		    "      trasform_set: TS-GCM\n" IFS,
	 "t.yaml:7:7: unknown key 'trasform_set' in crypto map entry (expected one of: seq, peer, "
	 "transform_set, match, lifetime, replay_window, ikev2_profile, pfs, initiate)"},
	{"duplicate seq", ENTRY("}]}\n    - {seq: 10, peer: 192.0.2.3, transform_set: TS-GCM, "
				"match: [{src: 10.0.2.0/24, dst: 10.0.0.0/24}]}"),
	 "t.yaml:6:13: duplicate seq 10 in crypto map 'VPN' (first at 5:13)"},
	{"seq zero",
	 ENTRY_HEAD "    - {seq: 0, peer: 192.0.2.1, transform_set: TS-GCM, match: "
		    "[{src: 10.0.2.0/24, dst: 10.0.0.0/24}]}\n" IFS,
	 "t.yaml:5:13: 'seq' must be 1..65535 (got 0)"},
	{"bad peer",
	 ENTRY_HEAD "    - {seq: 10, peer: 192.0.2.300, transform_set: TS-GCM, match: "
		    "[{src: 10.0.2.0/24, dst: 10.0.0.0/24}]}\n" IFS,
	 "t.yaml:5:23: 'peer' must be an IPv4 address A.B.C.D (got '192.0.2.300')"},
	{"ipv6 peer malformed", ENTRY6("2001:db8::g", "{src: 10.0.2.0/24, dst: 10.0.0.0/24}"),
	 "t.yaml:5:23: 'peer' must be an IPv6 address X:X::X (got '2001:db8::g')"},
	{"ipv6 peer without address6",
	 ENTRY_HEAD "    - {seq: 10, peer: 2001:db8::1, transform_set: TS-GCM, match: "
		    "[{src: 10.0.2.0/24, dst: 10.0.0.0/24}]}\n" IFS,
	 "t.yaml:8:87: crypto map 'VPN' seq 10 has IPv6 peer 2001:db8::1 but interface 'out0' has "
	 "no address6 (expected an IPv6 address on the interface, the tunnel's local end)"},
	{"acl ipv6 host bits", ENTRY6("2001:db8::1", "{src: 2001:db8:2::1/48, dst: \"::/0\"}"),
	 "t.yaml:5:73: 'src' 2001:db8:2::1/48 has host bits set (expected 2001:db8:2::/48)"},
	{"acl ipv6 prefix length", ENTRY6("2001:db8::1", "{src: 2001:db8:2::/129, dst: \"::/0\"}"),
	 "t.yaml:5:73: 'src' must be an IPv6 prefix X:X::X/0..128 (got '2001:db8:2::/129')"},
	{"acl families differ in a line",
	 ENTRY6("2001:db8::1", "{src: 10.0.2.0/24, dst: 2001:db8:1::/48}"),
	 "t.yaml:5:91: 'dst' 2001:db8:1::/48 is IPv6 but 'src' is IPv4 (a line matches one IP "
	 "version: write the other as a line of its own entry)"},
	{"acl families differ in an entry",
	 ENTRY6("2001:db8::1", "{src: 2001:db8:2::/48, dst: 2001:db8:1::/48}, "
			       "{src: 10.0.2.0/24, dst: 10.0.0.0/24}"),
	 "t.yaml:5:119: match line 2 is IPv4 but line 1 is IPv6 (an entry protects one IP version: "
	 "put the IPv4 lines in an entry of their own)"},
	{"empty match",
	 ENTRY_HEAD "    - {seq: 10, peer: 192.0.2.1, transform_set: TS-GCM, "
		    "match: []}\n" IFS,
	 "t.yaml:5:64: 'match' must not be empty"},
	{"missing match",
	 ENTRY_HEAD "    - {seq: 10, peer: 192.0.2.1, transform_set: TS-GCM}\n" IFS,
	 "t.yaml:5:7: missing required key 'match' in crypto map entry"},
	{"map without entries", "crypto_maps:\n  VPN: []\n" IFS,
	 "t.yaml:2:8: crypto map 'VPN' has no entries (expected a list of entries with seq, peer, "
	 "transform_set and match)"},
	{"acl host bits",
	 ENTRY_HEAD "    - {seq: 10, peer: 192.0.2.1, transform_set: TS-GCM, "
		    "match: [{src: 10.0.2.1/24, dst: 10.0.0.0/24}]}\n" IFS,
	 "t.yaml:5:71: 'src' 10.0.2.1/24 has host bits set (expected 10.0.2.0/24)"},
	{"acl action", ENTRY(", action: drop}]}"),
	 "t.yaml:5:110: 'action' must be one of: permit, deny (got 'drop')"},
	{"acl deny lines only", ENTRY(", action: deny}, {action: deny, src: 10.0.3.0/24, "
				      "dst: 10.0.0.0/24}]}"),
	 "t.yaml:5:64: 'match' has no permit line: the entry would protect nothing (deny lines "
	 "only say what it does not protect)"},
	{"acl proto word", ENTRY(", proto: sctp}]}"),
	 "t.yaml:5:109: 'proto' must be one of: ip, any, icmp, tcp, udp, 0..255 (got 'sctp')"},
	{"acl proto number", ENTRY(", proto: 256}]}"),
	 "t.yaml:5:109: 'proto' must be 0..255 (got 256)"},
	{"acl port without tcp/udp", ENTRY(", proto: icmp, dport: 53}]}"),
	 "t.yaml:5:122: 'dport' needs proto tcp or udp (got proto 1)"},
	{"acl reversed range", ENTRY(", proto: udp, sport: 2000-1000}]}"),
	 "t.yaml:5:121: 'sport' range 2000-1000 is reversed (expected LO-HI with LO <= HI)"},
	{"acl bad port", ENTRY(", proto: udp, sport: 70000}]}"),
	 "t.yaml:5:121: 'sport' must be a port 0..65535 or a range LO-HI (got '70000')"},
	{"lifetime seconds", ENTRY("}], lifetime: {seconds: 60}}"),
	 "t.yaml:5:124: 'seconds' must be 120..86400 (got 60)"},
	{"lifetime kilobytes", ENTRY("}], lifetime: {kilobytes: 4294967296}}"),
	 "t.yaml:5:126: 'kilobytes' must be 2560..4294967295 (got 4294967296)"},
	{"entry replay window", ENTRY("}], replay_window: 31}"),
	 "t.yaml:5:119: 'replay_window' must be 0 or 32..4096 (got 31)"},

	/* --- manual SAs --- */
	{"cipher key length", SA(SA_GCM("0x1000", "00112233445566778899aabbccddeeff012345") "}\n"),
	 "t.yaml:14:72: cipher_key must be 40 hex digits (20 bytes: 16-byte key + 4-byte salt for "
	 "esp-gcm 128), got 38"},
	{"cipher key not hex",
	 SA(SA_GCM("0x1000", "00112233445566778899aabbccddeeff0123456g") "}\n"),
	 "t.yaml:14:72: cipher_key must be 40 hex digits (20 bytes: 16-byte key + 4-byte salt for "
	 "esp-gcm 128), got a non-hex character"},
	{"cipher key cbc length", SA(SA_CBC "cipher_key: " K32 "00, auth_key: " K32 "}\n"),
	 "t.yaml:14:71: cipher_key must be 64 hex digits (32 bytes for esp-aes 256), got 66"},
	{"auth key length", SA(SA_CBC "cipher_key: " K32 ", auth_key: " K20 "}\n"),
	 "t.yaml:14:147: auth_key must be 64 hex digits (32 bytes for esp-sha256-hmac), got 40"},
	{"auth key with gcm", SA(SA_GCM("0x1000", K20) ", auth_key: " K32 "}\n"),
	 "t.yaml:14:124: auth_key is not allowed with esp-gcm 128 (a combined-mode cipher has no "
	 "separate HMAC key)"},
	{"missing cipher key", SA("  - {crypto_map: VPN, seq: 10, direction: in, spi: 0x1000}\n"),
	 "t.yaml:14:5: missing required key 'cipher_key' in manual SA (esp-gcm 128 needs 20 "
	 "bytes)"},
	{"missing auth key", SA(SA_CBC "cipher_key: " K32 "}\n"),
	 "t.yaml:14:5: missing required key 'auth_key' in manual SA (esp-sha256-hmac needs 32 "
	 "bytes)"},
	{"spi 0", SA(SA_GCM("0", K20) "}\n"),
	 "t.yaml:14:52: SPI 0 is reserved for local use (RFC 4303 section 2.1; expected "
	 "256..4294967295)"},
	{"spi 255", SA(SA_GCM("255", K20) "}\n"),
	 "t.yaml:14:52: SPI 255 is in 1..255, reserved by IANA (RFC 4303 section 2.1; expected "
	 "256..4294967295)"},
	{"initial_sequence on an inbound SA", SA(SA_GCM("0x1000", K20) ", initial_sequence: 5}\n"),
	 "t.yaml:14:132: 'initial_sequence' applies to outbound SAs only"},
	{"spi too big", SA(SA_GCM("0x100000000", K20) "}\n"),
	 "t.yaml:14:52: 'spi' must be 256..4294967295 (got 0x100000000)"},
	{"duplicate spi", SA(SA_GCM("0x1000", K20) "}\n" SA_GCM("4096", K20) "}\n"),
	 "t.yaml:15:52: duplicate inbound SPI 0x00001000 for local address 192.0.2.2 (first at "
	 "14:52)"},
	{"manual gcm", SA(SA_GCM("0x1000", K20) "}\n"), GCM_REFUSED("14:5", "0x1000")},
	{"manual gcm, opt-in false",
	 SA(SA_GCM("0x1000", K20) ", allow_unsafe_manual_gcm: false}\n"),
	 GCM_REFUSED("14:5", "0x1000")},
	{"manual gcm, the second without opt-in",
	 SA(SA_GCM("0x1000", K20) ", allow_unsafe_manual_gcm: true}\n" SA_GCM("0x1001", K20) "}\n"),
	 GCM_REFUSED("15:5", "0x1001")},
	{"gcm opt-in on cbc",
	 SA(SA_CBC "cipher_key: " K32 ", auth_key: " K32 ", allow_unsafe_manual_gcm: true}\n"),
	 "t.yaml:14:238: 'allow_unsafe_manual_gcm' applies to esp-gcm SAs only (transform set "
	 "TS-CBC is esp-aes 256)"},
	{"gcm opt-in word", SA(SA_GCM("0x1000", K20) ", allow_unsafe_manual_gcm: sure}\n"),
	 "t.yaml:14:139: 'allow_unsafe_manual_gcm' must be true or false (got 'sure')"},
	{"bad direction", SA("  - {crypto_map: VPN, seq: 10, direction: sideways}\n"),
	 "t.yaml:14:43: 'direction' must be one of: inbound, in, outbound, out (got 'sideways')"},
	{"sa crypto map not found", SA("  - {crypto_map: VPX, seq: 10}\n"),
	 "t.yaml:14:18: crypto map 'VPX' not found (defined: VPN, SPARE)"},
	{"sa on unapplied map", SA("  - {crypto_map: SPARE, seq: 1}\n"),
	 "t.yaml:14:18: crypto map 'SPARE' is not applied to any interface (a manual SA takes its "
	 "local address from the map's outside interface)"},
	{"sa seq not found", SA("  - {crypto_map: VPN, seq: 30}\n"),
	 "t.yaml:14:28: crypto map 'VPN' has no entry with seq 30 (defined: 10, 20)"},
	{"udp_encap port", SA(SA_GCM("0x1000", K20) ", udp_encap: {local_port: 0}}\n"),
	 "t.yaml:14:138: 'local_port' must be 1..65535 (got 0)"},
	{"udp_encap local port not 4500",
	 SA(SA_GCM("0x1000", K20) ", udp_encap: {local_port: 4501}}\n"),
	 "t.yaml:14:138: 'local_port' must be 4500: the gateway receives ESP-in-UDP on UDP port "
	 "4500 only (RFC 3948; got 4501)"},
	{"udp_encap word", SA(SA_GCM("0x1000", K20) ", udp_encap: maybe}\n"),
	 "t.yaml:14:125: 'udp_encap' must be true or false (got 'maybe')"},
	{"key pasted into spi", SA(SA_GCM(K20, K20) "}\n"),
	 "t.yaml:14:52: 'spi' must be an integer 256..4294967295 (got '(hidden)')"},
	{"key as a mapping key", SA(SA_GCM("0x1000", K20) ", " K20 ": 1}\n"),
	 "t.yaml:14:114: unknown key '(hidden)' in manual SA (expected one of: crypto_map, seq, "
	 "tunnel, direction, spi, cipher_key, auth_key, ah_spi, ah_auth_key, udp_encap, "
	 "initial_sequence, allow_unsafe_manual_gcm)"},
	{"unknown sa key", SA(SA_GCM("0x1000", K20) ", authkey: x}\n"),
	 "t.yaml:14:114: unknown key 'authkey' in manual SA (expected one of: crypto_map, seq, "
	 "tunnel, direction, spi, cipher_key, auth_key, ah_spi, ah_auth_key, udp_encap, "
	 "initial_sequence, allow_unsafe_manual_gcm)"},

	/* --- tunnels (static VTI) --- */
	{"tunnel unknown in a route",
	 TUN("", "routes:\n  - {prefix: 192.0.2.128/25, interface: Tunnel9}\n"),
	 "t.yaml:16:41: tunnel 'Tunnel9' not found (defined: Tunnel1)"},
	{"tunnel source inside", TUN1("name: Tunnel1, source: in0, " DST ", " PROT),
	 "t.yaml:14:29: tunnel source 'in0' is inside interface 'in0' (expected an outside "
	 "interface: the tunnel's packets leave by it)"},
	{"tunnel source inside address", TUN1("name: Tunnel1, source: 10.0.2.1, " DST ", " PROT),
	 "t.yaml:14:29: tunnel source '10.0.2.1' is inside interface 'in0' (expected an outside "
	 "interface: the tunnel's packets leave by it)"},
	{"tunnel source unknown address",
	 TUN1("name: Tunnel1, source: 192.0.2.3, " DST ", " PROT),
	 "t.yaml:14:29: tunnel source 192.0.2.3 is not the address of an interface (expected an "
	 "outside interface or its address)"},
	{"tunnel source unknown", TUN1("name: Tunnel1, source: Gi1, " DST ", " PROT),
	 "t.yaml:14:29: tunnel source 'Gi1' not found (expected an outside interface or its "
	 "address; defined: in0, out0)"},
	{"tunnel duplicate number",
	 TUN("", "  - {name: tunnel1, source: out0, destination: 203.0.113.3, " PROT "}\n"),
	 "t.yaml:15:12: duplicate tunnel Tunnel1 (first at 14:5)"},
	{"tunnel same endpoints",
	 TUN("", "  - {name: Tunnel2, source: 192.0.2.2, " DST ", " PROT "}\n"),
	 "t.yaml:15:53: Tunnel2 has the same source 192.0.2.2 and destination 203.0.113.2 as "
	 "Tunnel1 (at 14:5)"},
	{"tunnel named like an interface",
	 "interfaces:\n" IF_IN
	 "  - {name: Tunnel1, device: net_null1, address: 192.0.2.2/24, role: outside}\n"
	 "tunnels:\n  - {name: Tunnel1, source: 192.0.2.2, " DST ", " PROT "}\n",
	 "t.yaml:5:12: tunnel Tunnel1 has the name of interface 'Tunnel1' (defined at 3:5)"},
	{"tunnel missing destination", TUN1("name: Tunnel1, source: out0, " PROT),
	 "t.yaml:14:5: missing required key 'destination' in tunnel"},
	{"tunnel destination is source",
	 TUN1("name: Tunnel1, source: out0, destination: 192.0.2.2, " PROT),
	 "t.yaml:14:48: tunnel destination 192.0.2.2 is the tunnel source's own address"},
	{"tunnel bad mode", TUN(", mode: gre ip", ""),
	 "t.yaml:14:116: unknown tunnel mode 'gre ip' (expected 'ipsec ipv4' or 'ipsec ipv6')"},
	{"tunnel mode ipv6 without address6", TUN(", mode: ipsec ipv6", ""),
	 "t.yaml:14:29: tunnel source 'out0' has no address6 (an 'ipsec ipv6' tunnel starts at "
	 "the interface's IPv6 address)"},
	{"tunnel6 ipv4 destination",
	 HEAD6 "tunnels:\n  - {name: Tunnel2, mode: ipsec ipv6, source: out0, " DST ", " PROT "}\n",
	 "t.yaml:14:66: tunnel destination '203.0.113.2' is not IPv6, but the mode is 'ipsec "
	 "ipv6' (an IPv4 transport is mode 'ipsec ipv4')"},
	{"tunnel4 ipv6 destination",
	 TUN1("name: Tunnel1, source: out0, destination: 2001:db8:9::2, " PROT),
	 "t.yaml:14:48: tunnel destination '2001:db8:9::2' is IPv6, but the mode is 'ipsec ipv4' "
	 "(expected mode 'ipsec ipv6' for an IPv6 transport)"},
	{"tunnel6 source ipv4 address",
	 HEAD6 "tunnels:\n  - {name: Tunnel2, mode: ipsec ipv6, source: 192.0.2.2, "
	       "destination: 2001:db8:9::2, " PROT "}\n",
	 "t.yaml:14:47: tunnel source 192.0.2.2 is IPv4, but the mode is 'ipsec ipv6' (expected "
	 "an outside interface or its IPv6 address)"},
	{"tunnel6 destination is source",
	 HEAD6 "tunnels:\n  - {name: Tunnel2, mode: ipsec ipv6, source: 2001:db8::2, "
	       "destination: 2001:db8::2, " PROT "}\n",
	 "t.yaml:14:73: tunnel destination 2001:db8::2 is the tunnel source's own address"},
	{"tunnel6 destination multicast",
	 HEAD6 "tunnels:\n  - {name: Tunnel2, mode: ipsec ipv6, source: out0, "
	       "destination: ff02::1, " PROT "}\n",
	 "t.yaml:14:66: tunnel destination must be a unicast address (got 'ff02::1')"},
	{"tunnel6 same endpoints",
	 TUN6("", "  - {name: Tunnel3, mode: ipsec ipv6, source: 2001:db8::2, destination: "
		  "2001:db8:9:0::2, " PROT "}\n"),
	 "t.yaml:15:73: Tunnel3 has the same source 2001:db8::2 and destination 2001:db8:9::2 as "
	 "Tunnel2 (at 14:5)"},
	{"tunnel4 address6", TUN(", address6: 2001:db8:ff::1/64", ""),
	 "t.yaml:14:120: 'address6' on Tunnel1, whose mode is 'ipsec ipv4': it carries IPv4 only "
	 "(expected mode 'ipsec ipv6')"},
	{"tunnel6 bad address6", TUN6(", address6: 2001:db8:ff::1", ""),
	 "t.yaml:14:140: 'address6' must be an IPv6 address with prefix length X:X::X/1..128 (got "
	 "'2001:db8:ff::1')"},
	{"tunnel dual-overlay", TUN(", mode: ipsec dual-overlay", ""),
	 "t.yaml:14:116: tunnel mode 'ipsec dual-overlay' is not supported (an IPv4 tunnel "
	 "carries IPv4, an IPv6 one IPv6: expected 'ipsec ipv4' or 'ipsec ipv6')"},
	/* an IKE-keyed ipsec ipv6 tunnel's peer is its IPv6 destination: the keyring must cover it */
	{"tunnel6 ike keyring without the ipv6 destination",
	 IKE_HEAD HEAD6 "tunnels:\n  - {name: Tunnel2, mode: ipsec ipv6, source: out0, "
			"destination: 2001:db8:9::2, protection: {profile: P, transform_set: TS-CBC, "
			"ikev2_profile: FAR}}\n",
	 "t.yaml:19:144: ikev2 profile 'FAR' uses keyring 'FARKR', which has no peer whose address "
	 "covers 2001:db8:9::2 (expected a peer with that address or a prefix holding it, for the "
	 "pre-shared key)"},
	{"ipv4 route into ipv6 tunnel",
	 TUN6("", "routes:\n  - {prefix: 10.9.0.0/16, interface: Tunnel2}\n"),
	 "t.yaml:16:38: IPv4 route into Tunnel2, whose mode is 'ipsec ipv6': it carries IPv6 only "
	 "(expected an IPv6 prefix, or a tunnel with mode 'ipsec ipv4')"},
	{"ipv6 route into ipv4 tunnel",
	 HEAD6 "tunnels:\n  - {name: Tunnel1, source: out0, " DST ", " PROT "}\n"
	       "routes:\n  - {prefix: 2001:db8:5::/48, interface: Tunnel1}\n",
	 "t.yaml:16:42: IPv6 route into Tunnel1, whose mode is 'ipsec ipv4': it carries IPv4 only "
	 "(expected an IPv4 prefix, or a tunnel with mode 'ipsec ipv6')"},
	{"ipv6 route into tunnel via",
	 TUN6("", "routes:\n  - {prefix: \"::/0\", interface: Tunnel2, via: fe80::1}\n"),
	 "t.yaml:16:47: 'via' is not allowed on a route into Tunnel2 (a tunnel is point-to-point: "
	 "its peer is the tunnel destination)"},
	{"tunnel6 sa duplicate spi",
	 TUN6("", "manual_sas:\n  - {tunnel: Tunnel2, direction: in, spi: 4096, cipher_key: " K32
		  ", auth_key: " K32 "}\n  - {tunnel: Tunnel2, direction: in, "
		  "spi: 4096, cipher_key: " K32 ", auth_key: " K32 "}\n"),
	 "t.yaml:17:43: duplicate inbound SPI 0x00001000 for local address 2001:db8::2 (first at "
	 "16:43)"},
	{"tunnel bad name", TUN1("name: Tun1, source: out0, " DST ", " PROT),
	 "t.yaml:14:12: tunnel name 'Tun1' must be Tunnel<number> (0..2147483647), as IOS's "
	 "'interface Tunnel1'"},
	{"tunnel number too big", TUN1("name: Tunnel2147483648, source: out0, " DST ", " PROT),
	 "t.yaml:14:12: tunnel name 'Tunnel2147483648' must be Tunnel<number> (0..2147483647), "
	 "as IOS's 'interface Tunnel1'"},
	{"tunnel missing protection", TUN1("name: Tunnel1, source: out0, " DST),
	 "t.yaml:14:5: missing required key 'protection' in tunnel"},
	{"tunnel bundle transform set",
	 TSX("ah-sha256-hmac, esp-gcm", "") MAPX "tunnels:\n  - {name: Tunnel1, source: out0, "
	 DST ", protection: {profile: P, transform_set: TS-X}}\n",
	 "t.yaml:11:101: transform set 'TS-X' is an AH+ESP bundle, which tunnel protection does "
	 "not support yet (use an ESP or AH transform set, or a crypto map)"},
	{"tunnel transform set unknown",
	 TUN1("name: Tunnel1, source: out0, " DST ", protection: {profile: P, "
	      "transform_set: TS-X}"),
	 "t.yaml:14:101: transform set 'TS-X' not found (defined: TS-GCM, TS-CBC)"},
	{"tunnel bad address", TUN(", address: 10.255.0.1", ""),
	 "t.yaml:14:119: 'address' must be an IPv4 address with prefix length A.B.C.D/1..32 (got "
	 "'10.255.0.1')"},
	{"tunnel route via",
	 TUN("", "routes:\n  - {prefix: 192.0.2.128/25, interface: Tunnel1, via: 10.0.2.9}\n"),
	 "t.yaml:16:55: 'via' is not allowed on a route into Tunnel1 (a tunnel is point-to-point: "
	 "its peer is the tunnel destination)"},
	{"tunnel sa unknown",
	 TUN("", "manual_sas:\n  - {tunnel: Tunnel2, direction: in, spi: 4096}\n"),
	 "t.yaml:16:14: tunnel 'Tunnel2' not found (defined: Tunnel1)"},
	{"tunnel sa and map",
	 TUN("", "manual_sas:\n  - {tunnel: Tunnel1, crypto_map: VPN, seq: 20, direction: in, "
		 "spi: 4096}\n"),
	 "t.yaml:16:14: a manual SA keys a crypto map entry or a tunnel, not both (remove "
	 "'crypto_map' and 'seq', or 'tunnel')"},
	{"sa without map or tunnel", SA("  - {direction: in, spi: 4096}\n"),
	 "t.yaml:14:5: missing required key 'crypto_map' in manual SA (or 'tunnel')"},
	{"sa without seq", SA("  - {crypto_map: VPN, direction: in, spi: 4096}\n"),
	 "t.yaml:14:5: missing required key 'seq' in manual SA"},
	{"tunnel sa missing key",
	 TUN("", "manual_sas:\n  - {tunnel: Tunnel1, direction: in, spi: 4096, cipher_key: " K32
		 "}\n"),
	 "t.yaml:16:5: missing required key 'auth_key' in manual SA (esp-sha256-hmac needs 32 "
	 "bytes)"},
	{"tunnel sa duplicate spi",
	 TUN("", "manual_sas:\n  - {crypto_map: VPN, seq: 20, direction: in, spi: 4096, "
		 "cipher_key: " K32 ", auth_key: " K32 "}\n  - {tunnel: Tunnel1, direction: in, "
		 "spi: 4096, cipher_key: " K32 ", auth_key: " K32 "}\n"),
	 "t.yaml:17:43: duplicate inbound SPI 0x00001000 for local address 192.0.2.2 (first at "
	 "16:52)"},
	{"tunnel ike keyring", TUN_IKE("ikev2_profile: PROF", ""),
	 "t.yaml:19:124: ikev2 profile 'PROF' uses keyring 'KR', which has no peer whose address "
	 "covers 203.0.113.2 (expected a peer with that address or a prefix holding it, for the "
	 "pre-shared key)"},
	{"tunnel ike bad initiate", TUN_IKE("ikev2_profile: FAR, initiate: never", ""),
	 "t.yaml:19:139: 'initiate' must be one of: on-traffic, on-start (got 'never')"},
	{"tunnel ike pfs without profile", TUN_IKE("pfs: group14", ""),
	 "t.yaml:19:114: 'pfs' needs 'ikev2_profile' (PFS is negotiated by IKE)"},
	{"tunnel ike and manual sa",
	 TUN_IKE("ikev2_profile: FAR", "manual_sas:\n  - {tunnel: Tunnel1, direction: in, "
		 "spi: 4096}\n"),
	 "t.yaml:21:14: tunnel Tunnel1 is negotiated by IKE (ikev2_profile 'FAR', tunnel at 19:5): "
	 "a manual SA cannot key it too (remove one of them)"},

	/* --- ikev2 --- */
	{"ike unknown encryption", IKE("  proposals: {P: {encryption: [aes-ccm-128], group: "
	 "[19]}}\n"),
	 "t.yaml:14:32: unknown encryption 'aes-ccm-128' (expected one of: aes-cbc-128, "
	 "aes-cbc-256, aes-gcm-128, aes-gcm-256)"},
	{"ike aes 192", IKE("  proposals: {P: {encryption: [aes-cbc-192], integrity: [sha256], "
	 "group: [19]}}\n"),
	 "t.yaml:14:32: encryption aes-cbc-192 is not implemented: only 128- and 256-bit AES keys "
	 "are supported (use aes-cbc-128 or aes-cbc-256)"},
	{"ike 3des", IKE("  proposals: {P: {encryption: [aes-cbc-128, 3des], integrity: "
	 "[sha256], group: [19]}}\n"),
	 "t.yaml:14:45: encryption 3des is not supported: DES and 3DES are insecure (use "
	 "aes-gcm-256 or aes-cbc-256)"},
	{"ike des", IKE("  proposals: {P: {encryption: [des], integrity: [sha256], group: "
	 "[19]}}\n"),
	 "t.yaml:14:32: encryption des is not supported: DES and 3DES are insecure (use "
	 "aes-gcm-256 or aes-cbc-256)"},
	{"ike md5 integrity", IKE("  proposals: {P: {encryption: [aes-cbc-128], integrity: "
	 "[md5], group: [19]}}\n"),
	 "t.yaml:14:58: integrity md5 is not supported: MD5 is insecure (use sha256, sha384 or "
	 "sha512)"},
	{"ike md5 prf", IKE("  proposals: {P: {encryption: [aes-gcm-128], prf: [sha1, md5], "
	 "group: [19]}}\n"),
	 "t.yaml:14:58: prf md5 is not supported: MD5 is insecure (use sha256, sha384 or sha512)"},
	{"ike unknown prf", IKE("  proposals: {P: {encryption: [aes-gcm-128], prf: [aes-xcbc], "
	 "group: [19]}}\n"),
	 "t.yaml:14:52: unknown prf 'aes-xcbc' (expected one of: sha1, sha256, sha384, sha512)"},
	{"ike duplicate encryption", IKE("  proposals: {P: {encryption: [aes-gcm-128, "
	 "aes-gcm-256, aes-gcm-128], group: [19]}}\n"),
	 "t.yaml:14:58: duplicate encryption aes-gcm-128 in proposal 'P' (first at 14:32)"},
	{"ike too many", IKE("  proposals: {P: {encryption: [aes-gcm-128], prf: [sha1, sha1, "
	 "sha1, sha1, sha1, sha1, sha1, sha1, sha1], group: [19]}}\n"),
	 "t.yaml:14:51: 'prf' lists 9 entries (at most 8)"},
	{"ike empty encryption", IKE("  proposals: {P: {encryption: [], group: [19]}}\n"),
	 "t.yaml:14:31: 'encryption' must not be empty"},
	{"ike encryption not a list", IKE("  proposals: {P: {encryption: aes-gcm-128, group: "
	 "[19]}}\n"),
	 "t.yaml:14:31: expected a list for 'encryption' (got a string)"},
	{"ike mixed aead", IKE("  proposals: {P: {encryption: [aes-gcm-256, aes-cbc-256], "
	 "integrity: [sha256], group: [19]}}\n"),
	 "t.yaml:14:45: proposal 'P' mixes AEAD and non-AEAD encryption (aes-gcm-256 and "
	 "aes-cbc-256): one IKEv2 proposal cannot hold both (RFC 7296 section 3.3; write two "
	 "proposals)"},
	{"ike aead with integrity", IKE("  proposals: {P: {encryption: [aes-gcm-256], integrity: "
	 "[sha256], group: [19]}}\n"),
	 "t.yaml:14:57: proposal 'P' has AEAD encryption (aes-gcm-256), which takes no integrity: "
	 "the cipher authenticates (RFC 7296 section 3.3; remove 'integrity')"},
	{"ike cbc without integrity", IKE("  proposals:\n    P:\n      encryption: "
	 "[aes-cbc-256]\n      group: [19]\n"),
	 "t.yaml:16:7: proposal 'P' has no integrity for aes-cbc-256 (expected 'integrity', e.g. "
	 "[sha256]: only AEAD ciphers go without)"},
	{"ike weak group 5", IKE("  proposals: {P: {encryption: [aes-gcm-256], group: [19, 5]}}\n"),
	 "t.yaml:14:58: group 5 is refused as weak: a 1536-bit MODP group is too small (RFC 8247 "
	 "section 2.4; expected one of: 14, 15, 16, 19, 20, 21, 31)"},
	{"ike weak group 2", IKE("  proposals: {P: {encryption: [aes-gcm-256], group: [2]}}\n"),
	 "t.yaml:14:54: group 2 is refused as weak: a 1024-bit MODP group is too small (RFC 8247 "
	 "section 2.4; expected one of: 14, 15, 16, 19, 20, 21, 31)"},
	{"ike weak group 24", IKE("  proposals: {P: {encryption: [aes-gcm-256], group: [24]}}\n"),
	 "t.yaml:14:54: group 24 is refused as weak: RFC 5114's MODP groups have small subgroups "
	 "and unexplained primes (RFC 8247 section 2.4; expected one of: 14, 15, 16, 19, 20, 21, "
	 "31)"},
	{"ike unknown group", IKE("  proposals: {P: {encryption: [aes-gcm-256], group: [17]}}\n"),
	 "t.yaml:14:54: unsupported group 17 (expected one of: 14, 15, 16, 19, 20, 21, 31)"},
	{"ike group word", IKE("  proposals: {P: {encryption: [aes-gcm-256], group: [ecp256]}}\n"),
	 "t.yaml:14:54: 'group' must be an unquoted group number, one of: 14, 15, 16, 19, 20, 21, "
	 "31 (got 'ecp256')"},
	{"ike group quoted", IKE("  proposals: {P: {encryption: [aes-gcm-256], group: "
	 "[\"19\"]}}\n"),
	 "t.yaml:14:54: 'group' must be an unquoted group number, one of: 14, 15, 16, 19, 20, 21, "
	 "31 (got '19')"},
	{"ike group huge", IKE("  proposals: {P: {encryption: [aes-gcm-256], group: "
	 "[4294967315]}}\n"),
	 "t.yaml:14:54: unsupported group 4294967315 (expected one of: 14, 15, 16, 19, 20, 21, "
	 "31)"},
	{"ike duplicate group", IKE("  proposals: {P: {encryption: [aes-gcm-256], group: [19, "
	 "14, 19]}}\n"),
	 "t.yaml:14:62: duplicate group 19 in proposal 'P' (first at 14:54)"},
	{"ike missing group", IKE("  proposals: {P: {encryption: [aes-gcm-256]}}\n"),
	 "t.yaml:14:18: missing required key 'group' in ikev2 proposal"},
	{"ike empty group", IKE("  proposals: {P: {encryption: [aes-gcm-256], group: []}}\n"),
	 "t.yaml:14:53: 'group' must not be empty"},
	{"ike missing encryption", IKE("  proposals: {P: {group: [19]}}\n"),
	 "t.yaml:14:18: missing required key 'encryption' in ikev2 proposal"},
	{"ike unknown proposal key", IKE("  proposals: {P: {encryption: [aes-gcm-256], group: "
	 "[19], hash: [sha1]}}\n"),
	 "t.yaml:14:59: unknown key 'hash' in ikev2 proposal (expected one of: encryption, "
	 "integrity, prf, group)"},
	{"ike proposal name", IKE("  proposals: {\"P 1\": {encryption: [aes-gcm-256], group: "
	 "[19]}}\n"),
	 "t.yaml:14:15: ikev2 proposal name 'P 1' may only contain letters, digits and '._-'"},
	{"ike policy proposal not found", IKE("  proposals: {P: {encryption: [aes-gcm-256], "
	 "group: [19]}}\n  policies: {POL: {proposals: [P, Q]}}\n"),
	 "t.yaml:15:35: ikev2 proposal 'Q' not found (defined: P; built in: default, default-gcm)"},
	{"ike policy proposal twice", IKE("  policies: {POL: {proposals: [default, default-gcm, "
	 "default]}}\n"),
	 "t.yaml:14:54: proposal 'default' is listed twice in policy 'POL' (first at 14:32)"},
	{"ike policy no proposals", IKE("  policies: {POL: {match_local: [192.0.2.2]}}\n"),
	 "t.yaml:14:19: missing required key 'proposals' in ikev2 policy"},
	{"ike policy empty proposals", IKE("  policies: {POL: {proposals: []}}\n"),
	 "t.yaml:14:31: 'proposals' must not be empty"},
	{"ike match_local twice", IKE("  policies: {POL: {proposals: [default], match_local: "
	 "[192.0.2.2, 192.0.2.2]}}\n"),
	 "t.yaml:14:67: duplicate match_local 192.0.2.2 in policy 'POL' (first at 14:56)"},
	{"ike match_local in two policies", IKE("  policies:\n    A: {proposals: [default], "
	 "match_local: [192.0.2.2]}\n    B: {proposals: [default], match_local: [192.0.2.2]}\n"),
	 "t.yaml:16:45: local address 192.0.2.2 is already matched by policy 'A' (at 15:5)"},
	{"ike two catch-all policies", IKE("  policies:\n    A: {proposals: [default]}\n    B: "
	 "{proposals: [default-gcm]}\n"),
	 "t.yaml:16:5: policies 'A' (at 15:5) and 'B' both match any local address (expected "
	 "match_local on all but one)"},
	{"ike match_local not ours", IKE("  policies: {POL: {proposals: [default], match_local: "
	 "[192.0.2.2, 192.0.2.9]}}\n"),
	 "t.yaml:14:67: match_local 192.0.2.9 of policy 'POL' is not the address of an outside "
	 "interface (outside: 192.0.2.2)"},
	{"ike match_local inside", IKE("  policies: {POL: {proposals: [default], match_local: "
	 "[10.0.2.1]}}\n"),
	 "t.yaml:14:56: match_local 10.0.2.1 of policy 'POL' is not the address of an outside "
	 "interface (outside: 192.0.2.2)"},
	{"ike match_local bad", IKE("  policies: {POL: {proposals: [default], match_local: "
	 "[192.0.2.256]}}\n"),
	 "t.yaml:14:56: 'match_local' must be an IPv4 address A.B.C.D (got '192.0.2.256')"},
	{"ike keyring no peers", IKE("  keyrings: {KR: []}\n"),
	 "t.yaml:14:18: keyring 'KR' has no peers (expected a list of peers with name, address or "
	 "identity, and pre_shared_key)"},
	{"ike keyring not a list", IKE("  keyrings: {KR: {name: a}}\n"),
	 "t.yaml:14:18: expected a list for 'KR' (got a mapping)"},
	{"ike keyring name", IKE("  keyrings: {\"K R\": [{name: a, address: 192.0.2.1, "
	 "pre_shared_key: k}]}\n"),
	 "t.yaml:14:14: keyring name 'K R' may only contain letters, digits and '._-'"},
	{"ike peer unknown key", IKE("  keyrings: {KR: [{name: a, address: 192.0.2.1, "
	 "pre_shared_key: k, psk: k}]}\n"),
	 "t.yaml:14:68: unknown key 'psk' in keyring peer (expected one of: name, address, "
	 "identity, pre_shared_key)"},
	{"ike peer missing psk", IKE("  keyrings: {KR: [{name: a, address: 192.0.2.1}]}\n"),
	 "t.yaml:14:19: missing required key 'pre_shared_key' in keyring peer"},
	{"ike peer missing name", IKE("  keyrings: {KR: [{address: 192.0.2.1, pre_shared_key: "
	 "k}]}\n"),
	 "t.yaml:14:19: missing required key 'name' in keyring peer"},
	{"ike peer needs address or identity", IKE("  keyrings:\n    KR:\n      - {name: a, "
	 "pre_shared_key: k}\n"),
	 "t.yaml:16:9: keyring peer 'a' needs 'address' or 'identity' (expected at least one, to "
	 "find the peer by)"},
	{"ike peer address host bits", IKE("  keyrings: {KR: [{name: a, address: 192.0.2.1/24, "
	 "pre_shared_key: k}]}\n"),
	 "t.yaml:14:38: 'address' 192.0.2.1/24 has host bits set (expected 192.0.2.0/24)"},
	{"ike duplicate peer name", IKE("  keyrings:\n    KR:\n      - {name: a, address: "
	 "192.0.2.1, pre_shared_key: k}\n      - {name: a, address: 192.0.2.3, pre_shared_key: "
	 "k}\n"),
	 "t.yaml:17:16: duplicate peer name 'a' in keyring 'KR' (first at 16:16)"},
	{"ike duplicate peer address", IKE("  keyrings:\n    KR:\n      - {name: a, address: "
	 "192.0.2.1, pre_shared_key: k}\n      - {name: b, address: 192.0.2.1/32, "
	 "pre_shared_key: k}\n"),
	 "t.yaml:17:28: peer 'b' has the same address 192.0.2.1 as peer 'a' in keyring 'KR' (at "
	 "16:28): whose key to use would be ambiguous"},
	{"ike duplicate peer identity", IKE("  keyrings:\n    KR:\n      - {name: a, identity: "
	 "{fqdn: gw.example}, pre_shared_key: k}\n      - {name: b, identity: {fqdn: "
	 "GW.Example}, pre_shared_key: k}\n"),
	 "t.yaml:17:29: peer 'b' has the same identity fqdn GW.Example as peer 'a' in keyring "
	 "'KR' (at 16:29): whose key to use would be ambiguous"},
	{"ike psk empty", IKE("  keyrings: {KR: [{name: a, address: 192.0.2.1, pre_shared_key: "
	 "\"\"}]}\n"),
	 "t.yaml:14:65: pre_shared_key must not be empty (expected 1..128 printable characters, "
	 "or 0x and hex)"},
	{"ike psk null", IKE("  keyrings: {KR: [{name: a, address: 192.0.2.1, pre_shared_key: "
	 "}]}\n"),
	 "t.yaml:14:65: expected a string for 'pre_shared_key' (got an empty value)"},
	{"ike psk too long", IKE("  keyrings: {KR: [{name: a, address: 192.0.2.1, "
	 "pre_shared_key: \"" PSK129 "\"}]}\n"),
	 "t.yaml:14:65: pre_shared_key is too long (at most 128 characters, got 129)"},
	{"ike psk control character", IKE("  keyrings: {KR: [{name: a, address: 192.0.2.1, "
	 "pre_shared_key: \"ab\\tc\"}]}\n"),
	 "t.yaml:14:65: pre_shared_key may only contain printable ASCII characters (byte 3 is "
	 "not)"},
	{"ike psk not ascii", IKE("  keyrings: {KR: [{name: a, address: 192.0.2.1, "
	 "pre_shared_key: \"caf\\u00e9\"}]}\n"),
	 "t.yaml:14:65: pre_shared_key may only contain printable ASCII characters (byte 4 is "
	 "not)"},
	{"ike psk hidden", IKE("  keyrings: {KR: [{name: a, address: 192.0.2.1, pre_shared_key: "
	 "(hidden)}]}\n"),
	 "t.yaml:14:65: pre_shared_key is \"(hidden)\", which show running-config prints in place "
	 "of a key (expected the key itself)"},
	{"ike psk hex odd", IKE("  keyrings: {KR: [{name: a, address: 192.0.2.1, pre_shared_key: "
	 "\"0x123\"}]}\n"),
	 "t.yaml:14:65: pre_shared_key must be an even number of hex digits after 0x, 2..256 "
	 "(1..128 bytes; got 3)"},
	{"ike psk hex empty", IKE("  keyrings: {KR: [{name: a, address: 192.0.2.1, "
	 "pre_shared_key: 0x}]}\n"),
	 "t.yaml:14:65: pre_shared_key must be an even number of hex digits after 0x, 2..256 "
	 "(1..128 bytes; got 0)"},
	{"ike psk hex bad", IKE("  keyrings: {KR: [{name: a, address: 192.0.2.1, pre_shared_key: "
	 "\"0x12g4\"}]}\n"),
	 "t.yaml:14:65: pre_shared_key must be hex digits after 0x (got a non-hex character)"},
	{"ike psk hex too long", IKE("  keyrings: {KR: [{name: a, address: 192.0.2.1, "
	 "pre_shared_key: \"0x" PSK129 PSK129 "\"}]}\n"),
	 "t.yaml:14:65: pre_shared_key must be an even number of hex digits after 0x, 2..256 "
	 "(1..128 bytes; got 258)"},
	{"ike psk local missing remote", IKE("  keyrings: {KR: [{name: a, address: 192.0.2.1, "
	 "pre_shared_key: {local: k}}]}\n"),
	 "t.yaml:14:65: missing required key 'remote' in pre_shared_key"},
	{"ike psk remote empty", IKE("  keyrings: {KR: [{name: a, address: 192.0.2.1, "
	 "pre_shared_key: {local: k, remote: \"\"}}]}\n"),
	 "t.yaml:14:84: pre_shared_key remote must not be empty (expected 1..128 printable "
	 "characters, or 0x and hex)"},
	{"ike psk list", IKE("  keyrings: {KR: [{name: a, address: 192.0.2.1, pre_shared_key: "
	 "[k]}]}\n"),
	 "t.yaml:14:65: expected a string for 'pre_shared_key' (got a list)"},
	{"ike identity two keys", IKE("  keyrings: {KR: [{name: a, identity: {address: "
	 "192.0.2.1, fqdn: a.b}, pre_shared_key: k}]}\n"),
	 "t.yaml:14:39: identity must have exactly one of: address, fqdn (got 2 keys)"},
	{"ike identity email", IKE("  keyrings: {KR: [{name: a, identity: {email: a@b.c}, "
	 "pre_shared_key: k}]}\n"),
	 "t.yaml:14:40: identity type 'email' is not supported yet (expected address or fqdn)"},
	{"ike identity unknown type", IKE("  keyrings: {KR: [{name: a, identity: {host: a.b}, "
	 "pre_shared_key: k}]}\n"),
	 "t.yaml:14:40: unknown identity type 'host' in identity (expected address or fqdn)"},
	{"ike identity prefix", IKE("  keyrings: {KR: [{name: a, identity: {address: "
	 "192.0.2.0/24}, pre_shared_key: k}]}\n"),
	 "t.yaml:14:49: 'address' must be an IPv4 address A.B.C.D (got '192.0.2.0/24')"},
	{"ike identity fqdn", IKE("  keyrings: {KR: [{name: a, identity: {fqdn: "
	 "\"gw..example\"}, pre_shared_key: k}]}\n"),
	 "t.yaml:14:46: 'fqdn' must be a domain name of at most 253 characters, labels of "
	 "letters, digits, '-' or '_' between dots (got 'gw..example')"},
	{"ike identity fqdn chars", IKE("  keyrings: {KR: [{name: a, identity: {fqdn: \"gw "
	 "example\"}, pre_shared_key: k}]}\n"),
	 "t.yaml:14:46: 'fqdn' must be a domain name of at most 253 characters, labels of "
	 "letters, digits, '-' or '_' between dots (got 'gw example')"},
	{"ike identity string", IKE("  keyrings: {KR: [{name: a, identity: gw.example, "
	 "pre_shared_key: k}]}\n"),
	 "t.yaml:14:39: expected a mapping for identity (got a string)"},
	{"ike profile keyring not found", IKE(KR "  profiles: {P: {match_identity_remote: "
	 "[{fqdn: a.b}], authentication: {local: pre-share, remote: pre-share}, keyring: KX}}\n"),
	 "t.yaml:15:120: keyring 'KX' not found (defined: KR)"},
	{"ike profile missing keyring", IKE(KR "  profiles: {P: {match_identity_remote: [{fqdn: "
	 "a.b}], authentication: {local: pre-share, remote: pre-share}}}\n"),
	 "t.yaml:15:17: missing required key 'keyring' in ikev2 profile"},
	{"ike profile missing match", IKE(KR "  profiles: {P: {authentication: {local: "
	 "pre-share, remote: pre-share}, keyring: KR}}\n"),
	 "t.yaml:15:17: missing required key 'match_identity_remote' in ikev2 profile"},
	{"ike profile empty match", IKE(KR "  profiles: {P: {match_identity_remote: [], "
	 "authentication: {local: pre-share, remote: pre-share}, keyring: KR}}\n"),
	 "t.yaml:15:41: 'match_identity_remote' must not be empty"},
	{"ike profile duplicate match", IKE(KR "  profiles: {P: {match_identity_remote: [{fqdn: "
	 "a.b}, {fqdn: A.B}], " AUTH "keyring: KR}}\n"),
	 "t.yaml:15:55: duplicate match_identity_remote fqdn A.B in profile 'P' (first at 15:42)"},
	{"ike profile match in two profiles", IKE(KR "  profiles:\n    P1: "
	 "{match_identity_remote: [{address: 192.0.2.0/24}], " AUTH "keyring: KR}\n    P2: "
	 "{match_identity_remote: [{fqdn: a.b}, {address: 192.0.2.0/24}], " AUTH "keyring: KR}\n"),
	 "t.yaml:17:47: match_identity_remote address 192.0.2.0/24 is already in profile 'P1' (at "
	 "16:5): the profile of a peer would be ambiguous"},
	{"ike profile rsa-sig", IKE(KR "  profiles: {P: {match_identity_remote: [{fqdn: a.b}], "
	 "authentication: {local: rsa-sig, remote: pre-share}, keyring: KR}}\n"),
	 "t.yaml:15:80: authentication local rsa-sig is not supported yet (expected pre-share)"},
	{"ike profile eap", IKE(KR "  profiles: {P: {match_identity_remote: [{fqdn: a.b}], "
	 "authentication: {local: pre-share, remote: eap}, keyring: KR}}\n"),
	 "t.yaml:15:99: authentication remote eap is not supported yet (expected pre-share)"},
	{"ike profile auth word", IKE(KR "  profiles: {P: {match_identity_remote: [{fqdn: a.b}], "
	 "authentication: {local: psk, remote: pre-share}, keyring: KR}}\n"),
	 "t.yaml:15:80: 'local' must be one of: pre-share (got 'psk')"},
	{"ike profile auth missing remote", IKE(KR "  profiles: {P: {match_identity_remote: "
	 "[{fqdn: a.b}], authentication: {local: pre-share}, keyring: KR}}\n"),
	 "t.yaml:15:72: missing required key 'remote' in authentication"},
	{"ike profile missing auth", IKE(KR "  profiles: {P: {match_identity_remote: [{fqdn: "
	 "a.b}], keyring: KR}}\n"),
	 "t.yaml:15:17: missing required key 'authentication' in ikev2 profile"},
	{"ike profile identity_local prefix", IKE(KR "  profiles: {P: {match_identity_remote: "
	 "[{fqdn: a.b}], identity_local: {address: 192.0.2.2/32}, " AUTH "keyring: KR}}\n"),
	 "t.yaml:15:82: 'address' must be an IPv4 address A.B.C.D (got '192.0.2.2/32')"},
	{"ike dpd interval", IKE(KR "  profiles: {P: {match_identity_remote: [{fqdn: a.b}], "
	 "" AUTH "keyring: KR, dpd: {interval: 5, retry: 2}}}\n"),
	 "t.yaml:15:140: 'interval' must be 10..3600 (got 5)"},
	{"ike dpd retry", IKE(KR "  profiles: {P: {match_identity_remote: [{fqdn: a.b}], "
	 "" AUTH "keyring: KR, dpd: {interval: 10, retry: 61}}}\n"),
	 "t.yaml:15:151: 'retry' must be 2..60 (got 61)"},
	{"ike dpd missing retry", IKE(KR "  profiles: {P: {match_identity_remote: [{fqdn: a.b}], "
	 "" AUTH "keyring: KR, dpd: {interval: 10}}}\n"),
	 "t.yaml:15:129: missing required key 'retry' in dpd"},
	{"ike dpd mode", IKE(KR "  profiles: {P: {match_identity_remote: [{fqdn: a.b}], "
	 "" AUTH "keyring: KR, dpd: {interval: 10, retry: 2, mode: always}}}\n"),
	 "t.yaml:15:160: 'mode' must be one of: on-demand, periodic (got 'always')"},
	{"ike profile lifetime", IKE(KR "  profiles: {P: {match_identity_remote: [{fqdn: a.b}], "
	 "" AUTH "keyring: KR, lifetime: 86401}}\n"),
	 "t.yaml:15:134: 'lifetime' must be 120..86400 (got 86401)"},
	{"ike profile unknown key", IKE(KR "  profiles: {P: {match_identity_remote: [{fqdn: "
	 "a.b}], " AUTH "keyring: KR, match_fvrf: any}}\n"),
	 "t.yaml:15:124: unknown key 'match_fvrf' in ikev2 profile (expected one of: "
	 "match_identity_remote, identity_local, authentication, keyring, dpd, lifetime)"},
	{"ike unknown key", IKE("  proposal: {}\n"),
	 "t.yaml:14:3: unknown key 'proposal' in ikev2 (expected one of: proposals, policies, "
	 "keyrings, profiles, retransmit, cookie_threshold, half_open_max, nat_keepalive, "
	 "delete_rekeyed_delay, fragmentation)"},
	{"ike fragmentation mtu low", IKE("  fragmentation: {mtu: 255}\n"),
	 "t.yaml:14:24: 'mtu' must be 256..9000 (got 255)"},
	{"ike fragmentation mtu high", IKE("  fragmentation: {mtu: 9001}\n"),
	 "t.yaml:14:24: 'mtu' must be 256..9000 (got 9001)"},
	{"ike fragmentation unknown key", IKE("  fragmentation: {size: 576}\n"),
	 "t.yaml:14:19: unknown key 'size' in fragmentation (expected one of: mtu)"},
	{"ike not a mapping", HEAD "ikev2: [1]\n",
	 "t.yaml:13:8: expected a mapping for ikev2 (got a list)"},
	{"ike nat_keepalive", IKE("  nat_keepalive: 3\n"),
	 "t.yaml:14:18: 'nat_keepalive' must be 0 or 5..3600 (got 3)"},
	{"ike retransmit interval", IKE("  retransmit: {interval_ms: 50}\n"),
	 "t.yaml:14:29: 'interval_ms' must be 100..60000 (got 50)"},
	{"ike retransmit tries", IKE("  retransmit: {tries: 11}\n"),
	 "t.yaml:14:23: 'tries' must be 0..10 (got 11)"},
	{"ike half_open_max", IKE("  half_open_max: 0\n"),
	 "t.yaml:14:18: 'half_open_max' must be 1..1000000 (got 0)"},
	{"ike cookie_threshold", IKE("  cookie_threshold: 1000001\n"),
	 "t.yaml:14:21: 'cookie_threshold' must be 0..1000000 (got 1000001)"},
	{"ike delete_rekeyed_delay", IKE("  delete_rekeyed_delay: 301\n"),
	 "t.yaml:14:25: 'delete_rekeyed_delay' must be 0..300 (got 301)"},
	{"entry bundle with ike",
	 IKE_HEAD "transform_sets:\n  TS-B: {transforms: [ah-sha-hmac, esp-gcm]}\n"
	 "crypto_maps:\n  VPN:\n    - {seq: 10, peer: 192.0.2.1, transform_set: TS-B, match: "
	 "[{src: 10.0.2.0/24, dst: 10.0.0.0/24}], ikev2_profile: PROF}\n" IFS,
	 "t.yaml:10:117: transform set 'TS-B' is an AH+ESP bundle, which IKEv2 cannot negotiate "
	 "(one protocol per CHILD_SA; key bundles with manual_sas, or use an ESP or AH transform "
	 "set)"},
	{"entry profile not found", IKE_ENTRY(", ikev2_profile: PRO"),
	 "t.yaml:10:119: ikev2 profile 'PRO' not found (defined: PROF, FAR)"},
	{"entry keyring without peer", IKE_ENTRY(", ikev2_profile: FAR"),
	 "t.yaml:10:119: ikev2 profile 'FAR' uses keyring 'FARKR', which has no peer whose "
	 "address covers 192.0.2.1 (expected a peer with that address or a prefix holding it, for "
	 "the pre-shared key)"},
	{"entry pfs without profile", IKE_ENTRY(", pfs: group19"),
	 "t.yaml:10:109: 'pfs' needs 'ikev2_profile' (PFS is negotiated by IKE)"},
	{"entry pfs word", IKE_ENTRY(", ikev2_profile: PROF, pfs: ecp256"),
	 "t.yaml:10:130: 'pfs' must be none or groupN with N one of: 14, 15, 16, 19, 20, 21, 31 "
	 "(got 'ecp256')"},
	{"entry pfs weak", IKE_ENTRY(", ikev2_profile: PROF, pfs: group5"),
	 "t.yaml:10:130: group 5 is refused as weak: a 1536-bit MODP group is too small (RFC 8247 "
	 "section 2.4; expected one of: 14, 15, 16, 19, 20, 21, 31)"},
	{"entry pfs unknown", IKE_ENTRY(", ikev2_profile: PROF, pfs: group17"),
	 "t.yaml:10:130: unsupported group 17 (expected one of: 14, 15, 16, 19, 20, 21, 31)"},
	{"entry on-start without profile", IKE_ENTRY(", initiate: on-start"),
	 "t.yaml:10:114: 'initiate: on-start' needs 'ikev2_profile' (only IKE brings a tunnel up)"},
	{"entry initiate word", IKE_ENTRY(", ikev2_profile: PROF, initiate: always"),
	 "t.yaml:10:135: 'initiate' must be one of: on-traffic, on-start (got 'always')"},
	{"ikev2 on an ipv6 peer without a keyring peer",
	 IKE_HEAD ENTRY_HEAD "    - {seq: 10, peer: 2001:db8::1, transform_set: TS-GCM, "
			     "match: [{src: 2001:db8:2::/48, dst: 2001:db8:1::/48}], "
			     "ikev2_profile: PROF}\n"
			     "interfaces:\n" IF_IN6 IF_OUT6,
	 "t.yaml:10:129: ikev2 profile 'PROF' uses keyring 'KR', which has no peer whose address "
	 "covers 2001:db8::1 (expected a peer with that address or a prefix holding it, for the "
	 "pre-shared key)"},
	{"keyring peer ipv6 address bad",
	 "ikev2:\n  keyrings: {KR: [{name: gwA, address: \"2001:db8::1/129\", pre_shared_key: k}]}"
	 "\n",
	 "t.yaml:2:40: 'address' must be an IPv6 prefix X:X::X/0..128 (got '2001:db8::1/129')"},
	{"manual sa on ike entry", IKE_ENTRY(", ikev2_profile: PROF") "manual_sas:\n  - "
	 "{crypto_map: VPN, seq: 10, direction: in, spi: 4096, cipher_key: " K32 "0011223344}\n",
	 "t.yaml:15:28: crypto map 'VPN' seq 10 is negotiated by IKE (ikev2_profile 'PROF', entry "
	 "at 10:7): a manual SA cannot key it too (remove one of them)"},
};

static void
test_error_table(void **state)
{
	char err[512];
	int failed = 0;

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct err_case *t = &cases[i];
		struct dpsec_config *cfg;

		memset(err, 'X', sizeof(err));
		cfg = config_parse("t.yaml", t->yaml, strlen(t->yaml), err, sizeof(err));
		if (cfg != NULL) {
			print_error("case '%s': parsed, expected\n  %s\n", t->name, t->err);
			config_free(cfg);
			failed++;
		} else if (strcmp(err, t->err) != 0) {
			print_error("case '%s':\n  got      %s\n  expected %s\n", t->name, err,
				    t->err);
			failed++;
		}
	}
	assert_int_equal(failed, 0);
}

/* Every message is one line, whatever the input: dpsecd logs it as one syslog record. */
static void
test_errors_are_one_line(void **state)
{
	static const char *const inputs[] = {
		"hostname: \"a\\nb\"\n" HEAD,
		HEAD "\"bad\\nkey\": 1\n",
		TSX("\"ah-\\n\\u0001x\"", "") MAPX,
		HEAD "dataplane: {burst: \"1\\n2\"}\n",
	};
	char err[512];

	(void)state;
	for (size_t i = 0; i < sizeof(inputs) / sizeof(inputs[0]); i++) {
		assert_null(config_parse("t.yaml", inputs[i], strlen(inputs[i]), err, sizeof(err)));
		assert_null(strchr(err, '\n'));
		assert_int_equal(strncmp(err, "t.yaml:", 7), 0);
	}
}

/* Nesting and node count are bounded before anything is allocated per node. */
static void
test_limits(void **state)
{
	const size_t items = 300000;
	char err[512], *big;
	size_t n = 0;

	(void)state;
	big = malloc(8 + 2 * items + 4);
	assert_non_null(big);
	for (int i = 0; i < 40; i++)
		big[n++] = '[';
	for (int i = 0; i < 40; i++)
		big[n++] = ']';
	assert_null(config_parse("t.yaml", big, n, err, sizeof(err)));
	assert_string_equal(err, "t.yaml:1:33: YAML nesting is too deep: level 33, the limit is 32");

	n = (size_t)sprintf(big, "a: [");
	for (size_t i = 0; i < items; i++)
		n += (size_t)sprintf(big + n, "1,");
	n += (size_t)sprintf(big + n, "1]");
	assert_null(config_parse("t.yaml", big, n, err, sizeof(err)));
	/* nodes: the document mapping, "a", the list, then its items at columns 5, 7, ... */
	assert_string_equal(err, "t.yaml:1:524287: too many YAML nodes: this is node 262145, the "
				 "limit is 262144 (SAs in bulk belong in manual_sa_file)");
	free(big);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_error_table),
		cmocka_unit_test(test_errors_are_one_line),
		cmocka_unit_test(test_limits),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
