import type { JetStreamClient, PubAck } from "@nats-io/jetstream";
import type { MsgHdrs } from "@nats-io/transport-node";
import { PublishError } from "./errors.ts";

export interface Outgoing {
  subject: string;
  data: Uint8Array;
  headers: MsgHdrs;
  /** Becomes `Nats-Msg-Id`, so a retried publish is stored once. */
  msgId: string;
}

/** Publishes to JetStream and resolves only once the stream has stored the message (PubAck). */
export class Publisher {
  private readonly js: JetStreamClient;
  private readonly timeoutMs: number;

  constructor(js: JetStreamClient, timeoutMs: number) {
    this.js = js;
    this.timeoutMs = timeoutMs;
  }

  /** Throws PublishError (retryable) when no PubAck arrives. Duplicates resolve normally. */
  async publish(message: Outgoing): Promise<PubAck> {
    try {
      return await this.js.publish(message.subject, message.data, {
        msgID: message.msgId,
        headers: message.headers,
        timeout: this.timeoutMs,
      });
    } catch (cause) {
      throw new PublishError(message.subject, { cause });
    }
  }

  /** Publishes several messages concurrently and waits for every PubAck. */
  async publishAll(messages: readonly Outgoing[]): Promise<PubAck[]> {
    return Promise.all(messages.map((m) => this.publish(m)));
  }
}
