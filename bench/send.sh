#!/usr/bin/env bash
# (a) One Basic-auth GET to a loopback server, a new process per request:
# `authlab send -u` versus `curl -u` versus HTTPie's `http -a`, interleaved.
# Targets: authlab ≤ 1.0× curl, and at least 20× faster than HTTPie.
# Installs curl and httpie (Debian packages) when missing.
# Usage: bench/send.sh [RUNS]   (default 100)
source "$(dirname "$0")/lib/common.sh"
runs=${1:-100}
need curl curl
need http httpie
build
start_server
u="$url/basic-auth/user/passwd"
export PW=passwd
machine
echo "versions: $(curl --version | head -1 | cut -d' ' -f1-2), HTTPie $(http --version)"
echo
"$py" "$bench/lib/interleave.py" -n "$runs" --ref curl --dump "$work/dump" \
  "authlab send -u=$work/authlab send -u user:env:PW $u" \
  "curl -u=curl -s -u user:passwd $u" \
  "http -a=http --ignore-stdin -a user:passwd $u"
awk '{m[NR]=$(NF-1)} END { printf "\nauthlab: %.2f× curl (target ≤ 1.0×), %.1f× faster than HTTPie (target ≥ 20×)\n", m[1]/m[2], m[3]/m[1] }' "$work/dump"
