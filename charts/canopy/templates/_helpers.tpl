{{/*
Names, labels, the image, and the pieces the Deployment and the migration Job share.
*/}}

{{- define "canopy.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "canopy.fullname" -}}
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

{{/* A name derived from the full name: "canopy.child" (list . "suffix"). */}}
{{- define "canopy.child" -}}
{{- $root := index . 0 }}
{{- $base := include "canopy.fullname" $root | trunc (int (sub 62 (len (index . 1)))) | trimSuffix "-" }}
{{- printf "%s-%s" $base (index . 1) }}
{{- end }}

{{- define "canopy.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "canopy.labels" -}}
helm.sh/chart: {{ include "canopy.chart" . }}
app.kubernetes.io/name: {{ include "canopy.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Values.image.tag | default .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: canopy
{{- end }}

{{/* The serving pods: the Service, PDB, NetworkPolicy and ServiceMonitor select these. */}}
{{- define "canopy.selectorLabels" -}}
app.kubernetes.io/name: {{ include "canopy.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/component: server
{{- end }}

{{/* The migration Job's pods: not selected by the Service. */}}
{{- define "canopy.migrateSelectorLabels" -}}
app.kubernetes.io/name: {{ include "canopy.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/component: migrate
{{- end }}

{{- define "canopy.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "canopy.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{- define "canopy.image" -}}
{{- $tag := .Values.image.tag | default .Chart.AppVersion }}
{{- if .Values.image.digest }}
{{- printf "%s:%s@%s" .Values.image.repository $tag .Values.image.digest }}
{{- else }}
{{- printf "%s:%s" .Values.image.repository $tag }}
{{- end }}
{{- end }}

{{/*
The checks the schema cannot make. Included by every template that needs them, so any of
them stops `helm template`, `helm install` and `helm upgrade` with the message.
*/}}
{{- define "canopy.validate" -}}
{{- $v := .Values }}
{{- if not $v.mysql.host }}
{{- fail "mysql.host is required: the MySQL/MariaDB server that holds Canopy's state (e.g. --set mysql.host=mariadb.db.svc.cluster.local)" }}
{{- end }}
{{- if not $v.mysql.existingSecret }}
{{- fail "mysql.existingSecret is required: the name of an existing Secret holding the MySQL password under mysql.existingSecretPasswordKey (the chart takes no passwords)" }}
{{- end }}
{{- if not $v.redis.host }}
{{- fail "redis.host is required: the Redis server that replicas share decisions and revocations through (e.g. --set redis.host=redis.cache.svc.cluster.local)" }}
{{- end }}
{{- if not $v.redis.macKey.existingSecret }}
{{- fail "redis.macKey.existingSecret is required: the name of an existing Secret holding the Redis MAC key (at least 32 characters) under redis.macKey.existingSecretKey" }}
{{- end }}
{{- if and $v.redis.user (not $v.redis.existingSecret) }}
{{- fail "redis.user needs a password: set redis.existingSecret to a Secret holding it" }}
{{- end }}
{{- if not $v.serviceToken.existingSecret }}
{{- fail "serviceToken.existingSecret is required: the name of an existing Secret holding the gateway's service token under serviceToken.existingSecretKey" }}
{{- end }}
{{- $drain := add $v.shutdown.delaySeconds $v.shutdown.graceSeconds }}
{{- if le (int $v.terminationGracePeriodSeconds) (int $drain) }}
{{- fail (printf "terminationGracePeriodSeconds (%d) must be larger than shutdown.delaySeconds + shutdown.graceSeconds (%d), or the kubelet kills pods before they drain" (int $v.terminationGracePeriodSeconds) (int $drain)) }}
{{- end }}
{{- if and $v.autoscaling.enabled (gt (int $v.autoscaling.minReplicas) (int $v.autoscaling.maxReplicas)) }}
{{- fail "autoscaling.minReplicas must not be larger than autoscaling.maxReplicas" }}
{{- end }}
{{- if eq $v.policies.source "values" }}
{{- range $k, $f := $v.policies.files }}
{{- if not $f }}
{{- fail (printf "policies.source is values but policies.files.%s is empty" $k) }}
{{- end }}
{{- end }}
{{- if not $v.policies.apps }}
{{- fail "policies.source is values but policies.apps is empty" }}
{{- end }}
{{- end }}
{{- if and (eq $v.policies.source "existingConfigMaps") (not (and $v.policies.existingConfigMap $v.policies.existingAppsConfigMap)) }}
{{- fail "policies.source is existingConfigMaps: set policies.existingConfigMap and policies.existingAppsConfigMap" }}
{{- end }}
{{- if $v.tenants.import }}
{{- if and (eq $v.tenants.source "values") (not $v.tenants.files) }}
{{- fail "tenants.import is on with tenants.source values, but tenants.files is empty" }}
{{- end }}
{{- if and (eq $v.tenants.source "existingConfigMap") (not $v.tenants.existingConfigMap) }}
{{- fail "tenants.source is existingConfigMap: set tenants.existingConfigMap" }}
{{- end }}
{{- if and (eq $v.tenants.source "existingSecret") (not $v.tenants.existingSecret) }}
{{- fail "tenants.source is existingSecret: set tenants.existingSecret" }}
{{- end }}
{{- end }}
{{- end }}

{{/* The policies directory inside the containers. */}}
{{- define "canopy.policiesDir" -}}
{{- if eq .Values.policies.source "image" -}}
/usr/share/canopy/policies
{{- else -}}
/etc/canopy/policies
{{- end }}
{{- end }}

{{/* The three top-level policy files: values key -> file name. */}}
{{- define "canopy.policyFiles" -}}
permissions: permissions.yaml
businessRoles: business_roles.yaml
dataTypes: data_types.yaml
{{- end }}

{{/*
Volumes for the policies: the top-level files and apps/ come from two ConfigMaps, since a
ConfigMap has no directories. (list . "top-level ConfigMap" "apps ConfigMap").
*/}}
{{- define "canopy.policyVolumes" -}}
{{- $root := index . 0 }}
{{- if ne $root.Values.policies.source "image" }}
- name: policies
  configMap:
    name: {{ index . 1 }}
    items:
      {{- range $k, $file := include "canopy.policyFiles" $root | fromYaml }}
      - key: {{ $file }}
        path: {{ $file }}
      {{- end }}
- name: policy-apps
  configMap:
    name: {{ index . 2 }}
{{- end }}
{{- end }}

{{/* Mounts: each top-level file by subPath, apps/ whole, so no mount nests in another. */}}
{{- define "canopy.policyMounts" -}}
{{- if ne .Values.policies.source "image" }}
{{- range $k, $file := include "canopy.policyFiles" . | fromYaml }}
- name: policies
  mountPath: /etc/canopy/policies/{{ $file }}
  subPath: {{ $file }}
  readOnly: true
{{- end }}
- name: policy-apps
  mountPath: /etc/canopy/policies/apps
  readOnly: true
{{- end }}
{{- end }}

{{/* The ConfigMap names for the policies, as the pods use them (regular resources). */}}
{{- define "canopy.policiesConfigMap" -}}
{{- if eq .Values.policies.source "existingConfigMaps" }}
{{- .Values.policies.existingConfigMap }}
{{- else }}
{{- include "canopy.child" (list . "policies") }}
{{- end }}
{{- end }}

{{- define "canopy.policyAppsConfigMap" -}}
{{- if eq .Values.policies.source "existingConfigMaps" }}
{{- .Values.policies.existingAppsConfigMap }}
{{- else }}
{{- include "canopy.child" (list . "policy-apps") }}
{{- end }}
{{- end }}

{{/*
The data of the policies ConfigMaps, shared by the regular and the hook copies. toYaml keeps
each file's bytes exactly, a final newline or its absence included.
*/}}
{{- define "canopy.policiesData" -}}
{{- $data := dict }}
{{- range $k, $file := include "canopy.policyFiles" . | fromYaml }}
{{- $_ := set $data $file (index $.Values.policies.files $k) }}
{{- end }}
{{- toYaml $data }}
{{- end }}

{{- define "canopy.policyAppsData" -}}
{{- $data := dict }}
{{- range $name, $text := .Values.policies.apps }}
{{- $_ := set $data (printf "%s.yaml" $name) $text }}
{{- end }}
{{- toYaml $data }}
{{- end }}

{{- define "canopy.tenantsData" -}}
{{- $data := dict }}
{{- range $name, $text := .Values.tenants.files }}
{{- $_ := set $data (printf "%s.yaml" $name) $text }}
{{- end }}
{{- toYaml $data }}
{{- end }}

{{/* The store options: environment variables, since `migrate` and `tenants import` take no --config. */}}
{{- define "canopy.storeEnv" -}}
- name: CANOPY_STORE
  value: {{ .Values.store | quote }}
- name: CANOPY_MYSQL_HOST
  value: {{ .Values.mysql.host | quote }}
- name: CANOPY_MYSQL_PORT
  value: {{ .Values.mysql.port | int | quote }}
- name: CANOPY_MYSQL_USER
  value: {{ .Values.mysql.user | quote }}
- name: CANOPY_MYSQL_DATABASE
  value: {{ .Values.mysql.database | quote }}
- name: CANOPY_MYSQL_POOL_SIZE
  value: {{ .Values.mysql.poolSize | int | quote }}
- name: CANOPY_MYSQL_PASSWORD_FILE
  value: /var/run/secrets/canopy/mysql-password
{{- end }}

{{/*
The Secrets, mounted as files under /var/run/secrets/canopy (mode 0440, group fsGroup).
(list . "all"|"mysql"): the pods get every secret, the migration Job only the MySQL password.
*/}}
{{- define "canopy.secretsVolume" -}}
{{- $root := index . 0 }}
{{- $v := $root.Values -}}
- name: secrets
  projected:
    defaultMode: 288 # 0440
    sources:
      - secret:
          name: {{ $v.mysql.existingSecret }}
          items:
            - key: {{ $v.mysql.existingSecretPasswordKey }}
              path: mysql-password
      {{- if eq (index . 1) "all" }}
      {{- if $v.redis.existingSecret }}
      - secret:
          name: {{ $v.redis.existingSecret }}
          items:
            - key: {{ $v.redis.existingSecretPasswordKey }}
              path: redis-password
      {{- end }}
      - secret:
          name: {{ $v.redis.macKey.existingSecret }}
          items:
            - key: {{ $v.redis.macKey.existingSecretKey }}
              path: redis-mac-key
            {{- if $v.redis.macKey.existingSecretPreviousKey }}
            - key: {{ $v.redis.macKey.existingSecretPreviousKey }}
              path: redis-mac-key-previous
            {{- end }}
      - secret:
          name: {{ $v.serviceToken.existingSecret }}
          items:
            - key: {{ $v.serviceToken.existingSecretKey }}
              path: service-token
            {{- if $v.serviceToken.existingSecretPreviousKey }}
            - key: {{ $v.serviceToken.existingSecretPreviousKey }}
              path: service-token-previous
            {{- end }}
      {{- if $v.deviceCookieKey.existingSecret }}
      - secret:
          name: {{ $v.deviceCookieKey.existingSecret }}
          items:
            - key: {{ $v.deviceCookieKey.existingSecretKey }}
              path: device-cookie-key
            {{- if $v.deviceCookieKey.existingSecretPreviousKey }}
            - key: {{ $v.deviceCookieKey.existingSecretPreviousKey }}
              path: device-cookie-key-previous
            {{- end }}
      {{- end }}
      {{- end }}
{{- end }}

{{/* The pod security context and the container one: the same for the pods and the Job. */}}
{{- define "canopy.podSecurityContext" -}}
runAsNonRoot: true
runAsUser: {{ .Values.securityContext.runAsUser }}
runAsGroup: {{ .Values.securityContext.runAsGroup }}
fsGroup: {{ .Values.securityContext.fsGroup }}
seccompProfile:
  type: RuntimeDefault
{{- end }}

{{- define "canopy.containerSecurityContext" -}}
runAsNonRoot: true
allowPrivilegeEscalation: false
privileged: false
readOnlyRootFilesystem: true
capabilities:
  drop:
    - ALL
seccompProfile:
  type: RuntimeDefault
{{- end }}

{{/* The pieces of the pod spec the Deployment and the Job share. */}}
{{- define "canopy.podCommon" -}}
automountServiceAccountToken: false
enableServiceLinks: false
securityContext:
  {{- include "canopy.podSecurityContext" . | nindent 2 }}
{{- with .Values.imagePullSecrets }}
imagePullSecrets:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .Values.nodeSelector }}
nodeSelector:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .Values.tolerations }}
tolerations:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .Values.priorityClassName }}
priorityClassName: {{ . }}
{{- end }}
{{- end }}

{{/*
NetworkPolicy egress rules: MySQL and DNS, and Redis unless (list . false). Every rule names
its peers: a rule with a port and no `to` would let the pods reach any address on that port.
*/}}
{{- define "canopy.egressRules" -}}
{{- $root := index . 0 }}
{{- $v := $root.Values -}}
- ports:
    - protocol: TCP
      port: {{ $v.mysql.port }}
  to:
    {{- include "canopy.egressPeers" (list $root "mysql") | nindent 4 }}
{{- if index . 1 }}
- ports:
    - protocol: TCP
      port: {{ $v.redis.port }}
  to:
    {{- include "canopy.egressPeers" (list $root "redis") | nindent 4 }}
{{- end }}
- ports:
    - protocol: UDP
      port: 53
    - protocol: TCP
      port: 53
  to:
    {{- if not $v.networkPolicy.egress.dns }}
    {{- fail "networkPolicy.egress.dns is empty: list where DNS is (the default is the kube-dns pods in kube-system; any address is 0.0.0.0/0 as an ipBlock)" }}
    {{- end }}
    {{- toYaml $v.networkPolicy.egress.dns | nindent 4 }}
{{- end }}

{{/*
The peers of "mysql" or "redis" (list . NAME): networkPolicy.egress.NAME when given, else the
namespace of the Service that NAME.host names: NAME.host is a Service of the release's
namespace (`mariadb`) or names its namespace before `.svc` (`mariadb.db.svc.cluster.local`).
Any other host (an address, a name outside the cluster) has no default and is refused, so
that the pods never reach the whole network on that port by default.
*/}}
{{- define "canopy.egressPeers" -}}
{{- $root := index . 0 }}
{{- $name := index . 1 }}
{{- $given := index $root.Values.networkPolicy.egress $name }}
{{- if $given }}
{{- toYaml $given }}
{{- else }}
{{- $host := lower (index $root.Values $name).host }}
{{- $label := "[a-z0-9](?:[-a-z0-9]*[a-z0-9])?" }}
{{- $service := printf "^(?:%s\\.)+(%s)\\.svc(?:\\.%s)*$" $label $label $label }}
{{- $namespace := "" }}
{{- if regexMatch (printf "^%s$" $label) $host }}
{{- $namespace = $root.Release.Namespace }}
{{- else if regexMatch $service $host }}
{{- $namespace = regexReplaceAll $service $host "${1}" }}
{{- else }}
{{- fail (printf "networkPolicy.egress.%s is empty and %s.host (%s) is not a Service of this cluster (NAME, or NAME.NAMESPACE.svc): list the peers %s is at, for example an ipBlock for a managed server" $name $name $host (ternary "MySQL" "Redis" (eq $name "mysql"))) }}
{{- end -}}
- namespaceSelector:
    matchLabels:
      kubernetes.io/metadata.name: {{ $namespace }}
{{- end }}
{{- end }}

{{/* Hook annotations of what the migration Job needs before it runs (weight -10). */}}
{{- define "canopy.hookPrereqAnnotations" -}}
helm.sh/hook: pre-install,pre-upgrade
helm.sh/hook-weight: "-10"
helm.sh/hook-delete-policy: before-hook-creation,hook-succeeded
{{- end }}
