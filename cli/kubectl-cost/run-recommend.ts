import type { Recommendation } from "../../processors/recommender/recommender.ts";
import type { NodeOption, NodeRecommendation } from "../../processors/recommender/nodes.ts";
import { parseQuantity } from "../../model/quantity.ts";
import { stringOption, UsageError, type ParsedArgs, type OptionSpec } from "../args.ts";
import { kubeGet } from "./api-client.ts";
import { renderStructured, renderTable, type Column } from "./format.ts";
import { CONNECTION_OPTIONS } from "./options.ts";
import { endpointFor, endpointOptions, timeoutMs } from "./run-report.ts";

export const RECOMMEND_OPTIONS: OptionSpec[] = [
  { name: "namespace", short: "n", value: "NS", description: "only this namespace" },
  { name: "status", value: "LIST", description: "only these: over-requested, under-requested, right-sized, learning (comma-separated; default: the first two)" },
  { name: "output", short: "o", value: "FORMAT", description: "table (default), json, yaml, or patch: one `kubectl patch` per controller to apply the recommendation" },
  ...CONNECTION_OPTIONS,
  { name: "help", short: "h", description: "show this help" },
];

const MI = 2 ** 20;
const cpuText = (cores: number): string => `${Math.round(cores * 1000)}m`;
const memText = (bytes: number): string => `${Math.ceil(bytes / MI)}Mi`;
const money = (x: number): string => `${x < 0 ? "-" : ""}$${Math.abs(x).toFixed(2)}`;

/** The workload API path of a controller kind (apps/v1 only: those have a pod template to patch). */
const RESOURCE: Record<string, string> = { Deployment: "deployments", StatefulSet: "statefulsets", DaemonSet: "daemonsets", ReplicaSet: "replicasets" };

interface Container {
  name: string;
  resources?: { requests?: Record<string, string | number> };
}

/** A request as the API server stores it, in cores or bytes; 0 when absent or unreadable. */
function requested(v: string | number | undefined): number {
  if (v === undefined) return 0;
  try {
    return parseQuantity(v);
  } catch {
    return 0;
  }
}

/** A container's entry of the patch: its requests, and its limits as the limits policy says (null deletes a key). */
function containerEntry(name: string, r: Recommendation, cpuCores: number, memoryBytes: number): object {
  const memory = memText(memoryBytes);
  const limits = r.limits === "memory-equals-request" ? { limits: { cpu: null, memory } } : r.limits === "none" ? { limits: null } : {};
  return { name, resources: { requests: { cpu: cpuText(Math.max(0.001, cpuCores)), memory }, ...limits } };
}

const podTemplatePatch = (containers: object[]): object => ({ spec: { template: { spec: { containers } } } });

/**
 * A strategic merge patch that sets the recommended requests on a controller's pod template: each
 * container's own recommendation where the agent measured containers (containers without one are left as
 * they are); a whole-pod recommendation (older agents) is shared among the containers in proportion to what
 * each requests now (evenly where none does).
 */
export function controllerPatch(recs: readonly Recommendation[], containers: readonly Container[]): object {
  const pod = recs.find((r) => r.container === "");
  if (pod !== undefined) return patchFor(pod, containers);
  const byName = new Map(recs.map((r) => [r.container, r]));
  return podTemplatePatch(
    containers.flatMap((c) => {
      const r = byName.get(c.name);
      return r === undefined ? [] : [containerEntry(c.name, r, r.recommended.cpuCores, r.recommended.memoryBytes)];
    }),
  );
}

/** A whole-pod recommendation shared among the containers in proportion to their requests now. */
export function patchFor(r: Recommendation, containers: readonly Container[]): object {
  const cpuNow = containers.map((c) => requested(c.resources?.requests?.["cpu"]));
  const memNow = containers.map((c) => requested(c.resources?.requests?.["memory"]));
  const share = (now: number[], i: number): number => {
    const sum = now.reduce((a, b) => a + b, 0);
    return sum > 0 ? (now[i] ?? 0) / sum : 1 / containers.length;
  };
  return podTemplatePatch(containers.map((c, i) => containerEntry(c.name, r, r.recommended.cpuCores * share(cpuNow, i), r.recommended.memoryBytes * share(memNow, i))));
}

/** Text columns left, the figures right: renderTable's layout, with our own formatting of each cell. */
const textColumn = <R>(header: string, value: (r: R) => string): Column<R> => ({ header, kind: "text", value });
const figureColumn = <R>(header: string, value: (r: R) => string): Column<R> => ({ header, kind: "count", value });

function table(items: Recommendation[], currency: string): string {
  const columns: Array<Column<Recommendation | null>> = [
    textColumn("NAMESPACE", (r) => r?.namespace ?? "TOTAL"),
    textColumn("CONTROLLER", (r) => (r === null ? "" : `${r.controllerKind.toLowerCase()}/${r.controller}`)),
    textColumn("CONTAINER", (r) => (r === null ? "" : r.container === "" ? "(pod)" : r.container)),
    textColumn("STATUS", (r) => r?.status ?? ""),
    figureColumn("PODS", (r) => r?.pods.toFixed(1) ?? ""),
    figureColumn("CPU REQ", (r) => (r === null ? "" : cpuText(r.current.cpuCores))),
    figureColumn("CPU P95", (r) => (r === null ? "" : cpuText(r.usage.cpuPercentileCores))),
    figureColumn("→ CPU", (r) => (r === null ? "" : cpuText(r.recommended.cpuCores))),
    figureColumn("MEM REQ", (r) => (r === null ? "" : memText(r.current.memoryBytes))),
    figureColumn("MEM PEAK", (r) => (r === null ? "" : memText(r.usage.memoryPeakBytes))),
    figureColumn("→ MEM", (r) => (r === null ? "" : memText(r.recommended.memoryBytes))),
    figureColumn(`SAVES/MONTH (${currency})`, (r) => money(r === null ? items.reduce((a, x) => a + x.monthlySavingsUsd, 0) : r.monthlySavingsUsd)),
    textColumn("WHY", (r) => r?.reason ?? ""),
  ];
  // The footer (null) is the TOTAL row.
  return renderTable(columns, items, null);
}

function option(o: NodeOption | undefined): string {
  return o === undefined ? "-" : `${o.instanceType} (${o.vcpus} vCPU, ${o.memoryGiB} GiB) saves ${money(o.monthlySavingsUsd)}`;
}

/** Nodes mostly unrequested, with the cheaper shapes that would hold their pods. */
function nodeTable(nodes: NodeRecommendation[], currency: string): string {
  const columns: Array<Column<NodeRecommendation>> = [
    textColumn("NODE", (n) => n.node),
    textColumn("TYPE", (n) => `${n.instanceType} ${n.capacityType.toLowerCase()}`),
    figureColumn("REQUESTED", (n) => `${n.requestedPct.toFixed(0)}%`),
    figureColumn(`IDLE/MONTH (${currency})`, (n) => money(n.idleMonthlyUsd)),
    textColumn("SAME FAMILY", (n) => option(n.sameFamily)),
    textColumn("ANY FAMILY (check the CPU architecture)", (n) => option(n.anyFamily)),
    textColumn("SPOT", (n) => option(n.spot)),
  ];
  return renderTable(columns, nodes);
}

/** `kubectl cost recommend`: request right-sizing from /recommendations; `-o patch` prints the kubectl patches. */
export async function runRecommend(args: ParsedArgs, write: (s: string) => void): Promise<number> {
  const output = stringOption(args, "output") ?? "table";
  if (!["table", "json", "yaml", "patch"].includes(output)) throw new UsageError(`--output must be table, json, yaml or patch, got ${JSON.stringify(output)}`);
  const params = new URLSearchParams({ status: stringOption(args, "status") ?? "over-requested,under-requested" });
  const namespace = stringOption(args, "namespace");
  if (namespace !== undefined) params.set("namespace", namespace);
  const timeout = timeoutMs(args);
  const data = (await endpointFor(args).get("/recommendations", params, timeout)) as { currencyCode: string; monthlySavingsUsd: number; items: Recommendation[]; nodes?: NodeRecommendation[] };
  if (output === "json" || output === "yaml") {
    write(renderStructured(output, data));
    return 0;
  }
  if (output === "table") {
    write(data.items.length === 0 ? "no recommendations: every controller's requests match its usage, or it has less history than recommendations.minHistoryHours\n" : table(data.items, data.currencyCode));
    if ((data.nodes ?? []).length > 0) write(`\n${nodeTable(data.nodes ?? [], data.currencyCode)}`);
    return 0;
  }
  const conn = endpointOptions(args);
  // One patch per controller, with all of its containers' recommendations.
  const byController = new Map<string, Recommendation[]>();
  for (const r of data.items) {
    const key = `${r.cluster}/${r.namespace}/${r.controllerKind}/${r.controller}`;
    byController.set(key, [...(byController.get(key) ?? []), r]);
  }
  for (const recs of byController.values()) {
    const r = recs[0] as Recommendation;
    const resource = RESOURCE[r.controllerKind];
    if (resource === undefined) {
      write(`# ${r.namespace}/${r.controllerKind}/${r.controller}: not patched (a ${r.controllerKind} has no pod template to patch)\n`);
      continue;
    }
    const object = (await kubeGet(conn, `/apis/apps/v1/namespaces/${encodeURIComponent(r.namespace)}/${resource}/${encodeURIComponent(r.controller)}`, timeout)) as { spec?: { template?: { spec?: { containers?: Container[] } } } } | undefined;
    const containers = object?.spec?.template?.spec?.containers ?? [];
    if (containers.length === 0) {
      write(`# ${r.namespace}/${resource}/${r.controller}: not found in the cluster now; skipped\n`);
      continue;
    }
    for (const x of recs) write(`# ${x.container === "" ? "" : `${x.container}: `}${x.status}: ${x.reason}; ${x.monthlySavingsUsd >= 0 ? `saves ${money(x.monthlySavingsUsd)}` : `adds ${money(-x.monthlySavingsUsd)}`}/month\n`);
    write(`kubectl patch ${resource.slice(0, -1)} ${r.controller} -n ${r.namespace} --type strategic -p '${JSON.stringify(controllerPatch(recs, containers))}'\n`);
  }
  return 0;
}
