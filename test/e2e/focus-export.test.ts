import { existsSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { createClient, type ClickHouseClient } from "@clickhouse/client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Runtime } from "../../bus/runtime.ts";
import { subjects } from "../../bus/subjects.ts";
import { validateFile } from "../../export/focus/validate-file.ts";
import { validateConfig } from "../../config/load.ts";
import { createFocusExport, focusFileName } from "../../export/focus/stage.ts";
import type { CostRollup } from "../../model/events.ts";
import { startClickHouse, type ClickHouseHandle } from "../../testkit/clickhouse.ts";
import { openTestRuntime, startNatsServer, testRawConfig, waitFor, type NatsServerHandle } from "../../testkit/index.ts";
import { hourlyWindows } from "../../testkit/rollups.ts";
import { tempDir } from "../../testkit/tempdir.ts";

/**
 * The continuous FOCUS export (`export.focus` in `kce all`): final hourly windows published to a real
 * NATS become validated Parquet files and ClickHouse rows; a newer revision replaces its window in both;
 * a restart writes nothing again.
 */
const T0 = Date.UTC(2026, 10, 20, 0, 0, 0);
const { rollups } = hourlyWindows(T0);
const cost = (w: CostRollup) => w.rows.filter((r) => r.dimension === "pod").reduce((a, r) => a + r.totalCost, 0) + w.nodes.reduce((a, n) => a + n.idleCost, 0);

let nats: NatsServerHandle;
let clickhouse: ClickHouseHandle;
let rt: Runtime;
let query: ClickHouseClient;
const dir = tempDir("kce-focus-dir-");

async function publish(w: CostRollup): Promise<void> {
  await rt.publisher.publish({ subject: subjects.rollup("1h", w.cluster, w.windowStartMs, 0), msgId: `test/${w.windowStartMs}/${w.rev}`, ...rt.codecs.rollup.encode(w) });
}

async function clickhouseTotal(): Promise<number> {
  const rows = await (await query.query({ query: "SELECT sum(EffectiveCost) AS s, count() AS n FROM kce_focus.focus_costs FINAL", format: "JSONEachRow" })).json<{ s: number; n: string }>();
  return Number(rows[0]?.s ?? 0);
}

beforeAll(async () => {
  [nats, clickhouse] = await Promise.all([startNatsServer(), startClickHouse()]);
  const raw = testRawConfig(nats.url, {
    cluster: "shop",
    sinks: { clickhouse: { url: clickhouse.url, database: "kce_focus" } },
    export: { focus: { enabled: true, dir, step: "1h", format: "parquet", clickhouse: true } },
  });
  rt = await openTestRuntime(validateConfig(raw), "focus-export-test");
  query = createClient({ url: clickhouse.url });
  for (const w of rollups) await publish({ ...w, final: true });
}, 120_000);

afterAll(async () => {
  await query?.close();
  await rt?.close();
  await Promise.all([nats?.stop(), clickhouse?.stop()]);
});

describe("continuous FOCUS export", () => {
  it("writes each final window as a valid FOCUS file and into ClickHouse, replaces a newer revision, and rewrites nothing after a restart", async () => {
    const stage = createFocusExport(rt);
    await stage.start();
    const expected = rollups.reduce((a, w) => a + cost(w), 0);
    try {
      await waitFor("both hours exported", async () => (stage.written >= 2 ? true : undefined), 30_000, 200);
      for (const w of rollups) {
        const path = focusFileName(dir, "shop", w.windowStartMs, "1h", "parquet");
        expect(existsSync(path), path).toBe(true);
        const report = await validateFile(path);
        expect(report.violations, path).toEqual([]);
        expect(report.rows).toBeGreaterThan(6);
      }
      expect(readdirSync(join(dir, "shop")).filter((f) => f.endsWith(".tmp"))).toEqual([]);
      expect(await clickhouseTotal()).toBeCloseTo(expected, 9);

      // A newer revision of the first hour (its pods cost twice as much) replaces the file and the rows.
      const first = rollups[0] as CostRollup;
      const doubled: CostRollup = { ...first, rev: first.rev + 1, final: true, rows: first.rows.map((r) => ({ ...r, cpuCost: 2 * r.cpuCost, ramCost: 2 * r.ramCost, gpuCost: 2 * r.gpuCost, totalCost: r.totalCost + r.cpuCost + r.ramCost + r.gpuCost })) };
      await publish(doubled);
      await waitFor("the new revision exported", async () => (stage.written >= 3 ? true : undefined), 30_000, 200);
      const revised = expected - cost(first) + cost(doubled);
      expect(await clickhouseTotal()).toBeCloseTo(revised, 9);
    } finally {
      await stage.stop();
    }
    // A restart replays the stream: the manifest says everything is written already.
    const path = focusFileName(dir, "shop", T0, "1h", "parquet");
    const before = statSync(path).mtimeMs;
    const again = createFocusExport(rt);
    await again.start();
    await new Promise((r) => setTimeout(r, 1500));
    await again.drain();
    await again.stop();
    expect(again.written).toBe(0);
    expect(statSync(path).mtimeMs).toBe(before);
  }, 90_000);

  it("refuses to start enabled without a folder or ClickHouse", () => {
    expect(() => validateConfig({ export: { focus: { enabled: true } } })).toThrow(/export\.focus\.dir: is required/);
  });
});
