import { describe, expect, it } from "vitest";
import { readPriceSnapshot, SnapshotPriceBook } from "../../pricing/snapshot/snapshot.ts";
import { defaultConfig, podUsage, usageSnapshot } from "../../testkit/fixtures.ts";
import { UNMOUNTED, VOLUMES_NODE, type CostRollup, type PricedSnapshot, type VolumeUsage } from "../../model/events.ts";
import { priceSnapshot } from "../pricer/cost-model.ts";
import { RollupEngine } from "./engine.ts";

const config = defaultConfig({ rollup: { allowedLatenessSeconds: 60, emitIntervalSeconds: { "1m": 1, "1h": 1, "1d": 1 }, labelKeys: ["team"], podResolutions: ["1m", "1h"] } });
const book = new SnapshotPriceBook(readPriceSnapshot(), config.pricing);
const T0 = Date.UTC(2026, 10, 23, 10, 0, 0);
const GiB = 2 ** 30;

const volume = (pvName: string, claimNamespace: string, claimName: string, gib: number, storageClass = "gp3"): VolumeUsage => ({
  pvName, volumeId: `vol-${pvName}`, storageClass, capacityBytes: gib * GiB, claimNamespace, claimName, usedBytes: 0,
});
const SHARED = volume("pv-shared", "web", "assets", 500, "efs"); // ReadWriteMany, mounted on both nodes
const DATA = volume("pv-data", "web", "data", 100); // ReadWriteOnce, node A
const OLD = volume("pv-old", "shop", "data-db-3", 50); // claimed, its StatefulSet scaled down: nobody mounts it
const ORPHAN = volume("pv-orphan", "", "", 20, "gp2"); // Released/Available, no claim

function price(node: string, start: number, pods: ReturnType<typeof podUsage>[], volumes: VolumeUsage[]): PricedSnapshot {
  return priceSnapshot(usageSnapshot({ node, windowStartMs: start, pods, volumes }), book, config.pricing, 0);
}

/** One minute of a cluster: node A runs a1 (shared + data); node B runs b1 (60 s) and b2 (30 s), both on shared. */
function minute(start: number): PricedSnapshot[] {
  const a1 = podUsage({ name: "a1", uid: "a1", namespace: "web", claims: ["assets", "data"], runningSeconds: 60 });
  const b1 = podUsage({ name: "b1", uid: "b1", namespace: "web", claims: ["assets"], runningSeconds: 60 });
  const b2 = podUsage({ name: "b2", uid: "b2", namespace: "web", claims: ["assets"], runningSeconds: 30 });
  return [
    price("node-a", start, [a1], [SHARED, DATA]),
    price("node-b", start, [b1, b2], [SHARED]),
    price(VOLUMES_NODE, start, [], [SHARED, DATA, OLD, ORPHAN]),
  ];
}

const listCost = (snapshots: PricedSnapshot[]): number =>
  snapshots.filter((s) => s.node === VOLUMES_NODE).flatMap((s) => s.volumes).reduce((sum, v) => sum + v.windowCost, 0);
const pv = (r: CostRollup | undefined, dimension: string, pred: (row: CostRollup["rows"][number]) => boolean = () => true): number =>
  (r?.rows ?? []).filter((x) => x.dimension === dimension && pred(x)).reduce((s, x) => s + x.pvCost, 0);

describe("storage that adds up (volume inventory)", () => {
  it("charges every volume once: shared ones split among all their pods, unmounted ones as __unmounted__", () => {
    const e = new RollupEngine(config.rollup, T0);
    const snapshots = [...minute(T0), ...minute(T0 + 60_000)];
    for (const s of snapshots) expect(e.fold(s, T0 + 121_000).kind).toBe("folded");
    const out = e.due(T0 + 300_000).map((x) => x.rollup);
    const minutes = out.filter((r) => r.resolution === "1m" && r.final);
    expect(minutes).toHaveLength(2);
    const hour = out.find((r) => r.resolution === "1h");
    const day = out.find((r) => r.resolution === "1d");
    const total = listCost(snapshots);
    for (const r of [hour, day]) {
      expect(pv(r, "namespace")).toBeCloseTo(total, 12);
      expect(pv(r, "controller")).toBeCloseTo(total, 12);
      expect(pv(r, "label")).toBeCloseTo(total, 12);
    }
    expect(minutes.reduce((s, r) => s + pv(r, "namespace"), 0)).toBeCloseTo(total, 12);

    const one = minute(T0);
    const sharedCost = one[2]?.volumes.find((v) => v.pvName === SHARED.pvName)?.windowCost ?? 0;
    const dataCost = one[2]?.volumes.find((v) => v.pvName === DATA.pvName)?.windowCost ?? 0;
    expect(sharedCost).toBeGreaterThan(0);
    // The pricer alone charges the shared volume once per node that mounts it: twice its cost.
    const charged = snapshots.filter((s) => s.node !== VOLUMES_NODE).flatMap((s) => s.pods).reduce((sum, p) => sum + p.pvCost, 0);
    expect(charged).toBeCloseTo(2 * (2 * sharedCost + dataCost), 12);
    const podPv = (uid: string) => hour?.rows.find((r) => r.dimension === "pod" && r.podUid === uid)?.pvCost ?? NaN;
    // 150 pod-seconds on the shared volume per minute: a1 60, b1 60, b2 30.
    expect(podPv("a1")).toBeCloseTo(2 * (sharedCost * 0.4 + dataCost), 12);
    expect(podPv("b1")).toBeCloseTo(2 * sharedCost * 0.4, 12);
    expect(podPv("b2")).toBeCloseTo(2 * sharedCost * 0.2, 12);
    // Totals move with pvCost.
    const b2 = hour?.rows.find((r) => r.dimension === "pod" && r.podUid === "b2");
    expect((b2?.totalCost ?? 0) - (b2?.cpuCost ?? 0) - (b2?.ramCost ?? 0) - (b2?.gpuCost ?? 0) - (b2?.networkCost ?? 0)).toBeCloseTo(b2?.pvCost ?? NaN, 12);

    const oldCost = 2 * (one[2]?.volumes.find((v) => v.pvName === OLD.pvName)?.windowCost ?? 0);
    const orphanCost = 2 * (one[2]?.volumes.find((v) => v.pvName === ORPHAN.pvName)?.windowCost ?? 0);
    expect(pv(hour, "namespace", (r) => r.namespace === "shop")).toBeCloseTo(oldCost, 12);
    expect(pv(hour, "namespace", (r) => r.namespace === UNMOUNTED)).toBeCloseTo(orphanCost, 12);
    expect(hour?.rows.find((r) => r.dimension === "controller" && r.namespace === "shop")?.controllerName).toBe(UNMOUNTED);
    const unmountedPod = hour?.rows.find((r) => r.dimension === "pod" && r.namespace === "shop");
    expect(unmountedPod?.pod).toBe(UNMOUNTED);
    expect(hour?.rows.find((r) => r.dimension === "namespace" && r.namespace === "shop")?.podCount).toBe(0);
    // Nodes carry what their pods were charged; unmounted storage is on no node.
    expect(hour?.nodes.map((n) => n.node).sort()).toEqual(["node-a", "node-b"]);
    expect(hour?.nodes.reduce((s, n) => s + n.pvCost, 0)).toBeCloseTo(total - oldCost - orphanCost, 12);
    // One row per volume, at its list cost.
    expect(hour?.volumes.map((v) => [v.pvName, v.cost]).sort()).toEqual(
      [SHARED, DATA, OLD, ORPHAN].map((v) => [v.pvName, 2 * (one[2]?.volumes.find((x) => x.pvName === v.pvName)?.windowCost ?? 0)]).sort(),
    );
  });

  it("leaves node charges alone when no inventory arrived, and survives a checkpoint", () => {
    const e = new RollupEngine(config.rollup, T0);
    const [a, b, inventory] = minute(T0);
    if (a === undefined || b === undefined || inventory === undefined) throw new Error("fixture");
    e.fold(a, T0 + 61_000);
    e.fold(b, T0 + 61_000);
    const restored = RollupEngine.fromJSON(config.rollup, JSON.parse(JSON.stringify(e.toJSON())), T0 + 61_000);
    expect(restored.fold(inventory, T0 + 61_000).kind).toBe("folded");
    const hour = restored.due(T0 + 200_000).map((x) => x.rollup).find((r) => r.resolution === "1h");
    expect(pv(hour, "namespace")).toBeCloseTo(listCost([inventory]), 12);

    const without = new RollupEngine(config.rollup, T0);
    without.fold(a, T0 + 61_000);
    without.fold(b, T0 + 61_000);
    const plain = without.due(T0 + 200_000).map((x) => x.rollup).find((r) => r.resolution === "1h");
    expect(pv(plain, "namespace")).toBeCloseTo([a, b].flatMap((s) => s.pods).reduce((sum, p) => sum + p.pvCost, 0), 12);
  });

  it("leaves a volume as the pricer charged it when its pods carry no claims (priced before PricedSnapshot v3)", () => {
    const e = new RollupEngine(config.rollup, T0);
    const [a, b, inventory] = minute(T0);
    if (a === undefined || b === undefined || inventory === undefined) throw new Error("fixture");
    const old = (p: PricedSnapshot): PricedSnapshot => ({ ...p, pods: p.pods.map((pod) => ({ ...pod, claims: [] })) });
    for (const p of [old(a), old(b), inventory]) e.fold(p, T0 + 61_000);
    const hour = e.due(T0 + 300_000).map((x) => x.rollup).find((r) => r.resolution === "1h");
    const charged = [a, b].flatMap((p) => p.pods).reduce((sum, p) => sum + p.pvCost, 0);
    const cost = (name: string) => inventory.volumes.find((v) => v.pvName === name)?.windowCost ?? NaN;
    expect(pv(hour, "namespace", (r) => r.namespace === "web")).toBeCloseTo(charged, 12); // not charged again as unmounted
    expect(pv(hour, "namespace", (r) => r.namespace === "shop")).toBeCloseTo(cost(OLD.pvName), 12);
    expect(pv(hour, "namespace", (r) => r.namespace === UNMOUNTED)).toBeCloseTo(cost(ORPHAN.pvName), 12);
  });

  it("prices an inventory without a node: no node cost, no pods", () => {
    const inventory = price(VOLUMES_NODE, T0, [], [SHARED, ORPHAN]);
    expect(inventory.nodeCost.windowCost).toBe(0);
    expect(inventory.pods).toEqual([]);
    expect(inventory.volumes.map((v) => v.windowCost).every((c) => c > 0)).toBe(true);
  });
});
