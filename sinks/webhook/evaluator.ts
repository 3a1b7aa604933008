import type { BudgetRule } from "../../config/schema.ts";
import type { BudgetAlert, CostDriver, CostRollup, PricedSnapshot } from "../../model/events.ts";
import { HOURS_PER_MONTH } from "../../pricing/defaults.ts";
import { HOUR_MS, monthOf } from "../../api/window.ts";
import { describeScope, inScope, scopeKey } from "./scope.ts";
import { alertLink, type LinkTargets } from "./links.ts";

export interface Observation {
  /** USD per hour, from the newest window of every node. */
  runRateHourly: number;
  monthToDate: number;
  forecastMonthly: number;
  /** Controllers (or bare pods) by hourly cost. */
  drivers: CostDriver[];
}

/** "2026-11" for a UTC instant. */
export function periodOf(ms: number): string {
  return new Date(ms).toISOString().slice(0, 7);
}


/**
 * What a budget's scope costs now: the run rate from each node's newest priced snapshot (cost per
 * wall-clock hour — what `sum(kube_cost_pod_hourly_usd) * 730` alerts on), month-to-date from this
 * month's 1d rollups (pod rows), and the forecast to month end. Pod costs only; idle is not in a scope.
 */
export function observe(rule: BudgetRule, latest: readonly PricedSnapshot[], days: readonly CostRollup[], nowMs: number): Observation {
  let hourly = 0;
  const byDriver = new Map<string, number>();
  for (const snapshot of latest) {
    const hours = snapshot.windowSeconds / 3600;
    for (const pod of snapshot.pods) {
      if (!inScope(rule, { cluster: snapshot.cluster, namespace: pod.namespace, labels: pod.labels })) continue;
      const perHour = pod.totalCost / hours;
      hourly += perHour;
      const driver = pod.controllerName === "" ? `${pod.namespace}/${pod.name}` : `${pod.namespace}/${pod.controllerName}`;
      byDriver.set(driver, (byDriver.get(driver) ?? 0) + perHour);
    }
  }
  const period = periodOf(nowMs);
  let monthToDate = 0;
  for (const day of days) {
    if (periodOf(day.windowStartMs) !== period) continue;
    for (const row of day.rows) {
      if (row.dimension === "pod" && inScope(rule, { cluster: day.cluster, namespace: row.namespace, labels: row.labels })) monthToDate += row.totalCost;
    }
  }
  const drivers = [...byDriver.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, 3)
    .map(([name, perHour]) => ({ name, monthlyUsd: perHour * HOURS_PER_MONTH, share: hourly > 0 ? perHour / hourly : 0 }));
  return { runRateHourly: hourly, monthToDate, forecastMonthly: monthToDate + hourly * ((monthOf(nowMs).endMs - nowMs) / HOUR_MS), drivers };
}

/** Per rule, scope, threshold and basis: what was said this month. */
export interface AlertState {
  period: string;
  /** A firing alert was sent this period (at most one per period). */
  fired: boolean;
  /** It has not been resolved since. */
  firing: boolean;
}

export type Decision = "fire" | "resolve" | "none";

/** Back under the threshold means under 95 % of it, so a value hovering at the line does not flap. */
export const RESOLVE_BELOW = 0.95;

/**
 * One firing alert per rule × scope × threshold × month, and one resolved message when the value
 * drops back below 95 % of the threshold; no second firing in the same month.
 */
export function decide(previous: AlertState | undefined, period: string, observed: number, threshold: number): { decision: Decision; next: AlertState } {
  const state: AlertState = previous !== undefined && previous.period === period ? previous : { period, fired: false, firing: false };
  if (!state.fired && observed >= threshold) return { decision: "fire", next: { period, fired: true, firing: true } };
  if (state.firing && observed < threshold * RESOLVE_BELOW) return { decision: "resolve", next: { ...state, firing: false } };
  return { decision: "none", next: state };
}

/** The state key of one alert stream (KV-safe). */
export function alertKey(rule: BudgetRule, thresholdPct: number, basis: string): string {
  const scope = Buffer.from(scopeKey(rule)).toString("base64url");
  return `${rule.name}.${scope}.${String(thresholdPct).replace(".", "_")}.${basis}`;
}

export interface AlertInput {
  cluster: string;
  rule: BudgetRule;
  thresholdPct: number;
  basis: "runRate" | "forecast";
  status: "firing" | "resolved";
  observation: Observation;
  /** Where the alert links to (the dashboard template, or the web app). */
  links: LinkTargets;
  nowMs: number;
}

export function buildAlert(input: AlertInput): BudgetAlert {
  const { rule, observation: o } = input;
  const observed = input.basis === "runRate" ? o.runRateHourly * HOURS_PER_MONTH : o.forecastMonthly;
  const over = observed - rule.monthlyUsd;
  const period = periodOf(input.nowMs);
  return {
    id: `${rule.name}/${scopeKey(rule)}/${input.thresholdPct}/${input.basis}/${period}/${input.status}`,
    cluster: input.cluster,
    rule: rule.name,
    status: input.status,
    basis: input.basis,
    thresholdPct: input.thresholdPct,
    period,
    scope: { cluster: rule.cluster ?? "", namespace: rule.namespace ?? "", labels: rule.labels ?? {} },
    scopeDescription: describeScope(rule),
    monthlyBudgetUsd: rule.monthlyUsd,
    runRateMonthlyUsd: o.runRateHourly * HOURS_PER_MONTH,
    monthToDateUsd: o.monthToDate,
    forecastMonthlyUsd: o.forecastMonthly,
    observedMonthlyUsd: observed,
    overBudgetUsd: Math.max(0, over),
    overBudgetPct: over > 0 ? (over / rule.monthlyUsd) * 100 : 0,
    topDrivers: o.drivers,
    dashboardUrl: alertLink(input.links, { cluster: rule.cluster ?? input.cluster, namespace: rule.namespace ?? "", labels: rule.labels }, "month"),
    evaluatedAtMs: input.nowMs,
  };
}
