#!/usr/bin/python3
"""IKE-keyed IPv6 static VTI (tunnel mode ipsec ipv6 with ikev2_profile) between two dpsecd on
the seed network (dpsectest/seed.py, gwa_kind="dpsecd") with the link between the gateways
IPv6 (gwA 2001:db8::1, gwB 2001:db8::2) and the inside networks IPv6 too:

   host1 2001:db8:a::10 -- gwA ==== Tunnel1: IKEv2 over IPv6, ESP ::/0 <-> ::/0 ==== gwB -- host2 2001:db8:b::10
   ipv6 route 2001:db8:b::/64 Tunnel1                           ipv6 route 2001:db8:a::/64 Tunnel1

No crypto map on either side. Checked:
- gwA on-start, gwB on-traffic: the IKE SA comes up between the IPv6 addresses, the
  CHILD_SA is the tunnel's with ::/0 both ways (show crypto ipsec sa under "interface:
  Tunnel1"), ping -6 goes each way, show interfaces / crypto session show it up;
- `clear crypto sa` and `clear crypto sa peer 2001:db8::2` (another address clears
  nothing): the CHILD_SA is deleted through IKE and (on-start) comes back over the same IKE
  SA, ping -6 again; `clear crypto session remote 2001:db8::2`: the IKE SA goes and
  comes back, ping -6 again;
- both on-traffic: nothing until host1's ping is routed into Tunnel1 (drop 38, an IPv6
  acquire), which brings the tunnel up;
- both on-start, started together: one IKE SA on each side after settling (a crossing's
  redundant IKE SA deleted by its initiator), ping -6 both ways;
- invalid-SPI recovery: gwB (on-traffic, recovery on) SIGKILLed and restarted while host1
  pings; gwB counts gwA's ESP under 12 IN_US_V6_PKT_SA_NOT_FOUND_SPI, initiates the tunnel
  over IPv6 with INITIAL_CONTACT, the ping goes through again.
strongSwan as the peer of this tunnel: test_vti6_strongswan.py.
"""
import json
import os
import signal
import sys
import unittest

sys.path.insert(0, os.path.dirname(__file__))
from dpsectest.seed import SeedNet, sh  # noqa: E402
from dpsectest.wait import wait_for  # noqa: E402
from test_ike6 import A6, B6, INSIDE6, Dpsecd6, gw_drop, ike_sas, ipsec_sas, log  # noqa: E402


class Dpsecd6Vti(Dpsecd6):
    """dpsecd with IPv6 outside and inside and only an IKE-keyed ipsec ipv6 Tunnel1 to the
    peer, the peer's inside IPv6 network routed into it."""

    def config(self, recovery=False, initiate="on-traffic", **_):
        s, net = self.s, self.net
        me, peer = (B6, A6) if self.side == "gwb" else (A6, B6)
        in6, host6 = INSIDE6[self.side]
        peer_in6 = INSIDE6["gwa" if self.side == "gwb" else "gwb"][0]
        host_mac = net.mac(s["host"], s["host_dev"])
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
    address6: "{in6}1/64"
    role: inside
    neighbors: [{{ip: "{host6}", mac: "{host_mac}"}}]
  - name: outside0
    device: "net_af_packet1,iface={s["out_dev"]}"
    address: {s["local"]}/24
    address6: "{me}/64"
    role: outside
    neighbors: [{{ip: "{peer}", mac: "{net.mac(s["peer_ns"], s["peer_dev"])}"}}]
transform_sets:
  TS: {{transforms: [esp-gcm 256], mode: tunnel}}
tunnels:
  - name: Tunnel1
    mode: ipsec ipv6
    source: outside0
    destination: "{peer}"
    protection: {{profile: VTI, transform_set: TS, ikev2_profile: PROF, initiate: {initiate}}}
routes:
  - {{prefix: "{peer_in6}/64", interface: Tunnel1}}
"""


PSK = "test-psk-for-ipv6-vti"


def vti6_net():
    net = SeedNet(gwa_kind="dpsecd")
    net.gwa = Dpsecd6Vti(net, "gwa")
    net.gwb = Dpsecd6Vti(net, "gwb")
    return net


def hosts6(net):
    """IPv6 on both inside hosts, default route to their gateway's inside address6."""
    for host, dev, side in (("h1", "h1-a", "gwa"), ("h2", "h2-b", "gwb")):
        prefix, addr = INSIDE6[side]
        sh("sysctl", "-qw", "net.ipv6.conf.%s.disable_ipv6=0" % dev, ns=net.ns[host])
        sh("ip", "-6", "addr", "add", addr + "/64", "dev", dev, "nodad", ns=net.ns[host])
        sh("ip", "-6", "route", "add", "default", "via", prefix + "1", ns=net.ns[host])


def ping6(net, host, dst, count=3, wait=2):
    return sh("ping", "-6", "-c", str(count), "-i", "0.2", "-W", str(wait), dst,
              ns=net.ns[host], check=False)


def tunnel_json(gw):
    return json.loads(gw.cli("show interfaces Tunnel1", json=True))["tunnels"][0]


def vti6_up(gw):
    """A READY IKE SA with a CHILD_SA, both halves of the tunnel's ACTIVE, line protocol up."""
    dirs = {s["direction"] for s in ipsec_sas(gw) if s["status"] == "ACTIVE"}
    return any(s["status"] == "READY" and s["child_sas"] >= 1 for s in ike_sas(gw)) and \
        dirs == {"in", "out"} and tunnel_json(gw)["line_protocol_up"]


def spis(gw):
    return sorted(s["spi"] for s in ipsec_sas(gw) if s["status"] == "ACTIVE")


class Vti6Ike(unittest.TestCase):

    def diag(self, net):
        return "".join("\n--- %s log ---\n%s" % (n, log(gw)[-4000:])
                       for n, gw in (("gwA", net.gwa), ("gwB", net.gwb)))

    def pings(self, net, guard=30):
        """ping -6 host1 -> host2 and host2 -> host1 through the tunnel (polled: the first
        echo may go while a CHILD_SA is still coming up)."""
        for host, dst in (("h1", INSIDE6["gwb"][1]), ("h2", INSIDE6["gwa"][1])):
            wait_for(lambda: " 0% packet loss" in ping6(net, host, dst), guard,
                     "ping -6 %s -> %s%s" % (host, dst, self.diag(net)))

    def check_tunnel(self, net):
        for gw, peer, me in ((net.gwa, B6, A6), (net.gwb, A6, B6)):
            sa = [s for s in ike_sas(gw) if s["status"] == "READY"]
            self.assertEqual(len(sa), 1, sa)
            self.assertEqual(sa[0]["remote"]["address"], peer, sa)
            self.assertFalse(sa[0]["nat_detected_inside"] or sa[0]["nat_detected_outside"], sa)
            text = gw.cli("show crypto ipsec sa")
            self.assertIn("interface: Tunnel1", text)
            self.assertIn("local addr " + me, text)
            self.assertIn("remote ident (addr/prefixlen/prot/port): (::/0/0/0)", text)
            self.assertIn("local  ident (addr/prefixlen/prot/port): (::/0/0/0)", text)
            self.assertIn("current_peer " + peer, text)
            sas = ipsec_sas(gw)
            self.assertEqual(sorted(s["direction"] for s in sas), ["in", "out"], sas)
            self.assertEqual([s for s in sas if s["udp_encap"]], [], sas)
            for s in sas:
                self.assertGreater(s["counters"]["pkts"], 0, s)
            show_if = gw.cli("show interfaces Tunnel1")
            self.assertIn("Tunnel1 is up, line protocol is up", show_if)
            self.assertIn("IPSEC/IPV6", show_if)
            self.assertIn('ikev2 profile "PROF"', show_if)
            session = gw.cli("show crypto session")
            self.assertIn("Interface: Tunnel1\nProfile: PROF\nSession status: UP-ACTIVE\n"
                          "Peer: %s port 500\n" % peer, session)
            self.assertIn("permit ipv6 ::/0 ::/0", session)

    def test_tunnel6_both_ways_and_clear(self):
        with vti6_net() as net:
            hosts6(net)
            net.gwb.start(initiate="on-traffic")
            net.gwa.start(initiate="on-start")
            wait_for(lambda: vti6_up(net.gwa) and vti6_up(net.gwb), 30,
                     "the tunnel" + self.diag(net))
            self.assertTrue(ike_sas(net.gwa)[0]["initiator"])
            self.pings(net)
            self.check_tunnel(net)
            # clear crypto sa: the CHILD_SA goes through IKE; on-start, a new one comes back
            # over the same IKE SA (its tunnel_id stays)
            before, ike_id = spis(net.gwa), ike_sas(net.gwa)[0]["tunnel_id"]
            net.gwa.cli("clear crypto sa")
            wait_for(lambda: vti6_up(net.gwa) and vti6_up(net.gwb) and
                     spis(net.gwa) and not set(spis(net.gwa)) & set(before), 30,
                     "a new CHILD_SA after clear crypto sa" + self.diag(net))
            self.assertEqual([s["tunnel_id"] for s in ike_sas(net.gwa)], [ike_id])
            self.assertIn("CHILD_CLEARED", log(net.gwa))
            self.pings(net)
            # clear crypto sa peer X:X::X: another IPv6 address (or an IPv4 one) clears
            # nothing; the tunnel's destination clears its two halves, and they come back
            before = spis(net.gwa)
            for other in ("2001:db8::99", "192.0.2.2"):
                self.assertEqual(json.loads(net.gwa.cli("clear crypto sa peer " + other,
                                                        json=True))["sas"], 0)
            self.assertEqual(spis(net.gwa), before)
            self.assertEqual(json.loads(net.gwa.cli("clear crypto sa peer " + B6, json=True)),
                             {"cleared": "sa", "peer": B6, "sas": 2})
            wait_for(lambda: vti6_up(net.gwa) and vti6_up(net.gwb) and
                     spis(net.gwa) and not set(spis(net.gwa)) & set(before), 30,
                     "a new CHILD_SA after clear crypto sa peer" + self.diag(net))
            self.assertEqual([s["tunnel_id"] for s in ike_sas(net.gwa)], [ike_id])
            self.pings(net)
            # clear crypto session remote 2001:db8::2: the IKE SA too, and it comes back
            net.gwa.cli("clear crypto session remote " + B6)
            wait_for(lambda: vti6_up(net.gwa) and vti6_up(net.gwb) and
                     [s["tunnel_id"] for s in ike_sas(net.gwa)
                      if s["status"] == "READY"] not in ([], [ike_id]), 30,
                     "a new IKE SA after clear crypto session" + self.diag(net))
            self.pings(net)
            wait_for(lambda: len(ike_sas(net.gwb)) == 1, 30,
                     "gwB to drop the cleared IKE SA" + self.diag(net))

    def test_on_traffic6(self):
        with vti6_net() as net:
            hosts6(net)
            net.gwb.start(initiate="on-traffic")
            net.gwa.start(initiate="on-traffic")
            self.assertEqual(ike_sas(net.gwa), [])
            self.assertFalse(tunnel_json(net.gwa)["line_protocol_up"])
            # host1's echo requests are dropped (38) and ask IKE for the tunnel
            wait_for(lambda: " 0% packet loss" in ping6(net, "h1", INSIDE6["gwb"][1]), 40,
                     "host1's ping through" + self.diag(net))
            self.assertGreater(gw_drop(net.gwa, "OUT_V6_PKT_HIT_IKE_START_SP"), 0,
                               self.diag(net))
            self.assertEqual(gw_drop(net.gwa, "OUT_IPV6_SA_NOT_FOUND"), 0)
            self.assertTrue(ike_sas(net.gwa)[0]["initiator"])
            self.pings(net)
            self.check_tunnel(net)

    def test_both_on_start6(self):
        """Both ends on-start, started together: whether or not the initiations crossed,
        each side settles to one IKE SA with the tunnel's CHILD_SA (a redundant one is
        deleted by the side that made it, IKEV2-5-SA_COLLISION), and ping -6 goes both
        ways."""
        with vti6_net() as net:
            hosts6(net)
            net.gwb.start(initiate="on-start")
            net.gwa.start(initiate="on-start")

            def settled():
                a, b = ike_sas(net.gwa), ike_sas(net.gwb)
                return len(a) == 1 and len(b) == 1 and \
                    all(s["status"] == "READY" and s["child_sas"] == 1 for s in a + b) and \
                    len(ipsec_sas(net.gwa)) == 2 and len(ipsec_sas(net.gwb)) == 2 and \
                    vti6_up(net.gwa) and vti6_up(net.gwb)
            wait_for(settled, 40, "one IKE SA on each side" + self.diag(net))
            a, b = ike_sas(net.gwa)[0], ike_sas(net.gwb)[0]
            self.assertNotEqual(a["initiator"], b["initiator"], (a, b))
            collided = ["SA_COLLISION" in log(gw) for gw in (net.gwa, net.gwb)]
            print("both on start over IPv6: initiations crossed: %s" % any(collided))
            self.assertLessEqual(sum(collided), 1, collided)
            # show crypto ikev2 stats counts what the log says: the redundant IKE SA deleted
            # at one end, found there (and, unless the DELETE overtook the other end's last
            # IKE_AUTH message, at the other end too)
            stats = [json.loads(gw.cli("show crypto ikev2 stats", json=True))
                     for gw in (net.gwa, net.gwb)]
            for s, c in zip(stats, collided):
                self.assertEqual(s["collisions_deleted"], int(c), stats)
                self.assertGreaterEqual(s["collisions"], int(c), stats)
                self.assertLessEqual(s["collisions"], int(any(collided)), stats)
            self.pings(net)
            self.check_tunnel(net)

    def test_recovery6(self):
        with vti6_net() as net:
            hosts6(net)
            net.gwb.start(initiate="on-traffic", recovery=True)
            net.gwa.start(initiate="on-start")
            wait_for(lambda: vti6_up(net.gwa) and vti6_up(net.gwb), 30,
                     "the tunnel" + self.diag(net))
            self.pings(net)
            net.gwb.stop(signal.SIGKILL)
            net.gwb.start(initiate="on-traffic", recovery=True)
            # host1 keeps pinging: gwA encrypts with the SPI gwB forgot, gwB recovers
            wait_for(lambda: " 0% packet loss" in ping6(net, "h1", INSIDE6["gwb"][1], 1, 1), 40,
                     "the ping through after gwB's restart" + self.diag(net))
            self.assertGreater(gw_drop(net.gwb, "IN_US_V6_PKT_SA_NOT_FOUND_SPI"), 0,
                               self.diag(net))
            text = log(net.gwb)
            self.assertIn("RECVD_PKT_INV_SPI", text)
            self.assertIn("IKE SA initiated with INITIAL_CONTACT", text)
            wait_for(lambda: vti6_up(net.gwb), 10, "gwB's Tunnel1 up" + self.diag(net))
            self.assertTrue([s for s in ike_sas(net.gwb) if s["status"] == "READY"][0]
                            ["initiator"])


if __name__ == "__main__":
    unittest.main(verbosity=2)
