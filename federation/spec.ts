/**
 * The small YAML an operator writes to describe a federation: one hub, N workload clusters. `kce
 * federation render` turns it into every nats-server config and kce config the topology needs.
 */
import { z } from "zod";

const port = z.number().int().min(1).max(65535);
const name = z.string().min(1).max(253);
const domain = z.string().regex(/^[A-Za-z0-9_-]+$/, "letters, digits, - and _ only");

const hub = z
  .strictObject({
    name: z.string().regex(/^[A-Za-z0-9_-]+$/).default("hub").describe("server_name of the hub"),
    listen: z.string().default("0.0.0.0").describe("address the hub listens on"),
    address: z.string().default("127.0.0.1").describe("address leaves and central stages dial (a DNS name in production)"),
    port: port.default(4222).describe("client port"),
    leafPort: port.default(7422).describe("leafnode port leaves connect to"),
    httpPort: port.optional().describe("monitoring port (/leafz, /jsz)"),
    domain: domain.default("hub").describe("the hub's JetStream domain"),
    storeDir: z.string().default("./data").describe("JetStream store directory"),
  })
  .prefault({});

const cluster = z.strictObject({
  name: name.describe("cluster name, as its agents' `cluster` setting"),
  domain: domain.optional().describe("JetStream domain of its leaf server (default: the name)"),
  listen: z.string().default("0.0.0.0").describe("address the leaf server listens on"),
  address: z.string().default("127.0.0.1").describe("address the cluster's agents dial"),
  port: port.default(4222).describe("client port of the leaf server"),
  httpPort: port.optional().describe("monitoring port"),
  storeDir: z.string().default("./data").describe("JetStream store directory"),
});

export const federationSpecSchema = z.strictObject({
  mode: z.enum(["central", "per-cluster"]).default("central").describe("central: leaves forward usage; per-cluster: leaves run the pipeline and forward its results"),
  account: z.string().regex(/^[A-Za-z0-9_-]+$/).default("KCE").describe("NATS account bridged between leaves and hub"),
  hub,
  clusters: z.array(cluster).min(1).describe("workload clusters, one leaf server each"),
});

export type FederationSpec = z.infer<typeof federationSpecSchema>;
export type ClusterSpec = FederationSpec["clusters"][number];

/** Passwords of the rendered users; kept beside the rendered files and reused on every render. */
export interface FederationSecrets {
  hub: { kce: string };
  clusters: Record<string, { leaf: string; kce: string }>;
}
