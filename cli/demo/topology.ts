import { join } from "node:path";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { parse } from "yaml";
import { deepMerge, validateConfig } from "../../config/load.ts";
import type { Config } from "../../config/schema.ts";
import { parseFederationSpec } from "../../federation/files.ts";
import { clusterFileToken, completeSecrets, renderFederation } from "../../federation/render.ts";
import { startNatsServer, type NatsServerHandle } from "../../local/nats-server.ts";
import { loopbackCluster, loopbackHub, startHubServer, startLeafServer } from "../../local/federation.ts";
import { randomBytes } from "node:crypto";

/** The NATS side of the demo: where the central stages and each cluster's agents connect. */
export interface DemoTopology {
  central: Config;
  clusters: Array<{ name: string; config: Config }>;
  /** The NATS URL shown on screen (the hub when federated). */
  natsUrl: string;
  servers: NatsServerHandle[];
  stop(): Promise<void>;
}

const CLUSTER_NAMES = ["us-east", "eu-west", "ap-south", "us-west", "eu-north", "sa-east"];

export function demoClusterNames(count: number, first: string): string[] {
  if (count === 1) return [first];
  return Array.from({ length: count }, (_, i) => CLUSTER_NAMES[i] ?? `cluster-${i + 1}`);
}

/** One private nats-server for a single-cluster demo. */
export async function singleTopology(config: Config, cluster: string, natsBin: string | undefined): Promise<DemoTopology> {
  const nats = await startNatsServer(natsBin === undefined ? {} : { bin: natsBin });
  const cfg: Config = { ...config, cluster, nats: { ...config.nats, servers: [nats.url] } };
  return { central: cfg, clusters: [{ name: cluster, config: cfg }], natsUrl: nats.url, servers: [nats], stop: () => nats.stop() };
}

/**
 * A hub and one leaf nats-server per cluster, from the configs `kce federation render` writes, in a
 * temp directory removed on stop.
 */
export async function federatedTopology(config: Config, names: string[], natsBin: string | undefined): Promise<DemoTopology> {
  const dir = mkdtempSync(join(tmpdir(), "kce-demo-federation-"));
  const servers: NatsServerHandle[] = [];
  const stop = async () => {
    for (const s of servers.reverse()) await s.stop();
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    const spec = parseFederationSpec({ hub: await loopbackHub(dir), clusters: await Promise.all(names.map((name) => loopbackCluster(dir, name))) }, "demo federation");
    const { files } = renderFederation(spec, completeSecrets(spec, undefined, () => randomBytes(12).toString("base64url")));
    for (const [name, content] of Object.entries(files)) writeFileSync(join(dir, name), content, { mode: 0o600 });
    servers.push(await startHubServer(dir, spec, natsBin));
    for (const c of spec.clusters) servers.push(await startLeafServer(dir, c, natsBin));
    const withRendered = (file: string): Config => {
      const rendered = parse(files[file] ?? "") as Record<string, unknown>;
      return validateConfig(deepMerge(JSON.parse(JSON.stringify(config)) as Record<string, unknown>, rendered));
    };
    return {
      central: withRendered("kce-hub.yaml"),
      clusters: names.map((name) => ({ name, config: withRendered(`kce-leaf-${clusterFileToken(name)}.yaml`) })),
      natsUrl: servers[0]?.url ?? "",
      servers,
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
