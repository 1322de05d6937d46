#!/usr/bin/env bash
# Starts a local Kubernetes API server (etcd + kube-apiserver, built from Go modules by
# cluster-binaries.sh) on 127.0.0.1 only, writes a kubeconfig for it and keeps both running until
# this script is stopped (SIGTERM or SIGINT), when it stops both, kube-apiserver first.
# Usage: scripts/local-cluster.sh STATE_DIR
# Prints "ready <kubeconfig>" once the API server answers. Set PORTCULLIS_FRESH=1 to start from an
# empty etcd instead of the state's earlier one. There is no controller manager: a deleted
# namespace stays Terminating, and nothing is garbage-collected.
set -euo pipefail
state=${1:?usage: local-cluster.sh STATE_DIR}
here=$(cd "$(dirname "$0")" && pwd)
bin=$("$here/cluster-binaries.sh" | tail -1)
mkdir -p "$state"
state=$(cd "$state" && pwd)
if [ "${PORTCULLIS_FRESH:-}" = 1 ]; then
  rm -rf "$state/etcd"
fi

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}
etcd_port=$(free_port)
peer_port=$(free_port)
api_port=${PORTCULLIS_API_PORT:-$(free_port)}

# Service-account signing keys and a static token for the one user of this cluster.
[ -f "$state/sa.key" ] || openssl genrsa -out "$state/sa.key" 2048 2>/dev/null
openssl rsa -in "$state/sa.key" -pubout -out "$state/sa.pub" 2>/dev/null
[ -f "$state/token" ] || head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n' > "$state/token"
token=$(cat "$state/token")
echo "$token,portcullis-admin,portcullis-admin,system:masters" > "$state/tokens.csv"

etcd_pid=""
api_pid=""
# Stops kube-apiserver before etcd: without etcd, kube-apiserver takes long to shut down.
stop() {
  local p
  for p in $api_pid $etcd_pid; do
    kill "$p" 2>/dev/null || continue
    for _ in $(seq 1 40); do kill -0 "$p" 2>/dev/null || break; sleep 0.25; done
    kill -KILL "$p" 2>/dev/null || true
    wait "$p" 2>/dev/null || true
  done
}
trap stop EXIT
trap 'exit 0' INT TERM

"$bin/etcd" --data-dir "$state/etcd" \
  --listen-client-urls "http://127.0.0.1:$etcd_port" --advertise-client-urls "http://127.0.0.1:$etcd_port" \
  --listen-peer-urls "http://127.0.0.1:$peer_port" --initial-advertise-peer-urls "http://127.0.0.1:$peer_port" \
  --initial-cluster "default=http://127.0.0.1:$peer_port" >"$state/etcd.log" 2>&1 &
etcd_pid=$!

"$bin/kube-apiserver" --etcd-servers "http://127.0.0.1:$etcd_port" \
  --bind-address 127.0.0.1 --advertise-address 127.0.0.1 --secure-port "$api_port" \
  --cert-dir "$state/certs" --token-auth-file "$state/tokens.csv" \
  --authorization-mode RBAC --service-cluster-ip-range 10.96.0.0/24 \
  --service-account-issuer https://kubernetes.default.svc \
  --service-account-key-file "$state/sa.pub" --service-account-signing-key-file "$state/sa.key" \
  --disable-admission-plugins ServiceAccount >"$state/kube-apiserver.log" 2>&1 &
api_pid=$!

cat > "$state/kubeconfig" <<KC
apiVersion: v1
kind: Config
clusters:
- name: portcullis-local
  cluster:
    server: https://127.0.0.1:$api_port
    insecure-skip-tls-verify: true
users:
- name: portcullis-admin
  user:
    token: $token
contexts:
- name: portcullis-local
  context: {cluster: portcullis-local, user: portcullis-admin, namespace: default}
current-context: portcullis-local
KC

for _ in $(seq 1 120); do
  if "$bin/kubectl" --kubeconfig "$state/kubeconfig" get --raw /readyz >/dev/null 2>&1; then
    echo "ready $state/kubeconfig"
    wait -n "$etcd_pid" "$api_pid" || true
    echo "local cluster: a process stopped; see $state/*.log" >&2
    exit 1
  fi
  sleep 0.5
done
echo "local cluster: kube-apiserver did not become ready; see $state/kube-apiserver.log" >&2
exit 1
