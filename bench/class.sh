#!/usr/bin/env bash
# A simulated class (issue #17, "Measured"): 100 well-behaved students, each
# from a loopback address of its own (127.0.0.2 … 127.0.0.101), each
# repeating a realistic mix against a real `authlab serve` (Basic
# /github/user, OAuth 1.0a verify_credentials, Digest with its 401 round
# trip, OAuth 2.0 client credentials then /oauth2/me, JWT /jwt, SigV4 /aws,
# all signed by the authn engine) with a pause of 200 ms on average
# between requests; then the same with one flooder (127.0.0.102) sending
# as fast as it can over N connections. The simulator is bench/classsim.
#
# Rows, each against a freshly started server, each pair (without, with
# the flooder) back to back so both see the same load:
#   authlab serve, the mix         the figures the goal is about
#   authlab serve, Basic only      the same work as the ceiling
#   go-httpbin, Basic only         the ceiling: a server that does nothing else
# Columns: class actions/s (one action is one `authlab send`: Digest and
# OAuth 2.0 make two HTTP requests each), p50/p99 of an action's wall time,
# the share of actions that ended 200 (a 429 to a student counts as a
# failure, and is also counted alone), the flooder's requests/s and answers
# (a 429 to the flooder is what it should get), all HTTP requests/s, the
# server's VmRSS at half time and at the end, VmHWM (peak RSS), the most
# open descriptors (/proc/PID/fd, sampled every 100 ms), how much the
# server's console log grew, and the 1-minute load average at the end.
#
# Goal (#17): the flooder changes the class's p99 by less than 2× and its
# success rate not at all; RSS stays bounded. The lines after the table
# check it for each pair.
#
# The flooder runs as a process of its own under `nice -n 19` (classsim
# -flood-nice): the load generator shares the machine with the server, and a
# flooder in a real room burns its own machine's CPU, not the server's.
#
# Usage: bench/class.sh [SECONDS] [FLOOD-CONNECTIONS] [FLOOD-MODE]
#   defaults 30, 32, basic; FLOOD-MODE: basic (one Basic GET resent),
#   token (OAuth 2.0 token requests: fills the token store), mix (the
#   class's own mix without pauses). Keep SECONDS short (5) while developing.
# Environment: CLIENTS (100), THINK (200ms).
source "$(dirname "$0")/lib/common.sh"
secs=${1:-30}
conns=${2:-32}
mode=${3:-basic}
clients=${CLIENTS:-100}
think=${THINK:-200ms}
build
go build -trimpath -o "$work/classsim" ./bench/classsim
sim=$work/classsim

# start_authlab: authlab serve on a free loopback port, its console in
# $work/console; sets server_pid and url.
start_authlab() {
  : >"$work/console"
  "$work/authlab" serve --addr 127.0.0.1:0 >"$work/console" 2>"$work/serve.err" &
  server_pid=$!
  url=
  for _ in $(seq 100); do
    url=$(sed -n '1s/.*server on \(http[^ ]*\).*/\1/p' "$work/console")
    [ -n "$url" ] && break
    sleep 0.05
  done
  [ -n "$url" ] || { echo "authlab serve did not start:" >&2; cat "$work/serve.err" >&2; exit 1; }
}

# start_httpbin: go-httpbin (classsim -httpbin) on a free loopback port.
start_httpbin() {
  : >"$work/console"
  "$sim" -httpbin 127.0.0.1:0 >"$work/url" &
  server_pid=$!
  for _ in $(seq 100); do [ -s "$work/url" ] && break; sleep 0.05; done
  url=$(head -1 "$work/url")
}

stop_server() {
  kill "$server_pid" 2>/dev/null || true
  wait "$server_pid" 2>/dev/null || true
  server_pid=
}

# phase START-FN LABEL MIX FLOOD: one row against a fresh server.
phase() {
  local m=$mode
  [ "$3" = httpbin ] && [ "$m" = token ] && m=basic # go-httpbin has no token endpoint
  "$1"
  "$sim" -url "$url" -pid "$server_pid" -label "$2" -mix "$3" -clients "$clients" -think "$think" \
    -duration "${secs}s" -flood "$4" -flood-mode "$m" -console "$work/console" \
    -record "$work/record" -detail "$work/detail"
  stop_server
}

machine
echo "ulimit -n: $(ulimit -n); $clients clients, think ${think} (uniform ½–1½×), ${secs} s per row, flooder: $mode over $conns connections (nice 19)"
echo
"$sim" -header
phase start_authlab "authlab serve, mix" all 0
phase start_authlab "authlab serve, mix" all "$conns"
phase start_authlab "authlab serve, Basic" basic 0
phase start_authlab "authlab serve, Basic" basic "$conns"
phase start_httpbin "go-httpbin, Basic" httpbin 0
phase start_httpbin "go-httpbin, Basic" httpbin "$conns"
echo
# The goal, per pair of rows: p99 ratio < 2×, success rate unchanged.
awk -F'\t' '
  NR % 2 == 1 { name = $1; p99 = $3; ok = $4; next }
  {
    r = (p99 > 0) ? $3 / p99 : 0
    printf "%s: flooder changes the class p99 by %.1f× (%.1f → %.1f ms; goal < 2×: %s), success %.2f%% → %.2f%% (goal unchanged: %s)\n",
      name, r, p99 / 1e6, $3 / 1e6, (r < 2 ? "met" : "NOT met"), ok, $4, ($4 == ok ? "met" : "NOT met")
  }' "$work/record"
echo
echo "Per action (the class):"
echo
"$sim" -detail-header
cat "$work/detail"
