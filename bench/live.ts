import { RollupIndex } from "../api/rollup-index.ts";
import { readPriceSnapshot, SnapshotPriceBook } from "../pricing/snapshot/snapshot.ts";
import { priceSnapshot } from "../processors/pricer/cost-model.ts";
import { RollupEngine } from "../processors/rollup/engine.ts";
import { defaultConfig } from "../testkit/fixtures.ts";
import { syntheticSnapshot } from "./synth.ts";

/**
 * Live updates of the open hour at `nodes × 100` pods (issue 16's freshness): one revision of the hour in the query
 * API's index, then updates after a share of the nodes reported again — the rollup building the update
 * (`RollupEngine.live`), the API keeping it (`applyLive`) and the first query after it laying it over the window (`plan`).
 */
export function benchLive(nodes: number): string[] {
  const config = defaultConfig();
  const book = new SnapshotPriceBook(readPriceSnapshot(), config.pricing);
  const now = Math.floor(Date.now() / 3_600_000) * 3_600_000 + 30 * 60_000;
  const engine = new RollupEngine(config.rollup, now);
  const index = new RollupIndex({ hourlyRetentionHours: 48, dailyRetentionDays: 35, now: () => now });
  const report = (n: number, start: number) => engine.fold(priceSnapshot(syntheticSnapshot("bench", n, start, 100), book, config.pricing, 0), now);
  for (let n = 0; n < nodes; n++) report(n, now - 120_000);
  for (const e of engine.due(now)) index.apply(e.rollup);
  const range = { startMs: now - 3 * 3_600_000, endMs: now };
  const lines = [`live updates at ${(nodes * 100).toLocaleString("en-US")} pods (one 1h window held; ms):`];
  [1, 0.1, 0.01, 1, 0.1, 0.01].forEach((share, i) => {
    for (let n = 0; n < Math.max(1, Math.round(nodes * share)); n++) report(n, now - 60_000 + i * 1000);
    const t0 = performance.now();
    const updates = engine.live(now + (i + 1) * 1000).map((r) => r.rollup);
    const t1 = performance.now();
    for (const u of updates) index.applyLive(u);
    const t2 = performance.now();
    index.plan(range, now);
    const t3 = performance.now();
    const rows = updates.reduce((s, u) => s + u.rows.length, 0);
    lines.push(`  ${(share * 100).toFixed(0).padStart(3)} % of pods changed (${rows.toLocaleString("en-US")} rows): build ${(t1 - t0).toFixed(0)}, keep ${(t2 - t1).toFixed(0)}, first query's lay ${(t3 - t2).toFixed(0)}`);
  });
  return lines;
}
