import { randomBytes } from "node:crypto";
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parse, stringify } from "yaml";
import { completeSecrets, renderFederation } from "./render.ts";
import { federationSpecSchema, type FederationSecrets, type FederationSpec } from "./spec.ts";

/** The federation spec file cannot be read or is invalid; the message names the file and the key. */
export class FederationSpecError extends Error {
  override readonly name = "FederationSpecError";
}

export const SECRETS_FILE = "secrets.yaml";

function readYaml(path: string, what: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (cause) {
    throw new FederationSpecError(`${what} ${path} cannot be read: ${(cause as Error).message}`, { cause });
  }
  try {
    return parse(text);
  } catch (cause) {
    throw new FederationSpecError(`${what} ${path} is not valid YAML: ${(cause as Error).message}`, { cause });
  }
}

export function parseFederationSpec(raw: unknown, source: string): FederationSpec {
  const result = federationSpecSchema.safeParse(raw ?? {});
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const where = issue?.path.map(String).join(".") ?? "";
  const keys = issue?.code === "unrecognized_keys" ? `: unknown key ${issue.keys.join(", ")}` : `: ${issue?.message ?? "invalid"}`;
  throw new FederationSpecError(`${source}: ${where === "" ? "(top level)" : where}${keys}`);
}

export function loadFederationSpec(path: string): FederationSpec {
  return parseFederationSpec(readYaml(path, "federation spec"), path);
}

const newSecret = (): string => randomBytes(18).toString("base64url");

/**
 * Renders into `outDir`, reusing the passwords of an earlier render there (so re-rendering after
 * adding a cluster keeps every existing link working). Files are written owner-only.
 */
export function renderToDirectory(spec: FederationSpec, outDir: string): string[] {
  mkdirSync(outDir, { recursive: true });
  const secretsPath = join(outDir, SECRETS_FILE);
  const previous = existsSync(secretsPath) ? (readYaml(secretsPath, "secrets file") as Partial<FederationSecrets> | null) : undefined;
  const secrets = completeSecrets(spec, previous ?? undefined, newSecret);
  const { files } = renderFederation(spec, secrets);
  const written: string[] = [];
  for (const [name, content] of Object.entries({ ...files, [SECRETS_FILE]: stringify(secrets) })) {
    const path = join(outDir, name);
    writeFileSync(path, content, { mode: 0o600 });
    chmodSync(path, 0o600);
    written.push(path);
  }
  return written;
}
