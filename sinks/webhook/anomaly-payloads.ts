import type { CostAnomaly } from "../../model/events.ts";
import type { WebhookFormat } from "./delivery.ts";

export const ANOMALY_SCHEMA = "kube-cost-exporter/cost-anomaly/v1";

const usd = (n: number) => `$${n.toLocaleString("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;

/** A cost anomaly in words: where, how far off its usual spend, and why. */
export function anomalyText(a: CostAnomaly): string {
  const where = a.scope === "cluster" ? `cluster ${a.cluster}` : `namespace ${a.namespace} (cluster ${a.cluster})`;
  const when = new Date(a.startedAtMs).toISOString().replace(".000Z", "Z");
  const head =
    a.status === "firing"
      ? `:rotating_light: Cost anomaly: ${where} is spending ${usd(a.observedHourlyUsd)}/h, usually ${usd(a.expectedHourlyUsd)}/h at this hour (${a.deviationPct >= 0 ? "+" : ""}${a.deviationPct.toFixed(0)}%), since ${when}`
      : `:white_check_mark: Resolved: ${where} is back to its usual spend (${usd(a.observedHourlyUsd)}/h)`;
  const lines = [head];
  if (a.status === "firing") {
    if (a.causes.length > 0) {
      lines.push("", "Cause:");
      for (const c of a.causes) lines.push(`• ${c.detail}`);
    } else lines.push("", "Cause: nothing in the cluster's shape changed (no scaling, nodes or prices): spend per pod moved (usage, network or storage).");
    if (a.namespaces.length > 0) lines.push("", `Namespaces affected: ${a.namespaces.join(", ")}`);
  }
  if (a.dashboardUrl !== "") lines.push("", `<${a.dashboardUrl}|View Dashboard>`);
  return lines.join("\n");
}

export const ANOMALY_FORMAT: WebhookFormat<CostAnomaly> = {
  id: (a) => `${a.id}/${a.status}`,
  slack: (a) => {
    const text = anomalyText(a);
    return { text, blocks: [{ type: "section", text: { type: "mrkdwn", text } }] };
  },
  generic: (anomaly) => ({ schema: ANOMALY_SCHEMA, anomaly }),
};
