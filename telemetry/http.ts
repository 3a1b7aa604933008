import type { Server } from "node:http";
import { secureServer, type HttpSecurity } from "./http-security.ts";
import type { AddressInfo } from "node:net";

export const EXPOSITION_CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

/** Raised when the metrics port cannot be bound (in use, no permission). */
export class ListenError extends Error {
  override readonly name = "ListenError";
  constructor(host: string, port: number, options?: { cause?: unknown }) {
    const reason = options?.cause instanceof Error ? `: ${options.cause.message}` : "";
    super(`cannot listen on ${host}:${port}${reason}. Choose another port (sinks.prometheus.port or --port).`, options);
  }
}

export interface MetricsServer {
  readonly port: number;
  close(): Promise<void>;
}

export interface MetricsServerOptions {
  host: string;
  port: number;
  path: string;
  /** The body; an array is written chunk by chunk (no concatenation of large texts). */
  render: () => Promise<string | Array<string | Buffer>> | string | Array<string | Buffer>;
  /** Answers `/healthz`; healthy by default. */
  healthy?: () => boolean;
  /** Optional auth and TLS (the `http` config section). */
  security?: HttpSecurity | undefined;
}

/** Serves Prometheus exposition text on `path` and a health check on `/healthz`. */
export async function startMetricsServer(options: MetricsServerOptions): Promise<MetricsServer> {
  const { server, dispose } = secureServer(options.security, (req, res) => {
    const url = new URL(req.url ?? "/", "http://localhost");
    if (req.method !== "GET" && req.method !== "HEAD") {
      res.writeHead(405, { allow: "GET, HEAD" }).end();
      return;
    }
    if (url.pathname === "/healthz") {
      const ok = options.healthy?.() ?? true;
      res.writeHead(ok ? 200 : 503, { "content-type": "text/plain" }).end(ok ? "ok\n" : "unhealthy\n");
      return;
    }
    if (url.pathname !== options.path) {
      res.writeHead(404, { "content-type": "text/plain" }).end(`not found; metrics are at ${options.path}\n`);
      return;
    }
    Promise.resolve(options.render())
      .then((body) => {
        // A known length: the chunks go out as one corked writev, without chunked-encoding framing per chunk.
        const length = typeof body === "string" ? Buffer.byteLength(body) : body.reduce((n, c) => n + Buffer.byteLength(c), 0);
        res.writeHead(200, { "content-type": EXPOSITION_CONTENT_TYPE, "content-length": length });
        if (req.method === "HEAD") return void res.end();
        if (typeof body === "string") return void res.end(body);
        res.cork();
        for (const chunk of body) res.write(chunk);
        res.uncork();
        res.end();
      })
      .catch((error: unknown) => res.writeHead(500, { "content-type": "text/plain" }).end(`render failed: ${String(error)}\n`));
  });
  server.keepAliveTimeout = 65_000;
  return listen(server, options.host, options.port, dispose);
}

/** Binds a server (ListenError naming host and port if it cannot) and returns its port and a close. */
export async function listen(server: Server, host: string, port: number, dispose: () => void = () => undefined): Promise<MetricsServer> {
  await new Promise<void>((resolve, reject) => {
    server.once("error", (cause) => reject(new ListenError(host, port, { cause })));
    server.listen(port, host, () => resolve());
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        dispose();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
