import type * as core from "zod/v4/core";

/** Minimal view of zod's internal definition that the config tools need. */
interface ZodDef {
  type: string;
  innerType?: core.$ZodType;
  shape?: Record<string, core.$ZodType>;
}

function defOf(schema: core.$ZodType): ZodDef {
  return (schema as unknown as { _zod: { def: ZodDef } })._zod.def;
}

/** Strips default/prefault/optional wrappers to reach the schema that describes the value. */
export function unwrap(schema: core.$ZodType): core.$ZodType {
  let current = schema;
  for (;;) {
    const def = defOf(current);
    if (def.innerType === undefined) return current;
    current = def.innerType;
  }
}

/** The keys of an object schema, or undefined when the schema is not an object. */
export function objectShape(schema: core.$ZodType): Record<string, core.$ZodType> | undefined {
  const def = defOf(unwrap(schema));
  return def.type === "object" ? def.shape : undefined;
}

/** Every leaf key path of the schema (objects are walked; records and arrays are leaves). */
export function leafPaths(schema: core.$ZodType, prefix: string[] = []): string[][] {
  const shape = objectShape(schema);
  if (shape === undefined) return [prefix];
  return Object.entries(shape).flatMap(([key, child]) => leafPaths(child, [...prefix, key]));
}

/** Levenshtein distance, for "did you mean" hints. */
export function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let diagonal = row[0] ?? 0;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = row[j] ?? 0;
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      row[j] = Math.min(above + 1, (row[j - 1] ?? 0) + 1, diagonal + cost);
      diagonal = above;
    }
  }
  return row[b.length] ?? 0;
}

/** The closest candidate to `word`, if it is close enough to be a plausible typo. */
export function closest(word: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Math.max(2, Math.floor(word.length / 3)) + 1;
  for (const candidate of candidates) {
    const d = editDistance(word.toLowerCase(), candidate.toLowerCase());
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  return best;
}
