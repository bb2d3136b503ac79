#!/usr/bin/python3
"""dpsec's show commands as the parsers network engineers run against IOS XE read them.

The templates in templates/ are dpsec's own TextFSM templates (run by Debian's
python3-textfsm), each rule citing the line of genieparser (iosxe
show_crypto.py, show_interface.py, show_platform.py, show_platform_hardware.py)
or ntc-templates (cisco_ios_show_*.textfsm) it holds dpsec to; like the ntc
templates, a line they do not know is an error. They are run over

- the golden transcripts (tests/golden/cli, the fixed gwB of fake_view.c),
  checking the parsed fields against the numbers the fake holds;
- the shapes these commands had before issue 6, which must not parse (so a
  regression to them fails here);
- a running dpsecd on net_pcap ports that received a known mix of traffic:

    scapy (peer) --outside0--> [dpsecd] <--inside0-- scapy (host)
      5 ESP on the tunnel's SA, 2 ESP for an unknown SPI, ARP and ping for
      the gateway, IKE (UDP 500) to it            3 plain packets for the tunnel
"""
import json
import os
import subprocess
import sys
import unittest

import textfsm
from scapy.layers.inet import ICMP, IP, UDP
from scapy.layers.l2 import ARP, Ether
from scapy.packet import Raw

HERE = os.path.dirname(os.path.abspath(__file__))
GOLDEN = os.path.join(HERE, "..", "golden", "cli")
sys.path.insert(0, os.path.join(HERE, "..", "integration"))
from dpsectest.esp import Tunnel  # noqa: E402
from dpsectest.gateway import (DPSECD, HOST_MAC, INSIDE_MAC, LOCAL, OUTSIDE_MAC,  # noqa: E402
                               PEER, PEER_MAC, Gateway)


def parse(template, text):
    """Records of the template over text, as dicts; TextFSMError if a line is not understood."""
    with open(os.path.join(HERE, "templates", template)) as f:
        fsm = textfsm.TextFSM(f)
    return [dict(zip(fsm.header, row)) for row in fsm.ParseText(text)]


def transcript(name):
    """{command: output} of a golden transcript (the first output of a command repeated)."""
    out, cur = {}, None
    with open(os.path.join(GOLDEN, name)) as f:
        for line in f.read().splitlines():
            if line.startswith(("gwB#", "$ dpsec ", "!!")):
                cur = None
                if line.startswith("gwB#"):
                    cur = line[len("gwB#"):]
                elif line.startswith("$ dpsec "):
                    cur = line[len("$ dpsec "):]
                if cur is not None and cur in out:
                    cur = None      # keep the first
                elif cur is not None:
                    out[cur] = []
                continue
            if cur is not None:
                out[cur].append(line)
    return {k: "\n".join(v) + "\n" for k, v in out.items()}


def by(records, key):
    return {r[key]: r for r in records}


def handoff(records):
    """{worker: (lcore, packets)} of the handoff records of qfp_statistics_drop.textfsm."""
    return {r["WORKER"]: (r["LCORE"], r["HANDOFF"]) for r in records if r["WORKER"]}


class Golden(unittest.TestCase):
    """The fixed gwB: every field a parser takes, against the fake's numbers."""

    def test_ipsec_sa_detail(self):
        sas = by(parse("show_crypto_ipsec_sa.textfsm",
                       transcript("ipsec_sa.txt")["sh cry ips sa detail"]), "SPI")
        self.assertEqual(set(sas), {"0x658F7C11", "0xB761863E", "0x397C36EE", "0x1001",
                                    "0x2002"})
        vpn = sas["0xB761863E"]
        self.assertEqual((vpn["ENCAPS"], vpn["DECAPS"], vpn["VERIFY_FAILED"],
                          vpn["REPLAY_FAILED"]), ("2711", "2700", "2", "3"))
        self.assertEqual((vpn["LIFETIME_KB"], vpn["LIFETIME_SEC"]), ("4607990", "3237"))
        self.assertEqual(vpn["SPI_DEC"], str(0xB761863E))
        # the outbound SA shows its pair's replay setting, as IOS does
        self.assertEqual(sas["0x397C36EE"]["REPLAY"], "Y")
        self.assertEqual(sas["0x397C36EE"]["DIRECTION"], "outbound")
        # manual SAs: IOS XE's form for an SA without a kilobyte limit
        for spi in ("0x1001", "0x2002"):
            m = sas[spi]
            self.assertEqual((m["LIFETIME_KB"], m["LIFETIME_SEC"], m["KB_REKEY"]),
                             ("", "0", "disabled"))
            self.assertEqual((m["REPLAY"], m["REPLAY_WINDOW"]), ("Y", "1024"))
            self.assertEqual(m["PEER_PORT"], "4500")
        self.assertEqual(sas["0x1001"]["FLOW_ID"], "SW:3001")

    def test_ipsec_sa_brief(self):
        sas = parse("show_crypto_ipsec_sa.textfsm",
                    transcript("ipsec_sa.txt")["show crypto ipsec sa"])
        self.assertEqual(len(sas), 5)
        lab = by(sas, "SPI")["0x1001"]
        self.assertEqual((lab["SEND_ERRORS"], lab["RECV_ERRORS"]), ("8", "7"))

    def test_crypto_map(self):
        entries = parse("show_crypto_map.textfsm", transcript("map.txt")["show crypto map"])
        self.assertEqual([(e["MAP"], e["SEQ"], e["ACL"], e["SS_DYNAMIC"], e["TYPE"])
                          for e in entries],
                         [("VPN", "10", "100", "False", "ipsec-isakmp"),
                          ("VPN", "20", "101", "False", "ipsec-isakmp"),
                          ("VPN", "30", "", "False", "ipsec-isakmp"),
                          ("LAB", "10", "102", "False", "ipsec-manual")])
        self.assertEqual((entries[1]["LIFETIME_KB"], entries[1]["LIFETIME_SEC"]),
                         ("4608000", "28800"))
        self.assertEqual(entries[2]["INTERFACES"], ["GigabitEthernet1"])  # after the map's last
        self.assertEqual(entries[3]["TRANSFORMS"], "esp-aes esp-sha-hmac")
        self.assertEqual(entries[0]["DUALSTACK"], "N")
        # an IPv6 entry: its peer and its named IPv6 access list with the lines' text
        self.assertEqual((entries[2]["PEER"], entries[2]["ACL6"]), ("2001:db8::1", "VPN-30"))
        self.assertEqual(entries[2]["ACES"][1], "permit ipv6 2001:db8:2::/48 2001:db8:1::/48")

    def test_interfaces(self):
        ifs = by(parse("show_interfaces.textfsm", transcript("system.txt")["show interfaces"]),
                 "INTERFACE")
        gi1, gi2 = ifs["GigabitEthernet1"], ifs["GigabitEthernet2"]
        self.assertEqual((gi1["MTU"], gi1["BW"], gi1["DLY"], gi1["ENCAPSULATION"]),
                         ("1500", "10000000", "10", "ARPA"))
        self.assertEqual((gi1["LAST_INPUT"], gi1["LAST_OUTPUT"], gi1["OUTPUT_HANG"]),
                         ("00:00:00", "00:00:01", "never"))
        self.assertEqual((gi1["INPUT_RATE"], gi1["INPUT_PPS"]), ("1962000", "1642"))
        self.assertEqual((gi1["INPUT_PACKETS"], gi1["RUNTS"], gi1["GIANTS"], gi1["OVERRUN"]),
                         ("71208", "0", "0", "17"))
        self.assertEqual((gi2["QUEUE_MAX"], gi2["OUTPUT_DROPS"]), ("1023", "3"))
        self.assertEqual(ifs["GigabitEthernet3"]["LAST_INPUT"], "never")

    def test_tunnel_interfaces(self):
        """Static VTIs (tunnel.txt): the interface fields and IOS XE's tunnel lines."""
        t = transcript("tunnel.txt")
        t1 = parse("show_interfaces.textfsm", t["show interfaces Tunnel1"])[0]
        self.assertEqual((t1["INTERFACE"], t1["LINK_STATUS"], t1["PROTOCOL_STATUS"],
                          t1["HARDWARE"], t1["IP_ADDRESS"], t1["ENCAPSULATION"]),
                         ("Tunnel1", "up", "up", "Tunnel", "10.255.0.1", "TUNNEL"))
        self.assertEqual((t1["TUNNEL_SOURCE"], t1["TUNNEL_SOURCE_IF"], t1["TUNNEL_DESTINATION"],
                          t1["TUNNEL_PROTOCOL"], t1["TUNNEL_PROFILE"]),
                         ("192.0.2.2", "GigabitEthernet1", "198.51.100.20", "IPSEC/IP",
                          "VTI-PROF"))
        self.assertEqual((t1["INPUT_PACKETS"], t1["INPUT_BYTES"], t1["OUTPUT_PACKETS"],
                          t1["OUTPUT_BYTES"]), ("321", "40123", "123", "15432"))
        t2 = parse("show_interfaces.textfsm", t["show interfaces tunnel2"])[0]
        self.assertEqual((t2["PROTOCOL_STATUS"], t2["IP_ADDRESS"]), ("down", ""))
        # keyed by IKEv2: IOS XE names both profiles on the protection line
        self.assertEqual((t2["TUNNEL_PROFILE"], t2["TUNNEL_IKEV2_PROFILE"]), ("LAB-PROF", "PROF"))
        sas = by(parse("show_crypto_ipsec_sa.textfsm",
                       t["show crypto ipsec sa interface Tunnel1"]), "SPI")
        self.assertEqual(set(sas), {"0x7001", "0x7002"})
        self.assertEqual((sas["0x7001"]["INTERFACE"], sas["0x7001"]["CRYPTO_MAP"],
                          sas["0x7001"]["LOCAL_IDENT"], sas["0x7001"]["PEER"]),
                         ("Tunnel1", "Tunnel1-head-0", "0.0.0.0/0.0.0.0/0/0", "198.51.100.20"))

    def test_version(self):
        v = parse("show_version.textfsm", transcript("system.txt")["show version"])
        self.assertEqual(len(v), 1)
        self.assertEqual({k: v[0][k] for k in ("OS", "IMAGE", "VERSION", "RELEASE", "HOSTNAME",
                                               "UPTIME", "INTERFACES", "COPYRIGHT_YEARS")},
                         {"OS": "DPSEC", "IMAGE": "X86_64_LINUX_DPDK-DPSECD", "VERSION": "0.1.0",
                          "RELEASE": "v0.1.0-42-g9f934ff0a1b2", "HOSTNAME": "gwB",
                          "UPTIME": "1 day, 2 hours, 3 minutes", "INTERFACES": "3",
                          "COPYRIGHT_YEARS": "2026-2026"})

    def test_global_drops_and_all_zero(self):
        t = transcript("qfp_drop.txt")
        rows = by(parse("qfp_statistics_drop.textfsm",
                        t["show platform hardware qfp active statistics drop"]), "CAUSE")
        self.assertEqual((rows["IpsecInput"]["PACKETS"], rows["IpsecInput"]["OCTETS"]),
                         ("67648", "9471720"))
        self.assertEqual(rows["IpsecInput"]["LAST_CLEARING"], "never")
        # dpsec's lines under the table: only the worker that handed packets off
        self.assertEqual(handoff(parse("qfp_statistics_drop.textfsm",
                                       t["show platform hardware qfp active statistics drop"])),
                         {"1": ("2", "2700")})
        every = parse("qfp_statistics_drop.textfsm",
                      t["show platform hardware qfp active statistics drop all"])
        self.assertEqual(len([r for r in every if r["CAUSE"]]), len(GLOBAL_CAUSES))
        self.assertEqual(handoff(every), {"0": ("1", "0"), "1": ("2", "2700")})
        # after the clear: nothing but IOS's line for an empty table
        cleared = transcript_second(t_name="qfp_drop.txt",
                                    cmd="show platform hardware qfp active statistics drop")
        rows = parse("qfp_statistics_drop.textfsm", cleared)
        self.assertEqual([(r["CAUSE"], r["ALL_ZERO"]) for r in rows],
                         [("", "The Global drop stats were all zero")])
        self.assertEqual(rows[0]["LAST_CLEARING"], "Mon Jun 26 07:29:14 2023")

    def test_handoff_lines_are_no_drop_cause(self):
        """genieparser's row pattern (ShowPlatformHardwareQfpStatisticsDrop p1, on the stripped
        line) takes every cause row and none of dpsec's handoff lines."""
        import re
        p1 = re.compile(r"^(?P<global_drop_stats>\w+) +(?P<packets>\d+) +(?P<octets>\d+)$")
        text = transcript("qfp_drop.txt")["show platform hardware qfp active statistics drop all"]
        taken = [m.group(1) for m in (p1.match(ln.strip()) for ln in text.splitlines()) if m]
        self.assertIn("  worker 1 (lcore 2): 2700 packets", text.splitlines())
        self.assertEqual(sorted(taken), sorted(GLOBAL_CAUSES))

    def test_ipsec_data_drop(self):
        t = transcript("drops.txt")
        rows = by(parse("qfp_ipsec_data_drop.textfsm",
                        t["show platform hardware qfp active feature ipsec data drop"]), "NAME")
        self.assertEqual({k: (r["TYPE"], r["PACKETS"]) for k, r in rows.items()},
                         {"IN_US_V4_PKT_SA_NOT_FOUND_SPI": ("4", "67643"),
                          "IN_CD_SW_IPSEC_ANTI_REPLAY_FAIL": ("19", "3"),
                          "OUT_V4_PKT_HIT_IKE_START_SP": ("33", "5"),
                          "IN_CD_SW_IPSEC_MAC_EXCEPTION": ("62", "2")})

    def test_punt_per_cause(self):
        rows = parse("qfp_punt_per_cause.textfsm", transcript("punt.txt")[
            "show platform hardware qfp active infrastructure punt statistics type per-cause"])
        punt = {r["NAME"]: (r["CAUSES"], r["RECEIVED"], r["TRANSMITTED"])
                for r in rows if r["SECTION"] == "punt" and r["ID"]}
        inject = {r["NAME"]: (r["CAUSES"], r["RECEIVED"], r["TRANSMITTED"])
                  for r in rows if r["SECTION"] == "inject" and r["ID"]}
        unhandled = {r["NAME"]: (r["UNHANDLED"], r["REFUSED"]) for r in rows if r["UNHANDLED"]}
        self.assertEqual(punt, {"ARP request or response": ("6", "420", "418"),
                                "ICMP echo request": ("6", "400", "399"),
                                "IKE (UDP 500 and 4500)": ("6", "40", "0"),
                                "IPv6 neighbor solicitation": ("6", "0", "0"),
                                "ICMPv6 echo request": ("6", "0", "0"),
                                "Other": ("6", "6", "0")})
        self.assertEqual(inject, {"ARP reply": ("4", "418", "418"),
                                  "ICMP echo reply": ("4", "400", "399"),
                                  "IPv6 neighbor advertisement": ("4", "0", "0"),
                                  "ICMPv6 echo reply": ("4", "0", "0")})
        self.assertEqual(unhandled["IKE (UDP 500 and 4500)"], ("40", "0"))
        self.assertEqual(unhandled["ICMP echo request"], ("0", "1"))
        outcomes = {r["OUTCOME"]: r["OUTCOME_PKTS"] for r in rows if r["OUTCOME"]}
        self.assertEqual(outcomes, {"well formed, but no IKE in this daemon": "36",
                                    "UDP checksum wrong": "3",
                                    "NAT keepalive (RFC 3948 2.3): nothing to do with it": "1"})

    def test_qfp_interface(self):
        rows = parse("qfp_interface_statistics.textfsm", transcript("qfp_interface.txt")[
            "show platform hardware qfp active interface if-name GigabitEthernet1 statistics"])
        got = {(r["SECTION"], r["NAME"]): (int(r["PACKETS"]), int(r["OCTETS"])) for r in rows}
        self.assertEqual(rows[0]["HANDLE"], "0")
        rx = [got[("Receive", n)] for n in ("Forwarded", "Punted", "Dropped")]
        self.assertEqual(sum(p for p, _ in rx), 71208)          # = packets input
        self.assertEqual(sum(o for _, o in rx), 10334511)       # = bytes input
        self.assertEqual(got[("Input Drop", "IpsecInput")], (67648, 9471720))


def transcript_second(t_name, cmd):
    """The output of the second time cmd appears in a transcript."""
    seen, cur, out = 0, False, []
    with open(os.path.join(GOLDEN, t_name)) as f:
        for line in f.read().splitlines():
            if line.startswith(("gwB#", "$ dpsec ", "!!")):
                if cur:
                    break
                if line == "gwB#" + cmd:
                    seen += 1
                    cur = seen == 2
                continue
            if cur:
                out.append(line)
    return "\n".join(out) + "\n"


# What these commands printed before issue 6: each must fail its template (an error, or the
# record the parsers need missing), so the tests above cannot pass on a regression.
OLD = {
    "show_crypto_ipsec_sa.textfsm": """
interface: outside0
    Crypto map tag: VPN, local addr 192.0.2.2

   protected vrf: (none)
     inbound esp sas:
      spi: 0x1001(4097)
        transform: esp-gcm ,
        in use settings ={Tunnel, }
        conn id: 1, flow_id: SW:1, sibling_flags 80000040, crypto map: VPN
        sa timing: remaining key lifetime (k/sec): (no limit)
        IV size: 8 bytes
        replay detection support: Y
        Status: ACTIVE(ACTIVE)
""",
    "show_crypto_map.textfsm": """Crypto Map IPv4 "VPN" 10 ipsec-manual
        Peer = 192.0.2.1
        Extended IP access list VPN-10
            access-list VPN-10 permit ip 10.0.2.0 0.0.0.255 10.0.0.0 0.0.0.255
""",
    "show_interfaces.textfsm": """outside0 is up, line protocol is up
  Hardware is DPDK net_pcap0, address is 0200.0000.0002 (bia 0200.0000.0002)
  Description: outside
  Internet address is 192.0.2.2/24
  MTU 1500 bytes
     10 packets input, 1000 bytes, 0 no buffer
""",
    "show_version.textfsm": """dpsec Software, Version 0.1.0
Userspace IPsec gateway on DPDK

gwB uptime is 1 minute
""",
}


class OldShapes(unittest.TestCase):
    def test_old_shapes_fail(self):
        for template, text in OLD.items():
            with self.subTest(template=template):
                with self.assertRaises(textfsm.TextFSMError):
                    parse(template, text)

    def test_empty_global_drops_without_the_line(self):
        """Without "The Global drop stats were all zero" an empty table parses to nothing,
        which genieparser's schema refuses (SchemaEmptyParserError)."""
        rows = parse("qfp_statistics_drop.textfsm",
                     "Last clearing of QFP drops statistics : never\n\n" + "-" * 73 + "\n"
                     "Global Drop Stats                         Packets                  "
                     "Octets  \n" + "-" * 73 + "\n")
        self.assertEqual(rows, [])

    def test_outbound_replay_n_is_seen(self):
        text = OLD["show_crypto_ipsec_sa.textfsm"].replace(
            "(k/sec): (no limit)", "(k/sec): (4608000/3600)").replace(
            "replay detection support: Y", "replay detection support: N")
        self.assertEqual(parse("show_crypto_ipsec_sa.textfsm", text)[0]["REPLAY"], "N")


def global_causes():
    """The global drop causes, from the one list in include/dpsec/drops.h."""
    import re
    with open(os.path.join(HERE, "..", "..", "include", "dpsec", "drops.h")) as f:
        text = f.read()
    body = text.split("#define DP_GLOBAL_CAUSES(X)", 1)[1].split("\n\n", 1)[0]
    return re.findall(r"X\((\w+),", body)


GLOBAL_CAUSES = global_causes()


class Live(unittest.TestCase):
    """A running dpsecd: the same templates over what it prints."""

    @classmethod
    def setUpClass(cls):
        cls.tun = Tunnel("cbc128-sha256")
        inner = [IP(src="10.0.0.%d" % (i + 5), dst="10.0.2.7") / UDP(dport=9) / Raw(b"x" * 20)
                 for i in range(5)]
        bad = [Ether(src=PEER_MAC, dst=OUTSIDE_MAC) /
               IP(src=PEER, dst=LOCAL, proto=50) / Raw(bytes.fromhex("c0ffee01") +
                                                       (i + 1).to_bytes(4, "big") + bytes(32))
               for i in range(2)]
        outside = [cls.tun.encrypt(p, i + 1) for i, p in enumerate(inner)] + bad + [
            Ether(src=PEER_MAC, dst="ff:ff:ff:ff:ff:ff") /
            ARP(op=1, hwsrc=PEER_MAC, psrc=PEER, pdst=LOCAL),
            Ether(src=PEER_MAC, dst=OUTSIDE_MAC) / IP(src=PEER, dst=LOCAL) /
            ICMP(id=7, seq=1),
            Ether(src=PEER_MAC, dst=OUTSIDE_MAC) / IP(src=PEER, dst=LOCAL) /
            UDP(sport=500, dport=500) / Raw(bytes(28))]
        inside = [Ether(src=HOST_MAC, dst=INSIDE_MAC) /
                  IP(src="10.0.2.7", dst="10.0.0.9") / UDP(dport=9) / Raw(b"y" * 30)
                  for _ in range(3)]
        cls.gw = Gateway(transforms=cls.tun.words, manual_sas=cls.tun.manual_sas())
        cls.gw.start(outside_rx=outside, inside_rx=inside)
        cls.gw.settle()

    @classmethod
    def tearDownClass(cls):
        try:
            cls.gw.stop()
        finally:
            cls.gw.kill()

    def cli(self, cmd):
        return self.gw.cli(cmd)

    def test_ipsec_sa(self):
        sas = by(parse("show_crypto_ipsec_sa.textfsm", self.cli("show crypto ipsec sa detail")),
                 "SPI")
        self.assertEqual(set(sas), {"0x1001", "0x2001"})
        sa = sas["0x1001"]
        self.assertEqual((sa["DIRECTION"], sa["DECAPS"], sa["ENCAPS"]), ("inbound", "5", "3"))
        self.assertEqual((sa["LIFETIME_SEC"], sa["KB_REKEY"]), ("0", "disabled"))
        self.assertEqual((sas["0x2001"]["DIRECTION"], sas["0x2001"]["REPLAY"]), ("outbound", "Y"))
        self.assertEqual(sa["REPLAY"], "Y")
        self.assertEqual(sa["CURRENT_OUTBOUND_SPI"], "0x2001")

    def test_crypto_map(self):
        e = parse("show_crypto_map.textfsm", self.cli("show crypto map"))
        self.assertEqual([(x["MAP"], x["SEQ"], x["ACL"], x["SS_DYNAMIC"], x["TYPE"]) for x in e],
                         [("VPN", "10", "100", "False", "ipsec-manual")])
        self.assertEqual(e[0]["INTERFACES"], ["outside0"])

    def test_interfaces(self):
        ifs = by(parse("show_interfaces.textfsm", self.cli("show interfaces")), "INTERFACE")
        js = {i["name"]: i for i in json.loads(self.cli("--json show interfaces"))["interfaces"]}
        out = ifs["outside0"]
        self.assertEqual((out["INPUT_PACKETS"], ifs["inside0"]["INPUT_PACKETS"]), ("10", "3"))
        self.assertEqual((out["MTU"], out["DLY"], out["ENCAPSULATION"]), ("1500", "10", "ARPA"))
        self.assertGreater(js["outside0"]["speed_mbps"], 0)
        self.assertEqual(out["BW"], str(js["outside0"]["speed_mbps"] * 1000))
        self.assertRegex(out["LAST_INPUT"], r"^\d\d:\d\d:\d\d$")
        self.assertEqual((out["RUNTS"], out["GIANTS"]), ("0", "0"))

    def test_version(self):
        v = parse("show_version.textfsm", self.cli("show version"))
        want = subprocess.run([DPSECD, "--version"], capture_output=True, text=True,
                              check=True).stdout.split()[1]
        self.assertEqual((v[0]["OS"], v[0]["VERSION"], v[0]["HOSTNAME"], v[0]["INTERFACES"]),
                         ("DPSEC", want, "gwB", "2"))
        self.assertTrue(v[0]["RELEASE"])
        self.assertTrue(v[0]["IMAGE"].endswith("_LINUX_DPDK-DPSECD"))

    def test_drops(self):
        rows = by(parse("qfp_ipsec_data_drop.textfsm",
                        self.cli("show platform hardware qfp active feature ipsec data drop")),
                  "NAME")
        self.assertEqual(rows["IN_US_V4_PKT_SA_NOT_FOUND_SPI"]["PACKETS"], "2")
        glob = by(parse("qfp_statistics_drop.textfsm",
                        self.cli("show platform hardware qfp active statistics drop")), "CAUSE")
        self.assertEqual(glob["IpsecInput"]["PACKETS"], "2")
        self.assertEqual(glob["PuntUnhandled"]["PACKETS"], "1")     # the IKE packet
        # one worker: nothing handed off; listed with "all" only
        self.assertEqual(handoff(glob.values()), {})
        every = parse("qfp_statistics_drop.textfsm",
                      self.cli("show platform hardware qfp active statistics drop all"))
        self.assertEqual([(r["WORKER"], r["HANDOFF"]) for r in every if r["WORKER"]],
                         [("0", "0")])

    def test_punt(self):
        rows = parse("qfp_punt_per_cause.textfsm", self.cli(
            "show platform hardware qfp active infrastructure punt statistics type per-cause"))
        punt = {r["NAME"]: (r["RECEIVED"], r["TRANSMITTED"])
                for r in rows if r["SECTION"] == "punt" and r["ID"]}
        self.assertEqual(punt, {"ARP request or response": ("1", "1"),
                                "ICMP echo request": ("1", "1"),
                                "IKE (UDP 500 and 4500)": ("1", "0"),
                                "IPv6 neighbor solicitation": ("0", "0"),
                                "ICMPv6 echo request": ("0", "0"), "Other": ("0", "0")})

    def test_qfp_interface_adds_up(self):
        ifs = by(parse("show_interfaces.textfsm", self.cli("show interfaces")), "INTERFACE")
        for name, fwd, punted, dropped in (("outside0", 5, 3, 2), ("inside0", 3, 0, 0)):
            rows = parse("qfp_interface_statistics.textfsm", self.cli(
                "show platform hardware qfp active interface if-name %s statistics" % name))
            rx = {r["NAME"]: int(r["PACKETS"]) for r in rows if r["SECTION"] == "Receive"}
            self.assertEqual(rx, {"Forwarded": fwd, "Punted": punted, "Dropped": dropped})
            self.assertEqual(sum(rx.values()), int(ifs[name]["INPUT_PACKETS"]))

    def test_zz_all_zero_after_clear(self):
        self.cli("show platform hardware qfp active statistics drop clear")
        rows = parse("qfp_statistics_drop.textfsm",
                     self.cli("show platform hardware qfp active statistics drop"))
        self.assertEqual([r["ALL_ZERO"] for r in rows], ["The Global drop stats were all zero"])


if __name__ == "__main__":
    unittest.main(verbosity=2)
