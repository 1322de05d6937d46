#!/usr/bin/env bash
# The main job: the operator demo. Builds Portcullis (once), finds a cluster (the current
# kubeconfig's when `kubectl cluster-info` answers, else a local API server on 127.0.0.1 started by
# scripts/local-cluster.sh), installs the CRDs, runs the operator on the EC2 simulator with the
# worlds of the five examples, applies the examples (one namespace per scenario), waits until every
# group, attachment and check has been reconciled, and shows them with kubectl get. Then it prints
# the kubeconfig to use and keeps running until Ctrl-C, when it stops what it started.
#
#   scripts/run.sh             the demo, until Ctrl-C
#   scripts/run.sh --once      the demo, then stop everything and exit: 0 when every check met
#                              its expectation, 3 when one did not, 1 when the demo failed
#   scripts/run.sh --offline   the five scenarios through `portcullis offline`: no cluster at all
#   scripts/run.sh ARGS...     the jar with ARGS, e.g.
#                              offline --world W --manifests DIR --ask "1.2.3.4 i-1a000001 tcp/22"
#
# The local API server keeps its files (kubeconfig, logs) in
# ${PORTCULLIS_DEMO_STATE:-${PORTCULLIS_CACHE:-~/.cache/portcullis}/demo}, and starts from an
# empty etcd each time. The operator's log is there too.
set -euo pipefail
cd "$(dirname "$0")/.."
jar=target/portcullis.jar
if [ ! -f "$jar" ] || [ -n "$(find pom.xml src -newer "$jar" -print -quit)" ]; then
  echo "Building Portcullis (first run only; takes a minute)..." >&2
  mvn -B -q -ntp -DskipTests package >&2
fi

offline() {
  local status=0
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
    --ask "198.51.100.99 i-1a000001 tcp/22"
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
  return $status
}

once=false
case "${1:-}" in
  "") ;;
  --once) once=true ;;
  --offline)
    offline
    exit $?
    ;;
  *) exec java -jar "$jar" "$@" ;;
esac

say() { printf '\n==> %s\n' "$*"; }
fail() {
  echo "run.sh: $*" >&2
  exit 1
}

state=${PORTCULLIS_DEMO_STATE:-${PORTCULLIS_CACHE:-$HOME/.cache/portcullis}/demo}
mkdir -p "$state"
state=$(cd "$state" && pwd)
if [ -f "$state/run.pid" ] && kill -0 "$(cat "$state/run.pid")" 2>/dev/null; then
  fail "a demo already runs from $state (process $(cat "$state/run.pid")); stop it first"
fi
echo $$ >"$state/run.pid"

cluster_pid=""
operator_pid=""
kubectl=kubectl
current_cluster=false
namespaces=()

# Stops what the demo started. On a cluster of the user's, the demo's resources are deleted first,
# while the operator still runs to take its finalizers off; the namespaces and CRDs stay.
stop() {
  local code=$?
  trap - EXIT INT TERM HUP
  # Stop everything even when no one reads the output any more (a closed terminal or pipe).
  trap '' PIPE
  set +e
  if $current_cluster && [ -n "$operator_pid" ] && [ ${#namespaces[@]} -gt 0 ]; then
    echo "Deleting the demo's resources from namespaces ${namespaces[*]}..." >&2
    delete_demo_resources || true
  fi
  # local-cluster.sh stops kube-apiserver, then etcd, each within 10 seconds: wait for it longer
  # than that, and only then stop what it could not (its children) at once.
  local p
  for p in $operator_pid $cluster_pid; do
    kill "$p" 2>/dev/null || continue
    for _ in $(seq 1 120); do kill -0 "$p" 2>/dev/null || break; sleep 0.25; done
    pkill -KILL -P "$p" 2>/dev/null
    kill -KILL "$p" 2>/dev/null
    wait "$p" 2>/dev/null
  done
  rm -f "$state/run.pid"
  if [ -n "$operator_pid" ] && ! $once; then
    echo "Stopped the operator$([ -z "$cluster_pid" ] || echo ' and the local API server')." >&2
  fi
  exit "$code"
}
trap stop EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
trap 'exit 129' HUP

# Deletes the checks and attachments of the demo's namespaces, then the groups (a group is only
# deleted once no instance carries it), and waits until the operator has let them go.
delete_demo_resources() {
  local kinds ns
  for kinds in prc,psga psg; do
    for ns in "${namespaces[@]}"; do
      "$kubectl" delete "$kinds" --all -n "$ns" --wait=false >/dev/null 2>&1 || true
    done
    for ns in "${namespaces[@]}"; do
      "$kubectl" wait "$kinds" --all -n "$ns" --for=delete --timeout=90s >/dev/null 2>&1 || true
    done
  done
}

# Waits until FILE has a line matching PATTERN, while process PID lives; at most SECONDS.
await_line() {
  local file=$1 pattern=$2 pid=$3 seconds=$4 what=$5
  for _ in $(seq 1 $((seconds * 4))); do
    grep -q "$pattern" "$file" 2>/dev/null && return 0
    kill -0 "$pid" 2>/dev/null || fail "$what stopped; its output ($file):
$(tail -20 "$file")"
    sleep 0.25
  done
  fail "$what did not start within ${seconds}s; see $file"
}

# 1. A cluster.
if command -v kubectl >/dev/null && kubectl cluster-info --request-timeout=5s >/dev/null 2>&1; then
  current_cluster=true
  kubeconfig=${KUBECONFIG:-$HOME/.kube/config}
  say "Using the cluster of your kubeconfig: context $(kubectl config current-context 2>/dev/null)"
else
  say "No cluster answers kubectl: starting a local API server (etcd + kube-apiserver) on 127.0.0.1"
  bin=$(scripts/cluster-binaries.sh | tail -1)
  kubectl="$bin/kubectl"
  : >"$state/cluster.log"
  PORTCULLIS_FRESH=1 scripts/local-cluster.sh "$state/cluster" >"$state/cluster.log" 2>&1 &
  cluster_pid=$!
  await_line "$state/cluster.log" '^ready ' "$cluster_pid" 120 "The local API server"
  kubeconfig="$state/cluster/kubeconfig"
  export KUBECONFIG="$kubeconfig"
  echo "API server $(grep -o 'https://[^ ]*' "$kubeconfig"); files in $state/cluster"
fi

# 2. The CRDs.
say "Installing the CRDs (crds/)"
"$kubectl" apply -f crds/
"$kubectl" wait --for=condition=Established --timeout=60s \
  crd/securitygroups.ec2.portcullis.dev crd/securitygroupattachments.ec2.portcullis.dev \
  crd/reachabilitychecks.ec2.portcullis.dev >/dev/null

# 3. The namespaces the examples name, and the operator, which watches only those.
mapfile -t manifests < <(find examples -mindepth 2 -name '*.yaml' ! -name world.yaml | sort)
mapfile -t namespaces < <(grep -hoE 'namespace: *[a-z0-9-]+' "${manifests[@]}" |
  awk '{print $2}' | sort -u)
for ns in "${namespaces[@]}"; do
  "$kubectl" create namespace "$ns" --dry-run=client -o yaml | "$kubectl" apply -f - >/dev/null
done
worlds=$(find examples -mindepth 2 -maxdepth 2 -name world.yaml | sort | paste -sd, -)
say "Starting the operator on the EC2 simulator (worlds: ${worlds//,/ })"
ns_list=$(IFS=,; echo "${namespaces[*]}")
metrics_port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
ec2_port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
java -jar "$jar" operator --world "$worlds" --namespaces "$ns_list" --resync PT30S \
  --flow-logs-interval PT5S \
  --metrics-address 127.0.0.1 --metrics-port "$metrics_port" --serve-ec2 "127.0.0.1:$ec2_port" \
  >"$state/operator.log" 2>&1 &
operator_pid=$!
await_line "$state/operator.log" '^portcullis operator: watching' "$operator_pid" 120 "The operator"
echo "Watching namespaces ${namespaces[*]}; log in $state/operator.log;" \
  "metrics on http://127.0.0.1:$metrics_port/metrics"

# What an earlier demo left on a cluster of the user's belongs to an earlier simulator: go.
for ns in "${namespaces[@]}"; do
  if [ -n "$("$kubectl" get psg,psga,prc -n "$ns" -o name 2>/dev/null)" ]; then
    echo "Deleting what an earlier demo left in namespaces ${namespaces[*]}..."
    delete_demo_resources
    break
  fi
done

# 4. The examples, one kind at a time: groups, then the attachments that use them, then the checks
# of the result, each waited for, so that what is shown is final, not on its way.
docs_of_kind() {
  awk -v kind="$1" '
    function flush() { if (doc ~ ("(^|\n)kind: " kind "\n")) printf "%s---\n", doc; doc = "" }
    FNR == 1 && NR > 1 { flush() }
    /^---/ { flush(); next }
    { doc = doc $0 "\n" }
    END { flush() }' "${manifests[@]}"
}
apply_and_wait() {
  local kind=$1 short=$2 condition=$3 docs ns
  docs=$(docs_of_kind "$kind")
  [ -n "$docs" ] || return 0
  printf '%s\n' "$docs" | "$kubectl" apply -f - >/dev/null
  for ns in "${namespaces[@]}"; do
    if [ -n "$("$kubectl" get "$short" -n "$ns" -o name)" ]; then
      "$kubectl" wait "$short" --all -n "$ns" --for="$condition" --timeout=120s >/dev/null ||
        fail "the ${kind}s of namespace $ns were not reconciled in time; see $state/operator.log"
    fi
  done
}
say "Applying the examples: SecurityGroups, then SecurityGroupAttachments, then ReachabilityChecks"
apply_and_wait SecurityGroup psg 'jsonpath={.status.observedGeneration}'
apply_and_wait SecurityGroupAttachment psga 'jsonpath={.status.observedGeneration}'
apply_and_wait ReachabilityCheck prc condition=Evaluated
# A check judges its expectation once what it depends on has converged (ExpectationMet is
# Unknown, reason Converging, until then): wait for every judgement.
for _ in $(seq 1 120); do
  judged=$("$kubectl" get prc -A -o jsonpath='{range .items[*]}{.status.conditions[?(@.type=="ExpectationMet")].status}{"\n"}{end}')
  [[ $judged == *Unknown* ]] || break
  sleep 1
done

# 5. What the operator made of them.
demo_namespace() { [[ ",$ns_list," == *",$1,"* ]]; }
say "kubectl get psg,psga,prc -A"
"$kubectl" get psg,psga,prc -A | awk -v list="$ns_list" '
  BEGIN { split(list, l, ","); for (i in l) demo[l[i]] = 1 }
  NF == 0 || $1 == "NAMESPACE" || ($1 in demo)'

# Every expectation, and what is not Ready (scenario 4 is refused on purpose), from the statuses.
checks=0
met=0
unmet=()
not_ready=()
while IFS='|' read -r ns name expect status verdict; do
  demo_namespace "$ns" && [ -n "$expect" ] || continue
  checks=$((checks + 1))
  if [ "$status" = True ]; then
    met=$((met + 1))
  else
    unmet+=("$ns/$name: expected $expect, got ${verdict:-no verdict}")
  fi
done < <("$kubectl" get prc -A -o jsonpath='{range .items[*]}{.metadata.namespace}|{.metadata.name}|{.spec.expect}|{.status.conditions[?(@.type=="ExpectationMet")].status}|{.status.verdict}{"\n"}{end}')
for kind in psg psga; do
  while IFS='|' read -r ns name status message; do
    demo_namespace "$ns" && [ "$status" != True ] || continue
    not_ready+=("$kind $ns/$name: $message")
  done < <("$kubectl" get "$kind" -A -o jsonpath='{range .items[*]}{.metadata.namespace}|{.metadata.name}|{.status.conditions[?(@.type=="Ready")].status}|{.status.conditions[?(@.type=="Ready")].message}{"\n"}{end}')
done
echo
echo "$met of $checks expectations met."
for u in "${unmet[@]}"; do echo "  NOT MET  $u"; done
if [ ${#not_ready[@]} -gt 0 ]; then
  echo "Not Ready (scenario 4 shows what EC2 refuses):"
  for u in "${not_ready[@]}"; do echo "  $u"; done
fi

# Denials: scenario 1's world sends synthetic traffic, logged as VPC Flow Logs would log it; the
# operator reads the records every 5 s and attributes each rejected one (docs/flow-logs.md).
say "Flow log records, attributed (portcullis_flows_total on /metrics)"
flows=""
for _ in $(seq 1 30); do
  flows=$(curl -sf "http://127.0.0.1:$metrics_port/metrics" | grep '^portcullis_flows_total' || true)
  [[ $flows == *no_ingress_rule* ]] && break
  sleep 1
done
if [ -n "$flows" ]; then
  printf '%s\n' "$flows"
else
  echo "  (no flow log records counted yet; see $state/operator.log)"
fi
# What the dev box's group has been dropping, in its status: written after the read that found it.
say "kubectl describe psg -n scenario-1-ssh ssh-from-laptop (its recent denials, status.denials)"
denials=""
for _ in $(seq 1 30); do
  denials=$("$kubectl" get psg -n scenario-1-ssh ssh-from-laptop -o jsonpath='{.status.denials}' 2>/dev/null || true)
  [ -n "$denials" ] && break
  sleep 1
done
if [ -n "$denials" ]; then
  # the Denials section of the status: from its line to the next line indented no deeper
  "$kubectl" describe psg -n scenario-1-ssh ssh-from-laptop | awk '
    { indent = match($0, /[^ ]/) }
    !on && /^ *Denials:/ { on = 1; depth = indent; print; next }
    on && indent <= depth { exit }
    on { print }'
else
  echo "  (no denials summed up yet; see $state/operator.log)"
fi

if $once; then
  [ "$met" = "$checks" ] || exit 3
  exit 0
fi

say "The demo runs. In another terminal:"
if $current_cluster; then
  echo "  kubectl get psg,psga,prc -A          # your kubeconfig's cluster: $kubeconfig"
else
  echo "  export KUBECONFIG=$kubeconfig"
  command -v kubectl >/dev/null || echo "  export PATH=$(dirname "$kubectl"):\$PATH"
  echo "  kubectl get psg,psga,prc -A"
fi
echo "  kubectl describe prc -n scenario-5-refused nothing-listens-on-8080"
# The operator's simulator is an EC2 endpoint too: a rule added with the AWS CLI is drift, which
# the operator revokes at its next drift scan or resync (both 30 s here).
sg=$("$kubectl" get psg -n scenario-1-ssh ssh-from-laptop -o jsonpath='{.status.groupId}' 2>/dev/null || true)
if [ -n "$sg" ]; then
  echo "Change EC2 behind the operator's back (its simulator answers EC2 clients on" \
    "http://127.0.0.1:$ec2_port), and watch the rule go within 30 s:"
  echo "  AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test aws ec2 authorize-security-group-ingress" \
    "--endpoint-url http://127.0.0.1:$ec2_port --region eu-west-1 --group-id $sg" \
    "--protocol tcp --port 3389 --cidr 0.0.0.0/0"
  echo "  kubectl get events -n scenario-1-ssh --field-selector reason=DriftCorrected -w"
fi
echo "Press Ctrl-C to stop the operator$($current_cluster || echo ' and the local API server')."
wait -n $operator_pid $cluster_pid || true
fail "a process of the demo stopped; see $state/operator.log and $state/cluster.log"
