#!/usr/bin/python3
"""ICMPv6 errors, IPv6 path MTU and IPv6 MSS clamping against real Linux hosts (issue 10), on
the seed network with dpsecd on both sides (dpsectest/seed.py, gwa_kind="dpsecd") and IPv6
hosts, IPv6 inside an IPv4 tunnel keyed by hand (manual SAs, AES-128-CBC + HMAC-SHA-256):

   h1 (Linux)              gwA (dpsecd)                         gwB (dpsecd)          h2 (Linux)
   2001:db8:0:1::10 -- inside0 2001:db8:0:1::1   192.0.2.1 ==== 192.0.2.2   inside0 2001:db8:0:2::1 -- 2001:db8:0:2::10
                                                           ESP  2001:db8:ff::2 (address6)

gwB's entry 20 is an IPv6 tunnel (peer 2001:db8:ff::1) whose outbound SA only serves the path
MTU case. The tunnel's plaintext MTU is computed here from RFC 4303: outer IPv4 20 + ESP 8 +
IV 16, payload and 2-byte trailer padded to 16, ICV 16, within 1500.

- `ping -6 -M do -s` from h2: a packet of the tunnel MTU is answered by h1; one byte more gets
  gwB's ICMPv6 Packet Too Big carrying that MTU (ping prints it, the kernel caches it: `ip -6
  route get`), drop 52 counted; scapy checks the message (source gwB's inside address6,
  checksum, the quoted packet intact, 1280 bytes at most);
- `ping -6 -t 1` from h2 gets Time Exceeded from gwB's inside address6; a packet from h1 whose
  hop limit ends at gwB (h1 sends 2: gwA takes one) gets it back through the tunnel; a
  destination no crypto map line takes gets Destination Unreachable (no route);
- a decrypted packet larger than gwB's inside0 (given mtu 1400 for that case) gets Packet Too
  Big 1400 back through the tunnel to h1's kernel;
- TCP from h2 to h1 settles on the tunnel MTU without clamping; with `tcp_adjust_mss6` on both
  inside interfaces the SYNs carry the clamped MSS both ways and no Packet Too Big is needed;
- a Packet Too Big from the outside path about gwB's own ESP over IPv6 lowers that SA's path
  MTU in `show crypto ipsec sa`;
- with both outside interfaces at MTU 1280 (a tunnel MTU below 1280), a 1280-byte ping and
  its reply cross in outer fragments; one byte more gets Packet Too Big 1280.
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
from dpsectest.gateway import drops  # noqa: E402
from dpsectest.netns import sh  # noqa: E402
from dpsectest.seed import SeedNet  # noqa: E402
from dpsectest.wait import wait_for  # noqa: E402

H1_6, H2_6 = "2001:db8:0:1::10", "2001:db8:0:2::10"
GW_IN6 = {"gwa": "2001:db8:0:1::1", "gwb": "2001:db8:0:2::1"}
NET6 = {"gwa": "2001:db8:0:1::/64", "gwb": "2001:db8:0:2::/64"}
HOST6 = {"gwa": H1_6, "gwb": H2_6}
GWB_OUT6, PATH_PEER6 = "2001:db8:ff::2", "2001:db8:ff::1"
KEYS = {"gwa": ("00112233445566778899aabbccddeeff", "0123456789abcdef" * 4, 0x1001),
        "gwb": ("ffeeddccbbaa99887766554433221100", "fedcba9876543210" * 4, 0x2001)}
SPI6_OUT = 0x3001
TUNNEL_MTU = ((1500 - 20 - 8 - 16 - 16) & ~15) - 2     # AES-CBC + HMAC-SHA-256-128
INSIDE_MTU = 1400
SMALL_PATH = 1280                                       # outside0's MTU on both gateways
SMALL_TUNNEL_MTU = ((SMALL_PATH - 20 - 8 - 16 - 16) & ~15) - 2   # 1214 < 1280
CLAMP6 = 1300
TCP_PORT = 9106
TCP_BYTES = 200_000

SINK = r"""
import hashlib, socket, sys
s = socket.socket(socket.AF_INET6)
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("::", int(sys.argv[1])))
s.listen(1)
print("listening", flush=True)
c, _ = s.accept()
print("peer_mss", c.getsockopt(socket.IPPROTO_TCP, socket.TCP_MAXSEG), flush=True)
h = hashlib.sha256()
while True:
    d = c.recv(65536)
    if not d:
        break
    h.update(d)
c.sendall(h.hexdigest().encode())
c.close()
"""

SOURCE = r"""
import socket, subprocess, sys
dst, port, n = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
c = socket.create_connection((dst, port), timeout=30)
c.sendall(bytes(i % 251 for i in range(n)))
ss = subprocess.run(["ss", "-tin", "dst", "[%s]" % dst], capture_output=True, text=True).stdout
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

# In ns h2: one probe with scapy, the ICMPv6 error it got, checked (JSON).
PROBE = r"""
import json, sys
from scapy.all import (IPv6, ICMPv6EchoRequest, ICMPv6PacketTooBig, ICMPv6TimeExceeded,
                       ICMPv6DestUnreach, raw, sr1, conf)
dst, size, hlim = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
p = IPv6(src=sys.argv[4], dst=dst, hlim=hlim) / ICMPv6EchoRequest(id=77, seq=1, data=b"q" * size)
ans = sr1(p, timeout=3, verbose=0)
if ans is None:
    print("{}")
    sys.exit(0)
icmp = ans[IPv6].payload
want = icmp.cksum
icmp.cksum = None
again = IPv6(raw(ans[IPv6]))
print(json.dumps({"src": ans[IPv6].src, "dst": ans[IPv6].dst, "type": icmp.type,
                  "code": icmp.code, "mtu": getattr(icmp, "mtu", None),
                  "len": len(raw(ans[IPv6])),
                  "cksum_ok": again.payload.cksum == want,
                  "quote_ok": raw(ans[IPv6])[48:] == raw(p)[:len(raw(ans[IPv6])) - 48]}))
"""


def gw_yaml(gw, mss6=None, inside_mtu=None, outside_mtu=None):
    """A side's YAML (seed_addrs.SIDES): IPv6 line between the hosts' networks, manual SAs
    mirrored (each side's outbound keys are the other's inbound)."""
    s, net, side = gw.s, gw.net, gw.side
    other = "gwb" if side == "gwa" else "gwa"
    enc_out, auth_out, spi_out = KEYS[side]
    enc_in, auth_in, spi_in = KEYS[other]
    main_lcore = ", --main-lcore, \"1\"" if side == "gwa" else ""
    mss = "    tcp_adjust_mss6: %d\n" % mss6 if mss6 else ""
    mtu = "    mtu: %d\n" % inside_mtu if inside_mtu and side == "gwb" else ""
    out_mtu = "    mtu: %d\n" % outside_mtu if outside_mtu else ""
    peer_mac = net.mac(s["peer_ns"], s["peer_dev"])
    v6_out = (f"""    address6: {GWB_OUT6}/64
    neighbors: [{{ip: {s["peer"]}, mac: "{peer_mac}"}}, {{ip: "{PATH_PEER6}", mac: "{peer_mac}"}}]
""" if side == "gwb" else f"""    neighbors: [{{ip: {s["peer"]}, mac: "{peer_mac}"}}]
""")
    entry20 = f"""    - seq: 20
      peer: "{PATH_PEER6}"
      transform_set: TS
      match: [{{src: "2001:db8:0:3::/64", dst: "2001:db8:0:98::/64"}}]
""" if side == "gwb" else ""
    sa20 = f"""  - {{crypto_map: VPN, seq: 20, direction: outbound, spi: {SPI6_OUT}, cipher_key: "{enc_out}",
     auth_key: "{auth_out}"}}
""" if side == "gwb" else ""
    return f"""hostname: {s["hostname"]}
dataplane:
  eal: [--no-pci, --no-huge, --no-shconf, -m, "512", -l, "0-1"{main_lcore},
        --file-prefix, {gw.prefix}, --log-level, "*:warning"]
cli:
  socket: {gw.sock}
interfaces:
  - name: inside0
    device: "net_af_packet0,iface={s["in_dev"]}"
    address: {s["inside"]}/24
    address6: {GW_IN6[side]}/64
    role: inside
    neighbors: [{{ip: "{HOST6[side]}", mac: "{net.mac(s["host"], s["host_dev"])}"}}]
{mtu}{mss}  - name: outside0
    device: "net_af_packet1,iface={s["out_dev"]}"
    address: {s["local"]}/24
    role: outside
    crypto_map: VPN
{out_mtu}{v6_out}transform_sets:
  TS: {{transforms: [esp-aes 128, esp-sha256-hmac]}}
crypto_maps:
  VPN:
    - seq: 10
      peer: {s["peer"]}
      transform_set: TS
      match: [{{src: "{NET6[side]}", dst: "{NET6[other]}"}}]
{entry20}manual_sas:
  - {{crypto_map: VPN, seq: 10, direction: inbound, spi: {spi_in}, cipher_key: "{enc_in}",
     auth_key: "{auth_in}"}}
  - {{crypto_map: VPN, seq: 10, direction: outbound, spi: {spi_out}, cipher_key: "{enc_out}",
     auth_key: "{auth_out}"}}
{sa20}"""


def hosts6(net):
    """IPv6 on the hosts' links (the seed network is IPv4 only), default routes to the gateways."""
    for ns, dev, addr, gw in (("h1", "h1-a", H1_6, GW_IN6["gwa"]),
                              ("h2", "h2-b", H2_6, GW_IN6["gwb"])):
        sh("sysctl", "-qw", "net.ipv6.conf.%s.disable_ipv6=0" % dev, ns=net.ns[ns])
        sh("ip", "addr", "add", addr + "/64", "dev", dev, "nodad", ns=net.ns[ns])
        sh("ip", "-6", "route", "add", "default", "via", gw, ns=net.ns[ns])


def ping6(net, ns, dst, size=56, hlim=None):
    args = ["ip", "netns", "exec", net.ns[ns], "ping", "-6", "-n", "-M", "do", "-s", str(size),
            "-c", "1", "-W", "3"] + (["-t", str(hlim)] if hlim else [])
    r = subprocess.run(args + [dst], capture_output=True, text=True, timeout=30)
    return r.returncode, r.stdout + r.stderr


def route_mtu6(net, dst):
    m = re.search(r"\bmtu (\d+)", sh("ip", "-6", "route", "get", dst, ns=net.ns["h2"]).stdout)
    return int(m.group(1)) if m else None


def probe(net, dst, size, hlim):
    r = sh("/usr/bin/python3", "-c", PROBE, dst, str(size), str(hlim), H2_6, ns=net.ns["h2"],
           timeout=60)
    return json.loads(r.stdout.strip().splitlines()[-1])


def icmp_sent(gw):
    return json.loads(gw.cli("show ip traffic", json=True))["icmp_errors"]


def send_frames(net, ns, dev, pkts):
    from scapy.utils import wrpcap
    path = os.path.join(net.dir, "send-%d.pcap" % time.monotonic_ns())
    wrpcap(path, pkts)
    sh("/usr/bin/python3", "-c", "from scapy.all import rdpcap, sendp; "
       "sendp(rdpcap(%r), iface=%r, verbose=0)" % (path, dev), ns=net.ns[ns])


class Pmtu6Kernel(unittest.TestCase):
    def up(self, mss6=None, inside_mtu=None, outside_mtu=None):
        net = SeedNet(gwa_kind="dpsecd").__enter__()
        self.addCleanup(net.close)
        for gw in (net.gwa, net.gwb):
            gw.config = (lambda g: lambda **kw: gw_yaml(g, mss6, inside_mtu, outside_mtu))(gw)
        hosts6(net)
        net.gwb.start()
        net.gwa.start()
        wait_for(lambda: ping6(net, "h2", H1_6)[0] == 0, 30, "a ping through the tunnel",
                 step=0.5)
        return net

    def tcp(self, net):
        sink = subprocess.Popen(["ip", "netns", "exec", net.ns["h1"], "/usr/bin/python3", "-c",
                                 SINK, str(TCP_PORT)], stdout=subprocess.PIPE, text=True)
        try:
            self.assertEqual(sink.stdout.readline().strip(), "listening")
            r = subprocess.run(["ip", "netns", "exec", net.ns["h2"], "/usr/bin/python3", "-c",
                                SOURCE, H1_6, str(TCP_PORT), str(TCP_BYTES)],
                               capture_output=True, text=True, timeout=90)
            self.assertEqual(r.returncode, 0, r.stderr)
            peer_mss = int(sink.stdout.readline().split()[1])
        finally:
            sink.wait(timeout=30)
            sink.stdout.close()
        want = hashlib.sha256(bytes(i % 251 for i in range(TCP_BYTES))).hexdigest()
        lines = r.stdout.splitlines()
        self.assertEqual(lines[-1], "digest " + want, "h1 received other bytes")
        return lines[0], peer_mss

    @staticmethod
    def ss_field(line, name):
        m = re.search(r"\b%s:(\d+)" % name, line)
        return int(m.group(1)) if m else None

    def test_errors_from_the_gateway(self):
        net = self.up()
        gwb, me = net.gwb, GW_IN6["gwb"]
        # Packet Too Big, outbound: every IPv6 packet too big for the tunnel (no DF in IPv6)
        rc, text = ping6(net, "h2", H1_6, size=TUNNEL_MTU - 48)
        self.assertEqual(rc, 0, "a packet of the tunnel MTU must go through:\n" + text)
        before = drops(gwb).get("OUT_INFRA_V6_PKT_LEN_TOO_BIG", 0)
        rc, text = ping6(net, "h2", H1_6, size=TUNNEL_MTU - 48 + 1)
        self.assertNotEqual(rc, 0, text)
        self.assertIn("From %s icmp_seq=1 Packet too big: mtu=%d" % (me, TUNNEL_MTU), text)
        self.assertEqual(route_mtu6(net, H1_6), TUNNEL_MTU)
        self.assertEqual(drops(gwb).get("OUT_INFRA_V6_PKT_LEN_TOO_BIG", 0), before + 1)
        rc, text = ping6(net, "h2", H1_6, size=TUNNEL_MTU - 48)
        self.assertEqual(rc, 0, text)
        # the message itself, through scapy (a packet socket: no cached MTU in the way)
        got = probe(net, H1_6, 1460 - 48, 64)
        self.assertEqual((got.get("type"), got.get("code"), got.get("mtu")),
                         (2, 0, TUNNEL_MTU), got)
        self.assertEqual((got["src"], got["dst"]), (me, H2_6))
        self.assertTrue(got["cksum_ok"] and got["quote_ok"], got)
        self.assertEqual(got["len"], 1280)
        # Time Exceeded, from the inside and from behind the tunnel
        rc, text = ping6(net, "h2", H1_6, hlim=1)
        self.assertIn("From %s icmp_seq=1 Time exceeded: Hop limit" % me, text)
        got = probe(net, H1_6, 16, 1)
        self.assertEqual((got.get("type"), got.get("code"), got.get("src")), (3, 0, me), got)
        self.assertTrue(got["cksum_ok"] and got["quote_ok"], got)
        rc, text = ping6(net, "h1", H2_6, hlim=2)
        self.assertIn("From %s icmp_seq=1 Time exceeded: Hop limit" % me, text)
        # Destination Unreachable, no route: no crypto map line takes it
        rc, text = ping6(net, "h2", "2001:db8:0:77::1")
        self.assertIn("From %s icmp_seq=1 Destination unreachable: No route" % me, text)
        got = probe(net, "2001:db8:0:77::1", 16, 64)
        self.assertEqual((got.get("type"), got.get("code")), (1, 0), got)
        self.assertTrue(got["cksum_ok"] and got["quote_ok"], got)
        sent = icmp_sent(gwb)
        print("gwB's ICMP errors: %s" % sent)
        self.assertGreaterEqual(sent["packet_too_big"], 2)
        self.assertGreaterEqual(sent["time_exceeded"], 3)
        self.assertGreaterEqual(sent["unreachable"], 2)

    def test_decrypted_too_big_for_the_inside(self):
        """Packet Too Big about a decrypted packet: back through the tunnel to h1's kernel."""
        net = self.up(inside_mtu=INSIDE_MTU)
        me = GW_IN6["gwb"]
        rc, text = ping6(net, "h1", H2_6, size=INSIDE_MTU - 48)
        self.assertEqual(rc, 0, text)
        before = drops(net.gwb).get("IN_INFRA_V6_PKT_LEN_TOO_BIG", 0)
        rc, text = ping6(net, "h1", H2_6, size=INSIDE_MTU - 48 + 1)
        self.assertIn("From %s icmp_seq=1 Packet too big: mtu=%d" % (me, INSIDE_MTU), text)
        self.assertEqual(drops(net.gwb).get("IN_INFRA_V6_PKT_LEN_TOO_BIG", 0), before + 1)
        self.assertEqual(icmp_sent(net.gwb)["packet_too_big"], 1)

    def test_tcp_settles_on_the_tunnel_mtu(self):
        net = self.up()
        line, peer_mss = self.tcp(net)
        print("h2 (no clamping): %s; h1's MSS %d" % (line, peer_mss))
        self.assertEqual(self.ss_field(line, "pmtu"), TUNNEL_MTU, line)
        self.assertLessEqual(self.ss_field(line, "mss"), TUNNEL_MTU - 60, line)
        self.assertGreater(icmp_sent(net.gwb)["packet_too_big"], 0)

    def test_adjust_mss6_needs_no_icmp(self):
        net = self.up(mss6=CLAMP6)
        line, peer_mss = self.tcp(net)
        print("h2 (tcp_adjust_mss6 %d): %s; h1's MSS %d" % (CLAMP6, line, peer_mss))
        self.assertLessEqual(self.ss_field(line, "mss"), CLAMP6, line)
        self.assertLessEqual(peer_mss, CLAMP6)
        self.assertEqual(icmp_sent(net.gwb)["packet_too_big"], 0)
        self.assertIsNone(route_mtu6(net, H1_6))

    def test_1280_through_a_small_path(self):
        """Both outside interfaces at MTU 1280: the tunnel carries at most SMALL_TUNNEL_MTU
        bytes of IPv6 whole, below the 1280 every IPv6 link must carry (RFC 8200 5). A
        1280-byte packet still crosses, both ways (the echo and its reply), its outer packet
        fragmented by the gateway and reassembled on the other side (RFC 4459 3, RFC 2473 7.1);
        one byte more gets Packet Too Big carrying 1280, never less (RFC 8201)."""
        net = self.up(outside_mtu=SMALL_PATH)
        me = GW_IN6["gwb"]
        rc, text = ping6(net, "h2", H1_6, size=1280 - 48)
        self.assertEqual(rc, 0, "1280 bytes of IPv6 must get through:\n" + text)
        # The receiving side's reassembly is not counted here: DPDK's af_packet PMD asks its
        # socket fanout to defragment (PACKET_FANOUT_FLAG_DEFRAG), so the kernel hands dpsecd
        # these IPv4 datagrams whole (reasm_in.c is covered by test_esp_frag6, test_reasm).
        for gw in (net.gwa, net.gwb):
            out = {i["name"]: i for i in json.loads(
                gw.cli("show interfaces", json=True))["interfaces"]}["outside0"]
            print("%s outside0: fragmented %d, fragments %d" %
                  (gw.side, out["fragmented"], out["fragments"]))
            self.assertGreaterEqual(out["fragmented"], 1, gw.side)
            self.assertGreaterEqual(out["fragments"], 2 * out["fragmented"], gw.side)
            self.assertEqual(drops(gw).get("OUT_INFRA_V6_PKT_LEN_TOO_BIG", 0), 0, gw.side)
        self.assertEqual(icmp_sent(net.gwb)["packet_too_big"], 0)
        self.assertIsNone(route_mtu6(net, H1_6))
        rc, text = ping6(net, "h2", H1_6, size=1280 - 48 + 1)
        self.assertNotEqual(rc, 0, text)
        self.assertIn("From %s icmp_seq=1 Packet too big: mtu=1280" % me, text)
        self.assertEqual(drops(net.gwb).get("OUT_INFRA_V6_PKT_LEN_TOO_BIG", 0), 1)
        rc, text = ping6(net, "h2", H1_6, size=1280 - 48)
        self.assertEqual(rc, 0, text)

    def test_packet_too_big_from_the_path_lowers_the_sa_mtu(self):
        from scapy.all import ESP, Ether, ICMPv6PacketTooBig, IPv6, Raw
        net = self.up()
        ours = IPv6(src=GWB_OUT6, dst=PATH_PEER6) / ESP(spi=SPI6_OUT, seq=1) / Raw(b"\0" * 64)
        ptb = (Ether(src=net.mac("gwa", "gwa-out"), dst=net.mac("gwb", "gwb-out")) /
               IPv6(src="2001:db8:ff::fe", dst=GWB_OUT6) / ICMPv6PacketTooBig(mtu=1300) / ours)
        net.gwa.stop()      # gwA's dpsecd owns gwa-out: scapy sends there instead
        send_frames(net, "gwa", "gwa-out", [ptb])
        wait_for(lambda: "path mtu 1300," in net.gwb.cli("show crypto ipsec sa"), 20,
                 "the SA's path MTU lowered to 1300")
        # the IPv4 tunnel's SA is not touched
        self.assertIn("path mtu 1500,", net.gwb.cli("show crypto ipsec sa"))


if __name__ == "__main__":
    unittest.main(verbosity=2)
