import { DeliverPolicy, type JetStreamClient, type JsMsg, type OrderedConsumerOptions } from "@nats-io/jetstream";
import type { Observable } from "rxjs";
import { messages$ } from "./messages.ts";

export interface OrderedSpec {
  stream: string;
  filterSubject: string;
  deliverPolicy: DeliverPolicy;
  /** With DeliverPolicy.StartTime: where to start. */
  startTime?: Date;
}

/**
 * An ordered (ephemeral, no-ack, in-order) consumer as a cold Observable, for views rebuilt from
 * the stream on every start (gauges, live tables). The client recreates it after gaps or loss.
 */
export function ordered$(js: JetStreamClient, spec: OrderedSpec): Observable<JsMsg> {
  const options: Partial<OrderedConsumerOptions> = { filter_subjects: spec.filterSubject, deliver_policy: spec.deliverPolicy };
  if (spec.deliverPolicy === DeliverPolicy.StartTime) options.opt_start_time = (spec.startTime ?? new Date()).toISOString();
  return messages$(async () => (await js.consumers.get(spec.stream, options)).consume());
}
