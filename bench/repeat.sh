#!/usr/bin/env bash
# (b) 100 sends of the same Basic-auth GET in one process, the connection
# kept alive: `authlab send --repeat 100` versus curl given the same URL 100
# times (curl reuses its connection across the URLs of one command line).
# One send of each is run too, interleaved, so the table also gives the
# marginal cost of a request on a warm connection: (T100 − T1) / 99. The
# server counts the connections each tool opened. A last row runs
# --repeat on one P (GOMAXPROCS=1 in its environment).
# Installs curl (Debian package) when missing.
# Usage: bench/repeat.sh [RUNS] [N]   (defaults 30, 100)
source "$(dirname "$0")/lib/common.sh"
runs=${1:-30}
n=${2:-100}
need curl curl
build
start_server
u="$url/basic-auth/user/passwd"
export PW=passwd
urls=$(for _ in $(seq "$n"); do printf '%s ' "$u"; done)

# Connection reuse, counted by the server.
# (the /stats request itself opens one more, not counted)
conns() { echo $(( $(curl -s "$url/stats" | sed 's/.*"connections":\([0-9]*\).*/\1/') - 1 )); }
curl -s "$url/stats/reset"
"$work/authlab" send --repeat "$n" -u user:env:PW "$u" >/dev/null 2>"$work/summary"
a_conns=$(conns)
curl -s "$url/stats/reset"
# shellcheck disable=SC2086
curl -s -u user:passwd $urls >/dev/null
c_conns=$(conns)

machine
echo "authlab's summary of one run: $(sed 's/^authlab: //' "$work/summary")"
echo "connections opened for $n requests (counted by the server): authlab $a_conns, curl $c_conns"
echo
"$py" "$bench/lib/interleave.py" -n "$runs" --ref "curl ×$n" --dump "$work/dump" \
  "authlab send --repeat $n=$work/authlab send --repeat $n -u user:env:PW $u" \
  "curl ×$n (one process)=curl -s -u user:passwd $urls" \
  "authlab send (one)=$work/authlab send -u user:env:PW $u" \
  "curl (one)=curl -s -u user:passwd $u" \
  "authlab send --repeat $n, GOMAXPROCS 1=GOMAXPROCS=1 $work/authlab send --repeat $n -u user:env:PW $u"
awk -v n="$n" '{m[NR]=$(NF-1)} END {
  a = (m[1] - m[3]) / (n - 1) * 1000; c = (m[2] - m[4]) / (n - 1) * 1000
  printf "\nper request on a warm connection, (T%d − T1)/%d: authlab %.0f µs, curl %.0f µs: %.2f× curl\n", n, n - 1, a, c, a / c
  g = (m[5] - m[3]) / (n - 1) * 1000
  printf "whole run of %d: authlab %.2f× curl\n", n, m[1] / m[2]
  printf "GOMAXPROCS=1 (one P): per request %.0f µs, %.2f× curl; whole run %.2f× curl\n", g, g / c, m[5] / m[2] }' "$work/dump"
