import type { Recommendation, Recommender } from "../processors/recommender/recommender.ts";
import { rightSizeNodes, type NodeRecommendation, type NodeSizingConfig } from "../processors/recommender/nodes.ts";
import { shippedCatalog } from "../pricing/catalog/catalog.ts";
import { ParamError } from "./errors.ts";
import { parseFilter } from "./filter.ts";
import { listParam } from "./params.ts";
import type { NodeRates } from "./rates.ts";

const STATUSES = new Set(["over-requested", "under-requested", "right-sized", "learning"]);
const PARAMS = new Set(["filter", "namespace", "status", "cluster"]);

/**
 * `/recommendations`: request right-sizing per controller, priced at the rates of the nodes its pods ran
 * on. `filter` (OpenCost's language: namespace, controllerKind, controllerName, cluster, …), `namespace`,
 * `cluster` and `status` (comma-separated) narrow it.
 */
export function recommendations(recommender: Recommender | undefined, rates: NodeRates, params: URLSearchParams, nowMs: number, nodeSizing: NodeSizingConfig): { items: Recommendation[]; nodes: NodeRecommendation[]; monthlySavingsUsd: number; warnings: string[] } {
  if (recommender === undefined) throw new ParamError("recommendations", "this API does not learn usage (recommendations.enabled is false)");
  const unknown = [...new Set(params.keys())].filter((k) => !PARAMS.has(k));
  const filter = parseFilter(params.get("filter"));
  const namespaces = new Set(listParam(params, "namespace"));
  const statuses = new Set(listParam(params, "status"));
  for (const s of statuses) if (!STATUSES.has(s)) throw new ParamError("status", `unknown status ${JSON.stringify(s)}; one of ${[...STATUSES].join(", ")}`);
  const cluster = params.get("cluster");
  const items = recommender
    .recommend(nowMs, (c, node) => rates.rateOf(c, node))
    .filter((r) => (namespaces.size === 0 || namespaces.has(r.namespace)) && (statuses.size === 0 || statuses.has(r.status)) && (cluster === null || r.cluster === cluster))
    .filter((r) => filter({ cluster: r.cluster, node: "", namespace: r.namespace, controllerKind: r.controllerKind, controllerName: r.controller, pod: "", labels: {} }));
  // Nodes mostly unrequested, and the cheaper shapes of the price book that would hold their pods.
  const nodes = namespaces.size > 0 ? [] : rightSizeNodes(rates.current(nowMs, cluster ?? undefined), shippedCatalog(), nodeSizing);
  return { items, nodes, monthlySavingsUsd: items.reduce((a, r) => a + r.monthlySavingsUsd, 0), warnings: unknown.length === 0 ? [] : [`ignored unknown parameter(s) ${unknown.join(", ")}; accepted: ${[...PARAMS].join(", ")}`] };
}
