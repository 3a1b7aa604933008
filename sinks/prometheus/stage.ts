import { DeliverPolicy, type JsMsg } from "@nats-io/jetstream";
import { interval, mergeMap, type Subscription } from "rxjs";
import { follow } from "../../bus/follow.ts";
import type { Runtime } from "../../bus/runtime.ts";
import type { Stage } from "../../bus/stage-types.ts";
import { DeadLetters } from "../../bus/dlq.ts";
import type { SavingsReport } from "../../model/events.ts";
import { STREAMS, subjects } from "../../bus/subjects.ts";
import { startMetricsServer, type MetricsServer } from "../../telemetry/http.ts";
import { CostView } from "./cost-view.ts";
import { DurableSavingsCounter } from "./savings-counter.ts";
import { RollupAssembler } from "../../processors/rollup/parts.ts";

export const PROMETHEUS_COMPONENT = "sink-prometheus";

export interface PrometheusSink extends Stage {
  /** The bound port (useful when configured as 0). */
  readonly port: number;
  readonly view: CostView;
  /** Savings reports held in memory awaiting application. */
  readonly buffered: number;
}

/**
 * The Prometheus sink: serves `/metrics` with the cost metrics and this process's self-metrics.
 * Gauges are a view of the streams rebuilt on start (last snapshot per node; the 1h rollups of the
 * last day), so a restarted sink is complete at once. The savings counter is saved to KV with the
 * KCE_SAVINGS sequence it includes and replayed from there on start, so it never resets.
 */
export function createPrometheusSink(rt: Runtime): PrometheusSink {
  const cfg = rt.config.sinks.prometheus;
  const log = rt.log.child(PROMETHEUS_COMPONENT);
  const metrics = rt.telemetry.component(PROMETHEUS_COMPONENT);
  const view = new CostView({ staleAfterMs: cfg.staleAfterSeconds * 1000, namespaceDailyHours: cfg.namespaceDailyHours, openCostAllocations: cfg.openCostAllocations });
  const subscriptions: Subscription[] = [];
  const hours = new RollupAssembler();
  let server: MetricsServer | undefined;

  const apply = async (msg: JsMsg): Promise<void> => {
    metrics.received();
    try {
      if (msg.subject.startsWith("kce.priced.")) view.applyPriced(await rt.codecs.pricedView.decode(msg.data, msg.headers), Date.now());
      else {
        const whole = hours.add(await rt.codecs.rollup.decode(msg.data, msg.headers));
        if (whole !== undefined) view.applyHourlyRollup(whole, Date.now());
      }
    } catch (error) {
      metrics.error(error instanceof Error ? error.name : "unknown");
      log.warn("skipping undecodable event", { subject: msg.subject, error });
    }
  };

  // The savings counter: replayed in order from the last saved sequence, so it survives restarts.
  const dead = new DeadLetters(rt.publisher, PROMETHEUS_COMPONENT);
  const savings = new DurableSavingsCounter(rt, view);
  const applySavings = async (msg: JsMsg): Promise<void> => {
    metrics.received();
    let report: SavingsReport;
    try {
      report = await rt.codecs.savings.decode(msg.data, msg.headers);
    } catch (error) {
      metrics.dropped("dead_letter");
      metrics.error(error instanceof Error ? error.name : "unknown");
      await dead.send(msg, "decode", error instanceof Error ? error.message : String(error)).catch((e: unknown) => log.warn("could not dead-letter a savings report", { error: e }));
      return;
    }
    view.applySavings(report, Date.now());
    metrics.sent();
  };

  return {
    name: PROMETHEUS_COMPONENT,
    view,
    get port() {
      return server?.port ?? cfg.port;
    },
    get buffered() {
      // The view applies reports one at a time as its ordered consumer delivers them: nothing waits in
      // this process beyond the consumer's own pull batch.
      return 0;
    },
    start: async () => {
      server = await startMetricsServer({
        host: cfg.host,
        port: cfg.port,
        path: cfg.path,
        render: async () => [...view.chunks(), await rt.telemetry.render()],
        healthy: () => !rt.nc.isClosed(),
        security: rt.config.http,
      });
      const dayAgo = new Date(Date.now() - (cfg.namespaceDailyHours + 1) * 3_600_000);
      subscriptions.push(follow(rt, { stream: STREAMS.priced, filterSubject: subjects.streamFilter.priced, deliverPolicy: DeliverPolicy.LastPerSubject }, apply, log));
      subscriptions.push(follow(rt, { stream: STREAMS.rollup, filterSubject: "kce.rollup.1h.>", deliverPolicy: DeliverPolicy.StartTime, startTime: dayAgo }, apply, log));
      subscriptions.push(
        interval(10_000)
          .pipe(
            mergeMap(async () => {
              view.expire(Date.now());
              hours.forget(Date.now() - (cfg.namespaceDailyHours + 1) * 3_600_000);
            }),
          )
          .subscribe(),
      );
      await savings.start(applySavings);
      metrics.up(true);
      log.info("serving metrics", { url: `http://${cfg.host}:${server.port}${cfg.path}` });
    },
    stop: async () => {
      for (const s of subscriptions.splice(0)) s.unsubscribe();
      await savings.stop();
      await server?.close();
      metrics.up(false);
    },
  };
}
