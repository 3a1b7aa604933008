import { DeliverPolicy, type JetStreamClient, type JetStreamManager, type JsMsg } from "@nats-io/jetstream";

/** Every message currently in a stream (optionally filtered), read with an ordered consumer. */
export async function readStream(js: JetStreamClient, jsm: JetStreamManager, stream: string, filterSubject?: string): Promise<JsMsg[]> {
  const info = await jsm.streams.info(stream);
  if (info.state.messages === 0) return [];
  const consumer = await js.consumers.get(stream, {
    deliver_policy: DeliverPolicy.All,
    ...(filterSubject === undefined ? {} : { filter_subjects: filterSubject }),
  });
  const out: JsMsg[] = [];
  const messages = await consumer.consume();
  const timer = setTimeout(() => messages.stop(), 5000);
  for await (const msg of messages) {
    out.push(msg);
    if (msg.info.pending === 0) break;
  }
  clearTimeout(timer);
  messages.stop();
  return out;
}
