#!/usr/bin/python3
"""SAs in bulk: dpsecd with 100,000 SA pairs from a manual SA file (manual_sa_file).

   scapy (peer 192.0.2.1) --ESP--> [ outside0  dpsecd  inside0 ] --plaintext--> scapy
                          <--ESP--                             <--plaintext--
   gw.yaml: crypto map VPN 10, manual_sa_file: sas.txt (100,000 inbound + 100,000 outbound)

- every SA of the file is installed: show crypto ipsec sa count says 200,000, of which the
  outbound SAs but the last are standby (an entry encrypts with one outbound SA: the last
  one installed for it);
- traffic on SAs near the end of the file (written with scapy's keys) decrypts, and the
  gateway's outbound traffic uses the file's last outbound SA (scapy decrypts it);
- a manual AES-GCM file that others can read: one warning each (not one per SA), on stderr
  and in the log;
- a refused file stops dpsecd before DPDK with file:line:col and no key on stderr.

No timing is asserted: load time and memory are measured by hand (docs/PERFORMANCE.md).
"""
import os
import sys
import unittest

sys.path.insert(0, os.path.dirname(__file__))
from dpsectest import bulk, esp  # noqa: E402
from dpsectest.gateway import Gateway, HOST_MAC, INSIDE_MAC  # noqa: E402

from scapy.layers.inet import IP, UDP  # noqa: E402
from scapy.layers.l2 import Ether  # noqa: E402
from scapy.layers.ipsec import ESP  # noqa: E402
from scapy.packet import Raw  # noqa: E402

PAIRS = 100_000
XFORM = "cbc128-sha256"
SPI_IN, SPI_OUT = 0x00100000, 0x00200000   # SA pair i: SPI_IN + i, SPI_OUT + i


def sa_file(path, tunnels):
    _, _, ck, _, ak = esp.XFORMS[XFORM]
    bulk.write_sa_file(path, PAIRS, "TS-VPN-10", SPI_IN, SPI_OUT, (ck, ak), tunnels)


def bulk_gateway():
    gw = Gateway(transforms=esp.XFORMS[XFORM][0])
    gw.dataplane_yaml = "  sa_max: 262144\n"
    gw.extra_yaml = "manual_sa_file: sas.txt\n"
    gw.start_timeout = 300      # a guard against a hang, not a measurement
    return gw


def inner(i, src="10.0.0.7", dst="10.0.2.9"):
    return IP(bytes(IP(src=src, dst=dst, ttl=64, id=i) / UDP(sport=4000 + i, dport=9) /
                    Raw(b"bulk-%d" % i)))


class BulkSa(unittest.TestCase):
    def test_100k_pairs(self):
        """200,000 SAs from the file; traffic on the last ones, both ways."""
        last, near = PAIRS - 1, PAIRS - 1000
        tunnels = {i: esp.Tunnel(XFORM, spi_in=SPI_IN + i, spi_out=SPI_OUT + i)
                   for i in (near, last)}
        gw = bulk_gateway()
        try:
            sa_file(os.path.join(gw.dir, "sas.txt"), tunnels)
            pkts = [inner(1), inner(2)]
            out_inner = inner(3, src="10.0.2.9", dst="10.0.0.7")
            gw.start(outside_rx=[tunnels[last].encrypt(pkts[0], seq=1),
                                 tunnels[near].encrypt(pkts[1], seq=1)],
                     inside_rx=[Ether(src=HOST_MAC, dst=INSIDE_MAC) / out_inner])
            self.assertEqual(
                gw.cli("show crypto ipsec sa count").strip(),
                "IPsec SA total: %d, inbound: %d, outbound: %d, active: %d, standby: %d"
                % (2 * PAIRS, PAIRS, PAIRS, PAIRS + 1, PAIRS - 1))
            gw.settle()
            tx = gw.stop()
        finally:
            gw.close()
        got = sorted(bytes(f[IP]) for f in tx["inside"])
        self.assertEqual(got, sorted(bytes(esp.forwarded(p)) for p in pkts))
        self.assertEqual(len(tx["outside"]), 1)
        frame = tx["outside"][0]
        self.assertEqual(IP(bytes(frame[IP]))[ESP].spi, SPI_OUT + last)
        self.assertEqual(bytes(tunnels[last].decrypt(frame)), bytes(esp.forwarded(out_inner)))

    def test_warnings(self):
        """A file of manual AES-GCM SAs that others can read: one warning for each, on stderr
        and in the log, naming the file (not one line per SA)."""
        gw = Gateway(transforms=esp.XFORMS["gcm128"][0])
        gw.extra_yaml = "manual_sa_file: {path: sas.txt, allow_unsafe_manual_gcm: true}\n"
        path = os.path.join(gw.dir, "sas.txt")
        try:
            bulk.write_sa_file(path, 3, "TS-VPN-10", SPI_IN, SPI_OUT, (20, 0))
            os.chmod(path, 0o644)
            gw.start()
            log = gw.cli("show logging")
            self.assertEqual(gw.cli("show crypto ipsec sa count").strip(),
                             "IPsec SA total: 6, inbound: 3, outbound: 3, active: 4, "
                             "standby: 2")
            gw.stop()
            with open(gw.log) as f:
                stderr = f.read()
        finally:
            gw.close()
        exposed = ("%s holds keys and its group and others can read it (mode 0644): "
                   "chmod 600 it" % path)
        gcm = ("manual SA file %s: 6 SAs use AES-GCM with a static key: their nonces repeat "
               "after every restart (RFC 4106 section 8); allow_unsafe_manual_gcm is set, for "
               "testing only" % path)
        self.assertIn("%DPSEC-4-CONFIG_EXPOSED: " + exposed, log)
        self.assertIn("%CRYPTO-4-UNSAFE_MANUAL_GCM: " + gcm, log)
        self.assertEqual(log.count("UNSAFE_MANUAL_GCM"), 1, log)
        self.assertIn("dpsecd: warning: " + exposed + "\n", stderr)
        self.assertIn("dpsecd: warning: " + gcm + "\n", stderr)

    def test_refused_file(self):
        """A bad line stops dpsecd with the file's line and column; the key is not shown."""
        gw = bulk_gateway()
        key = os.urandom(16).hex()
        try:
            with open(os.path.join(gw.dir, "sas.txt"), "w") as f:
                f.write("inbound 0x1000 192.0.2.1 VPN 10 TS-VPN-10 %s %s\n" % (key, "ab" * 31))
            rc, out = gw.run_to_exit()
        finally:
            gw.close()
        self.assertEqual(rc, 1, out)
        self.assertIn("%s/sas.txt:1:76: auth-key must be 64 hex digits (32 bytes for "
                      "esp-sha256-hmac), got 62" % gw.dir, out)
        self.assertNotIn(key, out)


if __name__ == "__main__":
    unittest.main(verbosity=2)
