import type { BudgetRule } from "../../config/schema.ts";
import { describeScope } from "../webhook/scope.ts";

/** One recording rule of a Prometheus rules file. */
export interface RecordingRule {
  record: string;
  expr: string;
  labels: Record<string, string>;
}

export interface BudgetRulesFile {
  groups: Array<{ name: string; rules: RecordingRule[] }>;
}

export interface BudgetRulesResult {
  file: BudgetRulesFile;
  /** Budgets Prometheus cannot evaluate (pod-label scopes: the pod metrics carry no pod labels). */
  skipped: Array<{ name: string; reason: string }>;
}

/** A PromQL string literal (Go escapes, which JSON's are a subset of). */
function quote(value: string): string {
  return JSON.stringify(value);
}

/**
 * The budgets of a config as recording rules for deploy/prometheus/kube-cost-rules.yml: per budget
 * its monthly amount and its scope's hourly pod spend, under the same `budget` label. The budget
 * alerts there turn them into a used ratio; the scope semantics are the webhook sink's (a budget
 * without a cluster covers its namespace in every cluster). Run-rate basis only: month-to-date
 * spend is not in Prometheus.
 */
export function budgetRules(budgets: readonly BudgetRule[]): BudgetRulesResult {
  const rules: RecordingRule[] = [];
  const skipped: BudgetRulesResult["skipped"] = [];
  for (const budget of budgets) {
    if (Object.keys(budget.labels ?? {}).length > 0) {
      skipped.push({ name: budget.name, reason: "scoped by pod labels, which kube_cost_pod_hourly_usd does not carry; the webhook sink evaluates it" });
      continue;
    }
    const selectors: string[] = [];
    const labels: Record<string, string> = { budget: budget.name, scope: describeScope(budget) };
    if (budget.cluster !== undefined) {
      selectors.push(`cluster=${quote(budget.cluster)}`);
      labels["cluster"] = budget.cluster;
    }
    if (budget.namespace !== undefined) {
      selectors.push(`namespace=${quote(budget.namespace)}`);
      labels["namespace"] = budget.namespace;
    }
    rules.push({ record: "kube_cost:budget_monthly_usd", expr: `vector(${budget.monthlyUsd})`, labels });
    rules.push({ record: "kube_cost:budget_spend_hourly_usd", expr: `sum(kube_cost_pod_hourly_usd${selectors.length > 0 ? `{${selectors.join(",")}}` : ""})`, labels: { ...labels } });
  }
  return { file: { groups: [{ name: "kube-cost-budget-values", rules }] }, skipped };
}
