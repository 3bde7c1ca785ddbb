// Tests the Helm chart charts/canopy. Started by chart_test.sh:
//   node chart_test.mjs HELM REPO_ROOT [CANOPY_BINARY]
//
// It lints the chart, renders it with several values files (the least a release needs, the
// production example, every option on, existing ConfigMaps), validates every rendered object
// against the Kubernetes API schemas (kubernetes-models: types, enums, required fields; and
// TypeScript's excess-property check against its types: no unknown field), and asserts what
// the chart promises: security context, probes, drain, PDB, NetworkPolicy, secrets by
// reference only, the migration hook, the checksum that rolls the pods, the schema that
// refuses misspelt keys and secret values, and listeners that agree with the image's. With
// CANOPY_BINARY it lays out the files a pod and the Job would see (ConfigMaps, Secrets,
// mounts) and runs their commands against the binary, with the image's environment under
// the container's, on loopback only. Prints one line per check and "N passed, N failed".
import { spawn, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import {
  mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, symlinkSync, writeFileSync,
} from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { parse as parseYaml, parseAllDocuments } from "yaml";

const [helmBin, root, binaryArg] = process.argv.slice(2);
if (!helmBin || !root) {
  console.error("usage: node chart_test.mjs HELM REPO_ROOT [CANOPY_BINARY]");
  process.exit(2);
}
// Absolute: the commands run with the working directory a pod or the Job would have.
const canopyBin = binaryArg ? resolve(binaryArg) : "";
if (canopyBin && !statSync(canopyBin, { throwIfNoEntry: false })?.isFile()) {
  console.log(`not ok - no canopy binary at ${canopyBin}`);
  process.exit(1);
}
const here = join(root, "tests", "chart");
const chart = join(root, "charts", "canopy");
const work = mkdtempSync(join(tmpdir(), "canopy-chart-"));
process.on("exit", () => rmSync(work, { recursive: true, force: true }));
const KUBE_VERSION = "1.31.0"; // the kubectl/Helm layer's Kubernetes version
const RELEASE = "school";
const NAMESPACE = "canopy";

// ---- reporting ----
let passed = 0;
let failed = 0;
async function check(name, fn) {
  try {
    const note = await fn();
    passed++;
    console.log(`ok - ${name}${note ? ` (${note})` : ""}`);
  } catch (e) {
    failed++;
    console.log(`not ok - ${name}`);
    for (const line of String(e?.message ?? e).split("\n")) console.log(`#   ${line}`);
  }
}
function assert(cond, message) {
  if (!cond) throw new Error(message);
}
function eq(actual, expected, what) {
  const a = JSON.stringify(actual);
  const b = JSON.stringify(expected);
  if (a !== b) throw new Error(`${what}: expected ${b}, got ${a}`);
}

// ---- helm ----
const helmHome = join(work, "helm-home");
const helmEnv = {
  PATH: process.env.PATH ?? "/usr/bin:/bin",
  HOME: helmHome,
  HELM_CACHE_HOME: join(helmHome, "cache"),
  HELM_CONFIG_HOME: join(helmHome, "config"),
  HELM_DATA_HOME: join(helmHome, "data"),
  KUBECONFIG: join(helmHome, "no-kubeconfig"),
};
function helm(args) {
  const r = spawnSync(helmBin, args, { encoding: "utf8", env: helmEnv, maxBuffer: 64 << 20 });
  if (r.error) throw r.error;
  return { code: r.status, out: r.stdout, err: r.stderr };
}
let fileCount = 0;
function valuesFile(values) {
  const file = join(work, `values-${++fileCount}.yaml`);
  writeFileSync(file, JSON.stringify(values, null, 2)); // JSON is YAML
  return file;
}
function templateArgs(files) {
  return ["template", RELEASE, chart, "--namespace", NAMESPACE, "--kube-version", KUBE_VERSION,
    ...files.flatMap((f) => ["-f", f])];
}
// Renders with these values files (paths, or objects written to files); throws on failure.
function render(...values) {
  const files = values.map((v) => (typeof v === "string" ? v : valuesFile(v)));
  const r = helm(templateArgs(files));
  if (r.code !== 0) throw new Error(`helm template failed (exit ${r.code}):\n${r.err}`);
  const objects = [];
  for (const doc of parseAllDocuments(r.out, { uniqueKeys: true })) {
    if (doc.errors.length) throw new Error(`rendered YAML does not parse: ${doc.errors[0].message}`);
    const o = doc.toJS();
    if (o !== null && o !== undefined) objects.push(o);
  }
  return { text: r.out, objects };
}
// Renders expecting a refusal; returns helm's stderr.
function refuse(...values) {
  const files = values.map((v) => (typeof v === "string" ? v : valuesFile(v)));
  const r = helm(templateArgs(files));
  if (r.code === 0) throw new Error("helm template rendered, but should have refused");
  return { err: r.err, out: r.out };
}

// ---- helpers on values and objects ----
const isObj = (v) => v !== null && typeof v === "object" && !Array.isArray(v);
function merge(a, b) {
  if (!isObj(a) || !isObj(b)) return structuredClone(b);
  const out = structuredClone(a);
  for (const [k, v] of Object.entries(b)) out[k] = k in out ? merge(out[k], v) : structuredClone(v);
  return out;
}
function find(r, kind, pred = () => true) {
  return r.objects.filter((o) => o.kind === kind && pred(o));
}
function one(r, kind, pred) {
  const all = find(r, kind, pred);
  assert(all.length === 1, `expected one ${kind}, found ${all.length}`);
  return all[0];
}
const hookOf = (o) => o.metadata?.annotations?.["helm.sh/hook"];
const deployment = (r) => one(r, "Deployment");
const job = (r) => one(r, "Job");
const serverPolicy = (r) => one(r, "NetworkPolicy", (o) => !hookOf(o));
const configMapOf = (r) => one(r, "ConfigMap", (o) => o.metadata.name.endsWith("-config"));
const serveConfig = (r) => parseYaml(configMapOf(r).data["canopy.yaml"]);
const podContainers = (spec) => [...(spec.initContainers ?? []), ...spec.containers];
const matches = (selector, labels) =>
  Object.entries(selector.matchLabels ?? {}).every(([k, v]) => labels?.[k] === v) &&
  !(selector.matchExpressions?.length);
const portOf = (listen) => Number(String(listen).split(":").pop());
const envOf = (c) => Object.fromEntries((c.env ?? []).map((e) => [e.name, e]));
const readText = (p) => readFileSync(p, "utf8");
// The environment the image's last stage sets (its ENV KEY=VALUE lines): every container of
// the chart starts with it, the container's env overrides it, and it overrides the
// configuration file.
function imageEnv() {
  const text = readText(join(root, "Dockerfile")).replace(/\\\n(?:[ \t]*#[^\n]*\n)*/g, " ");
  let env = {};
  for (const line of text.split("\n")) {
    const m = /^\s*(FROM|ENV)\s+(.*)$/i.exec(line);
    if (m && m[1].toUpperCase() === "FROM") env = {};
    if (!m || m[1].toUpperCase() !== "ENV") continue;
    for (const [, k, v] of m[2].matchAll(/([A-Za-z_]\w*)=("[^"]*"|\S*)/g)) env[k] = v.replace(/^"(.*)"$/, "$1");
  }
  return env;
}
const yamlFiles = (dir) => readdirSync(dir).filter((f) => f.endsWith(".yaml")).sort();

// ---- the values used ----
const required = join(here, "required-values.yaml");
const production = join(chart, "examples", "production.yaml");
const requiredValues = parseYaml(readText(required));
const chartYaml = parseYaml(readText(join(chart, "Chart.yaml")));
const defaults = parseYaml(readText(join(chart, "values.yaml")));
const productionValues = parseYaml(readText(production));
const repoPolicies = join(root, "policies");
const repoTenants = join(root, "tenants");
const stem = (f) => f.replace(/\.yaml$/, "");
// Every option on: policies and tenants from values (the repository's own files), every
// secret and its rotation key, autoscaling, the ServiceMonitor, the `config` options.
const fullValues = merge(requiredValues, {
  image: { repository: "registry.example.org/canopy", tag: "1.2.3", digest: `sha256:${"ab".repeat(32)}` },
  imagePullSecrets: [{ name: "regcred" }],
  mysql: { port: 3307, poolSize: 12 },
  redis: {
    port: 6380, user: "canopy", prefix: "canopy-test", existingSecret: "canopy-redis",
    macKey: { existingSecretPreviousKey: "mac-key-previous" },
  },
  serviceToken: { existingSecretPreviousKey: "token-previous" },
  deviceCookieKey: { existingSecret: "canopy-device-cookie", existingSecretPreviousKey: "device-cookie-key-previous" },
  policies: {
    source: "values",
    files: {
      permissions: readText(join(repoPolicies, "permissions.yaml")),
      businessRoles: readText(join(repoPolicies, "business_roles.yaml")),
      dataTypes: readText(join(repoPolicies, "data_types.yaml")),
    },
    apps: Object.fromEntries(yamlFiles(join(repoPolicies, "apps"))
      .map((f) => [stem(f), readText(join(repoPolicies, "apps", f))])),
  },
  tenants: {
    import: true, prune: true, source: "values",
    files: Object.fromEntries(yamlFiles(repoTenants).map((f) => [stem(f), readText(join(repoTenants, f))])),
  },
  config: {
    threads: 3, "blocking-threads": 12, "hashing-threads": 2, "hashing-queue": 16, "sign-in-burst": 30,
    "sign-in-per-minute": 30, "max-connections": 2048, "max-connections-per-address": 0,
    "session-ttl-minutes": 240, "no-access-log": false, "login-history-days": 180, "lease-ms": 2000,
    "redis-timeouts-before-reconnect": 3, "redis-max-inflight": 1000000, "store-outage-minutes": 60,
    "hold-ttl-ms": 60000, "level2-ttl-seconds": 86400,
  },
  log: { format: "text", level: "debug" },
  shutdown: { delaySeconds: 2, graceSeconds: 5 },
  terminationGracePeriodSeconds: 10,
  serviceAccount: { create: false, name: "canopy-runner" },
  autoscaling: { enabled: true, minReplicas: 2, maxReplicas: 4 },
  metrics: { serviceMonitor: { enabled: true, labels: { release: "prom" } } },
  podAnnotations: { "example.org/team": "schools" },
  podLabels: { "example.org/tier": "backend" },
  nodeSelector: { "kubernetes.io/os": "linux" },
  tolerations: [{ key: "dedicated", operator: "Equal", value: "canopy", effect: "NoSchedule" }],
  priorityClassName: "high",
  service: { annotations: { "example.org/lb": "internal" } },
});
// Policies and tenants from ConfigMaps the operator made; the NetworkPolicy and PDB off.
const existingValues = merge(requiredValues, {
  policies: { source: "existingConfigMaps", existingConfigMap: "my-policies", existingAppsConfigMap: "my-policy-apps" },
  tenants: { import: true, source: "existingConfigMap", existingConfigMap: "my-tenants" },
  networkPolicy: { enabled: false },
  podDisruptionBudget: { enabled: false },
});
const imageTenantsValues = merge(requiredValues, { tenants: { import: true, source: "image" } });

// ================================ the checks ================================

await check("helm is 3.17", () => {
  const r = helm(["version", "--template", "{{.Version}}"]);
  assert(/^v3\.17\./.test(r.out), `helm version: ${r.out}${r.err}`);
  return r.out.trim();
});

await check("values.schema.json: additionalProperties false on every object, every schema typed", () => {
  const schema = JSON.parse(readText(join(chart, "values.schema.json")));
  const problems = [];
  const objects = [];
  // Maps whose keys are names the operator chooses (labels, annotations, files): their values
  // must be strings, and they hold no further objects.
  const walk = (node, path) => {
    if (!isObj(node)) return problems.push(`${path}: not a schema`);
    const typed = node.type || node.$ref || node.anyOf || node.oneOf || node.allOf || node.enum || node.const;
    if (!typed) problems.push(`${path}: accepts any type`);
    const types = [node.type].flat();
    if (types.includes("object") || node.properties) {
      objects.push(path);
      const ap = node.additionalProperties;
      const stringMap = isObj(ap) && ap.type === "string" && !node.properties;
      if (ap !== false && !stringMap) problems.push(`${path}: additionalProperties is ${JSON.stringify(ap)}`);
      if (ap === false && !isObj(node.properties)) problems.push(`${path}: additionalProperties false without properties`);
    }
    for (const [k, v] of Object.entries(node.properties ?? {})) walk(v, `${path}.${k}`);
    for (const [k, v] of Object.entries(node.$defs ?? {})) walk(v, `${path}.$defs.${k}`);
    if (isObj(node.additionalProperties)) walk(node.additionalProperties, `${path}.*`);
    if (node.patternProperties) problems.push(`${path}: patternProperties`);
    if (node.items) walk(node.items, `${path}[]`);
    for (const key of ["anyOf", "oneOf", "allOf"]) (node[key] ?? []).forEach((s, i) => walk(s, `${path}.${key}[${i}]`));
  };
  walk(schema, "values");
  assert(problems.length === 0, problems.join("\n"));
  return `${objects.length} object schemas`;
});

await check("values.yaml and the production example hold no secret value, only existingSecret names", () => {
  const problems = [];
  const walk = (v, path, key) => {
    if (isObj(v)) return Object.entries(v).forEach(([k, x]) => walk(x, `${path}.${k}`, k));
    if (Array.isArray(v)) return v.forEach((x, i) => walk(x, `${path}[${i}]`, key));
    if (/password|token|secret|mac/i.test(path) && !/^existingSecret/.test(key)) problems.push(path);
  };
  walk(defaults, "values.yaml");
  walk(productionValues, "production.yaml");
  assert(problems.length === 0, `secret-like keys that are not Secret references: ${problems.join(", ")}`);
});

await check("helm lint --strict (with the required values, and with the production example)", () => {
  for (const f of [required, production]) {
    const r = helm(["lint", "--strict", chart, "-f", f, "--kube-version", KUBE_VERSION]);
    assert(r.code === 0 && /0 chart\(s\) failed/.test(r.out), `lint -f ${f} (exit ${r.code}):\n${r.out}${r.err}`);
    assert(!/\[(WARNING|ERROR)\]/.test(r.out), `lint -f ${f} warns:\n${r.out}`);
  }
});

const renders = {};
for (const [name, values] of [
  ["defaults + required values", [required]],
  ["examples/production.yaml", [production]],
  ["every option on", [fullValues]],
  ["existing ConfigMaps, NetworkPolicy and PDB off", [existingValues]],
  ["demo tenants from the image", [imageTenantsValues]],
]) {
  await check(`helm template: ${name}`, () => {
    renders[name] = render(...values);
    const kinds = renders[name].objects.map((o) => o.kind);
    return kinds.length + " objects";
  });
}
const R1 = renders["defaults + required values"];
const R2 = renders["examples/production.yaml"];
const R3 = renders["every option on"];
const R4 = renders["existing ConfigMaps, NetworkPolicy and PDB off"];
const R5 = renders["demo tenants from the image"];
const all = Object.entries(renders).filter(([, r]) => r);
if (!R1 || !R2 || !R3 || !R4 || !R5) {
  console.log(`${passed} passed, ${failed + 1} failed`);
  console.log("not ok - a render failed; the checks below need every render");
  process.exit(1);
}

// The module and class of each apiVersion/kind, in kubernetes-models or, for the
// ServiceMonitor (a CRD), in @kubernetes-models/prometheus-operator.
function modelModule(o) {
  const [group, version] = o.apiVersion.includes("/") ? o.apiVersion.split("/") : [null, o.apiVersion];
  if (group === "monitoring.coreos.com") return `@kubernetes-models/prometheus-operator/monitoring.coreos.com/${version}`;
  return group ? `kubernetes-models/${group}/${version}` : `kubernetes-models/${version}`;
}

await check("every rendered object validates against the Kubernetes API schema (kubernetes-models)", async () => {
  const problems = [];
  const kinds = new Set();
  for (const [name, r] of all) {
    for (const o of r.objects) {
      let Model;
      try {
        Model = (await import(modelModule(o)))[o.kind];
      } catch { /* reported below */ }
      if (!Model) {
        problems.push(`${name}: no schema for ${o.apiVersion} ${o.kind}`);
        continue;
      }
      try {
        new Model(o).validate();
        kinds.add(`${o.apiVersion} ${o.kind}`);
      } catch (e) {
        problems.push(`${name}: ${o.kind} ${o.metadata?.name}: ${e.message}`);
      }
    }
  }
  for (const k of ["apps/v1 Deployment", "batch/v1 Job", "autoscaling/v2 HorizontalPodAutoscaler",
    "policy/v1 PodDisruptionBudget", "networking.k8s.io/v1 NetworkPolicy", "v1 Service", "v1 ConfigMap",
    "v1 ServiceAccount", "monitoring.coreos.com/v1 ServiceMonitor"]) {
    if (!kinds.has(k)) problems.push(`no render produced a valid ${k}`);
  }
  assert(problems.length === 0, problems.join("\n"));
  return [...kinds].sort().join(", ");
});

await check("no rendered object has a field the Kubernetes API does not know (TypeScript check)", () => {
  // Each object becomes an object literal typed with its kubernetes-models interface; tsc
  // refuses any property the interface lacks, at any depth (excess property check).
  const dir = join(here, "node_modules", ".canopy-check");
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  let ts = "";
  let n = 0;
  for (const [name, r] of all) {
    for (const o of r.objects) {
      const mod = `${modelModule(o)}/${o.kind}`;
      ts += `// ${name}: ${o.kind} ${o.metadata?.name}\n`;
      ts += `export const o${n}: import(${JSON.stringify(mod)}).I${o.kind} = ${JSON.stringify(o, null, 2)};\n`;
      n++;
    }
  }
  writeFileSync(join(dir, "objects.ts"), ts);
  const r = spawnSync(process.execPath, [join(here, "node_modules", "typescript", "bin", "tsc"), "--noEmit",
    "--strict", "--skipLibCheck", "--target", "es2022", "--module", "nodenext", "--moduleResolution", "nodenext",
    join(dir, "objects.ts")], { encoding: "utf8", cwd: here });
  if (r.status !== 0) {
    const lines = ts.split("\n");
    const located = r.stdout.split("\n").filter(Boolean).slice(0, 20).map((l) => {
      const m = /objects\.ts\((\d+),/.exec(l);
      if (!m) return l;
      let i = Number(m[1]) - 1;
      while (i > 0 && !lines[i].startsWith("// ")) i--;
      return `${lines[i].slice(3)}: ${l.replace(/^.*?error /, "")}`;
    });
    throw new Error(located.join("\n"));
  }
  rmSync(dir, { recursive: true, force: true });
  return `${n} objects`;
});

await check("image: repository, tag defaulting to the chart's appVersion, optional digest", () => {
  const image = (r) => podContainers(deployment(r).spec.template.spec)[0].image;
  eq(image(R1), `canopy:${chartYaml.appVersion}`, "default image");
  eq(image(R3), `registry.example.org/canopy:1.2.3@sha256:${"ab".repeat(32)}`, "image with digest");
});

await check("security context: non-root, read-only root, no capabilities, RuntimeDefault seccomp, no token", () => {
  let pods = 0;
  for (const [name, r] of all) {
    for (const w of [deployment(r), job(r)]) {
      const spec = w.spec.template.spec;
      const where = `${name}: ${w.kind}`;
      eq(spec.automountServiceAccountToken, false, `${where} automountServiceAccountToken`);
      eq(spec.securityContext.runAsNonRoot, true, `${where} runAsNonRoot`);
      assert(spec.securityContext.runAsUser > 0 && spec.securityContext.runAsGroup > 0, `${where}: runs as root`);
      eq(spec.securityContext.seccompProfile, { type: "RuntimeDefault" }, `${where} seccompProfile`);
      assert(!spec.hostNetwork && !spec.hostPID && !spec.hostIPC, `${where}: uses the host's namespaces`);
      for (const c of podContainers(spec)) {
        const sc = c.securityContext ?? {};
        const at = `${where} container ${c.name}`;
        eq(sc.readOnlyRootFilesystem, true, `${at} readOnlyRootFilesystem`);
        eq(sc.allowPrivilegeEscalation, false, `${at} allowPrivilegeEscalation`);
        eq(sc.privileged ?? false, false, `${at} privileged`);
        eq(sc.capabilities?.drop, ["ALL"], `${at} capabilities.drop`);
        assert(!sc.capabilities?.add?.length, `${at}: adds capabilities`);
        assert(sc.runAsNonRoot !== false && !(sc.runAsUser === 0), `${at}: may run as root`);
        assert(sc.seccompProfile?.type !== "Unconfined", `${at}: seccomp unconfined`);
      }
      pods++;
    }
    for (const sa of find(r, "ServiceAccount")) eq(sa.automountServiceAccountToken, false, `${name}: ServiceAccount ${sa.metadata.name} automount`);
  }
  return `${pods} pod templates`;
});

await check("probes: startup and liveness on /healthz, readiness on /readyz, on the internal listener", () => {
  for (const [name, r] of all) {
    const c = deployment(r).spec.template.spec.containers[0];
    const internal = c.ports.find((p) => p.name === "internal");
    assert(internal, `${name}: no container port named internal`);
    for (const [probe, path] of [["startupProbe", "/healthz"], ["livenessProbe", "/healthz"], ["readinessProbe", "/readyz"]]) {
      const p = c[probe];
      assert(p?.httpGet, `${name}: no ${probe}`);
      eq(p.httpGet.path, path, `${name}: ${probe} path`);
      eq(p.httpGet.port, "internal", `${name}: ${probe} port`);
      assert(p.periodSeconds > 0 && p.failureThreshold > 0 && p.timeoutSeconds > 0, `${name}: ${probe} timings`);
    }
    eq(portOf(envOf(c).CANOPY_INTERNAL_LISTEN.value), internal.containerPort, `${name}: CANOPY_INTERNAL_LISTEN port vs the container's internal port`);
    const startup = c.startupProbe.periodSeconds * c.startupProbe.failureThreshold;
    assert(startup >= 60, `${name}: the startup probe gives only ${startup}s`);
  }
});

await check("listeners, container ports, Service and ServiceMonitor agree", () => {
  for (const [name, r] of all) {
    const d = deployment(r);
    const c = d.spec.template.spec.containers[0];
    const ports = Object.fromEntries(c.ports.map((p) => [p.name, p.containerPort]));
    eq(Object.keys(ports).sort(), ["http", "internal", "metrics"], `${name}: container port names`);
    eq(portOf(envOf(c).CANOPY_LISTEN.value), ports.http, `${name}: CANOPY_LISTEN port`);
    eq(portOf(envOf(c).CANOPY_METRICS_LISTEN.value), ports.metrics, `${name}: CANOPY_METRICS_LISTEN port`);
    eq(c.args.slice(0, 3), ["serve", "--config", "/etc/canopy/config/canopy.yaml"], `${name}: args`);
    const mount = c.volumeMounts.find((m) => m.mountPath === "/etc/canopy/config");
    const vol = d.spec.template.spec.volumes.find((v) => v.name === mount?.name);
    eq(vol?.configMap?.name, configMapOf(r).metadata.name, `${name}: the config volume's ConfigMap`);
    const svc = one(r, "Service");
    eq(svc.spec.ports.map((p) => p.targetPort).sort(), ["http", "internal", "metrics"], `${name}: Service targetPorts`);
    assert(matches({ matchLabels: svc.spec.selector }, d.spec.template.metadata.labels), `${name}: the Service does not select the pods`);
    assert(!matches({ matchLabels: svc.spec.selector }, job(r).spec.template.metadata.labels), `${name}: the Service selects the Job's pods`);
    for (const sm of find(r, "ServiceMonitor")) {
      assert(matches(sm.spec.selector, svc.metadata.labels), `${name}: the ServiceMonitor does not select the Service`);
      eq(sm.spec.endpoints.map((e) => [e.port, e.path]), [["metrics", "/metrics"]], `${name}: ServiceMonitor endpoints`);
    }
  }
  eq(find(R1, "ServiceMonitor").length, 0, "ServiceMonitor by default");
  eq(find(R2, "ServiceMonitor").length, 1, "ServiceMonitor in the production example");
});

await check("the chart and the image agree: the same listeners, set where the image's environment cannot override them", () => {
  const image = imageEnv();
  const keys = ["CANOPY_LISTEN", "CANOPY_INTERNAL_LISTEN", "CANOPY_METRICS_LISTEN", "CANOPY_RELOAD_URL"];
  eq(keys.map((k) => image[k]), ["0.0.0.0:8080", "0.0.0.0:8081", "0.0.0.0:9090", "http://127.0.0.1:8081"], "the image's ENV");
  for (const [name, r] of all) {
    const env = envOf(deployment(r).spec.template.spec.containers[0]);
    eq(keys.map((k) => env[k]?.value), keys.map((k) => image[k]), `${name}: the pods' env`);
    // A key of the configuration file whose variable is set is ignored: the chart puts none.
    const shadowed = Object.keys(serveConfig(r)).filter((k) => `CANOPY_${k.toUpperCase().replace(/-/g, "_")}` in image);
    eq(shadowed, [], `${name}: configuration keys the image's environment overrides`);
  }
});

await check("rolling update with maxUnavailable 0; replicas 3, or the HorizontalPodAutoscaler's", () => {
  for (const [name, r] of all) {
    const d = deployment(r);
    eq(d.spec.strategy.type, "RollingUpdate", `${name}: strategy`);
    eq(d.spec.strategy.rollingUpdate.maxUnavailable, 0, `${name}: maxUnavailable`);
    const hpa = find(r, "HorizontalPodAutoscaler");
    if (hpa.length) {
      assert(!("replicas" in d.spec), `${name}: replicas set beside an autoscaler`);
      eq(hpa[0].spec.scaleTargetRef, { apiVersion: "apps/v1", kind: "Deployment", name: d.metadata.name }, `${name}: HPA target`);
      assert(hpa[0].spec.minReplicas >= 2, `${name}: HPA minReplicas ${hpa[0].spec.minReplicas}`);
    } else {
      assert(d.spec.replicas >= 2, `${name}: replicas ${d.spec.replicas}`);
    }
  }
  eq(deployment(R1).spec.replicas, 3, "default replicas");
  eq(find(R1, "HorizontalPodAutoscaler").length, 0, "HPA by default (off)");
  eq(one(R2, "HorizontalPodAutoscaler").spec.minReplicas, 3, "production minReplicas");
});

await check("terminationGracePeriodSeconds above the drain (shutdown-delay + shutdown-grace); too short is refused", () => {
  for (const [name, r] of all) {
    const config = serveConfig(r);
    const drain = config["shutdown-delay"] + config["shutdown-grace"];
    const grace = deployment(r).spec.template.spec.terminationGracePeriodSeconds;
    assert(Number.isInteger(drain) && grace > drain, `${name}: terminationGracePeriodSeconds ${grace} <= drain ${drain}`);
  }
  const { err } = refuse(required, { shutdown: { delaySeconds: 5, graceSeconds: 20 }, terminationGracePeriodSeconds: 25 });
  assert(/terminationGracePeriodSeconds \(25\) must be larger than/.test(err), `message: ${err}`);
});

await check("topology spread across zones and nodes, over the serving pods", () => {
  for (const [name, r] of all) {
    const spec = deployment(r).spec.template.spec;
    const keys = (spec.topologySpreadConstraints ?? []).map((t) => t.topologyKey).sort();
    eq(keys, ["kubernetes.io/hostname", "topology.kubernetes.io/zone"], `${name}: topology keys`);
    for (const t of spec.topologySpreadConstraints) {
      assert(matches(t.labelSelector, deployment(r).spec.template.metadata.labels), `${name}: ${t.topologyKey} selects other pods`);
      assert(t.maxSkew >= 1, `${name}: maxSkew`);
    }
  }
  const zone = deployment(R2).spec.template.spec.topologySpreadConstraints.find((t) => t.topologyKey.includes("zone"));
  eq(zone.whenUnsatisfiable, "DoNotSchedule", "production zone spread");
});

await check("resources: requests and limits of CPU and memory on every container", () => {
  for (const [name, r] of all) {
    for (const w of [deployment(r), job(r)]) {
      for (const c of podContainers(w.spec.template.spec)) {
        for (const k of ["requests", "limits"]) {
          for (const res of ["cpu", "memory"]) {
            assert(c.resources?.[k]?.[res] !== undefined, `${name}: ${w.kind} ${c.name}: no resources.${k}.${res}`);
          }
        }
      }
    }
  }
});

await check("PodDisruptionBudget: policy/v1, one pod at a time, the serving pods only", () => {
  for (const [name, r] of all) {
    const pdbs = find(r, "PodDisruptionBudget");
    if (r === R4) {
      eq(pdbs.length, 0, `${name}: PDB count`);
      continue;
    }
    eq(pdbs.length, 1, `${name}: PDB count`);
    const pdb = pdbs[0];
    eq(pdb.apiVersion, "policy/v1", `${name}: PDB apiVersion`);
    eq(pdb.spec.maxUnavailable, 1, `${name}: PDB maxUnavailable`);
    assert(!("minAvailable" in pdb.spec), `${name}: PDB has minAvailable too`);
    assert(matches(pdb.spec.selector, deployment(r).spec.template.metadata.labels), `${name}: PDB does not select the pods`);
    assert(!matches(pdb.spec.selector, job(r).spec.template.metadata.labels), `${name}: PDB selects the Job's pods`);
  }
});

await check("NetworkPolicy egress: MySQL, Redis and DNS only (the Job: MySQL and DNS)", () => {
  const portsOf = (policy) => policy.spec.egress.flatMap((rule) => {
    assert(rule.ports?.length, `an egress rule without ports allows every port: ${JSON.stringify(rule)}`);
    assert(rule.to?.length, `an egress rule without peers allows every address: ${JSON.stringify(rule)}`);
    return rule.ports.map((p) => `${p.protocol}/${p.port}`);
  }).sort();
  for (const [name, r] of all) {
    if (r === R4) {
      eq(find(r, "NetworkPolicy").length, 0, `${name}: NetworkPolicies`);
      continue;
    }
    const values = r === R2 ? productionValues : r === R3 ? fullValues : requiredValues;
    const mysqlPort = values.mysql.port ?? defaults.mysql.port;
    const redisPort = values.redis.port ?? defaults.redis.port;
    const np = serverPolicy(r);
    assert(np.spec.policyTypes.includes("Egress") && np.spec.policyTypes.includes("Ingress"), `${name}: policyTypes`);
    assert(matches(np.spec.podSelector, deployment(r).spec.template.metadata.labels), `${name}: the policy does not select the pods`);
    eq(portsOf(np), [`TCP/${mysqlPort}`, `TCP/${redisPort}`, "TCP/53", "UDP/53"].sort(), `${name}: egress ports`);
    const jp = one(r, "NetworkPolicy", (o) => hookOf(o));
    assert(matches(jp.spec.podSelector, job(r).spec.template.metadata.labels), `${name}: the Job's policy does not select the Job's pods`);
    assert(jp.spec.policyTypes.includes("Egress") && jp.spec.policyTypes.includes("Ingress"), `${name}: Job policyTypes`);
    eq(jp.spec.ingress, [], `${name}: Job ingress`);
    eq(portsOf(jp), [`TCP/${mysqlPort}`, "TCP/53", "UDP/53"].sort(), `${name}: Job egress ports`);
  }
  // The peers given in values, and only those.
  const np = serverPolicy(R2);
  const rule = (port) => np.spec.egress.find((e) => e.ports.some((p) => p.port === port));
  eq(rule(3306).to, productionValues.networkPolicy.egress.mysql, "production MySQL peers");
  eq(rule(6379).to, productionValues.networkPolicy.egress.redis, "production Redis peers");
  eq(rule(53).to, productionValues.networkPolicy.egress.dns, "production DNS peers");
});

await check("NetworkPolicy egress by default: the namespaces of the Services mysql.host and redis.host name", () => {
  const nsPeer = (ns) => [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": ns } } }];
  const peers = (r, port) => [serverPolicy(r), one(r, "NetworkPolicy", (o) => hookOf(o))]
    .map((np) => np.spec.egress.find((e) => e.ports.some((p) => p.port === port))?.to);
  // required-values.yaml: mariadb.db.svc.cluster.local and redis.cache.svc.cluster.local.
  eq(peers(R1, 3306), [nsPeer("db"), nsPeer("db")], "MySQL peers (pods, Job)");
  eq(peers(R1, 6379)[0], nsPeer("cache"), "Redis peers");
  // A bare Service name is in the release's namespace; a pod of a headless Service and a
  // cluster domain other than cluster.local keep the label before `.svc`.
  const r = render(required, { mysql: { host: "mariadb" }, redis: { host: "redis-0.redis-headless.Cache.svc.k8s.example" } });
  eq(peers(r, 3306)[0], nsPeer(NAMESPACE), "MySQL peers for a bare name");
  eq(peers(r, 6379)[0], nsPeer("cache"), "Redis peers for a pod's name");
  // Given peers replace the default, for a server outside the cluster too.
  const managed = [{ ipBlock: { cidr: "10.20.0.0/24" } }];
  const m = render(required, { mysql: { host: "db.example.org" }, networkPolicy: { egress: { mysql: managed } } });
  eq(peers(m, 3306), [managed, managed], "MySQL peers from values");
  // No default for an address or a name outside the cluster: refused, not opened to all.
  for (const [values, what] of [
    [{ mysql: { host: "db.example.org" } }, "networkPolicy.egress.mysql is empty and mysql.host (db.example.org)"],
    [{ mysql: { host: "10.1.2.3" } }, "networkPolicy.egress.mysql is empty and mysql.host (10.1.2.3)"],
    [{ redis: { host: "redis.cache" } }, "networkPolicy.egress.redis is empty and redis.host (redis.cache)"],
    [{ networkPolicy: { egress: { dns: [] } } }, "networkPolicy.egress.dns is empty"],
  ]) {
    const { err } = refuse(required, values);
    assert(err.includes(what), `${JSON.stringify(values)}: ${err}`);
  }
  // With the NetworkPolicy off there is nothing to refuse.
  render(required, { mysql: { host: "db.example.org" }, networkPolicy: { enabled: false } });
});

await check("NetworkPolicy ingress: per port, only the peers from values; none by default", () => {
  eq(serverPolicy(R1).spec.ingress, [], "default ingress (nobody)");
  const np = serverPolicy(R2);
  for (const port of ["http", "internal", "metrics"]) {
    const rules = np.spec.ingress.filter((r) => r.ports.some((p) => p.port === port));
    eq(rules.length, 1, `rules admitting to ${port}`);
    eq(rules[0].ports, [{ protocol: "TCP", port }], `the ${port} rule's ports`);
    eq(rules[0].from, productionValues.networkPolicy.ingress[port], `peers admitted to ${port}`);
  }
  for (const r of np.spec.ingress) assert(r.from?.length, `an ingress rule without peers admits everyone: ${JSON.stringify(r)}`);
  const gateway = np.spec.ingress.find((r) => r.ports[0].port === "internal").from;
  assert(!np.spec.ingress.some((r) => r.ports[0].port !== "internal" && JSON.stringify(r.from) === JSON.stringify(gateway)),
    "the gateway's peers reach other ports too");
});

await check("Secrets by reference only: no Secret rendered, secrets reach the pods as files from existingSecret", () => {
  const secretish = /PASSWORD|TOKEN|SECRET|MAC_KEY/;
  for (const [name, r] of all) {
    eq(find(r, "Secret").length, 0, `${name}: Secret objects`);
    assert(!/^kind:\s*Secret\s*$/m.test(r.text) && !/stringData:/.test(r.text), `${name}: a Secret in the output`);
    for (const w of [deployment(r), job(r)]) {
      const spec = w.spec.template.spec;
      const secretsVolume = spec.volumes.find((v) => v.name === "secrets");
      const files = new Set(secretsVolume.projected.sources.flatMap((s) => {
        assert(s.secret && !s.configMap, `${name}: ${w.kind}: a non-Secret source in the secrets volume`);
        return s.secret.items.map((i) => `/var/run/secrets/canopy/${i.path}`);
      }));
      for (const c of podContainers(spec)) {
        const mount = c.volumeMounts.find((m) => m.name === "secrets");
        eq(mount?.mountPath, "/var/run/secrets/canopy", `${name}: ${w.kind} ${c.name}: secrets mount`);
        eq(mount.readOnly, true, `${name}: ${w.kind} ${c.name}: secrets mount readOnly`);
        for (const e of c.env ?? []) {
          if (!secretish.test(e.name)) continue;
          assert(e.name.endsWith("_FILE") || e.valueFrom?.secretKeyRef, `${name}: ${c.name}: env ${e.name} carries a value`);
          if (e.name.endsWith("_FILE")) assert(files.has(e.value), `${name}: ${c.name}: ${e.name}=${e.value} is not a mounted Secret item`);
        }
      }
      if (w.kind === "Job") {
        eq(secretsVolume.projected.sources.map((s) => s.secret.name), [r === R2 ? productionValues.mysql.existingSecret : requiredValues.mysql.existingSecret],
          `${name}: the Job's Secrets (the MySQL password only)`);
      }
    }
    for (const [k, v] of Object.entries(serveConfig(r))) {
      if (!/password|token|secret|mac-key|cookie-key/.test(k)) continue;
      assert(k.endsWith("-file"), `${name}: config key ${k} carries a value`);
      const vol = deployment(r).spec.template.spec.volumes.find((x) => x.name === "secrets");
      const paths = vol.projected.sources.flatMap((s) => s.secret.items.map((i) => `/var/run/secrets/canopy/${i.path}`));
      assert(paths.includes(v), `${name}: config ${k}: ${v} is not a mounted Secret item`);
    }
  }
  // Every Secret named in values, each key in it, and nothing else.
  const refs = deployment(R3).spec.template.spec.volumes.find((v) => v.name === "secrets").projected.sources
    .flatMap((s) => s.secret.items.map((i) => `${s.secret.name}/${i.key}->${i.path}`)).sort();
  eq(refs, [
    "canopy-device-cookie/device-cookie-key->device-cookie-key",
    "canopy-device-cookie/device-cookie-key-previous->device-cookie-key-previous",
    "canopy-mysql/password->mysql-password",
    "canopy-redis-mac/mac-key->redis-mac-key",
    "canopy-redis-mac/mac-key-previous->redis-mac-key-previous",
    "canopy-redis/password->redis-password",
    "canopy-service-token/token->service-token",
    "canopy-service-token/token-previous->service-token-previous",
  ], "Secret items of the pods (every option on)");
  const config = serveConfig(R3);
  for (const k of ["redis-password-file", "redis-mac-key-file", "redis-mac-key-previous-file", "service-token-file", "service-token-previous-file", "device-cookie-key-file", "device-cookie-key-previous-file"]) {
    assert(config[k], `config has no ${k}`);
  }
});

await check("device cookies: keyed from the service token unless a Secret of their own is named", () => {
  eq(serveConfig(R1)["device-cookie-key-file"], undefined, "no key of their own by default");
  const items = deployment(R1).spec.template.spec.volumes.find((v) => v.name === "secrets").projected.sources
    .flatMap((s) => s.secret.items.map((i) => i.path));
  assert(!items.includes("device-cookie-key"), "a device-cookie key is mounted without one named");
  eq(serveConfig(R3)["device-cookie-key-file"], "/var/run/secrets/canopy/device-cookie-key", "their own key");
});

await check("trusted proxies: the private ranges by default, none when emptied, only addresses and blocks", () => {
  eq(serveConfig(R1)["trusted-proxies"], "10.0.0.0/8,172.16.0.0/12,192.168.0.0/16,fd00::/8", "default");
  eq(serveConfig(R1)["forwarded-header"], "x-forwarded-for", "default header");
  eq(serveConfig(R1)["public-url"], undefined, "no public URL by default");
  eq(serveConfig(render(required, { publicUrl: "https://canopy.example.org" }))["public-url"], "https://canopy.example.org", "public URL");
  assert(/values don't meet the specifications of the schema/.test(refuse(required, { publicUrl: "canopy.example.org" }).err), "a URL without scheme was not refused");
  eq(serveConfig(render(required, { forwardedHeader: "forwarded" }))["forwarded-header"], "forwarded", "RFC 7239");
  eq(serveConfig(render(required, { trustedProxies: ["10.42.0.0/16"] }))["trusted-proxies"], "10.42.0.0/16", "narrowed");
  eq(serveConfig(render(required, { trustedProxies: [] }))["trusted-proxies"], undefined, "emptied");
  const { err } = refuse(required, { trustedProxies: ["ingress-nginx"] });
  assert(/values don't meet the specifications of the schema/.test(err), `a name was not refused:\n${err}`);
});

await check("secret values are refused by the schema and never rendered", () => {
  const marker = `canopy-secret-${createHash("sha256").update(String(Math.random())).digest("hex").slice(0, 12)}`;
  const attempts = [
    { mysql: { password: marker } },
    { redis: { password: marker } },
    { redis: { macKey: { value: marker } } },
    { serviceToken: { token: marker } },
    { serviceToken: { value: marker } },
    { deviceCookieKey: { value: marker } },
    { config: { "mysql-password": marker } },
    { config: { "service-token": marker } },
    { config: { "redis-mac-key": marker } },
    { env: [{ name: "CANOPY_MYSQL_PASSWORD", value: marker }] },
    { extraEnv: [{ name: "CANOPY_SERVICE_TOKEN", value: marker }] },
  ];
  for (const attempt of attempts) {
    const { err, out } = refuse(required, attempt);
    assert(/values don't meet the specifications of the schema/.test(err), `${JSON.stringify(attempt)}: not a schema refusal:\n${err}`);
    assert(!out.includes(marker), `${JSON.stringify(attempt)}: the value was rendered`);
  }
  for (const [name, r] of all) assert(!r.text.includes(marker), `${name}: contains the marker`);
  return `${attempts.length} attempts`;
});

await check("migration hook: pre-install,pre-upgrade Job with the same image, store and Secrets; pods wait", () => {
  for (const [name, r] of all) {
    const j = job(r);
    const d = deployment(r);
    const ann = j.metadata.annotations;
    eq(ann["helm.sh/hook"], "pre-install,pre-upgrade", `${name}: Job hook`);
    eq(ann["helm.sh/hook-delete-policy"].split(",").sort(), ["before-hook-creation", "hook-succeeded"], `${name}: Job delete policy`);
    const weight = Number(ann["helm.sh/hook-weight"] ?? 0);
    eq(j.spec.template.spec.restartPolicy, "Never", `${name}: Job restartPolicy`);
    assert(j.spec.backoffLimit >= 0 && j.spec.activeDeadlineSeconds > 0, `${name}: Job limits`);
    const serveContainer = d.spec.template.spec.containers[0];
    const steps = podContainers(j.spec.template.spec);
    eq(steps[0].args, ["migrate"], `${name}: the Job's first step`);
    for (const c of steps) {
      eq(c.image, serveContainer.image, `${name}: Job ${c.name} image`);
      eq(c.imagePullPolicy, serveContainer.imagePullPolicy, `${name}: Job ${c.name} pull policy`);
      for (const [k, e] of Object.entries(envOf(serveContainer))) {
        if (k.startsWith("CANOPY_MYSQL_") || k === "CANOPY_STORE") eq(envOf(c)[k], e, `${name}: Job ${c.name} env ${k}`);
      }
    }
    eq(serveConfig(r).migrations, "wait", `${name}: serve's --migrations`);
    // What the Job mounts must exist before it runs: a hook of lower weight in this release,
    // or something the operator made (not rendered at all). A regular resource of the
    // release is made only after pre-install hooks, and is the old one during pre-upgrade.
    const hooks = new Map(r.objects.filter(hookOf).map((o) => [`${o.kind}/${o.metadata.name}`, o]));
    const needs = [
      ...j.spec.template.spec.volumes.filter((v) => v.configMap).map((v) => `ConfigMap/${v.configMap.name}`),
      `ServiceAccount/${j.spec.template.spec.serviceAccountName}`,
    ];
    for (const need of needs) {
      const rendered = r.objects.find((o) => `${o.kind}/${o.metadata.name}` === need);
      if (!rendered) continue;
      const hook = hooks.get(need);
      assert(hook, `${name}: the Job needs ${need}, a regular resource of the release`);
      eq(hookOf(hook), "pre-install,pre-upgrade", `${name}: ${need} hook`);
      assert(Number(hook.metadata.annotations["helm.sh/hook-weight"]) < weight, `${name}: ${need} is not made before the Job`);
      eq(hook.metadata.annotations["helm.sh/hook-delete-policy"], "before-hook-creation,hook-succeeded", `${name}: ${need} delete policy`);
    }
    for (const o of hooks.values()) {
      assert(["Job", "ConfigMap", "ServiceAccount", "NetworkPolicy"].includes(o.kind), `${name}: unexpected hook ${o.kind}`);
    }
  }
  eq(podContainers(job(R1).spec.template.spec).map((c) => c.args), [["migrate"]], "default Job steps");
  eq(podContainers(job(R3).spec.template.spec).map((c) => c.args),
    [["migrate"], ["tenants", "import", "/etc/canopy/tenants", "--prune"]], "Job steps with the tenants import");
  eq(podContainers(job(R5).spec.template.spec)[1].args, ["tenants", "import", "/usr/share/canopy/tenants"], "demo tenants import");
  eq(job(R4).spec.template.spec.volumes.find((v) => v.name === "tenants").configMap.name, "my-tenants", "tenants from an existing ConfigMap");
});

await check("tenants from an existing Secret: a secret volume of the Job alone, in no ConfigMap; refused without its name", () => {
  // The production example keeps the tenants, users' emails and all, in a Secret.
  eq(productionValues.tenants.source, "existingSecret", "the production example's tenants.source");
  const j = job(R2).spec.template.spec;
  eq(j.volumes.find((v) => v.name === "tenants"), { name: "tenants", secret: { secretName: "canopy-tenants", defaultMode: 0o440 } },
    "the Job's tenants volume");
  const importer = j.containers.find((c) => c.name === "tenants-import");
  eq(importer.volumeMounts.find((m) => m.name === "tenants"), { name: "tenants", mountPath: "/etc/canopy/tenants", readOnly: true },
    "the import's tenants mount");
  eq(importer.args.slice(0, 3), ["tenants", "import", "/etc/canopy/tenants"], "the import's args");
  for (const [name, r] of all) {
    const tenantVolumes = [deployment(r), job(r)].flatMap((w) => w.spec.template.spec.volumes.filter((v) => v.name === "tenants"));
    if (r !== R3) assert(!find(r, "ConfigMap").some((o) => /tenants/.test(o.metadata.name)), `${name}: a ConfigMap of tenants`);
    if (r === R2) eq(tenantVolumes.map((v) => Object.keys(v).sort()), [["name", "secret"]], `${name}: tenants volumes`);
  }
  eq(deployment(R2).spec.template.spec.volumes.filter((v) => v.name === "tenants"), [], "the serving pods' tenants volume");
  const { err } = refuse(required, { tenants: { import: true, source: "existingSecret" } });
  assert(/tenants\.source is existingSecret: set tenants\.existingSecret/.test(err), `without the Secret's name: ${err}`);
});

await check("checksum/config changes with the configuration file and policies, and only with them", () => {
  const sum = (r) => deployment(r).spec.template.metadata.annotations["checksum/config"];
  const base = sum(R1);
  assert(/^[0-9a-f]{64}$/.test(base), `checksum: ${base}`);
  const differs = (what, ...values) => assert(sum(render(...values)) !== base, `unchanged by ${what}`);
  const same = (what, ...values) => eq(sum(render(...values)), base, `checksum after ${what}`);
  differs("config.threads", required, { config: { threads: 4 } });
  differs("log.level", required, { log: { level: "debug" } });
  differs("redis.host", required, { redis: { host: "redis-2.cache.svc" } });
  same("replicaCount", required, { replicaCount: 5 });
  same("resources", required, { resources: { limits: { memory: "1Gi" } } });
  same("podAnnotations", required, { podAnnotations: { a: "b" } });
  const full = sum(R3);
  const app = Object.keys(fullValues.policies.apps)[0];
  assert(sum(render(fullValues, { policies: { apps: { [app]: `${fullValues.policies.apps[app]}# changed\n` } } })) !== full,
    `unchanged by a change to policies.apps.${app}`);
  assert(sum(render(fullValues, { policies: { files: { permissions: `${fullValues.policies.files.permissions}# changed\n` } } })) !== full,
    "unchanged by a change to policies.files.permissions");
  const tenant = Object.keys(fullValues.tenants.files)[0];
  eq(sum(render(fullValues, { tenants: { files: { [tenant]: `${fullValues.tenants.files[tenant]}# changed\n` } } })), full,
    "checksum after a tenants change (the pods do not read tenants)");
});

await check("a misspelt key is refused by the schema, naming it", () => {
  const typos = [
    [{ replicaCont: 3 }, "replicaCont"],
    [{ mysql: { hots: "db" } }, "hots"],
    [{ networkPolicy: { ingress: { intenal: [] } } }, "intenal"],
    [{ networkPolicy: { ingress: { http: [{ namespaceSelecter: { matchLabels: { a: "b" } } }] } } }, "namespaceSelecter"],
    [{ config: { thread: 4 } }, "thread"],
    [{ podDisruptionBudget: { maxUnavaliable: 1 } }, "maxUnavaliable"],
    [{ policies: { files: { permisions: "x" } } }, "permisions"],
  ];
  for (const [values, key] of typos) {
    const { err } = refuse(required, values);
    assert(/values don't meet the specifications of the schema/.test(err) && err.includes(key),
      `${JSON.stringify(values)}:\n${err}`);
  }
  // A value of the wrong type or out of range, too.
  for (const values of [{ replicaCount: "three" }, { config: { threads: 0 } }, { log: { level: "verbose" } }, { store: "sqlite" }]) {
    const { err } = refuse(required, values);
    assert(/values don't meet the specifications of the schema/.test(err), `${JSON.stringify(values)}:\n${err}`);
  }
  return `${typos.length} misspellings, 4 wrong values`;
});

await check("the hosts and Secret names are required, each with its message", () => {
  const without = (path) => {
    const v = structuredClone(requiredValues);
    const keys = path.split(".");
    let o = v;
    for (const k of keys.slice(0, -1)) o = o[k];
    delete o[keys.at(-1)];
    return v;
  };
  const plain = refuse();
  assert(/mysql\.host is required/.test(plain.err), `no values: ${plain.err}`);
  for (const path of ["mysql.host", "mysql.existingSecret", "redis.host", "redis.macKey.existingSecret", "serviceToken.existingSecret"]) {
    const { err } = refuse(without(path));
    assert(err.includes(`${path} is required`), `without ${path}: ${err}`);
  }
  const { err } = refuse(required, { redis: { user: "canopy" } });
  assert(/redis\.user needs a password/.test(err), `redis.user without a password: ${err}`);
});

// ---- the rendered commands against the binary ----

// A Secret's stand-in value: distinctive, and long enough for a MAC key.
const fakeSecret = (name, key) => `${name}/${key}/`.padEnd(48, "x");
// Lays out the files a container sees, under base: ConfigMap volumes as the kubelet writes
// them (files are symlinks into ..data), Secrets with stand-in values, subPath mounts as the
// file itself, the image's /usr/share/canopy from the repository. existing: ConfigMaps and
// Secrets the operator makes, name -> { key: text }. Returns a function from container path
// to host path.
function layOut(r, spec, container, base, existing = {}) {
  const fsroot = join(base, "root");
  const volumes = new Map(spec.volumes.map((v) => [v.name, v]));
  const staged = new Map();
  const stage = (vol) => {
    if (staged.has(vol.name)) return staged.get(vol.name);
    const dir = join(base, "volumes", vol.name);
    const files = {};
    if (vol.configMap || vol.secret) {
      // A ConfigMap the chart renders, or one (or a Secret) the operator makes.
      const [kind, name, items] = vol.configMap
        ? ["ConfigMap", vol.configMap.name, vol.configMap.items]
        : ["Secret", vol.secret.secretName, vol.secret.items];
      const made = r.objects.find((o) => o.kind === kind && o.metadata.name === name);
      const data = made ? made.data : existing[name];
      assert(data, `${kind} ${name} is neither rendered nor given`);
      for (const item of items ?? Object.keys(data).map((key) => ({ key, path: key }))) {
        assert(item.key in data, `${kind} ${name} has no key ${item.key}`);
        files[item.path] = data[item.key];
      }
    } else if (vol.projected) {
      for (const s of vol.projected.sources) {
        assert(s.secret, `projected volume ${vol.name}: only Secrets expected`);
        for (const item of s.secret.items) files[item.path] = `${fakeSecret(s.secret.name, item.key)}\n`;
      }
    } else {
      assert(vol.emptyDir, `volume ${vol.name}: unexpected kind`);
    }
    const data = join(dir, "..2026_01_01_00_00_00.000000000");
    mkdirSync(data, { recursive: true });
    symlinkSync("..2026_01_01_00_00_00.000000000", join(dir, "..data"));
    const tops = new Set();
    for (const [path, text] of Object.entries(files)) {
      mkdirSync(dirname(join(data, path)), { recursive: true });
      writeFileSync(join(data, path), text);
      tops.add(path.split("/")[0]);
    }
    for (const top of tops) symlinkSync(join("..data", top), join(dir, top));
    staged.set(vol.name, dir);
    return dir;
  };
  for (const m of container.volumeMounts ?? []) {
    const vol = volumes.get(m.name);
    assert(vol, `mount ${m.mountPath}: no volume ${m.name}`);
    const dir = stage(vol);
    const target = join(fsroot, m.mountPath);
    mkdirSync(dirname(target), { recursive: true });
    if (m.subPath) {
      writeFileSync(target, readFileSync(join(dir, m.subPath)));
    } else {
      symlinkSync(dir, target);
    }
  }
  mkdirSync(join(fsroot, "usr/share/canopy"), { recursive: true });
  symlinkSync(repoPolicies, join(fsroot, "usr/share/canopy/policies"));
  symlinkSync(repoTenants, join(fsroot, "usr/share/canopy/tenants"));
  return (p) => {
    assert(typeof p === "string" && p.startsWith("/"), `not an absolute path: ${p}`);
    const host = join(fsroot, p);
    assert(statSync(host, { throwIfNoEntry: false }), `the container has nothing at ${p}`);
    return host;
  };
}
async function closedPort() {
  const server = createServer();
  await new Promise((ok) => server.listen(0, "127.0.0.1", ok));
  const { port } = server.address();
  await new Promise((ok) => server.close(ok));
  return port;
}
// The container's environment over the image's, with paths moved under the layout, the
// listeners to free loopback ports and the servers to a closed one: nothing leaves this machine.
function envFor(container, path, closed) {
  const given = { ...imageEnv() };
  for (const e of container.env ?? []) {
    assert("value" in e, `env ${e.name}: only plain values expected`);
    given[e.name] = e.value;
  }
  const env = { PATH: "/usr/bin:/bin", HOME: work };
  for (const [k, v] of Object.entries(given)) env[k] = v.startsWith("/") ? path(v) : v;
  for (const k of ["CANOPY_LISTEN", "CANOPY_INTERNAL_LISTEN", "CANOPY_METRICS_LISTEN"]) {
    if (env[k]) env[k] = "127.0.0.1:0";
  }
  env.CANOPY_MYSQL_HOST = "127.0.0.1";
  env.CANOPY_MYSQL_PORT = String(closed);
  return env;
}
// Runs a command of a container and returns its exit code, stdout and stderr.
function run(container, env, cwd) {
  return new Promise((resolve) => {
    const child = spawn(canopyBin, container.args, { env, cwd, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    let err = "";
    child.stdout.on("data", (d) => { out += d; });
    child.stderr.on("data", (d) => { err += d; });
    const timer = setTimeout(() => child.kill("SIGKILL"), 60_000);
    child.on("error", (e) => { clearTimeout(timer); resolve({ code: null, signal: null, out, err: `${err}${e.message}` }); });
    child.on("close", (code, signal) => { clearTimeout(timer); resolve({ code, signal, out, err }); });
  });
}

// Starts `serve` as the Deployment's container would, asks its listeners what the probes and
// the Service ask, stops it as the kubelet would, and returns what it saw.
async function serveAsPod(name, r, existing) {
  const d = deployment(r);
  const spec = d.spec.template.spec;
  const c = spec.containers[0];
  const base = join(work, `pod-${name}`);
  const path = layOut(r, spec, c, base, existing);
  const closed = await closedPort();
  const env = envFor(c, path, closed);
  // The configuration file: its paths moved under the layout, its listeners to loopback.
  const configPath = path(c.args[2]);
  const config = parseYaml(readText(configPath));
  for (const [k, v] of Object.entries(config)) if (typeof v === "string" && v.startsWith("/")) config[k] = path(v);
  assert(config.redis, `${name}: the configuration file has no redis`);
  config.redis = `127.0.0.1:${closed}`;
  writeFileSync(configPath, JSON.stringify(config)); // JSON is YAML
  const args = c.args.map((a) => (a.startsWith("/") ? path(a) : a));
  const cwd = join(base, "var-lib-canopy");
  mkdirSync(cwd);
  const child = spawn(canopyBin, args, { env, cwd, stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  let err = "";
  child.stderr.on("data", (x) => { err += x; });
  let spawnError = "";
  child.on("error", (e) => { spawnError = e.message; });
  const exited = new Promise((ok) => child.on("close", (code, signal) => ok({ code, signal })));
  const banner = await new Promise((ok, fail) => {
    const timer = setTimeout(() => fail(new Error(`${name}: no banner in 20 s; stderr:\n${err}`)), 20_000);
    child.stdout.on("data", (x) => {
      out += x;
      if (out.includes("\n")) { clearTimeout(timer); ok(out.split("\n")[0]); }
    });
    child.on("close", (code) => { clearTimeout(timer); fail(new Error(`${name}: serve exited ${code}:\n${err}${spawnError}`)); });
  });
  try {
    const endpoints = [...banner.matchAll(/http:\/\/([0-9.]+:\d+)/g)].map((m) => m[1]);
    const [publicAt, internalAt, metricsAt] = endpoints;
    assert(endpoints.length === 3 && /internal routes on/.test(banner) && /metrics on/.test(banner),
      `${name}: expected public, internal and metrics listeners: ${banner}`);
    const get = async (at, p) => (await fetch(`http://${at}${p}`)).status;
    const seen = {
      healthz: await get(internalAt, c.livenessProbe.httpGet.path),
      startup: await get(internalAt, c.startupProbe.httpGet.path),
      readyz: await get(internalAt, c.readinessProbe.httpGet.path),
      metrics: await get(metricsAt, "/metrics"),
      publicMetrics: await get(publicAt, "/metrics"),
      publicDecisions: await get(publicAt, "/internal/v1/decisions"),
      publicHealth: await get(publicAt, "/healthz"),
    };
    const started = Date.now();
    child.kill("SIGTERM");
    const end = await exited;
    return { seen, end, seconds: (Date.now() - started) / 1000, err };
  } finally {
    child.kill("SIGKILL");
  }
}

await check("policies and tenants from values: the pods and the Job see the repository's files, byte for byte", () => {
  // The directory --policies names, as the mounts build it (the top-level files by subPath,
  // apps/ from its own ConfigMap), and the tenants directory of the Job.
  const tree = (dir, prefix = "") => readdirSync(dir, { withFileTypes: true })
    .filter((e) => !e.name.startsWith("..") && e.name !== "README.md")
    .flatMap((e) => (statSync(join(dir, e.name)).isDirectory()
      ? tree(join(dir, e.name), `${prefix}${e.name}/`)
      : [[`${prefix}${e.name}`, readText(join(dir, e.name))]]))
    .sort(([a], [b]) => (a < b ? -1 : 1));
  const want = tree(repoPolicies);
  const d = deployment(R3);
  const c = d.spec.template.spec.containers[0];
  const pod = layOut(R3, d.spec.template.spec, c, join(work, "layout-pod"));
  eq(tree(pod(envOf(c).CANOPY_POLICIES.value)), want, "the pods' policies directory");
  const j = job(R3);
  const importer = j.spec.template.spec.containers[0];
  const jobFs = layOut(R3, j.spec.template.spec, importer, join(work, "layout-job"));
  eq(tree(jobFs(envOf(importer).CANOPY_POLICIES.value)), want, "the Job's policies directory");
  eq(tree(jobFs(importer.args[2])), tree(repoTenants), "the Job's tenants directory");
  return `${want.length} policy files`;
});

if (!canopyBin) {
  console.log("ok - # SKIP the rendered commands against the binary (no CANOPY_BINARY given)");
} else {
  await check("the pods' `canopy serve` accepts the rendered configuration; probes, listeners and drain as the chart says", async () => {
    const notes = [];
    const results = await Promise.all([["production", R2], ["every-option", R3]].map(([n, r]) => serveAsPod(n, r)));
    for (const [i, n] of ["production", "every-option"].entries()) {
      const r = [R2, R3][i];
      const { seen, end, seconds, err } = results[i];
      const config = serveConfig(r);
      eq(seen, { healthz: 200, startup: 200, readyz: 503, metrics: 200, publicMetrics: 404, publicDecisions: 404, publicHealth: 200 },
        `${n}: statuses (readyz 503: no database, and --migrations wait)`);
      assert(err.includes("--migrations wait"), `${n}: serve did not say it waits for the migration Job:\n${err}`);
      assert(err.includes(`serving ${config["shutdown-delay"]}s more, then finishing in-flight requests (at most ${config["shutdown-grace"]}s)`),
        `${n}: the drain it announced:\n${err}`);
      eq(end, { code: 0, signal: null }, `${n}: exit after SIGTERM`);
      const grace = deployment(r).spec.template.spec.terminationGracePeriodSeconds;
      assert(seconds < grace, `${n}: took ${seconds}s to stop, terminationGracePeriodSeconds is ${grace}`);
      notes.push(`${n}: stopped in ${seconds.toFixed(1)}s`);
    }
    return notes.join("; ");
  });

  await check("the Job's `canopy migrate` and `tenants import` accept the rendered environment and files", async () => {
    const filesOf = (dir) => Object.fromEntries(yamlFiles(dir).map((f) => [f, readText(join(dir, f))]));
    const existing = {
      "canopy-tenants": filesOf(repoTenants), // the production example's Secret
      "my-tenants": filesOf(repoTenants),
      "my-policies": filesOf(repoPolicies),
      "my-policy-apps": filesOf(join(repoPolicies, "apps")),
    };
    let steps = 0;
    for (const [n, r] of [["production", R2], ["every-option", R3], ["defaults", R1], ["existing-configmaps", R4]]) {
      const j = job(r);
      const spec = j.spec.template.spec;
      for (const c of podContainers(spec)) {
        const base = join(work, `job-${n}-${c.name}`);
        const path = layOut(r, spec, c, base, existing);
        const closed = await closedPort();
        const env = envFor(c, path, closed);
        const cwd = join(base, "cwd");
        mkdirSync(cwd);
        const args = c.args.map((a) => (a.startsWith("/") ? path(a) : a));
        const res = await run({ ...c, args }, env, cwd);
        // Every file read and every option taken: it got as far as connecting to MySQL.
        assert(res.code === 3 && res.err.includes(`mysql: cannot connect to 127.0.0.1:${closed}`),
          `${n}: ${c.name} (${c.args.join(" ")}): exit ${res.code}:\n${res.err}${res.out}`);
        steps++;
      }
    }
    return `${steps} steps`;
  });
}

console.log(`${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
