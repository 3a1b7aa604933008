import { z } from "zod";

/**
 * The one configuration schema. Every key, its type and its default live here; component READMEs
 * and `kce config --print-defaults` are derived from it. Objects are strict: an unknown key fails
 * start-up with a message naming it.
 */

const positiveInt = z.number().int().positive();

/**
 * Pod labels forwarded by default: the ones cost is usually allocated by. Like kube-state-metrics'
 * label allowlist, this keeps events small and keeps incidental labels (hashes, versions) out.
 */
export const DEFAULT_POD_LABELS = [
  "app", "app.kubernetes.io/name", "app.kubernetes.io/instance", "app.kubernetes.io/component", "app.kubernetes.io/part-of",
  "team", "owner", "cost-center", "costcenter", "department", "project", "product", "environment", "env", "tier", "component",
] as const;
const money = z.number().nonnegative();

const nats = z
  .strictObject({
    servers: z.array(z.string().min(1)).min(1).default(["nats://127.0.0.1:4222"]).describe("NATS server URLs"),
    name: z.string().optional().describe("client connection name (default kce-<command>)"),
    user: z.string().optional().describe("user name (with pass)"),
    pass: z.string().optional().describe("password"),
    token: z.string().optional().describe("auth token"),
    credsFile: z.string().optional().describe("path of a NATS .creds file (JWT + NKEY)"),
    nkeySeedFile: z.string().optional().describe("path of an NKEY seed file (SU…) for NKEY authentication"),
    tls: z
      .strictObject({
        caFile: z.string().optional().describe("CA bundle that signed the server's certificate"),
        certFile: z.string().optional().describe("client certificate (mutual TLS)"),
        keyFile: z.string().optional().describe("client key (mutual TLS)"),
      })
      .optional()
      .describe("connect with TLS (servers given as nats:// or tls:// URLs)"),
    connectTimeoutMs: positiveInt.default(5000).describe("first-connection timeout, ms"),
    reconnectTimeWaitMs: positiveInt.default(1000).describe("wait between reconnect attempts, ms"),
    maxReconnectAttempts: z.number().int().min(-1).default(-1).describe("reconnect attempts; -1 = forever"),
    startupWaitSeconds: z.number().int().min(0).default(300).describe("how long a process starting while NATS is down waits for it (with backoff) before exiting, s"),
    publishTimeoutMs: positiveInt.default(5000).describe("how long to wait for a PubAck, ms"),
  })
  .prefault({});

const streams = z
  .strictObject({
    replicas: z.number().int().min(1).max(5).default(1).describe("stream replicas (3 in production clusters)"),
    storage: z.enum(["file", "memory"]).default("file").describe("JetStream storage"),
    duplicateWindowSeconds: positiveInt.default(600).describe("window in which a repeated Nats-Msg-Id is dropped, s"),
    maxAgeHours: z
      .strictObject({
        usage: positiveInt.default(48).describe("KCE_USAGE retention, hours"),
        priced: positiveInt.default(48).describe("KCE_PRICED retention, hours"),
        rollup: positiveInt.default(840).describe("KCE_ROLLUP retention, hours (35 days)"),
        savings: positiveInt.default(840).describe("KCE_SAVINGS retention, hours"),
        alerts: positiveInt.default(840).describe("KCE_ALERTS retention, hours"),
        anomalies: positiveInt.default(840).describe("KCE_ANOMALIES retention, hours"),
        dlq: positiveInt.default(336).describe("KCE_DLQ retention, hours (14 days)"),
      })
      .prefault({}),
  })
  .prefault({});

const consumer = z
  .strictObject({
    maxInFlight: z.number().int().min(1).max(100_000).default(512).describe("unacked messages per consumer (max_ack_pending)"),
    ackWaitSeconds: positiveInt.default(30).describe("redelivery after this long without an ack, s"),
    maxDeliver: z.number().int().min(0).default(10).describe("attempts before a failing message is dead-lettered; 0 = retry forever"),
    nakDelayMs: positiveInt.default(1000).describe("first retry delay (doubles per attempt, ±20 % jitter), ms"),
  })
  .prefault({});

const agent = z
  .strictObject({
    node: z.string().optional().describe("the node this agent reports (from the downward API in a DaemonSet)"),
    kubernetes: z
      .strictObject({
        server: z.string().optional().describe("Kubernetes API URL (default: in-cluster, then kubeconfig)"),
        kubeconfig: z.string().optional().describe("kubeconfig file"),
        context: z.string().optional().describe("kubeconfig context"),
      })
      .prefault({}),
    intervalSeconds: z
      .number()
      .int()
      .min(1)
      .max(3600)
      .refine((s) => 3600 % s === 0, "must divide 3600 (1, 2, 3, 4, 5, 6, 10, 12, 15, 20, 30, 60, … s) so windows nest into hours")
      .default(60)
      .describe("publish one snapshot per node per interval, s"),
    spotLabels: z
      .array(z.string().regex(/^[^=\s]+=[^=\s]*$/, "must be name=value, e.g. kops.k8s.io/instancegroup=spotinstance-nodes"))
      .default([])
      .describe("node labels (name=value) that mark spot nodes, beside the built-in EKS, Karpenter, GKE and AKS labels (OpenCost's spotLabel/spotLabelValue)"),
    samplesPerInterval: z.number().int().min(1).max(60).default(4).describe("Summary API samples per interval (memory avg/max)"),
    maxBackfillWindows: z.number().int().min(0).max(10_000).default(60).describe("windows rebuilt after an agent restart gap"),
    summaryTimeoutMs: positiveInt.default(5000).describe("timeout of one /stats/summary read, ms"),
    stateBucket: z.string().default("KCE_AGENT_STATE").describe("KV bucket of agent counters (resume after restart)"),
    volumeInventory: z
      .strictObject({
        enabled: z.boolean().default(true).describe("one agent (the lease holder) publishes every PersistentVolume of the cluster each window, so storage is charged once: shared volumes split among all their pods, unmounted ones as __unmounted__"),
        leaseBucket: z.string().default("KCE_AGENT_LEASE").describe("KV bucket of the lease that picks the agent publishing the inventory"),
        leaseSeconds: z.number().int().min(2).max(300).default(30).describe("lease lifetime without renewal, s: another agent takes over about this long after the holder dies"),
      })
      .prefault({}),
    podLabels: z
      .array(z.string().min(1))
      .default([...DEFAULT_POD_LABELS])
      .describe('pod labels the agent forwards (a trailing * matches a prefix; ["*"] = all)'),
    scrub: z
      .strictObject({
        keyFile: z.string().min(1).describe("file with a secret key (≥ 16 random bytes; the same on every node)"),
        namespaces: z.boolean().default(false).describe("also replace namespace names"),
      })
      .optional()
      .describe("replace pod names (and optionally namespaces) by a stable keyed hash before events leave the node"),
  })
  .prefault({});

const pricingDefaults = z
  .strictObject({
    cpuCoreHour: money.default(0.031611).describe("USD per core-hour, to split prices and price unknown types"),
    ramGiBHour: money.default(0.004237).describe("USD per GiB-hour"),
    gpuHour: money.default(0.95).describe("USD per GPU-hour"),
    spotCpuCoreHour: money.default(0.006655).describe("USD per spot core-hour (unknown spot types)"),
    spotRamGiBHour: money.default(0.000892).describe("USD per spot GiB-hour"),
    storageGiBMonth: money.default(0.04).describe("USD per GiB-month of unknown storage classes"),
    zoneEgressGiB: money.default(0.01).describe("USD per GiB, cross-zone egress"),
    regionEgressGiB: money.default(0.01).describe("USD per GiB, cross-region egress"),
    internetEgressGiB: money.default(0.12).describe("USD per GiB, internet egress"),
  })
  .prefault({});

/** A cloud's own default rates on top of `pricing.defaults`; any key left out keeps the general default. */
const cloudRates = z.strictObject({
  cpuCoreHour: money.optional().describe("USD per core-hour (as pricing.defaults.cpuCoreHour)"),
  ramGiBHour: money.optional().describe("USD per GiB-hour"),
  gpuHour: money.optional().describe("USD per GPU-hour"),
  spotCpuCoreHour: money.optional().describe("USD per spot core-hour"),
  spotRamGiBHour: money.optional().describe("USD per spot GiB-hour"),
  storageGiBMonth: money.optional().describe("USD per GiB-month of unknown storage classes"),
  zoneEgressGiB: money.optional().describe("USD per GiB, cross-zone egress"),
  regionEgressGiB: money.optional().describe("USD per GiB, cross-region egress"),
  internetEgressGiB: money.optional().describe("USD per GiB, internet egress"),
});

/** OpenCost's per-cloud defaults (opencost/opencost configs/aws.json and azure.json). */
const cloudDefaults = z
  .strictObject({
    aws: cloudRates.default({ internetEgressGiB: 0.143 }).describe("AWS defaults (OpenCost configs/aws.json: internet egress 0.143)"),
    azure: cloudRates
      .default({ cpuCoreHour: 0.039, ramGiBHour: 0.001917, spotCpuCoreHour: 0.007764, spotRamGiBHour: 0.000382, internetEgressGiB: 0.0725 })
      .describe("Azure defaults (OpenCost configs/azure.json: CPU 0.039, RAM 0.001917, spot 0.007764 / 0.000382, internet egress 0.0725)"),
    gcp: cloudRates.default({}).describe("GCP defaults (OpenCost's general defaults are GCP us-central1's)"),
  })
  .prefault({});

const currencyCode = z.string().regex(/^[A-Z]{3}$/, "must be an ISO 4217 code such as USD, EUR or CNY");

const pricingApi = z
  .strictObject({
    maxCallsPerMinute: positiveInt.default(100).describe("cloud pricing API calls per minute, all providers together"),
    maxAttempts: positiveInt.default(4).describe("attempts per call on throttling, 429 and 5xx (exponential backoff with jitter)"),
    backoffBaseMs: positiveInt.default(500).describe("first retry delay, ms"),
    backoffMaxMs: positiveInt.default(30_000).describe("longest retry delay, ms"),
    breakerFailures: positiveInt.default(5).describe("consecutive failed calls that open a provider's circuit"),
    breakerOpenSeconds: positiveInt.default(60).describe("how long an open circuit refuses calls, s"),
    refreshEverySeconds: positiveInt.default(30).describe("how often cached prices past their TTL are refreshed, s"),
  })
  .prefault({});

const pricingCache = z
  .strictObject({
    instanceSeconds: positiveInt.default(3600).describe("on-demand instance prices are refreshed after, s"),
    spotSeconds: positiveInt.default(300).describe("spot prices are refreshed after, s"),
    storageSeconds: positiveInt.default(86_400).describe("storage prices are refreshed after, s"),
  })
  .prefault({});

const pricingAws = z
  .strictObject({
    pricingRegion: z.enum(["us-east-1", "eu-central-1", "ap-south-1"]).default("us-east-1").describe("region of the AWS Price List API endpoint"),
    pricingEndpoint: z.string().optional().describe("Price List API endpoint override (VPC endpoint, tests)"),
    ec2Endpoint: z.string().optional().describe("EC2 endpoint override for DescribeSpotPriceHistory"),
  })
  .prefault({});

const pricingAzure = z
  .strictObject({
    retailPricesUrl: z.string().url().default("https://prices.azure.com/api/retail/prices").describe("Azure Retail Prices API (public, no credentials)"),
    subscriptionId: z.string().optional().describe("subscription whose Resource SKUs API gives VM sizes (vCPUs, memory, GPUs); needs Reader; without it only prices are read"),
    armEndpoint: z.string().url().optional().describe("Azure Resource Manager endpoint override (sovereign clouds)"),
  })
  .prefault({});

const pricingGcp = z
  .strictObject({
    endpoint: z.string().url().optional().describe("Cloud Billing API endpoint override, e.g. a private endpoint (default: cloudbilling.googleapis.com)"),
    apiKeyEnv: z.string().optional().describe("environment variable holding an API key; without it the default credentials (Workload Identity, GOOGLE_APPLICATION_CREDENTIALS) are used"),
  })
  .prefault({});

const pricing = z
  .strictObject({
    provider: z.enum(["snapshot", "aws", "azure", "gcp", "custom"]).default("snapshot").describe("price source: snapshot = the offline price file; aws = AWS Price List API + spot price history (credentials from the SDK's default chain); azure = Azure Retail Prices API; gcp = Cloud Billing Catalog; custom = pricing.customFile; the snapshot is always the fallback"),
    customFile: z.string().optional().describe("custom price sheet (YAML or CSV: per-resource rates, whole-node prices, a discount off list prices); required with provider custom"),
    aws: pricingAws,
    azure: pricingAzure,
    gcp: pricingGcp,
    cache: pricingCache,
    api: pricingApi,
    snapshotFile: z.string().optional().describe("price snapshot file (default: the shipped pricing/snapshot/prices.json)"),
    defaults: pricingDefaults,
    cloudDefaults,
    currency: currencyCode.default("USD").describe("currency of every amount the pipeline publishes (and of pricing.defaults and custom sheets)"),
    exchangeRates: z
      .record(currencyCode, z.number().positive().finite())
      .default({})
      .describe("units of pricing.currency per one unit of another currency, e.g. {CNY: 0.1404}; a price in a currency without a rate is refused, never read as pricing.currency"),
    networkEgressClass: z.enum(["none", "zone", "region", "internet"]).default("none").describe("class that pod transmit bytes are priced as (kubelet counters do not say where traffic went)"),
    storageClasses: z.record(z.string(), z.strictObject({ volumeType: z.string().min(1) })).default({}).describe("StorageClass → volume type, e.g. {fast: {volumeType: io2}}"),
  })
  .prefault({});

const resolution = z.enum(["1m", "1h", "1d"]);

const rollup = z
  .strictObject({
    resolutions: z.array(resolution).min(1).default(["1m", "1h", "1d"]).describe("window sizes"),
    labelKeys: z.array(z.string().min(1)).default(["app", "team"]).describe("pod labels to roll up by (also carried on pod rows; `aggregate=label:<key>` and `kubectl cost label -l <key>` need the key here)"),
    podResolutions: z.array(resolution).default(["1h", "1d"]).describe("resolutions whose rollups include one row per pod"),
    maxRowsPerMessage: z.number().int().min(10).max(100_000).default(2000).describe("rows per rollup message; larger windows are split into parts"),
    allowedLatenessSeconds: z.number().int().min(0).default(600).describe("how long after its end a window accepts data, s"),
    emitIntervalSeconds: z
      .strictObject({
        "1m": positiveInt.default(5).describe("republish an open 1m window at most this often, s"),
        "1h": positiveInt.default(30).describe("republish an open 1h window at most this often, s"),
        "1d": positiveInt.default(300).describe("republish an open 1d window at most this often, s"),
      })
      .prefault({}),
    liveIntervalSeconds: z
      .number()
      .min(0)
      .max(60)
      .default(1)
      .describe("publish the rows of open 1h windows that changed at most this often, s (core NATS kce.live.rollup.1h.…; the query API applies them between revisions, so /allocation is seconds fresh); 0 turns it off"),
    checkpointIntervalSeconds: positiveInt.default(5).describe("state checkpoint (and input ack) period, s"),
    maxOpenWindows: positiveInt.default(2000).describe("bound on open windows (memory)"),
    stateBucket: z.string().default("KCE_ROLLUP_STATE").describe("object store bucket of rollup checkpoints"),
    lease: z
      .strictObject({
        bucket: z.string().default("KCE_ROLLUP_LEASE").describe("KV bucket of the lease that makes one rollup active; the others are warm standbys"),
        seconds: z.number().int().min(2).max(300).default(30).describe("lease lifetime without renewal, s: a standby takes over about this long after the active rollup dies (a restarted rollup waits for its old lease to expire)"),
      })
      .prefault({}),
  })
  .prefault({});

const stage = z.strictObject({ concurrency: z.number().int().min(1).max(1024).default(32).describe("messages processed at once") }).prefault({});

/** How a sink batches, retries and backs off; the same keys for every sink. */
const delivery = z
  .strictObject({
    batchMaxRows: z.number().int().min(1).max(1_000_000).default(5000).describe("rows per write at most"),
    batchMaxWaitMs: z.number().int().min(1).default(1000).describe("write a partial batch after this long, ms"),
    maxInFlight: z.number().int().min(1).max(100_000).default(2000).describe("unacked events at most (bounds memory while the target is down)"),
    retryMaxAttempts: z.number().int().min(1).max(100).default(5).describe("writes of one batch before it is handed back to JetStream"),
    retryBaseMs: z.number().int().min(1).default(500).describe("first retry delay (×1.5 per attempt, ±20 % jitter), ms"),
    retryMaxMs: z.number().int().min(1).default(10_000).describe("longest retry delay, ms"),
    breakerFailures: z.number().int().min(1).default(5).describe("consecutive failed writes that open the circuit"),
    breakerOpenSeconds: z.number().int().min(1).default(30).describe("how long an open circuit refuses writes, s"),
  })
  .prefault({});

const prometheus = z
  .strictObject({
    host: z.string().default("0.0.0.0").describe("listen address"),
    port: z.number().int().min(0).max(65535).default(9090).describe("port of /metrics"),
    path: z.string().startsWith("/").default("/metrics").describe("path of the metrics"),
    staleAfterSeconds: positiveInt.default(300).describe("drop a node's series when it has not reported for this long, s"),
    namespaceDailyHours: z.number().int().min(1).max(24 * 35).default(24).describe("hourly windows summed in kube_cost_namespace_daily_usd"),
    openCostAllocations: z
      .boolean()
      .default(true)
      .describe("serve OpenCost's per-pod allocation series (container_cpu_allocation, container_memory_allocation_bytes, container_gpu_allocation) for its dashboards; about 3.5 MB more exposition at 10k pods"),
    stateBucket: z.string().default("KCE_SINK_STATE").describe("KV bucket where the spot-savings counter is saved (it continues after a restart instead of resetting)"),
    stateSaveSeconds: positiveInt.default(5).describe("how often the counter is saved, s (a restart replays the reports since)"),
  })
  .prefault({});

const api = z
  .strictObject({
    host: z.string().default("0.0.0.0").describe("listen address"),
    port: z.number().int().min(0).max(65535).default(9003).describe("port of the query API (/allocation, /savings, /healthz)"),
    hourlyRetentionHours: z.number().int().min(1).max(24 * 35).default(48).describe("1h windows kept (finer window edges)"),
    dailyRetentionDays: z.number().int().min(1).max(400).default(35).describe("1d windows kept (longest queryable window)"),
    memoryHours: z.number().min(0).default(6).describe("with spillDir set: windows that ended within this many hours stay in memory; older ones are kept column-packed in spillDir and read back per query (memory does not grow with retention)"),
    spillDir: z.string().default("").describe("directory for windows older than memoryHours (a cache rebuilt from the rollup stream at start; emptied at start and stop); empty = every window in memory (`kce install` sets it to an emptyDir; see api/README.md for glibc's MALLOC_MMAP_THRESHOLD_)"),
    maxResponseRows: z.number().int().min(1).default(100_000).describe("allocations per response before the query is refused"),
    ui: z.boolean().default(true).describe("serve the cost explorer web app at /ui/ (same port, auth and TLS as the API)"),
    publicUrl: z.union([z.literal(""), z.url({ protocol: /^https?$/ })]).default("").describe("where users reach the API and its web app, e.g. https://cost.example.com; alerts link to the web app there when sinks.webhook.dashboardUrl is empty"),
  })
  .prefault({});

const clickhouse = z
  .strictObject({
    enabled: z.boolean().default(false).describe("run the ClickHouse sink in `kce all`"),
    url: z.url({ protocol: /^https?$/ }).default("http://127.0.0.1:8123").describe("ClickHouse HTTP interface"),
    database: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, "must be a plain identifier").default("kce").describe("database (created if missing)"),
    username: z.string().default("default").describe("user"),
    passwordEnv: z.string().optional().describe("environment variable holding the password"),
    passwordFile: z.string().optional().describe("file holding the password (e.g. a mounted Secret)"),
    requestTimeoutMs: positiveInt.default(30_000).describe("timeout of one request, ms"),
    delivery,
  })
  .prefault({});

const webhookTarget = z.strictObject({
  name: z.string().min(1).describe("target name (in logs and metrics)"),
  url: z.url({ protocol: /^https?$/ }).describe("where alerts are POSTed"),
  format: z.enum(["slack", "json"]).default("json").describe("slack = Slack incoming-webhook message; json = versioned generic payload"),
  secretEnv: z.string().optional().describe("environment variable holding the HMAC-SHA256 signing secret"),
  secretFile: z.string().optional().describe("file holding the signing secret"),
  timeoutMs: positiveInt.default(5000).describe("request timeout, ms"),
});

const webhook = z
  .strictObject({
    enabled: z.boolean().default(false).describe("run budget evaluation and webhook delivery in `kce all`"),
    targets: z.array(webhookTarget).default([]).describe("webhook targets: {name, url, format, secretEnv|secretFile, timeoutMs}"),
    dashboardUrl: z.string().default("").describe("link in alerts; {cluster} and {namespace} are filled in"),
    evaluateIntervalSeconds: positiveInt.default(60).describe("how often budgets are evaluated, s"),
    stateBucket: z.string().default("KCE_ALERT_STATE").describe("KV bucket of alert state (one alert per rule, scope, threshold and month)"),
    delivery: delivery,
  })
  .prefault({});

const budget = z.strictObject({
  name: z.string().regex(/^[A-Za-z0-9_-]+$/, "letters, digits, - and _ only").describe("rule name"),
  cluster: z.string().optional().describe("scope: one cluster (default: all)"),
  namespace: z.string().optional().describe("scope: one namespace (default: all)"),
  labels: z.record(z.string(), z.string()).optional().describe("scope: pods with these labels, e.g. {team: payments}"),
  monthlyUsd: z.number().positive().describe("monthly budget, USD"),
  thresholdsPct: z.array(z.number().positive()).min(1).default([80, 100]).describe("alert at these percentages of the budget"),
  basis: z.array(z.enum(["runRate", "forecast"])).min(1).default(["runRate", "forecast"]).describe("runRate = current hourly cost × 730; forecast = month-to-date + run rate to month end"),
});

const reconcileSchedule = z
  .strictObject({
    enabled: z.boolean().default(false).describe("run `kce reconcile` on a schedule in `kce all`"),
    billsDir: z.string().default("").describe("folder the billing exports land in (CSV, GCP JSON lines); every file in it is read"),
    intervalHours: z.number().positive().max(168).default(24).describe("hours between runs (the first run is at start)"),
    publish: z.boolean().default(true).describe("publish reconciled daily rollups to kce.rollup.1d-reconciled.<cluster>"),
  })
  .prefault({});

const recommendations = z
  .strictObject({
    enabled: z.boolean().default(true).describe("learn each controller's usage from KCE_USAGE in the query API and answer /recommendations"),
    windowDays: positiveInt.max(35).default(7).describe("days of usage a recommendation looks at (bounded after a restart by streams.maxAgeHours.usage)"),
    cpuPercentile: z.number().min(50).max(100).default(95).describe("CPU request = this percentile of the pods' CPU usage"),
    cpuHeadroomPct: z.number().min(0).default(0).describe("added to the CPU percentile, %"),
    memoryHeadroomPct: z.number().min(0).default(15).describe("memory request = the pods' peak working set plus this, %"),
    minCpuCores: z.number().min(0).default(0.01).describe("smallest CPU request recommended, cores"),
    minMemoryBytes: z.number().min(0).default(16 * 2 ** 20).describe("smallest memory request recommended, bytes"),
    minHistoryHours: z.number().min(0).default(24).describe("usage history a controller needs before it gets a recommendation"),
    minChangePct: z.number().min(0).default(10).describe("a request within this % of the recommendation is left alone"),
    limits: z.enum(["keep", "memory-equals-request", "none"]).default("keep").describe("limits in the patches: keep = leave them as they are; memory-equals-request = memory limit = the recommended request (krr's policy), CPU limit removed; none = remove both"),
    nodeUnderusedPct: z.number().min(0).max(100).default(50).describe("a node whose pods request less than this % of its CPU and of its memory gets smaller shapes proposed"),
    nodeHeadroomPct: z.number().min(0).default(20).describe("room kept above a node's scheduled requests when choosing a smaller shape, %"),
    stateBucket: z.string().default("KCE_RECOMMENDER_STATE").describe("object store bucket where what the recommender learned is saved (so a week survives restarts)"),
    checkpointIntervalSeconds: positiveInt.default(300).describe("how often it is saved, s"),
  })
  .prefault({});

const anomalies = z
  .strictObject({
    enabled: z.boolean().default(true).describe("learn each namespace's and the cluster's hourly spend pattern and flag what leaves it, in `kce all`"),
    sensitivity: z.number().positive().default(4).describe("standard deviations from the learned spend for that hour of the week (or day) that count as anomalous"),
    minImpactHourlyUsd: z.number().nonnegative().default(0.5).describe("smallest change worth an alert, $/h"),
    minChangePct: z.number().nonnegative().default(25).describe("smallest change worth an alert, % of the expected spend"),
    direction: z.enum(["up", "both"]).default("up").describe("alert on rises only, or on drops too"),
    confirmMinutes: positiveInt.default(3).describe("consecutive 1m windows off the pattern before it fires (and back on it before it resolves)"),
    settleSeconds: positiveInt.default(120).describe("a 1m window is judged this long after it ends (from its newest revision), not when it closes after rollup.allowedLatenessSeconds"),
    cooldownMinutes: z.number().int().nonnegative().default(60).describe("after a scope's anomaly resolves, minutes before it can fire again"),
    learnHours: z.number().nonnegative().default(24).describe("history a scope needs before it can fire (a new namespace is learned first)"),
    adaptAfterMinutes: positiveInt.default(360).describe("a level that lasts this long is learned as the new normal (and resolves)"),
    warmupHours: z.number().nonnegative().default(168).describe("history of 1m windows replayed at start to rebuild the baselines"),
    alpha: z.number().positive().max(1).default(0.05).describe("weight of each new sample in the learned mean and variance"),
  })
  .prefault({});

const focusExport = z
  .strictObject({
    enabled: z.boolean().default(false).describe("write each finished day (or hour) as a FOCUS file in `kce all` (kce export focus, continuously)"),
    dir: z.string().default("").describe("folder the files go to: <dir>/<cluster>/focus-<cluster>-<day>.<format>"),
    format: z.enum(["parquet", "csv"]).default("parquet").describe("file format"),
    step: z.enum(["1d", "1h"]).default("1d").describe("charge period: one file per cluster and day, or per hour"),
    aggregate: z.enum(["pod", "controller", "namespace"]).default("pod").describe("one row per pod, or summed per controller or namespace (per node and service)"),
    reconciled: z.boolean().default(true).describe("rewrite a day's file when it is reconciled with the bill (kce reconcile --publish)"),
    clickhouse: z.boolean().default(false).describe("also insert the rows into ClickHouse table focus_costs (connection from sinks.clickhouse)"),
    billingAccountId: z.string().optional().describe("BillingAccountId of the rows (default: the cluster's name)"),
    billingAccountName: z.string().optional().describe("BillingAccountName of the rows (default: null)"),
  })
  .prefault({});

/** Which event kinds cross from a workload cluster's leaf NATS to the hub, by federation mode. */
export const FORWARDED_KINDS = {
  central: ["usage"],
  "per-cluster": ["priced", "rollup", "savings", "alerts", "anomalies"],
} as const;

const federationCluster = z.strictObject({
  name: z.string().min(1).max(253).describe("cluster name, as its agents' `cluster`"),
  domain: z.string().regex(/^[A-Za-z0-9_-]+$/, "letters, digits, - and _ only").optional().describe("JetStream domain of its leaf server (default: the name, escaped)"),
});

const federation = z
  .strictObject({
    role: z.enum(["standalone", "leaf", "hub"]).default("standalone").describe("standalone = one NATS for everything; leaf = a workload cluster's NATS, linked to a hub; hub = the central NATS that sources every leaf"),
    mode: z.enum(["central", "per-cluster"]).default("central").describe("central = leaves forward usage, the hub prices and rolls up; per-cluster = each cluster runs its pipeline and forwards priced, rollup, savings and alert events"),
    clusters: z.array(federationCluster).default([]).describe("hub: the leaf clusters whose streams it sources (more can be added at run time with `kce federation provision`)"),
  })
  .prefault({});

const httpSecurity = z
  .strictObject({
    tls: z
      .strictObject({ certFile: z.string().min(1).describe("PEM certificate (re-read when the file changes)"), keyFile: z.string().min(1).describe("PEM key") })
      .optional()
      .describe("serve /metrics and the query API over HTTPS"),
    auth: z
      .strictObject({
        bearerTokenFile: z.string().optional().describe("file holding the bearer token clients must send"),
        basicAuthFile: z.string().optional().describe("file of `user:password` or `user:sha256:<hex>` lines"),
      })
      .optional()
      .describe("require credentials on /metrics and the query API (401 otherwise; /healthz stays open)"),
  })
  .prefault({});

const telemetry = z
  .strictObject({
    host: z.string().default("0.0.0.0").describe("listen address"),
    port: z.number().int().min(0).max(65535).default(0).describe("self-metrics port of standalone stages; 0 = off"),
    logLevel: z.enum(["debug", "info", "warn", "error"]).default("info").describe("log level"),
    logFormat: z.enum(["text", "json"]).default("text").describe("log line format"),
  })
  .prefault({});

const clock = z
  .strictObject({
    maxSkewSeconds: z.number().int().min(0).max(3600).default(120).describe("how far a snapshot's window end may be ahead of this process's clock; later ones are dead-lettered (future_window)"),
  })
  .prefault({});

export const configSchema = z.strictObject({
  cluster: z.string().min(1).max(253).default("default").describe("this cluster's name; every event, metric and row carries it"),
  nats,
  streams,
  consumer,
  agent,
  pricing,
  pricer: stage,
  clock,
  rollup,
  savings: stage,
  sinks: z.strictObject({ prometheus, clickhouse, webhook }).prefault({}),
  budgets: z.array(budget).default([]).describe("budget rules evaluated by the webhook sink"),
  api,
  federation,
  reconcile: reconcileSchedule,
  anomalies,
  recommendations,
  export: z.strictObject({ focus: focusExport }).prefault({}),
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
