"""Manual SA files (manual_sa_file) for tests and benchmarks: SAs on one crypto map entry."""
import os

HEADER = "# direction spi peer crypto-map seq transform-set cipher-key [auth-key]\n"


def write_sa_lines(path, sas, words_ts, crypto_map="VPN", seq=10, peer="192.0.2.1"):
    """One line per (direction, spi, cipher key, auth key) of sas, an iterable (a generator
    for a million SAs). The file is written mode 0600 (it holds keys)."""
    with open(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "w") as f:
        f.write(HEADER)
        for d, spi, c, a in sas:
            f.write("%s 0x%08x %s %s %d %s %s%s\n" % (
                d, spi, peer, crypto_map, seq, words_ts, c.hex() if c else "-",
                " " + a.hex() if a else ""))


def write_sa_file(path, pairs, words_ts, spi_in, spi_out, key_lens, tunnels=None,
                  crypto_map="VPN", seq=10, peer="192.0.2.1"):
    """pairs SA pairs: pair i is inbound spi_in + i and outbound spi_out + i. key_lens:
    (cipher key + salt, auth key) bytes. Pair i uses tunnels[i]'s keys (esp.Tunnel) when
    given, random ones otherwise."""
    tunnels = tunnels or {}
    ck, ak = key_lens
    per = 2 * (ck + ak)
    noise = os.urandom(pairs * per)

    def sas():
        for i in range(pairs):
            t = tunnels.get(i)
            k = noise[i * per:(i + 1) * per]
            keys_in = (t.ck_in, t.ak_in) if t else (k[:ck], k[ck:ck + ak])
            keys_out = (t.ck_out, t.ak_out) if t else (k[ck + ak:2 * ck + ak], k[2 * ck + ak:])
            yield ("inbound", spi_in + i) + keys_in
            yield ("outbound", spi_out + i) + keys_out
    write_sa_lines(path, sas(), words_ts, crypto_map, seq, peer)
