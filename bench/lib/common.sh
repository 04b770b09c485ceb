# Sourced by the bench/ scripts: strict mode, a work folder removed on exit,
# packages installed when missing, authlab built ($work/authlab), a loopback
# server built and started ($url is its base URL).
set -euo pipefail
cd "$(dirname "$0")/.."
export GOTOOLCHAIN=local
bench=$PWD/bench
work=$(mktemp -d)
server_pid=
cleanup() { [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT

# need CMD DEBIAN-PACKAGE: installs the package with apt-get when CMD is missing.
need() {
  command -v "$1" >/dev/null 2>&1 && return
  echo "installing $2 (for $1)" >&2
  local sudo=
  [ "$(id -u)" -eq 0 ] || sudo=sudo
  $sudo apt-get update -qq && $sudo apt-get install -y -qq "$2" >/dev/null
}

# The pty scripts and the harness want the system Python 3 (standard library only).
py=/usr/bin/python3
[ -x "$py" ] || { need python3 python3; py=python3; }

build() {
  go build -trimpath -ldflags='-s -w' -o "$work/authlab" .
}

# start_server [PACKAGE]: builds the server (default ./bench/benchsrv; also
# ./bench/hostile), which prints its base URL on its first line, and starts
# it on a free loopback port.
start_server() {
  local pkg=${1:-./bench/benchsrv} bin
  bin=$work/$(basename "$pkg")
  go build -trimpath -o "$bin" "$pkg"
  "$bin" -addr 127.0.0.1:0 >"$work/url" &
  server_pid=$!
  for _ in $(seq 100); do [ -s "$work/url" ] && break; sleep 0.05; done
  url=$(head -1 "$work/url")
}

# machine: one line about where the figures come from.
machine() {
  echo "machine: $(nproc) CPUs ($(awk -F': ' '/model name/ {print $2; exit}' /proc/cpuinfo)), $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(uname -sr), $(go version | cut -d' ' -f3)"
  echo "load: $(uptime | sed 's/.*load average/load average/')"
}
