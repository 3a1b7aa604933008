import type { Recommendation } from "../../processors/recommender/recommender.ts";
import type { NodeOption, NodeRecommendation } from "../../processors/recommender/nodes.ts";
import { stringOption, UsageError, type ParsedArgs, type OptionSpec } from "../args.ts";
import { kubeGet } from "./api-client.ts";
import { renderStructured } from "./format.ts";
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

function parseCpu(v: string | number | undefined): number {
  if (v === undefined) return 0;
  const s = String(v);
  return s.endsWith("m") ? Number(s.slice(0, -1)) / 1000 : Number(s);
}

function parseMem(v: string | number | undefined): number {
  if (v === undefined) return 0;
  const m = /^(\d+(?:\.\d+)?)(Ki|Mi|Gi|Ti|k|M|G|T)?$/.exec(String(v));
  if (m === null) return 0;
  const unit = { Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, k: 1e3, M: 1e6, G: 1e9, T: 1e12 }[m[2] ?? ""] ?? 1;
  return Number(m[1]) * unit;
}

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
  return {
    spec: {
      template: {
        spec: {
          containers: containers.flatMap((c) => {
            const r = byName.get(c.name);
            if (r === undefined) return [];
            const memory = memText(r.recommended.memoryBytes);
            const limits = r.limits === "memory-equals-request" ? { limits: { cpu: null, memory } } : r.limits === "none" ? { limits: null } : {};
            return [{ name: c.name, resources: { requests: { cpu: cpuText(Math.max(0.001, r.recommended.cpuCores)), memory }, ...limits } }];
          }),
        },
      },
    },
  };
}

/** A whole-pod recommendation shared among the containers in proportion to their requests now. */
export function patchFor(r: Recommendation, containers: readonly Container[]): object {
  const cpuNow = containers.map((c) => parseCpu(c.resources?.requests?.["cpu"]));
  const memNow = containers.map((c) => parseMem(c.resources?.requests?.["memory"]));
  const share = (now: number[], i: number): number => {
    const sum = now.reduce((a, b) => a + b, 0);
    return sum > 0 ? (now[i] ?? 0) / sum : 1 / containers.length;
  };
  return {
    spec: {
      template: {
        spec: {
          containers: containers.map((c, i) => {
            const memory = memText(r.recommended.memoryBytes * share(memNow, i));
            // Strategic merge: a null value deletes the key.
            const limits = r.limits === "memory-equals-request" ? { limits: { cpu: null, memory } } : r.limits === "none" ? { limits: null } : {};
            return { name: c.name, resources: { requests: { cpu: cpuText(Math.max(0.001, r.recommended.cpuCores * share(cpuNow, i))), memory }, ...limits } };
          }),
        },
      },
    },
  };
}

function table(items: Recommendation[], currency: string): string {
  const header = ["NAMESPACE", "CONTROLLER", "CONTAINER", "STATUS", "PODS", "CPU REQ", "CPU P95", "→ CPU", "MEM REQ", "MEM PEAK", "→ MEM", `SAVES/MONTH (${currency})`, "WHY"];
  const rows = items.map((r) => [
    r.namespace,
    `${r.controllerKind.toLowerCase()}/${r.controller}`,
    r.container === "" ? "(pod)" : r.container,
    r.status,
    r.pods.toFixed(1),
    cpuText(r.current.cpuCores),
    cpuText(r.usage.cpuPercentileCores),
    cpuText(r.recommended.cpuCores),
    memText(r.current.memoryBytes),
    memText(r.usage.memoryPeakBytes),
    memText(r.recommended.memoryBytes),
    money(r.monthlySavingsUsd),
    r.reason,
  ]);
  const total = items.reduce((a, r) => a + r.monthlySavingsUsd, 0);
  rows.push(["TOTAL", ...Array<string>(10).fill(""), money(total), ""]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => (row[i] ?? "").length)));
  const line = (cells: string[]) => cells.map((c, i) => (i >= 4 && i <= 11 ? c.padStart(widths[i] ?? 0) : c.padEnd(widths[i] ?? 0))).join("   ").trimEnd();
  return [line(header), ...rows.map(line)].join("\n") + "\n";
}

function option(o: NodeOption | undefined): string {
  return o === undefined ? "-" : `${o.instanceType} (${o.vcpus} vCPU, ${o.memoryGiB} GiB) saves ${money(o.monthlySavingsUsd)}`;
}

/** Nodes mostly unrequested, with the cheaper shapes that would hold their pods. */
function nodeTable(nodes: NodeRecommendation[], currency: string): string {
  const header = ["NODE", "TYPE", "REQUESTED", `IDLE/MONTH (${currency})`, "SAME FAMILY", "ANY FAMILY (check the CPU architecture)", "SPOT"];
  const rows = nodes.map((n) => [n.node, `${n.instanceType} ${n.capacityType.toLowerCase()}`, `${n.requestedPct.toFixed(0)}%`, money(n.idleMonthlyUsd), option(n.sameFamily), option(n.anyFamily), option(n.spot)]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 2 || i === 3 ? c.padStart(widths[i] ?? 0) : c.padEnd(widths[i] ?? 0))).join("   ").trimEnd();
  return [line(header), ...rows.map(line)].join("\n") + "\n";
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
