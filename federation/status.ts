import type { JetStreamManager } from "@nats-io/jetstream";
import { forwardedKinds } from "../bus/layout.ts";
import { STREAMS } from "../bus/subjects.ts";
import type { FederationConfig } from "../config/schema.ts";

export interface SourceStatus {
  stream: string;
  source: string;
  /** Messages the hub has yet to copy from the leaf. */
  lag: number;
  /** Milliseconds since the source was last active; undefined when never. */
  activeAgoMs: number | undefined;
  error: string | undefined;
}

/** The hub's view of every leaf stream it sources: lag, last activity, errors. */
export async function sourceStatus(jsm: JetStreamManager, federation: FederationConfig): Promise<SourceStatus[]> {
  const rows: SourceStatus[] = [];
  for (const key of forwardedKinds(federation.mode)) {
    const info = await jsm.streams.info(STREAMS[key]);
    for (const s of info.sources ?? []) {
      rows.push({
        stream: STREAMS[key],
        source: s.name,
        lag: s.lag,
        activeAgoMs: s.active < 0 ? undefined : Math.round(s.active / 1e6),
        error: s.error?.description,
      });
    }
  }
  return rows;
}
