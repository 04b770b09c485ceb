#!/usr/bin/env bash
# Every benchmark of BENCHMARKS.md, one after the other (about 9 minutes on
# 2 CPUs). Each prints its own tables, with the machine and its load.
# Usage: bench/all.sh
set -euo pipefail
cd "$(dirname "$0")"
for s in send.sh repeat.sh json.sh tui.sh profiles-10k.sh hostile-rss.sh class.sh; do
  echo "## bench/$s"
  echo
  "./$s"
  echo
done
