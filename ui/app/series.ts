import type { TimeSeries } from "./types.ts";

/** A /timeseries answer as chart input: x in unix seconds, the top series and the rest as "other". */
export function chartSeries(ts: TimeSeries): { x: number[]; series: Array<{ label: string; values: number[] }> } {
  const series = ts.series.map((s) => ({ label: s.name, values: s.values }));
  if (ts.other !== null) series.push({ label: `other (${ts.other.count})`, values: ts.other.values });
  return { x: ts.x.map((t) => Date.parse(t) / 1000), series };
}
