import type { PodCost, RollupDimension } from "../../model/events.ts";

/** The identity of a rollup row, with its map key precomputed. */
export interface RowKey {
  key: string;
  dimension: RollupDimension;
  namespace: string;
  controllerKind: string;
  controllerName: string;
  labelKey: string;
  labelValue: string;
}

export function rowKey(
  dimension: RollupDimension,
  namespace: string,
  controllerKind: string,
  controllerName: string,
  labelKey: string,
  labelValue: string,
): RowKey {
  const key = `${dimension}\u0000${namespace}\u0000${controllerKind}\u0000${controllerName}\u0000${labelKey}\u0000${labelValue}`;
  return { key, dimension, namespace, controllerKind, controllerName, labelKey, labelValue };
}

/**
 * The rows a pod's cost goes to — its namespace, its controller, and each configured label — computed
 * once per snapshot and shared by the 1m, 1h and 1d windows.
 */
export function rowKeysOf(pod: Pick<PodCost, "namespace" | "controllerKind" | "controllerName" | "labels">, labelKeys: readonly string[]): RowKey[] {
  const keys = [rowKey("namespace", pod.namespace, "", "", "", ""), rowKey("controller", pod.namespace, pod.controllerKind, pod.controllerName, "", "")];
  for (const labelKey of labelKeys) keys.push(rowKey("label", "", "", "", labelKey, pod.labels[labelKey] ?? ""));
  return keys;
}
