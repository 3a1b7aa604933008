import type { FilterTarget } from "./filter.ts";

export const IDLE = "__idle__";
export const UNALLOCATED = "__unallocated__";

/** OpenCost's controller-kind dimensions: the controller's name for that kind, `__unallocated__` for others. */
const KIND_DIMENSIONS: Record<string, string> = { deployment: "deployment", statefulset: "statefulset", daemonset: "daemonset", job: "job" };

export function aggregateValue(t: FilterTarget, dim: string): string {
  switch (dim) {
    case "cluster":
      return t.cluster;
    case "node":
      return t.node;
    case "namespace":
      return t.namespace;
    case "controllerKind":
      return t.controllerKind === "" ? UNALLOCATED : t.controllerKind.toLowerCase();
    case "controller":
      return t.controllerName === "" ? UNALLOCATED : `${t.controllerKind.toLowerCase()}:${t.controllerName}`;
    case "pod":
      // OpenCost names pod allocations by the pod alone (kubectl-cost splits names on "/").
      return t.pod;
    default: {
      const kind = KIND_DIMENSIONS[dim];
      if (kind !== undefined) return t.controllerKind.toLowerCase() === kind && t.controllerName !== "" ? t.controllerName : UNALLOCATED;
      const key = dim.slice("label:".length);
      const v = t.labels[key];
      return v === undefined || v === "" ? UNALLOCATED : v;
    }
  }
}

/** An allocation's name: its values of the aggregate dimensions joined with "/" (OpenCost's naming). */
export function aggregateKey(t: FilterTarget, aggregate: readonly string[]): string {
  let key = aggregateValue(t, aggregate[0] ?? "pod");
  for (let i = 1; i < aggregate.length; i++) key += "/" + aggregateValue(t, aggregate[i] ?? "pod");
  return key;
}

/** What a filter sees of a node's idle cost: namespace and pod `__idle__`. */
export function idleTarget(cluster: string, node: string): FilterTarget {
  return { cluster, node, namespace: IDLE, controllerKind: "", controllerName: "", pod: IDLE, labels: {} };
}
