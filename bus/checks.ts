import { PoisonMessageError } from "./errors.ts";
import { clusterOfSubject, nodeOfSubject } from "./subjects.ts";

/**
 * An event's payload must name the cluster (and node) of the subject it arrived on; otherwise a
 * producer is writing into another cluster's data and the event is poison.
 */
export function assertSubjectMatches(subject: string, payload: { cluster: string; node?: string }): void {
  let cluster: string;
  try {
    cluster = clusterOfSubject(subject);
  } catch (cause) {
    throw new PoisonMessageError("bad_subject", `subject ${subject} is malformed`, { cause });
  }
  if (cluster !== payload.cluster) {
    throw new PoisonMessageError(
      "cluster_mismatch",
      `payload cluster ${JSON.stringify(payload.cluster)} does not match subject cluster ${JSON.stringify(cluster)}`,
    );
  }
  if (payload.node === undefined) return;
  let node: string;
  try {
    node = nodeOfSubject(subject);
  } catch (cause) {
    // As with the cluster token: no retry can make a malformed subject well-formed.
    throw new PoisonMessageError("bad_subject", `subject ${subject} is malformed`, { cause });
  }
  if (node !== payload.node) {
    throw new PoisonMessageError("node_mismatch", `payload node ${JSON.stringify(payload.node)} does not match subject ${subject}`);
  }
}
