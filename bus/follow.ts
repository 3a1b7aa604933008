import type { JetStreamClient, JsMsg } from "@nats-io/jetstream";
import { defer, retry, timer, type Subscription } from "rxjs";
import type { Logger } from "../telemetry/log.ts";
import type { Telemetry } from "../telemetry/metrics.ts";
import { backoffMs } from "./backoff.ts";
import type { StreamLayout } from "./layout.ts";
import { appliedInTurn$ } from "./messages.ts";
import { openOrdered, type OrderedSpec } from "./ordered.ts";

/**
 * Feeds a view (sink gauges, the query index, the demo's table) from an ordered consumer, one
 * message at a time, resubscribing with backoff after errors. `apply` must not throw. On a hub,
 * events whose source stream belongs to another cluster than their subject are skipped and logged
 * (the pricer's durable consumer dead-letters them; a view has nothing to acknowledge).
 */
export function follow(bus: { js: JetStreamClient; layout: StreamLayout; telemetry?: Telemetry }, spec: OrderedSpec, apply: (msg: JsMsg) => Promise<void>, log: Logger): Subscription {
  const checked = async (msg: JsMsg): Promise<void> => {
    try {
      bus.layout.checkSource(spec.stream, msg);
    } catch (error) {
      log.warn("skipping an event not attributable to its cluster", { subject: msg.subject, error });
      return;
    }
    await apply(msg);
    bus.telemetry?.viewAppliedNow(spec.stream, spec.filterSubject);
  };
  // In turn, not concatMap over ordered$: that would take messages as fast as they arrive and queue every
  // one a slow view has not applied yet (tens of MB of buffers behind a busy query index).
  return defer(() => appliedInTurn$(() => openOrdered(bus.js, { ...spec, stream: bus.layout.physical(spec.stream) }), checked))
    .pipe(
      retry({
        delay: (error: unknown, n) => {
          log.warn("view consumer restarting", { stream: spec.stream, filter: spec.filterSubject, error });
          return timer(backoffMs(n, { baseMs: 500, maxMs: 10_000 }));
        },
      }),
    )
    .subscribe();
}
