import { describe, expect, it } from "vitest";
import { UsageAccumulator } from "./accumulator.ts";
import type { Summary } from "./summary-types.ts";

const T = Date.UTC(2026, 10, 23, 10, 0, 0);
const iso = (ms: number) => new Date(ms).toISOString();

/** A one-pod summary: container "c" started at `startMs`, `cores` constant since then. */
function summary(atMs: number, cores: number, startMs: number, memory = 100, tx = 0): Summary {
  return {
    pods: [{
      podRef: { name: "p", namespace: "ns", uid: "u" },
      startTime: iso(startMs),
      containers: [{ name: "c", startTime: iso(startMs), cpu: { time: iso(atMs), usageCoreNanoSeconds: Math.round(cores * (atMs - startMs) * 1e6) }, memory: { workingSetBytes: memory } }],
      network: { time: iso(atMs), rxBytes: 0, txBytes: tx },
    }],
  };
}

describe("usage accumulator", () => {
  it("turns counter deltas into the exact average rate", () => {
    const acc = new UsageAccumulator(T);
    acc.observe(summary(T + 1000, 0.5, T - 3_600_000), T + 1000); // baseline only: the container predates the period
    acc.observe(summary(T + 31_000, 0.5, T - 3_600_000, 300), T + 31_000);
    acc.observe(summary(T + 60_000, 0.5, T - 3_600_000, 200), T + 60_000);
    const rates = acc.close(T + 60_000, new Set(["u"])).get("u");
    expect(rates?.cpuCores).toBeCloseTo(0.5, 12);
    expect(rates?.memoryAvgBytes).toBeCloseTo(200, 12);
    expect(rates?.memoryMaxBytes).toBe(300);
  });

  it("keeps each container's average CPU and peak memory (for right-sizing per container)", () => {
    const two = (atMs: number, mem: [number, number]): Summary => ({
      pods: [{
        podRef: { name: "p", namespace: "ns", uid: "u" },
        startTime: iso(T - 3_600_000),
        containers: [
          { name: "app", startTime: iso(T - 3_600_000), cpu: { time: iso(atMs), usageCoreNanoSeconds: Math.round(0.75 * (atMs - T + 3_600_000) * 1e6) }, memory: { workingSetBytes: mem[0] } },
          { name: "sidecar", startTime: iso(T - 3_600_000), cpu: { time: iso(atMs), usageCoreNanoSeconds: Math.round(0.05 * (atMs - T + 3_600_000) * 1e6) }, memory: { workingSetBytes: mem[1] } },
        ],
      }],
    });
    const acc = new UsageAccumulator(T);
    acc.observe(two(T + 1000, [500, 40]), T + 1000);
    acc.observe(two(T + 30_000, [900, 30]), T + 30_000);
    acc.observe(two(T + 60_000, [700, 50]), T + 60_000);
    const rates = acc.close(T + 60_000, new Set(["u"])).get("u");
    expect(rates?.containers.get("app")?.cpuCores).toBeCloseTo(0.75, 9);
    expect(rates?.containers.get("sidecar")?.cpuCores).toBeCloseTo(0.05, 9);
    expect([rates?.containers.get("app")?.memoryMaxBytes, rates?.containers.get("sidecar")?.memoryMaxBytes]).toEqual([900, 50]);
    expect(rates?.cpuCores).toBeCloseTo(0.8, 9);
    expect(rates?.memoryMaxBytes).toBe(930); // the pod's peak is the peak of the sums, not the sum of the peaks
  });

  it("charges a pod seen once the kubelet's instantaneous rate instead of nothing", () => {
    const acc = new UsageAccumulator(T);
    const once = summary(T + 20_000, 0.75, T - 3_600_000);
    const cpu = once.pods?.[0]?.containers?.[0]?.cpu;
    if (cpu !== undefined) cpu.usageNanoCores = 0.75e9;
    acc.observe(once, T + 20_000); // one sample of a container that predates the period: no difference yet
    expect(acc.close(T + 60_000, new Set(["u"])).get("u")?.cpuCores).toBeCloseTo(0.75, 12);
  });

  it("counts a new container's whole counter, and survives a restart (counter reset)", () => {
    const acc = new UsageAccumulator(T);
    acc.observe(summary(T + 20_000, 1, T + 10_000), T + 20_000); // started inside the period: 10 s at 1 core
    acc.observe(summary(T + 40_000, 1, T + 10_000), T + 40_000);
    acc.observe(summary(T + 60_000, 1, T + 50_000), T + 60_000); // restarted at +50 s: counter went down
    expect(acc.close(T + 60_000, new Set(["u"])).get("u")?.cpuCores).toBeCloseTo(1, 12);
  });

  it("continues from persisted counters after a restart", () => {
    const acc = new UsageAccumulator(T);
    acc.observe(summary(T + 30_000, 0.25, T - 1000, 100, 3000), T + 30_000);
    acc.observe(summary(T + 60_000, 0.25, T - 1000, 100, 6000), T + 60_000);
    acc.close(T + 60_000, new Set(["u"]));
    const restored = UsageAccumulator.fromJSON(JSON.parse(JSON.stringify(acc.toJSON())));
    expect(restored.startMs).toBe(T + 60_000);
    restored.observe(summary(T + 125_000, 0.25, T - 1000, 100, 12_500), T + 125_000);
    const rates = restored.close(T + 180_000, new Set(["u"])).get("u");
    expect(rates?.cpuCores).toBeCloseTo(0.25, 12);
    expect(rates?.txRate).toBeCloseTo(100, 9);
  });

  it("carries the last rate through a period without samples, and forgets pods that are gone", () => {
    const acc = new UsageAccumulator(T);
    acc.observe(summary(T + 10_000, 2, T), T + 10_000);
    acc.close(T + 60_000, new Set(["u"]));
    expect(acc.close(T + 120_000, new Set(["u"])).get("u")?.cpuCores).toBeCloseTo(2, 12);
    expect(acc.close(T + 180_000, new Set()).has("u")).toBe(true);
    expect(acc.close(T + 240_000, new Set()).has("u")).toBe(false);
  });
});
