/**
 * Prices a size the catalog does not list from its listed siblings of the same family. Sizes of a
 * family are priced by vCPUs and memory, but not always in proportion to vCPUs (burstable families
 * such as t3 differ only in memory), so the siblings' prices are fitted as `a × vCPUs + b × GiB`
 * (least squares, a and b ≥ 0). When the siblings cannot separate the two (every sibling has the
 * same GiB per vCPU) or the fit misses a sibling by more than 2 %, the target's `cores × cpuRate +
 * GiB × ramRate` is priced at the siblings' median price per unit of that weight.
 */
export interface Sibling {
  vcpu: number;
  memoryGiB: number;
  price: number;
}

export interface FamilyWeights {
  cpuCoreHour: number;
  ramGiBHour: number;
}

/** A fit that misses a sibling's price by more than this is not trusted; the median sibling ratio is used instead. */
const MAX_FIT_RESIDUAL = 0.02;

/** Relative size below which the normal equations are treated as singular. */
const SINGULAR = 1e-9;

function fitOne(siblings: readonly Sibling[], x: (s: Sibling) => number): number {
  const xx = siblings.reduce((n, s) => n + x(s) * x(s), 0);
  return xx > 0 ? siblings.reduce((n, s) => n + x(s) * s.price, 0) / xx : 0;
}

/** a, b ≥ 0 minimising Σ (a·vcpu + b·GiB − price)², or undefined when the shapes are collinear. */
export function fitFamily(siblings: readonly Sibling[]): { perVcpu: number; perGiB: number } | undefined {
  if (siblings.length < 2) return undefined;
  let sxx = 0, sxy = 0, syy = 0, sxp = 0, syp = 0;
  for (const s of siblings) {
    sxx += s.vcpu * s.vcpu;
    sxy += s.vcpu * s.memoryGiB;
    syy += s.memoryGiB * s.memoryGiB;
    sxp += s.vcpu * s.price;
    syp += s.memoryGiB * s.price;
  }
  const det = sxx * syy - sxy * sxy;
  if (Math.abs(det) <= SINGULAR * sxx * syy) return undefined;
  const a = (sxp * syy - syp * sxy) / det;
  const b = (syp * sxx - sxp * sxy) / det;
  if (a >= 0 && b >= 0) return { perVcpu: a, perGiB: b };
  return a < 0 ? { perVcpu: 0, perGiB: fitOne(siblings, (s) => s.memoryGiB) } : { perVcpu: fitOne(siblings, (s) => s.vcpu), perGiB: 0 };
}

/** The estimated price of `target` from its siblings, or undefined when there are none. */
export function familyEstimate(siblings: readonly Sibling[], target: { vcpu: number; memoryGiB: number }, weights: FamilyWeights): number | undefined {
  const usable = siblings.filter((s) => s.vcpu > 0 && s.memoryGiB > 0 && s.price > 0);
  if (usable.length === 0 || target.vcpu <= 0) return undefined;
  const fit = fitFamily(usable);
  const explains = (f: { perVcpu: number; perGiB: number }): boolean => usable.every((s) => Math.abs((f.perVcpu * s.vcpu + f.perGiB * s.memoryGiB) / s.price - 1) <= MAX_FIT_RESIDUAL);
  if (fit !== undefined && explains(fit)) {
    const price = fit.perVcpu * target.vcpu + fit.perGiB * target.memoryGiB;
    if (price > 0) return price;
  }
  // The median price per unit of default-rate weight over the siblings: robust to a sibling whose
  // list price is out of line with the rest of its family.
  const weight = (s: { vcpu: number; memoryGiB: number }): number => s.vcpu * weights.cpuCoreHour + s.memoryGiB * weights.ramGiBHour;
  // Siblings of the target's own memory-per-vCPU ratio first (Azure's D11–D15 share a family name with D1–D5).
  const ratio = (s: { vcpu: number; memoryGiB: number }): number => s.memoryGiB / s.vcpu;
  const same = usable.filter((s) => Math.abs(ratio(s) / ratio(target) - 1) < 0.01);
  const perWeight = (same.length > 0 ? same : usable).map((s) => s.price / weight(s)).sort((a, b) => a - b);
  const mid = perWeight.length / 2;
  const median = perWeight.length % 2 === 1 ? (perWeight[Math.floor(mid)] ?? 0) : ((perWeight[mid - 1] ?? 0) + (perWeight[mid] ?? 0)) / 2;
  return median * weight(target);
}
