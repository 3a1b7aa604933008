import { gunzipSync } from "node:zlib";
import { readPriceSnapshot, SnapshotPriceBook } from "../pricing/snapshot/snapshot.ts";
import { priceSnapshot } from "../processors/pricer/cost-model.ts";
import { gzipMembers } from "../processors/rollup/checkpoint.ts";
import { RollupEngine } from "../processors/rollup/engine.ts";
import { defaultConfig } from "../testkit/fixtures.ts";
import { collectGarbage } from "./stats.ts";
import { syntheticSnapshot } from "./synth.ts";

const MB = 2 ** 20;

/**
 * The rollup's checkpoint at `nodes × 100` pods (issue 16): five minutes of synthetic snapshots folded, then the
 * state's document written as the leader writes it (RollupEngine.jsonText through gzipMembers) — time, compressed
 * size, and how far the heap rose above the state while writing (sampled every 20 pieces) — and read back.
 */
export function benchCheckpoint(nodes: number): string[] {
  const config = defaultConfig();
  const book = new SnapshotPriceBook(readPriceSnapshot(), config.pricing);
  const now = Math.floor(Date.now() / 60_000) * 60_000;
  const engine = new RollupEngine(config.rollup, now);
  for (let m = 5; m >= 1; m--) for (let n = 0; n < nodes; n++) engine.fold(priceSnapshot(syntheticSnapshot("bench", n, now - m * 60_000, 100), book, config.pricing, 0), now);
  collectGarbage();
  const state = process.memoryUsage().heapUsed;
  let peak = state;
  let chars = 0;
  let pieces = 0;
  const sampled = function* (text: Iterable<string>): Generator<string> {
    for (const piece of text) {
      chars += piece.length;
      if (++pieces % 20 === 0) peak = Math.max(peak, process.memoryUsage().heapUsed);
      yield piece;
    }
  };
  const t0 = performance.now();
  const data = gzipMembers(sampled(engine.jsonText()));
  const written = performance.now() - t0;
  const t1 = performance.now();
  const back = RollupEngine.fromJSON(config.rollup, JSON.parse(gunzipSync(data).toString("utf8")) as ReturnType<RollupEngine["toJSON"]>, now);
  const read = performance.now() - t1;
  if (back.openWindows !== engine.openWindows) throw new Error(`read back ${back.openWindows} windows of ${engine.openWindows}`);
  return [
    `rollup checkpoint at ${(nodes * 100).toLocaleString("en-US")} pods (${engine.openWindows} open windows): state ${(state / MB).toFixed(0)} MB of heap; document ${(chars / MB).toFixed(1)} M characters in ${pieces} pieces, ${(data.byteLength / MB).toFixed(1)} MB gzip'd`,
    `  written in ${written.toFixed(0)} ms, heap at most ${((peak - state) / MB).toFixed(0)} MB above the state while writing; read back in ${read.toFixed(0)} ms`,
  ];
}
