#!/usr/bin/python3
"""dpsecd as a process on the machine: what it refuses, what it leaves alone, how it stops.

   dpsecd -c gw.yaml --> [ outside0  dpsecd  inside0 ]   (net_pcap, as in test_drops)
                              |        |
          CLI socket <dir>/dpsecd.sock  +-- DPDK telemetry <runtime dir>/dpdk_telemetry.v2
          instance lock <dir>/dpsecd.sock.lock

- the CLI socket path: a file that is no socket survives a refused start; a second dpsecd on
  the same socket exits before DPDK and leaves the first one's socket working; a dead
  daemon's socket is replaced;
- shutdown under load: SIGINT while clients query DPDK's telemetry socket without pause ends
  in a clean exit (in the ASan build: with no use after free; the callbacks answer null once
  the daemon stopped serving).
"""
import os
import re
import signal
import socket
import stat
import sys
import threading
import time
import unittest

sys.path.insert(0, os.path.dirname(__file__))
from dpsectest.gateway import Gateway  # noqa: E402


CBC_SAS = [{"direction": "inbound", "spi": 0x1001, "cipher_key": bytes(range(16)),
            "auth_key": bytes(range(32))},
           {"direction": "outbound", "spi": 0x2001, "cipher_key": bytes(range(16, 32)),
            "auth_key": bytes(range(32, 64))}]


def gateway(**kw):
    return Gateway(transforms=["esp-aes 128", "esp-sha256-hmac"], **kw)


def wait_for(cond, timeout, what):
    """Poll a condition; the deadline is only a guard against a hang."""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if cond():
            return
        time.sleep(0.02)
    raise AssertionError("timed out waiting for " + what)


class SocketPath(unittest.TestCase):
    def test_file_at_socket_path_survives(self):
        """cli.socket naming an ordinary file: refused, and the file is still there."""
        gw = gateway()
        gw.sock = os.path.join(gw.dir, "notes.txt")
        with open(gw.sock, "w") as f:
            f.write("operator notes\n")
        rc, out = gw.run_to_exit()
        self.assertEqual(rc, 1, out)
        self.assertIn("%s exists and is not a socket" % gw.sock, out)
        with open(gw.sock) as f:
            self.assertEqual(f.read(), "operator notes\n")

    def test_second_daemon_leaves_first_alone(self):
        """The same config twice: the second exits at once, the first keeps its socket."""
        first = gateway().start()
        try:
            rc, out = first.run_to_exit()
            self.assertEqual(rc, 1, out)
            # one line, from the lock taken before rte_eal_init: no EAL output at all
            self.assertEqual(out, "dpsecd: another dpsecd (pid %d) is running with CLI socket %s "
                             "(it holds %s.lock)\n" % (first.proc.pid, first.sock, first.sock))
            self.assertTrue(stat.S_ISSOCK(os.lstat(first.sock).st_mode))
            self.assertIn("uptime is", first.cli("show version"))
        finally:
            first.stop()
        self.assertFalse(os.path.exists(first.sock), "the daemon removes its own socket")

    def test_dead_daemons_socket_is_replaced(self):
        """SIGKILL leaves the socket file behind; the lock dies with the process."""
        gw = gateway().start()
        gw.proc.send_signal(signal.SIGKILL)
        gw.proc.wait()
        gw.logf.close()
        self.assertTrue(stat.S_ISSOCK(os.lstat(gw.sock).st_mode))
        gw.start()
        self.assertIn("uptime is", gw.cli("show version"))
        gw.stop()


class Shutdown(unittest.TestCase):
    CMDS = ["/dpsec/drops", "/dpsec/global_drops", "/dpsec/sa/list", "/dpsec/sa/info,1",
            "/dpsec/invalid_spi"]

    def hammer(self, path, n, i):
        """Ask without pause until the daemon is gone; n[i] counts the answers."""
        s = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        s.settimeout(30)
        try:
            s.connect(path)
            s.recv(4096)
            while True:
                for cmd in self.CMDS:
                    s.send(cmd.encode())
                    if not s.recv(65536):
                        return
                    n[i] += 1
        except OSError:
            return
        finally:
            s.close()

    def test_stop_while_telemetry_hammers(self):
        gw = gateway(manual_sas=CBC_SAS).start()
        path = "/var/run/dpdk/%s/dpdk_telemetry.v2" % os.path.basename(gw.dir)
        n = [0] * 4
        threads = [threading.Thread(target=self.hammer, args=(path, n, i)) for i in range(4)]
        try:
            for t in threads:
                t.start()
            wait_for(lambda: min(n) >= 50, 60, "every telemetry client to be answered")
        finally:
            gw.stop()       # SIGINT while they ask; raises unless dpsecd exits 0
        for t in threads:
            t.join(60)
            self.assertFalse(t.is_alive(), "a telemetry client still waits for an answer")
        with open(gw.log) as f:
            log = f.read()
        self.assertNotRegex(log, r"AddressSanitizer|runtime error|LeakSanitizer", log)


if __name__ == "__main__":
    unittest.main(verbosity=2)
