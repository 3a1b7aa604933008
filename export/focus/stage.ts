import { mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { ClickHouseClient } from "@clickhouse/client";
import { DeliverPolicy, type JsMsg } from "@nats-io/jetstream";
import { interval, type Subscription } from "rxjs";
import { follow } from "../../bus/follow.ts";
import type { Runtime } from "../../bus/runtime.ts";
import type { Stage } from "../../bus/stage-types.ts";
import { STREAMS, toToken } from "../../bus/subjects.ts";
import type { CostRollup } from "../../model/events.ts";
import { RollupAssembler } from "../../processors/rollup/parts.ts";
import { RECONCILED_RESOLUTION } from "../../reconcile/reconcile.ts";
import { readWindow } from "../../processors/rollup/read-window.ts";
import { FOCUS_SPLIT_VERSION, FOCUS_VERSION } from "./columns.ts";
import { focusValues } from "./clickhouse.ts";
import { focusSink } from "./files.ts";
import { BATCH_ROWS } from "./export.ts";
import { focusRowBatches, focusTime } from "./rows.ts";

export const FOCUS_EXPORT_COMPONENT = "export-focus";
const MANIFEST = ".kce-focus-manifest.json";
const RETRY_MS = 60_000;

interface Done {
  rev: number;
  source: "list-estimate" | "reconciled";
}

/** Whether a window should be written over what was: an estimate never replaces a reconciled day, and a revision already written is not written again. */
function supersedes(known: Done | undefined, source: Done["source"], rev: number): boolean {
  if (known === undefined) return true;
  if (known.source === "reconciled" && source !== "reconciled") return false;
  return source !== known.source || rev > known.rev;
}

/** Where a window's file goes: <dir>/<cluster>/focus-<cluster>-<YYYY-MM-DD[THH]>.<format>. */
export function focusFileName(dir: string, cluster: string, windowStartMs: number, step: "1d" | "1h", format: string): string {
  const stamp = step === "1d" ? focusTime(windowStartMs).slice(0, 10) : focusTime(windowStartMs).slice(0, 13);
  const safe = toToken("cluster", cluster);
  return join(dir, safe, `focus-${safe}-${stamp}.${format}`);
}

/**
 * The continuous FOCUS export in `kce all` (`export.focus`): each window of the chosen step is written
 * once it is final, as one file per cluster and charge period (written to a temporary name, then
 * renamed: a reader never sees half a file), and/or inserted into ClickHouse's focus_costs. A day
 * reconciled with the bill later replaces its estimate. A manifest in the folder remembers what was
 * written (revision and source), so a restart, which replays the compacted rollup stream, rewrites
 * nothing; a write that fails is retried every minute.
 */
export function createFocusExport(rt: Runtime): Stage & { readonly written: number; drain(): Promise<void> } {
  const cfg = rt.config.export.focus;
  const log = rt.log.child(FOCUS_EXPORT_COMPONENT);
  const metrics = rt.telemetry.component(FOCUS_EXPORT_COMPONENT);
  const manifestPath = cfg.dir === "" ? undefined : join(cfg.dir, MANIFEST);
  const done = new Map<string, Done>(manifestPath === undefined ? [] : readManifest(manifestPath));
  const failed = new Map<string, CostRollup>();
  const estimated = new RollupAssembler();
  const reconciledParts = new RollupAssembler();
  const subscriptions: Subscription[] = [];
  let client: ClickHouseClient | undefined;
  let queue: Promise<void> = Promise.resolve();
  let written = 0;

  const keyOf = (w: CostRollup): string => `${w.cluster}/${w.windowStartMs}`;

  const write = async (w: CostRollup, source: Done["source"]): Promise<void> => {
    const key = keyOf(w);
    if (!supersedes(done.get(key), source, w.rev)) return;
    try {
      const twin = source === "reconciled" ? (await readWindow(rt, "1d", w.windowStartMs, w.cluster))[0] : undefined;
      const ctx = { billingAccountId: cfg.billingAccountId ?? w.cluster, billingAccountName: cfg.billingAccountName ?? null, currency: rt.config.pricing.currency };
      const path = cfg.dir === "" ? undefined : focusFileName(cfg.dir, w.cluster, w.windowStartMs, cfg.step, cfg.format);
      if (path !== undefined) mkdirSync(join(path, ".."), { recursive: true });
      const sink = path === undefined ? undefined : focusSink(cfg.format, `${path}.tmp`, { FocusVersion: FOCUS_VERSION, "x_kce.SplitCostAllocationVersion": FOCUS_SPLIT_VERSION, "x_kce.Rev": String(w.rev), "x_kce.CostSource": source });
      let count = 0;
      for (const rows of focusRowBatches(w, ctx, source === "reconciled", twin, BATCH_ROWS, cfg.aggregate)) {
        await sink?.write(rows);
        if (client !== undefined) await client.insert({ table: `${rt.config.sinks.clickhouse.database}.focus_costs`, values: rows.map((r) => focusValues(r, w.rev)), format: "JSONEachRow" });
        count += rows.length;
      }
      if (sink !== undefined && path !== undefined) {
        await sink.close();
        renameSync(`${path}.tmp`, path);
      }
      done.set(key, { rev: w.rev, source });
      failed.delete(key);
      if (manifestPath !== undefined) saveManifest(manifestPath, done);
      written++;
      metrics.sent(count);
      log.info("FOCUS rows written", { cluster: w.cluster, period: focusTime(w.windowStartMs), rows: count, source });
    } catch (error) {
      failed.set(key, w);
      metrics.error("write");
      log.error("could not write a FOCUS window; retrying in a minute", { cluster: w.cluster, period: focusTime(w.windowStartMs), error });
    }
  };

  const enqueue = (w: CostRollup, source: Done["source"]): void => {
    queue = queue.then(() => write(w, source));
  };

  const apply = async (msg: JsMsg): Promise<void> => {
    try {
      const part = await rt.codecs.rollup.decode(msg.data, msg.headers);
      if (part.resolution === RECONCILED_RESOLUTION) {
        const day = reconciledParts.add(part);
        if (day !== undefined) enqueue(day, "reconciled");
        return;
      }
      const whole = estimated.add(part);
      if (whole !== undefined && whole.final) enqueue(whole, "list-estimate");
    } catch (error) {
      metrics.error(error instanceof Error ? error.name : "unknown");
      log.warn("skipping undecodable rollup", { subject: msg.subject, error });
    }
  };

  return {
    name: FOCUS_EXPORT_COMPONENT,
    get written() {
      return written;
    },
    drain: () => queue,
    start: async () => {
      if (cfg.dir !== "") mkdirSync(cfg.dir, { recursive: true });
      if (cfg.clickhouse) {
        const { clickhouseClient, migrate } = await import("../../sinks/clickhouse/client.ts");
        client = clickhouseClient(rt.config.sinks.clickhouse);
        await migrate(client, rt.config.sinks.clickhouse, log);
      }
      subscriptions.push(follow(rt, { stream: STREAMS.rollup, filterSubject: `kce.rollup.${cfg.step}.>`, deliverPolicy: DeliverPolicy.All }, apply, log));
      if (cfg.reconciled && cfg.step === "1d") subscriptions.push(follow(rt, { stream: STREAMS.rollup, filterSubject: `kce.rollup.${RECONCILED_RESOLUTION}.>`, deliverPolicy: DeliverPolicy.All }, apply, log));
      subscriptions.push(
        interval(RETRY_MS).subscribe(() => {
          for (const w of [...failed.values()]) enqueue(w, w.resolution === RECONCILED_RESOLUTION ? "reconciled" : "list-estimate");
          const horizon = Date.now() - rt.config.streams.maxAgeHours.rollup * 3_600_000;
          estimated.forget(horizon);
          reconciledParts.forget(horizon);
          for (const key of [...done.keys()]) if (Number(key.slice(key.lastIndexOf("/") + 1)) < horizon) done.delete(key);
        }),
      );
      metrics.up(true);
      log.info("exporting FOCUS rows", { dir: cfg.dir, format: cfg.format, step: cfg.step, clickhouse: cfg.clickhouse });
    },
    stop: async () => {
      for (const s of subscriptions.splice(0)) s.unsubscribe();
      await queue;
      await client?.close();
      metrics.up(false);
    },
  };
}

function readManifest(path: string): Array<[string, Done]> {
  try {
    return Object.entries(JSON.parse(readFileSync(path, "utf8")) as Record<string, Done>);
  } catch {
    return [];
  }
}

function saveManifest(path: string, done: Map<string, Done>): void {
  writeFileSync(`${path}.tmp`, JSON.stringify(Object.fromEntries(done)));
  renameSync(`${path}.tmp`, path);
}
