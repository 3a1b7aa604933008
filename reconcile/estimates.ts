import type { Runtime } from "../bus/runtime.ts";
import { readWindow } from "../processors/rollup/read-window.ts";
import type { CostRollup } from "../model/events.ts";

const DAY_MS = 86_400_000;

/**
 * The newest complete 1d rollup of every cluster and day in [fromDay, toDay] (YYYY-MM-DD), read
 * from the compacted rollup stream one day at a time.
 */
export async function readDailyRollups(rt: Runtime, fromDay: string, toDay: string, cluster?: string): Promise<CostRollup[]> {
  const out: CostRollup[] = [];
  const toMs = Date.parse(`${toDay}T00:00:00Z`);
  for (let t = Date.parse(`${fromDay}T00:00:00Z`); t <= toMs; t += DAY_MS) out.push(...(await readWindow(rt, "1d", t, cluster)));
  return out;
}
