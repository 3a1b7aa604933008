import type { BudgetRule } from "../../config/schema.ts";

export interface ScopedItem {
  cluster: string;
  namespace: string;
  labels: Record<string, string>;
}

/** Whether a pod (or pod row) is inside a budget's scope: cluster, namespace, and every label. */
export function inScope(rule: BudgetRule, item: ScopedItem): boolean {
  if (rule.cluster !== undefined && rule.cluster !== item.cluster) return false;
  if (rule.namespace !== undefined && rule.namespace !== item.namespace) return false;
  for (const [k, v] of Object.entries(rule.labels ?? {})) if (item.labels[k] !== v) return false;
  return true;
}

/** "namespace production", "team=payments in cluster prod", "all clusters". */
export function describeScope(rule: BudgetRule): string {
  const parts: string[] = [];
  if (rule.namespace !== undefined) parts.push(`namespace ${rule.namespace}`);
  for (const [k, v] of Object.entries(rule.labels ?? {})) parts.push(`${k}=${v}`);
  const what = parts.length === 0 ? "all workloads" : parts.join(", ");
  return rule.cluster === undefined ? what : `${what} in cluster ${rule.cluster}`;
}

/** A subject- and key-safe identity of the scope. */
export function scopeKey(rule: BudgetRule): string {
  const labels = Object.entries(rule.labels ?? {}).sort().map(([k, v]) => `${k}=${v}`).join(",");
  return [rule.cluster ?? "*", rule.namespace ?? "*", labels === "" ? "*" : labels].join("|");
}
