#!/usr/bin/python3
"""Path MTU and MSS clamping against a real Linux kernel (issue 10 item 4), on the seed network
with dpsecd on both sides (dpsectest/seed.py, gwa_kind="dpsecd": plain ESP, AES-256-GCM):

   host1 (Linux) -- gwA (dpsecd) ==== ESP ==== gwB (dpsecd) -- host2 (Linux)

The tunnel's plaintext MTU is computed here from RFC 4303 and RFC 4106, not read from dpsecd:
outer IPv4 20 + ESP header 8 + IV 8, the payload and its 2-byte trailer padded to 4 bytes,
ICV 16, within the outside link's 1500 bytes.

- `ping -M do -s` from host2: a packet of exactly the tunnel MTU goes through and is answered;
  one byte more is answered by gwB with ICMP "fragmentation needed" carrying that MTU, which
  host2's kernel caches as the route's path MTU (`ip route get`) so that its next try fails
  locally; gwB counts 48 OUT_CANNOT_FRAG_DF_SET_PKT, and `show crypto ipsec sa` shows the same
  plaintext MTU;
- TCP from host2 to host1 with no clamping: the kernel's first full-size segments do not fit,
  gwB answers them, and the connection settles on the tunnel MTU (ss: pmtu = the tunnel MTU,
  mss below it) and delivers every byte;
- with `tcp_adjust_mss` 1360 on both inside interfaces: each host's SYN reaches the other with
  MSS 1360, the connection's segments fit the tunnel from the start, and gwB sends no ICMP.
"""
import hashlib
import json
import os
import re
import subprocess
import sys
import time
import unittest

sys.path.insert(0, os.path.dirname(__file__))
from dpsectest.seed import SeedNet, H1, sh  # noqa: E402
from dpsectest.gateway import drops  # noqa: E402
from dpsectest.wait import wait_for  # noqa: E402

OUTSIDE_MTU = 1500
TUNNEL_MTU = ((OUTSIDE_MTU - 20 - 8 - 8 - 16) & ~3) - 2     # AES-GCM-256 ESP, tunnel mode
CLAMP = 1360
TCP_PORT = 9100
TCP_BYTES = 300_000

# host1: accept one connection, read to EOF, answer with the SHA-256 of what arrived.
SINK = r"""
import hashlib, socket, sys
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("0.0.0.0", int(sys.argv[1])))
s.listen(1)
print("listening", flush=True)
c, _ = s.accept()
h = hashlib.sha256()
while True:
    d = c.recv(65536)
    if not d:
        break
    h.update(d)
c.sendall(h.hexdigest().encode())
c.close()
"""

# host2: connect, send N bytes, print the kernel's view of the connection (ss -tin for it
# while it is still open), then half-close and print the sink's digest.
SOURCE = r"""
import socket, subprocess, sys
dst, port, n = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
c = socket.create_connection((dst, port), timeout=30)
data = bytes(i % 251 for i in range(n))
c.sendall(data)
ss = subprocess.run(["ss", "-tin", "dst", dst, "dport", "= :%d" % port],
                    capture_output=True, text=True).stdout
c.shutdown(socket.SHUT_WR)
got = b""
while True:
    d = c.recv(100)
    if not d:
        break
    got += d
print(ss.replace("\n", " "))
print("digest", got.decode())
"""


def ipsec_sas(gw):
    out = []

    def walk(v):
        if isinstance(v, dict):
            if "sas" in v and isinstance(v["sas"], list):
                out.extend(v["sas"])
            for x in v.values():
                walk(x)
        elif isinstance(v, list):
            for x in v:
                walk(x)
    walk(json.loads(gw.cli("show crypto ipsec sa", json=True)))
    return out


def tunnel_up(gw):
    dirs = {sa["direction"] for sa in ipsec_sas(gw) if sa["status"] == "ACTIVE"}
    return dirs == {"in", "out"}


def ping(net, size, count=1):
    """ping -M do from host2 to host1: (exit code, output)."""
    r = subprocess.run(["ip", "netns", "exec", net.ns["h2"], "ping", "-n", "-M", "do", "-s",
                        str(size), "-c", str(count), "-W", "3", H1],
                       capture_output=True, text=True, timeout=30)
    return r.returncode, r.stdout + r.stderr


def route_mtu(net):
    """The path MTU host2's kernel has cached for host1, or None."""
    m = re.search(r"\bmtu (\d+)", sh("ip", "-4", "route", "get", H1, ns=net.ns["h2"]))
    return int(m.group(1)) if m else None


def df_drops(net):
    return drops(net.gwb).get("OUT_CANNOT_FRAG_DF_SET_PKT", 0)


class PmtuKernel(unittest.TestCase):
    def up(self, net, **cfg):
        net.gwb.start(**cfg)
        net.gwa.start(initiate="on-start", **cfg)
        wait_for(lambda: tunnel_up(net.gwa) and tunnel_up(net.gwb), 30, "the tunnel")
        # the first packet may meet an ARP-less host: wait until one ping gets through
        wait_for(lambda: ping(net, 56)[0] == 0, 20, "a ping through the tunnel", step=0.5)

    def tcp(self, net):
        """TCP_BYTES from host2 to host1: (ss -tin line of host2's socket, digest ok)."""
        sink = subprocess.Popen(["ip", "netns", "exec", net.ns["h1"], "/usr/bin/python3", "-c",
                                 SINK, str(TCP_PORT)], stdout=subprocess.PIPE, text=True)
        try:
            self.assertEqual(sink.stdout.readline().strip(), "listening")
            r = subprocess.run(["ip", "netns", "exec", net.ns["h2"], "/usr/bin/python3", "-c",
                                SOURCE, H1, str(TCP_PORT), str(TCP_BYTES)],
                               capture_output=True, text=True, timeout=60)
            self.assertEqual(r.returncode, 0, r.stderr)
        finally:
            sink.wait(timeout=30)
            sink.stdout.close()
        want = hashlib.sha256(bytes(i % 251 for i in range(TCP_BYTES))).hexdigest()
        lines = r.stdout.splitlines()
        self.assertEqual(lines[-1], "digest " + want, "host1 received other bytes")
        return lines[0]

    @staticmethod
    def ss_field(line, name):
        m = re.search(r"\b%s:(\d+)" % name, line)
        return int(m.group(1)) if m else None

    def test_ping_gets_the_tunnel_mtu_and_the_kernel_keeps_it(self):
        with SeedNet(gwa_kind="dpsecd") as net:
            self.up(net)
            out = net.cli("show crypto ipsec sa")
            self.assertIn("plaintext mtu %d," % TUNNEL_MTU, out)
            self.assertIsNone(route_mtu(net))
            rc, text = ping(net, TUNNEL_MTU - 28)
            self.assertEqual(rc, 0, "a packet of the tunnel MTU must go through:\n" + text)
            before = df_drops(net)
            rc, text = ping(net, TUNNEL_MTU - 28 + 1)
            self.assertNotEqual(rc, 0, text)
            self.assertIn("Frag needed and DF set (mtu = %d)" % TUNNEL_MTU, text)
            self.assertEqual(route_mtu(net), TUNNEL_MTU)
            self.assertEqual(df_drops(net), before + 1)
            # the kernel now knows: the next try does not leave host2
            rc, text = ping(net, TUNNEL_MTU - 28 + 1)
            self.assertNotEqual(rc, 0, text)
            self.assertRegex(text, r"mtu ?= ?%d" % TUNNEL_MTU)
            self.assertEqual(df_drops(net), before + 1)
            rc, text = ping(net, TUNNEL_MTU - 28)
            self.assertEqual(rc, 0, text)

    def test_tcp_settles_on_the_tunnel_mtu(self):
        with SeedNet(gwa_kind="dpsecd") as net:
            self.up(net)
            before = df_drops(net)
            line = self.tcp(net)
            print("host2 (no clamping): " + line)
            self.assertEqual(self.ss_field(line, "pmtu"), TUNNEL_MTU, line)
            self.assertLessEqual(self.ss_field(line, "mss"), TUNNEL_MTU - 40, line)
            self.assertGreater(df_drops(net), before, "the first full-size segments must "
                               "have been answered with ICMP")
            self.assertEqual(route_mtu(net), TUNNEL_MTU)

    def test_adjust_mss_needs_no_icmp(self):
        with SeedNet(gwa_kind="dpsecd") as net:
            self.up(net, tcp_adjust_mss=CLAMP)
            before = df_drops(net)
            line = self.tcp(net)
            print("host2 (tcp_adjust_mss %d): %s" % (CLAMP, line))
            self.assertLessEqual(self.ss_field(line, "mss"), CLAMP, line)
            self.assertEqual(df_drops(net), before, "clamped TCP must not need ICMP")
            self.assertIsNone(route_mtu(net))


if __name__ == "__main__":
    unittest.main(verbosity=2)
