import { VERSION } from "../model/version.ts";
import { flag, formatOptions, parseArgs, UsageError } from "./args.ts";
import type { Command } from "./command.ts";

/**
 * The commands, each loaded only when it runs (or for `kce --help`): a process imports the code of its
 * own command, not the whole tool (an agent does not load the ClickHouse client or the cloud SDKs).
 */
const COMMANDS: Array<[name: string, load: () => Promise<Command>]> = [
  ["demo", async () => (await import("./commands/demo.ts")).demoCommand],
  ["agent", async () => (await import("./commands/stages.ts")).agentCommand],
  ["pricer", async () => (await import("./commands/stages.ts")).pricerCommand],
  ["rollup", async () => (await import("./commands/stages.ts")).rollupCommand],
  ["savings", async () => (await import("./commands/stages.ts")).savingsCommand],
  ["anomalies", async () => (await import("./commands/stages.ts")).anomaliesCommand],
  ["sink-prometheus", async () => (await import("./commands/stages.ts")).sinkPrometheusCommand],
  ["sink-clickhouse", async () => (await import("./commands/stages.ts")).sinkClickHouseCommand],
  ["sink-webhook", async () => (await import("./commands/stages.ts")).sinkWebhookCommand],
  ["api", async () => (await import("./commands/stages.ts")).apiCommand],
  ["all", async () => (await import("./commands/stages.ts")).allCommand],
  ["sim", async () => (await import("./commands/sim.ts")).simCommand],
  ["federation", async () => (await import("./commands/federation.ts")).federationCommand],
  ["reconcile", async () => (await import("./commands/reconcile.ts")).reconcileCommand],
  ["export", async () => (await import("./commands/export.ts")).exportCommand],
  ["prices", async () => (await import("./commands/prices.ts")).pricesCommand],
  ["install", async () => (await import("./commands/install.ts")).installCommand],
  ["config", async () => (await import("./commands/config.ts")).configCommand],
];

/** Errors that mean bad input (exit 2), by class name: checked without loading the modules that define them. */
const INPUT_ERRORS = new Set(["ConfigError", "ConfigFileError", "FederationSpecError", "BillFormatError", "MixedCurrencyError", "BillCurrencyError", "BillOverlapError", "ValuesError", "UnterminatedQuoteError", "FocusFileError", "DistributionError"]);

function mainHelp(commands: Command[]): string {
  const width = Math.max(...commands.map((c) => c.name.length));
  return [
    `kce ${VERSION} — real-time Kubernetes cost monitoring on NATS JetStream`,
    "",
    "usage: kce <command> [options]      kce <command> --help",
    "",
    "commands:",
    ...commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    "",
    "Configuration: --config FILE (YAML), then KCE_* environment variables (e.g. KCE_NATS__SERVERS,",
    "KCE_AGENT__INTERVAL_SECONDS), then command-line options. `kce config defaults` prints every key.",
  ].join("\n");
}

function commandHelp(c: Command): string {
  return [`usage: ${c.usage}`, "", c.summary, "", "options:", formatOptions(c.options), ...(c.details === undefined ? [] : ["", c.details])].join("\n");
}

/** Runs the CLI; resolves to the exit code. */
export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === "help" || name === "--help" || name === "-h") {
    process.stdout.write(mainHelp(await Promise.all(COMMANDS.map(([, load]) => load()))) + "\n");
    return name === undefined ? 2 : 0;
  }
  if (name === "--version" || name === "version") {
    process.stdout.write(`${VERSION}\n`);
    return 0;
  }
  const entry = COMMANDS.find(([n]) => n === name);
  const command = entry === undefined ? undefined : await entry[1]();
  try {
    if (command === undefined) throw new UsageError(`unknown command "${name}"; commands: ${COMMANDS.map(([n]) => n).join(", ")}`);
    const args = parseArgs(rest, command.options);
    if (flag(args, "help")) {
      process.stdout.write(commandHelp(command) + "\n");
      return 0;
    }
    return await command.run(args);
  } catch (error) {
    const prefix = `kce${command === undefined ? "" : ` ${command.name}`}: `;
    if (error instanceof UsageError) {
      process.stderr.write(`${prefix}${error.message}\nRun 'kce ${command?.name ?? ""} --help' for usage.\n`);
      return 2;
    }
    if (error instanceof Error && INPUT_ERRORS.has(error.name)) {
      process.stderr.write(`${prefix}${error.message}\n`);
      return 2;
    }
    process.stderr.write(`${prefix}${error instanceof Error ? error.message : String(error)}\n`);
    if (process.env["KCE_DEBUG"] !== undefined && error instanceof Error) process.stderr.write(`${error.stack ?? ""}\n`);
    return 1;
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (error: unknown) => {
      process.stderr.write(`kce: ${String(error)}\n`);
      process.exit(1);
    },
  );
}
