"""What goes over a veth, counted by IP protocol: a packet socket in the namespace, next to
dpsecd's own net_af_packet socket, for a few seconds. Used to tell plain ESP (IP protocol
50) from ESP in UDP 4500 (RFC 3948) on the wire.

It sees what arrives on the veth, not what dpsecd sends from it (net_af_packet's transmit
bypasses the taps): watch both ends of a link to see both directions."""
import json
import subprocess

COUNTER = r"""
import json, socket, struct, sys, time
s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(3))   # ETH_P_ALL
s.bind((sys.argv[1], 0))
s.settimeout(0.2)
end, n = time.monotonic() + float(sys.argv[2]), {}
while time.monotonic() < end:
    try:
        f = s.recv(65535)
    except socket.timeout:
        continue
    if len(f) < 34 or f[12:14] != b"\x08\x00":
        continue
    ihl, proto = (f[14] & 15) * 4, f[23]
    key = str(proto)
    if proto == 17 and len(f) >= 14 + ihl + 4:
        key = "udp/%d" % struct.unpack("!H", f[14 + ihl + 2:14 + ihl + 4])[0]
    n[key] = n.get(key, 0) + 1
print(json.dumps(n))
"""


def count_protocols(ends, seconds):
    """For each (namespace, device) of ends, at the same time: {"50": ESP frames,
    "udp/4500": NAT-T frames, "udp/500": IKE, ...} received there during seconds."""
    procs = [subprocess.Popen(["ip", "netns", "exec", ns, "/usr/bin/python3", "-c", COUNTER,
                               dev, str(seconds)], stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True) for ns, dev in ends]
    out = []
    for (ns, dev), p in zip(ends, procs):
        try:
            so, se = p.communicate(timeout=seconds + 30)
        except subprocess.TimeoutExpired:
            p.kill()
            so, se = p.communicate()
        if p.returncode != 0:
            raise RuntimeError("capture on %s/%s: %s" % (ns, dev, se))
        out.append(json.loads(so))
    return out
