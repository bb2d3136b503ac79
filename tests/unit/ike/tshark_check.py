#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""Cross-check the IKEv2 codec against tshark's dissector, an independent parser.

  tshark_check.py IKE_DUMP IKE_SAMPLE VECTORS_H [MESSAGE_FILE...]

Messages: those ike_sample writes with our writer, strongSwan 5.9.8's
(vectors/strongswan_vectors.h), and raw message files (the fuzz seeds built
with Python's struct). Each is dissected by tshark (wrapped in
IPv4/UDP 500 by scapy) and parsed by ike_dump (our parser); both views are
reduced to the same fact lines and must be equal. A missing tshark or scapy
fails the test.
"""
import re
import shutil
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET

from scapy.all import IP, UDP, wrpcap


def vectors(path):
    src = open(path).read()
    for name, body in re.findall(r'static const uint8_t (\w+)\[\] = \{(.*?)\};', src, re.S):
        if not name.endswith('_plain'):
            yield name, bytes(int(x, 16) for x in re.findall(r'0x([0-9a-f]{2})', body))


def kids(el, name=None):
    return [c for c in el if c.tag == 'field' and (name is None or c.get('name') == name)]


def one(el, name, attr='show', default=None):
    for c in el.iter('field'):
        if c.get('name') == name:
            return c.get(attr)
    if default is None:
        raise KeyError(f'{name} not in {el.get("showname")}')
    return default


def raw(pl):
    return bytes.fromhex(pl.get('value'))


def proposals(pl, out):
    for prop in kids(pl, 'isakmp.typepayload'):
        tfs = kids(prop, 'isakmp.typepayload')
        out.append(f'prop num={one(prop, "isakmp.prop.number")} '
                   f'proto={one(prop, "isakmp.prop.protoid")} '
                   f'spi_size={one(prop, "isakmp.spisize")} '
                   f'n_tf={one(prop, "isakmp.prop.transforms")}')
        for tf in tfs:
            tid = [c for c in kids(tf) if c.get('name').startswith('isakmp.tf.id.')][0]
            out.append(f'tf type={one(tf, "isakmp.tf.type")} id={int(tid.get("value"), 16)} '
                       f'key_len={one(tf, "isakmp.ike2.attr.key_length", default="0")}')


def selectors(pl, key, out):
    cur = None
    for f in pl.iter('field'):
        n = f.get('name')
        if n == 'isakmp.ts.type':
            cur = {'type': f.get('show')}
            out.append(cur)
        elif cur is not None and n.startswith('isakmp.ts.'):
            cur[n[len('isakmp.ts.'):]] = f.get('value') if 'ipv' in n else f.get('show')
    return [f'{key} type={s["type"]} proto={s["protoid"]} ports={s["start_port"]}-{s["end_port"]} '
            f'start {s.get("start_ipv4", s.get("start_ipv6"))} '
            f'end {s.get("end_ipv4", s.get("end_ipv6"))}' for s in out]


def tshark_facts(proto):
    g = {k: [] for k in ('sa', 'ke', 'nonce', 'idi', 'idr', 'auth', 'tsi', 'tsr', 'notify',
                         'delete', 'vendor', 'cert', 'certreq', 'cp', 'eap', 'sk')}
    base = int(proto.get('pos'))
    hdr = (f'hdr spi_i={one(proto, "isakmp.ispi", "value")} '
           f'spi_r={one(proto, "isakmp.rspi", "value")} '
           f'next={kids(proto, "isakmp.nextpayload")[0].get("show")} '
           f'version=0x{one(proto, "isakmp.version", "value")} '
           f'exchange={one(proto, "isakmp.exchangetype")} '
           f'flags=0x{one(proto, "isakmp.flags", "value")} '
           f'msg_id={int(one(proto, "isakmp.messageid", "value"), 16)} '
           f'length={one(proto, "isakmp.length")}')
    for pl in kids(proto, 'isakmp.typepayload'):
        t, body = int(pl.get('show')), raw(pl)[4:]
        if t == 33:
            proposals(pl, g['sa'])
        elif t == 34:
            g['ke'].append(f'ke group={one(pl, "isakmp.key_exchange.dh_group")} '
                           f'len={one(pl, "isakmp.key_exchange.data", "size")}')
        elif t == 40:
            g['nonce'].append(f'nonce {one(pl, "isakmp.nonce", "value")}')
        elif t in (35, 36):
            g['idi' if t == 35 else 'idr'].append(
                f'{"idi" if t == 35 else "idr"} type={one(pl, "isakmp.id.type")} '
                f'len={one(pl, "isakmp.id.data", "size")}')
        elif t == 39:
            g['auth'].append(f'auth method={one(pl, "isakmp.auth.method")} '
                             f'len={one(pl, "isakmp.auth.data", "size")}')
        elif t in (44, 45):
            g['tsi' if t == 44 else 'tsr'] += selectors(pl, 'tsi' if t == 44 else 'tsr', [])
        elif t == 41:
            spi_size = int(one(pl, 'isakmp.spisize'))
            g['notify'].append(f'notify proto={one(pl, "isakmp.notify.protoid")} '
                               f'type={one(pl, "isakmp.notify.msgtype")} '
                               f'spi {body[4:4 + spi_size].hex()} data {body[4 + spi_size:].hex()}')
        elif t == 42:
            spis = ''.join(f.get('value') for f in pl.iter('field')
                           if f.get('name') == 'isakmp.delete.spi')
            g['delete'].append(f'delete proto={one(pl, "isakmp.delete.protoid")} '
                               f'spi_size={one(pl, "isakmp.spisize")} '
                               f'n={one(pl, "isakmp.spinum")} spis {spis}')
        elif t == 43:
            g['vendor'].append(f'vendor {one(pl, "isakmp.vid_bytes", "value")}')
        elif t in (37, 38, 47, 48):
            key = {37: 'cert', 38: 'certreq', 47: 'cp', 48: 'eap'}[t]
            g[key].append(f'{key} {body.hex()}')
        elif t in (46, 53):
            frag = t == 53
            num, total = (int.from_bytes(body[0:2], 'big'), int.from_bytes(body[2:4], 'big')) \
                if frag else (0, 0)
            g['sk'].append(f'sk frag={int(frag)} first={kids(pl, "isakmp.nextpayload")[0].get("show")} '
                           f'num={num} total={total} off={int(pl.get("pos")) - base} '
                           f'body_len={len(body) - (4 if frag else 0)}')
    return ['ok', hdr] + [line for k in g for line in g[k]]


def main():
    ike_dump, ike_sample, vectors_h = sys.argv[1:4]
    extra = sys.argv[4:]
    for tool in ('tshark',):
        if shutil.which(tool) is None:
            sys.exit(f'FAIL: {tool} is not installed (scripts/install-deps installs it)')
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run([ike_sample, tmp], check=True)
        msgs = [(n, open(f'{tmp}/{n}', 'rb').read()) for n in ('every', 'informational', 'sk', 'skf')]
        msgs += list(vectors(vectors_h))
        msgs += [(f.rsplit('/', 1)[-1], open(f, 'rb').read()) for f in extra]
        pcap = f'{tmp}/msgs.pcap'
        wrpcap(pcap, [IP(src='192.0.2.1', dst='192.0.2.2') / UDP(sport=500, dport=500) / m
                      for _, m in msgs])
        pdml = subprocess.run(['tshark', '-r', pcap, '-T', 'pdml'], check=True,
                              capture_output=True).stdout
        protos = [p for p in ET.fromstring(pdml).iter('proto') if p.get('name') == 'isakmp']
        if len(protos) != len(msgs):
            sys.exit(f'FAIL: tshark dissected {len(protos)} of {len(msgs)} messages')
        failed = 0
        for (name, data), proto in zip(msgs, protos):
            path = f'{tmp}/{name}.bin'
            open(path, 'wb').write(data)
            ours = subprocess.run([ike_dump, path], capture_output=True, text=True).stdout
            ours = ours.splitlines()
            theirs = tshark_facts(proto)
            if ours != theirs:
                failed += 1
                print(f'FAIL {name}:')
                for a, b in zip(ours + [''] * len(theirs), theirs + [''] * len(ours)):
                    if a != b:
                        print(f'  ike_dump: {a}\n  tshark:   {b}')
            else:
                print(f'ok {name}: {len(ours)} facts agree')
        sys.exit(1 if failed else 0)


if __name__ == '__main__':
    main()
