"""A program run in a pseudo-terminal, for the TUI benchmarks (standard
library only): start it at a size, wait for text, press keys and time how
long the program takes to answer with a frame, read its memory.

    from ptysession import Session
    s = Session([binary], rows=40, cols=120)
    s.wait_for(b"credential tester")
    ms = s.key_latency(b"j")          # key press → first byte of the frame
    rss, peak = s.memory_mb()         # VmRSS, VmHWM
    s.close()

Bubble Tea writes each frame in one write, on its frame ticker (120 fps in
authlab), so "first byte after the key" is the moment the answer appears on
screen: Update + View + the wait for the next tick (0–8.3 ms).
"""
import os, pty, select, signal, time, fcntl, termios, struct


class Session:
    def __init__(self, argv, rows=24, cols=80, env=None):
        self.t_exec = time.perf_counter()
        pid, fd = pty.fork()
        if pid == 0:
            e = dict(os.environ if env is None else env)
            e["TERM"] = "xterm-256color"
            os.execve(argv[0], argv, e)
        fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))
        self.pid, self.fd, self.buf = pid, fd, b""

    def read(self, timeout):
        """Reads what is there within timeout seconds; returns the bytes
        (b"" when nothing came)."""
        r, _, _ = select.select([self.fd], [], [], timeout)
        if not r:
            return b""
        try:
            b = os.read(self.fd, 1 << 20)
        except OSError:
            return b""
        self.buf += b
        return b

    def wait_for(self, marker, timeout=10.0):
        """Waits until marker (or every marker of a tuple) appears in the
        output since the last call; returns seconds since exec, or raises
        TimeoutError."""
        markers = marker if isinstance(marker, tuple) else (marker,)
        deadline = time.perf_counter() + timeout
        start = len(self.buf)
        while time.perf_counter() < deadline:
            self.read(0.05)
            if all(m in self.buf[max(0, start - len(m)):] for m in markers):
                t = time.perf_counter() - self.t_exec
                self.buf = b""
                return t
        raise TimeoutError(f"{marker!r} not seen within {timeout} s")

    def quiet(self, ms=150, timeout=5.0):
        """Reads until the program has written nothing for ms."""
        deadline = time.perf_counter() + timeout
        while time.perf_counter() < deadline:
            if not self.read(ms / 1000):
                return
        self.buf = b""

    def key_latency(self, key, timeout=2.0):
        """Writes key and returns milliseconds until the first byte of the
        answer, then reads the rest of the frame. None: no answer."""
        self.quiet(60)
        self.buf = b""
        t0 = time.perf_counter()
        os.write(self.fd, key)
        if not self.read(timeout):
            return None
        t = (time.perf_counter() - t0) * 1000
        while self.read(0.004):  # the rest of this frame
            pass
        return t

    def send(self, key):
        os.write(self.fd, key)

    def memory_mb(self):
        """(VmRSS, VmHWM) of the program in MB."""
        rss = hwm = 0.0
        with open(f"/proc/{self.pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    rss = int(line.split()[1]) / 1024
                elif line.startswith("VmHWM:"):
                    hwm = int(line.split()[1]) / 1024
        return rss, hwm

    def close(self):
        try:
            os.write(self.fd, b"\x03")  # ctrl+c
        except OSError:
            pass
        deadline = time.time() + 2
        while time.time() < deadline:
            done, _ = os.waitpid(self.pid, os.WNOHANG)
            if done:
                break
            self.read(0.05)
        else:
            try:
                os.kill(self.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            os.waitpid(self.pid, 0)
        os.close(self.fd)
