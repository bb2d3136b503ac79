"""The testpmd harness of scripts/bench-testpmd and scripts/bench-vs-secgw.

   dpdk-testpmd (one forwarding lcore, io mode, ports chained 0 -> 1 -> 2 -> 0)
     port 0  net_pcap  rx_pcap=case.pcap, infinite_rx=1 (tx: dropped by the PMD)
     port 1  net_memif server "to"   ---> gateway (dpsecd or ipsec-secgw), client
     port 2  net_memif server "from" <--- gateway
   The gateway's output comes back on port 2 and is forwarded to port 0, whose
   TX drops it: testpmd's port statistics are the figures.

A case is a direction (in: ESP to the outside port, out: plaintext to the
inside port), a transform and a size (an inner IPv4 packet of that many bytes,
or IMIX 7:4:1 of 64/576/1400). Every run is a window of testpmd's port
statistics; a run counts only if the busy threads (testpmd's forwarding lcore,
the gateway's worker) had their CPUs to themselves during it, read from
/proc/<pid>/task/<tid>/status and schedstat: no involuntary context switch
beyond a handful, and almost no time spent runnable but waiting for the CPU.
"""
import os
import re
import json
import signal
import socket
import statistics
import struct
import subprocess
import sys
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "tests", "integration"))

from scapy.data import DLT_EN10MB  # noqa: E402
from scapy.layers.inet import IP, UDP  # noqa: E402
from scapy.layers.l2 import Ether  # noqa: E402
from scapy.packet import Raw  # noqa: E402
from scapy.utils import PcapWriter, rdpcap  # noqa: E402

from dpsectest import esp, gateway, leftovers  # noqa: E402

TESTPMD = os.environ.get("TESTPMD", "dpdk-testpmd")
OUTSIDE_MAC = "02:fe:00:00:00:01"     # the gateway's memif ports (mac= devarg)
INSIDE_MAC = "02:fe:00:00:00:02"
IMIX = [64] * 7 + [576] * 4 + [1400]  # inner IPv4 bytes, 7:4:1
FRAMES = 1020                         # per pcap: a multiple of 12 (IMIX), < testpmd's pool
PMD_MBUFS = 16384                     # testpmd's pool with a pcap of FRAMES frames (more: more)
# name: (esp.XFORMS key, label)
XFORMS = {"gcm128": ("gcm128", "AES-128-GCM"),
          "cbc-sha256": ("cbc128-sha256", "AES-128-CBC + HMAC-SHA-256"),
          "cbc-sha1": ("cbc128-sha1", "AES-128-CBC + HMAC-SHA1")}
# The cases of issue 9's table, plus CBC + HMAC-SHA1 and outbound CBC.
CASES = ["in-gcm128-64", "in-gcm128-imix", "in-gcm128-1400",
         "out-gcm128-64", "out-gcm128-imix", "out-gcm128-1400",
         "in-cbc-sha256-64", "in-cbc-sha256-1400", "out-cbc-sha256-64", "out-cbc-sha256-1400",
         "in-cbc-sha1-64", "in-cbc-sha1-1400", "out-cbc-sha1-64", "out-cbc-sha1-1400"]


class Case:
    def __init__(self, name):
        m = re.match(r"^(in|out)-(.+)-(\d+|imix)$", name)
        if not m or m.group(2) not in XFORMS:
            raise ValueError("unknown case %r (direction-transform-size, e.g. in-gcm128-64; "
                             "transforms: %s)" % (name, ", ".join(XFORMS)))
        self.name, self.dir, self.xform = name, m.group(1), m.group(2)
        self.sizes = IMIX if m.group(3) == "imix" else [int(m.group(3))]
        if min(self.sizes) < 28 or max(self.sizes) > 1400:
            raise ValueError("%s: inner packets are 28..1400 bytes" % name)
        self.label = XFORMS[self.xform][1]
        # Fixed SPIs, fresh keys per case (both gateways get the same SAs).
        self.tunnel = esp.Tunnel(XFORMS[self.xform][0], spi_in=0x1001, spi_out=0x2001)
        self.n_frames = FRAMES      # frames in the pcap
        self.mbuf_size = None       # testpmd's mbuf size (None: its default)
        self.start_timeout = 30     # seconds from a gateway's start to its links up

    def prepare(self, workdir):
        """The files a run needs, written once per work directory; returns the pcap's path."""
        self.workdir = workdir
        pcap = os.path.join(workdir, self.name + ".pcap")
        if not os.path.exists(pcap):
            self.write_pcap(pcap)
        return pcap

    def testpmd_eal(self):
        return eal_memory()

    def dpsecd_entry(self):
        """dpsecd's crypto map entry: the SA pair as manual SAs, nothing expiring in a run."""
        return gateway.Entry(10, [("10.0.2.0/24", "10.0.0.0/24")], self.tunnel.words,
                             self.tunnel.manual_sas(), lifetime=(86400, 4294967295))

    def dpsecd_setup(self, gw):
        """More of dpsecd's configuration (bench_sas.ScaleCase: the SA file, memory)."""

    def inner(self, i):
        size = self.sizes[i % len(self.sizes)]
        src, dst = ("10.0.0.%d" % (1 + i % 200), "10.0.2.%d" % (2 + i % 200))
        if self.dir == "out":
            src, dst = dst, src
        hdr = IP(src=src, dst=dst, ttl=64) / UDP(sport=1024 + i, dport=9)
        return IP(bytes(hdr / Raw(b"\x00" * (size - 28))))

    def frames(self, to_mac=None):
        """The pcap's frames: ESP from the peer (in), or plaintext from the inside (out), to
        the gateway's memif port, or to_mac."""
        out = []
        for i in range(FRAMES):
            if self.dir == "in":
                f = self.tunnel.encrypt(self.inner(i), seq=i + 1)
                f[Ether].dst = to_mac or OUTSIDE_MAC
            else:
                f = Ether(src=gateway.HOST_MAC, dst=to_mac or INSIDE_MAC) / self.inner(i)
            out.append(bytes(f))
        return out

    def write_pcap(self, path, to_mac=None):
        w = PcapWriter(path, linktype=DLT_EN10MB)
        w.write_header(None)
        for f in self.frames(to_mac):
            w.write(f)
        w.close()


# --- /proc: did a thread have its CPU to itself? ---------------------------------------
WORKER_COMM = ("rte-worker-", "lcore-worker-")   # DPDK's names for lcore threads


def thread_ids(pid, comm_prefix=WORKER_COMM):
    """Thread ids of pid whose name starts with comm_prefix (DPDK 22.11: rte-worker-N)."""
    tids = []
    for tid in os.listdir("/proc/%d/task" % pid):
        try:
            with open("/proc/%d/task/%s/comm" % (pid, tid)) as f:
                if f.read().startswith(comm_prefix):
                    tids.append(int(tid))
        except OSError:
            pass
    return tids


def thread_sample(pid, tid):
    """(ns on CPU, ns runnable but waiting, involuntary switches, last CPU)."""
    base = "/proc/%d/task/%d/" % (pid, tid)
    with open(base + "schedstat") as f:
        on, wait, _ = (int(x) for x in f.read().split())
    with open(base + "status") as f:
        nvcs = int(re.search(r"nonvoluntary_ctxt_switches:\s+(\d+)", f.read()).group(1))
    with open(base + "stat") as f:
        cpu = int(f.read().rsplit(")", 1)[1].split()[36])   # field 39, processor
    return on, wait, nvcs, cpu


def others_runnable(cpus, skip):
    """Names of other tasks now runnable (state R) whose last CPU is one of cpus."""
    seen = set()
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            for tid in os.listdir("/proc/%s/task" % pid):
                if int(tid) in skip:
                    continue
                with open("/proc/%s/task/%s/stat" % (pid, tid)) as f:
                    s = f.read()
                comm = s[s.index("(") + 1:s.rindex(")")]
                rest = s.rsplit(")", 1)[1].split()
                if rest[0] == "R" and int(rest[36]) in cpus:
                    seen.add("%s@%s" % (comm, rest[36]))
        except (OSError, ValueError, IndexError):
            pass
    return seen


class Quiet:
    """Whether the busy threads had their CPUs to themselves over a window."""
    MAX_NVCS = 5            # involuntary context switches per thread per window
    MAX_WAIT = 0.005        # fraction of the window spent runnable, not running

    def __init__(self, threads):
        self.threads = threads      # [(label, pid, tid)]
        self.before = {t: thread_sample(t[1], t[2]) for t in threads}
        self.t0 = time.monotonic()
        self.others = set()

    def sample_others(self):
        cpus = {thread_sample(p, t)[3] for _, p, t in self.threads}
        self.others |= others_runnable(cpus, {t for _, _, t in self.threads})

    def verdict(self):
        """(ok, {label: on-CPU ns}, reasons)."""
        window = (time.monotonic() - self.t0) * 1e9
        ok, on_cpu, why = True, {}, []
        for t in self.threads:
            on0, w0, n0, _ = self.before[t]
            on1, w1, n1, cpu = thread_sample(t[1], t[2])
            on_cpu[t[0]] = on1 - on0
            if n1 - n0 > self.MAX_NVCS or (w1 - w0) > self.MAX_WAIT * window:
                ok = False
                why.append("%s (cpu %d): %d involuntary switches, %.1f%% of the window waiting"
                           % (t[0], cpu, n1 - n0, 100.0 * (w1 - w0) / window))
        if self.others and not ok:
            why.append("runnable beside them: " + ", ".join(sorted(self.others)[:8]))
        return ok, on_cpu, why


def tsc_ghz():
    """The CPU's nominal clock, for cycles from on-CPU time (DPSEC_BENCH_GHZ overrides)."""
    if os.environ.get("DPSEC_BENCH_GHZ"):
        return float(os.environ["DPSEC_BENCH_GHZ"])
    with open("/proc/cpuinfo") as f:
        return float(re.search(r"cpu MHz\s*:\s*([\d.]+)", f.read()).group(1)) / 1000.0


# --- dpdk-testpmd -------------------------------------------------------------------
class Testpmd:
    """dpdk-testpmd driven through its interactive prompt on a pipe."""

    def __init__(self, workdir, pcap, cpus, eal_mem, frames=FRAMES, mbuf_size=None,
                 tx_pcap=None):
        """tx_pcap: replay the pcap once (no infinite_rx) and write what comes back there."""
        self.to_sock = os.path.join(workdir, "to.sock")
        self.from_sock = os.path.join(workdir, "from.sock")
        self.prefix = os.path.basename(workdir) + "-pmd"
        for sock in (self.to_sock, self.from_sock):     # a crashed server's socket files
            if os.path.exists(sock):
                os.unlink(sock)
        main, fwd = cpus
        # stdbuf: testpmd prints with stdio (block-buffered on a pipe), its prompt with write()
        args = ["stdbuf", "-oL", TESTPMD, "--lcores", "0@%d,1@%d" % (main, fwd), "--no-pci",
                "--file-prefix", self.prefix, "--log-level", "*:warning"] + eal_mem + [
            "--vdev", "net_pcap0,rx_pcap=%s,%s" % (
                pcap, "tx_pcap=%s" % tx_pcap if tx_pcap else "infinite_rx=1"),
            "--vdev", "net_memif0,role=server,socket=%s,socket-abstract=no,id=0"
                      % self.to_sock,
            "--vdev", "net_memif1,role=server,socket=%s,socket-abstract=no,id=0"
                      % self.from_sock,
            "--", "-i", "--nb-cores=1", "--forward-mode=io", "--port-topology=chained",
            "--burst=32", "--no-lsc-interrupt",
            # infinite_rx holds every frame of the pcap in an mbuf of this pool (issue 9 item 7)
            "--total-num-mbufs=%d" % (PMD_MBUFS + max(0, frames - FRAMES))] + (
            ["--mbuf-size=%d" % mbuf_size] if mbuf_size else []) + (
            # "start" drains the RX queues first: it would read the whole pcap away
            ["--no-flush-rx"] if tx_pcap else [])
        self.log = open(os.path.join(workdir, "testpmd.log"), "w")
        self.proc = subprocess.Popen(args, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=subprocess.STDOUT, text=True, bufsize=1)
        self.buf, self.prompts = "", 0
        self.cond = threading.Condition()
        threading.Thread(target=self._read, daemon=True).start()
        self._wait_prompt(1, 60)

    def _read(self):
        for chunk in iter(lambda: self.proc.stdout.read(1), ""):
            self.log.write(chunk)
            with self.cond:
                self.buf += chunk
                if self.buf.endswith("testpmd> "):
                    self.prompts += 1
                self.cond.notify_all()
        with self.cond:
            self.prompts = -1
            self.cond.notify_all()

    def _wait_prompt(self, n, timeout):
        with self.cond:
            if not self.cond.wait_for(lambda: self.prompts >= n or self.prompts < 0, timeout):
                raise RuntimeError("testpmd did not answer:\n" + self.buf[-2000:])
            if self.prompts < 0:
                raise RuntimeError("testpmd exited:\n" + self.buf[-2000:])

    def cmd(self, line, timeout=30):
        with self.cond:
            n, start = self.prompts + 1, len(self.buf)
        self.proc.stdin.write(line + "\n")
        self.proc.stdin.flush()
        self._wait_prompt(n, timeout)
        with self.cond:
            return self.buf[start:]

    def links_up(self):
        out = self.cmd("show port info all")
        return out.count("Link status: up") >= 3

    def stats(self):
        """{port: {"rx": pkts, "rx_bytes":, "tx":, "tx_bytes":}}."""
        out = self.cmd("show port stats all")
        ports = {}
        for block in re.split(r"#+ NIC statistics for port\s+", out)[1:]:
            port = int(block.split()[0])
            g = {k: int(re.search(k + r":\s+(\d+)", block).group(1))
                 for k in ("RX-packets", "RX-bytes", "TX-packets", "TX-bytes")}
            ports[port] = {"rx": g["RX-packets"], "rx_bytes": g["RX-bytes"],
                           "tx": g["TX-packets"], "tx_bytes": g["TX-bytes"]}
        return ports

    def fwd_tid(self):
        tids = thread_ids(self.proc.pid)
        if len(tids) != 1:
            raise RuntimeError("testpmd: %d forwarding threads, expected 1" % len(tids))
        return tids[0]

    def close(self):
        if self.proc.poll() is None:
            try:
                self.cmd("stop", 10)
                self.proc.stdin.write("quit\n")
                self.proc.stdin.flush()
                self.proc.wait(timeout=20)
            except (RuntimeError, OSError, subprocess.TimeoutExpired):
                self.proc.kill()
                self.proc.wait()
        self.log.close()
        leftovers.remove_runtime(self.prefix)


# --- dpsecd on two memif ports ------------------------------------------------------
class MemifInterface(gateway.Interface):
    """An interface on a net_memif client port connecting to testpmd's socket."""

    def __init__(self, name, role, address, sock, mac, **kw):
        super().__init__(name, role, address, **kw)
        self.sock, self.mac = sock, mac

    def yaml(self, rx, tx, index):
        y = super().yaml(rx, tx, index)
        return re.sub(r'device: ".*"', 'device: "net_memif%d,role=client,socket=%s,'
                      'socket-abstract=no,id=0,mac=%s"' % (index, self.sock, self.mac), y)


class DeviceInterface(gateway.Interface):
    """An interface on the DPDK device given (devargs; %d: the port's index)."""

    def __init__(self, name, role, address, device, **kw):
        super().__init__(name, role, address, **kw)
        self.device = device

    def yaml(self, rx, tx, index):
        y = super().yaml(rx, tx, index)
        return re.sub(r'device: ".*"', 'device: "%s"' % (self.device % index), y)


def direct_devices(case, pcap):
    """(outside, inside) devargs of the direct harness: the input side replays the pcap
    (net_pcap infinite_rx), the output side is a net_null that receives nothing."""
    rx, sink = "net_pcap%%d,rx_pcap=%s,infinite_rx=1" % pcap, "net_null%d,no-rx=1"
    return (rx, sink) if case.dir == "in" else (sink, rx)


class Dpsecd:
    """dpsecd with the case's SA pair: outside (ESP) and inside (plaintext) on memif ports."""
    name = "dpsecd"

    def start(self, case, pmd, cpus):
        # ESP arrives on the outside port (in), plaintext on the inside port (out)
        outside, inside = (pmd.to_sock, pmd.from_sock) if case.dir == "in" else \
            (pmd.from_sock, pmd.to_sock)
        self._start(case, cpus,
                    MemifInterface("outside0", "outside", gateway.LOCAL + "/24", outside,
                                   OUTSIDE_MAC, crypto_map="VPN", next_hop_mac=gateway.PEER_MAC),
                    MemifInterface("inside0", "inside", gateway.INSIDE + "/24", inside,
                                   INSIDE_MAC, next_hop_mac=gateway.HOST_MAC))

    def start_direct(self, case, pcap, cpus):
        """The direct harness: input from the pcap, output to net_null, no testpmd."""
        outside, inside = direct_devices(case, pcap)
        self._start(case, cpus, DeviceInterface("outside0", "outside", gateway.LOCAL + "/24",
                                                outside, crypto_map="VPN",
                                                next_hop_mac=gateway.PEER_MAC),
                    DeviceInterface("inside0", "inside", gateway.INSIDE + "/24", inside,
                                    next_hop_mac=gateway.HOST_MAC))
        self.prefix = os.path.basename(self.gw.dir)

    def _start(self, case, cpus, *ifs):
        self.gw = gateway.Gateway(interfaces=list(ifs), entries=[case.dpsecd_entry()],
                                  replay_window=0)
        self.gw.eal_lcores = ["--lcores", "0@%d,1@%d" % cpus]
        self.gw.eal_mem = eal_memory()      # the same memory as testpmd and ipsec-secgw get
        case.dpsecd_setup(self.gw)          # (many SAs: 4 KiB pages for both, bench_sas.py)
        self.gw.start()
        self.pid = self.gw.proc.pid

    def ready(self):
        return True     # its workers poll from the start

    def worker_tid(self):
        tids = thread_ids(self.pid)
        if len(tids) != 1:
            raise RuntimeError("dpsecd: %d workers, expected 1" % len(tids))
        return tids[0]

    def log_tail(self):
        with open(self.gw.log) as f:
            return f.read()[-3000:]

    def check(self):
        """Still running; once traffic went through, with every packet accounted for."""
        if self.gw.proc.poll() is not None:
            raise RuntimeError("dpsecd exited %d:\n%s" % (self.gw.proc.returncode,
                                                           self.log_tail()))
        dropped = gateway.drops(self.gw, all_rows=False)
        if dropped:
            raise RuntimeError("dpsecd dropped packets of the benchmark: %s" % dropped)

    def stop(self):
        self.gw.close()


# --- another DPDK program in the gateway's place --------------------------------------
class ChildGateway:
    """A DPDK program started as the gateway (self.proc, self.log, self.prefix set by its
    start()): its log, its liveness, its end."""
    name = "child"

    def ready(self):
        return True

    def log_tail(self):
        self.log.flush()
        with open(self.log.name) as f:
            return f.read()[-3000:]

    def check(self):
        if self.proc.poll() is not None:
            raise RuntimeError("%s exited %d:\n%s" % (self.name, self.proc.returncode,
                                                     self.log_tail()))

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log.close()
        leftovers.remove_runtime(self.prefix)


class Reflector(ChildGateway):
    """dpdk-testpmd in the gateway's place: io forwarding between its two memif client
    ports, one lcore, no other work. Its packet rate is the most the harness can carry
    (testpmd's generator and both memif copies), so a gateway near it is measuring the
    harness rather than itself."""
    name = "reflector"

    def __init__(self, workdir):
        self.workdir = workdir

    def start(self, case, pmd, cpus):
        self.prefix = os.path.basename(self.workdir) + "-refl"
        args = [TESTPMD, "--lcores", "0@%d,1@%d" % cpus, "--no-pci", "--file-prefix",
                self.prefix, "--log-level", "*:warning"] + eal_memory() + [
            "--vdev", "net_memif0,role=client,socket=%s,socket-abstract=no,id=0" % pmd.to_sock,
            "--vdev", "net_memif1,role=client,socket=%s,socket-abstract=no,id=0" % pmd.from_sock,
            "--", "--nb-cores=1", "--forward-mode=io", "--port-topology=paired", "--burst=32",
            "--no-lsc-interrupt"]
        self.log = open(os.path.join(self.workdir, "reflector.log"), "w")
        # stdin a pipe kept open: without -i testpmd forwards until Enter or a signal
        self.proc = subprocess.Popen(args, stdin=subprocess.PIPE, stdout=self.log,
                                     stderr=subprocess.STDOUT)
        self.pid = self.proc.pid

    def worker_tid(self):
        tids = thread_ids(self.pid)
        if len(tids) != 1:
            raise RuntimeError("reflector: %d forwarding threads, expected 1" % len(tids))
        return tids[0]


# --- one case -----------------------------------------------------------------------
def wait_for(gw, cond, timeout, what):
    """Poll cond() until true, the gateway still running; else fail saying what and its log."""
    end = time.monotonic() + timeout
    while not cond():
        gw.check()
        if time.monotonic() > end:
            raise RuntimeError("%s: %s in %.0f s; it said:\n%s"
                               % (gw.name, what, timeout, gw.log_tail()))
        time.sleep(0.2)


def primed(pmd, gw, case):
    """Wait until the gateway sent back as many frames as the pcap holds: every SA met once.
    With many SAs the first round is slow (page faults in fresh state; ipsec-secgw forwards
    nothing for seconds after its links are up at 100,000 SAs), and belongs to no window."""
    wait_for(gw, lambda: pmd.stats()[2]["rx"] >= case.n_frames, case.start_timeout,
             "sent back fewer than %d frames" % case.n_frames)


def measure(case, gw, cpus, runs, seconds, warmup, workdir):
    """Runs of one case on one gateway: [{mpps, gbps, loss, cpp, quiet, why, start_s, mem_kb}],
    start_s the time from the gateway's start until it has sent back one pcap's worth of
    frames (SAs installed, links up, every SA met once), mem_kb its memory after the runs."""
    pcap = case.prepare(workdir)
    pmd = Testpmd(workdir, pcap, (cpus["main"], cpus["gen"]), case.testpmd_eal(),
                  case.n_frames, case.mbuf_size)
    try:
        t_start = time.monotonic()
        gw.start(case, pmd, (cpus["main"], cpus["worker"]))
        wait_for(gw, pmd.links_up, case.start_timeout, "memif links did not come up")
        pmd.cmd("start")
        threads = [("testpmd fwd", pmd.proc.pid, pmd.fwd_tid()),
                   ("%s worker" % gw.name, gw.pid, gw.worker_tid())]
        primed(pmd, gw, case)
        start_s = time.monotonic() - t_start
        time.sleep(warmup)
        ghz = tsc_ghz()
        results = []
        for _ in range(runs):
            pmd.cmd("clear port stats all")
            q = Quiet(threads)
            t0 = time.monotonic()
            time.sleep(seconds / 2)
            q.sample_others()
            time.sleep(seconds / 2)
            st = pmd.stats()
            elapsed = time.monotonic() - t0
            ok, on_cpu, why = q.verdict()
            sent, got = st[1]["tx"], st[2]["rx"]
            worker_ns = on_cpu["%s worker" % gw.name]
            results.append({
                "mpps": got / elapsed / 1e6,
                "gbps": st[2]["rx_bytes"] * 8 / elapsed / 1e9,
                "loss": (sent - got) / sent if sent else 1.0,
                "cpp": worker_ns * ghz / got if got else float("inf"),
                "sent": sent, "got": got, "quiet": ok, "why": why, "start_s": start_s})
        pmd.cmd("stop")
        gw.check()
        mem = memory_kb(gw.pid)
        for r in results:
            r["mem_kb"] = mem
        return results
    finally:
        try:
            gw.stop()
        finally:
            pmd.close()


def as_sent(got, ttl):
    """got, an IPv4 packet a gateway forwarded, as it was sent (TTL ttl), or None if its header
    checksum is wrong or its TTL is neither ttl nor one lower (RFC 1812 asks a router for one
    lower; ipsec-secgw leaves it)."""
    g = IP(bytes(got))
    check = g.copy()
    del check.chksum
    if IP(bytes(check)).chksum != g.chksum or g.ttl not in (ttl, ttl - 1):
        return None
    g.ttl = ttl
    del g.chksum
    return bytes(g)


def verify(case, gw, cpus, workdir, eal_mem):
    """One pass over the case's frames through the gateway, its output checked with scapy
    before anything is timed: in, every inner packet forwarded exactly once; out, ESP from
    the gateway to the peer with the outbound SPI, each decrypting (ICV checked) to one of the
    inner packets, every sequence number (the GCM nonce's counter) once. So both gateways are
    shown to do the same work. Returns the number of frames checked; raises on a wrong one."""
    pcap = os.path.join(workdir, case.name + ".pcap")
    if not os.path.exists(pcap):
        case.write_pcap(pcap)
    out = os.path.join(workdir, "%s-%s-out.pcap" % (case.name, gw.name))
    pmd = Testpmd(workdir, pcap, (cpus["main"], cpus["gen"]), eal_mem, tx_pcap=out)
    try:
        gw.start(case, pmd, (cpus["main"], cpus["worker"]))
        wait_for(gw, pmd.links_up, 30, "memif links did not come up")
        wait_for(gw, gw.ready, 30, "not forwarding")    # frames sent earlier would be lost
        pmd.cmd("start")
        end, got = time.monotonic() + 30, -1
        while time.monotonic() < end:
            time.sleep(0.5)
            now = pmd.stats()[2]["rx"]
            if now >= FRAMES or (now == got and now > 0):   # all back, or no more coming
                break
            got = now
        pmd.cmd("stop")
        gw.check()
    finally:
        try:
            gw.stop()
        finally:
            pmd.close()     # closes port 0: the output pcap is complete
    frames = rdpcap(out)
    want = {}
    for i in range(FRAMES):
        inner = bytes(case.inner(i))
        want[inner] = want.get(inner, 0) + 1
    seqs = set()
    for n, f in enumerate(frames):
        if case.dir == "in":
            got = f[IP]
        else:
            ip = f[IP]
            if (ip.src, ip.dst, ip.proto) != (gateway.LOCAL, gateway.PEER, 50):
                raise RuntimeError("%s, %s: frame %d is not ESP to the peer: %s"
                                   % (case.name, gw.name, n, f.summary()))
            spi, seq = struct.unpack("!II", bytes(ip.payload)[:8])
            if spi != case.tunnel.spi_out or seq in seqs:
                raise RuntimeError("%s, %s: frame %d: SPI %#x, sequence number %d%s"
                                   % (case.name, gw.name, n, spi, seq,
                                      " again" if seq in seqs else ""))
            seqs.add(seq)
            got = case.tunnel.decrypt(f)    # raises if the ICV is wrong
        key = as_sent(got, 64)
        if not want.get(key):
            raise RuntimeError("%s, %s: frame %d is none of the packets sent (or one twice): %s"
                               % (case.name, gw.name, n, f.summary()))
        want[key] -= 1
    if len(frames) != FRAMES:
        raise RuntimeError("%s, %s: %d frames came back of %d"
                           % (case.name, gw.name, len(frames), FRAMES))
    return len(frames)


def telemetry(prefix, *cmds):
    """Answers of a DPDK process's telemetry socket (its runtime directory under
    /var/run/dpdk/<file prefix>), one JSON object per command."""
    path = os.path.join("/var/run/dpdk", prefix, "dpdk_telemetry.v2")
    with socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET) as s:
        s.connect(path)
        json.loads(s.recv(16384).decode())         # the greeting
        out = []
        for c in cmds:
            s.send(c.encode())
            out.append(json.loads(s.recv(65536).decode()))
        return out


def port_out(prefix, device):
    """(packets, bytes) the port named device (e.g. net_null1) has sent, by telemetry."""
    ids = telemetry(prefix, "/ethdev/list")[0]["/ethdev/list"]
    for pid, info in zip(ids, telemetry(prefix, *["/ethdev/info,%d" % i for i in ids])):
        if info["/ethdev/info"]["name"] == device:
            st = telemetry(prefix, "/ethdev/stats,%d" % pid)[0]["/ethdev/stats"]
            return st["opackets"], st["obytes"]
    raise RuntimeError("%s: no port %s among %s" % (prefix, device, ids))


def measure_direct(case, gw, cpus, runs, seconds, warmup, workdir):
    """Runs of one case on one gateway on the direct harness: the gateway's own ports, net_pcap
    infinite_rx in and net_null out, no generator (so no other busy thread on this machine's
    other vCPU); packets out of the output port, read by DPDK telemetry, per second."""
    pcap = os.path.join(workdir, case.name + "-direct.pcap")
    if not os.path.exists(pcap):
        case.write_pcap(pcap, gateway.pcap_mac(0))     # the process's only net_pcap port
    sink = "net_null%d" % (1 if case.dir == "in" else 0)
    t_start = time.monotonic()
    gw.start_direct(case, pcap, (cpus["main"], cpus["worker"]))
    try:
        def sending():
            try:
                return gw.ready() and port_out(gw.prefix, sink)[0] > 0
            except (OSError, KeyError, ValueError):
                return False                        # telemetry not up yet
        wait_for(gw, sending, 60, "sent nothing")
        start_s = time.monotonic() - t_start
        time.sleep(warmup)
        threads = [("%s worker" % gw.name, gw.pid, gw.worker_tid())]
        ghz = tsc_ghz()
        results = []
        for _ in range(runs):
            p0, b0 = port_out(gw.prefix, sink)
            q = Quiet(threads)
            t0 = time.monotonic()
            time.sleep(seconds / 2)
            q.sample_others()
            time.sleep(seconds / 2)
            p1, b1 = port_out(gw.prefix, sink)
            elapsed = time.monotonic() - t0
            ok, on_cpu, why = q.verdict()
            got = p1 - p0
            results.append({
                "mpps": got / elapsed / 1e6, "gbps": (b1 - b0) * 8 / elapsed / 1e9,
                "loss": 0.0,
                "cpp": on_cpu["%s worker" % gw.name] * ghz / got if got else float("inf"),
                "sent": got, "got": got, "quiet": ok, "why": why, "start_s": start_s})
        mem = memory_kb(gw.pid)
        for r in results:
            r["mem_kb"] = mem
        gw.check()
        return results
    finally:
        gw.stop()


def summary(results, noisy_ok):
    """Median and spread over the runs that count; None if none does."""
    use = [r for r in results if r["quiet"] or noisy_ok]
    if not use:
        return None
    med = {k: statistics.median(r[k] for r in use) for k in ("mpps", "gbps", "loss", "cpp")}
    mp = [r["mpps"] for r in use]
    med["spread"] = (max(mp) - min(mp)) / med["mpps"] if med["mpps"] else 0.0
    med["runs"] = len(use)
    med["noisy"] = any(not r["quiet"] for r in use)
    return med


def memory_kb(pid):
    """A process's resident memory: VmRSS and hugetlb pages (not in VmRSS), in KiB."""
    with open("/proc/%d/status" % pid) as f:
        st = dict(re.findall(r"^(VmRSS|HugetlbPages):\s+(\d+) kB", f.read(), re.M))
    return sum(int(v) for v in st.values())


def no_huge(mb):
    """EAL on ordinary 4 KiB pages: mb of address space, resident only once touched."""
    return ["--no-huge", "--no-shconf", "-m", str(mb)]


def dpsecd_sa_sizing(n_sas):
    """(dataplane.sa_max, EAL megabytes) for dpsecd with n_sas SAs: the SA database's
    capacity a power of two, about 1 KiB of DPDK memory per SA, and room."""
    sa_max = 16
    while sa_max < n_sas:
        sa_max *= 2
    return sa_max, 512 + n_sas // 1000


def eal_memory():
    """Hugepages when the machine has them free (--in-memory), else --no-huge --no-shconf
    (--no-huge implies legacy memory, which --in-memory refuses)."""
    try:
        with open("/proc/meminfo") as f:
            free = int(re.search(r"HugePages_Free:\s+(\d+)", f.read()).group(1))
    except (OSError, AttributeError):
        free = 0
    return ["--in-memory"] if free >= 512 else no_huge(1024)


def parse_cpus(text):
    parts = [int(x) for x in text.split(",")]
    if len(parts) != 3:
        raise ValueError("--cpus MAIN,GEN,WORKER")
    return {"main": parts[0], "gen": parts[1], "worker": parts[2]}


def default_cpus():
    n = os.cpu_count() or 1
    return "0,1,2" if n >= 3 else "0,0,1"


def stop_on_signal():
    """SIGTERM ends the benchmark through atexit, so the processes and files go."""
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
