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
