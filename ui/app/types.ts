/**
 * The API's answers, as the API declares them (type-only imports: erased when bundled, so the app and
 * the API cannot drift apart without `npm run typecheck` saying so).
 */
import type { Allocation } from "../../api/allocation.ts";

export type { Allocation } from "../../api/allocation.ts";
export type { Budgets, BudgetStatus } from "../../api/budgets.ts";
export type { Rates, Recommendations, Savings, SavingsItem } from "../../api/handlers.ts";
export type { NodeRate } from "../../api/rates.ts";
export type { NodeDayAccuracy, Reconciliation } from "../../api/reconciliation.ts";
export type { ClusterSummary, Summary } from "../../api/summary.ts";
export type { TimeSeries } from "../../api/timeseries.ts";
export type { BudgetAlert } from "../../model/events.ts";
export type { Recommendation } from "../../processors/recommender/recommender.ts";

/** `/allocation`'s data: one set per step, allocations by name. */
export type AllocationSets = Array<Record<string, Allocation>>;
