import { PoisonMessageError } from "../../bus/errors.ts";
import type { Runtime } from "../../bus/runtime.ts";
import type { Stage } from "../../bus/stage-types.ts";
import { STREAMS, subjects } from "../../bus/subjects.ts";
import { SinkRunner } from "../core/runner.ts";
import type { Sink } from "../core/sink.ts";
import { clickhouseClient, migrate } from "./client.ts";
import { dailyRows, pricedRows, savingsRows, type TableRow } from "./rows.ts";
import { ClickHouseSink } from "./sink.ts";
import { assertSubjectMatches } from "../../bus/checks.ts";
import { RECONCILED_RESOLUTION } from "../../reconcile/reconcile.ts";

export const CLICKHOUSE_COMPONENT = "sink-clickhouse";

/**
 * The ClickHouse sink: migrates the schema at start, then four durable consumers — priced
 * snapshots (pod, node and volume costs), savings reports, daily rollups (namespace_daily and
 * expenses) and reconciled daily rollups (the same tables with `_reconciled`) — each acked only
 * after ClickHouse confirms the insert.
 */
export async function createClickHouseSink(rt: Runtime): Promise<Stage & { readonly buffered: number }> {
  const cfg = rt.config.sinks.clickhouse;
  const log = rt.log.child(CLICKHOUSE_COMPONENT);
  const client = clickhouseClient(cfg);
  await migrate(client, cfg, log);
  const sink = new ClickHouseSink(client, cfg.database);
  // One client for the three consumers; it is closed once, by this stage.
  const shared: Sink<TableRow> = { name: sink.name, write: (batch) => sink.write(batch), close: async () => undefined };
  const runners = [
    new SinkRunner<TableRow>(rt, {
      component: CLICKHOUSE_COMPONENT,
      spec: { stream: STREAMS.priced, durable: "kce-sink-clickhouse-priced", filterSubject: subjects.streamFilter.priced },
      decode: async (msg) => {
        const priced = await rt.codecs.priced.decode(msg.data, msg.headers);
        assertSubjectMatches(msg.subject, priced);
        return pricedRows(priced);
      },
      sink: shared,
      delivery: cfg.delivery,
    }),
    new SinkRunner<TableRow>(rt, {
      component: CLICKHOUSE_COMPONENT,
      spec: { stream: STREAMS.savings, durable: "kce-sink-clickhouse-savings", filterSubject: subjects.streamFilter.savings },
      decode: async (msg) => savingsRows(await rt.codecs.savings.decode(msg.data, msg.headers), msg.info.timestampNanos / 1e6),
      sink: shared,
      delivery: cfg.delivery,
    }),
    new SinkRunner<TableRow>(rt, {
      component: CLICKHOUSE_COMPONENT,
      spec: { stream: STREAMS.rollup, durable: "kce-sink-clickhouse-daily", filterSubject: "kce.rollup.1d.>" },
      decode: async (msg) => {
        const rollup = await rt.codecs.rollup.decode(msg.data, msg.headers);
        if (rollup.resolution !== "1d") throw new PoisonMessageError("wrong_resolution", `expected a 1d rollup on ${msg.subject}`);
        return dailyRows(rollup);
      },
      sink: shared,
      delivery: cfg.delivery,
    }),
    new SinkRunner<TableRow>(rt, {
      component: CLICKHOUSE_COMPONENT,
      spec: { stream: STREAMS.rollup, durable: "kce-sink-clickhouse-reconciled", filterSubject: `kce.rollup.${RECONCILED_RESOLUTION}.>` },
      decode: async (msg) => {
        const rollup = await rt.codecs.rollup.decode(msg.data, msg.headers);
        if (rollup.resolution !== RECONCILED_RESOLUTION) throw new PoisonMessageError("wrong_resolution", `expected a reconciled daily rollup on ${msg.subject}`);
        return dailyRows(rollup);
      },
      sink: shared,
      delivery: cfg.delivery,
    }),
  ];
  return {
    name: CLICKHOUSE_COMPONENT,
    get buffered() {
      return runners.reduce((s, r) => s + r.buffered, 0);
    },
    start: async () => {
      for (const r of runners) await r.start();
      log.info("writing to ClickHouse", { url: cfg.url, database: cfg.database });
    },
    stop: async () => {
      for (const r of runners) await r.stop();
      await sink.close();
    },
  };
}
