/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The parsed IKEv2 message (RFC 7296 section 3): the fixed header, and a
 * decoded view of every payload dpsec uses. Variable-length data are views
 * (pointer + length) into the buffer that was parsed, never copies: the model
 * is valid only while that buffer (and the decrypted SK body handed to
 * ike_parse_inner) lives. Small fixed fields (SPIs of proposals, traffic
 * selector addresses) are decoded into the struct so the same types can be
 * filled by hand and written by ike_build.h.
 *
 * Every list has a fixed maximum; more entries than that is an error
 * (IKE_E_TOO_MANY), never a silent truncation.
 */
#ifndef DPSEC_IKE_MSG_H
#define DPSEC_IKE_MSG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ike_const.h"

#define IKE_MAX_PROPOSALS 16
#define IKE_MAX_TRANSFORMS 32	/* per proposal */
#define IKE_MAX_PROPOSAL_SPI 8	/* IKE SPI (section 3.3.1); ESP/AH use 4 */
#define IKE_MAX_NOTIFIES 32
#define IKE_MAX_DELETES 8
#define IKE_MAX_TS 16		/* selectors per TSi/TSr payload */
#define IKE_MAX_VENDORS 16
#define IKE_MAX_CERTS 8		/* CERT and CERTREQ each */

/*
 * Parse errors. X(name, notify, text): the notify is the one RFC 7296 section
 * 2.21 / 2.5 / 3.2 names for answering a request that fails this way (the
 * exchange code decides whether to answer at all), text is the class of the
 * error; struct ike_msg.detail has the numbers.
 */
#define IKE_ERRORS(X)                                                                          \
	X(TRUNCATED, IKE_N_INVALID_SYNTAX, "shorter than the IKE header")                       \
	X(LENGTH, IKE_N_INVALID_SYNTAX, "header length does not match the datagram")            \
	X(MAJOR_VERSION, IKE_N_INVALID_MAJOR_VERSION, "major version is not 2")                 \
	X(CHAIN_TRUNCATED, IKE_N_INVALID_SYNTAX, "payload header does not fit")                 \
	X(PAYLOAD_LENGTH, IKE_N_INVALID_SYNTAX, "payload length out of bounds")                 \
	X(BODY_SHORT, IKE_N_INVALID_SYNTAX, "payload shorter than its fixed part")              \
	X(CRITICAL, IKE_N_UNSUPPORTED_CRITICAL_PAYLOAD, "unsupported critical payload")         \
	X(DUPLICATE, IKE_N_INVALID_SYNTAX, "payload may appear only once")                      \
	X(TRAILING, IKE_N_INVALID_SYNTAX, "bytes after the last payload")                       \
	X(SK_NOT_LAST, IKE_N_INVALID_SYNTAX, "encrypted payload is not the last")               \
	X(SK_NESTED, IKE_N_INVALID_SYNTAX, "encrypted payload inside an encrypted payload")     \
	X(TOO_MANY, IKE_N_INVALID_SYNTAX, "more entries than dpsec accepts")                    \
	X(PROPOSAL, IKE_N_INVALID_SYNTAX, "malformed proposal")                                 \
	X(TRANSFORM, IKE_N_INVALID_SYNTAX, "malformed transform")                               \
	X(PROTOCOL, IKE_N_INVALID_SYNTAX, "protocol not allowed here")                          \
	X(SPI_SIZE, IKE_N_INVALID_SYNTAX, "SPI size wrong for the protocol")                    \
	X(COUNT, IKE_N_INVALID_SYNTAX, "count does not match the payload length")               \
	X(NONCE_LENGTH, IKE_N_INVALID_SYNTAX, "nonce length outside 16..256")                   \
	X(ID_LENGTH, IKE_N_INVALID_SYNTAX, "address identity of the wrong length")              \
	X(TS_LENGTH, IKE_N_INVALID_SYNTAX, "traffic selector length wrong")                     \
	X(FRAGMENT, IKE_N_INVALID_SYNTAX, "bad fragment number or total")

/* Parse functions return 0 or the negated code: rc == -IKE_E_MAJOR_VERSION. */
enum ike_err {
	IKE_OK = 0,
#define IKE_ERR_ENUM(name, notify, text) IKE_E_##name,
	IKE_ERRORS(IKE_ERR_ENUM)
#undef IKE_ERR_ENUM
	IKE_ERR_NUM
};

/* "PAYLOAD_LENGTH"; "?" for a code that is not one. Accepts code or -code. */
const char *ike_err_name(int code);
/* The class text of the code ("payload length out of bounds"). */
const char *ike_err_text(int code);
/* The notify type RFC 7296 names for the code (enum ike_notify), 0 for none. */
uint16_t ike_err_notify(int code);

/*
 * After a failure: the payload type it happened in (for IKE_E_CRITICAL the one
 * to put in UNSUPPORTED_CRITICAL_PAYLOAD; 0 = the header), and the detail with
 * the numbers for a debug log, e.g. "payload 41 (N) length 3 < 4".
 */
struct ike_perr {
	uint8_t payload;
	char detail[112];
};

struct ike_view {
	const uint8_t *p;
	size_t len;
};

/* The fixed header (section 3.1), host byte order. */
struct ike_hdr {
	uint64_t spi_i, spi_r;
	uint8_t next, version, exchange, flags;
	uint32_t msg_id, length;
};

/* One transform (section 3.3.2). */
struct ike_transform {
	uint8_t type;		/* enum ike_transform_type */
	uint16_t id;
	uint16_t key_len;	/* Key Length attribute, bits; 0 = absent */
	/*
	 * Section 3.3.6: a transform carrying an attribute we do not understand
	 * (anything but one Key Length in TV form) cannot be chosen. Parsing goes
	 * on; the proposal selector must skip it. The writer refuses to emit one.
	 */
	bool unusable;
};

/* One proposal (section 3.3.1): parsed from an SA payload and written by ike_wr_sa. */
struct ike_proposal {
	uint8_t num;
	uint8_t proto;		/* enum ike_proto */
	uint8_t spi_size;	/* IKE: 0 or 8; ESP/AH: 4 */
	uint8_t spi[IKE_MAX_PROPOSAL_SPI];	/* as on the wire */
	uint8_t n_transforms;
	struct ike_transform tf[IKE_MAX_TRANSFORMS];
};

struct ike_sa_pl {
	uint8_t n_proposals;
	struct ike_proposal prop[IKE_MAX_PROPOSALS];
};

struct ike_ke {
	uint16_t group;		/* enum ike_dh */
	struct ike_view data;
};

struct ike_id {
	uint8_t type;		/* enum ike_id_type */
	struct ike_view data;
	/* ID Type | RESERVED(3) | data: the RestOfIDPayload hashed into AUTH (section 2.15) */
	struct ike_view body;
};

struct ike_auth {
	uint8_t method;		/* enum ike_auth_method */
	struct ike_view data;
};

/* Section 3.10. With an empty SPI the protocol means nothing (sent as 0, ignored). */
struct ike_notify_pl {
	uint8_t proto;
	uint16_t type;		/* enum ike_notify */
	struct ike_view spi;	/* spi.len is the SPI Size */
	struct ike_view data;
};

/* Section 3.11: IKE has SPI size 0 and no SPIs; ESP/AH have 4-byte SPIs. */
struct ike_delete {
	uint8_t proto;
	uint8_t spi_size;
	uint16_t n_spis;
	struct ike_view spis;	/* n_spis * spi_size bytes */
};

/* One IPv4 or IPv6 address range (section 3.13.1); addresses in network order. */
struct ike_ts {
	uint8_t type;		/* IKE_TS_IPV4_ADDR_RANGE (4-byte addresses) or _IPV6_ */
	uint8_t ip_proto;	/* 0 = any */
	uint16_t start_port, end_port;
	uint8_t start[16], end[16];
};

struct ike_ts_pl {
	uint8_t n;
	/* Selectors of types other than IPv4/IPv6 ranges are skipped, counted here. */
	uint8_t n_unknown;
	struct ike_ts ts[IKE_MAX_TS];
};

/*
 * The Encrypted payload (section 3.14) or an Encrypted Fragment (RFC 7383
 * section 2.5). off is where its generic header starts in the message:
 * the AEAD associated data is the message up to body.p (for SKF that
 * includes Fragment Number and Total Fragments); body is IV | ciphertext |
 * ICV, to the end of the message.
 */
struct ike_sk_pl {
	bool frag;		/* SKF */
	uint8_t first;		/* its Next Payload: the first inner payload (SKF: fragment 1 only) */
	uint16_t frag_num, frag_total;
	size_t off;
	struct ike_view body;
};

struct ike_msg {
	struct ike_hdr hdr;
	const uint8_t *buf;	/* the message parsed by ike_parse */
	size_t len;

	/* Payload types seen (bit t for type t), in the outer chain or the decrypted one. */
	uint64_t present;
	uint64_t present_inner;	/* the subset seen by ike_parse_inner */
	uint16_t n_unknown;	/* non-critical payloads of unknown types, skipped */

	struct ike_sa_pl sa;
	struct ike_ke ke;
	struct ike_view nonce;
	struct ike_id idi, idr;
	struct ike_auth auth;
	struct ike_ts_pl tsi, tsr;
	struct ike_sk_pl sk;
	struct ike_view cp, eap;	/* raw bodies */

	uint8_t n_notifies, n_deletes, n_vendors, n_certs, n_certreqs;
	struct ike_notify_pl notify[IKE_MAX_NOTIFIES];
	struct ike_delete del[IKE_MAX_DELETES];
	struct ike_view vendor[IKE_MAX_VENDORS];
	struct ike_view cert[IKE_MAX_CERTS];	/* raw bodies: encoding | data */
	struct ike_view certreq[IKE_MAX_CERTS];

	/* Why the last parse failed. */
	struct ike_perr err;
};

/*
 * The fixed header only (28 bytes): length field == len, major version 2
 * (otherwise -IKE_E_MAJOR_VERSION, section 2.5: answer INVALID_MAJOR_VERSION);
 * the minor version is ignored.
 */
int ike_parse_hdr(const uint8_t *buf, size_t len, struct ike_hdr *h);

/* Header and outer payload chain into m (zeroed first). 0 or -IKE_E_*; m->detail says why. */
int ike_parse(const uint8_t *buf, size_t len, struct ike_msg *m);

/*
 * The decrypted (verified, padding removed) body of SK, or the reassembled
 * SKF bodies, starting with payload type first: parsed into the same m,
 * so a payload both outside and inside SK is a duplicate. Payloads seen here
 * are also marked in m->present_inner. plain must outlive m.
 */
int ike_parse_inner(struct ike_msg *m, uint8_t first, const uint8_t *plain, size_t len);

static inline bool
ike_has(const struct ike_msg *m, uint8_t type)
{
	return type < 64 && (m->present >> type & 1);
}

/* The first notify of this type, or NULL. */
const struct ike_notify_pl *ike_msg_notify(const struct ike_msg *m, uint16_t type);

/* The i-th SPI of an ESP/AH delete, host order; 0 (a reserved SPI) out of range. */
uint32_t ike_delete_spi(const struct ike_delete *d, uint16_t i);

/* A short name for a payload type ("SA", "N", "SK"), "?" for unknown ones. */
const char *ike_payload_name(uint8_t type);

#endif
