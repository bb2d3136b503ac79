"""ESP and AH as scapy (the independent implementation) does them, in dpsec's terms."""
import hashlib
import hmac
import os
import struct

from scapy.layers.inet import IP, UDP
from scapy.layers.inet6 import IPv6
from scapy.layers.ipsec import AH, ESP, SecurityAssociation
from scapy.layers.l2 import Ether
from scapy.packet import Raw

from .gateway import LOCAL, OUTSIDE_MAC, PEER, PEER_MAC

HASHES = {"HMAC-SHA1-96": (hashlib.sha1, 12), "SHA2-256-128": (hashlib.sha256, 16),
          "SHA2-384-192": (hashlib.sha384, 24), "SHA2-512-256": (hashlib.sha512, 32)}

# name: (IOS transform words, scapy cipher, cipher key+salt bytes, scapy auth, auth key bytes)
XFORMS = {
    "gcm128": (["esp-gcm 128"], "AES-GCM", 20, None, 0),
    "gcm256": (["esp-gcm 256"], "AES-GCM", 36, None, 0),
    "cbc128-sha1": (["esp-aes 128", "esp-sha-hmac"], "AES-CBC", 16, "HMAC-SHA1-96", 20),
    "cbc128-sha256": (["esp-aes 128", "esp-sha256-hmac"], "AES-CBC", 16, "SHA2-256-128", 32),
    "cbc256-sha256": (["esp-aes 256", "esp-sha256-hmac"], "AES-CBC", 32, "SHA2-256-128", 32),
    "cbc256-sha512": (["esp-aes 256", "esp-sha512-hmac"], "AES-CBC", 32, "SHA2-512-256", 64),
    "null-sha256": (["esp-null", "esp-sha256-hmac"], "NULL", 0, "SHA2-256-128", 32),
    "cbc256-sha384": (["esp-aes 256", "esp-sha384-hmac"], "AES-CBC", 32, "SHA2-384-192", 48),
    # AH (RFC 4302): no cipher ("AH" marks the protocol), the HMAC is the ICV
    "ah-sha1": (["ah-sha-hmac"], "AH", 0, "HMAC-SHA1-96", 20),
    "ah-sha256": (["ah-sha256-hmac"], "AH", 0, "SHA2-256-128", 32),
    "ah-sha384": (["ah-sha384-hmac"], "AH", 0, "SHA2-384-192", 48),
    "ah-sha512": (["ah-sha512-hmac"], "AH", 0, "SHA2-512-256", 64),
}


def ah_icv(key, aalg, ip_bytes, esn_high=None):
    """RFC 4302 section 3.3.3.1 computed with Python's hmac, independently of
    scapy: the outer IPv4 header with TOS, flags + fragment offset, TTL and
    checksum zeroed (no options here), the AH header with its ICV zeroed, the
    rest as it is, and with ESN the high 32 bits appended (section 3.3.3.2.1)."""
    digest, n = HASHES[aalg]
    b = bytearray(ip_bytes)
    hl = (b[0] & 0xf) * 4
    if hl != 20:
        raise ValueError("ah_icv: options not handled here")
    b[1] = 0
    b[6:8] = b"\0\0"
    b[8] = 0
    b[10:12] = b"\0\0"
    ah_len = (b[hl + 1] + 2) * 4
    b[hl + 12:hl + ah_len] = bytes(ah_len - 12)
    if esn_high is not None:
        b += struct.pack("!L", esn_high)
    return hmac.new(key, bytes(b), digest).digest()[:n]


def ah_icv6(key, aalg, ip6_bytes, esn_high=None):
    """The same over an IPv6 outer header (RFC 4302 section 3.3.3.1.2.1), AH right behind
    it: traffic class, flow label and hop limit zeroed, the AH header (padded to 64 bits,
    section 2.6) with its ICV and padding zeroed, the rest as it is."""
    digest, n = HASHES[aalg]
    b = bytearray(ip6_bytes)
    if b[6] != 51:
        raise ValueError("ah_icv6: extension headers not handled here")
    b[0:4] = b"\x60\0\0\0"
    b[7] = 0
    ah_len = (b[40 + 1] + 2) * 4
    if ah_len % 8:
        raise ValueError("ah_icv6: AH over IPv6 is not a multiple of 8 bytes (%d)" % ah_len)
    b[40 + 12:40 + ah_len] = bytes(ah_len - 12)
    if esn_high is not None:
        b += struct.pack("!L", esn_high)
    return hmac.new(key, bytes(b), digest).digest()[:n]


class Tunnel:
    """Keys and SPIs for one SA pair, and scapy SAs for both directions as the peer sees them."""

    def __init__(self, xform, spi_in=0x1001, spi_out=0x2001, udp=False, esn=False, ck_in=None,
                 ak_in=None):
        """ck_in, ak_in: the inbound cipher key (and salt) and auth key, random if not given."""
        self.words, self.calg, cklen, self.aalg, aklen = XFORMS[xform]
        self.ah = self.calg == "AH"
        self.udp, self.esn = udp, esn
        self.spi_in, self.spi_out = spi_in, spi_out
        self.ck_in = ck_in if ck_in is not None else os.urandom(cklen)
        self.ck_out = os.urandom(cklen)
        self.ak_in = ak_in if ak_in is not None else os.urandom(aklen)
        self.ak_out = os.urandom(aklen)
        self.to_gw = self._sa(spi_in, self.ck_in, self.ak_in, PEER, LOCAL)
        self.from_gw = self._sa(spi_out, self.ck_out, self.ak_out, LOCAL, PEER)

    def _sa(self, spi, ck, ak, src, dst):
        if self.ah:
            # mutable fields set, so that a gateway hashing them would fail
            return SecurityAssociation(
                AH, spi=spi, auth_algo=self.aalg, auth_key=ak,
                tunnel_header=IP(src=src, dst=dst, tos=0x28, flags="DF", ttl=17),
                esn_en=self.esn, esn=0)
        return SecurityAssociation(
            ESP, spi=spi, crypt_algo=self.calg, crypt_key=ck or None,
            auth_algo=self.aalg, auth_key=ak or None,
            tunnel_header=IP(src=src, dst=dst),
            nat_t_header=UDP(sport=4500, dport=4500) if self.udp else None,
            esn_en=self.esn, esn=0)

    def manual_sas(self):
        """The gateway's manual_sas: inbound = what the peer sends, outbound = what it receives."""
        def one(direction, spi, ck, ak):
            d = {"direction": direction, "spi": spi, "cipher_key": ck, "udp_encap": self.udp}
            if ak:
                d["auth_key"] = ak
            return d
        return [one("inbound", self.spi_in, self.ck_in, self.ak_in),
                one("outbound", self.spi_out, self.ck_out, self.ak_out)]

    def _esn_icv(self, key, esp_no_icv, esn_high):
        """RFC 4303 section 2.2.1: with ESN the ICV also covers the high 32 bits,
        appended after the trailer (not sent). scapy 2.5 leaves them out of ESP
        HMACs, so the tests compute this ICV themselves with Python's hmac."""
        digest, n = HASHES[self.aalg]
        return hmac.new(key, esp_no_icv + struct.pack("!L", esn_high), digest).digest()[:n]

    def encrypt(self, inner, seq, esn_high=0):
        """An Ethernet frame carrying inner as the peer would send it to the gateway."""
        pkt = self.to_gw.encrypt(inner, seq_num=seq, esn_en=self.esn, esn=esn_high)
        if self.ah:
            raw = bytes(pkt)
            want = ah_icv(self.ak_in, self.aalg, raw, esn_high if self.esn else None)
            if bytes(pkt[AH].icv) != want:
                raise ValueError("scapy's AH ICV differs from the independent one")
            return Ether(src=PEER_MAC, dst=OUTSIDE_MAC) / IP(raw)
        if self.esn and self.aalg:
            pkt = IP(bytes(pkt))
            esp = bytes(pkt)[pkt.ihl * 4 + (8 if self.udp else 0):]
            n = HASHES[self.aalg][1]
            esp = esp[:-n] + self._esn_icv(self.ak_in, esp[:-n], esn_high)
            pkt = IP(src=pkt.src, dst=pkt.dst, id=pkt.id, flags=pkt.flags, proto=50) / \
                Raw(esp)
            if self.udp:
                pkt = IP(src=pkt.src, dst=pkt.dst, id=pkt.id, flags=pkt.flags) / \
                    UDP(sport=4500, dport=4500) / Raw(esp)
            return Ether(src=PEER_MAC, dst=OUTSIDE_MAC) / pkt
        if self.udp:
            # scapy 2.5 leaves the NAT-T UDP length at 8: rebuild it properly
            pkt = IP(bytes(pkt))
            udp = pkt[UDP]
            payload = bytes(udp.payload)
            pkt = IP(src=pkt.src, dst=pkt.dst, id=pkt.id, flags=pkt.flags) / \
                UDP(sport=udp.sport, dport=udp.dport) / Raw(payload)
        return Ether(src=PEER_MAC, dst=OUTSIDE_MAC) / pkt

    def decrypt(self, frame, esn_high=0):
        """The inner packet of an ESP or AH frame the gateway sent to the peer."""
        ip = frame[IP]
        if self.ah:
            # two references: Python's hmac here, scapy's verify below
            raw = bytes(ip)
            n = HASHES[self.aalg][1]
            want = ah_icv(self.ak_out, self.aalg, raw, esn_high if self.esn else None)
            if not hmac.compare_digest(want, raw[20 + 12:20 + 12 + n]):
                raise ValueError("AH ICV mismatch (independent computation)")
            return self.from_gw.decrypt(IP(raw), verify=True, esn_en=self.esn, esn=esn_high)
        esp = bytes(ip[UDP].payload) if self.udp else bytes(ip.payload)
        verify = True
        if self.esn and self.aalg:
            n = HASHES[self.aalg][1]
            want = self._esn_icv(self.ak_out, esp[:-n], esn_high)
            if not hmac.compare_digest(want, esp[-n:]):
                raise ValueError("ESN ICV mismatch")
            verify = False  # checked above; scapy would check without the high bits
        # scapy parses UDP 4500 payload as NAT-T ESP; hand it the ESP part
        ip = IP(src=ip.src, dst=ip.dst, proto=50) / ESP(esp)
        return self.from_gw.decrypt(ip, verify=verify, esn_en=self.esn, esn=esn_high)


def forwarded(inner):
    """inner as a router forwards it: TTL (IPv6: hop limit) one lower, checksum recomputed."""
    if bytes(inner)[0] >> 4 == 6:
        p = IPv6(bytes(inner))
        p.hlim -= 1
        return IPv6(bytes(p))
    p = IP(bytes(inner))
    p.ttl -= 1
    del p.chksum
    return IP(bytes(p))
