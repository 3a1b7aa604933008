/**
 * PII scrubbing: pod names (and optionally namespaces) replaced by a stable keyed hash before a
 * snapshot leaves the node, so no stage downstream ever sees them. HMAC-SHA256 with a secret key:
 * the same name always maps to the same token (costs still group and join), and without the key
 * nobody can test a guessed name against it.
 */
import { createHmac } from "node:crypto";
import { readFileSync } from "node:fs";
import type { UsageSnapshot } from "../../model/events.ts";

export interface ScrubOptions {
  key: Buffer;
  namespaces: boolean;
}

/** The scrub key file cannot be read or is too short. */
export class ScrubKeyError extends Error {
  override readonly name = "ScrubKeyError";
}

export function readScrubKey(path: string): Buffer {
  let key: Buffer;
  try {
    key = readFileSync(path);
  } catch (cause) {
    throw new ScrubKeyError(`agent.scrub.keyFile ${path} cannot be read: ${(cause as Error).message}`, { cause });
  }
  if (key.length < 16) throw new ScrubKeyError(`agent.scrub.keyFile ${path} holds ${key.length} bytes; use at least 16 random bytes`);
  return key;
}

/** A stable token for a name: `h-` + 16 hex digits of HMAC-SHA256(key, kind:name). Valid as a Kubernetes name. */
export function scrubName(key: Buffer, kind: "pod" | "namespace" | "claim", name: string): string {
  return `h-${createHmac("sha256", key).update(`${kind}:${name}`).digest("hex").slice(0, 16)}`;
}

export function scrubSnapshot(s: UsageSnapshot, o: ScrubOptions): UsageSnapshot {
  const ns = (n: string) => (o.namespaces ? scrubName(o.key, "namespace", n) : n);
  return {
    ...s,
    // Claim names are hashed too: a StatefulSet's claims carry its pods' names (data-db-0).
    pods: s.pods.map((p) => ({ ...p, name: scrubName(o.key, "pod", `${p.namespace}/${p.name}`), namespace: ns(p.namespace), claims: p.claims.map((c) => scrubName(o.key, "claim", `${p.namespace}/${c}`)) })),
    // An unclaimed volume (in the cluster's inventory) stays unclaimed.
    volumes: s.volumes.map((v) => (v.claimName === "" ? v : { ...v, claimNamespace: ns(v.claimNamespace), claimName: scrubName(o.key, "claim", `${v.claimNamespace}/${v.claimName}`) })),
  };
}
