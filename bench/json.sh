#!/usr/bin/env bash
# (c) A 20 MB JSON response pretty-printed and highlighted to a file:
# `authlab send --color always` versus `jq -C .`, interleaved. jq runs two
# ways: fed by curl from the same server (what a user would type), and on
# the file alone (jq's own cost, no network). Target: authlab ≤ 1.0× jq.
# Rows without colour are there for comparison.
# Installs curl and jq (Debian packages) when missing.
# Usage: bench/json.sh [RUNS] [MiB]   (defaults 15, 20)
source "$(dirname "$0")/lib/common.sh"
runs=${1:-15}
mb=${2:-20}
need curl curl
need jq jq
build
start_server
u="$url/json?mb=$mb"
curl -s -o "$work/body.json" "$u"
machine
echo "versions: $(jq --version), $(curl --version | head -1 | cut -d' ' -f1-2); body $(stat -c %s "$work/body.json") bytes"
echo
"$py" "$bench/lib/interleave.py" -n "$runs" -w 1 --ref "jq -C . (fed by curl)" --dump "$work/dump" \
  "authlab send --color always=$work/authlab send --color always --max-body 64MiB $u > $work/a.out" \
  "jq -C . (fed by curl)=curl -s $u | jq -C . > $work/j.out" \
  "jq -C . FILE=jq -C . $work/body.json > $work/f.out" \
  "authlab send --color never=$work/authlab send --color never --max-body 64MiB $u > $work/an.out" \
  "jq . FILE=jq . $work/body.json > $work/fn.out"
awk '{m[NR]=$(NF-1)} END { printf "\nauthlab, highlighted: %.2f× jq -C . fed by curl and %.2f× jq -C . on the file (target ≤ 1.0×)\n", m[1]/m[2], m[1]/m[3] }' "$work/dump"
echo "output sizes: authlab $(stat -c %s "$work/a.out") bytes, jq $(stat -c %s "$work/j.out") bytes"
