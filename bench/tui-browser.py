#!/usr/bin/env python3
"""Through a pseudo-terminal: exec authlab, press ctrl+o at once, and time
until the profile browser shows the loaded list (the first group's header
and its first profile). Standard library only (bench/lib/ptysession.py).
Usage (AUTHLAB_PROFILES set): bench/tui-browser.py AUTHLAB_BINARY [RUNS]"""
import os, statistics, sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
from ptysession import Session  # noqa: E402


def one(binary):
    """→ ms from exec to the list on screen, or None"""
    s = Session([binary], rows=40, cols=120)
    try:
        s.send(b"\x0f")  # ctrl+o: the browser
        return s.wait_for((b"group00/", b"profile000"), 10) * 1000
    except TimeoutError:
        return None
    finally:
        s.close()


binary = sys.argv[1]
runs = int(sys.argv[2]) if len(sys.argv) > 2 else 10
ts = []
for _ in range(runs):
    u = one(binary)
    if u is None:
        sys.exit("the browser never showed the list")
    ts.append(u)
print(f"| TUI: exec to browser showing 10 000 profiles | {statistics.median(ts):.0f} ms median of {runs} (min {min(ts):.0f}, max {max(ts):.0f}) | target ≤ 300 ms |")
