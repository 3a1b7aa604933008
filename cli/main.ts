import { ConfigError, ConfigFileError } from "../config/errors.ts";
import { FederationSpecError } from "../federation/files.ts";
import { BillCurrencyError, BillFormatError, BillOverlapError, MixedCurrencyError } from "../reconcile/ingest.ts";
import { VERSION } from "../model/version.ts";
import { formatOptions, parseArgs, UsageError } from "./args.ts";
import type { Command } from "./command.ts";
import { configCommand } from "./commands/config.ts";
import { demoCommand } from "./commands/demo.ts";
import { federationCommand } from "./commands/federation.ts";
import { reconcileCommand } from "./commands/reconcile.ts";
import { pricesCommand } from "./commands/prices.ts";
import { installCommand, ValuesError } from "./commands/install.ts";
import { simCommand } from "./commands/sim.ts";
import { agentCommand, allCommand, apiCommand, pricerCommand, sinkClickHouseCommand, sinkWebhookCommand, rollupCommand, savingsCommand, sinkPrometheusCommand } from "./commands/stages.ts";

const COMMANDS: Command[] = [
  demoCommand,
  agentCommand,
  pricerCommand,
  rollupCommand,
  savingsCommand,
  sinkPrometheusCommand,
  sinkClickHouseCommand,
  sinkWebhookCommand,
  apiCommand,
  allCommand,
  simCommand,
  federationCommand,
  reconcileCommand,
  pricesCommand,
  installCommand,
  configCommand,
];

function mainHelp(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length));
  return [
    `kce ${VERSION} — real-time Kubernetes cost monitoring on NATS JetStream`,
    "",
    "usage: kce <command> [options]      kce <command> --help",
    "",
    "commands:",
    ...COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
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
    process.stdout.write(mainHelp() + "\n");
    return name === undefined ? 2 : 0;
  }
  if (name === "--version" || name === "version") {
    process.stdout.write(`${VERSION}\n`);
    return 0;
  }
  const command = COMMANDS.find((c) => c.name === name);
  try {
    if (command === undefined) throw new UsageError(`unknown command "${name}"; commands: ${COMMANDS.map((c) => c.name).join(", ")}`);
    const args = parseArgs(rest, command.options);
    if (args.options.has("help")) {
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
    if (error instanceof ConfigError || error instanceof ConfigFileError || error instanceof FederationSpecError || error instanceof BillFormatError || error instanceof MixedCurrencyError || error instanceof BillCurrencyError || error instanceof BillOverlapError || error instanceof ValuesError) {
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
