import type { JsMsg } from "@nats-io/jetstream";
import { assertSubjectMatches } from "../../bus/checks.ts";
import type { Runtime } from "../../bus/runtime.ts";
import type { Stage } from "../../bus/stage-types.ts";
import type { HandlerOutcome } from "../../bus/stage.ts";
import { runnerFor } from "../../bus/stage-runtime.ts";
import { snapshotId, STREAMS, subjects } from "../../bus/subjects.ts";
import { savingsFor } from "./savings.ts";

export const SAVINGS_COMPONENT = "savings";

/**
 * The savings processor: consumes KCE_PRICED on durable `kce-savings` and publishes one
 * SavingsReport per priced snapshot to `kce.savings.<cluster>` (dedup id = the snapshot's id).
 */
export function createSavings(rt: Runtime): Stage {
  const metrics = rt.telemetry.component(SAVINGS_COMPONENT);
  const handle = async (msg: JsMsg): Promise<HandlerOutcome> => {
    const priced = await rt.codecs.priced.decode(msg.data, msg.headers);
    assertSubjectMatches(msg.subject, priced);
    const report = savingsFor(priced);
    const { data, headers } = rt.codecs.savings.encode(report);
    await rt.publisher.publish({
      subject: subjects.savings(report.cluster),
      data,
      headers,
      msgId: snapshotId(report.cluster, report.node, report.windowStartMs),
    });
    metrics.sent();
    return "ack";
  };
  const runner = runnerFor(
    rt,
    SAVINGS_COMPONENT,
    { stream: STREAMS.priced, durable: "kce-savings", filterSubject: subjects.streamFilter.priced },
    rt.config.savings.concurrency,
    handle,
  );
  return { name: SAVINGS_COMPONENT, start: () => runner.start(), stop: () => runner.stop() };
}
