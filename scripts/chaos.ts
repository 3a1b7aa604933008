/**
 * `npm run chaos [-- --seed N --kills N --minutes N]`: the chaos run at a larger scale than the one in
 * `npm test` (test/faults/chaos.ts): separate pricer and rollup processes killed with SIGKILL at random
 * moments, nats-server restarts and hostile input while 20 nodes × 50 pods publish; bounded in time.
 * Prints the report and exits 1 if anything was lost, doubled or priced that should not have been.
 */
import { parseArgs } from "node:util";
import { runChaos } from "../test/faults/chaos.ts";

const { values } = parseArgs({
  options: {
    seed: { type: "string", default: String(Date.now() % 100_000) },
    kills: { type: "string", default: "20" },
    "nats-restarts": { type: "string", default: "3" },
    hostile: { type: "string", default: "500" },
    nodes: { type: "string", default: "20" },
    pods: { type: "string", default: "50" },
    minutes: { type: "string", default: "2" },
  },
});
const n = (k: keyof typeof values): number => {
  const v = Number(values[k]);
  if (!Number.isFinite(v) || v < 0) {
    process.stderr.write(`chaos: --${k} must be a non-negative number\n`);
    process.exit(2);
  }
  return v;
};
const options = { nodes: n("nodes"), podsPerNode: n("pods"), windows: 30, spreadMs: n("minutes") * 60_000, kills: n("kills"), natsRestarts: n("nats-restarts"), hostile: n("hostile"), seed: n("seed") };
process.stdout.write(`chaos: seed ${options.seed} (repeat with --seed ${options.seed})\n`);
const r = await runChaos(options, (line) => process.stdout.write(`chaos: ${line}\n`));
process.stdout.write(
  `\nchaos report (${(r.durationMs / 1000).toFixed(0)} s):\n` +
    `  snapshots published ${r.published}, priced ${r.priced}\n` +
    `  kills survived ${r.kills}, nats-server restarts ${r.natsRestarts}\n` +
    `  hostile messages ${r.hostileSent}: dead-lettered ${r.hostileDeadLettered}, priced ${r.hostilePriced}\n` +
    `  rollup vs by hand: node cost diff ${r.nodeCostDiff.toExponential(2)}, pod cost diff ${r.podCostDiff.toExponential(2)}\n`,
);
const ok = r.priced === r.published && r.hostilePriced === 0 && r.hostileDeadLettered === r.hostileSent && r.nodeCostDiff < 1e-9 && r.podCostDiff < 1e-9;
process.stdout.write(ok ? "chaos: OK\n" : "chaos: FAILED\n");
process.exit(ok ? 0 : 1);
