import type { ConsumerMessages, JsMsg } from "@nats-io/jetstream";
import { Observable } from "rxjs";

/**
 * Turns a JetStream message iterator into a cold Observable: subscribing opens it, unsubscribing
 * stops it (unacked messages are redelivered later).
 */
export function messages$(open: () => Promise<ConsumerMessages>): Observable<JsMsg> {
  return new Observable<JsMsg>((subscriber) => {
    let stop: (() => void) | undefined;
    let closed = false;
    void (async () => {
      const messages = await open();
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

/**
 * Applies each message of a JetStream message iterator in turn, as a cold Observable that completes when
 * the iterator ends. The next message is taken only once `apply` has finished with the previous one, and
 * the client pulls a new batch only when its reader reaches the end of the last (its pull requests wait in
 * the same queue as the messages), so a slow reader holds one batch, not the backlog.
 */
export function appliedInTurn$(open: () => Promise<ConsumerMessages>, apply: (msg: JsMsg) => Promise<void>): Observable<never> {
  return new Observable<never>((subscriber) => {
    let stop: (() => void) | undefined;
    let closed = false;
    void (async () => {
      const messages = await open();
      stop = () => messages.stop();
      if (closed) stop();
      for await (const msg of messages) {
        if (closed) break;
        await apply(msg);
      }
      subscriber.complete();
    })().catch((error: unknown) => subscriber.error(error));
    return () => {
      closed = true;
      stop?.();
    };
  });
}
