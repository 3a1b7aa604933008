/**
 * Subject names and the escaping of Kubernetes names into subject tokens.
 *
 * NATS tokens may not contain `.`, `*`, `>` or whitespace, yet node names are DNS subdomains
 * (`ip-10-0-1-23.ec2.internal`). Every byte outside `[A-Za-z0-9-]` is written as `_XX` (hex of its
 * UTF-8 bytes), `_` included, so the mapping is reversible and distinct names stay distinct.
 */
import type { Resolution } from "../config/schema.ts";

export class InvalidNameError extends Error {
  override readonly name = "InvalidNameError";
  constructor(what: string, value: string, reason: string) {
    super(`${what} ${JSON.stringify(value)} ${reason}`);
  }
}

const MAX_NAME = 253;

/** Escapes a cluster or node name into one subject token. Throws on empty or over-long names. */
export function toToken(what: string, value: string): string {
  if (value.length === 0) throw new InvalidNameError(what, value, "is empty");
  if (value.length > MAX_NAME) throw new InvalidNameError(what, value, `is longer than ${MAX_NAME} characters`);
  let out = "";
  for (const ch of value) {
    if (/^[A-Za-z0-9-]$/.test(ch)) {
      out += ch;
      continue;
    }
    for (const byte of Buffer.from(ch, "utf8")) out += "_" + byte.toString(16).toUpperCase().padStart(2, "0");
  }
  return out;
}

/** Reverses toToken; throws on a malformed token. */
export function fromToken(what: string, token: string): string {
  const bytes: number[] = [];
  for (let i = 0; i < token.length; i++) {
    const ch = token[i] ?? "";
    if (ch === "_") {
      const hex = token.slice(i + 1, i + 3);
      if (!/^[0-9A-F]{2}$/.test(hex)) throw new InvalidNameError(what, token, "has a malformed escape");
      bytes.push(parseInt(hex, 16));
      i += 2;
    } else if (/^[A-Za-z0-9-]$/.test(ch)) {
      bytes.push(ch.charCodeAt(0));
    } else {
      throw new InvalidNameError(what, token, `has the character ${JSON.stringify(ch)}, not allowed in a token`);
    }
  }
  return Buffer.from(bytes).toString("utf8");
}

export const STREAMS = {
  usage: "KCE_USAGE",
  priced: "KCE_PRICED",
  rollup: "KCE_ROLLUP",
  savings: "KCE_SAVINGS",
  alerts: "KCE_ALERTS",
  anomalies: "KCE_ANOMALIES",
  dlq: "KCE_DLQ",
} as const;

export type StreamKey = keyof typeof STREAMS;

export const subjects = {
  usage: (cluster: string, node: string) => `kce.usage.${toToken("cluster", cluster)}.${toToken("node", node)}`,
  priced: (cluster: string, node: string) => `kce.priced.${toToken("cluster", cluster)}.${toToken("node", node)}`,
  /** One subject per window part: with one message kept per subject, the stream holds each window's newest revision. */
  rollup: (res: Resolution, cluster: string, windowStartMs: number, part: number) =>
    `kce.rollup.${res}.${toToken("cluster", cluster)}.${Math.floor(windowStartMs / 1000)}.${part}`,
  /** Live updates of an open window (core NATS, in no stream): the rows that changed since its last revision. */
  liveRollup: (res: Resolution, cluster: string, windowStartMs: number, part: number) =>
    `kce.live.rollup.${res}.${toToken("cluster", cluster)}.${Math.floor(windowStartMs / 1000)}.${part}`,
  /** Every live update of one resolution. */
  liveFilter: (res: Resolution) => `kce.live.rollup.${res}.>`,
  savings: (cluster: string) => `kce.savings.${toToken("cluster", cluster)}`,
  alerts: (cluster: string) => `kce.alerts.${toToken("cluster", cluster)}`,
  anomalies: (cluster: string) => `kce.anomalies.${toToken("cluster", cluster)}`,
  dlq: (stage: string) => `kce.dlq.${toToken("stage", stage)}`,
  /** Wildcards a stream binds, by stream. */
  streamFilter: { usage: "kce.usage.>", priced: "kce.priced.>", rollup: "kce.rollup.>", savings: "kce.savings.>", alerts: "kce.alerts.>", anomalies: "kce.anomalies.>", dlq: "kce.dlq.>" },
} as const;

/** The cluster of a `kce.<kind>.<cluster>[.<node>]` subject (token 2), or of `kce.rollup.<res>.<cluster>...` (token 3). */
export function clusterOfSubject(subject: string): string {
  const parts = subject.split(".");
  const token = parts[1] === "rollup" ? parts[3] : parts[2];
  if (token === undefined || token === "") throw new InvalidNameError("subject", subject, "has no cluster token");
  return fromToken("cluster", token);
}

/** The node of a `kce.usage|priced.<cluster>.<node>` subject. */
export function nodeOfSubject(subject: string): string {
  const token = subject.split(".")[3];
  if (token === undefined || token === "") throw new InvalidNameError("subject", subject, "has no node token");
  return fromToken("node", token);
}

/** The dedup id of a per-node snapshot (usage, priced, savings): unique across clusters. */
export function snapshotId(cluster: string, node: string, windowStartMs: number): string {
  return `${cluster}/${node}/${windowStartMs}`;
}
