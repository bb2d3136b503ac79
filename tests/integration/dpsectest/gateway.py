"""A dpsecd process under test, on net_pcap ports.

   scapy --> outside-rx.pcap --> [ outside0  dpsecd  inside0 ] --> inside-tx.pcap --> scapy
   scapy <-- outside-tx.pcap <-- [                            ] <-- inside-rx.pcap <-- scapy

net_pcap reads its rx file once at start, so a test writes the packets first,
starts the gateway, waits until the ports have received them all (from
`show interfaces`), reads counters through the CLI, then stops the gateway
(SIGINT; a clean exit is part of the test) and reads what it transmitted.

The default picture is the one above: one crypto map entry (VPN 10) with one
transform set and its manual SAs. A test that needs more describes the
interfaces (Interface) and crypto map entries (Entry) itself; every interface
gets its own pair of pcap files, named after it.

A Gateway's directory (config, pcaps, log) and DPDK's runtime directory for it
go when the test calls close(), or at exit whatever happened (leftovers.py).
"""
import atexit
import os
import re
import signal
import socket
import subprocess
import time

from scapy.data import DLT_EN10MB
from scapy.utils import PcapWriter, rdpcap

from . import leftovers, telemetry, views

BUILD = os.environ.get("DPSEC_BUILD", os.path.join(os.path.dirname(__file__), "../../../build"))
DPSECD = os.environ.get("DPSECD", os.path.join(BUILD, "src/daemon/dpsecd"))
DPSEC = os.environ.get("DPSEC", os.path.join(BUILD, "src/cli/dpsec"))

LOCAL = "192.0.2.2"      # gateway outside address (documentation range)
PEER = "192.0.2.1"       # the peer gateway, played by scapy
INSIDE = "10.0.2.1"      # gateway inside address; protects 10.0.2.0/24
PEER_MAC = "02:00:00:00:00:01"
HOST_MAC = "02:00:00:00:02:05"


def pcap_mac(index):
    """The MAC net_pcap gives its index-th device in a process: 02:70:63:61:70:<index>
    ("pcap"); the gateway's interfaces are its net_pcap devices in config order. dpsec
    takes only frames addressed to its port (or broadcast), so a test must use these."""
    return "02:70:63:61:70:%02x" % index


OUTSIDE_MAC, INSIDE_MAC = pcap_mac(0), pcap_mac(1)   # the default interfaces below


def _addr(text):
    """An address or prefix as a YAML value: IPv6 ones quoted."""
    return '"%s"' % text if ":" in text else text


def _yaml_list(items):
    return "[" + ", ".join('"%s"' % i for i in items) + "]"


def _section(key, body):
    """A top-level key with its indented body, or nothing for an empty body."""
    return "%s:\n%s" % (key, body) if body else ""


class Interface:
    """One entry of `interfaces` (docs/CONFIG.md). neighbors: [(ip, mac)]."""

    def __init__(self, name, role, address, crypto_map=None, next_hop_mac=None, neighbors=(),
                 mtu=None, address6=None, tcp_adjust_mss=None):
        self.name, self.role, self.address = name, role, address
        self.crypto_map, self.next_hop_mac = crypto_map, next_hop_mac
        self.neighbors, self.mtu, self.address6 = list(neighbors), mtu, address6
        self.tcp_adjust_mss = tcp_adjust_mss

    def yaml(self, rx, tx, index):
        """tx: a file, or one per TX queue (dpsecd needs one per worker)."""
        txs = tx if isinstance(tx, (list, tuple)) else [tx]
        y = "  - name: %s\n" % self.name
        y += '    device: "net_pcap%d,rx_pcap=%s,%s"\n' % (
            index, rx, ",".join("tx_pcap=%s" % t for t in txs))
        y += "    address: %s\n    role: %s\n" % (self.address, self.role)
        if self.crypto_map:
            y += "    crypto_map: %s\n" % self.crypto_map
        if self.next_hop_mac:
            y += '    next_hop_mac: "%s"\n' % self.next_hop_mac
        if self.neighbors:
            y += "    neighbors:\n" + "".join('      - {ip: %s, mac: "%s"}\n' % n
                                              for n in self.neighbors)
        if self.mtu:
            y += "    mtu: %d\n" % self.mtu
        if self.address6:
            y += "    address6: %s\n" % self.address6
        if self.tcp_adjust_mss:
            y += "    tcp_adjust_mss: %d\n" % self.tcp_adjust_mss
        return y


class Entry:
    """One crypto map entry, its transform set and its manual SAs.

    match: [(local prefix, remote prefix)] or (local, remote, "deny") for a deny line,
    written from the gateway's side.
    sas: dicts as Tunnel.manual_sas() makes them (direction, spi, cipher_key,
    auth_key, udp_encap: bool or {"local_port", "peer_port"}, and optionally
    initial_sequence, and for an AH+ESP bundle ah_spi and ah_auth_key).
    lifetime: (seconds, kilobytes) of the entry's SAs, or None for the default."""

    def __init__(self, seq, match, transforms, sas=(), peer=PEER, esn=False, crypto_map="VPN",
                 replay_window=None, lifetime=None):
        self.seq, self.match, self.transforms = seq, list(match), list(transforms)
        self.sas, self.peer, self.esn = list(sas), peer, esn
        self.crypto_map, self.replay_window = crypto_map, replay_window
        self.lifetime = lifetime
        self.gcm_opt_in = True      # write allow_unsafe_manual_gcm on manual GCM SAs

    @property
    def ts_name(self):
        return "TS-%s-%d" % (self.crypto_map, self.seq)

    def yaml(self):
        y = "    - seq: %d\n      peer: %s\n      transform_set: %s\n" % (
            self.seq, self.peer, self.ts_name)
        if self.replay_window is not None:
            y += "      replay_window: %d\n" % self.replay_window
        if self.lifetime is not None:
            y += "      lifetime: {seconds: %d, kilobytes: %d}\n" % self.lifetime
        # IPv6 prefixes quoted: a plain "::/0" cannot start a value inside {...}
        y += "      match:\n" + "".join(
            "        - {src: %s, dst: %s%s}\n" % (_addr(m[0]), _addr(m[1]),
                                            ", action: deny" if m[2:] == ("deny",) else "")
            for m in self.match)
        return y

    def sas_yaml(self):
        y = ""
        for sa in self.sas:
            y += "  - crypto_map: %s\n    seq: %d\n" % (self.crypto_map, self.seq)
            y += "    direction: %s\n    spi: %s\n" % (sa["direction"], hex(sa["spi"]))
            y += '    cipher_key: "%s"\n' % sa["cipher_key"].hex()
            if sa.get("auth_key"):
                y += '    auth_key: "%s"\n' % sa["auth_key"].hex()
            if sa.get("ah_spi"):    # an AH+ESP bundle's AH SA
                y += '    ah_spi: %s\n    ah_auth_key: "%s"\n' % (hex(sa["ah_spi"]),
                                                                   sa["ah_auth_key"].hex())
            udp = sa.get("udp_encap")
            if isinstance(udp, dict):
                y += "    udp_encap: {%s}\n" % ", ".join("%s: %d" % kv for kv in udp.items())
            elif udp:
                y += "    udp_encap: true\n"
            if sa.get("initial_sequence") is not None:
                y += "    initial_sequence: %d\n" % sa["initial_sequence"]
            if self.gcm_opt_in and any(t.startswith("esp-gcm") for t in self.transforms):
                # a test setup: manual AES-GCM keys repeat nonces across restarts (RFC 4106 s. 8)
                y += "    allow_unsafe_manual_gcm: true\n"
        return y


def default_interfaces():
    return [Interface("outside0", "outside", LOCAL + "/24", crypto_map="VPN",
                      next_hop_mac=PEER_MAC),
            Interface("inside0", "inside", INSIDE + "/24", next_hop_mac=HOST_MAC)]


class Gateway:
    """One dpsecd. By default with a crypto map VPN 10 to PEER, protecting
    10.0.2.0/24 (inside) <-> 10.0.0.0/24 (behind the peer); or with the
    interfaces and crypto map entries a test gives."""

    def __init__(self, transforms=None, manual_sas=(), replay_window=64, esn=False,
                 extra_yaml="", interfaces=None, entries=None):
        self.dir = leftovers.mkdtemp("it")
        self.sock = os.path.join(self.dir, "dpsecd.sock")
        self.interfaces = interfaces if interfaces is not None else default_interfaces()
        if entries is None:
            entries = [Entry(10, [("10.0.2.0/24", "10.0.0.0/24")], transforms, manual_sas,
                             esn=esn)]
        self.entries = entries
        self.paths = {}
        for ifc in self.interfaces:
            for d in ("rx", "tx"):
                self.paths["%s-%s" % (ifc.name, d)] = os.path.join(
                    self.dir, "%s-%s.pcap" % (ifc.name, d))
        self.replay_window = replay_window
        self.extra_yaml = extra_yaml
        self.proc = None
        self.logf = None
        self.log = os.path.join(self.dir, "dpsecd.log")
        self.wrapper = []       # a command dpsecd runs under (setpriv ...), if any
        self.cli_yaml = ""      # more keys of the cli section, indented ("  group: x\n")
        self.eal_lcores = ["-l", "0-1"]
        self.tx_queues = 1        # TX queues (pcap files) per port: one per worker lcore
        self.eal_mem_mb = 512
        self.eal_mem = None       # EAL memory arguments instead of --no-huge -m eal_mem_mb
        self.dataplane_yaml = ""  # more keys of the dataplane section, indented
        self.start_timeout = 30   # seconds until the CLI socket: more for a million SAs
        atexit.register(self.close)     # runs before the directory's own removal

    # --- configuration -------------------------------------------------
    def config_text(self):
        mem = self.eal_mem or ["--no-huge", "--no-shconf", "-m", str(self.eal_mem_mb)]
        eal = ["--no-pci"] + mem + self.eal_lcores + [
               "--file-prefix", os.path.basename(self.dir), "--log-level", "*:warning"]
        ifs = "".join(ifc.yaml(self.paths[ifc.name + "-rx"], self.tx_paths(ifc.name), i)
                      for i, ifc in enumerate(self.interfaces))
        tss = "".join("  %s:\n    transforms: %s\n    esn: %s\n" % (
            e.ts_name, _yaml_list(e.transforms), "true" if e.esn else "false")
            for e in self.entries)
        maps = ""
        for name in dict.fromkeys(e.crypto_map for e in self.entries):
            maps += "  %s:\n" % name + "".join(e.yaml() for e in self.entries
                                                if e.crypto_map == name)
        sas = "".join(e.sas_yaml() for e in self.entries)
        return f"""hostname: gwB
dataplane:
  eal: {_yaml_list(eal)}
  replay_window: {self.replay_window}
{self.dataplane_yaml}cli:
  socket: {self.sock}
{self.cli_yaml}interfaces:
{ifs}{_section("transform_sets", tss)}{_section("crypto_maps", maps)}\
{_section("manual_sas", sas)}{self.extra_yaml}"""

    def tx_paths(self, name):
        """The pcap files interface name transmits into, one per TX queue."""
        return [self.paths[name + "-tx"]] + [
            os.path.join(self.dir, "%s-tx%d.pcap" % (name, q)) for q in range(1, self.tx_queues)]

    # --- process -------------------------------------------------------
    def start(self, outside_rx=(), inside_rx=(), rx=None):
        """rx: {interface name: frames}; outside_rx / inside_rx are outside0 / inside0.
        A frame is a scapy packet or raw bytes (written as they are, runts included)."""
        rx = dict(rx or {})
        if outside_rx:
            rx["outside0"] = list(outside_rx)
        if inside_rx:
            rx["inside0"] = list(inside_rx)
        self.expect_rx = {}
        for ifc in self.interfaces:
            frames = list(rx.pop(ifc.name, ()))
            w = PcapWriter(self.paths[ifc.name + "-rx"], linktype=DLT_EN10MB)
            w.write_header(None)
            for f in frames:
                w.write(bytes(f))
            w.close()
            self.expect_rx[ifc.name] = len(frames)
        if rx:
            raise ValueError("no such interface: %s" % ", ".join(rx))
        cfg = self.write_config()
        self.logf = open(self.log, "w")
        self.proc = subprocess.Popen(self.wrapper + [DPSECD, "-c", cfg], stdout=self.logf,
                                     stderr=subprocess.STDOUT)
        self._wait(lambda: self._listening() or self.proc.poll() is not None,
                   self.start_timeout, "dpsecd did not create its CLI socket")
        if self.proc.poll() is not None:
            raise AssertionError("dpsecd exited with %d:\n%s" % (self.proc.returncode,
                                                                  open(self.log).read()))
        self._wait(self._received_all, 30, "dpsecd did not receive every packet")
        return self

    def _listening(self):
        """Someone accepts on the CLI socket (a file left by a killed daemon is not enough)."""
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            s.connect(self.sock)
            return True
        except OSError:
            return False
        finally:
            s.close()

    def write_config(self):
        """gw.yaml in the gateway's directory (mode 0600: it holds keys); returns its path."""
        cfg = os.path.join(self.dir, "gw.yaml")
        fd = os.open(cfg, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as f:
            f.write(self.config_text())
        return cfg

    def run_to_exit(self, timeout=60):
        """Run dpsecd on this configuration when it is expected to exit by itself (a refused
        configuration, a second instance): (exit code, stdout + stderr). No packets."""
        for path in self.paths.values():
            if path.endswith("-rx.pcap") and not os.path.exists(path):
                w = PcapWriter(path, linktype=DLT_EN10MB)
                w.write_header(None)
                w.close()
        r = subprocess.run(self.wrapper + [DPSECD, "-c", self.write_config()],
                           capture_output=True, text=True, timeout=timeout)
        return r.returncode, r.stdout + r.stderr

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

    def accounted(self):
        """(packets received, packets sent or dropped with a reason), from the ports' counters
        and the global drop counters."""
        ifs = views.interfaces(self)
        # fragments reassembled into one packet (reasm_in.h) go on as that packet
        rx = sum(i["ipackets"] - i["reassembly_fragments"] + i["reassembled"]
                 for i in ifs.values())
        done = sum(i["opackets"] for i in ifs.values()) + \
            sum(p for p, _ in views.global_drops(self).values())
        return rx, done

    def settle(self, guard=30):
        """Wait until every packet received has been sent or dropped with a reason; the guard
        only turns a hang into a failure."""
        end = time.monotonic() + guard
        while True:
            rx, done = self.accounted()
            if done >= rx:
                return
            if time.monotonic() > end:
                raise AssertionError("%d packets received, only %d sent or dropped" % (rx, done))
            time.sleep(0.05)

    def cli(self, command, check=True):
        r = subprocess.run([DPSEC, "-s", self.sock] + command.split(), capture_output=True,
                           text=True, timeout=10)
        if check and r.returncode != 0:
            raise AssertionError("dpsec %s failed (%d): %s%s" % (command, r.returncode,
                                                                 r.stdout, r.stderr))
        return r.stdout

    def telemetry(self, command):
        """One DPDK telemetry command of this dpsecd (its file prefix is this gateway's
        directory's name): the answer's value."""
        return telemetry.ask(os.path.basename(self.dir), command)[0]

    def stop(self):
        """SIGINT; dpsecd must exit 0. Returns what it transmitted per port: by interface
        name, and as "outside" / "inside" for outside0 / inside0."""
        self.proc.send_signal(signal.SIGINT)
        rc = self.proc.wait(timeout=30)
        self.logf.close()
        if rc != 0:
            raise AssertionError("dpsecd exited %d:\n%s" % (rc, open(self.log).read()))
        tx = {ifc.name: [f for p in self.tx_paths(ifc.name) for f in rdpcap(p)]
              for ifc in self.interfaces}
        tx["outside"] = tx.get("outside0", [])
        tx["inside"] = tx.get("inside0", [])
        return tx

    def kill(self):
        if self.proc and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()

    def close(self):
        """dpsecd gone (killed if it still runs), its files and DPDK's runtime directory
        removed. What a test needs from them it reads before (stop() returns the pcaps)."""
        self.kill()
        if self.logf is not None:
            self.logf.close()
        leftovers.remove_dir(self.dir)


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
