#!/usr/bin/env bash
# One Basic-auth GET to a loopback server: `authlab send` versus `curl -u`.
# Runs are interleaved (authlab, curl, authlab, curl, …) so machine noise hits
# both alike; the table gives medians and the ratio authlab/curl.
# Usage: bench/send-vs-curl.sh [RUNS]   (default 200)
set -euo pipefail
cd "$(dirname "$0")/.."
export GOTOOLCHAIN=local
runs=${1:-200}

if ! command -v curl >/dev/null 2>&1; then
  apt-get update -qq && apt-get install -y -qq curl >/dev/null
fi

work=$(mktemp -d)
trap 'kill $server_pid 2>/dev/null || true; rm -rf "$work"' EXIT
go build -trimpath -ldflags='-s -w' -o "$work/authlab" .
go build -o "$work/go-httpbin" github.com/mccutchen/go-httpbin/v2/cmd/go-httpbin

port=$((20000 + RANDOM % 20000))
"$work/go-httpbin" -host 127.0.0.1 -port "$port" >/dev/null 2>&1 &
server_pid=$!
url="http://127.0.0.1:$port/basic-auth/user/passwd"
for _ in $(seq 50); do curl -fs -o /dev/null -u user:passwd "$url" && break; sleep 0.1; done

export PW=passwd
a=(); c=()
now() { echo "${EPOCHREALTIME/./}"; }   # microseconds, no fork
for _ in $(seq 5); do "$work/authlab" send -u user:env:PW "$url" >/dev/null; curl -s -u user:passwd "$url" >/dev/null; done
for _ in $(seq "$runs"); do
  t0=$(now); "$work/authlab" send -u user:env:PW "$url" >/dev/null; t1=$(now)
  curl -s -u user:passwd "$url" >/dev/null; t2=$(now)
  a+=($((t1 - t0))); c+=($((t2 - t1)))
done
median() { printf '%s\n' "$@" | sort -n | awk '{v[NR]=$1} END {print (NR%2) ? v[(NR+1)/2] : (v[NR/2]+v[NR/2+1])/2}'; }
ma=$(median "${a[@]}"); mc=$(median "${c[@]}")
printf '| tool | median | ratio to curl |\n|---|---|---|\n'
awk -v a="$ma" -v c="$mc" 'BEGIN {
  printf "| authlab send -u | %.2f ms | %.2f× |\n", a/1000, a/c
  printf "| curl -u | %.2f ms | 1.00× |\n", c/1000 }'
echo "($runs interleaved runs each, $(nproc) cores, $(curl --version | head -1 | cut -d' ' -f1-2))"
