#!/usr/bin/python3
"""Static VTI keyed by IKEv2 (issue 10 item 3) between two dpsecd on the seed network
(dpsectest/seed.py, gwa_kind="dpsecd"): no crypto map on either side, only a Tunnel1 to the
other gateway whose protection names ikev2_profile PROF, and the route to the other inside
network into it.

   host1 -- gwA (dpsecd) ==== Tunnel1: IKEv2, ESP 0.0.0.0/0 <-> 0.0.0.0/0 ==== gwB (dpsecd) -- host2
   ip route 203.0.113.0/24 Tunnel1                         ip route 198.51.100.0/24 Tunnel1

- gwA initiates on start, gwB waits (initiate: on-traffic); the CHILD_SA comes up with
  0.0.0.0/0 selectors both ways on both sides, its SAs shown under "interface: Tunnel1";
- the stream goes each way through the tunnel; show interfaces Tunnel1 is up (line
  protocol up) on both sides, its packet counters at least what went through;
- show crypto session: the Tunnel1 session UP-ACTIVE with profile PROF and the IKE SA;
- on-traffic: both sides on-traffic, nothing comes up until host1's stream is routed into
  gwA's Tunnel1 (drop 33, an acquire), which brings it up and then through;
- both sides on-start (the tunnel default): the tunnel comes up and carries both streams;
- invalid-SPI recovery: gwB (recovery on) killed and restarted, gwA's ESP into the tunnel
  makes gwB initiate the tunnel with INITIAL_CONTACT, the stream resumes;
- strongSwan 5.9.8 as gwA (kernel-libipsec, local_ts = remote_ts = 0.0.0.0/0, as a peer of
  an IOS sVTI is configured), each side initiating in turn: dpsecd's Tunnel1 takes the
  CHILD_SA and the streams flow both ways.
"""
import json
import os
import re
import signal
import sys
import time
import unittest

sys.path.insert(0, os.path.dirname(__file__))
from dpsectest.seed import SeedNet, sh, swanctl_conf, GWA_OUT, GWB_OUT  # noqa: E402
from dpsectest.seed_addrs import NET1 as H1_NET  # noqa: E402
from dpsectest.wait import wait_for, established  # noqa: E402
from test_dpsec_pair import ike_sas, ipsec_sas  # noqa: E402


def tunnel_json(gw):
    return json.loads(gw.cli("show interfaces Tunnel1", json=True))["tunnels"][0]


def vti_up(gw):
    """An IKE SA READY with a CHILD_SA, and Tunnel1's line protocol up."""
    return any(s["status"] == "READY" and s["child_sas"] >= 1 for s in ike_sas(gw)) and \
        tunnel_json(gw)["line_protocol_up"]


def log(gw):
    try:
        return gw.cli("show logging")
    except Exception as e:     # a dead dpsecd: say so in the diagnostics
        return "(show logging: %s)" % e


class VtiIke(unittest.TestCase):

    def diag(self, net):
        gwa = net.gwa.log_text()[-6000:] if hasattr(net.gwa, "log_text") else \
            net.gwa.text()[-2000:] + "\n--- gwA log ---\n" + log(net.gwa)[-4000:]
        return "\n--- gwA ---\n%s\n--- gwB dpsecd ---\n%s\n--- gwB log ---\n%s" % (
            gwa, net.gwb.text()[-2000:], log(net.gwb)[-4000:])

    def flows(self, net, stream, guard=20):
        t = time.monotonic()
        if stream.tx is None:
            stream.start()
        self.assertIsNotNone(stream.wait_arrival_after(t, guard),
                             "no datagram through the tunnel" + self.diag(net))

    def check_tunnel(self, net):
        for gw, peer in ((net.gwa, GWB_OUT), (net.gwb, GWA_OUT)):
            text = gw.cli("show crypto ipsec sa")
            self.assertIn("interface: Tunnel1", text)
            # the tunnel's 0/0 selectors, as IOS shows an sVTI's
            self.assertIn("local  ident (addr/mask/prot/port): (0.0.0.0/0.0.0.0/0/0)", text)
            self.assertIn("remote ident (addr/mask/prot/port): (0.0.0.0/0.0.0.0/0/0)", text)
            sas = ipsec_sas(gw)
            self.assertEqual(sorted(s["direction"] for s in sas), ["in", "out"], sas)
            for s in sas:
                self.assertGreater(s["counters"]["pkts"], 0, s)
            show_if = gw.cli("show interfaces Tunnel1")
            self.assertIn("Tunnel1 is up, line protocol is up", show_if)
            self.assertIn('Tunnel protection via IPSec (profile "VTI", ikev2 profile "PROF")',
                          show_if)
            self.assertIn("destination %s" % peer, show_if)
            t = tunnel_json(gw)
            self.assertGreater(t["ipackets"], 0, t)
            self.assertGreater(t["opackets"], 0, t)
            session = gw.cli("show crypto session")
            m = re.search(r"Interface: Tunnel1\nProfile: PROF\nSession status: UP-ACTIVE\n"
                          r"Peer: %s port 500\n" % re.escape(peer), session)
            self.assertIsNotNone(m, session)
            self.assertIn("IKEv2 SA: local", session[m.start():])

    def test_tunnel_both_ways(self):
        with SeedNet(gwa_kind="dpsecd") as net:
            net.gwb.start(tunnel=True, initiate="on-traffic")
            net.gwa.start(tunnel=True, initiate="on-start", pfs="group19")
            wait_for(lambda: vti_up(net.gwa) and vti_up(net.gwb), 30,
                     "the tunnel" + self.diag(net))
            self.assertEqual(ike_sas(net.gwa)[0]["initiator"], True)
            self.flows(net, net.stream)
            self.flows(net, net.back)
            self.check_tunnel(net)

    def test_on_traffic(self):
        with SeedNet(gwa_kind="dpsecd") as net:
            net.gwb.start(tunnel=True, initiate="on-traffic")
            net.gwa.start(tunnel=True, initiate="on-traffic")
            self.assertEqual(ike_sas(net.gwa), [])
            self.assertFalse(tunnel_json(net.gwa)["line_protocol_up"])
            # the stream's first datagrams are dropped (33) and ask IKE for the tunnel
            self.flows(net, net.stream, guard=30)
            self.assertTrue(vti_up(net.gwa) and vti_up(net.gwb), self.diag(net))
            self.assertEqual(ike_sas(net.gwa)[0]["initiator"], True)
            self.flows(net, net.back)
            self.check_tunnel(net)

    def test_both_on_start(self):
        """The usual sVTI setup: both ends on-start (the tunnel default), started together;
        the tunnel comes up and carries the stream both ways. If the initiations crossed,
        the redundant IKE SA is deleted (IKEV2-5-SA_COLLISION on the side that made it):
        after settling each side has one IKE SA with one CHILD_SA, the same on both, and
        the streams still flow."""
        with SeedNet(gwa_kind="dpsecd") as net:
            net.gwb.start(tunnel=True, initiate="on-start")
            net.gwa.start(tunnel=True, initiate="on-start")
            wait_for(lambda: vti_up(net.gwa) and vti_up(net.gwb), 30,
                     "the tunnel" + self.diag(net))

            def settled():
                a, b = ike_sas(net.gwa), ike_sas(net.gwb)
                return len(a) == 1 and len(b) == 1 and a[0]["status"] == "READY" and \
                    b[0]["status"] == "READY" and a[0]["child_sas"] == 1 and \
                    b[0]["child_sas"] == 1 and len(ipsec_sas(net.gwa)) == 2 and \
                    len(ipsec_sas(net.gwb)) == 2
            wait_for(settled, 30, "one IKE SA on each side" + self.diag(net))
            a, b = ike_sas(net.gwa)[0], ike_sas(net.gwb)[0]
            self.assertNotEqual(a["initiator"], b["initiator"], (a, b))
            collided = ["SA_COLLISION" in log(gw) for gw in (net.gwa, net.gwb)]
            print("both on start: initiations crossed: %s" % any(collided))
            self.assertLessEqual(sum(collided), 1, collided)
            self.flows(net, net.stream)
            self.flows(net, net.back)
            for gw in (net.gwa, net.gwb):
                self.assertIn("Tunnel1 is up, line protocol is up",
                              gw.cli("show interfaces Tunnel1"))

    def test_restart_with_recovery(self):
        """Invalid-SPI recovery with the tunnel destination as the static peer: gwB
        (on-traffic, recovery on) is SIGKILLed and restarted while gwA keeps encrypting into
        its Tunnel1; gwB, seeing gwA's ESP for SPIs it does not know, initiates the tunnel
        with INITIAL_CONTACT and the stream resumes."""
        with SeedNet(gwa_kind="dpsecd") as net:
            net.gwb.start(tunnel=True, initiate="on-traffic", recovery=True)
            net.gwa.start(tunnel=True, initiate="on-start")
            wait_for(lambda: vti_up(net.gwa) and vti_up(net.gwb), 30,
                     "the tunnel" + self.diag(net))
            self.flows(net, net.stream)
            net.gwb.stop(signal.SIGKILL)
            net.gwb.start(tunnel=True, initiate="on-traffic", recovery=True)
            back = time.monotonic()
            first = net.stream.wait_arrival_after(back, 15)
            self.assertIsNotNone(first, "no recovery" + self.diag(net))
            print("tunnel: stream resumed %.2f s after gwB was back" % (first - back))
            log_b = net.gwb.cli("show logging")
            self.assertIn("%CRYPTO-4-RECVD_PKT_INV_SPI", log_b)
            self.assertIn("IKE SA initiated with INITIAL_CONTACT", log_b)
            wait_for(lambda: vti_up(net.gwb), 10, "gwB's Tunnel1 up" + self.diag(net))

    @staticmethod
    def libipsec_routes(net):
        """kernel-libipsec routes a CHILD_SA's remote_ts into its TUN device (table 220,
        looked up before main): with 0.0.0.0/0, the peer and gwA's own inside network too.
        charon's IKE and ESP-in-UDP to gwB must leave by gwa-out, and what it decrypts for
        host1 by gwa-in, as with the kernel's IPsec its policies would arrange."""
        for prefix in (GWB_OUT + "/32", H1_NET):
            sh("ip", "route", "add", "throw", prefix, "table", "220", ns=net.ns["gwa"])

    def strongswan_flows(self, net):
        wait_for(lambda: established(net), 20, "gwA's SAs" + self.diag(net))
        self.flows(net, net.stream)
        self.flows(net, net.back)
        self.assertIn("Tunnel1 is up, line protocol is up",
                      net.gwb.cli("show interfaces Tunnel1"))
        text = net.gwb.cli("show crypto ipsec sa")
        self.assertIn("interface: Tunnel1", text)
        self.assertIn("remote ident (addr/mask/prot/port): (0.0.0.0/0.0.0.0/0/0)", text)

    def test_strongswan_initiates_0_0(self):
        """strongSwan (gwA, kernel-libipsec) initiates with local_ts = remote_ts =
        0.0.0.0/0, as a peer of an IOS sVTI does: dpsecd (gwB, tunnel only, on-traffic)
        takes the CHILD_SA for its Tunnel1 and the streams flow both ways."""
        with SeedNet() as net:
            self.libipsec_routes(net)
            net.gwb.start(tunnel=True, initiate="on-traffic")
            net.gwa.start(swanctl_conf("gwB", GWA_OUT, GWB_OUT, "0.0.0.0/0", "0.0.0.0/0"))
            self.strongswan_flows(net)

    def test_dpsecd_initiates_0_0_to_strongswan(self):
        """dpsecd's tunnel (on-start) proposes 0.0.0.0/0 both ways; strongSwan, configured
        so, accepts it."""
        with SeedNet() as net:
            self.libipsec_routes(net)
            net.gwa.start(swanctl_conf("gwB", GWA_OUT, GWB_OUT, "0.0.0.0/0", "0.0.0.0/0",
                                       start=False))
            net.gwb.start(tunnel=True, initiate="on-start")
            self.strongswan_flows(net)
            self.assertIn("Initiator of SA : Yes", net.gwb.cli("show crypto ikev2 sa detailed"))

if __name__ == "__main__":
    unittest.main(verbosity=2)
