#!/usr/bin/env bash
# Builds the operator's container image, with no Docker engine and no registry: Jib writes it as a
# tarball, target/portcullis-image.tar, on the base scripts/image-base.sh assembles (a Java runtime
# made by jlink). Load it with `podman load -i target/portcullis-image.tar` (or docker load, or
# `kind load image-archive`). See docs/image.md.
#
# Usage: ./scripts/image.sh [MAVEN ARGS...]
#   e.g. ./scripts/image.sh -Pimage-release -Dimage.release.digest=sha256:...   (eclipse-temurin base)
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck disable=SC2046  # one argument per label
mvn -B -q -DskipTests -DskipITs $(./scripts/image-labels.sh) "$@" integration-test
echo "image: $(pwd)/target/portcullis-image.tar ($(du -m target/portcullis-image.tar | cut -f1) MB)"
