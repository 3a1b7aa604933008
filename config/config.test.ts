import { describe, expect, it } from "vitest";
import { ConfigError } from "./errors.ts";
import { applyEnvOverrides, envName } from "./env.ts";
import { loadConfig, validateConfig } from "./load.ts";
import { configSchema } from "./schema.ts";

describe("config", () => {
  it("fills every default", () => {
    const c = validateConfig({});
    expect(c.agent.intervalSeconds).toBe(60);
    expect(c.sinks.prometheus.port).toBe(9090);
    expect(c.pricing.defaults.cpuCoreHour).toBe(0.031611);
    expect(c.rollup.resolutions).toEqual(["1m", "1h", "1d"]);
  });

  it("rejects an unknown key, naming it and suggesting the right one", () => {
    expect(() => validateConfig({ agent: { intervalSecs: 10 } })).toThrowError(/agent\.intervalSecs: unknown key \(did you mean intervalSeconds\?\)/);
  });

  it("rejects an ill-typed key, naming it", () => {
    const error = (() => {
      try {
        validateConfig({ agent: { intervalSeconds: "often" } });
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).key).toBe("agent.intervalSeconds");
  });

  it("rejects out-of-range values", () => {
    expect(() => validateConfig({ agent: { intervalSeconds: 0 } })).toThrowError(/agent\.intervalSeconds/);
    expect(() => validateConfig({ sinks: { prometheus: { port: 70000 } } })).toThrowError(/sinks\.prometheus\.port/);
  });

  it("maps key paths to environment names", () => {
    expect(envName(["agent", "intervalSeconds"])).toBe("KCE_AGENT__INTERVAL_SECONDS");
    expect(envName(["nats", "servers"])).toBe("KCE_NATS__SERVERS");
  });

  it("applies env overrides as YAML scalars over the file", () => {
    const raw = applyEnvOverrides({ agent: { intervalSeconds: 60 } }, configSchema, {
      KCE_AGENT__INTERVAL_SECONDS: "10",
      KCE_NATS__SERVERS: "[nats://a:4222, nats://b:4222]",
      KCE_CLUSTER: "prod-eu",
      UNRELATED: "x",
    });
    const c = validateConfig(raw);
    expect(c.agent.intervalSeconds).toBe(10);
    expect(c.nats.servers).toEqual(["nats://a:4222", "nats://b:4222"]);
    expect(c.cluster).toBe("prod-eu");
  });

  it("rejects an env override that names no key", () => {
    expect(() => applyEnvOverrides({}, configSchema, { KCE_AGENT__INTERVAL_SECOND: "10" })).toThrowError(
      /unknown environment override KCE_AGENT__INTERVAL_SECOND \(did you mean KCE_AGENT__INTERVAL_SECONDS\?\)/,
    );
  });

  it("leaves the tooling switches KCE_DEBUG, KCE_NATS_SERVER_BIN, KCE_TEST_LOG, KCE_CONFORMANCE_EVENTS and kubectl cost's KCE_API_* alone", () => {
    const env = { KCE_DEBUG: "1", KCE_NATS_SERVER_BIN: "/usr/sbin/nats-server", KCE_TEST_LOG: "1", KCE_CONFORMANCE_EVENTS: "5000", KCE_API_URL: "http://x", KCE_API_TOKEN: "t", KCE_CLUSTER: "x" };
    expect(applyEnvOverrides({}, configSchema, env)).toEqual({ cluster: "x" });
  });

  it("applies command-line overrides last", () => {
    const c = loadConfig({ env: { KCE_CLUSTER: "from-env" }, overrides: { cluster: "from-cli" } });
    expect(c.cluster).toBe("from-cli");
  });
});
