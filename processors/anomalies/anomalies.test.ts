import { describe, expect, it } from "vitest";
import { validateConfig } from "../../config/load.ts";
import type { CostAnomaly, CostRollup, RollupRow } from "../../model/events.ts";
import { AnomalyDetector } from "./detector.ts";

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const T0 = Date.UTC(2026, 10, 2, 0, 0, 0); // a Monday

interface Workload {
  namespace: string;
  name: string;
  pods: number;
  /** $/h per pod on an on-demand node (spot nodes charge `spotFactor` of it). */
  podHourly: number;
  requestCores: number;
}

interface Node {
  name: string;
  type: string;
  capacity: "SPOT" | "ON_DEMAND";
  hourly: number;
}

/** A deterministic noise of ±3 %, so baselines have a variance as real spend does. */
function noise(t: number, salt: number): number {
  const x = Math.sin((t / MINUTE) * 12.9898 + salt * 78.233) * 43758.5453;
  return 1 + 0.06 * (x - Math.floor(x) - 0.5);
}

function row(dimension: RollupRow["dimension"], namespace: string, controllerName: string, pods: number, hourly: number, request: number): RollupRow {
  const cost = hourly / 60;
  return {
    dimension, namespace, controllerKind: controllerName === "" ? "" : "Deployment", controllerName, labelKey: "", labelValue: "", pod: "", podUid: "", node: "", labels: {}, podCount: pods,
    podHours: pods / 60, cpuCoreHours: (pods * request) / 60, cpuCoreRequestHours: (pods * request) / 60, cpuCoreUsageHours: 0, ramByteHours: 0, ramByteRequestHours: 0, ramByteUsageHours: 0, gpuHours: 0,
    cpuCost: cost, ramCost: 0, gpuCost: 0, pvCost: 0, networkCost: 0, totalCost: cost, realisedSavings: 0, potentialSavings: 0,
  };
}

/** One final 1m window of a cluster running `workloads` on `nodes`; pods on spot nodes cost `spotFactor` as much. */
function minute(t: number, workloads: Workload[], nodes: Node[], spotFactor = 1): CostRollup {
  const rows: RollupRow[] = [];
  const byNamespace = new Map<string, { pods: number; hourly: number }>();
  workloads.forEach((w, i) => {
    const hourly = w.pods * w.podHourly * spotFactor * noise(t, i);
    rows.push(row("controller", w.namespace, w.name, w.pods, hourly, w.requestCores));
    const ns = byNamespace.get(w.namespace) ?? { pods: 0, hourly: 0 };
    ns.pods += w.pods;
    ns.hourly += hourly;
    byNamespace.set(w.namespace, ns);
  });
  for (const [namespace, ns] of byNamespace) rows.push(row("namespace", namespace, "", ns.pods, ns.hourly, 0));
  const nodeRows = nodes.map((n) => ({
    node: n.name, providerId: "", instanceType: n.type, capacityType: n.capacity, region: "us-east-1", hours: 1 / 60, nodeCost: n.hourly / 60, cpuCost: 0, ramCost: 0, gpuCost: 0,
    podComputeCost: 0, idleCost: (0.1 * n.hourly) / 60, idleCpuCost: 0, idleRamCost: 0, idleGpuCost: 0, overcommitCost: 0, pvCost: 0, realisedSavings: 0, potentialSavings: 0,
  }));
  return { resolution: "1m", cluster: "prod", windowStartMs: t, windowEndMs: t + MINUTE, rev: t, final: true, snapshotCount: nodes.length, part: 0, parts: 1, rows, nodes: nodeRows, volumes: [] };
}

const cfg = validateConfig({}).anomalies;

/** Office-hours traffic: the web tier runs 4 pods at night and 10 from 08:00 to 20:00 UTC, every day. */
function steady(t: number): Workload[] {
  const hour = new Date(t).getUTCHours();
  return [
    { namespace: "shop", name: "web", pods: hour >= 8 && hour < 20 ? 10 : 4, podHourly: 0.1, requestCores: 0.5 },
    { namespace: "payments", name: "api", pods: 3, podHourly: 0.2, requestCores: 1 },
    { namespace: "data", name: "etl", pods: 2, podHourly: 0.4, requestCores: 2 },
  ];
}

const SPOT: Node[] = [1, 2, 3].map((i) => ({ name: `spot-${i}`, type: "m5.xlarge", capacity: "SPOT", hourly: 0.07 }));
const ON_DEMAND: Node[] = [1, 2, 3].map((i) => ({ name: `od-${i}`, type: "m5.xlarge", capacity: "ON_DEMAND", hourly: 0.192 }));

function run(from: number, to: number, at: (t: number) => CostRollup, d: AnomalyDetector): CostAnomaly[] {
  const out: CostAnomaly[] = [];
  for (let t = from; t < to; t += MINUTE) out.push(...d.observe(at(t), t + MINUTE + 5_000));
  return out;
}

describe("cost anomalies in the stream", () => {
  it("raises nothing over a simulated week of a steady daily pattern (office hours scale the web tier every day)", () => {
    const d = new AnomalyDetector(cfg);
    const anomalies = run(T0, T0 + 7 * DAY, (t) => minute(t, steady(t), SPOT, 0.4), d);
    expect(anomalies).toEqual([]);
    expect(d.scopes).toBe(4);
  });

  it("raises one anomaly for a scale-up, naming the controller, within the confirmation windows, and resolves it", () => {
    const d = new AnomalyDetector(cfg);
    expect(run(T0, T0 + 3 * DAY, (t) => minute(t, steady(t), SPOT, 0.4), d)).toEqual([]);
    const onset = T0 + 3 * DAY + 14 * HOUR + 7 * MINUTE;
    const scaled = (t: number) => steady(t).map((w) => (w.name === "api" && t >= onset && t < onset + 2 * HOUR ? { ...w, pods: 12 } : w));
    const anomalies = run(T0 + 3 * DAY, T0 + 4 * DAY, (t) => minute(t, scaled(t), SPOT, 0.4), d);
    const firing = anomalies.filter((a) => a.status === "firing");
    expect(firing).toHaveLength(1);
    const a = firing[0] as CostAnomaly;
    expect(a).toMatchObject({ scope: "namespace", namespace: "payments", startedAtMs: onset });
    expect(a.windowStartMs - onset).toBeLessThanOrEqual((cfg.confirmMinutes - 1) * MINUTE);
    expect(a.causes[0]).toMatchObject({ kind: "scale_up", subject: "payments/Deployment/api" });
    expect(a.causes[0]?.detail).toContain("from 3 to 12 pods");
    expect(a.observedHourlyUsd / a.expectedHourlyUsd).toBeGreaterThan(2.5);
    const resolved = anomalies.filter((x) => x.status === "resolved");
    expect(resolved.map((x) => x.id)).toEqual([a.id]);
    expect(resolved[0]?.windowStartMs).toBeGreaterThanOrEqual(onset + 2 * HOUR);
  });

  it("raises one anomaly for spot nodes replaced by on-demand ones, for the cluster, naming the fallback", () => {
    const d = new AnomalyDetector(cfg);
    expect(run(T0, T0 + 3 * DAY, (t) => minute(t, steady(t), SPOT, 0.4), d)).toEqual([]);
    const onset = T0 + 3 * DAY + 10 * HOUR;
    const anomalies = run(T0 + 3 * DAY, T0 + 3 * DAY + 12 * HOUR, (t) => (t < onset ? minute(t, steady(t), SPOT, 0.4) : minute(t, steady(t), ON_DEMAND, 1)), d);
    const firing = anomalies.filter((a) => a.status === "firing");
    expect(firing).toHaveLength(1);
    const a = firing[0] as CostAnomaly;
    expect(a).toMatchObject({ scope: "cluster", namespace: "", startedAtMs: onset });
    expect(a.windowStartMs - onset).toBeLessThanOrEqual((cfg.confirmMinutes - 1) * MINUTE);
    expect(a.causes[0]).toMatchObject({ kind: "spot_to_on_demand", subject: "m5.xlarge" });
    expect(a.causes[0]?.detail).toContain("3 spot node(s) replaced by 3 on-demand node(s)");
    expect(a.namespaces).toEqual(["data", "payments", "shop"]);
  });

  it("learns a new namespace before it can fire, and ignores small changes", () => {
    const d = new AnomalyDetector({ ...cfg, minImpactHourlyUsd: 5 });
    const grown = (t: number) => [...steady(t), ...(t >= T0 + 2 * DAY ? [{ namespace: "ml", name: "trainer", pods: t >= T0 + 2 * DAY + 6 * HOUR ? 8 : 2, podHourly: 0.5, requestCores: 4 }] : [])];
    // The new namespace's jump (+$3/h) is below the $5/h floor; its first hours are learning anyway.
    expect(run(T0, T0 + 3 * DAY, (t) => minute(t, grown(t), SPOT, 0.4), d)).toEqual([]);
  });
});
