import { jetstream, jetstreamManager, type JetStreamClient, type JetStreamManager } from "@nats-io/jetstream";
import { Kvm } from "@nats-io/kv";
import type { NatsConnection } from "@nats-io/transport-node";
import { createCodecs, type Codecs } from "../codec/events.ts";
import { SchemaRegistry } from "../codec/registry.ts";
import type { Config } from "../config/schema.ts";
import type { Logger } from "../telemetry/log.ts";
import type { Telemetry } from "../telemetry/metrics.ts";
import { connectNats } from "./connect.ts";
import { Publisher } from "./publisher.ts";
import { streamLayout, type StreamLayout } from "./layout.ts";
import { ensureStreams } from "./streams.ts";

export const SCHEMA_BUCKET = "KCE_SCHEMAS";

/** Everything a stage needs to talk to the bus; one per process, shared by its stages. */
export interface Runtime {
  config: Config;
  nc: NatsConnection;
  js: JetStreamClient;
  jsm: JetStreamManager;
  publisher: Publisher;
  /** Which stream to read each logical stream from, and the hub's source attribution. */
  layout: StreamLayout;
  codecs: Codecs;
  telemetry: Telemetry;
  log: Logger;
  close(): Promise<void>;
}

/**
 * Connects, provisions the streams and the schema bucket, and publishes this build's writer
 * schemas so readers of any version can resolve them.
 */
export async function openRuntime(config: Config, name: string, telemetry: Telemetry, log: Logger): Promise<Runtime> {
  const nc = await connectNats(config.nats, name, log);
  try {
    const jsm = await jetstreamManager(nc);
    await ensureStreams(jsm, config);
    const kv = await new Kvm(nc).create(SCHEMA_BUCKET, { replicas: config.streams.replicas, history: 1 });
    const codecs = createCodecs(new SchemaRegistry(kv));
    for (const codec of [codecs.usage, codecs.priced, codecs.rollup, codecs.savings, codecs.alert]) {
      await codecs.registry.publish(codec.type);
    }
    const js = jetstream(nc);
    return {
      config,
      nc,
      js,
      jsm,
      publisher: new Publisher(js, config.nats.publishTimeoutMs),
      layout: streamLayout(config.federation, config.cluster),
      codecs,
      telemetry,
      log,
      close: async () => {
        if (!nc.isClosed()) await nc.drain();
      },
    };
  } catch (error) {
    await nc.close();
    throw error;
  }
}
