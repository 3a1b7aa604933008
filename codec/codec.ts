import { headers as makeHeaders, type MsgHdrs } from "@nats-io/transport-node";
import type avro from "avsc";
import { DecodeError, UnknownSchemaError } from "./errors.ts";
import { fingerprintOf, type AvroType, type SchemaRegistry } from "./registry.ts";

/** Header naming the writer schema: `<full name>@<fingerprint>`. */
export const SCHEMA_HEADER = "Kce-Schema";
export const CONTENT_TYPE = "avro/binary";

/** One scratch buffer for every codec of the process (encoding is synchronous). */
const scratch = { buffer: Buffer.allocUnsafeSlow(64 * 1024) };

export interface Encoded {
  data: Uint8Array;
  headers: MsgHdrs;
}

/**
 * Encodes values of one record type with its current schema and decodes any compatible writer
 * version into it (Avro schema resolution: added fields with defaults, removed fields, promotions).
 */
export class EventCodec<T> {
  readonly type: AvroType;
  readonly fingerprint: string;
  readonly schemaName: string;
  private readonly registry: SchemaRegistry;
  private readonly resolvers = new Map<string, avro.Resolver>();

  constructor(type: AvroType, registry: SchemaRegistry) {
    this.type = type;
    this.registry = registry;
    this.fingerprint = registry.add(type);
    this.schemaName = type.name ?? "anonymous";
  }

  /** Serialises a value; throws when it does not match the schema (a programming error). */
  encode(value: T, extra?: Record<string, string>): Encoded {
    const data = this.serialize(value);
    const headers = makeHeaders();
    headers.set(SCHEMA_HEADER, `${this.schemaName}@${this.fingerprint}`);
    headers.set("Content-Type", CONTENT_TYPE);
    for (const [key, v] of Object.entries(extra ?? {})) headers.set(key, v);
    return { data, headers };
  }

  /**
   * The value's bytes, written once into a scratch buffer that grows to the largest value seen, then copied out.
   * (avsc's toBuffer writes into a 1 KB buffer and, for anything larger — every snapshot and rollup part — writes the
   * whole value a second time: priced snapshots took twice as long to encode.)
   */
  private serialize(value: T): Buffer {
    let written = this.type.encode(value, scratch.buffer, 0);
    if (written < 0) {
      scratch.buffer = Buffer.allocUnsafeSlow(Math.max(scratch.buffer.length * 2, scratch.buffer.length - written));
      written = this.type.encode(value, scratch.buffer, 0);
    }
    const out = Buffer.allocUnsafe(written);
    scratch.buffer.copy(out, 0, 0, written);
    return out;
  }

  /** Decodes a message; throws UnknownSchemaError or DecodeError (both poison) on bad input. */
  async decode(data: Uint8Array, headers: MsgHdrs | undefined): Promise<T> {
    const tag = headers?.get(SCHEMA_HEADER) ?? "";
    const at = tag.lastIndexOf("@");
    if (at < 0) throw new UnknownSchemaError(`missing ${SCHEMA_HEADER} header`);
    const name = tag.slice(0, at);
    const fp = tag.slice(at + 1);
    if (name !== this.schemaName) throw new UnknownSchemaError(`expected ${this.schemaName}, got ${name}`);
    const buffer = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
    try {
      if (fp === this.fingerprint) return this.type.fromBuffer(buffer) as T;
      return this.type.fromBuffer(buffer, await this.resolverFor(fp)) as T;
    } catch (cause) {
      if (cause instanceof UnknownSchemaError) throw cause;
      throw new DecodeError(`${name}@${fp}`, { cause });
    }
  }

  private async resolverFor(fp: string): Promise<avro.Resolver> {
    const cached = this.resolvers.get(fp);
    if (cached !== undefined) return cached;
    const writer = await this.registry.lookup(fp);
    const resolver = this.type.createResolver(writer);
    this.resolvers.set(fp, resolver);
    return resolver;
  }
}

export { fingerprintOf };
