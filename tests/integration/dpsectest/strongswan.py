"""strongSwan 5.9.8 (charon + kernel-libipsec) as a real IKEv2 peer, one per
network namespace. See ../shared/reference/strongswan-peer.md for why it is
set up this way:

- the kernel here has no ESP, so charon does ESP in userspace through a TUN
  device (kernel-libipsec, loaded before kernel-netlink);
- libipsec only takes UDP-encapsulated SAs, so charon fakes a NAT and both
  sides speak ESP-in-UDP on port 4500;
- every instance gets its own strongswan.conf, vici socket, pid directory
  (a private /run bind-mounted inside the namespace) and log file.

Usage:
    peer = Charon(ns, workdir, name="gwa")
    peer.start(connections=SWANCTL_CONF_TEXT, secrets=...)
    peer.initiate("gw-gw")             # or start_action = start in the config
    peer.list_sas()                     # parsed `swanctl --list-sas --raw`
    peer.stop()
"""
import os
import re
import signal
import subprocess
import time

PLUGINS = ("random nonce openssl aes sha1 sha2 hmac gcm kdf pem pkcs1 pubkey x509 "
           "curve25519 kernel-libipsec kernel-netlink socket-default vici updown")


def _must(cmd, **kw):
    r = subprocess.run(cmd, capture_output=True, text=True, **kw)
    if r.returncode != 0:
        raise RuntimeError("%s failed (%d): %s%s" % (" ".join(cmd), r.returncode, r.stdout,
                                                      r.stderr))
    return r


class Charon:
    """One charon in network namespace ns, all its files under workdir/name."""

    def __init__(self, ns, workdir, name):
        self.ns = ns
        self.name = name
        self.dir = os.path.join(workdir, name)
        self.run = os.path.join(self.dir, "run")
        self.conf = os.path.join(self.dir, "strongswan.conf")
        self.swanctl_dir = os.path.join(self.dir, "swanctl")
        self.vici = os.path.join(self.dir, "charon.vici")
        self.log = os.path.join(self.dir, "charon.log")
        self.proc = None
        os.makedirs(self.run, exist_ok=True)
        os.makedirs(os.path.join(self.swanctl_dir, "conf.d"), exist_ok=True)

    def _env(self):
        env = dict(os.environ)
        env["STRONGSWAN_CONF"] = self.conf
        env["SWANCTL_DIR"] = self.swanctl_dir
        return env

    def write_config(self, swanctl_conf, fragment_size=None):
        """fragment_size: charon.fragment_size, the IP datagram size of the IKE fragments it
        sends (RFC 7383, when the connection's fragmentation allows it; default 1280)."""
        extra = "  fragment_size = %d\n" % fragment_size if fragment_size else ""
        with open(self.conf, "w") as f:
            f.write("""charon {
%s  load_modular = no
  load = %s
  install_routes = no
  install_virtual_ip = no
  retransmit_timeout = 1.0
  retransmit_base = 1.4
  retransmit_tries = 3
  plugins {
    vici { socket = unix://%s }
    kernel-libipsec { allow_peer_ts = yes }
  }
  filelog {
    main {
      path = %s
      time_format = %%H:%%M:%%S
      ike = 2
      esp = 2
      cfg = 1
      knl = 1
      net = 1
      default = 1
      flush_line = yes
    }
  }
}
swanctl { socket = unix://%s }
""" % (extra, PLUGINS, self.vici, self.log, self.vici))
        with open(os.path.join(self.swanctl_dir, "swanctl.conf"), "w") as f:
            f.write(swanctl_conf)
        os.chmod(os.path.join(self.swanctl_dir, "swanctl.conf"), 0o600)

    def start(self, swanctl_conf, timeout=20.0, fragment_size=None):
        self.write_config(swanctl_conf, fragment_size)
        cmd = ["ip", "netns", "exec", self.ns, "sh", "-c",
               "mount --bind %s /run && exec /usr/lib/ipsec/charon" % self.run]
        self.proc = subprocess.Popen(cmd, env=self._env(), stdout=subprocess.DEVNULL,
                                     stderr=subprocess.DEVNULL, start_new_session=True)
        deadline = time.monotonic() + timeout
        while not os.path.exists(self.vici):
            if self.proc.poll() is not None:
                raise RuntimeError("charon %s exited (%d); log:\n%s" %
                                   (self.name, self.proc.returncode, self.log_text()))
            if time.monotonic() > deadline:
                raise RuntimeError("charon %s: no vici socket after %.0f s" %
                                   (self.name, timeout))
            time.sleep(0.05)
        self.swanctl("--load-all", "--noprompt")

    def swanctl(self, *args, check=True):
        cmd = ["ip", "netns", "exec", self.ns, "swanctl"] \
            + list(args)
        r = subprocess.run(cmd, env=self._env(), capture_output=True, text=True)
        if check and r.returncode != 0:
            raise RuntimeError("swanctl %s failed: %s%s" % (" ".join(args), r.stdout,
                                                           r.stderr))
        return r.stdout

    def initiate(self, child, timeout=10):
        return self.swanctl("--initiate", "--child", child, "--timeout", str(timeout))

    def terminate_ike(self, ike, timeout=10):
        return self.swanctl("--terminate", "--ike", ike, "--timeout", str(timeout),
                            check=False)

    def list_sas(self):
        """IKE SAs as dicts: name, state, spi_i, spi_r, children {name: {state, spi_in,
        spi_out}} from `swanctl --list-sas --raw` (one vici response per IKE SA)."""
        out = self.swanctl("--list-sas", "--raw")
        sas = []
        for line in out.splitlines():
            m = re.match(r"list-sa event \{(.*)\}\s*$", line.strip())
            if not m:
                continue
            body = m.group(1)
            ike = re.match(r"\s*(\S+) \{", body)
            sa = {"name": ike.group(1) if ike else "?"}
            for key in ("state", "initiator-spi", "responder-spi", "remote-host",
                        "local-host", "remote-port", "local-port", "nat-any"):
                mm = re.search(r"\b%s=(\S+)" % re.escape(key), body)
                if mm:
                    sa[key] = mm.group(1)
            sa["children"] = {}
            for cm in re.finditer(r"child-sas \{(.*)\}", body):
                for ch in re.finditer(r"(\S+) \{([^{}]*)\}", cm.group(1)):
                    fields = dict(re.findall(r"([\w-]+)=(\S+)", ch.group(2)))
                    sa["children"][ch.group(1)] = fields
            sas.append(sa)
        return sas

    def log_text(self):
        try:
            with open(self.log) as f:
                return f.read()
        except OSError:
            return ""

    def stop(self):
        if self.proc is None:
            return
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()
        self.proc = None

    def kill(self):
        """Lose all state at once (the seed's reboot), no DELETE sent."""
        if self.proc is not None and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait()
        self.proc = None
        if os.path.exists(self.vici):
            os.unlink(self.vici)
