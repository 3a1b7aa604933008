import { ClickHouseLogLevel, createClient, type ClickHouseClient } from "@clickhouse/client";
import type { Config } from "../../config/schema.ts";
import type { Logger } from "../../telemetry/log.ts";
import { MIGRATIONS } from "./migrations.ts";
import { readSecret } from "./secret.ts";

/** ClickHouse cannot be reached, or refuses our credentials, at start-up. */
export class ClickHouseUnavailableError extends Error {
  override readonly name = "ClickHouseUnavailableError";
}

/** A client for `sinks.clickhouse`; the password comes from `passwordEnv` or `passwordFile`. */
export function clickhouseClient(cfg: Config["sinks"]["clickhouse"]): ClickHouseClient {
  return createClient({
    url: cfg.url,
    username: cfg.username,
    password: readSecret("sinks.clickhouse.passwordEnv", cfg.passwordEnv, cfg.passwordFile) ?? "",
    request_timeout: cfg.requestTimeoutMs,
    compression: { request: false, response: false },
    // Failures are classified, retried, counted and logged (throttled) by the sink runner.
    log: { level: ClickHouseLogLevel.OFF },
  });
}

function explain(error: unknown, url: string, user: string): string {
  const message = error instanceof Error ? error.message : String(error);
  if (/ECONNREFUSED|ENOTFOUND|EHOSTUNREACH|timeout/i.test(message)) return `cannot reach ClickHouse at ${url} (${message}); check sinks.clickhouse.url`;
  if (/Authentication|password|Unknown user|REQUIRED_PASSWORD|code: 516|code: 192|code: 193/i.test(message)) {
    return `ClickHouse at ${url} refused user ${user} (${message.split("\n")[0] ?? ""}); check sinks.clickhouse.username and the password`;
  }
  return `ClickHouse at ${url}: ${message.split("\n")[0] ?? message}`;
}

/**
 * Checks the connection, creates the database and applies the migrations not yet recorded in
 * `<db>.kce_migrations`. Safe to run from every replica at every start.
 */
export async function migrate(client: ClickHouseClient, cfg: Config["sinks"]["clickhouse"], log: Logger): Promise<number[]> {
  const db = cfg.database;
  try {
    await client.command({ query: "SELECT 1" });
  } catch (error) {
    throw new ClickHouseUnavailableError(explain(error, cfg.url, cfg.username), { cause: error });
  }
  await client.command({ query: `CREATE DATABASE IF NOT EXISTS ${db}` });
  await client.command({ query: `CREATE TABLE IF NOT EXISTS ${db}.kce_migrations (version UInt32, description String, applied_at DateTime('UTC')) ENGINE = MergeTree ORDER BY version` });
  const done = new Set(
    (await (await client.query({ query: `SELECT version FROM ${db}.kce_migrations`, format: "JSONEachRow" })).json<{ version: number | string }>()).map((r) => Number(r.version)),
  );
  const applied: number[] = [];
  for (const m of MIGRATIONS) {
    if (done.has(m.version)) continue;
    for (const statement of m.statements(db)) await client.command({ query: statement });
    await client.insert({ table: `${db}.kce_migrations`, values: [{ version: m.version, description: m.description, applied_at: toDateTime(Date.now()) }], format: "JSONEachRow" });
    applied.push(m.version);
    log.info("clickhouse migration applied", { version: m.version, description: m.description });
  }
  return applied;
}

/** ClickHouse DateTime text, UTC. */
export function toDateTime(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace("T", " ").replace(".000Z", "");
}

export function toDate(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}
