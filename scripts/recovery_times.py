#!/usr/bin/python3
"""How long the seeds' outage lasts, with and without invalid-SPI recovery, measured.

   host1 -- gwA (strongSwan 5.9.8, DPD off) ==== gwB (dpsecd) -- host2   (dpsectest/seed.py)

For each run: the tunnel comes up (gwA initiates), host1 streams UDP to host2 every 20 ms, gwB
is killed (SIGKILL: SAs lost, nothing sent) and started again. Measured from host2's arrivals:
  back    seconds from gwB answering its CLI again to the first datagram through the tunnel
  outage  seconds between the last datagram before the kill and the first after it
With --off, recovery is off and the script reports how long nothing arrived (up to --watch s).

  sudo /usr/bin/python3 scripts/recovery_times.py [--runs 5] [--off] [--watch 30]
(DPSECD and DPSEC name the binaries; default: build/.)
"""
import argparse
import os
import signal
import statistics
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests",
                                "integration"))
from dpsectest.seed import SeedNet, gwa_swanctl, Stream  # noqa: E402


def up(net, guard=30):
    end = time.monotonic() + guard
    while time.monotonic() < end:
        if any(sa.get("state") == "ESTABLISHED" for sa in net.gwa.list_sas()):
            return True
        time.sleep(0.1)
    return False


def one_run(recovery, watch):
    with SeedNet() as net:
        net.stream = Stream(net, interval=0.02)
        net.start_dpsecd(recovery=recovery)
        net.gwa.start(gwa_swanctl())
        if not up(net):
            raise RuntimeError("no tunnel")
        net.stream.start()
        if net.stream.wait_arrival_after(time.monotonic(), 20) is None:
            raise RuntimeError("no stream")
        time.sleep(0.5)
        last = net.stream.last_arrival()
        net.stop_dpsecd(signal.SIGKILL)
        net.start_dpsecd(recovery=recovery)
        back = time.monotonic()
        first = net.stream.wait_arrival_after(back, watch)
        if first is None:
            return None, time.monotonic() - last
        return first - back, first - last


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--off", action="store_true", help="recovery off")
    ap.add_argument("--watch", type=float, default=30.0,
                    help="seconds to wait for traffic after the restart (default 30)")
    args = ap.parse_args()
    backs, outages = [], []
    for i in range(args.runs):
        back, outage = one_run(not args.off, args.watch)
        if back is None:
            print("run %d: nothing arrived for %.1f s after the crash" % (i + 1, outage),
                  flush=True)
        else:
            print("run %d: traffic back %.3f s after gwB was up, outage %.3f s"
                  % (i + 1, back, outage), flush=True)
            backs.append(back)
        outages.append(outage)
    if backs:
        print("recovery %s, %d runs: after gwB up median %.3f s (min %.3f, max %.3f); "
              "outage median %.3f s (min %.3f, max %.3f)"
              % ("off" if args.off else "on", args.runs, statistics.median(backs), min(backs),
                 max(backs), statistics.median(outages), min(outages), max(outages)))
    else:
        print("recovery %s, %d runs: no traffic within %.0f s of any restart (black hole)"
              % ("off" if args.off else "on", args.runs, args.watch))
    return 0


if __name__ == "__main__":
    sys.exit(main())
