/**
 * Issue 14, fault 1: a view that follows a stream from a start time must keep following after the
 * nats-server restarts (it froze until its own process restarted), and its staleness must be visible.
 */
import { DeliverPolicy, type JsMsg } from "@nats-io/jetstream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { follow } from "../../bus/follow.ts";
import type { Runtime } from "../../bus/runtime.ts";
import { silentLogger } from "../../telemetry/log.ts";
import { openTestRuntime, startNatsServer, testConfig, waitFor, type NatsServerHandle } from "../../testkit/index.ts";

let nats: NatsServerHandle;
let rt: Runtime;

beforeAll(async () => {
  nats = await startNatsServer();
  rt = await openTestRuntime(testConfig(nats.url));
});

afterAll(async () => {
  await rt?.close();
  await nats?.stop();
});

describe("views survive a nats-server restart", () => {
  for (const policy of [DeliverPolicy.StartTime, DeliverPolicy.All, DeliverPolicy.LastPerSubject]) {
    it(`a view following from ${policy} resumes after the server comes back, without gaps or repeats`, async () => {
      const subject = `kce.savings.view-${policy}.x`;
      const seen: string[] = [];
      const apply = (msg: JsMsg): Promise<void> => {
        seen.push(msg.string());
        return Promise.resolve();
      };
      await rt.js.publish(subject, new TextEncoder().encode("before-0"));
      const sub = follow(rt, { stream: "KCE_SAVINGS", filterSubject: subject, deliverPolicy: policy, startTime: new Date(Date.now() - 60_000) }, apply, silentLogger);
      try {
        await waitFor("the view reads what was there", () => seen.includes("before-0"), 10_000);
        await nats.stop({ keepStore: true });
        await nats.restart();
        await waitFor("publishing after the restart", async () => {
          try {
            await rt.js.publish(subject, new TextEncoder().encode("after-1"), { msgID: `${policy}-after-1` });
            return true;
          } catch {
            return false;
          }
        }, 20_000);
        await waitFor("the view sees an event published after the restart", () => seen.includes("after-1"), 30_000);
        expect(seen.filter((s) => s === "before-0")).toHaveLength(1);
        expect(seen.filter((s) => s === "after-1")).toHaveLength(1);
      } finally {
        sub.unsubscribe();
      }
    }, 90_000);
  }
});
