import type { JsMsg } from "@nats-io/jetstream";
import { concatMap, interval, type Subscription } from "rxjs";
import { assertSubjectMatches } from "../../bus/checks.ts";
import { PoisonMessageError } from "../../bus/errors.ts";
import type { Runtime } from "../../bus/runtime.ts";
import type { HandlerOutcome } from "../../bus/stage.ts";
import { runnerFor } from "../../bus/stage-runtime.ts";
import { STREAMS, subjects } from "../../bus/subjects.ts";
import type { Encoded } from "../../codec/codec.ts";
import type { Resolution } from "../../config/schema.ts";
import type { CostRollup } from "../../model/events.ts";
import { futureWindow } from "../pricer/validate.ts";
import type { CheckpointStore } from "./checkpoint.ts";
import { RollupEngine, TooManyWindowsError, type Emission } from "./engine.ts";
import type { Revision } from "./revision.ts";

export const ROLLUP_COMPONENT = "rollup";

/** The subject a JetStream message is acknowledged on (nats.js's JsMsgImpl has it; its JsMsg type does not say so). */
function ackSubject(msg: JsMsg): string {
  const reply = (msg as JsMsg & { reply?: string }).reply;
  if (reply === undefined || reply === "") throw new Error(`a message of the rollup's durable consumer has no ack subject: ${msg.subject}`);
  return reply;
}

/** JetStream's acknowledgement payloads (what JsMsg.ack() and nak() publish to the message's reply subject). */
const ACK = new TextEncoder().encode("+ACK");
const NAK = new TextEncoder().encode("-NAK");
const WORKING = new TextEncoder().encode("+WPI");

/** The rollup while it holds the lease: consuming, folding, publishing and checkpointing. */
export interface ActiveRollup {
  /** Stops consuming, publishes what is due, checkpoints and acks: a clean hand-over. */
  stop(): Promise<void>;
  /** Stops consuming at once, without a checkpoint or acks (the lease is lost: another rollup owns the state). */
  abandon(): Promise<void>;
}

/**
 * Starts the active rollup: restores the latest checkpoint, then folds KCE_PRICED into 1m/1h/1d windows
 * and publishes CostRollup revisions to `kce.rollup.<res>.<cluster>.<windowStartSec>.<part>`. Exactly-once
 * results from at-least-once input: every input is acked only after a checkpoint (state + which
 * snapshots each window holds) that includes it is durable, and a redelivered snapshot already in a
 * window is recognised and skipped.
 */
export async function startActiveRollup(rt: Runtime, checkpoints: CheckpointStore): Promise<ActiveRollup> {
  const cfg = rt.config.rollup;
  const log = rt.log.child(ROLLUP_COMPONENT);
  const metrics = rt.telemetry.component(ROLLUP_COMPONENT);
  const saved = await checkpoints.load();
  const engine = saved === undefined ? new RollupEngine(cfg) : RollupEngine.fromJSON(cfg, saved);
  log.info(saved === undefined ? "starting with empty state" : "restored checkpoint", { windows: engine.openWindows });

  // Inputs folded since the last checkpoint, by their ack subjects only: a JsMsg holds its payload, and the payload
  // the socket frame it arrived in (nats.js hands out views of it), so keeping the messages until the next checkpoint
  // kept every frame of that span alive (and, outliving a young-generation collection, until a full one).
  let pending: string[] = [];
  // Those the checkpoint being written holds (acked when it is stored).
  let covering: string[] = [];
  // About when the ack wait of the oldest of them started (its delivery, or the last "+WPI" sent for them).
  let waitingSinceMs = 0;
  const acknowledge = (replies: readonly string[], payload: Uint8Array): void => {
    for (const reply of replies) rt.nc.publish(reply, payload);
  };

  const handle = async (msg: JsMsg): Promise<HandlerOutcome> => {
    const priced = await rt.codecs.priced.decode(msg.data, msg.headers);
    assertSubjectMatches(msg.subject, priced);
    const now = Date.now();
    const ahead = futureWindow(priced, now, rt.config.clock.maxSkewSeconds * 1000);
    if (ahead !== undefined) throw new PoisonMessageError("future_window", ahead);
    let result;
    try {
      result = engine.fold(priced, now);
    } catch (error) {
      if (error instanceof TooManyWindowsError) throw new PoisonMessageError("too_many_windows", error.message);
      throw error;
    }
    if (result.kind === "late") {
      metrics.dropped("late");
      const closed = result.closed.join(", ");
      log.warn("late snapshot dead-lettered whole", { node: priced.node, windowStart: new Date(priced.windowStartMs).toISOString(), closed });
      throw new PoisonMessageError("late", `its ${closed} window(s) are already final (rollup.allowedLatenessSeconds): dead-lettered whole so every resolution keeps the same total`);
    }
    if (result.kind === "duplicate") metrics.dropped("duplicate");
    // Acked after the next checkpoint, duplicates included: the first copy may not be durable yet.
    if (pending.length === 0 && covering.length === 0) waitingSinceMs = Date.now();
    pending.push(ackSubject(msg));
    return "deferred";
  };

  // A revision or live update in parts under the message size limit, each made and encoded as it is needed.
  function* encodedParts(revision: Revision): Generator<Encoded & { part: CostRollup }> {
    for (const part of revision.parts(cfg.maxRowsPerMessage)) yield { part, ...rt.codecs.rollup.encode(part) };
  }

  const publish = async (emissions: Emission[]): Promise<void> => {
    const results = await Promise.allSettled(
      emissions.map(async ({ revision }) => {
        for (const { part, data, headers } of encodedParts(revision)) {
          await rt.publisher.publish({
            subject: subjects.rollup(part.resolution as Resolution, part.cluster, part.windowStartMs, part.part),
            data,
            headers,
            msgId: `${part.resolution}/${part.cluster}/${part.windowStartMs}/${part.rev}/${part.part}`,
          });
        }
      }),
    );
    const failed = emissions.filter((_, i) => results[i]?.status === "rejected");
    metrics.sent(emissions.length - failed.length);
    if (failed.length > 0) {
      metrics.error("publish");
      log.warn("rollup publish failed; will retry", { windows: failed.length });
      engine.markDirty(failed.map((e) => e.window));
    }
  };

  // Live updates go out on core NATS, in no stream: a lost one is made good by the next update or revision, and kept
  // they would fill the rollup stream with a set of parts per window for its whole retention.
  // Like checkpoints, they take at most ~10 % of the time: at 60× a real cluster's rate every pod changes every second,
  // and at 100,000 pods an update of the whole hour costs about half a second.
  let nextLiveAtMs = 0;
  const publishLive = (): void => {
    if (stopping || Date.now() < nextLiveAtMs) return;
    const started = performance.now();
    for (const update of engine.live(Date.now())) {
      for (const { part, data, headers } of encodedParts(update)) {
        rt.nc.publish(subjects.liveRollup(part.resolution as Resolution, part.cluster, part.windowStartMs, part.part), data, { headers });
      }
    }
    nextLiveAtMs = Date.now() + 9 * (performance.now() - started);
  };

  // A checkpoint of a large state costs CPU (serialise, compress, store); spend at most ~10 % on it
  // by spacing checkpoints at least ten times their own duration apart — but always well inside the
  // ack wait, since inputs are acked only by a checkpoint (a crash then redelivers them quickly).
  const ackWaitSeconds = Math.max(rt.config.consumer.ackWaitSeconds, cfg.checkpointIntervalSeconds * 6);
  let nextCheckpointAtMs = 0;
  let stopping = false;

  const flush = async (): Promise<void> => {
    const started = performance.now();
    await publish(engine.due(Date.now()));
    if (!stopping && Date.now() < nextCheckpointAtMs) return;
    const checkpointAtMs = Date.now();
    covering = pending;
    pending = [];
    try {
      // The engine's text is read before the save's first await: the checkpoint is the state as of now.
      await checkpoints.saveText(engine.jsonText());
    } catch (error) {
      metrics.error("checkpoint");
      // The inputs stay folded and unacked until a checkpoint holds them; `keepingAlive` restarts their ack wait meanwhile.
      pending = covering.concat(pending);
      covering = [];
      log.warn("checkpoint failed; inputs stay unacked (their ack wait restarted) until one succeeds", { error, inputs: pending.length });
      return;
    }
    acknowledge(covering, ACK);
    covering = [];
    waitingSinceMs = checkpointAtMs;
    const tookMs = performance.now() - started;
    nextCheckpointAtMs = Date.now() + Math.min(9 * tookMs, (ackWaitSeconds * 1000) / 3);
    metrics.observeDuration(tookMs / 1000);
  };

  // Flushes never overlap: the timer and stop() both queue behind the one running.
  let lastFlush: Promise<void> = Promise.resolve();
  const flushSerially = (): Promise<void> => {
    lastFlush = lastFlush.then(flush).catch((error: unknown) => log.error("flush failed", { error }));
    return lastFlush;
  };

  const runner = runnerFor(
    rt,
    ROLLUP_COMPONENT,
    {
      stream: STREAMS.priced,
      durable: "kce-rollup",
      filterSubject: subjects.streamFilter.priced,
      // Inputs stay unacked until the next checkpoint, so allow a few intervals' worth.
      maxInFlight: Math.max(rt.config.consumer.maxInFlight, 20_000),
      ackWaitSeconds: ackWaitSeconds,
    },
    64,
    handle,
  );

  await runner.start();
  // Inputs waiting for a checkpoint that fails, or is slower than the ack wait (a large state on a saturated event loop),
  // must not come back and be folded again as duplicates — a saturated rollup spiralled that way (at 100,000 pods on a
  // slow VM, 223,180 duplicates of 120,000 inputs). "+WPI" restarts their ack wait once a third of it has passed
  // without an ack; off the flush, so it also runs while a checkpoint is being stored. If this process dies they come
  // back anyway.
  const ackWaitMs = ackWaitSeconds * 1000;
  const keepingAlive = setInterval(() => {
    if (pending.length + covering.length === 0 || Date.now() - waitingSinceMs < ackWaitMs / 3) return;
    acknowledge(covering, WORKING);
    acknowledge(pending, WORKING);
    waitingSinceMs = Date.now();
  }, ackWaitMs / 6);
  const flushing: Subscription = interval(cfg.checkpointIntervalSeconds * 1000)
    .pipe(concatMap(() => flushSerially()))
    .subscribe();
  const living = cfg.liveIntervalSeconds > 0 ? setInterval(publishLive, cfg.liveIntervalSeconds * 1000) : undefined;
  return {
    stop: async () => {
      clearInterval(living);
      await runner.stop();
      flushing.unsubscribe();
      stopping = true;
      await flushSerially();
      clearInterval(keepingAlive);
    },
    abandon: async () => {
      clearInterval(living);
      flushing.unsubscribe();
      await runner.stop();
      // Hand the inputs folded since the last checkpoint back at once, rather than after the ack wait:
      // the rollup that takes over restores that checkpoint and needs them.
      clearInterval(keepingAlive);
      // (A checkpoint being stored acks what it holds if it succeeds, as before the lease was lost.)
      acknowledge(pending, NAK);
      pending = [];
    },
  };
}
