/**
 * The values `kce install` renders manifests from: what differs between clusters, nothing more.
 * Everything else is the kce config (`config:`), passed through into the ConfigMap.
 */
import { z } from "zod";

const resources = z.strictObject({
  requests: z.strictObject({ cpu: z.string(), memory: z.string() }),
  limits: z.strictObject({ cpu: z.string(), memory: z.string() }),
});

export const valuesSchema = z.strictObject({
  namespace: z.string().regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/).default("kube-cost").describe("namespace of every object"),
  name: z.string().regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/).default("kube-cost-exporter").describe("name prefix of every object"),
  image: z.string().min(1).default("ghcr.io/kube-cost-exporter/kce:0.1.0").describe("container image (pinned tag or digest)"),
  imagePullPolicy: z.enum(["IfNotPresent", "Always", "Never"]).default("IfNotPresent"),
  cluster: z.string().min(1).default("default").describe("this cluster's name"),
  role: z.enum(["single", "hub", "leaf"]).default("single").describe("single = agents + central; hub = central only (many clusters); leaf = agents only"),
  cloudProvider: z.enum(["none", "aws", "gcp", "azure"]).default("none").describe("live prices and cloud identity"),
  aws: z.strictObject({ irsaRoleArn: z.string().optional() }).prefault({}),
  gcp: z.strictObject({ serviceAccount: z.string().optional() }).prefault({}),
  azure: z.strictObject({ clientId: z.string().optional(), subscriptionId: z.string().optional() }).prefault({}),
  nats: z
    .strictObject({
      url: z.string().default("nats://nats.kube-cost.svc:4222").describe("NATS of this cluster (its leaf when federated)"),
      credentialsSecret: z.string().optional().describe("Secret with a `creds` key (a .creds file), mounted at /etc/kce-nats"),
      userSecret: z.string().optional().describe("Secret with `user` and `password` keys (the NATS chart's accounts), passed as KCE_NATS__USER/KCE_NATS__PASS"),
      agentUserSecret: z.string().optional().describe("the same for the agents (a user that may only publish usage); default: userSecret"),
      tlsSecret: z.string().optional().describe("Secret with ca.crt (and tls.crt/tls.key for mutual TLS), mounted at /etc/kce/nats-tls"),
    })
    .prefault({}),
  central: z
    .strictObject({
      mode: z.enum(["all", "split"]).default("all").describe("all = one Deployment running `kce all`; split = one Deployment per stage"),
      pricerReplicas: z.number().int().min(1).default(2),
      // kce all at 10,000 pods: 540 MB after 24 h of event time (BENCHMARKS.md "Steady state").
      resources: resources.default({ requests: { cpu: "250m", memory: "768Mi" }, limits: { cpu: "2", memory: "2Gi" } }).describe("kce all (mode all), and a split stage without its own entry in stageResources or STAGE_RESOURCES"),
      stageResources: z.partialRecord(z.enum(["pricer", "rollup", "savings", "anomalies", "sink-prometheus", "api"]), resources).default({}).describe("requests/limits per stage in split mode, over the defaults sized from the steady bench at 10,000 pods (install/objects.ts STAGE_RESOURCES)"),
      spillSizeLimit: z.string().default("4Gi").describe("size of the emptyDir mounted at /var/cache/kce for the query API's spilled windows (the install sets config.api.spillDir to /var/cache/kce/api; ≈ 2 MB a window at 10,000 pods: 35 days + 48 hours ≈ 170 MB)"),
    })
    .prefault({}),
  agent: z
    .strictObject({
      resources: resources.default({ requests: { cpu: "20m", memory: "128Mi" }, limits: { cpu: "200m", memory: "256Mi" } }),
    })
    .prefault({}),
  metricsPort: z.number().int().min(1).max(65535).default(9090),
  apiPort: z.number().int().min(1).max(65535).default(9003),
  prometheus: z.strictObject({ serviceMonitor: z.boolean().default(true), prometheusRule: z.boolean().default(true), interval: z.string().default("60s") }).prefault({}),
  networkPolicy: z.boolean().default(true),
  http: z
    .strictObject({
      secret: z.string().optional().describe("Secret mounted at /etc/kce-http: tls.crt/tls.key (a cert-manager Certificate) and/or `token`"),
      tls: z.boolean().default(false).describe("serve /metrics and the API over HTTPS with the Secret's tls.crt/tls.key"),
      bearerToken: z.boolean().default(false).describe("require the Secret's `token` as a bearer token (Prometheus gets it through the ServiceMonitor)"),
    })
    .prefault({}),
  config: z.record(z.string(), z.unknown()).default({}).describe("extra kce config, merged into the ConfigMap"),
});

export type InstallValues = z.infer<typeof valuesSchema>;

/** The values file is missing or invalid; the message names the key. */
export class ValuesError extends Error {
  override readonly name = "ValuesError";
}

