#!/usr/bin/python3
"""IPv6 neighbor discovery and ICMPv6 echo for dpsecd's own address6, against Linux:

   ns gwa (kernel)                 ns gwb (dpsecd)                      ns h2 (kernel)
   2001:db8:0:1::1 ----------- outside0 2001:db8:0:1::2   inside0 2001:db8:0:2::1 ---- 2001:db8:0:2::2

- `ping -6` from either kernel to the gateway's address on its link works: the kernel's
  Neighbor Solicitation (to the solicited-node group) gets dpsecd's Neighbor Advertisement,
  which the kernel accepts (RFC 4861 section 7.1.2: hop limit 255, checksum, target) and
  keeps as the neighbour entry with dpsecd's MAC; then echo requests get echo replies;
- the punt counters say so (`nd6` and `icmp6_echo` answered);
- scapy checks the advertisement itself: solicited and override set, router set, the target
  link-layer address option carrying the port's MAC, the checksum right (scapy recomputes);
- what RFC 4861 says to ignore is not answered: an NS with hop limit 64, an NS for another
  address; each is counted as unhandled.
"""
import json
import os
import sys
import unittest

sys.path.insert(0, os.path.dirname(__file__))
from dpsectest.netns import (GWA_OUT6, GWB_IN6, GWB_OUT6, H2_IN6,  # noqa: E402
                             Topology, sh)
from dpsectest.wait import wait_for  # noqa: E402

GW_YAML = """logging: {syslog: false}
transform_sets:
  TS: {transforms: [esp-gcm 128]}
crypto_maps:
  VPN:
    - seq: 10
      peer: 192.0.2.1
      transform_set: TS
      match: [{src: 198.51.100.0/24, dst: 203.0.113.0/24}]
"""

# Run in ns gwa: send one NS with scapy, print what answered it (JSON), or {} for nothing.
PROBE = r"""
import json, sys
from scapy.all import Ether, IPv6, ICMPv6ND_NS, ICMPv6ND_NA, ICMPv6NDOptSrcLLAddr, \
    ICMPv6NDOptDstLLAddr, in6_getnsma, in6_getnsmac, inet_pton, inet_ntop, socket, srp1, raw
dev, src, mac, target, hlim = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4], int(sys.argv[5])
group = inet_ntop(socket.AF_INET6, in6_getnsma(inet_pton(socket.AF_INET6, target)))
ns = Ether(src=mac, dst=in6_getnsmac(inet_pton(socket.AF_INET6, target))) / \
    IPv6(src=src, dst=group, hlim=hlim) / ICMPv6ND_NS(tgt=target) / \
    ICMPv6NDOptSrcLLAddr(lladdr=mac)
ans = srp1(ns, iface=dev, timeout=2, verbose=0)
if ans is None or ICMPv6ND_NA not in ans:
    print("{}")
    sys.exit(0)
na = ans[ICMPv6ND_NA]
again = IPv6(raw(ans[IPv6]))
again[ICMPv6ND_NA].cksum = None      # scapy computes it when building
recomputed = IPv6(raw(again))[ICMPv6ND_NA].cksum
print(json.dumps({"eth_dst": ans[Ether].dst, "eth_src": ans[Ether].src, "src": ans[IPv6].src,
                  "dst": ans[IPv6].dst, "hlim": ans[IPv6].hlim, "R": na.R, "S": na.S, "O": na.O,
                  "tgt": na.tgt, "tlla": ans[ICMPv6NDOptDstLLAddr].lladdr
                  if ICMPv6NDOptDstLLAddr in ans else None,
                  "cksum_ok": na.cksum == recomputed}))
"""


def punt(t):
    return json.loads(t.cli("show platform hardware qfp active infrastructure punt statistics "
                            "type per-cause", json=True))


class Nd6(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.t = Topology(ipv6=True).__enter__()
        try:
            cls.t.start(GW_YAML)
        except Exception:
            cls.t.close()
            raise

    @classmethod
    def tearDownClass(cls):
        cls.t.close_checked()

    def test_1_kernel_pings_both_sides(self):
        for ns, dev, target, mac in (("gwa", "gwa-out", GWB_OUT6, self.t.mac("gwb", "gwb-out")),
                                     ("h2", "h2-in", GWB_IN6, self.t.mac("gwb", "gwb-in"))):
            r = sh("ping", "-6", "-c", "3", "-W", "2", "-i", "0.2", target, ns=self.t.ns[ns],
                   check=False)
            self.assertEqual(r.returncode, 0, "%s cannot ping %s:\n%s%s\n%s" %
                             (ns, target, r.stdout, r.stderr, self.t.logtext()[-2000:]))
            neigh = sh("ip", "-6", "neigh", "show", target, "dev", dev, ns=self.t.ns[ns]).stdout
            self.assertIn("lladdr " + mac, neigh)
            self.assertRegex(neigh, r"REACHABLE|STALE|DELAY|PROBE", neigh)
        st = punt(self.t)
        print(json.dumps(st, sort_keys=True)[:600])
        self.assertGreaterEqual(self.count(st, "nd6", "answered"), 2)
        self.assertGreaterEqual(self.count(st, "icmp6_echo", "answered"), 6)

    @staticmethod
    def count(st, kind, what):
        """st's counter what of the punt kind (its JSON: a "kind" object per key)."""
        def walk(v):
            if isinstance(v, dict):
                if kind in v and isinstance(v[kind], dict) and what in v[kind]:
                    return v[kind][what]
                for x in v.values():
                    r = walk(x)
                    if r is not None:
                        return r
            return None
        r = walk(st)
        if r is None:
            raise AssertionError("no %s/%s in %s" % (kind, what, st))
        return r

    def probe(self, target, hlim):
        r = sh("/usr/bin/python3", "-c", PROBE, "gwa-out", GWA_OUT6, self.t.mac("gwa", "gwa-out"),
               target, str(hlim), ns=self.t.ns["gwa"])
        return json.loads(r.stdout)

    def test_2_advertisement_fields(self):
        na = self.probe(GWB_OUT6, 255)
        mac = self.t.mac("gwb", "gwb-out")
        self.assertEqual(na, {"eth_dst": self.t.mac("gwa", "gwa-out"), "eth_src": mac,
                              "src": GWB_OUT6, "dst": GWA_OUT6, "hlim": 255, "R": 1, "S": 1,
                              "O": 1, "tgt": GWB_OUT6, "tlla": mac, "cksum_ok": True})

    def test_3_ignored_solicitations(self):
        before = self.count(punt(self.t), "nd6", "unhandled")
        self.assertEqual(self.probe(GWB_OUT6, 64), {})             # not from the link
        self.assertEqual(self.probe("2001:db8:0:1::99", 255), {})  # not our address
        # the second one's group (ff02::1:ff00:99) is not ours: dropped by the worker (not
        # punted); the first is punted and not answered
        wait_for(lambda: self.count(punt(self.t), "nd6", "unhandled") >= before + 1, 10,
                 "the NS with hop limit 64 counted as unhandled")


if __name__ == "__main__":
    unittest.main(verbosity=2)
