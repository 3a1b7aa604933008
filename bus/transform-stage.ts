import type { JsMsg } from "@nats-io/jetstream";
import type { EventCodec } from "../codec/codec.ts";
import { assertSubjectMatches } from "./checks.ts";
import type { Runtime } from "./runtime.ts";
import type { Stage } from "./stage-types.ts";
import type { HandlerOutcome } from "./stage.ts";
import { runnerFor } from "./stage-runtime.ts";

export interface TransformSpec<In extends { cluster: string }, Out> {
  component: string;
  stream: string;
  durable: string;
  filterSubject: string;
  concurrency: number;
  input: EventCodec<In>;
  output: EventCodec<Out>;
  /** Throws PoisonMessageError when the input cannot be processed (the message is there for its headers). */
  validate?: (value: In, msg: JsMsg) => void;
  /** Undefined: nothing to publish for this input (it is acked). */
  transform: (value: In) => Out | undefined;
  subject: (out: Out) => string;
  msgId: (out: Out) => string;
}

/**
 * A one-in, one-out stage: decode, check the payload against its subject, transform, publish, and
 * ack the input only after the output's PubAck. Poison input is dead-lettered by the runner.
 */
export function transformStage<In extends { cluster: string }, Out>(rt: Runtime, spec: TransformSpec<In, Out>): Stage {
  const metrics = rt.telemetry.component(spec.component);
  const handle = async (msg: JsMsg): Promise<HandlerOutcome> => {
    const value = await spec.input.decode(msg.data, msg.headers);
    assertSubjectMatches(msg.subject, value);
    spec.validate?.(value, msg);
    const out = spec.transform(value);
    if (out === undefined) return "ack";
    const { data, headers } = spec.output.encode(out);
    await rt.publisher.publish({ subject: spec.subject(out), data, headers, msgId: spec.msgId(out) });
    metrics.sent();
    return "ack";
  };
  const runner = runnerFor(rt, spec.component, { stream: spec.stream, durable: spec.durable, filterSubject: spec.filterSubject }, spec.concurrency, handle);
  return { name: spec.component, start: () => runner.start(), stop: () => runner.stop() };
}
