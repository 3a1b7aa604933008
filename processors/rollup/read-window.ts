import { DeliverPolicy } from "@nats-io/jetstream";
import type { Runtime } from "../../bus/runtime.ts";
import { STREAMS, toToken } from "../../bus/subjects.ts";
import type { CostRollup } from "../../model/events.ts";
import { RollupAssembler } from "./parts.ts";

/**
 * Reads rollup windows from the compacted KCE_ROLLUP stream one window start at a time (every
 * cluster's parts of that window, filtered by subject), so an export of a month holds one day or hour
 * in memory, not the month.
 */
export async function readWindow(rt: Runtime, resolution: string, windowStartMs: number, cluster?: string): Promise<CostRollup[]> {
  const stream = rt.layout.physical(STREAMS.rollup);
  const clusterToken = cluster === undefined ? "*" : toToken("cluster", cluster);
  const filter = `kce.rollup.${resolution}.${clusterToken}.${Math.floor(windowStartMs / 1000)}.*`;
  const consumer = await rt.js.consumers.get(stream, { filter_subjects: filter, deliver_policy: DeliverPolicy.All });
  if ((await consumer.info()).num_pending === 0) return [];
  const assembler = new RollupAssembler();
  const newest = new Map<string, CostRollup>();
  const messages = await consumer.consume();
  for await (const msg of messages) {
    const whole = assembler.add(await rt.codecs.rollup.decode(msg.data, msg.headers));
    if (whole !== undefined) {
      const known = newest.get(whole.cluster);
      if (known === undefined || known.rev < whole.rev) newest.set(whole.cluster, whole);
    }
    if (msg.info.pending === 0) break;
  }
  messages.stop();
  return [...newest.values()].sort((a, b) => a.cluster.localeCompare(b.cluster));
}
