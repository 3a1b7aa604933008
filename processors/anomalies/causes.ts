import type { AnomalyCause, CostRollup } from "../../model/events.ts";

/**
 * What a window shows about its cluster's shape — controllers (replicas, requests per pod, cost) and
 * nodes (type, capacity type, price) — and the differences between two such shapes that explain a move
 * in spend: a controller scaled, a new workload, new requests (a new revision), nodes that joined or
 * left, spot nodes replaced by on-demand ones, a price that changed.
 */

export interface ControllerShape {
  namespace: string;
  name: string;
  pods: number;
  requestCoresPerPod: number;
  hourly: number;
}

export interface NodeShape {
  instanceType: string;
  capacityType: string;
  hourly: number;
}

export interface Shape {
  controllers: Map<string, ControllerShape>;
  nodes: Map<string, NodeShape>;
}

export function shapeOf(w: CostRollup): Shape {
  const perHour = 3_600_000 / Math.max(1, w.windowEndMs - w.windowStartMs);
  const controllers = new Map<string, ControllerShape>();
  for (const r of w.rows) {
    if (r.dimension !== "controller" || r.controllerName === "") continue;
    const key = `${r.namespace}/${r.controllerKind}/${r.controllerName}`;
    controllers.set(key, { namespace: r.namespace, name: key, pods: r.podCount, requestCoresPerPod: r.podHours > 0 ? r.cpuCoreRequestHours / r.podHours : 0, hourly: r.totalCost * perHour });
  }
  const nodes = new Map<string, NodeShape>();
  for (const n of w.nodes) nodes.set(n.node, { instanceType: n.instanceType, capacityType: n.capacityType.toUpperCase(), hourly: n.hours > 0 ? n.nodeCost / n.hours : 0 });
  return { controllers, nodes };
}

/** Dollars an hour, with cents (four decimals under a dollar, where small clusters live). */
const usd = (x: number): string => `$${x.toFixed(Math.abs(x) < 1 ? 4 : 2)}/h`;
const REQUEST_CHANGE = 0.2;
const PRICE_CHANGE = 0.05;

/** Causes inside one namespace: its controllers' changes. */
export function workloadCauses(before: Shape, now: Shape, namespace: string): AnomalyCause[] {
  const out: AnomalyCause[] = [];
  for (const [key, c] of now.controllers) {
    if (c.namespace !== namespace) continue;
    const b = before.controllers.get(key);
    if (b === undefined) {
      out.push({ kind: "new_workload", subject: key, detail: `${key} started: ${c.pods} pod(s), ${usd(c.hourly)}`, impactHourlyUsd: c.hourly });
    } else if (c.pods > b.pods) {
      out.push({ kind: "scale_up", subject: key, detail: `${key} scaled up from ${b.pods} to ${c.pods} pods (${usd(b.hourly)} → ${usd(c.hourly)})`, impactHourlyUsd: c.hourly - b.hourly });
    } else if (c.pods < b.pods) {
      out.push({ kind: "scale_down", subject: key, detail: `${key} scaled down from ${b.pods} to ${c.pods} pods (${usd(b.hourly)} → ${usd(c.hourly)})`, impactHourlyUsd: c.hourly - b.hourly });
    } else if (b.requestCoresPerPod > 0 && Math.abs(c.requestCoresPerPod / b.requestCoresPerPod - 1) >= REQUEST_CHANGE) {
      out.push({ kind: "requests_changed", subject: key, detail: `${key} rolled out with new requests: ${b.requestCoresPerPod.toFixed(2)} → ${c.requestCoresPerPod.toFixed(2)} CPU per pod (${usd(b.hourly)} → ${usd(c.hourly)})`, impactHourlyUsd: c.hourly - b.hourly });
    }
  }
  return out;
}

function groupBy(nodes: Array<[string, NodeShape]>): Map<string, { count: number; hourly: number; spot: number; onDemand: number }> {
  const out = new Map<string, { count: number; hourly: number; spot: number; onDemand: number }>();
  for (const [, n] of nodes) {
    const g = out.get(n.instanceType) ?? { count: 0, hourly: 0, spot: 0, onDemand: 0 };
    g.count++;
    g.hourly += n.hourly;
    if (n.capacityType === "SPOT") g.spot++;
    else g.onDemand++;
    out.set(n.instanceType, g);
  }
  return out;
}

/** Causes in the cluster's nodes: joined, left, spot replaced by on-demand, prices changed. */
export function nodeCauses(before: Shape, now: Shape): AnomalyCause[] {
  const added = [...now.nodes].filter(([name]) => !before.nodes.has(name));
  const removed = [...before.nodes].filter(([name]) => !now.nodes.has(name));
  const out: AnomalyCause[] = [];
  const addedSum = added.reduce((a, [, n]) => a + n.hourly, 0);
  const removedSum = removed.reduce((a, [, n]) => a + n.hourly, 0);
  const spotGone = removed.filter(([, n]) => n.capacityType === "SPOT");
  const onDemandIn = added.filter(([, n]) => n.capacityType !== "SPOT");
  if (spotGone.length > 0 && onDemandIn.length > 0) {
    const types = [...new Set(onDemandIn.map(([, n]) => n.instanceType))].join(", ");
    out.push({
      kind: "spot_to_on_demand",
      subject: types,
      detail: `${spotGone.length} spot node(s) replaced by ${onDemandIn.length} on-demand node(s) (${types}): ${usd(removedSum)} → ${usd(addedSum)}`,
      impactHourlyUsd: addedSum - removedSum,
    });
  } else {
    for (const [type, g] of groupBy(added)) out.push({ kind: "new_nodes", subject: type, detail: `${g.count} ${type} node(s) joined (${usd(g.hourly)})`, impactHourlyUsd: g.hourly });
    for (const [type, g] of groupBy(removed)) out.push({ kind: "nodes_removed", subject: type, detail: `${g.count} ${type} node(s) left (${usd(g.hourly)})`, impactHourlyUsd: -g.hourly });
  }
  const repriced = new Map<string, { before: number; now: number; count: number }>();
  for (const [name, n] of now.nodes) {
    const b = before.nodes.get(name);
    if (b === undefined || b.hourly <= 0 || Math.abs(n.hourly / b.hourly - 1) < PRICE_CHANGE) continue;
    const g = repriced.get(n.instanceType) ?? { before: 0, now: 0, count: 0 };
    g.before += b.hourly;
    g.now += n.hourly;
    g.count++;
    repriced.set(n.instanceType, g);
  }
  for (const [type, g] of repriced) out.push({ kind: "price_change", subject: type, detail: `the price of ${g.count} ${type} node(s) changed: ${usd(g.before)} → ${usd(g.now)}`, impactHourlyUsd: g.now - g.before });
  return out;
}

export function topCauses(causes: AnomalyCause[], n = 5): AnomalyCause[] {
  return [...causes].sort((a, b) => Math.abs(b.impactHourlyUsd) - Math.abs(a.impactHourlyUsd)).slice(0, n);
}
