import type { ConsumerMessages, JetStreamClient, JsMsg } from "@nats-io/jetstream";
import { Observable, type Subscriber } from "rxjs";

/**
 * Opens a JetStream message iterator when subscribed and hands each message to `each` (awaited when it
 * returns a promise); stops the iterator on unsubscribe and completes when it ends.
 */
function consumed$<T>(open: () => Promise<ConsumerMessages>, each: (msg: JsMsg, subscriber: Subscriber<T>) => void | Promise<void>): Observable<T> {
  return new Observable<T>((subscriber) => {
    let stop: (() => void) | undefined;
    let closed = false;
    void (async () => {
      const messages = await open();
      stop = () => messages.stop();
      if (closed) stop();
      for await (const msg of messages) {
        if (closed) break;
        const pending = each(msg, subscriber);
        if (pending !== undefined) await pending;
      }
      subscriber.complete();
    })().catch((error: unknown) => subscriber.error(error));
    return () => {
      closed = true;
      stop?.();
    };
  });
}

/**
 * Turns a JetStream message iterator into a cold Observable: subscribing opens it, unsubscribing
 * stops it (unacked messages are redelivered later).
 */
export function messages$(open: () => Promise<ConsumerMessages>): Observable<JsMsg> {
  return consumed$<JsMsg>(open, (msg, subscriber) => subscriber.next(msg));
}

/**
 * Applies each message of a JetStream message iterator in turn, as a cold Observable that completes when
 * the iterator ends. The next message is taken only once `apply` has finished with the previous one, and
 * the client pulls a new batch only when its reader reaches the end of the last (its pull requests wait in
 * the same queue as the messages), so a slow reader holds one batch (at most `consumerBufferBytes`), not the backlog.
 */
export function appliedInTurn$(open: () => Promise<ConsumerMessages>, apply: (msg: JsMsg) => Promise<void>): Observable<never> {
  return consumed$<never>(open, (msg) => apply(msg));
}

/**
 * The most a consumer's client may hold in pulled messages it has not handed on yet (nats.js `max_bytes`): a few
 * messages of the largest size the server accepts (its `max_payload`; a pull smaller than one message would never
 * receive it). By message count alone (nats.js's default 100) the buffer scaled with message size: a view replaying
 * 1 MB rollup parts could hold 100 MB. Views only: with a byte cap nats.js asks for at most 100 messages a pull, which
 * starved the durable consumers' concurrency (the pricer runs 128 at once; −20–30 % in `npm run bench -- pipeline-all`).
 */
export function consumerBufferBytes(js: JetStreamClient): number {
  const maxPayload = (js as { nc?: { info?: { max_payload?: number } } }).nc?.info?.max_payload ?? 2 ** 20;
  return Math.max(8 * 2 ** 20, 4 * maxPayload);
}
