import { describe, expect, it } from "vitest";
import { readPriceSnapshot, SnapshotPriceBook } from "../../pricing/snapshot/snapshot.ts";
import { defaultConfig, GiB, nodeInfo, podUsage, usageSnapshot } from "../../testkit/fixtures.ts";
import { PriceCurrencyError } from "../../pricing/currency.ts";
import { priceSnapshot } from "./cost-model.ts";
import { usageProblem } from "./validate.ts";

const config = defaultConfig();
const book = new SnapshotPriceBook(readPriceSnapshot(), config.pricing);
const ratio = 0.031611 / 0.004237;

describe("cost model", () => {
  it("charges max(request, usage) × rate × hours, by hand", () => {
    const usage = usageSnapshot({
      windowSeconds: 3600,
      windowStartMs: 1_699_999_200_000,
      pods: [
        podUsage({ name: "under", uid: "u1", runningSeconds: 3600, cpuRequestCores: 0.5, cpuUsageCores: 0.25, cpuCoreSeconds: 900, memoryRequestBytes: GiB, memoryWorkingSetAvgBytes: GiB / 2 }),
        podUsage({ name: "over", uid: "u2", runningSeconds: 1800, cpuRequestCores: 1, cpuUsageCores: 1.5, cpuCoreSeconds: 2700, memoryRequestBytes: 2 * GiB, memoryWorkingSetAvgBytes: 3 * GiB }),
      ],
    });
    const priced = priceSnapshot(usage, book, config.pricing, 0);
    const ram = 0.192 / (4 * ratio + 16);
    const cpu = ratio * ram;
    const [under, over] = priced.pods;
    expect(priced.nodeCost).toMatchObject({ hourlyCost: 0.192, priceSource: "snapshot", capacityType: "ON_DEMAND" });
    expect(priced.nodeCost.cpuCoreHourlyRate).toBeCloseTo(cpu, 15);
    expect(under?.cpuCost).toBeCloseTo(0.5 * cpu, 15);
    expect(under?.ramCost).toBeCloseTo(1 * ram, 15);
    expect(under?.hourlyCost).toBeCloseTo(0.5 * cpu + ram, 15);
    // half an hour at 1.5 cores and 3 GiB (usage above request)
    expect(over?.cpuCost).toBeCloseTo(0.75 * cpu, 15);
    expect(over?.ramCost).toBeCloseTo(1.5 * ram, 15);
    expect(over?.hourlyCost).toBeCloseTo(1.5 * cpu + 3 * ram, 15);
    expect(over?.cpuCoreRequestHours).toBeCloseTo(0.5, 15);
    expect(over?.cpuCoreUsageHours).toBeCloseTo(0.75, 15);
  });

  it("keeps the invariant: Σ pod compute + idle − overcommit = node cost", () => {
    const pods = Array.from({ length: 7 }, (_, i) =>
      podUsage({ name: `p${i}`, uid: `u${i}`, cpuRequestCores: 0.3 * i, cpuUsageCores: 0.2 * (7 - i), cpuCoreSeconds: 0.2 * (7 - i) * 60, memoryRequestBytes: i * GiB }),
    );
    for (const podSet of [pods, pods.slice(0, 2), []]) {
      const priced = priceSnapshot(usageSnapshot({ pods: podSet }), book, config.pricing, 0);
      const compute = priced.pods.reduce((s, p) => s + p.cpuCost + p.ramCost + p.gpuCost, 0);
      const n = priced.nodeCost;
      expect(compute + n.idleCost - n.overcommitCost).toBeCloseTo(n.windowCost, 14);
      expect(n.idleCost).toBeGreaterThanOrEqual(0);
    }
  });

  it("reports overcommit instead of negative idle", () => {
    const greedy = podUsage({ cpuRequestCores: 8, cpuUsageCores: 8, cpuCoreSeconds: 480 });
    const n = priceSnapshot(usageSnapshot({ pods: [greedy] }), book, config.pricing, 0).nodeCost;
    expect(n.idleCpuCost).toBe(0);
    expect(n.overcommitCost).toBeGreaterThan(0);
  });

  it("prices a spot node at the spot price and volumes by GiB-month / 730", () => {
    const usage = usageSnapshot({
      nodeInfo: nodeInfo({ instanceType: "m5.large", capacityType: "SPOT", cpuCores: 2, memoryBytes: 8 * GiB }),
      pods: [podUsage({ claims: ["data"], namespace: "alpha" })],
      volumes: [{ pvName: "pv-1", volumeId: "vol-0123456789abcdef0", storageClass: "gp3", capacityBytes: 100 * GiB, claimNamespace: "alpha", claimName: "data", usedBytes: 0 }],
    });
    const priced = priceSnapshot(usage, book, config.pricing, 0);
    expect(priced.nodeCost.hourlyCost).toBe(0.0365);
    expect(priced.volumes[0]?.monthlyCost).toBeCloseTo(8, 12);
    expect(priced.volumes[0]?.windowCost).toBeCloseTo((8 / 730) * (60 / 3600), 15);
    expect(priced.pods[0]?.pvCost).toBeCloseTo((8 / 730) * (60 / 3600), 15);
  });

  it("prices network egress only when a class is configured", () => {
    const pod = podUsage({ networkTxBytes: 2 * GiB });
    expect(priceSnapshot(usageSnapshot({ pods: [pod] }), book, config.pricing, 0).pods[0]?.networkCost).toBe(0);
    const internet = defaultConfig({ pricing: { networkEgressClass: "internet" } });
    // An AWS node: OpenCost's AWS internet egress default, 0.143 per GiB (configs/aws.json).
    expect(priceSnapshot(usageSnapshot({ pods: [pod] }), book, internet.pricing, 0).pods[0]?.networkCost).toBeCloseTo(0.286, 15);
  });

  it("converts a price listed in another currency, or refuses it; never reads CNY as USD", () => {
    const china = usageSnapshot({ nodeInfo: nodeInfo({ region: "cn-north-1", zone: "cn-north-1a", instanceType: "c5.large", cpuCores: 2, memoryBytes: 4 * GiB }) });
    expect(() => priceSnapshot(china, book, config.pricing, 0)).toThrow(PriceCurrencyError);
    expect(() => priceSnapshot(china, book, config.pricing, 0)).toThrow(/priced in CNY.*set pricing\.exchangeRates\.CNY/);
    const withRate = defaultConfig({ pricing: { exchangeRates: { CNY: 0.14 } } });
    expect(priceSnapshot(china, book, withRate.pricing, 0).nodeCost.hourlyCost).toBeCloseTo(0.739 * 0.14, 15);
    const inCny = defaultConfig({ pricing: { currency: "CNY" } });
    expect(priceSnapshot(china, book, inCny.pricing, 0).nodeCost.hourlyCost).toBe(0.739);
    expect(() => priceSnapshot(usageSnapshot(), book, inCny.pricing, 0)).toThrow(/priced in USD/);
  });

  it("gives a CPU-only pod on a GPU node its CPU and RAM cost (g4dn.xlarge)", () => {
    const usage = usageSnapshot({
      windowSeconds: 3600,
      windowStartMs: 1_699_999_200_000,
      nodeInfo: nodeInfo({ instanceType: "g4dn.xlarge", cpuCores: 4, memoryBytes: 16 * GiB, gpus: 1 }),
      pods: [podUsage({ runningSeconds: 3600, cpuRequestCores: 0.5, cpuUsageCores: 0.1, cpuCoreSeconds: 360, memoryRequestBytes: GiB, memoryWorkingSetAvgBytes: GiB / 2 })],
    });
    const priced = priceSnapshot(usage, book, config.pricing, 0);
    expect(priced.nodeCost.hourlyCost).toBe(0.526);
    expect(priced.pods[0]?.cpuCost).toBeCloseTo(0.5 * 0.031611, 12);
    expect(priced.pods[0]?.ramCost).toBeCloseTo(0.004237, 12);
    const n = priced.nodeCost;
    expect(n.cpuCost + n.ramCost + n.gpuCost).toBeCloseTo(0.526, 12);
  });

  it("finds what makes a snapshot unpriceable", () => {
    expect(usageProblem(usageSnapshot())).toBeUndefined();
    expect(usageProblem(usageSnapshot({ windowSeconds: 0 }))?.detail).toMatch(/windowSeconds/);
    expect(usageProblem(usageSnapshot({ windowStartMs: 1_700_000_040_001 }))?.detail).toMatch(/aligned/);
    expect(usageProblem(usageSnapshot({ pods: [podUsage({ cpuCoreSeconds: Number.NaN })] }))?.detail).toMatch(/cpuCoreSeconds/);
    expect(usageProblem(usageSnapshot({ pods: [podUsage({ runningSeconds: 600 })] }))?.detail).toMatch(/exceeds the window/);
  });

  it("refuses what no real node can do (issue 14's hostile inputs), naming the reason", () => {
    const reason = (u: Parameters<typeof usageProblem>[0]) => usageProblem(u)?.reason;
    expect(reason(usageSnapshot({ pods: [podUsage({ cpuCoreSeconds: 1e12 })] }))).toBe("implausible_usage"); // 1e12 cores → $26 M
    expect(reason(usageSnapshot({ pods: [podUsage({ cpuCoreSeconds: 1.7e308 })] }))).toBe("implausible_usage"); // overflowed to Infinity
    expect(reason(usageSnapshot({ pods: [podUsage({ memoryWorkingSetAvgBytes: 2 ** 60 })] }))).toBe("implausible_usage");
    expect(reason(usageSnapshot({ pods: [podUsage({ cpuRequestCores: 4096 })] }))).toBe("implausible_usage");
    expect(reason(usageSnapshot({ pods: [podUsage({ gpuRequest: 1 })] }))).toBe("implausible_usage"); // the node has no GPU
    expect(reason(usageSnapshot({ pods: [podUsage({ networkTxBytes: 1e15 })] }))).toBe("implausible_usage");
    expect(reason(usageSnapshot({ nodeInfo: nodeInfo({ cpuCores: 0, memoryBytes: 0 }) }))).toBe("node_capacity"); // cost would vanish
    expect(reason(usageSnapshot({ nodeInfo: nodeInfo({ cpuCores: 1e9 }) }))).toBe("implausible_usage");
    const many = Array.from({ length: 10 }, (_, i) => podUsage({ uid: `u${i}`, name: `p${i}`, cpuCoreSeconds: 0.5 * 4 * 60 }));
    expect(usageProblem(usageSnapshot({ pods: many }))?.detail).toMatch(/pods used 1200 core-seconds in 60 s on a 4-core node/);
    expect(reason(usageSnapshot({ windowSeconds: 86_400, windowStartMs: 1_699_920_000_000 }))).toBe("invalid_usage"); // a day-long "snapshot"
    expect(reason(usageSnapshot({ windowSeconds: 7, windowStartMs: 1_700_000_002_000 }))).toBe("invalid_usage"); // does not nest into hours
  });

  it("refuses a window that ends in the future beyond the clock skew", () => {
    const now = 1_700_000_040_000; // minute-aligned
    expect(usageProblem(usageSnapshot({ windowStartMs: now - 60_000 }), now)).toBeUndefined();
    expect(usageProblem(usageSnapshot({ windowStartMs: now + 60_000 }), now, 120_000)).toBeUndefined(); // 2 min of skew allowed
    expect(usageProblem(usageSnapshot({ windowStartMs: now + 3_600_000 }), now, 120_000)?.reason).toBe("future_window"); // a clock an hour fast
  });
});
