import type { Config, Resolution } from "../../config/schema.ts";
import type { CostRollup, PricedSnapshot } from "../../model/events.ts";
import { Canon } from "./canon.ts";
import { snapshotDelta } from "./delta.ts";
import { StorageLedger, type LedgerJson } from "./storage.ts";
import type { Revision } from "./revision.ts";
import { RESOLUTION_MS, WindowState, type WindowJson } from "./window.ts";

/** The resolution that publishes live updates: the query API answers the current day from 1h windows. */
export const LIVE_RESOLUTION: Resolution = "1h";

/** `late` names the resolutions whose window for the snapshot is already final. */
export type FoldResult = { kind: "folded" } | { kind: "duplicate" } | { kind: "late"; closed: Resolution[] };

export interface EngineJson {
  version: 1;
  watermarkMs: number;
  lastEventAtMs: number;
  closedThroughMs: Partial<Record<Resolution, number>>;
  /** Pod uids referenced by the windows' rows (by index), stored once. */
  uids: string[];
  windows: WindowJson[];
  /** Storage ledgers of the open windows of the finest resolution (absent in older checkpoints). */
  storage?: LedgerJson[];
}

/** How long a generation of the shared pod tables lasts (processing time): well above any agent interval that matters. */
export const CANON_GENERATION_MS = 15 * 60_000;

/** Raised when folding would open more windows than `rollup.maxOpenWindows` allows. */
export class TooManyWindowsError extends Error {
  override readonly name = "TooManyWindowsError";
}

/** A window due for publishing and its revision (`rollup` is the revision as one event, for tests and tools). */
export interface Emission {
  revision: Revision;
  readonly rollup: CostRollup;
  window: WindowState;
}

function emission(window: WindowState, revision: Revision): Emission {
  return {
    window,
    revision,
    get rollup() {
      return revision.rollup;
    },
  };
}

/**
 * The rollup's state machine, free of I/O: folds priced snapshots into open windows, decides
 * which windows to emit (dirty and due, or final) and evicts finished ones. Windows close on event
 * time (the newest snapshot end seen, capped at processing time, minus the allowed lateness), or on
 * processing time when no events arrive, so a silent cluster still gets its final rollups.
 */
export class RollupEngine {
  private readonly cfg: Config["rollup"];
  private readonly windows = new Map<string, WindowState>();
  private watermarkMs = 0;
  private lastEventAtMs = 0;
  /** Processing time of the last fold by this process (not restored: a restart starts idle-free). */
  private lastFoldAtMs: number;
  private readonly closedThroughMs: Partial<Record<Resolution, number>> = {};
  /** Per open window of the finest resolution: what storage cost and who mounted it (StorageLedger). */
  private readonly ledgers = new Map<string, StorageLedger>();
  private readonly finest: Resolution;
  /** Shared copies of what the windows keep per pod, and when its tables last started a new generation. */
  private readonly canon = new Canon();
  private canonRotatedAtMs: number;

  constructor(cfg: Config["rollup"], nowMs: number = Date.now()) {
    this.cfg = cfg;
    this.lastFoldAtMs = nowMs;
    this.canonRotatedAtMs = nowMs;
    this.finest = [...cfg.resolutions].sort((a, b) => RESOLUTION_MS[a] - RESOLUTION_MS[b])[0] ?? "1m";
  }

  get openWindows(): number {
    return this.windows.size;
  }

  /**
   * Folds one snapshot into its window of every resolution. A snapshot is folded whole or not at
   * all: if any of its windows is already final it is late (counting it in the coarser windows only
   * would make Σ1m ≠ Σ1h ≠ Σ1d without a trace).
   */
  fold(priced: PricedSnapshot, nowMs: number): FoldResult {
    const targets: Array<[Resolution, number, string]> = [];
    const closed: Resolution[] = [];
    for (const res of this.cfg.resolutions) {
      const start = Math.floor(priced.windowStartMs / RESOLUTION_MS[res]) * RESOLUTION_MS[res];
      if (start + RESOLUTION_MS[res] <= (this.closedThroughMs[res] ?? 0)) closed.push(res);
      else targets.push([res, start, `${res}|${priced.cluster}|${start}`]);
    }
    if (closed.length > 0) return { kind: "late", closed };
    const opening = targets.filter(([, , key]) => !this.windows.has(key)).length;
    if (this.windows.size + opening > this.cfg.maxOpenWindows) {
      throw new TooManyWindowsError(`folding would open more than ${this.cfg.maxOpenWindows} windows (rollup.maxOpenWindows)`);
    }
    const delta = snapshotDelta(priced, this.cfg.labelKeys, this.canon);
    let folded = false;
    for (const [res, start, key] of targets) {
      let window = this.windows.get(key);
      if (window === undefined) {
        window = new WindowState(res, priced.cluster, start, this.cfg.podResolutions.includes(res));
        if (this.publishesLive(window)) window.trackChanges();
        this.windows.set(key, window);
      }
      folded = window.fold(priced, delta) || folded;
    }
    if (!folded) return { kind: "duplicate" };
    this.ledgerFor(priced).add(priced, delta);
    // Event time never runs ahead of processing time: one node with a fast clock (or a forged window)
    // cannot close windows that every other node's data still belongs to.
    this.watermarkMs = Math.max(this.watermarkMs, Math.min(priced.windowStartMs + priced.windowSeconds * 1000, nowMs));
    this.lastEventAtMs = nowMs;
    this.lastFoldAtMs = nowMs;
    return { kind: "folded" };
  }

  private ledgerFor(priced: PricedSnapshot): StorageLedger {
    const size = RESOLUTION_MS[this.finest];
    const start = Math.floor(priced.windowStartMs / size) * size;
    const key = `${priced.cluster}|${start}`;
    let ledger = this.ledgers.get(key);
    if (ledger === undefined) {
      ledger = new StorageLedger(priced.cluster, start);
      this.ledgers.set(key, ledger);
    }
    return ledger;
  }

  /**
   * Settles the storage of every finest window that closes now: its corrections go into that window and
   * into each coarser window containing it (all still open: they end no earlier), so Σ1m = Σ1h = Σ1d holds.
   */
  private settleStorage(closeBefore: number): void {
    const size = RESOLUTION_MS[this.finest];
    for (const [key, ledger] of this.ledgers) {
      if (ledger.windowStartMs + size > closeBefore) continue;
      this.ledgers.delete(key);
      const delta = ledger.attribute(this.cfg.labelKeys);
      for (const res of this.cfg.resolutions) {
        const start = Math.floor(ledger.windowStartMs / RESOLUTION_MS[res]) * RESOLUTION_MS[res];
        this.windows.get(`${res}|${ledger.cluster}|${start}`)?.applyStorage(delta);
      }
    }
  }

  /**
   * The instant before which windows are closed: the newest event time seen minus the allowed
   * lateness; or, once nothing has been folded for a lateness period, processing time minus it.
   * (Processing time alone would close windows a restarted rollup is still catching up on.)
   */
  private closeBeforeMs(nowMs: number): number {
    const lateness = this.cfg.allowedLatenessSeconds * 1000;
    const idle = nowMs - this.lastFoldAtMs >= lateness;
    return (idle ? Math.max(this.watermarkMs, nowMs - lateness) : this.watermarkMs) - lateness;
  }

  /**
   * Windows to publish now: final ones (which are then evicted) and dirty ones whose emit
   * interval has passed. Each gets a revision greater than any it had before.
   */
  due(nowMs: number): Emission[] {
    // Pods not seen for a generation or two are forgotten by the shared tables (their windows keep what they hold).
    if (nowMs - this.canonRotatedAtMs >= CANON_GENERATION_MS) {
      this.canon.rotate();
      this.canonRotatedAtMs = nowMs;
    }
    const closeBefore = this.closeBeforeMs(nowMs);
    this.settleStorage(closeBefore);
    for (const res of this.cfg.resolutions) {
      const size = RESOLUTION_MS[res];
      this.closedThroughMs[res] = Math.max(this.closedThroughMs[res] ?? 0, Math.floor(closeBefore / size) * size);
    }
    const out: Emission[] = [];
    for (const [key, window] of this.windows) {
      const final = window.windowEndMs <= closeBefore;
      const interval = this.cfg.emitIntervalSeconds[window.resolution] * 1000;
      if (!final && !(window.dirty && nowMs - window.lastEmitMs >= interval)) continue;
      const rev = Math.max(window.lastRev + 1, nowMs);
      out.push(emission(window, window.toRollup(rev, final)));
      window.lastRev = rev;
      window.lastEmitMs = nowMs;
      window.dirty = false;
      if (final) {
        this.windows.delete(key);
        const res = window.resolution;
        this.closedThroughMs[res] = Math.max(this.closedThroughMs[res] ?? 0, window.windowEndMs);
      }
    }
    return out;
  }

  /** Whether a window publishes live updates: the 1h windows the query API answers the current day from, if enabled. */
  private publishesLive(window: WindowState): boolean {
    return this.cfg.liveIntervalSeconds > 0 && window.resolution === LIVE_RESOLUTION;
  }

  /**
   * Live updates of the open windows that publish them: the rows changed since each one's last revision or update
   * (`WindowState.liveRollup`), with revisions from the same sequence as `due`'s. A window that closes now is left to
   * its final revision.
   */
  live(nowMs: number): Revision[] {
    const closeBefore = this.closeBeforeMs(nowMs);
    const out: Revision[] = [];
    for (const window of this.windows.values()) {
      if (!this.publishesLive(window) || window.windowEndMs <= closeBefore) continue;
      const rev = Math.max(window.lastRev + 1, nowMs);
      const update = window.liveRollup(rev);
      if (update === undefined) continue;
      window.lastRev = rev;
      out.push(update);
    }
    return out;
  }

  /** Marks every window dirty again (used when a publish failed, so the next flush retries). */
  markDirty(windows: readonly WindowState[]): void {
    for (const w of windows) {
      w.dirty = true;
      w.lastEmitMs = 0;
      const key = `${w.resolution}|${w.cluster}|${w.windowStartMs}`;
      if (!this.windows.has(key)) this.windows.set(key, w);
    }
  }

  /** The state as one document (tests and tools; checkpoints are written from jsonText, which this reads back). */
  toJSON(): EngineJson {
    return JSON.parse([...this.jsonText()].join("")) as EngineJson;
  }

  /**
   * The checkpoint document (EngineJson) as JSON text in pieces of about `batch` array items: at 100,000 pods the
   * whole document is ~155 M characters and, built as one object graph and one string, took ~340 MB of heap at every
   * checkpoint. Consume it synchronously: it reads the live windows.
   */
  *jsonText(batch = 1000): Generator<string> {
    const index = new Map<string, number>();
    const uids: string[] = [];
    const intern = (uid: string): number => {
      let i = index.get(uid);
      if (i === undefined) {
        i = uids.push(uid) - 1;
        index.set(uid, i);
      }
      return i;
    };
    yield `{"version":1,"watermarkMs":${JSON.stringify(this.watermarkMs)},"lastEventAtMs":${JSON.stringify(this.lastEventAtMs)},"closedThroughMs":${JSON.stringify(this.closedThroughMs)},"windows":[`;
    let first = true;
    for (const w of this.windows.values()) {
      if (!first) yield ",";
      first = false;
      const { head, arrays } = w.jsonParts(intern);
      yield JSON.stringify(head).slice(0, -1);
      for (const [name, items] of Object.entries(arrays)) {
        yield `,${JSON.stringify(name)}:[`;
        yield* arrayText(items, batch);
        yield "]";
      }
      yield "}";
    }
    yield `],"storage":${JSON.stringify([...this.ledgers.values()].map((l) => l.toJSON()))},"uids":${JSON.stringify(uids)}}`;
  }

  static fromJSON(cfg: Config["rollup"], json: EngineJson, nowMs: number = Date.now()): RollupEngine {
    const engine = new RollupEngine(cfg, nowMs);
    engine.watermarkMs = json.watermarkMs;
    engine.lastEventAtMs = json.lastEventAtMs;
    Object.assign(engine.closedThroughMs, json.closedThroughMs);
    for (const w of json.windows) {
      const window = WindowState.fromJSON(w, json.uids, engine.canon);
      if (engine.publishesLive(window)) window.trackChanges();
      engine.windows.set(`${window.resolution}|${window.cluster}|${window.windowStartMs}`, window);
    }
    for (const l of json.storage ?? []) engine.ledgers.set(`${l.cluster}|${l.windowStartMs}`, StorageLedger.fromJSON(l));
    return engine;
  }
}

/** The items of an array as JSON text without its brackets, `batch` items a piece. */
function* arrayText(items: Iterable<unknown>, batch: number): Generator<string> {
  let chunk: unknown[] = [];
  let first = true;
  for (const item of items) {
    chunk.push(item);
    if (chunk.length < batch) continue;
    yield (first ? "" : ",") + JSON.stringify(chunk).slice(1, -1);
    first = false;
    chunk = [];
  }
  if (chunk.length > 0) yield (first ? "" : ",") + JSON.stringify(chunk).slice(1, -1);
}
