import type { OptionSpec, ParsedArgs } from "./args.ts";

/** One `kce` subcommand. `run` resolves to the process exit code. */
export interface Command {
  name: string;
  summary: string;
  /** Extra help text after the options (examples, notes). */
  details?: string;
  usage: string;
  options: OptionSpec[];
  run(args: ParsedArgs): Promise<number>;
}

/** Options every pipeline command accepts. */
export const COMMON_OPTIONS: OptionSpec[] = [
  { name: "config", short: "c", value: "FILE", description: "YAML config file (env KCE_* overrides apply on top)" },
  { name: "nats", value: "URL", description: "NATS server URL(s), comma-separated (nats.servers)" },
  { name: "cluster", value: "NAME", description: "cluster name (cluster)" },
  { name: "log-level", value: "LEVEL", description: "debug, info, warn or error (telemetry.logLevel)" },
  { name: "help", short: "h", description: "show this help" },
];
