/**
 * Kubernetes objects of an install, as plain objects (validated against the Kubernetes OpenAPI
 * schemas by the tests). One function per object kind; render.ts picks them by role.
 */
import { readFileSync } from "node:fs";
import { parse, stringify } from "yaml";
import type { InstallValues } from "./values.ts";
import { packagePath } from "../model/paths.ts";

export type K8sObject = { apiVersion: string; kind: string; metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> } } & Record<string, unknown>;

export const CONFIG_PATH = "/etc/kce/config.yaml";
const RULES_FILE = packagePath("deploy", "prometheus", "kube-cost-rules.yml");

export function labels(v: InstallValues, component: string): Record<string, string> {
  return { "app.kubernetes.io/name": v.name, "app.kubernetes.io/instance": v.name, "app.kubernetes.io/component": component, "app.kubernetes.io/part-of": "kube-cost-exporter" };
}

const selector = (v: InstallValues, component: string) => ({ "app.kubernetes.io/name": v.name, "app.kubernetes.io/component": component });

function meta(v: InstallValues, name: string, component: string, namespaced = true): K8sObject["metadata"] {
  return { name, ...(namespaced ? { namespace: v.namespace } : {}), labels: labels(v, component) };
}

export function namespace(v: InstallValues): K8sObject {
  return { apiVersion: "v1", kind: "Namespace", metadata: { name: v.namespace, labels: { "app.kubernetes.io/part-of": "kube-cost-exporter" } } };
}

/** Cloud identity of the central stages (the pricer calls the pricing APIs): IRSA, GKE or Azure Workload Identity. */
function identityAnnotations(v: InstallValues): Record<string, string> {
  if (v.cloudProvider === "aws" && v.aws.irsaRoleArn !== undefined) return { "eks.amazonaws.com/role-arn": v.aws.irsaRoleArn };
  if (v.cloudProvider === "gcp" && v.gcp.serviceAccount !== undefined) return { "iam.gke.io/gcp-service-account": v.gcp.serviceAccount };
  if (v.cloudProvider === "azure" && v.azure.clientId !== undefined) return { "azure.workload.identity/client-id": v.azure.clientId };
  return {};
}

export function serviceAccounts(v: InstallValues, withAgent: boolean, withCentral: boolean): K8sObject[] {
  const out: K8sObject[] = [];
  if (withAgent) out.push({ apiVersion: "v1", kind: "ServiceAccount", metadata: meta(v, `${v.name}-agent`, "agent") });
  if (withCentral) {
    const annotations = identityAnnotations(v);
    const m = meta(v, v.name, "central");
    out.push({ apiVersion: "v1", kind: "ServiceAccount", metadata: Object.keys(annotations).length > 0 ? { ...m, annotations } : m, automountServiceAccountToken: false });
  }
  return out;
}

/** Read-only, exactly what the agent reads: the seed's rules plus nodes/proxy for the kubelet Summary API. */
export function rbac(v: InstallValues): K8sObject[] {
  return [
    {
      apiVersion: "rbac.authorization.k8s.io/v1",
      kind: "ClusterRole",
      metadata: meta(v, v.name, "agent", false),
      rules: [
        { apiGroups: [""], resources: ["nodes", "pods", "persistentvolumes"], verbs: ["get", "list", "watch"] },
        { apiGroups: ["metrics.k8s.io"], resources: ["nodes", "pods"], verbs: ["get", "list"] },
        { apiGroups: [""], resources: ["nodes/proxy"], verbs: ["get"] },
      ],
    },
    {
      apiVersion: "rbac.authorization.k8s.io/v1",
      kind: "ClusterRoleBinding",
      metadata: meta(v, v.name, "agent", false),
      roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: v.name },
      subjects: [{ kind: "ServiceAccount", name: `${v.name}-agent`, namespace: v.namespace }],
    },
  ];
}

export function configMap(v: InstallValues, config: Record<string, unknown>): K8sObject {
  return { apiVersion: "v1", kind: "ConfigMap", metadata: meta(v, `${v.name}-config`, "config"), data: { "config.yaml": stringify(config) } };
}

const SECURITY = {
  runAsNonRoot: true,
  runAsUser: 65532,
  runAsGroup: 65532,
  allowPrivilegeEscalation: false,
  readOnlyRootFilesystem: true,
  capabilities: { drop: ["ALL"] },
  seccompProfile: { type: "RuntimeDefault" },
};

function volumes(v: InstallValues): { volumes: unknown[]; mounts: unknown[] } {
  const vols: unknown[] = [
    { name: "config", configMap: { name: `${v.name}-config` } },
    { name: "tmp", emptyDir: { sizeLimit: "64Mi" } },
  ];
  const mounts: unknown[] = [
    { name: "config", mountPath: "/etc/kce", readOnly: true },
    { name: "tmp", mountPath: "/tmp" },
  ];
  if (v.nats.credentialsSecret !== undefined) {
    vols.push({ name: "nats-creds", secret: { secretName: v.nats.credentialsSecret } });
    mounts.push({ name: "nats-creds", mountPath: "/etc/kce-nats", readOnly: true });
  }
  if (v.http.secret !== undefined) {
    vols.push({ name: "http", secret: { secretName: v.http.secret } });
    mounts.push({ name: "http", mountPath: "/etc/kce-http", readOnly: true });
  }
  if (v.nats.tlsSecret !== undefined) {
    vols.push({ name: "nats-tls", secret: { secretName: v.nats.tlsSecret } });
    mounts.push({ name: "nats-tls", mountPath: "/etc/kce-nats-tls", readOnly: true });
  }
  return { volumes: vols, mounts };
}

/** NATS user and password from a Secret, as environment overrides (never in the ConfigMap). */
function natsEnv(v: InstallValues, agent: boolean): unknown[] {
  const s = agent ? (v.nats.agentUserSecret ?? v.nats.userSecret) : v.nats.userSecret;
  if (s === undefined) return [];
  return [
    { name: "KCE_NATS__USER", valueFrom: { secretKeyRef: { name: s, key: "user" } } },
    { name: "KCE_NATS__PASS", valueFrom: { secretKeyRef: { name: s, key: "password" } } },
  ];
}

function container(v: InstallValues, name: string, args: string[], resources: InstallValues["agent"]["resources"], ports: Array<{ name: string; containerPort: number }>, extra: Record<string, unknown> = {}): Record<string, unknown> {
  const env = [...((extra["env"] as unknown[] | undefined) ?? []), ...natsEnv(v, name === "agent")];
  return {
    name,
    image: v.image,
    imagePullPolicy: v.imagePullPolicy,
    args,
    ...(ports.length > 0 ? { ports: ports.map((p) => ({ ...p, protocol: "TCP" })) } : {}),
    resources,
    securityContext: SECURITY,
    volumeMounts: volumes(v).mounts,
    ...extra,
    ...(env.length > 0 ? { env } : {}),
  };
}

function podSpec(v: InstallValues, serviceAccountName: string, containers: unknown[], extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    serviceAccountName,
    securityContext: { runAsNonRoot: true, fsGroup: 65532, seccompProfile: { type: "RuntimeDefault" } },
    containers,
    volumes: volumes(v).volumes,
    ...extra,
  };
}

/**
 * How the agent runs (it runs on every node, so its memory counts many times): the built JavaScript
 * (`npm run build`, no TypeScript stripping at start), V8 without its optimizing compilers (`--lite-mode`,
 * not allowed in NODE_OPTIONS), a small young generation and one V8 worker thread.
 * 188 → 110 → 75 MB RSS at 110 pods (BENCHMARKS.md, `npm run bench -- agent`).
 */
export const AGENT_NODE_FLAGS = ["--lite-mode", "--max-semi-space-size=1", "--v8-pool-size=1"];

/**
 * Node flags per central stage (split mode; `kce all` gets "central"): a young generation sized for what the stage
 * allocates per message and, for the stateless stages, an old-space cap, so memory follows configuration, not
 * V8's growth heuristics. Measured with `STEADY_SPLIT=1 npm run bench -- steady` (BENCHMARKS.md).
 */
export const STAGE_NODE_FLAGS: Record<string, string[]> = {
  pricer: ["--max-old-space-size=48", "--max-semi-space-size=8"],
  savings: ["--max-old-space-size=48", "--max-semi-space-size=8"],
  // With --heap-growing-percent=50 (see central), one hour at 10,000 pods (`STEADY_SPLIT=1 STEADY_BUILT=1`, one run each):
  // rollup 254 / 218 → 186 / 165 MB peak / mean, sink-prometheus 190 / 170 → 146 / 140, api 172 / 154 → 147 / 142; CPU of
  // the five stages 77.0 → 83.7 µs per pod-sample.
  rollup: ["--max-semi-space-size=8", "--heap-growing-percent=50"],
  anomalies: ["--max-semi-space-size=8"],
  "sink-prometheus": ["--max-semi-space-size=8", "--heap-growing-percent=50"],
  api: ["--max-semi-space-size=8", "--heap-growing-percent=50"],
  // The old generation may grow to 1.5× what survived the last full collection (V8 picks 1.1–4× by its own measure):
  // memory follows the state. `kce all` at 10,000 pods for an hour: 347–364 / 317–327 → 310–316 / 266–267 MB peak /
  // mean, CPU within the runs' spread (BENCHMARKS.md, "heap growth").
  central: ["--max-semi-space-size=8", "--heap-growing-percent=50"],
};

/** The install's Node flags for a `kce` command as a Deployment runs it (`all` is the "central" one). */
export function commandNodeFlags(command: string): string[] {
  return STAGE_NODE_FLAGS[command === "all" ? "central" : command] ?? [];
}

/**
 * A stage's Node flags for these values. With GCP's live prices the pricer and savings hold Compute Engine's whole SKU
 * catalog (tens of thousands of SKUs, not measured here), so they get no old-space cap there.
 */
export function stageNodeFlags(v: InstallValues, component: string): string[] {
  const flags = STAGE_NODE_FLAGS[component] ?? [];
  return v.cloudProvider === "gcp" ? flags.filter((f) => !f.startsWith("--max-old-space-size=")) : flags;
}

type Resources = InstallValues["agent"]["resources"];
const sized = (cpu: string, request: string, limit: string): Resources => ({ requests: { cpu, memory: request }, limits: { cpu: "2", memory: limit } });

/**
 * Requests and limits per stage in split mode, from the steady bench at 10,000 pods with STAGE_NODE_FLAGS
 * (BENCHMARKS.md, "Each central stage in its own process"): the request is about the measured RSS, the limit leaves room
 * for a burst (the pricer reached 240 MB taking 300,000 pod-samples at once) and for more pods. Per-pod memory grows
 * with the cluster: raise them past ~20,000 pods (values `central.stageResources`). The anomalies stage was not
 * measured apart and gets `central.resources`.
 */
export const STAGE_RESOURCES: Record<string, Resources> = {
  pricer: sized("100m", "160Mi", "512Mi"),
  savings: sized("50m", "128Mi", "384Mi"),
  rollup: sized("200m", "512Mi", "1536Mi"),
  "sink-prometheus": sized("100m", "256Mi", "1Gi"),
  api: sized("100m", "256Mi", "1536Mi"),
};

/** The built CLI in the image (Dockerfile: `npm run build` → /app/dist). */
export const IMAGE_MAIN = "/app/dist/main.js";

/** The agent on every node, taints or not; no host network, no host paths (it reads the kubelet through the API server). */
export function agentDaemonSet(v: InstallValues): K8sObject {
  const c = container(v, "agent", ["agent", "--config", CONFIG_PATH, "--node", "$(NODE_NAME)", "--metrics-port", "9102"], v.agent.resources, [{ name: "metrics", containerPort: 9102 }], {
    command: ["node", ...AGENT_NODE_FLAGS, IMAGE_MAIN],
    env: [{ name: "NODE_NAME", valueFrom: { fieldRef: { fieldPath: "spec.nodeName" } } }],
    livenessProbe: { httpGet: { path: "/healthz", port: "metrics", scheme: v.http.tls ? "HTTPS" : "HTTP" }, periodSeconds: 30, failureThreshold: 4 },
  });
  return {
    apiVersion: "apps/v1",
    kind: "DaemonSet",
    metadata: meta(v, `${v.name}-agent`, "agent"),
    spec: {
      selector: { matchLabels: selector(v, "agent") },
      updateStrategy: { type: "RollingUpdate", rollingUpdate: { maxUnavailable: "10%" } },
      template: {
        metadata: { labels: labels(v, "agent") },
        spec: podSpec(v, `${v.name}-agent`, [c], { tolerations: [{ operator: "Exists" }], priorityClassName: "system-node-critical", hostNetwork: false }),
      },
    },
  };
}

interface CentralPart {
  component: string;
  args: string[];
  replicas: number;
  ports: Array<{ name: string; containerPort: number }>;
  singleton: boolean;
}

function centralParts(v: InstallValues): CentralPart[] {
  const metrics = { name: "metrics", containerPort: v.metricsPort };
  const api = { name: "api", containerPort: v.apiPort };
  const cfg = ["--config", CONFIG_PATH];
  if (v.central.mode === "all") return [{ component: "central", args: ["all", ...cfg], replicas: 1, ports: [metrics, api], singleton: true }];
  return [
    { component: "pricer", args: ["pricer", ...cfg, "--metrics-port", "9102"], replicas: v.central.pricerReplicas, ports: [{ name: "self-metrics", containerPort: 9102 }], singleton: false },
    { component: "rollup", args: ["rollup", ...cfg, "--metrics-port", "9102"], replicas: 1, ports: [{ name: "self-metrics", containerPort: 9102 }], singleton: true },
    { component: "savings", args: ["savings", ...cfg, "--metrics-port", "9102"], replicas: 1, ports: [{ name: "self-metrics", containerPort: 9102 }], singleton: false },
    { component: "anomalies", args: ["anomalies", ...cfg, "--metrics-port", "9102"], replicas: 1, ports: [{ name: "self-metrics", containerPort: 9102 }], singleton: true },
    { component: "sink-prometheus", args: ["sink-prometheus", ...cfg], replicas: 1, ports: [metrics], singleton: false },
    { component: "api", args: ["api", ...cfg], replicas: 1, ports: [api], singleton: false },
  ];
}

/**
 * glibc serves allocations of 128 KiB and more from mmap, but raises that threshold after the first such block is
 * freed, and the query API's 2 MB window columns (packed per revision, spilled, read back per query) then stay in its
 * heap as fragments: 1.6 GB RSS in a 24-hour replay at 10,000 pods. Pinning the threshold returns them to the system.
 * At 64 KiB it also takes the socket's 64 KiB read buffers, which NATS messages hold views of and which are freed in
 * any order, out of the heap: `kce all` at 10,000 pods for an hour, 310–316 / 266–267 → 272–289 / 242–255 MB peak /
 * mean (with --heap-growing-percent=50; two runs against three; BENCHMARKS.md).
 */
export const MMAP_THRESHOLD = { name: "MALLOC_MMAP_THRESHOLD_", value: "65536" };

/**
 * glibc gives threads that allocate (V8's GC helpers, libuv's pool) arenas of their own: 10–21 MB of RSS in a process
 * whose JavaScript runs on one thread. With one arena, at 10,000 pods (`npm run bench -- steady`, one hour): pricer
 * 127–130 → 118–122 MB peak and savings 115–117 → 103–108 MB (`STEADY_SPLIT=1`, four runs against three), `kce all`
 * 435–440 → 404–418 MB peak (two runs each); CPU within the runs' spread.
 */
export const ONE_ARENA = { name: "MALLOC_ARENA_MAX", value: "1" };

/** Where the image links Debian's libjemalloc2 (one path on every architecture; see the Dockerfile). */
export const JEMALLOC_PATH = "/usr/local/lib/libjemalloc.so.2";

/**
 * jemalloc instead of glibc's malloc for `kce all` (and a split install's rollup and sink), preloaded, with one arena
 * and dirty pages returned after a second. At 10,000 pods over 6 hours of event time
 * (`STEADY_BUILT=1 STEADY_SPILL=1 STEADY_HOURS=6 npm run bench -- steady`, the built CLI, interleaved runs), peak / mean RSS in hour 6 and at the end: glibc with the two settings above
 * 313 / 268, 290 / 268 → 270, 267 MB; jemalloc 277 / 252, 271 / 258, 269 / 257 → 248, 249, 246 MB (BENCHMARKS.md).
 * Split (`STEADY_SPLIT=1 STEADY_BUILT=1 STEADY_HOURS=1`), mean RSS glibc → jemalloc: rollup 155 → 140, sink-prometheus
 * 131 → 121, api 138 → 134, pricer 116 → 111, savings 100 → 98 MB; so the rollup and the sink get it too. It costs CPU:
 * +9 % per pod-sample in both comparisons (96 → 105 µs summed over the split stages; 87–89 → 95–100 in `kce all`), which
 * at a real 10,000-pod cluster's 167 pod-samples/s (a 60 s agent interval) is ~0.15 % of a core; the burst bench
 * (`pipeline-all`) showed no difference within its ±15 %. At 100,000 pods it was not measured apart from a change since
 * reverted (BENCHMARKS.md). glibc's settings stay: they apply wherever the library is missing (an image built otherwise).
 */
export const JEMALLOC = [
  { name: "LD_PRELOAD", value: JEMALLOC_PATH },
  { name: "MALLOC_CONF", value: "narenas:1,background_thread:true,dirty_decay_ms:1000,muzzy_decay_ms:0" },
];

/** Environment per central component as the install runs it (`kce all` is "central"; central and api spill windows). */
const STAGE_ENV: Record<string, Array<{ name: string; value: string }>> = {
  central: [MMAP_THRESHOLD, ONE_ARENA, ...JEMALLOC],
  rollup: JEMALLOC,
  "sink-prometheus": JEMALLOC,
  api: [MMAP_THRESHOLD],
  pricer: [ONE_ARENA],
  savings: [ONE_ARENA],
};

/** The install's environment for a `kce` command as a Deployment runs it, for benchmarks that run it the same way. */
export function commandEnv(command: string): Record<string, string> {
  return Object.fromEntries((STAGE_ENV[command === "all" ? "central" : command] ?? []).map((e) => [e.name, e.value]));
}

/** Where the query API keeps windows older than api.memoryHours (api.spillDir; an emptyDir: a cache of the rollup stream). */
export const API_SPILL_DIR = "/var/cache/kce/api";

/** `kce all` as one Deployment, or one Deployment per stage; the rollup is a singleton (Recreate). */
export function centralDeployments(v: InstallValues): K8sObject[] {
  const azureLabel = v.cloudProvider === "azure" && v.azure.clientId !== undefined ? { "azure.workload.identity/use": "true" } : {};
  return centralParts(v).map((p) => {
    const probePort = p.ports[0]?.name ?? "metrics";
    const spill = p.component === "central" || p.component === "api";
    const flags = stageNodeFlags(v, p.component);
    const stage = v.central.stageResources[p.component as keyof InstallValues["central"]["stageResources"]];
    const resources = p.component === "central" ? v.central.resources : (stage ?? STAGE_RESOURCES[p.component] ?? v.central.resources);
    const env = STAGE_ENV[p.component] ?? [];
    const c = container(v, p.component, p.args, resources, p.ports, {
      ...(flags.length > 0 ? { command: ["node", ...flags, IMAGE_MAIN] } : {}),
      ...(env.length > 0 ? { env } : {}),
      readinessProbe: { httpGet: { path: "/healthz", port: probePort, scheme: v.http.tls ? "HTTPS" : "HTTP" }, periodSeconds: 10 },
      livenessProbe: { httpGet: { path: "/healthz", port: probePort, scheme: v.http.tls ? "HTTPS" : "HTTP" }, periodSeconds: 30, failureThreshold: 4 },
      ...(spill ? { volumeMounts: [...volumes(v).mounts, { name: "api-spill", mountPath: "/var/cache/kce" }] } : {}),
    });
    const podExtra = spill ? { volumes: [...volumes(v).volumes, { name: "api-spill", emptyDir: { sizeLimit: v.central.spillSizeLimit } }] } : {};
    return {
      apiVersion: "apps/v1",
      kind: "Deployment",
      metadata: meta(v, p.component === "central" ? v.name : `${v.name}-${p.component}`, p.component),
      spec: {
        replicas: p.replicas,
        selector: { matchLabels: selector(v, p.component) },
        strategy: p.singleton ? { type: "Recreate" } : { type: "RollingUpdate", rollingUpdate: { maxUnavailable: 0, maxSurge: 1 } },
        template: { metadata: { labels: { ...labels(v, p.component), ...azureLabel } }, spec: podSpec(v, v.name, [c], { automountServiceAccountToken: false, ...podExtra }) },
      },
    };
  });
}

/** Where Prometheus scrapes costs and kubectl cost reaches the API. */
export function services(v: InstallValues): K8sObject[] {
  const split = v.central.mode === "split";
  return [
    { apiVersion: "v1", kind: "Service", metadata: meta(v, v.name, split ? "sink-prometheus" : "central"), spec: { selector: selector(v, split ? "sink-prometheus" : "central"), ports: [{ name: "metrics", port: v.metricsPort, targetPort: "metrics", protocol: "TCP" }] } },
    { apiVersion: "v1", kind: "Service", metadata: meta(v, `${v.name}-api`, split ? "api" : "central"), spec: { selector: selector(v, split ? "api" : "central"), ports: [{ name: "api", port: v.apiPort, targetPort: "api", protocol: "TCP" }] } },
  ];
}

/** Ingress only to the metrics and API ports of the central pods, and none to the agents. */
export function networkPolicies(v: InstallValues, withAgent: boolean, withCentral: boolean): K8sObject[] {
  const out: K8sObject[] = [];
  if (withCentral) {
    out.push({
      apiVersion: "networking.k8s.io/v1",
      kind: "NetworkPolicy",
      metadata: meta(v, v.name, "central"),
      spec: {
        podSelector: { matchLabels: { "app.kubernetes.io/name": v.name, "app.kubernetes.io/part-of": "kube-cost-exporter" } },
        policyTypes: ["Ingress"],
        ingress: [{ ports: [{ protocol: "TCP", port: v.metricsPort }, { protocol: "TCP", port: v.apiPort }, { protocol: "TCP", port: 9102 }] }],
      },
    });
  }
  if (withAgent) {
    out.push({ apiVersion: "networking.k8s.io/v1", kind: "NetworkPolicy", metadata: meta(v, `${v.name}-agent`, "agent"), spec: { podSelector: { matchLabels: selector(v, "agent") }, policyTypes: ["Ingress"], ingress: [{ ports: [{ protocol: "TCP", port: 9102 }] }] } });
  }
  return out;
}

export function disruptionBudgets(v: InstallValues): K8sObject[] {
  return centralParts(v)
    .filter((p) => p.replicas > 1)
    .map((p) => ({ apiVersion: "policy/v1", kind: "PodDisruptionBudget", metadata: meta(v, `${v.name}-${p.component}`, p.component), spec: { maxUnavailable: 1, selector: { matchLabels: selector(v, p.component) } } }));
}

export function serviceMonitor(v: InstallValues): K8sObject {
  return {
    apiVersion: "monitoring.coreos.com/v1",
    kind: "ServiceMonitor",
    metadata: meta(v, v.name, "central"),
    spec: {
      selector: { matchLabels: labels(v, v.central.mode === "split" ? "sink-prometheus" : "central") },
      endpoints: [
        {
          port: "metrics",
          path: "/metrics",
          interval: v.prometheus.interval,
          // The cost metrics carry OpenCost's own `instance` (the node) and `namespace` labels; OpenCost's
          // dashboards join on them, so they must not be renamed to exported_instance.
          honorLabels: true,
          ...(v.http.tls ? { scheme: "https", tlsConfig: { serverName: `${v.name}.${v.namespace}.svc`, ca: { secret: { name: v.http.secret ?? "", key: "ca.crt" } } } } : {}),
          ...(v.http.bearerToken ? { bearerTokenSecret: { name: v.http.secret ?? "", key: "token" } } : {}),
        },
      ],
    },
  };
}

/**
 * deploy/prometheus/kube-cost-rules.yml as a PrometheusRule. Multi-line expressions are written on
 * one line (same PromQL): kustomize re-folds multi-line scalars and would change their text.
 */
export function prometheusRule(v: InstallValues): K8sObject {
  const rules = parse(readFileSync(RULES_FILE, "utf8")) as { groups: Array<{ rules: Array<{ expr?: string }> }> };
  const groups = rules.groups.map((g) => ({ ...g, rules: g.rules.map((r) => (r.expr === undefined ? r : { ...r, expr: r.expr.replace(/\s+/g, " ").trim() })) }));
  return { apiVersion: "monitoring.coreos.com/v1", kind: "PrometheusRule", metadata: meta(v, v.name, "central"), spec: { groups } };
}
