#!/usr/bin/env bash
# Peak memory of `authlab send` against hostile servers (issue #7 item 3):
# a body dripped one byte per second, a body that never ends, gzip bombs, a
# Content-Length that lies, 10 000 headers, a 1 MiB header value. Each case
# runs the built binary once per --max-body and prints: case, max-body, exit
# code, seconds, peak RSS (MB, from /usr/bin/time -v), and whether the peak
# stays within the target.
#
# Target: peak RSS ≤ BASE + 5 × (max-body + 1 MiB), where BASE is the peak
# of a tiny 200 response (the binary's own footprint) and 1 MiB is the cap
# on the response header block (authn.MaxHeaderBytes): all a server can make
# authlab hold is a body capped after decompression plus a capped header
# block. The body is read into a growing buffer (up to ~2.4× the cap while
# it doubles), copied once by the printer, and the garbage collector lets
# the heap reach twice the live data: hence 5×.
#
# Needs only Go: the hostile server is bench/hostile (package hostilesrv,
# the same server the tests use). /usr/bin/time comes from Debian's `time`
# package: the script installs it with apt-get when it is missing.
# Usage: bench/hostile-rss.sh [MAX-BODY...]   (default: 1MiB 10MiB)
source "$(dirname "$0")/lib/common.sh"
caps=("$@")
[ ${#caps[@]} -gt 0 ] || caps=(1MiB 10MiB)
need /usr/bin/time time
build
start_server ./bench/hostile
base=$url

bytes_of() { # 10MiB → bytes
  local v=$1
  case $v in
    *GiB) echo $(( ${v%GiB} << 30 )) ;;
    *MiB) echo $(( ${v%MiB} << 20 )) ;;
    *KiB) echo $(( ${v%KiB} << 10 )) ;;
    *) echo "$v" ;;
  esac
}

# measure PATH MAXBODY → "exit seconds rss_kb"
measure() {
  local code=0
  /usr/bin/time -v -o "$work/time" "$work/authlab" send --timeout 3s --max-body "$2" "$base$1" >/dev/null 2>"$work/stderr" || code=$?
  local rss secs
  rss=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$work/time")
  secs=$(awk -F': ' '/Elapsed \(wall clock\)/ {print $2}' "$work/time")
  # m:ss.ss → seconds
  secs=$(awk -v t="$secs" 'BEGIN { n = split(t, p, ":"); s = 0; for (i = 1; i <= n; i++) s = s * 60 + p[i]; printf "%.2f", s }')
  # /usr/bin/time reports the exit status in its own line when non-zero
  echo "$code $secs $rss"
}

read -r _ _ base_rss < <(measure /ok 1MiB)
base_mb=$(awk -v k="$base_rss" 'BEGIN { printf "%.1f", k / 1024 }')
echo "baseline (tiny 200 response): peak RSS $base_mb MB"
echo
printf '| %-18s | %-8s | %-4s | %-7s | %-12s | %-22s |\n' case max-body exit seconds "peak RSS MB" "≤ BASE+5×(cap+1MiB)"
printf '|%s|%s|%s|%s|%s|%s|\n' "--------------------" "----------" "------" "---------" "--------------" "------------------------"
fail=0
for cap in "${caps[@]}"; do
  capb=$(bytes_of "$cap")
  limit_kb=$(( base_rss + 5 * (capb + (1 << 20)) / 1024 ))
  for path in /drip /drip-head /endless /gzip-10m /gzip-endless /cl-long /cl-short /headers-10k /headers-10k-big /header-1m /challenges-10k; do
    read -r code secs rss < <(measure "$path" "$cap")
    ok=yes
    if [ "$rss" -gt "$limit_kb" ]; then ok="NO (limit $(( limit_kb / 1024 )) MB)"; fail=1; fi
    printf '| %-18s | %-8s | %-4s | %-7s | %-12s | %-22s |\n' "$path" "$cap" "$code" "$secs" "$(awk -v k="$rss" 'BEGIN { printf "%.1f", k / 1024 }')" "$ok"
  done
done
exit $fail
