import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { DeliverPolicy, type JsMsg } from "@nats-io/jetstream";
import { stringify } from "yaml";
import { NodeAgent } from "../../agents/node/agent.ts";
import { KubeSource, kubeAccessFrom } from "../../agents/node/kube.ts";
import { follow } from "../../bus/follow.ts";
import { openRuntime, type Runtime } from "../../bus/runtime.ts";
import type { Stage } from "../../bus/stage-types.ts";
import { STREAMS, subjects } from "../../bus/subjects.ts";
import type { Config } from "../../config/schema.ts";
import { createPricer } from "../../processors/pricer/stage.ts";
import { createRollup } from "../../processors/rollup/stage.ts";
import { createAnomalies } from "../../processors/anomalies/stage.ts";
import { createSavings } from "../../processors/savings/stage.ts";
import type { Scenario } from "../../sim/scenario.ts";
import { startSim, type SimServer } from "../../sim/server.ts";
import { createPrometheusSink } from "../../sinks/prometheus/stage.ts";
import type { Logger } from "../../telemetry/log.ts";
import { Telemetry } from "../../telemetry/metrics.ts";
import { LiveModel } from "./live-model.ts";
import { demoClusterNames, federatedTopology, singleTopology } from "./topology.ts";
import { createApi } from "../../api/stage.ts";
import { RollupAssembler } from "../../processors/rollup/parts.ts";

export interface DemoHandles {
  /** The NATS the central stages use (the hub when federated). */
  natsUrl: string;
  clusters: string[];
  /** The first cluster's simulator (kubectl cost reaches the API through it). */
  sim: SimServer;
  rt: Runtime;
  stages: Stage[];
  model: LiveModel;
  metricsUrl: string;
  apiUrl: string;
  /** A kubeconfig for the simulated cluster (removed on stop). */
  kubeconfig: string;
  stop(): Promise<void>;
}

const days = new RollupAssembler();

/** Writes a kubeconfig whose current context is the simulated cluster. */
function writeKubeconfig(server: string, cluster: string): string {
  const dir = mkdtempSync(join(tmpdir(), "kce-demo-"));
  const path = join(dir, "kubeconfig");
  writeFileSync(
    path,
    stringify({
      apiVersion: "v1",
      kind: "Config",
      clusters: [{ name: cluster, cluster: { server, "insecure-skip-tls-verify": true } }],
      users: [{ name: "demo", user: {} }],
      contexts: [{ name: cluster, context: { cluster, user: "demo" } }],
      "current-context": cluster,
    }),
  );
  return path;
}

/** Feeds the live table; a bad event is skipped (the pipeline dead-letters it anyway). */
function applier(rt: Runtime, model: LiveModel, log: Logger): (msg: JsMsg) => Promise<void> {
  return async (msg) => {
    try {
      if (msg.subject.startsWith("kce.priced.")) model.applyPriced(await rt.codecs.pricedView.decode(msg.data, msg.headers));
      else if (msg.subject.startsWith("kce.anomalies.")) model.applyAnomaly(await rt.codecs.anomaly.decode(msg.data, msg.headers));
      else if (msg.subject.startsWith("kce.rollup.")) {
        const whole = days.add(await rt.codecs.rollup.decode(msg.data, msg.headers));
        if (whole !== undefined) model.applyRollup(whole);
      } else model.applySavings(await rt.codecs.savings.decode(msg.data, msg.headers));
    } catch (error) {
      log.warn("live table skipped an event", { subject: msg.subject, error });
    }
  };
}

/**
 * Starts the whole demo: private NATS (one server, or with `clusters` > 1 a hub and one leaf per
 * cluster rendered as `kce federation render` does), one Kubernetes API simulator and one agent per
 * simulated node for each cluster, every central stage, plus a live model for the screen. `stop()`
 * undoes all of it, in reverse order, and removes the temporary JetStream stores.
 */
export async function startDemo(config: Config, scenario: Scenario, log: Logger, natsBin?: string, clusterCount = 1): Promise<DemoHandles> {
  const names = demoClusterNames(clusterCount, scenario.cluster);
  const topology = clusterCount > 1 ? await federatedTopology(config, names, natsBin) : await singleTopology(config, scenario.cluster, natsBin);
  const cleanups: Array<() => Promise<void>> = [() => topology.stop()];
  const stopAll = async () => {
    for (const cleanup of cleanups.reverse()) await cleanup().catch((error: unknown) => log.warn("cleanup failed", { error }));
  };
  try {
    const cfg = topology.central;
    const telemetry = new Telemetry();
    // One connection per stage, as `kce all` does (see cli/lifecycle.ts); each cluster's agents share one.
    const connect = async (name: string, stageConfig: Config = cfg): Promise<Runtime> => {
      const runtime = await openRuntime(stageConfig, `kce-demo-${name}`, telemetry, log);
      cleanups.push(() => runtime.close());
      return runtime;
    };
    const rt = await connect("view");
    const stages: Stage[] = [createPricer(await connect("pricer")), await createRollup(await connect("rollup")), createSavings(await connect("savings"))];
    if (cfg.anomalies.enabled) stages.push(createAnomalies(await connect("anomalies")));
    const sink = createPrometheusSink(await connect("sink"));
    const api = createApi(await connect("api"));
    stages.push(sink, api);
    const sims: SimServer[] = [];
    for (const [i, cluster] of topology.clusters.entries()) {
      const sim = await startSim({ scenario: { ...scenario, cluster: cluster.name, seed: scenario.seed + i } });
      cleanups.push(() => sim.close());
      sims.push(sim);
      const agents = await connect(`agents-${cluster.name}`, cluster.config);
      const kube = kubeAccessFrom({ server: sim.url });
      for (const node of scenario.nodes) stages.push(new NodeAgent(agents, new KubeSource(kube), { nodeName: node.name }));
    }
    for (const stage of stages) {
      await stage.start();
      cleanups.push(() => stage.stop());
    }
    const model = new LiveModel();
    model.recommendations = () => api.recommendations();
    const apply = applier(rt, model, log);
    const views = [
      follow(rt, { stream: STREAMS.priced, filterSubject: subjects.streamFilter.priced, deliverPolicy: DeliverPolicy.LastPerSubject }, apply, log),
      follow(rt, { stream: STREAMS.rollup, filterSubject: "kce.rollup.1d.>", deliverPolicy: DeliverPolicy.All }, apply, log),
      follow(rt, { stream: STREAMS.savings, filterSubject: subjects.streamFilter.savings, deliverPolicy: DeliverPolicy.All }, apply, log),
      follow(rt, { stream: STREAMS.anomalies, filterSubject: subjects.streamFilter.anomalies, deliverPolicy: DeliverPolicy.All }, apply, log),
    ];
    cleanups.push(async () => views.forEach((v) => v.unsubscribe()));
    const host = cfg.sinks.prometheus.host === "0.0.0.0" ? "127.0.0.1" : cfg.sinks.prometheus.host;
    const apiHost = cfg.api.host === "0.0.0.0" ? "127.0.0.1" : cfg.api.host;
    const sim = sims[0];
    if (sim === undefined) throw new Error("no simulated cluster");
    // Like an in-cluster install: kubectl cost reaches the API through the API server's service proxy.
    sim.addService("kube-cost", "kube-cost-exporter-api", 9003, `http://${apiHost}:${api.port}`);
    const kubeconfig = writeKubeconfig(sim.url, names[0] ?? scenario.cluster);
    cleanups.push(async () => rmSync(dirname(kubeconfig), { recursive: true, force: true }));
    return {
      natsUrl: topology.natsUrl,
      clusters: names,
      sim,
      rt,
      stages,
      model,
      metricsUrl: `http://${host}:${sink.port}${cfg.sinks.prometheus.path}`,
      apiUrl: `http://${apiHost}:${api.port}`,
      kubeconfig,
      stop: stopAll,
    };
  } catch (error) {
    await stopAll();
    throw error;
  }
}
