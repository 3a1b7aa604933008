import { totalsAt } from "../../model/cost-totals.ts";
import type { CostRollup, RollupRow } from "../../model/events.ts";
import type { PodInfo } from "./canon.ts";
import { partsOf, type RollupHead, type RowSource } from "./parts.ts";

/** Pod rows as a window held them when a revision was taken: who (shared) and a copy of their totals (TotalsColumns layout). */
export class PodRows implements RowSource {
  private readonly infos: readonly PodInfo[];
  private readonly totals: Float64Array;

  constructor(infos: readonly PodInfo[], totals: Float64Array) {
    this.infos = infos;
    this.totals = totals;
  }

  get length(): number {
    return this.infos.length;
  }

  at(i: number): RollupRow {
    const p = this.infos[i] as PodInfo;
    return {
      dimension: "pod",
      namespace: p.namespace,
      controllerKind: p.controllerKind,
      controllerName: p.controllerName,
      labelKey: "",
      labelValue: "",
      pod: p.pod,
      podUid: p.uid,
      node: p.node,
      labels: p.labels,
      podCount: 1,
      ...totalsAt(this.totals, i),
    };
  }
}

/**
 * A revision or live update of a window, as the window held it when it was taken (later folds do not change it). Its
 * pod rows are made only when read: `parts` makes one message's rows at a time, so a revision of 100,000 pods is not
 * 100,000 row objects at once (~45 MB that stayed alive while the parts were published one after another).
 */
export class Revision {
  readonly head: RollupHead;
  private readonly aggregates: readonly RollupRow[];
  private readonly pods: PodRows;
  private whole: CostRollup | undefined;

  constructor(head: RollupHead, aggregates: readonly RollupRow[], pods: PodRows) {
    this.head = head;
    this.aggregates = aggregates;
    this.pods = pods;
  }

  /** The whole revision as one event (tests and tools; publishers use `parts`). */
  get rollup(): CostRollup {
    if (this.whole === undefined) {
      const rows = [...this.aggregates];
      for (let i = 0; i < this.pods.length; i++) rows.push(this.pods.at(i));
      this.whole = { ...this.head, part: 0, parts: 1, rows };
    }
    return this.whole;
  }

  /** The messages it is published as (see partsOf), each made as it is asked for. */
  parts(maxRows: number): Generator<CostRollup> {
    return partsOf(this.head, this.aggregates, this.pods, maxRows);
  }
}
