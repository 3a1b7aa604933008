import { createWriteStream } from "node:fs";
import { join } from "node:path";
import { once } from "node:events";
import { BillAggregate, ingestFile } from "../reconcile/ingest.ts";
import { tempDir } from "../testkit/tempdir.ts";

const HEADER = "line_item_usage_start_date,line_item_line_item_type,line_item_product_code,line_item_usage_type,line_item_resource_id,line_item_unblended_cost,line_item_currency_code,savings_plan_savings_plan_effective_cost,reservation_effective_cost,product_region,line_item_line_item_description";

/** Writes a CUR 2.0 file: `instances` instances × hourly rows, ≈ `rows` rows in all. */
async function writeCur(path: string, rows: number, instances: number): Promise<number> {
  const out = createWriteStream(path);
  out.write(HEADER + "\n");
  const start = Date.UTC(2026, 9, 1);
  let bytes = 0;
  for (let i = 0; i < rows; i++) {
    const inst = i % instances;
    const hour = Math.floor(i / instances);
    const when = new Date(start + hour * 3_600_000).toISOString();
    const id = `i-${(0x10000000 + inst).toString(16)}abcdef01`;
    const line = inst % 3 === 0
      ? `${when},SavingsPlanCoveredUsage,AmazonEC2,BoxUsage:m5.xlarge,${id},0.192,USD,0.13824,,us-east-1,"$0.192 per On Demand Linux m5.xlarge Instance Hour"\n`
      : `${when},Usage,AmazonEC2,BoxUsage:m5.xlarge,${id},0.192,USD,,,us-east-1,"$0.192 per On Demand Linux m5.xlarge Instance Hour"\n`;
    bytes += line.length;
    if (!out.write(line)) await once(out, "drain");
  }
  out.end();
  await once(out, "finish");
  return bytes;
}

/** Streams a 1-million-row CUR through the reconcile reader; peak RSS sampled every 20 ms. */
export async function benchReconcile(rows = 1_000_000, instances = 2000): Promise<string[]> {
  const path = join(tempDir("kce-bench-cur-"), "cur.csv");
  const bytes = await writeCur(path, rows, instances);
  if (global.gc !== undefined) global.gc();
  const before = process.memoryUsage().rss;
  let peak = before;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20);
  const t0 = performance.now();
  const bill = new BillAggregate();
  const summary = await ingestFile(path, bill);
  const ms = performance.now() - t0;
  clearInterval(sampler);
  peak = Math.max(peak, process.memoryUsage().rss);
  const mib = (n: number) => (n / 2 ** 20).toFixed(0);
  return [
    `## Reconcile: streaming a ${rows.toLocaleString("en-US")}-row AWS CUR (${mib(bytes)} MiB, ${instances} instances × ${Math.ceil(rows / instances)} hours)`,
    "",
    `| rows read | bad | resource-days kept | time | rows/s | RSS before | peak RSS | growth |`,
    `|---|---|---|---|---|---|---|---|`,
    `| ${summary.rows.toLocaleString("en-US")} | ${summary.badRows} | ${bill.byResourceDay.size.toLocaleString("en-US")} | ${(ms / 1000).toFixed(1)} s | ${Math.round(summary.rows / (ms / 1000)).toLocaleString("en-US")} | ${mib(before)} MiB | ${mib(peak)} MiB | ${mib(peak - before)} MiB |`,
  ];
}
