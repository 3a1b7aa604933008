import { DeliverPolicy, type JsMsg } from "@nats-io/jetstream";
import { Kvm, type KV } from "@nats-io/kv";
import { concatMap, interval, type Subscription } from "rxjs";
import { follow } from "../../bus/follow.ts";
import type { Runtime } from "../../bus/runtime.ts";
import type { Stage } from "../../bus/stage-types.ts";
import { STREAMS, subjects } from "../../bus/subjects.ts";
import type { CostRollup, PricedSnapshot } from "../../model/events.ts";
import { RollupAssembler } from "../../processors/rollup/parts.ts";
import { alertKey, buildAlert, decide, observe, periodOf, type AlertState } from "./evaluator.ts";

export const BUDGETS_COMPONENT = "budgets";

/**
 * Evaluates the budget rules every `evaluateIntervalSeconds` and publishes BudgetAlerts to
 * `kce.alerts.<cluster>`. What it already said is kept in a KV bucket, so a restart or a
 * redelivery never raises the same alert twice.
 */
export function createBudgetEvaluator(rt: Runtime): Stage & { evaluate(nowMs?: number): Promise<number> } {
  const cfg = rt.config.sinks.webhook;
  const log = rt.log.child(BUDGETS_COMPONENT);
  const metrics = rt.telemetry.component(BUDGETS_COMPONENT);
  const latest = new Map<string, { snapshot: PricedSnapshot; seenAtMs: number }>();
  const days = new Map<string, CostRollup>();
  const assembler = new RollupAssembler();
  const subscriptions: Subscription[] = [];
  const staleMs = Math.max(180_000, rt.config.agent.intervalSeconds * 3000);
  let kv: KV | undefined;

  const apply = async (msg: JsMsg): Promise<void> => {
    try {
      if (msg.subject.startsWith("kce.priced.")) {
        const p = await rt.codecs.priced.decode(msg.data, msg.headers);
        const key = `${p.cluster}\u0000${p.node}`;
        const known = latest.get(key);
        if (known === undefined || known.snapshot.windowStartMs <= p.windowStartMs) latest.set(key, { snapshot: p, seenAtMs: Date.now() });
        return;
      }
      const whole = assembler.add(await rt.codecs.rollup.decode(msg.data, msg.headers));
      if (whole !== undefined) {
        const key = `${whole.cluster}\u0000${whole.windowStartMs}`;
        const known = days.get(key);
        if (known === undefined || known.rev < whole.rev) days.set(key, whole);
      }
    } catch (error) {
      metrics.error(error instanceof Error ? error.name : "unknown");
      log.warn("skipping undecodable event", { subject: msg.subject, error });
    }
  };

  /** One evaluation round; returns the number of alerts published. */
  const evaluate = async (nowMs: number = Date.now()): Promise<number> => {
    if (kv === undefined) return 0;
    const current = [...latest.values()].filter((e) => nowMs - e.seenAtMs <= staleMs).map((e) => e.snapshot);
    const month = [...days.values()].filter((d) => periodOf(d.windowStartMs) === periodOf(nowMs));
    let published = 0;
    for (const rule of rt.config.budgets) {
      const observation = observe(rule, current, month, nowMs);
      for (const basis of rule.basis) {
        const observed = basis === "runRate" ? observation.runRateHourly * 730 : observation.forecastMonthly;
        for (const thresholdPct of rule.thresholdsPct) {
          const key = alertKey(rule, thresholdPct, basis);
          const entry = await kv.get(key);
          const previous = entry === null || entry.operation !== "PUT" ? undefined : entry.json<AlertState>();
          const { decision, next } = decide(previous, periodOf(nowMs), observed, (rule.monthlyUsd * thresholdPct) / 100);
          if (decision !== "none") {
            const alert = buildAlert({ cluster: rt.config.cluster, rule, thresholdPct, basis, status: decision === "fire" ? "firing" : "resolved", observation, links: { dashboardUrl: cfg.dashboardUrl, publicUrl: rt.config.api.publicUrl }, nowMs });
            const { data, headers } = rt.codecs.alert.encode(alert);
            await rt.publisher.publish({ subject: subjects.alerts(rt.config.cluster), data, headers, msgId: alert.id });
            published += 1;
            metrics.sent();
            log.info(`budget alert ${alert.status}`, { rule: rule.name, basis, thresholdPct, observedMonthlyUsd: Math.round(observed * 100) / 100 });
          }
          if (previous === undefined || JSON.stringify(previous) !== JSON.stringify(next)) await kv.put(key, JSON.stringify(next));
        }
      }
    }
    return published;
  };

  return {
    name: BUDGETS_COMPONENT,
    evaluate,
    start: async () => {
      kv = await new Kvm(rt.nc).create(cfg.stateBucket, { replicas: rt.config.streams.replicas, history: 1 });
      subscriptions.push(follow(rt, { stream: STREAMS.priced, filterSubject: subjects.streamFilter.priced, deliverPolicy: DeliverPolicy.LastPerSubject }, apply, log));
      subscriptions.push(follow(rt, { stream: STREAMS.rollup, filterSubject: "kce.rollup.1d.>", deliverPolicy: DeliverPolicy.All }, apply, log));
      subscriptions.push(
        interval(cfg.evaluateIntervalSeconds * 1000)
          .pipe(concatMap(() => evaluate().catch((error: unknown) => (metrics.error("evaluate"), log.warn("budget evaluation failed", { error }), 0))))
          .subscribe(),
      );
      metrics.up(true);
      log.info("evaluating budgets", { rules: rt.config.budgets.length, everySeconds: cfg.evaluateIntervalSeconds });
    },
    stop: async () => {
      for (const s of subscriptions.splice(0)) s.unsubscribe();
      metrics.up(false);
    },
  };
}
