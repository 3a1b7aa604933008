import { z } from "zod";

/**
 * The one configuration schema. Every key, its type and its default live here; component READMEs
 * and `kce config --print-defaults` are derived from it. Objects are strict: an unknown key fails
 * start-up with a message naming it.
 */

const positiveInt = z.number().int().positive();
const money = z.number().nonnegative();

const nats = z
  .strictObject({
    servers: z.array(z.string().min(1)).min(1).default(["nats://127.0.0.1:4222"]),
    name: z.string().optional(),
    user: z.string().optional(),
    pass: z.string().optional(),
    token: z.string().optional(),
    credsFile: z.string().optional(),
    connectTimeoutMs: positiveInt.default(5000),
    reconnectTimeWaitMs: positiveInt.default(1000),
    maxReconnectAttempts: z.number().int().min(-1).default(-1),
    publishTimeoutMs: positiveInt.default(5000),
  })
  .prefault({});

const streams = z
  .strictObject({
    replicas: z.number().int().min(1).max(5).default(1),
    storage: z.enum(["file", "memory"]).default("file"),
    duplicateWindowSeconds: positiveInt.default(600),
    maxAgeHours: z
      .strictObject({
        usage: positiveInt.default(48),
        priced: positiveInt.default(48),
        rollup: positiveInt.default(840),
        savings: positiveInt.default(840),
        dlq: positiveInt.default(336),
      })
      .prefault({}),
  })
  .prefault({});

const consumer = z
  .strictObject({
    maxInFlight: z.number().int().min(1).max(100_000).default(512),
    ackWaitSeconds: positiveInt.default(30),
    maxDeliver: z.number().int().min(0).default(10),
    nakDelayMs: positiveInt.default(1000),
  })
  .prefault({});

const agent = z
  .strictObject({
    node: z.string().optional(),
    kubernetes: z
      .strictObject({
        server: z.string().optional(),
        kubeconfig: z.string().optional(),
        context: z.string().optional(),
      })
      .prefault({}),
    intervalSeconds: z.number().int().min(1).max(3600).default(60),
    samplesPerInterval: z.number().int().min(1).max(60).default(4),
    maxBackfillWindows: z.number().int().min(0).max(10_000).default(60),
    summaryTimeoutMs: positiveInt.default(5000),
    stateBucket: z.string().default("KCE_AGENT_STATE"),
  })
  .prefault({});

const pricingDefaults = z
  .strictObject({
    cpuCoreHour: money.default(0.031611),
    ramGiBHour: money.default(0.004237),
    gpuHour: money.default(0.95),
    spotCpuCoreHour: money.default(0.006655),
    spotRamGiBHour: money.default(0.000892),
    storageGiBMonth: money.default(0.04),
    zoneEgressGiB: money.default(0.01),
    regionEgressGiB: money.default(0.01),
    internetEgressGiB: money.default(0.12),
  })
  .prefault({});

const pricing = z
  .strictObject({
    provider: z.enum(["snapshot"]).default("snapshot"),
    snapshotFile: z.string().optional(),
    defaults: pricingDefaults,
    networkEgressClass: z.enum(["none", "zone", "region", "internet"]).default("none"),
    storageClasses: z.record(z.string(), z.strictObject({ volumeType: z.string().min(1) })).default({}),
  })
  .prefault({});

const resolution = z.enum(["1m", "1h", "1d"]);

const rollup = z
  .strictObject({
    resolutions: z.array(resolution).min(1).default(["1m", "1h", "1d"]),
    labelKeys: z.array(z.string().min(1)).default(["team"]),
    allowedLatenessSeconds: z.number().int().min(0).default(600),
    emitIntervalSeconds: z
      .strictObject({
        "1m": positiveInt.default(5),
        "1h": positiveInt.default(30),
        "1d": positiveInt.default(300),
      })
      .prefault({}),
    checkpointIntervalSeconds: positiveInt.default(5),
    maxOpenWindows: positiveInt.default(2000),
    stateBucket: z.string().default("KCE_ROLLUP_STATE"),
  })
  .prefault({});

const stage = z.strictObject({ concurrency: z.number().int().min(1).max(1024).default(32) }).prefault({});

const prometheus = z
  .strictObject({
    host: z.string().default("0.0.0.0"),
    port: z.number().int().min(0).max(65535).default(9090),
    path: z.string().startsWith("/").default("/metrics"),
    staleAfterSeconds: positiveInt.default(300),
    namespaceDailyHours: z.number().int().min(1).max(24 * 35).default(24),
  })
  .prefault({});

const telemetry = z
  .strictObject({
    host: z.string().default("0.0.0.0"),
    port: z.number().int().min(0).max(65535).default(0),
    logLevel: z.enum(["debug", "info", "warn", "error"]).default("info"),
    logFormat: z.enum(["text", "json"]).default("text"),
  })
  .prefault({});

export const configSchema = z.strictObject({
  cluster: z.string().min(1).max(253).default("default"),
  nats,
  streams,
  consumer,
  agent,
  pricing,
  pricer: stage,
  rollup,
  savings: stage,
  sinks: z.strictObject({ prometheus }).prefault({}),
  telemetry,
});

/** The validated configuration with every default filled in. */
export type Config = z.infer<typeof configSchema>;
export type Resolution = z.infer<typeof resolution>;
export type PricingDefaults = Config["pricing"]["defaults"];
