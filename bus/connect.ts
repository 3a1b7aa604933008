import { readFileSync } from "node:fs";
import { connect, credsAuthenticator, nkeyAuthenticator, type NatsConnection, type NodeConnectionOptions } from "@nats-io/transport-node";
import type { Config } from "../config/schema.ts";
import type { Logger } from "../telemetry/log.ts";
import { NatsConnectError } from "./errors.ts";

/** Builds client options from the `nats` config section. */
export function connectionOptions(cfg: Config["nats"], name: string): NodeConnectionOptions {
  const options: NodeConnectionOptions = {
    servers: cfg.servers,
    name: cfg.name ?? name,
    timeout: cfg.connectTimeoutMs,
    reconnect: true,
    maxReconnectAttempts: cfg.maxReconnectAttempts,
    reconnectTimeWait: cfg.reconnectTimeWaitMs,
    pingInterval: 20_000,
  };
  if (cfg.user !== undefined) options.user = cfg.user;
  if (cfg.pass !== undefined) options.pass = cfg.pass;
  if (cfg.token !== undefined) options.token = cfg.token;
  if (cfg.credsFile !== undefined) {
    const file = cfg.credsFile;
    options.authenticator = credsAuthenticator(() => readFileSync(file));
  } else if (cfg.nkeySeedFile !== undefined) {
    const file = cfg.nkeySeedFile;
    options.authenticator = nkeyAuthenticator(() => new TextEncoder().encode(readFileSync(file, "utf8").trim()));
  }
  if (cfg.tls !== undefined) {
    const tls = cfg.tls;
    options.tls = { ...(tls.caFile === undefined ? {} : { caFile: tls.caFile }), ...(tls.certFile === undefined ? {} : { certFile: tls.certFile }), ...(tls.keyFile === undefined ? {} : { keyFile: tls.keyFile }) };
  }
  return options;
}

/**
 * Connects with automatic reconnection and logs connection state changes.
 * Throws NatsConnectError (naming the servers) when the first connection fails.
 */
export async function connectNats(cfg: Config["nats"], name: string, log: Logger): Promise<NatsConnection> {
  let nc: NatsConnection;
  try {
    nc = await connect(connectionOptions(cfg, name));
  } catch (cause) {
    throw new NatsConnectError(cfg.servers, { cause });
  }
  void (async () => {
    for await (const status of nc.status()) {
      if (status.type === "disconnect") log.warn("nats disconnected", { server: status.server });
      else if (status.type === "reconnect") log.info("nats reconnected", { server: status.server });
      else if (status.type === "error") log.error("nats error", { error: status.error });
    }
  })();
  return nc;
}
