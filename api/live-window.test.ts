import { describe, expect, it } from "vitest";
import type { CostRollup, RollupRow } from "../model/events.ts";
import { readPriceSnapshot, SnapshotPriceBook } from "../pricing/snapshot/snapshot.ts";
import { priceSnapshot } from "../processors/pricer/cost-model.ts";
import { RollupEngine } from "../processors/rollup/engine.ts";
import { defaultConfig, podUsage, usageSnapshot } from "../testkit/fixtures.ts";
import { rowIdentity } from "./row-layout.ts";
import { materialize, RollupIndex } from "./rollup-index.ts";
import { HOUR_MS } from "./window.ts";

const config = defaultConfig({ rollup: { allowedLatenessSeconds: 600, emitIntervalSeconds: { "1m": 1, "1h": 1, "1d": 1 }, labelKeys: ["team"], liveIntervalSeconds: 1 } });
const book = new SnapshotPriceBook(readPriceSnapshot(), config.pricing);
const HOUR = Date.UTC(2026, 10, 23, 10, 0, 0);
const NOW = HOUR + 30 * 60_000;

const pods = (n: number) =>
  Array.from({ length: n }, (_, i) => podUsage({ name: `web-${i}`, uid: `web-${i}`, namespace: i % 2 === 0 ? "alpha" : "beta", labels: { team: i % 3 === 0 ? "pay" : "core" } }));
const priced = (node: string, minute: number, n = 4) => priceSnapshot(usageSnapshot({ node, windowStartMs: HOUR + minute * 60_000, pods: pods(n) }), book, config.pricing, 0);

const hourOf = (emitted: CostRollup[]): CostRollup => {
  const r = emitted.find((x) => x.resolution === "1h");
  if (r === undefined) throw new Error("no 1h window emitted");
  return r;
};
const byIdentity = (rows: Iterable<RollupRow>) => new Map([...rows].map((r) => [rowIdentity(r), r]));

describe("live updates of open 1h windows", () => {
  it("carry only what changed since the last revision, with the totals a revision would have", () => {
    const e = new RollupEngine(config.rollup, NOW);
    e.fold(priced("node-a", 0), NOW);
    e.fold(priced("node-b", 0, 2), NOW);
    hourOf(e.due(NOW).map((x) => x.rollup));
    expect(e.live(NOW + 1).map((r) => r.rollup)).toEqual([]);
    e.fold(priced("node-b", 1, 2), NOW + 1000);
    const update = hourOf(e.live(NOW + 1000).map((r) => r.rollup));
    // node-b's two pods (web-0 alpha/pay, web-1 beta/core) and the rows they count in; node-a untouched.
    expect(update.rows.filter((r) => r.dimension === "pod").map((r) => r.podUid).sort()).toEqual(["web-0", "web-1"]);
    expect(update.nodes.map((n) => n.node)).toEqual(["node-b"]);
    expect(update.final).toBe(false);
    const full = hourOf(e.due(NOW + 5000).map((x) => x.rollup));
    expect(full.rev).toBeGreaterThan(update.rev);
    const fullRows = byIdentity(full.rows);
    for (const row of update.rows) expect(fullRows.get(rowIdentity(row))).toEqual(row);
    expect(full.nodes.find((n) => n.node === "node-b")).toEqual(update.nodes[0]);
  });

  it("laid over the revision the index holds, give the index what the next revision gives", () => {
    const e = new RollupEngine(config.rollup, NOW);
    const index = new RollupIndex({ hourlyRetentionHours: 48, dailyRetentionDays: 35, now: () => NOW });
    for (const node of ["node-a", "node-b", "node-c"]) e.fold(priced(node, 0), NOW);
    index.apply(hourOf(e.due(NOW).map((x) => x.rollup)));
    e.fold(priced("node-a", 1), NOW + 1000);
    index.applyLive(hourOf(e.live(NOW + 1000).map((r) => r.rollup)));
    e.fold(priced("node-c", 1, 6), NOW + 2000); // two pods the revision has never seen
    index.applyLive(hourOf(e.live(NOW + 2000).map((r) => r.rollup)));
    const laid = index.plan({ startMs: HOUR, endMs: HOUR + HOUR_MS }, NOW).windows[0];
    if (laid === undefined) throw new Error("no window planned");
    const next = hourOf(e.due(NOW + 5000).map((x) => x.rollup));
    expect(byIdentity(materialize(laid).rows)).toEqual(byIdentity(next.rows));
    expect(new Map(laid.nodes.map((n) => [n.node, n]))).toEqual(new Map(next.nodes.map((n) => [n.node, n])));
    expect(laid.snapshotCount).toBe(next.snapshotCount);
    // The revision replaces the laid window; an update older than it is ignored.
    const stale = { ...hourOf([next]), rev: next.rev - 1, rows: next.rows.map((r) => ({ ...r, totalCost: 0 })) };
    index.apply(next);
    index.applyLive(stale);
    const after = index.plan({ startMs: HOUR, endMs: HOUR + HOUR_MS }, NOW).windows[0];
    expect(after?.rev).toBe(next.rev);
    expect(byIdentity(materialize(after ?? laid).rows)).toEqual(byIdentity(next.rows));
  });

  it("survive a revision older than them, and show a window before its first revision", () => {
    const e = new RollupEngine(config.rollup, NOW);
    const index = new RollupIndex({ hourlyRetentionHours: 48, dailyRetentionDays: 35, now: () => NOW });
    e.fold(priced("node-a", 0), NOW);
    const first = hourOf(e.live(NOW).map((r) => r.rollup));
    index.applyLive(first);
    const early = index.plan({ startMs: HOUR, endMs: HOUR + HOUR_MS }, NOW).windows[0];
    expect(early?.rows.length).toBe(first.rows.length);
    // A revision generated before the newest update arrives after it: the update stays laid over it.
    const revision = hourOf(e.due(NOW + 1000).map((x) => x.rollup));
    e.fold(priced("node-a", 1), NOW + 2000);
    const newer = hourOf(e.live(NOW + 2000).map((r) => r.rollup));
    index.applyLive(newer);
    index.apply(revision);
    const laid = index.plan({ startMs: HOUR, endMs: HOUR + HOUR_MS }, NOW).windows[0];
    const pod0 = [...(laid?.rows ?? [])].find((r) => r.podUid === "web-0");
    expect(pod0?.totalCost).toBeCloseTo(newer.rows.find((r) => r.podUid === "web-0")?.totalCost ?? NaN, 12);
    expect(pod0?.totalCost).toBeGreaterThan(revision.rows.find((r) => r.podUid === "web-0")?.totalCost ?? Infinity);
    // A final revision ends the window's updates.
    e.fold(priced("node-a", 2), NOW + 3000);
    const last = hourOf(e.live(NOW + 3000).map((r) => r.rollup));
    const final = { ...hourOf(e.due(NOW + 4000).map((x) => x.rollup)), final: true };
    index.apply(final);
    index.applyLive(last);
    expect(index.liveWindows).toBe(0);
    expect(index.plan({ startMs: HOUR, endMs: HOUR + HOUR_MS }, NOW).windows[0]?.final).toBe(true);
    // The updates' interned strings went back with them: once the window is past retention, nothing is held.
    index.prune(NOW + 100 * 86_400_000);
    expect(index.interned).toEqual({ strings: 0, labelSets: 0 });
  });

  it("are written in place into rows the window holds, and again over a revision older than them", () => {
    const e = new RollupEngine(config.rollup, NOW);
    const index = new RollupIndex({ hourlyRetentionHours: 48, dailyRetentionDays: 35, now: () => NOW });
    const hour = { startMs: HOUR, endMs: HOUR + HOUR_MS };
    for (const node of ["node-a", "node-b"]) e.fold(priced(node, 0), NOW);
    index.apply(hourOf(e.due(NOW).map((x) => x.rollup)));
    const before = index.plan(hour, NOW).windows[0]?.rows;
    for (const [minute, node] of [[1, "node-a"], [2, "node-b"], [3, "node-a"]] as const) {
      e.fold(priced(node, minute), NOW + minute * 1000);
      index.applyLive(hourOf(e.live(NOW + minute * 1000).map((r) => r.rollup)));
      const laid = index.plan(hour, NOW).windows[0];
      // Same pods, same rows: the columns the window already had, with new numbers.
      expect(laid?.rows).toBe(before);
      const shadow = RollupEngine.fromJSON(config.rollup, e.toJSON(), NOW);
      const next = hourOf(shadow.due(NOW + 10_000).map((x) => x.rollup));
      expect(byIdentity(materialize(laid ?? ({} as never)).rows)).toEqual(byIdentity(next.rows));
      expect(new Map(laid?.nodes.map((n) => [n.node, n]))).toEqual(new Map(next.nodes.map((n) => [n.node, n])));
    }
    // A revision made before the last update arrives after it: the window is that revision with the update laid over it.
    const e2 = RollupEngine.fromJSON(config.rollup, e.toJSON(), NOW);
    const older = hourOf(e2.due(NOW + 3500).map((x) => x.rollup));
    e.fold(priced("node-b", 4), NOW + 4000);
    const newest = hourOf(e.live(Math.max(NOW + 4000, older.rev + 1)).map((r) => r.rollup));
    index.applyLive(newest);
    index.plan(hour, NOW); // laid over the window held, which the revision then replaces
    index.apply({ ...older, rev: newest.rev - 1 });
    const laid = index.plan(hour, NOW).windows[0];
    const expected = hourOf(RollupEngine.fromJSON(config.rollup, e.toJSON(), NOW).due(NOW + 10_000).map((x) => x.rollup));
    expect(byIdentity(materialize(laid ?? ({} as never)).rows)).toEqual(byIdentity(expected.rows));
  });

  it("give their interned strings back when their window is dropped with updates still unlaid", () => {
    const e = new RollupEngine(config.rollup, NOW);
    const index = new RollupIndex({ hourlyRetentionHours: 48, dailyRetentionDays: 35, now: () => NOW });
    e.fold(priced("node-a", 0), NOW);
    index.apply(hourOf(e.due(NOW).map((x) => x.rollup)));
    e.fold(priced("node-a", 1, 6), NOW + 1000);
    index.applyLive(hourOf(e.live(NOW + 1000).map((r) => r.rollup)));
    expect(index.liveWindows).toBe(1);
    index.prune(NOW + 100 * 86_400_000);
    expect(index.liveWindows).toBe(0);
    expect(index.interned).toEqual({ strings: 0, labelSets: 0 });
  });

  it("are not kept for windows that publish none", () => {
    const off = defaultConfig({ rollup: { liveIntervalSeconds: 0 } });
    const e = new RollupEngine(off.rollup, NOW);
    e.fold(priced("node-a", 0), NOW);
    expect(e.live(NOW + 1000).map((r) => r.rollup)).toEqual([]);
  });
});
