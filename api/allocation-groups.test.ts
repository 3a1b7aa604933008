import { describe, expect, it } from "vitest";
import type { PricedSnapshot } from "../model/events.ts";
import { readPriceSnapshot, SnapshotPriceBook } from "../pricing/snapshot/snapshot.ts";
import { priceSnapshot } from "../processors/pricer/cost-model.ts";
import { RollupEngine } from "../processors/rollup/engine.ts";
import { defaultConfig, nodeInfo, podUsage, usageSnapshot } from "../testkit/fixtures.ts";
import { computeAllocations } from "./allocation.ts";
import { parseFilter } from "./filter.ts";
import { RollupIndex } from "./rollup-index.ts";
import { HOUR_MS } from "./window.ts";

const NOW = Date.UTC(2026, 10, 23, 10, 30, 0);

// The scan works a pod's filter, name and properties out once per distinct identity (uid, node, names, labels):
// a pod whose labels change between windows is two identities of one pod.
describe("allocations summed from the packed columns", () => {
  const config = defaultConfig({ rollup: { emitIntervalSeconds: { "1m": 1, "1h": 1, "1d": 1 }, labelKeys: ["team"] } });
  const book = new SnapshotPriceBook(readPriceSnapshot(), config.pricing);
  const hourStart = NOW - (NOW % HOUR_MS);
  const snapshots: PricedSnapshot[] = [];
  for (let m = 0; m < 120; m += 10) {
    const team = m < 60 ? "payments" : "checkout";
    const pods = [podUsage({ name: "web-1", uid: "w1", labels: { team, tier: "front" } }), podUsage({ name: "web-2", uid: "w2", labels: { team: "payments", tier: "front" } })];
    const snap = usageSnapshot({ node: "a", nodeInfo: nodeInfo(), windowStartMs: hourStart - 2 * HOUR_MS + m * 60_000, pods });
    snapshots.push(priceSnapshot(snap, book, config.pricing, 0));
  }
  const engine = new RollupEngine(config.rollup, NOW);
  for (const s of snapshots) engine.fold(s, NOW);
  const index = new RollupIndex({ hourlyRetentionHours: 48, dailyRetentionDays: 35 });
  for (const e of engine.due(NOW)) index.apply(e.rollup);
  const query = (aggregate: string[], filter: string | null = null) =>
    computeAllocations(index, { range: { startMs: NOW - 3 * HOUR_MS, endMs: NOW }, aggregate, filter: parseFilter(filter), idle: false, shareIdle: false }, NOW).allocations;
  const cost = (pred: (team: string, pod: string) => boolean) =>
    snapshots.reduce((acc, s) => acc + s.pods.filter((p) => pred(p.labels["team"] ?? "", p.name)).reduce((x, p) => x + p.totalCost, 0), 0);

  it("keeps a pod whose labels changed as one pod, without the label that changed", () => {
    const pods = query(["pod"]);
    const web1 = pods.find((a) => a.name === "web-1");
    expect(web1?.podCount).toBe(1);
    expect(web1?.totalCost).toBeCloseTo(cost((_, pod) => pod === "web-1"), 12);
    expect(web1?.properties["labels"]).toBeUndefined();
    expect(pods.find((a) => a.name === "web-2")?.properties["labels"]).toEqual({ team: "payments" });
  });

  it("puts each identity's rows in the group its labels name, counting the pod in both", () => {
    const byTeam = new Map(query(["label:team"]).map((a) => [a.name, a]));
    expect(byTeam.get("checkout")?.totalCost).toBeCloseTo(cost((team) => team === "checkout"), 12);
    expect(byTeam.get("checkout")?.podCount).toBe(1);
    expect(byTeam.get("payments")?.totalCost).toBeCloseTo(cost((team) => team === "payments"), 12);
    expect(byTeam.get("payments")?.podCount).toBe(2);
  });

  it("filters each identity on its own labels", () => {
    const paying = query(["namespace"], 'label[team]:"payments"');
    expect(paying.map((a) => a.name)).toEqual(["alpha"]);
    expect(paying[0]?.totalCost).toBeCloseTo(cost((team) => team === "payments"), 12);
    expect(paying[0]?.podCount).toBe(2);
    expect(query(["namespace"], 'label[team]:"checkout"')[0]?.podCount).toBe(1);
  });
});
