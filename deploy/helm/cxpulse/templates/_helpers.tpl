{{/* Name of the chart, or nameOverride. */}}
{{- define "cxpulse.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* Full name: the release name when it holds the chart name, else release-chart. Pods are <fullname>-<ordinal>. */}}
{{- define "cxpulse.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 52 | trimSuffix "-" -}}
{{- else -}}
{{- $name := default .Chart.Name .Values.nameOverride -}}
{{- if contains $name .Release.Name -}}
{{- .Release.Name | trunc 52 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name $name | trunc 52 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{- define "cxpulse.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" }}
{{ include "cxpulse.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end -}}

{{- define "cxpulse.selectorLabels" -}}
app.kubernetes.io/name: {{ include "cxpulse.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{/* The Secret the pods read their credentials from. */}}
{{- define "cxpulse.secretName" -}}
{{- default (include "cxpulse.fullname" .) .Values.secrets.existingSecret -}}
{{- end -}}

{{- define "cxpulse.serviceAccountName" -}}
{{- if or .Values.serviceAccount.create .Values.autoscaling.enabled -}}
{{- default (include "cxpulse.fullname" .) .Values.serviceAccount.name -}}
{{- else -}}
{{- default "default" .Values.serviceAccount.name -}}
{{- end -}}
{{- end -}}

{{/* The port serving /healthz, /readyz and /metrics. */}}
{{- define "cxpulse.opsPortName" -}}
{{- if gt (int .Values.ops.port) 0 -}}ops{{- else -}}http{{- end -}}
{{- end -}}

{{/* Refuse settings that cannot work: more instances than partitions own nothing. */}}
{{- define "cxpulse.validate" -}}
{{- $p := int .Values.partitions -}}
{{- if lt $p 1 -}}{{- fail "partitions must be at least 1" -}}{{- end -}}
{{- if lt (int .Values.replicaCount) 1 -}}{{- fail "replicaCount must be at least 1" -}}{{- end -}}
{{- if gt (int .Values.replicaCount) $p -}}
{{- fail (printf "replicaCount %d is above partitions %d: instances beyond the partition count own no partition" (int .Values.replicaCount) $p) -}}
{{- end -}}
{{- if .Values.autoscaling.enabled -}}
{{- if gt (int .Values.autoscaling.maxReplicas) $p -}}
{{- fail (printf "autoscaling.maxReplicas %d is above partitions %d: instances beyond the partition count own no partition" (int .Values.autoscaling.maxReplicas) $p) -}}
{{- end -}}
{{- if gt (int .Values.autoscaling.minReplicas) (int .Values.autoscaling.maxReplicas) -}}
{{- fail "autoscaling.minReplicas is above autoscaling.maxReplicas" -}}
{{- end -}}
{{- if lt (int .Values.autoscaling.minReplicas) 1 -}}
{{- fail "autoscaling.minReplicas must be at least 1 (an engine also serves the feed and ingest, so it does not scale to zero)" -}}
{{- end -}}
{{- end -}}
{{- with .Values.nats.replicas -}}
{{- if or (lt (int .) 1) (gt (int .) 5) -}}
{{- fail (printf "nats.replicas %v: expected 1..5 (replicas of the engine's JetStream streams; at most the NATS cluster's size)" .) -}}
{{- end -}}
{{- end -}}
{{- range $k, $v := .Values.config -}}
{{- if has $k (list "CXPULSE_INSTANCE" "CXPULSE_INSTANCES" "CXPULSE_PARTITIONS") -}}
{{- fail (printf "config.%s is set by the chart (replicaCount, partitions, the pod name)" $k) -}}
{{- end -}}
{{- if has $k (list "CXPULSE_JWT_SECRET" "CXPULSE_PSEUDONYM_KEY" "CLICKHOUSE_PASSWORD" "CXPULSE_CHAT_WEBHOOK_SECRET" "CXPULSE_CHATWOOT_WEBHOOK_SECRET" "CXPULSE_CHAT_WS_TOKEN" "CXPULSE_IMAP_PASS") -}}
{{- fail (printf "config.%s is a credential: put it in secrets (or secrets.existingSecret), not in the ConfigMap" $k) -}}
{{- end -}}
{{- end -}}
{{- end -}}
