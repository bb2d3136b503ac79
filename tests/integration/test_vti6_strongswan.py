#!/usr/bin/python3
"""strongSwan 5.9.8 (kernel-libipsec) as the peer of dpsecd's IKE-keyed IPv6 static VTI
(tunnel mode ipsec ipv6 with ikev2_profile), on the seed network with the link between the
gateways IPv6 (gwA 2001:db8::1, gwB 2001:db8::2) and the inside networks IPv6:

   host1 -- gwA charon ==== IKEv2, ESP-in-UDP over IPv6, ::/0 <-> ::/0 ==== gwB dpsecd -- host2
   2001:db8:a::10                              ipv6 route 2001:db8:a::/64 Tunnel1   2001:db8:b::10

charon's selectors are ::/0 both ways, as a peer of an IOS sVTI over IPv6 uses. libipsec
fakes a NAT (it only installs UDP-encapsulated SAs), so IKE moves to 4500 and the CHILD_SA
is ESP-in-UDP over IPv6 on both sides. Checked, with dpsecd initiating (on-start) and with
charon initiating (start_action = start, dpsecd on-traffic):
- one IKE SA between the IPv6 addresses, dpsecd's CHILD_SA is Tunnel1's (::/0 both ways,
  UDP-encapsulated, port 4500), Tunnel1's line protocol up;
- ping -6 host1 -> host2 and host2 -> host1 with no loss;
- the SA counters of both halves on both sides (dpsecd's show crypto ipsec sa, charon's
  list-sas packets-in/out), the SPIs crossed; no unknown-SPI or UDP checksum drop at gwB.
"""
import json
import os
import sys
import unittest

sys.path.insert(0, os.path.dirname(__file__))
from dpsectest.seed import SeedNet, sh, swanctl_conf  # noqa: E402
from dpsectest.wait import wait_for  # noqa: E402
from test_ike6 import A6, B6, INSIDE6, charon_v6, gw_drop, ike_sas, ipsec_sas, log  # noqa: E402
from test_vti6_ike import PSK, Dpsecd6Vti, hosts6, ping6, tunnel_json  # noqa: E402


def vti6_charon_net():
    """gwA charon, gwB dpsecd with only the IKE-keyed ipsec ipv6 Tunnel1."""
    net = SeedNet(gwa_kind="charon")
    net.gwb = Dpsecd6Vti(net, "gwb")
    return net


def gwa_v6(net):
    """charon's gateway speaks IPv6 on both sides and forwards it. kernel-libipsec routes
    the CHILD_SA's remote_ts (::/0) into its TUN device in table 220, looked up before
    main: gwB itself, gwA's own inside network, link-local and multicast must stay out of
    it, as with the kernel's IPsec its policies would arrange."""
    ns = net.ns["gwa"]
    charon_v6(net)
    sh("sysctl", "-qw", "net.ipv6.conf.gwa-in.disable_ipv6=0", ns=ns)
    sh("ip", "-6", "addr", "add", INSIDE6["gwa"][0] + "1/64", "dev", "gwa-in", "nodad", ns=ns)
    sh("sysctl", "-qw", "net.ipv6.conf.all.forwarding=1", ns=ns)
    for prefix in (B6 + "/128", INSIDE6["gwa"][0] + "/64", "fe80::/10", "ff00::/8"):
        sh("ip", "-6", "route", "add", "throw", prefix, "table", "220", ns=ns)
    hosts6(net)


class Vti6StrongSwan(unittest.TestCase):

    def diag(self, net):
        return "\n--- gwB log ---\n%s\n--- charon gwA ---\n%s" % (
            log(net.gwb)[-4000:], net.gwa.log_text()[-6000:])

    def charon_child(self, net):
        """charon's INSTALLED CHILD_SA with its IKE SA to gwB on 4500."""
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

    def tunnel_up(self, gw):
        dirs = {s["direction"] for s in ipsec_sas(gw) if s["status"] == "ACTIVE"}
        return any(s["status"] == "READY" and s["child_sas"] >= 1 for s in ike_sas(gw)) and \
            dirs == {"in", "out"} and tunnel_json(gw)["line_protocol_up"]

    def pings(self, net):
        """ping -6 both ways through the tunnel, polled: the first echoes may go while the
        neighbours are resolved."""
        for host, dst in (("h1", INSIDE6["gwb"][1]), ("h2", INSIDE6["gwa"][1])):
            wait_for(lambda: " 0% packet loss" in ping6(net, host, dst), 40,
                     "ping -6 %s -> %s%s" % (host, dst, self.diag(net)))

    def check(self, net, initiator):
        wait_for(lambda: self.tunnel_up(net.gwb), 30, "gwB's Tunnel1 up" + self.diag(net))
        sas = [s for s in ike_sas(net.gwb) if s["status"] == "READY"]
        self.assertEqual(len(sas), 1, sas)
        self.assertEqual(sas[0]["remote"]["address"], A6, sas)
        self.assertEqual(sas[0]["remote"]["port"], 4500, sas)
        self.assertEqual(sas[0]["initiator"], initiator, sas)
        self.assertTrue(sas[0]["nat_detected_outside"], sas)
        self.charon_child(net)
        self.pings(net)
        gwb = [s for s in ipsec_sas(net.gwb) if s["status"] == "ACTIVE"]
        self.assertEqual(sorted(s["direction"] for s in gwb), ["in", "out"], gwb)
        for s in gwb:
            self.assertTrue(s["udp_encap"], s)
            self.assertGreaterEqual(s["counters"]["pkts"], 6, s)    # 3 pings + 3 replies
        text = net.gwb.cli("show crypto ipsec sa")
        self.assertIn("interface: Tunnel1", text)
        self.assertIn("local addr " + B6, text)
        self.assertIn("remote ident (addr/prefixlen/prot/port): (::/0/0/0)", text)
        self.assertIn("local  ident (addr/prefixlen/prot/port): (::/0/0/0)", text)
        self.assertIn("current_peer " + A6 + " port 4500", text)
        self.assertIn("Tunnel UDP-Encaps", text)
        self.assertIn("Tunnel1 is up, line protocol is up",
                      net.gwb.cli("show interfaces Tunnel1"))
        ch = self.charon_child(net)
        self.assertGreaterEqual(int(ch.get("packets-in", "0")), 6, ch)
        self.assertGreaterEqual(int(ch.get("packets-out", "0")), 6, ch)
        self.assertIn("::/0", ch.get("local-ts", ""), ch)
        self.assertIn("::/0", ch.get("remote-ts", ""), ch)
        by_dir = {s["direction"]: s["spi"] for s in gwb}
        self.assertEqual(by_dir["in"], int(ch["spi-out"], 16), (gwb, ch))
        self.assertEqual(by_dir["out"], int(ch["spi-in"], 16), (gwb, ch))
        self.assertEqual(gw_drop(net.gwb, "IN_US_V6_PKT_SA_NOT_FOUND_SPI"), 0)
        self.assertNotRegex(net.gwb.cli("show platform hardware qfp active statistics drop"),
                            r"Ipv6UdpCksumErr\s+[1-9]")

    def test_dpsecd_initiates(self):
        """dpsecd's Tunnel1 (on-start) proposes ::/0 both ways over IPv6; charon, configured
        so, accepts it."""
        with vti6_charon_net() as net:
            gwa_v6(net)
            net.gwa.start(swanctl_conf("gwB", A6, B6, "::/0", "::/0", start=False,
                                       encap=True, psk=PSK))
            net.gwb.start(initiate="on-start")
            self.check(net, True)
            self.assertIn("Initiator of SA : Yes", net.gwb.cli("show crypto ikev2 sa detailed"))

    def test_charon_initiates(self):
        """charon initiates with ::/0 both ways; dpsecd (on-traffic) takes the CHILD_SA for
        its Tunnel1, tried before any crypto map entry."""
        with vti6_charon_net() as net:
            gwa_v6(net)
            net.gwb.start(initiate="on-traffic")
            net.gwa.start(swanctl_conf("gwB", A6, B6, "::/0", "::/0", start=True,
                                       encap=True, psk=PSK))
            self.check(net, False)
            stats = json.loads(net.gwb.cli("show crypto ikev2 stats", json=True))
            self.assertGreaterEqual(stats["exchanges"]["IKE_SA_INIT"]["received_request"], 1,
                                    stats)


if __name__ == "__main__":
    unittest.main(verbosity=2)
