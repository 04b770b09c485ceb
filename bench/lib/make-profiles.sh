#!/usr/bin/env bash
# Writes 10 000 bearer-token profiles in 50 folders (group00 … group49,
# profile000 … profile199) into DIR, the way `authlab --save` lays them out.
# Usage: bench/lib/make-profiles.sh DIR
set -euo pipefail
dir=$1
for g in $(seq -w 0 49); do
  mkdir -p "$dir/group$g"
  for i in $(seq -w 0 199); do
    cat > "$dir/group$g/profile$i.toml" <<TOML
version = 1
description = "profile $i of group $g"
method = "GET"
url = "https://api.example.com/group$g/item$i"
scheme = "bearer"

[fields]
token = "env:TOKEN_$g"
TOML
  done
done
chmod -R go-rwx "$dir"
