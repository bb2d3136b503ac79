#!/usr/bin/python3
"""dpsecd on two worker lcores: one SA each way, its packets arriving on ports polled by
both workers at once, each SA written by its owner worker alone (docs/ARCHITECTURE.md,
"Who writes what"); scapy checks what came out.

   hosts 10.0.2.0/24 --> inside0  10.0.2.1/24  (worker 0) --\\  outbound SA 0x2000, owner 0
   hosts 10.0.3.0/24 --> inside1  10.0.3.1/24  (worker 1) ---> --> outside0 --> scapy (peer)
   scapy (peer 192.0.2.1) --> outside0 192.0.2.2/24 (worker 1) --> inbound SA 0x1000, owner 0
                                                              --> inside0 / inside1

Ports go to workers in turn per role (inside0 -> 0, inside1 -> 1; outside0 -> 1), SAs to
workers by SPI (even -> 0): so inside1's packets and all of outside0's are handed to
worker 0 on its handoff ring, while worker 0 encrypts inside0's packets itself.

- outbound: 2 x N packets from the two inside ports make 2 x N ESP packets numbered
  1 .. 2N, each number once, each with its number as the GCM IV (RFC 4106 3.1: a nonce
  never repeats), each decrypted by scapy to a packet a host sent, every host packet once;
- inbound: N ESP packets from the peer, then the same N again: every packet delivered once
  (to the inside port of its destination), the copies dropped as replays (19 within the
  window, 116 left of it), nothing else dropped;
- `show crypto ipsec sa` --json names each SA's owner worker;
- `show platform hardware qfp active statistics drop` lists what each worker handed off:
  worker 1 all of inside1's packets and all of outside0's (3 x N), worker 0 nothing; its
  `clear` resets them.

A full handoff ring (IpsecHandoffFull) cannot be provoked from here: the owner drains its
ring while net_pcap delivers. tests/unit/dataplane/test_multicore.c fills it with the
workers stopped.
"""
import json
import os
import sys
import unittest

from scapy.layers.inet import IP, UDP
from scapy.layers.l2 import Ether
from scapy.packet import Raw

sys.path.insert(0, os.path.dirname(__file__))
from dpsectest.esp import Tunnel  # noqa: E402
from dpsectest.gateway import (HOST_MAC, LOCAL, PEER, PEER_MAC, Entry, Gateway,  # noqa: E402
                               Interface, drops, pcap_mac)

N = 300     # per inside port, and from the peer: below what a handoff ring holds (1023)
HOSTS = ("10.0.2.5", "10.0.3.5")   # behind inside0, inside1
REMOTE = "10.0.0.7"


def host_packet(port, i):
    return Ether(src=HOST_MAC, dst=pcap_mac(port)) / \
        IP(src=HOSTS[port], dst=REMOTE, id=i & 0xffff) / UDP(sport=1000, dport=2000) / \
        Raw(i.to_bytes(4, "big"))


def peer_inner(i):
    return IP(src=REMOTE, dst=HOSTS[i % 2], id=i) / UDP(sport=2000, dport=1000) / \
        Raw(i.to_bytes(4, "big"))


def index_of(pkt):
    return int.from_bytes(bytes(pkt[UDP].payload)[:4], "big")


class TwoWorkers(unittest.TestCase):
    def test_one_writer_per_sa(self):
        t = Tunnel("gcm128", spi_in=0x1000, spi_out=0x2000)
        ifs = [Interface("inside0", "inside", "10.0.2.1/24", next_hop_mac=HOST_MAC),
               Interface("inside1", "inside", "10.0.3.1/24", next_hop_mac=HOST_MAC),
               Interface("outside0", "outside", LOCAL + "/24", crypto_map="VPN",
                         next_hop_mac=PEER_MAC)]
        entry = Entry(10, [("10.0.2.0/23", "10.0.0.0/24")], t.words, t.manual_sas())
        gw = Gateway(interfaces=ifs, entries=[entry])
        # the control thread and two workers, one on each of two CPUs
        gw.eal_lcores = ["--lcores", "0@0,1@0,2@1"]
        gw.tx_queues = 2        # every worker transmits on its own queue of every port
        from_peer = [t.encrypt(peer_inner(i), seq=i + 1) for i in range(N)]
        for f in from_peer:
            f[Ether].dst = pcap_mac(2)  # outside0 is the third interface
        try:
            gw.start(rx={"inside0": [host_packet(0, i) for i in range(N)],
                         "inside1": [host_packet(1, N + i) for i in range(N)],
                         "outside0": from_peer + from_peer})
            gw.settle()
            d = drops(gw, all_rows=False)
            sas = json.loads(gw.cli("--json show crypto ipsec sa"))
            handoff = json.loads(gw.cli("--json show platform hardware qfp active statistics "
                                        "drop all"))["handoff"]
            handoff_text = gw.cli("show platform hardware qfp active statistics drop clear")
            cleared = json.loads(gw.cli("--json show platform hardware qfp active statistics "
                                        "drop all"))["handoff"]
            tel = gw.telemetry("/dpsec/workers")
            tx = gw.stop()
        finally:
            gw.close()

        owners = {(sa["direction"], sa["spi"]): sa["worker"]
                  for i in sas["interfaces"] for f in i["flows"] for sa in f["sas"]}
        self.assertEqual(owners, {("in", 0x1000): 0, ("out", 0x2000): 0})
        # every packet worker 1 received was worker 0's SA's (the replays too: the owner drops
        # them); the rings never filled (1023 each, 3 x N < that)
        self.assertEqual(handoff, [{"worker": 0, "lcore": 1, "packets": 0},
                                   {"worker": 1, "lcore": 2, "packets": 3 * N}])
        self.assertIn("\n  worker 1 (lcore 2): %d packets\n" % (3 * N), handoff_text)
        self.assertNotIn("worker 0", handoff_text, "without all, only workers that moved")
        self.assertEqual([w["packets"] for w in cleared], [0, 0], "clear resets them")
        self.assertEqual(tel, {"0": {"lcore": 1, "handoff_pkts": 0},
                               "1": {"lcore": 2, "handoff_pkts": 3 * N}},
                         "telemetry: the raw counts, which clear leaves")
        self.assertEqual(d, {"IN_CD_SW_IPSEC_ANTI_REPLAY_FAIL": 64,
                             "CD_IN_PKT_OUT_OF_WINDOW": N - 64}, "only the copies dropped")

        # outbound: each sequence number (and GCM IV) once, 1 .. 2N, every host packet once
        esp = tx["outside0"]
        self.assertEqual(len(esp), 2 * N)
        seqs, got = [], []
        for frame in esp:
            self.assertEqual(frame[Ether].dst, PEER_MAC)
            self.assertEqual((frame[IP].src, frame[IP].dst), (LOCAL, PEER))
            raw = bytes(frame[IP].payload)
            self.assertEqual(int.from_bytes(raw[0:4], "big"), 0x2000)
            seq = int.from_bytes(raw[4:8], "big")
            self.assertEqual(int.from_bytes(raw[8:16], "big"), seq, "GCM IV = sequence number")
            seqs.append(seq)
            got.append(index_of(t.decrypt(frame)))
        self.assertEqual(sorted(seqs), list(range(1, 2 * N + 1)), "every number once")
        self.assertEqual(sorted(got), list(range(2 * N)), "every host packet once")

        # inbound: each packet delivered once, on the port of its destination
        for port, name in enumerate(("inside0", "inside1")):
            idx = sorted(index_of(f) for f in tx[name])
            self.assertEqual(idx, list(range(port, N, 2)), name)
            for f in tx[name]:
                self.assertEqual(f[IP].dst, HOSTS[port])


if __name__ == "__main__":
    unittest.main(verbosity=2)
