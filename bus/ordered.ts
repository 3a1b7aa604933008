import { AckPolicy, DeliverPolicy, type ConsumerMessages, type JetStreamClient, type JsMsg, type OrderedConsumerOptions } from "@nats-io/jetstream";
import type { Observable } from "rxjs";
import { consumerBufferBytes, messages$ } from "./messages.ts";

export interface OrderedSpec {
  stream: string;
  filterSubject: string;
  deliverPolicy: DeliverPolicy;
  /** With DeliverPolicy.StartTime: where to start. */
  startTime?: Date;
  /** With DeliverPolicy.StartSequence: the first stream sequence to deliver. */
  startSeq?: number;
}

/**
 * The stream sequence of the first message on `filter` at or after `time`, as the server resolves a
 * start time for a new consumer (a short-lived consumer is created, read and deleted).
 */
async function startSequenceAt(js: JetStreamClient, stream: string, filter: string, time: Date): Promise<number> {
  const jsm = await js.jetstreamManager();
  const ci = await jsm.consumers.add(stream, {
    deliver_policy: DeliverPolicy.StartTime,
    opt_start_time: time.toISOString(),
    filter_subject: filter,
    ack_policy: AckPolicy.None,
    inactive_threshold: 30_000 * 1_000_000, // ns: removed by the server if the delete below is lost
    mem_storage: true,
    num_replicas: 1,
  });
  await jsm.consumers.delete(stream, ci.name).catch(() => undefined);
  return ci.delivered.stream_seq + 1;
}

/**
 * An ordered (ephemeral, no-ack, in-order) consumer as a cold Observable, for views rebuilt from
 * the stream on every start (gauges, live tables). The client recreates it after gaps, loss and server
 * restarts from the last sequence it delivered. A start time is turned into a start sequence first:
 * the client's recreation keeps the first config's start time beside its own start sequence, which the
 * server refuses, and the view would stop after the first nats-server restart.
 */
export function ordered$(js: JetStreamClient, spec: OrderedSpec): Observable<JsMsg> {
  return messages$(() => openOrdered(js, spec));
}

/** Messages of a view's ordered consumer, for a reader that awaits each one (see bus/follow.ts). */
export async function openOrdered(js: JetStreamClient, spec: OrderedSpec): Promise<ConsumerMessages> {
  const options: Partial<OrderedConsumerOptions> = { filter_subjects: spec.filterSubject, deliver_policy: spec.deliverPolicy };
  if (spec.deliverPolicy === DeliverPolicy.StartSequence) options.opt_start_seq = spec.startSeq ?? 1;
  if (spec.deliverPolicy === DeliverPolicy.StartTime) {
    options.deliver_policy = DeliverPolicy.StartSequence;
    options.opt_start_seq = await startSequenceAt(js, spec.stream, spec.filterSubject, spec.startTime ?? new Date());
  }
  return (await js.consumers.get(spec.stream, options)).consume({ max_bytes: consumerBufferBytes(js) });
}
