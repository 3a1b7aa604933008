import type { CostRollup, PricedSnapshot, SavingsReport, UsageSnapshot } from "../model/events.ts";
import { EventCodec } from "./codec.ts";
import { loadSchemaFile, SchemaRegistry } from "./registry.ts";

/** The codecs of the four event types, sharing one registry. */
export interface Codecs {
  registry: SchemaRegistry;
  usage: EventCodec<UsageSnapshot>;
  priced: EventCodec<PricedSnapshot>;
  rollup: EventCodec<CostRollup>;
  savings: EventCodec<SavingsReport>;
}

/** Builds the codecs; pass a registry backed by the shared KV bucket in running stages. */
export function createCodecs(registry: SchemaRegistry = new SchemaRegistry()): Codecs {
  return {
    registry,
    usage: new EventCodec<UsageSnapshot>(loadSchemaFile("UsageSnapshot.avsc"), registry),
    priced: new EventCodec<PricedSnapshot>(loadSchemaFile("PricedSnapshot.avsc"), registry),
    rollup: new EventCodec<CostRollup>(loadSchemaFile("CostRollup.avsc"), registry),
    savings: new EventCodec<SavingsReport>(loadSchemaFile("SavingsReport.avsc"), registry),
  };
}
