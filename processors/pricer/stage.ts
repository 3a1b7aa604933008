import type { JsMsg } from "@nats-io/jetstream";
import { assertSubjectMatches } from "../../bus/checks.ts";
import { PoisonMessageError } from "../../bus/errors.ts";
import type { Runtime } from "../../bus/runtime.ts";
import type { Stage } from "../../bus/stage-types.ts";
import type { HandlerOutcome } from "../../bus/stage.ts";
import { runnerFor } from "../../bus/stage-runtime.ts";
import { snapshotId, STREAMS, subjects } from "../../bus/subjects.ts";
import type { PriceBook } from "../../pricing/types.ts";
import { priceSnapshot } from "./cost-model.ts";
import { usageProblem } from "./validate.ts";

export const PRICER_COMPONENT = "pricer";

/**
 * The pricer: stateless; consumes KCE_USAGE on the shared durable `kce-pricer` (so replicas split
 * the work), prices each snapshot and publishes it to `kce.priced.<cluster>.<node>`. A usage
 * event is acked only after the priced event's PubAck.
 */
export function createPricer(rt: Runtime, book: PriceBook): Stage {
  const metrics = rt.telemetry.component(PRICER_COMPONENT);
  const handle = async (msg: JsMsg): Promise<HandlerOutcome> => {
    const usage = await rt.codecs.usage.decode(msg.data, msg.headers);
    assertSubjectMatches(msg.subject, usage);
    const problem = usageProblem(usage);
    if (problem !== undefined) throw new PoisonMessageError("invalid_usage", problem);
    const priced = priceSnapshot(usage, book, rt.config.pricing, Date.now());
    const { data, headers } = rt.codecs.priced.encode(priced);
    await rt.publisher.publish({
      subject: subjects.priced(priced.cluster, priced.node),
      data,
      headers,
      msgId: snapshotId(priced.cluster, priced.node, priced.windowStartMs),
    });
    metrics.sent();
    return "ack";
  };
  const runner = runnerFor(
    rt,
    PRICER_COMPONENT,
    { stream: STREAMS.usage, durable: "kce-pricer", filterSubject: subjects.streamFilter.usage },
    rt.config.pricer.concurrency,
    handle,
  );
  return { name: PRICER_COMPONENT, start: () => runner.start(), stop: () => runner.stop() };
}
