import { RECONCILED_RESOLUTION } from "../reconcile/reconcile.ts";
import { DeliverPolicy, type JsMsg } from "@nats-io/jetstream";
import { interval, Subscription } from "rxjs";
import { follow } from "../bus/follow.ts";
import type { Runtime } from "../bus/runtime.ts";
import type { Stage } from "../bus/stage-types.ts";
import { STREAMS, subjects } from "../bus/subjects.ts";
import { RollupAssembler } from "../processors/rollup/parts.ts";
import { LIVE_RESOLUTION } from "../processors/rollup/engine.ts";
import type { Resolution } from "../config/schema.ts";
import { NodeRates } from "./rates.ts";
import { DirColumnFiles } from "./column-files.ts";
import { RollupIndex } from "./rollup-index.ts";
import { Recommender, type Recommendation } from "../processors/recommender/recommender.ts";
import { registerRecommendationMetrics } from "../processors/recommender/metrics.ts";
import { startLearning } from "../processors/recommender/learner.ts";
import { startApiServer, type ApiServer } from "./server.ts";
import { DAY_MS } from "./window.ts";
import { LiveFeed } from "./live.ts";
import { RecentAlerts } from "./recent-alerts.ts";
import { uiBundle } from "./ui/bundle.ts";

export const API_COMPONENT = "api";

export interface ApiStage extends Stage {
  readonly port: number;
  readonly index: RollupIndex;
  /** Current right-sizing recommendations (empty when recommendations are disabled). */
  recommendations(): Recommendation[];
}

/**
 * The query API: an in-memory index of the 1h and 1d rollups (rebuilt from the compacted rollup
 * stream at start) and of each node's current rates, served over HTTP.
 */
export function createApi(rt: Runtime): ApiStage {
  const cfg = rt.config.api;
  const log = rt.log.child(API_COMPONENT);
  const metrics = rt.telemetry.component(API_COMPONENT);
  // With spillDir: windows older than memoryHours live in column files (a cache of the rollup stream, rebuilt at start).
  const files = cfg.spillDir === "" ? undefined : new DirColumnFiles(cfg.spillDir);
  const index = new RollupIndex({ ...cfg, ...(files === undefined ? {} : { files }) });
  const reconciled = new RollupIndex(cfg);
  const reconciledParts = new RollupAssembler();
  const rates = new NodeRates(Math.max(600_000, rt.config.agent.intervalSeconds * 3000));
  const assembler = new RollupAssembler();
  const live = new LiveFeed();
  const alerts = new RecentAlerts();
  const subscriptions: Subscription[] = [];
  const rc = rt.config.recommendations;
  const recommender = rc.enabled ? new Recommender(rc) : undefined;
  const nodeRates = (c: string, node: string) => rates.rateOf(c, node);
  if (recommender !== undefined) registerRecommendationMetrics(rt.telemetry.registry, () => recommender.recommend(Date.now(), nodeRates));
  let server: ApiServer | undefined;
  let learning: { stop(): Promise<void> } | undefined;

  const apply = async (msg: JsMsg): Promise<void> => {
    metrics.received();
    try {
      if (msg.subject.startsWith("kce.priced.")) {
        const priced = await rt.codecs.pricedForRates.decode(msg.data, msg.headers);
        rates.apply(priced, Date.now());
        live.publish("prices", priced.cluster, Date.now());
        return;
      }
      if (msg.subject.startsWith("kce.alerts.")) {
        alerts.add(await rt.codecs.alert.decode(msg.data, msg.headers));
        return;
      }
      const part = await rt.codecs.rollup.decode(msg.data, msg.headers);
      if (part.resolution === RECONCILED_RESOLUTION) {
        // Reconciled days answer `reconciled=true` queries, from an index of their own.
        const day = reconciledParts.add(part);
        if (day !== undefined) reconciled.apply({ ...day, resolution: "1d" });
        return;
      }
      const whole = assembler.add(part);
      if (whole !== undefined) {
        index.apply(whole);
        live.publish("rollup", whole.cluster, Date.now());
      }
    } catch (error) {
      metrics.error(error instanceof Error ? error.name : "unknown");
      log.warn("skipping undecodable event", { subject: msg.subject, error });
    }
  };

  return {
    name: API_COMPONENT,
    index,
    recommendations: () => (recommender === undefined ? [] : recommender.recommend(Date.now(), nodeRates)),
    get port() {
      return server?.port ?? cfg.port;
    },
    start: async () => {
      // The stream is compacted: replaying it from the start delivers each window's newest revision once.
      subscriptions.push(follow(rt, { stream: STREAMS.rollup, filterSubject: "kce.rollup.1h.>", deliverPolicy: DeliverPolicy.All }, apply, log));
      subscriptions.push(follow(rt, { stream: STREAMS.rollup, filterSubject: "kce.rollup.1d.>", deliverPolicy: DeliverPolicy.All }, apply, log));
      subscriptions.push(follow(rt, { stream: STREAMS.rollup, filterSubject: `kce.rollup.${RECONCILED_RESOLUTION}.>`, deliverPolicy: DeliverPolicy.All }, apply, log));
      subscriptions.push(follow(rt, { stream: STREAMS.priced, filterSubject: subjects.streamFilter.priced, deliverPolicy: DeliverPolicy.LastPerSubject }, apply, log));
      // Live updates of the open hours (core NATS: missing one costs nothing once the next or a revision arrives).
      const liveUpdates = rt.nc.subscribe(subjects.liveFilter(LIVE_RESOLUTION), {
        callback: (error, msg) => {
          if (error !== null) return;
          rt.codecs.rollup
            .decode(msg.data, msg.headers)
            .then((u) => {
              // The cluster is read from the payload: one whose subject names another cluster is refused (a leaf may
              // publish only its own cluster's subjects, so it cannot pass off updates as another cluster's).
              if (msg.subject !== subjects.liveRollup(u.resolution as Resolution, u.cluster, u.windowStartMs, u.part)) {
                metrics.dropped("cluster_mismatch");
                return;
              }
              index.applyLive(u);
              live.publish("rollup", u.cluster, Date.now());
            })
            .catch((e: unknown) => {
              metrics.error(e instanceof Error ? e.name : "unknown");
              log.warn("skipping undecodable live update", { subject: msg.subject, error: e });
            });
        },
      });
      subscriptions.push(new Subscription(() => liveUpdates.unsubscribe()));
      // Budget alerts of the last five weeks, for the web app's budgets page.
      subscriptions.push(follow(rt, { stream: STREAMS.alerts, filterSubject: subjects.streamFilter.alerts, deliverPolicy: DeliverPolicy.StartTime, startTime: new Date(Date.now() - 35 * DAY_MS) }, apply, log));
      // The web app is bundled once, now, so its first page is served without waiting for the build.
      if (cfg.ui) uiBundle().catch((error: unknown) => log.warn("the web app is not available", { error }));
      // Usage for right-sizing: from its checkpoint (or what KCE_USAGE still holds), then live.
      if (recommender !== undefined) learning = await startLearning(rt, recommender, log);
      subscriptions.push(
        interval(60_000).subscribe(() => {
          index.prune(Date.now());
          reconciled.prune(Date.now());
          reconciledParts.forget(Date.now() - cfg.dailyRetentionDays * DAY_MS);
          assembler.forget(Date.now() - cfg.dailyRetentionDays * DAY_MS);
          recommender?.prune(Date.now());
        }),
      );
      server = await startApiServer(
        { index, reconciled, rates, labelKeys: rt.config.rollup.labelKeys, maxResponseRows: cfg.maxResponseRows, currencyCode: rt.config.pricing.currency, now: Date.now, ...(recommender === undefined ? {} : { recommender }), nodeSizing: { underusedPct: rc.nodeUnderusedPct, headroomPct: rc.nodeHeadroomPct }, live, ui: cfg.ui, budgets: rt.config.budgets, alerts },
        cfg.host,
        cfg.port,
        () => !rt.nc.isClosed(),
        rt.config.http,
      );
      metrics.up(true);
      log.info("serving the query API", { url: `http://${cfg.host}:${server.port}/allocation`, ...(cfg.ui ? { ui: `http://${cfg.host}:${server.port}/ui/` } : {}) });
    },
    stop: async () => {
      for (const s of subscriptions.splice(0)) s.unsubscribe();
      await learning?.stop();
      live.close();
      await server?.close();
      files?.close();
      metrics.up(false);
    },
  };
}
