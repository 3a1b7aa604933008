import { parse as parseYaml } from "yaml";
import type * as core from "zod/v4/core";
import { ConfigError } from "./errors.ts";
import { closest, leafPaths, objectShape } from "./introspect.ts";

export const ENV_PREFIX = "KCE_";

/** KCE_* variables that are not config overrides: tooling switches read elsewhere. */
export const NON_CONFIG_VARIABLES: ReadonlySet<string> = new Set(["KCE_DEBUG", "KCE_NATS_SERVER_BIN", "KCE_TEST_LOG", "KCE_CONFORMANCE_EVENTS", "KCE_API_URL", "KCE_API_TOKEN"]);

/** `intervalSeconds` → `INTERVAL_SECONDS`. */
function screamingSnake(key: string): string {
  return key.replace(/([a-z0-9])([A-Z])/g, "$1_$2").replace(/[^A-Za-z0-9]/g, "_").toUpperCase();
}

/** The environment variable that overrides a config key path, e.g. `KCE_AGENT__INTERVAL_SECONDS`. */
export function envName(path: readonly string[]): string {
  return ENV_PREFIX + path.map(screamingSnake).join("__");
}

function resolvePath(schema: core.$ZodType, segments: string[], variable: string): string[] {
  const path: string[] = [];
  let current: core.$ZodType = schema;
  for (const segment of segments) {
    const shape = objectShape(current);
    if (shape === undefined) {
      throw new ConfigError(path.join("."), `${variable}: ${path.join(".")} takes a whole YAML value; it has no sub-keys`);
    }
    const key = Object.keys(shape).find((k) => screamingSnake(k) === segment);
    if (key === undefined) {
      const names = leafPaths(schema).map((p) => envName(p));
      const hint = closest(variable, names);
      throw new ConfigError(
        [...path, segment.toLowerCase()].join("."),
        `unknown environment override ${variable}${hint === undefined ? "" : ` (did you mean ${hint}?)`}`,
      );
    }
    path.push(key);
    current = shape[key] as core.$ZodType;
  }
  return path;
}

function setPath(target: Record<string, unknown>, path: readonly string[], value: unknown): void {
  let node = target;
  for (const key of path.slice(0, -1)) {
    const child = node[key];
    if (typeof child !== "object" || child === null || Array.isArray(child)) node[key] = {};
    node = node[key] as Record<string, unknown>;
  }
  const last = path[path.length - 1];
  if (last !== undefined) node[last] = value;
}

/**
 * Applies `KCE_*` environment overrides onto the raw (not yet validated) config object.
 * Values are read as YAML scalars, so `10` is a number and `[a, b]` a list.
 * An override that names no key is an error, not silently ignored.
 */
export function applyEnvOverrides(
  raw: Record<string, unknown>,
  schema: core.$ZodType,
  env: NodeJS.ProcessEnv,
): Record<string, unknown> {
  const result = structuredClone(raw);
  for (const [variable, text] of Object.entries(env)) {
    if (!variable.startsWith(ENV_PREFIX) || text === undefined || NON_CONFIG_VARIABLES.has(variable)) continue;
    const segments = variable.slice(ENV_PREFIX.length).split("__");
    const path = resolvePath(schema, segments, variable);
    let value: unknown;
    try {
      value = parseYaml(text);
    } catch (cause) {
      throw new ConfigError(path.join("."), `${variable} is not a valid YAML value`, { cause });
    }
    setPath(result, path, value);
  }
  return result;
}
