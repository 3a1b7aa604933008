import { DeliverPolicy } from "@nats-io/jetstream";
import type { Runtime } from "../bus/runtime.ts";
import { STREAMS } from "../bus/subjects.ts";
import type { CostRollup } from "../model/events.ts";
import { RollupAssembler } from "../processors/rollup/parts.ts";

/**
 * The newest complete 1d rollup of every cluster and day in [fromDay, toDay] (YYYY-MM-DD), read
 * from the compacted rollup stream.
 */
export async function readDailyRollups(rt: Runtime, fromDay: string, toDay: string, cluster?: string): Promise<CostRollup[]> {
  const stream = rt.layout.physical(STREAMS.rollup);
  const info = await rt.jsm.streams.info(stream);
  if (info.state.messages === 0) return [];
  const consumer = await rt.js.consumers.get(stream, { filter_subjects: "kce.rollup.1d.>", deliver_policy: DeliverPolicy.All });
  const assembler = new RollupAssembler();
  const newest = new Map<string, CostRollup>();
  if ((await consumer.info()).num_pending === 0) return [];
  const messages = await consumer.consume();
  const fromMs = Date.parse(`${fromDay}T00:00:00Z`);
  const toMs = Date.parse(`${toDay}T00:00:00Z`);
  for await (const msg of messages) {
    const part = await rt.codecs.rollup.decode(msg.data, msg.headers);
    if (part.windowStartMs >= fromMs && part.windowStartMs <= toMs && (cluster === undefined || part.cluster === cluster)) {
      const whole = assembler.add(part);
      if (whole !== undefined) {
        const key = `${whole.cluster}|${whole.windowStartMs}`;
        const known = newest.get(key);
        if (known === undefined || known.rev < whole.rev) newest.set(key, whole);
      }
    }
    if (msg.info.pending === 0) break;
  }
  messages.stop();
  return [...newest.values()].sort((a, b) => a.windowStartMs - b.windowStartMs || a.cluster.localeCompare(b.cluster));
}
