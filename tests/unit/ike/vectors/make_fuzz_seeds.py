#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""Write the seed corpus of fuzz_ike_msg into tests/fuzz/corpus/ike_msg/:
the strongSwan 5.9.8 messages of strongswan_vectors.h as captured, their
decrypted IKE_AUTH bodies wrapped in an SK payload (so the fuzzer's
"decrypted" body is a real one), an SKF fragment, and one message holding
every payload type the codec decodes (built here with struct, independently
of the C writer)."""
import os
import re
import struct

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, '..', '..', '..', 'fuzz', 'corpus', 'ike_msg')


def vectors():
    src = open(os.path.join(HERE, 'strongswan_vectors.h')).read()
    for name, body in re.findall(r'static const uint8_t (\w+)\[\] = \{(.*?)\};', src, re.S):
        yield name, bytes(int(x, 16) for x in re.findall(r'0x([0-9a-f]{2})', body))


def message(exch, flags, payloads, msg_id=0):
    """payloads: [(type, body)], the last may be SK/SKF whose next is given as type 'next'."""
    chain = b''
    for i, (ptype, body, *nxt) in enumerate(payloads):
        nexttype = nxt[0] if nxt else (payloads[i + 1][0] if i + 1 < len(payloads) else 0)
        chain += struct.pack('>BBH', nexttype, 0, 4 + len(body)) + body
    first = payloads[0][0] if payloads else 0
    hdr = struct.pack('>QQBBBBII', 0x0102030405060708, 0x1112131415161718, first, 0x20,
                      exch, flags, msg_id, 28 + len(chain))
    return hdr + chain


def every_payload():
    tf = lambda last, t, i, attrs=b'': struct.pack('>BBHBBH', last, 0, 8 + len(attrs), t, 0, i) + attrs
    kl = lambda bits: struct.pack('>HH', 0x800e, bits)
    tfs = tf(3, 1, 12, kl(256)) + tf(3, 2, 5) + tf(3, 3, 12) + tf(0, 4, 14)
    p1 = struct.pack('>BBHBBBB', 2, 0, 8 + len(tfs), 1, 1, 0, 4) + tfs
    tfs2 = tf(3, 1, 20, kl(128)) + tf(0, 5, 0)
    p2 = struct.pack('>BBHBBBB', 0, 0, 12 + len(tfs2), 2, 3, 4, 2) + b'\xc0\x00\x00\x01' + tfs2
    ts4 = struct.pack('>BBHHH', 7, 0, 16, 0, 65535) + bytes([198, 51, 100, 0, 198, 51, 100, 255])
    ts6 = struct.pack('>BBHHH', 8, 6, 40, 80, 80) + bytes(16) + b'\xff' * 16
    return message(36, 0x08, [
        (33, p1 + p2),
        (34, struct.pack('>HH', 31, 0) + bytes(range(32))),
        (40, bytes(range(32))),
        (35, b'\x02\0\0\0gw-a.example'),
        (36, b'\x01\0\0\0' + bytes([192, 0, 2, 1])),
        (39, b'\x02\0\0\0' + bytes(32)),
        (41, struct.pack('>BBH', 3, 4, 16393) + b'\xc0\x00\x00\x01'),
        (41, struct.pack('>BBH', 0, 0, 16390) + bytes(8)),
        (42, struct.pack('>BBH', 3, 4, 2) + b'\xc0\x00\x00\x01\xc0\x00\x00\x02'),
        (42, struct.pack('>BBH', 1, 0, 0)),
        (44, struct.pack('>B3x', 2) + ts4 + ts6),
        (45, struct.pack('>B3x', 1) + ts4),
        (43, b'dpsec'),
        (37, b'\x04' + bytes(16)),
        (38, b'\x04' + bytes(20)),
        (47, b'\x01\0\0\0' + struct.pack('>HH', 1, 0)),
        (48, b'\x01\x07\x00\x05\x01'),
    ])


def main():
    os.makedirs(OUT, exist_ok=True)
    v = dict(vectors())
    for name in ('sswan_init_req', 'sswan_init_resp', 'sswan_auth_req', 'sswan_auth_resp'):
        open(os.path.join(OUT, name[len('sswan_'):]), 'wb').write(v[name])
    # the decrypted bodies as if the SK payload were in clear: no IV, no ICV
    open(os.path.join(OUT, 'auth_req_plain_in_sk'), 'wb').write(
        message(35, 0x08, [(46, v['sswan_auth_req_plain'], 35)], 1))
    open(os.path.join(OUT, 'auth_resp_plain_in_sk'), 'wb').write(
        message(35, 0x20, [(46, v['sswan_auth_resp_plain'], 36)], 1))
    open(os.path.join(OUT, 'skf_1_of_2'), 'wb').write(
        message(35, 0x08, [(53, struct.pack('>HH', 1, 2) + v['sswan_auth_req_plain'][:100], 35)], 1))
    open(os.path.join(OUT, 'every_payload'), 'wb').write(every_payload())
    open(os.path.join(OUT, 'informational_delete'), 'wb').write(
        message(37, 0x08, [(42, struct.pack('>BBH', 3, 4, 1) + b'\xc0\x00\x00\x01')], 2))


if __name__ == '__main__':
    main()
