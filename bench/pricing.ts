import { Registry } from "prom-client";
import { validateConfig } from "../config/load.ts";
import { LivePriceBook } from "../pricing/engine/live-book.ts";
import type { CloudPriceSource } from "../pricing/engine/source.ts";
import { readPriceSnapshot, SnapshotPriceBook } from "../pricing/snapshot/snapshot.ts";
import type { PriceBook } from "../pricing/types.ts";
import { priceSnapshot } from "../processors/pricer/cost-model.ts";
import { silentLogger } from "../telemetry/log.ts";
import { percentile } from "./stats.ts";
import { syntheticSnapshot } from "./synth.ts";

/** A warm in-memory source: what the live book holds after its first refresh. */
const warmSource: CloudPriceSource = {
  provider: "aws",
  onDemand: async () => ({ hourly: 0.192, vcpu: 4, memoryGiB: 16, gpus: 0 }),
  storage: async () => ({ perGiB: new Map([["gp3", 0.08]]) }),
  currency: () => "USD",
  spot: async (_region, types) => types.flatMap((t) => ["a", "b", "c"].map((z) => ({ zone: `us-east-1${z}`, instanceType: t, hourly: 0.07, atMs: Date.now() }))),
  close: () => undefined,
};

/** Pricing 10,000 pods (100 snapshots × 100 pods) with warm caches: live book against the snapshot book. */
export async function benchPricing(nodes = 100, pods = 100, rounds = 20): Promise<string[]> {
  const config = validateConfig({ pricing: { provider: "aws" } });
  const snapshot = new SnapshotPriceBook(readPriceSnapshot(), config.pricing);
  const live = new LivePriceBook(warmSource, snapshot, config.pricing, { ttl: { instanceMs: 3_600_000, spotMs: 300_000, storageMs: 86_400_000 }, refreshEveryMs: 3_600_000, sources: { onDemand: "aws-pricing-api", spot: "aws-spot-history", storage: "aws-pricing-api" } }, new Registry(), silentLogger);
  const usage = Array.from({ length: nodes }, (_, n) => syntheticSnapshot("bench", n, Date.UTC(2026, 10, 23), pods));
  for (const u of usage) live.nodePrice({ provider: u.nodeInfo.provider, region: u.nodeInfo.region, zone: u.nodeInfo.zone, instanceType: u.nodeInfo.instanceType, capacityType: u.nodeInfo.capacityType, cpuCores: u.nodeInfo.cpuCores, memoryGiB: u.nodeInfo.memoryBytes / 2 ** 30, gpus: u.nodeInfo.gpus });
  await live.refreshNow();
  await live.refreshNow();
  const time = (book: PriceBook) => {
    const times: number[] = [];
    for (let r = 0; r < rounds; r++) {
      const t0 = performance.now();
      for (const u of usage) priceSnapshot(u, book, config.pricing, Date.now());
      times.push(performance.now() - t0);
    }
    return times;
  };
  time(live);
  const liveTimes = time(live);
  const snapTimes = time(snapshot);
  const sample = priceSnapshot(usage[0] ?? syntheticSnapshot("bench", 0, 0, 1), live, config.pricing, Date.now());
  const podsPerSecond = (ms: number) => Math.round((nodes * pods) / (ms / 1000)).toLocaleString("en-US");
  return [
    `## Pricing ${nodes * pods} pods (${nodes} snapshots × ${pods} pods), warm caches, ${rounds} rounds`,
    "",
    "| price book | p50 per 10k pods | p99 | pods/s at p50 |",
    "|---|---|---|---|",
    `| live (aws, cached; source of a node: ${sample.nodeCost.priceSource}) | ${percentile(liveTimes, 50).toFixed(1)} ms | ${percentile(liveTimes, 99).toFixed(1)} ms | ${podsPerSecond(percentile(liveTimes, 50))} |`,
    `| snapshot | ${percentile(snapTimes, 50).toFixed(1)} ms | ${percentile(snapTimes, 99).toFixed(1)} ms | ${podsPerSecond(percentile(snapTimes, 50))} |`,
  ];
}
