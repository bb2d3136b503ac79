"""Many SAs on the testpmd harness (issue 9 item 5): scripts/bench-testpmd --sas N and
scripts/bench-vs-secgw --sas N.

A ScaleCase is an inbound case of bench_harness with N inbound SAs and one outbound
SA, all on crypto map VPN 10; frame j of the pcap is ESP of SA j mod N with sequence number
j // N + 1, so consecutive packets meet different SAs and, with N large, SAs the caches no
longer hold. The pcap has a multiple of N frames, at least bench_harness.FRAMES (every SA
appears equally often).

Inbound SA j: SPI SPI_BASE + j, its own random key, and inner packets from 10.64.0.0 + j
(REMOTE, a /10: up to 4M SAs) to 10.0.2.0/24 behind the gateway. The own inner source is for
ipsec-secgw, whose inbound policy check takes a packet's SA from an SP rule matching the
decrypted packet and refuses it unless that is the SA it came through: so one SP rule per SA.
dpsecd's entry protects 10.0.2.0/24 <-> REMOTE and gets the SAs from a manual_sa_file.

A million frames through scapy would take most of an hour, so the frames are built here:
the inner IPv4/UDP packet with struct, ESP with OpenSSL's AES-GCM (RFC 4106) or AES-CBC
(RFC 3602, python3-cryptography) and Python's HMAC (RFC 4868, RFC 2404). A few frames of every
pcap are built by scapy too (dpsectest/esp.py) and must be the same bytes; --smoke reads the
whole pcap back and decrypts it with scapy.
"""
import hmac
import ipaddress
import itertools
import os
import struct

from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

import bench_harness as h
from dpsectest import bulk, esp

from scapy.layers.inet import IP, UDP  # noqa: E402
from scapy.layers.ipsec import ESP  # noqa: E402
from scapy.layers.l2 import Ether  # noqa: E402
from scapy.utils import rdpcap  # noqa: E402

SPI_BASE = 0x00100000       # inbound SA j: SPI_BASE + j (ipsec-secgw reads SPIs with atoi)
SPI_OUT = 0x40000000        # the one outbound SA
REMOTE = ipaddress.ip_network("10.64.0.0/10")
LOCAL_NET = "10.0.2.0/24"
N_MAX = REMOTE.num_addresses - 1    # with the outbound SA, dpsecd's sa_max maximum (4194304)
MBUF_SIZE = 512             # testpmd's mbufs: 128 headroom + a 64-byte packet's ESP frame
DPSECD_START_S_PER_SA = 1e-4    # about 30 s for a million SAs (docs/PERFORMANCE.md)
# A smoke run fails above this loss: memif pushes back, so what is lost is what is in flight
# when the counters are read (0.2 % of a second); a gateway refusing some SAs loses their share.
SMOKE_LOSS = 0.05


def parse_counts(text):
    """--sas 4,1000,10k,1M -> [4, 1000, 10000, 1000000]."""
    out = []
    for word in text.split(","):
        w = word.strip().lower()
        mult = {"k": 1000, "m": 1000000}.get(w[-1:], 1)
        n = int(w[:-1] if mult > 1 else w) * mult
        if not 1 <= n <= N_MAX:
            raise ValueError("--sas: %d SAs: 1..%d" % (n, N_MAX))
        out.append(n)
    return sorted(set(out))


def _csum(b):
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return ~s & 0xffff


def _ipv4(total, proto, src, dst):
    """An IPv4 header as scapy's IP() writes it (id 1, TTL 64, no flags), checksummed."""
    hdr = struct.pack("!BBHHHBBH4s4s", 0x45, 0, total, 1, 0, 64, proto, 0, src, dst)
    return hdr[:10] + struct.pack("!H", _csum(hdr)) + hdr[12:]


def _mac(text):
    return bytes.fromhex(text.replace(":", ""))


class ScaleCase(h.Case):
    def __init__(self, name, n):
        super().__init__(name)
        if self.dir != "in":
            raise ValueError("--sas: inbound cases only (in-TRANSFORM-SIZE), not %s" % name)
        self.xf = h.XFORMS[self.xform][0]
        _, self.calg, self.ck_len, self.aalg, self.ak_len = esp.XFORMS[self.xf]
        self.n, self.base = n, name
        self.name = "%s-sas%d" % (name, n)
        self.n_frames = n * -(-h.FRAMES // n)
        self.mbuf_size = MBUF_SIZE if max(self.sizes) <= 64 else None    # ESP: < 200 bytes
        self.start_timeout = 60 + n * 1e-3     # ipsec-secgw's ACL build is the slow one
        self.key_len = self.ck_len + self.ak_len
        self.keys = os.urandom(n * self.key_len)
        self.remote0 = int(REMOTE.network_address)
        self._hdr = {}

    def key(self, j):
        """SA j's cipher key (with the salt for GCM)."""
        return self.keys[j * self.key_len:j * self.key_len + self.ck_len]

    def auth_key(self, j):
        """SA j's HMAC key (b"" for GCM)."""
        return self.keys[j * self.key_len + self.ck_len:(j + 1) * self.key_len]

    def spi(self, j):
        return SPI_BASE + j

    def remote(self, j):
        return str(ipaddress.ip_address(self.remote0 + j))

    # --- the pcap -----------------------------------------------------------------
    def _inner_fields(self, i):
        """(size, src, dst, sport) of frame i's inner packet."""
        j = i % self.n
        return (self.sizes[i % len(self.sizes)], self.remote0 + j,
                int(ipaddress.ip_address("10.0.2.2")) + i % 200, 1024 + i % 50000)

    def inner_bytes(self, i):
        size, src, dst, sport = self._inner_fields(i)
        s, d = struct.pack("!L", src), struct.pack("!L", dst)
        ulen = size - 20
        pseudo = s + d + struct.pack("!BBH", 0, 17, ulen)
        udp = struct.pack("!HHH", sport, 9, ulen)
        uc = _csum(pseudo + udp + b"\0\0" + bytes(ulen - 8)) or 0xffff
        return _ipv4(size, 17, s, d) + udp + struct.pack("!H", uc) + bytes(ulen - 8)

    def inner(self, i):
        """The same packet as scapy builds it (for the cross-check)."""
        size, src, dst, sport = self._inner_fields(i)
        hdr = IP(src=str(ipaddress.ip_address(src)), dst=str(ipaddress.ip_address(dst)),
                 ttl=64) / UDP(sport=sport, dport=9)
        return IP(bytes(hdr / (b"\0" * (size - 28))))

    def _outer(self, esp_len):
        """Ethernet and outer IPv4 header for an ESP payload of esp_len bytes (one per size)."""
        if esp_len not in self._hdr:
            self._hdr[esp_len] = _mac(h.OUTSIDE_MAC) + _mac(h.gateway.PEER_MAC) + \
                b"\x08\x00" + _ipv4(20 + esp_len, 50, ipaddress.ip_address(h.gateway.PEER).packed,
                                    ipaddress.ip_address(h.gateway.LOCAL).packed)
        return self._hdr[esp_len]

    def iv(self, i):
        return struct.pack("!Q", i + 1).rjust(8 if self.calg == "AES-GCM" else 16, b"\0")

    def seq(self, i):
        return i // self.n + 1

    def frame(self, i):
        """Frame i: RFC 4303 tunnel-mode ESP, padding 1, 2, ... to the cipher's block (four
        bytes for GCM), next header 4 (IPv4). GCM (RFC 4106): nonce salt || IV, AAD SPI ||
        sequence number, the tag the ICV. CBC: the HMAC over SPI to the ciphertext, truncated."""
        j, inner = i % self.n, self.inner_bytes(i)
        gcm = self.calg == "AES-GCM"
        pad = -(len(inner) + 2) % (4 if gcm else 16)
        plain = inner + bytes(range(1, pad + 1)) + bytes((pad, 4))
        key = self.key(j)
        head = struct.pack("!LL", self.spi(j), self.seq(i))
        iv = self.iv(i)
        if gcm:
            payload = head + iv + AESGCM(key[:-4]).encrypt(key[-4:] + iv, plain, head)
        else:
            enc = Cipher(algorithms.AES(key), modes.CBC(iv)).encryptor()
            payload = head + iv + enc.update(plain) + enc.finalize()
            digest, icv_len = esp.HASHES[self.aalg]
            payload += hmac.new(self.auth_key(j), payload, digest).digest()[:icv_len]
        return self._outer(len(payload)) + payload

    def frame_scapy(self, i):
        """Frame i as dpsectest/esp.py (scapy) makes it."""
        j = i % self.n
        t = esp.Tunnel(self.xf, spi_in=self.spi(j), spi_out=SPI_OUT, ck_in=self.key(j),
                       ak_in=self.auth_key(j))
        pkt = t.to_gw.encrypt(self.inner(i), seq_num=self.seq(i), iv=self.iv(i))
        return bytes(Ether(src=h.gateway.PEER_MAC, dst=h.OUTSIDE_MAC) / pkt)

    def cross_check(self):
        """A few frames built both ways must be the same bytes."""
        for i in sorted({0, 1, self.n - 1, self.n, self.n_frames - 1}):
            if i < self.n_frames and self.frame(i) != self.frame_scapy(i):
                raise RuntimeError("%s: frame %d differs from scapy's:\n%s\n%s" % (
                    self.name, i, self.frame(i).hex(), self.frame_scapy(i).hex()))

    def write_pcap(self, path):
        self.cross_check()
        with open(path, "wb") as f:
            f.write(struct.pack("<LHHlLLL", 0xa1b2c3d4, 2, 4, 0, 0, 65535, 1))   # DLT_EN10MB
            for i in range(self.n_frames):
                fr = self.frame(i)
                f.write(struct.pack("<LLLL", i // 1000000, i % 1000000, len(fr), len(fr)))
                f.write(fr)

    def verify_pcap(self, path):
        """Read back with scapy: N SPIs, each on n_frames / N frames, each frame decrypting
        (ICV checked) with its SA's key to a packet from that SA's inner source."""
        seen = {}
        frames = rdpcap(path)
        if len(frames) != self.n_frames:
            raise RuntimeError("%s: %d frames, expected %d" % (path, len(frames), self.n_frames))
        sas = {}
        for f in frames:
            spi = f[ESP].spi
            j = spi - SPI_BASE
            if not 0 <= j < self.n:
                raise RuntimeError("%s: SPI 0x%x is none of the SAs" % (path, spi))
            if j not in sas:
                sas[j] = esp.Tunnel(self.xf, spi_in=spi, ck_in=self.key(j),
                                    ak_in=self.auth_key(j)).to_gw
            inner = sas[j].decrypt(f[IP], verify=True)
            if inner.src != self.remote(j):
                raise RuntimeError("%s: SPI 0x%x carries %s" % (path, spi, inner.src))
            seen[j] = seen.get(j, 0) + 1
        if len(seen) != self.n or set(seen.values()) != {self.n_frames // self.n}:
            raise RuntimeError("%s: frames per SA %s" % (path, sorted(set(seen.values()))))

    # --- the gateways ---------------------------------------------------------------
    def testpmd_eal(self):
        """testpmd's pool holds the pcap: its memory sized from the frames."""
        per = (self.mbuf_size or 2176) + 256
        return h.no_huge(1024 + (h.PMD_MBUFS + self.n_frames) * per // (1 << 20))

    def dpsecd_entry(self):
        return h.gateway.Entry(10, [(LOCAL_NET, str(REMOTE))], self.tunnel.words, (),
                               lifetime=(86400, 4294967295))

    def sa_file(self):
        """dpsecd's manual_sa_file (once per work directory): N inbound SAs, one outbound."""
        path = os.path.join(self.workdir, self.name + "-sas.txt")
        if not os.path.exists(path):
            sas = (("inbound", self.spi(j), self.key(j), self.auth_key(j))
                   for j in range(self.n))
            out = [("outbound", SPI_OUT, self.tunnel.ck_out, self.tunnel.ak_out)]
            bulk.write_sa_lines(path, itertools.chain(sas, out), "TS-VPN-10")
        return path

    def dpsecd_setup(self, gw):
        sa_max, eal_mb = h.dpsecd_sa_sizing(self.n + 1)
        gw.dataplane_yaml = "  sa_max: %d\n" % sa_max
        gw.eal_mem_mb = eal_mb
        gw.eal_mem = None       # 4 KiB pages, -m eal_mb: as ipsec-secgw gets at this scale
        gw.extra_yaml = "manual_sa_file: {path: %s, allow_unsafe_manual_gcm: true}\n" % \
            self.sa_file()
        gw.start_timeout = 60 + self.n * DPSECD_START_S_PER_SA


def cases(names, counts):
    """ScaleCases: every count for each case name."""
    return [ScaleCase(name, n) for name in names for n in counts]


def per_sa_bytes(mem_kb, base_kb, n, base_n):
    """Memory per SA from two runs' memory (KiB): the delta over the delta of SAs."""
    if base_kb is None or n == base_n:
        return None
    return (mem_kb - base_kb) * 1024.0 / (n - base_n)
