import { readdirSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { computeAllocations } from "./allocation.ts";
import { DirColumnFiles } from "./column-files.ts";
import { parseFilter } from "./filter.ts";
import type { CostRollup, RollupRow } from "../model/events.ts";
import { CompactRows, rowPools } from "./compact-rows.ts";
import { materialize, RollupIndex } from "./rollup-index.ts";
import { DAY_MS, HOUR_MS } from "./window.ts";

const NOW = Date.UTC(2026, 10, 23, 10, 30, 0);

function row(i: number, dimension: RollupRow["dimension"] = "pod"): RollupRow {
  return {
    dimension, namespace: `ns-${i % 3}`, controllerKind: "Deployment", controllerName: `app-${i % 5}`, labelKey: "", labelValue: "",
    pod: `app-${i % 5}-pod-${i}`, podUid: `uid-${i}`, node: `node-${i % 2}`, labels: i % 2 === 0 ? { app: `app-${i % 5}`, team: "a" } : {},
    podHours: i * 0.25, cpuCoreHours: i * 0.5, cpuCoreRequestHours: 0.1 + i, cpuCoreUsageHours: 0.05 * i, ramByteHours: 2 ** 30 * i, ramByteRequestHours: 2 ** 29 * i,
    ramByteUsageHours: 12345.678 * i, gpuHours: 0, cpuCost: 0.0123456789 * i, ramCost: 0.00098765 * i, gpuCost: 0, pvCost: 1e-7 * i, networkCost: 3e-9 * i,
    totalCost: 0.013 * i, realisedSavings: 0.001 * i, potentialSavings: 0.002 * i, podCount: 1,
  };
}

const window = (startMs: number, rev: number, rows: RollupRow[], resolution = "1h"): CostRollup => ({
  resolution, cluster: "c", windowStartMs: startMs, windowEndMs: startMs + (resolution === "1h" ? HOUR_MS : DAY_MS), rev, final: false, snapshotCount: 1, part: 0, parts: 1, rows, nodes: [], volumes: [],
});

describe("column-packed rollup rows", () => {
  it("read back exactly the rows stored (every field, all dimensions), grouped by dimension", () => {
    const rows = [row(1, "namespace"), ...Array.from({ length: 50 }, (_, i) => row(i)), row(2, "controller"), row(3, "label")];
    const compact = new CompactRows(rows, rowPools());
    expect(compact.length).toBe(rows.length);
    const byKey = (xs: Iterable<RollupRow>) => [...xs].sort((a, b) => `${a.dimension}${a.podUid}`.localeCompare(`${b.dimension}${b.podUid}`));
    expect(byKey(compact)).toEqual(byKey(rows));
    expect([...compact.ofDimension("pod")]).toEqual(rows.filter((r) => r.dimension === "pod"));
    expect([...compact.ofDimension("namespace")]).toEqual([rows[0]]);
    // Label sets are shared between rows and cannot be changed through one of them.
    const [a, b] = [...compact.ofDimension("pod")].filter((r) => r.labels["app"] === "app-0");
    expect(a?.labels).toBe(b?.labels);
    expect(() => {
      (a?.labels as Record<string, string>)["team"] = "b";
    }).toThrow(TypeError);
  });

  it("interns strings across windows and gives them back when windows are replaced or pruned", () => {
    const index = new RollupIndex({ hourlyRetentionHours: 2, dailyRetentionDays: 1 });
    const hour = Math.floor(NOW / HOUR_MS) * HOUR_MS;
    const rows = Array.from({ length: 10 }, (_, i) => row(i));
    index.apply(window(hour - HOUR_MS, 1, rows));
    index.apply(window(hour, 1, rows));
    const held = index.interned;
    // The same pods in a second window add no strings.
    index.apply(window(hour - 2 * HOUR_MS, 1, rows));
    expect(index.interned).toEqual(held);
    // A newer revision replaces the old one's rows; an older one is ignored.
    index.apply(window(hour, 2, rows.map((r) => ({ ...r, pod: `${r.pod}-renamed` }))));
    index.apply(window(hour, 1, rows));
    expect(materialize(index.plan({ startMs: hour, endMs: hour + HOUR_MS }, NOW).windows[0] as never).rows.map((r) => r.pod)).toEqual(rows.map((r) => `${r.pod}-renamed`));
    expect(index.interned.strings).toBe(held.strings + 10);
    // Pruning everything gives every string and label set back.
    index.prune(NOW + 10 * DAY_MS);
    expect(index.interned).toEqual({ strings: 0, labelSets: 0 });
  });

  it("spills windows older than memoryHours to column files and answers the same from them; pruning removes the files", () => {
    const files = new DirColumnFiles("");
    try {
      const hour = Math.floor(NOW / HOUR_MS) * HOUR_MS;
      const day = Math.floor(NOW / DAY_MS) * DAY_MS;
      const make = (index: RollupIndex) => {
        for (let h = 0; h < 30; h++) index.apply(window(hour - h * HOUR_MS, 1, Array.from({ length: 40 }, (_, i) => row(i + h))));
        for (let d = 1; d <= 3; d++) index.apply(window(day - d * DAY_MS, 1, Array.from({ length: 40 }, (_, i) => row(i * d)), "1d"));
      };
      const memory = new RollupIndex({ hourlyRetentionHours: 48, dailyRetentionDays: 35, now: () => NOW });
      const spilling = new RollupIndex({ hourlyRetentionHours: 48, dailyRetentionDays: 35, memoryHours: 2, files, now: () => NOW });
      make(memory);
      make(spilling);
      // Hours that ended after 08:30 (now 10:30 less 2 h) stay in memory; 27 older hours and 3 days are files.
      expect(spilling.held).toEqual({ inMemory: 3, spilled: 30 });
      expect(readdirSync(files.dir)).toHaveLength(30);
      for (const aggregate of [["namespace"], ["pod"], ["controller", "label:app"]]) {
        const q = { range: { startMs: day - 3 * DAY_MS, endMs: NOW }, aggregate, filter: parseFilter(null), idle: true, shareIdle: false };
        expect(computeAllocations(spilling, q, NOW)).toEqual(computeAllocations(memory, q, NOW));
      }
      // A newer revision of a spilled window replaces it (its file goes) and is spilled again.
      spilling.apply(window(hour - 10 * HOUR_MS, 2, [row(7)]));
      expect(readdirSync(files.dir)).toHaveLength(30);
      expect(materialize(spilling.plan({ startMs: hour - 10 * HOUR_MS, endMs: hour - 9 * HOUR_MS }, NOW).windows[0] as never).rows).toEqual([row(7)]);
      spilling.prune(NOW + 100 * DAY_MS);
      expect(readdirSync(files.dir)).toHaveLength(0);
      expect(spilling.interned).toEqual({ strings: 0, labelSets: 0 });
    } finally {
      files.close();
    }
  });
});
