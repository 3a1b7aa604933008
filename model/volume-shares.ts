/**
 * How a volume's cost is split among the pods that mount its claim: in proportion to how long each
 * ran, or equally when none ran (all zero). The pricer splits a node's volumes this way among the
 * node's pods; the rollup re-splits a cluster's volumes this way among all their pods.
 */
export function claimShares(seconds: readonly number[]): number[] {
  const total = seconds.reduce((s, x) => s + x, 0);
  return seconds.map((x) => (total > 0 ? x / total : 1 / seconds.length));
}
