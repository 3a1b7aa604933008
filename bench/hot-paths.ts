import { GCProfiler } from "node:v8";
import { createCodecs } from "../codec/events.ts";
import { validateConfig } from "../config/load.ts";
import { readPriceSnapshot, SnapshotPriceBook } from "../pricing/snapshot/snapshot.ts";
import { priceSnapshot } from "../processors/pricer/cost-model.ts";
import { usageProblem } from "../processors/pricer/validate.ts";
import { Recommender } from "../processors/recommender/recommender.ts";
import { RollupEngine } from "../processors/rollup/engine.ts";
import { savingsFor } from "../processors/savings/savings.ts";
import { CostView } from "../sinks/prometheus/cost-view.ts";
import { syntheticSnapshot } from "./synth.ts";

/** Bytes the heap grew by between collections while `f` ran: what it allocated, give or take one young generation. */
function allocatedBy(f: () => void): number {
  const profiler = new GCProfiler();
  profiler.start();
  f();
  const events = profiler.stop()?.statistics ?? [];
  let bytes = 0;
  for (let i = 1; i < events.length; i++) {
    const before = events[i]?.beforeGC.heapStatistics.usedHeapSize ?? 0;
    const after = events[i - 1]?.afterGC.heapStatistics.usedHeapSize ?? 0;
    bytes += Math.max(0, before - after);
  }
  return bytes;
}

/**
 * `npm run bench -- hot-paths` (issue 16): each per-message step of the central stages on 100 snapshots of 100 pods,
 * in process: time and heap allocated per pod-sample (a pod in one snapshot). What a step allocates is what the
 * garbage collector then has to find, and what keeps RSS above the live set at a high event rate.
 */
export function benchHotPaths(nodes = 100, pods = 100, rounds = 20): string[] {
  const codecs = createCodecs();
  const config = validateConfig({ pricing: { provider: "aws" } });
  const book = new SnapshotPriceBook(readPriceSnapshot(), config.pricing);
  const hour = Math.floor(Date.now() / 3_600_000) * 3_600_000 - 3_600_000;
  const usage = Array.from({ length: nodes }, (_, n) => syntheticSnapshot("bench", n, hour, pods));
  const usageBytes = usage.map((u) => Buffer.from(codecs.usage.encode(u).data));
  const priced = usage.map((u) => priceSnapshot(u, book, config.pricing, Date.now()));
  const pricedBytes = priced.map((p) => Buffer.from(codecs.priced.encode(p).data));
  // Readers resolve the writer's schema as the stages do (projections read the full writer).
  const viewResolver = codecs.pricedView.type.createResolver(codecs.priced.type);
  const learnResolver = codecs.usageForLearning.type.createResolver(codecs.usage.type);
  const ratesResolver = codecs.pricedForRates.type.createResolver(codecs.priced.type);
  const savingsResolver = codecs.pricedForSavings.type.createResolver(codecs.priced.type);
  const views = pricedBytes.map((b) => codecs.pricedView.type.fromBuffer(b, viewResolver) as Parameters<CostView["applyPriced"]>[0]);
  const learning = usageBytes.map((b) => codecs.usageForLearning.type.fromBuffer(b, learnResolver) as Parameters<Recommender["fold"]>[0]);
  const engine = new RollupEngine(validateConfig({}).rollup, hour + 3_600_000);
  const view = new CostView({ staleAfterMs: 600_000, namespaceDailyHours: 24, openCostAllocations: true });
  const recommender = new Recommender(validateConfig({}).recommendations);
  // Each call is the next minute of every node (a new 1m window, the same hour and day): nothing is a duplicate or older than what came before.
  let tick = 0;
  const steps: Array<[string, () => void]> = [
    ["pricer: decode usage", () => usageBytes.forEach((b) => codecs.usage.type.fromBuffer(b))],
    ["pricer: plausibility", () => usage.forEach((u) => usageProblem(u, Date.now(), 300_000))],
    ["pricer: price", () => usage.forEach((u) => priceSnapshot(u, book, config.pricing, Date.now()))],
    ["pricer: encode priced", () => priced.forEach((p) => codecs.priced.encode(p))],
    ["rollup: decode priced", () => pricedBytes.forEach((b) => codecs.priced.type.fromBuffer(b))],
    ["rollup: fold (1m, 1h, 1d)", () => { const minute = tick++ % 60; priced.forEach((p) => engine.fold({ ...p, windowStartMs: hour + minute * 60_000 }, hour + 3_600_000)); }],
    ["savings: decode", () => pricedBytes.forEach((b) => codecs.pricedForSavings.type.fromBuffer(b, savingsResolver))],
    ["savings: compute", () => priced.forEach((p) => savingsFor(p))],
    ["sink-prometheus: decode view", () => pricedBytes.forEach((b) => codecs.pricedView.type.fromBuffer(b, viewResolver))],
    ["sink-prometheus: render", () => { const minute = tick++; views.forEach((v) => view.applyPriced({ ...v, windowStartMs: v.windowStartMs + minute * 60_000 }, Date.now())); }],
    ["api: decode for node rates", () => pricedBytes.forEach((b) => codecs.pricedForRates.type.fromBuffer(b, ratesResolver))],
    ["api: decode usage for right-sizing", () => usageBytes.forEach((b) => codecs.usageForLearning.type.fromBuffer(b, learnResolver))],
    ["api: right-sizing fold", () => learning.forEach((u) => recommender.fold(u))],
  ];
  const samples = rounds * nodes * pods;
  const lines = [`hot paths: ${nodes} snapshots × ${pods} pods, ${rounds} rounds, per pod-sample (in process; allocation from GC statistics)`, "", "| step | µs | bytes allocated |", "|---|---|---|"];
  for (const [name, step] of steps) {
    for (let i = 0; i < 3; i++) step();
    let ms = 0;
    const bytes = allocatedBy(() => {
      const t0 = performance.now();
      for (let r = 0; r < rounds; r++) step();
      ms = performance.now() - t0;
    });
    lines.push(`| ${name} | ${((ms * 1000) / samples).toFixed(2)} | ${Math.round(bytes / samples)} |`);
  }
  return lines;
}
