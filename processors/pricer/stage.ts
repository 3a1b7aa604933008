import { PoisonMessageError } from "../../bus/errors.ts";
import type { Runtime } from "../../bus/runtime.ts";
import type { Stage } from "../../bus/stage-types.ts";
import { snapshotId, STREAMS, subjects } from "../../bus/subjects.ts";
import { transformStage } from "../../bus/transform-stage.ts";
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
  return transformStage(rt, {
    component: PRICER_COMPONENT,
    stream: STREAMS.usage,
    durable: "kce-pricer",
    filterSubject: subjects.streamFilter.usage,
    concurrency: rt.config.pricer.concurrency,
    input: rt.codecs.usage,
    output: rt.codecs.priced,
    validate: (usage) => {
      const problem = usageProblem(usage);
      if (problem !== undefined) throw new PoisonMessageError("invalid_usage", problem);
    },
    transform: (usage) => priceSnapshot(usage, book, rt.config.pricing, Date.now()),
    subject: (priced) => subjects.priced(priced.cluster, priced.node),
    msgId: (priced) => snapshotId(priced.cluster, priced.node, priced.windowStartMs),
  });
}
