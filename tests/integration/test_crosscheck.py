#!/usr/bin/python3
"""Cross-implementation check: scapy encrypts, dpsecd decrypts (byte for byte);
dpsecd encrypts, scapy decrypts (byte for byte), for every transform, with and
without ESP-in-UDP (RFC 3948) and extended sequence numbers. AH (RFC 4302) the
same way: scapy signs, dpsecd verifies; dpsecd signs, scapy and an independent
Python hmac computation verify. TCP MSS clamping (tcp_adjust_mss 1360 on
inside0) both ways: what dpsecd sends is what scapy builds with the MSS
lowered and the checksum computed anew. IPv6 inside the IPv4 tunnel (an entry with
IPv6 lines, ESP next header 41) both ways, with scapy's SecurityAssociation;
and IPv4 and IPv6 inside an IPv6 tunnel (an IPv6 peer) the same way, its outer packets
fragmented by scapy into dpsecd and by dpsecd towards scapy (RFC 8200 4.5).

   scapy (peer 192.0.2.1) --ESP--> outside0 [dpsecd gwB] inside0 --> host 10.0.2.5
   scapy (peer 192.0.2.1) <--ESP-- outside0 [dpsecd gwB] inside0 <-- host 10.0.2.5
"""
import struct
import sys
import unittest

import json

from scapy.layers.inet import ICMP, IP, TCP, UDP, defragment
from scapy.layers.inet6 import (IPv6, IPv6ExtHdrDestOpt, IPv6ExtHdrFragment, IPv6ExtHdrHopByHop,
                                IPv6ExtHdrRouting, defragment6, fragment6)
from scapy.layers.ipsec import AH, ESP, SecurityAssociation
from scapy.layers.l2 import Ether
from scapy.packet import Raw

sys.path.insert(0, __import__("os").path.dirname(__file__))
from dpsectest.bundle import Bundle, Bundle6  # noqa: E402
from dpsectest.esp import HASHES, Tunnel, ah_icv6, forwarded  # noqa: E402
from dpsectest.gateway import (HOST_MAC, INSIDE, INSIDE_MAC, LOCAL, OUTSIDE_MAC, PEER,  # noqa: E402,E501
                               PEER_MAC, Entry, Gateway, Interface, default_interfaces,
                               drops)
from dpsectest.wait import wait_for  # noqa: E402

SIZES = (0, 1, 45, 500, 1300)


def inner_from_peer(i, size):
    return IP(src="10.0.0.7", dst="10.0.2.5", id=i, tos=0x28) / UDP(sport=1000 + i, dport=53) / \
        Raw(bytes((i + j) & 0xff for j in range(size)))


def inner_from_host(i, size):
    flags = "DF" if i % 2 else 0
    return IP(src="10.0.2.5", dst="10.0.0.7", id=i, flags=flags, tos=0xb9) / \
        ICMP(id=7, seq=i) / Raw(bytes((3 * i + j) & 0xff for j in range(size)))


class CrossCheck(unittest.TestCase):
    def run_case(self, xform, udp=False, esn=False):
        t = Tunnel(xform, udp=udp, esn=esn)
        to_gw = [inner_from_peer(i, s) for i, s in enumerate(SIZES * 2)]
        from_host = [inner_from_host(i, s) for i, s in enumerate(SIZES * 2)]
        frames_in = [t.encrypt(p, seq=i + 1) for i, p in enumerate(to_gw)]
        if esn:
            # Across the 2^32 boundary, with the gateway inferring the high bits
            # (RFC 4303 A2.2). The first RX burst (32 packets: net_pcap hands
            # the worker 32 at a time, the configured burst) ends with a jump
            # to mid-space; the next one climbs to the last low value and into
            # the next subspace. (Every cipher infers from the window as the
            # packets before it in the burst left it: see esp_in.c.)
            first = 32 - len(frames_in)
            frames_in += [t.encrypt(to_gw[i % len(SIZES)], seq=0x80000000 + i)
                          for i in range(first)]
            frames_in += [t.encrypt(to_gw[0], seq=0xfffffffe),
                          t.encrypt(to_gw[1], seq=0xffffffff),
                          t.encrypt(to_gw[2], seq=1, esn_high=1),
                          t.encrypt(to_gw[3], seq=2, esn_high=1)]
            to_gw += [to_gw[i % len(SIZES)] for i in range(first)] + to_gw[:4]
        plain_in = [Ether(src=HOST_MAC, dst=INSIDE_MAC) / p for p in from_host]

        gw = Gateway(t.words, t.manual_sas(), esn=esn)
        try:
            gw.start(outside_rx=frames_in, inside_rx=plain_in)
            gw.settle()
            d = drops(gw, all_rows=False)
            tx = gw.stop()
        finally:
            gw.close()
        self.assertEqual(d, {}, "no drops expected")

        # peer -> host: exact inner packets, TTL decremented
        self.assertEqual(len(tx["inside"]), len(to_gw))
        for got, sent in zip(tx["inside"], to_gw):
            self.assertEqual(got[Ether].dst, HOST_MAC)
            self.assertEqual(bytes(got[IP]), bytes(forwarded(sent)))

        # host -> peer: scapy decrypts what dpsecd sent
        self.assertEqual(len(tx["outside"]), len(from_host))
        for n, (got, sent) in enumerate(zip(tx["outside"], from_host), start=1):
            self.assertEqual(got[Ether].dst, PEER_MAC)
            outer = got[IP]
            self.assertEqual((outer.src, outer.dst), (LOCAL, PEER))
            self.assertEqual(outer.tos, sent.tos)          # DSCP/ECN copied
            self.assertEqual(outer.flags.DF, sent.flags.DF)  # DF copied
            if t.ah:
                self.assertEqual(outer.proto, 51)
                ah = bytes(outer.payload)
                self.assertEqual(ah[0], 4, "next header: IPv4 (tunnel mode)")
                self.assertEqual((ah[1] + 2) * 4, 12 + HASHES[t.aalg][1], "AH length")
                self.assertEqual(int.from_bytes(ah[4:8], "big"), t.spi_out)
                self.assertEqual(int.from_bytes(ah[8:12], "big"), n, "sequence numbers 1, 2, ...")
                self.assertEqual(bytes(t.decrypt(got)), bytes(forwarded(sent)))
                continue
            if udp:
                self.assertEqual(outer.proto, 17)
                self.assertEqual((outer[UDP].sport, outer[UDP].dport), (4500, 4500))
                self.assertEqual(outer[UDP].chksum, 0, "RFC 3948 2.1: zero UDP checksum")
            else:
                self.assertEqual(outer.proto, 50)
            esp = bytes(outer[UDP].payload) if udp else bytes(outer.payload)
            self.assertEqual(int.from_bytes(esp[4:8], "big"), n, "sequence numbers 1, 2, ...")
            inner = t.decrypt(got)
            self.assertEqual(bytes(inner), bytes(forwarded(sent)))


class FragmentCrossCheck(unittest.TestCase):
    """crypto ipsec fragmentation: a host's packet, DF clear, too big for the tunnel.
    before-encryption (the default): each ESP packet scapy decrypts carries one fragment,
    and scapy reassembles them into the packet; after-encryption: scapy reassembles the
    outer fragments into one ESP packet and decrypts it to the packet."""

    def run_mode(self, mode, xform, udp=False):
        t = Tunnel(xform, udp=udp)
        sent = [IP(src="10.0.2.5", dst="10.0.0.7", id=0x4000 + i) / UDP(sport=5000, dport=53) /
                Raw(bytes((7 * i + j) & 0xff for j in range(size)))
                for i, size in enumerate((1472, 1900))]
        gw = Gateway(t.words, t.manual_sas(),
                     extra_yaml="ipsec:\n  fragmentation: %s\n" % mode)
        try:
            gw.start(inside_rx=[Ether(src=HOST_MAC, dst=INSIDE_MAC) / p for p in sent])
            gw.settle()
            d = drops(gw, all_rows=False)
            tx = gw.stop()
        finally:
            gw.close()
        self.assertEqual(d, {}, "no drops expected")
        out = tx["outside"]
        for f in out:
            self.assertLessEqual(len(f[IP]), 1500)
        if mode == "before-encryption":
            # whole ESP packets, sequence numbers 1, 2, ...; inside them the fragments
            self.assertTrue(all(f[IP].frag == 0 and not f[IP].flags.MF for f in out))
            inner = [t.decrypt(f) for f in out]
            self.assertEqual(len(inner), 4)
            got = defragment(inner)
        else:
            self.assertTrue(any(f[IP].flags.MF for f in out))
            whole = defragment([f[IP] for f in out])
            self.assertEqual(len(whole), 2)
            got = [t.decrypt(Ether() / w) for w in whole]
        self.assertEqual([bytes(g) for g in got], [bytes(forwarded(p)) for p in sent])

    def test_before_encryption(self):
        for xform, udp in (("gcm128", False), ("cbc256-sha256", True)):
            with self.subTest(xform=xform, udp=udp):
                self.run_mode("before-encryption", xform, udp)

    def test_after_encryption(self):
        for xform, udp in (("gcm128", False), ("cbc256-sha256", True)):
            with self.subTest(xform=xform, udp=udp):
                self.run_mode("after-encryption", xform, udp)


class PathMtu(unittest.TestCase):
    """A router on the path says our ESP (raw, in UDP) is too big for its next hop (ICMP 3/4,
    RFC 1191, quoting our header and SPI): show crypto ipsec sa shows the SA's path mtu
    lowered (and its plaintext mtu with it), the punted ICMP counted as answered; an ICMP 3/4
    about an SPI we do not have changes nothing. (What the lowered MTU does to the packets,
    and its ageing: tests/unit/dataplane/test_pmtu.c.)"""

    def icmp(self, t, spi, mtu):
        quoted = IP(src=LOCAL, dst=PEER, flags="DF", proto=17 if t.udp else 50)
        quoted = quoted / UDP(sport=4500, dport=4500) / Raw(struct.pack("!LL", spi, 9)) \
            if t.udp else quoted / Raw(struct.pack("!LL", spi, 9))
        return Ether(src=PEER_MAC, dst=OUTSIDE_MAC) / IP(src="192.0.2.77", dst=LOCAL) / \
            ICMP(type=3, code=4, nexthopmtu=mtu) / Raw(bytes(quoted)[:28 + (8 if t.udp else 0)])

    @staticmethod
    def punted(gw):
        return json.loads(gw.cli("--json show platform hardware qfp active infrastructure punt "
                                 "statistics type per-cause"))["punt"]["other"]

    def test_icmp_lowers_path_mtu(self):
        for udp in (False, True):
            with self.subTest(udp=udp):
                t = Tunnel("gcm128", udp=udp)
                gw = Gateway(t.words, t.manual_sas())
                try:
                    gw.start(outside_rx=[self.icmp(t, t.spi_out + 1, 1300),
                                         self.icmp(t, t.spi_out, 1400)])
                    # an answered ICMP is neither sent nor dropped: settle() cannot see it
                    wait_for(lambda: self.punted(gw)["received"] == 2, 30, "both ICMPs punted")
                    flow = json.loads(gw.cli("--json show crypto ipsec sa"))["interfaces"][0]
                    text = gw.cli("show crypto ipsec sa")
                    other = self.punted(gw)
                    gw.stop()
                finally:
                    gw.close()
                f = flow["flows"][0]
                self.assertEqual(f["path_mtu"], 1400)
                self.assertIn("path mtu 1400, ip mtu 1500", text)
                # GCM-128: outer IPv4 (and UDP), ESP header, IV, ICV; padded to 4 with 2 bytes
                self.assertEqual(f["plaintext_mtu"], ((1400 - 52 - (8 if udp else 0)) & ~3) - 2)
                self.assertEqual((other["answered"], other["unhandled"]), (1, 1))


MSS = 1360


def tcp_seg(src, dst, flags, options, i):
    return IP(src=src, dst=dst, id=100 + i) / \
        TCP(sport=40000 + i, dport=443, seq=1000 * i, ack=7 if "A" in flags else 0,
            flags=flags, options=options) / Raw(b"x" * (i % 3))


def clamped(pkt):
    """pkt as a gateway with "ip tcp adjust-mss MSS" forwards it: computed by scapy."""
    p = IP(bytes(pkt))
    t = p[TCP]
    if "S" in t.flags and p.frag == 0 and not p.flags.MF:
        t.options = [("MSS", min(v, MSS)) if k == "MSS" else (k, v) for k, v in t.options]
        del t.chksum
    return forwarded(IP(bytes(p)))


# (flags, options): lowered (MSS first, after a NOP: odd offset, a SYN-ACK), not raised,
# none, non-SYN
TCP_CASES = [
    ("S", [("MSS", 1460), ("SAckOK", b""), ("WScale", 7)]),
    ("S", [("NOP", None), ("MSS", 8960), ("NOP", None), ("WScale", 2)]),
    ("SA", [("MSS", 1460), ("NOP", None), ("NOP", None), ("SAckOK", b"")]),
    ("S", [("MSS", 1200)]),
    ("S", [("WScale", 7), ("Timestamp", (1, 0))]),
    ("A", [("MSS", 1460)]),
]
N_CLAMPED = 3


class MssClamp(unittest.TestCase):
    def test_adjust_mss_both_ways(self):
        t = Tunnel("cbc128-sha256")
        to_gw = [tcp_seg("10.0.0.7", "10.0.2.5", f, o, i) for i, (f, o) in enumerate(TCP_CASES)]
        from_host = [tcp_seg("10.0.2.5", "10.0.0.7", f, o, i)
                     for i, (f, o) in enumerate(TCP_CASES)]
        ifs = [Interface("outside0", "outside", LOCAL + "/24", crypto_map="VPN",
                         next_hop_mac=PEER_MAC),
               Interface("inside0", "inside", INSIDE + "/24", next_hop_mac=HOST_MAC,
                         tcp_adjust_mss=MSS)]
        gw = Gateway(t.words, t.manual_sas(), interfaces=ifs)
        try:
            gw.start(outside_rx=[t.encrypt(p, seq=i + 1) for i, p in enumerate(to_gw)],
                     inside_rx=[Ether(src=HOST_MAC, dst=INSIDE_MAC) / p for p in from_host])
            gw.settle()
            d = drops(gw, all_rows=False)
            ifc = {i["name"]: i for i in json.loads(gw.cli("--json show interfaces"))["interfaces"]}
            tx = gw.stop()
        finally:
            gw.close()
        self.assertEqual(d, {}, "no drops expected")
        self.assertEqual(ifc["inside0"]["tcp_mss_adjusted"], 2 * N_CLAMPED)
        self.assertEqual(ifc["outside0"]["tcp_mss_adjusted"], 0)
        self.assertEqual(len(tx["inside"]), len(to_gw))
        for got, sent in zip(tx["inside"], to_gw):
            self.assertEqual(bytes(got[IP]), bytes(clamped(sent)))
        self.assertEqual(len(tx["outside"]), len(from_host))
        for got, sent in zip(tx["outside"], from_host):
            self.assertEqual(bytes(t.decrypt(got)), bytes(clamped(sent)))
        # the cases mean what they say: three changed each way, three not
        changed = sum(bytes(clamped(p)) != bytes(forwarded(p)) for p in to_gw + from_host)
        self.assertEqual(changed, 2 * N_CLAMPED)


class BundleCrossCheck(unittest.TestCase):
    """AH+ESP bundles (RFC 4301 4.5, IOS "ah-sha256-hmac esp-gcm 256"): scapy puts the
    peer's packets in ESP (tunnel mode) and AH over that, dpsecd delivers the inner packets
    byte for byte; what dpsecd sends is [IPv4 51][AH nh 50][ESP], AH and ESP sequence
    numbers 1, 2, ..., its AH verified by scapy and Python's hmac, its ESP decrypted by
    scapy, and with AES-GCM (the IV is the sequence number) the whole packet equal to the
    one scapy builds for the same inner packet. show crypto ipsec sa lists both SAs of each
    direction and counts each packet once."""

    def run_bundle(self, esp_xform, ah_xform, esn=False):
        b = Bundle(esp_xform, ah_xform, esn=esn)
        to_gw = [inner_from_peer(i, s) for i, s in enumerate(SIZES)]
        from_host = [inner_from_host(i, s) for i, s in enumerate(SIZES)]
        gw = Gateway(b.words, b.manual_sas(), esn=esn)
        try:
            gw.start(outside_rx=[b.encrypt(p, seq=i + 1) for i, p in enumerate(to_gw)],
                     inside_rx=[Ether(src=HOST_MAC, dst=INSIDE_MAC) / p for p in from_host])
            gw.settle()
            d = drops(gw, all_rows=False)
            text = gw.cli("show crypto ipsec sa")
            tx = gw.stop()
        finally:
            gw.close()
        self.assertEqual(d, {}, "no drops expected")
        self.assertEqual([bytes(g[IP]) for g in tx["inside"]],
                         [bytes(forwarded(p)) for p in to_gw])
        self.assertEqual(len(tx["outside"]), len(from_host))
        for n, (got, sent) in enumerate(zip(tx["outside"], from_host), start=1):
            raw = bytes(got[IP])
            self.assertEqual((got[IP].src, got[IP].dst, raw[9]), (LOCAL, PEER, 51))
            self.assertEqual(raw[20], 50, "AH next header: ESP")
            self.assertEqual(struct.unpack("!LL", raw[24:32]), (b.ah_spi_out, n))
            esp = raw[20 + b.ah_len:]
            self.assertEqual(struct.unpack("!LL", esp[:8]), (b.esp.spi_out, n))
            self.assertEqual(bytes(b.decrypt(got)), bytes(forwarded(sent)))
            if b.esp.calg == "AES-GCM":
                self.assertEqual(raw, bytes(b.rebuild(got, forwarded(sent), n)))
        for d in ("inbound", "outbound"):
            esp_spi, ah_spi = ((b.esp.spi_in, b.ah_spi_in) if d == "inbound"
                               else (b.esp.spi_out, b.ah_spi_out))
            self.assertIn("%s esp sas:\n      spi: 0x%X(%d)" % (d, esp_spi, esp_spi), text)
            self.assertIn("%s ah sas:\n      spi: 0x%X(%d)" % (d, ah_spi, ah_spi), text)
        n = len(SIZES)
        self.assertIn("#pkts encaps: %d, #pkts encrypt: %d, #pkts digest: %d\n"
                      "    #pkts decaps: %d, #pkts decrypt: %d, #pkts verify: %d\n"
                      % ((n,) * 6), text)

    def test_refused(self):
        """AH good but next header IPv4: 65; AH good, ESP ICV bad: 62; the bundle's ESP
        without its AH, or AH around another SPI's ESP: 30. Packets around them pass, the
        bare ESP's sequence number still usable under its AH."""
        b = Bundle("cbc256-sha256", "ah-sha256")
        p = [inner_from_peer(i, 45) for i in range(4)]
        eth = Ether(src=PEER_MAC, dst=OUTSIDE_MAC)
        esp = b.esp.to_gw.encrypt
        bad_icv = bytearray(bytes(esp(p[2], seq_num=3)))
        bad_icv[-1] ^= 1
        other = Tunnel("cbc256-sha256", spi_in=0x1009)
        frames = [b.encrypt(p[0], seq=1),
                  eth / b.sign(esp(p[1], seq_num=2), 2, nh=4),
                  eth / b.sign(IP(bytes(bad_icv)), 3),
                  eth / esp(p[3], seq_num=4),
                  eth / b.sign(other.to_gw.encrypt(p[3], seq_num=4), 4),
                  eth / b.sign(esp(p[3], seq_num=4), 5)]
        gw = Gateway(b.words, b.manual_sas())
        try:
            gw.start(outside_rx=frames)
            gw.settle()
            d = drops(gw, all_rows=False)
            text = gw.cli("show crypto ipsec sa detail")
            tx = gw.stop()
        finally:
            gw.close()
        self.assertEqual(d, {"IN_CD_SW_IPSEC_NH_MISMATCH": 1, "IN_CD_SW_IPSEC_MAC_EXCEPTION": 1,
                             "IN_V4_POST_INPUT_POLICY_FAIL": 2})
        self.assertEqual([bytes(g[IP]) for g in tx["inside"]],
                         [bytes(forwarded(x)) for x in (p[0], p[3])])
        self.assertIn("#pkts decaps: 2, #pkts decrypt: 2, #pkts verify: 2\n", text)
        self.assertIn("#pkts decaps failed (rcv) 3\n", text)
        self.assertIn("#pkts verify failed: 1\n", text)

    def test_gcm256_ah_sha256(self):
        self.run_bundle("gcm256", "ah-sha256")

    def test_gcm128_ah_sha512_esn(self):
        self.run_bundle("gcm128", "ah-sha512", esn=True)

    def test_cbc256_sha256_ah_sha1(self):
        self.run_bundle("cbc256-sha256", "ah-sha1")

    def test_cbc128_sha1_ah_sha384(self):
        self.run_bundle("cbc128-sha1", "ah-sha384")


def inner6_from_peer(i, size):
    return IPv6(src="2001:db8:1::7", dst="2001:db8:2::5", tc=0x28, fl=i) / \
        UDP(sport=1000 + i, dport=53) / Raw(bytes((i + j) & 0xff for j in range(size)))


def inner6_from_host(i, size):
    return IPv6(src="2001:db8:2::5", dst="2001:db8:1::7", tc=0xb9, hlim=9) / \
        UDP(sport=53, dport=1000 + i) / Raw(bytes((3 * i + j) & 0xff for j in range(size)))


class Ipv6InnerCrossCheck(unittest.TestCase):
    """IPv6 inside an IPv4 tunnel (issue 10 item 2): an entry with IPv6 lines and the IPv4
    peer; scapy encrypts IPv6 under an IPv4 tunnel header (next header 41) and dpsecd
    forwards exactly the inner packet, hop limit one lower, to the host on inside0's IPv6
    prefix; dpsecd encrypts the host's IPv6 packets and scapy decrypts them byte for byte."""

    def run_case(self, xform):
        t = Tunnel(xform)
        ifs = default_interfaces()
        ifs[1].address6 = "2001:db8:2::1/64"
        entry = Entry(10, [("2001:db8:2::/64", "2001:db8:1::/64")], t.words, t.manual_sas())
        to_gw = [inner6_from_peer(i, s) for i, s in enumerate(SIZES)]
        from_host = [inner6_from_host(i, s) for i, s in enumerate(SIZES)]
        frames_in = [t.encrypt(p, seq=i + 1) for i, p in enumerate(to_gw)]
        gw = Gateway(interfaces=ifs, entries=[entry])
        try:
            gw.start(outside_rx=frames_in,
                     inside_rx=[Ether(src=HOST_MAC, dst=INSIDE_MAC) / p for p in from_host])
            gw.settle()
            d = drops(gw, all_rows=False)
            tx = gw.stop()
        finally:
            gw.close()
        self.assertEqual(d, {}, "no drops expected")
        self.assertEqual(len(tx["inside"]), len(to_gw))
        for got, sent in zip(tx["inside"], to_gw):
            self.assertEqual((got[Ether].dst, got[Ether].type), (HOST_MAC, 0x86dd))
            self.assertEqual(bytes(got[IPv6]), bytes(forwarded(sent)))
        self.assertEqual(len(tx["outside"]), len(from_host))
        for n, (got, sent) in enumerate(zip(tx["outside"], from_host), start=1):
            outer = got[IP]
            self.assertEqual((outer.src, outer.dst, outer.proto),
                             (LOCAL, PEER, 51 if t.ah else 50))
            self.assertEqual(outer.tos, sent.tc)          # traffic class copied (RFC 6040)
            head = bytes(outer.payload)
            if t.ah:
                self.assertEqual(head[0], 41, "AH next header: IPv6")
                head = head[4:]
            elif t.calg == "NULL":   # readable: the trailer's next header before the ICV
                self.assertEqual(head[-HASHES[t.aalg][1] - 1], 41, "ESP next header: IPv6")
            self.assertEqual(int.from_bytes(head[4:8], "big"), n)
            self.assertEqual(bytes(t.decrypt(got)), bytes(forwarded(sent)))

    def test_gcm128(self):
        self.run_case("gcm128")

    def test_cbc256_sha512(self):
        self.run_case("cbc256-sha512")

    def test_null_sha256(self):
        self.run_case("null-sha256")

    def test_ah_sha256(self):
        self.run_case("ah-sha256")


LOCAL6, PEER6 = "2001:db8::2", "2001:db8::1"


class Ipv6OuterCrossCheck(unittest.TestCase):
    """An IPv6 tunnel (issue 10 item 2): crypto map entry to the IPv6 peer 2001:db8::1 from
    outside0's address6, manual ESP SAs. scapy encrypts under an IPv6 tunnel header and
    dpsecd forwards the exact inner packet (IPv4 or IPv6), TTL or hop limit one lower;
    dpsecd encrypts and scapy decrypts what it sent, byte for byte."""

    @staticmethod
    def _sa(t, spi, ck, ak, src, dst):
        if t.ah:
            # mutable fields set (RFC 4302 3.3.3.1.2.1), so that a gateway hashing them fails
            return SecurityAssociation(AH, spi=spi, auth_algo=t.aalg, auth_key=ak,
                                       tunnel_header=IPv6(src=src, dst=dst, tc=0x28,
                                                          fl=0x12345, hlim=17))
        return SecurityAssociation(ESP, spi=spi, crypt_algo=t.calg, crypt_key=ck or None,
                                   auth_algo=t.aalg, auth_key=ak or None,
                                   tunnel_header=IPv6(src=src, dst=dst))

    @staticmethod
    def _in_udp(frame):
        """The peer's ESP frame put in UDP 4500 (RFC 3948) with the checksum scapy computes
        over IPv6 (RFC 8200 8.1)."""
        o = frame[IPv6]
        return Ether(src=PEER_MAC, dst=OUTSIDE_MAC) / IPv6(src=o.src, dst=o.dst) / \
            UDP(sport=4500, dport=4500) / Raw(bytes(o[ESP]))

    def _out_of_udp(self, outer):
        """dpsecd's ESP-in-UDP over IPv6: ports, length, its checksum there and the one scapy
        computes (RFC 8200 8.1); the ESP under it, in the IPv6 header scapy decrypts."""
        udp = outer[UDP]
        self.assertEqual((outer.nh, udp.sport, udp.dport), (17, 4500, 4500))
        self.assertEqual(udp.len, outer.plen)
        check = IPv6(bytes(outer))
        del check[UDP].chksum
        self.assertNotEqual(udp.chksum, 0)
        self.assertEqual(udp.chksum, IPv6(bytes(check))[UDP].chksum)
        return IPv6(src=outer.src, dst=outer.dst, tc=outer.tc, hlim=outer.hlim) / \
            ESP(bytes(udp.payload))

    def run_case(self, xform, inner6, frag=0, udp=False, ext=False):
        """frag: scapy cuts each inbound ESP packet into IPv6 fragments of at most frag
        bytes (RFC 8200 4.5, the peer's own fragmentation) and sends them last first.
        udp: ESP-in-UDP 4500 both ways (RFC 3948), its UDP checksum computed.
        ext: scapy puts hop-by-hop, routing (segments left 0) and destination options
        headers between the IPv6 header and each inbound ESP (RFC 8200 4.1 order)."""
        t = Tunnel(xform, udp=udp)
        sa = {d: self._sa(t, spi, ck, ak, src, dst)
              for d, spi, ck, ak, src, dst in (
                  ("in", t.spi_in, t.ck_in, t.ak_in, PEER6, LOCAL6),
                  ("out", t.spi_out, t.ck_out, t.ak_out, LOCAL6, PEER6))}
        ifs = default_interfaces()
        ifs[0].address6 = LOCAL6 + "/64"
        ifs[0].neighbors.append((PEER6, PEER_MAC))
        ifs[1].address6 = "2001:db8:2::1/64"
        lines = [("2001:db8:2::/64", "2001:db8:1::/64")] if inner6 else \
            [("10.0.2.0/24", "10.0.0.0/24")]
        entry = Entry(10, lines, t.words, t.manual_sas(), peer=PEER6)
        if inner6:
            to_gw = [inner6_from_peer(i, n) for i, n in enumerate(SIZES)]
            from_host = [inner6_from_host(i, n) for i, n in enumerate(SIZES)]
        else:
            to_gw = [inner_from_peer(i, n) for i, n in enumerate(SIZES)]
            from_host = [inner_from_host(i, n) for i, n in enumerate(SIZES)]
        frames_in = [Ether(src=PEER_MAC, dst=OUTSIDE_MAC) / sa["in"].encrypt(p, seq_num=i + 1)
                     for i, p in enumerate(to_gw)]
        if udp:
            frames_in = [self._in_udp(f) for f in frames_in]
        if t.ah:   # scapy's AH over IPv6 against the independent ICV, before dpsecd sees it
            for f in frames_in:
                raw = bytes(f[IPv6])
                n = HASHES[t.aalg][1]
                self.assertEqual(raw[40 + 12:40 + 12 + n], ah_icv6(t.ak_in, t.aalg, raw))
        if ext:
            frames_in = [Ether(src=PEER_MAC, dst=OUTSIDE_MAC) /
                         IPv6(src=PEER6, dst=LOCAL6, hlim=33) / IPv6ExtHdrHopByHop(nh=43) /
                         IPv6ExtHdrRouting(nh=60, type=0, segleft=0,
                                           addresses=["2001:db8::77"]) /
                         IPv6ExtHdrDestOpt(nh=50) / Raw(bytes(f[IPv6].payload))
                         for f in frames_in]
        if frag:
            frames_in = [Ether(src=PEER_MAC, dst=OUTSIDE_MAC) / f
                         for i, fr in enumerate(frames_in)
                         for f in reversed(fragment6(
                             IPv6(src=PEER6, dst=LOCAL6) /
                             IPv6ExtHdrFragment(nh=17 if udp else 50, id=0x100 + i) /
                             Raw(bytes(fr[IPv6].payload)), frag))]
            self.assertGreater(len(frames_in), len(to_gw), "some packets were cut")
        gw = Gateway(interfaces=ifs, entries=[entry])
        try:
            gw.start(outside_rx=frames_in,
                     inside_rx=[Ether(src=HOST_MAC, dst=INSIDE_MAC) / p for p in from_host])
            gw.settle()
            d = drops(gw, all_rows=False)
            tx = gw.stop()
        finally:
            gw.close()
        self.assertEqual(d, {}, "no drops expected")
        self.assertEqual(len(tx["inside"]), len(to_gw))
        for got, sent in zip(tx["inside"], to_gw):
            self.assertEqual(got[Ether].dst, HOST_MAC)
            self.assertEqual(bytes(got[Ether].payload), bytes(forwarded(sent)))
        self.assertEqual(len(tx["outside"]), len(from_host))
        for n, (got, sent) in enumerate(zip(tx["outside"], from_host), start=1):
            self.assertEqual((got[Ether].dst, got[Ether].type), (PEER_MAC, 0x86dd))
            outer = got[IPv6]
            if udp:
                outer = self._out_of_udp(outer)
            self.assertEqual((outer.src, outer.dst, outer.nh),
                             (LOCAL6, PEER6, 51 if t.ah else 50))
            self.assertEqual(outer.tc, sent.tc if inner6 else sent.tos)   # RFC 6040
            seq = bytes(outer.payload)[8:12] if t.ah else bytes(outer.payload)[4:8]
            self.assertEqual(int.from_bytes(seq, "big"), n)
            if t.ah:   # two references: Python's hmac here, scapy's verify below
                raw = bytes(outer)
                k = HASHES[t.aalg][1]
                self.assertEqual((raw[40], (raw[41] + 2) * 4 % 8), (41 if inner6 else 4, 0))
                self.assertEqual(raw[40 + 12:40 + 12 + k], ah_icv6(t.ak_out, t.aalg, raw))
                self.assertEqual(bytes(sa["out"].decrypt(IPv6(raw), verify=True)),
                                 bytes(forwarded(sent)))
                continue
            self.assertEqual(bytes(sa["out"].decrypt(outer)), bytes(forwarded(sent)))

    def test_ipv4_in_ipv6_gcm128(self):
        self.run_case("gcm128", False)

    def test_ipv4_in_ipv6_cbc128_sha256(self):
        self.run_case("cbc128-sha256", False)

    def test_ipv6_in_ipv6_gcm256(self):
        self.run_case("gcm256", True)

    def test_ipv4_in_ipv6_fragments_cbc128_sha256(self):
        self.run_case("cbc128-sha256", False, frag=600)

    def test_ipv6_in_ipv6_fragments_gcm128(self):
        self.run_case("gcm128", True, frag=400)

    def test_ipv6_in_ipv6_null_sha256(self):
        self.run_case("null-sha256", True)

    # ESP-in-UDP over IPv6 (RFC 3948), its UDP checksum computed (RFC 8200 8.1)
    def test_udp_ipv6_in_ipv6_gcm128(self):
        self.run_case("gcm128", True, udp=True)

    def test_udp_ipv4_in_ipv6_cbc256_sha256(self):
        self.run_case("cbc256-sha256", False, udp=True)

    def test_udp_ipv6_in_ipv6_fragments_cbc128_sha256(self):
        """ESP-in-UDP over IPv6 in fragments: reassembled, then its UDP checksum checked."""
        self.run_case("cbc128-sha256", True, frag=400, udp=True)

    # ESP behind hop-by-hop, routing and destination options headers (classify_ext6)
    def test_ipv4_in_ipv6_behind_ext_headers_cbc128_sha256(self):
        self.run_case("cbc128-sha256", False, ext=True)

    def test_ipv6_in_ipv6_behind_ext_headers_gcm256(self):
        self.run_case("gcm256", True, ext=True)

    # AH over IPv6 (RFC 4302 3.3.3.1.2.1): every HMAC, its header padded to 64 bits
    def test_ah_sha1_ipv6_in_ipv6(self):
        self.run_case("ah-sha1", True)

    def test_ah_sha256_ipv4_in_ipv6(self):
        self.run_case("ah-sha256", False)

    def test_ah_sha384_ipv6_in_ipv6(self):
        self.run_case("ah-sha384", True)

    def test_ah_sha512_ipv4_in_ipv6(self):
        self.run_case("ah-sha512", False)


class Ipv6OuterFragmentCrossCheck(unittest.TestCase):
    """Outer IPv6 fragmentation (RFC 8200 4.5) of what dpsecd sends into an IPv6 tunnel:
    with after-encryption, an IPv4 packet (DF clear) or an IPv6 packet too big once
    encrypted; in either mode, an IPv6 packet of 1280 bytes that a 1280-byte path cannot
    carry whole (RFC 8200 5, RFC 2473 7.1). scapy checks every fragment (Fragment header,
    8-byte pieces, within the MTU), reassembles them with defragment6 and decrypts the ESP
    packet with its SecurityAssociation: the inner packet as forwarded, byte for byte. (The
    other way, scapy's fragments into dpsecd: Ipv6OuterCrossCheck's fragments cases.)"""

    def run_case(self, xform, inner6, sizes, mtu, mode):
        t = Tunnel(xform)
        sa = Ipv6OuterCrossCheck._sa(t, t.spi_out, t.ck_out, t.ak_out, LOCAL6, PEER6)
        ifs = default_interfaces()
        ifs[0].address6 = LOCAL6 + "/64"
        ifs[0].neighbors.append((PEER6, PEER_MAC))
        ifs[0].mtu = mtu
        ifs[1].address6 = "2001:db8:2::1/64"
        lines = [("2001:db8:2::/64", "2001:db8:1::/64")] if inner6 else \
            [("10.0.2.0/24", "10.0.0.0/24")]
        entry = Entry(10, lines, t.words, t.manual_sas(), peer=PEER6)
        if inner6:   # sizes: the whole IPv6 packet
            sent = [inner6_from_host(i, n - 48) for i, n in enumerate(sizes)]
        else:        # DF clear
            sent = [IP(src="10.0.2.5", dst="10.0.0.7", id=0x4000 + i) / UDP(sport=5000, dport=53) /
                    Raw(bytes((7 * i + j) & 0xff for j in range(n - 28)))
                    for i, n in enumerate(sizes)]
        self.assertEqual([len(p) for p in sent], list(sizes))
        gw = Gateway(interfaces=ifs, entries=[entry],
                     extra_yaml="ipsec:\n  fragmentation: %s\n" % mode)
        try:
            gw.start(inside_rx=[Ether(src=HOST_MAC, dst=INSIDE_MAC) / p for p in sent])
            gw.settle()
            d = drops(gw, all_rows=False)
            ifc = {i["name"]: i for i in json.loads(gw.cli("--json show interfaces"))["interfaces"]}
            tx = gw.stop()
        finally:
            gw.close()
        self.assertEqual(d, {}, "no drops expected")
        groups = {}
        for f in tx["outside"]:
            o = f[IPv6]
            self.assertEqual((o.src, o.dst, o.nh), (LOCAL6, PEER6, 44), "a Fragment header")
            self.assertLessEqual(len(o), mtu)
            fh = o[IPv6ExtHdrFragment]
            self.assertEqual(fh.nh, 50)
            if fh.m:
                self.assertEqual(len(fh.payload) % 8, 0, "pieces but the last: 8-byte multiples")
            groups.setdefault(fh.id, []).append(o)
        self.assertEqual(len(groups), len(sent), "one identification per packet")
        self.assertEqual(ifc["outside0"]["fragmented"], len(sent))
        self.assertEqual(ifc["outside0"]["fragments"], len(tx["outside"]))
        for n, (frags, p) in enumerate(zip(groups.values(), sent), start=1):
            self.assertGreater(len(frags), 1)
            whole = IPv6(bytes(defragment6(frags)))
            self.assertEqual((whole.src, whole.dst, whole.nh), (LOCAL6, PEER6, 50))
            self.assertEqual(whole.tc, p.tc if inner6 else p.tos)
            self.assertEqual(int.from_bytes(bytes(whole.payload)[4:8], "big"), n,
                             "encrypted whole: one sequence number a packet")
            self.assertEqual(bytes(sa.decrypt(whole)), bytes(forwarded(p)))

    def test_after_encryption_ipv4_gcm128(self):
        self.run_case("gcm128", False, (1500, 1900), 1500, "after-encryption")

    def test_after_encryption_ipv4_cbc256_sha256(self):
        self.run_case("cbc256-sha256", False, (1500, 1900), 1280, "after-encryption")

    def test_after_encryption_ipv6_gcm256(self):
        self.run_case("gcm256", True, (1500, 1440), 1500, "after-encryption")

    def test_ipv6_1280_over_a_1280_path_before_encryption(self):
        # the IOS default mode: IPv6 of 1280 bytes is never refused (Packet Too Big < 1280)
        self.run_case("cbc128-sha256", True, (1280, 1280), 1280, "before-encryption")


class Ipv6BundleCrossCheck(unittest.TestCase):
    """AH+ESP bundles over an IPv6 outer header (RFC 4301 4.5 over RFC 4302 3.3.3.1.2.1):
    the entry to the IPv6 peer 2001:db8::1 with manual AH+ESP SAs. scapy puts the peer's
    packets in ESP under an IPv6 tunnel header and AH over that (traffic class, flow label
    and hop limit set: not hashed), dpsecd delivers the inner packets byte for byte; what
    dpsecd sends is [IPv6 51][AH nh 50, padded to 64 bits][ESP], AH and ESP sequence
    numbers 1, 2, ..., its AH verified by Python's hmac and scapy, its ESP decrypted by
    scapy, and with AES-GCM the whole packet equal to the one scapy builds."""

    def run_bundle6(self, esp_xform, ah_xform, inner6):
        b = Bundle6(esp_xform, ah_xform, LOCAL6, PEER6)
        ifs = default_interfaces()
        ifs[0].address6 = LOCAL6 + "/64"
        ifs[0].neighbors.append((PEER6, PEER_MAC))
        ifs[1].address6 = "2001:db8:2::1/64"
        lines = [("2001:db8:2::/64", "2001:db8:1::/64")] if inner6 else \
            [("10.0.2.0/24", "10.0.0.0/24")]
        entry = Entry(10, lines, b.words, b.manual_sas(), peer=PEER6)
        if inner6:
            to_gw = [inner6_from_peer(i, n) for i, n in enumerate(SIZES)]
            from_host = [inner6_from_host(i, n) for i, n in enumerate(SIZES)]
        else:
            to_gw = [inner_from_peer(i, n) for i, n in enumerate(SIZES)]
            from_host = [inner_from_host(i, n) for i, n in enumerate(SIZES)]
        gw = Gateway(interfaces=ifs, entries=[entry])
        try:
            gw.start(outside_rx=[b.encrypt(p, seq=i + 1) for i, p in enumerate(to_gw)],
                     inside_rx=[Ether(src=HOST_MAC, dst=INSIDE_MAC) / p for p in from_host])
            gw.settle()
            d = drops(gw, all_rows=False)
            text = gw.cli("show crypto ipsec sa")
            tx = gw.stop()
        finally:
            gw.close()
        self.assertEqual(d, {}, "no drops expected")
        self.assertEqual([bytes(g[Ether].payload) for g in tx["inside"]],
                         [bytes(forwarded(p)) for p in to_gw])
        self.assertEqual(len(tx["outside"]), len(from_host))
        for n, (got, sent) in enumerate(zip(tx["outside"], from_host), start=1):
            self.assertEqual((got[Ether].dst, got[Ether].type), (PEER_MAC, 0x86dd))
            raw = bytes(got[IPv6])
            self.assertEqual((got[IPv6].src, got[IPv6].dst, raw[6]), (LOCAL6, PEER6, 51))
            self.assertEqual(got[IPv6].tc, sent.tc if inner6 else sent.tos)   # RFC 6040
            self.assertEqual(raw[40], 50, "AH next header: ESP")
            self.assertEqual((raw[41] + 2) * 4, b.ah_len)
            self.assertEqual(struct.unpack("!LL", raw[44:52]), (b.ah_spi_out, n))
            esp = raw[40 + b.ah_len:]
            self.assertEqual(struct.unpack("!LL", esp[:8]), (b.esp.spi_out, n))
            self.assertEqual(bytes(b.decrypt(got)), bytes(forwarded(sent)))
            if b.esp.calg == "AES-GCM":
                self.assertEqual(raw, b.rebuild(got, forwarded(sent), n))
        for d in ("inbound", "outbound"):
            esp_spi, ah_spi = ((b.esp.spi_in, b.ah_spi_in) if d == "inbound"
                               else (b.esp.spi_out, b.ah_spi_out))
            self.assertIn("%s esp sas:\n      spi: 0x%X(%d)" % (d, esp_spi, esp_spi), text)
            self.assertIn("%s ah sas:\n      spi: 0x%X(%d)" % (d, ah_spi, ah_spi), text)

    def test_gcm256_ah_sha256_ipv4_in_ipv6(self):
        self.run_bundle6("gcm256", "ah-sha256", False)

    def test_cbc128_sha1_ah_sha1_ipv6_in_ipv6(self):
        self.run_bundle6("cbc128-sha1", "ah-sha1", True)

    def test_gcm128_ah_sha384_ipv6_in_ipv6(self):
        self.run_bundle6("gcm128", "ah-sha384", True)

    def test_cbc256_sha256_ah_sha512_ipv4_in_ipv6(self):
        self.run_bundle6("cbc256-sha256", "ah-sha512", False)


def add(xform, udp=False, esn=False):
    name = "test_%s%s%s" % (xform.replace("-", "_"), "_udp" if udp else "", "_esn" if esn else "")
    setattr(CrossCheck, name, lambda self: self.run_case(xform, udp, esn))


for x in ("gcm128", "gcm256", "cbc128-sha1", "cbc128-sha256", "cbc256-sha256", "cbc256-sha512",
          "null-sha256"):
    add(x)
add("gcm128", udp=True)
add("cbc256-sha256", udp=True)
add("gcm128", esn=True)
add("cbc128-sha256", esn=True)
add("cbc256-sha512", udp=True, esn=True)
add("gcm256", udp=True, esn=True)
add("cbc256-sha384")
for x in ("ah-sha1", "ah-sha256", "ah-sha384", "ah-sha512"):
    add(x)
    add(x, esn=True)

if __name__ == "__main__":
    unittest.main(verbosity=2)
