import type { FileSummary } from "./ingest.ts";
import type { ReconcileResult } from "./reconcile.ts";

export interface ReportRow {
  level: "cluster" | "node" | "volume" | "namespace" | "cluster-charge" | "unmatched" | "outside";
  cluster: string;
  name: string;
  estimated: number;
  billed: number;
  difference: number;
  /** (estimated − billed) ÷ billed × 100; undefined when nothing was billed. */
  errorPct: number | undefined;
  note: string;
}

export interface AccuracyReport {
  currency: string;
  files: FileSummary[];
  rows: ReportRow[];
  unmatchedTotal: number;
  /** Bill amounts on days without the cluster's cost data (listed by day in `rows`, level "outside"). */
  outsideTotal: number;
  /** Charges tagged for a cluster that match no node (NAT, load balancers, the control plane). */
  clusterChargesTotal: number;
  /** Σ of the files as read, and Σ of what the report accounts for (node-days, volume-days, unmatched, outside). */
  billTotal: number;
  accountedTotal: number;
  /** Every node-day and volume-day, and every unmatched item with its resource id (for -o json). */
  nodeDays: ReconcileResult["nodeDays"];
  volumeDays: ReconcileResult["volumeDays"];
  unmatched: ReconcileResult["unmatched"];
}

/** How far Σ report may be from Σ file before the run fails (floating-point sums of many lines). */
export function totalsAgree(report: AccuracyReport): boolean {
  return Math.abs(report.billTotal - report.accountedTotal) <= 1e-6 * Math.max(1, Math.abs(report.billTotal));
}

function row(level: ReportRow["level"], cluster: string, name: string, estimated: number, billed: number, note = ""): ReportRow {
  return { level, cluster, name, estimated, billed, difference: estimated - billed, errorPct: billed === 0 ? undefined : ((estimated - billed) / billed) * 100, note };
}

/**
 * Per cluster and node: our list-price estimate against the bill (nodes not on the bill are listed
 * with billed 0 and a note). Per namespace: the estimate against the reconciled allocation. Then the
 * bill's unmatched items by kind.
 */
interface Summed {
  cluster: string;
  name: string;
  estimated: number;
  billed: number;
  /** Days the resource was not on the bill (its estimate is not counted). */
  missing: number;
}

/** Sums days of a resource (node or volume) per cluster and name, sorted by cluster then name. */
function sumDays<D extends { cluster: string; estimated: number; billed: number | undefined }>(days: readonly D[], nameOf: (d: D) => string): Summed[] {
  const sums = new Map<string, Summed>();
  for (const d of days) {
    const name = nameOf(d);
    const key = `${d.cluster}\u0000${name}`;
    const s = sums.get(key) ?? { cluster: d.cluster, name, estimated: 0, billed: 0, missing: 0 };
    if (d.billed === undefined) s.missing++;
    else {
      s.estimated += d.estimated;
      s.billed += d.billed;
    }
    sums.set(key, s);
  }
  return [...sums.values()].sort((a, b) => a.cluster.localeCompare(b.cluster) || a.name.localeCompare(b.name));
}

export function buildReport(result: ReconcileResult, files: FileSummary[], currency: string): AccuracyReport {
  const rows: ReportRow[] = [];
  const byNode = sumDays(result.nodeDays, (d) => d.node);
  const clusters = new Map<string, { estimated: number; billed: number; missing: number }>();
  for (const n of byNode) {
    const c = clusters.get(n.cluster) ?? { estimated: 0, billed: 0, missing: 0 };
    c.estimated += n.estimated;
    c.billed += n.billed;
    c.missing += n.missing;
    clusters.set(n.cluster, c);
  }
  for (const [cluster, c] of [...clusters].sort()) rows.push(row("cluster", cluster, cluster, c.estimated, c.billed, c.missing > 0 ? `${c.missing} node-days not on the bill (left as estimated)` : ""));
  const unknownCost = new Map<string, number>();
  for (const d of result.nodeDays) if (d.note !== undefined) unknownCost.set(`${d.cluster}\u0000${d.node}`, (unknownCost.get(`${d.cluster}\u0000${d.node}`) ?? 0) + 1);
  for (const n of byNode) {
    const unknown = unknownCost.get(`${n.cluster}\u0000${n.name}`) ?? 0;
    const notes = [n.missing - unknown > 0 ? `${n.missing - unknown} day(s) not on the bill` : "", unknown > 0 ? `${unknown} day(s) of committed usage without EffectiveCost in the export: left as estimated` : ""].filter((x) => x !== "");
    rows.push(row("node", n.cluster, n.name, n.estimated, n.billed, notes.join("; ")));
  }
  for (const v of sumDays(result.volumeDays, (d) => d.pvName)) {
    rows.push(row("volume", v.cluster, v.name, v.estimated, v.billed, v.missing > 0 ? `${v.missing} day(s) not on the bill (no cloud disk id, or not billed)` : ""));
  }
  const byNamespace = new Map<string, { cluster: string; namespace: string; estimated: number; reconciled: number }>();
  for (const d of result.namespaceDays) {
    const key = `${d.cluster}\u0000${d.namespace}`;
    const n = byNamespace.get(key) ?? { cluster: d.cluster, namespace: d.namespace, estimated: 0, reconciled: 0 };
    n.estimated += d.estimated;
    n.reconciled += d.reconciled;
    byNamespace.set(key, n);
  }
  for (const n of [...byNamespace.values()].sort((a, b) => a.cluster.localeCompare(b.cluster) || b.reconciled - a.reconciled)) {
    rows.push(row("namespace", n.cluster, n.namespace, n.estimated, n.reconciled, "billed = reconciled allocation"));
  }
  // Cluster charges by cluster and kind, with their resources.
  const byClusterKind = new Map<string, { cluster: string; kind: string; cost: number; resources: Set<string> }>();
  for (const c of result.clusterCharges) {
    const key = `${c.cluster}\u0000${c.kind}`;
    const k = byClusterKind.get(key) ?? { cluster: c.cluster, kind: c.kind, cost: 0, resources: new Set<string>() };
    k.cost += c.cost;
    k.resources.add(c.resourceId === "" ? "(no resource id)" : c.resourceId);
    byClusterKind.set(key, k);
  }
  for (const k of byClusterKind.values()) {
    const ids = [...k.resources];
    rows.push(row("cluster-charge", k.cluster, k.kind, 0, k.cost, `tagged for the cluster, matching no node: ${ids.slice(0, 3).join(", ")}${ids.length > 3 ? ` and ${ids.length - 3} more` : ""}`));
  }
  // Unmatched items by service and usage type, with the resources they are for; zero-cost lines
  // (a matched node's Savings Plan negations) change nothing and are not listed.
  const byKind = new Map<string, { cost: number; items: number; resources: Set<string> }>();
  for (const u of result.unmatched) {
    if (u.cost === 0) continue;
    const k = byKind.get(u.kind) ?? { cost: 0, items: 0, resources: new Set<string>() };
    k.cost += u.cost;
    k.items++;
    k.resources.add(u.resourceId === "" ? "(no resource id)" : u.resourceId);
    byKind.set(u.kind, k);
  }
  for (const [kind, k] of [...byKind].sort((a, b) => b[1].cost - a[1].cost)) {
    const ids = [...k.resources];
    rows.push(row("unmatched", "", kind, 0, k.cost, `${k.items} item-day(s) matching no node: ${ids.slice(0, 3).join(", ")}${ids.length > 3 ? ` and ${ids.length - 3} more` : ""}`));
  }
  const byDay = new Map<string, { cost: number; items: number }>();
  for (const o of result.outside) {
    const d = byDay.get(o.day) ?? { cost: 0, items: 0 };
    d.cost += o.cost;
    d.items++;
    byDay.set(o.day, d);
  }
  for (const [day, d] of [...byDay].sort()) rows.push(row("outside", "", day, 0, d.cost, `${d.items} bill item(s) on a day without the cluster's cost data (not reconciled)`));
  const total = (xs: ReadonlyArray<{ cost: number }>) => xs.reduce((a, u) => a + u.cost, 0);
  return {
    currency,
    files,
    rows,
    unmatchedTotal: total(result.unmatched),
    outsideTotal: total(result.outside),
    clusterChargesTotal: total(result.clusterCharges),
    billTotal: result.billTotal,
    accountedTotal: result.accountedTotal,
    nodeDays: result.nodeDays,
    volumeDays: result.volumeDays,
    unmatched: result.unmatched.filter((u) => u.cost !== 0),
  };
}

const money = (n: number) => (Math.abs(n) >= 0.01 || n === 0 ? n.toFixed(2) : n.toPrecision(3));
const pct = (n: number | undefined) => (n === undefined ? "" : `${n >= 0 ? "+" : ""}${n.toFixed(1)}%`);

export function renderTable(report: AccuracyReport): string {
  const head = ["LEVEL", "CLUSTER", "NAME", "ESTIMATED", "BILLED", "DIFFERENCE", "ERROR", "NOTE"];
  const body = report.rows.map((r) => [r.level, r.cluster, r.name, money(r.estimated), money(r.billed), money(r.difference), pct(r.errorPct), r.note]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => (b[i] ?? "").length)));
  const right = new Set([3, 4, 5, 6]);
  const line = (cells: string[]) => cells.map((c, i) => (right.has(i) ? c.padStart(widths[i] ?? 0) : c.padEnd(widths[i] ?? 0))).join("  ").trimEnd();
  const files = report.files.map((f) => `${f.path}: ${f.layout}, ${f.rows} rows read, ${f.badRows} bad${f.duplicates > 0 ? `, ${f.duplicates} duplicate line(s) already read from ${f.duplicateOf ?? "?"} counted once` : ""}; cost from ${f.costColumn}`);
  const problems = report.files.flatMap((f) => f.problems.map((p) => `  ${f.path} line ${p.line}, column ${p.column}: ${p.message}`));
  return [
    ...files,
    ...(problems.length > 0 ? ["bad rows (first ones):", ...problems] : []),
    `currency: ${report.currency || "(not stated in the files)"}`,
    "",
    line(head),
    ...body.map(line),
    "",
    `unmatched bill items: ${money(report.unmatchedTotal)} ${report.currency} (not allocated to any node)`,
    `cluster charges matching no node (by tag): ${money(report.clusterChargesTotal)} ${report.currency}`,
    `bill items on days without cost data: ${money(report.outsideTotal)} ${report.currency}`,
    `bill total ${money(report.billTotal)} ${report.currency}; accounted for in this report ${money(report.accountedTotal)}${totalsAgree(report) ? "" : " — MISMATCH"}`,
  ].join("\n");
}

const csvCell = (s: string) => (/[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);

/** The summary rows, then one row per node-day and volume-day (level node-day / volume-day, with its day). */
export function renderCsv(report: AccuracyReport): string {
  const lines = ["level,cluster,name,day,estimated,billed,difference,error_pct,note"];
  const push = (level: string, cluster: string, name: string, day: string, estimated: number, billed: number | undefined, note: string) => {
    const b = billed ?? 0;
    const err = billed === undefined || billed === 0 ? "" : String(((estimated - billed) / billed) * 100);
    lines.push([level, cluster, name, day, String(estimated), String(b), String(estimated - b), err, note].map(csvCell).join(","));
  };
  for (const r of report.rows) push(r.level, r.cluster, r.name, r.level === "outside" ? r.name : "", r.estimated, r.billed, r.note);
  for (const d of report.nodeDays) push("node-day", d.cluster, d.node, d.day, d.estimated, d.billed, d.billed === undefined ? "not on the bill" : `factor ${d.factor}`);
  for (const v of report.volumeDays) push("volume-day", v.cluster, v.pvName, v.day, v.estimated, v.billed, v.billed === undefined ? "not on the bill" : "");
  return lines.join("\n") + "\n";
}

export interface NodeRatio {
  cluster: string;
  node: string;
  day: string;
  ratio: number;
}

/** Billed ÷ estimated per node, for the latest day the node was on the bill. */
export function latestRatios(result: ReconcileResult): NodeRatio[] {
  const latest = new Map<string, NodeRatio>();
  for (const d of result.nodeDays) {
    if (d.billed === undefined || d.estimated <= 0) continue;
    const key = `${d.cluster}\u0000${d.node}`;
    const known = latest.get(key);
    if (known === undefined || known.day < d.day) latest.set(key, { cluster: d.cluster, node: d.node, day: d.day, ratio: d.billed / d.estimated });
  }
  return [...latest.values()];
}

/** node_exporter textfile format: kube_cost_reconciliation_ratio{cluster,node} = billed ÷ estimated of the latest reconciled day. */
export function renderMetrics(result: ReconcileResult): string {
  const latest = latestRatios(result);
  const esc = (s: string) => s.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n");
  return [
    "# HELP kube_cost_reconciliation_ratio Billed cost over the list-price estimate of a node, for the latest reconciled day.",
    "# TYPE kube_cost_reconciliation_ratio gauge",
    ...latest.map((l) => `kube_cost_reconciliation_ratio{cluster="${esc(l.cluster)}",node="${esc(l.node)}"} ${l.ratio}`),
    "",
  ].join("\n");
}
