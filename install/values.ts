/**
 * The values `kce install` renders manifests from: what differs between clusters, nothing more.
 * Everything else is the kce config (`config:`), passed through into the ConfigMap.
 */
import * as z from "../model/zod.ts";

const resources = z.strictObject({
  requests: z.strictObject({ cpu: z.string(), memory: z.string() }),
  limits: z.strictObject({ cpu: z.string(), memory: z.string() }),
});

export const valuesSchema = z.strictObject({
  namespace: z._default(z.string().check(z.regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/)), "kube-cost").check(z.describe("namespace of every object")),
  name: z._default(z.string().check(z.regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/)), "kube-cost-exporter").check(z.describe("name prefix of every object")),
  image: z._default(z.string().check(z.minLength(1)), "ghcr.io/kube-cost-exporter/kce:0.1.0").check(z.describe("container image (pinned tag or digest)")),
  imagePullPolicy: z._default(z.enum(["IfNotPresent", "Always", "Never"]), "IfNotPresent"),
  cluster: z._default(z.string().check(z.minLength(1)), "default").check(z.describe("this cluster's name")),
  role: z._default(z.enum(["single", "hub", "leaf"]), "single").check(z.describe("single = agents + central; hub = central only (many clusters); leaf = agents only")),
  cloudProvider: z._default(z.enum(["none", "aws", "gcp", "azure"]), "none").check(z.describe("live prices and cloud identity")),
  aws: z.prefault(z.strictObject({ irsaRoleArn: z.optional(z.string()) }), {}),
  gcp: z.prefault(z.strictObject({ serviceAccount: z.optional(z.string()) }), {}),
  azure: z.prefault(z.strictObject({ clientId: z.optional(z.string()), subscriptionId: z.optional(z.string()) }), {}),
  nats: z.prefault(z.strictObject({
    url: z._default(z.string(), "nats://nats.kube-cost.svc:4222").check(z.describe("NATS of this cluster (its leaf when federated)")),
    credentialsSecret: z.optional(z.string()).check(z.describe("Secret with a `creds` key (a .creds file), mounted at /etc/kce-nats")),
    userSecret: z.optional(z.string()).check(z.describe("Secret with `user` and `password` keys (the NATS chart's accounts), passed as KCE_NATS__USER/KCE_NATS__PASS")),
    agentUserSecret: z.optional(z.string()).check(z.describe("the same for the agents (a user that may only publish usage); default: userSecret")),
    tlsSecret: z.optional(z.string()).check(z.describe("Secret with ca.crt (and tls.crt/tls.key for mutual TLS), mounted at /etc/kce/nats-tls")),
  }), {}),
  central: z.prefault(z.strictObject({
    mode: z._default(z.enum(["all", "split"]), "all").check(z.describe("all = one Deployment running `kce all`; split = one Deployment per stage")),
    pricerReplicas: z._default(z.int().check(z.minimum(1)), 2),
    // kce all at 10,000 pods: 540 MB after 24 h of event time (BENCHMARKS.md "Steady state").
    resources: z._default(resources, { requests: { cpu: "250m", memory: "768Mi" }, limits: { cpu: "2", memory: "2Gi" } }).check(z.describe("kce all (mode all), and a split stage without its own entry in stageResources or STAGE_RESOURCES")),
    stageResources: z._default(z.partialRecord(z.enum(["pricer", "rollup", "savings", "anomalies", "sink-prometheus", "api"]), resources), {}).check(z.describe("requests/limits per stage in split mode, over the defaults sized from the steady bench at 10,000 pods (install/objects.ts STAGE_RESOURCES)")),
    spillSizeLimit: z._default(z.string(), "4Gi").check(z.describe("size of the emptyDir mounted at /var/cache/kce for the query API's spilled windows (the install sets config.api.spillDir to /var/cache/kce/api; ≈ 2 MB a window at 10,000 pods: 35 days + 48 hours ≈ 170 MB)")),
  }), {}),
  agent: z.prefault(z.strictObject({
    resources: z._default(resources, { requests: { cpu: "20m", memory: "128Mi" }, limits: { cpu: "200m", memory: "256Mi" } }),
  }), {}),
  metricsPort: z._default(z.int().check(z.minimum(1), z.maximum(65535)), 9090),
  apiPort: z._default(z.int().check(z.minimum(1), z.maximum(65535)), 9003),
  prometheus: z.prefault(z.strictObject({ serviceMonitor: z._default(z.boolean(), true), prometheusRule: z._default(z.boolean(), true), interval: z._default(z.string(), "60s") }), {}),
  networkPolicy: z._default(z.boolean(), true),
  http: z.prefault(z.strictObject({
    secret: z.optional(z.string()).check(z.describe("Secret mounted at /etc/kce-http: tls.crt/tls.key (a cert-manager Certificate) and/or `token`")),
    tls: z._default(z.boolean(), false).check(z.describe("serve /metrics and the API over HTTPS with the Secret's tls.crt/tls.key")),
    bearerToken: z._default(z.boolean(), false).check(z.describe("require the Secret's `token` as a bearer token (Prometheus gets it through the ServiceMonitor)")),
  }), {}),
  config: z._default(z.record(z.string(), z.unknown()), {}).check(z.describe("extra kce config, merged into the ConfigMap")),
});

export type InstallValues = z.infer<typeof valuesSchema>;

/** The values file is missing or invalid; the message names the key. */
export class ValuesError extends Error {
  override readonly name = "ValuesError";
}

