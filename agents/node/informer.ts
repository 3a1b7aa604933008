import type { IncomingMessage } from "node:http";
import { request as httpRequest } from "../../telemetry/node-http.ts";
import { request as httpsRequest } from "node:https";
import { KubeApiError, type KubeAccess } from "./kube-access.ts";

/** What the informer needs of an object: its identity and version. */
export interface KubeObject {
  metadata?: { uid?: string; name?: string; namespace?: string; resourceVersion?: string };
}

interface WatchEvent<T> {
  type: "ADDED" | "MODIFIED" | "DELETED" | "BOOKMARK" | "ERROR";
  object: T & { code?: number; message?: string };
}

/** One GET of the API server: the response (status checked), or a KubeApiError naming the path. */
function get(access: KubeAccess, path: string, timeoutMs: number, signal?: AbortSignal): Promise<IncomingMessage> {
  const url = new URL(access.server + path);
  const send = url.protocol === "http:" ? httpRequest : httpsRequest;
  return new Promise((resolve, reject) => {
    const req = send(url, { method: "GET", agent: access.agent, headers: { accept: "application/json", ...access.headers() }, ...(signal === undefined ? {} : { signal }) }, (res) => {
      const status = res.statusCode ?? 0;
      if (status >= 200 && status < 300) return resolve(res);
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (c: string) => (body += c.length + body.length < 2000 ? c : ""));
      res.on("end", () => reject(new KubeApiError(`GET ${path}: HTTP ${status} ${body.split("\n")[0]?.slice(0, 300) ?? ""}`)));
    });
    req.setTimeout(timeoutMs, () => req.destroy(new KubeApiError(`GET ${path}: no answer within ${timeoutMs} ms`)));
    req.on("error", (cause) => reject(cause instanceof KubeApiError ? cause : new KubeApiError(`GET ${path} from ${access.server}: ${cause.message}`, { cause })));
    req.end();
  });
}

/** GET and parse a JSON document. */
export async function getJson<T>(access: KubeAccess, path: string, timeoutMs: number): Promise<T> {
  const res = await get(access, path, timeoutMs);
  const chunks: Buffer[] = [];
  for await (const chunk of res) chunks.push(chunk as Buffer);
  try {
    return JSON.parse(Buffer.concat(chunks).toString("utf8")) as T;
  } catch (cause) {
    throw new KubeApiError(`GET ${path}: the answer is not JSON`, { cause });
  }
}

type Listener<T> = { add: (o: T) => void; update: (o: T) => void; delete: (o: T) => void; connect: () => void; error: (e: unknown) => void };

const LIST_TIMEOUT_MS = 60_000;
const WATCH_SECONDS = 300;

/**
 * List-then-watch of one resource, keeping a cache keyed by namespace/name: `add`, `update` and `delete`
 * for changes (a relist after a gap diffs against the cache), `connect` after each list, `error` when the
 * watch fails (the owner restarts it with `start()`). A watch the server ends normally is resumed from the
 * last resource version; one that is too old (410 Gone) is relisted.
 */
export class Informer<T extends KubeObject> {
  private readonly access: KubeAccess;
  private readonly path: string;
  private readonly query: Record<string, string>;
  private readonly cache = new Map<string, T>();
  private readonly listeners: { [K in keyof Listener<T>]: Array<Listener<T>[K]> } = { add: [], update: [], delete: [], connect: [], error: [] };
  private controller: AbortController | undefined;
  private resourceVersion = "";

  constructor(access: KubeAccess, path: string, query: Record<string, string> = {}) {
    this.access = access;
    this.path = path;
    this.query = query;
  }

  on<K extends keyof Listener<T>>(event: K, fn: Listener<T>[K]): void {
    (this.listeners[event] as Array<Listener<T>[K]>).push(fn);
  }

  private emit<K extends keyof Listener<T>>(event: K, ...args: Parameters<Listener<T>[K]>): void {
    for (const fn of this.listeners[event]) (fn as (...a: Parameters<Listener<T>[K]>) => void)(...args);
  }

  private url(extra: Record<string, string>): string {
    const q = new URLSearchParams({ ...this.query, ...extra }).toString();
    return q === "" ? this.path : `${this.path}?${q}`;
  }

  /** Lists (emitting the differences to the cache), then watches in the background. */
  async start(): Promise<void> {
    this.controller?.abort();
    const controller = new AbortController();
    this.controller = controller;
    await this.list();
    this.emit("connect");
    void this.watch(controller.signal);
  }

  async stop(): Promise<void> {
    this.controller?.abort();
    this.controller = undefined;
    return Promise.resolve();
  }

  private async list(): Promise<void> {
    const answer = await getJson<{ metadata?: { resourceVersion?: string }; items?: T[] }>(this.access, this.url({}), LIST_TIMEOUT_MS);
    const seen = new Set<string>();
    for (const item of answer.items ?? []) {
      const key = keyOf(item);
      seen.add(key);
      const known = this.cache.get(key);
      this.cache.set(key, item);
      if (known === undefined) this.emit("add", item);
      else if (known.metadata?.resourceVersion !== item.metadata?.resourceVersion) this.emit("update", item);
    }
    for (const [key, item] of this.cache) {
      if (seen.has(key)) continue;
      this.cache.delete(key);
      this.emit("delete", item);
    }
    this.resourceVersion = answer.metadata?.resourceVersion ?? "";
  }

  private async watch(signal: AbortSignal): Promise<void> {
    try {
      while (!signal.aborted) {
        const res = await get(this.access, this.url({ watch: "true", resourceVersion: this.resourceVersion, allowWatchBookmarks: "true", timeoutSeconds: String(WATCH_SECONDS) }), (WATCH_SECONDS + 30) * 1000, signal);
        let buffered = "";
        let relisted = false;
        res.setEncoding("utf8");
        for await (const chunk of res) {
          buffered += chunk as string;
          for (let newline = buffered.indexOf("\n"); newline >= 0 && !relisted; newline = buffered.indexOf("\n")) {
            const line = buffered.slice(0, newline).trim();
            buffered = buffered.slice(newline + 1);
            if (line !== "") relisted = (await this.apply(JSON.parse(line) as WatchEvent<T>)) === "relisted";
          }
          if (relisted) break;
        }
        // A relist starts a new watch from the list's version; the old stream is dropped.
        if (relisted) res.destroy();
      }
    } catch (error) {
      if (!signal.aborted) this.emit("error", error);
    }
  }

  /** Applies one watch event; after a 410 Gone the cache is relisted from scratch. */
  private async apply(event: WatchEvent<T>): Promise<"ok" | "relisted"> {
    const o = event.object;
    if (o.metadata?.resourceVersion !== undefined && event.type !== "ERROR") this.resourceVersion = o.metadata.resourceVersion;
    switch (event.type) {
      case "ADDED":
      case "MODIFIED": {
        const key = keyOf(o);
        const known = this.cache.has(key);
        this.cache.set(key, o);
        this.emit(known ? "update" : "add", o);
        return "ok";
      }
      case "DELETED":
        this.cache.delete(keyOf(o));
        this.emit("delete", o);
        return "ok";
      case "BOOKMARK":
        return "ok";
      case "ERROR":
        if (o.code === 410) {
          await this.list();
          this.emit("connect");
          return "relisted";
        }
        throw new KubeApiError(`watch ${this.path}: ${o.message ?? `error ${o.code ?? ""}`}`);
    }
  }
}

const keyOf = (o: KubeObject): string => `${o.metadata?.namespace ?? ""}/${o.metadata?.name ?? ""}`;
