"""Drop cases: crafted packets, each with its fate, run through one dpsecd and
checked against everything the CLI shows (tests/integration/test_drops.py).

The gateway every case runs in:

   peer 192.0.2.1 ----ESP---> outside0 192.0.2.2/24, 2001:db8::2/64, MTU 1500  (crypto map VPN)
   peer 198.51.100.1 --ESP--> outside1 198.51.100.2/24, MTU 9000              (crypto map JUMBO)
                                          [ dpsecd gwB ]
   hosts 10.0.2.0/24 <------- inside0 10.0.2.1/24, next_hop_mac
   host 10.0.3.5 only <------ inside1 10.0.3.1/24, one neighbor, no next_hop_mac, MTU 576

A case asks for the crypto map entries it needs (Tun: one entry protecting
10.0.2.0/24, or another local network, <-> 10.1.N.0/24, with an inbound and
an outbound manual SA), and says for each packet it sends what becomes of
it: dropped for the case's reason (with an SA at hand or not), decapsulated
to an inside host (whole, or in fragments), or encapsulated to the peer; and
which ICMP errors the gateway sends back through a tunnel. check() compares
one run with the sum of its cases' expectations.
"""
import collections
import os
import socket
import struct
import time

from scapy.layers.inet import ICMP, IP, UDP, defragment
from scapy.layers.inet6 import (ICMPv6ND_NS, ICMPv6NDOptSrcLLAddr, IPv6, in6_getnsma,
                                 in6_getnsmac)
from scapy.pton_ntop import inet_ntop, inet_pton
from scapy.layers.l2 import Ether
from scapy.packet import Raw

from . import views
from .craft import AhSa, EspSa
from .esp import XFORMS, forwarded
from .gateway import HOST_MAC, PEER, PEER_MAC, Entry, Gateway, Interface, pcap_mac

LOCAL = "192.0.2.2"
LOCAL6, PEER6 = "2001:db8::2", "2001:db8::1"
JUMBO_LOCAL, JUMBO_PEER = "198.51.100.2", "198.51.100.1"
JUMBO_PEER_MAC = "02:00:00:00:00:11"
NEIGHBOR, NEIGHBOR_MAC = "10.0.3.5", "02:00:00:00:03:05"
INSIDE1, INSIDE1_MTU = "10.0.3.1", 576
# inside1's IPv6: the protected side of IPv6 entries (Tun(v6=True)); NEIGHBOR6 has a neighbor
# entry, any other host there has no MAC (inside1 has no next_hop_mac)
INSIDE1_6, NEIGHBOR6 = "2001:db8:3::1", "2001:db8:3::5"
# net_pcap's port MACs, in interface order (interfaces_for below): dpsec takes only frames
# addressed to the port (or broadcast, or IPv6 multicast); tx frames are checked against what
# `show interfaces` says
PORT_MAC = {name: pcap_mac(i) for i, name in enumerate(("outside0", "outside1", "inside0",
                                                         "inside1"))}

ETH, IPV4, UDPH, ESPH = 14, 20, 8, 8
SA_COUNTERS = ("pkts", "bytes", "replay_failed", "verify_failed", "invalid_len", "decaps_failed",
               "invalid_prot", "encaps_failed", "seq_rollover", "invalid_sa")

# `show crypto ipsec sa detail`: flow label -> (SA direction, SA counters it adds up)
# (docs/CLI.md, "show crypto ipsec sa"); every other '#pkts' label of a flow stays 0.
FLOW_LABELS = {
    "#pkts encaps": ("out", ["pkts"]), "#pkts encrypt": ("out", ["pkts"]),
    "#pkts digest": ("out", ["pkts"]),
    "#pkts decaps": ("in", ["pkts"]), "#pkts decrypt": ("in", ["pkts"]),
    "#pkts verify": ("in", ["pkts"]),
    "#pkts no sa (send)": ("out", ["invalid_sa"]),
    "#pkts invalid sa (rcv)": ("in", ["invalid_sa"]),
    "#pkts encaps failed (send)": ("out", ["encaps_failed"]),
    "#pkts decaps failed (rcv)": ("in", ["decaps_failed"]),
    "#pkts invalid prot (recv)": ("in", ["invalid_prot"]),
    "#pkts verify failed": ("in", ["verify_failed"]),
    "#pkts invalid len (rcv)": ("in", ["invalid_len"]),
    "#pkts replay rollover (send)": ("out", ["seq_rollover"]),
    "##pkts replay failed (rcv)": ("in", ["replay_failed"]),
}
# the flow's error sums (--json; the text shows them without `detail`)
FLOW_ERRORS = {
    "send_errors": ("out", ["encaps_failed", "seq_rollover", "invalid_sa"]),
    "recv_errors": ("in", ["invalid_sa", "decaps_failed", "invalid_prot", "verify_failed",
                           "invalid_len", "replay_failed"]),
}


def ip_of(frame):
    """The IPv4 (or IPv6) packet in a frame, without Ethernet padding or trailer."""
    if frame[ETH] >> 4 == 6:
        plen = struct.unpack("!H", frame[ETH + 4:ETH + 6])[0]
        return IPv6(frame[ETH:ETH + 40 + plen])
    tot = struct.unpack("!H", frame[ETH + 2:ETH + 4])[0]
    return IP(frame[ETH:ETH + tot])


def wire(pkt):
    """A frame as an Ethernet NIC delivers it: at least 60 bytes (FCS stripped)."""
    b = bytes(pkt)
    return b + bytes(max(0, 60 - len(b)))


def to_mac(frame, mac):
    """frame with its Ethernet destination replaced."""
    return bytes.fromhex(mac.replace(":", "")) + bytes(frame)[6:]


def fragments_of(pkt, mtu):
    """pkt (IPv4 without options, DF clear) cut as RFC 791 section 3.2 does for mtu: every
    fragment but the last carries a multiple of 8 bytes and MF; the same header otherwise.
    Checked here against scapy's reassembly before anything is compared with it."""
    data = bytes(pkt)[IPV4:]
    step = (mtu - IPV4) // 8 * 8
    frags = [IP(bytes(IP(src=pkt.src, dst=pkt.dst, id=pkt.id, ttl=pkt.ttl, tos=pkt.tos,
                         proto=pkt.proto, flags=0 if off + step >= len(data) else "MF",
                         frag=off // 8) / Raw(data[off:off + step])))
             for off in range(0, len(data), step)]
    whole = defragment(frags)
    assert len(whole) == 1 and bytes(whole[0]) == bytes(pkt), "scapy does not reassemble them"
    return frags


class IcmpBack:
    """An ICMP error the gateway sends about inner, back through tun: equal to the (SPI, seq,
    payload) of an ESP frame opened with the peer's keys when it is that message (RFC 792,
    RFC 1191 next-hop MTU, RFC 1812 4.3.2.5 precedence), quoting inner as it arrived."""

    def __init__(self, tun, inner, icmp_type, code, mtu, src):
        self.tun, self.inner, self.type, self.code = tun, inner, icmp_type, code
        self.mtu, self.src = mtu, src

    def __eq__(self, got):
        if not isinstance(got, tuple) or len(got) != 3 or got[0] != self.tun.spi_out:
            return False
        p = IP(got[2])
        if ICMP not in p:
            return False
        again = IP(got[2])
        del again.chksum
        del again[ICMP].chksum
        return (bytes(IP(bytes(again))) == got[2] and p.src == self.src and
                p.dst == self.inner.src and p.ttl == 64 and p.tos == 0xc0 and
                (p[ICMP].type, p[ICMP].code) == (self.type, self.code) and
                (self.type != 3 or self.code != 4 or p[ICMP].nexthopmtu == self.mtu) and
                bytes(p[ICMP].payload) == bytes(self.inner)[:64])

    def __len__(self):
        """Bytes of the message (the outbound SA counts them)."""
        return IPV4 + 8 + min(64, len(self.inner))

    def __str__(self):
        return "ICMP %d/%d to %s under SA 0x%x" % (self.type, self.code, self.inner.src,
                                                   self.tun.spi_out)


class IcmpBack6:
    """The ICMPv6 twin of IcmpBack (RFC 4443): an error about the decrypted IPv6 packet inner,
    back through tun, from src to inner's source, hop limit 64, its checksum right, the MTU
    for Packet Too Big, quoting inner as it arrived, as much as fits in 1280 bytes."""

    def __init__(self, tun, inner, icmp_type, code, mtu, src):
        self.tun, self.inner, self.type, self.code = tun, inner, icmp_type, code
        self.mtu, self.src = mtu, src

    def __eq__(self, got):
        if not isinstance(got, tuple) or len(got) != 3 or got[0] != self.tun.spi_out:
            return False
        raw, quote = got[2], bytes(self.inner)[:1280 - 48]
        p = IPv6(raw)
        if p.nh != 58 or len(raw) != 48 + len(quote):
            return False
        icmp = p.payload
        said = icmp.cksum
        icmp.cksum = None
        return (IPv6(bytes(p)).payload.cksum == said and p.src == self.src and
                p.dst == self.inner.src and p.hlim == 64 and
                (raw[40], raw[41]) == (self.type, self.code) and
                struct.unpack("!I", raw[44:48])[0] == (self.mtu if self.type == 2 else 0) and
                raw[48:] == quote)

    def __len__(self):
        return 48 + min(1280 - 48, len(self.inner))

    def __str__(self):
        return "ICMPv6 %d/%d to %s under SA 0x%x" % (self.type, self.code, self.inner.src,
                                                     self.tun.spi_out)


class IcmpHost:
    """An ICMP error the gateway sends in clear to a host on an inside interface about a frame
    the host sent there: out of that port to the next hop's MAC, from the interface's address,
    as a router sends it (RFC 792, RFC 1191 next-hop MTU, RFC 1812 4.3.2.5 precedence),
    quoting the packet as it arrived."""

    def __init__(self, frame, icmp_type, code, mtu, src, port="inside0", mac=HOST_MAC):
        self.inner = Ether(frame)[IP]
        # the IP packet alone: a short frame's Ethernet padding is not part of it
        self.quoted = bytes(self.inner)[:self.inner.len][:64]
        self.type, self.code, self.mtu, self.src = icmp_type, code, mtu, src
        self.port, self.mac, self.port_mac = port, mac, None   # port_mac: set by check_tx

    def __eq__(self, got):
        if not isinstance(got, bytes):
            return False
        e = Ether(got)
        if IP not in e or ICMP not in e:
            return False
        p = e[IP]
        again = IP(bytes(p))
        del again.chksum
        del again[ICMP].chksum
        return (bytes(IP(bytes(again))) == bytes(p) and
                (e.dst.lower(), e.src.lower()) == (self.mac.lower(), self.port_mac) and
                p.src == self.src and p.dst == self.inner.src and p.ttl == 64 and
                p.tos == 0xc0 and (p[ICMP].type, p[ICMP].code) == (self.type, self.code) and
                (self.type != 3 or self.code != 4 or p[ICMP].nexthopmtu == self.mtu) and
                bytes(p[ICMP].payload) == self.quoted)

    def __str__(self):
        return "ICMP %d/%d to %s out of %s" % (self.type, self.code, self.inner.src, self.port)


def eth(port, src=PEER_MAC, type=None):
    return Ether(src=src, dst=PORT_MAC[port]) if type is None else \
        Ether(src=src, dst=PORT_MAC[port], type=type)


class Tun:
    """A crypto map entry protecting local_net <-> 10.1.N.0/24, with its manual SAs: the
    gateway's inbound SA (what the peer sends) and outbound SA (what the peer receives)."""
    count = 0

    def __init__(self, xform, udp=False, local_net="10.0.2.0/24", local_host="10.0.2.5",
                 jumbo=False, sas=True, spi_in=None, initial_sequence=None, deny=(), v6=False):
        Tun.count += 1
        n = self.n = Tun.count
        self.xform, self.udp, self.jumbo, self.has_sas = xform, udp, jumbo, sas
        self.words, calg, cklen, aalg, aklen = XFORMS[xform]
        self.local_net, self.local_host = local_net, local_host
        self.remote_net, self.remote_host = "10.1.%d.0/24" % n, "10.1.%d.7" % n
        self.v6 = v6
        if v6:   # IPv6 inside the IPv4 tunnel: inside1's IPv6 prefix <-> 2001:db8:1:N::/64
            self.local_net = "2001:db8:3::/64" if local_net == "10.0.2.0/24" else local_net
            self.local_host = NEIGHBOR6 if local_host == "10.0.2.5" else local_host
            self.remote_net, self.remote_host = "2001:db8:1:%x::/64" % n, "2001:db8:1:%x::7" % n
        self.seq, self.map = 10 * n, "JUMBO" if jumbo else "VPN"
        self.port = "outside1" if jumbo else "outside0"
        self.local, self.peer = (JUMBO_LOCAL, JUMBO_PEER) if jumbo else (LOCAL, PEER)
        self.spi_in, self.spi_out = spi_in or 0x10000 + n, 0x20000 + n
        self.initial_sequence = initial_sequence
        self.deny = list(deny)   # local prefixes denied towards remote_net, before the permit
        keys = [os.urandom(k) for k in (cklen, aklen, cklen, aklen)]
        self.ah = calg == "AH"
        if self.ah:
            self.sa_in = AhSa(self.spi_in, aalg, keys[1])
            self.sa_out = AhSa(self.spi_out, aalg, keys[3])
        else:
            self.sa_in = EspSa(self.spi_in, calg, keys[0], aalg, keys[1])
            self.sa_out = EspSa(self.spi_out, calg, keys[2], aalg, keys[3])
        self.ids = iter(range(n * 1000, n * 1000 + 1000))

    def entry(self):
        sas = []
        if self.has_sas:
            for d, sa in (("inbound", self.sa_in), ("outbound", self.sa_out)):
                s = {"direction": d, "spi": sa.spi, "udp_encap": self.udp,
                     "cipher_key": sa.key + sa.salt, "auth_key": sa.auth_key}
                if d == "outbound":
                    s["initial_sequence"] = self.initial_sequence
                sas.append(s)
        deny = [(d, self.remote_net, "deny") for d in self.deny]
        return Entry(self.seq, deny + [(self.local_net, self.remote_net)], self.words, sas,
                     peer=self.peer, crypto_map=self.map)

    # --- what the peer sends ------------------------------------------
    def inner(self, size=32, ttl=64, src=None, dst=None, df=False):
        """An inner packet from behind the peer to a protected host (UDP, size payload bytes)."""
        i = next(self.ids)
        if self.v6:
            return IPv6(bytes(IPv6(src=src or self.remote_host, dst=dst or self.local_host,
                                   hlim=ttl) / UDP(sport=1024 + self.n, dport=53) /
                              Raw(bytes((i + j) & 0xff for j in range(size)))))
        return IP(bytes(IP(src=src or self.remote_host, dst=dst or self.local_host, ttl=ttl,
                           id=i & 0xffff, flags="DF" if df else 0) /
                        UDP(sport=1024 + self.n, dport=53) /
                        Raw(bytes((i + j) & 0xff for j in range(size)))))

    def outer(self, esp, udp=None, **ip):
        """ESP bytes in the outer IPv4 header (and UDP 4500 if the SA wants it), as a frame."""
        udp = self.udp if udp is None else udp
        o = IP(src=self.peer, dst=self.local, **ip)
        o = o / UDP(sport=4500, dport=4500) / Raw(esp) if udp else o / Raw(esp)
        if not udp:
            o.proto = 50
        return wire(eth(self.port, JUMBO_PEER_MAC if self.jumbo else PEER_MAC) / o)

    def esp(self, seq, inner=None, udp=None, **seal):
        """A frame carrying inner (default: a fresh one) under the inbound SA (ESP, or AH)."""
        inner = self.inner() if inner is None else inner
        if self.v6:
            seal.setdefault("nh", 41)
        if self.ah:
            return self.ah_frame(self.ah_packet(seq, inner, **seal))
        return self.outer(self.sa_in.seal(seq, bytes(inner), **seal), udp)

    def ah_packet(self, seq, inner, ip=None, **seal):
        """AH (tunnel mode) carrying inner, as IPv4 bytes: the outer header from the peer
        (ip: more IPv4 fields, e.g. tos, ttl, flags, options), a right ICV."""
        header = bytes(IP(src=self.peer, dst=self.local, **(ip or {})))
        return self.sa_in.packet(seq, bytes(inner), header, **seal)

    def ah_frame(self, ip_bytes):
        return wire(eth(self.port, JUMBO_PEER_MAC if self.jumbo else PEER_MAC) /
                    IP(ip_bytes))

    def pad(self, payload_len, extra=1):
        """Padding 1, 2, 3, ... longer than needed by `extra` alignment units (RFC 4303 2.4
        allows up to 255 bytes), to have room to get it wrong."""
        n = (-(payload_len + 2)) % self.sa_in.align + extra * self.sa_in.align
        return bytes(range(1, n + 1))

    # --- what the protected hosts send -----------------------------------
    def plain(self, tot=60, ttl=64, df=False, dst=None, trailer=b"", src=None):
        """A frame from a protected host to the peer's side, IPv4 total length tot."""
        i = next(self.ids)
        if self.v6:   # tot: the IPv6 packet's length, header included
            p = IPv6(src=src or self.local_host, dst=dst or self.remote_host, hlim=ttl) / \
                UDP(sport=53, dport=1024 + self.n) / \
                Raw(bytes((3 * i + j) & 0xff for j in range(tot - 40 - UDPH)))
            return wire(Ether(src=HOST_MAC, dst=PORT_MAC["inside0"]) / p) + trailer
        p = IP(src=src or self.local_host, dst=dst or self.remote_host, ttl=ttl, id=i & 0xffff,
               flags="DF" if df else 0) / UDP(sport=53, dport=1024 + self.n) / \
            Raw(bytes((3 * i + j) & 0xff for j in range(tot - IPV4 - UDPH)))
        return wire(Ether(src=HOST_MAC, dst=PORT_MAC["inside0"]) / p) + trailer

    # --- sizes ------------------------------------------------------------
    def outer_len(self, tot):
        """Outer IPv4 length of an inner packet of tot bytes (RFC 4303 tunnel mode)."""
        sa = self.sa_out
        if self.ah:
            return IPV4 + sa.hdr_len + tot
        ct = tot + 2 + (-(tot + 2)) % sa.align
        return IPV4 + (UDPH if self.udp else 0) + ESPH + sa.iv_len + ct + sa.icv_len

    def plaintext_mtu(self, mtu):
        return max(t for t in range(mtu) if self.outer_len(t) <= mtu)

    def tail_growth(self, tot):
        """Bytes ESP appends behind an inner packet of tot bytes: padding, PL, NH, ICV."""
        if self.ah:
            return 0   # AH puts its header in front
        return (-(tot + 2)) % self.sa_out.align + 2 + self.sa_out.icv_len


class Reason:
    """A row of the drop tables: an IPsec feature reason (QFP number, name, the global cause
    it rolls up into, the SA counter it moves with an SA at hand) or a global cause alone."""

    def __init__(self, row, name=None, cause=None, sa_counter=None):
        self.row, self.sa_counter = row, sa_counter
        self.feature = isinstance(row, int)
        self.name = name if self.feature else row
        self.cause = cause if self.feature else row

    def __str__(self):
        return "%d %s" % (self.row, self.name) if self.feature else self.name


class Case:
    """One row of the drop tables and the packets that provoke it (with their controls)."""

    def __init__(self, reason, name, doc):
        self.reason, self.row = reason, reason.row
        self.name, self.doc = name, (doc or "").strip().splitlines()[0]
        self.tunnels = []
        self.rx = collections.defaultdict(list)      # port -> frames, in order
        self.drops = []                              # (port, frame, SA key or None)
        self.decaps = []                             # (tunnel, inner, out port, MAC)
        self.encaps = []                             # (tunnel, inner, seq)
        self.encap_frags = []                        # (tunnel, inner, first seq, inner MTU)
        self.frags = []                              # (tunnel, inner, out port, MAC, MTU)
        self.icmps = []                              # IcmpBack
        self.icmp_hosts = []                         # IcmpHost
        self.solicits = []                           # (port, our address6, target)
        self.mtus = []                               # (tunnel, plaintext mtu)
        self.yaml = ""                               # config sections of its own (tunnels)

    @property
    def label(self):
        return "%s (%s)" % (self.name, self.reason)

    def tunnel(self, xform="gcm128", **kw):
        t = Tun(xform, **kw)
        self.tunnels.append(t)
        return t

    def drop(self, port, frame, sa=None):
        """frame, received on port, is dropped for this case's reason (before any SA)."""
        self.rx[port].append(bytes(frame))
        self.drops.append((port, bytes(frame), sa))

    def drop_in(self, tun, frame):
        """frame, from tun's peer, is dropped for this case's reason with tun's inbound SA
        at hand: the SA also counts it, if the reason names an SA counter."""
        self.drop(tun.port, frame, ("in", tun.spi_in))

    def drop_out(self, tun, frame):
        """frame, from a protected host, is dropped with tun's outbound SA at hand."""
        self.drop("inside0", frame, ("out", tun.spi_out))

    def decap(self, tun, inner, frame=None, out="inside0", mac=HOST_MAC, **seal):
        """ESP of inner from tun's peer is decapsulated and forwarded to out."""
        frame = tun.esp(seal.pop("seq"), inner, **seal) if frame is None else frame
        self.rx[tun.port].append(bytes(frame))
        self.decaps.append((tun, inner, out, mac))

    def decap_reassembled(self, tun, inner, frames, out="inside0", mac=HOST_MAC):
        """ESP (or AH) of inner from tun's peer, arriving as these IPv4 fragments in this
        order, is reassembled, decapsulated and forwarded to out (src/dataplane/reasm_in.h)."""
        self.rx[tun.port] += [bytes(f) for f in frames]
        self.decaps.append((tun, inner, out, mac))

    def decap_fragments(self, tun, inner, mtu, out="inside0", mac=HOST_MAC, **seal):
        """ESP of inner (DF clear, larger than out's MTU) from tun's peer is decapsulated and
        sent to out in fragments (RFC 791)."""
        frame = tun.esp(seal.pop("seq"), inner, **seal)
        self.rx[tun.port].append(bytes(frame))
        self.frags.append((tun, inner, out, mac, mtu))

    def icmp_back(self, tun, inner, icmp_type, code, mtu, src):
        """The gateway answers inner with this ICMP error from its address src, sent back to
        inner's source through tun (its outbound SA)."""
        self.icmps.append(IcmpBack(tun, inner, icmp_type, code, mtu, src))

    def icmp_back6(self, tun, inner, icmp_type, code, mtu, src):
        """The same for a decrypted IPv6 packet: an ICMPv6 error (IcmpBack6)."""
        self.icmps.append(IcmpBack6(tun, inner, icmp_type, code, mtu, src))

    def icmp_host(self, frame, icmp_type, code, mtu=0, src="10.0.2.1"):
        """The gateway answers a host's frame (received on inside0) with this ICMP error from
        its address src, in clear, out of inside0 to the host's next hop."""
        self.icmp_hosts.append(IcmpHost(frame, icmp_type, code, mtu, src))

    def solicit(self, port, src6, target):
        """The gateway resolves target (a next hop with no MAC) with a Neighbor Solicitation
        from its address src6, out of port (RFC 4861 section 7.2.2)."""
        self.solicits.append((port, src6, target))

    @property
    def extra_tx(self):
        """Frames sent beyond one per frame received: fragments after the first, ICMP errors."""
        return sum(len(fragments_of(forwarded(inner), mtu)) - 1
                   for _, inner, _, _, mtu in self.frags) + len(self.icmps) + \
            len(self.icmp_hosts) + len(self.solicits) + \
            sum(len(fragments_of(forwarded(inner), mtu)) - 1
                for _, inner, _, mtu in self.encap_frags)

    def encap(self, tun, frame, seq):
        """frame from a protected host goes out encrypted under tun's outbound SA as seq."""
        self.rx["inside0"].append(bytes(frame))
        self.encaps.append((tun, ip_of(bytes(frame)), seq))

    def encap_fragments(self, tun, frame, seq, mtu):
        """frame from a protected host (DF clear) is too big for tun once encapsulated: cut
        to mtu (the SA's plaintext MTU) before encryption, each fragment sent under tun's
        outbound SA with its own sequence number from seq on ("crypto ipsec fragmentation
        before-encryption")."""
        self.rx["inside0"].append(bytes(frame))
        self.encap_frags.append((tun, ip_of(bytes(frame)), seq, mtu))

    def plaintext_mtu(self, tun, mtu):
        self.mtus.append((tun, mtu))

    # --- what it adds to the tables --------------------------------------
    def expected(self):
        """(feature rows, global causes [pkts, octets], SA counters) this case moves."""
        feat, glob = collections.Counter(), collections.defaultdict(lambda: [0, 0])
        sa = collections.defaultdict(collections.Counter)
        r = self.reason
        for _, frame, key in self.drops:
            if r.feature:
                feat[r.row] += 1
            if key is not None and r.sa_counter:
                sa[key][r.sa_counter] += 1
            glob[r.cause][0] += 1
            glob[r.cause][1] += len(frame)
        for tun, inner, _, _ in self.decaps:
            sa[("in", tun.spi_in)].update(pkts=1, bytes=len(inner))
        for tun, inner, _, _, _ in self.frags:
            sa[("in", tun.spi_in)].update(pkts=1, bytes=len(inner))
        for icmp in self.icmps:
            sa[("out", icmp.tun.spi_out)].update(pkts=1, bytes=len(icmp))
        for tun, inner, _ in self.encaps:
            sa[("out", tun.spi_out)].update(pkts=1, bytes=len(inner))
        for tun, inner, _, mtu in self.encap_frags:
            for f in fragments_of(forwarded(inner), mtu):
                sa[("out", tun.spi_out)].update(pkts=1, bytes=len(f))
        return feat, glob, sa


def interfaces_for(tunnels):
    maps = {t.map for t in tunnels}
    return [Interface("outside0", "outside", LOCAL + "/24", next_hop_mac=PEER_MAC,
                      address6=LOCAL6 + "/64", crypto_map="VPN" if "VPN" in maps else None),
            Interface("outside1", "outside", JUMBO_LOCAL + "/24", next_hop_mac=JUMBO_PEER_MAC,
                      mtu=9000, crypto_map="JUMBO" if "JUMBO" in maps else None),
            Interface("inside0", "inside", "10.0.2.1/24", next_hop_mac=HOST_MAC),
            Interface("inside1", "inside", INSIDE1 + "/24", address6=INSIDE1_6 + "/64",
                      neighbors=[(NEIGHBOR, NEIGHBOR_MAC), (NEIGHBOR6, NEIGHBOR_MAC)],
                      mtu=INSIDE1_MTU)]


def merge_yaml(parts):
    """The cases' own config sections as one text: a section two cases write (tunnels:,
    routes:) once, with the items of both, in order."""
    sections = {}
    for part in parts:
        key = None
        for line in part.splitlines(keepends=True):
            if line and not line[0].isspace():
                key = line
                sections.setdefault(key, [])
            else:
                sections[key].append(line)
    return "".join(k + "".join(v) for k, v in sections.items())


class Observed:
    """What one dpsecd run showed through the CLI, and what it transmitted."""

    def __init__(self, cases):
        tunnels = [t for c in cases for t in c.tunnels]
        self.tunnels = tunnels
        gw = Gateway(interfaces=interfaces_for(tunnels), entries=[t.entry() for t in tunnels],
                     extra_yaml=merge_yaml(c.yaml for c in cases))
        rx = collections.defaultdict(list)
        for c in cases:
            for port, frames in c.rx.items():
                rx[port] += frames
        self.rx = rx
        try:
            gw.start(rx=rx)
            self.accounted = self._wait_accounted(gw, sum(c.extra_tx for c in cases))
            self.feature = views.feature_drops(gw)
            self.glob = views.global_drops(gw)
            self.sas = views.sa_counters(gw)
            self.flows = views.flows(gw)
            self.json_flows = views.json_flows(gw)
            self.ifs = views.interfaces(gw)
            self.tx = gw.stop()
        finally:
            gw.close()

    @staticmethod
    def _wait_accounted(gw, extra, timeout=30):
        """Every packet received has been either sent or dropped with a reason, and the extra
        frames (fragments, ICMP errors) have been sent."""
        end = time.time() + timeout
        while True:
            rx, done = gw.accounted()
            if done == rx + extra or time.time() > end:
                return rx, done, extra
            time.sleep(0.05)


def check(cases, obs, reasons):
    """Problems, as lines: the tables against the sum of the cases' expectations.
    reasons: {row: Reason} for every row the test knows."""
    problems = []
    feat, glob = collections.Counter(), collections.defaultdict(lambda: [0, 0])
    sa = collections.defaultdict(collections.Counter)
    owner = {}
    for c in cases:
        f, g, s = c.expected()
        feat.update(f)
        for k, (p, o) in g.items():
            glob[k][0] += p
            glob[k][1] += o
        for k, v in s.items():
            sa[k].update(v)
        owner[c.row] = c.label
        for k in s:
            owner[k] = c.label

    rx, done, extra = obs.accounted
    if rx + extra != done:
        problems.append("received %d packets (and %d more frames to send), sent or dropped %d" %
                        (rx, extra, done))
    for num, (name, got) in sorted(obs.feature.items()):
        if num in reasons and reasons[num].name != name:
            problems.append("drop type %d is named %s, expected %s" % (num, name,
                                                                      reasons[num].name))
        if got != feat.get(num, 0):
            problems.append("drop type %d %s: %d packets, expected %d [%s]" % (
                num, name, got, feat.get(num, 0), owner.get(num, "no case")))
    for num in set(feat) - set(obs.feature):
        problems.append("drop type %d missing from the CLI" % num)
    for cause, got in sorted(obs.glob.items()):
        want = tuple(glob.get(cause, (0, 0)))
        if got != want:
            problems.append("%s: %d packets %d octets, expected %d packets %d octets [%s]" % (
                cause, got[0], got[1], want[0], want[1],
                owner.get(cause, "roll-up" if any(r.feature and r.cause == cause
                                                  for r in reasons.values()) else "no case")))
    for cause in set(glob) - set(obs.glob):
        problems.append("global cause %s missing from the CLI" % cause)

    # every SA's every counter, from --json; then each flow's lines in the detail view
    want_sas = {("in", t.spi_in): t for t in obs.tunnels if t.has_sas}
    want_sas.update({("out", t.spi_out): t for t in obs.tunnels if t.has_sas})
    if set(obs.sas) != set(want_sas):
        problems.append("SAs shown %s, configured %s" % (sorted(obs.sas), sorted(want_sas)))
    for key, ctrs in sorted(obs.sas.items()):
        for name in SA_COUNTERS:
            if ctrs.get(name) != sa[key][name]:
                problems.append("SA %s 0x%x %s: %s, expected %d [%s]" % (
                    key[0], key[1], name, ctrs.get(name), sa[key][name],
                    owner.get(key, "no case")))
    for t in obs.tunnels:
        flow = obs.flows.get((t.port, t.remote_net.split("/")[0]))
        if flow is None:
            problems.append("no flow for %s in show crypto ipsec sa detail" % t.remote_net)
            continue
        keys = [("in", t.spi_in), ("out", t.spi_out)] if t.has_sas else []
        if sorted(flow["sas"]) != sorted(keys):
            problems.append("flow %s lists SAs %s" % (t.remote_net, flow["sas"]))
        for label, v in flow.items():
            if label in ("sas", "plaintext mtu"):
                continue
            want = 0
            if label in FLOW_LABELS and t.has_sas:
                d, names = FLOW_LABELS[label]
                key = ("in", t.spi_in) if d == "in" else ("out", t.spi_out)
                want = sum(sa[key][n] for n in names)
            if v != want:
                problems.append("flow %s '%s': %d, expected %d [%s]" % (
                    t.remote_net, label, v, want, owner.get(("in", t.spi_in), "no case")))
        missing = set(FLOW_LABELS) - set(flow)
        if missing:
            problems.append("flow %s lacks %s" % (t.remote_net, sorted(missing)))
        jflow = obs.json_flows.get((t.port, t.remote_net.split("/")[0]), {})
        for field, (d, names) in FLOW_ERRORS.items():
            key = ("in", t.spi_in) if d == "in" else ("out", t.spi_out)
            want = sum(sa[key][n] for n in names) if t.has_sas else 0
            if jflow.get(field) != want:
                problems.append("flow %s %s: %s, expected %d [%s]" % (
                    t.remote_net, field, jflow.get(field), want,
                    owner.get(key, "no case")))
    for c in cases:
        for t, mtu in c.mtus:
            got = obs.flows.get((t.port, t.remote_net.split("/")[0]), {}).get("plaintext mtu")
            if got != mtu:
                problems.append("flow %s plaintext mtu %s, the largest that passes is %d [%s]" % (
                    t.remote_net, got, mtu, c.label))

    problems += check_tx(cases, obs)
    return problems


def check_tx(cases, obs):
    """Every frame sent is one a case expected, exactly once."""
    problems = []
    mac = {name: i["mac"].lower() for name, i in obs.ifs.items()}
    want = collections.defaultdict(list)
    for c in cases:
        for tun, inner, out, dmac in c.decaps:
            frame = bytes(Ether(dst=dmac, src=mac[out],
                                type=0x86dd if tun.v6 else 0x0800) / forwarded(inner))
            want[out].append((frame, c.label))
        for tun, inner, seq in c.encaps:
            want[tun.port].append(((tun.spi_out, seq, bytes(forwarded(inner))), c.label))
        for tun, inner, seq, mtu in c.encap_frags:
            for k, f in enumerate(fragments_of(forwarded(inner), mtu)):
                want[tun.port].append(((tun.spi_out, seq + k, bytes(f)), c.label))
        for tun, inner, out, dmac, mtu in c.frags:
            for f in fragments_of(forwarded(inner), mtu):
                want[out].append((bytes(Ether(dst=dmac, src=mac[out], type=0x0800) / f),
                                  c.label))
        for icmp in c.icmps:
            want[icmp.tun.port].append((icmp, c.label))
        for icmp in c.icmp_hosts:
            icmp.port_mac = mac[icmp.port]
            want[icmp.port].append((icmp, c.label))
        for port, src6, target in c.solicits:
            want[port].append((bytes(solicitation(mac[port], src6, target)), c.label))
    by_spi = {t.spi_out: t for t in obs.tunnels}
    for port in ("outside0", "outside1", "inside0", "inside1"):
        left = list(want[port])
        for f in obs.tx[port]:
            got = bytes(f)
            if port.startswith("outside"):
                got = decrypt_sent(got, by_spi, mac[port], problems)
            hit = [i for i, (w, _) in enumerate(left) if w == got]
            if hit:
                del left[hit[0]]
            else:
                problems.append("%s sent a frame no case expects: %s" % (
                    port, got.hex() if isinstance(got, bytes) else got))
        for w, label in left:
            problems.append("%s did not send %s [%s]" % (
                port, w.hex() if isinstance(w, bytes) else
                "spi 0x%x seq %d" % w[:2] if isinstance(w, tuple) else w, label))
    return problems


def solicitation(mac, src6, target):
    """scapy's Neighbor Solicitation for target from (mac, src6): to target's solicited-node
    group, hop limit 255, with the source link-layer address option."""
    group = in6_getnsma(inet_pton(socket.AF_INET6, target))
    return Ether(src=mac, dst=in6_getnsmac(group)) / \
        IPv6(src=src6, dst=inet_ntop(socket.AF_INET6, group), hlim=255) / \
        ICMPv6ND_NS(tgt=target) / ICMPv6NDOptSrcLLAddr(lladdr=mac)


def decrypt_sent(frame, by_spi, src_mac, problems):
    """(SPI, seq, inner bytes) of an ESP frame the gateway sent, opened independently."""
    e = Ether(frame)
    ip = e[IP]
    esp = bytes(ip[UDP].payload) if ip.proto == 17 else bytes(ip.payload)
    spi = struct.unpack("!L", esp[4:8] if ip.proto == 51 else esp[:4])[0]
    t = by_spi.get(spi)
    if t is None:
        return ("unknown SPI 0x%x" % spi,)
    if (e.src.lower(), e.dst.lower(), ip.src, ip.dst) != (
            src_mac, JUMBO_PEER_MAC if t.jumbo else PEER_MAC, t.local, t.peer) or \
            (ip.proto == 17) != t.udp:
        problems.append("SA 0x%x sent from %s/%s to %s/%s, proto %d" % (
            spi, e.src, ip.src, e.dst, ip.dst, ip.proto))
    if t.ah != (ip.proto == 51):
        problems.append("SA 0x%x sent proto %d" % (spi, ip.proto))
    try:
        if t.ah:
            seq, payload, nh = t.sa_out.open(bytes(ip))
        else:
            seq, payload, _, nh = t.sa_out.open(esp)
    except ValueError as err:
        return ("SA 0x%x: %s" % (spi, err),)
    return (spi, seq, payload) if nh == (41 if t.v6 else 4) else \
        ("SA 0x%x: next header %d" % (spi, nh),)
