#!/usr/bin/env bash
# Sets up podman for the image's test (ImageIT), idempotently: installs Debian's podman and runc
# when they are missing, and makes sure /etc/containers/containers.conf has
# `default_ulimits = []` under [containers]: the default limits it would set otherwise cannot be
# set in every sandbox (containers then fail to start). The test runs containers with
# --runtime runc. Needs root (it is run so by .ci/run through scripts/test.sh).
set -euo pipefail
if ! command -v podman >/dev/null || ! command -v runc >/dev/null; then
  if [[ $(id -u) -ne 0 ]]; then
    echo "podman.sh: podman and runc are missing; as root: apt-get install podman runc" >&2
    exit 1
  fi
  apt-get update -q >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q podman runc >/dev/null
fi

conf=/etc/containers/containers.conf
wanted='default_ulimits = []'
if [[ -f "$conf" ]] && awk -v w="$wanted" '
    /^\[/ { section = $0 } section == "[containers]" && $0 == w { found = 1 } END { exit !found }' "$conf"; then
  exit 0
fi
if [[ ! -w "$(dirname "$conf")" && ! -w "$conf" ]]; then
  echo "podman.sh: $conf needs '$wanted' under [containers]; run this script as root" >&2
  exit 1
fi
mkdir -p "$(dirname "$conf")"
touch "$conf"
tmp=$(mktemp)
# Drop any other default_ulimits of [containers], then put ours right under its header (or add
# the section).
awk -v w="$wanted" '
  /^\[/ { section = $0 }
  section == "[containers]" && /^[[:space:]]*default_ulimits[[:space:]]*=/ { skip = ($0 !~ /\]/); next }
  skip { if ($0 ~ /\]/) skip = 0; next }
  { print }
  $0 == "[containers]" { print w; done = 1 }
  END { if (!done) { print "[containers]"; print w } }' "$conf" >"$tmp"
cat "$tmp" >"$conf"
rm -f "$tmp"
echo "podman.sh: set $wanted under [containers] in $conf" >&2
