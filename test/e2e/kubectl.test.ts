import { tempDir } from "../../testkit/tempdir.ts";
import { execFile } from "node:child_process";
import { join } from "node:path";
import { promisify } from "node:util";
import { CoreV1Api, KubeConfig, Watch } from "@kubernetes/client-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Informer } from "../../agents/node/informer.ts";
import { kubeAccessFrom } from "../../agents/node/kube.ts";
import { builtinScenario, loadScenario } from "../../sim/scenario.ts";
import { startSim, type SimServer } from "../../sim/server.ts";
import { waitFor } from "../../testkit/index.ts";

const run = promisify(execFile);

/** The simulator as @kubernetes/client-node sees it (plain http: "skip" TLS verification). */
function kubeConfigFor(server: string): KubeConfig {
  const kc = new KubeConfig();
  kc.loadFromOptions({ clusters: [{ name: "sim", server, skipTLSVerify: true }], users: [{ name: "u" }], contexts: [{ name: "sim", cluster: "sim", user: "u" }], currentContext: "sim" });
  return kc;
}
let sim: SimServer;
const cacheDir = tempDir("kce-kubectl-");

async function kubectl(...args: string[]): Promise<string> {
  const { stdout } = await run("kubectl", ["--server", sim.url, "--cache-dir", cacheDir, ...args], { env: { ...process.env, KUBECONFIG: join(cacheDir, "none") } });
  return stdout;
}

beforeAll(async () => {
  sim = await startSim({ scenario: loadScenario(builtinScenario("demo")) });
});

afterAll(async () => {
  await sim?.close();
});

describe("the Kubernetes API simulator speaks the real protocol", () => {
  it("kubectl get nodes", async () => {
    const out = await kubectl("get", "nodes");
    expect(out.split("\n")[0]).toMatch(/^NAME\s+STATUS\s+ROLES\s+AGE\s+VERSION/);
    for (const node of ["ip-10-0-1-10.ec2.internal", "ip-10-0-2-20.ec2.internal", "ip-10-0-3-30.ec2.internal", "ip-10-0-4-40.ec2.internal"]) {
      expect(out).toMatch(new RegExp(`^${node.replace(/\./g, "\\.")}\\s+Ready`, "m"));
    }
  });

  it("kubectl get pods -A -o wide", async () => {
    const lines = (await kubectl("get", "pods", "-A", "-o", "wide")).trim().split("\n");
    expect(lines[0]).toMatch(/^NAMESPACE\s+NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE\s+IP\s+NODE/);
    const rows = lines.slice(1);
    expect(rows.length).toBeGreaterThanOrEqual(40);
    expect(new Set(rows.map((r) => r.split(/\s+/)[0]))).toEqual(new Set(["dev", "kube-system", "ml-training", "monitoring", "production", "staging"]));
    expect(rows.every((r) => /ip-10-0-\d-\d0\.ec2\.internal/.test(r))).toBe(true);
  });

  it("kubectl get pods -A --field-selector spec.nodeName=X returns only that node's pods", async () => {
    const node = "ip-10-0-2-20.ec2.internal";
    const all = await kubectl("get", "pods", "-A", "-o", "wide");
    const expected = all.trim().split("\n").slice(1).filter((r) => r.includes(node)).map((r) => r.split(/\s+/)[1]);
    const out = await kubectl("get", "pods", "-A", "--field-selector", `spec.nodeName=${node}`, "-o", "jsonpath={.items[*].metadata.name}");
    expect(out.split(" ").sort()).toEqual(expected.sort());
    expect(expected.length).toBeGreaterThan(5);
  });

  it("kubectl reads PVs, claims, workloads and the kubelet Summary through the node proxy", async () => {
    expect(await kubectl("get", "pvc", "-n", "production")).toMatch(/data-postgres-0\s+Bound\s+pvc-/);
    expect(await kubectl("get", "deployments", "-n", "production")).toMatch(/^api\s+6\/6/m);
    const summary = JSON.parse(await kubectl("get", "--raw", "/api/v1/nodes/ip-10-0-1-10.ec2.internal/proxy/stats/summary")) as { pods: Array<{ containers: Array<{ cpu: { usageCoreNanoSeconds: number } }> }> };
    expect(summary.pods.length).toBeGreaterThan(5);
    expect(summary.pods[0]?.containers[0]?.cpu.usageCoreNanoSeconds).toBeTypeOf("number");
  });

  it("serves list + watch with resource versions to @kubernetes/client-node, and 410 Gone for expired versions", async () => {
    const kc = kubeConfigFor(sim.url);
    const list = await kc.makeApiClient(CoreV1Api).listPodForAllNamespaces({ fieldSelector: "spec.nodeName=ip-10-0-1-10.ec2.internal" });
    const rv = list.metadata?.resourceVersion ?? "";
    expect(Number(rv)).toBeGreaterThan(0);
    const events: string[] = [];
    const controller = await new Watch(kc).watch("/api/v1/pods", { resourceVersion: rv, fieldSelector: "spec.nodeName=ip-10-0-1-10.ec2.internal" }, (type, obj: { spec: { nodeName: string } }) => {
      events.push(`${type}:${obj.spec.nodeName}`);
    }, () => undefined);
    // dev/sandbox pods are replaced every 180 s and production/api every 300 s: advance the world
    sim.world.tick(Date.now() + 400_000);
    await waitFor("watch events for the churned pods", () => events.some((e) => e.startsWith("DELETED")) && events.some((e) => e.startsWith("ADDED")));
    expect(events.every((e) => e.endsWith(":ip-10-0-1-10.ec2.internal"))).toBe(true);
    controller.abort();
    // push resource version 1 out of the event history, then ask to resume from it
    for (let i = 1; i <= 1200; i++) sim.world.tick(Date.now() + 400_000 + i * 300_000);
    const gone: Array<{ type: string; code: number | undefined }> = [];
    const c2 = await new Watch(kc).watch("/api/v1/pods", { resourceVersion: "1" }, (type, obj: { code?: number }) => gone.push({ type, code: obj.code }), () => undefined);
    await waitFor("410 Gone", () => gone.length > 0);
    expect(gone[0]).toEqual({ type: "ERROR", code: 410 });
    c2.abort();
  });

  it("the agent's own list+watch (no client-node) follows churn and relists after a 410 Gone", async () => {
    const informer = new Informer<{ metadata?: { name?: string; uid?: string }; spec?: { nodeName?: string } }>(kubeAccessFrom({ server: sim.url }), "/api/v1/pods", { fieldSelector: "spec.nodeName=ip-10-0-1-10.ec2.internal" });
    const names = new Set<string>();
    const log: string[] = [];
    let connects = 0;
    informer.on("add", (p) => (names.add(p.metadata?.name ?? ""), log.push(`add:${p.spec?.nodeName ?? ""}`)));
    informer.on("update", (p) => log.push(`update:${p.spec?.nodeName ?? ""}`));
    informer.on("delete", (p) => (names.delete(p.metadata?.name ?? ""), log.push(`delete:${p.spec?.nodeName ?? ""}`)));
    informer.on("connect", () => (connects += 1));
    await informer.start();
    expect(connects).toBe(1);
    const listed = names.size;
    expect(listed).toBeGreaterThan(3);
    const t = Date.now() + 400_000_000; // after the world time the test above left
    sim.world.tick(t + 400_000);
    await waitFor("the informer to see churn", () => log.some((e) => e.startsWith("delete")) && log.filter((e) => e.startsWith("add")).length > listed);
    expect(log.every((e) => e.endsWith(":ip-10-0-1-10.ec2.internal"))).toBe(true);
    // Push the informer's version out of the server's history while it is not watching: the next watch gets 410 and relists.
    await informer.stop();
    for (let i = 1; i <= 1200; i++) sim.world.tick(t + 400_000 + i * 300_000);
    const before = connects;
    await informer.start();
    await waitFor("a relist", () => connects > before);
    const pods = (await (await fetch(`${sim.url}/api/v1/pods?fieldSelector=spec.nodeName%3Dip-10-0-1-10.ec2.internal`)).json()) as { items: Array<{ metadata: { name: string } }> };
    expect([...names].sort()).toEqual(pods.items.map((p) => p.metadata.name).sort());
    await informer.stop();
  });
});
