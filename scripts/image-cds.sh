#!/usr/bin/env bash
# Makes the image's class-data archive (AppCDS; docs/image.md, "Class-data archive"). The JVM then
# maps the classes a start loads from the archive, already parsed and verified, instead of reading
# and verifying them from the jars: half the CPU of a start.
#
# It loads the image Jib built without the archive, runs its JVM once with the image's own flags
# (read from the image's entrypoint) and -XX:ArchiveClassesAtExit, starting the operator on the
# simulator against an API server that is not there, so that the process loads the classes of its
# start and then ends, and writes OUT/app/cds/portcullis.jsa for Jib's second build to add at
# /app/cds. The archive only fits the image it was made in (the same JVM, the same jars, the same
# paths), which is why it is made in the image. Needs podman (scripts/podman.sh).
#
# Usage: scripts/image-cds.sh PLAIN_IMAGE_TAR OUT
set -euo pipefail
cd "$(dirname "$0")/.."
tarball=$1 out=$2

image=$(podman load --input "$tarball" | sed -n 's/^Loaded image[^:]*: *//p' | tail -1)
[[ -n "$image" ]] || { echo "image-cds: podman load named no image" >&2; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"; podman rmi "$image" >/dev/null 2>&1 || true' EXIT

# The entrypoint's JVM flags: between "java" and "-cp", less the archive it does not have yet.
mapfile -t flags < <(podman image inspect --format '{{range .Config.Entrypoint}}{{println .}}{{end}}' "$image" |
  awk 'NR == 1 { next } $0 == "-cp" { exit } /^-XX:SharedArchiveFile=/ { next } NF { print }')
[[ ${#flags[@]} -gt 0 ]] || { echo "image-cds: no JVM flags in the entrypoint of $image" >&2; exit 1; }

cat >"$work/kubeconfig" <<'YAML'
apiVersion: v1
kind: Config
clusters: [{name: none, cluster: {server: "https://127.0.0.1:1"}}]
users: [{name: none, user: {token: none}}]
contexts: [{name: none, context: {cluster: none, user: none}}]
current-context: none
YAML
cp examples/01-ssh-from-my-computer/world.yaml "$work/world.yaml"
mkdir -p "$work/out"
chmod 755 "$work"
chmod 777 "$work/out"
chmod 644 "$work/kubeconfig" "$work/world.yaml"

# The operator gives up on the API server after its start: exit code 1 is expected.
podman run --rm --runtime runc --network none \
  -v "$work/kubeconfig:/cds/kubeconfig:ro" -v "$work/world.yaml:/cds/world.yaml:ro" \
  -v "$work/out:/cds/out" -e KUBECONFIG=/cds/kubeconfig \
  --entrypoint java "$image" "${flags[@]}" -XX:ArchiveClassesAtExit=/cds/out/portcullis.jsa \
  -Xlog:cds=error -cp @/app/jib-classpath-file dev.portcullis.Main \
  operator --world /cds/world.yaml --namespaces cds --metrics-port 0 >"$work/run.log" 2>&1 || true

if [[ ! -s "$work/out/portcullis.jsa" ]]; then
  echo "image-cds: the training run wrote no archive:" >&2
  tail -20 "$work/run.log" >&2
  exit 1
fi
rm -rf "$out"
mkdir -p "$out/app/cds"
cp "$work/out/portcullis.jsa" "$out/app/cds/portcullis.jsa"
chmod 444 "$out/app/cds/portcullis.jsa"
echo "image-cds: $out/app/cds/portcullis.jsa ($(du -m "$out/app/cds/portcullis.jsa" | cut -f1) MB)"
