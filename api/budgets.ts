import type { BudgetRule } from "../config/schema.ts";
import type { BudgetAlert } from "../model/events.ts";
import { HOURS_PER_MONTH } from "../pricing/defaults.ts";
import { describeScope, inScope } from "../sinks/webhook/scope.ts";
import { computeAllocations } from "./allocation.ts";
import { ParamError } from "./errors.ts";
import { ok, type ApiContext, type ApiResponse } from "./handlers.ts";
import { HOUR_MS, monthOf, parseWindow, rfc3339 } from "./window.ts";

export interface BudgetStatus {
  name: string;
  scope: string;
  cluster: string;
  namespace: string;
  labels: Record<string, string>;
  monthlyUsd: number;
  thresholdsPct: number[];
  monthToDate: number;
  /** Cost per hour over the last hour the scope ran. */
  hourlyCost: number;
  runRateMonthly: number;
  forecastMonthly: number;
  /** Month to date ÷ budget, %. */
  burnPct: number;
  forecastPct: number;
  /** The fraction of the month gone, % (burn above it is ahead of budget). */
  monthElapsedPct: number;
}

/** `/budgets`' answer. */
export interface Budgets {
  currencyCode: string;
  now: string;
  budgets: BudgetStatus[];
  alerts: BudgetAlert[];
}

/** Pod costs in a rule's scope (idle is in no scope, as the webhook evaluator counts). */
function scopedCost(ctx: ApiContext, rule: BudgetRule, window: string, nowMs: number): { cost: number; minutes: number } {
  const filter = (t: { cluster: string; namespace: string; labels: Record<string, string> }) => inScope(rule, t);
  const set = computeAllocations(ctx.index, { range: parseWindow(window, nowMs), aggregate: ["cluster"], filter, idle: false, shareIdle: false }, nowMs);
  return { cost: set.allocations.reduce((s, a) => s + a.totalCost, 0), minutes: Math.max(0, ...set.allocations.map((a) => a.minutes)) };
}

export function budgetStatus(ctx: ApiContext, rule: BudgetRule, nowMs: number): BudgetStatus {
  const month = monthOf(nowMs);
  const monthToDate = scopedCost(ctx, rule, "month", nowMs).cost;
  const lastHour = scopedCost(ctx, rule, "1h", nowMs);
  const hourlyCost = lastHour.minutes > 0 ? lastHour.cost / (lastHour.minutes / 60) : 0;
  const forecastMonthly = monthToDate + hourlyCost * ((month.endMs - nowMs) / HOUR_MS);
  return {
    name: rule.name,
    scope: describeScope(rule),
    cluster: rule.cluster ?? "",
    namespace: rule.namespace ?? "",
    labels: rule.labels ?? {},
    monthlyUsd: rule.monthlyUsd,
    thresholdsPct: rule.thresholdsPct,
    monthToDate,
    hourlyCost,
    runRateMonthly: hourlyCost * HOURS_PER_MONTH,
    forecastMonthly,
    burnPct: (monthToDate / rule.monthlyUsd) * 100,
    forecastPct: (forecastMonthly / rule.monthlyUsd) * 100,
    monthElapsedPct: ((nowMs - month.startMs) / (month.endMs - month.startMs)) * 100,
  };
}

/**
 * `/budgets`: each configured budget (config `budgets`) with month to date, run rate over the last hour,
 * forecast to month end and burn, and the recent alerts the webhook sink raised (stream KCE_ALERTS).
 */
export function budgetsHandler(ctx: ApiContext, params: URLSearchParams): ApiResponse {
  for (const name of params.keys()) throw new ParamError(name, "unknown parameter; /budgets takes none");
  const nowMs = ctx.now();
  const data: Budgets = {
    currencyCode: ctx.currencyCode,
    now: rfc3339(nowMs),
    budgets: (ctx.budgets ?? []).map((rule) => budgetStatus(ctx, rule, nowMs)),
    alerts: ctx.alerts?.list() ?? [],
  };
  return ok(data);
}
