"""A live topology in network namespaces, for tests that need time to pass
and real peers (the kernel's ARP and ping, scapy sending when it wants):

   ns gwa (peer gateway)           ns gwb (dpsecd)                    ns h2 (host)
   gwa-out 192.0.2.1/24 ---veth--- gwb-out      gwb-in ---veth--- h2-in 198.51.100.2/24
                                   outside0     inside0                 via 198.51.100.1
                                   192.0.2.2    198.51.100.1

dpsecd runs in ns gwb on net_af_packet ports bound to gwb-out and gwb-in
(the kernel there has no addresses on them: dpsecd answers ARP and ping
itself). Only documentation ranges are used (RFC 5737); every namespace this
module creates is deleted again, even when a test fails, with the directory and
DPDK runtime directory of the run; what a killed run left, the next one sweeps
(leftovers.py).
"""
import atexit
import ctypes
import os
import signal
import socket
import subprocess
import time

from . import leftovers
from .gateway import DPSEC, DPSECD

GWA_OUT, GWB_OUT = "192.0.2.1", "192.0.2.2"
GWB_IN, H2_IN = "198.51.100.1", "198.51.100.2"
# with Topology(ipv6=True): IPv6 on both links (RFC 3849), dpsecd's as address6
GWA_OUT6, GWB_OUT6 = "2001:db8:0:1::1", "2001:db8:0:1::2"
GWB_IN6, H2_IN6 = "2001:db8:0:2::1", "2001:db8:0:2::2"
REMOTE_NET = "203.0.113.0/24"   # what gwA protects
PREFIX = leftovers.NETNS_PREFIX     # dpsec<pid>-


def sh(*args, check=True, ns=None, **kw):
    cmd = (["ip", "netns", "exec", ns] if ns else []) + list(args)
    return subprocess.run(cmd, check=check, capture_output=True, text=True, **kw)


_libc = ctypes.CDLL(None, use_errno=True)
CLONE_NEWNET = 0x40000000
ETH_P_ALL = 0x0003


def _setns(fd):
    if _libc.setns(fd, CLONE_NEWNET) != 0:
        err = ctypes.get_errno()
        raise OSError(err, "setns: " + os.strerror(err))


def packet_socket(ns, dev, proto=0):
    """A raw packet socket bound to dev in network namespace ns, receiving frames of the
    ethertype proto (0: none, a socket to send with; ETH_P_ALL: all, both ways). A socket
    stays in the namespace it was made in: this thread enters ns (setns(2)) to make and bind
    it and goes back to its own namespace before returning, also on error."""
    own = os.open("/proc/thread-self/ns/net", os.O_RDONLY)
    target = None
    try:
        target = os.open(os.path.join("/var/run/netns", ns), os.O_RDONLY)
        _setns(target)
        try:
            s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(proto))
            try:
                s.bind((dev, proto))
            except OSError:
                s.close()
                raise
        finally:
            _setns(own)
    finally:
        os.close(own)
        if target is not None:
            os.close(target)
    return s


class Topology:
    def __init__(self, ipv6=False, inside_yaml=""):
        self.ipv6 = ipv6
        self.inside_yaml = inside_yaml     # more keys of inside0, each line indented 4
        self.ns = {n: PREFIX + n for n in ("gwa", "gwb", "h2")}
        self.dir = leftovers.mkdtemp("ns")
        self.sock = os.path.join(self.dir, "dpsecd.sock")
        self.proc = None
        self.log = None
        self._sockets = {}      # (ns, dev): packet socket (send)
        atexit.register(self.close)

    def __enter__(self):
        try:
            self._build()
        except Exception:
            self.close()
            raise
        return self

    def __exit__(self, *exc):
        self.close()

    def _build(self):
        for n in self.ns.values():
            sh("ip", "netns", "add", n)
            sh("ip", "link", "set", "lo", "up", ns=n)
        gwa, gwb, h2 = self.ns["gwa"], self.ns["gwb"], self.ns["h2"]
        sh("ip", "link", "add", "gwa-out", "netns", gwa, "type", "veth", "peer", "name",
           "gwb-out", "netns", gwb)
        sh("ip", "link", "add", "gwb-in", "netns", gwb, "type", "veth", "peer", "name", "h2-in",
           "netns", h2)
        for ns, dev in ((gwa, "gwa-out"), (gwb, "gwb-out"), (gwb, "gwb-in"), (h2, "h2-in")):
            # no IPv6 chatter (router solicitations, DAD) on the test links, but on the
            # peers' ends when the test is about IPv6
            v6 = self.ipv6 and ns != gwb
            sh("sysctl", "-qw", "net.ipv6.conf.%s.disable_ipv6=%d" % (dev, 0 if v6 else 1),
               ns=ns)
            sh("ip", "link", "set", dev, "up", ns=ns)
        if self.ipv6:
            sh("ip", "addr", "add", GWA_OUT6 + "/64", "dev", "gwa-out", "nodad", ns=gwa)
            sh("ip", "addr", "add", H2_IN6 + "/64", "dev", "h2-in", "nodad", ns=h2)
        sh("ip", "addr", "add", GWA_OUT + "/24", "dev", "gwa-out", ns=gwa)
        sh("ip", "addr", "add", H2_IN + "/24", "dev", "h2-in", ns=h2)
        sh("ip", "route", "add", REMOTE_NET, "via", GWB_IN, ns=h2)

    def mac(self, ns, dev):
        return sh("cat", "/sys/class/net/%s/address" % dev, ns=self.ns[ns]).stdout.strip()

    def config(self, extra_yaml=""):
        """gwB's configuration: the two af_packet ports; crypto maps etc. come from extra_yaml."""
        return f"""hostname: gwB
dataplane:
  eal: [--no-pci, --no-huge, --no-shconf, -m, "512", -l, "0-1", --file-prefix, {PREFIX}gwb,
        --log-level, "*:warning"]
cli:
  socket: {self.sock}
interfaces:
  - name: inside0
    device: "net_af_packet0,iface=gwb-in"
    address: {GWB_IN}/24
{"    address6: " + GWB_IN6 + "/64" + chr(10) if self.ipv6 else ""}    role: inside
    neighbors: [{{ip: {H2_IN}, mac: "{self.mac('h2', 'h2-in')}"}}]
{self.inside_yaml}  - name: outside0
    device: "net_af_packet1,iface=gwb-out"
    address: {GWB_OUT}/24
{"    address6: " + GWB_OUT6 + "/64" + chr(10) if self.ipv6 else ""}    role: outside
    crypto_map: VPN
    neighbors: [{{ip: {GWA_OUT}, mac: "{self.mac('gwa', 'gwa-out')}"}}]
{extra_yaml}"""

    def start(self, extra_yaml):
        cfg = os.path.join(self.dir, "gwB.yaml")
        with open(cfg, "w") as f:
            f.write(self.config(extra_yaml))
        self.log = open(os.path.join(self.dir, "dpsecd.log"), "w")
        self.proc = subprocess.Popen(["ip", "netns", "exec", self.ns["gwb"], DPSECD, "-c", cfg],
                                     stdout=self.log, stderr=subprocess.STDOUT)
        guard = time.monotonic() + 60
        while time.monotonic() < guard:
            if os.path.exists(self.sock) or self.proc.poll() is not None:
                break
            time.sleep(0.05)
        if self.proc.poll() is not None or not os.path.exists(self.sock):
            raise AssertionError("dpsecd did not start:\n" + self.logtext())

    def logtext(self):
        with open(os.path.join(self.dir, "dpsecd.log")) as f:
            return f.read()

    def cli(self, command, json=False, timeout=10):
        args = [DPSEC, "-s", self.sock] + (["--json"] if json else []) + command.split()
        r = subprocess.run(args, capture_output=True, text=True, timeout=timeout)
        if r.returncode != 0:
            raise AssertionError("dpsec %s: %s%s" % (command, r.stdout, r.stderr))
        return r.stdout

    def socket(self, ns, dev, receive=False):
        """This process's packet socket on dev in a namespace (kept until close): what it
        sends goes out of dev; with receive, it also gets every frame dev sees, both ways."""
        key = (ns, dev, receive)
        if key not in self._sockets:
            self._sockets[key] = packet_socket(self.ns[ns], dev, ETH_P_ALL if receive else 0)
        return self._sockets[key]

    def send(self, ns, dev, pkts):
        """Send Ethernet frames (scapy packets or bytes) on dev in a namespace, in order, from
        this process: no Python and scapy to start in the namespace for each call (seconds
        on a loaded machine)."""
        s = self.socket(ns, dev)
        for p in pkts:
            s.send(bytes(p))

    def stop(self):
        if self.proc is None:
            return None
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
        try:
            rc = self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            rc = self.proc.wait()
        self.proc = None
        self.log.close()
        return rc

    def close_checked(self):
        """close(), then an AssertionError with dpsecd's log if it did not exit cleanly."""
        rc = self.stop()
        log = self.logtext()
        self.close()
        if rc != 0:
            raise AssertionError("dpsecd exited %s:\n%s" % (rc, log))

    def close(self):
        """dpsecd stopped, the namespaces deleted, the directories removed. Idempotent."""
        self.stop()
        for sock in self._sockets.values():
            sock.close()
        self._sockets = {}
        for n in self.ns.values():
            sh("ip", "netns", "del", n, check=False)
        leftovers.remove_dir(self.dir)
        leftovers.remove_runtime(PREFIX + "gwb")     # dpsecd's --file-prefix
