import type { BudgetAlert } from "../../model/events.ts";

export const GENERIC_SCHEMA = "kube-cost-exporter/budget-alert/v1";

const usd = (n: number) => `$${n.toLocaleString("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;

/** The generic JSON payload: the alert as is, under a versioned schema name. */
export function genericPayload(alert: BudgetAlert): object {
  return { schema: GENERIC_SCHEMA, alert };
}

/** The seed's Slack message: run rate, budget, amount and share over, top drivers, dashboard link. */
export function slackText(alert: BudgetAlert): string {
  const basis = alert.basis === "runRate" ? "Current Monthly Run Rate" : "Forecast for the Month";
  const head =
    alert.status === "firing"
      ? `:warning: Cost Alert: ${alert.scopeDescription} (${alert.thresholdPct}% of budget)`
      : `:white_check_mark: Resolved: ${alert.scopeDescription} is back under ${alert.thresholdPct}% of budget`;
  const lines = [head, "", `${basis}: ${usd(alert.observedMonthlyUsd)}`, `Budget: ${usd(alert.monthlyBudgetUsd)}`];
  if (alert.overBudgetUsd > 0) lines.push(`Over Budget: ${usd(alert.overBudgetUsd)} (${alert.overBudgetPct.toFixed(1)}%)`);
  lines.push(`Month to date: ${usd(alert.monthToDateUsd)} · cluster ${alert.cluster} · rule ${alert.rule} · ${alert.period}`);
  if (alert.topDrivers.length > 0) {
    lines.push("", "Top Cost Drivers:");
    alert.topDrivers.forEach((d, i) => lines.push(`${i + 1}. ${d.name} - ${usd(d.monthlyUsd)}/mo (${Math.round(d.share * 100)}%)`));
  }
  if (alert.dashboardUrl !== "") lines.push("", `<${alert.dashboardUrl}|View Dashboard>`);
  return lines.join("\n");
}

/** A Slack incoming-webhook message (text plus a section block, so it renders in both). */
export function slackPayload(alert: BudgetAlert): object {
  const text = slackText(alert);
  return { text, blocks: [{ type: "section", text: { type: "mrkdwn", text } }] };
}
