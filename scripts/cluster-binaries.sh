#!/usr/bin/env bash
# Builds kube-apiserver, kubectl and etcd from their Go modules (served by the Go module proxy)
# and caches them outside the repository, keyed by version, in the layout Fabric8's kube-api-test
# expects in offline mode: $PORTCULLIS_CACHE/k8s/<version>-linux-amd64/{kube-apiserver,etcd,kubectl}.
# Only the first run pays for the build. Prints the binaries' folder.
set -euo pipefail
KUBE_VERSION=${KUBE_VERSION:-1.34.4}
ETCD_VERSION=${ETCD_VERSION:-3.6.4}
cache=${PORTCULLIS_CACHE:-$HOME/.cache/portcullis}
out="$cache/k8s/${KUBE_VERSION}-linux-amd64"
if [ -x "$out/kube-apiserver" ] && [ -x "$out/kubectl" ] && [ -x "$out/etcd" ] &&
  "$out/kube-apiserver" --version 2>/dev/null | grep -qx "Kubernetes v${KUBE_VERSION}"; then
  echo "$out"
  exit 0
fi
mkdir -p "$out"
work=$(mktemp -d "$cache/build.XXXXXX")
trap 'rm -rf "$work"' EXIT
staging="0.${KUBE_VERSION#1.}"

# k8s.io/kubernetes replaces its staging modules with folders of its own repository, which a
# module that requires it cannot see: replace each with the published v0.x module instead.
mkdir -p "$work/kube"
cd "$work"
go mod download -json "k8s.io/kubernetes@v${KUBE_VERSION}" >/dev/null
modfile=$(go env GOMODCACHE)/cache/download/k8s.io/kubernetes/@v/v${KUBE_VERSION}.mod
cd "$work/kube"
{
  echo "module portcullis.dev/kubebuild"
  echo
  echo "go 1.24.0"
  echo
  echo "require k8s.io/kubernetes v${KUBE_VERSION}"
  echo
  echo "replace ("
  sed -n 's#^[[:space:]]*\(k8s\.io/[a-z0-9-]*\) => \./staging/.*#\t\1 => \1 v'"$staging"'#p' "$modfile"
  echo ")"
} > go.mod
cat > tools.go <<'GO'
//go:build tools

package tools

import (
	_ "k8s.io/kubernetes/cmd/kube-apiserver/app"
	_ "k8s.io/kubectl/pkg/cmd"
)
GO
GOFLAGS=-mod=mod go mod tidy >&2
# The version the binaries report (a plain go build says v0.0.0-master).
minor=${KUBE_VERSION#1.}
minor=${minor%%.*}
ldflags=""
for pkg in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
  ldflags="$ldflags -X $pkg.gitVersion=v${KUBE_VERSION} -X $pkg.gitMajor=1 -X $pkg.gitMinor=${minor}"
  ldflags="$ldflags -X $pkg.gitTreeState=clean"
done
CGO_ENABLED=0 go build -trimpath -ldflags "$ldflags" -o "$out/kube-apiserver.tmp" \
  k8s.io/kubernetes/cmd/kube-apiserver >&2
CGO_ENABLED=0 go build -trimpath -ldflags "$ldflags" -o "$out/kubectl.tmp" \
  k8s.io/kubernetes/cmd/kubectl >&2

mkdir -p "$work/etcd"
cd "$work/etcd"
cat > go.mod <<GOMOD
module portcullis.dev/etcdbuild

go 1.24.0

require go.etcd.io/etcd/server/v3 v${ETCD_VERSION}
GOMOD
cat > main.go <<'GO'
// Command etcd is etcd's server, built from its Go module.
package main

import (
	"os"

	"go.etcd.io/etcd/server/v3/etcdmain"
)

func main() {
	etcdmain.Main(os.Args)
}
GO
GOFLAGS=-mod=mod go mod tidy >&2
CGO_ENABLED=0 go build -trimpath -o "$out/etcd.tmp" . >&2

for b in kube-apiserver kubectl etcd; do mv "$out/$b.tmp" "$out/$b"; done
echo "$out"
