"""One dpsecd gateway of the seed network (seed.py), on either side: net_af_packet ports
bound to its namespace's two veths (no kernel addresses there: dpsecd answers ARP
itself), its own YAML, CLI socket, log and DPDK file prefix, so that two can run side by
side (a dpsec-dpsec pair). The YAML is built from the side's row of seed_addrs.SIDES, so
gwA's is gwB's mirrored.
"""
import os
import signal
import subprocess
import time

from . import leftovers
from .gateway import DPSEC, DPSECD
from .seed_addrs import PSK, SIDES


class DpsecdGw:
    """dpsecd as gateway `side` ("gwa" or "gwb") of net (a SeedNet)."""

    def __init__(self, net, side):
        self.net = net
        self.side = side
        self.s = SIDES[side]
        # gwB keeps the names it always had (scripts and older tests look for them)
        suffix = "" if side == "gwb" else "-" + side
        self.sock = os.path.join(net.dir, "dpsecd%s.sock" % suffix)
        self.log = os.path.join(net.dir, "dpsecd%s.log" % suffix)
        self.yaml = os.path.join(net.dir, "%s.yaml" % self.s["hostname"])
        self.prefix = leftovers.NETNS_PREFIX + side
        self.proc = None

    def config(self, recovery=False, initiate="on-traffic", dpd=0, dpd_retry=3, psk=PSK,
               lifetime=3600,
               lifetime_kb=4608000, ike_proposal="{encryption: [aes-gcm-256], prf: [sha384], group: [19]}",
               transforms="[esp-gcm 256]", pfs=None, esn=False, ike_lifetime=86400,
               peer_mac=True, fragmentation=None, more_match=(), tcp_adjust_mss=None,
               tunnel=False):
        """The YAML: dpd / dpd_retry the profile's periodic DPD interval and retry (s;
        0: no DPD); ike_proposal is the one IKEv2 proposal (flow YAML), transforms the
        transform set's list, pfs a crypto map entry's pfs group (e.g. "group14"), esn the
        transform set's extended sequence numbers, ike_lifetime the profile's IKE SA lifetime
        (s, 120 at least; dpsecd rekeys 0..10 % before it); peer_mac False: no static neighbor
        for the peer on outside0, dpsecd finds its MAC by ARP; fragmentation: ikev2
        fragmentation mtu (RFC 7383; None: off); more_match: more (src, dst) permit lines of the
        crypto map entry; tcp_adjust_mss: the inside interface's (IOS ip tcp adjust-mss);
        tunnel: no crypto map, a static VTI Tunnel1 to the peer keyed by IKE (protection
        ikev2_profile PROF, with initiate and pfs) and the route to the peer's inside network
        into it."""
        s, net = self.s, self.net
        frag_line = "  fragmentation: {mtu: %d}\n" % fragmentation if fragmentation else ""
        more_lines = "".join("        - {src: %s, dst: %s}\n" % m for m in more_match)
        dpd_line = ("      dpd: {interval: %d, retry: %d, mode: periodic}\n" % (dpd, dpd_retry)
                    if dpd else "")
        mss_line = "    tcp_adjust_mss: %d\n" % tcp_adjust_mss if tcp_adjust_mss else ""
        peer_neighbor = ('    neighbors: [{ip: %s, mac: "%s"}]\n'
                         % (s["peer"], net.mac(s["peer_ns"], s["peer_dev"])) if peer_mac else "")
        # Two dpsecd on two cores: gwA's worker goes on the other core than gwB's.
        main_lcore = ", --main-lcore, \"1\"" if self.side == "gwa" else ""
        map_line = "" if tunnel else "    crypto_map: VPN\n"
        policy = self._tunnel(initiate, pfs) if tunnel else self._map(
            initiate, lifetime, lifetime_kb, pfs, more_lines)
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
    PROP: {ike_proposal}
  policies:
    POL:
      proposals: [PROP]
      match_local: [{s["local"]}]
  keyrings:
    KR:
      - name: {s["peer_name"]}
        address: {s["peer"]}
        identity: {{address: {s["peer"]}}}
        pre_shared_key: "{psk}"
  profiles:
    PROF:
      match_identity_remote: [{{address: {s["peer"]}}}]
      identity_local: {{address: {s["local"]}}}
      authentication: {{local: pre-share, remote: pre-share}}
      keyring: KR
{dpd_line}      lifetime: {ike_lifetime}
{frag_line}interfaces:
  - name: inside0
    device: "net_af_packet0,iface={s["in_dev"]}"
    address: {s["inside"]}/24
    role: inside
    neighbors: [{{ip: {s["host_ip"]}, mac: "{net.mac(s["host"], s["host_dev"])}"}}]
{mss_line}  - name: outside0
    device: "net_af_packet1,iface={s["out_dev"]}"
    address: {s["local"]}/24
    role: outside
{map_line}{peer_neighbor}transform_sets:
  TS:
    transforms: {transforms}
    mode: tunnel
    esn: {"true" if esn else "false"}
{policy}"""

    def _map(self, initiate, lifetime, lifetime_kb, pfs, more_lines):
        s = self.s
        return f"""crypto_maps:
  VPN:
    - seq: 10
      peer: {s["peer"]}
      transform_set: TS
      ikev2_profile: PROF
      initiate: {initiate}
      lifetime: {{seconds: {lifetime}, kilobytes: {lifetime_kb}}}
{"      pfs: %s" % pfs + chr(10) if pfs else ""}
      match:
        - {{src: {s["local_net"]}, dst: {s["remote_net"]}}}
{more_lines}"""

    def _tunnel(self, initiate, pfs):
        s = self.s
        pfs_key = ", pfs: %s" % pfs if pfs else ""
        return f"""tunnels:
  - name: Tunnel1
    source: outside0
    destination: {s["peer"]}
    mode: ipsec ipv4
    protection: {{profile: VTI, transform_set: TS, ikev2_profile: PROF,
                  initiate: {initiate}{pfs_key}}}
routes:
  - {{prefix: {s["remote_net"]}, interface: Tunnel1}}
"""

    def start(self, **cfg):
        with open(self.yaml, "w") as f:
            f.write(self.config(**cfg))
        os.chmod(self.yaml, 0o600)
        log = open(self.log, "a")
        self.proc = subprocess.Popen(["ip", "netns", "exec", self.net.ns[self.side], DPSECD,
                                      "-c", self.yaml], stdout=log, stderr=subprocess.STDOUT)
        log.close()
        guard = time.monotonic() + 60
        while time.monotonic() < guard and self.proc.poll() is None:
            if os.path.exists(self.sock) and self._cli_ok():
                return
            time.sleep(0.05)
        raise AssertionError("dpsecd %s did not start:\n%s" % (self.side, self.text()))

    def _cli_ok(self):
        r = subprocess.run([DPSEC, "-s", self.sock, "show", "version"], capture_output=True,
                           text=True, timeout=10)
        return r.returncode == 0

    def stop(self, sig=signal.SIGTERM):
        """Stop dpsecd (SIGKILL: lose every SA at once, no DELETE sent); its exit code."""
        if self.proc is None:
            return None
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
        try:
            rc = self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            rc = self.proc.wait()
        self.proc = None
        leftovers.remove_runtime(self.prefix)
        if os.path.exists(self.sock):
            os.unlink(self.sock)
        return rc

    def text(self):
        try:
            with open(self.log) as f:
                return f.read()
        except FileNotFoundError:
            return ""

    def cli(self, command, json=False, timeout=10):
        args = [DPSEC, "-s", self.sock] + (["--json"] if json else []) + command.split()
        r = subprocess.run(args, capture_output=True, text=True, timeout=timeout)
        if r.returncode != 0:
            raise AssertionError("dpsec %s %s: %s%s" % (self.side, command, r.stdout, r.stderr))
        return r.stdout
