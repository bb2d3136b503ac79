/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The command table. Adding a command is adding a row; an optional keyword is
 * one more row. A word means one thing at one position, so rows that share a
 * keyword there share its token (and help); test_cli checks it.
 * Help texts follow IOS where IOS has the same keyword.
 */
#include "handlers.h"

#define TOK(name, k, w, h, o, a) static const struct cli_tok name = {k, w, h, o, a}
#define KW(name, w, h)		 TOK(name, CLI_TK_KEYWORD, w, h, CLI_OPT_NONE, NULL)
#define OPT(name, w, h, o)	 TOK(name, CLI_TK_KEYWORD, w, h, o, NULL)
#define ARG(name, k, w, h, o)	 TOK(name, k, w, h, o, NULL)
/* A keyword IOS XE also spells another way (genieparser's command strings use both). */
#define KWA(name, w, a, h)	 TOK(name, CLI_TK_KEYWORD, w, h, CLI_OPT_NONE, a)

/* exec level */
KW(t_show, "show", "Show running system information");
KW(t_clear, "clear", "Reset functions");
KW(t_exit, "exit", "Exit from the EXEC");
KW(t_quit, "quit", "Exit from the EXEC");
KW(t_debug, "debug", "Debugging functions (see also 'undebug')");
KW(t_undebug, "undebug", "Disable debugging functions (see also 'debug')");
KW(t_no, "no", "Negate a command or set its defaults");

/* show platform hardware qfp active ... */
KW(t_platform, "platform", "Show platform information");
KW(t_hardware, "hardware", "Show platform hardware information");
KW(t_qfp, "qfp", "QFP related information");
KW(t_active, "active", "Active instance");
KW(t_feature, "feature", "Feature specific information");
KW(t_qfp_ipsec, "ipsec", "IPsec feature");
KWA(t_datapath, "datapath", "data", "Datapath information");
KWA(t_drops, "drops", "drop", "IPsec datapath drop counters");
KW(t_statistics, "statistics", "QFP statistics");
KW(t_drop, "drop", "Global drop statistics");
OPT(t_all, "all", "Include counters that are zero", CLI_OPT_ALL);
/* ... interface if-name NAME statistics, infrastructure punt statistics type per-cause */
KW(t_qfp_interface, "interface", "QFP interface information");
KW(t_if_name, "if-name", "Interface name");
ARG(t_qfp_ifname, CLI_TK_WORD, "WORD", "Interface name", CLI_OPT_IFNAME);
KW(t_if_statistics, "statistics", "Interface statistics");
KW(t_infrastructure, "infrastructure", "QFP infrastructure information");
KW(t_punt, "punt", "Punt path information");
KW(t_punt_statistics, "statistics", "Punt path statistics");
KW(t_type, "type", "Statistics type");
KW(t_per_cause, "per-cause", "Per punt and inject cause");
OPT(t_then_clear, "clear", "Clear the counters after showing them", CLI_OPT_CLEAR);

/* show crypto ... */
KW(t_crypto, "crypto", "Encryption module");
KW(t_ipsec, "ipsec", "Show IPSEC policy");
KW(t_sa, "sa", "IPSEC SA table");
KW(t_transform_set, "transform-set", "Crypto transform sets");
KW(t_invalid_spi, "invalid-spi", "Flows with an unknown inbound SPI");
KW(t_map, "map", "Crypto maps");
OPT(t_detail, "detail", "Crypto IPSEC SA Detail information", CLI_OPT_DETAIL);
KW(t_sa_count, "count", "IPSEC SA count");
KW(t_peer, "peer", "IPSEC SA Peer");
ARG(t_peer_addr, CLI_TK_IPV4, "A.B.C.D", "IPv4 address of the peer", CLI_OPT_PEER);
KW(t_interface, "interface", "IPSEC SA for an interface");
/* show crypto ikev2 sa [detailed] | stats [exchange], isakmp sa, session [detail] */
KW(t_ikev2, "ikev2", "Shows ikev2 information");
KW(t_ikev2_sa, "sa", "Shows ikev2 SAs");
OPT(t_detailed, "detailed", "detail ikev2 SAs", CLI_OPT_DETAIL);
KW(t_ikev2_stats, "stats", "Shows ikev2 statistics");
KW(t_exchange, "exchange", "Shows ikev2 exchange and notify statistics");
KW(t_show_isakmp, "isakmp", "Show ISAKMP");
KW(t_isakmp_sa, "sa", "ISAKMP SA table");
KW(t_session, "session", "Show crypto sessions (tunnels)");
OPT(t_session_detail, "detail", "Show detailed crypto session information", CLI_OPT_DETAIL);
ARG(t_ifname, CLI_TK_WORD, "WORD", "Interface name", CLI_OPT_IFNAME);

/* show running-config / logging / debugging */
KW(t_running_config, "running-config", "Current operating configuration");
KW(t_logging, "logging", "Show the contents of logging buffers");
KW(t_debugging, "debugging", "State of each debugging option");

/* show interfaces / version / clock */
KW(t_interfaces, "interfaces", "Interface status and configuration");
ARG(t_interfaces_name, CLI_TK_WORD, "WORD", "Interface name", CLI_OPT_IFNAME);
KW(t_arp, "arp", "ARP table");
KW(t_show_ip, "ip", "IP information");
KW(t_traffic, "traffic", "IP protocol statistics");
KW(t_show_ipv6, "ipv6", "IPv6 information");
KW(t_neighbors, "neighbors", "Show IPv6 neighbor cache entries");
KW(t_version, "version", "System hardware and software status");
KW(t_clock, "clock", "Display the system clock");

/* clear crypto sa [counters | peer A | spi N], clear crypto ipsec invalid-spi, clear logging */
KW(t_clear_crypto, "crypto", "Encryption module");
KW(t_clear_sa, "sa", "Clear all IPSEC security associations");
KW(t_counters, "counters", "Reset IPSEC SA counters");
KW(t_clear_peer, "peer", "Clear all SAs for a given crypto peer");
ARG(t_clear_peer_addr, CLI_TK_IPV4, "A.B.C.D", "IPv4 address of the peer", CLI_OPT_PEER);
ARG(t_clear_peer_addr6, CLI_TK_IPV6, "X:X::X", "IPv6 address of the peer", CLI_OPT_PEER);
KW(t_clear_spi, "spi", "Clear the SAs with a given SPI");
ARG(t_spi, CLI_TK_UINT, "<0-4294967295>", "SPI, decimal or 0x hex", CLI_OPT_SPI);
KW(t_clear_ipsec, "ipsec", "IPSEC");
KW(t_clear_invalid_spi, "invalid-spi", "Forget the tracked unknown-SPI flows");
KW(t_clear_logging, "logging", "Clear logging buffer");
/* clear crypto ikev2 sa [remote A.B.C.D | X:X::X], clear crypto ikev2 stats */
KW(t_clear_ikev2, "ikev2", "Clear IKEv2");
KW(t_clear_ikev2_sa, "sa", "Clear IKEv2 SAs");
KW(t_clear_remote, "remote", "Clear IKEv2 SAs with a remote address");
ARG(t_clear_remote_addr, CLI_TK_IPV4, "A.B.C.D", "IPv4 address of the peer", CLI_OPT_PEER);
ARG(t_clear_remote_addr6, CLI_TK_IPV6, "X:X::X", "IPv6 address of the peer", CLI_OPT_PEER);
KW(t_clear_ikev2_stats, "stats", "Clear IKEv2 statistics");
/* clear crypto session [remote A.B.C.D | X:X::X] */
KW(t_clear_session, "session", "Clear crypto sessions (tunnels)");

/* test crypto ipsec sa forget [peer A.B.C.D]: hidden test aid, SAs dropped silently */
KW(t_test, "test", "Test subsystems, memory, and interfaces");
KW(t_test_forget, "forget", "Drop SAs from the dataplane without telling the peer");

/* [no] crypto isakmp invalid-spi-recovery: global configuration on IOS, exec here */
KW(t_cfg_crypto, "crypto", "Encryption module");
KW(t_isakmp, "isakmp", "Configure ISAKMP policy");
KW(t_recovery, "invalid-spi-recovery", "Initiate IKE and send Invalid SPI Notify");

/* [no] debug crypto ipsec, undebug {crypto ipsec | all}, no debug all */
KW(t_no_debug, "debug", "Disable debugging functions (see also 'undebug')");
KW(t_debug_crypto, "crypto", "Cryptographic subsystem");
KW(t_debug_ipsec, "ipsec", "IPSEC processing");
KW(t_debug_ikev2, "ikev2", "Crypto IKEv2 debugging");
KW(t_debug_all, "all", "Enable all debugging");
KW(t_undebug_all, "all", "Disable all debugging");

/*
 * Privilege, after IOS levels 1 and 15: SHOW and EXIT rows for everyone who
 * may connect; CLEARING shows (they reset counters) and EXEC rows, every one
 * of which changes the gateway's state, for level 15 only, and logged.
 */
/* clang-format off */
#define TOKS(...)	(const struct cli_tok *const[]){__VA_ARGS__}
#define NTOKS(...)	(sizeof(TOKS(__VA_ARGS__)) / sizeof(const struct cli_tok *))
#define SHOW_ROW(priv, changes, fn, ...) \
	{TOKS(&t_show, __VA_ARGS__), NTOKS(&t_show, __VA_ARGS__), true, fn, priv, changes, false}
#define SHOW(fn, ...)	  SHOW_ROW(CLI_PRIV_USER, false, fn, __VA_ARGS__)
#define CLEARING(fn, ...) SHOW_ROW(CLI_PRIV_ADMIN, true, fn, __VA_ARGS__)
#define EXEC(fn, ...)	{TOKS(__VA_ARGS__), NTOKS(__VA_ARGS__), false, fn, CLI_PRIV_ADMIN, true, false}
#define HIDDEN(fn, ...)	{TOKS(__VA_ARGS__), NTOKS(__VA_ARGS__), false, fn, CLI_PRIV_ADMIN, true, true}
#define EXIT(fn, ...)	{TOKS(__VA_ARGS__), NTOKS(__VA_ARGS__), false, fn, CLI_PRIV_USER, false, false}
/* clang-format on */

#define QFP_ACTIVE  &t_platform, &t_hardware, &t_qfp, &t_active
#define IPSEC_DROPS QFP_ACTIVE, &t_feature, &t_qfp_ipsec, &t_datapath, &t_drops
#define QFP_DROP    QFP_ACTIVE, &t_statistics, &t_drop
#define QFP_IF	    QFP_ACTIVE, &t_qfp_interface, &t_if_name, &t_qfp_ifname, &t_if_statistics
#define QFP_PUNT                                                                                   \
	QFP_ACTIVE, &t_infrastructure, &t_punt, &t_punt_statistics, &t_type, &t_per_cause
#define IPSEC_SA    &t_crypto, &t_ipsec, &t_sa
#define CLEAR_SA    &t_clear, &t_clear_crypto, &t_clear_sa
#define RECOVERY    &t_cfg_crypto, &t_isakmp, &t_recovery
#define DEBUG_IPSEC &t_debug_crypto, &t_debug_ipsec
#define DEBUG_IKEV2 &t_debug_crypto, &t_debug_ikev2
#define IKEV2_SA    &t_crypto, &t_ikev2, &t_ikev2_sa
#define IKEV2_STATS &t_crypto, &t_ikev2, &t_ikev2_stats
#define CLEAR_IKEV2 &t_clear, &t_clear_crypto, &t_clear_ikev2
#define TEST_FORGET &t_test, &t_clear_crypto, &t_clear_ipsec, &t_clear_sa, &t_test_forget

const struct cli_row cli_rows[] = {
	SHOW(cli_show_ipsec_drops, IPSEC_DROPS),
	SHOW(cli_show_ipsec_drops, IPSEC_DROPS, &t_all),
	CLEARING(cli_show_ipsec_drops, IPSEC_DROPS, &t_then_clear),
	CLEARING(cli_show_ipsec_drops, IPSEC_DROPS, &t_all, &t_then_clear),
	SHOW(cli_show_qfp_drops, QFP_DROP),
	SHOW(cli_show_qfp_drops, QFP_DROP, &t_all),
	CLEARING(cli_show_qfp_drops, QFP_DROP, &t_then_clear),
	CLEARING(cli_show_qfp_drops, QFP_DROP, &t_all, &t_then_clear),
	SHOW(cli_show_qfp_interface, QFP_IF),
	SHOW(cli_show_qfp_punt, QFP_PUNT),
	SHOW(cli_show_ipsec_sa, IPSEC_SA),
	SHOW(cli_show_ipsec_sa, IPSEC_SA, &t_detail),
	SHOW(cli_show_ipsec_sa_count, IPSEC_SA, &t_sa_count),
	SHOW(cli_show_ipsec_sa, IPSEC_SA, &t_peer, &t_peer_addr),
	SHOW(cli_show_ipsec_sa, IPSEC_SA, &t_peer, &t_peer_addr, &t_detail),
	SHOW(cli_show_ipsec_sa, IPSEC_SA, &t_interface, &t_ifname),
	SHOW(cli_show_ipsec_sa, IPSEC_SA, &t_interface, &t_ifname, &t_detail),
	SHOW(cli_show_transform_sets, &t_crypto, &t_ipsec, &t_transform_set),
	SHOW(cli_show_inv_spi, &t_crypto, &t_ipsec, &t_invalid_spi),
	SHOW(cli_show_crypto_map, &t_crypto, &t_map),
	SHOW(cli_show_ikev2_sa, IKEV2_SA),
	SHOW(cli_show_ikev2_sa, IKEV2_SA, &t_detailed),
	SHOW(cli_show_ikev2_stats, IKEV2_STATS),
	SHOW(cli_show_ikev2_stats_exchange, IKEV2_STATS, &t_exchange),
	SHOW(cli_show_isakmp_sa, &t_crypto, &t_show_isakmp, &t_isakmp_sa),
	SHOW(cli_show_crypto_session, &t_crypto, &t_session),
	SHOW(cli_show_crypto_session, &t_crypto, &t_session, &t_session_detail),
	SHOW(cli_show_running_config, &t_running_config),
	SHOW(cli_show_logging, &t_logging),
	SHOW(cli_show_debugging, &t_debugging),
	SHOW(cli_show_interfaces, &t_interfaces),
	SHOW(cli_show_interfaces, &t_interfaces, &t_interfaces_name),
	SHOW(cli_show_arp, &t_arp),
	SHOW(cli_show_arp, &t_show_ip, &t_arp),
	SHOW(cli_show_ip_traffic, &t_show_ip, &t_traffic),
	SHOW(cli_show_ipv6_neighbors, &t_show_ipv6, &t_neighbors),
	SHOW(cli_show_version, &t_version),
	SHOW(cli_show_clock, &t_clock),
	EXEC(cli_clear_sa, CLEAR_SA),
	EXEC(cli_clear_sa, CLEAR_SA, &t_clear_peer, &t_clear_peer_addr),
	EXEC(cli_clear_sa, CLEAR_SA, &t_clear_peer, &t_clear_peer_addr6),
	EXEC(cli_clear_sa, CLEAR_SA, &t_clear_spi, &t_spi),
	EXEC(cli_clear_sa_counters, CLEAR_SA, &t_counters),
	EXEC(cli_clear_inv_spi, &t_clear, &t_clear_crypto, &t_clear_ipsec, &t_clear_invalid_spi),
	EXEC(cli_clear_logging, &t_clear, &t_clear_logging),
	EXEC(cli_clear_ikev2_sa, CLEAR_IKEV2, &t_clear_ikev2_sa),
	EXEC(cli_clear_ikev2_sa, CLEAR_IKEV2, &t_clear_ikev2_sa, &t_clear_remote,
	     &t_clear_remote_addr),
	EXEC(cli_clear_ikev2_sa, CLEAR_IKEV2, &t_clear_ikev2_sa, &t_clear_remote,
	     &t_clear_remote_addr6),
	EXEC(cli_clear_ikev2_stats, CLEAR_IKEV2, &t_clear_ikev2_stats),
	EXEC(cli_clear_crypto_session, &t_clear, &t_clear_crypto, &t_clear_session),
	EXEC(cli_clear_crypto_session, &t_clear, &t_clear_crypto, &t_clear_session, &t_clear_remote,
	     &t_clear_remote_addr),
	EXEC(cli_clear_crypto_session, &t_clear, &t_clear_crypto, &t_clear_session, &t_clear_remote,
	     &t_clear_remote_addr6),
	HIDDEN(cli_test_sa_forget, TEST_FORGET),
	HIDDEN(cli_test_sa_forget, TEST_FORGET, &t_clear_peer, &t_clear_peer_addr),
	HIDDEN(cli_test_sa_forget, TEST_FORGET, &t_clear_peer, &t_clear_peer_addr6),
	EXEC(cli_recovery_on, RECOVERY),
	EXEC(cli_recovery_off, &t_no, RECOVERY),
	EXEC(cli_debug_on, &t_debug, DEBUG_IPSEC),
	EXEC(cli_debug_off, &t_no, &t_no_debug, DEBUG_IPSEC),
	EXEC(cli_debug_all_off, &t_no, &t_no_debug, &t_debug_all),
	EXEC(cli_debug_ikev2_on, &t_debug, DEBUG_IKEV2),
	EXEC(cli_debug_ikev2_off, &t_no, &t_no_debug, DEBUG_IKEV2),
	EXEC(cli_debug_ikev2_off, &t_undebug, DEBUG_IKEV2),
	EXEC(cli_debug_off, &t_undebug, DEBUG_IPSEC),
	EXEC(cli_debug_all_off, &t_undebug, &t_undebug_all),
	EXIT(cli_exit, &t_exit),
	EXIT(cli_exit, &t_quit),
};

const size_t cli_n_rows = sizeof(cli_rows) / sizeof(cli_rows[0]);

_Static_assert(sizeof(cli_rows) / sizeof(cli_rows[0]) <= CLI_ROWS_MAX,
	       "the matcher's candidate set holds CLI_ROWS_MAX rows");
