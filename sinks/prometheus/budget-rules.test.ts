import { describe, expect, it } from "vitest";
import { budgetRules } from "./budget-rules.ts";

describe("budgetRules", () => {
  it("records the amount and the scope's spend of each budget under one budget label", () => {
    const { file, skipped } = budgetRules([
      { name: "production", namespace: "production", monthlyUsd: 500, thresholdsPct: [80, 100], basis: ["runRate"] },
      { name: "eu", cluster: "prod-eu", monthlyUsd: 20000, thresholdsPct: [100], basis: ["runRate"] },
    ]);
    expect(skipped).toEqual([]);
    const rules = file.groups[0]?.rules ?? [];
    expect(rules.map((r) => [r.record, r.expr])).toEqual([
      ["kube_cost:budget_monthly_usd", "vector(500)"],
      ["kube_cost:budget_spend_hourly_usd", 'sum(kube_cost_pod_hourly_usd{namespace="production"})'],
      ["kube_cost:budget_monthly_usd", "vector(20000)"],
      ["kube_cost:budget_spend_hourly_usd", 'sum(kube_cost_pod_hourly_usd{cluster="prod-eu"})'],
    ]);
    expect(rules[3]?.labels).toEqual({ budget: "eu", scope: "all workloads in cluster prod-eu", cluster: "prod-eu" });
  });

  it("skips label-scoped budgets and says why", () => {
    const { file, skipped } = budgetRules([{ name: "payments", labels: { team: "payments" }, monthlyUsd: 100, thresholdsPct: [100], basis: ["runRate"] }]);
    expect(file.groups[0]?.rules).toEqual([]);
    expect(skipped[0]?.name).toBe("payments");
    expect(skipped[0]?.reason).toMatch(/pod labels/);
  });

  it("quotes label values for PromQL", () => {
    const { file } = budgetRules([{ name: "odd", cluster: 'a"b', monthlyUsd: 1, thresholdsPct: [100], basis: ["runRate"] }]);
    expect(file.groups[0]?.rules[1]?.expr).toBe('sum(kube_cost_pod_hourly_usd{cluster="a\\"b"})');
  });
});
