#!/usr/bin/env bash
# Builds helm from its Go module (served by the Go module proxy) and caches it outside the
# repository, keyed by version: $PORTCULLIS_CACHE/helm/<version>/helm. Only the first run pays for
# the build (a few minutes). Prints the binary's path.
set -euo pipefail
HELM_VERSION=${HELM_VERSION:-4.3.2}
cache=${PORTCULLIS_CACHE:-$HOME/.cache/portcullis}
out="$cache/helm/${HELM_VERSION}"
if [ -x "$out/helm" ] && "$out/helm" version --template '{{.Version}}' 2>/dev/null |
  grep -qx "v${HELM_VERSION}"; then
  echo "$out/helm"
  exit 0
fi
mkdir -p "$out" "$cache"
work=$(mktemp -d "$cache/build.XXXXXX")
trap 'rm -rf "$work"' EXIT
cd "$work"
cat > go.mod <<GOMOD
module portcullis.dev/helmbuild

go 1.25.0

require helm.sh/helm/v4 v${HELM_VERSION}
GOMOD
cat > tools.go <<'GO'
//go:build tools

package tools

import _ "helm.sh/helm/v4/cmd/helm"
GO
GOFLAGS=-mod=mod go mod tidy >&2
# The version helm reports (a plain go build says v4.x-dev or similar).
CGO_ENABLED=0 go build -trimpath \
  -ldflags "-X helm.sh/helm/v4/internal/version.version=v${HELM_VERSION} -X helm.sh/helm/v4/internal/version.gitTreeState=clean" \
  -o "$out/helm.tmp" helm.sh/helm/v4/cmd/helm >&2
mv "$out/helm.tmp" "$out/helm"
echo "$out/helm"
