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
import { clusterDomain, clusterSubjects, forwardedKinds, leafStreamName, streamKeyOf } from "./layout.ts";
import { STREAMS, subjects, type StreamKey } from "./subjects.ts";

type StreamSpec = Partial<StreamConfig> & { name: string };
type StreamSource = NonNullable<StreamConfig["sources"]>[number];

const HOUR_MS = 3_600_000;

/** The configuration of each KCE stream of a standalone server, derived from the `streams` config section. */
export function streamConfigs(cfg: Config["streams"]): StreamSpec[] {
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

function sourceKey(s: StreamSource): string {
  return `${s.name} ${s.external?.api ?? ""}`;
}

/** Sources already on a stream that the new config lacks are kept (a cluster added at run time stays). */
function withKeptSources(config: StreamSpec, existing: StreamSource[] | undefined): StreamSpec {
  if (config.sources === undefined || existing === undefined) return config;
  const wanted = new Set(config.sources.map(sourceKey));
  return { ...config, sources: [...config.sources, ...existing.filter((s) => !wanted.has(sourceKey(s)))] };
}

/**
 * Creates a stream, or updates it in place when it exists. Safe to run from every stage at start.
 * Sources are merged unless `pruneSources`: a stage started with an older cluster list never
 * drops a cluster that was added since.
 */
export async function ensureStream(jsm: JetStreamManager, config: StreamSpec, pruneSources = false): Promise<void> {
  try {
    let existing: StreamSource[] | undefined;
    try {
      existing = (await jsm.streams.info(config.name)).config.sources;
    } catch (error) {
      if (!isNotFound(error)) throw error;
      await jsm.streams.add(config);
      return;
    }
    await jsm.streams.update(config.name, pruneSources ? config : withKeptSources(config, existing));
  } catch (cause) {
    throw new StreamProvisionError(config.name, { cause });
  }
}

/**
 * The streams of a server in the given federation role: a leaf renames each forwarded kind's
 * stream after its cluster and binds only that cluster's subjects; the hub feeds each forwarded
 * kind's stream from the leaves' streams (no subjects of its own).
 */
export function layoutStreamConfigs(config: Pick<Config, "streams" | "federation" | "cluster">): StreamSpec[] {
  const { federation } = config;
  const base = streamConfigs(config.streams);
  if (federation.role === "standalone") return base;
  const forwarded = new Set<StreamKey>(forwardedKinds(federation.mode));
  return base.map((spec) => {
    const key = streamKeyOf(spec.name);
    if (key === undefined || !forwarded.has(key)) return spec;
    if (federation.role === "leaf") return { ...spec, name: leafStreamName(key, config.cluster), subjects: [clusterSubjects(key, config.cluster)] };
    const sources: StreamSource[] = federation.clusters.map((c) => ({
      name: leafStreamName(key, c.name),
      external: { api: `$JS.${clusterDomain(c)}.API`, deliver: "" },
    }));
    return { ...spec, subjects: [], sources };
  });
}

/** Provisions every KCE stream for this server's federation role. Idempotent. */
export async function ensureStreams(
  jsm: JetStreamManager,
  config: Pick<Config, "streams" | "federation" | "cluster">,
  options: { pruneSources?: boolean } = {},
): Promise<void> {
  for (const spec of layoutStreamConfigs(config)) await ensureStream(jsm, spec, options.pruneSources);
}
