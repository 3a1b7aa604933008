import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { apiGroupList, apiResourceList, apiVersions, findResource, type ResourceInfo } from "./discovery.ts";
import type { KubeObject } from "./objects.ts";
import type { Scenario } from "./scenario.ts";
import { parseFieldSelector, parseLabelSelector, SelectorError, type Predicate } from "./selectors.ts";
import { toTable } from "./tables.ts";
import { World, type WorldEvent } from "./world.ts";
import { watchStream } from "./watch.ts";

export interface SimServer {
  readonly url: string;
  readonly world: World;
  /** Makes `/api/v1/namespaces/<ns>/services/<name>:<port>/proxy/...` forward to `target` (a base URL). */
  addService(namespace: string, name: string, port: number, target: string): void;
  close(): Promise<void>;
}

export interface SimOptions {
  scenario: Scenario;
  host?: string;
  port?: number;
  /** How often the world advances (pod churn, cron jobs, restarts). */
  tickMs?: number;
  now?: () => number;
}

interface Route {
  info: ResourceInfo;
  namespace: string | undefined;
  name: string | undefined;
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(body));
}

function status(res: ServerResponse, code: number, reason: string, message: string): void {
  sendJson(res, code, { kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure", message, reason, code });
}

function parseRoute(segments: string[]): { group: string; version: string; rest: string[] } | undefined {
  if (segments[0] === "api" && segments[1] !== undefined) return { group: "", version: segments[1], rest: segments.slice(2) };
  if (segments[0] === "apis" && segments[1] !== undefined && segments[2] !== undefined) {
    return { group: segments[1], version: segments[2], rest: segments.slice(3) };
  }
  return undefined;
}

function resolve(group: string, version: string, rest: string[]): Route | undefined {
  if (rest[0] === "namespaces" && rest.length >= 3) {
    const info = findResource(group, version, rest[2] ?? "");
    return info?.namespaced === true ? { info, namespace: rest[1], name: rest[3] } : undefined;
  }
  const info = findResource(group, version, rest[0] ?? "");
  if (info === undefined) return undefined;
  return info.namespaced ? (rest[1] === undefined ? { info, namespace: undefined, name: undefined } : undefined) : { info, namespace: undefined, name: rest[1] };
}

/**
 * A read-only Kubernetes API server for a simulated cluster: discovery, get/list/watch of nodes,
 * pods, PVs, PVCs, namespaces and workload controllers (field and label selectors, resource
 * versions, 410 Gone for expired versions, server-side tables for kubectl), and the kubelet
 * Summary API through the node proxy.
 */
export async function startSim(options: SimOptions): Promise<SimServer> {
  const now = options.now ?? Date.now;
  const world = new World(options.scenario, now());
  const host = options.host ?? "127.0.0.1";
  const openWatches = new Set<ServerResponse>();
  const services = new Map<string, string>();

  /** The API server's service proxy, for the services registered with addService. */
  const proxyService = (namespace: string, ref: string, path: string, search: string, res: ServerResponse): void => {
    const parts = ref.split(":");
    const name = parts.length === 3 ? parts[1] : parts[0];
    const port = parts.length === 3 ? parts[2] : parts[1];
    const target = services.get(`${namespace}/${name ?? ""}:${port ?? ""}`);
    if (target === undefined) return status(res, 503, "ServiceUnavailable", `no endpoints available for service "${ref}"`);
    fetch(`${target}/${path}${search}`)
      .then(async (upstream) => {
        res.writeHead(upstream.status, { "content-type": upstream.headers.get("content-type") ?? "application/octet-stream" });
        res.end(Buffer.from(await upstream.arrayBuffer()));
      })
      .catch((error: unknown) => status(res, 503, "ServiceUnavailable", `error trying to reach service: ${String(error)}`));
  };

  const handler = (req: IncomingMessage, res: ServerResponse): void => {
    const url = new URL(req.url ?? "/", `http://${host}`);
    // Clients escape '/' inside proxied paths (stats%2Fsummary); the API server decodes it.
    const segments = url.pathname.split("/").filter((s) => s !== "").flatMap((s) => decodeURIComponent(s).split("/"));
    if (req.method !== "GET") return status(res, 405, "MethodNotAllowed", "the simulator is read-only");
    if (url.pathname === "/version") {
      return sendJson(res, 200, { major: "1", minor: "31", gitVersion: "v1.31.4-kce-sim", platform: "linux/amd64" });
    }
    if (url.pathname === "/healthz" || url.pathname === "/readyz" || url.pathname === "/livez") {
      res.writeHead(200, { "content-type": "text/plain" }).end("ok");
      return;
    }
    if (url.pathname === "/api") return sendJson(res, 200, apiVersions(req.headers.host ?? host));
    if (url.pathname === "/apis") return sendJson(res, 200, apiGroupList());
    const route = parseRoute(segments);
    if (route === undefined) return status(res, 404, "NotFound", `the server could not find the requested resource ${url.pathname}`);
    if (route.rest.length === 0) {
      const list = apiResourceList(route.group, route.version);
      return list === undefined ? status(res, 404, "NotFound", `no group version ${route.group}/${route.version}`) : sendJson(res, 200, list);
    }
    if (route.group === "" && route.rest[0] === "nodes" && route.rest[2] === "proxy") {
      const nodeName = route.rest[1] ?? "";
      const path = route.rest.slice(3).join("/");
      if (path !== "stats/summary") return status(res, 404, "NotFound", `the simulated kubelet serves only stats/summary, not ${path}`);
      world.tick(now());
      const summary = world.summary(nodeName, now());
      return summary === undefined ? status(res, 404, "NotFound", `nodes "${nodeName}" not found`) : sendJson(res, 200, summary);
    }
    if (route.group === "" && route.rest[0] === "namespaces" && route.rest[2] === "services" && route.rest[4] === "proxy") {
      // The raw path keeps the proxied path's own escaping; only the service part is decoded.
      const raw = url.pathname.split("/").slice(8).join("/");
      return proxyService(route.rest[1] ?? "", route.rest[3] ?? "", raw, url.search, res);
    }
    const target = resolve(route.group, route.version, route.rest);
    if (target === undefined) return status(res, 404, "NotFound", `the server could not find the requested resource ${url.pathname}`);
    let matches: Predicate;
    try {
      const field = parseFieldSelector(url.searchParams.get("fieldSelector"));
      const label = parseLabelSelector(url.searchParams.get("labelSelector"));
      matches = (o) => field(o) && label(o) && (target.namespace === undefined || o.metadata.namespace === target.namespace);
    } catch (error) {
      if (error instanceof SelectorError) return status(res, 400, "BadRequest", error.message);
      throw error;
    }
    world.tick(now());
    const watch = url.searchParams.get("watch");
    if (watch === "1" || watch === "true") {
      openWatches.add(res);
      res.on("close", () => openWatches.delete(res));
      return watchStream(world, target.info, matches, url.searchParams, res);
    }
    const wantsTable = (req.headers.accept ?? "").includes("as=Table");
    if (target.name !== undefined) {
      const object = world.get(target.info.resource, target.namespace, target.name);
      if (object === undefined) return status(res, 404, "NotFound", `${target.info.resource} "${target.name}" not found`);
      return sendJson(res, 200, wantsTable ? toTable(target.info, [object], String(world.resourceVersion), now()) : object);
    }
    const items: KubeObject[] = world.list(target.info.resource).filter(matches);
    items.sort((a, b) => (a.metadata.namespace ?? "").localeCompare(b.metadata.namespace ?? "") || a.metadata.name.localeCompare(b.metadata.name));
    if (wantsTable) return sendJson(res, 200, toTable(target.info, items, String(world.resourceVersion), now()));
    return sendJson(res, 200, {
      kind: `${target.info.kind}List`,
      apiVersion: route.group === "" ? route.version : `${route.group}/${route.version}`,
      metadata: { resourceVersion: String(world.resourceVersion) },
      items,
    });
  };

  const server: Server = createServer((req, res) => {
    try {
      handler(req, res);
    } catch (error) {
      status(res, 500, "InternalError", String(error));
    }
  });
  await new Promise<void>((resolveListen, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, host, () => resolveListen());
  });
  const ticker = setInterval(() => world.tick(now()), options.tickMs ?? 1000);
  ticker.unref();
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://${host}:${port}`,
    world,
    addService: (namespace, name, servicePort, target) => {
      services.set(`${namespace}/${name}:${servicePort}`, target.replace(/\/$/, ""));
    },
    close: () =>
      new Promise<void>((done) => {
        clearInterval(ticker);
        for (const res of openWatches) res.end();
        server.closeAllConnections();
        server.close(() => done());
      }),
  };
}

export type { WorldEvent };
