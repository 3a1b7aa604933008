import {
  AckPolicy,
  DeliverPolicy,
  JetStreamApiError,
  type ConsumerConfig,
  type JetStreamClient,
  type JetStreamManager,
  type JsMsg,
} from "@nats-io/jetstream";
import { nanos } from "@nats-io/transport-node";
import type { Observable } from "rxjs";
import { messages$ } from "./messages.ts";

export interface DurableSpec {
  stream: string;
  durable: string;
  filterSubject: string;
  /** Upper bound of delivered-but-unacked messages (server-enforced `max_ack_pending`). */
  maxInFlight: number;
  ackWaitSeconds: number;
  deliverPolicy?: DeliverPolicy;
}

/** Creates or updates a durable pull consumer with explicit acks. Idempotent. */
export async function ensureDurable(jsm: JetStreamManager, spec: DurableSpec): Promise<void> {
  const config: Partial<ConsumerConfig> = {
    durable_name: spec.durable,
    ack_policy: AckPolicy.Explicit,
    filter_subject: spec.filterSubject,
    max_ack_pending: spec.maxInFlight,
    ack_wait: nanos(spec.ackWaitSeconds * 1000),
    // Redelivery is unlimited on the server: the stage runner dead-letters a message after
    // `consumer.maxDeliver` attempts itself, so nothing is silently skipped.
    max_deliver: -1,
    deliver_policy: spec.deliverPolicy ?? DeliverPolicy.All,
  };
  try {
    await jsm.consumers.info(spec.stream, spec.durable);
    const { deliver_policy: _ignored, ...updatable } = config;
    await jsm.consumers.update(spec.stream, spec.durable, updatable);
  } catch (error) {
    if (!(error instanceof JetStreamApiError) || error.code !== 10014) throw error;
    await jsm.consumers.add(spec.stream, config);
  }
}

/**
 * A durable pull consumer as a cold Observable of messages. Subscribing starts pulling; the
 * server never has more than `maxInFlight` unacked messages out, which bounds every buffer
 * downstream, and the client holds at most `batch` pulled messages its reader has not taken yet.
 * Unsubscribing stops the pull; unacked messages are redelivered later.
 */
export function pull$(js: JetStreamClient, spec: DurableSpec, batch = 1024): Observable<JsMsg> {
  return messages$(async () => (await js.consumers.get(spec.stream, spec.durable)).consume({ max_messages: Math.min(spec.maxInFlight, batch) }));
}
