#!/usr/bin/python3
"""The dpsec demo: gwB (dpsecd) on DPDK virtual devices, with real ESP traffic
from an independent implementation (scapy) playing gwA and the hosts.

   host1 10.0.0.1 --- gwA 192.0.2.1 ====== ESP ====== 192.0.2.2 gwB (dpsecd) 10.0.2.1 --- host2 10.0.2.2
                      (scapy)                          config/gwB-demo.yaml           (scapy)

gwA sends host1's pings to host2 through the tunnel; host2 answers; gwB
decrypts one way and encrypts the other. Mixed in, the traffic of the seed
documents' trouble: gwA still using an SA gwB has lost (SPI 0xB761863E), a
replayed packet and a corrupted one. At the end: the IOS views of what
happened, and gwA decrypting host2's answers.
"""
import os
import re
import signal
import subprocess
import sys
import time

from scapy.layers.inet import ICMP, IP
from scapy.layers.ipsec import ESP, SecurityAssociation
from scapy.layers.l2 import Ether
from scapy.utils import rdpcap, wrpcap

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BUILD = os.environ.get("DPSEC_BUILD", os.path.join(TOP, "build"))
CONFIG = os.path.join(TOP, "config", "gwB-demo.yaml")
SOCK = "/tmp/dpsec-gwB.sock"
PCAP = {n: "/tmp/gwB-%s.pcap" % n for n in ("inside-rx", "inside-tx", "outside-rx", "outside-tx")}

# From config/gwB-demo.yaml (documentation-only keys)
KEY_TO_GWB = bytes.fromhex("000102030405060708090a0b0c0d0e0f10111213")
KEY_FROM_GWB = bytes.fromhex("202122232425262728292a2b2c2d2e2f30313233")
GWA_MAC, HOST2_MAC = "02:00:00:00:0a:01", "02:00:00:00:02:02"
# gwB's ports are net_pcap devices: inside0 (the first) 02:70:63:61:70:00, outside0 :01
GWB_IN_MAC, GWB_OUT_MAC = "02:70:63:61:70:00", "02:70:63:61:70:01"
PINGS = 10


def banner(text):
    print("\n" + "=" * 78 + "\n  " + text + "\n" + "=" * 78, flush=True)


def cli(command):
    out = subprocess.run([os.path.join(BUILD, "src/cli/dpsec"), "-s", SOCK] + command.split(),
                         capture_output=True, text=True, timeout=10)
    return out.stdout + out.stderr


def traffic():
    """What gwA sends to gwB's outside, and what host2 sends to gwB's inside."""
    to_gwb = SecurityAssociation(ESP, spi=0x1001, crypt_algo="AES-GCM", crypt_key=KEY_TO_GWB,
                                 tunnel_header=IP(src="192.0.2.1", dst="192.0.2.2"))
    stale = SecurityAssociation(ESP, spi=0xB761863E, crypt_algo="AES-GCM",
                                crypt_key=os.urandom(20),
                                tunnel_header=IP(src="192.0.2.1", dst="192.0.2.2"))
    outside, inside = [], []
    for i in range(1, PINGS + 1):
        ping = IP(src="10.0.0.1", dst="10.0.2.2") / ICMP(id=1, seq=i) / (b"dpsec demo %02d" % i)
        outside.append(Ether(src=GWA_MAC, dst=GWB_OUT_MAC) / to_gwb.encrypt(ping, seq_num=i))
        reply = IP(src="10.0.2.2", dst="10.0.0.1") / ICMP(type=0, id=1, seq=i) / \
            (b"dpsec demo %02d" % i)
        inside.append(Ether(src=HOST2_MAC, dst=GWB_IN_MAC) / reply)
    ping = IP(src="10.0.0.1", dst="10.0.2.2") / ICMP(id=2, seq=1)
    for i in range(3):       # an SA gwB no longer knows: %CRYPTO-4-RECVD_PKT_INV_SPI
        outside.append(Ether(src=GWA_MAC, dst=GWB_OUT_MAC) / stale.encrypt(ping, seq_num=40 + i))
    outside.append(outside[3])                                   # replayed
    late = IP(src="10.0.0.1", dst="10.0.2.2") / ICMP(id=1, seq=PINGS + 1)
    bad = bytearray(bytes(Ether(src=GWA_MAC, dst=GWB_OUT_MAC) /
                          to_gwb.encrypt(late, seq_num=PINGS + 1)))
    bad[-5] ^= 0x40                                              # ICV corrupted in transit
    outside.append(Ether(bytes(bad)))
    return outside, inside


def wait_received(expect):
    for _ in range(200):
        rx = [int(n) for n in re.findall(r"(\d+) packets input", cli("show interfaces"))]
        if sum(rx) >= expect:
            return
        time.sleep(0.05)
    raise SystemExit("demo: dpsecd did not receive the traffic")


def main():
    outside, inside = traffic()
    wrpcap(PCAP["outside-rx"], outside)
    wrpcap(PCAP["inside-rx"], inside)
    for p in ("outside-tx", "inside-tx"):
        if os.path.exists(PCAP[p]):
            os.unlink(PCAP[p])

    banner("dpsecd -c config/gwB-demo.yaml")
    d = subprocess.Popen([os.path.join(BUILD, "src/daemon/dpsecd"), "-c", CONFIG])
    try:
        for _ in range(200):
            if os.path.exists(SOCK) or d.poll() is not None:
                break
            time.sleep(0.05)
        if d.poll() is not None:
            raise SystemExit("demo: dpsecd exited with %d" % d.returncode)
        wait_received(len(outside) + len(inside))
        time.sleep(0.3)
        for command in ("show crypto ipsec sa",
                        "show platform hardware qfp active feature ipsec datapath drops",
                        "show platform hardware qfp active statistics drop | include Ipsec",
                        "show interfaces"):
            banner("gwB# " + command)
            print(cli(command), end="", flush=True)
    finally:
        d.send_signal(signal.SIGINT)
        rc = d.wait(timeout=30)
    if rc != 0:
        raise SystemExit("demo: dpsecd exited with %d" % rc)

    banner("gwA decrypts what gwB sent back (scapy)")
    from_gwb = SecurityAssociation(ESP, spi=0x2001, crypt_algo="AES-GCM", crypt_key=KEY_FROM_GWB,
                                   tunnel_header=IP(src="192.0.2.2", dst="192.0.2.1"))
    ok = 0
    for frame in rdpcap(PCAP["outside-tx"]):
        spi, seq = frame[ESP].spi, frame[ESP].seq   # decrypt() consumes the ESP layer
        inner = from_gwb.decrypt(frame[IP])
        print("  ESP spi 0x%08X seq %-3d -> %s" % (spi, seq, inner.summary()))
        ok += inner.haslayer(ICMP) and inner[ICMP].type == 0
    delivered = len(rdpcap(PCAP["inside-tx"]))
    print("\n  host2 received %d of %d pings; gwA decrypted %d of %d replies." %
          (delivered, PINGS, ok, PINGS))
    if delivered != PINGS or ok != PINGS:
        raise SystemExit("demo: traffic did not get through")


if __name__ == "__main__":
    sys.exit(main())
