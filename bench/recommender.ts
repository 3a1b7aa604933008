import { createCodecs } from "../codec/events.ts";
import { validateConfig } from "../config/load.ts";
import { Recommender } from "../processors/recommender/recommender.ts";
import { syntheticSnapshot } from "./synth.ts";

/**
 * What right-sizing costs the query API: decoding and folding usage snapshots (the live rate and the replay
 * of KCE_USAGE on a first start), the memory of a week of sketches, and answering /recommendations.
 * 10,000 pods = 100 nodes × 100 pods of 10 namespaces × 120 apps (1,200 controllers).
 */
export async function benchRecommender(nodes = 100, pods = 100, minutes = 7 * 24 * 60, stepMinutes = 60): Promise<string[]> {
  const codecs = createCodecs();
  const r = new Recommender(validateConfig({}).recommendations);
  const t0 = Date.UTC(2026, 10, 23);
  // Encoded once: the replay decodes messages, as the API does.
  const encoded = Array.from({ length: nodes }, (_, n) => codecs.usage.encode(syntheticSnapshot("bench", n, t0, pods)));
  global.gc?.();
  const heapBefore = process.memoryUsage().heapUsed;
  let decodeMs = 0;
  let foldMs = 0;
  let snapshots = 0;
  for (let m = 0; m < minutes; m += stepMinutes) {
    for (const e of encoded) {
      const a = performance.now();
      const s = await codecs.usage.decode(e.data, e.headers);
      const b = performance.now();
      r.fold({ ...s, windowStartMs: t0 + m * 60_000 });
      foldMs += performance.now() - b;
      decodeMs += b - a;
      snapshots++;
    }
  }
  global.gc?.();
  const heapMb = (process.memoryUsage().heapUsed - heapBefore) / 2 ** 20;
  const q0 = performance.now();
  const recs = r.recommend(t0 + minutes * 60_000, () => ({ cpuCoreHour: 0.0316, ramGiBHour: 0.0042 }));
  const queryMs = performance.now() - q0;
  const json = r.toJSON(1);
  const checkpointMb = JSON.stringify(json).length / 2 ** 20;
  const perSnapshot = (decodeMs + foldMs) / snapshots;
  return [
    `## Right-sizing in the query API: ${nodes * pods} pods (${nodes} nodes × ${pods}), ${recs.length} controllers, a week of samples (one per node per ${stepMinutes} min here)`,
    "",
    "| snapshots folded | decode / snapshot | fold / snapshot | live load at 1 snapshot per node per minute | replay of 48 h of KCE_USAGE (1/min/node) | sketches for 7 days (heap) | checkpoint (JSON, before gzip) | /recommendations |",
    "|---|---|---|---|---|---|---|---|",
    `| ${snapshots.toLocaleString("en-US")} | ${(decodeMs / snapshots).toFixed(2)} ms | ${(foldMs / snapshots).toFixed(3)} ms | ${((perSnapshot * nodes) / 60_000 * 100).toFixed(2)} % of a core | ${((perSnapshot * nodes * 48 * 60) / 1000).toFixed(0)} s | ${heapMb.toFixed(1)} MB | ${checkpointMb.toFixed(1)} MB | ${queryMs.toFixed(1)} ms |`,
  ];
}
