import { useState } from "preact/hooks";

const PRESETS: Array<[string, string]> = [
  ["1h", "Last hour"],
  ["24h", "Last 24 hours"],
  ["today", "Today"],
  ["yesterday", "Yesterday"],
  ["7d", "Last 7 days"],
  ["week", "This week"],
  ["30d", "Last 30 days"],
  ["month", "This month"],
  ["lastmonth", "Last month"],
];

const isCustom = (w: string): boolean => w.includes(",");

/** `2026-11-03T00:00:00Z` → the value of a datetime-local input (UTC). */
const toInput = (iso: string): string => iso.replace(/Z$/, "").slice(0, 16);

/** Window presets, or a custom UTC range (`start,end` as the API reads it). */
export function WindowPicker(props: { value: string; onChange: (w: string) => void }) {
  const [custom, setCustom] = useState(isCustom(props.value));
  const [from, to] = isCustom(props.value) ? props.value.split(",") : ["", ""];
  const [start, setStart] = useState(toInput(from ?? ""));
  const [end, setEnd] = useState(toInput(to ?? ""));
  const known = PRESETS.some(([v]) => v === props.value);
  return (
    <span class="window-picker">
      <label>
        Window{" "}
        <select
          id="window"
          value={custom ? "custom" : props.value}
          onChange={(e) => {
            const v = e.currentTarget.value;
            if (v === "custom") return setCustom(true);
            setCustom(false);
            props.onChange(v);
          }}
        >
          {PRESETS.map(([v, label]) => (
            <option key={v} value={v}>
              {label}
            </option>
          ))}
          {!known && !isCustom(props.value) ? <option value={props.value}>{props.value}</option> : null}
          <option value="custom">Custom range (UTC)…</option>
        </select>
      </label>
      {custom ? (
        <span class="custom-range">
          <input id="window-start" type="datetime-local" value={start} onInput={(e) => setStart(e.currentTarget.value)} aria-label="start (UTC)" />
          {" – "}
          <input id="window-end" type="datetime-local" value={end} onInput={(e) => setEnd(e.currentTarget.value)} aria-label="end (UTC)" />
          <button type="button" disabled={start === "" || end === ""} onClick={() => props.onChange(`${start}:00Z,${end}:00Z`)}>
            Set
          </button>
        </span>
      ) : null}
    </span>
  );
}
