import { randomBytes } from "node:crypto";
import { hostname } from "node:os";
import { Objm } from "@nats-io/obj";
import { Lease } from "../../bus/lease.ts";
import type { Runtime } from "../../bus/runtime.ts";
import type { Stage } from "../../bus/stage-types.ts";
import { CheckpointStore } from "./checkpoint.ts";
import { ROLLUP_COMPONENT, startActiveRollup, type ActiveRollup } from "./leader.ts";

export { ROLLUP_COMPONENT } from "./leader.ts";

/**
 * The rollup stage. It is stateful, so one instance works at a time: the one holding the lease
 * `rollup.lease.bucket`/`rollup` in JetStream KV. Others wait as warm standbys (connected, code loaded)
 * and take over within about `rollup.lease.seconds` of the active one dying (its lease expires), or at
 * once when it stops cleanly (it deletes the lease). The new active one restores the last checkpoint
 * and receives the unacked inputs again, so a take-over loses and doubles nothing.
 */
export async function createRollup(rt: Runtime): Promise<Stage> {
  const cfg = rt.config.rollup;
  const log = rt.log.child(ROLLUP_COMPONENT);
  const metrics = rt.telemetry.component(ROLLUP_COMPONENT);
  const objects = await new Objm(rt.nc).create(cfg.stateBucket, { replicas: rt.config.streams.replicas });
  const checkpoints = new CheckpointStore(objects, "rollup-state");
  const ttlMs = cfg.lease.seconds * 1000;
  const holder = `${hostname()}/${process.pid}/${randomBytes(3).toString("hex")}`;
  const lease = new Lease(rt.nc, { bucket: cfg.lease.bucket, key: "rollup", ttlMs, replicas: rt.config.streams.replicas, holder }, log);
  let active: ActiveRollup | undefined;
  let waiting: NodeJS.Timeout | undefined;
  let stopped = false;

  const lead = async (): Promise<void> => {
    active = await startActiveRollup(rt, checkpoints);
    metrics.up(true);
    log.info("rollup active (holds the lease)", { holder });
    lease.keep((why) => {
      log.error("rollup lease lost: stopping without a checkpoint, another rollup takes over", { why });
      const was = active;
      active = undefined;
      metrics.up(false);
      void was?.abandon().then(() => standby());
    });
  };

  const standby = (): void => {
    if (stopped) return;
    const attempt = async (): Promise<void> => {
      if (stopped) return;
      if (await lease.tryAcquire().catch(() => false)) {
        try {
          await lead();
        } catch (error) {
          log.error("could not take over as the active rollup; handing the lease back", { error });
          await lease.release(true);
          waiting = setTimeout(() => void attempt(), ttlMs);
        }
        return;
      }
      waiting = setTimeout(() => void attempt(), Math.max(200, Math.floor(ttlMs / 4)));
    };
    log.info("rollup on standby: another rollup holds the lease", { holder });
    void lease.holder().then((h) => log.info("the active rollup", { active: h ?? "(its lease is expiring)" }), () => undefined);
    waiting = setTimeout(() => void attempt(), Math.max(200, Math.floor(ttlMs / 4)));
  };

  return {
    name: ROLLUP_COMPONENT,
    start: async () => {
      if (await lease.tryAcquire()) await lead();
      else standby();
    },
    stop: async () => {
      stopped = true;
      if (waiting !== undefined) clearTimeout(waiting);
      const was = active;
      active = undefined;
      if (was !== undefined) {
        await was.stop();
        await lease.release(true);
      }
    },
  };
}
