#!/usr/bin/env bash
# Runs every test: formatting check, unit tests (*Test), integration tests (*IT), CRD drift check.
set -euo pipefail
cd "$(dirname "$0")/.."
export CI="${CI:-true}"   # check formatting instead of rewriting files
exec mvn -B -ntp verify "$@"
