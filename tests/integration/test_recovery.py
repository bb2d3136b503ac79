#!/usr/bin/python3
"""Invalid-SPI recovery end to end, the seeds' scenario against strongSwan 5.9.8
(dpsectest/seed.py):

   host1 -- gwA (charon, initiator, DPD off) ==== gwB (dpsecd, never initiates) -- host2

host1 streams UDP to host2 through the tunnel. Then gwB loses its SAs while gwA keeps
encrypting with an SPI gwB no longer knows:

- gwB restarts (SIGKILL: no DELETE) with invalid_spi_recovery on: gwB initiates IKE with
  INITIAL_CONTACT and the stream resumes within 3 s of gwB being back;
- the same with recovery off: nothing reaches host2 for 30 s (the seeds' black hole), and the
  views say why (decision OFF, drops 4 counted, %CRYPTO-4-RECVD_PKT_INV_SPI logged);
- gwB still has the IKE SA but lost the CHILD_SA (test crypto ipsec sa forget removes the dataplane's
  SAs without telling the peer): even with recovery off gwB sends INVALID_SPI over the IKE SA
  and re-creates the CHILD_SA, and the stream resumes within 3 s.
"""
import json
import os
import signal
import sys
import time
import unittest

sys.path.insert(0, os.path.dirname(__file__))
from dpsectest.seed import SeedNet, gwa_swanctl  # noqa: E402
from dpsectest.wait import wait_for, established  # noqa: E402

RESUME_WITHIN = 3.0     # s after gwB is back (the bound)
BLACK_HOLE = 30.0       # s watched with recovery off


def decisions(net):
    st = json.loads(net.cli("show crypto ipsec invalid-spi", json=True))["stats"]["recovery"]
    return {k: v["decisions"] for k, v in st.items() if v["decisions"]}


class Recovery(unittest.TestCase):

    def diag(self, net):
        return "\n--- dpsecd ---\n%s\n--- gwB log ---\n%s\n--- charon gwA ---\n%s" % (
            net.dpsecd_text()[-3000:], net.cli("show logging")[-4000:],
            net.gwa.log_text()[-6000:])

    def flowing(self, net, recovery):
        net.start_dpsecd(recovery=recovery)
        net.gwa.start(gwa_swanctl())
        wait_for(lambda: established(net), 20, "the tunnel")
        t = time.monotonic()
        net.stream.start()
        self.assertIsNotNone(net.stream.wait_arrival_after(t, 20), self.diag(net))

    def restart_gwb(self, net, recovery):
        net.stop_dpsecd(signal.SIGKILL)
        net.start_dpsecd(recovery=recovery)
        return time.monotonic()

    def test_restart_with_recovery(self):
        with SeedNet() as net:
            self.flowing(net, recovery=True)
            before = established(net)
            up = self.restart_gwb(net, recovery=True)
            first = net.stream.wait_arrival_after(up, RESUME_WITHIN + 5)
            self.assertIsNotNone(first, "no recovery" + self.diag(net))
            print("recovery: stream resumed %.2f s after gwB was back" % (first - up))
            self.assertLess(first - up, RESUME_WITHIN, self.diag(net))
            self.assertIn("INITIATE", decisions(net))
            log = net.cli("show logging")
            self.assertIn("%CRYPTO-4-RECVD_PKT_INV_SPI", log)
            self.assertIn("IKE SA initiated with INITIAL_CONTACT", log)
            drops = net.cli("show platform hardware qfp active feature ipsec datapath drops")
            self.assertRegex(drops, r"\b4\s+IN_US_V4_PKT_SA_NOT_FOUND_SPI\s+[1-9]")
            after = established(net)
            self.assertNotEqual(before.get("initiator-spi"), after.get("initiator-spi"),
                                "gwA kept its stale IKE SA")

    def test_restart_without_recovery_is_a_black_hole(self):
        with SeedNet() as net:
            self.flowing(net, recovery=False)
            up = self.restart_gwb(net, recovery=False)
            self.assertIsNone(net.stream.wait_arrival_after(up, BLACK_HOLE),
                              "traffic resumed without recovery" + self.diag(net))
            self.assertIn("OFF", decisions(net))
            self.assertNotIn("INITIATE", decisions(net))
            self.assertIn("%CRYPTO-4-RECVD_PKT_INV_SPI", net.cli("show logging"))
            self.assertIn("OFF", net.cli("show crypto ipsec invalid-spi"))

    def test_lost_child_with_ike_sa_is_recreated(self):
        with SeedNet() as net:
            self.flowing(net, recovery=False)
            net.cli("test crypto ipsec sa forget")
            t = time.monotonic()
            # datagrams decrypted before the clear may still be on their way: 50 ms
            first = net.stream.wait_arrival_after(t + 0.05, RESUME_WITHIN + 5)
            self.assertIsNotNone(first, "no recovery over the IKE SA" + self.diag(net))
            print("lost CHILD_SA: stream resumed %.2f s after the SAs were forgotten" % (first - t))
            self.assertLess(first - t, RESUME_WITHIN, self.diag(net))
            self.assertIn("NOTIFY", decisions(net))
            stats = net.cli("show crypto ikev2 stats exchange")
            self.assertRegex(stats, r"INVALID_SPI\s+[1-9]\d*\s+0\s+0\s+0")


if __name__ == "__main__":
    unittest.main(verbosity=2)
