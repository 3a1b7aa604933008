import { ParamError } from "./errors.ts";

export const HOUR_MS = 3_600_000;
export const DAY_MS = 86_400_000;

export interface TimeRange {
  startMs: number;
  endMs: number;
}

const UNIT_MS: Record<string, number> = { m: 60_000, h: HOUR_MS, d: DAY_MS, w: 7 * DAY_MS };

/** A duration like `30m`, `24h`, `7d`, `2w` in ms, or undefined if the text is not one. */
export function parseDuration(text: string): number | undefined {
  const m = /^(\d+(?:\.\d+)?)([mhdw])$/.exec(text.trim());
  if (m === null) return undefined;
  return Number(m[1]) * (UNIT_MS[m[2] ?? ""] ?? NaN);
}

/** An instant as OpenCost writes it (Go's time.RFC3339: whole seconds, UTC). */
export function rfc3339(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace(/\.\d{3}Z$/, "Z");
}

const startOfDay = (ms: number): number => Math.floor(ms / DAY_MS) * DAY_MS;

function startOfWeek(ms: number): number {
  const day = new Date(startOfDay(ms)).getUTCDay(); // Sunday = 0, as OpenCost's `week`
  return startOfDay(ms) - day * DAY_MS;
}

/** The UTC calendar month an instant falls in: [first day 00:00, first day of the next month). */
export function monthOf(ms: number): TimeRange {
  const d = new Date(ms);
  return { startMs: Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1), endMs: Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1) };
}

const startOfMonth = (ms: number): number => monthOf(ms).startMs;

function parseInstant(text: string): number | undefined {
  if (/^\d{9,11}$/.test(text)) return Number(text) * 1000;
  if (!/^\d{4}-\d{2}-\d{2}T/.test(text)) return undefined;
  const ms = Date.parse(text);
  return Number.isNaN(ms) ? undefined : ms;
}

/**
 * OpenCost's `window` values, in UTC: durations ending now (`24h`, `7d`), `today`, `yesterday`,
 * `week`, `lastweek`, `month`, `lastmonth`, and `start,end` pairs of RFC 3339 times or unix seconds.
 */
export function parseWindow(text: string | null, nowMs: number): TimeRange {
  if (text === null || text.trim() === "") throw new ParamError("window", "is required, e.g. window=24h, 7d, today, month or 2026-11-01T00:00:00Z,2026-11-08T00:00:00Z");
  // OpenCost's "<window> offset <duration>": the same window, that much earlier (e.g. 7d offset 48h).
  const offset = /^(.*\S)\s+offset\s+(\S+)$/.exec(text.trim());
  if (offset !== null) {
    const by = parseDuration(offset[2] ?? "");
    if (by === undefined) throw new ParamError("window", `cannot read the offset ${JSON.stringify(offset[2])}: use a duration such as 48h or 7d`);
    const base = parseWindow(offset[1] ?? "", nowMs - by);
    return base;
  }
  const w = text.trim();
  const duration = parseDuration(w);
  if (duration !== undefined) {
    if (duration <= 0) throw new ParamError("window", `must be longer than zero, got ${w}`);
    return { startMs: nowMs - duration, endMs: nowMs };
  }
  switch (w) {
    case "today":
      return { startMs: startOfDay(nowMs), endMs: nowMs };
    case "yesterday":
      return { startMs: startOfDay(nowMs) - DAY_MS, endMs: startOfDay(nowMs) };
    case "week":
      return { startMs: startOfWeek(nowMs), endMs: nowMs };
    case "lastweek":
      return { startMs: startOfWeek(nowMs) - 7 * DAY_MS, endMs: startOfWeek(nowMs) };
    case "month":
      return { startMs: startOfMonth(nowMs), endMs: nowMs };
    case "lastmonth":
      return { startMs: startOfMonth(startOfMonth(nowMs) - 1), endMs: startOfMonth(nowMs) };
  }
  const [a = "", b = "", ...rest] = w.split(",");
  const start = parseInstant(a.trim());
  const end = parseInstant(b.trim());
  if (rest.length > 0 || start === undefined || end === undefined) {
    throw new ParamError("window", `cannot read ${JSON.stringify(w)}: use a duration (24h, 7d), today, yesterday, week, lastweek, month, lastmonth, or start,end as RFC 3339 or unix seconds`);
  }
  if (end <= start) throw new ParamError("window", "end must be after start");
  return { startMs: start, endMs: Math.min(end, Math.max(nowMs, start + 1)) };
}

/** Splits a range into steps of `stepMs` (the last one may be shorter). */
export function steps(range: TimeRange, stepMs: number | undefined): TimeRange[] {
  if (stepMs === undefined || stepMs >= range.endMs - range.startMs) return [range];
  const out: TimeRange[] = [];
  for (let t = range.startMs; t < range.endMs; t += stepMs) out.push({ startMs: t, endMs: Math.min(range.endMs, t + stepMs) });
  return out;
}
