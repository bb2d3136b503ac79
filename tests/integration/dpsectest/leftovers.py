"""What an integration test run leaves on the machine, and how it goes away.

Everything a run creates is named after its pid:

   network namespaces        dpsec<pid>-<name>                 (netns.py)
   temporary directories     <tmp>/dpsec-<kind>-<pid>-XXXXXXXX  (mkdtemp below)
   DPDK runtime directories  <runtime>/<file-prefix>, the file prefix being
                             either name (dpsecd's EAL creates them)

A run removes its own when it is done with them and, failed or not, at exit
(atexit). A run that was killed cannot: the next run sweeps, once, before it
creates anything, what is named after a pid that no longer exists, and ends
the processes still running in those namespaces or from those directories (a
dpsecd outlives the test that was killed). Names of live pids are never
touched, since other runs may be going on in parallel; nor is anything named
otherwise.
"""
import atexit
import os
import re
import shutil
import signal
import subprocess
import tempfile

PID = os.getpid()
NETNS_PREFIX = "dpsec%d-" % PID
# Where DPDK puts a process's runtime directory (eal_create_runtime_dir()).
RUNTIME = "/var/run/dpdk" if os.geteuid() == 0 else \
    os.path.join(os.environ.get("XDG_RUNTIME_DIR", "/tmp"), "dpdk")

_NETNS = re.compile(r"^dpsec(\d+)-")
_TMPDIR = re.compile(r"^dpsec-[a-z]+-(\d+)-")
_swept = False


def pid_alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True     # someone else's process: alive
    return True


def _dead_owner(name, pattern):
    m = pattern.match(name)
    return m is not None and int(m.group(1)) != PID and not pid_alive(int(m.group(1)))


def _listdir(path):
    try:
        return os.listdir(path)
    except FileNotFoundError:
        return []


def netns_names():
    out = subprocess.run(["ip", "netns", "list"], capture_output=True, text=True,
                         check=True).stdout
    return [line.split()[0] for line in out.splitlines() if line.strip()]


def _kill(pids):
    for pid in pids:
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass


def _pids_using(path):
    """Processes whose command line names path (a dead run's dpsecd -c <dir>/gw.yaml)."""
    pids = []
    for d in _listdir("/proc"):
        if d.isdigit():
            try:
                with open("/proc/%s/cmdline" % d, "rb") as f:
                    if path.encode() in f.read():
                        pids.append(int(d))
            except OSError:
                pass
    return pids


def sweep():
    """Remove what killed runs left: their processes (a dpsecd outlives the test that was
    killed), namespaces, temporary and DPDK runtime directories. Returns what went."""
    gone = []
    for ns in netns_names():
        if _dead_owner(ns, _NETNS):
            pids = subprocess.run(["ip", "netns", "pids", ns], capture_output=True,
                                  text=True).stdout.split()
            _kill(int(p) for p in pids)
            subprocess.run(["ip", "netns", "del", ns], capture_output=True)
            gone.append("netns " + ns)
    for base, patterns in ((tempfile.gettempdir(), (_TMPDIR,)), (RUNTIME, (_TMPDIR, _NETNS))):
        for name in _listdir(base):
            if any(_dead_owner(name, p) for p in patterns):
                path = os.path.join(base, name)
                if base != RUNTIME:
                    _kill(_pids_using(path))
                shutil.rmtree(path, ignore_errors=True)
                gone.append(path)
    return gone


def sweep_once():
    global _swept
    if not _swept:
        _swept = True
        sweep()


def remove_runtime(file_prefix):
    """The runtime directory of a DPDK process of this run (once it has exited)."""
    shutil.rmtree(os.path.join(RUNTIME, file_prefix), ignore_errors=True)


def remove_dir(path):
    """A directory of this run, and the DPDK runtime directory named after it."""
    shutil.rmtree(path, ignore_errors=True)
    remove_runtime(os.path.basename(path))


def mkdtemp(kind):
    """A temporary directory of this run (kind: a-z), removed at exit at the latest."""
    sweep_once()
    path = tempfile.mkdtemp(prefix="dpsec-%s-%d-" % (kind, PID))
    atexit.register(remove_dir, path)
    return path
