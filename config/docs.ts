import type * as core from "zod/v4/core";
import * as z from "../model/zod.ts";
import { envName } from "./env.ts";
import { objectShape, unwrap } from "./introspect.ts";
import { validateConfig } from "./load.ts";
import { configSchema } from "./schema.ts";

interface KeyDoc {
  path: string[];
  type: string;
  defaultValue: unknown;
  description: string;
}

function typeName(schema: core.$ZodType): string {
  const def = (unwrap(schema) as unknown as { _zod: { def: { type: string; entries?: Record<string, string>; element?: core.$ZodType } } })._zod.def;
  if (def.type === "enum" && def.entries !== undefined) return Object.values(def.entries).join(" \\| ");
  if (def.type === "array" && def.element !== undefined) return `list of ${typeName(def.element)}`;
  if (def.type === "record") return "map";
  return def.type;
}

function walk(schema: core.$ZodType, path: string[], defaults: unknown, out: KeyDoc[]): void {
  const shape = objectShape(schema);
  if (shape === undefined) {
    out.push({ path, type: typeName(schema), defaultValue: defaults, description: z.globalRegistry.get(schema)?.description ?? "" });
    return;
  }
  for (const [key, child] of Object.entries(shape)) {
    walk(child, [...path, key], (defaults as Record<string, unknown> | undefined)?.[key], out);
  }
}

/** Every key under a config section (e.g. ["agent"]), with type, default and description. */
export function sectionKeys(section: readonly string[]): KeyDoc[] {
  let schema: core.$ZodType = configSchema;
  let defaults: unknown = validateConfig({});
  for (const key of section) {
    const child = objectShape(schema)?.[key];
    if (child === undefined) throw new Error(`no config section ${section.join(".")}`);
    schema = child;
    defaults = (defaults as Record<string, unknown>)[key];
  }
  const out: KeyDoc[] = [];
  walk(schema, [...section], defaults, out);
  return out;
}

const show = (v: unknown): string => (v === undefined ? "—" : `\`${JSON.stringify(v)}\``);

/** A Markdown table of a section's keys: key, type, default, environment variable, meaning. */
export function sectionTable(section: readonly string[]): string {
  const rows = sectionKeys(section).map((k) => `| \`${k.path.join(".")}\` | ${k.type} | ${show(k.defaultValue)} | \`${envName(k.path)}\` | ${k.description} |`);
  return ["| key | type | default | environment | meaning |", "|---|---|---|---|---|", ...rows].join("\n");
}

const MARKER = /<!-- config:([\w.,]+) -->[\s\S]*?<!-- \/config -->/g;

/** Rewrites every `<!-- config:a.b,c -->…<!-- /config -->` block of a Markdown text from the schema. */
export function renderConfigBlocks(markdown: string): string {
  return markdown.replace(MARKER, (_, sections: string) => {
    const tables = sections.split(",").map((section) => sectionTable(section.split(".")));
    return `<!-- config:${sections} -->\n${tables.join("\n\n")}\n<!-- /config -->`;
  });
}
