#!/usr/bin/python3
"""The seeds' story, played with a real peer (scripts/demo runs this).

   host1 -- gwA (strongSwan 5.9.8) ==== IKEv2, ESP in UDP 4500 ==== gwB (dpsecd) -- host2

host1 sends a one-way UDP stream to host2. gwA brings the tunnel up; gwB (dpsecd) only
answers, as the seeds' router B does. Then gwB restarts and loses its SAs while gwA keeps
encrypting with an SPI gwB no longer knows:

  act 1  invalid_spi_recovery on:  gwB sees the unknown SPI, initiates IKE with
         INITIAL_CONTACT, gwA drops its stale SAs, traffic resumes (the gap is measured);
  act 2  recovery off (and gwA's DPD off, as in the seeds): the black hole stays.

Everything runs in network namespaces with documentation addresses, and is removed again at
the end, also on Ctrl-C.
"""
import argparse
import os
import signal
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests",
                                "integration"))
from dpsectest.seed import SeedNet, gwa_swanctl  # noqa: E402

T0 = time.monotonic()


def say(text):
    print("[%7.2f s] %s" % (time.monotonic() - T0, text), flush=True)


def banner(text):
    print("\n" + "=" * 78 + "\n" + text + "\n" + "=" * 78, flush=True)


def show(net, command):
    print("gwB#%s" % command)
    print(net.cli(command).rstrip() + "\n", flush=True)


def show_gwa(net):
    print("gwA# swanctl --list-sas")
    print(net.gwa.swanctl("--list-sas").rstrip() + "\n", flush=True)


def wait_up(net, guard=30):
    end = time.monotonic() + guard
    while time.monotonic() < end:
        for sa in net.gwa.list_sas():
            if sa.get("state") == "ESTABLISHED" and any(
                    c.get("state") == "INSTALLED" for c in sa["children"].values()):
                return True
        time.sleep(0.1)
    return False


def restart_gwb(net, recovery):
    """SIGKILL dpsecd (all SAs lost, nothing sent) and start it again; returns (last arrival
    before the crash, the time dpsecd answered the CLI again)."""
    last = net.stream.last_arrival()
    net.stop_dpsecd(signal.SIGKILL)
    say("gwB killed: every SA gone, no DELETE sent; gwA keeps encrypting")
    net.start_dpsecd(recovery=recovery)
    up = time.monotonic()
    say("gwB running again (invalid_spi_recovery %s)" % ("on" if recovery else "off"))
    return last, up


def act_recovery(net):
    banner("Act 1: invalid-SPI recovery ON. gwB restarts and loses its SAs")
    last, up = restart_gwb(net, recovery=True)
    first = net.stream.wait_arrival_after(up, guard=20)
    if first is None:
        say("no datagram reached host2 within 20 s: recovery FAILED")
        show(net, "show logging")
        return False
    say("traffic resumed: host2's last datagram before the crash %.2f s, first after %.2f s"
        % (last - T0, first - T0))
    say("outage seen by host2: %.2f s, of which %.2f s after gwB was back"
        % (first - last, first - up))
    show(net, "show platform hardware qfp active feature ipsec datapath drops")
    show(net, "show logging | include RECVD_PKT_INV_SPI|RECOVERY|IKEV2")
    show(net, "show crypto ipsec invalid-spi")
    show(net, "show crypto isakmp sa")
    show(net, "show crypto ipsec sa | include spi:|caps|peer")
    show_gwa(net)
    return True


def act_black_hole(net, seconds):
    banner("Act 2: recovery OFF (gwA's DPD off). gwB restarts and loses its SAs again")
    last, up = restart_gwb(net, recovery=False)
    first = net.stream.wait_arrival_after(up, guard=seconds)
    if first is not None:
        say("a datagram arrived %.2f s after the restart: unexpected" % (first - up))
        return False
    say("no datagram for %d s after gwB came back: the seeds' black hole (last arrival "
        "%.2f s)" % (seconds, last - T0))
    show(net, "show platform hardware qfp active feature ipsec datapath drops")
    show(net, "show crypto ipsec invalid-spi")
    show(net, "show logging | include RECVD_PKT_INV_SPI|RECOVERY")
    show_gwa(net)
    return True


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--black-hole", type=int, default=20, metavar="S",
                    help="how long act 2 watches for traffic (default 20 s)")
    args = ap.parse_args()
    ok = False
    with SeedNet() as net:
        try:
            banner("The tunnel comes up: gwA initiates, gwB (dpsecd) answers")
            net.start_dpsecd(recovery=True)
            net.gwa.start(gwa_swanctl())
            if not wait_up(net):
                say("no tunnel after 30 s")
                print(net.dpsecd_text()[-3000:])
                return 1
            net.stream.start()
            if net.stream.wait_arrival_after(T0, guard=20) is None:
                say("the stream does not reach host2")
                return 1
            say("host1 -> host2 stream flowing through the tunnel")
            show(net, "show crypto ikev2 sa")
            show(net, "show crypto ipsec sa | include spi:|caps|peer")
            show_gwa(net)
            ok = act_recovery(net) and act_black_hole(net, args.black_hole)
        except KeyboardInterrupt:
            say("interrupted: cleaning up")
    banner("Done: namespaces, daemons and files removed" + ("" if ok else " (FAILED)"))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
