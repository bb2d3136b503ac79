#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""Python opens what C sealed: run sk_dump (ike_sk_seal, random CBC IVs, the GCM IV
counter), open every message with ike_ref.py and keys derived here from the fixed
inputs of gen_vectors.py, and check the inner chain, the Length fields, that GCM IVs
count 0, 1, 2, ... per key and that CBC IVs never repeat.

    /usr/bin/python3 open_c_sealed.py build/tests/unit/ike/sk_dump
"""
import subprocess
import sys

import gen_vectors as g
import ike_ref as r


def main():
    out = subprocess.run([sys.argv[1]], check=True, capture_output=True, text=True).stdout
    lines = out.split()
    if len(lines) % 6 or not lines:
        print('sk_dump printed nothing usable', file=sys.stderr)
        return 1
    seen, ivs, n = {}, set(), 0
    for i in range(0, len(lines), 6):
        s, from_i, sk_off, h = (int(x) for x in lines[i:i + 4])
        inner = b'' if lines[i + 4] == '-' else bytes.fromhex(lines[i + 4])
        msg = bytes.fromhex(lines[i + 5])
        suite = g.SUITES[s][1]
        _, _, _, k = g.suite_keys(s)
        ek, ak = (k['ei'], k['ai']) if from_i else (k['er'], k['ar'])
        got, iv = r.open_sk(suite, ek, ak, msg, sk_off, h)
        if got != inner:
            print('suite %d message %d: inner differs' % (s, n), file=sys.stderr)
            return 1
        if suite.aead:   # RFC 5282 section 3.1: the counter of this key, in order
            want = seen.get((s, from_i), 0)
            if iv != want.to_bytes(8, 'big'):
                print('suite %d: GCM IV %s, want %d' % (s, iv.hex(), want), file=sys.stderr)
                return 1
            seen[(s, from_i)] = want + 1
        else:
            if iv in ivs:
                print('suite %d: CBC IV repeated' % s, file=sys.stderr)
                return 1
            ivs.add(iv)
        # the wrong direction's keys must not open it
        try:
            r.open_sk(suite, k['er'] if from_i else k['ei'], k['ar'] if from_i else k['ai'],
                      msg, sk_off, h)
            print('suite %d: opened with the other direction\'s keys' % s, file=sys.stderr)
            return 1
        except r.OpenError:
            pass
        n += 1
    print('python opened %d messages sealed by C' % n)
    return 0


if __name__ == '__main__':
    sys.exit(main())
