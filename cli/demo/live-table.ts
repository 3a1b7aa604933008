import type { LiveModel } from "./live-model.ts";

const usd = (n: number, digits = 4): string => `$${n.toFixed(digits)}`;

function table(headers: string[], rows: string[][], rightAligned: ReadonlySet<number>): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (cells: string[]) =>
    cells.map((c, i) => (rightAligned.has(i) ? c.padStart(widths[i] ?? 0) : c.padEnd(widths[i] ?? 0))).join("   ").trimEnd();
  return [line(headers), ...rows.map(line)].join("\n");
}

export interface Banner {
  cluster: string;
  metricsUrl: string;
  /** The API's web app, when served. */
  webUrl?: string;
  natsUrl: string;
  simUrl: string;
}

/** The demo screen: nodes and namespaces with live costs. */
export function renderLiveTable(model: LiveModel, banner: Banner, nowMs: number): string {
  const nodes = model.nodes();
  const namespaces = model.namespaces();
  const idleHourly = nodes.reduce((s, n) => s + n.idleHourly, 0);
  const totalHourly = namespaces.reduce((s, n) => s + n.hourly, 0) + idleHourly;
  const out: string[] = [];
  out.push(`kube-cost-exporter demo · cluster ${banner.cluster} · ${new Date(nowMs).toISOString().slice(11, 19)} UTC · Ctrl-C to stop`);
  out.push(`${banner.webUrl === undefined ? "" : `web app ${banner.webUrl}   `}metrics ${banner.metricsUrl}   nats ${banner.natsUrl}   kube API ${banner.simUrl}`);
  out.push("");
  if (nodes.length === 0) {
    out.push("waiting for the first usage window to close (agents publish once per interval) ...");
    return out.join("\n");
  }
  const clusters = model.clusters();
  if (clusters.length > 1) {
    const rows = clusters.map((c) => [c.cluster, String(c.nodes), String(c.pods), usd(c.hourly), usd(c.hourly * 730, 2), usd(c.today), usd(c.spotSavings)]);
    rows.push(["ALL CLUSTERS", String(nodes.length), String(clusters.reduce((a, c) => a + c.pods, 0)), usd(clusters.reduce((a, c) => a + c.hourly, 0)), usd(clusters.reduce((a, c) => a + c.hourly, 0) * 730, 2), usd(clusters.reduce((a, c) => a + c.today, 0)), usd(clusters.reduce((a, c) => a + c.spotSavings, 0))]);
    out.push(table(["CLUSTER", "NODES", "PODS", "$/HOUR", "$/MONTH (RUN RATE)", "COST TODAY", "SPOT SAVED"], rows, new Set([1, 2, 3, 4, 5, 6])));
    out.push("");
  }
  const multi = clusters.length > 1;
  out.push(
    table(
      [...(multi ? ["CLUSTER"] : []), "NODE", "TYPE", "CAPACITY", "PODS", "$/HOUR", "IDLE $/HOUR", "PRICE SOURCE"],
      nodes.map((n) => [...(multi ? [n.cluster] : []), n.node, n.instanceType, n.capacityType, String(n.pods), usd(n.hourly), usd(n.idleHourly), n.priceSource]),
      new Set(multi ? [4, 5, 6] : [3, 4, 5]),
    ),
  );
  out.push("");
  const rows = namespaces.map((n) => [n.namespace, String(n.pods), usd(n.hourly), usd(n.hourly * 730, 2), usd(n.today), usd(n.spotSavings)]);
  rows.push(["(idle)", "", usd(idleHourly), usd(idleHourly * 730, 2), usd(model.idleToday()), ""]);
  rows.push([
    "TOTAL",
    String(namespaces.reduce((s, n) => s + n.pods, 0)),
    usd(totalHourly),
    usd(totalHourly * 730, 2),
    usd(namespaces.reduce((s, n) => s + n.today, 0) + model.idleToday()),
    usd(namespaces.reduce((s, n) => s + n.spotSavings, 0)),
  ]);
  out.push(table(["NAMESPACE", "PODS", "$/HOUR", "$/MONTH (RUN RATE)", "COST TODAY", "SPOT SAVED"], rows, new Set([1, 2, 3, 4, 5])));
  out.push("");
  const sized = model.recommendations().filter((r) => r.status === "over-requested" || r.status === "under-requested").slice(0, 3);
  if (sized.length > 0) {
    out.push("RIGHT-SIZING (kubectl cost recommend): requests against measured usage");
    for (const r of sized) {
      const money = r.monthlySavingsUsd >= 0 ? `saves ${usd(r.monthlySavingsUsd, 2)}/month` : `adds ${usd(-r.monthlySavingsUsd, 2)}/month`;
      out.push(`  ${r.status.padEnd(15)} ${r.namespace}/${r.controllerKind.toLowerCase()}/${r.controller}${r.container === "" ? "" : `[${r.container}]`}: CPU ${Math.round(r.current.cpuCores * 1000)}m → ${Math.round(r.recommended.cpuCores * 1000)}m, memory ${Math.ceil(r.current.memoryBytes / 2 ** 20)}Mi → ${Math.ceil(r.recommended.memoryBytes / 2 ** 20)}Mi, ${money}`);
    }
    out.push("");
  }
  const anomalies = model.anomalies();
  if (anomalies.length > 0) {
    out.push("COST ANOMALIES (processors/anomalies: spend off its learned pattern, with the cause)");
    for (const a of anomalies) {
      const where = a.scope === "cluster" ? `cluster ${a.cluster}` : `namespace ${a.namespace}`;
      const cause = a.causes[0]?.detail ?? "no change in the cluster's shape";
      out.push(`  ${a.status === "firing" ? "FIRING  " : "resolved"} ${new Date(a.startedAtMs).toISOString().slice(11, 16)} ${where}: ${usd(a.observedHourlyUsd)}/h, usually ${usd(a.expectedHourlyUsd)}/h — ${cause}`);
    }
    out.push("");
  }
  out.push(`priced snapshots: ${model.snapshotsSeen} · latest window ends ${new Date(model.lastWindowEndMs).toISOString().slice(11, 19)} UTC`);
  return out.join("\n");
}
