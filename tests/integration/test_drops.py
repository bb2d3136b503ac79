#!/usr/bin/python3
"""Every drop dpsec counts, provoked by a crafted packet through a running
dpsecd and read back through the `dpsec` CLI.

   peer 192.0.2.1 ----ESP---> outside0 192.0.2.2/24, 2001:db8::2/64, MTU 1500  (crypto map VPN)
   peer 198.51.100.1 --ESP--> outside1 198.51.100.2/24, MTU 9000              (crypto map JUMBO)
                                          [ dpsecd gwB ]
   hosts 10.0.2.0/24 <------- inside0 10.0.2.1/24, next_hop_mac
   host 10.0.3.5 only <------ inside1 10.0.3.1/24, one neighbor, no next_hop_mac, MTU 576

Each case below is one row of the drop tables: one IPsec feature reason (its
QFP number) or one global cause with no feature reason. A case sends the
packets that provoke it, each with its fate: dropped for the case's reason,
or, as controls, decapsulated or encapsulated and forwarded. Most cases that
need an SA get a crypto map entry of their own (10.0.2.0/24 <-> 10.1.N.0/24,
manual SAs), so that every row of the tables and every SA counter moved has
one owner. The machinery is dpsectest/dropcase.py; the ESP with a wrong
field is written by dpsectest/craft.py (its own AES and HMAC, checked
against scapy first).

The cases of a test run in one dpsecd (about half a second). Once every
packet received has been sent or dropped, the full tables must be exactly
the sum of the cases' expectations: the feature row (number and name), the
global cause it rolls up into (packets, and octets = the frames' length as
received, Ethernet header included), the SA counter in `show crypto ipsec sa
detail` and --json, every other row and counter unchanged, and every
transmitted frame accounted for (fragments and the ICMP errors the gateway
sends back through a tunnel included, each opened and checked with scapy).
Because each row has one owner, that is each case's delta checked on its
own; if a run disagrees, every case is run again in a dpsecd of its own to
name the one at fault (DPSEC_DROPS_ISOLATE=1 runs them that way from the
start).

Packets for the gateway itself go to the control thread. What it answers
(ARP for its addresses, ICMP echo) is tested in test_ctrl_plane.py and
tests/unit/ctrl/test_ctrl.c; what it does not handle (IKE, until IKEv2 is
wired to it; ARP for other addresses, other ICMP, TCP, IPv6 that is not ESP)
is counted as PuntUnhandled: test_punted_unhandled, whose case is the one to
change when the control thread learns to handle more.
"""
import os
import random
import struct
import sys
import unittest

from scapy.layers.inet import ICMP, IP, TCP, UDP, IPOption, fragment
from scapy.layers.inet6 import (ICMPv6EchoReply, ICMPv6ND_NS, IPv6, IPv6ExtHdrDestOpt,
                                IPv6ExtHdrFragment, IPv6ExtHdrHopByHop, IPv6ExtHdrRouting)
from scapy.layers.ipsec import ESP, SecurityAssociation
from scapy.layers.l2 import ARP, Dot1Q, Dot3, Ether, LLC, STP
from scapy.packet import Raw

sys.path.insert(0, os.path.dirname(__file__))
from dpsectest.craft import NH_NONE, flip  # noqa: E402
from dpsectest.dropcase import (ESPH, ETH, INSIDE1, INSIDE1_6, INSIDE1_MTU,  # noqa: E402
                                JUMBO_LOCAL, JUMBO_PEER, JUMBO_PEER_MAC, LOCAL, LOCAL6, NEIGHBOR,
                                NEIGHBOR_MAC, PEER6, PORT_MAC, Case, Observed, Reason, Tun,
                                check, eth, to_mac, wire)
from dpsectest.gateway import HOST_MAC, PEER, PEER_MAC  # noqa: E402

# One mbuf holds a frame of up to 2048 bytes (RTE_MBUF_DEFAULT_DATAROOM, after 128 bytes of
# headroom): ESP grows the frame in place, so the trailer and ICV must fit in what is left.
MBUF_DATA_ROOM = 2048

# The IPsec feature rows, as the QFP numbers them: (name, the global cause it rolls up into,
# the per-SA counter it also moves when decided with an SA at hand).
FEATURE = {
    1: ("IN_V4_PKT_HIT_INVALID_SA", "IpsecInvalidSa", "invalid_sa"),
    4: ("IN_US_V4_PKT_SA_NOT_FOUND_SPI", "IpsecInput", None),
    7: ("IN_TRANS_V4_IPSEC_PKT_NOT_FOUND_SPI", "IpsecInput", None),
    12: ("IN_US_V6_PKT_SA_NOT_FOUND_SPI", "IpsecInput", None),
    18: ("IN_CD_SW_IPSEC_HARD_EXPIRY", "IpsecInput", "invalid_sa"),
    19: ("IN_CD_SW_IPSEC_ANTI_REPLAY_FAIL", "IpsecInput", "replay_failed"),
    23: ("IN_PKT_HEADPAD_LEN_ERR", "IpsecInput", "invalid_len"),
    25: ("IN_INFRA_V4_PKT_LEN_TOO_BIG", "IpsecInput", "decaps_failed"),
    26: ("IN_INFRA_V6_PKT_LEN_TOO_BIG", "IpsecInput", "decaps_failed"),
    30: ("IN_V4_POST_INPUT_POLICY_FAIL", "IpsecInput", "decaps_failed"),
    31: ("IN_V6_POST_INPUT_POLICY_FAIL", "IpsecInput", "decaps_failed"),
    32: ("OUT_V4_PKT_HIT_INVALID_SA", "IpsecInvalidSa", "invalid_sa"),
    33: ("OUT_V4_PKT_HIT_IKE_START_SP", "IpsecIkeIndicate", None),
    35: ("OUT_V4_PKT_HIT_DENY_DROP_SP", "IpsecDenyDrop", None),
    37: ("OUT_V6_PKT_HIT_INVALID_SA", "IpsecInvalidSa", "invalid_sa"),
    38: ("OUT_V6_PKT_HIT_IKE_START_SP", "IpsecIkeIndicate", None),
    40: ("OUT_V6_PKT_HIT_DENY_DROP_SP", "IpsecDenyDrop", None),
    44: ("OUT_CD_SW_IPSEC_HARD_EXPIRY", "IpsecOutput", "invalid_sa"),
    46: ("OUT_CD_SW_IPSEC_DETECT_SEQ_OVEFLOW", "IpsecOutput", "seq_rollover"),
    48: ("OUT_CANNOT_FRAG_DF_SET_PKT", "IpsecOutput", "encaps_failed"),
    51: ("OUT_INFRA_V4_PKT_LEN_TOO_BIG", "IpsecOutput", "encaps_failed"),
    52: ("OUT_INFRA_V6_PKT_LEN_TOO_BIG", "IpsecOutput", "encaps_failed"),
    56: ("OUT_V4_POST_OUTPUT_POLICY_FAIL", "IpsecOutput", "encaps_failed"),
    57: ("OUT_V6_POST_OUTPUT_POLICY_FAIL", "IpsecOutput", "encaps_failed"),
    62: ("IN_CD_SW_IPSEC_MAC_EXCEPTION", "IpsecInput", "verify_failed"),
    63: ("IN_NAT_DEMUX_FAIL", "IpsecInput", "invalid_prot"),
    65: ("IN_CD_SW_IPSEC_NH_MISMATCH", "IpsecInput", "decaps_failed"),
    70: ("IN_V4_PKT_FRAG_ERR", "IpsecInput", None),
    76: ("CD_SW_PAD_MISMATCH", "IpsecInput", "invalid_len"),
    89: ("IN_PKT_IPVER_INVALID", "IpsecInput", "decaps_failed"),
    110: ("PKT_BUFFER_UNAVAILABLE", "IpsecOutput", "encaps_failed"),
    111: ("OUT_IPV4_SA_NOT_FOUND", "IpsecOutput", None),
    112: ("OUT_IPV6_SA_NOT_FOUND", "IpsecOutput", None),
    116: ("CD_IN_PKT_OUT_OF_WINDOW", "IpsecInput", "replay_failed"),
    117: ("IN_ESP_TRUNCATED", "IpsecInput", "invalid_len"),
    118: ("IN_ESP_BAD_BLOCK_LEN", "IpsecInput", "invalid_len"),
    130: ("IN_REASM_TIMEOUT", "IpsecInput", None),
    131: ("IN_REASM_TABLE_FULL", "IpsecInput", None),
    132: ("IN_REASM_OVERLAP", "IpsecInput", None),
    133: ("IN_REASM_DUPLICATE", "IpsecInput", None),
    134: ("IN_REASM_TOO_MANY_FRAGS", "IpsecInput", None),
    135: ("IN_REASM_TOO_BIG", "IpsecInput", None),
    136: ("IN_REASM_NO_BUFFER", "IpsecInput", None),
}
# Global causes that only count what rolls up into them from the feature rows.
ROLL_UPS = {"IpsecInput", "IpsecOutput", "IpsecInvalidSa", "IpsecIkeIndicate", "IpsecDenyDrop"}
REASONS = {n: Reason(n, *v) for n, v in FEATURE.items()}

# Rows no packet from outside can move, each with why and where it is tested instead.
NOT_PROVOKABLE_HERE = {
    1: "an SA deleted while a received packet holds it: a race between the control thread and "
       "the worker; tests/unit/dataplane/test_esp.c test_invalid_sa marks the SA dying",
    32: "the same race on the outbound SA; tests/unit/dataplane/test_esp.c test_invalid_sa",
    37: "the same race for an IPv6 packet; tests/unit/dataplane/test_ipv6dp.c "
        "test_invalid_sa marks the SA dying",
    "IpsecInvalidSa": "the roll-up of 1, 32 and 37 alone (above)",
    18: "an inbound SA past its hard lifetime: the manual SAs these cases use have no lifetime "
        "(IKE SAs do); tests/unit/dataplane/test_lifetime.c reaches it in packets, bytes and "
        "seconds",
    44: "the same for an outbound SA; tests/unit/dataplane/test_lifetime.c",
    56: "an outbound SA whose negotiated selectors are narrower than the ACL: only IKE SAs "
        "carry selectors (manual SAs have none, and these cases use manual SAs); "
        "tests/unit/dataplane/test_sa_ts.c test_outbound_narrowed and test_outbound_port",
    57: "the same for an IPv6 packet: only IKE SAs carry IPv6 selectors; "
        "tests/unit/dataplane/test_sa_ts6.c test_outbound_narrowed and "
        "test_outbound_port_and_range, and tests/integration/test_ike6.py "
        "test_responder_narrows_ipv6 (a second dpsecd narrows them)",
    20: "libipsec-mb failing a decryption after the ICV verified: no packet can make it; "
        "tests/unit/dataplane/test_esp.c test_crypto_library_failure injects the fault. Also an "
        "AH packet with ESN filling its mbuf to the last byte (no room for the high sequence "
        "bits the ICV covers): net_pcap leaves room; tests/unit/dataplane/test_ah.c "
        "test_esn_no_room builds one",
    45: "libipsec-mb failing an encryption: likewise, test_esp.c test_crypto_library_failure",
    "IpsecTailDrop": "the punt ring to the control thread full: the control thread drains it "
                     "while net_pcap delivers; tests/unit/dataplane/test_link.c test_punt_ring_full "
                     "fills it with no control thread running",
    "IpsecHandoffFull": "the handoff ring of an SA's owner worker full: the owner drains it "
                        "while net_pcap delivers; tests/unit/dataplane/test_multicore.c "
                        "test_handoff_full fills it with the workers stopped",
    "TailDrop": "a full TX queue; net_pcap always takes the whole burst. "
                "tests/unit/dataplane/test_worker.c test_tx_ring_full fills a net_ring port",
    # Transport mode does not exist yet (tunnel mode only): no packet can reach the transport
    # mode SA lookup that counts it. When transport mode lands, a case moves it here.
    7: "transport mode is not implemented, so its SA lookup (and this row) cannot be reached",
    # Tunnel endpoint discovery belongs to dynamic crypto maps, which dpsec does not have.
    "IpsecTedIndicate": "TED (dynamic crypto maps) is not implemented; nothing can start it",
    # Reassembly outcomes that leave fragments held until they time out (3 s of real time,
    # which the accounting here would have to wait out), or need the pool empty.
    130: "fragments of a datagram never completed, dropped at the 3 s timeout: "
         "tests/unit/dataplane/test_reasm.c test_missing_piece_times_out (fake clock)",
    131: "32 datagrams held at once, each left to time out: tests/unit/dataplane/test_reasm.c "
         "test_table_full",
    136: "no mbuf for the whole datagram: tests/unit/dataplane/test_reasm.c test_no_buffer "
         "empties the pool",
    "IpFragErr": "no mbuf for a fragment (the pool empty) while fragmenting for an inside MTU; "
                 "tests/unit/dataplane/test_forward.c test_fragment_no_buffer empties the pool",
}



NO_SPI = 0xc0ffee  # no SA has it


def esp_bytes(spi=NO_SPI, seq=1, n=40):
    """ESP that is only an SPI, a sequence number and some bytes: enough until the SA lookup."""
    return struct.pack("!LL", spi, seq) + bytes((7 * i + 3) & 0xff for i in range(n))


def ike_header(exchange=34):
    """An IKEv2 header (RFC 7296 section 3.1): IKE_SA_INIT from the initiator."""
    return bytes(range(1, 9)) + bytes(8) + bytes([33, 0x20, exchange, 0x08]) + \
        struct.pack("!LL", 0, 28)


def mutated(ip_bytes, **fields):
    """An IPv4 packet with header fields changed (checksum recomputed): what a router may do
    to the fields AH leaves out of its ICV (RFC 4302 3.3.3.1.1.1)."""
    p = IP(ip_bytes)
    for k, v in fields.items():
        setattr(p, k, v)
    del p.chksum
    return bytes(p)


CASES, PUNT_CASES = [], []


def case(row, into=CASES):
    """The function below provokes row (a QFP number, or a global cause with no feature
    reason): it is called once, now, to build its packets."""
    def deco(fn):
        if isinstance(row, str):
            assert row not in ROLL_UPS, "%s only counts what rolls up into it" % row
            REASONS.setdefault(row, Reason(row))
        c = Case(REASONS[row], fn.__name__, fn.__doc__)
        fn(c)
        into.append(c)
        return fn
    return deco


# --- Ethernet and IP headers (classify.c) ---------------------------------------------------

@case("L2HdrErr")
def frame_too_short(c):
    """Frames too short for their Ethernet, IPv4 or IPv6 header (runts, as a NIC might pass)."""
    c.drop("outside0", b"")
    c.drop("outside0", bytes(eth("outside0"))[:13])
    c.drop("outside0", bytes(eth("outside0") / IP(src=PEER, dst=LOCAL, proto=50))[:ETH + 19])
    c.drop("outside0", bytes(eth("outside0") / IPv6(src=PEER6, dst=LOCAL6, nh=50))[:ETH + 39])
    c.drop("inside0", bytes(eth("inside0", HOST_MAC))[:10])
    c.drop("inside0", bytes(eth("inside0", HOST_MAC) / IP(src="10.0.2.5", dst="10.1.1.7"))[:26])


@case("UnknownL2Proto")
def ethertype_not_handled(c):
    """802.1Q and 802.1ad tags, LLDP, MPLS, an 802.3 length field (STP): not IPv4/IPv6/ARP."""
    esp = IP(src=PEER, dst=LOCAL, proto=50) / Raw(esp_bytes())
    c.drop("outside0", wire(eth("outside0") / Dot1Q(vlan=10) / esp))
    c.drop("outside0", wire(eth("outside0", type=0x88a8) / Dot1Q(vlan=20) / Dot1Q(vlan=10) / esp))
    c.drop("outside0", wire(eth("outside0", type=0x88cc) / Raw(bytes(30))))
    c.drop("inside0", wire(eth("inside0", HOST_MAC) / Dot1Q(vlan=2) /
                           IP(src="10.0.2.5", dst="10.1.1.7") / UDP()))
    c.drop("inside0", wire(eth("inside0", HOST_MAC, type=0x8847) / Raw(bytes.fromhex("0001e140")) /
                           IP(src="10.0.2.5", dst="10.1.1.7") / UDP()))
    c.drop("inside0", wire(Dot3(src=HOST_MAC, dst=PORT_MAC["inside0"]) / LLC() / STP()))


@case("L2DstMacMismatch")
def not_for_this_port(c):
    """Another host's frame (a promiscuous virtual device, a switch flooding unknown unicast),
    another port's, or a multicast group nothing here joined (LLDP, STP, IPv4 multicast):
    dropped first, even ESP that would decrypt and a host's packet that would be encrypted.
    Broadcast (ARP) and IPv6 multicast (ND) go on to the other checks (other cases)."""
    t = c.tunnel("gcm128")
    esp = t.esp(1)
    c.drop("outside0", to_mac(esp, "02:00:00:00:99:99"))
    c.drop("outside0", to_mac(esp, PORT_MAC["outside1"]))
    c.drop("outside0", to_mac(esp, "12" + PORT_MAC["outside0"][2:]))
    c.drop("outside0", wire(Ether(src=PEER_MAC, dst="01:80:c2:00:00:0e", type=0x88cc) /
                            Raw(bytes(30))))
    c.drop("inside0", to_mac(t.plain(), "02:00:00:00:02:07"))
    c.drop("inside0", to_mac(t.plain(), PORT_MAC["inside1"]))
    c.drop("inside0", wire(Dot3(src=HOST_MAC, dst="01:80:c2:00:00:00") / LLC() / STP()))
    c.drop("inside0", wire(Ether(src=HOST_MAC, dst="01:00:5e:00:00:fb") /
                           IP(src="10.0.2.5", dst="224.0.0.251") / UDP(sport=5353, dport=5353)))
    c.decap(t, t.inner(), seq=1)     # the copy dropped above moved nothing
    c.encap(t, t.plain(), seq=1)


@case("Ipv4HdrErr")
def ipv4_header_wrong(c):
    """IPv4 version, header length or total length wrong; a UDP length that does not fit."""
    o = eth("outside0")
    esp = Raw(esp_bytes())
    c.drop("outside0", wire(o / IP(src=PEER, dst=LOCAL, proto=50, version=5) / esp))
    c.drop("outside0", wire(o / IP(src=PEER, dst=LOCAL, proto=50, ihl=4) / esp))
    c.drop("outside0", wire(o / IP(src=PEER, dst=LOCAL, proto=50, ihl=15) / Raw(bytes(20))))
    c.drop("outside0", wire(o / IP(src=PEER, dst=LOCAL, proto=50, len=16) / esp))
    c.drop("outside0", wire(o / IP(src=PEER, dst=LOCAL, proto=50, len=300) / esp))
    # UDP to us: the IP payload too short for a UDP header, a UDP length below 8 or past the
    # IP payload (on 4500 and on 500: lengths are checked before the port)
    c.drop("outside0", wire(o / IP(src=PEER, dst=LOCAL, proto=17) / Raw(b"\x11\x94\x11\x94")))
    c.drop("outside0", wire(o / IP(src=PEER, dst=LOCAL) / UDP(sport=4500, dport=4500, len=7) /
                            esp))
    c.drop("outside0", wire(o / IP(src=PEER, dst=LOCAL) / UDP(sport=4500, dport=4500, len=200) /
                            esp))
    c.drop("outside0", wire(o / IP(src=PEER, dst=LOCAL) / UDP(sport=500, dport=500, len=200) /
                            Raw(ike_header())))
    i = eth("inside0", HOST_MAC)
    c.drop("inside0", wire(i / IP(src="10.0.2.5", dst="10.1.1.7", version=6) / UDP()))
    c.drop("inside0", wire(i / IP(src="10.0.2.5", dst="10.1.1.7", len=1000) / UDP()))
    # decrypted, too big for inside1's MTU without DF, with an option whose length runs past
    # the header: it cannot be copied into fragments (a packet that fits goes as it is)
    t = c.tunnel("gcm128", local_net="10.0.3.0/24", local_host=NEIGHBOR)
    bad = IP(bytes(IP(src=t.remote_host, dst=NEIGHBOR, options=[b"\x94\x09\x00\x00"]) /
                   UDP() / Raw(bytes(700))))
    c.drop_in(t, t.esp(1, bad))
    c.decap(t, IP(bytes(IP(src=t.remote_host, dst=NEIGHBOR, options=[b"\x94\x09\x00\x00"]) /
                        UDP() / Raw(bytes(40)))), seq=2, out="inside1", mac=NEIGHBOR_MAC)
    # AH: an outer option whose length runs past the header, so the mutable options cannot
    # be told from the rest for the ICV (RFC 4302 3.3.3.1.1.2); a control with a mutable
    # option (record route, zeroed for the ICV) and an immutable one (router alert, kept)
    a = c.tunnel("ah-sha256")
    c.drop(a.port, a.ah_frame(a.ah_packet(1, a.inner(), ip={"options": [b"\x07\x09\x00\x00"]})))
    c.drop(a.port, a.ah_frame(a.ah_packet(2, a.inner(), ip={"options": [b"\x44\x01\x00\x00"]})))
    p = a.inner()
    c.decap(a, p, a.ah_frame(mutated(a.ah_packet(3, p, ip={"options": [
        b"\x07\x07\x04\x00\x00\x00\x00", b"\x94\x04\x00\x00"]}), ttl=3, tos=0x10)))


def bad_checksum(pkt):
    p = IP(bytes(pkt))
    p.chksum ^= 0x0100
    return p


@case("BadIpChecksum")
def ipv4_checksum_wrong(c):
    """IPv4 header checksum wrong, options included, either side."""
    c.drop("outside0", wire(eth("outside0") /
                            bad_checksum(IP(src=PEER, dst=LOCAL, proto=50) / esp_bytes())))
    c.drop("outside0", wire(eth("outside0") / bad_checksum(
        IP(src=PEER, dst=LOCAL) / UDP(sport=4500, dport=4500) / Raw(b"\xff"))))
    c.drop("outside0", wire(eth("outside0") / bad_checksum(
        IP(src=PEER, dst=LOCAL, proto=50, options=[b"\x01\x01\x01\x00"]) / esp_bytes())))
    c.drop("inside0", wire(eth("inside0", HOST_MAC) /
                           bad_checksum(IP(src="10.0.2.5", dst="10.1.1.7") / UDP())))


@case("Ipv4NoRoute")
def ipv4_no_route(c):
    """Not for us on the outside; no crypto map line inside; decrypted for an unrouted network."""
    c.drop("outside0", wire(eth("outside0") / IP(src=PEER, dst="192.0.2.3", proto=50) /
                            esp_bytes()))
    c.drop("outside0", wire(eth("outside0") / IP(src=PEER, dst=JUMBO_LOCAL, proto=50) /
                            esp_bytes()))
    # a host's packet no crypto map line takes: there is no clear path out, so the host is
    # told "net unreachable" (RFC 1812 4.3.3.1), in clear, through its next hop
    for src, dst in (("10.0.2.5", "172.16.0.1"), ("10.0.9.5", "10.200.0.7")):
        f = wire(eth("inside0", HOST_MAC) / IP(src=src, dst=dst) / UDP())
        c.drop("inside0", f)
        c.icmp_host(f, 3, 0)
    # an entry protecting 10.9.0.0/16, a network no interface or route leads to; no inside
    # address is in it, so no ICMP error could go back through the tunnel
    t = c.tunnel("gcm128", local_net="10.9.0.0/16", local_host="10.9.0.5")
    c.drop_in(t, t.esp(1))
    # an entry protecting 10.0.0.0/8: inside0's 10.0.2.1 is in it, so the source is told
    # "host unreachable" (3/1, RFC 1812 4.3.3.1, as IOS for a missing route) back through it
    t = c.tunnel("gcm128", local_net="10.0.0.0/8", local_host="10.77.0.5")
    inner = t.inner()
    c.drop_in(t, t.esp(1, inner))
    c.icmp_back(t, inner, 3, 1, 0, "10.0.2.1")


@case("Ipv4NoAdj")
def ipv4_no_adjacency(c):
    """Decrypted for inside1, which has no next_hop_mac: only its one neighbor is reachable."""
    t = c.tunnel("cbc128-sha256", local_net="10.0.3.0/24", local_host=NEIGHBOR)
    c.decap(t, t.inner(), seq=1, out="inside1", mac=NEIGHBOR_MAC)
    c.drop_in(t, t.esp(2, t.inner(dst="10.0.3.6")))
    c.drop_in(t, t.esp(3, t.inner(dst="10.0.3.200")))


@case("Ipv4TtlExceeded")
def ttl_exceeded(c):
    """A router does not forward a packet whose TTL would reach 0 (RFC 1812 5.3.1), either way,
    and tells the source (ICMP 11/0): back through the tunnel from the inside interface the
    packet was going to, or in clear to the host on the inside."""
    t = c.tunnel("gcm128")
    c.decap(t, t.inner(ttl=2), seq=1)
    for seq, ttl in ((2, 1), (3, 0)):
        inner = t.inner(ttl=ttl)
        c.drop_in(t, t.esp(seq, inner))
        c.icmp_back(t, inner, 11, 0, 0, "10.0.2.1")
    c.encap(t, t.plain(ttl=2), seq=1)
    for ttl in (1, 0):
        f = t.plain(ttl=ttl)
        c.drop_out(t, f)
        c.icmp_host(f, 11, 0)


@case("Ipv4DirectedBcast")
def broadcasts(c):
    """RFC 1812 5.3.5, IOS `no ip directed-broadcast`: a decrypted packet for an inside
    subnet's broadcast or network address, or for 255.255.255.255, is not forwarded; nor is a
    host's broadcast encrypted into a tunnel (the entry protects 0.0.0.0/0 locally, so only
    this check stands in the way)."""
    t = c.tunnel("cbc128-sha256", local_net="0.0.0.0/0")
    c.decap(t, t.inner(), seq=1)
    for seq, dst in enumerate(("10.0.2.255", "10.0.2.0", "10.0.3.255", "255.255.255.255"), 2):
        c.drop_in(t, t.esp(seq, t.inner(dst=dst)))
    c.decap(t, t.inner(dst="10.0.2.254"), seq=6)
    c.drop("inside0", to_mac(t.plain(dst="10.0.2.255"), "ff:ff:ff:ff:ff:ff"))
    c.drop("inside0", to_mac(t.plain(dst="255.255.255.255"), "ff:ff:ff:ff:ff:ff"))
    c.drop("inside0", t.plain(dst="10.0.2.0"))
    c.encap(t, t.plain(), seq=1)


@case("Ipv6HdrErr")
def ipv6_header_wrong(c):
    """IPv6 version or payload length wrong; a UDP length that does not fit in IPv6."""
    c.drop("outside0", wire(eth("outside0") / IPv6(src=PEER6, dst=LOCAL6, nh=50, version=4) /
                            esp_bytes()))
    c.drop("outside0", wire(eth("outside0") / IPv6(src=PEER6, dst=LOCAL6, nh=50, plen=300) /
                            esp_bytes()))
    c.drop("outside0", wire(eth("outside0") / IPv6(src=PEER6, dst=LOCAL6) /
                            UDP(sport=4500, dport=4500, len=300) / esp_bytes()))


@case("Ipv6UdpCksumErr")
def ipv6_udp_checksum(c):
    """ESP-in-UDP over IPv6 with a zero UDP checksum (allowed only by a per-tunnel agreement,
    RFC 6936, that nothing negotiates: RFC 8200 8.1) or a wrong one. The same datagram with
    its checksum right goes on to the SA lookup (case 12)."""
    t = c.tunnel("gcm128", udp=True)
    u = IPv6(src=PEER6, dst=LOCAL6) / UDP(sport=4500, dport=4500) / esp_bytes(t.spi_in)
    zero, wrong = IPv6(bytes(u)), IPv6(bytes(u))
    zero[UDP].chksum = 0
    wrong[UDP].chksum ^= 0x0100
    c.drop("outside0", wire(eth("outside0") / zero))
    c.drop("outside0", wire(eth("outside0") / wrong))


@case("Ipv6FragErr")
def ipv6_fragment_wrong(c):
    """ESP over IPv6 in fragments (RFC 8200 4.5): a Fragment header cut short, a piece that is
    not the last and not a multiple of 8 bytes, a piece past 65535 bytes once reassembled, a
    first UDP fragment to 4500 too short for the non-ESP marker."""
    c.drop("outside0", wire(eth("outside0") / IPv6(src=PEER6, dst=LOCAL6, nh=44, plen=4) /
                            Raw(b"\x32\x00\x00\x00")))
    c.drop("outside0", wire(eth("outside0") / IPv6(src=PEER6, dst=LOCAL6) /
                            IPv6ExtHdrFragment(nh=50, offset=0, m=1, id=0x4711) /
                            Raw(esp_bytes(n=393))))
    c.drop("outside0", wire(eth("outside0") / IPv6(src=PEER6, dst=LOCAL6) /
                            IPv6ExtHdrFragment(nh=50, offset=8191, m=0, id=0x4712) /
                            Raw(b"\0" * 16)))
    # a first UDP fragment to 4500 (8 bytes, as fragments must be) too short to say whether
    # it is ESP-in-UDP or IKE behind the non-ESP marker (RFC 1858)
    c.drop("outside0", wire(eth("outside0") / IPv6(src=PEER6, dst=LOCAL6) /
                            IPv6ExtHdrFragment(nh=17, offset=0, m=1, id=0x4713) /
                            Raw(b"\x11\x94\x11\x94\x00\x40\x00\x00")))


@case("Ipv6RoutingHdr")
def ipv6_routing_header_left(c):
    """ESP to our address6 behind a routing header with segments left (RFC 8200 4.4: the
    packet is on its way to the next address, which the gateway does not forward to)."""
    c.drop("outside0", wire(eth("outside0") / IPv6(src=PEER6, dst=LOCAL6) /
                            IPv6ExtHdrRouting(nh=50, segleft=1, addresses=["2001:db8::9"]) /
                            esp_bytes()))


@case("Ipv6ExtHdrUnknown")
def ipv6_ext_unknown(c):
    """A mobility header (135, RFC 6275) behind a destination options header to our
    address6: an extension header the gateway does not walk."""
    c.drop("outside0", wire(eth("outside0") / IPv6(src=PEER6, dst=LOCAL6) /
                            IPv6ExtHdrDestOpt(nh=135) / Raw(bytes(16))))


@case("Ipv6NoRoute")
def ipv6_no_route(c):
    """IPv6 not for our address6, on a port without one, or from the inside (no IPv6 policy)."""
    c.drop("outside0", wire(eth("outside0") / IPv6(src=PEER6, dst="2001:db8::99", nh=50) /
                            esp_bytes()))
    c.drop("outside1", wire(eth("outside1", JUMBO_PEER_MAC) /
                            IPv6(src=PEER6, dst=LOCAL6, nh=50) / esp_bytes()))
    c.drop("inside0", wire(eth("inside0", HOST_MAC) /
                           IPv6(src="2001:db8:2::5", dst="2001:db8:1::7") / UDP()))
    c.drop("inside0", wire(Ether(src=HOST_MAC, dst="33:33:ff:00:00:01") /
                           IPv6(src="fe80::5", dst="ff02::1:ff00:1") /
                           ICMPv6ND_NS(tgt="2001:db8:2::1")))


@case("MultiSegUnsupported")
def frame_larger_than_one_mbuf(c):
    """Frames over 2048 bytes arrive as mbuf chains (net_pcap chains them); the fast path
    works on one segment, even on the 9000-byte outside1."""
    c.drop("outside0", wire(eth("outside0") / IP(src=PEER, dst=LOCAL) / UDP() / Raw(bytes(3000))))
    c.drop("outside0", wire(eth("outside0") / IP(src=PEER, dst=LOCAL, proto=50) /
                            esp_bytes(n=2100)))
    c.drop("outside1", wire(eth("outside1", JUMBO_PEER_MAC) /
                            IP(src=JUMBO_PEER, dst=JUMBO_LOCAL, proto=50) /
                            esp_bytes(n=8000)))
    c.drop("inside0", wire(eth("inside0", HOST_MAC) / IP(src="10.0.2.5", dst="10.1.1.7") /
                           UDP() / Raw(bytes(2500))))


@case("IpsecNattKeepalive")
def natt_keepalive(c):
    """RFC 3948 2.3: a one-byte 0xFF UDP 4500 payload is a NAT-keepalive, consumed. An SPI
    that starts with 0xFF is not one."""
    c.drop("outside0", wire(eth("outside0") / IP(src=PEER, dst=LOCAL) /
                            UDP(sport=4500, dport=4500) / Raw(b"\xff")))
    c.drop("outside0", wire(eth("outside0") / IP(src=PEER, dst=LOCAL) /
                            UDP(sport=61001, dport=4500) / Raw(b"\xff")))
    c.drop("outside0", wire(eth("outside0") / IPv6(src=PEER6, dst=LOCAL6) /
                            UDP(sport=4500, dport=4500) / Raw(b"\xff")))
    t = c.tunnel("gcm128", udp=True, spi_in=0xff0000a1)
    c.decap(t, t.inner(), seq=1)


@case("IpsecDummyPacket")
def dummy_packet(c):
    """RFC 4303 2.6: next header 59 is a dummy packet, discarded without a trace."""
    t = c.tunnel("gcm128")
    c.decap(t, t.inner(), seq=1)
    c.drop_in(t, t.outer(t.sa_in.seal(2, b"", nh=NH_NONE)))
    c.drop_in(t, t.outer(t.sa_in.seal(3, os.urandom(45), nh=NH_NONE)))
    a = c.tunnel("ah-sha256")
    c.decap(a, a.inner(), seq=1)
    c.drop_in(a, a.esp(2, b"", nh=NH_NONE))


# --- inbound IPsec (classify.c, esp_in.c) --------------------------------------------------

@case(4)
def unknown_spi(c):
    """No inbound SA for the SPI: raw ESP, AH, ESP-in-UDP (an SPI starting with 0xFF too), an
    outbound SA's SPI, another address's SPI; ESP and AH have SPIs of their own (RFC 4301
    4.1), so AH with an ESP SA's SPI and ESP with an AH SA's are unknown too."""
    t = c.tunnel("gcm128")
    j = c.tunnel("gcm128", jumbo=True)
    a = c.tunnel("ah-sha1")
    c.drop("outside0", wire(eth("outside0") / IP(src=PEER, dst=LOCAL, proto=50) /
                            esp_bytes(a.spi_in)))
    c.drop("outside0", a.ah_frame(a.ah_packet(1, a.inner()).replace(
        struct.pack("!L", a.spi_in), struct.pack("!L", a.spi_out), 1)))
    c.decap(a, a.inner(), seq=1)
    o = eth("outside0")
    c.drop("outside0", wire(o / IP(src=PEER, dst=LOCAL, proto=50) / esp_bytes(0xdead0001)))
    c.drop("outside0", wire(o / IP(src=PEER, dst=LOCAL, proto=50) / esp_bytes(t.spi_out)))
    c.drop("outside0", wire(o / IP(src=PEER, dst=LOCAL, proto=50) / esp_bytes(j.spi_in)))
    c.drop("outside0", wire(o / IP(src=PEER, dst=LOCAL, proto=51) /
                            Raw(struct.pack("!BBHLL", 4, 4, 0, t.spi_in, 1) + bytes(12))))
    c.drop("outside0", wire(o / IP(src=PEER, dst=LOCAL) / UDP(sport=4500, dport=4500) /
                            esp_bytes(0xdead0002)))
    c.drop("outside0", wire(o / IP(src=PEER, dst=LOCAL) / UDP(sport=4500, dport=4500) /
                            esp_bytes(0xff000001)))
    c.drop("outside1", wire(eth("outside1", JUMBO_PEER_MAC) /
                            IP(src=JUMBO_PEER, dst=JUMBO_LOCAL, proto=50) / esp_bytes(t.spi_in)))
    c.decap(t, t.inner(), seq=1)
    c.decap(j, j.inner(), seq=1)


@case(12)
def unknown_spi_ipv6(c):
    """ESP, AH and ESP-in-UDP (its checksum right) to our IPv6 address with an SPI no IPv6
    SA has (that of an IPv4 SA)."""
    t = c.tunnel("gcm128", udp=True)
    o, ip6 = eth("outside0"), IPv6(src=PEER6, dst=LOCAL6)
    c.drop("outside0", wire(o / IPv6(src=PEER6, dst=LOCAL6, nh=50) / esp_bytes(t.spi_in)))
    c.drop("outside0", wire(o / IPv6(src=PEER6, dst=LOCAL6, nh=51) /
                            Raw(struct.pack("!BBHLL", 41, 4, 0, t.spi_in, 1) + bytes(12))))
    c.drop("outside0", wire(o / ip6 / UDP(sport=4500, dport=4500) / esp_bytes(t.spi_in)))
    # behind hop-by-hop and destination options headers: walked to the ESP, looked up
    c.drop("outside0", wire(o / IPv6(src=PEER6, dst=LOCAL6) / IPv6ExtHdrHopByHop(nh=60) /
                            IPv6ExtHdrDestOpt(nh=50) / esp_bytes(t.spi_in)))
    # AH behind a destination options header: walked to, looked up the same way
    c.drop("outside0", wire(o / IPv6(src=PEER6, dst=LOCAL6) / IPv6ExtHdrDestOpt(nh=51) /
                            Raw(struct.pack("!BBHLL", 41, 4, 0, t.spi_in, 1) + bytes(12))))
    c.decap(t, t.inner(), seq=1)


@case(70)
def esp_fragment(c):
    """Fragments of ESP, AH and ESP-in-UDP are reassembled before decryption (RFC 4303
    3.4.1); malformed ones are dropped: MF and not a multiple of 8 bytes, data past 65535
    bytes, two different last fragments (both dropped), a first UDP fragment too short for
    the UDP header and non-ESP marker (RFC 1858)."""
    t = c.tunnel("gcm128")
    u = c.tunnel("gcm128", udp=True)
    esp = t.sa_in.seal(1, bytes(t.inner(size=200)))
    c.drop("outside0", t.outer(esp[:95], flags="MF", id=7001))
    c.drop("outside0", t.outer(esp[:100], frag=8189, id=7002))
    c.drop("outside0", t.outer(esp[96:], frag=12, id=7003))
    c.drop("outside0", t.outer(esp[48:96], frag=6, id=7003))
    c.drop("outside0", wire(eth("outside0") / IP(src=PEER, dst=LOCAL, proto=51, flags="MF") /
                            Raw(struct.pack("!BBHLL", 4, 4, 0, t.spi_in, 1) + bytes(11))))
    dgram = bytes(UDP(sport=4500, dport=4500) / Raw(u.sa_in.seal(1, bytes(u.inner(size=200)))))
    c.drop("outside0", wire(eth("outside0") / IP(src=PEER, dst=LOCAL, proto=17, flags="MF",
                                                 id=7004) / Raw(dgram[:8])))
    c.decap(t, t.inner(), seq=2)


def scapy_fragments(tun, inner, seq, size, order=None):
    """inner encrypted by scapy's own SecurityAssociation with tun's inbound keys (ESP, or
    ESP-in-UDP), cut by scapy's fragment() into size-byte pieces, as frames in this order
    (indices, negative from the end; None: as cut)."""
    s = tun.sa_in
    sa = SecurityAssociation(ESP, spi=s.spi, crypt_algo=s.cipher,
                             crypt_key=(s.key + s.salt) if s.cipher != "NULL" else None,
                             auth_algo=s.auth, auth_key=s.auth_key,
                             tunnel_header=IP(src=tun.peer, dst=tun.local, id=0x6000 + tun.n),
                             nat_t_header=UDP(sport=4500, dport=4500) if tun.udp else None)
    pkt = bytearray(bytes(sa.encrypt(inner, seq_num=seq)))
    if tun.udp:
        # scapy 2.5.0 leaves nat_t_header's length at 8 (the header alone): made the
        # datagram's (RFC 768)
        struct.pack_into("!H", pkt, 24, len(pkt) - 20)
    frags = fragment(IP(bytes(pkt)), fragsize=size)
    return [wire(eth(tun.port) / frags[i]) for i in (order or range(len(frags)))]


@case(132)
def reasm_overlap(c):
    """Fragments that overlap with other bytes drop their datagram, every fragment of it
    (RFC 5722's rule); then ESP-in-UDP from scapy, in fragments last first, is reassembled
    and decrypted."""
    t = c.tunnel("gcm128")
    esp = t.sa_in.seal(1, bytes(t.inner(size=200)))
    # a piece straddling one held, and the same place with one byte changed
    c.drop("outside0", t.outer(esp[:96], flags="MF", id=7101))
    c.drop("outside0", t.outer(esp[48:144], flags="MF", frag=6, id=7101))
    c.drop("outside0", t.outer(esp[:96], flags="MF", id=7102))
    c.drop("outside0", t.outer(esp[:95] + bytes([esp[95] ^ 1]), flags="MF", id=7102))
    u = c.tunnel("cbc256-sha256", udp=True)
    inner = u.inner(size=500)
    c.decap_reassembled(u, inner, scapy_fragments(u, inner, 1, 200, [-1, 1, 0]))


@case(133)
def reasm_duplicate(c):
    """An exact duplicate of a fragment held is dropped alone; the datagram completes. The
    datagram comes from scapy's SecurityAssociation, cut by scapy's fragment() and sent
    shuffled (the brief's cross-check: dpsec reassembles and decrypts it to the original)."""
    t = c.tunnel("cbc128-sha1")
    inner = t.inner(size=900)
    frames = scapy_fragments(t, inner, 1, 128)
    assert len(frames) > 4
    c.drop("outside0", frames[3])
    random.Random(133).shuffle(frames)
    c.decap_reassembled(t, inner, frames)


@case(134)
def reasm_too_many(c):
    """More than 16 fragments to a datagram: all of them dropped. AH in fragments, the
    control, is reassembled and verified."""
    t = c.tunnel("gcm128")
    esp = t.sa_in.seal(1, bytes(t.inner(size=200)))
    for i in range(17):
        c.drop("outside0", t.outer(esp[8 * i:8 * i + 8], flags="MF", frag=i, id=7301))
    a = c.tunnel("ah-sha256")
    inner = a.inner(size=300)
    frags = fragment(IP(a.ah_packet(1, inner, ip={"id": 7302})), fragsize=96)
    c.decap_reassembled(a, inner, [a.ah_frame(bytes(f)) for f in reversed(frags)])


@case(135)
def reasm_too_big(c):
    """Reassembled, larger than one buffer (2048 bytes): both fragments dropped."""
    t = c.tunnel("gcm128")
    esp = t.sa_in.seal(1, bytes(t.inner(size=2100)))
    c.drop("outside0", t.outer(esp[:1200], flags="MF", id=7401))
    c.drop("outside0", t.outer(esp[1200:], frag=150, id=7401))
    c.decap(t, t.inner(), seq=2)


@case(117)
def esp_truncated(c):
    """Shorter than SPI + sequence number (before the SA lookup), or than header, IV, padding
    length, next header and ICV (with the SA: its invalid-length counter)."""
    o = eth("outside0")
    c.drop("outside0", wire(o / IP(src=PEER, dst=LOCAL, proto=50) / Raw(esp_bytes()[:7])))
    c.drop("outside0", wire(o / IP(src=PEER, dst=LOCAL) / UDP(sport=4500, dport=4500) /
                            Raw(esp_bytes()[:7])))
    # two bytes of 0xFF: a keepalive is exactly one
    c.drop("outside0", wire(o / IP(src=PEER, dst=LOCAL) / UDP(sport=4500, dport=4500) /
                            Raw(b"\xff\xff")))
    c.drop("outside0", wire(o / IP(src=PEER, dst=LOCAL, proto=51) / Raw(bytes(11))))
    c.drop("outside0", wire(o / IPv6(src=PEER6, dst=LOCAL6, nh=50) / Raw(esp_bytes()[:7])))
    for xform in ("gcm128", "cbc128-sha1"):
        t = c.tunnel(xform)
        sa = t.sa_in
        c.drop_in(t, t.outer(sa.seal(1, bytes(t.inner()))[:ESPH + sa.iv_len + 1 + sa.icv_len]))
        c.decap(t, t.inner(), seq=2)
    # AH (RFC 4302 2.2): shorter than this SA's header and ICV, or a Payload Length that is
    # not this SA's (a sha512 ICV is 32 bytes: length 9; 4 would be a sha1 ICV's)
    a = c.tunnel("ah-sha512")
    c.drop_in(a, wire(eth("outside0") / IP(src=PEER, dst=LOCAL, proto=51) /
                      Raw(struct.pack("!BBHLL", 4, 9, 0, a.spi_in, 1) + bytes(30))))
    c.drop_in(a, a.esp(2, len_field=4))
    c.drop_in(a, a.esp(3, len_field=10))
    c.decap(a, a.inner(), seq=4)


@case(118)
def esp_bad_block_length(c):
    """The ciphertext must be whole cipher blocks (CBC: 16 bytes) and end 4-byte aligned
    (RFC 4303 2.4), checked before any crypto: the ICVs here are right."""
    for xform, lengths in (("cbc128-sha256", (17, 40)), ("gcm128", (6,)), ("null-sha256", (9,))):
        t = c.tunnel(xform)
        for seq, n in enumerate(lengths, start=1):
            c.drop_in(t, t.outer(t.sa_in.seal_plaintext(seq, os.urandom(n))))
        c.decap(t, t.inner(), seq=len(lengths) + 1)


@case(19)
def replayed(c):
    """RFC 4303 3.4.3: a sequence number already received is a replay, dropped after the ICV
    check (the packets are genuine); GCM and CBC take different paths to the window."""
    for xform in ("gcm128", "cbc256-sha512", "ah-sha1"):
        t = c.tunnel(xform)
        first, second = t.inner(), t.inner()
        c.decap(t, first, seq=1)
        c.drop_in(t, t.esp(1, first))
        c.decap(t, second, seq=2)
        c.drop_in(t, t.esp(1, t.inner()))
        c.drop_in(t, t.esp(2, second))


@case(116)
def left_of_window(c):
    """RFC 4303 3.4.3: with a 64-packet window and 100 received, 36 is too old, 37 is not;
    0 is never valid (the first packet is 1). Counted as 116 whatever the cipher."""
    for xform in ("gcm256", "cbc128-sha1"):
        t = c.tunnel(xform)
        c.decap(t, t.inner(), seq=100)
        c.drop_in(t, t.esp(36))
        c.decap(t, t.inner(), seq=37)
        c.drop_in(t, t.esp(0))
    # the same count for every cipher, wherever the bursts fall: 5 received, then 200, then 5
    # again is left of the window (tests/unit/dataplane/test_esp.c varies the bursts)
    for xform in ("gcm128", "cbc256-sha256", "null-sha256", "ah-sha384"):
        t = c.tunnel(xform)
        five = t.inner()
        c.decap(t, five, seq=5)
        c.decap(t, t.inner(), seq=200)
        c.drop_in(t, t.esp(5, five))


@case(62)
def icv_wrong(c):
    """One bit changed anywhere the ICV covers (ciphertext, IV, sequence number) or in the ICV;
    a forged packet moves nothing, so the genuine ones with the same numbers still pass."""
    for xform in ("gcm128", "cbc128-sha256"):
        t = c.tunnel(xform)
        sa = t.sa_in
        one, two = t.inner(), t.inner()
        esp1, esp2 = sa.seal(1, bytes(one)), sa.seal(2, bytes(two))
        c.drop_in(t, t.outer(flip(esp1, ESPH + sa.iv_len + 5)))       # ciphertext
        c.drop_in(t, t.outer(flip(esp1, -1, 7)))                       # ICV
        c.drop_in(t, t.outer(flip(esp1, ESPH + 1)))                    # IV
        c.drop_in(t, t.outer(esp2[:4] + struct.pack("!L", 1000) + esp2[8:]))  # seq 2 -> 1000
        c.decap(t, one, t.outer(esp1))
        c.decap(t, two, t.outer(esp2))
    # AH: the ICV covers the outer header's immutable fields (a source address), the AH
    # header (sequence number), the inner packet; changing the mutable ones (TOS, DF, TTL)
    # is what routers do, and the genuine packets pass with them changed
    a = c.tunnel("ah-sha256")
    one, two = a.inner(), a.inner()
    ah1, ah2 = a.ah_packet(1, one), a.ah_packet(2, two)
    c.drop_in(a, a.ah_frame(flip(ah1, -5)))                              # inner packet
    c.drop_in(a, a.ah_frame(flip(ah1, 20 + 12 + 3, 2)))                  # ICV
    c.drop_in(a, a.ah_frame(mutated(ah1, src="192.0.2.9")))             # outer source
    c.drop_in(a, a.ah_frame(ah2[:28] + struct.pack("!L", 1000) + ah2[32:]))  # seq 2 -> 1000
    c.decap(a, one, a.ah_frame(mutated(ah1, ttl=9, tos=0xb8, flags="DF")))
    c.decap(a, two, a.ah_frame(ah2))


@case(23)
def pad_length_too_long(c):
    """RFC 4303 2.4: the Pad Length says more than the plaintext holds (after the ICV)."""
    t = c.tunnel("cbc128-sha256")
    c.decap(t, t.inner(), seq=1)
    p = bytes(t.inner())
    ct_len = len(p) + len(t.sa_in.trailer(len(p)))
    c.drop_in(t, t.esp(2, p, pad_len=ct_len - 1))
    c.drop_in(t, t.esp(3, p, pad_len=255))


@case(76)
def padding_not_monotonic(c):
    """RFC 4303 2.4: padding bytes are 1, 2, 3, ...; zeros or a wrong byte are refused."""
    for xform in ("gcm128", "cbc256-sha256"):
        t = c.tunnel(xform)
        p = bytes(t.inner())
        good = t.pad(len(p))
        c.decap(t, IP(p), seq=1, pad=good)
        c.drop_in(t, t.esp(2, p, pad=bytes(len(good))))
        c.drop_in(t, t.esp(3, p, pad=good[:3] + bytes([good[3] + 1]) + good[4:]))


@case(65)
def next_header_not_ipv4(c):
    """Tunnel mode carries IPv4 (next header 4) or IPv6 (41; an IPv4 entry's IPv6 is case
    31's): not TCP (6, transport mode), 255."""
    t = c.tunnel("null-sha256")
    c.decap(t, t.inner(), seq=1)
    c.drop_in(t, t.esp(3, bytes(TCP(sport=1, dport=2)), nh=6))
    c.drop_in(t, t.esp(4, t.inner(), nh=255))
    a = c.tunnel("ah-sha1")
    c.decap(a, a.inner(), seq=1)
    c.drop_in(a, a.esp(3, bytes(TCP(sport=1, dport=2)), nh=6))


@case(89)
def inner_not_ipv4(c):
    """Next header 4, but no whole IPv4 packet inside: IPv6, a bad header checksum, a total
    length past the plaintext, IHL 4, nothing at all. TFC padding after it is fine (RFC 4303 2.7)."""
    t = c.tunnel("gcm128")
    p = t.inner()
    c.decap(t, p, t.outer(t.sa_in.seal(1, bytes(p) + bytes(16))))
    c.drop_in(t, t.esp(2, bytes(IPv6(src="2001:db8:1::7", dst="2001:db8:2::5") / UDP())))
    c.drop_in(t, t.esp(3, bytes(bad_checksum(t.inner()))))
    c.drop_in(t, t.esp(4, bytes(t.inner())[:-4]))
    c.drop_in(t, t.esp(5, bytes(IP(src=t.remote_host, dst=t.local_host, ihl=4) / UDP())))
    n = 14   # plaintext all padding: 14 + PL + NH is one 16-byte block, GCM's 4 too
    c.drop_in(t, t.outer(t.sa_in.seal_plaintext(6, bytes(range(1, n + 1)) + bytes([n, 4]))))
    a = c.tunnel("ah-sha512")
    p = a.inner()
    c.decap(a, p, a.ah_frame(a.ah_packet(1, bytes(p) + bytes(8))))
    c.drop_in(a, a.esp(2, bytes(bad_checksum(a.inner()))))
    c.drop_in(a, a.esp(3, b""))


@case(30)
def outside_selectors(c):
    """RFC 4301 5.2: a decrypted packet must match the SA's selectors (10.1.N.0/24 -> 10.0.2.0/24):
    not from another network, not to another, not another entry's traffic."""
    t = c.tunnel("cbc128-sha256")
    other = c.tunnel("gcm128")
    c.decap(t, t.inner(), seq=1)
    c.drop_in(t, t.esp(2, t.inner(src="10.9.9.9")))
    c.drop_in(t, t.esp(3, t.inner(dst=NEIGHBOR)))
    c.drop_in(t, t.esp(4, t.inner(src=other.remote_host)))


@case(31)
def outside_ipv6_lines(c):
    """RFC 4301 5.2 for IPv6 inside an IPv4 tunnel: a decrypted IPv6 packet must fit the
    entry's mirrored IPv6 lines (2001:db8:1:N::/64 -> 2001:db8:3::/64): not from another
    network, not to another; an IPv4 entry's SA carries no IPv6 at all."""
    t = c.tunnel("cbc128-sha256", v6=True)
    c.decap(t, t.inner(), seq=1, out="inside1", mac=NEIGHBOR_MAC)
    c.drop_in(t, t.esp(2, t.inner(src="2001:db8:9::9")))
    c.drop_in(t, t.esp(3, t.inner(dst="2001:db8:2::5")))
    v4 = c.tunnel("null-sha256")
    c.drop_in(v4, v4.esp(1, bytes(IPv6(src="2001:db8:1::7", dst="2001:db8:2::5") / UDP()),
                         nh=41))
    a = c.tunnel("ah-sha1")
    c.drop_in(a, a.esp(1, bytes(IPv6(src="2001:db8:1::7", dst="2001:db8:2::5") / UDP()),
                       nh=41))
    a6 = c.tunnel("ah-sha256", v6=True)
    c.decap(a6, a6.inner(), seq=1, out="inside1", mac=NEIGHBOR_MAC)
    c.drop_in(a6, a6.esp(2, a6.inner(src="2001:db8:9::9")))
    c.encap(a6, a6.plain(), seq=1)


@case(26)
def ipv6_too_big_for_the_inside(c):
    """A decrypted IPv6 packet larger than inside1's MTU (576) is dropped: IPv6 is never
    fragmented on the way (RFC 8200 section 5), and the source is told (ICMPv6 2/0 576 from
    inside1's address6, back through the tunnel); 576 bytes exactly goes whole."""
    t = c.tunnel("gcm128", v6=True)
    out = {"out": "inside1", "mac": NEIGHBOR_MAC}
    c.decap(t, t.inner(size=INSIDE1_MTU - 48), seq=1, **out)
    for seq, size in ((2, INSIDE1_MTU - 47), (3, 1400)):
        inner = t.inner(size=size)
        c.drop_in(t, t.esp(seq, inner))
        # RFC 4443 3.2: Packet Too Big with that MTU, back through the tunnel
        c.icmp_back6(t, inner, 2, 0, INSIDE1_MTU, INSIDE1_6)


@case("Ipv6NoAdj")
def ipv6_no_adjacency(c):
    """Decrypted for an IPv6 host on inside1, which has no next_hop_mac and no neighbor entry
    for it (2001:db8:3::6; 2001:db8:3::5 has one); nobody answers the gateway's solicitation
    for it, which goes out once (RFC 4861 section 7.2.2)."""
    t = c.tunnel("gcm128", v6=True)
    c.drop_in(t, t.esp(1, t.inner(dst="2001:db8:3::6")))
    c.solicit("inside1", INSIDE1_6, "2001:db8:3::6")
    c.decap(t, t.inner(), seq=2, out="inside1", mac=NEIGHBOR_MAC)


@case("Ipv6HopLimitExceeded")
def ipv6_hop_limit(c):
    """An IPv6 packet with hop limit 1 is not forwarded, either way through the gateway; 2
    goes, with 1 left. The decrypted one is answered with ICMPv6 3/0 from inside1's address6
    back through the tunnel (RFC 4443 3.3); inside0 has no address6 here, so the host's gets
    none (test_icmp6_err.c and test_pmtu6_kernel.py cover that way)."""
    t = c.tunnel("gcm128", v6=True)
    inner = t.inner(ttl=1)
    c.drop_in(t, t.esp(1, inner))
    c.icmp_back6(t, inner, 3, 0, 0, INSIDE1_6)
    c.decap(t, t.inner(ttl=2), seq=2, out="inside1", mac=NEIGHBOR_MAC)
    c.drop("inside0", t.plain(ttl=1))
    c.encap(t, t.plain(ttl=2), seq=1)


@case(38)
def no_ipv6_sa_yet(c):
    """An entry with IPv6 lines matches but has no SA (IKE has no IPv6 selectors yet: nothing
    is asked of it)."""
    t = c.tunnel("gcm128", v6=True, sas=False)
    c.drop("inside0", t.plain())


@case(40)
def ipv6_deny_line(c):
    """An IPv6 deny line: no cleartext path; the host next to it goes under the permit line
    that follows."""
    t = c.tunnel("gcm128", v6=True, deny=["2001:db8:3::9/128"])
    c.drop("inside0", t.plain(src="2001:db8:3::9"))
    c.encap(t, t.plain(src="2001:db8:3::8"), seq=1)


@case(52)
def ipv6_too_big_for_the_tunnel(c):
    """An IPv6 packet too big for outside0 once encapsulated is dropped (never fragmented on
    the way, RFC 8200 section 5); the largest that fits goes."""
    t = c.tunnel("cbc128-sha256", v6=True)
    fits = t.plaintext_mtu(1500)
    c.drop_out(t, t.plain(tot=fits + 1))
    c.drop_out(t, t.plain(tot=1500))
    c.encap(t, t.plain(tot=fits), seq=1)


@case(25)
def too_big_for_the_inside(c):
    """inside1's MTU is 576 (RFC 1812 5.2.6): a decrypted packet larger than that with DF set
    is dropped and answered with ICMP 3/4 carrying 576 (RFC 1191) from inside1's address, back
    through the tunnel under its outbound SA; without DF it goes out in fragments (RFC 791)
    that scapy puts back together; 576 bytes exactly goes whole."""
    t = c.tunnel("gcm128", local_net="10.0.3.0/24", local_host=NEIGHBOR)
    out = {"out": "inside1", "mac": NEIGHBOR_MAC}
    c.decap(t, t.inner(size=INSIDE1_MTU - 28, df=True), seq=1, **out)
    for seq, tot in ((2, INSIDE1_MTU + 1), (3, 1800)):
        big = t.inner(size=tot - 28, df=True)
        c.drop_in(t, t.esp(seq, big))
        c.icmp_back(t, big, 3, 4, INSIDE1_MTU, INSIDE1)
    for seq, tot in ((4, INSIDE1_MTU + 1), (5, 1000), (6, 1800)):
        c.decap_fragments(t, t.inner(size=tot - 28), INSIDE1_MTU, seq=seq, **out)


@case(35)
def deny_line(c):
    """A crypto map deny line: the host is not protected by the map, and with no cleartext path
    to the outside its packets are dropped (IpsecDenyDrop). The first matching line decides:
    the host next to it is encrypted under the permit line that follows."""
    t = c.tunnel("gcm128", deny=["10.0.2.9/32"])
    c.drop("inside0", t.plain(src="10.0.2.9"))
    c.drop("inside0", t.plain(src="10.0.2.9", tot=1000, df=True))
    c.encap(t, t.plain(src="10.0.2.8"), seq=1)


@case(63)
def wrong_encapsulation(c):
    """RFC 3948: an SA is either ESP-in-UDP or raw ESP; the other form is refused."""
    udp, raw = c.tunnel("gcm128", udp=True), c.tunnel("cbc128-sha256")
    c.decap(udp, udp.inner(), seq=1)
    c.drop_in(udp, udp.esp(2, udp=False))
    c.decap(raw, raw.inner(), seq=1)
    c.drop_in(raw, raw.esp(2, udp=True))


# --- outbound IPsec (esp_out.c) --------------------------------------------------------------

@case(33)
def no_sa_yet(c):
    """A crypto map entry matches but has no SA: IKE would be asked for one."""
    t = c.tunnel("gcm128", sas=False)
    c.drop("inside0", t.plain())
    c.drop("inside0", t.plain(tot=1000))


@case(111)
def tunnel_without_sa(c):
    """A route into a static VTI (ip route ... Tunnel111) whose tunnel has no SA: dropped,
    never sent in clear, whatever the addresses; a host the route does not send into the
    tunnel is still the crypto map's (encapsulated under its entry)."""
    t = c.tunnel("gcm128")
    c.yaml = ("tunnels:\n  - {name: Tunnel111, source: outside0, destination: 192.0.2.111, "
              "protection: {profile: VTI, transform_set: %s}}\n"
              "routes:\n  - {prefix: 10.111.0.0/24, interface: Tunnel111}\n" % t.entry().ts_name)
    c.drop("inside0", t.plain(dst="10.111.0.7"))
    c.drop("inside0", t.plain(dst="10.111.0.8", src="10.0.9.9", tot=1000))
    c.encap(t, t.plain(), seq=1)


@case(112)
def ipv6_tunnel_without_sa(c):
    """111's IPv6 twin: an IPv6 route into an ipsec ipv6 tunnel (ipv6 route ... Tunnel112)
    whose tunnel has no SA: dropped, never sent in clear, whatever the addresses; a host the
    route does not send into the tunnel is still the crypto map's IPv6 lines'."""
    t = c.tunnel("gcm128", v6=True)
    c.yaml = ("tunnels:\n  - {name: Tunnel112, mode: ipsec ipv6, source: outside0, "
              "destination: \"2001:db8::112\", protection: {profile: VTI6, transform_set: %s}}\n"
              "routes:\n  - {prefix: \"2001:db8:112::/48\", interface: Tunnel112}\n"
              % t.entry().ts_name)
    c.drop("inside0", t.plain(dst="2001:db8:112::7"))
    c.drop("inside0", t.plain(dst="2001:db8:112::8", src="2001:db8:77::9", tot=1000))
    c.encap(t, t.plain(), seq=1)


@case(46)
def sequence_exhausted(c):
    """RFC 4303 3.3.3: without ESN the counter never cycles; 2^32-1 is the last number sent."""
    for xform in ("gcm128", "ah-sha256"):
        t = c.tunnel(xform, initial_sequence=2**32 - 2)
        c.encap(t, t.plain(), seq=2**32 - 1)
        c.drop_out(t, t.plain())
        c.drop_out(t, t.plain())


@case(48)
def too_big_df(c):
    """Too big for outside0's 1500 bytes once encapsulated, DF set: the plaintext MTU fits. The
    host is told that MTU (ICMP 3/4, RFC 1191), so its next packets fit."""
    for xform in ("gcm128", "ah-sha512"):
        t = c.tunnel(xform)
        mtu = t.plaintext_mtu(1500)
        c.plaintext_mtu(t, mtu)
        c.encap(t, t.plain(tot=mtu, df=True), seq=1)
        for tot in (mtu + 1, 1500):
            f = t.plain(tot=tot, df=True)
            c.drop_out(t, f)
            c.icmp_host(f, 3, 4, mtu)


def with_bad_option(frame):
    """frame (Ethernet + IPv4 without options) with a 4-byte option of length 0, which no
    router can walk to copy into fragments (RFC 791 section 3.1)."""
    ip = IP(frame[ETH:])
    ip.options = [IPOption(b"\x07\x00\x00\x00")]
    del ip.ihl, ip.len, ip.chksum
    return frame[:ETH] + bytes(ip)


@case(51)
def too_big(c):
    """The same without DF: fragmented before encryption (the IOS default), each fragment
    cut to the SA's plaintext MTU and sent as its own ESP or AH packet with its own sequence
    number, opened here and checked against scapy's fragments of the packet; dropped when its
    options cannot be copied into fragments. CBC pads to 16, ESP-in-UDP has 8 bytes more."""
    for xform, udp in (("cbc128-sha256", False), ("gcm128", True), ("ah-sha1", False)):
        t = c.tunnel(xform, udp=udp)
        mtu = t.plaintext_mtu(1500)
        c.plaintext_mtu(t, mtu)
        c.encap(t, t.plain(tot=mtu), seq=1)
        c.encap_fragments(t, t.plain(tot=mtu + 1), 2, mtu)
        c.encap_fragments(t, t.plain(tot=1500), 4, mtu)
        c.drop_out(t, with_bad_option(t.plain(tot=mtu + 1)))


@case(110)
def no_buffer_room(c):
    """outside1's MTU is 9000, but ESP grows the frame in its one mbuf: the largest inner packet
    whose padding, trailer and ICV still fit is sent, the next size up and a frame filling the
    mbuf are not. Bytes behind the IP packet (an Ethernet trailer) are not sent, so they make
    room; a frame dropped counts them in its octets (as received)."""
    t = c.tunnel("gcm128", jumbo=True)
    fits = max(tot for tot in range(1500, MBUF_DATA_ROOM)
               if ETH + tot + t.tail_growth(tot) <= MBUF_DATA_ROOM)
    c.encap(t, t.plain(tot=fits), seq=1)
    c.encap(t, t.plain(tot=fits, trailer=bytes(4)), seq=2)   # the trailer goes, making room
    c.drop_out(t, t.plain(tot=fits + 1))
    c.drop_out(t, t.plain(tot=MBUF_DATA_ROOM - ETH))
    c.drop_out(t, t.plain(tot=fits + 6, trailer=bytes(4)))


# --- for the control thread, which does not handle these (yet) ----------------------------------

@case("PuntUnhandled", into=PUNT_CASES)
def punted_unhandled(c):
    """Handed to the control thread, which counts what it does not handle: IKE on 500 and on
    4500 (non-ESP marker) with no IKE configured, and an IKE datagram in fragments, which the
    control thread reassembles and then counts whole, every fragment with its octets (nothing
    taken into reassembly is lost silently: src/ctrl/reasm4.h), TCP to the gateway, IPv6 to address6
    that is not ESP (an ICMPv6 echo reply, IKE on UDP 500), ARP not for our addresses, ICMP
    to us other than echo. (ARP for us and echo requests are answered: test_ctrl_plane.py,
    tests/unit/ctrl/test_ctrl.c; IPv6 neighbor solicitations and echo requests:
    test_nd6.py, tests/unit/ctrl/test_nd6.c.)"""
    o = eth("outside0")
    c.drop("outside0", wire(Ether(src=PEER_MAC, dst="ff:ff:ff:ff:ff:ff") /
                            ARP(psrc=PEER, pdst="192.0.2.99", hwsrc=PEER_MAC)))
    c.drop("inside0", wire(eth("inside0", HOST_MAC) / IP(src="10.0.2.5", dst="10.0.2.1") /
                           ICMP(type=13) / Raw(bytes(16))))
    c.drop("outside0", wire(o / IP(src=PEER, dst=LOCAL) / UDP(sport=500, dport=500) /
                            Raw(ike_header())))
    c.drop("outside0", wire(o / IP(src=PEER, dst=LOCAL) / UDP(sport=4500, dport=4500) /
                            Raw(bytes(4) + ike_header(35))))
    # an IKE message in two IP fragments; the second starts with bytes that would read as a
    # UDP header to 4500 carrying a keepalive: only the first fragment has a UDP header
    ike = bytes(UDP(sport=500, dport=500) /
                Raw(ike_header() + bytes(964) + bytes.fromhex("119411940009 0000ff") + bytes(420)))
    c.drop("outside0", wire(o / IP(src=PEER, dst=LOCAL, proto=17, flags="MF") / Raw(ike[:1000])))
    c.drop("outside0", wire(o / IP(src=PEER, dst=LOCAL, proto=17, frag=125) / Raw(ike[1000:])))
    c.drop("outside0", wire(o / IPv6(src=PEER6, dst=LOCAL6) / ICMPv6EchoReply()))
    c.drop("outside0", wire(o / IPv6(src=PEER6, dst=LOCAL6) / UDP(sport=500, dport=500) /
                            Raw(ike_header())))
    c.drop("outside0", wire(o / IP(src=PEER, dst=LOCAL) / TCP(dport=22)))
    c.drop("inside0", wire(eth("inside0", HOST_MAC) / IP(src="10.0.2.5", dst="10.0.2.1") /
                           TCP(dport=22)))


# --- running them --------------------------------------------------------------------------

class Drops(unittest.TestCase):
    maxDiff = None

    def run_cases(self, cases):
        """All cases in one dpsecd; if anything is off, each in a dpsecd of its own to name
        the case at fault (DPSEC_DROPS_ISOLATE=1: only that way). Returns the first run."""
        together = os.environ.get("DPSEC_DROPS_ISOLATE") != "1"
        first, problems = None, []
        if together:
            first = Observed(cases)
            problems = check(cases, first, REASONS)
            if not problems:
                return first
        bad = []
        for c in cases:
            obs = Observed([c])
            first = first or obs
            p = check([c], obs, REASONS)
            if p:
                bad.append("%s -- %s\n    %s" % (c.label, c.doc, "\n    ".join(p)))
        if not bad and problems:
            bad = ["each case passes alone, not together:"] + problems
        if bad:
            self.fail("\n" + "\n".join(bad))
        return first

    def test_crafted_esp_is_what_scapy_reads(self):
        """The crafter (dpsectest/craft.py) agrees with scapy on well-formed ESP, both ways,
        before any of its malformed packets are trusted."""
        for xform in ("gcm128", "gcm256", "cbc128-sha1", "cbc256-sha512", "null-sha256"):
            t = Tun(xform)
            s = t.sa_in
            sa = SecurityAssociation(ESP, spi=s.spi, crypt_algo=s.cipher,
                                     crypt_key=(s.key + s.salt) if s.cipher != "NULL" else None,
                                     auth_algo=s.auth, auth_key=s.auth_key,
                                     tunnel_header=IP(src=PEER, dst=LOCAL))
            inner = t.inner(size=77)
            ours = IP(src=PEER, dst=LOCAL) / ESP(s.seal(5, bytes(inner)))
            self.assertEqual(bytes(sa.decrypt(ours)), bytes(inner), xform)
            theirs = bytes(sa.encrypt(inner, seq_num=6)[ESP])
            self.assertEqual(s.open(theirs)[:2], (6, bytes(inner)), xform)

    def test_every_drop_reason(self):
        """Every row of both drop tables is provoked here or listed as not provokable."""
        self.coverage(self.run_cases(CASES))

    def test_punted_unhandled(self):
        """What the control thread does not handle is counted as PuntUnhandled (by it)."""
        self.run_cases(PUNT_CASES)

    def coverage(self, obs):
        """The CLI's rows, not this file's, say what must be covered: every row of
        `... datapath drops all` and `... statistics drop all` is provoked by a case (a
        roll-up through its feature rows) or is in NOT_PROVOKABLE_HERE with the reason why."""
        cli_rows = {n: name for n, (name, _) in obs.feature.items()}
        cli_rows.update({name: name for name in obs.glob})
        cases = CASES + PUNT_CASES
        provoked = {c.row for c in cases} | {c.reason.cause for c in cases}
        uncovered = ["%s %s" % (r, n) if r != n else r for r, n in cli_rows.items()
                     if r not in provoked and r not in NOT_PROVOKABLE_HERE]
        self.assertEqual(uncovered, [], "rows no case provokes: add a case (and the row to "
                         "FEATURE), or say in NOT_PROVOKABLE_HERE why not and where it is tested")
        self.assertEqual(sorted(r for r in provoked if r in NOT_PROVOKABLE_HERE), [],
                         "provoked after all: take them out of NOT_PROVOKABLE_HERE")
        self.assertEqual(sorted(str(r) for r in set(NOT_PROVOKABLE_HERE) - set(cli_rows)), [],
                         "NOT_PROVOKABLE_HERE names rows the CLI does not have")
        self.assertEqual({n: cli_rows.get(n) for n in FEATURE},
                         {n: v[0] for n, v in FEATURE.items()},
                         "FEATURE's numbers and names are the CLI's")
        self.assertEqual(sorted(ROLL_UPS - set(obs.glob)), [], "roll-ups the CLI does not have")


if __name__ == "__main__":
    unittest.main(verbosity=2)
