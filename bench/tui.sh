#!/usr/bin/env bash
# (d) The TUI through a pseudo-terminal: exec to first frame and idle RSS
# (bench/tui-startup.py), a scroll step with a 20 MB JSON body on the Body
# tab and a filter keystroke with 10 000 profiles (bench/tui-keys.py), with
# the memory of each. Targets: first frame ≤ 30 ms, idle RSS ≤ 30 MB, a
# key ≤ 16 ms (one frame at 60 Hz).
# Needs only Go and the system python3.
# Usage: bench/tui.sh [RUNS]   (default 30 start-ups; keys scale with it)
source "$(dirname "$0")/lib/common.sh"
runs=${1:-30}
build
start_server
# A profiles folder of its own, so start-up measures a first start the
# same way on every machine (demo profiles written once, before timing).
export AUTHLAB_PROFILES="$work/empty-profiles"
machine
echo
echo "### exec to first frame, idle memory (80×24)"
"$work/authlab" profiles list >/dev/null 2>&1 || true
"$py" "$bench/tui-startup.py" "$work/authlab" "$runs"
echo
echo "### scroll with a 20 MB JSON body (120×40)"
"$py" "$bench/tui-keys.py" scroll "$work/authlab" "$url/json?mb=20" $((runs * 2))
echo
echo "### filter with 10 000 profiles (120×40)"
"$bench/lib/make-profiles.sh" "$work/profiles"
AUTHLAB_PROFILES="$work/profiles" "$py" "$bench/tui-keys.py" filter "$work/authlab" "$runs"
echo
machine | tail -1
