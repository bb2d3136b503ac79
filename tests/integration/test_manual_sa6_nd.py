#!/usr/bin/python3
"""Manual SAs to an IPv6 peer without a static MAC, against Linux (dpsectest/netns.py):

   ns gwa (kernel, the peer)          ns gwb (dpsecd)                       ns h2 (kernel)
   2001:db8:0:1::1 ------------ outside0 2001:db8:0:1::2   inside0 2001:db8:0:2::1 ---- 2001:db8:0:2::2

gwB's crypto map entry has the IPv6 peer 2001:db8:0:1::1, IPv6 lines 2001:db8:0:2::/64 <->
2001:db8:9::/64 and manual SAs both ways; no neighbor entry or next_hop_mac for the peer.

- dpsecd starts anyway: the outbound SA waits for the peer's MAC (%DPSEC-4-SA_WAIT_MAC), the
  inbound one is installed; gwB solicits the peer, which does not answer yet (its address
  is not configured);
- meanwhile h2's pings to 2001:db8:9::5 find no outbound SA: dropped and counted as 38
  OUT_V6_PKT_HIT_IKE_START_SP, as for any IPv6 entry without an SA; nothing leaves outside0;
- the peer's address comes up: gwB's next solicitation is answered, the SA is installed
  with the learned MAC (%DPSEC-5-SA_MAC_LEARNED, show crypto ipsec sa lists it, show ipv6
  neighbors has the peer), and h2's next ping leaves as ESP over IPv6 to the peer's MAC;
  scapy, sniffing in the peer's namespace, decrypts it to h2's echo request;
- the peer's MAC changes and it solicits gwB from the new one: the SA follows (its frames
  go to the new MAC; show ip traffic counts the move).
"""
import json
import os
import re
import subprocess
import sys
import time
import unittest

from scapy.layers.inet6 import ICMPv6EchoRequest, IPv6
from scapy.layers.ipsec import ESP, SecurityAssociation
from scapy.layers.l2 import Ether

sys.path.insert(0, os.path.dirname(__file__))
from dpsectest.netns import GWA_OUT6, GWB_IN6, GWB_OUT6, H2_IN6, Topology, sh  # noqa: E402
from dpsectest.wait import wait_for  # noqa: E402

REMOTE6 = "2001:db8:9::5"    # behind the peer, in the entry's remote prefix
SPI_IN, SPI_OUT = 0x6101, 0x6102
KEY_IN, KEY_OUT = bytes(range(16)), bytes(range(16, 32))
AUTH_IN, AUTH_OUT = bytes(range(32, 64)), bytes(range(64, 96))
NEW_MAC = "02:00:00:00:6a:01"

GW_YAML = f"""logging: {{syslog: false}}
transform_sets:
  TS6: {{transforms: [esp-aes 128, esp-sha256-hmac]}}
crypto_maps:
  VPN:
    - seq: 10
      peer: "{GWA_OUT6}"
      transform_set: TS6
      match: [{{src: "2001:db8:0:2::/64", dst: "2001:db8:9::/64"}}]
manual_sas:
  - {{crypto_map: VPN, seq: 10, direction: inbound, spi: {SPI_IN}, cipher_key: "{KEY_IN.hex()}",
     auth_key: "{AUTH_IN.hex()}"}}
  - {{crypto_map: VPN, seq: 10, direction: outbound, spi: {SPI_OUT},
     cipher_key: "{KEY_OUT.hex()}", auth_key: "{AUTH_OUT.hex()}"}}
"""

# Run in ns gwa: the first ESP frame on the device (count 1), as hex, or "" after the timeout.
SNIFF = r"""
import sys
from scapy.all import sniff, raw
got = sniff(iface=sys.argv[1], count=1, timeout=float(sys.argv[2]),
            lfilter=lambda p: p.haslayer("IPv6") and p["IPv6"].nh == 50)
print(raw(got[0]).hex() if got else "")
"""


def drops(t, name):
    text = t.cli("show platform hardware qfp active feature ipsec datapath drops")
    m = re.search(r"\b\d+\s+%s\s+(\d+)" % re.escape(name), text)
    return int(m.group(1)) if m else 0


class ManualSa6Nd(unittest.TestCase):
    def setUp(self):
        self.t = Topology(ipv6=True).__enter__()
        # the peer does not answer at first: its IPv6 address is not there yet
        sh("ip", "-6", "addr", "del", GWA_OUT6 + "/64", "dev", "gwa-out", ns=self.t.ns["gwa"])
        sh("ip", "-6", "route", "add", "2001:db8:9::/64", "via", GWB_IN6, ns=self.t.ns["h2"])

    def tearDown(self):
        self.t.close_checked()

    def diag(self):
        try:
            return "\n" + self.t.cli("show logging")[-3000:]
        except AssertionError as e:
            return "\n(show logging: %s)\n%s" % (e, self.t.logtext()[-2000:])

    def out_sas(self):
        sas = json.loads(self.t.cli("show crypto ipsec sa", json=True))
        found = []

        def walk(v):
            if isinstance(v, dict):
                if v.get("direction") == "out" and "spi" in v:
                    found.append(v)
                for x in v.values():
                    walk(x)
            elif isinstance(v, list):
                for x in v:
                    walk(x)
        walk(sas)
        return found

    def ping_h2(self, count=3):
        return sh("ping", "-6", "-c", str(count), "-i", "0.2", "-W", "1", REMOTE6,
                  ns=self.t.ns["h2"], check=False)

    def esp_seen_by_peer(self, guard=20):
        """Start a sniffer in the peer's namespace, ping from h2 until it has an ESP frame."""
        sniffer = subprocess.Popen(["ip", "netns", "exec", self.t.ns["gwa"], "/usr/bin/python3",
                                    "-c", SNIFF, "gwa-out", str(guard)],
                                   stdout=subprocess.PIPE, text=True)
        try:
            time.sleep(0.5)   # the sniffer's socket open before the first ping (not asserted)
            deadline = time.monotonic() + guard
            while sniffer.poll() is None and time.monotonic() < deadline:
                self.ping_h2(1)
            out, _ = sniffer.communicate(timeout=guard + 10)
        finally:
            if sniffer.poll() is None:
                sniffer.kill()
                sniffer.wait()
        self.assertTrue(out.strip(), "no ESP frame reached the peer" + self.diag())
        return Ether(bytes.fromhex(out.strip()))

    def check_esp(self, frame, dst_mac):
        self.assertEqual(frame[Ether].dst, dst_mac)
        self.assertEqual(frame[Ether].src, self.t.mac("gwb", "gwb-out"))
        self.assertEqual((frame[IPv6].src, frame[IPv6].dst), (GWB_OUT6, GWA_OUT6))
        self.assertEqual(frame[ESP].spi, SPI_OUT)
        sa = SecurityAssociation(ESP, spi=SPI_OUT, crypt_algo="AES-CBC", crypt_key=KEY_OUT,
                                 auth_algo="SHA2-256-128", auth_key=AUTH_OUT,
                                 tunnel_header=IPv6(src=GWB_OUT6, dst=GWA_OUT6))
        inner = sa.decrypt(frame[IPv6])
        self.assertEqual((inner[IPv6].src, inner[IPv6].dst), (H2_IN6, REMOTE6))
        self.assertIn(ICMPv6EchoRequest, inner)

    def test_sa_waits_for_the_peer_mac(self):
        self.t.start(GW_YAML)
        wait_for(lambda: "SA_WAIT_MAC" in self.t.cli("show logging"), 20,
                 "the waiting SA logged" + self.diag())
        log = self.t.cli("show logging")
        self.assertIn("1 outbound manual SA(s) wait for their peer's MAC address", log)
        self.assertIn("spi 0x%X to %s" % (SPI_OUT, GWA_OUT6), log)
        self.assertEqual(self.out_sas(), [])
        # meanwhile: no outbound SA, h2's packets counted as an IPv6 entry without an SA
        r = self.ping_h2()
        self.assertNotEqual(r.returncode, 0)
        self.assertGreaterEqual(drops(self.t, "OUT_V6_PKT_HIT_IKE_START_SP"), 3, self.diag())
        # the peer comes up: the next solicitation is answered (within ND's hold-down)
        sh("ip", "-6", "addr", "add", GWA_OUT6 + "/64", "dev", "gwa-out", "nodad",
           ns=self.t.ns["gwa"])
        wait_for(lambda: self.out_sas(), 40, "the outbound SA installed" + self.diag())
        self.assertEqual(self.out_sas()[0]["spi"], SPI_OUT)
        log = self.t.cli("show logging")
        self.assertIn("1 outbound manual SA(s) installed now that their peer's MAC is known, "
                      "the first spi 0x%X to %s; 0 still wait" % (SPI_OUT, GWA_OUT6), log)
        rows = json.loads(self.t.cli("show ipv6 neighbors", json=True))["neighbors"]
        peer = next(r for r in rows if r["address"] == GWA_OUT6)
        self.assertEqual((peer["interface"], peer["origin"]), ("outside0", "dynamic"))
        self.check_esp(self.esp_seen_by_peer(), self.t.mac("gwa", "gwa-out"))
        # the peer's MAC changes; its next solicitation of gwB carries the new one
        moved = json.loads(self.t.cli("show ip traffic", json=True))["nd6"]["sa_moved"]
        gwa = self.t.ns["gwa"]
        sh("ip", "link", "set", "gwa-out", "address", NEW_MAC, ns=gwa)
        sh("ip", "-6", "neigh", "flush", "dev", "gwa-out", ns=gwa)
        wait_for(lambda: sh("ping", "-6", "-c", "1", "-W", "1", GWB_OUT6, ns=gwa,
                            check=False).returncode == 0 and
                 json.loads(self.t.cli("show ip traffic", json=True))["nd6"]["sa_moved"] > moved,
                 30, "the SA moved to the peer's new MAC" + self.diag())
        self.check_esp(self.esp_seen_by_peer(), NEW_MAC)


if __name__ == "__main__":
    unittest.main(verbosity=2)
