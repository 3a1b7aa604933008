import { expect, it } from "vitest";
import type { Outgoing } from "../../bus/publisher.ts";
import type { Runtime } from "../../bus/runtime.ts";
import { DLQ_HEADERS } from "../../bus/dlq.ts";
import { readStream, waitFor } from "../../testkit/index.ts";

/** What the conformance suite needs from one sink and its real target. */
export interface ConformanceTarget {
  /** Component name of the sink (its DLQ subject is kce.dlq.<component>). */
  component: string;
  runtime: () => Runtime;
  /** The i-th valid input event. */
  event: (i: number) => Outgoing;
  poison: () => Outgoing;
  /** How many distinct events reached the target, and how many deliveries in all (duplicates). */
  delivered: () => Promise<{ distinct: number; total: number }>;
  buffered: () => number;
  maxInFlight: number;
  /** Takes the target away and brings it back (omit for pull-based targets such as Prometheus). */
  down?: () => Promise<void>;
  up?: () => Promise<void>;
  timeoutMs?: number;
}

export const EVENTS = Number(process.env["KCE_CONFORMANCE_EVENTS"] ?? 100_000);

async function publishRange(rt: Runtime, t: ConformanceTarget, from: number, count: number): Promise<void> {
  let next = from;
  const end = from + count;
  await Promise.all(
    Array.from({ length: 256 }, async () => {
      while (next < end) {
        const i = next++;
        await rt.publisher.publish(t.event(i));
      }
    }),
  );
}

/**
 * The one suite every sink passes, against its real target: every event of a large run
 * delivered exactly once; the target going away and coming back loses and duplicates nothing;
 * poison goes to the DLQ while the rest flows; memory stays bounded while the target is down.
 */
export function sinkConformance(t: ConformanceTarget): void {
  const timeout = t.timeoutMs ?? 240_000;
  let sent = 0;
  const expectDelivered = async (what: string) => {
    const result = await waitFor(what, async () => {
      const d = await t.delivered();
      return d.distinct >= sent ? d : undefined;
    }, timeout, 250);
    expect(result.distinct).toBe(sent);
    expect(result.total).toBe(sent);
  };

  it(`delivers every event of a ${EVENTS}-event run, once`, async () => {
    await publishRange(t.runtime(), t, sent, EVENTS);
    sent += EVENTS;
    await expectDelivered(`${EVENTS} events in the target`);
  }, timeout + 120_000);

  if (t.down !== undefined && t.up !== undefined) {
    const down = t.down;
    const up = t.up;
    it("loses and duplicates nothing when the target goes away and comes back", async () => {
      const half = 2000;
      await publishRange(t.runtime(), t, sent, half);
      await down();
      await publishRange(t.runtime(), t, sent + half, half);
      sent += 2 * half;
      await new Promise((r) => setTimeout(r, 3000));
      await up();
      await expectDelivered("the backlog after the target came back");
    }, timeout + 60_000);

    it("keeps memory bounded while the target is down: JetStream holds the backlog", async () => {
      await down();
      const heapBefore = process.memoryUsage().heapUsed;
      const backlog = 5 * t.maxInFlight;
      await publishRange(t.runtime(), t, sent, backlog);
      sent += backlog;
      let peak = 0;
      for (let i = 0; i < 20; i++) {
        peak = Math.max(peak, t.buffered());
        await new Promise((r) => setTimeout(r, 250));
      }
      expect(peak).toBeLessThanOrEqual(t.maxInFlight);
      expect(process.memoryUsage().heapUsed - heapBefore).toBeLessThan(256 * 2 ** 20);
      await up();
      await expectDelivered("the backlog after the outage");
    }, timeout + 60_000);
  }

  it("sends poison to the DLQ while the rest flows", async () => {
    const rt = t.runtime();
    await publishRange(rt, t, sent, 10);
    await rt.publisher.publish(t.poison());
    await publishRange(rt, t, sent + 10, 10);
    sent += 20;
    await expectDelivered("the events around the poison");
    const dead = await waitFor("the poison in the DLQ", async () => {
      const msgs = await readStream(rt.js, rt.jsm, "KCE_DLQ", `kce.dlq.${t.component}`);
      return msgs.length > 0 ? msgs : undefined;
    }, 30_000);
    expect(dead[0]?.headers?.get(DLQ_HEADERS.reason)).toMatch(/unknown_schema|decode|sink_rejected/);
  }, 120_000);
}
