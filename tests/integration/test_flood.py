#!/usr/bin/python3
"""An unknown-SPI flood at full rate, with a working tunnel in the middle of it.

   pcap, replayed forever (net_pcap infinite_rx): 9 of 10 frames ESP with random
   SPIs from random sources, 1 of 10 valid ESP of the tunnel
        --> outside0 [dpsecd] inside0 --> net_null

What must hold while it runs (until the counters below reach their numbers,
however long that takes on the machine; a guard only stops a hang):
- the tunnel's packets are still decrypted and forwarded, none fails its ICV
  (the replay window is off in this test: the same valid packets come round
  again and again);
- the control thread stays responsive: every CLI command answers;
- the workers' event rate and the log stay inside their bounds, and what they
  held back is counted.
The measured figures (event rate, CLI latency) are printed for the record;
the assertions are bounds, not timings: the test waits for the flood to
reach FLOOD packets, the tunnel DECAPS, and the rate limit and the log
suppression to engage, so that a slow or loaded machine only makes it take
longer and a fast one still does all of it.
"""
import json
import os
import random
import re
import signal
import statistics
import subprocess
import sys
import time
import unittest

from scapy.layers.inet import IP, UDP
from scapy.layers.ipsec import ESP, SecurityAssociation
from scapy.layers.l2 import Ether
from scapy.packet import Raw
from scapy.utils import wrpcap

sys.path.insert(0, os.path.dirname(__file__))
from dpsectest import leftovers  # noqa: E402
from dpsectest.gateway import DPSEC, DPSECD, OUTSIDE_MAC  # noqa: E402

KEY = bytes(range(20))
FLOOD = 200000         # unknown-SPI packets to wait for: 20 times EVENT_RATE, ~110 rounds of
                       # the pcap (the rate limit must hold them back, not let them all through)
DECAPS = 2000          # the tunnel's packets decrypted meanwhile (1 in 10 of the pcap)
QUERIES = 10           # CLI commands answered, at least, while the flood runs
GUARD = 300            # s: only against a hang; the flood reaches its numbers long before
LOG_RATE = 20          # logging.rate: rate-limited lines per second, all flows together
EVENT_RATE = 10000     # per worker (src/dataplane/ctrl_link.h), plus a burst of 256


def config(d, pcap):
    return f"""hostname: flood
dataplane:
  eal: [--no-pci, --no-huge, --no-shconf, -m, "1024", -l, "0-1", --file-prefix,
        {os.path.basename(d)}, --log-level, "*:warning"]
  replay_window: 0
  mbufs: 16383
logging: {{syslog: false, rate: {LOG_RATE}}}
cli: {{socket: {d}/s.sock}}
interfaces:
  - {{name: outside0, device: "net_pcap0,rx_pcap={pcap},infinite_rx=1", address: 192.0.2.2/24,
      role: outside, crypto_map: VPN, next_hop_mac: "02:00:00:00:00:01"}}
  - {{name: inside0, device: "net_null0,no-rx=1", address: 198.51.100.1/24, role: inside,
      next_hop_mac: "02:00:00:00:00:02"}}
transform_sets: {{TS: {{transforms: [esp-gcm 128]}}}}
crypto_maps:
  VPN: [{{seq: 10, peer: 192.0.2.1, transform_set: TS,
          match: [{{src: 198.51.100.0/24, dst: 203.0.113.0/24}}]}}]
manual_sas:
  - {{crypto_map: VPN, seq: 10, direction: inbound, spi: 0x1001, cipher_key: "{KEY.hex()}",
     allow_unsafe_manual_gcm: true}}
"""


def frames():
    rnd = random.Random(7)
    sa = SecurityAssociation(ESP, spi=0x1001, crypt_algo="AES-GCM", crypt_key=KEY,
                             tunnel_header=IP(src="192.0.2.1", dst="192.0.2.2"))
    out = []
    for i in range(2000):
        if i % 10 == 0:
            inner = IP(src="203.0.113.7", dst="198.51.100.9") / UDP() / Raw(b"x" * 64)
            pkt = sa.encrypt(inner, seq_num=i + 1)
        else:
            src = "203.0.113.%d" % rnd.randrange(1, 255)
            pkt = IP(src=src, dst="192.0.2.2", proto=50) / \
                Raw(rnd.getrandbits(32).to_bytes(4, "big") + bytes(4) + bytes(rnd.randrange(40)))
        out.append(Ether(src="02:00:00:00:00:01", dst=OUTSIDE_MAC) / pkt)
    return out


class Flood(unittest.TestCase):
    def cli(self, d, *cmd, js=False):
        t0 = time.monotonic()
        r = subprocess.run([DPSEC, "-s", d + "/s.sock"] + (["--json"] if js else []) + list(cmd),
                           capture_output=True, text=True, timeout=10)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        return r.stdout, time.monotonic() - t0

    def test_flood(self):
        d = leftovers.mkdtemp("flood")
        try:
            self.run_flood(d)
        finally:
            leftovers.remove_dir(d)

    def run_flood(self, d):
        wrpcap(d + "/flood.pcap", frames())
        with open(d + "/gw.yaml", "w") as f:
            f.write(config(d, d + "/flood.pcap"))
        log = open(d + "/dpsecd.log", "w")
        p = subprocess.Popen([DPSECD, "-c", d + "/gw.yaml"], stdout=log, stderr=subprocess.STDOUT)
        try:
            guard = time.monotonic() + 60
            while time.monotonic() < guard:
                if os.path.exists(d + "/s.sock") or p.poll() is not None:
                    break
                time.sleep(0.05)
            self.assertIsNone(p.poll(), "dpsecd died at start")
            self.check_flood(d)
        finally:
            p.send_signal(signal.SIGINT)
            try:
                rc = p.wait(timeout=30)
            except subprocess.TimeoutExpired:
                p.kill()
                rc = p.wait()
            log.close()
        with open(d + "/dpsecd.log") as f:
            self.assertEqual(rc, 0, f.read())

    def stats(self, d):
        return json.loads(self.cli(d, "show", "crypto", "ipsec", "invalid-spi", js=True)[0])

    def counters(self, d):
        out, _ = self.cli(d, "show", "platform", "hardware", "qfp", "active", "feature", "ipsec",
                          "datapath", "drops", "all")
        return {m.group(2): int(m.group(3))
                for m in re.finditer(r"^ *(\d+)  (\S+) +(\d+)$", out, re.M)}

    def decaps(self, d):
        out, _ = self.cli(d, "show", "crypto", "ipsec", "sa")
        return int(re.search(r"#pkts decaps: (\d+)", out).group(1))

    def check_flood(self, d):
        start = time.monotonic()    # before the first snapshot: elapsed covers the window
        s0, c0, dec0 = self.stats(d), self.counters(d), self.decaps(d)
        latencies = []
        while True:
            _, lat = self.cli(d, "show", "platform", "hardware", "qfp", "active", "statistics",
                              "drop")
            latencies.append(lat)
            s1, c1, dec1 = self.stats(d), self.counters(d), self.decaps(d)
            unknown = c1["IN_US_V4_PKT_SA_NOT_FOUND_SPI"] - c0["IN_US_V4_PKT_SA_NOT_FOUND_SPI"]
            held = (s1["stats"]["rate_limited"] - s0["stats"]["rate_limited"]) + \
                (s1["stats"]["deduped"] - s0["stats"]["deduped"])
            reached = {"flood": unknown >= FLOOD, "tunnel": dec1 - dec0 >= DECAPS,
                       "cli": len(latencies) >= QUERIES, "held back": held > 0,
                       "log suppressed": s1["stats"]["log_suppressed"] > 0}
            if all(reached.values()):
                break
            if time.monotonic() - start > GUARD:
                self.fail("after %d s, not reached: %s (%d unknown-SPI, %d decaps)" % (
                    GUARD, [k for k, v in reached.items() if not v], unknown, dec1 - dec0))
        elapsed = time.monotonic() - start     # after the last snapshot
        logs, _ = self.cli(d, "show", "logging")
        inv_lines = logs.count("%CRYPTO-4-RECVD_PKT_INV_SPI")

        events = s1["stats"]["events"] - s0["stats"]["events"]
        print("\nflood: %.0f unknown-SPI packets/s, %.0f events/s to the control thread, "
              "%d log lines in all, CLI latency median %.0f ms max %.0f ms, tunnel %.0f pkts/s"
              % (unknown / elapsed, events / elapsed, inv_lines,
                 1000 * statistics.median(latencies), 1000 * max(latencies),
                 (dec1 - dec0) / elapsed))

        self.assertEqual(c1["IN_CD_SW_IPSEC_MAC_EXCEPTION"], c0["IN_CD_SW_IPSEC_MAC_EXCEPTION"])
        # one worker: at most its rate, plus its saved-up burst, reached the control thread
        # (elapsed encloses the window between the snapshots: a slow machine only loosens it)
        self.assertLessEqual(events, EVENT_RATE * (elapsed + 1) + 256)
        # the log: at most LOG_RATE a second (plus the bucket) over the daemon's whole run, as
        # long as it says it has been up (whole seconds: one more for the part cut off)
        uptime = json.loads(self.cli(d, "show", "version", js=True)[0])["uptime_sec"] + 1
        self.assertLessEqual(inv_lines, LOG_RATE * (uptime + 1))


if __name__ == "__main__":
    unittest.main(verbosity=2)
