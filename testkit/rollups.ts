import type { CostRollup, PricedSnapshot } from "../model/events.ts";
import { readPriceSnapshot, SnapshotPriceBook } from "../pricing/snapshot/snapshot.ts";
import { priceSnapshot } from "../processors/pricer/cost-model.ts";
import { RollupEngine } from "../processors/rollup/engine.ts";
import { defaultConfig, GiB, nodeInfo, podUsage, usageSnapshot } from "./fixtures.ts";

const HOUR = 3_600_000;

/**
 * Two hours of a three-node AWS cluster (on-demand m5.xlarge, spot m5.large, GPU g4dn.xlarge), two pods
 * per node and one EBS volume, priced by the real pricer at the snapshot's list prices and folded by the real rollup into
 * 1h windows (with pod rows): realistic CostRollups for exporters and their tests.
 */
export function hourlyWindows(t0: number, cluster = "shop"): { rollups: CostRollup[]; priced: PricedSnapshot[] } {
  const config = defaultConfig({ cluster, rollup: { resolutions: ["1h"], podResolutions: ["1h"], emitIntervalSeconds: { "1m": 1, "1h": 1, "1d": 1 }, labelKeys: ["team"] } });
  const book = new SnapshotPriceBook(readPriceSnapshot(), config.pricing);
  const nodes = [
    ["node-a", nodeInfo({ providerId: "aws:///us-east-1a/i-0aaa1111bbbb2222c", instanceType: "m5.xlarge", region: "us-east-1" })],
    ["node-s", nodeInfo({ providerId: "aws:///us-east-1b/i-0ccc7777dddd8888e", instanceType: "m5.large", capacityType: "SPOT", cpuCores: 2, memoryBytes: 8 * GiB, region: "us-east-1" })],
    ["node-g", nodeInfo({ providerId: "aws:///us-east-1a/i-0ggg0000gggg0000g", instanceType: "g4dn.xlarge", cpuCores: 4, memoryBytes: 16 * GiB, gpus: 1, region: "us-east-1" })],
  ] as const;
  const priced: PricedSnapshot[] = [];
  for (let m = 0; m < 120; m += 10) {
    for (const [i, [node, info]] of nodes.entries()) {
      const pods = [
        podUsage({ namespace: "shop", name: `web-${i}`, uid: `web-${i}`, labels: { team: "payments" }, cpuUsageCores: 0.3, claims: i === 0 ? ["data"] : [] }),
        podUsage({ namespace: "batch", name: `job-${i}`, uid: `job-${i}`, controllerKind: "Job", controllerName: "nightly", labels: {}, cpuRequestCores: 1, ...(node === "node-g" ? { gpuRequest: 1 } : {}) }),
      ];
      // One EBS volume (gp3, 100 GiB) mounted by node-a's web pod.
      const volumes = i === 0 ? [{ pvName: "pvc-data", volumeId: "vol-0123456789abcdef0", storageClass: "gp3", capacityBytes: 100 * GiB, claimNamespace: "shop", claimName: "data", usedBytes: 0 }] : [];
      priced.push(priceSnapshot(usageSnapshot({ cluster, node, nodeInfo: info, windowStartMs: t0 + m * 60_000, windowSeconds: 600, sampledAtMs: t0 + (m + 10) * 60_000, pods, volumes }), book, config.pricing, 0));
    }
  }
  const engine = new RollupEngine(config.rollup, t0);
  for (const p of priced) engine.fold(p, t0 + 2 * HOUR);
  const rollups = engine.due(t0 + 3 * HOUR).map((d) => d.rollup).filter((r) => r.resolution === "1h").sort((a, b) => a.windowStartMs - b.windowStartMs);
  return { rollups, priced };
}
