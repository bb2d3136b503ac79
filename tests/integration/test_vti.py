#!/usr/bin/python3
"""Static VTI (route-based tunnels, issue 10 item 3) through a running dpsecd, with scapy
as the peer: no crypto map anywhere, only tunnels and routes into them.

   host 10.0.2.5 -- inside0 10.0.2.1/24 [dpsecd gwB] outside0 192.0.2.2 ==Tunnel1==> 192.0.2.1
                                                                         ==Tunnel2==> 192.0.2.9
   ip route 198.51.100.0 255.255.255.0 Tunnel1   (keyed: manual SAs with tunnel: Tunnel1)
   ip route 203.0.113.0 255.255.255.0 Tunnel2    (no SA)

- A host's packet routed into Tunnel1 leaves as ESP from 192.0.2.2 to 192.0.2.1 that scapy
  decrypts to the packet as forwarded (TTL one lower), whatever the inner addresses: the
  tunnel's SA has 0.0.0.0/0 selectors.
- ESP scapy sends under Tunnel1's inbound SA, from any inner source, is forwarded to the
  host byte for byte.
- A host's packet routed into Tunnel2, which has no SA, is dropped and counted as 111
  OUT_IPV4_SA_NOT_FOUND: nothing leaves outside0, encrypted or in clear.
- `show interfaces Tunnel1` counts what went in and out of the tunnel; `show crypto ipsec
  sa` lists the tunnel's SAs under "interface: Tunnel1".

Over IPv6 ("tunnel mode ipsec ipv6", class Vti6), the same with IPv6 everywhere:

   host 2001:db8:2::5 -- inside0 2001:db8:2::1/64 [gwB] outside0 2001:db8::2 ==Tunnel6==> 2001:db8::1
                                                                            ==Tunnel7==> 2001:db8::9
   ipv6 route 2001:db8:1::/48 Tunnel6   (keyed: manual SAs with tunnel: Tunnel6)
   ipv6 route 2001:db8:7::/48 Tunnel7   (no SA)

- into Tunnel6: ESP (or AH) over IPv6 from 2001:db8::2 to 2001:db8::1 that scapy decrypts
  (its SecurityAssociation with an IPv6 tunnel header; AH: verified) to the packet as
  forwarded (hop limit one lower); out of Tunnel6: what scapy encrypts is forwarded to the
  host byte for byte (AH: sent with traffic class, flow label and hop limit set);
- into Tunnel7: dropped and counted as 112 OUT_IPV6_SA_NOT_FOUND, nothing leaves;
- `show interfaces Tunnel6` says IPSEC/IPV6 with the IPv6 endpoints and counts both ways.
"""
import os
import re
import sys
import unittest

from scapy.layers.inet import ICMP, IP, UDP
from scapy.layers.inet6 import ICMPv6EchoRequest, IPv6
from scapy.layers.ipsec import AH, ESP, SecurityAssociation
from scapy.layers.l2 import Ether
from scapy.packet import Raw

sys.path.insert(0, os.path.dirname(__file__))
from dpsectest.esp import Tunnel, forwarded  # noqa: E402
from dpsectest.gateway import (HOST_MAC, INSIDE, INSIDE_MAC, LOCAL, OUTSIDE_MAC,  # noqa: E402
                               PEER, PEER_MAC, Gateway, Interface, drops)

SIZES = (0, 1, 45, 500, 1300)
NO_SA_PEER = "192.0.2.9"


def from_host(i, size, dst):
    return IP(src="10.0.2.5" if i % 2 else "10.0.2.77", dst=dst, id=i, tos=0x28) / \
        UDP(sport=1000 + i, dport=53) / Raw(bytes((i + j) & 0xff for j in range(size)))


def from_peer(i, size, src):
    return IP(src=src, dst="10.0.2.5", id=0x100 + i) / ICMP(id=7, seq=i) / \
        Raw(bytes((3 * i + j) & 0xff for j in range(size)))


def config(t):
    """Tunnel1 keyed by t's manual SAs, Tunnel2 without SA, and the routes into them."""
    sas = ""
    for sa in t.manual_sas():
        sas += "  - tunnel: Tunnel1\n    direction: %s\n    spi: %s\n" % (
            sa["direction"], hex(sa["spi"]))
        sas += '    cipher_key: "%s"\n' % sa["cipher_key"].hex()
        if sa.get("auth_key"):
            sas += '    auth_key: "%s"\n' % sa["auth_key"].hex()
        if t.calg == "AES-GCM":
            sas += "    allow_unsafe_manual_gcm: true\n"
    words = ", ".join(t.words)
    return f"""transform_sets:
  TS-VTI: {{transforms: [{words}]}}
tunnels:
  - name: Tunnel1
    address: 10.255.0.1/30
    source: outside0
    destination: {PEER}
    mode: ipsec ipv4
    protection: {{profile: VTI-PROF, transform_set: TS-VTI}}
  - name: tunnel2
    source: {LOCAL}
    destination: {NO_SA_PEER}
    protection: {{profile: VTI-PROF, transform_set: TS-VTI}}
routes:
  - {{prefix: 198.51.100.0/24, interface: Tunnel1}}
  - {{prefix: 203.0.113.0/24, interface: Tunnel2}}
manual_sas:
{sas}"""


class Vti(unittest.TestCase):
    def run_case(self, xform):
        t = Tunnel(xform)
        out = [from_host(i, s, "198.51.100.%d" % (7 + i)) for i, s in enumerate(SIZES * 2)]
        no_sa = [from_host(i, s, "203.0.113.7") for i, s in enumerate(SIZES)]
        back = [from_peer(i, s, "198.51.100.7" if i % 2 else "172.16.0.9")
                for i, s in enumerate(SIZES * 2)]
        ifs = [Interface("outside0", "outside", LOCAL + "/24", next_hop_mac=PEER_MAC),
               Interface("inside0", "inside", INSIDE + "/24", next_hop_mac=HOST_MAC)]
        gw = Gateway(interfaces=ifs, entries=[], extra_yaml=config(t))
        try:
            gw.start(outside_rx=[t.encrypt(p, seq=i + 1) for i, p in enumerate(back)],
                     inside_rx=[Ether(src=HOST_MAC, dst=INSIDE_MAC) / p for p in out + no_sa])
            gw.settle()
            d = drops(gw, all_rows=False)
            show_if = gw.cli("show interfaces Tunnel1")
            show_sa = gw.cli("show crypto ipsec sa")
            tx = gw.stop()
        finally:
            gw.close()
        self.assertEqual(d, {"OUT_IPV4_SA_NOT_FOUND": len(no_sa)})

        # into Tunnel1: scapy decrypts each to the packet as forwarded; nothing for Tunnel2
        self.assertEqual(len(tx["outside"]), len(out))
        for n, (got, sent) in enumerate(zip(tx["outside"], out), start=1):
            self.assertEqual(got[Ether].dst, PEER_MAC)
            self.assertEqual((got[IP].src, got[IP].dst), (LOCAL, PEER))
            self.assertEqual(got[IP].proto, 50)
            esp = bytes(got[IP].payload)
            self.assertEqual(int.from_bytes(esp[0:4], "big"), t.spi_out)
            self.assertEqual(int.from_bytes(esp[4:8], "big"), n)
            self.assertEqual(bytes(t.decrypt(got)), bytes(forwarded(sent)))
        for got in tx["outside"]:
            self.assertNotEqual(got[IP].dst, NO_SA_PEER)
            self.assertNotIn(UDP, got[IP].payload.__class__.__mro__)

        # out of Tunnel1: to the host, byte for byte, whatever the inner source
        self.assertEqual(len(tx["inside"]), len(back))
        for got, sent in zip(tx["inside"], back):
            self.assertEqual(got[Ether].dst, HOST_MAC)
            self.assertEqual(bytes(got[IP]), bytes(forwarded(sent)))

        self.check_show_interface(show_if, out, back)
        self.assertIn("interface: Tunnel1", show_sa)
        self.assertIn("current outbound spi: 0x%X" % t.spi_out, show_sa)

    def check_show_interface(self, text, out, back):
        self.assertIn("Tunnel1 is up, line protocol is up", text)
        self.assertIn("Internet address is 10.255.0.1/30", text)
        self.assertIn("Tunnel source %s (outside0), destination %s" % (LOCAL, PEER), text)
        self.assertIn("Tunnel protocol/transport IPSEC/IP", text)
        self.assertIn('Tunnel protection via IPSec (profile "VTI-PROF")', text)
        m = re.search(r"(\d+) packets input, (\d+) bytes", text)
        self.assertEqual((int(m.group(1)), int(m.group(2))),
                         (len(back), sum(len(p) for p in back)), text)
        m = re.search(r"(\d+) packets output, (\d+) bytes", text)
        self.assertEqual((int(m.group(1)), int(m.group(2))),
                         (len(out), sum(len(p) for p in out)), text)

    def test_gcm(self):
        self.run_case("gcm128")

    def test_cbc_sha256(self):
        self.run_case("cbc128-sha256")


LOCAL6, PEER6, NO_SA_PEER6 = "2001:db8::2", "2001:db8::1", "2001:db8::9"
HOST6 = "2001:db8:2::5"


def from_host6(i, size, dst):
    return IPv6(src=HOST6 if i % 2 else "2001:db8:2::77", dst=dst, tc=0x28, hlim=64) / \
        UDP(sport=1000 + i, dport=53) / Raw(bytes((i + j) & 0xff for j in range(size)))


def from_peer6(i, size, src):
    return IPv6(src=src, dst=HOST6, hlim=64) / ICMPv6EchoRequest(id=7, seq=i) / \
        Raw(bytes((3 * i + j) & 0xff for j in range(size)))


def config6(t):
    """Tunnel6 (ipsec ipv6) keyed by t's manual SAs, Tunnel7 without SA, IPv6 routes into them."""
    sas = ""
    for sa in t.manual_sas():
        sas += "  - tunnel: Tunnel6\n    direction: %s\n    spi: %s\n" % (
            sa["direction"], hex(sa["spi"]))
        sas += '    cipher_key: "%s"\n' % sa["cipher_key"].hex()
        if sa.get("auth_key"):
            sas += '    auth_key: "%s"\n' % sa["auth_key"].hex()
        if t.calg == "AES-GCM":
            sas += "    allow_unsafe_manual_gcm: true\n"
    words = ", ".join(t.words)
    return f"""transform_sets:
  TS-VTI: {{transforms: [{words}]}}
tunnels:
  - name: Tunnel6
    mode: ipsec ipv6
    address6: "2001:db8:ffff::1/64"
    source: outside0
    destination: "{PEER6}"
    protection: {{profile: VTI6-PROF, transform_set: TS-VTI}}
  - name: Tunnel7
    mode: ipsec ipv6
    source: "{LOCAL6}"
    destination: "{NO_SA_PEER6}"
    protection: {{profile: VTI6-PROF, transform_set: TS-VTI}}
routes:
  - {{prefix: "2001:db8:1::/48", interface: Tunnel6}}
  - {{prefix: "2001:db8:7::/48", interface: Tunnel7}}
manual_sas:
{sas}"""


def sa6(t, spi, ck, ak, src, dst):
    """scapy's SA with an IPv6 tunnel header: ESP, or AH with the mutable fields set."""
    if t.ah:
        return SecurityAssociation(AH, spi=spi, auth_algo=t.aalg, auth_key=ak,
                                   tunnel_header=IPv6(src=src, dst=dst, tc=0x28, fl=7, hlim=9))
    return SecurityAssociation(ESP, spi=spi, crypt_algo=t.calg, crypt_key=ck or None,
                               auth_algo=t.aalg, auth_key=ak or None,
                               tunnel_header=IPv6(src=src, dst=dst))


class Vti6(unittest.TestCase):
    def run_case(self, xform):
        t = Tunnel(xform)
        sa = {d: sa6(t, spi, ck, ak, src, dst)
              for d, spi, ck, ak, src, dst in (
                  ("in", t.spi_in, t.ck_in, t.ak_in, PEER6, LOCAL6),
                  ("out", t.spi_out, t.ck_out, t.ak_out, LOCAL6, PEER6))}
        out = [from_host6(i, s, "2001:db8:1::%x" % (7 + i)) for i, s in enumerate(SIZES * 2)]
        no_sa = [from_host6(i, s, "2001:db8:7::7") for i, s in enumerate(SIZES)]
        back = [from_peer6(i, s, "2001:db8:1::7" if i % 2 else "2001:db8:99::9")
                for i, s in enumerate(SIZES * 2)]
        ifs = [Interface("outside0", "outside", LOCAL + "/24", address6=LOCAL6 + "/64",
                         neighbors=[(PEER6, PEER_MAC)]),
               Interface("inside0", "inside", INSIDE + "/24", next_hop_mac=HOST_MAC,
                         address6="2001:db8:2::1/64")]
        frames_in = [Ether(src=PEER_MAC, dst=OUTSIDE_MAC) / sa["in"].encrypt(p, seq_num=i + 1)
                     for i, p in enumerate(back)]
        gw = Gateway(interfaces=ifs, entries=[], extra_yaml=config6(t))
        try:
            gw.start(outside_rx=frames_in,
                     inside_rx=[Ether(src=HOST_MAC, dst=INSIDE_MAC) / p for p in out + no_sa])
            gw.settle()
            d = drops(gw, all_rows=False)
            show_if = gw.cli("show interfaces Tunnel6")
            show_sa = gw.cli("show crypto ipsec sa interface Tunnel6")
            tx = gw.stop()
        finally:
            gw.close()
        self.assertEqual(d, {"OUT_IPV6_SA_NOT_FOUND": len(no_sa)})

        # into Tunnel6: ESP over IPv6 that scapy decrypts to the packet as forwarded
        self.assertEqual(len(tx["outside"]), len(out))
        for n, (got, sent) in enumerate(zip(tx["outside"], out), start=1):
            self.assertEqual((got[Ether].dst, got[Ether].type), (PEER_MAC, 0x86dd))
            outer = got[IPv6]
            self.assertEqual((outer.src, outer.dst, outer.nh),
                             (LOCAL6, PEER6, 51 if t.ah else 50))
            self.assertEqual(outer.tc, sent.tc)   # RFC 6040
            hdr = bytes(outer.payload)[4:] if t.ah else bytes(outer.payload)   # AH: SPI at 4
            self.assertEqual(int.from_bytes(hdr[0:4], "big"), t.spi_out)
            self.assertEqual(int.from_bytes(hdr[4:8], "big"), n)
            self.assertEqual(bytes(sa["out"].decrypt(IPv6(bytes(outer)), verify=True)),
                             bytes(forwarded(sent)))
        for got in tx["outside"]:
            self.assertNotEqual(got[IPv6].dst, NO_SA_PEER6)
            self.assertNotIn(UDP, got[IPv6].payload.__class__.__mro__)

        # out of Tunnel6: to the host, byte for byte, whatever the inner source
        self.assertEqual(len(tx["inside"]), len(back))
        for got, sent in zip(tx["inside"], back):
            self.assertEqual((got[Ether].dst, got[Ether].type), (HOST_MAC, 0x86dd))
            self.assertEqual(bytes(got[Ether].payload), bytes(forwarded(sent)))

        self.assertIn("Tunnel6 is up, line protocol is up", show_if)
        self.assertIn("Tunnel source %s (outside0), destination %s" % (LOCAL6, PEER6), show_if)
        self.assertIn("Tunnel protocol/transport IPSEC/IPV6", show_if)
        self.assertNotIn("Internet address", show_if)
        m = re.search(r"(\d+) packets input, (\d+) bytes", show_if)
        self.assertEqual((int(m.group(1)), int(m.group(2))),
                         (len(back), sum(len(p) for p in back)), show_if)
        m = re.search(r"(\d+) packets output, (\d+) bytes", show_if)
        self.assertEqual((int(m.group(1)), int(m.group(2))),
                         (len(out), sum(len(p) for p in out)), show_if)
        self.assertIn("Crypto map tag: Tunnel6-head-0, local addr %s" % LOCAL6, show_sa)
        self.assertIn("local crypto endpt.: %s, remote crypto endpt.: %s" % (LOCAL6, PEER6),
                      show_sa)

    def test_gcm(self):
        self.run_case("gcm256")

    def test_cbc_sha256(self):
        self.run_case("cbc128-sha256")

    def test_ah_sha256(self):
        self.run_case("ah-sha256")


if __name__ == "__main__":
    unittest.main(verbosity=2)
