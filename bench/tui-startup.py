#!/usr/bin/env python3
"""TUI start-up through a pseudo-terminal: time from exec to the first frame
(the first output that contains the app's title) and resident memory when idle.

Usage: bench/tui-startup.py AUTHLAB_BINARY [RUNS]   (default 30 runs)
Prints a table of medians. Standard library only (the pty driver is
bench/lib/ptysession.py).
"""
import os, statistics, sys, time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
from ptysession import Session  # noqa: E402


def one(binary):
    """→ (ms to the first frame or None, idle VmRSS MB, VmHWM MB)"""
    s = Session([binary], rows=24, cols=80)
    try:
        try:
            first = s.wait_for(b"credential tester", 5) * 1000
        except TimeoutError:
            first = None
        time.sleep(1.0)  # idle
        rss, hwm = s.memory_mb()
    finally:
        s.close()
    return first, rss, hwm


def main():
    binary = sys.argv[1]
    runs = int(sys.argv[2]) if len(sys.argv) > 2 else 30
    firsts, rsss, hwms = [], [], []
    for _ in range(runs):
        f, r, h = one(binary)
        if f is None:
            sys.exit("no first frame within 5 s")
        firsts.append(f)
        rsss.append(r)
        hwms.append(h)
    print("| measure | median | min | max | target |")
    print("|---|---|---|---|---|")
    print(f"| exec to first frame | {statistics.median(firsts):.1f} ms | {min(firsts):.1f} ms | {max(firsts):.1f} ms | ≤ 30 ms |")
    print(f"| idle RSS (after 1 s) | {statistics.median(rsss):.1f} MB | {min(rsss):.1f} MB | {max(rsss):.1f} MB | ≤ 30 MB |")
    print(f"| peak RSS (VmHWM) | {statistics.median(hwms):.1f} MB | {min(hwms):.1f} MB | {max(hwms):.1f} MB | |")
    print(f"({runs} runs, 80×24 pty, load average {' '.join(f'{x:.2f}' for x in os.getloadavg())})")


main()
