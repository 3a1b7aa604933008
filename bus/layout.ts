/**
 * Where each KCE stream lives when clusters federate over NATS leafnodes.
 *
 * standalone: one server, the streams of bus/subjects.ts.
 * leaf:       a workload cluster's own server (own JetStream domain). A forwarded kind's stream is
 *             named `<STREAM>_<cluster>` and binds only this cluster's subjects, so the hub can
 *             tell where each sourced message came from; other kinds keep their usual streams.
 * hub:        the central server. A forwarded kind's stream has no subjects of its own and is fed
 *             only by sourcing every leaf's `<STREAM>_<cluster>` (own subjects would capture what
 *             crosses the leaf link and store it twice).
 *
 * The hub attributes each sourced message to the cluster of the stream it came from (the
 * server-set `Nats-Stream-Source` header) and dead-letters it when its subject names another
 * cluster: a leaf's server is not trusted to keep to its own subjects.
 */
import type { JsMsg } from "@nats-io/jetstream";
import { FORWARDED_KINDS, type FederationConfig } from "../config/schema.ts";
import { PoisonMessageError } from "./errors.ts";
import { clusterOfSubject, fromToken, STREAMS, toToken, type StreamKey } from "./subjects.ts";

export const SOURCE_HEADER = "Nats-Stream-Source";

const KEY_BY_NAME = new Map<string, StreamKey>(Object.entries(STREAMS).map(([key, name]) => [name, key as StreamKey]));

/** The key of a logical KCE stream name (KCE_USAGE → usage), or undefined for other streams. */
export function streamKeyOf(name: string): StreamKey | undefined {
  return KEY_BY_NAME.get(name);
}

/** The kinds a federation mode forwards from leaves to the hub. */
export function forwardedKinds(mode: FederationConfig["mode"]): readonly StreamKey[] {
  return FORWARDED_KINDS[mode];
}

/** The name of a cluster's forwarded stream on its leaf server, e.g. KCE_USAGE_east. */
export function leafStreamName(key: StreamKey, cluster: string): string {
  return `${STREAMS[key]}_${toToken("cluster", cluster)}`;
}

/** The live-update subjects of one cluster's rollup (core NATS; forwarded with the rollups in per-cluster mode). */
export function clusterLiveSubjects(cluster: string): string {
  return `kce.live.rollup.*.${toToken("cluster", cluster)}.>`;
}

/** The subjects a cluster's forwarded stream binds on its leaf server. */
export function clusterSubjects(key: StreamKey, cluster: string): string {
  const c = toToken("cluster", cluster);
  switch (key) {
    case "rollup":
      return `kce.rollup.*.${c}.>`;
    case "savings":
    case "alerts":
    case "anomalies":
      return `kce.${key}.${c}`;
    default:
      return `kce.${key}.${c}.>`;
  }
}

/** The JetStream domain of a leaf cluster's server (default: its escaped name). */
export function clusterDomain(cluster: { name: string; domain?: string | undefined }): string {
  return cluster.domain ?? toToken("cluster", cluster.name);
}

/** The cluster whose leaf stream a sourced message came from, from its `Nats-Stream-Source` header. */
export function sourceCluster(key: StreamKey, msg: Pick<JsMsg, "headers">): string {
  const values = msg.headers?.values(SOURCE_HEADER) ?? [];
  if (values.length !== 1) {
    throw new PoisonMessageError("unattributed", `expected one ${SOURCE_HEADER} header on a sourced ${STREAMS[key]} message, found ${values.length}`);
  }
  // "<stream>[:<hash>] <sequence>": the hash names the external API of the source.
  const stream = (values[0] ?? "").split(/[: ]/)[0] ?? "";
  const prefix = `${STREAMS[key]}_`;
  if (!stream.startsWith(prefix)) throw new PoisonMessageError("unattributed", `message sourced from ${JSON.stringify(stream)}, not a ${prefix}<cluster> stream`);
  try {
    return fromToken("cluster", stream.slice(prefix.length));
  } catch (cause) {
    throw new PoisonMessageError("unattributed", `source stream ${stream} does not name a cluster`, { cause });
  }
}

export interface StreamLayout {
  readonly role: FederationConfig["role"];
  /** The stream to read a logical KCE stream (STREAMS.*) from on this server. */
  physical(stream: string): string;
  /**
   * Throws PoisonMessageError unless a message read from `stream` came from the cluster its subject
   * names. A no-op except for the hub's sourced streams.
   */
  checkSource(stream: string, msg: Pick<JsMsg, "headers" | "subject">): void;
}

export function streamLayout(federation: FederationConfig, cluster: string): StreamLayout {
  const forwarded = new Set<StreamKey>(federation.role === "standalone" ? [] : forwardedKinds(federation.mode));
  return {
    role: federation.role,
    physical: (stream) => {
      const key = streamKeyOf(stream);
      return federation.role === "leaf" && key !== undefined && forwarded.has(key) ? leafStreamName(key, cluster) : stream;
    },
    checkSource: (stream, msg) => {
      const key = streamKeyOf(stream);
      if (federation.role !== "hub" || key === undefined || !forwarded.has(key)) return;
      const from = sourceCluster(key, msg);
      let named: string;
      try {
        named = clusterOfSubject(msg.subject);
      } catch (cause) {
        throw new PoisonMessageError("bad_subject", `subject ${msg.subject} is malformed`, { cause });
      }
      if (named !== from) {
        throw new PoisonMessageError("source_mismatch", `subject ${msg.subject} names cluster ${JSON.stringify(named)} but the event was sourced from cluster ${JSON.stringify(from)}'s stream`);
      }
    },
  };
}
