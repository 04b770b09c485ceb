#!/usr/bin/env python3
"""Runs commands interleaved (A B C, B C A, C A B, …: each round starts one
later, so drift and ordering hit every command alike) and prints a markdown
table: median wall time, p10–p90, the ratio to a reference command (ratio
of medians, and the median of the per-round ratios), and peak RSS (from
wait4's rusage, which is what /usr/bin/time -v reports).

  interleave.py [-n RUNS] [-w WARMUP] [--ref NAME] [--per N] NAME=COMMAND ...

COMMAND is run directly (split like a shell would) unless it holds a pipe
or other shell syntax, then through /bin/sh -c (noted in the table). A
trailing "> FILE" and leading VAR=VALUE words are handled here, without a
shell. stdout goes to
/dev/null otherwise, stderr always. Every command must exit 0. --per N also
prints the time per item (a command that sends N requests). Standard
library only.
"""
import argparse, os, re, shlex, statistics, sys, time


def parse(cmd):
    """→ (argv, stdout path or None, via shell?, extra environment)"""
    out = None
    m = re.match(r"^(.*?)\s*>\s*(\S+)\s*$", cmd)
    rest = cmd
    if m and not re.search(r"[|<>&;`$(){}]", m.group(1)):
        rest, out = m.group(1), m.group(2)
    if re.search(r"[|<>&;`$(){}]", rest):
        return ["/bin/sh", "-c", cmd], None, True, {}
    argv, env = shlex.split(rest), {}
    while argv and re.match(r"^[A-Za-z_][A-Za-z0-9_]*=", argv[0]):
        k, _, v = argv.pop(0).partition("=")
        env[k] = v
    return argv, out, False, env


def run(argv, out, env):
    fd = os.open(out or os.devnull, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
    null = os.open(os.devnull, os.O_WRONLY)
    path = argv[0] if "/" in argv[0] else next(
        (os.path.join(d, argv[0]) for d in os.environ.get("PATH", "").split(":") if os.access(os.path.join(d, argv[0]), os.X_OK)), argv[0])
    t0 = time.perf_counter_ns()
    pid = os.posix_spawn(path, argv, {**os.environ, **env}, file_actions=[
        (os.POSIX_SPAWN_DUP2, fd, 1), (os.POSIX_SPAWN_DUP2, null, 2)])
    _, status, ru = os.wait4(pid, 0)
    t = (time.perf_counter_ns() - t0) / 1e6
    os.close(fd)
    os.close(null)
    code = os.waitstatus_to_exitcode(status)
    if code != 0:
        sys.exit(f"{shlex.join(argv)}: exit {code}")
    return t, ru.ru_maxrss / 1024  # ms, MB


def pct(q, p):
    return q[min(len(q) - 1, max(0, (p * len(q) + 99) // 100 - 1))]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("-n", type=int, default=30, help="rounds")
    ap.add_argument("-w", type=int, default=3, help="warm-up rounds, not counted")
    ap.add_argument("--ref", help="NAME (or its start) of the reference command (default: the second)")
    ap.add_argument("--per", type=int, default=0, help="items per run, for a per-item column")
    ap.add_argument("--dump", help="also write NAME MEDIAN_MS PEAK_MB lines to this file")
    ap.add_argument("cmds", nargs="+", metavar="NAME=COMMAND")
    a = ap.parse_args()
    names, specs = [], []
    for c in a.cmds:
        name, _, cmd = c.partition("=")
        names.append(name)
        specs.append(parse(cmd))
    ref = next(i for i, n in enumerate(names) if n.startswith(a.ref)) if a.ref else min(1, len(names) - 1)
    times = [[] for _ in names]
    rss = [[] for _ in names]
    k = len(names)
    for r in range(a.w + a.n):
        for j in range(k):
            i = (r + j) % k
            t, m = run(specs[i][0], specs[i][1], specs[i][3])
            if r >= a.w:
                times[i].append(t)
                rss[i].append(m)
    med = [statistics.median(t) for t in times]
    cols = "| command | median | p10–p90 |" + (f" per item (÷{a.per}) |" if a.per else "") + f" ratio to {names[ref]} | per-round ratio | peak RSS |"
    print(cols)
    print("|" + "---|" * (cols.count("|") - 1))
    for i, name in enumerate(names):
        q = sorted(times[i])
        rr = statistics.median(x / y for x, y in zip(times[i], times[ref]))
        shell = " (sh -c)" if specs[i][2] else ""
        per = f" {med[i] / a.per * 1000:.0f} µs |" if a.per else ""
        print(f"| {name}{shell} | {med[i]:.2f} ms | {pct(q, 10):.2f}–{pct(q, 90):.2f} ms |{per} "
              f"{med[i] / med[ref]:.2f}× | {rr:.2f}× | {max(rss[i]):.1f} MB |")
    if a.dump:
        with open(a.dump, "w") as f:
            for i, name in enumerate(names):
                f.write(f"{name} {med[i]:.4f} {max(rss[i]):.1f}\n")
    print(f"\n{a.n} interleaved rounds (+{a.w} warm-up), {os.cpu_count()} CPUs, load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


main()
