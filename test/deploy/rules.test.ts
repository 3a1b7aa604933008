import { execFile } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { parse, stringify } from "yaml";
import { costFamilies } from "../../sinks/prometheus/families.ts";
import { budgetRules } from "../../sinks/prometheus/budget-rules.ts";
import { Telemetry } from "../../telemetry/metrics.ts";
import { validateConfig } from "../../config/load.ts";
import { tempDir } from "../../testkit/tempdir.ts";

const DEPLOY = fileURLToPath(new URL("../../deploy/", import.meta.url));
const RULES = join(DEPLOY, "prometheus/kube-cost-rules.yml");
const BUDGETS = join(DEPLOY, "prometheus/budgets.example.yml");
const ALERTMANAGER = join(DEPLOY, "alertmanager/alertmanager.yml");

const run = promisify(execFile);

/** Runs a Debian tool and returns its combined output, failing the test with it on a non-zero exit. */
async function tool(file: string, args: string[]): Promise<string> {
  try {
    const { stdout, stderr } = await run(file, args);
    return stdout + stderr;
  } catch (error) {
    const e = error as { stdout?: string; stderr?: string; message: string };
    throw new Error(`${file} ${args.join(" ")} failed:\n${e.stdout ?? ""}${e.stderr ?? e.message}`);
  }
}

interface RuleFile {
  groups: Array<{ rules: Array<{ expr: string; record?: string }> }>;
}

describe("deploy/prometheus rules and deploy/alertmanager", () => {
  it("pass promtool check rules", async () => {
    expect(await tool("promtool", ["check", "rules", RULES, BUDGETS])).toMatch(/SUCCESS: \d+ rules found[\s\S]*SUCCESS/);
  });

  it("pass their promtool unit tests", async () => {
    expect(await tool("promtool", ["test", "rules", join(DEPLOY, "prometheus/tests/kube-cost-rules.test.yml")])).toContain("SUCCESS");
  });

  it("read only metrics the exporter exposes", () => {
    const exposed = new Set(Object.values(costFamilies()).map((f) => f.name));
    for (const name of new Telemetry().registry.getMetricsAsArray().map((m) => m.name)) exposed.add(name);
    const rules = parse(readFileSync(RULES, "utf8")) as RuleFile;
    const recorded = new Set(rules.groups.flatMap((g) => g.rules.flatMap((r) => (r.record === undefined ? [] : [r.record]))));
    const used = new Set(rules.groups.flatMap((g) => g.rules.flatMap((r) => (r.expr.match(/[A-Za-z_:][\w:]*/g) ?? []).filter((t) => /kube_?cost/.test(t)))));
    const unknown = [...used].filter((name) => !exposed.has(name) && !recorded.has(name) && !name.startsWith("kube_cost:budget_"));
    expect(unknown).toEqual([]);
    expect(used.size).toBeGreaterThan(10);
  });

  it("turn a config's budgets into rules promtool accepts", async () => {
    const config = validateConfig({
      budgets: [
        { name: "production", namespace: "production", monthlyUsd: 500 },
        { name: "eu", cluster: "prod-eu", namespace: "web", monthlyUsd: 900 },
      ],
    });
    const file = join(tempDir("kce-budget-rules-"), "budgets.yml");
    writeFileSync(file, stringify(budgetRules(config.budgets).file));
    expect(await tool("promtool", ["check", "rules", file])).toContain("SUCCESS: 4 rules found");
  });

  it("has an Alertmanager config amtool accepts and that routes cost and exporter alerts", async () => {
    expect(await tool("amtool", ["check-config", ALERTMANAGER])).toContain("SUCCESS");
    const routes = async (...labels: string[]) => (await run("amtool", ["config", "routes", "test", `--config.file=${ALERTMANAGER}`, ...labels])).stdout.trim();
    expect(await routes("category=cost", "alertname=CostBudgetExceeded")).toBe("cost-slack,cost-webhook");
    expect(await routes("category=exporter", "alertname=KubeCostExporterDown")).toBe("oncall-webhook");
  });
});
