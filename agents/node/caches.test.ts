import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { silentLogger } from "../../telemetry/log.ts";
import { waitFor } from "../../testkit/wait.ts";
import { PodCache } from "./caches.ts";
import { Informer } from "./informer.ts";
import { kubeAccessFrom } from "./kube-access.ts";

const pod = (name: string) => ({ metadata: { name, namespace: "a", uid: `uid-${name}`, resourceVersion: "1" }, spec: { nodeName: "n1", containers: [] }, status: { phase: "Running", startTime: "2026-11-30T00:00:00Z" } });

let server: Server | undefined;
afterEach(() => new Promise<void>((r) => (server === undefined ? r() : server.close(() => r()))));

describe("pod cache", () => {
  it("keeps retrying with backoff when a restart finds the API server still down, and catches up when it is back", async () => {
    let lists = 0;
    server = createServer((req, res) => {
      if ((req.url ?? "").includes("watch=true")) return void res.writeHead(500).end("watch broke");
      lists += 1;
      // the first list works; the next two (restarts after the broken watch) fail; then the server is back
      if (lists === 2 || lists === 3) return void res.writeHead(503).end("unavailable");
      res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ metadata: { resourceVersion: "1" }, items: lists === 1 ? [pod("p1")] : [pod("p1"), pod("p2")] }));
    });
    await new Promise<void>((r) => server?.listen(0, "127.0.0.1", () => r()));
    const access = kubeAccessFrom({ server: `http://127.0.0.1:${(server.address() as AddressInfo).port}` });
    const cache = new PodCache(new Informer(access, "/api/v1/pods"), silentLogger, (labels) => labels);
    await cache.start();
    expect(cache.all().map((p) => p.uid)).toEqual(["uid-p1"]);
    await waitFor("the second pod after two failed restarts", () => cache.all().some((p) => p.uid === "uid-p2"), 20_000, 100);
    expect(lists).toBeGreaterThanOrEqual(4);
    await cache.stop();
  }, 30_000);
});
