import type { KubeObject } from "./objects.ts";

/** Raised for a selector the API would reject (HTTP 400). */
export class SelectorError extends Error {
  override readonly name = "SelectorError";
}

export type Predicate = (o: KubeObject) => boolean;

const FIELDS: Record<string, (o: KubeObject) => string | undefined> = {
  "metadata.name": (o) => o.metadata.name,
  "metadata.namespace": (o) => o.metadata.namespace,
  "spec.nodeName": (o) => o.spec?.["nodeName"] as string | undefined,
  "status.phase": (o) => o.status?.["phase"] as string | undefined,
};

/** Parses a fieldSelector (`a=b`, `a==b`, `a!=b`, comma-separated) over the supported fields. */
export function parseFieldSelector(text: string | null): Predicate {
  if (text === null || text.trim() === "") return () => true;
  const terms = text.split(",").map((term) => {
    const m = /^([^!=]+)(==|=|!=)(.*)$/.exec(term.trim());
    if (m === null) throw new SelectorError(`invalid field selector term ${JSON.stringify(term)}`);
    const [, field = "", op, value = ""] = m;
    const read = FIELDS[field];
    if (read === undefined) throw new SelectorError(`field label not supported: ${field}`);
    return (o: KubeObject) => ((read(o) ?? "") === value) === (op !== "!=");
  });
  return (o) => terms.every((t) => t(o));
}

function splitTerms(text: string): string[] {
  const terms: string[] = [];
  let depth = 0;
  let current = "";
  for (const ch of text) {
    if (ch === "(") depth += 1;
    if (ch === ")") depth -= 1;
    if (ch === "," && depth === 0) {
      terms.push(current);
      current = "";
    } else current += ch;
  }
  if (current.trim() !== "") terms.push(current);
  return terms.map((t) => t.trim());
}

/** Parses a labelSelector: `k=v`, `k==v`, `k!=v`, `k`, `!k`, `k in (a,b)`, `k notin (a,b)`. */
export function parseLabelSelector(text: string | null): Predicate {
  if (text === null || text.trim() === "") return () => true;
  const terms = splitTerms(text).map((term): Predicate => {
    const labels = (o: KubeObject) => o.metadata.labels ?? {};
    let m = /^([\w./-]+)\s+(in|notin)\s+\(([^)]*)\)$/.exec(term);
    if (m !== null) {
      const [, k = "", op, list = ""] = m;
      const values = new Set(list.split(",").map((v) => v.trim()));
      return (o) => {
        const v = labels(o)[k];
        return op === "in" ? v !== undefined && values.has(v) : v === undefined || !values.has(v);
      };
    }
    m = /^([\w./-]+)\s*(==|=|!=)\s*([\w./-]*)$/.exec(term);
    if (m !== null) {
      const [, k = "", op, value = ""] = m;
      return (o) => (labels(o)[k] === value) === (op !== "!=");
    }
    m = /^(!?)([\w./-]+)$/.exec(term);
    if (m !== null) {
      const [, not, k = ""] = m;
      return (o) => (k in labels(o)) === (not !== "!");
    }
    throw new SelectorError(`invalid label selector term ${JSON.stringify(term)}`);
  });
  return (o) => terms.every((t) => t(o));
}
