import { DeliverPolicy, type JsMsg } from "@nats-io/jetstream";
import { interval, mergeMap, type Subscription } from "rxjs";
import { follow } from "../../bus/follow.ts";
import type { Runtime } from "../../bus/runtime.ts";
import type { Stage } from "../../bus/stage-types.ts";
import { SinkRunner } from "../core/runner.ts";
import { OK } from "../core/sink.ts";
import type { SavingsReport } from "../../model/events.ts";
import { STREAMS, subjects } from "../../bus/subjects.ts";
import { startMetricsServer, type MetricsServer } from "../../telemetry/http.ts";
import { CostView } from "./cost-view.ts";
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
 * last day), so a restarted sink is complete at once. The savings counter is fed by the durable
 * consumer `kce-sink-prometheus`, acked once applied.
 */
export function createPrometheusSink(rt: Runtime): PrometheusSink {
  const cfg = rt.config.sinks.prometheus;
  const log = rt.log.child(PROMETHEUS_COMPONENT);
  const metrics = rt.telemetry.component(PROMETHEUS_COMPONENT);
  const view = new CostView({ staleAfterMs: cfg.staleAfterSeconds * 1000, namespaceDailyHours: cfg.namespaceDailyHours });
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

  // The savings counter is fed like any sink: a durable consumer, acked once applied to the view.
  const savingsRunner = new SinkRunner<SavingsReport>(rt, {
    component: PROMETHEUS_COMPONENT,
    spec: { stream: STREAMS.savings, durable: "kce-sink-prometheus", filterSubject: subjects.streamFilter.savings },
    decode: async (msg) => [await rt.codecs.savings.decode(msg.data, msg.headers)],
    sink: {
      name: "prometheus-view",
      write: async (batch) => {
        for (const report of batch) view.applySavings(report, Date.now());
        return OK;
      },
      close: async () => undefined,
    },
    delivery: cfg.delivery,
  });

  return {
    name: PROMETHEUS_COMPONENT,
    view,
    get port() {
      return server?.port ?? cfg.port;
    },
    get buffered() {
      return savingsRunner.buffered;
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
      await savingsRunner.start();
      metrics.up(true);
      log.info("serving metrics", { url: `http://${cfg.host}:${server.port}${cfg.path}` });
    },
    stop: async () => {
      for (const s of subscriptions.splice(0)) s.unsubscribe();
      await savingsRunner.stop();
      await server?.close();
      metrics.up(false);
    },
  };
}
