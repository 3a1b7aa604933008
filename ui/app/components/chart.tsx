import { useEffect, useRef } from "preact/hooks";
import uPlot from "uplot";
import "uplot/dist/uPlot.min.css";

export interface Series {
  label: string;
  values: Array<number | null>;
}

interface Props {
  id: string;
  /** Start of each step, unix seconds. */
  x: number[];
  series: Series[];
  /** Formats the y axis and the legend's values. */
  format: (v: number) => string;
  height?: number;
  /** The time span shown (unix seconds), e.g. the query's window; default: the data's. */
  range?: [number, number] | undefined;
}

const stepped = uPlot.paths.stepped?.({ align: 1 });

/** An x-axis label in UTC: hours and minutes within two days, else the date. */
function utcTick(t: number, spanSeconds: number): string {
  const iso = new Date(t * 1000).toISOString();
  return spanSeconds <= 2 * 86_400 ? iso.slice(11, 16) : iso.slice(5, 10);
}

const COLORS = ["#2f6fdf", "#e0663d", "#2a9d6f", "#a855c7", "#d4a017", "#5b6b7f", "#c2416b", "#3ba3b8"];

/** A line chart of cost over time (uPlot: canvas, ~50 kB, fast with thousands of points). */
export function Chart(props: Props) {
  const el = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  const labels = props.series.map((s) => s.label).join("\u0000");
  // Read by the scale on every redraw, so a new window's span applies without rebuilding the chart.
  const range = useRef(props.range);
  range.current = props.range;
  useEffect(() => {
    const target = el.current;
    if (target === null) return;
    const fmt = (_u: uPlot, v: number | null) => (v === null ? "—" : props.format(v));
    const opts: uPlot.Options = {
      width: Math.max(300, target.clientWidth),
      height: props.height ?? 240,
      // Each value is the cost of the step that starts at x: drawn as a step, not a ramp between steps.
      series: [{ label: "step from (UTC)", value: (_u, v) => (v === null ? "—" : new Date(v * 1000).toISOString().slice(0, 16).replace("T", " ")) }, ...props.series.map((s, i) => ({ label: s.label, stroke: COLORS[i % COLORS.length] ?? "#333", width: 2, value: fmt, ...(stepped === undefined ? {} : { paths: stepped }), points: { show: props.x.length < 3 } }))],
      axes: [{ values: (u, ticks) => ticks.map((t) => utcTick(t, (u.scales["x"]?.max ?? 0) - (u.scales["x"]?.min ?? 0))) }, { values: (_u, ticks) => ticks.map((t) => props.format(t)), size: 80 }],
      scales: { x: { time: true, range: (_u, min, max) => range.current ?? (min === max ? [min - 3600, max + 3600] : [min, max]) }, y: { range: (_u, _min, max) => [0, max > 0 ? max * 1.1 : 1] } },
      tzDate: (ts) => uPlot.tzDate(new Date(ts * 1000), "Etc/UTC"),
    };
    const p = new uPlot(opts, [props.x, ...props.series.map((s) => s.values)], target);
    plot.current = p;
    const resize = new ResizeObserver(() => p.setSize({ width: Math.max(300, target.clientWidth), height: props.height ?? 240 }));
    resize.observe(target);
    return () => {
      resize.disconnect();
      p.destroy();
      plot.current = null;
    };
    // Rebuilt when the series change; new values for the same series are set in place below.
  }, [labels, props.id]);
  useEffect(() => {
    plot.current?.setData([props.x, ...props.series.map((s) => s.values)]);
  }, [props.x, props.series]);
  return <div class="chart" id={props.id} ref={el} />;
}
