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
 * A map that forgets what was not used lately: entries live in the current generation, or in the previous one until
 * they are used again (then they move to the current one); `rotate` drops the previous generation. So a table holds what
 * was used within the last one or two generations, however many values came and went, and at most twice `limit` (a
 * generation that reaches `limit` starts the next).
 */
class RecentMap<V> {
  private current = new Map<string, V>();
  private previous = new Map<string, V>();
  private readonly limit: number;

  constructor(limit: number) {
    this.limit = limit;
  }

  get(key: string): V | undefined {
    const v = this.current.get(key);
    if (v !== undefined) return v;
    const old = this.previous.get(key);
    if (old !== undefined) this.set(key, old);
    return old;
  }

  set(key: string, value: V): void {
    if (this.current.size >= this.limit) this.rotate();
    this.current.set(key, value);
  }

  rotate(): void {
    this.previous = this.current;
    this.current = new Map();
  }

  get size(): number {
    return this.current.size + this.previous.size;
  }
}

/**
 * One shared copy of each distinct string, key list, label set and pod identity that the rollup's windows keep per
 * pod: every decoded snapshot brings its own copies, and a pod sits in a dozen open windows at once (the 1m windows
 * within the allowed lateness, its hour, its day). The tables forget what was not used for a generation or two
 * (`rotate`, called by the engine every CANON_GENERATION_MS of processing time) or past `limit` entries, so pods that come and
 * go (Jobs, rollouts) do not pile up; the values stay with the windows holding them.
 */
export class Canon {
  private readonly strings: RecentMap<string>;
  private readonly lists: RecentMap<string[]>;
  private readonly labelSets: RecentMap<Record<string, string>>;
  private readonly rowKeys: RecentMap<RowKey>;
  private readonly pods: RecentMap<PodInfo>;

  constructor(limit = 200_000) {
    this.strings = new RecentMap(limit);
    this.lists = new RecentMap(limit);
    this.labelSets = new RecentMap(limit);
    this.rowKeys = new RecentMap(limit);
    this.pods = new RecentMap(limit);
  }

  /** Starts a new generation: what was not used since the previous call is forgotten at the next. */
  rotate(): void {
    for (const t of [this.strings, this.lists, this.labelSets, this.rowKeys, this.pods]) t.rotate();
  }

  /** Pod identities held (both generations), for tests. */
  get size(): number {
    return this.pods.size;
  }

  string(s: string): string {
    const known = this.strings.get(s);
    if (known !== undefined) return known;
    this.strings.set(s, s);
    return s;
  }

  /** A shared list equal to `items` (callers must not change it). */
  list(items: string[]): string[] {
    const key = items.join("\u0002");
    const known = this.lists.get(key);
    if (known !== undefined) return known;
    const shared = items.map((x) => this.string(x));
    this.lists.set(key, shared);
    return shared;
  }

  /** A shared label set equal to `labels` (callers must not change it). */
  labels(labels: Record<string, string>): Record<string, string> {
    const key = labelsKey(labels);
    const known = this.labelSets.get(key);
    if (known !== undefined) return known;
    this.labelSets.set(key, labels);
    return labels;
  }

  /** A shared row identity equal to `k`. */
  rowKey(k: RowKey): RowKey {
    const known = this.rowKeys.get(k.key);
    if (known !== undefined) return known;
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
    const info = this.podInfo({ uid: p.uid, pod: p.name, namespace: p.namespace, controllerKind: p.controllerKind, controllerName: p.controllerName, node, labels: pick(p.labels, labelKeys), rowKeys: rowKeysOf(p, labelKeys) });
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
