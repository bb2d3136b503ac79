"""The seeds' scenario as a live network in four namespaces, with a real peer:

   ns h1 (host1)         ns gwa (strongSwan)                  ns gwb (gwB)            ns h2 (host2)
   h1-a 198.51.100.10 -- gwa-in 198.51.100.1                   gwb-in 203.0.113.1 -- h2-b 203.0.113.10
                         gwa-out 192.0.2.1 ==== IKEv2/ESP ==== gwb-out 192.0.2.2

gwA is charon with kernel-libipsec (strongswan.py: ESP in UDP 4500, because
charon fakes a NAT); gwB is dpsecd on net_af_packet ports bound to gwb-out and
gwb-in (no kernel addresses there: dpsecd answers ARP itself), or a second
charon (gwb_kind="charon") so that the harness itself can be checked against
two known implementations. host1 sends a one-way UDP stream to host2 (the
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
from .gateway import DPSEC, DPSECD
from .strongswan import Charon

H1, GWA_IN, GWA_OUT = "198.51.100.10", "198.51.100.1", "192.0.2.1"
GWB_OUT, GWB_IN, H2 = "192.0.2.2", "203.0.113.1", "203.0.113.10"
NET1, NET2 = "198.51.100.0/24", "203.0.113.0/24"
PSK = "DOCUMENTATION-ONLY-PSK-gwA-gwB"
PORT = 9000     # the stream's UDP port on host2

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
                 psk=PSK, child_rekey=0, ike_rekey=0):
    """One charon's connection NAME to its peer, PSK-authenticated by address; child_rekey /
    ike_rekey: rekey the CHILD_SA / IKE SA every that many seconds (0: charon's default)."""
    dpd = "  dpd_delay = %ds\n" % dpd_delay if dpd_delay else ""
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
    """The four namespaces and their links; gwB's side is dpsecd's (no kernel addresses) or a
    charon's (gwb_kind="charon")."""

    def __init__(self, gwb_kind="dpsecd"):
        leftovers.sweep_once()
        self.kind = gwb_kind
        self.ns = {n: leftovers.NETNS_PREFIX + n for n in ("h1", "gwa", "gwb", "h2")}
        self.dir = leftovers.mkdtemp("seed")
        self.sock = os.path.join(self.dir, "dpsecd.sock")
        self.gwa = Charon(self.ns["gwa"], self.dir, "gwa")
        self.gwb_charon = Charon(self.ns["gwb"], self.dir, "gwb") if gwb_kind == "charon" \
            else None
        self.dpsecd = None
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
        addrs = [("h1", H1, "h1-a"), ("gwa", GWA_IN, "gwa-in"), ("gwa", GWA_OUT, "gwa-out"),
                 ("h2", H2, "h2-b")]
        if self.kind == "charon":
            addrs += [("gwb", GWB_OUT, "gwb-out"), ("gwb", GWB_IN, "gwb-in")]
            sh("sysctl", "-qw", "net.ipv4.ip_forward=1", ns=self.ns["gwb"])
        for ns, addr, dev in addrs:
            sh("ip", "addr", "add", addr + "/24", "dev", dev, ns=self.ns[ns])
        sh("ip", "route", "add", "default", "via", GWA_IN, ns=self.ns["h1"])
        sh("ip", "route", "add", "default", "via", GWB_IN, ns=self.ns["h2"])
        sh("sysctl", "-qw", "net.ipv4.ip_forward=1", ns=self.ns["gwa"])

    def mac(self, ns, dev):
        return sh("cat", "/sys/class/net/%s/address" % dev, ns=self.ns[ns]).strip()

    # ---- gwB as dpsecd ----

    def dpsecd_config(self, recovery=False, initiate="on-traffic", dpd=0, psk=PSK,
                      lifetime=3600, lifetime_kb=4608000, ike_proposal="{encryption: [aes-gcm-256], prf: [sha384], "
                      "group: [19]}", transforms="[esp-gcm 256]", pfs=None):
        """gwB's YAML: ike_proposal is the one IKEv2 proposal (flow YAML), transforms the
        transform set's list, pfs a crypto map entry's pfs group (e.g. "group14")."""
        dpd_line = "      dpd: {interval: %d, retry: 3, mode: periodic}\n" % dpd if dpd else ""
        return f"""hostname: gwB
dataplane:
  eal: [--no-pci, --no-huge, --no-shconf, -m, "512", -l, "0-1",
        --file-prefix, {leftovers.NETNS_PREFIX}gwb, --log-level, "*:warning"]
cli:
  socket: {self.sock}
isakmp:
  invalid_spi_recovery: {"true" if recovery else "false"}
ikev2:
  proposals:
    PROP: {ike_proposal}
  policies:
    POL:
      proposals: [PROP]
      match_local: [{GWB_OUT}]
  keyrings:
    KR:
      - name: gwA
        address: {GWA_OUT}
        identity: {{address: {GWA_OUT}}}
        pre_shared_key: "{psk}"
  profiles:
    PROF:
      match_identity_remote: [{{address: {GWA_OUT}}}]
      identity_local: {{address: {GWB_OUT}}}
      authentication: {{local: pre-share, remote: pre-share}}
      keyring: KR
{dpd_line}      lifetime: 86400
interfaces:
  - name: inside0
    device: "net_af_packet0,iface=gwb-in"
    address: {GWB_IN}/24
    role: inside
    neighbors: [{{ip: {H2}, mac: "{self.mac('h2', 'h2-b')}"}}]
  - name: outside0
    device: "net_af_packet1,iface=gwb-out"
    address: {GWB_OUT}/24
    role: outside
    crypto_map: VPN
    neighbors: [{{ip: {GWA_OUT}, mac: "{self.mac('gwa', 'gwa-out')}"}}]
transform_sets:
  TS:
    transforms: {transforms}
    mode: tunnel
crypto_maps:
  VPN:
    - seq: 10
      peer: {GWA_OUT}
      transform_set: TS
      ikev2_profile: PROF
      initiate: {initiate}
      lifetime: {{seconds: {lifetime}, kilobytes: {lifetime_kb}}}
{"      pfs: %s" % pfs + chr(10) if pfs else ""}
      match:
        - {{src: {NET2}, dst: {NET1}}}
"""

    def start_dpsecd(self, **cfg):
        path = os.path.join(self.dir, "gwB.yaml")
        with open(path, "w") as f:
            f.write(self.dpsecd_config(**cfg))
        os.chmod(path, 0o600)
        log = open(self.dpsecd_log, "a")
        self.dpsecd = subprocess.Popen(["ip", "netns", "exec", self.ns["gwb"], DPSECD, "-c",
                                        path], stdout=log, stderr=subprocess.STDOUT)
        log.close()
        guard = time.monotonic() + 60
        while time.monotonic() < guard and self.dpsecd.poll() is None:
            if os.path.exists(self.sock) and self._cli_ok():
                return
            time.sleep(0.05)
        raise AssertionError("dpsecd did not start:\n" + self.dpsecd_text())

    def _cli_ok(self):
        r = subprocess.run([DPSEC, "-s", self.sock, "show", "version"], capture_output=True,
                           text=True, timeout=10)
        return r.returncode == 0

    def stop_dpsecd(self, sig=signal.SIGTERM):
        """Stop dpsecd (SIGKILL: lose every SA at once, no DELETE sent)."""
        if self.dpsecd is None:
            return None
        if self.dpsecd.poll() is None:
            self.dpsecd.send_signal(sig)
        try:
            rc = self.dpsecd.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.dpsecd.kill()
            rc = self.dpsecd.wait()
        self.dpsecd = None
        leftovers.remove_runtime(leftovers.NETNS_PREFIX + "gwb")
        if os.path.exists(self.sock):
            os.unlink(self.sock)
        return rc

    def dpsecd_text(self):
        try:
            with open(self.dpsecd_log) as f:
                return f.read()
        except FileNotFoundError:
            return ""

    def cli(self, command, json=False, timeout=10):
        args = [DPSEC, "-s", self.sock] + (["--json"] if json else []) + command.split()
        r = subprocess.run(args, capture_output=True, text=True, timeout=timeout)
        if r.returncode != 0:
            raise AssertionError("dpsec %s: %s%s" % (command, r.stdout, r.stderr))
        return r.stdout

    # ---- teardown ----

    def close(self):
        """Everything stopped and removed. Idempotent."""
        self.stream.stop()
        self.back.stop()
        self.stop_dpsecd(signal.SIGKILL)
        for c in (self.gwa, self.gwb_charon):
            if c is not None:
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
