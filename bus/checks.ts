import { PoisonMessageError } from "./errors.ts";
import { clusterOfSubject, nodeOfSubject } from "./subjects.ts";

/** A token of the subject; a malformed one is poison (no retry can make it well-formed). */
function token(subject: string, read: (subject: string) => string): string {
  try {
    return read(subject);
  } catch (cause) {
    throw new PoisonMessageError("bad_subject", `subject ${subject} is malformed`, { cause });
  }
}

/**
 * An event's payload must name the cluster (and node) of the subject it arrived on; otherwise a
 * producer is writing into another cluster's data and the event is poison.
 */
export function assertSubjectMatches(subject: string, payload: { cluster: string; node?: string }): void {
  const cluster = token(subject, clusterOfSubject);
  if (cluster !== payload.cluster) {
    throw new PoisonMessageError(
      "cluster_mismatch",
      `payload cluster ${JSON.stringify(payload.cluster)} does not match subject cluster ${JSON.stringify(cluster)}`,
    );
  }
  if (payload.node !== undefined && token(subject, nodeOfSubject) !== payload.node) {
    throw new PoisonMessageError("node_mismatch", `payload node ${JSON.stringify(payload.node)} does not match subject ${subject}`);
  }
}
