#!/usr/bin/env python3
"""Key-press latency of the TUI through a pseudo-terminal (120×40): the time
from writing a key to the first byte of the frame that answers it, which is
what a user sees (Update + View + the wait for Bubble Tea's next frame tick,
0–8.3 ms at 120 fps). Standard library only.

  tui-keys.py scroll AUTHLAB URL [KEYS]   send URL (a big JSON body), open
                                          the Body tab, press j/k KEYS times
                                          and f/b (page) KEYS/4 times
  tui-keys.py filter AUTHLAB [ROUNDS]     AUTHLAB_PROFILES set: ctrl+o, then
                                          per round type three characters
                                          into the filter and erase them

Prints markdown table rows: median, p90, max, and memory (VmRSS now, VmHWM
peak) of the TUI process.
"""
import os, statistics, sys, time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
from ptysession import Session  # noqa: E402


def row(what, ts, target):
    ts = [t for t in ts if t is not None]
    if not ts:
        sys.exit(f"{what}: the TUI never answered")
    q = sorted(ts)
    p90 = q[min(len(q) - 1, (9 * len(q) + 9) // 10 - 1)]
    print(f"| {what} | {statistics.median(q):.1f} ms | {p90:.1f} ms | {q[-1]:.1f} ms | {len(q)} | {target} |")


def header():
    print("| measure | median | p90 | max | keys | target |")
    print("|---|---|---|---|---|---|")


def scroll(binary, url, keys):
    s = Session([binary, "--max-body", "64MiB", url], rows=40, cols=120)
    try:
        s.wait_for(b"credential tester")
        s.quiet(200)
        t0 = time.perf_counter()
        s.send(b"\x12")  # ctrl+r: send
        s.wait_for(b"MiB", 60)  # the status line names the body's size
        loaded = (time.perf_counter() - t0) * 1000
        s.quiet(300)
        s.send(b"\x1b[Z")  # shift+tab: focus the result pane
        s.quiet(150)
        s.send(b"2")  # the Body tab
        s.quiet(300)
        lines, pages = [], []
        for i in range(keys):
            lines.append(s.key_latency(b"j" if i % 3 != 2 else b"k"))
        for i in range(max(4, keys // 4)):
            pages.append(s.key_latency(b"f" if i % 3 != 2 else b"b"))
        rss, hwm = s.memory_mb()
    finally:
        s.close()
    header()
    row("scroll one line (j/k), body loaded", lines, "≤ 16 ms")
    row("scroll one page (f/b)", pages, "≤ 16 ms")
    print(f"\nctrl+r to the body on screen: {loaded:.0f} ms · TUI memory with the body loaded: RSS {rss:.1f} MB, peak {hwm:.1f} MB")


def filter_(binary, rounds):
    s = Session([binary], rows=40, cols=120)
    try:
        s.wait_for(b"credential tester")
        s.send(b"\x0f")  # ctrl+o: the browser
        s.wait_for(b"profile000", 30)  # the list is on screen
        s.quiet(500)
        s.quiet(300)
        s.send(b"/")
        s.quiet(150)
        first, more, erase = [], [], []
        starts = "pgr0123456789eoi"
        for i in range(rounds):
            c = starts[i % len(starts)].encode()
            first.append(s.key_latency(c))
            more.append(s.key_latency(b"1"))
            more.append(s.key_latency(b"0"))
            for _ in range(3):
                erase.append(s.key_latency(b"\x7f"))  # backspace
        rss, hwm = s.memory_mb()
    finally:
        s.close()
    header()
    row("filter: first character (all 10 000 scored)", first, "≤ 16 ms")
    row("filter: next characters (narrowing)", more, "≤ 16 ms")
    row("filter: backspace", erase, "≤ 16 ms")
    print(f"\nTUI memory with 10 000 profiles listed: RSS {rss:.1f} MB, peak {hwm:.1f} MB")


def main():
    if len(sys.argv) < 3 or sys.argv[1] not in ("scroll", "filter"):
        sys.exit(__doc__)
    if sys.argv[1] == "scroll":
        scroll(sys.argv[2], sys.argv[3], int(sys.argv[4]) if len(sys.argv) > 4 else 60)
    else:
        filter_(sys.argv[2], int(sys.argv[3]) if len(sys.argv) > 3 else 16)


main()
