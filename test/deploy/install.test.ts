import { execFile } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { parseAllDocuments } from "yaml";
import { loadValues } from "../../cli/commands/install.ts";
import { kustomizeStale } from "../../install/kustomize.ts";
import { API_SPILL_DIR, IMAGE_MAIN, JEMALLOC, MMAP_THRESHOLD, ONE_ARENA, STAGE_NODE_FLAGS, STAGE_RESOURCES, type K8sObject } from "../../install/objects.ts";
import { renderObjects } from "../../install/render.ts";

/** The manifests `kce install` renders, checked with tools that run here: kubectl kustomize and the Kubernetes OpenAPI schemas. */
const DIR = fileURLToPath(new URL("../../deploy/kustomize", import.meta.url));
const KUSTOMIZE_VALUES = `${DIR}/values.yaml`;
const EXAMPLE = fileURLToPath(new URL("../../deploy/install/values.example.yaml", import.meta.url));
const idOf = (o: K8sObject) => `${o.kind}/${o.metadata.namespace ?? ""}/${o.metadata.name}`;

/** Validates an object against its kind's OpenAPI schema (kubernetes-models and the Prometheus Operator CRDs). */
async function validate(obj: K8sObject): Promise<void> {
  const module = obj.apiVersion.startsWith("monitoring.coreos.com/") ? `@kubernetes-models/prometheus-operator/${obj.apiVersion}` : `kubernetes-models/${obj.apiVersion}`;
  const models = (await import(module)) as Record<string, new (o: unknown) => { validate(): void }>;
  const Model = models[obj.kind];
  if (Model === undefined) throw new Error(`no schema for ${obj.apiVersion} ${obj.kind}`);
  new Model(obj).validate();
}

const variants = () => {
  const example = loadValues(EXAMPLE);
  return [
    ...(["single", "hub", "leaf"] as const).map((role) => ({ name: `example ${role}`, values: { ...example, role } })),
    { name: "split stages", values: { ...example, central: { ...example.central, mode: "split" as const } } },
    { name: "gcp", values: { ...example, cloudProvider: "gcp" as const } },
    { name: "azure", values: { ...example, cloudProvider: "azure" as const } },
    { name: "defaults", values: loadValues(undefined) },
    { name: "https + bearer token", values: { ...example, http: { secret: "kce-http", tls: true, bearerToken: true } } },
  ];
};

describe("kce install", () => {
  it("renders objects that validate against the Kubernetes OpenAPI schemas, for every role and option", async () => {
    for (const v of variants()) {
      const objects = renderObjects(v.values);
      for (const obj of objects) {
        try {
          await validate(obj);
        } catch (error) {
          throw new Error(`${v.name}: ${idOf(obj)}: ${(error as Error).message}`);
        }
      }
    }
  });

  it("asks for read-only RBAC, exactly the seed's rules plus nodes/proxy for the Summary API", () => {
    const role = renderObjects(loadValues(EXAMPLE)).find((o) => o.kind === "ClusterRole") as K8sObject & { rules: Array<{ apiGroups: string[]; resources: string[]; verbs: string[] }> };
    for (const rule of role.rules) {
      for (const verb of rule.verbs) expect(["get", "list", "watch"]).toContain(verb);
      expect(rule.resources.join()).not.toContain("*");
      expect(rule.resources).not.toContain("secrets");
    }
    expect(role.rules).toEqual([
      { apiGroups: [""], resources: ["nodes", "pods", "persistentvolumes"], verbs: ["get", "list", "watch"] },
      { apiGroups: ["metrics.k8s.io"], resources: ["nodes", "pods"], verbs: ["get", "list"] },
      { apiGroups: [""], resources: ["nodes/proxy"], verbs: ["get"] },
    ]);
    expect(renderObjects({ ...loadValues(EXAMPLE), role: "hub" }).some((o) => o.kind === "ClusterRole")).toBe(false);
  });

  it("puts the cloud identity on the central ServiceAccount from the values, and runs agents on every node without host access", () => {
    const example = loadValues(EXAMPLE);
    const sa = (v: typeof example) => renderObjects(v).find((o) => o.kind === "ServiceAccount" && o.metadata.name === v.name);
    expect(sa(example)?.metadata.annotations).toEqual({ "eks.amazonaws.com/role-arn": "arn:aws:iam::123456789012:role/kube-cost-exporter" });
    expect(sa({ ...example, cloudProvider: "gcp" })?.metadata.annotations).toEqual({ "iam.gke.io/gcp-service-account": "kube-cost-exporter@my-project.iam.gserviceaccount.com" });
    const azure = renderObjects({ ...example, cloudProvider: "azure" });
    expect(azure.find((o) => o.kind === "ServiceAccount" && o.metadata.name === example.name)?.metadata.annotations).toEqual({ "azure.workload.identity/client-id": "00000000-0000-0000-0000-000000000000" });
    expect(JSON.stringify(azure.find((o) => o.kind === "Deployment"))).toContain('"azure.workload.identity/use":"true"');
    const ds = renderObjects(example).find((o) => o.kind === "DaemonSet") as K8sObject & { spec: { template: { spec: { tolerations: unknown[]; hostNetwork: boolean; volumes: Array<Record<string, unknown>>; containers: Array<{ securityContext: Record<string, unknown> }> } } } };
    const pod = ds.spec.template.spec;
    expect(pod.tolerations).toEqual([{ operator: "Exists" }]);
    expect(pod.hostNetwork).toBe(false);
    expect(pod.volumes.some((v) => "hostPath" in v)).toBe(false);
    expect(pod.containers[0]?.securityContext).toMatchObject({ runAsNonRoot: true, readOnlyRootFilesystem: true, allowPrivilegeEscalation: false });
  });

  it("runs each central stage with its Node flags and requests, and spills the API's old windows to its emptyDir", () => {
    const example = loadValues(EXAMPLE);
    type Container = { name: string; command?: string[]; env?: Array<{ name: string; value?: string }>; resources: { requests: { memory: string } } };
    const containers = (v: typeof example) => renderObjects(v).filter((o) => o.kind === "Deployment").map((o) => (o as unknown as { spec: { template: { spec: { containers: Container[] } } } }).spec.template.spec.containers[0] as Container);
    const split = new Map(containers({ ...example, central: { ...example.central, mode: "split", stageResources: { rollup: { requests: { cpu: "1", memory: "3Gi" }, limits: { cpu: "2", memory: "6Gi" } } } } }).map((c) => [c.name, c]));
    expect(split.get("pricer")?.command).toEqual(["node", ...(STAGE_NODE_FLAGS["pricer"] ?? []), IMAGE_MAIN]);
    expect(split.get("pricer")?.resources).toEqual(STAGE_RESOURCES["pricer"]);
    expect(split.get("rollup")?.resources.requests.memory).toBe("3Gi");
    expect(split.get("api")?.env).toContainEqual(MMAP_THRESHOLD);
    expect(split.get("pricer")?.env ?? []).not.toContainEqual(MMAP_THRESHOLD);
    // The stateless stages run their JavaScript on one thread: one glibc arena (issue 16's pricer ≤ 120 MB).
    for (const stage of ["pricer", "savings"]) expect(split.get(stage)?.env).toContainEqual(ONE_ARENA);
    expect(split.get("rollup")?.env ?? []).not.toContainEqual(ONE_ARENA);
    const [central] = containers(example);
    expect(central?.command).toEqual(["node", ...(STAGE_NODE_FLAGS["central"] ?? []), IMAGE_MAIN]);
    expect(central?.resources).toEqual(example.central.resources);
    expect(central?.env).toContainEqual(MMAP_THRESHOLD);
    // jemalloc where it measured ≥ 10 MB less (test/deploy/allocator.test.ts loads it).
    for (const env of JEMALLOC) {
      expect(central?.env).toContainEqual(env);
      for (const stage of ["rollup", "sink-prometheus"]) expect(split.get(stage)?.env).toContainEqual(env);
      for (const stage of ["pricer", "savings", "api"]) expect(split.get(stage)?.env ?? []).not.toContainEqual(env);
    }
    const config = renderObjects(example).find((o) => o.kind === "ConfigMap") as K8sObject & { data: Record<string, string> };
    expect(config.data["config.yaml"]).toContain(`spillDir: ${API_SPILL_DIR}`);
    // GCP's live book holds the whole SKU catalog: no old-space cap on the stages that price.
    const gcp = new Map(containers({ ...example, cloudProvider: "gcp", central: { ...example.central, mode: "split" } }).map((c) => [c.name, c]));
    expect(gcp.get("pricer")?.command?.some((f) => f.startsWith("--max-old-space-size="))).toBe(false);
  });

  it("validates the config it puts in the ConfigMap, naming a bad key", () => {
    expect(() => renderObjects({ ...loadValues(EXAMPLE), config: { agent: { intervalSecond: 5 } } })).toThrow(/agent\.intervalSecond/);
    expect(() => loadValues(undefined, { role: "both" as never })).toThrow(/role/);
    expect(() => renderObjects({ ...loadValues(EXAMPLE), http: { tls: true, bearerToken: false } })).toThrow(/http\.secret is required/);
    const secured = renderObjects({ ...loadValues(EXAMPLE), http: { secret: "kce-http", tls: true, bearerToken: true } });
    const config = secured.find((o) => o.kind === "ConfigMap") as K8sObject & { data: Record<string, string> };
    expect(config.data["config.yaml"]).toContain("bearerTokenFile: /etc/kce-http/token");
    expect(JSON.stringify(secured.find((o) => o.kind === "ServiceMonitor"))).toContain('"bearerTokenSecret":{"name":"kce-http","key":"token"}');
    // OpenCost's dashboards join on the exporter's own `instance` label: Prometheus must keep it.
    expect(JSON.stringify(secured.find((o) => o.kind === "ServiceMonitor"))).toContain('"honorLabels":true');
  });

  it("keeps deploy/kustomize in sync: every overlay renders with kubectl kustomize to exactly what kce install renders", async () => {
    const values = loadValues(KUSTOMIZE_VALUES);
    expect(kustomizeStale(DIR, values)).toEqual([]);
    for (const role of ["single", "hub", "leaf"] as const) {
      const { stdout } = await promisify(execFile)("kubectl", ["kustomize", `${DIR}/overlays/${role}`], { maxBuffer: 16 * 2 ** 20 });
      const built = parseAllDocuments(stdout).map((d) => d.toJS() as K8sObject);
      const rendered = renderObjects({ ...values, role });
      expect(new Map(built.map((o) => [idOf(o), o]))).toEqual(new Map(rendered.map((o) => [idOf(o), o])));
    }
  });

  it("ships a Dockerfile that pins its base image, runs as non-root and holds no secrets", () => {
    const text = readFileSync(fileURLToPath(new URL("../../Dockerfile", import.meta.url)), "utf8");
    const lines = text.split("\n").map((l) => l.trim()).filter((l) => l !== "" && !l.startsWith("#"));
    const from = lines.filter((l) => /^FROM\s/i.test(l));
    expect(from.length).toBeGreaterThanOrEqual(2);
    for (const f of from) expect(f).toMatch(/^FROM\s+\S+(:[\w.-]+)?@sha256:[0-9a-f]{64}(\s+AS\s+\w+)?$|^FROM\s+\S+:\d[\w.-]*(\s+AS\s+\w+)?$/i);
    const user = lines.filter((l) => /^USER\s/i.test(l)).pop();
    expect(user).toMatch(/^USER\s+(\d+|nonroot|node)(:\d+)?$/i);
    expect(user).not.toMatch(/\broot\b|\s0(:|$)/);
    expect(text).not.toMatch(/(password|secret|token|api[_-]?key)\s*=/i);
    expect(lines.some((l) => /^ENTRYPOINT\s/i.test(l))).toBe(true);
    // Every folder the CLI reaches at run time is in the image (kce export and the web app were once missing).
    const copied = new Set(lines.filter((l) => /^COPY\s/i.test(l)).map((l) => l.split(/\s+/).pop()?.replace(/^\.\//, "")));
    const root = fileURLToPath(new URL("../../", import.meta.url));
    const notShipped = new Set(["node_modules", "test", "testkit", "bench", "scripts", "dashboards", "docs", "coverage", "dist"]);
    const sources = readdirSync(root, { withFileTypes: true }).filter((d) => d.isDirectory() && !d.name.startsWith(".") && !notShipped.has(d.name)).map((d) => d.name);
    expect(sources.filter((d) => !copied.has(d))).toEqual([]);
  });
});
