#!/usr/bin/env python3
"""TUI start-up through a pseudo-terminal: time from exec to the first frame
(the first output that contains the app's title) and resident memory when idle.

Usage: bench/tui-startup.py AUTHLAB_BINARY [RUNS]   (default 30 runs)
Prints a table of medians. Standard library only.
"""
import os, pty, select, signal, statistics, sys, time, fcntl, termios, struct

def one(binary):
    pid, fd = pty.fork()
    if pid == 0:
        os.environ["TERM"] = "xterm-256color"
        os.execv(binary, [binary])
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
    t0 = time.perf_counter()
    buf = b""
    first = None
    while time.perf_counter() - t0 < 5:
        r, _, _ = select.select([fd], [], [], 0.5)
        if r:
            try:
                buf += os.read(fd, 65536)
            except OSError:
                break
            if b"credential tester" in buf:
                first = time.perf_counter() - t0
                break
    time.sleep(1.0)  # idle
    rss = hwm = 0
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                rss = int(line.split()[1]) / 1024
            elif line.startswith("VmHWM:"):
                hwm = int(line.split()[1]) / 1024
    os.write(fd, b"\x03")  # ctrl+c
    deadline = time.time() + 3
    while time.time() < deadline:
        done, _ = os.waitpid(pid, os.WNOHANG)
        if done:
            break
        try:
            select.select([fd], [], [], 0.1) and os.read(fd, 65536)
        except OSError:
            pass
    else:
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
    os.close(fd)
    return first, rss, hwm

def main():
    binary = sys.argv[1]
    runs = int(sys.argv[2]) if len(sys.argv) > 2 else 30
    firsts, rsss, hwms = [], [], []
    for _ in range(runs):
        f, r, h = one(binary)
        if f is None:
            sys.exit("no first frame within 5 s")
        firsts.append(f * 1000)
        rsss.append(r)
        hwms.append(h)
    print("| measure | median | min | max | target |")
    print("|---|---|---|---|---|")
    print(f"| exec to first frame | {statistics.median(firsts):.1f} ms | {min(firsts):.1f} ms | {max(firsts):.1f} ms | ≤ 30 ms |")
    print(f"| idle RSS (after 1 s) | {statistics.median(rsss):.1f} MB | {min(rsss):.1f} MB | {max(rsss):.1f} MB | ≤ 30 MB |")
    print(f"| peak RSS (VmHWM) | {statistics.median(hwms):.1f} MB | {min(hwms):.1f} MB | {max(hwms):.1f} MB | |")
    print(f"({runs} runs, 80×24 pty, load average {' '.join(f'{x:.2f}' for x in os.getloadavg())})")

main()
