/**
 * Prices a size the catalog does not list from its listed siblings of the same family. Sizes of a
 * family are priced by vCPUs and memory, but not always in proportion to vCPUs (burstable families
 * such as t3 differ only in memory), so the siblings' prices are fitted as `a × vCPUs + b × GiB`
 * (least squares, a and b ≥ 0). When the siblings cannot separate the two (every sibling has the
 * same GiB per vCPU), the nearest sibling is scaled by `cores × cpuRate + GiB × ramRate`.
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
  if (fit !== undefined) {
    const price = fit.perVcpu * target.vcpu + fit.perGiB * target.memoryGiB;
    if (price > 0) return price;
  }
  const weight = (s: { vcpu: number; memoryGiB: number }): number => s.vcpu * weights.cpuCoreHour + s.memoryGiB * weights.ramGiBHour;
  const nearest = usable.reduce((best, s) => (Math.abs(Math.log(weight(s) / weight(target))) < Math.abs(Math.log(weight(best) / weight(target))) ? s : best));
  return (nearest.price * weight(target)) / weight(nearest);
}
