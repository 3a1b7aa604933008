import { describe, expect, it } from "vitest";
import { nodeInfo } from "../../testkit/fixtures.ts";
import type { PodRates } from "./accumulator.ts";
import type { PodMeta } from "./pod-meta.ts";
import { buildSnapshots, type SnapshotInput } from "./snapshots.ts";

const T = Date.UTC(2026, 10, 23, 10, 0, 0);
const meta = (uid: string, startMs: number | undefined, endMs?: number, claims: string[] = []): PodMeta => ({
  uid, namespace: "ns", name: uid, controllerKind: "Deployment", controllerName: "d", labels: {}, cpuRequestCores: 0.1, cpuLimitCores: 0,
  memoryRequestBytes: 0, memoryLimitBytes: 0, gpuRequest: 0, claims, restarts: 0, startMs, endMs,
});
const rate = (cpuCores: number, txRate = 0): PodRates => ({ cpuCores, memoryAvgBytes: 10, memoryMaxBytes: 12, rxRate: 0, txRate, volumeUsed: new Map([["data", 5]]), containers: new Map() });

function input(overrides: Partial<SnapshotInput>): SnapshotInput {
  return {
    cluster: "c", node: "n", nodeInfo: nodeInfo(), agentVersion: "t", intervalMs: 60_000, fromMs: T, toMs: T + 60_000, sampledAtMs: T + 60_000,
    rates: new Map(), pods: [], volumeOf: () => undefined, maxBackfillWindows: 5, ...overrides,
  };
}

describe("snapshot builder", () => {
  it("gives each pod the part of the window it ran, and usage = rate × running time", () => {
    const batch = buildSnapshots(input({
      pods: [meta("whole", T - 1000), meta("late-start", T + 15_000), meta("ended", T - 1000, T + 45_000), meta("pending", undefined), meta("gone", T - 9000, T - 10)],
      rates: new Map([["whole", rate(0.5, 100)], ["late-start", rate(1)]]),
    }));
    expect(batch.snapshots).toHaveLength(1);
    const pods = new Map(batch.snapshots[0]?.pods.map((p) => [p.uid, p]));
    expect([...pods.keys()].sort()).toEqual(["ended", "late-start", "whole"]);
    expect(pods.get("whole")).toMatchObject({ runningSeconds: 60, cpuCoreSeconds: 30, networkTxBytes: 6000 });
    expect(pods.get("late-start")).toMatchObject({ runningSeconds: 45, cpuCoreSeconds: 45 });
    expect(pods.get("ended")).toMatchObject({ runningSeconds: 45, cpuCoreSeconds: 0 });
    expect(batch.snapshots[0]).toMatchObject({ windowStartMs: T, windowSeconds: 60, backfilled: false });
  });

  it("rebuilds missed windows after a gap, bounded by maxBackfillWindows", () => {
    const batch = buildSnapshots(input({ fromMs: T - 10 * 60_000, toMs: T + 60_000, pods: [meta("p", T - 3_600_000)], rates: new Map([["p", rate(1)]]) }));
    expect(batch.snapshots).toHaveLength(6);
    expect(batch.skippedWindows).toBe(5);
    expect(batch.snapshots.map((s) => s.backfilled)).toEqual([true, true, true, true, true, false]);
    expect(batch.snapshots.every((s) => s.pods[0]?.cpuCoreSeconds === 60)).toBe(true);
  });

  it("aligns a cold start to the window it began in", () => {
    const batch = buildSnapshots(input({ fromMs: T + 42_000, pods: [meta("p", T - 1000)] }));
    expect(batch.snapshots.map((s) => s.windowStartMs)).toEqual([T]);
  });

  it("attaches each mounted volume once", () => {
    const volumeOf = (_ns: string, claim: string) => (claim === "data" ? { pvName: "pv-1", storageClass: "gp3", capacityBytes: 100, volumeId: "vol-1" } : undefined);
    const batch = buildSnapshots(input({ pods: [meta("a", T, undefined, ["data"]), meta("b", T, undefined, ["data", "other"])], rates: new Map([["a", rate(0)]]), volumeOf }));
    expect(batch.snapshots[0]?.volumes).toEqual([{ pvName: "pv-1", storageClass: "gp3", capacityBytes: 100, volumeId: "vol-1", claimNamespace: "ns", claimName: "data", usedBytes: 5 }]);
  });
});

describe("pod label allowlist", () => {
  it("keeps exact keys and prefixes, or everything with *", async () => {
    const { labelFilter } = await import("./labels.ts");
    const labels = { app: "api", "app.kubernetes.io/name": "api", "pod-template-hash": "abc", team: "payments" };
    expect(labelFilter(["app", "team"])(labels)).toEqual({ app: "api", team: "payments" });
    expect(labelFilter(["app.kubernetes.io/*"])(labels)).toEqual({ "app.kubernetes.io/name": "api" });
    expect(labelFilter(["*"])(labels)).toBe(labels);
  });
});

describe("cloud volume ids", () => {
  it("reads the disk id the bill names from CSI and in-tree volume sources", async () => {
    const { cloudVolumeId } = await import("./caches.ts");
    expect(cloudVolumeId({ spec: { csi: { driver: "ebs.csi.aws.com", volumeHandle: "vol-0abc" } } })).toBe("vol-0abc");
    expect(cloudVolumeId({ spec: { awsElasticBlockStore: { volumeID: "aws://us-east-1a/vol-0def" } } })).toBe("vol-0def");
    expect(cloudVolumeId({ spec: { gcePersistentDisk: { pdName: "pvc-123" } } })).toBe("pvc-123");
    expect(cloudVolumeId({ spec: { nfs: { server: "x", path: "/" } } })).toBe("");
  });
});
