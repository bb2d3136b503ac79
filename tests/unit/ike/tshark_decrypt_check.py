#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""Wireshark opens what C sealed: an independent IKEv2 decryptor (tshark's ISAKMP dissector,
on libgcrypt) given the SPIs and SK_e*/SK_a* through its ikev2_decryption_table.

sk_dump seals one Delete payload per message (every suite, both directions, SK and SKF,
with and without a payload before SK); this writes them to a pcap (IPv4/UDP 500), runs
tshark with the keys gen_vectors.py derives, and requires for every message the ICV
"[correct]" and the Delete SPI that was sealed. Two damaged copies (one ciphertext bit,
one ICV bit) must be reported with an incorrect ICV, so the check cannot pass by not
checking.

    /usr/bin/python3 tshark_check.py build/tests/unit/ike/sk_dump
"""
import os
import struct
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET

import gen_vectors as g

# Wireshark's names for the algorithms (packet-isakmp.c value strings)
WS_ENCR = {(12, 128): 'AES-CBC-128 [RFC3602]', (12, 256): 'AES-CBC-256 [RFC3602]',
           (20, 128): 'AES-GCM-128 with 16 octet ICV [RFC5282]',
           (20, 256): 'AES-GCM-256 with 16 octet ICV [RFC5282]'}
WS_INTEG = {0: 'NONE [RFC4306]', 2: 'HMAC_SHA1_96 [RFC2404]',
            12: 'HMAC_SHA2_256_128 [RFC4868]', 13: 'HMAC_SHA2_384_192 [RFC4868]',
            14: 'HMAC_SHA2_512_256 [RFC4868]'}
INITIATOR, RESPONDER = bytes([192, 0, 2, 1]), bytes([192, 0, 2, 2])


def ipv4_udp(src, dst, payload):
    udp = struct.pack('!HHHH', 500, 500, 8 + len(payload), 0) + payload
    hdr = struct.pack('!BBHHHBBH4s4s', 0x45, 0, 20 + len(udp), 0, 0, 64, 17, 0, src, dst)
    csum = sum(struct.unpack('!10H', hdr))
    csum = (csum & 0xffff) + (csum >> 16)
    csum = (csum & 0xffff) + (csum >> 16)
    return hdr[:10] + struct.pack('!H', ~csum & 0xffff) + hdr[12:] + udp


def write_pcap(path, packets):
    with open(path, 'wb') as f:
        f.write(struct.pack('<IHHiIII', 0xa1b2c3d4, 2, 4, 0, 0, 65535, 101))  # raw IP
        for i, p in enumerate(packets):
            f.write(struct.pack('<IIII', i, 0, len(p), len(p)) + p)


def decryption_table():
    lines = []
    for i, (_, s, _, _) in enumerate(g.SUITES):
        inp, _, _, k = g.suite_keys(i)
        lines.append('%s,%s,%s,%s,"%s",%s,%s,"%s"' % (
            inp['spi_i'].hex(), inp['spi_r'].hex(), k['ei'].hex(), k['er'].hex(),
            WS_ENCR[(s.encr, s.bits)], k['ai'].hex(), k['ar'].hex(), WS_INTEG[s.integ]))
    return '\n'.join(lines) + '\n'


def fields(packet, name):
    return [f for f in packet.iter('field') if f.get('name') == name]


def main():
    out = subprocess.run([sys.argv[1], 'delete'], check=True, capture_output=True,
                         text=True).stdout.split()
    msgs = []
    for i in range(0, len(out), 6):
        from_i, inner, msg = int(out[i + 1]), bytes.fromhex(out[i + 4]), bytes.fromhex(out[i + 5])
        msgs.append((from_i, inner[8:12].hex(), msg))
    if len(msgs) < 2 * len(g.SUITES):
        print('sk_dump printed too little', file=sys.stderr)
        return 1
    packets = [ipv4_udp(INITIATOR if f else RESPONDER, RESPONDER if f else INITIATOR, m)
               for f, _, m in msgs]
    # damaged copies of the first message: a ciphertext bit, then an ICV bit
    for pos in (len(msgs[0][2]) - 20, len(msgs[0][2]) - 1):
        bad = bytearray(msgs[0][2])
        bad[pos] ^= 0x01
        packets.append(ipv4_udp(INITIATOR, RESPONDER, bytes(bad)))

    with tempfile.TemporaryDirectory() as home:
        conf = os.path.join(home, '.config', 'wireshark')
        os.makedirs(conf)
        with open(os.path.join(conf, 'ikev2_decryption_table'), 'w') as f:
            f.write(decryption_table())
        write_pcap(os.path.join(home, 'sk.pcap'), packets)
        env = dict(os.environ, HOME=home, XDG_CONFIG_HOME=os.path.join(home, '.config'))
        pdml = subprocess.run(['tshark', '-n', '-r', os.path.join(home, 'sk.pcap'), '-T', 'pdml'],
                              check=True, capture_output=True, text=True, env=env).stdout
    packets = ET.fromstring(pdml).findall('packet')
    if len(packets) != len(msgs) + 2:
        print('tshark read %d packets, want %d' % (len(packets), len(msgs) + 2), file=sys.stderr)
        return 1
    for n, (pkt, (_, spi, _)) in enumerate(zip(packets, msgs)):
        icv = [f.get('showname', '') for f in fields(pkt, 'isakmp.enc.icd')]
        spis = [f.get('value') for f in fields(pkt, 'isakmp.delete.spi')]
        if len(icv) != 1 or not icv[0].endswith('[correct]'):
            print('message %d: tshark ICV %s' % (n, icv), file=sys.stderr)
            return 1
        if spis != [spi]:
            print('message %d: tshark Delete SPI %s, sealed %s' % (n, spis, spi), file=sys.stderr)
            return 1
    for pkt in packets[len(msgs):]:
        icv = [f.get('showname', '') for f in fields(pkt, 'isakmp.enc.icd')]
        if len(icv) != 1 or icv[0].endswith('[correct]'):
            print('tshark accepted a damaged message: %s' % icv, file=sys.stderr)
            return 1
    print('tshark decrypted and verified %d messages sealed by C, refused 2 damaged' % len(msgs))
    return 0


if __name__ == '__main__':
    sys.exit(main())
