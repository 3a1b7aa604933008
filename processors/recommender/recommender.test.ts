import { describe, expect, it } from "vitest";
import { validateConfig } from "../../config/load.ts";
import { GiB, nodeInfo, podUsage, usageSnapshot } from "../../testkit/fixtures.ts";
import { Recommender } from "./recommender.ts";

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const T0 = Date.UTC(2026, 10, 23);
const MI = 2 ** 20;
const cfg = validateConfig({}).recommendations;
const RATES = { cpuCoreHour: 0.031611, ramGiBHour: 0.004237 };

/** Three days of minute samples: `api` asks 1 core / 2 GiB and uses 0.1–0.3 cores, peaking at 600 MiB; `cache` asks 100m / 128 MiB and uses 300m / 400 MiB. */
function history(days: number): Recommender {
  const r = new Recommender(cfg);
  for (let t = T0; t < T0 + days * 24 * HOUR; t += MINUTE) {
    const wave = (t / MINUTE) % 20; // 0 … 19
    const pods = [0, 1, 2].map((i) =>
      podUsage({ namespace: "shop", name: `api-${i}`, uid: `api-${i}`, controllerKind: "Deployment", controllerName: "api", runningSeconds: 60, cpuRequestCores: 1, memoryRequestBytes: 2 * GiB, cpuUsageCores: 0.1 + wave * 0.01, memoryWorkingSetMaxBytes: (400 + wave * 10) * MI }),
    );
    pods.push(podUsage({ namespace: "shop", name: "cache-0", uid: "cache-0", controllerKind: "StatefulSet", controllerName: "cache", runningSeconds: 60, cpuRequestCores: 0.1, cpuLimitCores: 0.3, memoryRequestBytes: 128 * MI, memoryLimitBytes: 420 * MI, cpuUsageCores: 0.3, memoryWorkingSetMaxBytes: 400 * MI }));
    pods.push(podUsage({ namespace: "batch", name: "nightly-1-x", uid: `job-${t}`, controllerKind: "Job", controllerName: `nightly-${t}`, runningSeconds: 60, cpuUsageCores: 2 }));
    r.fold(usageSnapshot({ cluster: "prod", node: "node-a", nodeInfo: nodeInfo(), windowStartMs: t, windowSeconds: 60, pods }));
  }
  return r;
}

describe("request right-sizing", () => {
  const r = history(3);
  const now = T0 + 3 * 24 * HOUR;
  const recs = r.recommend(now, () => RATES);

  it("gives an over-requested deployment the requests its usage implies, and the money that saves at its node's rates", () => {
    const api = recs.find((x) => x.controller === "api");
    expect(api?.status).toBe("over-requested");
    // p95 of 0.10 … 0.29 cores is 0.28 (±2.5 %); the peak is 590 MiB, plus 15 %.
    expect(api?.recommended.cpuCores).toBeGreaterThanOrEqual(0.27);
    expect(api?.recommended.cpuCores).toBeLessThanOrEqual(0.29);
    expect(api?.recommended.memoryBytes).toBe(Math.ceil((590 * MI * 1.15) / MI) * MI);
    expect(api?.pods).toBeCloseTo(3, 6);
    const expected = ((1 - (api?.recommended.cpuCores ?? 0)) * RATES.cpuCoreHour + ((2 * GiB - (api?.recommended.memoryBytes ?? 0)) / GiB) * RATES.ramGiBHour) * 730 * 3;
    expect(api?.monthlySavingsUsd).toBeCloseTo(expected, 9);
    expect(api?.monthlySavingsUsd).toBeGreaterThan(50);
  });

  it("flags an under-requested one, with the risk, and what fixing it adds", () => {
    const cache = recs.find((x) => x.controller === "cache");
    expect(cache?.status).toBe("under-requested");
    expect(cache?.reason).toMatch(/memory peaked at 400Mi, above its 128Mi request and near its 420Mi limit \(OOM-kill risk\)/);
    expect(cache?.reason).toMatch(/CPU p95 is 30\dm, above its 100m request and near its 300m limit \(throttled\)/);
    expect(cache?.monthlySavingsUsd).toBeLessThan(0);
  });

  it("leaves Jobs out, waits for a day of history, and forgets what is out of the window", () => {
    expect(recs.map((x) => x.controllerKind).sort()).toEqual(["Deployment", "StatefulSet"]);
    const young = history(0.5).recommend(T0 + 12 * HOUR, () => RATES);
    expect(young.every((x) => x.status === "learning" && x.monthlySavingsUsd === 0)).toBe(true);
    r.prune(now + 10 * 24 * HOUR);
    expect(r.size).toBe(0);
  });
});
