import { execFile } from "node:child_process";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApi, type ApiStage } from "../../api/stage.ts";
import type { Runtime } from "../../bus/runtime.ts";
import { snapshotId, subjects } from "../../bus/subjects.ts";
import { main as kubectlCost } from "../../cli/kubectl-cost/main.ts";
import { patchFor } from "../../cli/kubectl-cost/run-recommend.ts";
import type { Recommendation } from "../../processors/recommender/recommender.ts";
import { validateConfig } from "../../config/load.ts";
import { readPriceSnapshot, SnapshotPriceBook } from "../../pricing/snapshot/snapshot.ts";
import { priceSnapshot } from "../../processors/pricer/cost-model.ts";
import { parseScenario } from "../../sim/scenario.ts";
import { startSim, type SimServer } from "../../sim/server.ts";
import { GiB, nodeInfo, podUsage, usageSnapshot } from "../../testkit/fixtures.ts";
import { openTestRuntime, startNatsServer, testRawConfig, waitFor, type NatsServerHandle } from "../../testkit/index.ts";
import { tempDir } from "../../testkit/tempdir.ts";

/**
 * Right-sizing end to end: two days of usage in KCE_USAGE (an over-requested Deployment and an
 * under-requested StatefulSet), the query API learning it, `kubectl cost recommend` reading it, and the
 * real kubectl accepting the patches it prints against the simulator's API server.
 */
const MINUTE = 60_000;
const MI = 2 ** 20;
const now = Math.floor(Date.now() / MINUTE) * MINUTE;
const start = now - 2 * 86_400_000;

let nats: NatsServerHandle;
let rt: Runtime;
let api: ApiStage;
let sim: SimServer;
const cacheDir = tempDir("kce-recommend-");

async function capture(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = "";
  let err = "";
  const code = await kubectlCost(args, (s) => void (out += s), (s) => void (err += s));
  return { code, out, err };
}

beforeAll(async () => {
  nats = await startNatsServer();
  const config = validateConfig(testRawConfig(nats.url, { cluster: "prod" }));
  rt = await openTestRuntime(config, "recommend-test");
  sim = await startSim({
    scenario: parseScenario({
      cluster: "prod",
      nodes: [{ name: "node-a", instanceType: "m5.xlarge", region: "us-east-1", zone: "us-east-1a" }],
      workloads: [
        { kind: "Deployment", name: "api", namespace: "shop", replicas: 3, containers: [{ name: "api", requests: { cpu: "1", memory: "2Gi" } }] },
        { kind: "StatefulSet", name: "cache", namespace: "shop", replicas: 1, containers: [{ name: "cache", requests: { cpu: "100m", memory: "128Mi" } }, { name: "exporter", requests: { cpu: "20m", memory: "32Mi" } }] },
      ],
    }),
  });
  // Two days of samples every 10 minutes (the sketches weigh samples, not time).
  const info = nodeInfo({ instanceType: "m5.xlarge" });
  for (let t = start; t < now; t += 10 * MINUTE) {
    const wave = Math.floor(t / (10 * MINUTE)) % 20;
    const pods = [0, 1, 2].map((i) => podUsage({ namespace: "shop", name: `api-${i}`, uid: `api-${i}`, controllerKind: "Deployment", controllerName: "api", runningSeconds: 600, cpuRequestCores: 1, memoryRequestBytes: 2 * GiB, cpuUsageCores: 0.1 + wave * 0.01, memoryWorkingSetMaxBytes: (400 + wave * 10) * MI }));
    // The cache pod comes from a newer agent: its two containers are measured apart (UsageSnapshot v3).
    pods.push(podUsage({
      namespace: "shop", name: "cache-0", uid: "cache-0", controllerKind: "StatefulSet", controllerName: "cache", runningSeconds: 600, cpuRequestCores: 0.12, memoryRequestBytes: 160 * MI, cpuUsageCores: 0.31, memoryWorkingSetMaxBytes: 420 * MI,
      containers: [
        { name: "cache", cpuRequestCores: 0.1, cpuLimitCores: 0, memoryRequestBytes: 128 * MI, memoryLimitBytes: 0, cpuUsageCores: 0.3, memoryWorkingSetMaxBytes: 400 * MI },
        { name: "exporter", cpuRequestCores: 0.02, cpuLimitCores: 0, memoryRequestBytes: 32 * MI, memoryLimitBytes: 0, cpuUsageCores: 0.01, memoryWorkingSetMaxBytes: 20 * MI },
      ],
    }));
    const s = usageSnapshot({ cluster: "prod", node: "node-a", nodeInfo: info, windowStartMs: t, windowSeconds: 600, sampledAtMs: t + 600_000, pods });
    await rt.publisher.publish({ subject: subjects.usage("prod", "node-a"), msgId: snapshotId("prod", "node-a", t), ...rt.codecs.usage.encode(s) });
  }
  // The node's current rates come from its newest priced snapshot.
  const book = new SnapshotPriceBook(readPriceSnapshot(), config.pricing);
  // Its pods request 1 core and 2 GiB of the m5.xlarge's 4 cores and 16 GiB: a smaller shape would do.
  const priced = priceSnapshot(usageSnapshot({ cluster: "prod", node: "node-a", nodeInfo: info, windowStartMs: now - MINUTE, pods: [podUsage({ cpuRequestCores: 1, memoryRequestBytes: 2 * GiB })] }), book, config.pricing, now);
  await rt.publisher.publish({ subject: subjects.priced("prod", "node-a"), msgId: "priced-now", ...rt.codecs.priced.encode(priced) });
  api = createApi(rt);
  await api.start();
}, 120_000);

afterAll(async () => {
  await api?.stop();
  await sim?.close();
  await rt?.close();
  await nats?.stop();
});

describe("kubectl cost recommend", () => {
  it("shows the over- and under-requested controllers with the money, and prints patches the real kubectl accepts", async () => {
    const apiUrl = `http://127.0.0.1:${api.port}`;
    const json = await waitFor("recommendations learned", async () => {
      const r = await capture(["recommend", "--api-url", apiUrl, "-o", "json"]);
      const data = JSON.parse(r.out || "{}") as { items?: Array<{ controller: string; container: string; status: string; monthlySavingsUsd: number; recommended: { cpuCores: number; memoryBytes: number } }> };
      return (data.items?.length ?? 0) >= 3 ? data : undefined;
    }, 30_000, 250);
    const apiRec = json.items?.find((x) => x.controller === "api");
    // The node: 25 % requested; m5.large (2 vCPU, 8 GiB) holds 1 core and 2 GiB with 20 % to spare.
    const node = (json as { nodes?: Array<{ node: string; sameFamily?: { instanceType: string; monthlySavingsUsd: number } }> }).nodes?.[0];
    expect(node).toMatchObject({ node: "node-a", sameFamily: { instanceType: "m5.large" } });
    expect(node?.sameFamily?.monthlySavingsUsd).toBeCloseTo((0.192 - 0.096) * 730, 6);
    expect(apiRec?.status).toBe("over-requested");
    expect(apiRec?.recommended.cpuCores).toBeCloseTo(0.28, 1);
    expect(apiRec?.monthlySavingsUsd).toBeGreaterThan(50);
    // Per container where measured: the cache container is short, the exporter has too much.
    expect(json.items?.find((x) => x.controller === "cache" && x.container === "cache")?.status).toBe("under-requested");
    expect(json.items?.find((x) => x.controller === "cache" && x.container === "exporter")).toMatchObject({ status: "over-requested", recommended: { cpuCores: 0.01, memoryBytes: 23 * MI } });

    // The same on /metrics.
    const metrics = await rt.telemetry.render();
    expect(metrics).toMatch(/kube_cost_recommended_cpu_request_cores\{cluster="prod",namespace="shop",controller_kind="Deployment",controller="api",container="",status="over-requested"\} 0\.2\d+/);
    expect(metrics).toMatch(/kube_cost_recommendation_savings_monthly_usd\{[^}]*controller="cache",container="cache",status="under-requested"\} -\d/);

    const table = await capture(["recommend", "--api-url", apiUrl, "-n", "shop"]);
    expect(table.code).toBe(0);
    expect(table.out).toMatch(/shop\s+deployment\/api\s+\(pod\)\s+over-requested\s+3\.0\s+1000m\s+2\d\dm\s+2\d\dm\s+2048Mi/);
    expect(table.out).toMatch(/statefulset\/cache\s+cache\s+under-requested/);
    expect(table.out).toMatch(/statefulset\/cache\s+exporter\s+over-requested\s+1\.0\s+20m\s+10m\s+10m\s+32Mi\s+20Mi\s+23Mi/);
    // Without -n, the nodes too.
    expect((await capture(["recommend", "--api-url", apiUrl])).out).toMatch(/node-a\s+m5\.xlarge on_demand\s+25%\s+\$\d+\.\d\d\s+m5\.large \(2 vCPU, 8 GiB\) saves \$70\.08/);

    // No kubeconfig here: --server names the (simulated) Kubernetes API, as with kubectl.
    process.env["KUBECONFIG"] = join(cacheDir, "none");
    const patches = await capture(["recommend", "--api-url", apiUrl, "--server", sim.url, "-o", "patch"]);
    expect(patches.err).toBe("");
    const commands = patches.out.split("\n").filter((l) => l.startsWith("kubectl patch "));
    expect(commands).toHaveLength(2);
    for (const command of commands) {
      const m = /^kubectl patch (\S+) (\S+) -n (\S+) --type strategic -p '(.*)'$/.exec(command);
      expect(m, command).not.toBeNull();
      const [, kind = "", name = "", ns = "", patch = ""] = m ?? [];
      const { stdout } = await promisify(execFile)("kubectl", ["--server", sim.url, "--cache-dir", cacheDir, "patch", kind, name, "-n", ns, "--type", "strategic", "-p", patch, "--dry-run=client", "-o", "json"], { env: { ...process.env, KUBECONFIG: join(cacheDir, "none") } });
      const patched = JSON.parse(stdout) as { spec: { template: { spec: { containers: Array<{ name: string; resources: { requests: { cpu: string; memory: string } } }> } } } };
      const containers = patched.spec.template.spec.containers;
      if (name === "api") expect(containers[0]?.resources.requests).toEqual({ cpu: expect.stringMatching(/^2\d\dm$/), memory: `${Math.ceil((590 * 1.15 * MI) / MI)}Mi` });
      else {
        // Each container gets its own recommendation, in one patch.
        expect(containers.map((c) => c.name)).toEqual(["cache", "exporter"]);
        expect(containers[0]?.resources.requests).toEqual({ cpu: expect.stringMatching(/^3\d\dm$/), memory: "460Mi" });
        expect(containers[1]?.resources.requests).toEqual({ cpu: "10m", memory: "23Mi" });
      }
    }
    // krr's limits policy: memory limit = the request, no CPU limit — also accepted by kubectl.
    const rec = (JSON.parse((await capture(["recommend", "--api-url", apiUrl, "-o", "json"])).out) as { items: Recommendation[] }).items.find((x) => x.controller === "api") as Recommendation;
    const patch = JSON.stringify(patchFor({ ...rec, limits: "memory-equals-request" }, [{ name: "api" }]));
    const { stdout } = await promisify(execFile)("kubectl", ["--server", sim.url, "--cache-dir", cacheDir, "patch", "deployment", "api", "-n", "shop", "--type", "strategic", "-p", patch, "--dry-run=client", "-o", "json"], { env: { ...process.env, KUBECONFIG: join(cacheDir, "none") } });
    const resources = (JSON.parse(stdout) as { spec: { template: { spec: { containers: Array<{ resources: { requests: Record<string, string>; limits?: Record<string, string> } }> } } } }).spec.template.spec.containers[0]?.resources;
    expect(resources?.limits).toEqual({ memory: resources?.requests["memory"] });
  }, 90_000);
});

describe("what the recommender learned survives a restart", () => {
  it("restores the week from its checkpoint, not from KCE_USAGE (purged here)", async () => {
    const before = (await capture(["recommend", "--api-url", `http://127.0.0.1:${api.port}`, "-o", "json", "--status", "over-requested,under-requested,right-sized"])).out;
    await api.stop();
    await rt.jsm.streams.purge("KCE_USAGE");
    api = createApi(rt);
    await api.start();
    const after = await waitFor("recommendations restored", async () => {
      const r = await capture(["recommend", "--api-url", `http://127.0.0.1:${api.port}`, "-o", "json", "--status", "over-requested,under-requested,right-sized"]);
      return (JSON.parse(r.out || "{}") as { items?: unknown[] }).items?.length === 3 ? r.out : undefined;
    }, 20_000, 250);
    const items = (text: string) => (JSON.parse(text) as { items: Array<{ controller: string; container: string; samples: number; recommended: unknown; status: string }> }).items.map((x) => [x.controller, x.container, x.samples, x.recommended, x.status]);
    expect(items(after)).toEqual(items(before));
  }, 60_000);
});
