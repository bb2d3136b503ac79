#!/usr/bin/python3
"""dpsecd as a process on the machine: what it refuses, what it leaves alone, how it stops.

   dpsecd -c gw.yaml --> [ outside0  dpsecd  inside0 ]   (net_pcap, as in test_drops)
                              |        |
          CLI socket <dir>/dpsecd.sock  +-- DPDK telemetry <runtime dir>/dpdk_telemetry.v2
          instance lock <dir>/dpsecd.sock.lock

- the CLI socket path: a file that is no socket survives a refused start; a second dpsecd on
  the same socket exits before DPDK and leaves the first one's socket working; a dead
  daemon's socket is replaced;
- one writer per SA without refusing anything: two outside interfaces sharing an address
  run on one worker and on different workers (the SA's owner takes its packets from both:
  test_multicore.py);
- manual AES-GCM SAs: refused without allow_unsafe_manual_gcm (file:line:col, RFC 4106 s. 8);
  with it, a warning on stderr, in the log and under the SA in show crypto ipsec sa;
- IPv6 crypto map entries (configuration only, issue 10): an entry whose peer is IPv6, or
  whose match lines are, runs without SAs and shows in show crypto map and show
  running-config; its manual SAs are refused at start by name, as the dataplane has no
  IPv6 path yet (dp_sa_add: -EAFNOSUPPORT);
- secrets: dpsecd is not dumpable (no core dump, no ptrace by its own user); a config file
  that holds keys and that others may read gets a warning on stderr and in the log;
- who may change the gateway: a CLI client that is not root and not in cli.admin_group can
  show but not clear (IOS privilege level 1: "% Invalid input"), and the attempt is logged;
  a member of cli.admin_group can; every change is logged with who made it;
- shutdown under load: SIGINT while clients query DPDK's telemetry socket without pause ends
  in a clean exit (in the ASan build: with no use after free; the callbacks answer null once
  the daemon stopped serving).
"""
import json
import os
import re
import select
import signal
import socket
import stat
import subprocess
import sys
import threading
import time
import unittest

sys.path.insert(0, os.path.dirname(__file__))
from dpsectest.gateway import DPSEC, Gateway, Interface, LOCAL, PEER_MAC, HOST_MAC, INSIDE  # noqa: E402,E501
from dpsectest.gateway import Entry, default_interfaces  # noqa: E402


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


class SaOwner(unittest.TestCase):
    @staticmethod
    def shared_address(lcores):
        gw = Gateway(transforms=["esp-gcm 128"], manual_sas=GCM_SAS, interfaces=[
            Interface("inside0", "inside", INSIDE + "/24", next_hop_mac=HOST_MAC),
            Interface("outside0", "outside", LOCAL + "/24", crypto_map="VPN",
                      next_hop_mac=PEER_MAC),
            Interface("outside1", "outside", LOCAL + "/24", next_hop_mac=PEER_MAC)])
        gw.eal_lcores = ["--lcores", lcores]
        return gw

    def test_shared_address_on_three_workers_runs(self):
        # outside0 on worker 1, outside1 on worker 2: once refused (two writers of one replay
        # window), now each inbound SA has its owner, whichever port its packets come in on
        gw = self.shared_address("0@0,1@0,2@0,3@0")
        gw.tx_queues = 3        # net_pcap: one tx_pcap per TX queue, one queue per worker
        gw.start()
        try:
            self.assertIn("uptime is", gw.cli("show version"))
        finally:
            gw.stop()

    def test_shared_address_on_one_worker_runs(self):
        gw = self.shared_address("0@0,1@0").start()
        try:
            self.assertIn("uptime is", gw.cli("show version"))
        finally:
            gw.stop()


GCM_SAS = [{"direction": "inbound", "spi": 0x1001, "cipher_key": bytes(range(20))},
           {"direction": "outbound", "spi": 0x2001, "cipher_key": bytes(range(20, 40))}]


class ManualGcm(unittest.TestCase):
    def test_refused_without_opt_in(self):
        gw = Gateway(transforms=["esp-gcm 128"], manual_sas=GCM_SAS)
        gw.entries[0].gcm_opt_in = False
        rc, out = gw.run_to_exit()
        self.assertEqual(rc, 1, out)
        line = gw.config_text().splitlines().index("manual_sas:") + 2
        self.assertEqual(out, "dpsecd: %s/gw.yaml:%d:5: manual SA spi 0x1001 uses esp-gcm 128: "
                         "with a manual key the sequence numbers, which are the GCM nonces, "
                         "start at 1 again each time dpsecd starts, and a repeated nonce breaks "
                         "AES-GCM (RFC 4106 section 8: automated keying only); for a test setup, "
                         "add 'allow_unsafe_manual_gcm: true' to this SA\n" % (gw.dir, line))

    def test_warned_with_opt_in(self):
        gw = Gateway(transforms=["esp-gcm 128"], manual_sas=GCM_SAS).start()
        try:
            log, sa = gw.cli("show logging"), gw.cli("show crypto ipsec sa")
        finally:
            gw.stop()
        warning = ("manual SA spi 0x%X (crypto map VPN 10, %s) uses esp-gcm 128 with a static "
                   "key: its nonces repeat after every restart (RFC 4106 section 8); "
                   "allow_unsafe_manual_gcm is set, for testing only")
        with open(gw.log) as f:
            out = f.read()
        for spi, d in ((0x1001, "inbound"), (0x2001, "outbound")):
            self.assertIn("dpsecd: warning: " + warning % (spi, d) + "\n", out)
            self.assertIn("%CRYPTO-4-UNSAFE_MANUAL_GCM: " + warning % (spi, d) + "\n", log)
        self.assertEqual(sa.count("        WARNING: manual AES-GCM key: nonces repeat after a "
                                  "restart (RFC 4106 section 8); for testing only\n"), 2, sa)


CBC = ["esp-aes 128", "esp-sha256-hmac"]
V6_LINES = [("2001:db8:2::/48", "2001:db8:1::/48")]
PEER6 = "2001:db8::1"


def ipv6_gateway(entry6):
    """outside0 with an IPv6 address too, the IPv4 entry VPN 10 keyed by hand, and entry6."""
    ifs = default_interfaces()
    ifs[0].address6 = "2001:db8::2/64"
    ifs[0].neighbors.append(("2001:DB8::1", PEER_MAC))    # the peer, by its IPv6 address
    return Gateway(interfaces=ifs, entries=[
        Entry(10, [("10.0.2.0/24", "10.0.0.0/24")], CBC, CBC_SAS), entry6])


def sas_of(spi_offset):
    return [dict(sa, spi=sa["spi"] + spi_offset) for sa in CBC_SAS]


def dotted(mac):
    """02:00:00:00:00:01 as IOS writes it: 0200.0000.0001."""
    h = mac.replace(":", "")
    return "%s.%s.%s" % (h[0:4], h[4:8], h[8:12])


class Ipv6Entries(unittest.TestCase):
    def test_udp_sa_with_ipv6_peer_installed(self):
        """ESP-in-UDP (RFC 3948) to an IPv6 peer installs (issue 10)."""
        gw = ipv6_gateway(Entry(20, V6_LINES, CBC, [
            dict(sa, udp_encap=True) for sa in sas_of(0x10)], peer=PEER6)).start()
        try:
            sa = gw.cli("show crypto ipsec sa")
        finally:
            gw.close()
        self.assertIn("current outbound spi: 0x2011", sa)
        self.assertIn("Tunnel UDP-Encaps", sa)

    def test_ah_sa_with_ipv6_peer_installed(self):
        """AH over IPv6 (RFC 4302 3.3.3.1.2.1): AH manual SAs to an IPv6 peer install."""
        gw = ipv6_gateway(Entry(20, V6_LINES, ["ah-sha256-hmac"], [
            {"direction": d, "spi": spi, "cipher_key": b"", "auth_key": bytes(range(32)),
             "udp_encap": False}
            for d, spi in (("inbound", 0x1011), ("outbound", 0x2011))], peer=PEER6)).start()
        try:
            sa = gw.cli("show crypto ipsec sa")
        finally:
            gw.close()
        self.assertIn("current outbound spi: 0x2011", sa)

    def test_esp_sa_with_ipv6_peer_installed(self):
        """An IPv6 tunnel (issue 10 item 2): ESP manual SAs to an IPv6 peer install."""
        gw = ipv6_gateway(Entry(20, V6_LINES, CBC, sas_of(0x10), peer=PEER6)).start()
        try:
            sa = gw.cli("show crypto ipsec sa")
        finally:
            gw.stop()
        for spi in (0x1011, 0x2011):
            self.assertIn("spi: 0x%X(%d)" % (spi, spi), sa)
        # 1500 - 40 (IPv6) - 8 (ESP) - 16 (IV) - 16 (ICV) = 1420, down to 16 bytes, less 2
        self.assertIn("   current_peer 2001:db8::1 port 500\n", sa)
        self.assertIn("     local crypto endpt.: 2001:db8::2, remote crypto endpt.: 2001:db8::1\n"
                      "     plaintext mtu 1406, path mtu 1500,", sa)

    def test_manual_sa_with_ipv6_lines_installed(self):
        """IPv6 inside an IPv4 tunnel is carried (issue 10 item 2): its manual SAs install."""
        gw = ipv6_gateway(Entry(20, V6_LINES, CBC, sas_of(0x10))).start()
        try:
            sa = gw.cli("show crypto ipsec sa")
        finally:
            gw.stop()
        for spi in (0x1011, 0x2011):
            self.assertIn("spi: 0x%X(%d)" % (spi, spi), sa)
        self.assertIn("   local  ident (addr/prefixlen/prot/port): (2001:db8:2::/48/0/0)\n"
                      "   remote ident (addr/prefixlen/prot/port): (2001:db8:1::/48/0/0)\n", sa)

    def test_ipv6_entry_without_sas_runs_and_shows(self):
        gw = ipv6_gateway(Entry(20, V6_LINES + [("2001:db8:2::/48", "::/0", "deny")], CBC,
                                peer="2001:DB8:0::1")).start()
        try:
            cmap, run = gw.cli("show crypto map"), gw.cli("show running-config")
            nd = gw.cli("show ipv6 neighbors")
        finally:
            gw.stop()
        self.assertEqual(nd, "IPv6 Address                              Age Link-layer Addr "
                         "State Interface\n"
                         "2001:db8::1                                 - %s  REACH outside0\n"
                         % dotted(PEER_MAC), nd)
        self.assertIn('Crypto Map IPv4 "VPN" 10 ipsec-manual\n', cmap)
        self.assertIn('Crypto Map IPv6 "VPN" 20 ipsec-isakmp\n'
                      "        Peer = 2001:db8::1\n"
                      "        Access-List SS dynamic: False\n"
                      "        IPv6 access list VPN-20\n"
                      "            permit ipv6 2001:db8:2::/48 2001:db8:1::/48 sequence 10\n"
                      "            deny ipv6 2001:db8:2::/48 any sequence 20\n"
                      "        Current peer: 2001:db8::1\n", cmap)
        self.assertIn('    - seq: 20\n      peer: "2001:db8::1"\n', run)
        self.assertIn('        - {src: "2001:db8:2::/48", dst: "2001:db8:1::/48"}\n'
                      '        - {action: deny, src: "2001:db8:2::/48", dst: "::/0"}\n', run)
        self.assertIn('    address6: "2001:db8::2/64"\n', run)


NOGROUP = 65534


def proc_gid(pid):
    """The group of /proc/PID/status: the process's egid, or 0 (root) if it is not dumpable
    (the kernel's task_dump_owner)."""
    return os.stat("/proc/%d/status" % pid).st_gid


class Secrets(unittest.TestCase):
    def test_not_dumpable(self):
        """Run as root with egid nogroup: /proc/PID/status is root's only if not dumpable."""
        control = subprocess.Popen(["setpriv", "--regid=%d" % NOGROUP, "--clear-groups",
                                    "sleep", "60"])
        try:
            wait_for(lambda: proc_gid(control.pid) == NOGROUP, 10, "setpriv to exec sleep")
        finally:
            control.kill()
            control.wait()
        gw = gateway(manual_sas=CBC_SAS)
        gw.wrapper = ["setpriv", "--regid=%d" % NOGROUP, "--clear-groups"]
        gw.start()
        try:
            self.assertEqual(proc_gid(gw.proc.pid), 0, "dpsecd is dumpable")
        finally:
            gw.stop()

    def test_config_mode_warning(self):
        gw = gateway(manual_sas=CBC_SAS)
        path = os.path.join(gw.dir, "gw.yaml")
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT, 0o600))
        os.chmod(path, 0o644)       # write_config keeps the mode of an existing file
        gw.start()
        try:
            warning = ("%s holds keys and its group and others can read it (mode 0644): "
                       "chmod 600 it" % path)
            self.assertIn("%DPSEC-4-CONFIG_EXPOSED: " + warning, gw.cli("show logging"))
        finally:
            gw.stop()
        with open(gw.log) as f:
            self.assertIn("dpsecd: warning: " + warning + "\n", f.read())

    def test_no_warning_for_a_private_config(self):
        gw = gateway(manual_sas=CBC_SAS).start()     # gw.yaml is 0600
        try:
            self.assertNotIn("CONFIG_EXPOSED", gw.cli("show logging"))
        finally:
            gw.stop()
        with open(gw.log) as f:
            self.assertNotIn("warning", f.read())


ADM = 4         # Debian's group "adm": cli.admin_group here


class CliPrivilege(unittest.TestCase):
    """dpsec run as nobody (uid and gid 65534), dpsecd as root. cli.group nogroup lets nobody
    connect; cli.admin_group adm makes members of adm privileged."""

    @classmethod
    def setUpClass(cls):
        gw = cls.gw = gateway(manual_sas=CBC_SAS)
        gw.cli_yaml = "  group: nogroup\n  admin_group: adm\n"
        os.chmod(gw.dir, 0o711)     # nobody may reach the socket in it, nothing else
        gw.start()

    @classmethod
    def tearDownClass(cls):
        cls.gw.stop()

    def dpsec(self, command, groups=None):
        """(exit code, stdout) of one `dpsec` command run as nobody, optionally in groups."""
        ids = ["--reuid=65534", "--regid=65534"]
        ids += ["--groups=%s" % ",".join(map(str, groups))] if groups else ["--clear-groups"]
        r = subprocess.run(["setpriv"] + ids + [DPSEC, "-s", self.gw.sock] + command.split(),
                           capture_output=True, text=True, timeout=10)
        return r.returncode, r.stdout + r.stderr

    def sas(self):
        return re.findall(r"^      spi: 0x([0-9A-F]+)\(", self.gw.cli("show crypto ipsec sa"),
                          re.M)

    def test_1_unprivileged_shows_but_cannot_clear(self):
        rc, out = self.dpsec("show crypto ipsec sa")
        self.assertEqual(rc, 0, out)
        self.assertIn("spi: 0x1001(4097)", out)
        rc, out = self.dpsec("clear crypto sa")
        self.assertNotEqual(rc, 0)
        self.assertEqual(out, "clear crypto sa\n^\n% Invalid input detected at '^' marker.\n\n")
        rc, out = self.dpsec("debug crypto ipsec")
        self.assertNotEqual(rc, 0)
        self.assertEqual(sorted(self.sas()), ["1001", "2001"], "nothing was cleared")
        self.assertEqual(self.gw.cli("show debugging"), "")
        log = self.gw.cli("show logging")
        self.assertIn("%DPSEC-4-CLI_DENIED: User:nobody  denied command:clear crypto sa "
                      "(privilege level 1, the command needs 15)\n", log)
        self.assertIn("%DPSEC-4-CLI_DENIED: User:nobody  denied command:debug crypto ipsec "
                      "(privilege level 1, the command needs 15)\n", log)

    def test_2_admin_group_member_clears(self):
        rc, out = self.dpsec("clear crypto sa spi 4097", groups=[ADM])
        self.assertEqual(rc, 0, out)
        self.assertEqual(self.sas(), ["2001"])
        self.assertIn("%PARSER-5-CFGLOG_LOGGEDCMD: User:nobody  logged command:clear crypto sa "
                      "spi 4097\n", self.gw.cli("show logging"))

    def test_3_root_is_logged_by_name(self):
        self.gw.cli("debug crypto ipsec")
        self.gw.cli("no debug all")
        log = self.gw.cli("show logging")
        self.assertIn("%PARSER-5-CFGLOG_LOGGEDCMD: User:root  logged command:debug crypto "
                      "ipsec\n", log)
        self.assertIn("%PARSER-5-CFGLOG_LOGGEDCMD: User:root  logged command:no debug all\n",
                      log)

    @staticmethod
    def on_terminal(argv, typed):
        """What an interactive `dpsec` prints on a terminal (a pty) for the typed lines."""
        master, slave = os.openpty()
        p = subprocess.Popen(argv, stdin=slave, stdout=slave, stderr=slave)
        os.close(slave)
        os.write(master, typed.encode())
        out = b""
        while select.select([master], [], [], 10)[0]:
            try:
                data = os.read(master, 4096)
            except OSError:         # EIO: dpsec has exited and closed the terminal
                break
            if not data:
                break
            out += data
        os.close(master)
        p.wait(10)
        return out.decode(errors="replace")

    def test_4_prompt_says_the_level(self):
        """Interactive dpsec: "gwB>" for level 1, "gwB#" for level 15, as IOS."""
        out = self.on_terminal(["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups",
                                DPSEC, "-s", self.gw.sock], "show version\nexit\n")
        self.assertIn("gwB>show version", out)
        self.assertNotIn("gwB#", out)
        out = self.on_terminal([DPSEC, "-s", self.gw.sock], "show version\nexit\n")
        self.assertIn("gwB#show version", out)


class Shutdown(unittest.TestCase):
    CMDS = ["/dpsec/drops", "/dpsec/global_drops", "/dpsec/sa/list", "/dpsec/sa/info,1",
            "/dpsec/invalid_spi", "/dpsec/punt", "/dpsec/ip_traffic", "/dpsec/ike/sa",
            "/dpsec/workers"]

    def registered(self, path):
        """The /dpsec/ commands the daemon registered (DPDK lists every command under "/")."""
        s = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        try:
            s.settimeout(30)
            s.connect(path)
            s.recv(4096)
            s.send(b"/")
            cmds = json.loads(s.recv(65536))["/"]
        finally:
            s.close()
        return sorted(c for c in cmds if c.startswith("/dpsec/"))

    def hammer(self, path, n, i):
        """Ask without pause until the daemon is gone; n[i] counts the answers."""
        s = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        try:
            s.connect(path)     # blocking: DPDK listens with a backlog of 1
            s.settimeout(30)
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
            # every command is hammered: one registered and missing from CMDS fails here
            self.assertEqual(self.registered(path), sorted(c.split(",")[0] for c in self.CMDS))
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


class InfiniteRxInterface(Interface):
    """An interface on net_pcap with infinite_rx: the PMD copies every frame of its file into
    mbufs of the packet pool when its RX queue is set up."""

    def yaml(self, rx, tx, index):
        return super().yaml(rx, tx, index).replace(",tx_pcap=", ",infinite_rx=1,tx_pcap=")


class PoolTooSmall(unittest.TestCase):
    def test_infinite_rx_pcap_larger_than_the_pool_says_so(self):
        """8,192 frames replayed with infinite_rx need more than the default 8,191 mbufs:
        the error names the RX queue and the pool, not only 'cannot configure'."""
        from scapy.data import DLT_EN10MB
        from scapy.utils import PcapWriter
        gw = gateway(manual_sas=CBC_SAS, interfaces=[
            InfiniteRxInterface("outside0", "outside", LOCAL + "/24", crypto_map="VPN",
                                next_hop_mac=PEER_MAC),
            Interface("inside0", "inside", INSIDE + "/24", next_hop_mac=HOST_MAC)])
        try:
            w = PcapWriter(gw.paths["outside0-rx"], linktype=DLT_EN10MB)
            w.write_header(None)
            frame = bytes(60)
            for _ in range(8192):
                w.write(frame)
            w.close()
            rc, out = gw.run_to_exit()
            self.assertEqual(rc, 1, out)
            self.assertRegex(out, r"interface outside0: cannot set up its RX queue: .* \(1024 RX "
                             r"descriptors; the packet pool, dataplane.mbufs = 8191, shared by "
                             r"all ports, had \d+ free: net_pcap with infinite_rx needs one "
                             r"per frame of its file\)")
        finally:
            gw.close()


if __name__ == "__main__":
    unittest.main(verbosity=2)
