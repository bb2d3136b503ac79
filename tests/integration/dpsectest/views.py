"""What `dpsec` shows, read back into numbers: the drop tables, the SA counters
and the interfaces, each from the text view and from --json, which must agree.

The text parsers find the columns from the table's own header line and refuse
any line they cannot place, so a changed layout fails loudly instead of
reading as zero.
"""
import json
import re

FEATURE_DROPS = "show platform hardware qfp active feature ipsec datapath drops all"
GLOBAL_DROPS = "show platform hardware qfp active statistics drop all"

DASHES = re.compile(r"^-{20,}$")


def _table(text, header_words):
    """The data lines under the header (between the dashed lines that frame it), up to the
    first blank line: what follows one is no row (the workers' handoff lines under the
    global table)."""
    lines = text.splitlines()
    at = [i for i, ln in enumerate(lines)
          if all(w in ln for w in header_words)]
    if len(at) != 1 or at[0] == 0 or not DASHES.match(lines[at[0] - 1].rstrip()) or \
            not DASHES.match(lines[at[0] + 1].rstrip()):
        raise AssertionError("no table headed %s in:\n%s" % (header_words, text))
    rows = []
    for ln in lines[at[0] + 2:]:
        if not ln.strip():
            break
        rows.append(ln)
    return rows


def feature_drops(gw):
    """{qfp number: (name, packets)} for every row of `... datapath drops all`, checked
    against the --json form."""
    rows = {}
    for ln in _table(gw.cli(FEATURE_DROPS), ("Drop Type", "Name", "Packets")):
        m = re.match(r"^\s*(\d+)\s+([A-Z0-9_]+)\s+(\d+)\s*$", ln)
        if not m:
            raise AssertionError("unparsed drop row: %r" % ln)
        rows[int(m.group(1))] = (m.group(2), int(m.group(3)))
    js = {d["type"]: (d["name"], d["packets"])
          for d in json.loads(gw.cli("--json " + FEATURE_DROPS))["drops"]}
    if js != rows:
        raise AssertionError("text and --json drop tables differ:\n%s\n%s" % (rows, js))
    return rows


def global_drops(gw):
    """{cause: (packets, octets)} for every row of `... statistics drop all`, checked
    against the --json form."""
    rows = {}
    for ln in _table(gw.cli(GLOBAL_DROPS), ("Global Drop Stats", "Packets", "Octets")):
        m = re.match(r"^([A-Za-z0-9]+)\s+(\d+)\s+(\d+)\s*$", ln)
        if not m:
            raise AssertionError("unparsed drop row: %r" % ln)
        rows[m.group(1)] = (int(m.group(2)), int(m.group(3)))
    js = {d["name"]: (d["packets"], d["octets"])
          for d in json.loads(gw.cli("--json " + GLOBAL_DROPS))["drops"]}
    if js != rows:
        raise AssertionError("text and --json global drops differ:\n%s\n%s" % (rows, js))
    return rows


def interfaces(gw):
    """{name: the --json object of `show interfaces`}."""
    return {i["name"]: i for i in json.loads(gw.cli("--json show interfaces"))["interfaces"]}


def sa_counters(gw):
    """{(direction, spi): counters} for every SA of `--json show crypto ipsec sa`
    (direction "in"/"out", counters as named in DP_SA_COUNTERS)."""
    out = {}
    for ifc in json.loads(gw.cli("--json show crypto ipsec sa"))["interfaces"]:
        for flow in ifc["flows"]:
            for sa in flow["sas"]:
                out[(sa["direction"], sa["spi"])] = dict(sa["counters"])
    return out


def json_flows(gw):
    """{(interface, remote ident addr): the flow's --json object} of `show crypto ipsec sa`."""
    out = {}
    for ifc in json.loads(gw.cli("--json show crypto ipsec sa"))["interfaces"]:
        for flow in ifc["flows"]:
            out[(ifc["interface"], flow["remote_ident"]["addr"])] = flow
    return out


def flows(gw):
    """`show crypto ipsec sa detail` as {(interface, remote ident addr): {label: value}}:
    every '#pkts ...' / '#send errors' / '#recv errors' counter of the flow by its label as
    printed (e.g. '#pkts invalid len (rcv)', '##pkts replay failed (rcv)'), plus 'plaintext mtu'
    and the SPIs listed ('sas': [(direction, spi)])."""
    text = gw.cli("show crypto ipsec sa detail")
    out, ifname, cur, sect = {}, None, None, None
    for ln in text.splitlines():
        m = re.match(r"^interface: (\S+)", ln)
        if m:
            ifname, cur = m.group(1), None
            continue
        m = re.match(r"^\s+remote ident \(addr/(?:mask|prefixlen)/prot/port\): "
                     r"\(([\d.]+|[\da-f:]+)/", ln)
        if m:
            cur = out.setdefault((ifname, m.group(1)), {"sas": []})
            continue
        if cur is None:
            continue
        m = re.match(r"^\s+(inbound|outbound) (esp|ah|pcp) sas:", ln)
        if m:
            sect = ("in" if m.group(1) == "inbound" else "out", m.group(2))
            continue
        m = re.match(r"^\s+spi: 0x([0-9A-F]+)\((\d+)\)", ln)
        if m:
            if int(m.group(1), 16) != int(m.group(2)):
                raise AssertionError("SPI shown two ways: %r" % ln)
            cur["sas"].append((sect[0], int(m.group(2))))
            continue
        m = re.search(r"plaintext mtu (\d+)", ln)
        if m:
            cur["plaintext mtu"] = int(m.group(1))
        if "#" in ln:
            found = re.findall(r"(#{1,2}pkts [a-z .()]+?|#send errors|#recv errors):? (\d+)", ln)
            if not found or ",".join(f[0] for f in found).count("#") != ln.count("#"):
                raise AssertionError("unparsed counter line: %r" % ln)
            for label, v in found:
                cur[label.strip()] = int(v)
    return out
