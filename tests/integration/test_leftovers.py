#!/usr/bin/python3
"""What an integration run leaves on the machine (dpsectest/leftovers.py):

   a killed run, pid D (gone)        a live run, pid L             this run
   netns dpsec<D>-x  + a process     netns dpsec<L>-x              netns dpsec<PID>-x
   <tmp>/dpsec-kind-<D>-XXXX         <tmp>/dpsec-kind-<L>-XXXX     <tmp>/dpsec-kind-<PID>-XXXX
     + a process naming it             + a process naming it
   <runtime>/dpsec-kind-<D>-XXXX     <runtime>/dpsec-kind-<L>-XXXX
   <runtime>/dpsec<D>-gwb            <runtime>/dpsec<L>-gwb
                 |
              sweep() --> D's gone and its processes ended; L's, this run's and
                          whatever is named otherwise (dpsec-<D>-x) untouched

- the sweep on made-up leftovers of a dead pid, next to a live pid's and this run's;
- a real run (a dpsecd on pcap ports, and one in namespaces) killed with SIGKILL: its
  namespaces, directories and both dpsecd processes are there, and the sweep ends them all;
- a run that ends, passing or failing with an exception, leaves nothing named after it:
  no namespace, directory, DPDK runtime directory or process.
"""
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(__file__))
from dpsectest import leftovers  # noqa: E402

PY = "/usr/bin/python3"
SLEEPER = [PY, "-c", "import time; time.sleep(600)"]

# A run as the integration tests make one: a Gateway (dpsecd on pcap ports) and a
# Topology with dpsecd in namespaces. argv[1]: "ok" (closes both), "failed" (an
# exception, so only atexit cleans up) or "killed" (waits to be killed).
CHILD = r"""
import sys, time
sys.path.insert(0, sys.argv[2])
from dpsectest.gateway import Gateway
from dpsectest.netns import GWA_OUT, Topology
gw = Gateway(transforms=["esp-aes 128", "esp-sha256-hmac"]).start()
gw.cli("show version")
t = Topology().__enter__()
t.start('''transform_sets: {TS: {transforms: [esp-aes 128, esp-sha256-hmac]}}
crypto_maps:
  VPN: [{seq: 10, peer: %s, transform_set: TS, match: [{src: 198.51.100.0/24, dst: 0.0.0.0/0}]}]
''' % GWA_OUT)
t.cli("show version")
print("ready %d %d" % (gw.proc.pid, t.proc.pid), flush=True)
if sys.argv[1] == "killed":
    time.sleep(600)
elif sys.argv[1] == "failed":
    raise AssertionError("a failing test")
gw.stop()
gw.close()
t.close()
"""


def dead_pid():
    """A pid that existed a moment ago and does not now."""
    p = subprocess.Popen(["true"])
    p.wait()
    assert not leftovers.pid_alive(p.pid)
    return p.pid


def gone(pid):
    """No such process, or only its zombie (its parent was killed before reaping it)."""
    try:
        with open("/proc/%d/stat" % pid) as f:
            return f.read().rsplit(")", 1)[1].split()[0] == "Z"
    except FileNotFoundError:
        return True


def named_after(pid):
    """Everything on the machine that carries pid in its name as leftovers.py names things:
    namespaces, temporary and DPDK runtime directories, and processes whose command line
    names one of those (dpsecd -c <dir>/gw.yaml, --file-prefix dpsec<pid>-gwb)."""
    ns = re.compile(r"^dpsec%d-" % pid)
    tmp = re.compile(r"^dpsec-[a-z]+-%d-" % pid)
    found = ["netns " + n for n in leftovers.netns_names() if ns.match(n)]
    found += [os.path.join(tempfile.gettempdir(), n)
              for n in os.listdir(tempfile.gettempdir()) if tmp.match(n)]
    if os.path.isdir(leftovers.RUNTIME):
        found += [os.path.join(leftovers.RUNTIME, n) for n in os.listdir(leftovers.RUNTIME)
                  if tmp.match(n) or ns.match(n)]
    cmd = re.compile(rb"dpsec-[a-z]+-%d-|dpsec%d-" % (pid, pid))
    for d in os.listdir("/proc"):
        if d.isdigit() and int(d) != os.getpid():
            try:
                with open("/proc/%s/cmdline" % d, "rb") as f:
                    if cmd.search(f.read()):
                        found.append("process %s" % d)
            except OSError:
                pass
    return found


class Sweep(unittest.TestCase):
    def setUp(self):
        self.procs, self.netns, self.dirs = [], [], []

    def tearDown(self):
        for p in self.procs:
            if p.poll() is None:
                p.kill()
            p.wait()
        for n in self.netns:
            subprocess.run(["ip", "netns", "del", n], capture_output=True)
        for d in self.dirs:
            shutil.rmtree(d, ignore_errors=True)

    def spawn(self, args):
        p = subprocess.Popen(args)
        self.procs.append(p)
        return p

    def add_netns(self, name, with_process):
        subprocess.run(["ip", "netns", "add", name], check=True, capture_output=True)
        self.netns.append(name)
        # ip netns exec execs the command: the pid is the process in the namespace
        return self.spawn(["ip", "netns", "exec", name] + SLEEPER) if with_process else None

    def add_dir(self, base, name):
        path = os.path.join(base, name)
        os.makedirs(path)
        self.dirs.append(path)
        with open(os.path.join(path, "gw.yaml"), "w") as f:
            f.write("hostname: left\n")
        return path

    def leave(self, pid):
        """What a run with this pid leaves: {what: (path or netns name, process or None)}."""
        tmp, rt = tempfile.gettempdir(), leftovers.RUNTIME
        os.makedirs(rt, exist_ok=True)
        left = {"netns": ("dpsec%d-x" % pid, self.add_netns("dpsec%d-x" % pid, True))}
        d = self.add_dir(tmp, "dpsec-kind-%d-ab12cd34" % pid)
        left["tmp"] = (d, self.spawn(SLEEPER + [os.path.join(d, "gw.yaml")]))
        left["runtime"] = (self.add_dir(rt, "dpsec-kind-%d-ab12cd34" % pid), None)
        left["runtime-ns"] = (self.add_dir(rt, "dpsec%d-gwb" % pid), None)
        return left

    @staticmethod
    def there(name):
        """A directory (a path) or a namespace (a name) exists."""
        return os.path.isdir(name) if name.startswith("/") else name in leftovers.netns_names()

    def test_sweep_takes_dead_leaves_live(self):
        live = self.spawn(SLEEPER)
        dead = self.leave(dead_pid())
        alive = self.leave(live.pid)
        own = self.leave(leftovers.PID)
        other_pid = dead_pid()
        others = [self.add_dir(tempfile.gettempdir(), "dpsec-%d-x" % other_pid),
                  self.add_dir(leftovers.RUNTIME, "dpsec-%d-x" % other_pid)]
        self.add_netns("dpsec-%d-x" % other_pid, False)
        for name, _ in list(dead.values()) + list(alive.values()) + list(own.values()):
            self.assertTrue(self.there(name), name)

        swept = leftovers.sweep()

        for what, (name, proc) in dead.items():
            self.assertFalse(self.there(name), what)
            self.assertIn(name if name.startswith("/") else "netns " + name, swept)
            if proc is not None:
                self.assertEqual(proc.wait(timeout=10), -signal.SIGKILL, what)
        for what, (name, proc) in list(alive.items()) + list(own.items()):
            self.assertTrue(self.there(name), what)
            if proc is not None:
                self.assertIsNone(proc.poll(), what)
        self.assertIsNone(live.poll())
        for d in others:
            self.assertTrue(os.path.isdir(d), d)
        self.assertIn("dpsec-%d-x" % other_pid, leftovers.netns_names())


class Run(unittest.TestCase):
    def run_child(self, mode):
        p = subprocess.Popen([PY, "-c", CHILD, mode, os.path.dirname(os.path.abspath(__file__))],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        line = p.stdout.readline()
        if not line.startswith("ready "):
            p.kill()
            out, err = p.communicate()
            self.fail("the run did not start: %s%s%s" % (line, out, err))
        return p, [int(x) for x in line.split()[1:]]

    def test_killed_run_swept(self):
        """SIGKILL while both dpsecd run: everything stays behind, and the sweep ends it."""
        p, daemons = self.run_child("killed")
        try:
            p.kill()
            p.wait()
            left = named_after(p.pid)
            for kind in ("netns dpsec%d-gwa" % p.pid, "netns dpsec%d-gwb" % p.pid):
                self.assertIn(kind, left)
            for pattern in (r"/dpsec-it-%d-" % p.pid, r"/dpsec-ns-%d-" % p.pid,
                            r"/dpsec%d-gwb$" % p.pid):
                self.assertTrue(any(re.search(pattern, x) for x in left), (pattern, left))
            for pid in daemons:
                self.assertFalse(gone(pid), "dpsecd %d outlived the run" % pid)

            swept = leftovers.sweep()

            self.assertEqual(named_after(p.pid), [], swept)
            for pid in daemons:
                self.assertTrue(gone(pid), "dpsecd %d was ended" % pid)
        finally:
            for pid in daemons:
                if not gone(pid):
                    os.kill(pid, signal.SIGKILL)

    def test_ended_runs_leave_nothing(self):
        """A run that passes, and one that fails with an exception: nothing named after it."""
        for mode, rc in (("ok", 0), ("failed", 1)):
            p, daemons = self.run_child(mode)
            out, err = p.communicate(timeout=120)
            self.assertEqual(p.returncode, rc, err)
            self.assertEqual(named_after(p.pid), [], mode)
            for pid in daemons:
                self.assertTrue(gone(pid), "%s: dpsecd %d was stopped" % (mode, pid))


if __name__ == "__main__":
    leftovers.sweep_once()
    unittest.main(verbosity=2)
