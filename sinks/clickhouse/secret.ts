import { readFileSync } from "node:fs";
import { ConfigError } from "../../config/errors.ts";

/** Reads a secret named by an environment variable or a file; never from the config itself. */
export function readSecret(key: string, env: string | undefined, file: string | undefined): string | undefined {
  if (env !== undefined) {
    const value = process.env[env];
    if (value === undefined) throw new ConfigError(key, `environment variable ${env} is not set`);
    return value;
  }
  if (file !== undefined) {
    try {
      return readFileSync(file, "utf8").trim();
    } catch (cause) {
      throw new ConfigError(key, `cannot read ${file}`, { cause });
    }
  }
  return undefined;
}
