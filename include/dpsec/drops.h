/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Why a packet was dropped (or consumed without being forwarded).
 *
 * Two families, each one X-macro list from which the enum, the names, the
 * descriptions, the CLI rows and the tests' list of reasons are all generated:
 *
 *  - DP_GLOBAL_CAUSES: the global QFP-style causes shown by
 *    "show platform hardware qfp active statistics drop" (packets and octets).
 *  - DP_IPSEC_DROPS: the IPsec feature reasons shown by
 *    "show platform hardware qfp active feature ipsec datapath drops", with the
 *    QFP drop-type number where the QFP has that reason (reference b1) and a
 *    number above 116 where it has none. Every IPsec reason rolls up into one
 *    global cause, as on the QFP, where an invalid SPI is counted both under
 *    4 IN_US_V4_PKT_SA_NOT_FOUND_SPI and under the global IpsecInput (seeds).
 *
 * A drop is recorded as one dp_drop code: codes below DP_IPSEC_DROP__COUNT are
 * IPsec reasons, the others are global causes with no IPsec reason.
 */
#ifndef DPSEC_DROPS_H
#define DPSEC_DROPS_H

#include <stdint.h>

/* X(Name, "description") */
#define DP_GLOBAL_CAUSES(X)                                                                        \
	X(IpsecInput, "inbound IPsec packet dropped by the IPsec feature")                         \
	X(IpsecOutput, "outbound packet dropped by the IPsec feature")                             \
	X(IpsecInvalidSa, "packet hit an SA that is being deleted")                                \
	X(IpsecDenyDrop, "outbound packet matched a crypto map deny line (no cleartext path)")     \
	X(IpsecTedIndicate, "would start tunnel endpoint discovery (no dynamic crypto maps yet)")  \
	X(IpsecIkeIndicate, "packet matched a crypto map entry that has no SA yet")                \
	X(IpsecTailDrop, "control-plane queue full (punt or invalid-SPI event)")                  \
	X(IpsecHandoffFull, "handoff ring full: the SA's owner worker is behind")                 \
	X(IpsecNattKeepalive, "NAT-T keepalive consumed (RFC 3948 section 2.3)")                   \
	X(IpsecDummyPacket, "ESP dummy packet consumed (next header 59, RFC 4303 section 2.6)")    \
	X(Ipv4NoRoute, "no crypto map entry or route for the packet")                              \
	X(Ipv4NoAdj, "no next-hop MAC address for the packet")                                     \
	X(Ipv4HdrErr, "malformed IPv4 header (version, length or options)")                        \
	X(BadIpChecksum, "IPv4 header checksum wrong")                                             \
	X(Ipv4TtlExceeded, "TTL expired while forwarding")                                         \
	X(Ipv4DirectedBcast,                                                                       \
	  "IPv4 broadcast not forwarded: an inside network's broadcast or network address, "       \
	  "or 255.255.255.255")                                                                    \
	X(IpFragErr, "IPv4 fragmentation failed (no buffer for a fragment)")                       \
	X(Ipv6NoRoute, "IPv6 packet not for a local address, or no IPv6 policy")                   \
	X(Ipv6HdrErr, "malformed IPv6 header (version, payload length, extension headers)")       \
	X(Ipv6NoAdj, "no next-hop MAC address for the IPv6 packet")                                \
	X(Ipv6HopLimitExceeded, "IPv6 hop limit expired while forwarding")                         \
	X(Ipv6FragErr,                                                                             \
	  "malformed ESP/AH IPv6 fragment (length, offset, or two different ends), or an "         \
	  "outer IPv6 packet not fragmented (no buffer for a fragment)")                           \
	X(Ipv6UdpCksumErr,                                                                         \
	  "ESP-in-UDP over IPv6 with a zero or wrong UDP checksum (RFC 8200 section 8.1)")       \
	X(Ipv6RoutingHdr,                                                                          \
	  "IPv6 to the gateway with a routing header not done (segments left): not forwarded")    \
	X(Ipv6ExtHdrUnknown,                                                                       \
	  "IPv6 extension header not walked (mobility, HIP, shim6, experimental) to the gateway") \
	X(UnknownL2Proto, "Ethernet type not handled (not IPv4, IPv6 or ARP)")                     \
	X(L2HdrErr, "frame too short for its Ethernet or IP headers")                              \
	X(L2DstMacMismatch,                                                                        \
	  "Ethernet destination not the port's MAC, broadcast or IPv6 multicast")                  \
	X(MultiSegUnsupported, "multi-segment packet (larger than one buffer)")                    \
	X(PuntUnhandled, "packet for the gateway that the control plane does not handle")          \
	X(TailDrop, "transmit queue full")

/*
 * X(qfp_number, NAME, GlobalCause, sa_counter, "description")
 * sa_counter names the per-SA counter (counters.h) the drop also moves, or none.
 * Ordered by number, as the CLI prints them.
 */
#define DP_IPSEC_DROPS(X)                                                                          \
	X(1, IN_V4_PKT_HIT_INVALID_SA, IpsecInvalidSa, invalid_sa,                                 \
	  "inbound SA found but being deleted")                                                    \
	X(4, IN_US_V4_PKT_SA_NOT_FOUND_SPI, IpsecInput, none, "no inbound SA for the SPI (IPv4)")  \
	X(7, IN_TRANS_V4_IPSEC_PKT_NOT_FOUND_SPI, IpsecInput, none,                                \
	  "no inbound SA for the SPI (IPv4 transport mode)")                                       \
	X(12, IN_US_V6_PKT_SA_NOT_FOUND_SPI, IpsecInput, none, "no inbound SA for the SPI (IPv6)") \
	X(18, IN_CD_SW_IPSEC_HARD_EXPIRY, IpsecInput, invalid_sa,                                  \
	  "inbound SA past its hard lifetime (waiting to be deleted)")                             \
	X(19, IN_CD_SW_IPSEC_ANTI_REPLAY_FAIL, IpsecInput, replay_failed,                          \
	  "sequence number already received")                                                      \
	X(20, IN_UNEXP_CD_SW_IPSEC_EXCEPTION, IpsecInput, decaps_failed,                           \
	  "crypto library failed a decryption (AH with ESN: no room for the ICV input)")           \
	X(23, IN_PKT_HEADPAD_LEN_ERR, IpsecInput, invalid_len,                                     \
	  "ESP pad length larger than the payload")                                                \
	X(25, IN_INFRA_V4_PKT_LEN_TOO_BIG, IpsecInput, decaps_failed,                              \
	  "decrypted packet too big for the inside MTU, DF set")                                   \
	X(26, IN_INFRA_V6_PKT_LEN_TOO_BIG, IpsecInput, decaps_failed,                              \
	  "decrypted IPv6 packet too big for the inside MTU (IPv6 is not fragmented on the way)")  \
	X(30, IN_V4_POST_INPUT_POLICY_FAIL, IpsecInput, decaps_failed,                             \
	  "inner packet outside the SA's selectors")                                               \
	X(31, IN_V6_POST_INPUT_POLICY_FAIL, IpsecInput, decaps_failed,                             \
	  "inner IPv6 packet outside the SA's policy or selectors")                                \
	X(32, OUT_V4_PKT_HIT_INVALID_SA, IpsecInvalidSa, invalid_sa, "outbound SA being deleted")  \
	X(33, OUT_V4_PKT_HIT_IKE_START_SP, IpsecIkeIndicate, none, "crypto map entry has no SA")   \
	X(35, OUT_V4_PKT_HIT_DENY_DROP_SP, IpsecDenyDrop, none,                                    \
	  "matched a crypto map deny line (no cleartext path)")                                    \
	X(37, OUT_V6_PKT_HIT_INVALID_SA, IpsecInvalidSa, invalid_sa,                               \
	  "outbound SA being deleted (IPv6 packet)")                                               \
	X(38, OUT_V6_PKT_HIT_IKE_START_SP, IpsecIkeIndicate, none,                                 \
	  "crypto map entry has no SA (IPv6 packet)")                                              \
	X(40, OUT_V6_PKT_HIT_DENY_DROP_SP, IpsecDenyDrop, none,                                    \
	  "IPv6 packet matched a crypto map deny line (no cleartext path)")                        \
	X(44, OUT_CD_SW_IPSEC_HARD_EXPIRY, IpsecOutput, invalid_sa,                                \
	  "outbound SA past its hard lifetime (waiting to be deleted)")                            \
	X(45, OUT_UNEXP_CD_SW_IPSEC_EXCEPTION, IpsecOutput, encaps_failed,                         \
	  "the crypto library failed an encryption job")                                           \
	X(46, OUT_CD_SW_IPSEC_DETECT_SEQ_OVEFLOW, IpsecOutput, seq_rollover,                       \
	  "outbound sequence number exhausted")                                                    \
	X(48, OUT_CANNOT_FRAG_DF_SET_PKT, IpsecOutput, encaps_failed,                              \
	  "too big for the MTU after encapsulation, DF set")                                       \
	X(51, OUT_INFRA_V4_PKT_LEN_TOO_BIG, IpsecOutput, encaps_failed,                            \
	  "too big for the MTU after encapsulation, DF clear, and cannot be fragmented")          \
	X(52, OUT_INFRA_V6_PKT_LEN_TOO_BIG, IpsecOutput, encaps_failed,                            \
	  "IPv6 packet too big for the MTU after encapsulation")                                   \
	X(56, OUT_V4_POST_OUTPUT_POLICY_FAIL, IpsecOutput, encaps_failed,                          \
	  "packet outside its outbound SA's negotiated selectors")                                 \
	X(57, OUT_V6_POST_OUTPUT_POLICY_FAIL, IpsecOutput, encaps_failed,                          \
	  "IPv6 packet outside its outbound SA's negotiated selectors")                            \
	X(62, IN_CD_SW_IPSEC_MAC_EXCEPTION, IpsecInput, verify_failed,                             \
	  "integrity check (ICV) failed")                                                          \
	X(63, IN_NAT_DEMUX_FAIL, IpsecInput, invalid_prot,                                         \
	  "ESP-in-UDP and raw ESP mixed up for the SA")                                            \
	X(65, IN_CD_SW_IPSEC_NH_MISMATCH, IpsecInput, decaps_failed,                               \
	  "ESP or AH next header is not IPv4 or IPv6")                                                     \
	X(70, IN_V4_PKT_FRAG_ERR, IpsecInput, none,                                                \
	  "malformed ESP/AH IPv4 fragment (length, offset, or two different ends)")                \
	X(76, CD_SW_PAD_MISMATCH, IpsecInput, invalid_len, "ESP padding bytes are not 1, 2, 3, ...") \
	X(89, IN_PKT_IPVER_INVALID, IpsecInput, decaps_failed,                                     \
	  "decrypted inner packet is not valid IPv4")                                              \
	X(110, PKT_BUFFER_UNAVAILABLE, IpsecOutput, encaps_failed, "no buffer room to encapsulate") \
	X(111, OUT_IPV4_SA_NOT_FOUND, IpsecOutput, none,                                           \
	  "routed into a tunnel that has no SA (never sent in clear)")                             \
	X(112, OUT_IPV6_SA_NOT_FOUND, IpsecOutput, none,                                           \
	  "IPv6 routed into a tunnel that has no SA (never sent in clear)")                        \
	X(116, CD_IN_PKT_OUT_OF_WINDOW, IpsecInput, replay_failed,                                 \
	  "sequence number left of the replay window")                                             \
	X(117, IN_ESP_TRUNCATED, IpsecInput, invalid_len,                                          \
	  "ESP or AH shorter than its headers and ICV, or an AH length not the SA's")              \
	X(118, IN_ESP_BAD_BLOCK_LEN, IpsecInput, invalid_len,                                      \
	  "ESP ciphertext not a multiple of the cipher block")                                     \
	X(130, IN_REASM_TIMEOUT, IpsecInput, none,                                                 \
	  "ESP/AH fragment of a datagram not complete within the reassembly timeout")              \
	X(131, IN_REASM_TABLE_FULL, IpsecInput, none,                                              \
	  "ESP/AH fragment of a new datagram while the reassembly table is full")                  \
	X(132, IN_REASM_OVERLAP, IpsecInput, none,                                                 \
	  "ESP/AH fragments overlapping with other bytes: the whole datagram dropped")             \
	X(133, IN_REASM_DUPLICATE, IpsecInput, none,                                               \
	  "ESP/AH fragment that duplicates one already held")                                      \
	X(134, IN_REASM_TOO_MANY_FRAGS, IpsecInput, none,                                          \
	  "ESP/AH datagram in more fragments than reassembly takes")                               \
	X(135, IN_REASM_TOO_BIG, IpsecInput, none,                                                 \
	  "reassembled ESP/AH datagram larger than one buffer")                                    \
	X(136, IN_REASM_NO_BUFFER, IpsecInput, none, "no buffer for a reassembled ESP/AH datagram")

enum dp_global_cause {
#define DP_X(name, desc) DP_GLOBAL_##name,
	DP_GLOBAL_CAUSES(DP_X)
#undef DP_X
	DP_GLOBAL__COUNT
};

enum dp_drop {
#define DP_X(num, name, cause, sactr, desc) DP_DROP_##name,
	DP_IPSEC_DROPS(DP_X)
#undef DP_X
	DP_IPSEC_DROP__COUNT,
	/* Drops with no IPsec feature reason: one code per global cause. */
#define DP_X(name, desc) DP_DROP_G_##name = DP_IPSEC_DROP__COUNT + DP_GLOBAL_##name,
	DP_GLOBAL_CAUSES(DP_X)
#undef DP_X
	DP_DROP__COUNT = DP_IPSEC_DROP__COUNT + DP_GLOBAL__COUNT
};

_Static_assert(DP_DROP__COUNT <= 255, "drop codes fit in uint8_t");

/* Recorded per rejected packet by the burst stages. */
typedef uint8_t dp_drop_t;

struct dp_drop_info {
	uint16_t qfp_number;		/* 0 for global-only codes */
	enum dp_global_cause cause;	/* global cause the drop rolls up into */
	const char *name;		/* QFP-style name, e.g. IN_US_V4_PKT_SA_NOT_FOUND_SPI */
	const char *desc;
};

extern const struct dp_drop_info dp_drop_info[DP_DROP__COUNT];
extern const char *const dp_global_cause_name[DP_GLOBAL__COUNT];
extern const char *const dp_global_cause_desc[DP_GLOBAL__COUNT];

static inline enum dp_global_cause
dp_drop_cause(dp_drop_t code)
{
	return dp_drop_info[code].cause;
}

static inline int
dp_drop_is_ipsec(dp_drop_t code)
{
	return code < DP_IPSEC_DROP__COUNT;
}

#endif
