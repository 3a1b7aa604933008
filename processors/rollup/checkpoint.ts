import { gunzipSync, gzipSync } from "node:zlib";
import type { ObjectStore } from "@nats-io/obj";
import type { EngineJson } from "./engine.ts";

/** Text per gzip member of a checkpoint written in pieces. */
const MEMBER_CHARS = 4 * 2 ** 20;

/** The checkpoint could not be read back (corrupt or from an incompatible version). */
export class CheckpointError extends Error {
  override readonly name = "CheckpointError";
}

/**
 * A stage's state in a JetStream object store (gzip'd JSON with a `version`). An object store rather
 * than a KV value because state grows with pods and windows past the 1 MiB message limit; the object's
 * metadata is written last, so a reader sees the previous checkpoint or the new one, never half of one.
 */
export class CheckpointStore<T extends { version: number } = EngineJson> {
  private readonly store: ObjectStore;
  private readonly name: string;
  private readonly what: string;
  private readonly version: number;

  constructor(store: ObjectStore, name: string, what = "rollup", version = 1) {
    this.store = store;
    this.name = name;
    this.what = what;
    this.version = version;
  }

  async save(state: T): Promise<number> {
    return this.saveText([JSON.stringify(state)]);
  }

  /**
   * Saves a document given as JSON text in pieces: each ~4 MB of text becomes its own gzip member (a gzip stream may
   * hold several; gunzip reads them as one), so neither the text nor its compressed form is ever held whole as text.
   * The pieces are read synchronously, before the first await.
   */
  async saveText(pieces: Iterable<string>): Promise<number> {
    const data = gzipMembers(pieces);
    await this.store.putBlob({ name: this.name }, data);
    return data.byteLength;
  }

  async load(): Promise<T | undefined> {
    const data = await this.store.getBlob(this.name);
    if (data === null) return undefined;
    let json: unknown;
    try {
      json = JSON.parse(gunzipSync(data).toString("utf8"));
    } catch (cause) {
      throw new CheckpointError(`${this.what} checkpoint ${this.name} is corrupt`, { cause });
    }
    if (typeof json !== "object" || json === null || (json as { version?: unknown }).version !== this.version) {
      throw new CheckpointError(`${this.what} checkpoint ${this.name} has an unknown version; delete it to rebuild from the stream`);
    }
    return json as T;
  }
}

/** JSON text given in pieces, compressed ~4 MB of text at a time, each its own gzip member (gunzip reads them as one stream). */
export function gzipMembers(pieces: Iterable<string>): Buffer {
  const members: Buffer[] = [];
  let text: string[] = [];
  let length = 0;
  const compress = () => {
    // Level 1: checkpoints are frequent and short-lived; speed matters more than size.
    if (length > 0) members.push(gzipSync(text.join(""), { level: 1 }));
    text = [];
    length = 0;
  };
  for (const piece of pieces) {
    text.push(piece);
    length += piece.length;
    if (length >= MEMBER_CHARS) compress();
  }
  compress();
  return Buffer.concat(members);
}
