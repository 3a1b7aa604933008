import { DeliverPolicy, type JsMsg } from "@nats-io/jetstream";
import { Kvm, type KV } from "@nats-io/kv";
import { interval, mergeMap, type Subscription } from "rxjs";
import { follow } from "../../bus/follow.ts";
import type { Runtime } from "../../bus/runtime.ts";
import { STREAMS, subjects } from "../../bus/subjects.ts";
import type { CostView, SavingsTotals } from "./cost-view.ts";

/** What is persisted: the counters and the last KCE_SAVINGS sequence folded into them. */
interface SavedCounters {
  version: 1;
  seq: number;
  totals: SavingsTotals;
}

const KEY = "prometheus-spot-savings";

/**
 * Feeds `kube_cost_spot_savings_usd_total` so that it survives restarts: the counters and the stream
 * sequence they include are saved to KV every few seconds; a restarted sink loads them and replays
 * KCE_SAVINGS from the next sequence. The counter never goes back (no reset for Prometheus to see),
 * and `increase()` across a crash equals the savings reported meanwhile.
 */
export class DurableSavingsCounter {
  private readonly rt: Runtime;
  private readonly view: CostView;
  private kv: KV | undefined;
  private seq = 0;
  private savedSeq = -1;
  private readonly subscriptions: Subscription[] = [];

  constructor(rt: Runtime, view: CostView) {
    this.rt = rt;
    this.view = view;
  }

  async start(apply: (msg: JsMsg) => Promise<void>): Promise<void> {
    this.kv = await new Kvm(this.rt.nc).create(this.rt.config.sinks.prometheus.stateBucket, { replicas: this.rt.config.streams.replicas, history: 1 });
    const entry = await this.kv.get(KEY);
    const saved = entry !== null && entry.operation === "PUT" ? entry.json<SavedCounters>() : undefined;
    if (saved?.version === 1) {
      this.view.restoreSavings(saved.totals);
      this.seq = saved.seq;
      this.savedSeq = saved.seq;
    }
    const spec = this.seq > 0
      ? { stream: STREAMS.savings, filterSubject: subjects.streamFilter.savings, deliverPolicy: DeliverPolicy.StartSequence, startSeq: this.seq + 1 }
      : { stream: STREAMS.savings, filterSubject: subjects.streamFilter.savings, deliverPolicy: DeliverPolicy.All };
    const counted = async (msg: JsMsg): Promise<void> => {
      await apply(msg);
      this.seq = Math.max(this.seq, msg.seq);
    };
    this.subscriptions.push(follow(this.rt, spec, counted, this.rt.log.child("savings-counter")));
    this.subscriptions.push(interval(this.rt.config.sinks.prometheus.stateSaveSeconds * 1000).pipe(mergeMap(() => this.save())).subscribe());
  }

  /** Persists the counters if they moved; a failed save is retried at the next tick. */
  async save(): Promise<void> {
    if (this.kv === undefined || this.seq === this.savedSeq) return;
    const seq = this.seq;
    const state: SavedCounters = { version: 1, seq, totals: this.view.savingsTotals() };
    try {
      await this.kv.put(KEY, JSON.stringify(state));
      this.savedSeq = seq;
    } catch (error) {
      this.rt.log.child("savings-counter").warn("could not save the savings counters; retrying", { error });
    }
  }

  async stop(): Promise<void> {
    for (const s of this.subscriptions.splice(0)) s.unsubscribe();
    await this.save();
  }
}
