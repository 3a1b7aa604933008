import { ParamError } from "./errors.ts";

/** The properties a filter can test. */
export interface FilterTarget {
  cluster: string;
  node: string;
  namespace: string;
  controllerKind: string;
  controllerName: string;
  pod: string;
  labels: Record<string, string>;
}

export type Filter = (t: FilterTarget) => boolean;

/** A value as the filter language quotes it: in double quotes, `"` and `\` escaped. */
export function quoteValue(v: string): string {
  return `"${v.replace(/(["\\])/g, "\\$1")}"`;
}

const FIELDS: Record<string, (t: FilterTarget) => string> = {
  cluster: (t) => t.cluster,
  node: (t) => t.node,
  namespace: (t) => t.namespace,
  controllerKind: (t) => t.controllerKind,
  controllerName: (t) => t.controllerName,
  controller: (t) => t.controllerName,
  pod: (t) => t.pod,
};

/** Field names a filter may use (labels as `label[key]`). */
export const FILTER_FIELDS = [...Object.keys(FIELDS), "label[<key>]"];

function values(text: string): string[] {
  const out: string[] = [];
  const re = /"((?:[^"\\]|\\.)*)"/g;
  let rest = text.trim();
  for (;;) {
    re.lastIndex = 0;
    const m = re.exec(rest);
    if (m === null || m.index !== 0) throw new ParamError("filter", `expected a quoted value at ${JSON.stringify(rest)}`);
    out.push((m[1] ?? "").replace(/\\(.)/g, "$1"));
    rest = rest.slice(m[0].length).trim();
    if (rest === "") return out;
    if (!rest.startsWith(",")) throw new ParamError("filter", `expected , or + after a value at ${JSON.stringify(rest)}`);
    rest = rest.slice(1).trim();
  }
}

/**
 * OpenCost's filter language (v2), the common part: `field:"a","b"` (any of), `field!:"a"` (none of),
 * `label[team]:"payments"`, terms joined with `+` (and). A trailing `*` in a value matches a prefix.
 */
export function parseFilter(text: string | null): Filter {
  if (text === null || text.trim() === "") return () => true;
  const terms = text.split(/\+(?=\s*[A-Za-z])/).map((term) => {
    const m = /^\s*([A-Za-z]+)(?:\[([^\]]+)\])?\s*(!?:)\s*(.*)$/.exec(term);
    if (m === null) throw new ParamError("filter", `cannot read ${JSON.stringify(term.trim())}; expected field:"value" or label[key]:"value"`);
    const [, field = "", labelKey, op, rest = ""] = m;
    let read: ((t: FilterTarget) => string | undefined) | undefined;
    if (field === "label" && labelKey !== undefined) read = (t) => t.labels[labelKey];
    else read = FIELDS[field];
    if (read === undefined) throw new ParamError("filter", `unknown field ${field}; use one of ${FILTER_FIELDS.join(", ")}`);
    // Controller kinds compare without case: OpenCost writes "deployment", Kubernetes "Deployment".
    const fold = field === "controllerKind" ? (x: string) => x.toLowerCase() : (x: string) => x;
    const wanted = values(rest).map(fold);
    const matchOne = (raw: string | undefined) => {
      if (raw === undefined) return false;
      const v = fold(raw);
      return wanted.some((w) => (w.endsWith("*") ? v.startsWith(w.slice(0, -1)) : v === w));
    };
    const reader = read;
    return op === "!:" ? (t: FilterTarget) => !matchOne(reader(t)) : (t: FilterTarget) => matchOne(reader(t));
  });
  return (t) => terms.every((term) => term(t));
}
