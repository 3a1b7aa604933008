import { Objm } from "@nats-io/obj";
import { DeliverPolicy, type JsMsg } from "@nats-io/jetstream";
import { interval, type Subscription } from "rxjs";
import { follow } from "../../bus/follow.ts";
import type { Runtime } from "../../bus/runtime.ts";
import { STREAMS, subjects } from "../../bus/subjects.ts";
import type { Logger } from "../../telemetry/log.ts";
import { CheckpointStore } from "../rollup/checkpoint.ts";
import type { Recommender, RecommenderJson } from "./recommender.ts";

const CHECKPOINT = "recommender-state";

/**
 * Feeds the recommender from KCE_USAGE and keeps what it learned: every `checkpointIntervalSeconds`
 * the sketches and the last usage message's sequence go to the object store `stateBucket`, and a start
 * restores them and follows the stream from the next message — so a week of history survives restarts
 * although KCE_USAGE keeps two days. Without a checkpoint (or with an unreadable one) it starts from
 * what the stream holds.
 */
export async function startLearning(rt: Runtime, recommender: Recommender, log: Logger): Promise<{ stop(): Promise<void> }> {
  const cfg = rt.config.recommendations;
  const metrics = rt.telemetry.component("recommender");
  const objects = await new Objm(rt.nc).create(cfg.stateBucket, { replicas: rt.config.streams.replicas });
  const checkpoints = new CheckpointStore<RecommenderJson>(objects, CHECKPOINT, "recommender");
  let lastSeq = 0;
  try {
    const saved = await checkpoints.load();
    if (saved !== undefined) {
      lastSeq = recommender.restore(saved);
      recommender.prune(Date.now());
      log.info("recommender restored", { controllers: recommender.size, fromSequence: lastSeq + 1 });
    }
  } catch (error) {
    log.warn("recommender checkpoint unreadable; learning again from KCE_USAGE", { error });
  }
  let savedSeq = lastSeq;
  const apply = async (msg: JsMsg): Promise<void> => {
    try {
      recommender.fold(await rt.codecs.usageForLearning.decode(msg.data, msg.headers));
    } catch (error) {
      metrics.error(error instanceof Error ? error.name : "decode");
      log.warn("recommender skipped an undecodable usage snapshot", { subject: msg.subject, error });
    }
    lastSeq = Math.max(lastSeq, msg.seq);
  };
  const save = async (): Promise<void> => {
    if (lastSeq === savedSeq) return;
    const seq = lastSeq;
    try {
      const bytes = await checkpoints.save(recommender.toJSON(seq));
      savedSeq = seq;
      log.debug("recommender checkpoint saved", { bytes, sequence: seq });
    } catch (error) {
      metrics.error("checkpoint");
      log.warn("could not save the recommender checkpoint; will try again", { error });
    }
  };
  const from = lastSeq > 0 ? { deliverPolicy: DeliverPolicy.StartSequence, startSeq: lastSeq + 1 } : { deliverPolicy: DeliverPolicy.All };
  const subscriptions: Subscription[] = [
    follow(rt, { stream: STREAMS.usage, filterSubject: subjects.streamFilter.usage, ...from }, apply, log),
    interval(cfg.checkpointIntervalSeconds * 1000).subscribe(() => void save()),
  ];
  return {
    stop: async () => {
      for (const s of subscriptions.splice(0)) s.unsubscribe();
      await save();
    },
  };
}
