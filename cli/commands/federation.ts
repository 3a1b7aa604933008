import { connectNats } from "../../bus/connect.ts";
import { jetstreamManager } from "@nats-io/jetstream";
import { ensureStreams } from "../../bus/streams.ts";
import { loadFederationSpec, renderToDirectory } from "../../federation/files.ts";
import { sourceStatus } from "../../federation/status.ts";
import { flag, stringOption } from "../args.ts";
import { UsageError } from "../args.ts";
import type { Command } from "../command.ts";
import { configFor, loggerFor } from "../lifecycle.ts";
import type { Config } from "../../config/schema.ts";

function requireHub(config: Config): void {
  if (config.federation.role !== "hub") throw new UsageError(`this needs a hub config (federation.role: hub); the given config has role ${config.federation.role}`);
}

async function withHub<T>(config: Config, work: (jsm: Awaited<ReturnType<typeof jetstreamManager>>) => Promise<T>): Promise<T> {
  const nc = await connectNats({ ...config.nats, maxReconnectAttempts: 0 }, "kce-federation", loggerFor(config));
  try {
    return await work(await jetstreamManager(nc));
  } finally {
    await nc.close();
  }
}

const ACTIONS = "render --spec FILE --out DIR | provision --config FILE [--prune] | status --config FILE";

export const federationCommand: Command = {
  name: "federation",
  summary: "render NATS hub/leaf configs for many clusters, provision the hub's sources, show link status",
  usage: `kce federation ${ACTIONS}`,
  details: [
    "render     writes hub.conf, leaf-<cluster>.conf, kce-hub.yaml, kce-leaf-<cluster>.yaml and secrets.yaml",
    "           into DIR from a small spec (deploy/federation/federation.example.yaml). Passwords in DIR/secrets.yaml",
    "           are reused, so rendering again after adding a cluster keeps the other links.",
    "provision  connects to the hub with a hub config and makes its streams source every listed cluster",
    "           (run it after adding a cluster: no restart of the hub or the central stages). Sources of",
    "           clusters no longer listed are kept unless --prune.",
    "status     lists each sourced leaf stream with its lag and last activity.",
    "",
    "Adding a cluster: add it to the spec, render, `kill -HUP <hub nats-server pid>`, start the new leaf,",
    "add it to the hub config's federation.clusters (render does) and run `kce federation provision`.",
  ].join("\n"),
  options: [
    { name: "spec", value: "FILE", description: "federation spec (render)" },
    { name: "out", value: "DIR", description: "output directory (render)" },
    { name: "config", short: "c", value: "FILE", description: "kce config with federation.role hub (provision, status)" },
    { name: "prune", description: "provision: drop sources of clusters not in the config" },
    { name: "help", short: "h", description: "show this help" },
  ],
  run: async (args) => {
    const action = args.positionals[0];
    if (action === "render") {
      const spec = stringOption(args, "spec");
      const out = stringOption(args, "out");
      if (spec === undefined || out === undefined) throw new UsageError("render needs --spec FILE and --out DIR");
      const written = renderToDirectory(loadFederationSpec(spec), out);
      process.stdout.write(`wrote ${written.length} files (owner-only; secrets.yaml holds the passwords):\n${written.map((w) => `  ${w}`).join("\n")}\n`);
      return 0;
    }
    if (action === "provision") {
      const config = configFor(args);
      requireHub(config);
      await withHub(config, (jsm) => ensureStreams(jsm, config, { pruneSources: flag(args, "prune") }));
      process.stdout.write(`hub streams source ${config.federation.clusters.map((c) => c.name).join(", ") || "(no clusters)"}${flag(args, "prune") ? " (others pruned)" : ""}\n`);
      return 0;
    }
    if (action === "status") {
      const config = configFor(args);
      requireHub(config);
      const rows = await withHub(config, (jsm) => sourceStatus(jsm, config.federation));
      const table = [["STREAM", "SOURCE", "LAG", "LAST ACTIVE", "ERROR"], ...rows.map((r) => [r.stream, r.source, String(r.lag), r.activeAgoMs === undefined ? "never" : `${(r.activeAgoMs / 1000).toFixed(1)}s ago`, r.error ?? ""])];
      const widths = table[0]?.map((_, i) => Math.max(...table.map((row) => (row[i] ?? "").length))) ?? [];
      for (const row of table) process.stdout.write(row.map((cell, i) => cell.padEnd(widths[i] ?? 0)).join("  ").trimEnd() + "\n");
      return 0;
    }
    throw new UsageError(`say kce federation ${ACTIONS}`);
  },
};
