#!/usr/bin/python3
"""IPv6 neighbor discovery and ICMPv6 echo for dpsecd's own address6, against Linux:

   ns gwa (kernel)                 ns gwb (dpsecd)                      ns h2 (kernel)
   2001:db8:0:1::1 ----------- outside0 2001:db8:0:1::2   inside0 2001:db8:0:2::1 ---- 2001:db8:0:2::2

- gwB learns the kernels from their solicitations (RFC 4861 section 7.2.3), shown by
  `show ipv6 neighbors`;
- `ping -6` from either kernel to the gateway's address on its link works: the kernel's
  Neighbor Solicitation (to the solicited-node group) gets dpsecd's Neighbor Advertisement,
  which the kernel accepts (RFC 4861 section 7.1.2: hop limit 255, checksum, target) and
  keeps as the neighbour entry with dpsecd's MAC; then echo requests get echo replies;
- the punt counters say so (`nd6` and `icmp6_echo` answered);
- scapy checks the advertisement itself: solicited and override set, router set, the target
  link-layer address option carrying the port's MAC, the checksum right (scapy recomputes);
- what RFC 4861 says to ignore is not answered: an NS with hop limit 64, an NS for another
  address; each is counted as unhandled;
- the gateway resolves its own IPv6 next hops (RFC 4861 section 7.2.2): gwB has no static
  neighbor for h2's 2001:db8:0:2::2. gwA's scapy sends ESP (manual SAs, an entry with IPv6
  lines over the IPv4 tunnel) carrying ICMPv6 echo requests for h2; the first is dropped
  (Ipv6NoAdj) and makes gwB solicit h2, h2's kernel advertises itself, `show ipv6 neighbors`
  shows it REACH on inside0, and the next requests reach h2's kernel (its Icmp6InEchos);
- gwA's kernel changes its MAC (ndisc_notify): its unsolicited advertisement to ff02::1 is
  punted and gwB's entry follows the new MAC (RFC 4861 7.2.5, 7.2.6); one for an address
  gwB never learned creates nothing;
- NUD (RFC 4861 7.3.3): h2's STALE entry used by decrypted packets goes DELAY, gwB probes
  h2 by unicast and h2's answer makes it REACH; with h2 silent the probes go unanswered and
  the entry goes back to INCMP. inside0's ReachableTime is nd_reachable_time (IOS `ipv6 nd
  reachable-time`), REACHABLE_MS, so that REACH turns STALE without the default's 30 s wait,
  twice; outside0 keeps the default.
"""
import json
import os
import re
import socket
import sys
import time
import unittest

from scapy.layers.inet import IP
from scapy.layers.inet6 import (ICMPv6EchoRequest, ICMPv6ND_NA, ICMPv6ND_NS,
                                ICMPv6NDOptDstLLAddr, ICMPv6NDOptSrcLLAddr, IPv6)
from scapy.layers.ipsec import ESP, SecurityAssociation
from scapy.layers.l2 import Ether
from scapy.packet import raw
from scapy.utils6 import in6_getnsma, in6_getnsmac
from socket import inet_ntop, inet_pton

sys.path.insert(0, os.path.dirname(__file__))
from dpsectest.netns import (GWA_OUT, GWA_OUT6, GWB_IN6, GWB_OUT, GWB_OUT6,  # noqa: E402
                             H2_IN6, Topology, sh)
from dpsectest.wait import wait_for  # noqa: E402

REMOTE6 = "2001:db8:9::5"    # behind gwA, in the IPv6 entry's remote prefix
# inside0's ReachableTime: short, so that REACH goes STALE soon, yet long beside one poll of
# `show ipv6 neighbors` (a slow machine must still see the REACH it lasts for)
REACHABLE_MS = 5000
SPI_IN, SPI_OUT = 0x6001, 0x6002
KEY_IN, KEY_OUT = bytes(range(16)), bytes(range(16, 32))
AUTH_IN, AUTH_OUT = bytes(range(32, 64)), bytes(range(64, 96))

GW_YAML = f"""logging: {{syslog: false}}
transform_sets:
  TS: {{transforms: [esp-gcm 128]}}
  TS6: {{transforms: [esp-aes 128, esp-sha256-hmac]}}
crypto_maps:
  VPN:
    - seq: 10
      peer: 192.0.2.1
      transform_set: TS
      match: [{{src: 198.51.100.0/24, dst: 203.0.113.0/24}}]
    - seq: 20
      peer: 192.0.2.1
      transform_set: TS6
      match: [{{src: "2001:db8:0:2::/64", dst: "2001:db8:9::/64"}}]
manual_sas:
  - {{crypto_map: VPN, seq: 20, direction: inbound, spi: {SPI_IN}, cipher_key: "{KEY_IN.hex()}",
     auth_key: "{AUTH_IN.hex()}"}}
  - {{crypto_map: VPN, seq: 20, direction: outbound, spi: {SPI_OUT},
     cipher_key: "{KEY_OUT.hex()}", auth_key: "{AUTH_OUT.hex()}"}}
"""

def punt(t):
    return json.loads(t.cli("show platform hardware qfp active infrastructure punt statistics "
                            "type per-cause", json=True))


class Nd6(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.t = Topology(ipv6=True,
                         inside_yaml="    nd_reachable_time: %d\n" % REACHABLE_MS).__enter__()
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
        # the kernels' solicitations carried their link-layer addresses: gwB recorded them
        # (RFC 4861 section 7.2.3), STALE unless gwB confirmed one itself
        rows = json.loads(self.t.cli("show ipv6 neighbors", json=True))["neighbors"]
        gwa = next(r for r in rows if r["address"] == GWA_OUT6)
        self.assertEqual((gwa["mac"], gwa["interface"], gwa["origin"]),
                         (self.dotted(self.t.mac("gwa", "gwa-out")), "outside0", "dynamic"))
        self.assertIn(gwa["state"], ("STALE", "REACH"))
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
        """One NS from gwA's port for target with scapy, and what answered it within 2 s:
        the answer's fields (the checksum recomputed by scapy), or {} for nothing."""
        mac = self.t.mac("gwa", "gwa-out")
        group = inet_ntop(socket.AF_INET6, in6_getnsma(inet_pton(socket.AF_INET6, target)))
        ns = Ether(src=mac, dst=in6_getnsmac(inet_pton(socket.AF_INET6, target))) / \
            IPv6(src=GWA_OUT6, dst=group, hlim=hlim) / ICMPv6ND_NS(tgt=target) / \
            ICMPv6NDOptSrcLLAddr(lladdr=mac)
        ans = self.answer(self.t.socket("gwa", "gwa-out", receive=True), bytes(ns), target,
                          2.0)
        if ans is None:
            return {}
        na = ans[ICMPv6ND_NA]
        again = IPv6(raw(ans[IPv6]))
        again[ICMPv6ND_NA].cksum = None      # scapy computes it when building
        recomputed = IPv6(raw(again))[ICMPv6ND_NA].cksum
        return {"eth_dst": ans[Ether].dst, "eth_src": ans[Ether].src, "src": ans[IPv6].src,
                "dst": ans[IPv6].dst, "hlim": ans[IPv6].hlim, "R": na.R, "S": na.S, "O": na.O,
                "tgt": na.tgt, "tlla": ans[ICMPv6NDOptDstLLAddr].lladdr
                if ICMPv6NDOptDstLLAddr in ans else None,
                "cksum_ok": na.cksum == recomputed}

    @staticmethod
    def answer(sock, frame, target, timeout):
        """Sends frame on sock, then the first advertisement for target to GWA_OUT6 that sock
        receives within timeout seconds (scapy's srp1 matches so), or None."""
        sock.setblocking(False)
        try:
            while True:             # what the socket saw before: not an answer
                sock.recv(65535)
        except BlockingIOError:
            pass
        sock.setblocking(True)
        sock.send(frame)
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            sock.settimeout(max(0.001, end - time.monotonic()))
            try:
                data, addr = sock.recvfrom(65535)
            except socket.timeout:
                break
            if addr[2] == socket.PACKET_OUTGOING:
                continue
            p = Ether(data)
            if ICMPv6ND_NA in p and p[ICMPv6ND_NA].tgt == target and p[IPv6].dst == GWA_OUT6:
                sock.settimeout(None)
                return p
        sock.settimeout(None)
        return None

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

    def esp_to_h2(self, seqs):
        """gwA's ESP frames to gwB, each an echo request from REMOTE6 to h2 (sequence seq)."""
        sa = SecurityAssociation(ESP, spi=SPI_IN, crypt_algo="AES-CBC", crypt_key=KEY_IN,
                                 auth_algo="SHA2-256-128", auth_key=AUTH_IN,
                                 tunnel_header=IP(src=GWA_OUT, dst=GWB_OUT))
        eth = Ether(src=self.t.mac("gwa", "gwa-out"), dst=self.t.mac("gwb", "gwb-out"))
        return [eth / sa.encrypt(IPv6(src=REMOTE6, dst=H2_IN6, hlim=64) /
                                 ICMPv6EchoRequest(id=0x6d, seq=s), seq_num=s) for s in seqs]

    def h2_echos_in(self):
        snmp6 = sh("cat", "/proc/net/snmp6", ns=self.t.ns["h2"]).stdout
        return int(re.search(r"^Icmp6InEchos\s+(\d+)$", snmp6, re.M).group(1))

    def no_adj(self):
        drops = json.loads(self.t.cli("show platform hardware qfp active statistics drop all",
                                      json=True))["drops"]
        return sum(d["packets"] for d in drops if d["name"] == "Ipv6NoAdj")

    def h2_row(self):
        rows = json.loads(self.t.cli("show ipv6 neighbors", json=True))["neighbors"]
        return next((r for r in rows if r["address"] == H2_IN6), None)

    def test_0_gateway_resolves_inside_host(self):
        # first: once h2 has solicited gwB (test_1's ping), gwB knows it (section 7.2.3)
        self.assertIsNone(self.h2_row(), "no static neighbor for h2: nothing known yet")
        echos = self.h2_echos_in()
        self.t.send("gwa", "gwa-out", self.esp_to_h2([1]))
        # no MAC for h2: dropped and counted; the worker asks, gwB solicits, h2 answers
        wait_for(lambda: self.no_adj() >= 1, 20, "the first packet counted as Ipv6NoAdj")
        # REACH lasts REACHABLE_MS: seen in one look at the IOS layout, not two
        reach = r"(?m)^%s +0 %s  REACH inside0$" % (re.escape(H2_IN6),
                                                    self.dotted(self.t.mac("h2", "h2-in")))
        wait_for(lambda: re.search(reach, self.t.cli("show ipv6 neighbors")), 20,
                 "h2 learned by neighbor discovery, REACH")
        row = self.h2_row()
        self.assertEqual((row["mac"], row["interface"], row["origin"]),
                         (self.dotted(self.t.mac("h2", "h2-in")), "inside0", "dynamic"))
        dropped = self.no_adj()
        self.t.send("gwa", "gwa-out", self.esp_to_h2(range(2, 7)))
        wait_for(lambda: self.h2_echos_in() >= echos + 5, 20,
                 "the next five echo requests delivered to h2's kernel")
        self.assertEqual(self.no_adj(), dropped, "none dropped once h2 is resolved")
        # counted: our solicitation went out, h2's solicited advertisement confirmed it
        nd6 = json.loads(self.t.cli("show ip traffic", json=True))["nd6"]
        self.assertGreaterEqual(nd6["solicitations_sent"], 1)
        self.assertGreaterEqual(nd6["ns_sent"], 1)
        self.assertGreaterEqual(nd6["confirmed"], 1)
        self.assertGreaterEqual(nd6["hits"] + nd6["misses"], 1)

    def test_5_stale_neighbor_in_use_probed(self):
        """RFC 4861 7.3.3: h2's entry, learned in test_0, goes STALE after inside0's
        nd_reachable_time (REACHABLE_MS; the default would be 30 s); packets
        decrypted for h2 still go to its MAC and mark it used, gwB moves it to DELAY, sends a
        unicast solicitation to h2's MAC 5 s later (PROBE) and h2's kernel answers it:
        REACH again. Then h2 goes silent (its link down): the probes go unanswered and the
        entry is INCMP, no longer used (the next packet counts as Ipv6NoAdj)."""
        wait_for(lambda: (self.h2_row() or {}).get("state") == "STALE", 60,
                 "h2's entry STALE after its reachable time")
        before = json.loads(self.t.cli("show ip traffic", json=True))["nd6"]
        echos = self.h2_echos_in()
        self.t.send("gwa", "gwa-out", self.esp_to_h2([100]))
        wait_for(lambda: self.h2_echos_in() >= echos + 1, 20, "delivered by the STALE entry")
        wait_for(lambda: (self.h2_row() or {}).get("state") in ("DELAY", "PROBE", "REACH"), 20,
                 "the use noticed: DELAY")
        wait_for(lambda: (self.h2_row() or {}).get("state") == "REACH", 30,
                 "h2 confirmed by its answer to the unicast probe")
        nd6 = json.loads(self.t.cli("show ip traffic", json=True))["nd6"]
        self.assertGreaterEqual(nd6["delayed"], before["delayed"] + 1)
        self.assertGreaterEqual(nd6["probe_sent"], before["probe_sent"] + 1)
        self.assertGreaterEqual(nd6["confirmed"], before["confirmed"] + 1)
        self.assertEqual(nd6["probe_failed"], before["probe_failed"])
        # h2 silent: STALE again, used, probed three times unanswered, INCMP
        sh("ip", "link", "set", "h2-in", "down", ns=self.t.ns["h2"])
        try:
            wait_for(lambda: (self.h2_row() or {}).get("state") == "STALE", 60,
                     "h2's entry STALE again")
            self.t.send("gwa", "gwa-out", self.esp_to_h2([101]))
            wait_for(lambda: json.loads(self.t.cli("show ip traffic", json=True))["nd6"][
                "probe_failed"] == before["probe_failed"] + 1, 30, "the probes unanswered")
            self.assertIn((self.h2_row() or {}).get("state"), ("INCMP", None))
            dropped = self.no_adj()
            self.t.send("gwa", "gwa-out", self.esp_to_h2([102]))
            wait_for(lambda: self.no_adj() == dropped + 1, 20,
                     "the next packet for h2 dropped: no usable MAC")
        finally:
            sh("ip", "link", "set", "h2-in", "up", ns=self.t.ns["h2"])

    def gwa_row(self):
        rows = json.loads(self.t.cli("show ipv6 neighbors", json=True))["neighbors"]
        return next((r for r in rows if r["address"] == GWA_OUT6), None)

    def test_4_unsolicited_advertisement_to_all_nodes(self):
        """gwA's kernel changes its MAC with ndisc_notify on: it announces the new one in an
        unsolicited advertisement to ff02::1 (RFC 4861 7.2.6, override set). gwB's worker
        punts it (all-nodes, type 136) and the entry gwB has for gwA takes the new MAC,
        STALE (7.2.5); an unsolicited advertisement for an address gwB has no entry for
        creates none. The old MAC back the same way."""
        ns, dev = self.t.ns["gwa"], "gwa-out"
        old = self.t.mac("gwa", dev)
        new = "02:00:5e:00:53:a1"
        self.assertIsNotNone(self.gwa_row(), "gwB knows gwA since test_1")
        before = json.loads(self.t.cli("show ip traffic", json=True))["nd6"]
        sh("sysctl", "-qw", "net.ipv6.conf.%s.ndisc_notify=1" % dev, ns=ns)
        try:
            sh("ip", "link", "set", dev, "address", new, ns=ns)
            wait_for(lambda: (self.gwa_row() or {}).get("mac") == self.dotted(new), 20,
                     "gwB to follow gwA's new MAC" + self.t.logtext()[-1500:])
            self.assertEqual(self.gwa_row()["state"], "STALE")
            nd6 = json.loads(self.t.cli("show ip traffic", json=True))["nd6"]
            self.assertGreaterEqual(nd6["mac_changed"], before["mac_changed"] + 1)
            # for an address gwB never learned: nothing created (and counted as ignored)
            # an unsolicited advertisement (override set) to all-nodes
            self.t.send("gwa", dev, [
                Ether(src=new, dst="33:33:00:00:00:01") /
                IPv6(src="2001:db8:0:1::77", dst="ff02::1", hlim=255) /
                ICMPv6ND_NA(R=0, S=0, O=1, tgt="2001:db8:0:1::77") /
                ICMPv6NDOptDstLLAddr(lladdr=new)])
            wait_for(lambda: json.loads(self.t.cli("show ip traffic", json=True))["nd6"][
                "na_ignored"] > nd6["na_ignored"], 20, "the advertisement for no entry")
            rows = json.loads(self.t.cli("show ipv6 neighbors", json=True))["neighbors"]
            self.assertNotIn("2001:db8:0:1::77", [r["address"] for r in rows])
        finally:
            sh("ip", "link", "set", dev, "address", old, ns=ns)
        wait_for(lambda: (self.gwa_row() or {}).get("mac") == self.dotted(old), 20,
                 "gwB to follow gwA's MAC back")
        sh("sysctl", "-qw", "net.ipv6.conf.%s.ndisc_notify=0" % dev, ns=ns)

    @staticmethod
    def dotted(mac):
        h = mac.replace(":", "")
        return "%s.%s.%s" % (h[0:4], h[4:8], h[8:12])


if __name__ == "__main__":
    unittest.main(verbosity=2)
