import { tempDir } from "../../testkit/tempdir.ts";
import { execFile, spawnSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import { createConnection, type AddressInfo } from "node:net";
import { join } from "node:path";
import { promisify } from "node:util";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { freePort, sample, scrape, spawnKce, startNatsServer, waitFor } from "../../testkit/index.ts";

const MAIN = fileURLToPath(new URL("../../cli/main.ts", import.meta.url));
const BIN = fileURLToPath(new URL("../../bin/kce.mjs", import.meta.url));
const PLUGIN = fileURLToPath(new URL("../../bin/kubectl-cost", import.meta.url));

async function plugin(args: string[], env: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await promisify(execFile)(PLUGIN, args, { env: { ...process.env, ...env }, timeout: 30_000 });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

async function kce(args: string[], env: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [MAIN, ...args], { env: { ...process.env, ...env }, timeout: 30_000 });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

const portClosed = (port: number) =>
  new Promise<boolean>((resolve) => {
    const socket = createConnection({ host: "127.0.0.1", port });
    socket.once("connect", () => (socket.destroy(), resolve(false)));
    socket.once("error", () => resolve(true));
  });

describe("kce prices show", () => {
  it("audits any type of the catalog: price, split, source and as-of, with fallbacks flagged", async () => {
    const g5 = await kce(["prices", "show", "--provider", "aws", "--region", "us-east-1", "--instance-type", "g5.xlarge", "-o", "json"]);
    expect(g5.code).toBe(0);
    const [row] = JSON.parse(g5.stdout) as Array<Record<string, number | string | boolean>>;
    expect(row).toMatchObject({ hourly: 1.006, source: "snapshot", fallback: false, currency: "USD", gpus: 1, asOf: "2026-07-20" });
    expect(Number(row?.["cpuCoreHour"])).toBeGreaterThan(0);
    expect(4 * Number(row?.["cpuCoreHour"]) + 16 * Number(row?.["ramGiBHour"]) + Number(row?.["gpuHour"])).toBeCloseTo(1.006, 9);
    const elsewhere = await kce(["prices", "show", "--provider", "aws", "--region", "eu-west-1", "--instance-type", "p5.48xlarge"]);
    expect(elsewhere.stdout).toMatch(/p5\.48xlarge .*55\.040000 .*snapshot-region \(fallback\)/);
    expect(elsewhere.stderr).toMatch(/priced by snapshot-region: the region does not list the type; its price in us-east-1/);
    const csv = await kce(["prices", "show", "--provider", "gcp", "--region", "europe-west4", "-o", "csv"]);
    expect(csv.stdout.split("\n").length).toBeGreaterThan(300);
    const bad = await kce(["prices", "show", "--provider", "aws"]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--region/);
  });
});

describe("kce command line", () => {
  it("has help for every command", async () => {
    const top = await kce(["--help"]);
    expect(top.code).toBe(0);
    const commands = ["demo", "agent", "pricer", "rollup", "savings", "sink-prometheus", "api", "all", "sim", "federation", "reconcile", "prices", "install", "config"];
    for (const c of commands) expect(top.stdout).toMatch(new RegExp(`^  ${c}\\s`, "m"));
    for (const c of commands) {
      const help = await kce([c, "--help"]);
      expect(help.code, c).toBe(0);
      expect(help.stdout).toMatch(new RegExp(`^usage: kce ${c}`));
      expect(help.stdout).toContain("--help");
    }
  });

  it("fails start-up naming an unknown or ill-typed config key", async () => {
    const dir = tempDir("kce-cli-");
    const bad = join(dir, "bad.yaml");
    writeFileSync(bad, "agent:\n  intervalSecs: 10\n");
    const unknown = await kce(["pricer", "--config", bad]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("agent.intervalSecs: unknown key (did you mean intervalSeconds?)");
    writeFileSync(bad, "sinks:\n  prometheus:\n    port: ninety\n");
    const typed = await kce(["all", "--config", bad]);
    expect(typed.code).toBe(2);
    expect(typed.stderr).toMatch(/sinks\.prometheus\.port: .*number/);
    const env = await kce(["rollup"], { KCE_ROLLUP__LATENESS: "5" });
    expect(env.code).toBe(2);
    expect(env.stderr).toContain("unknown environment override KCE_ROLLUP__LATENESS");
    const noNode = await kce(["agent"]);
    expect(noNode.code).toBe(2);
    expect(noNode.stderr).toContain("agent.node");
  });

  it("waits for NATS with backoff, then says which NATS it cannot reach", async () => {
    const r = await kce(["pricer", "--nats", "nats://127.0.0.1:1"], { KCE_NATS__STARTUP_WAIT_SECONDS: "3" });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("waiting for NATS");
    expect(r.stderr).toContain("cannot connect to NATS at nats://127.0.0.1:1");
  });

  it("a stage started while NATS is down starts when NATS comes up", async () => {
    const port = await freePort();
    const pricer = spawnKce(["pricer", "--nats", `nats://127.0.0.1:${port}`, "--log-level", "info"]);
    try {
      await waitFor("the pricer waiting", () => pricer.output().includes("waiting for NATS") || undefined, 15_000);
      const nats = await startNatsServer({ port });
      try {
        await waitFor("the pricer running", () => pricer.output().includes("kce pricer running") || undefined, 30_000);
      } finally {
        await pricer.kill9();
        await nats.stop();
      }
    } finally {
      await pricer.kill9();
    }
  }, 60_000);

  it("kubectl cost estimate reads manifests from standard input (-f -), once", () => {
    const nginx = readFileSync(fileURLToPath(new URL("fixtures/manifests/nginx.yaml", import.meta.url)));
    const r = spawnSync(PLUGIN, ["estimate", "-f", "-", "-o", "json"], { input: nginx, encoding: "utf8", env: { ...process.env, KCE_API_URL: "" }, timeout: 30_000 });
    expect(r.status).toBe(0);
    const doc = JSON.parse(r.stdout) as { workloads: Array<{ name: string; cpuCores: number }> };
    expect(doc.workloads.map((w) => [w.name, w.cpuCores])).toEqual([["nginx-deployment", 9]]);
  });

  it("kubectl cost never hangs: a silent API times out, a missing one is named", async () => {
    const silent = createServer(() => undefined);
    await new Promise<void>((r) => silent.listen(0, "127.0.0.1", () => r()));
    const port = (silent.address() as AddressInfo).port;
    const started = Date.now();
    const hung = await plugin(["namespace", "--api-url", `http://127.0.0.1:${port}`, "--request-timeout", "1s"]);
    expect(hung.code).toBe(1);
    expect(hung.stderr).toContain("no answer within 1 s (--request-timeout)");
    expect(Date.now() - started).toBeLessThan(10_000);
    silent.closeAllConnections();
    silent.close();
    const refused = await plugin(["namespace"], { KCE_API_URL: "http://127.0.0.1:1" });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain("cannot reach the kube-cost-exporter API (http://127.0.0.1:1)");
    const noConfig = await plugin(["namespace"], { KUBECONFIG: "/nonexistent/kubeconfig" });
    expect(noConfig.code).toBe(1);
    expect(noConfig.stderr).toMatch(/kubeconfig/);
    expect((await plugin(["--help"])).stdout).toContain("kubectl cost estimate -f deploy.yaml");
    expect((await plugin(["namespace", "--help"])).stdout).toContain("--show-all-resources");
  });

  it("runs from the package bin under the system's Node too", async () => {
    const { stdout } = await promisify(execFile)(BIN, ["--version"], { env: { ...process.env, PATH: `/usr/bin:/bin:${process.env["PATH"] ?? ""}` } });
    expect(stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
  });

  it("kce demo runs the whole pipeline with live /metrics and cleans up after itself", async () => {
    const demo = spawnKce(["demo", "--duration", "25", "--interval", "2", "--port", "0", "--quiet"]);
    const urls = await waitFor("the demo's banner", () => {
      const metrics = /metrics:\s+(http:\/\/\S+)/.exec(demo.output())?.[1];
      const nats = /NATS:\s+nats:\/\/127\.0\.0\.1:(\d+)/.exec(demo.output())?.[1];
      return metrics !== undefined && nats !== undefined ? { metrics, natsPort: Number(nats) } : undefined;
    }, 30_000);
    const samples = await waitFor("costs of 40+ pods on /metrics", async () => {
      const { samples: s } = await scrape(urls.metrics);
      return s.filter((x) => x.name === "kube_cost_pod_hourly_usd").length >= 40 ? s : undefined;
    }, 30_000, 500);
    const namespaces = new Set(samples.filter((s) => s.name === "kube_cost_pod_hourly_usd").map((s) => s.labels["namespace"]));
    expect(namespaces.size).toBeGreaterThanOrEqual(4);
    expect(sample(samples, "kubecost_node_is_spot", { node: "ip-10-0-2-20.ec2.internal" })).toBe(1);
    await waitFor("the demo to stop by itself", () => demo.output().includes("stopped;"), 40_000, 500);
    expect(await portClosed(urls.natsPort)).toBe(true);
  });

  it("kce demo --clusters 3 federates three clusters' leaf servers into one hub, costs on /metrics per cluster", async () => {
    const demo = spawnKce(["demo", "--clusters", "3", "--duration", "25", "--interval", "2", "--port", "0", "--api-port", "0", "--quiet"]);
    const metrics = await waitFor("the demo's banner", () => /metrics:\s+(http:\/\/\S+)/.exec(demo.output())?.[1], 30_000);
    const clusters = await waitFor("pod costs of all three clusters on /metrics", async () => {
      const { samples } = await scrape(metrics);
      const seen = new Set(samples.filter((x) => x.name === "kube_cost_pod_hourly_usd").map((x) => x.labels["cluster"]));
      return seen.size === 3 ? [...seen].sort() : undefined;
    }, 40_000, 500);
    expect(clusters).toEqual(["ap-south", "eu-west", "us-east"]);
    await waitFor("the demo to stop by itself", () => demo.output().includes("stopped;"), 40_000, 500);
    expect(demo.output()).toContain("nats-servers ended");
  });
});
