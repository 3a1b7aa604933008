import { readFileSync } from "node:fs";
import { connect, credsAuthenticator, nkeyAuthenticator, type NatsConnection, type NodeConnectionOptions } from "@nats-io/transport-node";
import type { Config } from "../config/schema.ts";
import type { Logger } from "../telemetry/log.ts";
import { backoffMs } from "./backoff.ts";
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

/** Errors no retry can fix: credentials or TLS the server refuses. */
function permanent(error: unknown): boolean {
  const code = error instanceof Error ? (error as { code?: unknown }).code : undefined;
  const text = error instanceof Error ? `${error.name} ${error.message} ${typeof code === "string" || typeof code === "number" ? String(code) : ""}` : String(error);
  return /authori[sz]ation|authentication|permissions|certificate|tls|ssl/i.test(text);
}

/**
 * Connects with automatic reconnection and logs connection state changes. A server that is not up
 * yet is waited for, with backoff, for up to `nats.startupWaitSeconds` (a stage started before NATS,
 * or during a NATS restart, starts when it comes); refused credentials fail at once. Throws
 * NatsConnectError (naming the servers) when no connection could be made.
 */
export async function connectNats(cfg: Config["nats"], name: string, log: Logger): Promise<NatsConnection> {
  const deadline = Date.now() + (cfg.maxReconnectAttempts === 0 ? 0 : cfg.startupWaitSeconds * 1000);
  let nc: NatsConnection | undefined;
  for (let attempt = 1; nc === undefined; attempt++) {
    try {
      nc = await connect(connectionOptions(cfg, name));
    } catch (cause) {
      const waitMs = backoffMs(attempt, { baseMs: 1000, factor: 1.5, maxMs: 15_000 });
      if (permanent(cause) || Date.now() + waitMs > deadline) throw new NatsConnectError(cfg.servers, { cause });
      log.warn("waiting for NATS", { servers: cfg.servers.join(","), attempt, retryInMs: waitMs, error: cause });
      await new Promise((r) => setTimeout(r, waitMs));
    }
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
