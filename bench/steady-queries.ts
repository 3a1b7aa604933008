import { curlGet, fmt, percentile, rssMb } from "./stats.ts";
import { NAMESPACES } from "./synth.ts";

/** A query the steady bench times at the end of its run, against the running stages over real HTTP. */
interface TimedRequest {
  what: string;
  url: string;
}

/** The answer was not a 200: a latency of an error page would say nothing. */
export class BenchRequestError extends Error {
  constructor(url: string, status: number) {
    super(`GET ${url} answered ${status}`);
    this.name = "BenchRequestError";
  }
}

/** `runs` GETs of `url` one at a time after one warm-up: milliseconds each, and the body's size. */
async function timeGets(url: string, runs: number): Promise<{ ms: number[]; bytes: number }> {
  const ms: number[] = [];
  let bytes = 0;
  for (let i = 0; i <= runs; i++) {
    const got = await curlGet(url);
    if (got.status !== 200) throw new BenchRequestError(url, got.status);
    bytes = got.bytes;
    if (i > 0) ms.push(got.ms);
  }
  return { ms, bytes };
}

/**
 * Latency of what a user of this cluster size asks for, once the run's data is in (for the scaling table: RSS, CPU and
 * query latency at 1k / 10k / 100k pods from one run): /allocation over the whole run by namespace, controller and pod,
 * and a full /metrics scrape, timed by curl. Each request `runs` times after one warm-up, one at a time; also the most
 * RSS any of the processes reached meanwhile (a query may build large answers).
 */
export async function timeQueries(apiPort: number, metricsPort: number, fromMs: number, toMs: number, pids: readonly number[], runs = 10): Promise<string> {
  const window = `${Math.floor(fromMs / 1000)},${Math.ceil(toMs / 1000)}`;
  const api = (aggregate: string, filter = "") => `http://127.0.0.1:${apiPort}/allocation?window=${window}&aggregate=${aggregate}&accumulate=true${filter}`;
  const requests: TimedRequest[] = [
    { what: "/allocation by namespace", url: api("namespace") },
    { what: "by controller", url: api("controller") },
    // Every pod (refused past api.maxResponseRows, 100,000 by default: then the line says so), and one namespace's.
    { what: "by pod", url: api("pod") },
    { what: `by pod in one of ${NAMESPACES.length} namespaces`, url: api("pod", `&filter=${encodeURIComponent(`namespace:"${NAMESPACES[0] ?? ""}"`)}`) },
    { what: "/metrics scrape", url: `http://127.0.0.1:${metricsPort}/metrics` },
  ];
  let peak = 0;
  const sampler = setInterval(() => {
    for (const pid of pids) peak = Math.max(peak, rssMb(pid) || 0);
  }, 100);
  try {
    const parts: string[] = [];
    for (const r of requests) {
      try {
        const { ms, bytes } = await timeGets(r.url, runs);
        parts.push(`${r.what} p50 ${fmt(percentile(ms, 50))} / p99 ${fmt(percentile(ms, 99))} (${(bytes / 2 ** 20).toFixed(2)} MB)`);
      } catch (error) {
        // A refused query is a finding, not a reason to lose the run's figures.
        if (!(error instanceof BenchRequestError)) throw error;
        parts.push(`${r.what}: ${error.message}`);
      }
    }
    return `Queries at the end (curl), over the whole run, ${runs} of each one at a time (p99 is the worst of ${runs}): ${parts.join("; ")}; peak RSS meanwhile ${Math.round(peak)} MB.`;
  } finally {
    clearInterval(sampler);
  }
}
