import { readFileSync } from "node:fs";
import { parse as parseYaml } from "yaml";
import type * as core from "zod/v4/core";
import * as z from "../model/zod.ts";
import { applyEnvOverrides } from "./env.ts";
import { ConfigError, ConfigFileError } from "./errors.ts";
import { closest, objectShape } from "./introspect.ts";
import { configSchema, type Config } from "./schema.ts";

function keysAt(path: readonly PropertyKey[]): string[] {
  let current: core.$ZodType | undefined = configSchema;
  for (const key of path) {
    const shape: Record<string, core.$ZodType> | undefined = current === undefined ? undefined : objectShape(current);
    current = shape?.[String(key)];
  }
  const shape = current === undefined ? undefined : objectShape(current);
  return shape === undefined ? [] : Object.keys(shape);
}

function describeIssue(issue: core.$ZodIssue): ConfigError {
  const where = issue.path.map(String).join(".");
  if (issue.code === "unrecognized_keys") {
    const key = issue.keys[0] ?? "";
    const full = where === "" ? key : `${where}.${key}`;
    const hint = closest(key, keysAt(issue.path));
    return new ConfigError(full, `unknown key${hint === undefined ? "" : ` (did you mean ${hint}?)`}`);
  }
  return new ConfigError(where, issue.message);
}

/** Checks that need several keys at once. */
function crossCheck(config: Config): Config {
  config.budgets.forEach((rule, i) => {
    for (const key of Object.keys(rule.labels ?? {})) {
      if (!config.rollup.labelKeys.includes(key)) {
        throw new ConfigError(`budgets.${i}.labels.${key}`, `budgets can only scope by labels the rollup keeps; add "${key}" to rollup.labelKeys`);
      }
    }
  });
  if (config.pricing.provider === "custom" && config.pricing.customFile === undefined) throw new ConfigError("pricing.customFile", "is required when pricing.provider is custom");
  if (config.reconcile.enabled && config.reconcile.billsDir === "") throw new ConfigError("reconcile.billsDir", "is required when reconcile.enabled is true");
  if (config.export.focus.enabled && config.export.focus.dir === "" && !config.export.focus.clickhouse) throw new ConfigError("export.focus.dir", "is required when export.focus.enabled is true (or set export.focus.clickhouse)");
  return config;
}

/** Validates a raw config object; throws a ConfigError naming the first offending key. */
export function validateConfig(raw: unknown): Config {
  const result = z.safeParse(configSchema, raw ?? {});
  if (result.success) return crossCheck(result.data);
  const first = result.error.issues[0];
  if (first === undefined) throw new ConfigError("", "invalid configuration");
  const error = describeIssue(first);
  const more = result.error.issues.length - 1;
  if (more > 0) error.message += ` (and ${more} more problem${more === 1 ? "" : "s"})`;
  throw error;
}

function readYamlFile(path: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (cause) {
    throw new ConfigFileError(path, "cannot be read", { cause });
  }
  let parsed: unknown;
  try {
    parsed = parseYaml(text);
  } catch (cause) {
    throw new ConfigFileError(path, `is not valid YAML: ${(cause as Error).message}`, { cause });
  }
  if (parsed === null || parsed === undefined) return {};
  if (typeof parsed !== "object" || Array.isArray(parsed)) throw new ConfigFileError(path, "must hold a YAML mapping");
  return parsed as Record<string, unknown>;
}

export interface LoadOptions {
  /** Path of the YAML file; without it only defaults and the environment apply. */
  file?: string | undefined;
  env?: NodeJS.ProcessEnv;
  /** Values set by the command line, applied over the file and the environment. */
  overrides?: Record<string, unknown>;
}

/** Loads file → env overrides → command-line overrides, then validates strictly. */
export function loadConfig(options: LoadOptions = {}): Config {
  const fromFile = options.file === undefined ? {} : readYamlFile(options.file);
  const withEnv = applyEnvOverrides(fromFile, configSchema, options.env ?? process.env);
  return validateConfig(deepMerge(withEnv, options.overrides ?? {}));
}

/** Merges plain objects recursively; arrays and scalars of `b` replace those of `a`. */
export function deepMerge(a: Record<string, unknown>, b: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...a };
  for (const [key, value] of Object.entries(b)) {
    const prev = out[key];
    const bothObjects =
      typeof prev === "object" && prev !== null && !Array.isArray(prev) &&
      typeof value === "object" && value !== null && !Array.isArray(value);
    out[key] = bothObjects ? deepMerge(prev as Record<string, unknown>, value as Record<string, unknown>) : value;
  }
  return out;
}
