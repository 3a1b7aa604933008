import { stringOption, type ParsedArgs } from "./args.ts";

/** Config values set by the common command-line options (they win over file and env). */
export function commonOverrides(args: ParsedArgs): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const nats = stringOption(args, "nats");
  if (nats !== undefined) out["nats"] = { servers: nats.split(",").map((s) => s.trim()).filter((s) => s !== "") };
  const cluster = stringOption(args, "cluster");
  if (cluster !== undefined) out["cluster"] = cluster;
  const level = stringOption(args, "log-level");
  if (level !== undefined) out["telemetry"] = { logLevel: level };
  return out;
}
