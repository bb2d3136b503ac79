"""A dpsecd process under test, on net_pcap ports.

   scapy --> outside-rx.pcap --> [ outside0  dpsecd  inside0 ] --> inside-tx.pcap --> scapy
   scapy <-- outside-tx.pcap <-- [                            ] <-- inside-rx.pcap <-- scapy

net_pcap reads its rx file once at start, so a test writes the packets first,
starts the gateway, waits until the ports have received them all (from
`show interfaces`), reads counters through the CLI, then stops the gateway
(SIGTERM; a clean exit is part of the test) and reads what it transmitted.
"""
import os
import re
import signal
import subprocess
import tempfile
import time

from scapy.utils import rdpcap, wrpcap

BUILD = os.environ.get("DPSEC_BUILD", os.path.join(os.path.dirname(__file__), "../../../build"))
DPSECD = os.environ.get("DPSECD", os.path.join(BUILD, "src/daemon/dpsecd"))
DPSEC = os.environ.get("DPSEC", os.path.join(BUILD, "src/cli/dpsec"))

LOCAL = "192.0.2.2"      # gateway outside address (documentation range)
PEER = "192.0.2.1"       # the peer gateway, played by scapy
INSIDE = "10.0.2.1"      # gateway inside address; protects 10.0.2.0/24
PEER_MAC = "02:00:00:00:00:01"
HOST_MAC = "02:00:00:00:02:05"


def _yaml_list(items):
    return "[" + ", ".join('"%s"' % i for i in items) + "]"


class Gateway:
    """One dpsecd with a crypto map VPN 10 to PEER, protecting
    10.0.2.0/24 (inside) <-> 10.0.0.0/24 (behind the peer)."""

    def __init__(self, transforms, manual_sas, replay_window=64, esn=False, extra_yaml=""):
        self.dir = tempfile.mkdtemp(prefix="dpsec-it-")
        self.sock = os.path.join(self.dir, "dpsecd.sock")
        self.paths = {n: os.path.join(self.dir, n + ".pcap")
                      for n in ("outside-rx", "outside-tx", "inside-rx", "inside-tx")}
        self.transforms = transforms
        self.manual_sas = manual_sas
        self.replay_window = replay_window
        self.esn = esn
        self.extra_yaml = extra_yaml
        self.proc = None
        self.log = os.path.join(self.dir, "dpsecd.log")

    # --- configuration -------------------------------------------------
    def config_text(self):
        eal = ["--no-pci", "--no-huge", "--no-shconf", "-m", "512", "-l", "0-1",
               "--file-prefix", os.path.basename(self.dir), "--log-level", "*:warning"]
        sas = ""
        for sa in self.manual_sas:
            sas += "  - crypto_map: VPN\n    seq: 10\n"
            sas += "    direction: %s\n    spi: %s\n" % (sa["direction"], hex(sa["spi"]))
            sas += '    cipher_key: "%s"\n' % sa["cipher_key"].hex()
            if sa.get("auth_key"):
                sas += '    auth_key: "%s"\n' % sa["auth_key"].hex()
            if sa.get("udp_encap"):
                sas += "    udp_encap: true\n"
        return f"""hostname: gwB
dataplane:
  eal: {_yaml_list(eal)}
  replay_window: {self.replay_window}
cli:
  socket: {self.sock}
interfaces:
  - name: outside0
    device: "net_pcap0,rx_pcap={self.paths['outside-rx']},tx_pcap={self.paths['outside-tx']}"
    address: {LOCAL}/24
    role: outside
    crypto_map: VPN
    next_hop_mac: "{PEER_MAC}"
  - name: inside0
    device: "net_pcap1,rx_pcap={self.paths['inside-rx']},tx_pcap={self.paths['inside-tx']}"
    address: {INSIDE}/24
    role: inside
    next_hop_mac: "{HOST_MAC}"
transform_sets:
  TS:
    transforms: {_yaml_list(self.transforms)}
    esn: {"true" if self.esn else "false"}
crypto_maps:
  VPN:
    - seq: 10
      peer: {PEER}
      transform_set: TS
      match:
        - {{src: 10.0.2.0/24, dst: 10.0.0.0/24}}
manual_sas:
{sas}{self.extra_yaml}"""

    # --- process -------------------------------------------------------
    def start(self, outside_rx=(), inside_rx=()):
        wrpcap(self.paths["outside-rx"], list(outside_rx))
        wrpcap(self.paths["inside-rx"], list(inside_rx))
        self.expect_rx = {"outside0": len(outside_rx), "inside0": len(inside_rx)}
        cfg = os.path.join(self.dir, "gw.yaml")
        with open(cfg, "w") as f:
            f.write(self.config_text())
        self.logf = open(self.log, "w")
        self.proc = subprocess.Popen([DPSECD, "-c", cfg], stdout=self.logf,
                                     stderr=subprocess.STDOUT)
        self._wait(lambda: os.path.exists(self.sock) or self.proc.poll() is not None, 30,
                   "dpsecd did not create its CLI socket")
        if self.proc.poll() is not None:
            raise AssertionError("dpsecd exited with %d:\n%s" % (self.proc.returncode,
                                                                  open(self.log).read()))
        self._wait(self._received_all, 30, "dpsecd did not receive every packet")
        return self

    def _wait(self, cond, timeout, what):
        end = time.time() + timeout
        while time.time() < end:
            if cond():
                return
            time.sleep(0.05)
        raise AssertionError(what + "\n" + open(self.log).read())

    def port_rx(self):
        """Input packets per interface, from `show interfaces`."""
        out = self.cli("show interfaces")
        rx, name = {}, None
        for line in out.splitlines():
            m = re.match(r"^(\S+) is ", line)
            if m:
                name = m.group(1)
            m = re.search(r"(\d+) packets input", line)
            if m and name:
                rx[name] = int(m.group(1))
        return rx

    def _received_all(self):
        rx = self.port_rx()
        return all(rx.get(k, 0) >= v for k, v in self.expect_rx.items())

    def settle(self):
        """Packets received are processed within one burst; allow the worker that much."""
        time.sleep(0.2)

    def cli(self, command, check=True):
        r = subprocess.run([DPSEC, "-s", self.sock] + command.split(), capture_output=True,
                           text=True, timeout=10)
        if check and r.returncode != 0:
            raise AssertionError("dpsec %s failed (%d): %s%s" % (command, r.returncode,
                                                                 r.stdout, r.stderr))
        return r.stdout

    def stop(self):
        """SIGTERM; dpsecd must exit 0. Returns what it transmitted per port."""
        self.proc.send_signal(signal.SIGINT)
        rc = self.proc.wait(timeout=30)
        self.logf.close()
        if rc != 0:
            raise AssertionError("dpsecd exited %d:\n%s" % (rc, open(self.log).read()))
        return {"outside": list(rdpcap(self.paths["outside-tx"])),
                "inside": list(rdpcap(self.paths["inside-tx"]))}

    def kill(self):
        if self.proc and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()


def drops(gw, all_rows=True):
    """{name: packets} from `show platform hardware qfp active feature ipsec datapath drops`."""
    out = gw.cli("show platform hardware qfp active feature ipsec datapath drops" +
                 (" all" if all_rows else ""))
    rows = {}
    for line in out.splitlines():
        m = re.match(r"^ *(\d+)  (\S+) +(\d+)$", line)
        if m:
            rows[m.group(2)] = int(m.group(3))
    return rows


def global_drops(gw):
    """{name: (packets, octets)} from `show platform hardware qfp active statistics drop all`."""
    out = gw.cli("show platform hardware qfp active statistics drop all")
    rows = {}
    for line in out.splitlines():
        m = re.match(r"^(\S+) +(\d+) +(\d+) *$", line)
        if m:
            rows[m.group(1)] = (int(m.group(2)), int(m.group(3)))
    return rows
