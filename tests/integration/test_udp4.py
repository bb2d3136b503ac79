#!/usr/bin/python3
"""The control thread's IPv4/UDP frames held against scapy, both ways:

   ctrl_udp_send --> [worker] --> outside0 --> scapy reads them (addresses, ports,
                                               TTL, DF clear, both checksums, payload)
   scapy builds IKE datagrams, right and damaged --> udp4_parse --> the same fields,
                                                                    or the right refusal

udp4_tool (tests/unit/ctrl/udp4_tool.c) runs the real code: ctrl_udp_send on the
dataplane harness (a net_ring port stands for the wire), and udp4_parse.
"""
import os
import subprocess
import unittest

from scapy.layers.inet import IP, TCP, UDP
from scapy.layers.l2 import Ether
from scapy.packet import Raw

TOOL = os.environ.get("UDP4_TOOL", "build/tests/unit/ctrl/udp4_tool")
LOCAL, PEER = "192.0.2.2", "192.0.2.1"
GW_MAC, PEER_MAC = "02:00:00:00:00:02", "02:00:00:00:00:01"  # harness.h


def tool(mode, stdin=None):
    r = subprocess.run([TOOL, mode], input=stdin, capture_output=True, text=True, timeout=120)
    if r.returncode != 0:
        raise AssertionError("udp4_tool %s: exit %d: %s" % (mode, r.returncode, r.stderr))
    return r.stdout.splitlines()


def checksums_right(frame):
    """scapy computes both checksums afresh on a copy without them."""
    again = Ether(bytes(frame))
    del again[IP].chksum
    del again[UDP].chksum
    again = Ether(bytes(again))
    return again[IP].chksum == frame[IP].chksum, again[UDP].chksum == frame[UDP].chksum


class Sent(unittest.TestCase):
    def test_frames_scapy_reads(self):
        lines = tool("send")
        self.assertEqual(len(lines), 7)
        ids = []
        for line in lines:
            sport, dport, prefix_len, n, hexframe = line.split()
            sport, dport, prefix_len, n = int(sport), int(dport), int(prefix_len), int(n)
            payload = bytes(prefix_len) + bytes((i * 7 + n) & 0xff for i in range(n))
            f = Ether(bytes.fromhex(hexframe))
            with self.subTest(line=line[:40]):
                self.assertEqual((f.src, f.dst, f.type), (GW_MAC, PEER_MAC, 0x0800))
                ip = f[IP]
                self.assertEqual((ip.version, ip.ihl, ip.tos, ip.ttl, ip.proto),
                                 (4, 5, 0, 64, 17))
                self.assertEqual((int(ip.flags), ip.frag), (0, 0))  # DF clear
                self.assertEqual((ip.src, ip.dst), (LOCAL, PEER))
                self.assertEqual(ip.len, 20 + 8 + len(payload))
                udp = f[UDP]
                self.assertEqual((udp.sport, udp.dport, udp.len), (sport, dport, 8 + len(payload)))
                self.assertNotEqual(udp.chksum, 0)
                self.assertEqual(checksums_right(f), (True, True))
                self.assertEqual(bytes(udp.payload), payload)
                self.assertEqual(len(bytes(f)), 14 + ip.len)  # nothing after the packet
                ids.append(ip.id)
        # one identification after the other
        self.assertEqual([(i - ids[0]) & 0xffff for i in ids], list(range(len(ids))))


def ike(sport=500, dport=500, payload=b"\x00" * 4 + bytes(range(60)), **ipkw):
    return Ether(src=PEER_MAC, dst=GW_MAC) / IP(src=PEER, dst=LOCAL, **ipkw) / \
        UDP(sport=sport, dport=dport) / Raw(payload)


class Parsed(unittest.TestCase):
    def test_scapy_frames_parse(self):
        cases = [  # (frame, expected first word, payload expected when OK)
            (ike(), "OK"),
            (ike(4500, 4500), "OK"),
            (ike(61000, 4500, payload=b"\xff"), "OK"),
            (ike(payload=bytes(range(251))), "OK"),                   # odd length
            (ike(payload=b""), "OK"),
            (ike(options=[b"\x01\x01\x01\x00"]), "OK"),               # IPv4 options
            (ike(flags="DF"), "OK"),
            (ike(flags="MF"), "FRAGMENT"),
            (ike(frag=3), "FRAGMENT"),
            (Ether() / IP(src=PEER, dst=LOCAL) / TCP(), "NOT_UDP"),
        ]
        lines = [bytes(c[0]).hex() for c in cases]
        # and damaged copies of the first: the UDP checksum, the IPv4 checksum, a length
        good = bytearray(bytes(cases[0][0]))
        bad_udp_ck = bytearray(good)
        bad_udp_ck[41] ^= 0x01
        bad_ip_ck = bytearray(good)
        bad_ip_ck[25] ^= 0x01
        long_udp = bytearray(good)
        long_udp[39] += 1
        zero_ck = bytearray(good)
        zero_ck[40:42] = b"\x00\x00"
        padded = bytearray(good) + bytes(20)
        extra = [(bad_udp_ck, "BAD_CKSUM"), (bad_ip_ck, "BAD_IP"), (long_udp, "BAD_UDP"),
                 (zero_ck, "OK"), (padded, "OK")]
        lines += [bytes(b).hex() for b, _ in extra]
        want = [c[1] for c in cases] + [w for _, w in extra]
        frames = [Ether(bytes(c[0])) for c in cases] + [Ether(bytes(b)) for b, _ in extra]
        out = tool("parse", "\n".join(lines) + "\n")
        self.assertEqual([o.split()[0] for o in out], want)
        for o, f in zip(out, frames):
            if not o.startswith("OK"):
                continue
            _, src, dst, sport, dport, *payload = o.split()
            with self.subTest(frame=bytes(f).hex()[:60]):
                self.assertEqual((src, dst), (f[IP].src, f[IP].dst))
                self.assertEqual((int(sport), int(dport)), (f[UDP].sport, f[UDP].dport))
                self.assertEqual(bytes.fromhex(payload[0] if payload else ""),
                                 bytes(f[UDP].payload)[:f[UDP].len - 8])


if __name__ == "__main__":
    unittest.main()
