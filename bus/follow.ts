import type { JsMsg } from "@nats-io/jetstream";
import { concatMap, defer, retry, timer, type Subscription } from "rxjs";
import type { Logger } from "../telemetry/log.ts";
import { backoffMs } from "./backoff.ts";
import { ordered$, type OrderedSpec } from "./ordered.ts";
import type { JetStreamClient } from "@nats-io/jetstream";

/**
 * Feeds a view (sink gauges, the query index, the demo's table) from an ordered consumer, one
 * message at a time, resubscribing with backoff after errors. `apply` must not throw.
 */
export function follow(js: JetStreamClient, spec: OrderedSpec, apply: (msg: JsMsg) => Promise<void>, log: Logger): Subscription {
  return defer(() => ordered$(js, spec))
    .pipe(
      concatMap(apply),
      retry({
        delay: (error: unknown, n) => {
          log.warn("view consumer restarting", { stream: spec.stream, filter: spec.filterSubject, error });
          return timer(backoffMs(n, { baseMs: 500, maxMs: 10_000 }));
        },
      }),
    )
    .subscribe();
}
