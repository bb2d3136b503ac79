"""ESP written field by field (RFC 4303 section 2), for the packets a well-behaved
peer never sends: a padding length longer than the payload, padding bytes that
are not 1, 2, 3, ..., another next header, a ciphertext that is not a whole
number of blocks, one bit flipped in the ciphertext or the ICV.

An implementation of its own (AES from the `cryptography` package, HMAC from
Python's hmac), independent of dpsec and of scapy's ESP layer:

   +--------+--------+-----------+-------------------------------+-------+
   |  SPI   |  Seq   | IV        | payload | padding | PL | NH   |  ICV  |
   +--------+--------+-----------+-------------------------------+-------+
                                 |<---------- ciphertext ------->|
"""
import hashlib
import hmac
import os
import struct

from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

# auth name: (hash, ICV bytes) -- RFC 2404, RFC 4868
HMACS = {"HMAC-SHA1-96": (hashlib.sha1, 12), "SHA2-256-128": (hashlib.sha256, 16),
         "SHA2-384-192": (hashlib.sha384, 24), "SHA2-512-256": (hashlib.sha512, 32)}
# cipher name: (IV bytes, padding alignment) -- RFC 4106, RFC 3602, RFC 2410 with RFC 4303 2.4
CIPHERS = {"AES-GCM": (8, 4), "AES-CBC": (16, 16), "NULL": (0, 4)}

NH_IPV4 = 4     # tunnel mode: IP-in-IP
NH_NONE = 59    # dummy packet (RFC 4303 section 2.6)


class EspSa:
    """One direction of an SA: the keys as configured (cipher key with the GCM
    salt appended, as in docs/CONFIG.md), the SPI and ESN."""

    def __init__(self, spi, cipher, cipher_key, auth=None, auth_key=None, esn=False):
        self.spi, self.cipher, self.auth, self.esn = spi, cipher, auth, esn
        self.iv_len, self.align = CIPHERS[cipher]
        if cipher == "AES-GCM":
            self.key, self.salt = cipher_key[:-4], cipher_key[-4:]
            self.icv_len = 16
        else:
            self.key, self.salt = cipher_key, b""
            self.icv_len = HMACS[auth][1]
        self.auth_key = auth_key

    def _head(self, seq):
        return struct.pack("!LL", self.spi, seq & 0xffffffff)

    def _aad(self, seq, esn_high):
        # RFC 4106 section 5: SPI || seq (|| with ESN: SPI || high || low)
        if self.esn:
            return struct.pack("!LLL", self.spi, esn_high, seq)
        return self._head(seq)

    def _hmac(self, data, esn_high):
        # RFC 4303 section 2.2.1: with ESN the high 32 bits are appended, not sent
        if self.esn:
            data += struct.pack("!L", esn_high)
        digest, n = HMACS[self.auth]
        return hmac.new(self.auth_key, data, digest).digest()[:n]

    def trailer(self, payload_len, pad_len=None, pad=None, nh=NH_IPV4):
        """Padding (RFC 4303 2.4: 1, 2, 3, ... up to the alignment), pad length, next header.
        pad: the padding bytes themselves; pad_len: the Pad Length byte, whatever it says."""
        if pad is None:
            pad = bytes(range(1, 1 + (-(payload_len + 2)) % self.align))
        return pad + bytes([len(pad) if pad_len is None else pad_len, nh])

    def seal_plaintext(self, seq, plaintext, iv=None, esn_high=0):
        """ESP around a plaintext given whole (payload, padding, PL and NH included):
        SPI, seq, IV, ciphertext, ICV. The ICV is right whatever the plaintext."""
        head = self._head(seq)
        if self.cipher == "AES-GCM":
            iv = iv if iv is not None else os.urandom(8)
            ct = AESGCM(self.key).encrypt(self.salt + iv, plaintext, self._aad(seq, esn_high))
            return head + iv + ct
        if self.cipher == "AES-CBC":
            iv = iv if iv is not None else os.urandom(16)
            if len(plaintext) % 16:
                # not a whole number of blocks: no CBC would produce it; send it as "ciphertext"
                ct = plaintext
            else:
                enc = Cipher(algorithms.AES(self.key), modes.CBC(iv)).encryptor()
                ct = enc.update(plaintext) + enc.finalize()
        else:
            iv, ct = b"", plaintext
        body = head + iv + ct
        return body + self._hmac(body, esn_high)

    def seal(self, seq, payload, nh=NH_IPV4, pad_len=None, pad=None, iv=None, esn_high=0):
        """ESP carrying payload (bytes of the inner packet), with the trailer as asked."""
        return self.seal_plaintext(seq, payload + self.trailer(len(payload), pad_len, pad, nh),
                                   iv, esn_high)

    def open(self, esp, esn_high=0):
        """(seq, payload, pad_len, nh) of an ESP packet; ValueError if the ICV is wrong
        or the padding is not 1, 2, 3, ..."""
        spi, seq = struct.unpack("!LL", esp[:8])
        if spi != self.spi:
            raise ValueError("SPI 0x%x, expected 0x%x" % (spi, self.spi))
        iv = esp[8:8 + self.iv_len]
        ct, icv = esp[8 + self.iv_len:-self.icv_len], esp[-self.icv_len:]
        if self.cipher == "AES-GCM":
            pt = AESGCM(self.key).decrypt(self.salt + iv, ct + icv, self._aad(seq, esn_high))
        else:
            if not hmac.compare_digest(self._hmac(esp[:-self.icv_len], esn_high), icv):
                raise ValueError("ICV mismatch")
            if self.cipher == "AES-CBC":
                dec = Cipher(algorithms.AES(self.key), modes.CBC(iv)).decryptor()
                pt = dec.update(ct) + dec.finalize()
            else:
                pt = ct
        pad_len, nh = pt[-2], pt[-1]
        if pt[-2 - pad_len:-2] != bytes(range(1, pad_len + 1)):
            raise ValueError("padding is not 1, 2, 3, ...")
        return seq, pt[:-2 - pad_len], pad_len, nh


def flip(data, offset, bit=0):
    """data with one bit changed; a negative offset counts from the end."""
    b = bytearray(data)
    b[offset] ^= 1 << bit
    return bytes(b)


# RFC 4302 appendix A.1: IPv4 options that are immutable in transit (the type byte)
AH_IMMUTABLE_OPTIONS = (0, 1, 130, 133, 134, 148, 149)


def ah_zeroed(ip):
    """The bytes of an IPv4 packet carrying AH as its ICV sees them (RFC 4302 3.3.3.1.1):
    TOS, flags + fragment offset, TTL, checksum zeroed, mutable options zeroed whole, the
    ICV field (and any padding after it, as the length field says) zeroed."""
    b = bytearray(ip)
    hl = (b[0] & 0xf) * 4
    b[1] = 0
    b[6:8] = b"\0\0"
    b[8] = 0
    b[10:12] = b"\0\0"
    i = 20
    while i < hl:
        if b[i] == 0:
            break
        if b[i] == 1:
            i += 1
            continue
        n = b[i + 1] if i + 1 < hl else 0
        if n < 2 or i + n > hl:
            break   # malformed: the gateway refuses it before any ICV
        if b[i] not in AH_IMMUTABLE_OPTIONS:
            b[i:i + n] = bytes(n)
        i += n
    ah_len = (b[hl + 1] + 2) * 4
    b[hl + 12:hl + ah_len] = bytes(ah_len - 12)
    return bytes(b)


class AhSa:
    """One direction of an AH SA (RFC 4302), tunnel mode, IPv4: the HMAC key, the SPI. Builds
    and checks whole outer IPv4 packets, since the ICV covers the outer header."""

    align, iv_len, key, salt = 4, 0, b"", b""

    def __init__(self, spi, auth, auth_key, esn=False):
        self.spi, self.auth, self.auth_key, self.esn = spi, auth, auth_key, esn
        self.icv_len = HMACS[auth][1]
        self.hdr_len = (12 + self.icv_len + 3) // 4 * 4   # 32-bit aligned (RFC 4302 2.6)

    def icv(self, ip, esn_high=0):
        data = ah_zeroed(ip)
        if self.esn:
            data += struct.pack("!L", esn_high)
        digest, n = HMACS[self.auth]
        return hmac.new(self.auth_key, data, digest).digest()[:n]

    def packet(self, seq, payload, header, nh=NH_IPV4, len_field=None, esn_high=0):
        """header (an IPv4 header as bytes, options allowed; its length and protocol are
        set here) + AH + payload, with the right ICV. len_field: the AH Payload Length byte,
        whatever it says."""
        h = bytearray(header)
        hl = (h[0] & 0xf) * 4
        lf = self.hdr_len // 4 - 2 if len_field is None else len_field
        ah = struct.pack("!BBHLL", nh, lf, 0, self.spi, seq & 0xffffffff) + \
            bytes(self.hdr_len - 12)
        h[2:4] = struct.pack("!H", hl + len(ah) + len(payload))
        h[9] = 51
        h[10:12] = b"\0\0"
        ck = sum(struct.unpack("!%dH" % (hl // 2), bytes(h[:hl])))
        while ck >> 16:
            ck = (ck & 0xffff) + (ck >> 16)
        h[10:12] = struct.pack("!H", ~ck & 0xffff)
        pkt = bytearray(bytes(h[:hl]) + ah + payload)
        pkt[hl + 12:hl + 12 + self.icv_len] = self.icv(bytes(pkt), esn_high)
        return bytes(pkt)

    def open(self, ip, esn_high=0):
        """(seq, payload, nh) of an IPv4 packet carrying AH; ValueError if the ICV is wrong."""
        hl = (ip[0] & 0xf) * 4
        nh, lf, _, spi, seq = struct.unpack("!BBHLL", ip[hl:hl + 12])
        if spi != self.spi:
            raise ValueError("SPI 0x%x, expected 0x%x" % (spi, self.spi))
        if (lf + 2) * 4 != self.hdr_len:
            raise ValueError("AH length %d, expected %d" % ((lf + 2) * 4, self.hdr_len))
        if not hmac.compare_digest(self.icv(ip, esn_high),
                                   ip[hl + 12:hl + 12 + self.icv_len]):
            raise ValueError("ICV mismatch")
        return seq, ip[hl + self.hdr_len:], nh
