/**
 * How a volume's cost is split among the pods that mount its claim: in proportion to how long each
 * ran, or equally when none ran (all zero). The pricer splits a node's volumes this way among the
 * node's pods; the rollup re-splits a cluster's volumes this way among all their pods.
 */
export function claimShares(seconds: readonly number[]): number[] {
  const total = seconds.reduce((s, x) => s + x, 0);
  return seconds.map((x) => (total > 0 ? x / total : 1 / seconds.length));
}

/** One volume of a node snapshot, with the pods (by index) that mount its claim and each one's share of its cost. */
export interface VolumeUse<V> {
  volume: V;
  users: Array<{ index: number; seconds: number; share: number }>;
}

/**
 * Which of a node's pods mount each of its volumes (matched by namespace/claim) and their shares by
 * {@link claimShares}. The pricer charges by it; the rollup recomputes what the pricer charged by it.
 */
export function volumeUses<V extends { claimNamespace: string; claimName: string }>(
  pods: ReadonlyArray<{ namespace: string; claims?: readonly string[]; runningSeconds: number }>,
  volumes: readonly V[],
): Array<VolumeUse<V>> {
  const byClaim = new Map(volumes.map((v) => [`${v.claimNamespace}/${v.claimName}`, v]));
  const users = new Map<string, Array<{ index: number; seconds: number }>>();
  pods.forEach((pod, index) => {
    for (const claim of pod.claims ?? []) {
      const claimKey = `${pod.namespace}/${claim}`;
      if (!byClaim.has(claimKey)) continue;
      const list = users.get(claimKey) ?? [];
      list.push({ index, seconds: pod.runningSeconds });
      users.set(claimKey, list);
    }
  });
  const out: Array<VolumeUse<V>> = [];
  for (const [claimKey, list] of users) {
    const volume = byClaim.get(claimKey);
    if (volume === undefined) continue;
    const shares = claimShares(list.map((u) => u.seconds));
    out.push({ volume, users: list.map((u, i) => ({ ...u, share: shares[i] ?? 0 })) });
  }
  return out;
}
