#!/usr/bin/env bash
# The main job. With no arguments: builds Portcullis (once) and runs the offline command on the
# five example scenarios against the built-in EC2 simulator. With arguments: runs the jar with
# them, e.g. ./scripts/run.sh offline --world W --manifests DIR --ask "1.2.3.4 i-0a000001 tcp/22"
set -euo pipefail
cd "$(dirname "$0")/.."
jar=target/portcullis.jar
if [ ! -f "$jar" ] || [ -n "$(find pom.xml src -newer "$jar" -print -quit)" ]; then
  echo "Building Portcullis (first run only; takes a minute)..." >&2
  mvn -B -q -ntp -DskipTests package >&2
fi
if [ $# -gt 0 ]; then
  exec java -jar "$jar" "$@"
fi
status=0
scenario() {
  local title=$1 world=$2 manifests=$3 expected=$4
  shift 4
  printf '\n==================== %s ====================\n' "$title"
  set +e
  java -jar "$jar" offline --world "$world" --manifests "$manifests" "$@"
  local code=$?
  set -e
  if [ "$code" != "$expected" ]; then
    echo "!! exit code $code, expected $expected" >&2
    status=1
  elif [ "$code" != 0 ]; then
    echo "(exit code $code, as this scenario intends)"
  fi
}
scenario "1. SSH from my computer only" \
  examples/01-ssh-from-my-computer/world.yaml examples/01-ssh-from-my-computer/manifests 0 \
  --ask "198.51.100.99 i-0a000001 tcp/22"
scenario "2. Group references: membership, not addresses" \
  examples/02-group-references/world.yaml examples/02-group-references/manifests 0
scenario "3. An instance gets the union of its groups" \
  examples/03-union-of-groups/world.yaml examples/03-union-of-groups/manifests 0
scenario "4a. A group cannot be attached in another VPC" \
  examples/04-vpc-and-region-boundaries/world.yaml \
  examples/04-vpc-and-region-boundaries/attach-across-vpcs 3
scenario "4b. A group cannot be referenced from another region" \
  examples/04-vpc-and-region-boundaries/world.yaml \
  examples/04-vpc-and-region-boundaries/reference-across-regions 2
scenario "5. Refused (nothing listens) versus timed out (blocked)" \
  examples/05-refused-or-timed-out/world.yaml examples/05-refused-or-timed-out/manifests 0
exit $status
