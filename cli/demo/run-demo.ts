import { DeliverPolicy, type JsMsg } from "@nats-io/jetstream";
import { concatMap, defer, retry, timer, type Subscription } from "rxjs";
import { NodeAgent } from "../../agents/node/agent.ts";
import { KubeSource, kubeConfigFrom } from "../../agents/node/kube.ts";
import { ordered$ } from "../../bus/ordered.ts";
import { openRuntime, type Runtime } from "../../bus/runtime.ts";
import type { Stage } from "../../bus/stage-types.ts";
import { STREAMS, subjects } from "../../bus/subjects.ts";
import type { Config } from "../../config/schema.ts";
import { startNatsServer, type NatsServerHandle } from "../../local/nats-server.ts";
import { createPriceBook } from "../../pricing/index.ts";
import { createPricer } from "../../processors/pricer/stage.ts";
import { createRollup } from "../../processors/rollup/stage.ts";
import { createSavings } from "../../processors/savings/stage.ts";
import type { Scenario } from "../../sim/scenario.ts";
import { startSim, type SimServer } from "../../sim/server.ts";
import { createPrometheusSink } from "../../sinks/prometheus/stage.ts";
import type { Logger } from "../../telemetry/log.ts";
import { Telemetry } from "../../telemetry/metrics.ts";
import { LiveModel } from "./live-model.ts";
import { RollupAssembler } from "../../processors/rollup/parts.ts";

export interface DemoHandles {
  nats: NatsServerHandle;
  sim: SimServer;
  rt: Runtime;
  stages: Stage[];
  model: LiveModel;
  metricsUrl: string;
  stop(): Promise<void>;
}

const days = new RollupAssembler();

function follow(rt: Runtime, model: LiveModel, stream: string, filterSubject: string, deliverPolicy: DeliverPolicy, startTime?: Date): Subscription {
  const apply = async (msg: JsMsg): Promise<void> => {
    if (msg.subject.startsWith("kce.priced.")) model.applyPriced(await rt.codecs.pricedView.decode(msg.data, msg.headers));
    else if (msg.subject.startsWith("kce.rollup.")) {
      const whole = days.add(await rt.codecs.rollup.decode(msg.data, msg.headers));
      if (whole !== undefined) model.applyRollup(whole);
    }
    else model.applySavings(await rt.codecs.savings.decode(msg.data, msg.headers));
  };
  return defer(() => ordered$(rt.js, startTime === undefined ? { stream, filterSubject, deliverPolicy } : { stream, filterSubject, deliverPolicy, startTime }))
    .pipe(concatMap(apply), retry({ delay: () => timer(1000) }))
    .subscribe();
}

/**
 * Starts the whole demo: a private nats-server, the Kubernetes API simulator, one agent per
 * simulated node and every central stage, plus a live model for the screen. `stop()` undoes all
 * of it, in reverse order, and removes the temporary JetStream store.
 */
export async function startDemo(config: Config, scenario: Scenario, log: Logger, natsBin?: string): Promise<DemoHandles> {
  const nats = await startNatsServer(natsBin === undefined ? {} : { bin: natsBin });
  const cleanups: Array<() => Promise<void>> = [() => nats.stop()];
  const stopAll = async () => {
    for (const cleanup of cleanups.reverse()) await cleanup().catch((error: unknown) => log.warn("cleanup failed", { error }));
  };
  try {
    const sim = await startSim({ scenario });
    cleanups.push(() => sim.close());
    const cfg: Config = { ...config, cluster: scenario.cluster, nats: { ...config.nats, servers: [nats.url] } };
    const rt = await openRuntime(cfg, "kce-demo", new Telemetry(), log);
    cleanups.push(() => rt.close());
    const stages: Stage[] = [createPricer(rt, createPriceBook(cfg.pricing)), await createRollup(rt), createSavings(rt)];
    const sink = createPrometheusSink(rt);
    stages.push(sink);
    const kubeConfig = kubeConfigFrom({ server: sim.url });
    for (const node of scenario.nodes) stages.push(new NodeAgent(rt, new KubeSource(kubeConfig), { nodeName: node.name }));
    for (const stage of stages) {
      await stage.start();
      cleanups.push(() => stage.stop());
    }
    const model = new LiveModel();
    const views = [
      follow(rt, model, STREAMS.priced, subjects.streamFilter.priced, DeliverPolicy.LastPerSubject),
      follow(rt, model, STREAMS.rollup, "kce.rollup.1d.>", DeliverPolicy.StartTime, new Date(Date.now() - 86_400_000)),
      follow(rt, model, STREAMS.savings, subjects.streamFilter.savings, DeliverPolicy.All),
    ];
    cleanups.push(async () => views.forEach((v) => v.unsubscribe()));
    const host = cfg.sinks.prometheus.host === "0.0.0.0" ? "127.0.0.1" : cfg.sinks.prometheus.host;
    return { nats, sim, rt, stages, model, metricsUrl: `http://${host}:${sink.port}${cfg.sinks.prometheus.path}`, stop: stopAll };
  } catch (error) {
    await stopAll();
    throw error;
  }
}
