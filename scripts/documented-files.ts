import { fileURLToPath } from "node:url";

/** Markdown files holding generated config tables. */
export const DOCUMENTED_FILES = [
  "README.md",
  "agents/node/README.md",
  "processors/pricer/README.md",
  "processors/rollup/README.md",
  "processors/savings/README.md",
  "sinks/prometheus/README.md",
  "sinks/clickhouse/README.md",
  "sinks/webhook/README.md",
  "pricing/README.md",
  "api/README.md",
  "reconcile/README.md",
  "export/README.md",
  "processors/anomalies/README.md",
  "processors/recommender/README.md",
].map((f) => fileURLToPath(new URL(`../${f}`, import.meta.url)));
