import { PoisonMessageError } from "../bus/errors.ts";

/** The message has no schema header, or names a schema this reader cannot find. */
export class UnknownSchemaError extends PoisonMessageError {
  override readonly name = "UnknownSchemaError";
  constructor(detail: string) {
    super("unknown_schema", `cannot find the writer schema: ${detail}`);
  }
}

/** The bytes do not decode with the writer schema, or the writer cannot be resolved to the reader. */
export class DecodeError extends PoisonMessageError {
  override readonly name = "DecodeError";
  constructor(schema: string, options?: { cause?: unknown }) {
    const reason = options?.cause instanceof Error ? `: ${options.cause.message}` : "";
    super("decode", `payload does not decode as ${schema}${reason}`, options);
  }
}
