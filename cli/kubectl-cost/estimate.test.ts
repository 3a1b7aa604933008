import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { main } from "./main.ts";

const fixture = (name: string) => fileURLToPath(new URL(`../../test/e2e/fixtures/manifests/${name}`, import.meta.url));

async function run(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = "";
  let err = "";
  const env = process.env["KCE_API_URL"];
  delete process.env["KCE_API_URL"];
  try {
    const code = await main(argv, (s) => (out += s), (s) => (err += s));
    return { code, out, err };
  } finally {
    if (env !== undefined) process.env["KCE_API_URL"] = env;
  }
}

// OpenCost default rates, the offline fallback
const CPU = 0.031611;
const RAM = 0.004237;

describe("kubectl cost estimate (offline)", () => {
  it("prices the kubectl-cost README's nginx example by hand: 9 cores and 6 GiB at default rates", async () => {
    const { code, out } = await run("estimate", "-f", fixture("nginx.yaml"), "-o", "json");
    expect(code).toBe(0);
    const doc = JSON.parse(out) as { workloads: Array<{ name: string; monthlyCost: number; cpuCores: number }>; notes: string[] };
    expect(doc.workloads).toHaveLength(1);
    expect(doc.workloads[0]?.cpuCores).toBe(9);
    expect(doc.workloads[0]?.monthlyCost).toBeCloseTo((9 * CPU + 6 * RAM) * 730, 9);
    expect(doc.notes.join(" ")).toContain("Service nginx");
  });

  it("handles StatefulSets with claims, DaemonSets, CronJobs, Lists and limits-only containers", async () => {
    const { code, out } = await run("estimate", "-f", fixture("stack.yaml"), "--nodes", "3", "--instance-type", "m5.xlarge", "-o", "json");
    expect(code).toBe(0);
    const doc = JSON.parse(out) as { rates: { cpuCoreHour: number; ramGiBHour: number }; workloads: Array<{ kind: string; name: string; replicas: number; cpuCores: number; storageGiB: number; monthlyCost: number }> };
    const ratio = 0.031611 / 0.004237;
    const ram = 0.192 / (4 * ratio + 16);
    expect(doc.rates.ramGiBHour).toBeCloseTo(ram, 12);
    const byName = new Map(doc.workloads.map((w) => [w.name, w]));
    expect([...byName.keys()].sort()).toEqual(["debug", "log-shipper", "nightly-report", "postgres"]);
    const pg = byName.get("postgres");
    expect(pg?.cpuCores).toBeCloseTo(1.2, 12); // 2 × (500m + 100m limit-only)
    expect(pg?.storageGiB).toBe(200);
    const pgMonthly = (1.2 * ratio * ram + 2 * (1 + 128 / 1024) * ram) * 730 + 200 * 0.08;
    expect(pg?.monthlyCost).toBeCloseTo(pgMonthly, 9);
    expect(byName.get("log-shipper")?.replicas).toBe(3);
  });

  it("gates CI on a baseline: exit 1 over the limit, 0 within", async () => {
    const over = await run("estimate", "-f", fixture("nginx-bigger.yaml"), "--baseline", fixture("nginx.yaml"), "--fail-over-pct", "10");
    expect(over.code).toBe(1);
    expect(over.out).toMatch(/FAIL: monthly cost rises by 33\.3 %, over --fail-over-pct 10/);
    const within = await run("estimate", "-f", fixture("nginx-bigger.yaml"), "--baseline", fixture("nginx.yaml"), "--fail-over-pct", "50");
    expect(within.code).toBe(0);
    expect(within.out).toMatch(/OK: within the limit/);
    const usd = await run("estimate", "-f", fixture("nginx.yaml"), "--fail-over-usd", "100");
    expect(usd.code).toBe(1);
    expect(usd.out).toMatch(/^TOTAL\s/m);
  });

  it("rejects broken manifests with the file and the reason, exit 2", async () => {
    const quantity = await run("estimate", "-f", fixture("bad-quantity.yaml"));
    expect(quantity.code).toBe(2);
    expect(quantity.err).toMatch(/bad-quantity\.yaml document 1 \(Deployment broken\): container app: resources cpu: not a Kubernetes quantity: "lots"/);
    const noName = await run("estimate", "-f", fixture("no-name.yaml"));
    expect(noName.code).toBe(2);
    expect(noName.err).toMatch(/no-name\.yaml document 1: Deployment has no metadata\.name/);
    const broken = await run("estimate", "-f", fixture("broken.yaml"));
    expect(broken.code).toBe(2);
    expect(broken.err).toMatch(/broken\.yaml:5: invalid YAML/);
    expect((await run("estimate", "-f", "/nonexistent.yaml")).code).toBe(2);
    expect((await run("estimate")).code).toBe(2);
    expect((await run("estimate", "-f", fixture("nginx.yaml"), "--fail-over-pct", "5")).code).toBe(2);
    expect((await run("estimate", "-f", fixture("nginx.yaml"), "--instance-type", "z9.huge")).code).toBe(2);
  });

  it("prices storage by the class a claim names (annotation, input StorageClass, input default) and shows it", async () => {
    const { code, out } = await run("estimate", "-f", fixture("storage-gpu.yaml"), "--instance-type", "g4dn.xlarge", "-o", "json");
    expect(code).toBe(0);
    const doc = JSON.parse(out) as { rates: { storageGiBMonth: Record<string, number> }; workloads: Array<{ name: string; storageGiB: number; storageMonthlyCost: number; monthlyCost: number; cpuCores: number; notes: string[] }> };
    expect(doc.rates.storageGiBMonth).toEqual({ fast: 0.08 }); // StorageClass "fast" → parameters.type gp3 → $0.08
    const db = doc.workloads.find((w) => w.name === "db");
    expect(db?.storageMonthlyCost).toBeCloseTo(30 * 0.08, 12); // annotation volume.beta.kubernetes.io/storage-class
    // a CPU-only StatefulSet on a GPU node costs its CPU and RAM, not $0 (g4dn.xlarge split: default CPU/RAM rates)
    expect(db?.monthlyCost).toBeCloseTo((1.5 * CPU + 3 * RAM) * 730 + 2.4, 9);
    expect(doc.workloads.find((w) => w.name === "scratch")?.storageMonthlyCost).toBeCloseTo(8, 12); // no class: the input's default
    expect(doc.workloads.find((w) => w.name === "trainer")?.notes.join(" ")).toMatch(/8 cores per pod but g4dn\.xlarge has 4: it cannot be scheduled there/);
    const table = await run("estimate", "-f", fixture("storage-gpu.yaml"), "--instance-type", "g4dn.xlarge");
    expect(table.out).toMatch(/STORAGE \$\/MONTH/);
    expect(table.out).toMatch(/storage fast \$0\.0800\/GiB-month/);
  });

  it("prices an Azure managed disk at its size tier (100 GiB Premium SSD → P10, 128 GiB)", async () => {
    const dir = mkdtempSync(join(tmpdir(), "kce-azure-"));
    const file = join(dir, "db.yaml");
    writeFileSync(file, [
      "apiVersion: apps/v1", "kind: StatefulSet", "metadata: {name: db}", "spec:", "  replicas: 1",
      "  template: {spec: {containers: [{name: db, resources: {requests: {cpu: 500m, memory: 1Gi}}}]}}",
      "  volumeClaimTemplates:", "    - metadata: {name: data}", "      spec: {storageClassName: managed-csi-premium, resources: {requests: {storage: 100Gi}}}", "",
    ].join("\n"));
    const { code, out } = await run("estimate", "-f", file, "--provider", "azure", "--instance-type", "Standard_D4s_v5", "-o", "json");
    expect(code).toBe(0);
    const doc = JSON.parse(out) as { workloads: Array<{ storageGiB: number; storageMonthlyCost: number }> };
    expect(doc.workloads[0]?.storageGiB).toBe(100);
    expect(doc.workloads[0]?.storageMonthlyCost).toBeCloseTo(128 * 0.154, 9);
  });

  it("prices any type and region of the offline book, and warns about GPUs a type does not have", async () => {
    const g5 = await run("estimate", "-f", fixture("storage-gpu.yaml"), "--instance-type", "g5.xlarge", "-o", "json");
    expect(g5.code).toBe(0);
    const m5 = await run("estimate", "-f", fixture("storage-gpu.yaml"), "--instance-type", "m5.large", "--region", "eu-west-1", "-o", "json");
    const doc = JSON.parse(m5.out) as { rates: { source: string }; workloads: Array<{ name: string; notes: string[] }> };
    expect(doc.rates.source).toMatch(/eu-west-1 m5\.large .*snapshot-region/);
    expect(doc.workloads.find((w) => w.name === "trainer")?.notes.join(" ")).toMatch(/requests 1 GPU\(s\) per pod but m5\.large has none/);
    const gcp = await run("estimate", "-f", fixture("nginx.yaml"), "--provider", "gcp", "--region", "asia-south1", "--instance-type", "n2-standard-8");
    expect(gcp.code).toBe(0);
    const unknown = await run("estimate", "-f", fixture("nginx.yaml"), "--instance-type", "m9z.huge");
    expect(unknown.code).toBe(2);
    expect(unknown.err).toMatch(/m9z\.huge .* is not in the offline price book; `kce prices show/);
  });
});
