# SPDX-License-Identifier: BSD-3-Clause
"""Reference IKEv2 crypto, written from the RFCs independently of src/ike, on Python's
hashlib/hmac, integer pow() and Debian's python3-cryptography (AES only). Used by
gen_vectors.py (the vectors the C tests embed) and open_c_sealed.py (opens what C sealed).
"""
import hashlib
import hmac
import struct

from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

# IANA numbers (RFC 7296 section 3.3.2 and the registry)
ENCR_AES_CBC, ENCR_AES_GCM_16 = 12, 20
PRF_HMAC_SHA1, PRF_HMAC_SHA2_256, PRF_HMAC_SHA2_384, PRF_HMAC_SHA2_512 = 2, 5, 6, 7
INTEG_NONE, INTEG_SHA1_96, INTEG_SHA256_128, INTEG_SHA384_192, INTEG_SHA512_256 = 0, 2, 12, 13, 14

PRF_HASH = {PRF_HMAC_SHA1: 'sha1', PRF_HMAC_SHA2_256: 'sha256',
            PRF_HMAC_SHA2_384: 'sha384', PRF_HMAC_SHA2_512: 'sha512'}
# integrity: hash, key length (RFC 2404, RFC 4868), ICV truncation
INTEG = {INTEG_SHA1_96: ('sha1', 20, 12), INTEG_SHA256_128: ('sha256', 32, 16),
         INTEG_SHA384_192: ('sha384', 48, 24), INTEG_SHA512_256: ('sha512', 64, 32)}
GCM_SALT, GCM_IV, GCM_ICV = 4, 8, 16          # RFC 5282 sections 3.1, 3.2, 7.1
CBC_IV = CBC_BLOCK = 16                          # RFC 3602

IKE_HDR_LEN = 28


def det(label, n):
    """n reproducible bytes named by label (SHAKE-256), for fixed test inputs."""
    return hashlib.shake_256(label.encode()).digest(n)


# ---- RFC 3526 group 14, from its defining formula rather than a transcription ----

def _arctan_inv(x, one):
    total = term = one // x
    n, sign = 1, -1
    while term:
        term //= x * x
        total += sign * (term // (2 * n + 1))
        sign, n = -sign, n + 1
    return total


def _pi_floor(bits):
    guard = 64                                  # Machin's formula with guard bits
    one = 1 << (bits + guard)
    return (16 * _arctan_inv(5, one) - 4 * _arctan_inv(239, one)) >> guard


# RFC 3526 section 3: p = 2^2048 - 2^1984 - 1 + 2^64 * { [2^1918 pi] + 124476 }, g = 2
MODP2048_P = 2**2048 - 2**1984 - 1 + 2**64 * (_pi_floor(1918) + 124476)
MODP2048_G = 2
assert pow(2, MODP2048_P - 1, MODP2048_P) == 1, 'p fails a Fermat test'


def modp_public(x):
    return pow(MODP2048_G, x, MODP2048_P).to_bytes(256, 'big')


def modp_shared(x, peer):
    # RFC 7296 section 2.14: g^ir padded with zeros to the length of the modulus
    return pow(int.from_bytes(peer, 'big'), x, MODP2048_P).to_bytes(256, 'big')


# ---- prf, prf+, key schedule (RFC 7296 sections 2.13, 2.14, 2.17, 2.18) ----

def prf(alg, key, data):
    return hmac.new(key, data, PRF_HASH[alg]).digest()


def prf_len(alg):
    return hashlib.new(PRF_HASH[alg]).digest_size


def prf_plus(alg, key, seed, n):
    out, t, i = b'', b'', 1
    while len(out) < n:
        t = prf(alg, key, t + seed + bytes([i]))
        out += t
        i += 1
    return out[:n]


class Suite:
    def __init__(self, name, encr, bits, integ, prf_alg):
        self.name, self.encr, self.bits, self.integ, self.prf = name, encr, bits, integ, prf_alg

    @property
    def aead(self):
        return self.encr == ENCR_AES_GCM_16

    def encr_key_len(self):
        return self.bits // 8 + (GCM_SALT if self.aead else 0)

    def integ_key_len(self):
        return 0 if self.aead else INTEG[self.integ][1]

    def iv_len(self):
        return GCM_IV if self.aead else CBC_IV

    def icv_len(self):
        return GCM_ICV if self.aead else INTEG[self.integ][2]


def skeyseed(alg, ni, nr, gir):
    return prf(alg, ni + nr, gir)


def skeyseed_rekey(old_alg, old_sk_d, gir, ni, nr):
    return prf(old_alg, old_sk_d, gir + ni + nr)


def ike_keys(suite, seed, ni, nr, spi_i, spi_r):
    p, a, e = prf_len(suite.prf), suite.integ_key_len(), suite.encr_key_len()
    km = prf_plus(suite.prf, seed, ni + nr + spi_i + spi_r, 3 * p + 2 * a + 2 * e)
    keys = {}
    for name, n in (('d', p), ('ai', a), ('ar', a), ('ei', e), ('er', e), ('pi', p), ('pr', p)):
        keys[name], km = km[:n], km[n:]
    return keys


def child_keymat(alg, sk_d, ni, nr, n, gir=b''):
    return prf_plus(alg, sk_d, gir + ni + nr, n)


# ---- PSK AUTH (section 2.15), NAT-D (2.23), COOKIE (2.6) ----

def auth_psk(alg, psk, real_msg, nonce, sk_p, id_body):
    maced_id = prf(alg, sk_p, id_body)
    return prf(alg, prf(alg, psk, b'Key Pad for IKEv2'), real_msg + nonce + maced_id)


def natd(spi_i, spi_r, addr, port):
    return hashlib.sha1(spi_i + spi_r + addr + struct.pack('!H', port)).digest()


def cookie(version, secret, ni, ip, spi_i):
    return bytes([version]) + hashlib.sha256(ni + ip + spi_i + secret).digest()


# ---- the Encrypted payload (section 3.14, RFC 5282, RFC 7383) ----

def ike_header(spi_i, spi_r, next_payload, exchange, flags, msg_id):
    """The 28-byte IKE header, Length left zero until the message is sealed."""
    return spi_i + spi_r + struct.pack('!BBBBII', next_payload, 0x20, exchange, flags, msg_id, 0)


def seal(suite, ek, ak, prefix, sk_hdr_len, inner, iv, pad=None, pad_byte=0):
    """prefix: the IKE header, payloads before SK and the SK header (lengths not yet set).
    pad: Padding length; None = the fewest bytes the cipher needs (CBC block, GCM none)."""
    if pad is None:
        pad = (-(len(inner) + 1)) % CBC_BLOCK if not suite.aead else 0
    return seal_pt(suite, ek, ak, prefix, sk_hdr_len, inner + bytes([pad_byte]) * pad +
                   bytes([pad]), iv)


def seal_pt(suite, ek, ak, prefix, sk_hdr_len, pt, iv):
    """Seal a plaintext that already ends in Padding and Pad Length (right or wrong)."""
    sk_off = len(prefix) - sk_hdr_len
    total = len(prefix) + len(iv) + len(pt) + suite.icv_len()
    msg = bytearray(prefix)
    struct.pack_into('!I', msg, 24, total)
    struct.pack_into('!H', msg, sk_off + 2, total - sk_off)
    if suite.aead:
        key, salt = ek[:-GCM_SALT], ek[-GCM_SALT:]
        return bytes(msg) + iv + AESGCM(key).encrypt(salt + iv, pt, bytes(msg))
    enc = Cipher(algorithms.AES(ek), modes.CBC(iv)).encryptor()
    body = bytes(msg) + iv + enc.update(pt) + enc.finalize()
    return body + hmac.new(ak, body, INTEG[suite.integ][0]).digest()[:suite.icv_len()]


class OpenError(Exception):
    pass


def open_sk(suite, ek, ak, msg, sk_off, sk_hdr_len):
    """The inner payload chain of a sealed message, or OpenError."""
    if struct.unpack_from('!I', msg, 24)[0] != len(msg):
        raise OpenError('IKE header Length')
    if struct.unpack_from('!H', msg, sk_off + 2)[0] != len(msg) - sk_off:
        raise OpenError('SK payload Length')
    start = sk_off + sk_hdr_len
    iv = msg[start:start + suite.iv_len()]
    ct = msg[start + suite.iv_len():len(msg) - suite.icv_len()]
    icv = msg[len(msg) - suite.icv_len():]
    if suite.aead:
        key, salt = ek[:-GCM_SALT], ek[-GCM_SALT:]
        try:
            pt = AESGCM(key).decrypt(salt + iv, ct + icv, msg[:start])
        except Exception as e:
            raise OpenError('GCM tag') from e
    else:
        want = hmac.new(ak, msg[:len(msg) - len(icv)], INTEG[suite.integ][0]).digest()
        if not hmac.compare_digest(want[:len(icv)], icv):
            raise OpenError('ICV')
        if len(ct) % CBC_BLOCK:
            raise OpenError('CBC alignment')
        dec = Cipher(algorithms.AES(ek), modes.CBC(iv)).decryptor()
        pt = dec.update(ct) + dec.finalize()
    if pt[-1] + 1 > len(pt):
        raise OpenError('Pad Length')
    return pt[:len(pt) - 1 - pt[-1]], iv
