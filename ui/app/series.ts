import type { AllocationSets } from "./types.ts";

/** Steps of an /allocation?step= answer as chart series: the `top` costliest names, the rest as "other". */
export function toSeries(sets: AllocationSets, top: number, group: (name: string) => string = (n) => n): { x: number[]; series: Array<{ label: string; values: number[] }> } {
  const x: number[] = [];
  const perStep: Array<Map<string, number>> = [];
  const totals = new Map<string, number>();
  for (const set of sets) {
    const values = new Map<string, number>();
    let start = Number.POSITIVE_INFINITY;
    for (const a of Object.values(set)) {
      const key = group(a.name);
      values.set(key, (values.get(key) ?? 0) + a.totalCost);
      totals.set(key, (totals.get(key) ?? 0) + a.totalCost);
      const windowStart = Date.parse(a.window.start);
      if (Number.isFinite(windowStart)) start = Math.min(start, windowStart);
    }
    if (!Number.isFinite(start)) continue;
    x.push(start / 1000);
    perStep.push(values);
  }
  const ranked = [...totals.entries()].sort((a, b) => b[1] - a[1]).map(([k]) => k);
  const shown = ranked.slice(0, top);
  const rest = ranked.slice(top);
  const series = shown.map((label) => ({ label, values: perStep.map((m) => m.get(label) ?? 0) }));
  if (rest.length > 0) series.push({ label: `other (${rest.length})`, values: perStep.map((m) => rest.reduce((s, k) => s + (m.get(k) ?? 0), 0)) });
  return { x, series };
}
