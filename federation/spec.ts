/**
 * The small YAML an operator writes to describe a federation: one hub, N workload clusters. `kce
 * federation render` turns it into every nats-server config and kce config the topology needs.
 */
import * as z from "../model/zod.ts";

const port = z.int().check(z.minimum(1), z.maximum(65535));
const name = z.string().check(z.minLength(1), z.maxLength(253));
const domain = z.string().check(z.regex(/^[A-Za-z0-9_-]+$/, "letters, digits, - and _ only"));

const hub = z.prefault(z.strictObject({
  name: z._default(z.string().check(z.regex(/^[A-Za-z0-9_-]+$/)), "hub").check(z.describe("server_name of the hub")),
  listen: z._default(z.string(), "0.0.0.0").check(z.describe("address the hub listens on")),
  address: z._default(z.string(), "127.0.0.1").check(z.describe("address leaves and central stages dial (a DNS name in production)")),
  port: z._default(port, 4222).check(z.describe("client port")),
  leafPort: z._default(port, 7422).check(z.describe("leafnode port leaves connect to")),
  httpPort: z.optional(port).check(z.describe("monitoring port (/leafz, /jsz)")),
  domain: z._default(domain, "hub").check(z.describe("the hub's JetStream domain")),
  storeDir: z._default(z.string(), "./data").check(z.describe("JetStream store directory")),
}), {});

const cluster = z.strictObject({
  name: name.check(z.describe("cluster name, as its agents' `cluster` setting")),
  domain: z.optional(domain).check(z.describe("JetStream domain of its leaf server (default: the name)")),
  listen: z._default(z.string(), "0.0.0.0").check(z.describe("address the leaf server listens on")),
  address: z._default(z.string(), "127.0.0.1").check(z.describe("address the cluster's agents dial")),
  port: z._default(port, 4222).check(z.describe("client port of the leaf server")),
  httpPort: z.optional(port).check(z.describe("monitoring port")),
  storeDir: z._default(z.string(), "./data").check(z.describe("JetStream store directory")),
});

export const federationSpecSchema = z.strictObject({
  mode: z._default(z.enum(["central", "per-cluster"]), "central").check(z.describe("central: leaves forward usage; per-cluster: leaves run the pipeline and forward its results")),
  account: z._default(z.string().check(z.regex(/^[A-Za-z0-9_-]+$/)), "KCE").check(z.describe("NATS account bridged between leaves and hub")),
  hub,
  clusters: z.array(cluster).check(z.minLength(1), z.describe("workload clusters, one leaf server each")),
});

export type FederationSpec = z.infer<typeof federationSpecSchema>;
export type ClusterSpec = FederationSpec["clusters"][number];

/** Passwords of the rendered users; kept beside the rendered files and reused on every render. */
export interface FederationSecrets {
  hub: { kce: string };
  clusters: Record<string, { leaf: string; kce: string }>;
}
