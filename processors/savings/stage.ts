import type { Runtime } from "../../bus/runtime.ts";
import type { Stage } from "../../bus/stage-types.ts";
import { snapshotId, STREAMS, subjects } from "../../bus/subjects.ts";
import { transformStage } from "../../bus/transform-stage.ts";
import { isVolumeInventory } from "../../model/events.ts";
import { savingsFor } from "./savings.ts";

export const SAVINGS_COMPONENT = "savings";

/**
 * The savings processor: consumes KCE_PRICED on durable `kce-savings` and publishes one
 * SavingsReport per priced node snapshot (not for volume inventories) to `kce.savings.<cluster>` (dedup id = the snapshot's id).
 */
export function createSavings(rt: Runtime): Stage {
  return transformStage(rt, {
    component: SAVINGS_COMPONENT,
    stream: STREAMS.priced,
    durable: "kce-savings",
    filterSubject: subjects.streamFilter.priced,
    concurrency: rt.config.savings.concurrency,
    input: rt.codecs.pricedForSavings,
    output: rt.codecs.savings,
    // A volume inventory has no node and no pods: nothing to save.
    transform: (priced) => (isVolumeInventory(priced) ? undefined : savingsFor(priced)),
    subject: (report) => subjects.savings(report.cluster),
    msgId: (report) => snapshotId(report.cluster, report.node, report.windowStartMs),
  });
}
