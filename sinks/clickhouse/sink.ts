import type { ClickHouseClient } from "@clickhouse/client";
import { failed, OK, retryable, type Sink, type WriteResult } from "../core/sink.ts";
import type { TableRow } from "./rows.ts";

/** ClickHouse error codes that mean the data itself is wrong: retrying cannot help. */
const DATA_ERRORS = new Set(["6", "26", "27", "38", "41", "53", "62", "69", "70", "72", "117", "130", "131", "173"]);

function classify(error: unknown): WriteResult {
  const code = (error as { code?: unknown }).code;
  if (typeof code === "string" && DATA_ERRORS.has(code)) return failed(error);
  return retryable(error);
}

/**
 * Inserts rows, grouped by table, with JSONEachRow. Re-delivered rows are harmless: every table is
 * a ReplacingMergeTree keyed by the event's identity, and readers query with FINAL (or argMax).
 */
export class ClickHouseSink implements Sink<TableRow> {
  readonly name = "clickhouse";
  private readonly client: ClickHouseClient;
  private readonly database: string;

  constructor(client: ClickHouseClient, database: string) {
    this.client = client;
    this.database = database;
  }

  async write(batch: readonly TableRow[]): Promise<WriteResult> {
    const byTable = new Map<string, Array<Record<string, string | number>>>();
    for (const row of batch) {
      const list = byTable.get(row.table) ?? [];
      list.push(row.values);
      byTable.set(row.table, list);
    }
    try {
      for (const [table, values] of byTable) {
        await this.client.insert({ table: `${this.database}.${table}`, values, format: "JSONEachRow" });
      }
      return OK;
    } catch (error) {
      return classify(error);
    }
  }

  async close(): Promise<void> {
    await this.client.close();
  }
}
