import { fileURLToPath } from "node:url";
import { Kvm } from "@nats-io/kv";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { NodeAgent } from "../../agents/node/agent.ts";
import { KubeSource, kubeAccessFrom } from "../../agents/node/kube.ts";
import type { Runtime } from "../../bus/runtime.ts";
import { snapshotId } from "../../bus/subjects.ts";
import { validateConfig } from "../../config/load.ts";
import { UNMOUNTED, VOLUMES_NODE, type PricedSnapshot } from "../../model/events.ts";
import { createPriceBook } from "../../pricing/index.ts";
import { createPricer } from "../../processors/pricer/stage.ts";
import { RollupEngine } from "../../processors/rollup/engine.ts";
import { loadScenario } from "../../sim/scenario.ts";
import { startSim, type SimServer } from "../../sim/server.ts";
import { openTestRuntime, readStream, startNatsServer, waitFor, type NatsServerHandle } from "../../testkit/index.ts";
import { testRawConfig } from "../../testkit/config.ts";

const SCENARIO = fileURLToPath(new URL("./fixtures/shared-storage.yaml", import.meta.url));
const NODES = ["node-a.ec2.internal", "node-b.ec2.internal"];

let nats: NatsServerHandle;
let sim: SimServer;
let rt: Runtime;
const agents = new Map<string, NodeAgent>();
const stages: Array<{ stop(): Promise<void> }> = [];

async function priced(): Promise<PricedSnapshot[]> {
  const msgs = await readStream(rt.js, rt.jsm, "KCE_PRICED");
  return Promise.all(msgs.map((m) => rt.codecs.priced.decode(m.data, m.headers)));
}
const inventories = async (): Promise<PricedSnapshot[]> => (await priced()).filter((p) => p.node === VOLUMES_NODE);

beforeAll(async () => {
  nats = await startNatsServer();
  sim = await startSim({ scenario: loadScenario(SCENARIO) });
  const raw = testRawConfig(nats.url, { cluster: "storage", agent: { intervalSeconds: 2, samplesPerInterval: 2, volumeInventory: { leaseSeconds: 2 } } });
  rt = await openTestRuntime(validateConfig(raw));
  const pricer = createPricer(rt, createPriceBook(rt.config.pricing));
  await pricer.start();
  stages.push(pricer);
  for (const node of NODES) {
    const agent = new NodeAgent(rt, new KubeSource(kubeAccessFrom({ server: sim.url })), { nodeName: node });
    agents.set(node, agent);
    await agent.start();
  }
});

afterAll(async () => {
  for (const agent of agents.values()) await agent.stop();
  for (const stage of stages.reverse()) await stage.stop();
  await rt?.close();
  await sim?.close();
  await nats?.stop();
});

describe("storage that adds up across a cluster (volume inventory)", () => {
  it("publishes one inventory per window listing every PV, mounted or not, and another agent takes over when its holder stops", async () => {
    const first = await waitFor("three inventories", async () => ((await inventories()).length >= 3 ? inventories() : undefined), 20_000, 250);
    const ids = first.map((p) => snapshotId(p.cluster, p.node, p.windowStartMs));
    expect(new Set(ids).size).toBe(ids.length);
    const latest = first.at(-1);
    expect(latest?.pods).toEqual([]);
    expect(latest?.nodeCost.windowCost).toBe(0);
    const names = (latest?.volumes ?? []).map((v) => `${v.pvName}:${v.claimNamespace}/${v.claimName}`).sort();
    expect(names.filter((n) => n.startsWith("pv-"))).toEqual(["pv-old:shop/data-db-3", "pv-released:shop/data-db-4", "pv-spare:/"]);
    expect(names.filter((n) => n.endsWith("web/assets-data"))).toHaveLength(1);
    expect(latest?.volumes.every((v) => v.windowCost > 0 && v.priceSource !== "")).toBe(true);

    // Stop whichever agent holds the lease (it releases it): the other publishes from the next window on.
    const holder = (await (await new Kvm(rt.nc).open("KCE_AGENT_LEASE")).get("volumes-storage"))?.string() ?? "";
    expect(NODES).toContain(holder);
    const before = (await inventories()).length;
    await agents.get(holder)?.stop();
    agents.delete(holder);
    await waitFor("inventories continue after an agent stops", async () => (await inventories()).length >= before + 3, 20_000, 250);
  });

  it("charges each volume exactly once through the real agent and pricer: the shared claim split among its three pods, the rest __unmounted__", async () => {
    const all = await priced();
    const inventoryWindows = new Set(all.filter((p) => p.node === VOLUMES_NODE).map((p) => p.windowStartMs));
    const nodeWindows = new Set(all.filter((p) => p.node !== VOLUMES_NODE).map((p) => p.windowStartMs));
    // Windows both sides reported (an agent's first and last windows may have no inventory, or the reverse).
    const complete = all.filter((p) => inventoryWindows.has(p.windowStartMs) && nodeWindows.has(p.windowStartMs));
    const inventory = complete.filter((p) => p.node === VOLUMES_NODE);
    expect(inventory.length).toBeGreaterThanOrEqual(3);
    const listCost = inventory.flatMap((p) => p.volumes).reduce((s, v) => s + v.windowCost, 0);
    const sharedList = inventory.flatMap((p) => p.volumes).filter((v) => v.claimName === "assets-data").reduce((s, v) => s + v.windowCost, 0);
    // The pricer alone charges the shared claim once per node mounting it (two, until one agent stops): more than its list cost.
    const charged = complete.filter((p) => p.node !== VOLUMES_NODE).flatMap((p) => p.pods).reduce((s, p) => s + p.pvCost, 0);
    expect(charged).toBeGreaterThan(sharedList * 1.05);

    const engine = new RollupEngine(rt.config.rollup, 0);
    for (const p of complete) engine.fold(p, p.windowStartMs + p.windowSeconds * 1000);
    const day = engine.due(Date.now() + 10 * 86_400_000).map((e) => e.rollup).filter((r) => r.resolution === "1d");
    const rows = day.flatMap((r) => r.rows);
    const pvOf = (pred: (r: (typeof rows)[number]) => boolean): number => rows.filter(pred).reduce((s, r) => s + r.pvCost, 0);
    expect(Math.abs(pvOf((r) => r.dimension === "namespace") - listCost) / listCost).toBeLessThan(1e-9);
    expect(Math.abs(pvOf((r) => r.dimension === "namespace" && r.namespace === "web") - sharedList) / sharedList).toBeLessThan(1e-9);
    const unmounted = inventory.flatMap((p) => p.volumes).filter((v) => v.claimName !== "assets-data");
    const shop = unmounted.filter((v) => v.claimNamespace === "shop").reduce((s, v) => s + v.windowCost, 0);
    const unclaimed = unmounted.filter((v) => v.claimNamespace === "").reduce((s, v) => s + v.windowCost, 0);
    expect(pvOf((r) => r.dimension === "namespace" && r.namespace === "shop")).toBeCloseTo(shop, 12);
    expect(pvOf((r) => r.dimension === "namespace" && r.namespace === UNMOUNTED)).toBeCloseTo(unclaimed, 12);
    expect(rows.find((r) => r.dimension === "controller" && r.namespace === "shop")?.controllerName).toBe(UNMOUNTED);
  });
});
