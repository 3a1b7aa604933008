import { stringify } from "yaml";
import { validateConfig } from "../../config/load.ts";
import { configFor } from "../lifecycle.ts";
import type { Command } from "../command.ts";
import { UsageError } from "../args.ts";

export const configCommand: Command = {
  name: "config",
  summary: "print the default configuration, or check a config file",
  usage: "kce config defaults | kce config check --config FILE",
  details: "`check` loads the file plus KCE_* environment overrides and reports the first invalid key.",
  options: [
    { name: "config", short: "c", value: "FILE", description: "config file to check" },
    { name: "help", short: "h", description: "show this help" },
  ],
  run: async (args) => {
    const action = args.positionals[0];
    if (action === "defaults") {
      process.stdout.write(stringify(validateConfig({})));
      return 0;
    }
    if (action === "check") {
      const config = configFor(args);
      process.stdout.write(`ok: ${args.options.get("config") ?? "(defaults + environment)"} is valid (cluster ${config.cluster})\n`);
      return 0;
    }
    throw new UsageError("say `kce config defaults` or `kce config check --config FILE`");
  },
};
