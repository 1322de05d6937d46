{{/* The chart's name, overridable. */}}
{{- define "portcullis.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* The release's full name: the release's own when it holds the chart's name. */}}
{{- define "portcullis.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{- define "portcullis.selectorLabels" -}}
app.kubernetes.io/name: {{ include "portcullis.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{- define "portcullis.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{ include "portcullis.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/component: operator
{{- end }}

{{- define "portcullis.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "portcullis.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- required "serviceAccount.name: required when serviceAccount.create is false" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{- define "portcullis.image" -}}
{{- if .Values.image.digest }}
{{- printf "%s@%s" .Values.image.repository .Values.image.digest }}
{{- else }}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag) }}
{{- end }}
{{- end }}

{{/*
What the chart refuses beyond its schema, with a message naming the key.
*/}}
{{- define "portcullis.validate" -}}
{{- if and (include "portcullis.simulatorInProcess" .) (gt (int .Values.replicas) 1) }}
{{- fail "replicas: must be 1 with simulator.inProcess=true (each replica would simulate an EC2 of its own)" }}
{{- end }}
{{- if and (gt (int .Values.replicas) 1) (not .Values.leaderElection.enabled) }}
{{- fail "replicas: more than 1 needs leaderElection.enabled=true (replicas would reconcile the same resources)" }}
{{- end }}
{{- if and .Values.shard (eq .Values.cloud "simulator") }}
{{- fail "shard: needs cloud=aws (the shards must share one EC2; each release's simulator would be an EC2 of its own)" }}
{{- end }}
{{- if and (lt (float64 .Values.rateLimitShare) 1.0) (eq .Values.rateLimit "off") }}
{{- fail "rateLimitShare: needs rateLimit on or a factor, not off" }}
{{- end }}
{{- if and .Values.flowLogs.logGroup (ne .Values.cloud "aws") }}
{{- fail "flowLogs.logGroup: needs cloud=aws (the simulator serves no CloudWatch Logs)" }}
{{- end }}
{{- if and .Values.flowLogs.logGroup (not .Values.flowLogs.region) }}
{{- fail "flowLogs.region: required with flowLogs.logGroup" }}
{{- end }}
{{- if and .Values.networkPolicy.enabled (not .Values.networkPolicy.apiServer.cidrs) }}
{{- fail "networkPolicy.apiServer.cidrs: required with networkPolicy.enabled (the API server's addresses: kubectl get endpoints kubernetes)" }}
{{- end }}
{{- end }}

{{/*
The rules of the operator's Role or ClusterRole: what it calls and nothing else, each verb on
each resource proven needed by RbacIT (a run without it fails). The informers list and watch;
finalizers and status are written with patches (server-side apply); a SecurityGroup whose
deletion is blocked has its status written with an update; a ReachabilityCheck has no finalizer.
*/}}
{{- define "portcullis.rules" -}}
- apiGroups: [ec2.portcullis.dev]
  resources: [securitygroups, securitygroupattachments]
  verbs: [list, watch, patch]
- apiGroups: [ec2.portcullis.dev]
  resources: [reachabilitychecks]
  verbs: [list, watch]
- apiGroups: [ec2.portcullis.dev]
  resources: [securitygroups/status]
  verbs: [patch, update]
- apiGroups: [ec2.portcullis.dev]
  resources: [securitygroupattachments/status, reachabilitychecks/status]
  verbs: [patch]
- apiGroups: [""]
  resources: [events]
  verbs: [create]
{{- end }}

{{/* "true" when the operator runs the simulator in its own process, else empty. */}}
{{- define "portcullis.simulatorInProcess" -}}
{{- if and (eq .Values.cloud "simulator") .Values.simulator.inProcess }}true{{ end }}
{{- end }}

{{/* The ConfigMap of the flow log reader's checkpoint: one per release. */}}
{{- define "portcullis.flowLogCheckpoint" -}}
{{- printf "%s-flow-logs" (include "portcullis.fullname" .) | trunc 253 }}
{{- end }}

{{/* "true" when the simulator runs in a Deployment of its own, else empty. */}}
{{- define "portcullis.simulatorService" -}}
{{- if and (eq .Values.cloud "simulator") (not .Values.simulator.inProcess) }}true{{ end }}
{{- end }}

{{/* The simulator's own pods: another name, so no selector of the operator's matches them. */}}
{{- define "portcullis.simulatorSelectorLabels" -}}
app.kubernetes.io/name: {{ include "portcullis.name" . }}-simulator
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{- define "portcullis.simulatorLabels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{ include "portcullis.simulatorSelectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/component: simulator
{{- end }}

{{/* The simulator's EC2 endpoint, as the operator reaches it. */}}
{{- define "portcullis.simulatorUrl" -}}
{{- printf "http://%s-simulator.%s.svc:%d" (include "portcullis.fullname" .) .Release.Namespace (int .Values.simulator.port) }}
{{- end }}

{{/* The simulator's world: simulator.world, else the chart's files/world.yaml. */}}
{{- define "portcullis.world" -}}
{{- default (.Files.Get "files/world.yaml") .Values.simulator.world }}
{{- end }}
