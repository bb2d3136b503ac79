#!/usr/bin/python3
"""The control plane against real peers, in network namespaces:

   ns gwa (peer, scapy)            ns gwb (dpsecd)                    ns h2 (host, kernel)
   192.0.2.1 ----------------- outside0 192.0.2.2  inside0 198.51.100.1 --------- 198.51.100.2
   protects 203.0.113.0/24          crypto map VPN 10: 198.51.100.0/24 <-> 203.0.113.0/24

- ARP and ping to the gateway are answered by dpsecd's control thread;
- a tunnel works end to end (scapy's ESP to the host; the host's reply back encrypted);
- unknown SPIs: counters (4, IpsecInput), one %CRYPTO-4-RECVD_PKT_INV_SPI line per flow per
  interval (INTERVAL here; 60 s by default, as IOS; judged by the daemon's own time stamps),
  the invalid-SPI table with exact packet counts;
- every packet counted under 4 is in a row of that table or in its "not attributed" count,
  also after 600 packets over 120 flows in one burst and after the table is cleared;
- `clear crypto sa` really removes the SAs: the same traffic then counts as unknown SPI;
- every packet is accounted for, from dpsec's own views: per interface, packets input
  (show interfaces) = forwarded + punted + dropped (show platform hardware qfp active
  interface if-name X statistics), every punted packet is in the control thread's per-kind
  counters (... infrastructure punt statistics type per-cause), and the global drop causes
  are the interfaces' input and output drops plus what the control thread did not answer;
- the same counters through DPDK's telemetry socket.
"""
import datetime
import json
import os
import re
import sys
import time
import unittest

from scapy.layers.inet import ICMP, IP, UDP
from scapy.layers.ipsec import ESP, SecurityAssociation
from scapy.layers.l2 import ARP, Ether
from scapy.packet import Raw

sys.path.insert(0, os.path.dirname(__file__))
from dpsectest.netns import GWA_OUT, GWB_IN, GWB_OUT, H2_IN, PREFIX, Topology, sh  # noqa: E402
from dpsectest import telemetry  # noqa: E402

KEY_IN = bytes(range(20))          # gwA -> gwB, esp-gcm 128 (key || salt)
KEY_OUT = bytes(range(40, 60))     # gwB -> gwA
SPI_IN, SPI_OUT = 0x1001, 0x2001

# logging.invalid_spi_interval, s. The verdicts use the daemon's own time stamps, so a slow
# machine only changes which case a report falls in: a report needs to come within INTERVAL of
# the flow's last line to be seen held back, i.e. a send, the worker's report (folded for at
# most a second) and the control thread's stamp in under 10 s; if one takes longer, the report
# is logged, judged as such, and the next one (sent at once after it) is held back.
INTERVAL = 10
GW_YAML = f"""logging: {{syslog: false, invalid_spi_interval: {INTERVAL}}}
transform_sets:
  TS: {{transforms: [esp-gcm 128]}}
crypto_maps:
  VPN:
    - seq: 10
      peer: {GWA_OUT}
      transform_set: TS
      match: [{{src: 198.51.100.0/24, dst: 203.0.113.0/24}}]
manual_sas:
  - {{crypto_map: VPN, seq: 10, direction: inbound, spi: {SPI_IN}, cipher_key: "{KEY_IN.hex()}",
     allow_unsafe_manual_gcm: true}}
  - {{crypto_map: VPN, seq: 10, direction: outbound, spi: {SPI_OUT}, cipher_key: "{KEY_OUT.hex()}",
     allow_unsafe_manual_gcm: true}}
"""


def drops(t):
    rows = {}
    for line in t.cli("show platform hardware qfp active feature ipsec datapath drops all") \
            .splitlines():
        m = re.match(r"^ *(\d+)  (\S+) +(\d+)$", line)
        if m:
            rows[m.group(2)] = int(m.group(3))
    return rows


def ipsec_input(t):
    for line in t.cli("show platform hardware qfp active statistics drop all").splitlines():
        if line.startswith("IpsecInput "):
            return int(line.split()[1])
    raise AssertionError("no IpsecInput row")


STAMP = re.compile(r"^([A-Z][a-z]{2} [ 1-3]\d \d\d:\d\d:\d\d\.\d{3}): ")
BOUNDARY = 0.05     # s: how close to an interval's end the daemon's two clocks may disagree


def stamp(line):
    """A log line's time stamp ("Sep  2 13:27:57.707", this year, local time) in epoch seconds."""
    m = STAMP.match(line)
    if not m:
        raise AssertionError("no time stamp: %r" % line)
    return datetime.datetime.strptime("%d %s" % (datetime.date.today().year, m.group(1)),
                                      "%Y %b %d %H:%M:%S.%f").timestamp()


def wait_for(cond, timeout=30, what="condition"):
    """cond() once it is true; the timeout only guards a hang."""
    end = time.time() + timeout
    while time.time() < end:
        v = cond()
        if v:
            return v
        time.sleep(0.1)
    raise AssertionError("timed out waiting for " + what)


class ControlPlane(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.t = Topology().__enter__()
        try:
            cls.t.start(GW_YAML)
        except Exception:
            cls.t.close()
            raise
        cls.gwa_mac = cls.t.mac("gwa", "gwa-out")
        cls.gwb_out_mac = cls.t.mac("gwb", "gwb-out")
        cls.sa = SecurityAssociation(ESP, spi=SPI_IN, crypt_algo="AES-GCM", crypt_key=KEY_IN,
                                     tunnel_header=IP(src=GWA_OUT, dst=GWB_OUT))
        cls.seq = 0

    @classmethod
    def tearDownClass(cls):
        cls.t.close_checked()

    def esp_frames(self, inner, n, spi=None, proto=None):
        """n ESP frames from gwA: the tunnel's SA, or garbage under an unknown spi."""
        frames = []
        for _ in range(n):
            type(self).seq += 1
            if spi is None:
                pkt = self.sa.encrypt(inner, seq_num=self.seq)
            elif proto == 51:   # AH: next header, length, reserved, SPI, sequence
                pkt = IP(src=GWA_OUT, dst=GWB_OUT, proto=51) / \
                    Raw(bytes([4, 4, 0, 0]) + spi.to_bytes(4, "big") +
                        self.seq.to_bytes(4, "big") + bytes(12))
            else:
                pkt = IP(src=GWA_OUT, dst=GWB_OUT, proto=50) / \
                    Raw(spi.to_bytes(4, "big") + self.seq.to_bytes(4, "big") + bytes(40))
            frames.append(Ether(src=self.gwa_mac, dst=self.gwb_out_mac) / pkt)
        return frames

    def test_1_ping_and_arp_to_the_gateway(self):
        r = sh("ping", "-c", "3", "-W", "2", "-i", "0.2", GWB_IN, ns=self.t.ns["h2"], check=False)
        self.assertEqual(r.returncode, 0, "host cannot ping the gateway:\n" + r.stdout)
        neigh = sh("ip", "neigh", "show", GWB_IN, ns=self.t.ns["h2"]).stdout
        self.assertIn(self.t.mac("gwb", "gwb-in"), neigh, "ARP answered with the port's MAC")
        r = sh("ping", "-c", "2", "-W", "2", GWB_OUT, ns=self.t.ns["gwa"], check=False)
        self.assertEqual(r.returncode, 0, "peer cannot ping the outside address:\n" + r.stdout)

    def test_2_tunnel_end_to_end(self):
        # gwA's ESP carries a ping from 203.0.113.7 to the host; the host's reply
        # goes back out encrypted (the kernel in h2 answers, ARPing for the gateway)
        ping = IP(src="203.0.113.7", dst=H2_IN) / ICMP(id=9, seq=1) / Raw(b"through the tunnel")
        before = self.sa_counts()
        self.t.send("gwa", "gwa-out", self.esp_frames(ping, 3))
        after = wait_for(lambda: (lambda c: c if c["decaps"] >= before["decaps"] + 3 and
                                  c["encaps"] >= before["encaps"] + 3 else None)(self.sa_counts()),
                         what="decaps and encaps to move")
        self.assertEqual(after["decaps"] - before["decaps"], 3)
        self.assertEqual(after["encaps"] - before["encaps"], 3)

    def accounts(self):
        """Per interface: packets input, and the qfp view's forwarded, punted, input and output
        drops by cause; the control thread's punt counters by kind; the global drop causes."""
        ports = {}
        for ifc in json.loads(self.t.cli("show interfaces", json=True))["interfaces"]:
            q = json.loads(self.t.cli("show platform hardware qfp active interface if-name %s "
                                      "statistics" % ifc["name"], json=True))
            ports[ifc["name"]] = {
                # fragments reassembled into one packet are accounted as that packet
                "input": ifc["ipackets"] - ifc["reassembly_fragments"] + ifc["reassembled"],
                "forwarded": q["forwarded_packets"],
                "punted": q["punted_packets"],
                "in_drops": {d["name"]: d["packets"] for d in q["input_drops"]},
                "out_drops": {d["name"]: d["packets"] for d in q["output_drops"]}}
        punt = json.loads(self.t.cli("show platform hardware qfp active infrastructure punt "
                                     "statistics type per-cause", json=True))["punt"]
        glob = {d["name"]: d["packets"] for d in json.loads(self.t.cli(
            "show platform hardware qfp active statistics drop all", json=True))["drops"]}
        return ports, punt, glob

    def balanced(self):
        """The accounts if every identity holds (nothing in flight), else None. The global
        drops are shown since their last clear; nothing in this file clears them."""
        ports, punt, glob = self.accounts()
        for p in ports.values():
            if p["input"] != p["forwarded"] + p["punted"] + sum(p["in_drops"].values()):
                return None
        if sum(p["punted"] for p in ports.values()) != sum(k["received"] for k in punt.values()):
            return None
        for k in punt.values():
            if k["received"] != k["answered"] + k["unhandled"] + k["tx_failed"]:
                return None
        for cause, n in glob.items():
            by_port = sum(p["in_drops"].get(cause, 0) + p["out_drops"].get(cause, 0)
                          for p in ports.values())
            if cause == "PuntUnhandled":
                by_port += sum(k["unhandled"] + k["tx_failed"] for k in punt.values())
            if n != by_port:
                return None
        return ports, punt, glob

    def test_2b_every_packet_accounted(self):
        """A mix on both sides: tunnel traffic both ways, ARP, ping and IKE to the gateway,
        ESP for an unknown SPI, a frame of an unknown Ethernet type, DNS to the gateway."""
        p0, k0, _ = wait_for(self.balanced, what="the accounts to balance before")
        h2 = self.t.ns["h2"]
        sh("ip", "neigh", "flush", "dev", "h2-in", ns=h2)      # h2 ARPs for the gateway again
        sh("ping", "-c", "3", "-W", "2", "-i", "0.2", "203.0.113.7", ns=h2, check=False)
        r = sh("ping", "-c", "2", "-W", "2", "-i", "0.2", GWB_IN, ns=h2, check=False)
        self.assertEqual(r.returncode, 0, r.stdout)
        ping = IP(src="203.0.113.7", dst=H2_IN) / ICMP(id=11, seq=1)
        h2_mac, gwb_in_mac = self.t.mac("h2", "h2-in"), self.t.mac("gwb", "gwb-in")
        self.t.send("gwa", "gwa-out", self.esp_frames(ping, 2) +
                    self.esp_frames(None, 2, spi=0xDEAD0001) + [
                        Ether(src=self.gwa_mac, dst="ff:ff:ff:ff:ff:ff") /
                        ARP(op=1, hwsrc=self.gwa_mac, psrc=GWA_OUT, pdst=GWB_OUT),
                        Ether(src=self.gwa_mac, dst=self.gwb_out_mac) /
                        IP(src=GWA_OUT, dst=GWB_OUT) / UDP(sport=500, dport=500) /
                        Raw(bytes(28))])
        self.t.send("h2", "h2-in", [
            Ether(src=h2_mac, dst=gwb_in_mac, type=0x88B5) / Raw(bytes(46)),
            Ether(src=h2_mac, dst=gwb_in_mac) / IP(src=H2_IN, dst=GWB_IN) /
            UDP(sport=5353, dport=53) / Raw(bytes(12))])

        def moved():
            acc = self.balanced()
            if acc is None:
                return None
            p, k, _ = acc
            d = lambda name, key: p[name][key] - p0[name][key]    # noqa: E731
            ok = (d("inside0", "forwarded") >= 3 + 2 and d("outside0", "forwarded") >= 2 and
                  k["ike"]["received"] - k0["ike"]["received"] == 1 and
                  k["other"]["received"] - k0["other"]["received"] >= 1 and
                  k["icmp_echo"]["answered"] - k0["icmp_echo"]["answered"] >= 2 and
                  k["arp"]["answered"] - k0["arp"]["answered"] >= 1)
            return acc if ok else None
        p1, k1, g1 = wait_for(moved, what="the mix to be counted, every identity holding")
        out_drop = {c: n - p0["outside0"]["in_drops"].get(c, 0)
                    for c, n in p1["outside0"]["in_drops"].items()}
        in_drop = {c: n - p0["inside0"]["in_drops"].get(c, 0)
                   for c, n in p1["inside0"]["in_drops"].items()}
        self.assertEqual(out_drop.get("IpsecInput"), 2, out_drop)       # the unknown SPI
        self.assertEqual(in_drop.get("UnknownL2Proto"), 1, in_drop)
        self.assertGreaterEqual(p1["outside0"]["punted"] - p0["outside0"]["punted"], 2)
        self.assertGreaterEqual(p1["inside0"]["punted"] - p0["inside0"]["punted"], 3)
        self.assertEqual(k1["ike"]["unhandled"] - k0["ike"]["unhandled"], 1)
        # "other": the DNS query, and whatever gwA's kernel says about ESP it cannot read
        self.assertGreaterEqual(k1["other"]["unhandled"] - k0["other"]["unhandled"], 1)
        self.assertGreater(g1["PuntUnhandled"], 0)

    def sa_counts(self):
        out = self.t.cli("show crypto ipsec sa")
        enc = re.search(r"#pkts encaps: (\d+)", out)
        dec = re.search(r"#pkts decaps: (\d+)", out)
        return {"encaps": int(enc.group(1)) if enc else 0,
                "decaps": int(dec.group(1)) if dec else 0}

    def log_lines(self):
        return [line for line in self.t.cli("show logging").splitlines()
                if "%CRYPTO-4-RECVD_PKT_INV_SPI" in line]

    def flows(self):
        return json.loads(self.t.cli("show crypto ipsec invalid-spi", json=True))

    PACKETS_LINE = re.compile(
        r"^Packets \(drops 4, 12\): (?P<counted>\d+) counted, (?P<in_flows>\d+) in flows, "
        r"(?P<not_attributed>\d+) not attributed: (?P<rate_limited>\d+) rate-limited, "
        r"(?P<ring_full>\d+) lost \(ring full\), (?P<evicted>\d+) evicted, "
        r"(?P<cleared>\d+) cleared, (?P<pending>\d+) pending$", re.M)

    def accounting(self):
        """The 'Packets' line of `show crypto ipsec invalid-spi`, the sum of the table's rows
        (IPv4 rows: the packets column; IPv6 blocks: 'packets: N'), and the --json figures
        (two requests: while reports arrive, they may differ)."""
        text = self.t.cli("show crypto ipsec invalid-spi")
        m = self.PACKETS_LINE.search(text)
        self.assertIsNotNone(m, text)
        line = {k: int(v) for k, v in m.groupdict().items()}
        rows, in_v4 = 0, False
        for ln in text.splitlines():
            if ln.startswith("dst ") and " packets " in ln:
                in_v4 = True
            elif ln.startswith("IPv6 Invalid SPI flows"):
                in_v4 = False
            elif in_v4 and ln.strip():
                rows += int(ln.split()[5])
            elif ln.startswith("packets: "):
                rows += int(ln.split()[1])
        js = self.flows()["stats"]
        return line, rows, {k: js["pkts_" + k] for k in line}

    def assert_accounted(self):
        """Once the workers have reported what they folded (within a second or so) and
        nothing moves: every packet counted as drop 4 or 12 is in a row of the table or not
        attributed, exactly. At rest, two reads (text, then --json) agree."""
        line, rows, js = wait_for(
            lambda: (lambda a: a if a[0]["pending"] == 0 and a[0] == a[2] else None)(
                self.accounting()), what="the workers' pending reports, text and --json alike")
        d = drops(self.t)
        counted = d["IN_US_V4_PKT_SA_NOT_FOUND_SPI"] + d["IN_US_V6_PKT_SA_NOT_FOUND_SPI"]
        self.assertEqual(line["counted"], counted, "the drop counters 4 and 12")
        self.assertEqual(line["in_flows"], rows, "the rows of the table")
        self.assertEqual(line["not_attributed"],
                         sum(line[k] for k in ("rate_limited", "ring_full", "evicted", "cleared",
                                               "pending")))
        self.assertEqual(line["counted"], line["in_flows"] + line["not_attributed"], line)
        return line

    def test_3_invalid_spi_counted_logged_tracked(self):
        d0, in0, logs0 = drops(self.t), ipsec_input(self.t), len(self.log_lines())
        self.t.send("gwa", "gwa-out", self.esp_frames(None, 5, spi=0xB761863E) +
                    self.esp_frames(None, 3, spi=0xC0FFEE, proto=51))
        wait_for(lambda: drops(self.t)["IN_US_V4_PKT_SA_NOT_FOUND_SPI"] ==
                 d0["IN_US_V4_PKT_SA_NOT_FOUND_SPI"] + 8, what="8 unknown-SPI drops")
        self.assertEqual(ipsec_input(self.t), in0 + 8)
        lines = wait_for(lambda: (lambda ls: ls if len(ls) == logs0 + 2 else None)(
            self.log_lines()), what="two log lines")
        new = lines[logs0:]
        self.assertTrue(any(line.endswith(
            "%CRYPTO-4-RECVD_PKT_INV_SPI: decaps: rec'd IPSEC packet has invalid spi for "
            "destaddr=192.0.2.2, prot=50, spi=0xB761863E(3076621886), srcaddr=192.0.2.1")
            for line in new), new)
        self.assertTrue(any("prot=51, spi=0xC0FFEE(12648430), srcaddr=192.0.2.1" in line
                            for line in new), new)
        self.assertRegex(new[0], r"^[A-Z][a-z]{2} [ 1-3]\d \d\d:\d\d:\d\d\.\d{3}: %CRYPTO-4")

        # the workers report the folded packets within about a second
        def counted():
            f = {x["spi"]: x for x in self.flows()["flows"]}
            a, b = f.get(0xB761863E), f.get(0xC0FFEE)
            return f if a and b and a["packets"] == 5 and b["packets"] == 3 else None
        f = wait_for(counted, what="per-flow packet counts")
        self.assertTrue(f[0xB761863E]["static_peer"])
        self.assertEqual(f[0xC0FFEE]["proto"], 51)

        self.check_once_per_interval(0xB761863E)
        self.assert_accounted()

    def flow_log(self, spi):
        """The daemon's times (s) of the flow's %CRYPTO-4-RECVD_PKT_INV_SPI lines, and of its
        reports to the control thread (the 'IPSEC(event)' lines of debug crypto ipsec)."""
        lines, reports = [], []
        for ln in self.t.cli("show logging").splitlines():
            if "%CRYPTO-4-RECVD_PKT_INV_SPI" in ln and "spi=0x%X(" % spi in ln:
                lines.append(stamp(ln))
            elif "IPSEC(event): invalid SPI" in ln and "spi 0x%X," % spi in ln:
                reports.append(stamp(ln))
        return lines, reports

    def check_once_per_interval(self, spi):
        """One line per flow per INTERVAL: every report of the flow is logged if and only if
        INTERVAL has passed since the flow's last line. Judged by the daemon's own timestamps
        (debug crypto ipsec stamps each report), so a slow machine changes which case a report
        falls in, never the verdict; packets are sent, one report each, until both cases were
        seen (the deadline only guards a hang)."""
        self.t.cli("debug crypto ipsec")
        try:
            seen = {"held back": 0, "logged": 0}
            guard = time.monotonic() + 300
            while not all(seen.values()):
                self.assertLess(time.monotonic(), guard, "no verdict for both cases: %s" % seen)
                lines0, reports0 = self.flow_log(spi)
                if seen["held back"]:
                    # the interval itself is what is tested: let it pass
                    time.sleep(max(0.0, lines0[-1] + INTERVAL + 0.2 - time.time()))
                self.t.send("gwa", "gwa-out", self.esp_frames(None, 1, spi=spi))
                lines, reports = wait_for(lambda: (lambda lr: lr if len(lr[1]) > len(reports0)
                                                   else None)(self.flow_log(spi)),
                                          what="the flow's next report")
                for r in reports[len(reports0):]:
                    logged = any(abs(t - r) < 0.01 for t in lines)     # stamped in one go
                    gap = r - max(t for t in lines if t < r - 0.01)     # the last line before
                    if gap >= INTERVAL + BOUNDARY:
                        self.assertTrue(logged, "report %.3f s after the last line" % gap)
                    elif gap < INTERVAL - BOUNDARY:
                        self.assertFalse(logged, "report %.3f s after the last line" % gap)
                    else:
                        continue    # the interval's end, to the clocks' resolution: either
                    seen["logged" if logged else "held back"] += 1
                    print("\ninvalid-SPI interval %d s: a report %.3f s after the flow's last "
                          "line, %s" % (INTERVAL, gap, "logged" if logged else "held back"))
        finally:
            self.t.cli("undebug all")

    def test_3b_invalid_spi_burst_accounted(self):
        """600 unknown-SPI packets over 120 flows in one burst (five rounds of the 120), then
        the table cleared: counted == in the table + not attributed, to the packet."""
        d0 = drops(self.t)["IN_US_V4_PKT_SA_NOT_FOUND_SPI"]
        before = self.assert_accounted()
        frames = []
        for _ in range(5):
            for flow in range(120):
                frames += self.esp_frames(None, 1, spi=0x7E000000 + flow)
        self.t.send("gwa", "gwa-out", frames)
        wait_for(lambda: drops(self.t)["IN_US_V4_PKT_SA_NOT_FOUND_SPI"] == d0 + 600,
                 what="600 unknown-SPI drops")
        after = self.assert_accounted()
        print("\n600 packets over 120 flows: %d in the table, not attributed: %s" % (
            after["in_flows"] - before["in_flows"],
            {k: after[k] - before[k] for k in ("rate_limited", "ring_full", "evicted")}))
        self.t.cli("clear crypto ipsec invalid-spi")
        cleared = self.assert_accounted()
        self.assertEqual(cleared["in_flows"], 0)
        self.assertEqual(cleared["cleared"], after["cleared"] + after["in_flows"])

    def test_4_clear_crypto_sa_makes_it_unknown(self):
        """Clears the inbound SA only here; the whole table at the very end (test_6)."""
        ping = IP(src="203.0.113.7", dst=H2_IN) / ICMP(id=9, seq=2)
        self.t.cli("clear crypto sa spi %d" % SPI_IN)
        out = self.t.cli("show crypto ipsec sa")
        self.assertNotIn("spi: 0x1001(4097)", out)
        self.assertIn("spi: 0x2001(8193)", out)     # only the one asked for
        d0 = drops(self.t)["IN_US_V4_PKT_SA_NOT_FOUND_SPI"]
        self.t.send("gwa", "gwa-out", self.esp_frames(ping, 2))
        wait_for(lambda: drops(self.t)["IN_US_V4_PKT_SA_NOT_FOUND_SPI"] == d0 + 2,
                 what="the cleared SPI to count as unknown")
        self.assert_accounted()

    def test_6_clear_crypto_sa_all(self):
        self.t.cli("clear crypto sa")
        self.assertIn("current outbound spi: 0x0(0)", self.t.cli("show crypto ipsec sa"))

    def test_5_telemetry(self):
        tel, glob, tel_punt, tel_ip, conns, inv = telemetry.ask(
            PREFIX + "gwb", "/dpsec/drops", "/dpsec/global_drops", "/dpsec/punt",
            "/dpsec/ip_traffic", "/dpsec/sa/list", "/dpsec/invalid_spi")
        sa = telemetry.ask(PREFIX + "gwb", "/dpsec/sa/info,%d" % conns[0])[0] if conns else None
        cli = drops(self.t)
        self.assertEqual(tel["IN_US_V4_PKT_SA_NOT_FOUND_SPI"],
                         cli["IN_US_V4_PKT_SA_NOT_FOUND_SPI"])
        self.assertGreater(tel["IN_US_V4_PKT_SA_NOT_FOUND_SPI"], 0)
        self.assertEqual(glob["IpsecInput"]["packets"], ipsec_input(self.t))
        flows = self.flows()
        self.assertEqual(inv["flows"], len(flows["flows"]))
        self.assertEqual(inv["events"], flows["stats"]["events"])
        # the packet accounting, as the CLI has it (nothing moves now: tests 3 and 4 waited)
        for k, v in flows["stats"].items():
            if k.startswith("pkts_"):
                self.assertEqual(inv[k], v, k)
        self.assertEqual(inv["pkts_counted"], tel["IN_US_V4_PKT_SA_NOT_FOUND_SPI"] +
                         tel["IN_US_V6_PKT_SA_NOT_FOUND_SPI"])
        self.assertGreater(inv["logged"], 0)
        # the SAs: the CLI's list, one of them in detail (test 4 left the outbound SA)
        out = self.t.cli("show crypto ipsec sa")
        self.assertEqual(len(conns), len(re.findall(r"conn id: \d+", out)))
        self.assertIsNotNone(sa)
        self.assertIn("spi: 0x%X(%d)" % (sa["spi"], sa["spi"]), out)
        self.assertIn(sa["direction"], ("inbound", "outbound"))
        self.assertIn("pkts", sa)
        # the control thread's punt counters, as the CLI shows them (test 2b made them move)
        cli_all = json.loads(self.t.cli("show platform hardware qfp active infrastructure punt "
                                        "statistics type per-cause", json=True))
        cli_punt = cli_all["punt"]
        self.assertEqual(set(tel_punt), {"arp", "icmp_echo", "ike", "nd6", "icmp6_echo", "other",
                                          "ike_outcomes"})
        self.assertEqual(tel_punt["ike_outcomes"], cli_all["ike_outcomes"])
        self.assertEqual(tel_punt["ike_outcomes"]["no_ike"], 1)   # no IKEv2 profile here
        self.assertEqual(tel_punt["ike"], cli_punt["ike"])     # nothing sends IKE unasked
        self.assertEqual(tel_punt["ike"]["received"], 1)
        self.assertGreater(tel_punt["icmp_echo"]["answered"], 0)
        self.assertLessEqual(tel_punt["arp"]["received"], cli_punt["arp"]["received"])
        # the ARP table and reassembly counters, as "show ip traffic" has them (test 2b's
        # ARP from gwA to the gateway taught it; nothing here sends IPv4 fragments)
        cli_ip = json.loads(self.t.cli("show ip traffic", json=True))
        for k, v in tel_ip["reassembly"].items():
            self.assertEqual(cli_ip["reassembly"][k], v, k)
        self.assertEqual(tel_ip["reassembly"]["fragments"], 0)
        self.assertGreaterEqual(tel_ip["arp"]["learned"], 1)
        self.assertLessEqual(tel_ip["arp"]["learned"], cli_ip["arp"]["learned"])


if __name__ == "__main__":
    unittest.main(verbosity=2)
