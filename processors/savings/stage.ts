import type { Runtime } from "../../bus/runtime.ts";
import type { Stage } from "../../bus/stage-types.ts";
import { snapshotId, STREAMS, subjects } from "../../bus/subjects.ts";
import { transformStage } from "../../bus/transform-stage.ts";
import { savingsFor } from "./savings.ts";

export const SAVINGS_COMPONENT = "savings";

/**
 * The savings processor: consumes KCE_PRICED on durable `kce-savings` and publishes one
 * SavingsReport per priced snapshot to `kce.savings.<cluster>` (dedup id = the snapshot's id).
 */
export function createSavings(rt: Runtime): Stage {
  return transformStage(rt, {
    component: SAVINGS_COMPONENT,
    stream: STREAMS.priced,
    durable: "kce-savings",
    filterSubject: subjects.streamFilter.priced,
    concurrency: rt.config.savings.concurrency,
    input: rt.codecs.pricedView,
    output: rt.codecs.savings,
    transform: savingsFor,
    subject: (report) => subjects.savings(report.cluster),
    msgId: (report) => snapshotId(report.cluster, report.node, report.windowStartMs),
  });
}
