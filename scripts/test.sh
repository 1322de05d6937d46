#!/usr/bin/env bash
# Runs every test: formatting check, unit tests (*Test), integration tests (*IT), CRD drift check.
# The integration tests run against a real kube-apiserver and etcd on 127.0.0.1 (see
# docs/testing.md): scripts/cluster-binaries.sh builds them on the first run (about 12 minutes)
# and caches them in ${PORTCULLIS_CACHE:-~/.cache/portcullis}; later runs reuse them.
# The AWS adapter's integration tests run against moto's EC2 server on 127.0.0.1: scripts/moto.sh
# installs it into a Python venv in the same cache on the first run.
# The container image is built by `mvn verify` (Jib, on a base scripts/image-base.sh assembles and
# caches there too) and run by ImageIT with podman, which scripts/podman.sh installs and sets up.
# The alert rules' unit tests (promtool) and the test against a real Prometheus need Debian's
# `prometheus` package: installed here when prometheus or promtool is missing.
# The Helm chart's tests run helm, which scripts/helm.sh builds from its Go module into the
# same cache on the first run.
set -euo pipefail
cd "$(dirname "$0")/.."
export CI="${CI:-true}"   # check formatting instead of rewriting files
binaries=$(./scripts/cluster-binaries.sh)
# The test JVMs inherit the environment: they find the binaries under $PORTCULLIS_CACHE/k8s/.
export PORTCULLIS_CACHE="${binaries%/k8s/*}"
if ! command -v prometheus >/dev/null || ! command -v promtool >/dev/null; then
  apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends prometheus >&2
fi
PORTCULLIS_MOTO_VENV=$(./scripts/moto.sh)
export PORTCULLIS_MOTO_VENV
PORTCULLIS_HELM=$(./scripts/helm.sh)
export PORTCULLIS_HELM
./scripts/podman.sh
# shellcheck disable=SC2046  # one argument per label
exec mvn -B -ntp verify $(./scripts/image-labels.sh) "$@"
