import { readScrubKey, scrubSnapshot, type ScrubOptions } from "./scrub.ts";
import { Kvm } from "@nats-io/kv";
import { concatMap, type Subscription } from "rxjs";
import { backoffMs } from "../../bus/backoff.ts";
import type { Runtime } from "../../bus/runtime.ts";
import type { Stage } from "../../bus/stage-types.ts";
import { snapshotId, subjects, toToken } from "../../bus/subjects.ts";
import { Lease } from "../../bus/lease.ts";
import { inventorySnapshot, VolumeReporter } from "./inventory.ts";
import type { NodeInfo, UsageSnapshot } from "../../model/events.ts";
import { VERSION } from "../../model/version.ts";
import { UsageAccumulator } from "./accumulator.ts";
import { PodCache, VolumeCache } from "./caches.ts";
import type { KubeSource } from "./kube.ts";
import { labelFilter } from "./labels.ts";
import { nodeInfoOf } from "./node-info.ts";
import { buildSnapshots } from "./snapshots.ts";
import { AgentStateStore } from "./state-store.ts";
import { alignedTicks$ } from "./ticks.ts";
import { ThrottledWarning } from "../../telemetry/log.ts";

export const AGENT_COMPONENT = "agent";
const OUTBOX_LIMIT = 1440;
const NODE_RETRY_LIMIT = 30;

export interface AgentOptions {
  nodeName: string;
  now?: () => number;
}

/**
 * The node agent: samples its kubelet's Summary API several times per interval, turns counters
 * into usage rates, and at each interval boundary publishes ONE UsageSnapshot for its node to
 * `kce.usage.<cluster>.<node>` (dedup id cluster/node/windowStart). It never prices anything.
 * After each publish it persists its counters, so a restart resumes the deltas and rebuilds the
 * windows it missed; while NATS is unreachable snapshots wait in a bounded outbox.
 */
export class NodeAgent implements Stage {
  readonly name = AGENT_COMPONENT;
  private readonly rt: Runtime;
  private readonly kube: KubeSource;
  private readonly nodeName: string;
  private readonly now: () => number;
  private readonly metrics;
  private readonly log;
  private readonly pods: PodCache;
  private readonly volumes: VolumeCache;
  private nodeInfo: NodeInfo | undefined;
  private accumulator: UsageAccumulator | undefined;
  private store: AgentStateStore | undefined;
  private outbox: UsageSnapshot[] = [];
  private subscription: Subscription | undefined;
  private lastClosed: Promise<void> = Promise.resolve();
  private readonly summaryWarning: ThrottledWarning;
  private readonly publishWarning: ThrottledWarning;
  private readonly scrub: ScrubOptions | undefined;
  private reporter: VolumeReporter | undefined;

  constructor(rt: Runtime, kube: KubeSource, options: AgentOptions) {
    this.rt = rt;
    this.kube = kube;
    this.nodeName = options.nodeName;
    this.now = options.now ?? Date.now;
    this.metrics = rt.telemetry.component(AGENT_COMPONENT);
    this.log = rt.log.child(AGENT_COMPONENT);
    this.pods = new PodCache(kube.podInformer(this.nodeName), this.log, labelFilter(rt.config.agent.podLabels), this.now);
    this.volumes = new VolumeCache(kube.volumeInformer(), this.log);
    this.summaryWarning = new ThrottledWarning(this.log);
    this.publishWarning = new ThrottledWarning(this.log);
    const scrub = rt.config.agent.scrub;
    this.scrub = scrub === undefined ? undefined : { key: readScrubKey(scrub.keyFile), namespaces: scrub.namespaces };
  }

  private get cfg() {
    return this.rt.config.agent;
  }

  async start(): Promise<void> {
    this.nodeInfo = nodeInfoOf(await this.readNodeWithRetry(), this.cfg.spotLabels);
    const kv = await new Kvm(this.rt.nc).create(this.cfg.stateBucket, { replicas: this.rt.config.streams.replicas, history: 1 });
    this.store = new AgentStateStore(kv, this.rt.config.cluster, this.nodeName);
    const saved = await this.store.load();
    this.accumulator = saved === undefined ? new UsageAccumulator(this.now()) : UsageAccumulator.fromJSON(saved.accumulator);
    await Promise.all([this.pods.start(), this.volumes.start()]);
    const inventory = this.cfg.volumeInventory;
    if (inventory.enabled) {
      const lease = new Lease(
        this.rt.nc,
        { bucket: inventory.leaseBucket, key: `volumes-${toToken("cluster", this.rt.config.cluster)}`, ttlMs: inventory.leaseSeconds * 1000, replicas: this.rt.config.streams.replicas, holder: this.nodeName },
        this.log,
      );
      this.reporter = new VolumeReporter(lease, inventory.leaseSeconds * 1000, this.log);
    }
    const intervalMs = this.cfg.intervalSeconds * 1000;
    const sampleMs = Math.max(250, Math.floor(intervalMs / this.cfg.samplesPerInterval));
    this.subscription = alignedTicks$(sampleMs, this.now)
      .pipe(concatMap((tick) => this.onTick(tick, tick % intervalMs === 0)))
      .subscribe();
    this.metrics.up(true);
    this.log.info("agent started", {
      node: this.nodeName,
      instanceType: this.nodeInfo.instanceType,
      capacityType: this.nodeInfo.capacityType,
      intervalSeconds: this.cfg.intervalSeconds,
      resumed: saved !== undefined,
    });
  }

  async stop(): Promise<void> {
    this.subscription?.unsubscribe();
    await this.lastClosed;
    await this.reporter?.stop();
    await Promise.all([this.pods.stop(), this.volumes.stop()]);
    this.metrics.up(false);
  }

  private async readNodeWithRetry() {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.kube.readNode(this.nodeName);
      } catch (error) {
        if (attempt >= NODE_RETRY_LIMIT) throw error;
        this.log.warn("cannot read own Node yet; retrying", { error, attempt });
        await new Promise((r) => setTimeout(r, backoffMs(attempt, { baseMs: 500, maxMs: 10_000 })));
      }
    }
  }

  private async onTick(tickMs: number, boundary: boolean): Promise<void> {
    const acc = this.accumulator;
    if (acc === undefined) return;
    const sampledAt = this.now();
    try {
      acc.observe(await this.kube.summary(this.nodeName, this.cfg.summaryTimeoutMs), sampledAt);
      this.summaryWarning.recovered("summary sampling recovered");
    } catch (error) {
      this.metrics.error("summary");
      this.summaryWarning.warn("summary sample failed", { error });
    }
    if (!boundary) return;
    this.lastClosed = this.closeWindow(tickMs, sampledAt);
    await this.lastClosed;
  }

  private async refreshNodeInfo(): Promise<void> {
    try {
      this.nodeInfo = nodeInfoOf(await this.kube.readNode(this.nodeName), this.cfg.spotLabels);
    } catch (error) {
      this.log.warn("node refresh failed; keeping the last known node info", { error });
    }
  }

  private async closeWindow(boundaryMs: number, sampledAtMs: number): Promise<void> {
    const acc = this.accumulator;
    if (acc === undefined) return;
    await this.refreshNodeInfo();
    const nodeInfo = this.nodeInfo;
    if (nodeInfo === undefined) return;
    const started = performance.now();
    const fromMs = acc.startMs;
    const rates = acc.close(boundaryMs, this.pods.liveUids());
    const batch = buildSnapshots({
      cluster: this.rt.config.cluster,
      node: this.nodeName,
      nodeInfo,
      agentVersion: VERSION,
      intervalMs: this.cfg.intervalSeconds * 1000,
      fromMs,
      toMs: boundaryMs,
      sampledAtMs,
      rates,
      pods: this.pods.all(),
      volumeOf: (ns, claim) => this.volumes.lookup(ns, claim),
      maxBackfillWindows: this.cfg.maxBackfillWindows,
    });
    if (batch.skippedWindows > 0) {
      this.metrics.dropped("agent_gap", batch.skippedWindows);
      this.log.warn("gap longer than agent.maxBackfillWindows; older windows not rebuilt", { skipped: batch.skippedWindows });
    }
    this.pods.prune(boundaryMs);
    this.outbox.push(...batch.snapshots, ...(await this.inventory(nodeInfo, boundaryMs, sampledAtMs)));
    if (this.outbox.length > OUTBOX_LIMIT) {
      const dropped = this.outbox.splice(0, this.outbox.length - OUTBOX_LIMIT);
      this.metrics.dropped("outbox_full", dropped.length);
    }
    await this.flushOutbox(boundaryMs, acc);
    this.metrics.observeDuration((performance.now() - started) / 1000);
  }

  /** The cluster's volume inventory for the window ending at `boundaryMs`, if this agent reports it. */
  private async inventory(nodeInfo: NodeInfo, boundaryMs: number, sampledAtMs: number): Promise<UsageSnapshot[]> {
    if (this.reporter === undefined) return [];
    const intervalMs = this.cfg.intervalSeconds * 1000;
    const starts = await this.reporter.windowsFor(boundaryMs - intervalMs, intervalMs);
    if (starts.length === 0) return [];
    const volumes = this.volumes.all();
    return starts.map((windowStartMs) =>
      inventorySnapshot({ cluster: this.rt.config.cluster, nodeInfo, agentVersion: VERSION, windowStartMs, windowSeconds: this.cfg.intervalSeconds, sampledAtMs, volumes }),
    );
  }

  /** Publishes queued snapshots in order; once all are stored, persists the counters. */
  private async flushOutbox(boundaryMs: number, acc: UsageAccumulator): Promise<void> {
    while (this.outbox.length > 0) {
      const snapshot = this.outbox[0] as UsageSnapshot;
      const { data, headers } = this.rt.codecs.usage.encode(this.scrub === undefined ? snapshot : scrubSnapshot(snapshot, this.scrub));
      try {
        await this.rt.publisher.publish({
          subject: subjects.usage(snapshot.cluster, snapshot.node),
          data,
          headers,
          msgId: snapshotId(snapshot.cluster, snapshot.node, snapshot.windowStartMs),
        });
      } catch (error) {
        this.metrics.error("publish");
        this.publishWarning.warn("publish failed; snapshots kept in the outbox", { error, queued: this.outbox.length });
        return;
      }
      this.outbox.shift();
      this.metrics.sent();
    }
    this.publishWarning.recovered("publishing recovered; outbox drained");
    try {
      await this.store?.save({ version: 1, lastWindowEndMs: boundaryMs, accumulator: acc.toJSON() });
    } catch (error) {
      this.metrics.error("state_save");
      this.log.warn("agent state not saved; a restart now would rebuild this window", { error });
    }
  }
}
