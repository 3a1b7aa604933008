import { writeFileSync } from "node:fs";
import { exportPrices } from "../../pricing/export.ts";
import { readPriceSnapshot } from "../../pricing/snapshot/snapshot.ts";
import { stringOption, UsageError } from "../args.ts";
import type { Command } from "../command.ts";
import { configFor } from "../lifecycle.ts";

export const pricesCommand: Command = {
  name: "prices",
  summary: "regenerate the offline price snapshot from a cloud's live pricing API",
  usage: "kce prices export --provider aws|azure|gcp [--config FILE] [--out FILE]",
  details:
    "Fetches again every instance and volume type the current snapshot lists for that provider (on-demand\n" +
    "price and shape, mean spot price over the region's zones, storage per GiB-month) with the same\n" +
    "credentials, budget and retries as the pricer, and writes a new snapshot (stdout without --out).\n" +
    "Other providers' entries are kept. Types the API does not know are kept as they were and listed.",
  options: [
    { name: "provider", value: "NAME", description: "aws, azure or gcp" },
    { name: "config", short: "c", value: "FILE", description: "config (pricing.* endpoints and budget)" },
    { name: "out", short: "o", value: "FILE", description: "write the snapshot here (default stdout)" },
    { name: "help", short: "h", description: "show this help" },
  ],
  run: async (args) => {
    if (args.positionals[0] !== "export") throw new UsageError("say `kce prices export --provider aws|azure|gcp`");
    const provider = stringOption(args, "provider");
    if (provider !== "aws" && provider !== "azure" && provider !== "gcp") throw new UsageError("--provider must be aws, azure or gcp");
    const config = configFor(args);
    const result = await exportPrices(provider, config.pricing, readPriceSnapshot(config.pricing.snapshotFile));
    const text = JSON.stringify(result.snapshot, null, 2) + "\n";
    const out = stringOption(args, "out");
    if (out === undefined) process.stdout.write(text);
    else writeFileSync(out, text);
    process.stderr.write(`prices export: ${result.updated} entries updated from ${provider}${result.unknown.length > 0 ? `; unknown to the API, kept: ${result.unknown.join(", ")}` : ""}\n`);
    return 0;
  },
};
