import { DeliverPolicy, type JsMsg } from "@nats-io/jetstream";
import { Gauge } from "../../telemetry/prom.ts";
import { interval, type Subscription } from "rxjs";
import { follow } from "../../bus/follow.ts";
import type { Runtime } from "../../bus/runtime.ts";
import type { Stage } from "../../bus/stage-types.ts";
import { STREAMS, subjects } from "../../bus/subjects.ts";
import type { CostAnomaly, CostRollup } from "../../model/events.ts";
import { RollupAssembler } from "../rollup/parts.ts";
import { AnomalyDetector } from "./detector.ts";

export const ANOMALIES_COMPONENT = "anomalies";
const ACTIVE_GAUGE = "kube_cost_anomaly_active";

/**
 * Holds the newest revision of each cluster's open 1m windows and hands them over, oldest first, once they
 * have settled: the window is final, or a window `settleMs` past its end has been seen.
 */
export class Settling {
  private readonly settleMs: number;
  private readonly open = new Map<string, Map<number, CostRollup>>();

  constructor(settleMs: number) {
    this.settleMs = settleMs;
  }

  add(w: CostRollup): CostRollup[] {
    const windows = this.open.get(w.cluster) ?? new Map<number, CostRollup>();
    this.open.set(w.cluster, windows);
    const known = windows.get(w.windowStartMs);
    if (known === undefined || known.rev <= w.rev) windows.set(w.windowStartMs, w);
    const newestStart = Math.max(...windows.keys());
    const due = [...windows.values()].filter((x) => x.final || x.windowEndMs + this.settleMs <= newestStart).sort((a, b) => a.windowStartMs - b.windowStartMs);
    for (const x of due) windows.delete(x.windowStartMs);
    return due;
  }
}

/**
 * The anomaly processor: follows the 1m windows of every cluster, judging each once it has settled
 * (replaying `warmupHours` of them at start to rebuild the baselines, which are kept nowhere else), and publishes each anomaly when it
 * fires and when it resolves to `kce.anomalies.<cluster>` (`Nats-Msg-Id` = `<id>/<status>`, so a
 * restart that sees the same anomaly again publishes nothing twice). Anomalies found in the replayed
 * history are not published: they were, by the run that saw them live.
 */
export function createAnomalies(rt: Runtime): Stage & { readonly published: number } {
  const cfg = rt.config.anomalies;
  const log = rt.log.child(ANOMALIES_COMPONENT);
  const metrics = rt.telemetry.component(ANOMALIES_COMPONENT);
  const active =
    (rt.telemetry.registry.getSingleMetric(ACTIVE_GAUGE) as Gauge | undefined) ??
    new Gauge({
      name: ACTIVE_GAUGE,
      help: "1 while a cost anomaly is firing for the scope (namespace \"\" = the whole cluster)",
      labelNames: ["cluster", "scope", "namespace"],
      registers: [rt.telemetry.registry],
    });
  const detector = new AnomalyDetector(cfg, { dashboardUrl: rt.config.sinks.webhook.dashboardUrl, publicUrl: rt.config.api.publicUrl });
  const assembler = new RollupAssembler();
  const settling = new Settling(cfg.settleSeconds * 1000);
  const subscriptions: Subscription[] = [];
  let liveFromMs = Date.now();
  let published = 0;
  let queue: Promise<void> = Promise.resolve();

  const publish = async (a: CostAnomaly): Promise<void> => {
    const labels = { cluster: a.cluster, scope: a.scope, namespace: a.namespace };
    if (a.status === "firing") active.set(labels, 1);
    else active.remove(labels);
    // History replayed at start: the baselines learn from it, nobody is told again.
    if (a.windowStartMs < liveFromMs) return;
    const { data, headers } = rt.codecs.anomaly.encode(a);
    await rt.publisher.publish({ subject: subjects.anomalies(a.cluster), data, headers, msgId: `${a.id}/${a.status}` });
    published++;
    metrics.sent(1);
    log.info(a.status === "firing" ? "cost anomaly" : "cost anomaly resolved", { id: a.id, observed: a.observedHourlyUsd, expected: a.expectedHourlyUsd, causes: a.causes.map((c) => c.detail).join("; ") });
  };

  const observe = (w: CostRollup): void => {
    for (const a of detector.observe(w, Date.now())) queue = queue.then(() => publish(a)).catch((error: unknown) => {
      metrics.error("publish");
      log.error("could not publish an anomaly", { id: a.id, error });
    });
  };

  const apply = async (msg: JsMsg): Promise<void> => {
    metrics.received();
    try {
      const whole = assembler.add(await rt.codecs.rollup.decode(msg.data, msg.headers));
      if (whole === undefined) return;
      // A window is judged from its newest revision once it has settled (a later window is settleSeconds
      // past its end), not when it is final: windows close only after rollup.allowedLatenessSeconds.
      for (const w of settling.add(whole)) observe(w);
      await queue;
    } catch (error) {
      metrics.error(error instanceof Error ? error.name : "unknown");
      log.warn("skipping an undecodable rollup", { subject: msg.subject, error });
    }
  };

  return {
    name: ANOMALIES_COMPONENT,
    get published() {
      return published;
    },
    start: async () => {
      // Windows that closed up to two minutes before start may not have been seen live by the last run.
      liveFromMs = Date.now() - 2 * 60_000 - rt.config.rollup.allowedLatenessSeconds * 1000;
      const startTime = new Date(Date.now() - cfg.warmupHours * 3_600_000);
      subscriptions.push(follow(rt, { stream: STREAMS.rollup, filterSubject: "kce.rollup.1m.>", deliverPolicy: DeliverPolicy.StartTime, startTime }, apply, log));
      subscriptions.push(interval(60_000).subscribe(() => assembler.forget(Date.now() - 3_600_000)));
      metrics.up(true);
      log.info("learning spend patterns and watching for anomalies", { warmupHours: cfg.warmupHours, sensitivity: cfg.sensitivity, minImpactHourlyUsd: cfg.minImpactHourlyUsd });
    },
    stop: async () => {
      for (const s of subscriptions.splice(0)) s.unsubscribe();
      await queue;
      metrics.up(false);
    },
  };
}
