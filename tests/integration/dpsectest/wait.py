"""Waiting on a condition instead of sleeping, and the SeedNet condition most tests wait on."""
import time


def wait_for(cond, guard, what, step=0.1):
    """cond()'s first true value; AssertionError naming what after guard seconds without one.

    guard is a generous upper bound for a slow machine, never the expected time."""
    end = time.monotonic() + guard
    while time.monotonic() < end:
        v = cond()
        if v:
            return v
        time.sleep(step)
    raise AssertionError("timed out after %.0f s waiting for %s" % (guard, what))


def established(net):
    """gwA's (strongSwan's) established IKE SA with an installed CHILD_SA, or None."""
    for sa in net.gwa.list_sas():
        if sa.get("state") == "ESTABLISHED" and any(
                ch.get("state") == "INSTALLED" for ch in sa["children"].values()):
            return sa
    return None
