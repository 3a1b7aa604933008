import * as z from "../model/zod.ts";

/**
 * The one configuration schema. Every key, its type and its default live here; component READMEs
 * and `kce config --print-defaults` are derived from it. Objects are strict: an unknown key fails
 * start-up with a message naming it.
 */

const positiveInt = z.int().check(z.positive());

/**
 * Pod labels forwarded by default: the ones cost is usually allocated by. Like kube-state-metrics'
 * label allowlist, this keeps events small and keeps incidental labels (hashes, versions) out.
 */
export const DEFAULT_POD_LABELS = [
  "app", "app.kubernetes.io/name", "app.kubernetes.io/instance", "app.kubernetes.io/component", "app.kubernetes.io/part-of",
  "team", "owner", "cost-center", "costcenter", "department", "project", "product", "environment", "env", "tier", "component",
] as const;
const money = z.number().check(z.nonnegative());

const nats = z.prefault(z.strictObject({
  servers: z._default(z.array(z.string().check(z.minLength(1))).check(z.minLength(1)), ["nats://127.0.0.1:4222"]).check(z.describe("NATS server URLs")),
  name: z.optional(z.string()).check(z.describe("client connection name (default kce-<command>)")),
  user: z.optional(z.string()).check(z.describe("user name (with pass)")),
  pass: z.optional(z.string()).check(z.describe("password")),
  token: z.optional(z.string()).check(z.describe("auth token")),
  credsFile: z.optional(z.string()).check(z.describe("path of a NATS .creds file (JWT + NKEY)")),
  nkeySeedFile: z.optional(z.string()).check(z.describe("path of an NKEY seed file (SU…) for NKEY authentication")),
  tls: z.optional(z.strictObject({
    caFile: z.optional(z.string()).check(z.describe("CA bundle that signed the server's certificate")),
    certFile: z.optional(z.string()).check(z.describe("client certificate (mutual TLS)")),
    keyFile: z.optional(z.string()).check(z.describe("client key (mutual TLS)")),
  })).check(z.describe("connect with TLS (servers given as nats:// or tls:// URLs)")),
  connectTimeoutMs: z._default(positiveInt, 5000).check(z.describe("first-connection timeout, ms")),
  reconnectTimeWaitMs: z._default(positiveInt, 1000).check(z.describe("wait between reconnect attempts, ms")),
  maxReconnectAttempts: z._default(z.int().check(z.minimum(-1)), -1).check(z.describe("reconnect attempts; -1 = forever")),
  startupWaitSeconds: z._default(z.int().check(z.minimum(0)), 300).check(z.describe("how long a process starting while NATS is down waits for it (with backoff) before exiting, s")),
  publishTimeoutMs: z._default(positiveInt, 5000).check(z.describe("how long to wait for a PubAck, ms")),
}), {});

const streams = z.prefault(z.strictObject({
  replicas: z._default(z.int().check(z.minimum(1), z.maximum(5)), 1).check(z.describe("stream replicas (3 in production clusters)")),
  storage: z._default(z.enum(["file", "memory"]), "file").check(z.describe("JetStream storage")),
  duplicateWindowSeconds: z._default(positiveInt, 600).check(z.describe("window in which a repeated Nats-Msg-Id is dropped, s")),
  maxAgeHours: z.prefault(z.strictObject({
    usage: z._default(positiveInt, 48).check(z.describe("KCE_USAGE retention, hours")),
    priced: z._default(positiveInt, 48).check(z.describe("KCE_PRICED retention, hours")),
    rollup: z._default(positiveInt, 840).check(z.describe("KCE_ROLLUP retention, hours (35 days)")),
    savings: z._default(positiveInt, 840).check(z.describe("KCE_SAVINGS retention, hours")),
    alerts: z._default(positiveInt, 840).check(z.describe("KCE_ALERTS retention, hours")),
    anomalies: z._default(positiveInt, 840).check(z.describe("KCE_ANOMALIES retention, hours")),
    dlq: z._default(positiveInt, 336).check(z.describe("KCE_DLQ retention, hours (14 days)")),
  }), {}),
}), {});

const consumer = z.prefault(z.strictObject({
  maxInFlight: z._default(z.int().check(z.minimum(1), z.maximum(100_000)), 512).check(z.describe("unacked messages per consumer (max_ack_pending)")),
  ackWaitSeconds: z._default(positiveInt, 30).check(z.describe("redelivery after this long without an ack, s")),
  maxDeliver: z._default(z.int().check(z.minimum(0)), 10).check(z.describe("attempts before a failing message is dead-lettered; 0 = retry forever")),
  nakDelayMs: z._default(positiveInt, 1000).check(z.describe("first retry delay (doubles per attempt, ±20 % jitter), ms")),
}), {});

const agent = z.prefault(z.strictObject({
  node: z.optional(z.string()).check(z.describe("the node this agent reports (from the downward API in a DaemonSet)")),
  kubernetes: z.prefault(z.strictObject({
    server: z.optional(z.string()).check(z.describe("Kubernetes API URL (default: in-cluster, then kubeconfig)")),
    kubeconfig: z.optional(z.string()).check(z.describe("kubeconfig file")),
    context: z.optional(z.string()).check(z.describe("kubeconfig context")),
  }), {}),
  intervalSeconds: z._default(z.int().check(z.minimum(1), z.maximum(3600), z.refine((s) => 3600 % s === 0, "must divide 3600 (1, 2, 3, 4, 5, 6, 10, 12, 15, 20, 30, 60, … s) so windows nest into hours")), 60).check(z.describe("publish one snapshot per node per interval, s")),
  spotLabels: z._default(z.array(z.string().check(z.regex(/^[^=\s]+=[^=\s]*$/, "must be name=value, e.g. kops.k8s.io/instancegroup=spotinstance-nodes"))), []).check(z.describe("node labels (name=value) that mark spot nodes, beside the built-in EKS, Karpenter, GKE and AKS labels (OpenCost's spotLabel/spotLabelValue)")),
  samplesPerInterval: z._default(z.int().check(z.minimum(1), z.maximum(60)), 4).check(z.describe("Summary API samples per interval (memory avg/max)")),
  maxBackfillWindows: z._default(z.int().check(z.minimum(0), z.maximum(10_000)), 60).check(z.describe("windows rebuilt after an agent restart gap")),
  summaryTimeoutMs: z._default(positiveInt, 5000).check(z.describe("timeout of one /stats/summary read, ms")),
  stateBucket: z._default(z.string(), "KCE_AGENT_STATE").check(z.describe("KV bucket of agent counters (resume after restart)")),
  volumeInventory: z.prefault(z.strictObject({
    enabled: z._default(z.boolean(), true).check(z.describe("one agent (the lease holder) publishes every PersistentVolume of the cluster each window, so storage is charged once: shared volumes split among all their pods, unmounted ones as __unmounted__")),
    leaseBucket: z._default(z.string(), "KCE_AGENT_LEASE").check(z.describe("KV bucket of the lease that picks the agent publishing the inventory")),
    leaseSeconds: z._default(z.int().check(z.minimum(2), z.maximum(300)), 30).check(z.describe("lease lifetime without renewal, s: another agent takes over about this long after the holder dies")),
  }), {}),
  podLabels: z._default(z.array(z.string().check(z.minLength(1))), [...DEFAULT_POD_LABELS]).check(z.describe('pod labels the agent forwards (a trailing * matches a prefix; ["*"] = all)')),
  scrub: z.optional(z.strictObject({
    keyFile: z.string().check(z.minLength(1), z.describe("file with a secret key (≥ 16 random bytes; the same on every node)")),
    namespaces: z._default(z.boolean(), false).check(z.describe("also replace namespace names")),
  })).check(z.describe("replace pod names (and optionally namespaces) by a stable keyed hash before events leave the node")),
}), {});

const pricingDefaults = z.prefault(z.strictObject({
  cpuCoreHour: z._default(money, 0.031611).check(z.describe("USD per core-hour, to split prices and price unknown types")),
  ramGiBHour: z._default(money, 0.004237).check(z.describe("USD per GiB-hour")),
  gpuHour: z._default(money, 0.95).check(z.describe("USD per GPU-hour")),
  spotCpuCoreHour: z._default(money, 0.006655).check(z.describe("USD per spot core-hour (unknown spot types)")),
  spotRamGiBHour: z._default(money, 0.000892).check(z.describe("USD per spot GiB-hour")),
  storageGiBMonth: z._default(money, 0.04).check(z.describe("USD per GiB-month of unknown storage classes")),
  zoneEgressGiB: z._default(money, 0.01).check(z.describe("USD per GiB, cross-zone egress")),
  regionEgressGiB: z._default(money, 0.01).check(z.describe("USD per GiB, cross-region egress")),
  internetEgressGiB: z._default(money, 0.12).check(z.describe("USD per GiB, internet egress")),
}), {});

/** A cloud's own default rates on top of `pricing.defaults`; any key left out keeps the general default. */
const cloudRates = z.strictObject({
  cpuCoreHour: z.optional(money).check(z.describe("USD per core-hour (as pricing.defaults.cpuCoreHour)")),
  ramGiBHour: z.optional(money).check(z.describe("USD per GiB-hour")),
  gpuHour: z.optional(money).check(z.describe("USD per GPU-hour")),
  spotCpuCoreHour: z.optional(money).check(z.describe("USD per spot core-hour")),
  spotRamGiBHour: z.optional(money).check(z.describe("USD per spot GiB-hour")),
  storageGiBMonth: z.optional(money).check(z.describe("USD per GiB-month of unknown storage classes")),
  zoneEgressGiB: z.optional(money).check(z.describe("USD per GiB, cross-zone egress")),
  regionEgressGiB: z.optional(money).check(z.describe("USD per GiB, cross-region egress")),
  internetEgressGiB: z.optional(money).check(z.describe("USD per GiB, internet egress")),
});

/** OpenCost's per-cloud defaults (opencost/opencost configs/aws.json and azure.json). */
const cloudDefaults = z.prefault(z.strictObject({
  aws: z._default(cloudRates, { internetEgressGiB: 0.143 }).check(z.describe("AWS defaults (OpenCost configs/aws.json: internet egress 0.143)")),
  azure: z._default(cloudRates, { cpuCoreHour: 0.039, ramGiBHour: 0.001917, spotCpuCoreHour: 0.007764, spotRamGiBHour: 0.000382, internetEgressGiB: 0.0725 }).check(z.describe("Azure defaults (OpenCost configs/azure.json: CPU 0.039, RAM 0.001917, spot 0.007764 / 0.000382, internet egress 0.0725)")),
  gcp: z._default(cloudRates, {}).check(z.describe("GCP defaults (OpenCost's general defaults are GCP us-central1's)")),
}), {});

const currencyCode = z.string().check(z.regex(/^[A-Z]{3}$/, "must be an ISO 4217 code such as USD, EUR or CNY"));

const pricingApi = z.prefault(z.strictObject({
  maxCallsPerMinute: z._default(positiveInt, 100).check(z.describe("cloud pricing API calls per minute, all providers together")),
  maxAttempts: z._default(positiveInt, 4).check(z.describe("attempts per call on throttling, 429 and 5xx (exponential backoff with jitter)")),
  backoffBaseMs: z._default(positiveInt, 500).check(z.describe("first retry delay, ms")),
  backoffMaxMs: z._default(positiveInt, 30_000).check(z.describe("longest retry delay, ms")),
  breakerFailures: z._default(positiveInt, 5).check(z.describe("consecutive failed calls that open a provider's circuit")),
  breakerOpenSeconds: z._default(positiveInt, 60).check(z.describe("how long an open circuit refuses calls, s")),
  refreshEverySeconds: z._default(positiveInt, 30).check(z.describe("how often cached prices past their TTL are refreshed, s")),
}), {});

const pricingCache = z.prefault(z.strictObject({
  instanceSeconds: z._default(positiveInt, 3600).check(z.describe("on-demand instance prices are refreshed after, s")),
  spotSeconds: z._default(positiveInt, 300).check(z.describe("spot prices are refreshed after, s")),
  storageSeconds: z._default(positiveInt, 86_400).check(z.describe("storage prices are refreshed after, s")),
}), {});

const pricingAws = z.prefault(z.strictObject({
  pricingRegion: z._default(z.enum(["us-east-1", "eu-central-1", "ap-south-1"]), "us-east-1").check(z.describe("region of the AWS Price List API endpoint")),
  pricingEndpoint: z.optional(z.string()).check(z.describe("Price List API endpoint override (VPC endpoint, tests)")),
  ec2Endpoint: z.optional(z.string()).check(z.describe("EC2 endpoint override for DescribeSpotPriceHistory")),
}), {});

const pricingAzure = z.prefault(z.strictObject({
  retailPricesUrl: z._default(z.url(), "https://prices.azure.com/api/retail/prices").check(z.describe("Azure Retail Prices API (public, no credentials)")),
  subscriptionId: z.optional(z.string()).check(z.describe("subscription whose Resource SKUs API gives VM sizes (vCPUs, memory, GPUs); needs Reader; without it only prices are read")),
  armEndpoint: z.optional(z.url()).check(z.describe("Azure Resource Manager endpoint override (sovereign clouds)")),
}), {});

const pricingGcp = z.prefault(z.strictObject({
  endpoint: z.optional(z.url()).check(z.describe("Cloud Billing API endpoint override, e.g. a private endpoint (default: cloudbilling.googleapis.com)")),
  apiKeyEnv: z.optional(z.string()).check(z.describe("environment variable holding an API key; without it the default credentials (Workload Identity, GOOGLE_APPLICATION_CREDENTIALS) are used")),
}), {});

const pricing = z.prefault(z.strictObject({
  provider: z._default(z.enum(["snapshot", "aws", "azure", "gcp", "custom"]), "snapshot").check(z.describe("price source: snapshot = the offline price file; aws = AWS Price List API + spot price history (credentials from the SDK's default chain); azure = Azure Retail Prices API; gcp = Cloud Billing Catalog; custom = pricing.customFile; the snapshot is always the fallback")),
  customFile: z.optional(z.string()).check(z.describe("custom price sheet (YAML or CSV: per-resource rates, whole-node prices, a discount off list prices); required with provider custom")),
  aws: pricingAws,
  azure: pricingAzure,
  gcp: pricingGcp,
  cache: pricingCache,
  api: pricingApi,
  snapshotFile: z.optional(z.string()).check(z.describe("price snapshot file (default: the shipped pricing/snapshot/prices.json)")),
  defaults: pricingDefaults,
  cloudDefaults,
  currency: z._default(currencyCode, "USD").check(z.describe("currency of every amount the pipeline publishes (and of pricing.defaults and custom sheets)")),
  exchangeRates: z._default(z.record(currencyCode, z.number().check(z.positive())), {}).check(z.describe("units of pricing.currency per one unit of another currency, e.g. {CNY: 0.1404}; a price in a currency without a rate is refused, never read as pricing.currency")),
  networkEgressClass: z._default(z.enum(["none", "zone", "region", "internet"]), "none").check(z.describe("class that pod transmit bytes are priced as (kubelet counters do not say where traffic went)")),
  storageClasses: z._default(z.record(z.string(), z.strictObject({ volumeType: z.string().check(z.minLength(1)) })), {}).check(z.describe("StorageClass → volume type, e.g. {fast: {volumeType: io2}}")),
}), {});

const resolution = z.enum(["1m", "1h", "1d"]);

const rollup = z.prefault(z.strictObject({
  resolutions: z._default(z.array(resolution).check(z.minLength(1)), ["1m", "1h", "1d"]).check(z.describe("window sizes")),
  labelKeys: z._default(z.array(z.string().check(z.minLength(1))), ["app", "team"]).check(z.describe("pod labels to roll up by (also carried on pod rows; `aggregate=label:<key>` and `kubectl cost label -l <key>` need the key here)")),
  podResolutions: z._default(z.array(resolution), ["1h", "1d"]).check(z.describe("resolutions whose rollups include one row per pod")),
  maxRowsPerMessage: z._default(z.int().check(z.minimum(10), z.maximum(100_000)), 2000).check(z.describe("rows per rollup message; larger windows are split into parts")),
  allowedLatenessSeconds: z._default(z.int().check(z.minimum(0)), 600).check(z.describe("how long after its end a window accepts data, s")),
  emitIntervalSeconds: z.prefault(z.strictObject({
    "1m": z._default(positiveInt, 5).check(z.describe("republish an open 1m window at most this often, s")),
    "1h": z._default(positiveInt, 30).check(z.describe("republish an open 1h window at most this often, s")),
    "1d": z._default(positiveInt, 300).check(z.describe("republish an open 1d window at most this often, s")),
  }), {}),
  liveIntervalSeconds: z._default(z.number().check(z.minimum(0), z.maximum(60)), 1).check(z.describe("publish the rows of open 1h windows that changed at most this often, s (core NATS kce.live.rollup.1h.…; the query API applies them between revisions, so /allocation is seconds fresh); 0 turns it off")),
  checkpointIntervalSeconds: z._default(positiveInt, 5).check(z.describe("state checkpoint (and input ack) period, s")),
  maxOpenWindows: z._default(positiveInt, 2000).check(z.describe("bound on open windows (memory)")),
  stateBucket: z._default(z.string(), "KCE_ROLLUP_STATE").check(z.describe("object store bucket of rollup checkpoints")),
  lease: z.prefault(z.strictObject({
    bucket: z._default(z.string(), "KCE_ROLLUP_LEASE").check(z.describe("KV bucket of the lease that makes one rollup active; the others are warm standbys")),
    seconds: z._default(z.int().check(z.minimum(2), z.maximum(300)), 30).check(z.describe("lease lifetime without renewal, s: a standby takes over about this long after the active rollup dies (a restarted rollup waits for its old lease to expire)")),
  }), {}),
}), {});

const stage = z.prefault(z.strictObject({ concurrency: z._default(z.int().check(z.minimum(1), z.maximum(1024)), 32).check(z.describe("messages processed at once")) }), {});

/** How a sink batches, retries and backs off; the same keys for every sink. */
const delivery = z.prefault(z.strictObject({
  batchMaxRows: z._default(z.int().check(z.minimum(1), z.maximum(1_000_000)), 5000).check(z.describe("rows per write at most")),
  batchMaxWaitMs: z._default(z.int().check(z.minimum(1)), 1000).check(z.describe("write a partial batch after this long, ms")),
  maxInFlight: z._default(z.int().check(z.minimum(1), z.maximum(100_000)), 2000).check(z.describe("unacked events at most (bounds memory while the target is down)")),
  retryMaxAttempts: z._default(z.int().check(z.minimum(1), z.maximum(100)), 5).check(z.describe("writes of one batch before it is handed back to JetStream")),
  retryBaseMs: z._default(z.int().check(z.minimum(1)), 500).check(z.describe("first retry delay (×1.5 per attempt, ±20 % jitter), ms")),
  retryMaxMs: z._default(z.int().check(z.minimum(1)), 10_000).check(z.describe("longest retry delay, ms")),
  breakerFailures: z._default(z.int().check(z.minimum(1)), 5).check(z.describe("consecutive failed writes that open the circuit")),
  breakerOpenSeconds: z._default(z.int().check(z.minimum(1)), 30).check(z.describe("how long an open circuit refuses writes, s")),
}), {});

const prometheus = z.prefault(z.strictObject({
  host: z._default(z.string(), "0.0.0.0").check(z.describe("listen address")),
  port: z._default(z.int().check(z.minimum(0), z.maximum(65535)), 9090).check(z.describe("port of /metrics")),
  path: z._default(z.string().check(z.startsWith("/")), "/metrics").check(z.describe("path of the metrics")),
  staleAfterSeconds: z._default(positiveInt, 300).check(z.describe("drop a node's series when it has not reported for this long, s")),
  namespaceDailyHours: z._default(z.int().check(z.minimum(1), z.maximum(24 * 35)), 24).check(z.describe("hourly windows summed in kube_cost_namespace_daily_usd")),
  openCostAllocations: z._default(z.boolean(), true).check(z.describe("serve OpenCost's per-pod allocation series (container_cpu_allocation, container_memory_allocation_bytes, container_gpu_allocation) for its dashboards; about 3.5 MB more exposition at 10k pods")),
  stateBucket: z._default(z.string(), "KCE_SINK_STATE").check(z.describe("KV bucket where the spot-savings counter is saved (it continues after a restart instead of resetting)")),
  stateSaveSeconds: z._default(positiveInt, 5).check(z.describe("how often the counter is saved, s (a restart replays the reports since)")),
}), {});

const api = z.prefault(z.strictObject({
  host: z._default(z.string(), "0.0.0.0").check(z.describe("listen address")),
  port: z._default(z.int().check(z.minimum(0), z.maximum(65535)), 9003).check(z.describe("port of the query API (/allocation, /savings, /healthz)")),
  hourlyRetentionHours: z._default(z.int().check(z.minimum(1), z.maximum(24 * 35)), 48).check(z.describe("1h windows kept (finer window edges)")),
  dailyRetentionDays: z._default(z.int().check(z.minimum(1), z.maximum(400)), 35).check(z.describe("1d windows kept (longest queryable window)")),
  memoryHours: z._default(z.number().check(z.minimum(0)), 6).check(z.describe("with spillDir set: windows that ended within this many hours stay in memory; older ones are kept column-packed in spillDir and read back per query (memory does not grow with retention)")),
  spillDir: z._default(z.string(), "").check(z.describe("directory for windows older than memoryHours (a cache rebuilt from the rollup stream at start; emptied at start and stop); empty = every window in memory (`kce install` sets it to an emptyDir; see api/README.md for glibc's MALLOC_MMAP_THRESHOLD_)")),
  maxResponseRows: z._default(z.int().check(z.minimum(1)), 100_000).check(z.describe("allocations per response before the query is refused")),
  ui: z._default(z.boolean(), true).check(z.describe("serve the cost explorer web app at /ui/ (same port, auth and TLS as the API)")),
  publicUrl: z._default(z.union([z.literal(""), z.url({ protocol: /^https?$/ })]), "").check(z.describe("where users reach the API and its web app, e.g. https://cost.example.com; alerts link to the web app there when sinks.webhook.dashboardUrl is empty")),
}), {});

const clickhouse = z.prefault(z.strictObject({
  enabled: z._default(z.boolean(), false).check(z.describe("run the ClickHouse sink in `kce all`")),
  url: z._default(z.url({ protocol: /^https?$/ }), "http://127.0.0.1:8123").check(z.describe("ClickHouse HTTP interface")),
  database: z._default(z.string().check(z.regex(/^[A-Za-z_][A-Za-z0-9_]*$/, "must be a plain identifier")), "kce").check(z.describe("database (created if missing)")),
  username: z._default(z.string(), "default").check(z.describe("user")),
  passwordEnv: z.optional(z.string()).check(z.describe("environment variable holding the password")),
  passwordFile: z.optional(z.string()).check(z.describe("file holding the password (e.g. a mounted Secret)")),
  requestTimeoutMs: z._default(positiveInt, 30_000).check(z.describe("timeout of one request, ms")),
  delivery,
}), {});

const webhookTarget = z.strictObject({
  name: z.string().check(z.minLength(1), z.describe("target name (in logs and metrics)")),
  url: z.url({ protocol: /^https?$/ }).check(z.describe("where alerts are POSTed")),
  format: z._default(z.enum(["slack", "json"]), "json").check(z.describe("slack = Slack incoming-webhook message; json = versioned generic payload")),
  secretEnv: z.optional(z.string()).check(z.describe("environment variable holding the HMAC-SHA256 signing secret")),
  secretFile: z.optional(z.string()).check(z.describe("file holding the signing secret")),
  timeoutMs: z._default(positiveInt, 5000).check(z.describe("request timeout, ms")),
});

const webhook = z.prefault(z.strictObject({
  enabled: z._default(z.boolean(), false).check(z.describe("run budget evaluation and webhook delivery in `kce all`")),
  targets: z._default(z.array(webhookTarget), []).check(z.describe("webhook targets: {name, url, format, secretEnv|secretFile, timeoutMs}")),
  dashboardUrl: z._default(z.string(), "").check(z.describe("link in alerts; {cluster} and {namespace} are filled in")),
  evaluateIntervalSeconds: z._default(positiveInt, 60).check(z.describe("how often budgets are evaluated, s")),
  stateBucket: z._default(z.string(), "KCE_ALERT_STATE").check(z.describe("KV bucket of alert state (one alert per rule, scope, threshold and month)")),
  delivery: delivery,
}), {});

const budget = z.strictObject({
  name: z.string().check(z.regex(/^[A-Za-z0-9_-]+$/, "letters, digits, - and _ only"), z.describe("rule name")),
  cluster: z.optional(z.string()).check(z.describe("scope: one cluster (default: all)")),
  namespace: z.optional(z.string()).check(z.describe("scope: one namespace (default: all)")),
  labels: z.optional(z.record(z.string(), z.string())).check(z.describe("scope: pods with these labels, e.g. {team: payments}")),
  monthlyUsd: z.number().check(z.positive(), z.describe("monthly budget, USD")),
  thresholdsPct: z._default(z.array(z.number().check(z.positive())).check(z.minLength(1)), [80, 100]).check(z.describe("alert at these percentages of the budget")),
  basis: z._default(z.array(z.enum(["runRate", "forecast"])).check(z.minLength(1)), ["runRate", "forecast"]).check(z.describe("runRate = current hourly cost × 730; forecast = month-to-date + run rate to month end")),
});

const reconcileSchedule = z.prefault(z.strictObject({
  enabled: z._default(z.boolean(), false).check(z.describe("run `kce reconcile` on a schedule in `kce all`")),
  billsDir: z._default(z.string(), "").check(z.describe("folder the billing exports land in (CSV, GCP JSON lines); every file in it is read")),
  intervalHours: z._default(z.number().check(z.positive(), z.maximum(168)), 24).check(z.describe("hours between runs (the first run is at start)")),
  publish: z._default(z.boolean(), true).check(z.describe("publish reconciled daily rollups to kce.rollup.1d-reconciled.<cluster>")),
}), {});

const recommendations = z.prefault(z.strictObject({
  enabled: z._default(z.boolean(), true).check(z.describe("learn each controller's usage from KCE_USAGE in the query API and answer /recommendations")),
  windowDays: z._default(positiveInt.check(z.maximum(35)), 7).check(z.describe("days of usage a recommendation looks at (bounded after a restart by streams.maxAgeHours.usage)")),
  cpuPercentile: z._default(z.number().check(z.minimum(50), z.maximum(100)), 95).check(z.describe("CPU request = this percentile of the pods' CPU usage")),
  cpuHeadroomPct: z._default(z.number().check(z.minimum(0)), 0).check(z.describe("added to the CPU percentile, %")),
  memoryHeadroomPct: z._default(z.number().check(z.minimum(0)), 15).check(z.describe("memory request = the pods' peak working set plus this, %")),
  minCpuCores: z._default(z.number().check(z.minimum(0)), 0.01).check(z.describe("smallest CPU request recommended, cores")),
  minMemoryBytes: z._default(z.number().check(z.minimum(0)), 16 * 2 ** 20).check(z.describe("smallest memory request recommended, bytes")),
  minHistoryHours: z._default(z.number().check(z.minimum(0)), 24).check(z.describe("usage history a controller needs before it gets a recommendation")),
  minChangePct: z._default(z.number().check(z.minimum(0)), 10).check(z.describe("a request within this % of the recommendation is left alone")),
  limits: z._default(z.enum(["keep", "memory-equals-request", "none"]), "keep").check(z.describe("limits in the patches: keep = leave them as they are; memory-equals-request = memory limit = the recommended request (krr's policy), CPU limit removed; none = remove both")),
  nodeUnderusedPct: z._default(z.number().check(z.minimum(0), z.maximum(100)), 50).check(z.describe("a node whose pods request less than this % of its CPU and of its memory gets smaller shapes proposed")),
  nodeHeadroomPct: z._default(z.number().check(z.minimum(0)), 20).check(z.describe("room kept above a node's scheduled requests when choosing a smaller shape, %")),
  stateBucket: z._default(z.string(), "KCE_RECOMMENDER_STATE").check(z.describe("object store bucket where what the recommender learned is saved (so a week survives restarts)")),
  checkpointIntervalSeconds: z._default(positiveInt, 300).check(z.describe("how often it is saved, s")),
}), {});

const anomalies = z.prefault(z.strictObject({
  enabled: z._default(z.boolean(), true).check(z.describe("learn each namespace's and the cluster's hourly spend pattern and flag what leaves it, in `kce all`")),
  sensitivity: z._default(z.number().check(z.positive()), 4).check(z.describe("standard deviations from the learned spend for that hour of the week (or day) that count as anomalous")),
  minImpactHourlyUsd: z._default(z.number().check(z.nonnegative()), 0.5).check(z.describe("smallest change worth an alert, $/h")),
  minChangePct: z._default(z.number().check(z.nonnegative()), 25).check(z.describe("smallest change worth an alert, % of the expected spend")),
  direction: z._default(z.enum(["up", "both"]), "up").check(z.describe("alert on rises only, or on drops too")),
  confirmMinutes: z._default(positiveInt, 3).check(z.describe("consecutive 1m windows off the pattern before it fires (and back on it before it resolves)")),
  settleSeconds: z._default(positiveInt, 120).check(z.describe("a 1m window is judged this long after it ends (from its newest revision), not when it closes after rollup.allowedLatenessSeconds")),
  cooldownMinutes: z._default(z.int().check(z.nonnegative()), 60).check(z.describe("after a scope's anomaly resolves, minutes before it can fire again")),
  learnHours: z._default(z.number().check(z.nonnegative()), 24).check(z.describe("history a scope needs before it can fire (a new namespace is learned first)")),
  adaptAfterMinutes: z._default(positiveInt, 360).check(z.describe("a level that lasts this long is learned as the new normal (and resolves)")),
  warmupHours: z._default(z.number().check(z.nonnegative()), 168).check(z.describe("history of 1m windows replayed at start to rebuild the baselines")),
  alpha: z._default(z.number().check(z.positive(), z.maximum(1)), 0.05).check(z.describe("weight of each new sample in the learned mean and variance")),
}), {});

const focusExport = z.prefault(z.strictObject({
  enabled: z._default(z.boolean(), false).check(z.describe("write each finished day (or hour) as a FOCUS file in `kce all` (kce export focus, continuously)")),
  dir: z._default(z.string(), "").check(z.describe("folder the files go to: <dir>/<cluster>/focus-<cluster>-<day>.<format>")),
  format: z._default(z.enum(["parquet", "csv"]), "parquet").check(z.describe("file format")),
  step: z._default(z.enum(["1d", "1h"]), "1d").check(z.describe("charge period: one file per cluster and day, or per hour")),
  aggregate: z._default(z.enum(["pod", "controller", "namespace"]), "pod").check(z.describe("one row per pod, or summed per controller or namespace (per node and service)")),
  reconciled: z._default(z.boolean(), true).check(z.describe("rewrite a day's file when it is reconciled with the bill (kce reconcile --publish)")),
  clickhouse: z._default(z.boolean(), false).check(z.describe("also insert the rows into ClickHouse table focus_costs (connection from sinks.clickhouse)")),
  billingAccountId: z.optional(z.string()).check(z.describe("BillingAccountId of the rows (default: the cluster's name)")),
  billingAccountName: z.optional(z.string()).check(z.describe("BillingAccountName of the rows (default: null)")),
}), {});

/** Which event kinds cross from a workload cluster's leaf NATS to the hub, by federation mode. */
export const FORWARDED_KINDS = {
  central: ["usage"],
  "per-cluster": ["priced", "rollup", "savings", "alerts", "anomalies"],
} as const;

const federationCluster = z.strictObject({
  name: z.string().check(z.minLength(1), z.maxLength(253), z.describe("cluster name, as its agents' `cluster`")),
  domain: z.optional(z.string().check(z.regex(/^[A-Za-z0-9_-]+$/, "letters, digits, - and _ only"))).check(z.describe("JetStream domain of its leaf server (default: the name, escaped)")),
});

const federation = z.prefault(z.strictObject({
  role: z._default(z.enum(["standalone", "leaf", "hub"]), "standalone").check(z.describe("standalone = one NATS for everything; leaf = a workload cluster's NATS, linked to a hub; hub = the central NATS that sources every leaf")),
  mode: z._default(z.enum(["central", "per-cluster"]), "central").check(z.describe("central = leaves forward usage, the hub prices and rolls up; per-cluster = each cluster runs its pipeline and forwards priced, rollup, savings and alert events")),
  clusters: z._default(z.array(federationCluster), []).check(z.describe("hub: the leaf clusters whose streams it sources (more can be added at run time with `kce federation provision`)")),
}), {});

const httpSecurity = z.prefault(z.strictObject({
  tls: z.optional(z.strictObject({ certFile: z.string().check(z.minLength(1), z.describe("PEM certificate (re-read when the file changes)")), keyFile: z.string().check(z.minLength(1), z.describe("PEM key")) })).check(z.describe("serve /metrics and the query API over HTTPS")),
  auth: z.optional(z.strictObject({
    bearerTokenFile: z.optional(z.string()).check(z.describe("file holding the bearer token clients must send")),
    basicAuthFile: z.optional(z.string()).check(z.describe("file of `user:password` or `user:sha256:<hex>` lines")),
  })).check(z.describe("require credentials on /metrics and the query API (401 otherwise; /healthz stays open)")),
}), {});

const telemetry = z.prefault(z.strictObject({
  host: z._default(z.string(), "0.0.0.0").check(z.describe("listen address")),
  port: z._default(z.int().check(z.minimum(0), z.maximum(65535)), 0).check(z.describe("self-metrics port of standalone stages; 0 = off")),
  logLevel: z._default(z.enum(["debug", "info", "warn", "error"]), "info").check(z.describe("log level")),
  logFormat: z._default(z.enum(["text", "json"]), "text").check(z.describe("log line format")),
}), {});

const clock = z.prefault(z.strictObject({
  maxSkewSeconds: z._default(z.int().check(z.minimum(0), z.maximum(3600)), 120).check(z.describe("how far a snapshot's window end may be ahead of this process's clock; later ones are dead-lettered (future_window)")),
}), {});

export const configSchema = z.strictObject({
  cluster: z._default(z.string().check(z.minLength(1), z.maxLength(253)), "default").check(z.describe("this cluster's name; every event, metric and row carries it")),
  nats,
  streams,
  consumer,
  agent,
  pricing,
  pricer: stage,
  clock,
  rollup,
  savings: stage,
  sinks: z.prefault(z.strictObject({ prometheus, clickhouse, webhook }), {}),
  budgets: z._default(z.array(budget), []).check(z.describe("budget rules evaluated by the webhook sink")),
  api,
  federation,
  reconcile: reconcileSchedule,
  anomalies,
  recommendations,
  export: z.prefault(z.strictObject({ focus: focusExport }), {}),
  http: httpSecurity,
  telemetry,
});

/** The validated configuration with every default filled in. */
export type Config = z.infer<typeof configSchema>;
export type Resolution = z.infer<typeof resolution>;
export type PricingDefaults = Config["pricing"]["defaults"];
export type BudgetRule = z.infer<typeof budget>;
export type FederationConfig = z.infer<typeof federation>;
export type WebhookTarget = z.infer<typeof webhookTarget>;
