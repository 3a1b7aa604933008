import { readFileSync, readdirSync } from "node:fs";
import avro from "avsc";
import type { KV } from "@nats-io/kv";
import { UnknownSchemaError } from "./errors.ts";
import { packagePath } from "../model/paths.ts";

export type AvroType = avro.Type;

/** Fingerprint of a schema's canonical form: SHA-256, first 16 hex digits. */
export function fingerprintOf(type: AvroType): string {
  return type.fingerprint("sha256").toString("hex").slice(0, 16);
}

const SCHEMA_DIR = packagePath("schemas") + "/";

/** Parses one `.avsc` file of the repository's `schemas/` folder (or a sub-folder of it). */
export function loadSchemaFile(relativePath: string): AvroType {
  const text = readFileSync(SCHEMA_DIR + relativePath, "utf8");
  return avro.Type.forSchema(JSON.parse(text) as avro.Schema);
}

/**
 * Knows writer schemas by fingerprint: every schema shipped in `schemas/` (current and
 * `history/`), plus any a newer writer registered in the JetStream KV bucket, so a reader can
 * decode events from writers it has never seen (rolling upgrades in either direction).
 */
export class SchemaRegistry {
  private readonly known = new Map<string, AvroType>();
  private readonly remote: KV | undefined;

  constructor(remote?: KV) {
    this.remote = remote;
    for (const file of shippedSchemaFiles()) this.add(loadSchemaFile(file));
  }

  /** Adds a schema locally; returns its fingerprint. */
  add(type: AvroType): string {
    const fp = fingerprintOf(type);
    this.known.set(fp, type);
    return fp;
  }

  /** Adds a schema and publishes it to the shared bucket so other readers can resolve it. */
  async publish(type: AvroType): Promise<string> {
    const fp = this.add(type);
    if (this.remote !== undefined) await this.remote.put(fp, JSON.stringify(type.schema()));
    return fp;
  }

  /** The writer schema of a fingerprint, from the shipped set or the shared bucket. */
  async lookup(fp: string): Promise<AvroType> {
    const local = this.known.get(fp);
    if (local !== undefined) return local;
    if (this.remote !== undefined && /^[0-9a-f]{16}$/.test(fp)) {
      const entry = await this.remote.get(fp);
      if (entry !== null && entry.operation === "PUT") {
        return this.known.get(this.add(avro.Type.forSchema(JSON.parse(entry.string()) as avro.Schema))) as AvroType;
      }
    }
    throw new UnknownSchemaError(`fingerprint ${fp} is neither shipped nor registered`);
  }
}

function shippedSchemaFiles(): string[] {
  const top = readdirSync(SCHEMA_DIR).filter((f) => f.endsWith(".avsc"));
  let history: string[] = [];
  try {
    history = readdirSync(SCHEMA_DIR + "history").filter((f) => f.endsWith(".avsc")).map((f) => `history/${f}`);
  } catch {
    history = [];
  }
  return [...top, ...history];
}
