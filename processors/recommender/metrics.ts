import { Gauge, type Registry } from "../../telemetry/prom.ts";
import type { Recommendation } from "./recommender.ts";

const LABELS = ["cluster", "namespace", "controller_kind", "controller", "container", "status"] as const;

/**
 * Recommendations as Prometheus families, computed when scraped: the recommended requests per pod and
 * what applying them saves per month (negative: adds), per controller. Controllers still learning are left out.
 */
export function registerRecommendationMetrics(registry: Registry, current: () => Recommendation[]): void {
  if (registry.getSingleMetric("kube_cost_recommended_cpu_request_cores") !== undefined) return;
  let cached: { at: number; items: Recommendation[] } | undefined;
  // One computation serves the three families of a scrape.
  const items = (): Recommendation[] => {
    const now = Date.now();
    if (cached === undefined || now - cached.at > 1000) cached = { at: now, items: current().filter((r) => r.status !== "learning") };
    return cached.items;
  };
  const family = (name: string, help: string, value: (r: Recommendation) => number): void => {
    new Gauge({
      name,
      help,
      labelNames: LABELS,
      registers: [registry],
      collect() {
        this.reset();
        for (const r of items()) this.set({ cluster: r.cluster, namespace: r.namespace, controller_kind: r.controllerKind, controller: r.controller, container: r.container, status: r.status }, value(r));
      },
    });
  };
  family("kube_cost_recommended_cpu_request_cores", "Recommended CPU request per pod of a controller, from its usage (p95 + headroom)", (r) => r.recommended.cpuCores);
  family("kube_cost_recommended_memory_request_bytes", "Recommended memory request per pod of a controller (peak working set + headroom)", (r) => r.recommended.memoryBytes);
  family("kube_cost_recommendation_savings_monthly_usd", "What applying the recommended requests saves per month (negative: what it adds for under-requested controllers)", (r) => r.monthlySavingsUsd);
}
