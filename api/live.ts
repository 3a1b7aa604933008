import type { ServerResponse } from "node:http";

/** What changed: a rollup window (new revision) or node prices. The app refetches what it shows. */
export interface LiveEvent {
  kind: "rollup" | "prices";
  cluster: string;
  /** Newest data time the API holds (ms), what the app shows as "as of". */
  asOfMs: number;
}

/**
 * Server-sent events for the web app: at most one event per `coalesceMs` (a rollup revision arrives as
 * many parts and many clusters; the app only needs to know that it should refetch), a comment every
 * 15 s so proxies keep the connection open, and a bounded number of listeners.
 */
export class LiveFeed {
  private readonly clients = new Set<ServerResponse>();
  private pending: LiveEvent | undefined;
  private timer: NodeJS.Timeout | undefined;
  private readonly heartbeat: NodeJS.Timeout;
  private readonly coalesceMs: number;
  private readonly maxClients: number;
  asOfMs = 0;

  constructor(coalesceMs = 1000, maxClients = 200) {
    this.coalesceMs = coalesceMs;
    this.maxClients = maxClients;
    this.heartbeat = setInterval(() => this.write(": keep-alive\n\n"), 15_000).unref();
  }

  publish(kind: LiveEvent["kind"], cluster: string, dataMs: number): void {
    this.asOfMs = Math.max(this.asOfMs, dataMs);
    this.pending = { kind, cluster, asOfMs: this.asOfMs };
    this.timer ??= setTimeout(() => {
      this.timer = undefined;
      const e = this.pending;
      this.pending = undefined;
      if (e !== undefined) this.write(`event: ${e.kind}\ndata: ${JSON.stringify(e)}\n\n`);
    }, this.coalesceMs).unref();
  }

  /** Holds the response open as an event stream until the client goes. */
  attach(res: ServerResponse): void {
    if (this.clients.size >= this.maxClients) {
      res.writeHead(503, { "content-type": "application/json", "retry-after": "30" }).end(JSON.stringify({ code: 503, message: `more than ${this.maxClients} live listeners` }));
      return;
    }
    res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache", connection: "keep-alive", "x-accel-buffering": "no" });
    res.write(`retry: 5000\nevent: hello\ndata: ${JSON.stringify({ asOfMs: this.asOfMs })}\n\n`);
    this.clients.add(res);
    res.on("close", () => this.clients.delete(res));
  }

  private write(text: string): void {
    for (const c of this.clients) c.write(text);
  }

  close(): void {
    clearInterval(this.heartbeat);
    if (this.timer !== undefined) clearTimeout(this.timer);
    for (const c of this.clients) c.end();
    this.clients.clear();
  }
}
