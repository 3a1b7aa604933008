import { execFileSync } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { NodeAgent } from "../../agents/node/agent.ts";
import type { ApiStage } from "../../api/stage.ts";
import { subjects } from "../../bus/subjects.ts";
import { startDemo, type DemoHandles } from "../../cli/demo/run-demo.ts";
import { deepMerge, validateConfig } from "../../config/load.ts";
import type { BudgetAlert, CostRollup } from "../../model/events.ts";
import { publishReconciled } from "../../reconcile/publish.ts";
import { splitRollup } from "../../processors/rollup/parts.ts";
import { RECONCILED_RESOLUTION } from "../../reconcile/reconcile.ts";
import { createApi } from "../../api/stage.ts";
import { materialize } from "../../api/rollup-index.ts";
import { loadScenario, builtinScenario } from "../../sim/scenario.ts";
import { silentLogger } from "../../telemetry/log.ts";
import { launchChromium, launchFirefox, watchedPage } from "../../testkit/browser.ts";
import { TEST_SETTINGS } from "../../testkit/config.ts";
import { openTestRuntime } from "../../testkit/runtime.ts";
import { tempDir } from "../../testkit/tempdir.ts";
import { waitFor } from "../../testkit/wait.ts";

/**
 * The web app in a real headless Chromium (Debian's, driven by playwright-core), and in Debian's
 * Firefox ESR (puppeteer-core over WebDriver BiDi), against the demo
 * pipeline: a simulated cluster, the agents, every central stage and the API on a private nats-server.
 */

const DAY = 86_400_000;
// Screenshots for the README: KCE_UI_SCREENSHOTS=docs/ui npx vitest run test/e2e/ui.test.ts
const SHOTS = process.env["KCE_UI_SCREENSHOTS"] ?? tempDir("kce-ui-shots-");

let demo: DemoHandles;
let api: ApiStage;
let browser: Browser;
let base: string;

interface AllocationJson {
  name: string;
  totalCost: number;
}

async function allocation(query: string): Promise<AllocationJson[]> {
  const res = await fetch(`${base}/allocation?${query}&accumulate=true`);
  const body = (await res.json()) as { data: Array<Record<string, AllocationJson>> };
  return Object.values(body.data[0] ?? {});
}

/** A money figure as the app shows it ("$1,234.56", "$0.0123"). */
function dollars(text: string | null): number {
  const m = /-?\$[\d,]+(\.\d+)?/.exec(text ?? "");
  if (m === null) throw new Error(`no money in ${JSON.stringify(text)}`);
  return Number(m[0].replace(/[$,]/g, ""));
}

async function tableRows(page: Page, table: string): Promise<Array<{ name: string; total: number }>> {
  return page.$$eval(`#${table} tbody tr`, (trs) =>
    trs.map((tr) => ({ name: tr.querySelector("td[data-key=name]")?.textContent ?? "", total: tr.querySelector("td[data-key=total]")?.textContent ?? "" })),
  ).then((rows) => rows.map((r) => ({ name: r.name, total: dollars(r.total) })));
}

/** A browser-side condition: the app's URL shows this aggregate. */
const onAggregate = (a: string): string => `new URL(location.href).searchParams.get("aggregate") === ${JSON.stringify(a)}`;

async function shot(page: Page, name: string): Promise<void> {
  mkdirSync(SHOTS, { recursive: true });
  await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: false });
}

beforeAll(async () => {
  const config = validateConfig(
    deepMerge(TEST_SETTINGS, {
      cluster: "demo",
      agent: { intervalSeconds: 2, samplesPerInterval: 2 },
      budgets: [
        { name: "production", namespace: "production", monthlyUsd: 50 },
        { name: "ml-team", namespace: "ml-training", monthlyUsd: 0.5 },
      ],
      recommendations: { minHistoryHours: 0 },
    }),
  );
  demo = await startDemo(config, loadScenario(builtinScenario("demo")), silentLogger);
  base = demo.apiUrl;
  api = demo.stages.find((s) => s.name === "api") as ApiStage;
  browser = await launchChromium();
  // Enough windows that every page has data: the namespaces' costs for today.
  await waitFor("costs for six namespaces", async () => (await allocation("window=today&aggregate=namespace")).filter((a) => a.totalCost > 0).length >= 6, 60_000, 500);
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await demo?.stop();
});

describe("the web app in Chromium against the demo pipeline", () => {
  it("renders the overview and its live figure changes as new windows arrive, without a reload", async () => {
    const { page, errors } = await watchedPage(browser);
    await page.goto(`${base}/`);
    expect(new URL(page.url()).pathname).toBe("/ui/overview");
    await page.waitForSelector("#cost-now");
    expect(dollars(await page.textContent("#cost-now .card-value"))).toBeGreaterThan(0);
    await page.waitForSelector("#overview-chart canvas");
    await page.waitForSelector("#top-namespaces li");
    // No reload: a value set on the page survives while the figure changes.
    await page.evaluate("window.marker = 42");
    const before = await page.textContent("#cost-today .card-value");
    const asOfBefore = await page.textContent("#as-of");
    await page.waitForFunction(`document.querySelector("#cost-today .card-value")?.textContent !== ${JSON.stringify(before)}`, undefined, { timeout: 30_000 });
    expect(await page.evaluate("window.marker")).toBe(42);
    expect(dollars(await page.textContent("#cost-today .card-value"))).toBeGreaterThan(dollars(before));
    await page.waitForFunction(`document.querySelector("#as-of")?.textContent !== ${JSON.stringify(asOfBefore)}`, undefined, { timeout: 30_000 });
    await shot(page, "overview");
    expect(errors).toEqual([]);
    await page.context().close();
  }, 90_000);

  it("works in Firefox too: every page with data, a live update, a drill-down, no console errors", async () => {
    const firefox = await launchFirefox();
    try {
      const page = await firefox.newPage();
      const errors: string[] = [];
      page.on("console", (m) => {
        if (m.type() === "error") errors.push(`console: ${m.text()}`);
      });
      page.on("pageerror", (e) => errors.push(`page error: ${String(e)}`));
      await page.goto(`${base}/ui/overview`);
      await page.waitForSelector("#cost-now .card-value");
      const before = await page.$eval("#cost-today .card-value", (e) => e.textContent);
      await page.waitForFunction(`document.querySelector("#cost-today .card-value")?.textContent !== ${JSON.stringify(before)}`, { timeout: 30_000 });
      for (const [path, ready] of [["nodes", "#nodes-table tbody tr"], ["savings", "#savings-table tbody tr"], ["budgets", "#budgets-table tbody tr"], ["reconciliation", "#page-reconciliation .controls"], ["allocation?window=today&aggregate=namespace", "#allocation-table tbody tr a.drill"]] as const) {
        await page.goto(`${base}/ui/${path}`);
        await page.waitForSelector(ready);
      }
      await page.waitForSelector("#allocation-chart canvas");
      const link = await page.waitForSelector("#allocation-table a.drill ::-p-text(production)");
      await link?.click();
      await page.waitForFunction(onAggregate("controller"));
      await page.waitForSelector("#allocation-table tbody tr");
      expect(await page.$eval("nav.crumbs", (e) => e.textContent)).toMatch(/namespace:"production"/);
      expect(errors).toEqual([]);
    } finally {
      await firefox.close();
    }
  }, 90_000);

  it("renders nodes, savings, budgets with a recent alert, and reconciliation with a billed day", async () => {
    const alert: BudgetAlert = {
      id: "ml-team/*|ml-training|*/100/forecast/2026-12/firing", cluster: "demo", rule: "ml-team", status: "firing", basis: "forecast", thresholdPct: 100, period: "2026-12",
      scope: { cluster: "", namespace: "ml-training", labels: {} }, scopeDescription: "namespace ml-training", monthlyBudgetUsd: 0.5, runRateMonthlyUsd: 30, monthToDateUsd: 0.01,
      forecastMonthlyUsd: 30, observedMonthlyUsd: 30, overBudgetUsd: 29.5, overBudgetPct: 5900, topDrivers: [], dashboardUrl: "", evaluatedAtMs: Date.now(),
    };
    const encoded = demo.rt.codecs.alert.encode(alert);
    await demo.rt.publisher.publish({ subject: subjects.alerts("demo"), data: encoded.data, headers: encoded.headers, msgId: alert.id });
    // A finished day (today's rollup moved back a day, as the rollup publishes it) and that day
    // reconciled as `kce reconcile --publish` writes it: every node billed at 90 % of its estimate.
    const dayStart = Math.floor(Date.now() / DAY) * DAY;
    const stored = api.index.day("demo", dayStart);
    if (stored === undefined) throw new Error("no 1d window for today in the API's index");
    const today = materialize(stored);
    const yesterday: CostRollup = { ...today, windowStartMs: dayStart - DAY, windowEndMs: dayStart, final: true };
    for (const part of splitRollup(yesterday, 2000)) {
      const { data, headers } = demo.rt.codecs.rollup.encode(part);
      await demo.rt.publisher.publish({ subject: subjects.rollup("1d", "demo", part.windowStartMs, part.part), data, headers, msgId: `ui-test/${part.windowStartMs}/${part.part}` });
    }
    const billed = { ...yesterday, resolution: RECONCILED_RESOLUTION, nodes: yesterday.nodes.map((n) => ({ ...n, podComputeCost: n.podComputeCost * 0.9, idleCost: n.idleCost * 0.9 })) };
    await publishReconciled(demo.rt, [billed], Date.now());
    await waitFor("the reconciled day in /reconciliation", async () => {
      const body = (await (await fetch(`${base}/reconciliation?window=7d`)).json()) as { data: { rows: unknown[] } };
      return body.data.rows.length > 0;
    }, 20_000, 250);

    const { page, errors } = await watchedPage(browser);
    await page.goto(`${base}/ui/nodes`);
    await page.waitForSelector("#nodes-table tbody tr");
    expect(await page.$$eval("#nodes-table tbody tr", (r) => r.length)).toBe(4);
    expect(await page.textContent("#nodes-table tbody")).toMatch(/m5\.xlarge/);
    expect(await page.textContent("#nodes-table tbody")).toMatch(/spot/);
    await shot(page, "nodes");

    await page.click("nav >> text=Savings");
    await page.waitForSelector("#savings-table tbody tr");
    expect(dollars(await page.textContent("#realised-savings .card-value"))).toBeGreaterThan(0);
    await shot(page, "savings");

    await page.click("nav >> text=Budgets & alerts");
    await page.waitForSelector("#budgets-table tbody tr");
    expect(await page.$$eval("#budgets-table tbody tr", (r) => r.length)).toBe(2);
    await page.waitForSelector("#alerts-table tbody tr");
    expect(await page.textContent("#alerts-table tbody")).toMatch(/firing.*ml-team/);
    await shot(page, "budgets");

    await page.click("nav >> text=Bill reconciliation");
    await page.waitForSelector("#reconciliation-table tbody tr", { timeout: 20_000 });
    expect(await page.$$eval("#reconciliation-table tbody tr", (r) => r.length)).toBe(4);
    // Estimated at 1 ÷ 0.9 of the bill: +11.11 %.
    expect(await page.textContent("#rec-error .card-value")).toBe("+11.11 %");
    await shot(page, "reconciliation");
    expect(errors).toEqual([]);
    await page.context().close();
  }, 90_000);

  it("allocation: the table's totals equal /allocation's to the cent, drill-down and CSV download work", async () => {
    // Stop the agents so the figures hold still while the page and the API are compared.
    for (const s of demo.stages) if (s instanceof NodeAgent) await s.stop();
    let last = NaN;
    await waitFor("settled costs", async () => {
      const now = (await allocation("window=today&aggregate=namespace")).reduce((s, a) => s + a.totalCost, 0);
      const settled = now === last;
      last = now;
      return settled;
    }, 30_000, 2500);

    const { page, errors } = await watchedPage(browser);
    await page.goto(`${base}/ui/allocation?window=today&aggregate=namespace`);
    await page.waitForSelector("#allocation-table tbody tr");
    await page.waitForSelector("#allocation-chart canvas");
    const answer = await allocation("window=today&aggregate=namespace");
    const shown = await tableRows(page, "allocation-table");
    expect(shown.map((r) => r.name).sort()).toEqual(answer.map((a) => a.name).sort());
    for (const r of shown) expect(Math.abs(r.total - (answer.find((a) => a.name === r.name)?.totalCost ?? NaN))).toBeLessThan(0.00005 + 1e-12);
    const apiTotal = answer.reduce((s, a) => s + a.totalCost, 0);
    const footer = dollars(await page.textContent("#allocation-table tfoot td[data-key=total]"));
    expect(Math.round(footer * 100)).toBe(Math.round(apiTotal * 100));
    await shot(page, "allocation");
    // The overview's /summary folds the rollups' namespace and node rows: the same money as /allocation's pod rows.
    const summary = ((await (await fetch(`${base}/summary`)).json()) as { data: { total: { monthToDate: number; realisedSavings: number; potentialSavings: number } } }).data.total;
    const month = (await (await fetch(`${base}/allocation?window=month&aggregate=namespace&accumulate=true`)).json()) as { data: Array<Record<string, { totalCost: number; realisedSavings: number; potentialSavings: number }>> };
    const monthRows = Object.values(month.data[0] ?? {});
    expect(summary.monthToDate).toBeCloseTo(monthRows.reduce((x, a) => x + a.totalCost, 0), 9);
    expect(summary.realisedSavings).toBeCloseTo(monthRows.reduce((x, a) => x + a.realisedSavings, 0), 9);
    expect(summary.potentialSavings).toBeCloseTo(monthRows.reduce((x, a) => x + a.potentialSavings, 0), 9);
    // The chart's /timeseries: the same selection per step; its steps add up to /allocation's total,
    // from the namespace rows (by namespace) and from the pod rows (by controller).
    for (const aggregate of ["namespace", "controller"]) {
      const ts = (await (await fetch(`${base}/timeseries?window=today&aggregate=${aggregate}&top=50`)).json()) as { data: { total: number[]; series: Array<{ name: string }> } };
      expect(ts.data.total.reduce((a, b) => a + b, 0)).toBeCloseTo((await allocation(`window=today&aggregate=${aggregate}`)).reduce((s, a) => s + a.totalCost, 0), 9);
      expect(ts.data.series.map((s) => s.name).sort()).toEqual((await allocation(`window=today&aggregate=${aggregate}`)).filter((a) => a.totalCost > 0).map((a) => a.name).sort());
    }

    // Sorting by a header reverses the order.
    await page.click("#allocation-table th[data-key=total] button");
    const ascending = await tableRows(page, "allocation-table");
    expect(ascending.map((r) => r.total)).toEqual([...ascending.map((r) => r.total)].sort((a, b) => a - b));
    expect(new URL(page.url()).searchParams.get("asc")).toBe("true");

    // CSV of exactly what is shown: same rows in the same order, the full-precision totals.
    const [download] = await Promise.all([page.waitForEvent("download"), page.click("#download-csv")]);
    const csvPath = join(tempDir("kce-ui-csv-"), "allocation.csv");
    await download.saveAs(csvPath);
    const lines = readFileSync(csvPath, "utf8").trim().split(/\r\n/);
    const header = lines[0]?.split(",") ?? [];
    expect(header).toContain("Total");
    const totalAt = header.indexOf("Total");
    const csvRows = lines.slice(1).map((l) => l.split(","));
    expect(csvRows.map((r) => r[2])).toEqual(ascending.map((r) => r.name));
    expect(csvRows.reduce((s, r) => s + Number(r[totalAt]), 0)).toBeCloseTo(apiTotal, 9);

    // Drill-down: namespace → its controllers → a controller's pods, each matching the API.
    await page.click("#allocation-table a.drill >> text=production");
    await page.waitForFunction(onAggregate("controller"));
    await page.waitForSelector("#allocation-table tbody tr a.drill");
    const controllers = await tableRows(page, "allocation-table");
    const apiControllers = await allocation(`window=today&aggregate=controller&filter=${encodeURIComponent('namespace:"production"')}`);
    expect(controllers.map((r) => r.name).sort()).toEqual(apiControllers.map((a) => a.name).sort());
    expect(await page.textContent("nav.crumbs")).toMatch(/namespace:"production"/);
    expect(await page.inputValue("#filter")).toBe('namespace:"production"');
    const first = controllers.find((r) => r.name.includes(":"))?.name ?? "";
    await page.click(`#allocation-table a.drill >> text=${first}`);
    await page.waitForFunction(onAggregate("pod"));
    await page.waitForSelector("#allocation-table tbody tr");
    const pods = await tableRows(page, "allocation-table");
    expect(pods.length).toBeGreaterThan(0);
    const controllerTotal = apiControllers.find((a) => a.name === first)?.totalCost ?? NaN;
    expect(Math.round(dollars(await page.textContent("#allocation-table tfoot td[data-key=total]")) * 100)).toBe(Math.round(controllerTotal * 100));
    // The browser's back button returns to the controllers (the state is in the URL).
    await page.goBack();
    await page.waitForFunction(onAggregate("controller"));
    expect(errors).toEqual([]);
    await page.context().close();
  }, 90_000);

  it("over HTTPS with basic auth: refuses a browser without credentials and serves one with them", async () => {
    const dir = tempDir("kce-ui-auth-");
    const users = join(dir, "users");
    writeFileSync(users, "finops:s3cret\n");
    const tls = { certFile: join(dir, "api.crt"), keyFile: join(dir, "api.key") };
    execFileSync("openssl", ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=kce-api", "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", tls.keyFile, "-out", tls.certFile], { stdio: "ignore" });
    const config = validateConfig(deepMerge(TEST_SETTINGS, { cluster: "demo", nats: { servers: [demo.natsUrl] }, http: { auth: { basicAuthFile: users }, tls }, recommendations: { enabled: false } }));
    const rt = await openTestRuntime(config, "kce-ui-auth");
    const secured = createApi(rt);
    await secured.start();
    try {
      const origin = `https://127.0.0.1:${secured.port}`;
      const url = `${origin}/ui/overview`;
      // The certificate is self-signed for the test; the browser is told to accept it.
      const trust = { ignoreHTTPSErrors: true };
      // Headless Chromium answers a Basic challenge it has no credentials for by failing the navigation.
      for (const credentials of [undefined, { username: "finops", password: "wrong" }]) {
        const refused = await watchedPage(browser, credentials === undefined ? trust : { ...trust, httpCredentials: credentials });
        const outcome = await refused.page.goto(url).then((r) => `HTTP ${r?.status()}`, (e: Error) => e.message);
        expect(outcome).toMatch(/HTTP 401|ERR_INVALID_AUTH_CREDENTIALS/);
        const direct = await refused.page.context().request.get(url);
        expect(direct.status()).toBe(401);
        expect(direct.headers()["www-authenticate"]).toMatch(/^Basic/);
        for (const path of ["/summary", "/events", "/ui/assets/none.js"]) expect((await refused.page.context().request.get(`${origin}${path}`)).status()).toBe(401);
        await refused.page.context().close();
      }
      const { page, errors } = await watchedPage(browser, { ...trust, httpCredentials: { username: "finops", password: "s3cret" } });
      expect((await page.goto(url))?.status()).toBe(200);
      await page.waitForSelector("#cost-now");
      expect(dollars(await page.textContent("#cost-now .card-value"))).toBeGreaterThan(0);
      expect(errors).toEqual([]);
      await page.context().close();
    } finally {
      await secured.stop();
      await rt.close();
    }
  }, 60_000);

  it("with a bearer token: a browser signs in with a form, gets a session cookie that is not the token, and the app works", async () => {
    const dir = tempDir("kce-ui-token-");
    const tokenFile = join(dir, "token");
    writeFileSync(tokenFile, "t0ken-for-prometheus\n");
    const config = validateConfig(deepMerge(TEST_SETTINGS, { cluster: "demo", nats: { servers: [demo.natsUrl] }, http: { auth: { bearerTokenFile: tokenFile } }, recommendations: { enabled: false } }));
    const rt = await openTestRuntime(config, "kce-ui-token");
    const secured = createApi(rt);
    await secured.start();
    try {
      const origin = `http://127.0.0.1:${secured.port}`;
      const { page, errors } = await watchedPage(browser);
      // A page of the app without a session: the sign-in form (401), not a bare "unauthorized".
      expect((await page.goto(`${origin}/ui/overview`))?.status()).toBe(401);
      await page.fill("input[name=token]", "not-the-token");
      await page.click("button[type=submit]");
      await page.waitForSelector("[role=alert]");
      expect(await page.textContent("[role=alert]")).toMatch(/not the one/);
      expect(await page.context().cookies()).toEqual([]);
      await page.fill("input[name=token]", "t0ken-for-prometheus");
      await Promise.all([page.waitForURL(`${origin}/ui/**`), page.click("button[type=submit]")]);
      await page.waitForSelector("#cost-now");
      expect(dollars(await page.textContent("#cost-now .card-value"))).toBeGreaterThan(0);
      const cookies = await page.context().cookies();
      expect(cookies.map((c) => [c.name, c.httpOnly, c.sameSite])).toEqual([["kce_session", true, "Strict"]]);
      expect(cookies[0]?.value).not.toContain("t0ken");
      // The session opens the API to this browser (same-origin requests carry it), scripts still need the token.
      expect((await page.context().request.get(`${origin}/summary`)).status()).toBe(200);
      expect((await fetch(`${origin}/summary`)).status).toBe(401);
      expect((await fetch(`${origin}/summary`, { headers: { authorization: "Bearer t0ken-for-prometheus" } })).status).toBe(200);
      // A new token ends the sessions made with the old one.
      writeFileSync(tokenFile, "rotated\n");
      await waitFor("the rotated token", async () => ((await page.context().request.get(`${origin}/summary`)).status() === 401 ? true : undefined), 15_000, 250);
      // Chromium logs the two 401 pages (the form) as failed loads; nothing else may fail.
      expect(errors.filter((e) => !e.includes("401"))).toEqual([]);
      await page.context().close();
    } finally {
      await secured.stop();
      await rt.close();
    }
  }, 60_000);
});
