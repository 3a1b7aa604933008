import type { JsMsg } from "@nats-io/jetstream";
import { headers as makeHeaders } from "@nats-io/transport-node";
import type { Publisher } from "./publisher.ts";
import { subjects } from "./subjects.ts";

export const DLQ_HEADERS = {
  reason: "Kce-Dlq-Reason",
  detail: "Kce-Dlq-Detail",
  stage: "Kce-Dlq-Stage",
  subject: "Kce-Dlq-Subject",
  stream: "Kce-Dlq-Stream",
  sequence: "Kce-Dlq-Stream-Seq",
} as const;

/**
 * Copies a message that cannot be processed to `kce.dlq.<stage>`: original bytes, original
 * headers, and why. The copy is deduplicated by origin (stream + sequence), so redelivery of the
 * same poison message stores it once.
 */
export class DeadLetters {
  private readonly publisher: Publisher;
  private readonly stage: string;

  constructor(publisher: Publisher, stage: string) {
    this.publisher = publisher;
    this.stage = stage;
  }

  async send(msg: JsMsg, reason: string, detail: string): Promise<void> {
    const h = makeHeaders();
    for (const [key, values] of msg.headers ?? []) {
      if (key === "Nats-Msg-Id") continue;
      for (const value of values) h.append(key, value);
    }
    h.set(DLQ_HEADERS.reason, reason);
    h.set(DLQ_HEADERS.detail, detail.replace(/[\r\n]+/g, " ").slice(0, 512));
    h.set(DLQ_HEADERS.stage, this.stage);
    h.set(DLQ_HEADERS.subject, msg.subject);
    h.set(DLQ_HEADERS.stream, msg.info.stream);
    h.set(DLQ_HEADERS.sequence, String(msg.info.streamSequence));
    await this.publisher.publish({
      subject: subjects.dlq(this.stage),
      data: msg.data,
      headers: h,
      msgId: `dlq/${this.stage}/${msg.info.stream}/${msg.info.streamSequence}`,
    });
  }
}
