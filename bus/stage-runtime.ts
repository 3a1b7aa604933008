import type { MessageHandler, StageOptions } from "./stage.ts";
import { StageRunner } from "./stage.ts";
import { DeadLetters } from "./dlq.ts";
import type { Runtime } from "./runtime.ts";
import type { DurableSpec } from "./consumer.ts";

/** Builds a StageRunner wired to the runtime's consumer defaults, DLQ and metrics. */
export function runnerFor(
  rt: Runtime,
  component: string,
  spec: Omit<DurableSpec, "maxInFlight" | "ackWaitSeconds"> & Partial<Pick<DurableSpec, "maxInFlight" | "ackWaitSeconds">>,
  concurrency: number,
  handler: MessageHandler,
): StageRunner {
  const c = rt.config.consumer;
  const options: StageOptions = {
    spec: {
      ...spec,
      stream: rt.layout.physical(spec.stream),
      maxInFlight: spec.maxInFlight ?? c.maxInFlight,
      ackWaitSeconds: spec.ackWaitSeconds ?? c.ackWaitSeconds,
    },
    concurrency,
    maxDeliver: c.maxDeliver,
    nakDelayMs: c.nakDelayMs,
  };
  return new StageRunner(
    options,
    {
      js: rt.js,
      jsm: rt.jsm,
      dlq: new DeadLetters(rt.publisher, component),
      metrics: rt.telemetry.component(component),
      log: rt.log.child(component),
    },
    async (msg) => {
      rt.layout.checkSource(spec.stream, msg);
      return handler(msg);
    },
  );
}
