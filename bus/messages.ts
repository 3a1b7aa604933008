import type { ConsumerMessages, JsMsg } from "@nats-io/jetstream";
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
 * the same queue as the messages), so a slow reader holds one batch, not the backlog.
 */
export function appliedInTurn$(open: () => Promise<ConsumerMessages>, apply: (msg: JsMsg) => Promise<void>): Observable<never> {
  return consumed$<never>(open, (msg) => apply(msg));
}
