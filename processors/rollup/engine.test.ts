import { describe, expect, it } from "vitest";
import { readPriceSnapshot, SnapshotPriceBook } from "../../pricing/snapshot/snapshot.ts";
import { defaultConfig, podUsage, usageSnapshot } from "../../testkit/fixtures.ts";
import type { PricedSnapshot } from "../../model/events.ts";
import { priceSnapshot } from "../pricer/cost-model.ts";
import { RollupEngine } from "./engine.ts";

const config = defaultConfig({ rollup: { allowedLatenessSeconds: 60, emitIntervalSeconds: { "1m": 1, "1h": 1, "1d": 1 }, labelKeys: ["team"] } });
const book = new SnapshotPriceBook(readPriceSnapshot(), config.pricing);
const HOUR = 3_600_000;
const T0 = Date.UTC(2026, 10, 23, 10, 0, 0);

function priced(node: string, windowStartMs: number, pods = [podUsage(), podUsage({ name: "db-0", uid: "db", controllerKind: "StatefulSet", controllerName: "db", namespace: "beta", labels: {} })]): PricedSnapshot {
  return priceSnapshot(usageSnapshot({ node, windowStartMs, pods }), book, config.pricing, 0);
}

const namespaceTotal = (e: RollupEngine, res: string, ns: string, now: number): number => {
  const emitted = e.due(now).map((x) => x.rollup).filter((r) => r.resolution === res);
  return emitted.flatMap((r) => r.rows).filter((r) => r.dimension === "namespace" && r.namespace === ns).reduce((s, r) => s + r.totalCost, 0);
};

describe("rollup engine", () => {
  it("folds each snapshot once, into 1m, 1h and 1d windows", () => {
    const e = new RollupEngine(config.rollup);
    const a = priced("node-a", T0);
    expect(e.fold(a, T0)).toEqual({ kind: "folded" });
    expect(e.fold(a, T0)).toEqual({ kind: "duplicate" });
    expect(e.fold(priced("node-a", T0 + 60_000), T0)).toEqual({ kind: "folded" });
    expect(e.fold(priced("node-b", T0), T0)).toEqual({ kind: "folded" });
    expect(e.openWindows).toBe(2 + 1 + 1);
    const out = e.due(T0 + 5000);
    const hour = out.find((x) => x.rollup.resolution === "1h")?.rollup;
    expect(hour?.snapshotCount).toBe(3);
    const alpha = hour?.rows.find((r) => r.dimension === "namespace" && r.namespace === "alpha");
    expect(alpha?.totalCost).toBeCloseTo(3 * (a.pods[0]?.totalCost ?? 0), 15);
    expect(alpha?.podCount).toBe(1);
    expect(hour?.rows.find((r) => r.dimension === "controller" && r.controllerKind === "StatefulSet")?.controllerName).toBe("db");
    expect(hour?.rows.filter((r) => r.dimension === "label").map((r) => r.labelValue).sort()).toEqual(["", "payments"]);
    expect(hour?.nodes.find((n) => n.node === "node-a")?.nodeCost).toBeCloseTo(2 * a.nodeCost.windowCost, 15);
  });

  it("emits increasing revisions only when something changed, then a final one", () => {
    const e = new RollupEngine(config.rollup, T0);
    e.fold(priced("node-a", T0), T0);
    const first = e.due(T0 + 2000);
    expect(first).toHaveLength(3);
    expect(e.due(T0 + 4000)).toHaveLength(0);
    e.fold(priced("node-a", T0 + 60_000), T0 + 121_000); // published after its window ended, as agents do
    const second = e.due(T0 + 122_000);
    const hourRev = (xs: typeof first) => xs.find((x) => x.rollup.resolution === "1h")?.rollup.rev ?? -1;
    expect(hourRev(second)).toBeGreaterThan(hourRev(first));
    // event time passed the first minute plus the lateness: that 1m window is final
    expect(second.filter((x) => x.rollup.final).map((x) => x.rollup.windowStartMs - T0)).toEqual([0]);
    e.fold(priced("node-a", T0 + HOUR + 120_000), T0 + HOUR + 121_000);
    const finals = e.due(T0 + HOUR + 122_000).filter((x) => x.rollup.final).map((x) => `${x.rollup.resolution}@${x.rollup.windowStartMs - T0}`);
    expect(finals).toEqual(expect.arrayContaining(["1m@60000", "1h@0"]));
    expect(finals).not.toContain("1d@0");
  });

  it("treats a snapshot as late as a whole when any of its windows is final, so Σ1m = Σ1h = Σ1d", () => {
    const e = new RollupEngine(config.rollup, T0);
    e.fold(priced("node-a", T0 + 2 * HOUR), T0 + 2 * HOUR + 60_000);
    e.due(T0 + 2 * HOUR + 61_000);
    e.fold(priced("node-a", T0 + 3 * HOUR), T0 + 3 * HOUR + 60_000);
    e.due(T0 + 3 * HOUR + 61_000); // closes the 1m and 1h windows of T0+2h
    expect(e.fold(priced("node-b", T0 + 2 * HOUR), T0 + 3 * HOUR + 62_000)).toEqual({ kind: "late", closed: ["1m", "1h"] }); // the 1d window is open, but not alone
    const onlyMinutes = new RollupEngine({ ...config.rollup, resolutions: ["1m"] }, T0);
    onlyMinutes.fold(priced("node-a", T0 + 10 * 60_000), T0 + 11 * 60_000);
    onlyMinutes.due(T0 + 11 * 60_000 + 1000);
    expect(onlyMinutes.fold(priced("node-a", T0), T0 + 11 * 60_000)).toEqual({ kind: "late", closed: ["1m"] });
  });

  it("does not let one node's future window close the windows of others", () => {
    const e = new RollupEngine(config.rollup, T0);
    e.fold(priced("node-a", T0), T0 + 60_000);
    // node-b's clock runs an hour fast (within the pricer's skew bound it would have been refused; here the engine alone)
    e.fold(priced("node-b", T0 + HOUR), T0 + 60_000);
    e.due(T0 + 61_000);
    expect(e.fold(priced("node-c", T0), T0 + 62_000)).toEqual({ kind: "folded" }); // T0's 1m window is still open
  });

  it("closes windows on processing time once events stop, but not while catching up", () => {
    const e = new RollupEngine(config.rollup, T0);
    e.fold(priced("node-a", T0), T0);
    e.due(T0 + 1000);
    const late = e.due(T0 + 60_000 + 2 * 60_000 + 1);
    expect(late.filter((x) => x.rollup.final).map((x) => x.rollup.resolution)).toEqual(["1m"]);
    // A restored engine hours later is not idle yet: the backlog still folds into its windows.
    const restored = RollupEngine.fromJSON(config.rollup, e.toJSON(), T0 + 3 * HOUR);
    expect(restored.due(T0 + 3 * HOUR + 1000).filter((x) => x.rollup.final)).toHaveLength(0);
    expect(restored.fold(priced("node-a", T0 + 3 * 60_000), T0 + 3 * HOUR + 2000)).toEqual({ kind: "folded" });
  });

  it("survives a checkpoint round-trip: state, dedup and revisions", () => {
    const e = new RollupEngine(config.rollup);
    e.fold(priced("node-a", T0), T0);
    e.fold(priced("node-b", T0), T0);
    const before = namespaceTotal(e, "1h", "alpha", T0 + 1000);
    const restored = RollupEngine.fromJSON(config.rollup, JSON.parse(JSON.stringify(e.toJSON())));
    expect(restored.fold(priced("node-a", T0), T0 + 2000)).toEqual({ kind: "duplicate" });
    expect(restored.fold(priced("node-a", T0 + 60_000), T0 + 2000)).toEqual({ kind: "folded" });
    const after = namespaceTotal(restored, "1h", "alpha", T0 + 3000);
    expect(after).toBeCloseTo((before * 3) / 2, 15);
  });

  it("bounds the number of open windows", () => {
    const e = new RollupEngine({ ...config.rollup, maxOpenWindows: 3 });
    e.fold(priced("node-a", T0), T0);
    expect(() => e.fold(priced("node-a", T0 + 5 * 86_400_000), T0)).toThrow(/maxOpenWindows/);
  });
});

describe("pod rows", () => {
  it("emits one row per pod in 1h and 1d windows, with the configured labels, and counts pods per row", () => {
    const e = new RollupEngine(config.rollup, T0);
    e.fold(priced("node-a", T0), T0);
    e.fold(priced("node-a", T0 + 60_000), T0);
    const out = e.due(T0 + 1000);
    const hour = out.find((x) => x.rollup.resolution === "1h")?.rollup;
    const minute = out.find((x) => x.rollup.resolution === "1m")?.rollup;
    expect(minute?.rows.some((r) => r.dimension === "pod")).toBe(false);
    const pods = hour?.rows.filter((r) => r.dimension === "pod") ?? [];
    expect(pods.map((p) => p.pod).sort()).toEqual(["db-0", "web-1"]);
    const web = pods.find((p) => p.pod === "web-1");
    expect(web).toMatchObject({ namespace: "alpha", node: "node-a", controllerKind: "Deployment", labels: { team: "payments" }, podCount: 1 });
    const a = priced("node-a", T0).pods[0];
    expect(web?.totalCost).toBeCloseTo(2 * (a?.totalCost ?? 0), 15);
    expect(hour?.rows.find((r) => r.dimension === "namespace" && r.namespace === "alpha")?.podCount).toBe(1);
  });
});
