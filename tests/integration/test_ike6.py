#!/usr/bin/python3
"""IKEv2 over IPv6 (issue 10 item 2): the seed network (dpsectest/seed.py) with the link
between the gateways IPv6 (gwA 2001:db8::1, gwB 2001:db8::2) and the inside networks IPv4,
so the IKE SA, its NAT detection and identities (ID_IPV6_ADDR) and the CHILD_SAs' outer
headers are IPv6 while the selectors are IPv4:

   host1 -- gwA ==== IKEv2 / ESP over IPv6 ==== gwB (dpsecd) -- host2

- strongSwan 5.9.8 as gwA, initiating, and dpsecd initiating to a waiting strongSwan: the
  IKE SA comes up on both sides between the IPv6 addresses, dpsecd shows it under "IPv6
  Crypto IKEv2 SA" with 2001:db8::1 as the remote and the peer's identity (ID_IPV6_ADDR),
  strongSwan lists it. charon's kernel-libipsec only installs UDP-encapsulated SAs and so
  fakes a NAT (../shared/reference/strongswan-peer.md; `encap = yes` is set too; it logs
  "faking NAT situation", and never "remote host is behind NAT": our 16-byte NAT detection
  hashes are right by its computation): IKE moves to 4500 and the CHILD_SA is ESP-in-UDP
  over IPv6 (RFC 3948; the UDP checksum computed, RFC 8200 8.1: the peer's kernel drops a
  zero or wrong one). Pings go both ways through it, host1 <-> host2, and the SA counters
  move on both sides (dpsecd's show crypto ipsec sa, charon's list-sas);
- two dpsecd (no NAT): the tunnel comes up, a stream flows each way as ESP over IPv6 (IP
  protocol 50 behind an IPv6 header on the wire, nothing in UDP), both sides show the IKE SA
  with IPv6 addresses;
- both families inside one IPv6 IKE SA between two dpsecd: an entry with IPv4 lines and one
  with IPv6 lines (TS_IPV6_ADDR_RANGE), both on traffic (an IPv6 packet's acquire starts
  IKE), two CHILD_SAs, ping over IPv6 and the IPv4 streams;
- the responder narrowing IPv6 selectors (two dpsecd, gwB's line a /120 of gwA's /64): the
  initiator's workers enforce the narrowed TS_IPV6_ADDR_RANGE, 57 for the rest;
- recovery to an IPv6 peer: gwB (invalid_spi_recovery on) is SIGKILLed and restarted while
  gwA keeps encrypting with the old SPI; gwB counts the stale packets under
  12 IN_US_V6_PKT_SA_NOT_FOUND_SPI, initiates over IPv6 (INITIAL_CONTACT) and the stream
  resumes.
"""
import json
import os
import re
import signal
import sys
import time
import unittest

sys.path.insert(0, os.path.dirname(__file__))
from dpsectest.seed import SeedNet, sh, swanctl_conf, NET1, NET2, PSK  # noqa: E402
from dpsectest.seed_addrs import H1, H2  # noqa: E402
from dpsectest.seed_dpsecd import DpsecdGw  # noqa: E402
from dpsectest.wait import wait_for  # noqa: E402

A6, B6 = "2001:db8::1", "2001:db8::2"
# each side's inside IPv6 network (prefix, the gateway is ::1) and its host
INSIDE6 = {"gwa": ("2001:db8:a::", "2001:db8:a::10"), "gwb": ("2001:db8:b::", "2001:db8:b::10")}


class Dpsecd6(DpsecdGw):
    """dpsecd whose outside interface speaks IPv6 to the peer (address6, neighbors6), with
    the crypto map entry's peer, keyring and identities IPv6; inside as the seed's."""

    def config(self, recovery=False, initiate="on-traffic", inner6=False, src6_len=64, **_):
        """inner6: IPv6 on the inside too (address6, the host's IPv6 neighbor) and a second
        entry (seq 20) for IPv6 lines between the two inside IPv6 networks; src6_len: the
        length of this side's prefix in that line (longer: it narrows the peer's offer)."""
        s, net = self.s, self.net
        me, peer = (B6, A6) if self.side == "gwb" else (A6, B6)
        in6, host6 = INSIDE6[self.side]
        peer_in6 = INSIDE6["gwa" if self.side == "gwb" else "gwb"][0]
        host_mac = net.mac(s["host"], s["host_dev"])
        inside6 = (f"""    address6: "{in6}1/64"
    neighbors: [{{ip: {s["host_ip"]}, mac: "{host_mac}"}}, {{ip: "{host6}", mac: "{host_mac}"}}]
""" if inner6 else f"""    neighbors: [{{ip: {s["host_ip"]}, mac: "{host_mac}"}}]
""")
        entry6 = (f"""    - seq: 20
      peer: "{peer}"
      transform_set: TS
      ikev2_profile: PROF
      initiate: {initiate}
      match:
        - {{src: "{in6}/{src6_len}", dst: "{peer_in6}/64"}}
""" if inner6 else "")
        main_lcore = ", --main-lcore, \"1\"" if self.side == "gwa" else ""
        return f"""hostname: {s["hostname"]}
dataplane:
  eal: [--no-pci, --no-huge, --no-shconf, -m, "512", -l, "0-1"{main_lcore},
        --file-prefix, {self.prefix}, --log-level, "*:warning"]
cli:
  socket: {self.sock}
isakmp:
  invalid_spi_recovery: {"true" if recovery else "false"}
ikev2:
  proposals:
    PROP: {{encryption: [aes-gcm-256], prf: [sha384], group: [19]}}
  policies:
    POL: {{proposals: [PROP]}}
  keyrings:
    KR:
      - name: {s["peer_name"]}
        address: "{peer}"
        pre_shared_key: "{PSK}"
  profiles:
    PROF:
      match_identity_remote: [{{address: "{peer}/128"}}]
      authentication: {{local: pre-share, remote: pre-share}}
      keyring: KR
interfaces:
  - name: inside0
    device: "net_af_packet0,iface={s["in_dev"]}"
    address: {s["inside"]}/24
    role: inside
{inside6}  - name: outside0
    device: "net_af_packet1,iface={s["out_dev"]}"
    address: {s["local"]}/24
    address6: "{me}/64"
    role: outside
    crypto_map: VPN
    neighbors: [{{ip: "{peer}", mac: "{net.mac(s["peer_ns"], s["peer_dev"])}"}}]
transform_sets:
  TS: {{transforms: [esp-gcm 256], mode: tunnel}}
crypto_maps:
  VPN:
    - seq: 10
      peer: "{peer}"
      transform_set: TS
      ikev2_profile: PROF
      initiate: {initiate}
      match:
        - {{src: {s["local_net"]}, dst: {s["remote_net"]}}}
{entry6}"""


def v6_net(gwa_kind="charon"):
    """The seed network with dpsecd as gwB (Dpsecd6) and, for a charon gwA, IPv6 on its
    outside veth (no DAD: the address is usable at once)."""
    net = SeedNet(gwa_kind=gwa_kind)
    net.gwb = Dpsecd6(net, "gwb")
    if gwa_kind == "dpsecd":
        net.gwa = Dpsecd6(net, "gwa")
    return net


def charon_v6(net):
    sh("sysctl", "-qw", "net.ipv6.conf.gwa-out.disable_ipv6=0", ns=net.ns["gwa"])
    sh("ip", "-6", "addr", "add", A6 + "/64", "dev", "gwa-out", "nodad", ns=net.ns["gwa"])


def ike_sas(gw):
    return json.loads(gw.cli("show crypto ikev2 sa", json=True))["ikev2_sa"]


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


def ready(gw):
    return [sa for sa in ike_sas(gw) if sa["status"] == "READY"]


def tunnel_up(gw):
    dirs = {sa["direction"] for sa in ipsec_sas(gw) if sa["status"] == "ACTIVE"}
    return any(sa["child_sas"] >= 1 for sa in ready(gw)) and dirs == {"in", "out"}


def log(gw):
    try:
        return gw.cli("show logging")
    except Exception as e:     # a dead dpsecd: say so in the diagnostics
        return "(show logging: %s)" % e


class Ike6(unittest.TestCase):

    def diag(self, net):
        parts = ["\n--- gwB dpsecd ---\n" + net.gwb.text()[-2000:],
                 "\n--- gwB log ---\n" + log(net.gwb)[-4000:]]
        if isinstance(net.gwa, DpsecdGw):
            parts += ["\n--- gwA log ---\n" + log(net.gwa)[-4000:]]
        else:
            parts += ["\n--- charon gwA ---\n" + net.gwa.log_text()[-6000:]]
        return "".join(parts)

    def check_ike_sa_v6(self, gw, peer, initiator):
        sa = wait_for(lambda: ready(gw), 30, "a READY IKE SA")[0]
        self.assertEqual(sa["remote"]["address"], peer, sa)
        self.assertEqual(sa["initiator"], initiator, sa)
        text = gw.cli("show crypto ikev2 sa")
        v6_block = text.split("IPv6 Crypto IKEv2  SA", 1)
        self.assertEqual(len(v6_block), 2, text)
        self.assertIn(peer + "/", v6_block[1], text)
        self.assertNotIn(peer, v6_block[0], text)
        detail = gw.cli("show crypto ikev2 sa detailed")
        self.assertIn("Remote id: " + peer, detail)
        return sa

    def charon_nat_checks(self, net):
        """charon fakes a NAT (libipsec needs UDP encapsulation), and says so; it found our
        NAT detection hashes (RFC 7296 2.23, 16-byte addresses) right: it never saw us
        behind a NAT."""
        text = net.gwa.log_text()
        self.assertIn("faking NAT situation to enforce UDP encapsulation", text)
        self.assertNotIn("remote host is behind NAT", text)
        self.assertNotIn("not installed", log(net.gwb))

    def charon_child(self, net):
        """charon's INSTALLED CHILD_SA (list-sas fields), its IKE SA on 4500 over IPv6."""
        def child():
            for sa in net.gwa.list_sas():
                if sa.get("state") != "ESTABLISHED":
                    continue
                for ch in sa["children"].values():
                    if ch.get("state") == "INSTALLED":
                        return sa, ch
            return None
        sa, ch = wait_for(child, 30, "charon's CHILD_SA" + self.diag(net))
        self.assertEqual((sa.get("remote-host"), sa.get("remote-port")), (B6, "4500"), sa)
        self.assertEqual(ch.get("encap"), "yes", ch)
        return ch

    def pings_both_ways(self, net):
        """host1 -> host2 and host2 -> host1 through the CHILD_SA, ESP-in-UDP over IPv6;
        the first pings may go while the inside neighbours are resolved."""
        for src, dst in (("h1", H2), ("h2", H1)):
            wait_for(lambda: " 0% packet loss" in sh(
                "ping", "-c", "3", "-i", "0.2", "-W", "2", dst, ns=net.ns[src], check=False),
                40, "%s's ping to %s through the tunnel%s" % (src, dst, self.diag(net)))

    def charon_traffic_checks(self, net, initiator):
        """The tunnel up on both sides as ESP-in-UDP over IPv6, pings through it both ways,
        the counters of both SA halves moving on both sides, the SPIs crossed."""
        sa = self.check_ike_sa_v6(net.gwb, A6, initiator)
        self.assertTrue(sa["nat_detected_outside"], sa)
        self.assertEqual(sa["remote"]["port"], 4500, sa)
        wait_for(lambda: tunnel_up(net.gwb), 30, "gwB's CHILD_SA" + self.diag(net))
        self.charon_child(net)
        self.charon_nat_checks(net)
        self.pings_both_ways(net)
        sas = [s for s in ipsec_sas(net.gwb) if s["status"] == "ACTIVE"]
        self.assertEqual(sorted(s["direction"] for s in sas), ["in", "out"], sas)
        for s in sas:
            self.assertTrue(s["udp_encap"], s)
            self.assertGreaterEqual(s["counters"]["pkts"], 6, s)    # 3 pings + 3 replies
        text = net.gwb.cli("show crypto ipsec sa")
        self.assertIn("current_peer " + A6 + " port 4500", text)
        self.assertIn("Tunnel UDP-Encaps", text)
        ch = self.charon_child(net)
        self.assertGreaterEqual(int(ch.get("packets-in", "0")), 6, ch)
        self.assertGreaterEqual(int(ch.get("packets-out", "0")), 6, ch)
        by_dir = {s["direction"]: s["spi"] for s in sas}
        self.assertEqual(by_dir["in"], int(ch["spi-out"], 16), (sas, ch))
        self.assertEqual(by_dir["out"], int(ch["spi-in"], 16), (sas, ch))
        # nothing dropped on the way in: no checksum error, no unknown SPI
        self.assertEqual(gw_drop(net.gwb, "IN_US_V6_PKT_SA_NOT_FOUND_SPI"), 0)
        self.assertNotRegex(net.gwb.cli("show platform hardware qfp active statistics drop"),
                            r"Ipv6UdpCksumErr\s+[1-9]")

    def test_charon_initiates(self):
        with v6_net() as net:
            self.net = net
            charon_v6(net)
            net.gwb.start()
            net.gwa.start(swanctl_conf("gwB", A6, B6, NET1, NET2, start=True, encap=True))
            self.charon_traffic_checks(net, False)

    def test_dpsecd_initiates(self):
        """dpsecd initiates over IPv6: charon takes its IPv6 IKE_SA_INIT, the NAT it fakes
        moves IKE_AUTH to 4500 and the CHILD_SA riding it is ESP-in-UDP over IPv6."""
        with v6_net() as net:
            self.net = net
            charon_v6(net)
            net.gwb.start(initiate="on-start")
            net.gwa.start(swanctl_conf("gwB", A6, B6, NET1, NET2, start=False, encap=True))
            wait_for(lambda: "%s is initiating an IKE_SA" % B6 in net.gwa.log_text(), 30,
                     "charon to take dpsecd's IKE_SA_INIT")
            self.charon_traffic_checks(net, True)
            stats = json.loads(net.gwb.cli("show crypto ikev2 stats", json=True))
            self.assertGreaterEqual(stats["exchanges"]["IKE_SA_INIT"]["received_response"], 1,
                                    stats)

    def flows(self, net, stream, guard=20):
        t = time.monotonic()
        if stream.tx is None:
            stream.start()
        self.assertIsNotNone(stream.wait_arrival_after(t, guard),
                             "no datagram through the tunnel" + self.diag(net))

    def test_dpsecd_pair_esp_over_ipv6(self):
        with v6_net(gwa_kind="dpsecd") as net:
            net.gwb.start()
            net.gwa.start(initiate="on-start")
            wait_for(lambda: tunnel_up(net.gwa) and tunnel_up(net.gwb), 30,
                     "the tunnel" + self.diag(net))
            self.check_ike_sa_v6(net.gwa, B6, True)
            self.check_ike_sa_v6(net.gwb, A6, False)
            self.flows(net, net.stream)
            self.flows(net, net.back)
            for gw, peer in ((net.gwa, B6), (net.gwb, A6)):
                sa = ready(gw)[0]
                self.assertFalse(sa["nat_detected_inside"] or sa["nat_detected_outside"], sa)
                sas = ipsec_sas(gw)
                self.assertEqual([s for s in sas if s["udp_encap"]], [], sas)
                for s in sas:
                    self.assertGreater(s["counters"]["pkts"], 0, s)
                text = gw.cli("show crypto ipsec sa")
                self.assertIn("current_peer " + peer, text)
                session = gw.cli("show crypto session")
                self.assertIn(peer, session)
                self.assertIn("UP-ACTIVE", session)
            # clear crypto sa peer X:X::X on the entry's IPv6 peer: another address clears
            # nothing, the peer's the CHILD_SA's two halves (through IKE: gwA's go too;
            # gwA, on-start, may bring a new one up over the same IKE SA)
            def active(gw):
                return {s["spi"] for s in ipsec_sas(gw) if s["status"] == "ACTIVE"}
            before = active(net.gwa)
            self.assertEqual(json.loads(net.gwb.cli("clear crypto sa peer 2001:db8::99",
                                                    json=True))["sas"], 0)
            self.assertEqual(active(net.gwa), before)
            self.assertEqual(json.loads(net.gwb.cli("clear crypto sa peer " + A6,
                                                    json=True))["sas"], 2)
            wait_for(lambda: not active(net.gwa) & before, 30,
                     "gwA to drop the CHILD_SA on gwB's DELETE" + self.diag(net))
            # clear crypto ikev2 sa remote X:X::X: another address clears nothing; the peer's
            # clears the IKE SA here, and the DELETE over IPv6 clears it on gwA too
            self.assertEqual(json.loads(net.gwb.cli("clear crypto ikev2 sa remote 2001:db8::99",
                                                    json=True))["cleared"], 0)
            self.assertEqual(len(ready(net.gwb)), 1)
            self.assertEqual(json.loads(net.gwb.cli("clear crypto ikev2 sa remote " + A6,
                                                    json=True))["cleared"], 1)
            wait_for(lambda: not [s for s in ike_sas(net.gwa) if s["tunnel_id"] == 1], 30,
                     "gwA to drop the IKE SA on gwB's DELETE")

    def test_ipv6_and_ipv4_inside_ipv6(self):
        """Two entries to the IPv6 peer, one with IPv4 lines (TS_IPV4_ADDR_RANGE), one with
        IPv6 lines (TS_IPV6_ADDR_RANGE), both on traffic: host1's IPv6 ping brings up the IKE
        SA and the IPv6 CHILD_SA (the acquire of an IPv6 packet), the IPv4 streams then add
        the IPv4 CHILD_SA over the same IKE SA; ping and streams flow through them."""
        with v6_net(gwa_kind="dpsecd") as net:
            for host, dev, side in (("h1", "h1-a", "gwa"), ("h2", "h2-b", "gwb")):
                prefix, addr = INSIDE6[side]
                sh("sysctl", "-qw", "net.ipv6.conf.%s.disable_ipv6=0" % dev, ns=net.ns[host])
                sh("ip", "-6", "addr", "add", addr + "/64", "dev", dev, "nodad",
                   ns=net.ns[host])
                sh("ip", "-6", "route", "add", "default", "via", prefix + "1", ns=net.ns[host])
            # both on traffic: host1's IPv6 ping raises the acquire (drop 38) that starts IKE
            net.gwb.start(inner6=True)
            net.gwa.start(inner6=True)
            wait_for(lambda: " 0% packet loss" in sh(
                "ping", "-6", "-c", "3", "-i", "0.2", "-W", "2", INSIDE6["gwb"][1],
                ns=net.ns["h1"], check=False), 40, "host1's IPv6 ping through" + self.diag(net))
            self.assertEqual([s["child_sas"] for s in ready(net.gwa)], [1])
            self.assertTrue(ready(net.gwa)[0]["initiator"])
            self.flows(net, net.stream)
            self.flows(net, net.back)

            def both_children(gw):
                sas = ready(gw)
                return sas and sas[0]["child_sas"] == 2 and len(
                    [s for s in ipsec_sas(gw) if s["status"] == "ACTIVE"]) == 4
            wait_for(lambda: both_children(net.gwa) and both_children(net.gwb), 30,
                     "two CHILD_SAs" + self.diag(net))
            self.assertEqual(len(ike_sas(net.gwb)), 1)
            r = sh("ping", "-6", "-c", "3", "-i", "0.2", "-W", "5", INSIDE6["gwb"][1],
                   ns=net.ns["h1"], check=False)
            self.assertIn(" 0% packet loss", r, r + self.diag(net))
            text = net.gwb.cli("show crypto ipsec sa")
            self.assertIn("(2001:db8:b::/64/0/0)", text)
            self.assertIn("(2001:db8:a::/64/0/0)", text)
            for s in ipsec_sas(net.gwb):
                self.assertGreater(s["counters"]["pkts"], 0, s)

    def test_responder_narrows_ipv6(self):
        """gwB protects only 2001:db8:b::/120 of the 2001:db8:b::/64 gwA's line offers: it
        narrows gwA's TS_IPV6_ADDR_RANGE (RFC 7296 2.9). gwA's outbound SA carries the
        narrowed selector to its workers: host1's ping to host2 (2001:db8:b::10) flows, one
        to 2001:db8:b::1:10 (inside gwA's line, outside the selector) is dropped on gwA as
        57 OUT_V6_POST_OUTPUT_POLICY_FAIL and never reaches gwB."""
        with v6_net(gwa_kind="dpsecd") as net:
            for host, dev, side in (("h1", "h1-a", "gwa"), ("h2", "h2-b", "gwb")):
                prefix, addr = INSIDE6[side]
                sh("sysctl", "-qw", "net.ipv6.conf.%s.disable_ipv6=0" % dev, ns=net.ns[host])
                sh("ip", "-6", "addr", "add", addr + "/64", "dev", dev, "nodad",
                   ns=net.ns[host])
                sh("ip", "-6", "route", "add", "default", "via", prefix + "1", ns=net.ns[host])
            net.gwb.start(inner6=True, src6_len=120)
            net.gwa.start(inner6=True)
            wait_for(lambda: " 0% packet loss" in sh(
                "ping", "-6", "-c", "3", "-i", "0.2", "-W", "2", INSIDE6["gwb"][1],
                ns=net.ns["h1"], check=False), 40, "host1's IPv6 ping through" + self.diag(net))
            before = gw_drop(net.gwa, "OUT_V6_POST_OUTPUT_POLICY_FAIL")
            self.assertEqual(before, 0, self.diag(net))
            r = sh("ping", "-6", "-c", "3", "-i", "0.2", "-W", "1", "2001:db8:b::1:10",
                   ns=net.ns["h1"], check=False)
            self.assertIn("100% packet loss", r)
            self.assertEqual(gw_drop(net.gwa, "OUT_V6_POST_OUTPUT_POLICY_FAIL"), 3,
                             self.diag(net))
            # the IPv6 CHILD_SA stays the only one, and still carries the covered traffic
            r = sh("ping", "-6", "-c", "2", "-i", "0.2", "-W", "5", INSIDE6["gwb"][1],
                   ns=net.ns["h1"], check=False)
            self.assertIn(" 0% packet loss", r, r + self.diag(net))
            self.assertEqual(gw_drop(net.gwa, "OUT_V6_POST_OUTPUT_POLICY_FAIL"), 3)

    def test_recovery_to_ipv6_peer(self):
        with v6_net(gwa_kind="dpsecd") as net:
            net.gwb.start(recovery=True)
            net.gwa.start(initiate="on-start")
            wait_for(lambda: tunnel_up(net.gwa) and tunnel_up(net.gwb), 30,
                     "the tunnel" + self.diag(net))
            self.flows(net, net.stream)
            net.gwb.stop(signal.SIGKILL)
            net.gwb.start(recovery=True)
            t = time.monotonic()
            self.assertIsNotNone(net.stream.wait_arrival_after(t, 30),
                                 "the stream did not resume" + self.diag(net))
            print("stream resumed %.2f s after gwB came back"
                  % (net.stream.wait_arrival_after(t, 1) - t))
            drops = gw_drop(net.gwb, "IN_US_V6_PKT_SA_NOT_FOUND_SPI")
            self.assertGreater(drops, 0, self.diag(net))
            self.assertIn("RECVD_PKT_INV_SPI", log(net.gwb))
            sa = self.check_ike_sa_v6(net.gwb, A6, True)
            self.assertEqual(sa["status"], "READY")


def gw_drop(gw, name):
    """The count of an IPsec datapath drop reason in gw's QFP view."""
    text = gw.cli("show platform hardware qfp active feature ipsec datapath drops")
    m = re.search(r"\b\d+\s+%s\s+(\d+)" % re.escape(name), text)
    return int(m.group(1)) if m else 0


if __name__ == "__main__":
    unittest.main(verbosity=2)
