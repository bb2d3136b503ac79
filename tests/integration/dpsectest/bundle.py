"""AH+ESP bundles (RFC 4301 section 4.5) as scapy builds them, in dpsec's terms:
ESP in tunnel mode around the inner packet, then AH in transport position over
that ESP packet: [outer IPv4, protocol 51][AH, next header 50][ESP ...].

scapy's SecurityAssociation does each half: an ESP SA with a tunnel header, and
an AH SA without one (transport mode) applied to the ESP packet. Every AH ICV is
also checked against esp.ah_icv (Python's hmac), independently of scapy."""
import hmac
import os

from scapy.layers.inet import IP
from scapy.layers.inet6 import IPv6
from scapy.layers.ipsec import AH, ESP, SecurityAssociation
from scapy.layers.l2 import Ether
from scapy.packet import Raw

from .esp import HASHES, XFORMS, Tunnel, ah_icv, ah_icv6
from .gateway import LOCAL, OUTSIDE_MAC, PEER, PEER_MAC

# AH words and scapy's names for them
AH_XFORMS = {"ah-sha1": ("ah-sha-hmac", "HMAC-SHA1-96", 20),
             "ah-sha256": ("ah-sha256-hmac", "SHA2-256-128", 32),
             "ah-sha384": ("ah-sha384-hmac", "SHA2-384-192", 48),
             "ah-sha512": ("ah-sha512-hmac", "SHA2-512-256", 64)}


class Bundle:
    """An ESP Tunnel (esp.Tunnel: its SPIs and keys) and an AH SA pair around it."""

    def __init__(self, esp_xform, ah_xform, esn=False, ah_spi_in=0x1002, ah_spi_out=0x2002):
        self.esp = Tunnel(esp_xform, esn=esn)
        word, self.aalg, klen = AH_XFORMS[ah_xform]
        self.words = [word] + XFORMS[esp_xform][0]
        self.esn = esn
        self.ah_spi_in, self.ah_spi_out = ah_spi_in, ah_spi_out
        self.ak_in, self.ak_out = os.urandom(klen), os.urandom(klen)
        self.ah_to_gw = self._ah(ah_spi_in, self.ak_in)
        self.ah_from_gw = self._ah(ah_spi_out, self.ak_out)

    def _ah(self, spi, key):
        return SecurityAssociation(AH, spi=spi, auth_algo=self.aalg, auth_key=key,
                                   esn_en=self.esn, esn=0)

    @property
    def ah_len(self):
        return (12 + HASHES[self.aalg][1] + 3) & ~3

    def manual_sas(self):
        sas = self.esp.manual_sas()
        sas[0].update(ah_spi=self.ah_spi_in, ah_auth_key=self.ak_in)
        sas[1].update(ah_spi=self.ah_spi_out, ah_auth_key=self.ak_out)
        return sas

    def sign(self, esp_pkt, seq, esn_high=0, ah_sa=None, key=None, nh=50):
        """AH (transport position) over an outer IPv4 + ESP packet, signed by scapy's
        AuthAlgo (its RFC 4302 zeroing); the ICV checked against esp.ah_icv too.

        Not through SecurityAssociation.encrypt: scapy 2.5 re-parses the packet, finds
        the ESP under the AH, and its AuthAlgo.sign, which looks for an ESP layer before
        an AH one, appends the MAC to the ESP and leaves the AH ICV zero. Here the ESP
        stays raw bytes under the AH. nh: the AH's next header (50; another to test)."""
        ah_sa, key = ah_sa or self.ah_to_gw, key or self.ak_in
        ip = IP(bytes(esp_pkt))
        esp = bytes(ip.payload)
        n = HASHES[self.aalg][1]
        ah = AH(nh=nh, payloadlen=self.ah_len // 4 - 2, spi=ah_sa.spi, seq=seq,
                icv=bytes(n), padding=bytes(self.ah_len - 12 - n))
        ip.remove_payload()
        ip.proto, ip.len = 51, 20 + self.ah_len + len(esp)
        del ip.chksum
        pkt = ah_sa.auth_algo.sign(IP(bytes(ip)) / ah / Raw(esp), key, esn_en=self.esn,
                                   esn=esn_high)
        raw = bytes(pkt)
        if raw[9] != 51 or raw[20] != nh or len(raw) != ip.len:
            raise ValueError("not [IPv4 51][AH nh 50][ESP]")
        if raw[32:32 + n] != ah_icv(key, self.aalg, raw, esn_high if self.esn else None):
            raise ValueError("scapy's AH ICV differs from the independent one")
        return IP(raw)

    def encrypt(self, inner, seq, esn_high=0):
        """An Ethernet frame carrying inner in the bundle, as the peer would send it."""
        esp = self.esp.to_gw.encrypt(inner, seq_num=seq, esn_en=self.esn, esn=esn_high)
        return Ether(src=PEER_MAC, dst=OUTSIDE_MAC) / self.sign(esp, seq, esn_high)

    def decrypt(self, frame, esn_high=0):
        """The inner packet of a bundle frame the gateway sent: AH verified by Python's
        hmac and by scapy (transport), then scapy's ESP decryption."""
        raw = bytes(frame[IP])
        n = HASHES[self.aalg][1]
        want = ah_icv(self.ak_out, self.aalg, raw, esn_high if self.esn else None)
        if not hmac.compare_digest(want, raw[20 + 12:20 + 12 + n]):
            raise ValueError("AH ICV mismatch (independent computation)")
        esp = self.ah_from_gw.decrypt(IP(raw), verify=True, esn_en=self.esn, esn=esn_high)
        if esp.proto != 50 or esp.src != LOCAL or esp.dst != PEER:
            raise ValueError("no ESP under the AH")
        # what scapy hands back carries the ESP as raw bytes: parsed again as ESP
        return self.esp.from_gw.decrypt(IP(bytes(esp)), verify=True, esn_en=self.esn,
                                        esn=esn_high)

    def rebuild(self, frame, inner, seq):
        """The frame the gateway should have sent for inner (AES-GCM: the IV is the
        sequence number, so the whole packet is determined), built by scapy with the
        gateway's outer header fields (id, TTL, TOS, flags)."""
        got = frame[IP]
        hdr = IP(src=LOCAL, dst=PEER, id=got.id, ttl=got.ttl, tos=got.tos, flags=got.flags)
        sa = SecurityAssociation(ESP, spi=self.esp.spi_out, crypt_algo=self.esp.calg,
                                 crypt_key=self.esp.ck_out, tunnel_header=hdr,
                                 esn_en=self.esn, esn=0)
        esp = sa.encrypt(inner, seq_num=seq, iv=seq.to_bytes(8, "big"), esn_en=self.esn, esn=0)
        return self.sign(esp, seq, ah_sa=self.ah_from_gw, key=self.ak_out)


class Bundle6(Bundle):
    """The same bundle over an IPv6 outer header between local6 (the gateway) and peer6:
    [IPv6 nh 51][AH nh 50, padded to 64 bits (RFC 4302 2.6)][ESP]. scapy's ESP SAs carry
    IPv6 tunnel headers; the AH is signed by scapy's AuthAlgo with its IPv6 zeroing (RFC 4302
    3.3.3.1.2.1) over a header whose traffic class, flow label and hop limit are set, and
    checked against esp.ah_icv6 (Python's hmac). No ESN here."""

    def __init__(self, esp_xform, ah_xform, local6, peer6, **kw):
        super().__init__(esp_xform, ah_xform, **kw)
        self.local6, self.peer6 = local6, peer6
        t = self.esp
        self.esp_to_gw = SecurityAssociation(
            ESP, spi=t.spi_in, crypt_algo=t.calg, crypt_key=t.ck_in or None,
            auth_algo=t.aalg, auth_key=t.ak_in or None, tunnel_header=IPv6(src=peer6, dst=local6))
        self.esp_from_gw = SecurityAssociation(
            ESP, spi=t.spi_out, crypt_algo=t.calg, crypt_key=t.ck_out or None,
            auth_algo=t.aalg, auth_key=t.ak_out or None,
            tunnel_header=IPv6(src=local6, dst=peer6))

    @property
    def ah_len(self):
        return (12 + HASHES[self.aalg][1] + 7) & ~7

    def sign(self, esp_pkt, seq, esn_high=0, ah_sa=None, key=None, nh=50, hlim=17):
        """AH over an outer IPv6 + ESP packet (ESP kept as raw bytes, see Bundle.sign), the
        mutable fields set so that a gateway hashing them would fail."""
        ah_sa, key = ah_sa or self.ah_to_gw, key or self.ak_in
        ip = IPv6(bytes(esp_pkt))
        esp = bytes(ip.payload)
        n = HASHES[self.aalg][1]
        ah = AH(nh=nh, payloadlen=self.ah_len // 4 - 2, spi=ah_sa.spi, seq=seq,
                icv=bytes(n), padding=bytes(self.ah_len - 12 - n))
        hdr = IPv6(src=ip.src, dst=ip.dst, tc=0x28, fl=0x12345, hlim=hlim)
        pkt = ah_sa.auth_algo.sign(hdr / ah / Raw(esp), key)
        raw = bytes(pkt)
        if raw[6] != 51 or raw[40] != nh or len(raw) != 40 + self.ah_len + len(esp):
            raise ValueError("not [IPv6 51][AH nh 50][ESP]")
        if raw[52:52 + n] != ah_icv6(key, self.aalg, raw):
            raise ValueError("scapy's AH ICV over IPv6 differs from the independent one")
        return IPv6(raw)

    def encrypt(self, inner, seq, esn_high=0):
        esp = self.esp_to_gw.encrypt(inner, seq_num=seq)
        return Ether(src=PEER_MAC, dst=OUTSIDE_MAC) / self.sign(esp, seq)

    def decrypt(self, frame, esn_high=0):
        """The inner packet of a bundle frame the gateway sent: AH verified by Python's hmac
        and by scapy's AuthAlgo.verify, then scapy's ESP decryption of what it carried."""
        raw = bytes(frame[IPv6])
        n = HASHES[self.aalg][1]
        if not hmac.compare_digest(ah_icv6(self.ak_out, self.aalg, raw), raw[52:52 + n]):
            raise ValueError("AH ICV mismatch (independent computation)")
        self.ah_from_gw.auth_algo.verify(IPv6(raw), self.ak_out)   # raises if it differs
        if raw[40] != 50:
            raise ValueError("no ESP under the AH")
        esp = IPv6(src=self.local6, dst=self.peer6, nh=50, hlim=raw[7]) / \
            Raw(raw[40 + self.ah_len:])
        return self.esp_from_gw.decrypt(IPv6(bytes(esp)), verify=True)

    def rebuild(self, frame, inner, seq):
        """AES-GCM: the frame the gateway should have sent for inner, built by scapy with the
        gateway's outer traffic class and hop limit."""
        got = frame[IPv6]
        t = self.esp
        sa = SecurityAssociation(ESP, spi=t.spi_out, crypt_algo=t.calg, crypt_key=t.ck_out,
                                 tunnel_header=IPv6(src=self.local6, dst=self.peer6, tc=got.tc,
                                                    hlim=got.hlim))
        esp = sa.encrypt(inner, seq_num=seq, iv=seq.to_bytes(8, "big"))
        signed = self.sign(esp, seq, ah_sa=self.ah_from_gw, key=self.ak_out, hlim=got.hlim)
        out = bytearray(bytes(signed))
        out[0:4] = bytes(got)[0:4]     # the gateway's traffic class, flow label 0 (not hashed)
        return bytes(out)
