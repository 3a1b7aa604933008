import { labelsKey } from "../../model/labels-key.ts";
import type { PodCost } from "../../model/events.ts";
import { rowKeysOf, type RowKey } from "./row-keys.ts";

/** Who a pod is, as the rollup's windows keep it: shared by every window the pod is in (callers must not change it). */
export interface PodInfo {
  uid: string;
  pod: string;
  namespace: string;
  controllerKind: string;
  controllerName: string;
  node: string;
  /** Its values of the configured label keys. */
  labels: Record<string, string>;
  /** The namespace, controller and label rows it counts in, and their keys. */
  rowKeys: RowKey[];
  keys: string[];
}

/**
 * One shared copy of each distinct string, key list, label set and pod identity that the rollup's windows keep per
 * pod: every decoded snapshot brings its own copies, and a pod sits in a dozen open windows at once (the 1m windows
 * within the allowed lateness, its hour, its day). The tables are forgotten whenever they pass `limit` entries (pods
 * and controllers come and go); the values stay with the windows holding them.
 */
export class Canon {
  private readonly limit: number;
  private strings = new Map<string, string>();
  private lists = new Map<string, string[]>();
  private labelSets = new Map<string, Record<string, string>>();
  private rowKeys = new Map<string, RowKey>();
  private pods = new Map<string, PodInfo>();

  constructor(limit = 200_000) {
    this.limit = limit;
  }

  string(s: string): string {
    const known = this.strings.get(s);
    if (known !== undefined) return known;
    if (this.strings.size >= this.limit) this.strings = new Map();
    this.strings.set(s, s);
    return s;
  }

  /** A shared list equal to `items` (callers must not change it). */
  list(items: string[]): string[] {
    const key = items.join("\u0002");
    const known = this.lists.get(key);
    if (known !== undefined) return known;
    if (this.lists.size >= this.limit) this.lists = new Map();
    const shared = items.map((s) => this.string(s));
    this.lists.set(key, shared);
    return shared;
  }

  /** A shared label set equal to `labels` (callers must not change it). */
  labels(labels: Record<string, string>): Record<string, string> {
    const key = labelsKey(labels);
    const known = this.labelSets.get(key);
    if (known !== undefined) return known;
    if (this.labelSets.size >= this.limit) this.labelSets = new Map();
    this.labelSets.set(key, labels);
    return labels;
  }

  /** A shared row identity equal to `k`. */
  rowKey(k: RowKey): RowKey {
    const known = this.rowKeys.get(k.key);
    if (known !== undefined) return known;
    if (this.rowKeys.size >= this.limit) this.rowKeys = new Map();
    const s = (v: string) => this.string(v);
    const shared: RowKey = { key: s(k.key), dimension: k.dimension, namespace: s(k.namespace), controllerKind: s(k.controllerKind), controllerName: s(k.controllerName), labelKey: s(k.labelKey), labelValue: s(k.labelValue) };
    this.rowKeys.set(shared.key, shared);
    return shared;
  }

  /**
   * The shared identity of a priced pod on `node`: the one kept for its uid if nothing it is made of changed (name,
   * namespace, controller, node, the values of `labelKeys`), else a new one that replaces it.
   */
  pod(p: Pick<PodCost, "uid" | "name" | "namespace" | "controllerKind" | "controllerName" | "labels">, node: string, labelKeys: readonly string[]): PodInfo {
    const known = this.pods.get(p.uid);
    if (known !== undefined && sameIdentity(known, p, node, labelKeys)) return known;
    if (known === undefined && this.pods.size >= this.limit) this.pods = new Map();
    const rowKeys = rowKeysOf(p, labelKeys).map((k) => this.rowKey(k));
    const info = this.podInfo({ uid: p.uid, pod: p.name, namespace: p.namespace, controllerKind: p.controllerKind, controllerName: p.controllerName, node, labels: pick(p.labels, labelKeys), rowKeys });
    this.pods.set(info.uid, info);
    return info;
  }

  /** A PodInfo of shared parts, from its fields (also how checkpoints are read back). */
  podInfo(f: Omit<PodInfo, "keys">): PodInfo {
    const rowKeys = f.rowKeys.map((k) => this.rowKey(k));
    return {
      uid: this.string(f.uid),
      pod: this.string(f.pod),
      namespace: this.string(f.namespace),
      controllerKind: this.string(f.controllerKind),
      controllerName: this.string(f.controllerName),
      node: this.string(f.node),
      labels: this.labels(f.labels),
      rowKeys,
      keys: this.list(rowKeys.map((k) => k.key)),
    };
  }
}

function sameIdentity(known: PodInfo, p: Pick<PodCost, "name" | "namespace" | "controllerKind" | "controllerName" | "labels">, node: string, labelKeys: readonly string[]): boolean {
  if (known.pod !== p.name || known.namespace !== p.namespace || known.node !== node || known.controllerName !== p.controllerName || known.controllerKind !== p.controllerKind) return false;
  for (const k of labelKeys) if (known.labels[k] !== p.labels[k]) return false;
  return true;
}

function pick(labels: Readonly<Record<string, string>>, keys: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const k of keys) {
    const v = labels[k];
    if (v !== undefined) out[k] = v;
  }
  return out;
}
