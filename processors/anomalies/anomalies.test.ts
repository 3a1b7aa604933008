import { describe, expect, it } from "vitest";
import { validateConfig } from "../../config/load.ts";
import type { CostAnomaly, CostRollup } from "../../model/events.ts";
import { minute, ON_DEMAND, SPOT, steady } from "../../testkit/minute-windows.ts";
import { AnomalyDetector } from "./detector.ts";
import { Settling } from "./stage.ts";

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const T0 = Date.UTC(2026, 10, 2, 0, 0, 0); // a Monday

const cfg = validateConfig({}).anomalies;

/** The one anomaly that fired, checked to have started at the onset and been confirmed within the confirmation windows. */
function onlyFiring(anomalies: CostAnomaly[], onset: number): CostAnomaly {
  const firing = anomalies.filter((a) => a.status === "firing");
  expect(firing).toHaveLength(1);
  const a = firing[0] as CostAnomaly;
  expect(a.startedAtMs).toBe(onset);
  expect(a.windowStartMs - onset).toBeLessThanOrEqual((cfg.confirmMinutes - 1) * MINUTE);
  return a;
}

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
    const a = onlyFiring(anomalies, onset);
    expect(a).toMatchObject({ scope: "namespace", namespace: "payments" });
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
    const a = onlyFiring(anomalies, onset);
    expect(a).toMatchObject({ scope: "cluster", namespace: "" });
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

describe("settling windows", () => {
  it("judges a window from its newest revision once a window two minutes past its end is seen, or when final", () => {
    const s = new Settling(2 * MINUTE);
    const open = (t: number, rev: number) => ({ ...minute(t, steady(t), SPOT), final: false, rev });
    expect(s.add(open(T0, 1))).toEqual([]);
    expect(s.add(open(T0, 2))).toEqual([]);
    expect(s.add(open(T0 + MINUTE, 1))).toEqual([]);
    expect(s.add(open(T0 + 2 * MINUTE, 1))).toEqual([]);
    const due = s.add(open(T0 + 3 * MINUTE, 1));
    expect(due.map((w) => [w.windowStartMs, w.rev])).toEqual([[T0, 2]]);
    expect(s.add({ ...open(T0 + MINUTE, 3), final: true }).map((w) => w.windowStartMs)).toEqual([T0 + MINUTE]);
  });
});
