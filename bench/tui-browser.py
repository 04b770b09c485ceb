#!/usr/bin/env python3
"""Through a pseudo-terminal: exec authlab, press ctrl+o at once, and time
until the profile browser shows the loaded list (the last group's header).
Usage (AUTHLAB_PROFILES set): bench/tui-browser.py AUTHLAB_BINARY [RUNS]"""
import os, pty, select, signal, statistics, sys, time, fcntl, termios, struct

def one(binary):
    pid, fd = pty.fork()
    if pid == 0:
        os.environ["TERM"] = "xterm-256color"
        os.execv(binary, [binary])
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 120, 0, 0))
    t0 = time.perf_counter()
    os.write(fd, b"\x0f")  # ctrl+o: the browser
    buf, usable = b"", None
    while time.perf_counter() - t0 < 10:
        r, _, _ = select.select([fd], [], [], 0.2)
        if r:
            try:
                buf += os.read(fd, 1 << 20)
            except OSError:
                break
            if b"group00/" in buf and b"profile000" in buf:
                usable = time.perf_counter() - t0
                break
    os.write(fd, b"\x03")
    time.sleep(0.2)
    try:
        os.kill(pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    os.waitpid(pid, 0)
    os.close(fd)
    return usable

binary = sys.argv[1]
runs = int(sys.argv[2]) if len(sys.argv) > 2 else 10
ts = []
for _ in range(runs):
    u = one(binary)
    if u is None:
        sys.exit("the browser never showed the list")
    ts.append(u * 1000)
print(f"| TUI: exec to browser showing 10 000 profiles | {statistics.median(ts):.0f} ms median of {runs} (min {min(ts):.0f}, max {max(ts):.0f}) | target ≤ 300 ms |")
