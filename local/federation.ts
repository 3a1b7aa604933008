import { join } from "node:path";
import { clusterFileToken } from "../federation/render.ts";
import type { ClusterSpec, FederationSpec } from "../federation/spec.ts";
import { startNatsServer, type NatsServerHandle } from "./nats-server.ts";
import { freePort } from "./ports.ts";

/**
 * A federation on this machine (demo, tests, benchmarks): the spec's hub and clusters on free
 * loopback ports with their stores under `dir`, and their nats-servers started from the configs
 * `kce federation render` wrote into `dir`.
 */
export async function loopbackHub(dir: string): Promise<Record<string, unknown>> {
  return { listen: "127.0.0.1", port: await freePort(), leafPort: await freePort(), httpPort: await freePort(), storeDir: join(dir, "store-hub") };
}

export async function loopbackCluster(dir: string, name: string): Promise<Record<string, unknown>> {
  return { name, listen: "127.0.0.1", port: await freePort(), storeDir: join(dir, `store-${clusterFileToken(name)}`) };
}

export function startHubServer(dir: string, spec: FederationSpec, bin?: string): Promise<NatsServerHandle> {
  return startNatsServer({ ...(bin === undefined ? {} : { bin }), port: spec.hub.port, storeDir: spec.hub.storeDir, args: ["-c", join(dir, "hub.conf")] });
}

export function startLeafServer(dir: string, cluster: ClusterSpec, bin?: string): Promise<NatsServerHandle> {
  return startNatsServer({ ...(bin === undefined ? {} : { bin }), port: cluster.port, storeDir: cluster.storeDir, args: ["-c", join(dir, `leaf-${clusterFileToken(cluster.name)}.conf`)] });
}
