import {
  DiscardPolicy,
  JetStreamApiError,
  RetentionPolicy,
  StorageType,
  type JetStreamManager,
  type StreamConfig,
} from "@nats-io/jetstream";
import { nanos } from "@nats-io/transport-node";
import type { Config } from "../config/schema.ts";
import { StreamProvisionError } from "./errors.ts";
import { STREAMS, subjects, type StreamKey } from "./subjects.ts";

const HOUR_MS = 3_600_000;

/** The configuration of each KCE stream, derived from the `streams` config section. */
export function streamConfigs(cfg: Config["streams"]): Array<Partial<StreamConfig> & { name: string }> {
  const keys = Object.keys(STREAMS) as StreamKey[];
  return keys.map((key) => ({
    name: STREAMS[key],
    subjects: [subjects.streamFilter[key]],
    retention: RetentionPolicy.Limits,
    storage: cfg.storage === "memory" ? StorageType.Memory : StorageType.File,
    num_replicas: cfg.replicas,
    max_age: nanos(cfg.maxAgeHours[key] * HOUR_MS),
    duplicate_window: nanos(cfg.duplicateWindowSeconds * 1000),
    discard: DiscardPolicy.Old,
    allow_direct: true,
    // Rollups: keep only the newest revision of each window part (a compacted stream).
    ...(key === "rollup" ? { max_msgs_per_subject: 1 } : {}),
  }));
}

function isNotFound(error: unknown): boolean {
  return error instanceof JetStreamApiError && error.code === 10059;
}

/** Creates a stream, or updates it in place when it exists. Safe to run from every stage at start. */
export async function ensureStream(jsm: JetStreamManager, config: Partial<StreamConfig> & { name: string }): Promise<void> {
  try {
    try {
      await jsm.streams.info(config.name);
    } catch (error) {
      if (!isNotFound(error)) throw error;
      await jsm.streams.add(config);
      return;
    }
    await jsm.streams.update(config.name, config);
  } catch (cause) {
    throw new StreamProvisionError(config.name, { cause });
  }
}

/** Provisions every KCE stream. Idempotent. */
export async function ensureStreams(jsm: JetStreamManager, cfg: Config["streams"]): Promise<void> {
  for (const config of streamConfigs(cfg)) await ensureStream(jsm, config);
}
