import { DeliverPolicy, type JetStreamClient, type JsMsg, type OrderedConsumerOptions } from "@nats-io/jetstream";
import { Observable } from "rxjs";

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
  return new Observable<JsMsg>((subscriber) => {
    let stop: (() => void) | undefined;
    let closed = false;
    void (async () => {
      const options: Partial<OrderedConsumerOptions> = {
        filter_subjects: spec.filterSubject,
        deliver_policy: spec.deliverPolicy,
      };
      if (spec.deliverPolicy === DeliverPolicy.StartTime) {
        options.opt_start_time = (spec.startTime ?? new Date()).toISOString();
      }
      const consumer = await js.consumers.get(spec.stream, options);
      const messages = await consumer.consume();
      stop = () => messages.stop();
      if (closed) stop();
      for await (const msg of messages) subscriber.next(msg);
      subscriber.complete();
    })().catch((error: unknown) => subscriber.error(error));
    return () => {
      closed = true;
      stop?.();
    };
  });
}
