#!/usr/bin/env bash
# 10 000 profiles in 50 folders: `authlab profiles list` wall time, and the
# TUI's time from exec until the profile browser shows the loaded list
# (measured through a pseudo-terminal by bench/tui-browser.py).
# Usage: bench/profiles-10k.sh [RUNS]   (default 10)
set -euo pipefail
cd "$(dirname "$0")/.."
export GOTOOLCHAIN=local
runs=${1:-10}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
go build -trimpath -ldflags='-s -w' -o "$work/authlab" .

dir="$work/profiles"
"$(dirname "$0")/lib/make-profiles.sh" "$dir"
echo "10 000 profiles written to $dir"

now() { echo "${EPOCHREALTIME/./}"; }
ts=()
for _ in $(seq "$runs"); do
  t0=$(now); AUTHLAB_PROFILES="$dir" "$work/authlab" profiles list >/dev/null; t1=$(now)
  ts+=($((t1 - t0)))
done
med=$(printf '%s\n' "${ts[@]}" | sort -n | awk '{v[NR]=$1} END {print (NR%2) ? v[(NR+1)/2] : (v[NR/2]+v[NR/2+1])/2}')
awk -v m="$med" -v n="$runs" 'BEGIN { printf "| authlab profiles list (10 000) | %.0f ms median of %d | target ≤ 300 ms |\n", m/1000, n }'
AUTHLAB_PROFILES="$dir" /usr/bin/python3 bench/tui-browser.py "$work/authlab" "$runs"
