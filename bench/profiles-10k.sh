#!/usr/bin/env bash
# 10 000 profiles in 50 folders: `authlab profiles list` wall time, and the
# TUI's time from exec until the profile browser shows the loaded list
# (measured through a pseudo-terminal by bench/tui-browser.py).
# Usage: bench/profiles-10k.sh [RUNS]   (default 10)
source "$(dirname "$0")/lib/common.sh"
runs=${1:-10}
build

dir="$work/profiles"
"$bench/lib/make-profiles.sh" "$dir"
echo "10 000 profiles written to $dir"

now() { echo "${EPOCHREALTIME/./}"; }
ts=()
for _ in $(seq "$runs"); do
  t0=$(now); AUTHLAB_PROFILES="$dir" "$work/authlab" profiles list >/dev/null; t1=$(now)
  ts+=($((t1 - t0)))
done
med=$(printf '%s\n' "${ts[@]}" | sort -n | awk '{v[NR]=$1} END {print (NR%2) ? v[(NR+1)/2] : (v[NR/2]+v[NR/2+1])/2}')
awk -v m="$med" -v n="$runs" 'BEGIN { printf "| authlab profiles list (10 000) | %.0f ms median of %d | target ≤ 300 ms |\n", m/1000, n }'
AUTHLAB_PROFILES="$dir" "$py" "$bench/tui-browser.py" "$work/authlab" "$runs"
