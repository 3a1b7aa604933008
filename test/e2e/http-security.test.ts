import { execFile, execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { NodeRates } from "../../api/rates.ts";
import { RollupIndex } from "../../api/rollup-index.ts";
import { startApiServer } from "../../api/server.ts";
import { validateConfig } from "../../config/load.ts";
import { createHash } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import { request } from "node:https";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startMetricsServer, type MetricsServer } from "../../telemetry/http.ts";
import { SecurityFileError } from "../../telemetry/http-security.ts";
import { tempDir } from "../../testkit/tempdir.ts";

/** /metrics (and the API, on the same server code) behind bearer or basic auth and TLS, over real sockets. */
let dir: string;
const servers: MetricsServer[] = [];

function cert(name: string): { cert: string; key: string } {
  const cert = join(dir, `${name}.crt`);
  const key = join(dir, `${name}.key`);
  execFileSync("openssl", ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", `/CN=${name}`, "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", key, "-out", cert], { stdio: "ignore" });
  return { cert, key };
}

async function serve(security: Parameters<typeof startMetricsServer>[0]["security"]): Promise<MetricsServer> {
  const s = await startMetricsServer({ host: "127.0.0.1", port: 0, path: "/metrics", render: () => "kube_cost_up 1\n", security });
  servers.push(s);
  return s;
}

function httpsGet(port: number, ca: string, headers: Record<string, string> = {}): Promise<{ status: number; subject: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: "127.0.0.1", port, path: "/metrics", ca: readFileSync(ca), headers, agent: false }, (res) => {
      const peer = (res.socket as unknown as { getPeerCertificate(): { subject: { CN: string } } }).getPeerCertificate();
      res.resume();
      resolve({ status: res.statusCode ?? 0, subject: peer.subject.CN });
    });
    req.on("error", reject);
    req.end();
  });
}

beforeAll(() => {
  dir = tempDir("kce-http-security-");
});
afterAll(async () => {
  for (const s of servers) await s.close();
});

describe("securing /metrics and the query API", () => {
  it("answers 401 without the bearer token, 200 with it, keeps /healthz open, and picks up a rotated token", async () => {
    const tokenFile = join(dir, "token");
    writeFileSync(tokenFile, "first-token\n");
    const s = await startMetricsServer({ host: "127.0.0.1", port: 0, path: "/metrics", render: () => "x 1\n", security: { auth: { bearerTokenFile: tokenFile } } });
    servers.push(s);
    const url = `http://127.0.0.1:${s.port}`;
    expect((await fetch(`${url}/metrics`)).status).toBe(401);
    expect((await fetch(`${url}/metrics`)).headers.get("www-authenticate")).toMatch(/^Bearer/);
    expect((await fetch(`${url}/metrics`, { headers: { authorization: "Bearer first-token" } })).status).toBe(200);
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
    writeFileSync(tokenFile, "second-token\n");
    await new Promise((r) => setTimeout(r, 6000));
    expect((await fetch(`${url}/metrics`, { headers: { authorization: "Bearer first-token" } })).status).toBe(401);
    expect((await fetch(`${url}/metrics`, { headers: { authorization: "Bearer second-token" } })).status).toBe(200);
  }, 20_000);

  it("accepts basic auth users with plain or SHA-256 passwords", async () => {
    const users = join(dir, "users");
    writeFileSync(users, `# scrapers\nprometheus:s3cret\ngrafana:sha256:${createHash("sha256").update("hashed pw").digest("hex")}\n`);
    const s = await serve({ auth: { basicAuthFile: users } });
    const get = (user: string, pw: string) => fetch(`http://127.0.0.1:${s.port}/metrics`, { headers: { authorization: `Basic ${Buffer.from(`${user}:${pw}`).toString("base64")}` } });
    expect((await get("prometheus", "s3cret")).status).toBe(200);
    expect((await get("grafana", "hashed pw")).status).toBe(200);
    expect((await get("prometheus", "wrong")).status).toBe(401);
    expect((await get("nobody", "s3cret")).status).toBe(401);
  });

  it("serves HTTPS and reloads the certificate when its files change", async () => {
    const a = cert("first");
    const live = { cert: join(dir, "live.crt"), key: join(dir, "live.key") };
    writeFileSync(live.cert, readFileSync(a.cert));
    writeFileSync(live.key, readFileSync(a.key));
    const s = await serve({ tls: { certFile: live.cert, keyFile: live.key } });
    expect(await httpsGet(s.port, a.cert)).toEqual({ status: 200, subject: "first" });
    const b = cert("second");
    writeFileSync(live.cert, readFileSync(b.cert));
    writeFileSync(live.key, readFileSync(b.key));
    await new Promise((r) => setTimeout(r, 6000));
    expect(await httpsGet(s.port, b.cert)).toEqual({ status: 200, subject: "second" });
  }, 30_000);

  it("names a missing token or certificate file at start", async () => {
    await expect(serve({ auth: { bearerTokenFile: join(dir, "nope") } })).rejects.toThrow(SecurityFileError);
    await expect(serve({ tls: { certFile: join(dir, "nope.crt"), keyFile: join(dir, "nope.key") } })).rejects.toThrow(/TLS certificate .*nope\.crt cannot be read/);
  });

  it("protects the query API too, and kubectl cost sends KCE_API_TOKEN with --server", async () => {
    const tokenFile = join(dir, "api-token");
    writeFileSync(tokenFile, "api-secret\n");
    const config = validateConfig({});
    const api = await startApiServer(
      { index: new RollupIndex(config.api), rates: new NodeRates(600_000), labelKeys: [], maxResponseRows: config.api.maxResponseRows, currencyCode: "USD", now: Date.now },
      "127.0.0.1",
      0,
      () => true,
      { auth: { bearerTokenFile: tokenFile } },
    );
    servers.push(api);
    const url = `http://127.0.0.1:${api.port}`;
    expect((await fetch(`${url}/allocation?window=1h`)).status).toBe(401);
    const plugin = fileURLToPath(new URL("../../bin/kubectl-cost", import.meta.url));
    const run = (env: Record<string, string>) => promisify(execFile)(process.execPath, [plugin, "namespace", "--api-url", url, "--window", "1h", "-o", "json"], { env: { ...process.env, ...env } });
    const ok = await run({ KCE_API_TOKEN: "api-secret" });
    expect(ok.stdout).toContain("[");
    await expect(run({ KCE_API_TOKEN: "wrong" })).rejects.toMatchObject({ stderr: expect.stringMatching(/401/) });
  });
});

