import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { verify, SIGNATURE_HEADER } from "../sinks/webhook/signature.ts";
import { DELIVERY_HEADER } from "../sinks/webhook/delivery.ts";

export type ReceiverMode = "ok" | "error500" | "hang";

/**
 * A real HTTP webhook receiver for tests: verifies HMAC signatures, counts deliveries by their
 * delivery id, and can answer 500s, hang, or go away (close its port) and come back.
 */
export class WebhookReceiver {
  mode: ReceiverMode = "ok";
  readonly deliveries = new Map<string, number>();
  readonly bodies: unknown[] = [];
  badSignatures = 0;
  requests = 0;
  keepBodies = 50;
  private server: Server | undefined;
  private portNumber = 0;
  private readonly secret: string | undefined;

  constructor(secret?: string) {
    this.secret = secret;
  }

  get url(): string {
    return `http://127.0.0.1:${this.portNumber}/hook`;
  }

  get total(): number {
    return [...this.deliveries.values()].reduce((a, b) => a + b, 0);
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    let body = "";
    req.setEncoding("utf8");
    req.on("data", (c: string) => (body += c));
    req.on("end", () => {
      this.requests += 1;
      if (this.mode === "hang") return;
      if (this.mode === "error500") return void res.writeHead(500).end("down for maintenance");
      if (this.secret !== undefined) {
        const header = req.headers[SIGNATURE_HEADER.toLowerCase()];
        const check = verify(this.secret, Array.isArray(header) ? header[0] : header, body, Date.now());
        if (!check.ok) {
          this.badSignatures += 1;
          return void res.writeHead(401).end(check.reason);
        }
      }
      const id = String(req.headers[DELIVERY_HEADER.toLowerCase()] ?? "");
      this.deliveries.set(id, (this.deliveries.get(id) ?? 0) + 1);
      if (this.bodies.length < this.keepBodies) this.bodies.push(JSON.parse(body) as unknown);
      res.writeHead(200, { "content-type": "application/json" }).end('{"ok":true}');
    });
  }

  async start(): Promise<void> {
    const server = createServer((req, res) => this.handle(req, res));
    await new Promise<void>((resolve) => server.listen(this.portNumber, "127.0.0.1", () => resolve()));
    this.portNumber = (server.address() as AddressInfo).port;
    this.server = server;
  }

  /**
   * Closes the port (connections refused) until start() again. Requests in progress finish, so a
   * delivery is either counted and answered, or not counted at all.
   */
  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (server === undefined) return;
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeIdleConnections();
    const deadline = setTimeout(() => server.closeAllConnections(), 2000);
    await closed;
    clearTimeout(deadline);
  }
}
