import type { Runtime } from "../bus/runtime.ts";
import { toToken } from "../bus/subjects.ts";
import type { CostRollup } from "../model/events.ts";
import { splitRollup } from "../processors/rollup/parts.ts";
import { RECONCILED_RESOLUTION } from "./reconcile.ts";

/** `kce.rollup.1d-reconciled.<cluster>.<windowStartSec>.<part>`: beside the 1d rollups, one message kept per part. */
export function reconciledSubject(cluster: string, windowStartMs: number, part: number): string {
  return `kce.rollup.${RECONCILED_RESOLUTION}.${toToken("cluster", cluster)}.${Math.floor(windowStartMs / 1000)}.${part}`;
}

/**
 * Publishes reconciled daily rollups. Each run is a new revision (`rev` = the run's time in
 * seconds), so readers keep the newest reconciliation of a day, as they do for rollups.
 */
export async function publishReconciled(rt: Runtime, rollups: readonly CostRollup[], runAtMs: number): Promise<number> {
  const rev = Math.floor(runAtMs / 1000);
  let sent = 0;
  for (const rollup of rollups) {
    for (const part of splitRollup({ ...rollup, rev }, rt.config.rollup.maxRowsPerMessage)) {
      const { data, headers } = rt.codecs.rollup.encode(part);
      await rt.publisher.publish({
        subject: reconciledSubject(part.cluster, part.windowStartMs, part.part),
        data,
        headers,
        msgId: `${RECONCILED_RESOLUTION}/${part.cluster}/${part.windowStartMs}/${rev}/${part.part}`,
      });
      sent++;
    }
  }
  return sent;
}
