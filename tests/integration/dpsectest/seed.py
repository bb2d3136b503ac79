"""The seeds' scenario as a live network in four namespaces, with a real peer:

   ns h1 (host1)         ns gwa (gwA)                         ns gwb (gwB)            ns h2 (host2)
   h1-a 198.51.100.10 -- gwa-in 198.51.100.1                   gwb-in 203.0.113.1 -- h2-b 203.0.113.10
                         gwa-out 192.0.2.1 ==== IKEv2/ESP ==== gwb-out 192.0.2.2

gwA is charon with kernel-libipsec (strongswan.py: ESP in UDP 4500, because
charon fakes a NAT), or a second dpsecd (gwa_kind="dpsecd": a dpsec-dpsec pair,
where no NAT is seen, so the CHILD_SAs are plain ESP, IP protocol 50); gwB is
dpsecd on net_af_packet ports bound to gwb-out and gwb-in (no kernel addresses
there: dpsecd answers ARP itself; seed_dpsecd.py), or a second charon
(gwb_kind="charon") so that the harness itself can be checked against two
known implementations. host1 sends a one-way UDP stream to host2 (the
seeds' traffic); host2 records when each datagram arrived, so an outage is
measured from the arrivals, not guessed from a timeout.

Only documentation ranges (RFC 5737); the namespaces, directories and DPDK
runtime directory are removed again whatever happens (leftovers.py).
"""
import atexit
import os
import signal
import subprocess
import sys
import time

from . import leftovers
from .seed_addrs import H1, GWA_IN, GWA_OUT, GWB_OUT, GWB_IN, H2, NET1, NET2, PSK, PORT
from .seed_dpsecd import DpsecdGw
from .strongswan import Charon

__all__ = ["H1", "GWA_IN", "GWA_OUT", "GWB_OUT", "GWB_IN", "H2", "NET1", "NET2", "PSK", "PORT",
           "SeedNet", "Stream", "DpsecdGw", "swanctl_conf", "gwa_swanctl", "gwb_charon_swanctl"]

# host1's sender: one datagram "seq sent-at" every interval seconds, forever.
SENDER = r"""
import socket, sys, time
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
dst, interval, seq = (sys.argv[1], int(sys.argv[2])), float(sys.argv[3]), 0
nxt = time.monotonic()
while True:
    seq += 1
    s.sendto(b"%d %.6f" % (seq, time.monotonic()), dst)
    nxt += interval
    time.sleep(max(0.0, nxt - time.monotonic()))
"""

# host2's receiver: "seq received-at" per datagram, one line each, flushed.
RECEIVER = r"""
import socket, sys, time
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("0.0.0.0", int(sys.argv[1])))
out = open(sys.argv[2], "w", buffering=1)
while True:
    data = s.recv(2048)
    out.write("%s %.6f\n" % (data.split()[0].decode(), time.monotonic()))
"""


def sh(*args, ns=None, check=True):
    cmd = (["ip", "netns", "exec", ns] if ns else []) + list(args)
    r = subprocess.run(cmd, capture_output=True, text=True)
    if check and r.returncode != 0:
        raise RuntimeError("%s: %s%s" % (" ".join(cmd), r.stdout, r.stderr))
    return r.stdout


def swanctl_conf(name, local, remote, local_ts, remote_ts, start=True, dpd_delay=0,
                 proposals="aes256gcm16-prfsha384-ecp256", esp_proposals="aes256gcm16",
                 psk=PSK, child_rekey=0, ike_rekey=0, fragmentation=None, more_ts=(),
                 encap=False):
    """One charon's connection NAME to its peer, PSK-authenticated by address; child_rekey /
    ike_rekey: rekey the CHILD_SA / IKE SA every that many seconds (0: charon's default);
    fragmentation: the connection's RFC 7383 setting (yes, accept, force, no; None: charon's
    default, yes); more_ts: more (local, remote) subnet pairs in the CHILD_SA's selectors;
    encap: force UDP encapsulation (kernel-libipsec fakes a NAT for it anyway)."""
    dpd = "  dpd_delay = %ds\n" % dpd_delay if dpd_delay else ""
    if fragmentation:
        dpd += "  fragmentation = %s\n" % fragmentation
    if encap:
        dpd += "  encap = yes\n"
    local_ts = ", ".join([local_ts] + [a for a, _ in more_ts])
    remote_ts = ", ".join([remote_ts] + [b for _, b in more_ts])
    if ike_rekey:
        # over_time: without it the old IKE SA's hard lifetime (rekey_time + 10 %) races
        # the rekey and charon moves that DELETE onto the new IKE SA
        dpd += "  rekey_time = %ds\n  over_time = 600s\n  rand_time = 0s\n" % ike_rekey
    child_extra = "    rekey_time = %ds\n    rand_time = 0s\n" % child_rekey if child_rekey else ""
    return f"""connections {{
 {name} {{
  version = 2
  local_addrs = {local}
  remote_addrs = {remote}
  mobike = no
  proposals = {proposals}
{dpd}  local {{
   auth = psk
   id = {local}
  }}
  remote {{
   auth = psk
   id = {remote}
  }}
  children {{
   net {{
    local_ts = {local_ts}
    remote_ts = {remote_ts}
    esp_proposals = {esp_proposals}
{child_extra}    start_action = {"start" if start else "none"}
    dpd_action = restart
   }}
  }}
 }}
}}
secrets {{
 ike-{name} {{
  id-a = {local}
  id-b = {remote}
  secret = "{psk}"
 }}
}}
"""


def gwa_swanctl(**kw):
    """gwA: the tunnel to gwB, brought up by gwA (start_action), DPD off unless asked."""
    return swanctl_conf("gwB", GWA_OUT, GWB_OUT, NET1, NET2, **kw)


def gwb_charon_swanctl():
    """gwB as a second charon: the responder side, never initiating (the seeds' router B)."""
    return swanctl_conf("gwA", GWB_OUT, GWA_OUT, NET2, NET1, start=False)


class Stream:
    """host1 -> host2 UDP datagrams every interval s (reverse: host2 -> host1); arrivals read
    from the receiver's file."""

    def __init__(self, net, interval=0.05, reverse=False):
        self.net = net
        self.interval = interval
        self.src, self.dst, self.dst_ip = ("h2", "h1", H1) if reverse else ("h1", "h2", H2)
        self.path = os.path.join(net.dir, "arrivals-%s.txt" % self.dst)
        self.rx = self.tx = None

    def start(self):
        self.rx = subprocess.Popen(["ip", "netns", "exec", self.net.ns[self.dst],
                                    "/usr/bin/python3", "-c", RECEIVER, str(PORT), self.path],
                                   start_new_session=True)
        guard = time.monotonic() + 10
        while not os.path.exists(self.path) and time.monotonic() < guard:
            time.sleep(0.02)
        self.tx = subprocess.Popen(["ip", "netns", "exec", self.net.ns[self.src],
                                    "/usr/bin/python3", "-c", SENDER, self.dst_ip, str(PORT),
                                    str(self.interval)],
                                   start_new_session=True)

    def arrivals(self):
        """[(seq, monotonic time)] in arrival order."""
        try:
            with open(self.path) as f:
                return [(int(a), float(b)) for a, b in
                        (line.split() for line in f if line.count(" ") == 1)]
        except FileNotFoundError:
            return []

    def missing(self, after):
        """Datagrams sent after monotonic time `after` that never arrived: the sequence
        numbers between the first and the last arrival after it that are not there (what
        the sender sent after the last arrival is in flight, not lost)."""
        seqs = sorted(seq for seq, at in self.arrivals() if at > after)
        if not seqs:
            return None
        return sorted(set(range(seqs[0], seqs[-1] + 1)) - set(seqs))

    def last_arrival(self):
        a = self.arrivals()
        return a[-1][1] if a else None

    def wait_arrival_after(self, t, guard):
        """The time of the first arrival after monotonic time t, or None at the guard."""
        end = time.monotonic() + guard
        while time.monotonic() < end:
            later = [at for _, at in self.arrivals() if at > t]
            if later:
                return later[0]
            time.sleep(0.05)
        return None

    def stop(self):
        for p in (self.tx, self.rx):
            if p is not None and p.poll() is None:
                os.killpg(p.pid, signal.SIGKILL)
                p.wait()
        self.tx = self.rx = None


class SeedNet:
    """The four namespaces and their links. gwB is dpsecd (self.gwb, a DpsecdGw; no kernel
    addresses) or a charon (gwb_kind="charon": self.gwb_charon); gwA is a charon (self.gwa)
    or a second dpsecd (gwa_kind="dpsecd": self.gwa is then a DpsecdGw). start_dpsecd, cli,
    ... are gwB's dpsecd's."""

    def __init__(self, gwb_kind="dpsecd", gwa_kind="charon"):
        leftovers.sweep_once()
        self.kind = gwb_kind
        self.gwa_kind = gwa_kind
        self.ns = {n: leftovers.NETNS_PREFIX + n for n in ("h1", "gwa", "gwb", "h2")}
        self.dir = leftovers.mkdtemp("seed")
        self.gwa = Charon(self.ns["gwa"], self.dir, "gwa") if gwa_kind == "charon" \
            else DpsecdGw(self, "gwa")
        self.gwb_charon = Charon(self.ns["gwb"], self.dir, "gwb") if gwb_kind == "charon" \
            else None
        self.gwb = DpsecdGw(self, "gwb") if gwb_kind == "dpsecd" else None
        self.sock = os.path.join(self.dir, "dpsecd.sock")
        self.dpsecd_log = os.path.join(self.dir, "dpsecd.log")
        self.stream = Stream(self)
        self.back = Stream(self, reverse=True)     # host2 -> host1: gwB encrypts
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

    def _veth(self, a, a_dev, b, b_dev):
        sh("ip", "link", "add", a_dev, "netns", self.ns[a], "type", "veth", "peer", "name", b_dev,
           "netns", self.ns[b])
        for ns, dev in ((a, a_dev), (b, b_dev)):
            sh("sysctl", "-qw", "net.ipv6.conf.%s.disable_ipv6=1" % dev, ns=self.ns[ns])
            # A veth leaves UDP/TCP checksums to an offload that never happens when the
            # frame is read by a packet socket (dpsecd's net_af_packet): compute them.
            sh("ethtool", "-K", dev, "tx", "off", ns=self.ns[ns])
            sh("ip", "link", "set", dev, "up", ns=self.ns[ns])

    def _build(self):
        for n in self.ns.values():
            sh("ip", "netns", "add", n)
            sh("ip", "link", "set", "lo", "up", ns=n)
        self._veth("h1", "h1-a", "gwa", "gwa-in")
        self._veth("gwa", "gwa-out", "gwb", "gwb-out")
        self._veth("gwb", "gwb-in", "h2", "h2-b")
        addrs = [("h1", H1, "h1-a"), ("h2", H2, "h2-b")]
        # a charon gateway routes through the kernel; a dpsecd one owns its veths
        if self.gwa_kind == "charon":
            addrs += [("gwa", GWA_IN, "gwa-in"), ("gwa", GWA_OUT, "gwa-out")]
            sh("sysctl", "-qw", "net.ipv4.ip_forward=1", ns=self.ns["gwa"])
        if self.kind == "charon":
            addrs += [("gwb", GWB_OUT, "gwb-out"), ("gwb", GWB_IN, "gwb-in")]
            sh("sysctl", "-qw", "net.ipv4.ip_forward=1", ns=self.ns["gwb"])
        for ns, addr, dev in addrs:
            sh("ip", "addr", "add", addr + "/24", "dev", dev, ns=self.ns[ns])
        sh("ip", "route", "add", "default", "via", GWA_IN, ns=self.ns["h1"])
        sh("ip", "route", "add", "default", "via", GWB_IN, ns=self.ns["h2"])

    def mac(self, ns, dev):
        return sh("cat", "/sys/class/net/%s/address" % dev, ns=self.ns[ns]).strip()

    # ---- gwB as dpsecd (seed_dpsecd.DpsecdGw; kept as SeedNet methods for the callers) ----

    @property
    def dpsecd(self):
        return self.gwb.proc if self.gwb is not None else None

    def dpsecd_config(self, **cfg):
        return self.gwb.config(**cfg)

    def start_dpsecd(self, **cfg):
        self.gwb.start(**cfg)

    def stop_dpsecd(self, sig=signal.SIGTERM):
        """Stop gwB's dpsecd (SIGKILL: lose every SA at once, no DELETE sent)."""
        return self.gwb.stop(sig) if self.gwb is not None else None

    def dpsecd_text(self):
        return self.gwb.text() if self.gwb is not None else ""

    def cli(self, command, json=False, timeout=10):
        return self.gwb.cli(command, json=json, timeout=timeout)

    # ---- teardown ----

    def close(self):
        """Everything stopped and removed. Idempotent."""
        self.stream.stop()
        self.back.stop()
        for gw in (self.gwb, self.gwa):
            if isinstance(gw, DpsecdGw):
                gw.stop(signal.SIGKILL)
        for c in (self.gwa, self.gwb_charon):
            if isinstance(c, Charon):
                c.stop()
        for n in self.ns.values():
            sh("ip", "netns", "del", n, check=False)
        leftovers.remove_dir(self.dir)


def main():
    """Self-check with two charons: the stream flows, a SIGKILLed gwB leaves a black hole."""
    with SeedNet(gwb_kind="charon") as net:
        net.gwb_charon.start(gwb_charon_swanctl())
        net.gwa.start(gwa_swanctl())
        net.stream.start()
        t = time.monotonic()
        first = net.stream.wait_arrival_after(t, guard=20)
        print("stream flowing %.2f s after start" % ((first or t) - t) if first else
              "no arrival in 20 s")
        return 0 if first else 1


if __name__ == "__main__":
    sys.exit(main())
