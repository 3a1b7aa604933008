/**
 * The real kubectl-cost plugin (github.com/kubecost/kubectl-cost) against this API, request for request.
 * Its requests are replayed as its source sends them (pkg/cmd/aggregatedcommandbuilder.go, label.go,
 * node.go; pkg/query/allocation.go, assetsapi.go, configapi.go: through the Kubernetes API server's
 * service proxy to service kubecost/kubecost-cost-analyzer:9090, its defaults, paths /model/allocation,
 * /model/assets and /model/getConfigs), and every answer is decoded the way Go's encoding/json decodes
 * it into the structs it uses (opencost.Allocation, query.AssetNode), then displayed as its
 * display/output.go computes: names split on "/" against the aggregation, TotalCost() summed from the
 * fields (PV cost from `pvs`), monthly rate = TotalCost() × 43,200 ÷ Minutes() from start/end.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fileURLToPath } from "node:url";
import type { ApiServer } from "../../api/server.ts";
import { startApiServer } from "../../api/server.ts";
import { NodeRates } from "../../api/rates.ts";
import { RollupIndex } from "../../api/rollup-index.ts";
import type { PricedSnapshot } from "../../model/events.ts";
import { readPriceSnapshot, SnapshotPriceBook } from "../../pricing/snapshot/snapshot.ts";
import { priceSnapshot } from "../../processors/pricer/cost-model.ts";
import { RollupEngine } from "../../processors/rollup/engine.ts";
import { loadScenario } from "../../sim/scenario.ts";
import { startSim, type SimServer } from "../../sim/server.ts";
import { defaultConfig, nodeInfo, podUsage, usageSnapshot } from "../../testkit/fixtures.ts";

const HOUR = 3_600_000;
const GiB = 2 ** 30;
const NOW = Math.floor(Date.now() / HOUR) * HOUR + 20 * 60_000;
const SCENARIO = fileURLToPath(new URL("./fixtures/two-nodes.yaml", import.meta.url));

type Json = Record<string, unknown>;

// Go field kinds of the structs kubectl-cost decodes into (opencost core allocation.go, kubectl-cost assetsapi.go).
type Kind = "string" | "number" | "time" | "object" | "pvs" | "window" | "stringMap";
const ALLOCATION: Record<string, Kind> = {
  name: "string", properties: "object", window: "window", start: "time", end: "time",
  cpuCoreHours: "number", cpuCoreRequestAverage: "number", cpuCoreUsageAverage: "number", cpuCost: "number", cpuCostAdjustment: "number",
  gpuHours: "number", gpuCost: "number", gpuCostAdjustment: "number",
  networkTransferBytes: "number", networkReceiveBytes: "number", networkCost: "number", networkCrossZoneCost: "number",
  networkCrossRegionCost: "number", networkInternetCost: "number", networkCostAdjustment: "number",
  loadBalancerCost: "number", loadBalancerCostAdjustment: "number", pvs: "pvs", pvCostAdjustment: "number",
  ramByteHours: "number", ramByteRequestAverage: "number", ramByteUsageAverage: "number", ramCost: "number", ramCostAdjustment: "number",
  sharedCost: "number", externalCost: "number",
};
const PROPERTIES: Record<string, Kind> = {
  cluster: "string", node: "string", container: "string", controller: "string", controllerKind: "string", namespace: "string", pod: "string",
  providerID: "string", labels: "stringMap", annotations: "stringMap", namespaceLabels: "stringMap", namespaceAnnotations: "stringMap",
};
const ASSET_NODE: Record<string, Kind> = {
  type: "string", properties: "object", labels: "stringMap", start: "string", end: "string", minutes: "number", nodeType: "string",
  cpuCores: "number", ramBytes: "number", cpuCoreHours: "number", ramByteHours: "number", GPUHours: "number", cpuBreakdown: "object",
  ramBreakdown: "object", preemptible: "number", discount: "number", cpuCost: "number", gpuCost: "number", gpuCount: "number",
  ramCost: "number", adjustment: "number", totalCost: "number",
};
const ASSET_PROPERTIES = ["category", "provider", "account", "project", "service", "cluster", "name", "providerID"];
const BREAKDOWN = ["idle", "other", "system", "user"];
// Every key OpenCost's AllocationJSON writes (allocation_json.go), but the omitempty ones.
const ALLOCATION_JSON_KEYS = [
  "name", "properties", "window", "start", "end", "minutes", "cpuCores", "cpuCoreRequestAverage", "cpuCoreLimitAverage", "cpuCoreUsageAverage",
  "cpuCoreHours", "cpuCost", "cpuCostAdjustment", "cpuCostIdle", "cpuEfficiency", "gpuCount", "gpuHours", "gpuCost", "gpuCostAdjustment",
  "gpuCostIdle", "gpuEfficiency", "networkTransferBytes", "networkReceiveBytes", "networkCost", "networkCrossZoneCost", "networkCrossRegionCost",
  "networkInternetCost", "networkCostAdjustment", "loadBalancerCost", "loadBalancerCostAdjustment", "pvBytes", "pvByteHours", "pvCost", "pvs",
  "pvCostAdjustment", "ramBytes", "ramByteRequestAverage", "ramByteLimitAverage", "ramByteUsageAverage", "ramByteHours", "ramCost",
  "ramCostAdjustment", "ramCostIdle", "ramEfficiency", "externalCost", "sharedCost", "totalCost", "totalEfficiency", "lbAllocations", "gpuAllocation",
];

/** Go's time.Time UnmarshalJSON: RFC 3339. */
const goTime = (v: unknown): number => {
  if (typeof v !== "string" || !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/.test(v)) throw new Error(`not an RFC 3339 time: ${JSON.stringify(v)}`);
  return Date.parse(v);
};

/** What encoding/json would refuse: a present, non-null value of the wrong type (absent or null → zero value). */
function decodeErrors(value: Json, fields: Record<string, Kind>, where: string): string[] {
  const errors: string[] = [];
  for (const [key, kind] of Object.entries(fields)) {
    const v = value[key];
    if (v === undefined || v === null) continue;
    const bad = (why: string) => errors.push(`${where}.${key}: ${why} (${JSON.stringify(v).slice(0, 80)})`);
    if (kind === "string" && typeof v !== "string") bad("not a string");
    if (kind === "number" && typeof v !== "number") bad("not a number");
    if (kind === "time") {
      try {
        goTime(v);
      } catch (e) {
        bad((e as Error).message);
      }
    }
    if ((kind === "object" || kind === "window") && (typeof v !== "object" || Array.isArray(v))) bad("not an object");
    if (kind === "window") for (const k of ["start", "end"]) if ((v as Json)[k] !== null) goTime((v as Json)[k]);
    if (kind === "stringMap" && (typeof v !== "object" || Object.values(v as Json).some((x) => typeof x !== "string"))) bad("not a map of strings");
    if (kind === "pvs") {
      for (const [pvKey, pv] of Object.entries(v as Json)) {
        // PVKey.UnmarshalText: "cluster=<c>:name=<n>", exactly one ":".
        if (pvKey.split(":").length !== 2) bad(`PV key ${pvKey} does not parse as a PVKey`);
        const p = pv as Json;
        if (typeof p["cost"] !== "number" || typeof p["byteHours"] !== "number") bad(`PV ${pvKey} lacks numeric cost/byteHours`);
      }
    }
  }
  return errors;
}

/** opencost.Allocation's TotalCost(), PVCost() and Minutes(), as kubectl-cost calls them. */
const num = (a: Json, k: string): number => (typeof a[k] === "number" ? (a[k]) : 0);
const pvCostOf = (a: Json): number => Object.values((a["pvs"] ?? {}) as Record<string, { cost: number }>).reduce((s, p) => s + p.cost, 0);
const totalCostOf = (a: Json): number =>
  num(a, "cpuCost") + num(a, "cpuCostAdjustment") + num(a, "gpuCost") + num(a, "gpuCostAdjustment") + num(a, "ramCost") + num(a, "ramCostAdjustment") +
  pvCostOf(a) + num(a, "pvCostAdjustment") + num(a, "networkCost") + num(a, "networkCostAdjustment") + num(a, "loadBalancerCost") +
  num(a, "loadBalancerCostAdjustment") + num(a, "sharedCost") + num(a, "externalCost");
const minutesOf = (a: Json): number => (goTime(a["end"]) - goTime(a["start"])) / 60_000;

let sim: SimServer;
let api: ApiServer;
let expectedTotal = 0;
let expectedPv = 0;
let expectedNodeCost = 0;

beforeAll(async () => {
  const config = defaultConfig({ rollup: { emitIntervalSeconds: { "1m": 1, "1h": 1, "1d": 1 } } });
  const book = new SnapshotPriceBook(readPriceSnapshot(), config.pricing);
  const web = (i: number) => podUsage({ namespace: "shop", name: `web-${i}`, uid: `web-${i}`, controllerKind: "Deployment", controllerName: "web", labels: { app: "web", team: "payments" } });
  const db = podUsage({ namespace: "shop", name: "db-0", uid: "db-0", controllerKind: "StatefulSet", controllerName: "db", labels: { app: "db" }, claims: ["data-db-0"] });
  const job = podUsage({ namespace: "batch", name: "report-1", uid: "report-1", controllerKind: "Job", controllerName: "report", labels: {} });
  const volume = { pvName: "pvc-db", volumeId: "vol-0db", storageClass: "gp3", capacityBytes: 100 * GiB, claimNamespace: "shop", claimName: "data-db-0", usedBytes: 0 };
  const priced: PricedSnapshot[] = [];
  // Two hours of a day: every pod ran 2 h, so kubectl-cost's monthly rate must divide by ~120 minutes, not 1,440.
  for (let m = 0; m < 120; m += 10) {
    const start = NOW - 2 * HOUR - (NOW % HOUR) + m * 60_000;
    priced.push(priceSnapshot(usageSnapshot({ cluster: "prod", node: "node-a", nodeInfo: nodeInfo(), windowStartMs: start, windowSeconds: 600, pods: [web(1), web(2), db].map((p) => ({ ...p, runningSeconds: 600 })), volumes: [volume] }), book, config.pricing, 0));
    priced.push(priceSnapshot(usageSnapshot({ cluster: "prod", node: "node-b", nodeInfo: nodeInfo({ instanceType: "m5.large", capacityType: "SPOT", cpuCores: 2, memoryBytes: 8 * GiB }), windowStartMs: start, windowSeconds: 600, pods: [{ ...job, runningSeconds: 600 }] }), book, config.pricing, 0));
  }
  const engine = new RollupEngine(config.rollup, NOW);
  for (const p of priced) engine.fold(p, NOW);
  const index = new RollupIndex({ hourlyRetentionHours: 48, dailyRetentionDays: 35 });
  for (const e of engine.due(NOW)) index.apply(e.rollup);
  const rates = new NodeRates(86_400_000);
  for (const p of priced) rates.apply(p, NOW);
  expectedPv = priced.flatMap((p) => p.pods).reduce((s, p) => s + p.pvCost, 0);
  expectedNodeCost = priced.reduce((s, p) => s + p.nodeCost.windowCost, 0);
  expectedTotal = expectedNodeCost + expectedPv;
  api = await startApiServer({ index, rates, labelKeys: config.rollup.labelKeys, maxResponseRows: 10_000, currencyCode: "USD", now: () => NOW }, "127.0.0.1", 0, () => true);
  sim = await startSim({ scenario: loadScenario(SCENARIO) });
  // kubectl-cost's defaults: release "kubecost" → service kubecost/kubecost-cost-analyzer, port 9090.
  sim.addService("kubecost", "kubecost-cost-analyzer", 9090, `http://127.0.0.1:${api.port}`);
});

afterAll(async () => {
  await api?.close();
  await sim?.close();
});

/** client-go's Services("kubecost").ProxyGet("", "kubecost-cost-analyzer", "9090", path, params). */
async function proxyGet(path: string, params: Record<string, string>): Promise<Json> {
  const url = `${sim.url}/api/v1/namespaces/kubecost/services/kubecost-cost-analyzer:9090/proxy${path}?${new URLSearchParams(params).toString()}`;
  const res = await fetch(url);
  expect(res.status, `${path} ${JSON.stringify(params)}`).toBe(200);
  return (await res.json()) as Json;
}

/** kubectl-cost's aggregated commands (cost.go): the exact parameters it sends. */
const COMMANDS: Array<{ command: string; aggregation: string[]; namespace?: string }> = [
  { command: "namespace", aggregation: ["cluster", "namespace"] },
  { command: "deployment", aggregation: ["cluster", "namespace", "deployment"], namespace: "" },
  { command: "controller", aggregation: ["cluster", "namespace", "controller"], namespace: "shop" },
  { command: "pod", aggregation: ["cluster", "namespace", "pod"], namespace: "" },
];

describe("the real kubectl-cost plugin's requests, decoded as it decodes them", () => {
  it("reports the currency from /model/getConfigs", async () => {
    const body = await proxyGet("/model/getConfigs", {});
    expect((body["data"] as Json)["currencyCode"]).toBe("USD");
  });

  for (const c of [...COMMANDS, { command: "label", aggregation: ["cluster", "label:app"] }]) {
    it(`kubectl cost ${c.command}: decodes into opencost.Allocation, names split as its table expects, PV cost and monthly rate right`, async () => {
      const params: Record<string, string> = { window: "1d", aggregate: c.aggregation.join(","), accumulate: "true", includeIdle: "true", idle: "true" };
      if (c.command !== "label") params["filterNamespaces"] = (c as { namespace?: string }).namespace ?? "";
      const body = await proxyGet("/model/allocation", params);
      expect(body["code"]).toBe(200);
      expect(body["warning"]).toBeUndefined();
      const sets = body["data"] as Array<Record<string, Json>>;
      expect(Array.isArray(sets) && sets.length).toBe(1);
      const allocations = Object.entries(sets[0] ?? {});
      expect(allocations.length).toBeGreaterThan(1);
      let total = 0;
      let pv = 0;
      for (const [key, a] of allocations) {
        expect(decodeErrors(a, ALLOCATION, key)).toEqual([]);
        expect(decodeErrors((a["properties"] ?? {}) as Json, PROPERTIES, `${key}.properties`)).toEqual([]);
        expect(a["name"]).toBe(key);
        for (const k of ALLOCATION_JSON_KEYS) expect(Object.hasOwn(a, k), `${key} lacks ${k}`).toBe(true);
        // display/output.go: "__idle__" fills every column; any other name splits into one part per aggregate, or it panics.
        if (a["name"] !== "__idle__") expect((a["name"] as string).split("/")).toHaveLength(c.aggregation.length);
        // TotalCost() from the fields equals the answer's totalCost: PV cost is in `pvs`.
        expect(totalCostOf(a)).toBeCloseTo(a["totalCost"] as number, 9);
        expect(pvCostOf(a)).toBeCloseTo(a["pvCost"] as number, 12);
        // Minutes() from start/end is the allocation's own span (2 h of the 1 d window), as `minutes` says.
        expect(minutesOf(a)).toBeCloseTo(a["minutes"] as number, 9);
        expect(minutesOf(a)).toBeLessThanOrEqual(121);
        total += totalCostOf(a);
        pv += pvCostOf(a);
      }
      if (c.command === "namespace" || c.command === "label") {
        expect(total).toBeCloseTo(expectedTotal, 9);
        expect(pv).toBeCloseTo(expectedPv, 12);
        expect(pv).toBeGreaterThan(0);
      }
      // One __idle__ row (a namespace filter leaves none: idle belongs to no namespace).
      const filtered = ((c as { namespace?: string }).namespace ?? "") !== "";
      expect(allocations.filter(([k]) => k === "__idle__")).toHaveLength(filtered ? 0 : 1);
      const shop = allocations.find(([k]) => k === "prod/shop" || k === "prod/shop/statefulset:db" || k === "prod/shop/db-0" || k === "prod/db")?.[1];
      if (c.command !== "deployment") {
        expect(shop, `an allocation with the volume in ${c.command}`).toBeDefined();
        const monthly = (totalCostOf(shop ?? {}) * 43_200) / minutesOf(shop ?? {});
        expect(monthly).toBeCloseTo(((shop?.["totalCost"] as number) * 43_200) / 120, 6);
      } else {
        expect(allocations.map(([k]) => k).sort()).toEqual(["__idle__", "prod/batch/__unallocated__", "prod/shop/__unallocated__", "prod/shop/web"]);
      }
    });
  }

  it("kubectl cost node: /model/assets decodes into its AssetNode struct and sums to the nodes' cost", async () => {
    const body = await proxyGet("/model/assets", { window: "1d", accumulate: "true", filterTypes: "Node" });
    expect(body["warning"]).toBeUndefined();
    const sets = body["data"] as Array<Record<string, Json>>;
    const nodes = Object.entries(sets[0] ?? {});
    expect(nodes.map(([, n]) => (n["properties"] as Json)["name"]).sort()).toEqual(["node-a", "node-b"]);
    let sum = 0;
    for (const [key, n] of nodes) {
      expect(decodeErrors(n, ASSET_NODE, key)).toEqual([]);
      for (const k of Object.keys(n["properties"] as Json)) expect(ASSET_PROPERTIES).toContain(k);
      for (const b of ["cpuBreakdown", "ramBreakdown"]) expect(Object.keys(n[b] as Json).sort()).toEqual([...BREAKDOWN].sort());
      expect(n["minutes"]).toBeCloseTo(120, 6);
      expect(n["cpuCores"]).toBeGreaterThan(0);
      sum += n["totalCost"] as number;
    }
    expect(sum).toBeCloseTo(expectedNodeCost, 9);
    expect(nodes.find(([, n]) => (n["properties"] as Json)["name"] === "node-b")?.[1]["preemptible"]).toBe(1);
  });
});
