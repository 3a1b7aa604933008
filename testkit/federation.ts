import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import type { NatsServerHandle } from "../local/nats-server.ts";
import { loopbackCluster, loopbackHub, startHubServer, startLeafServer } from "../local/federation.ts";
import { deepMerge, validateConfig } from "../config/load.ts";
import type { Config } from "../config/schema.ts";
import { parseFederationSpec } from "../federation/files.ts";
import { clusterFileToken, completeSecrets, renderFederation } from "../federation/render.ts";
import type { FederationSecrets, FederationSpec } from "../federation/spec.ts";
import { TEST_SETTINGS } from "./config.ts";
import { tempDir } from "./tempdir.ts";

/** A hub and its leaves, each a real nats-server started from the configs `kce federation render` writes. */
export interface TestFederation {
  readonly dir: string;
  spec: FederationSpec;
  files: Record<string, string>;
  secrets(): FederationSecrets;
  hub: NatsServerHandle;
  leaves: Map<string, NatsServerHandle>;
  /** The rendered kce config of the hub ("hub") or of a cluster's leaf (its name), with test settings on top. */
  config(of: string, overrides?: Record<string, unknown>): Config;
  /** Adds a cluster at run time: re-render, reload the hub (SIGHUP, same process), start its leaf. */
  addCluster(name: string): Promise<void>;
  stop(): Promise<void>;
}

export async function startFederation(clusters: string[], mode: "central" | "per-cluster" = "central"): Promise<TestFederation> {
  const dir = tempDir("kce-federation-");
  const raw = {
    mode,
    hub: await loopbackHub(dir),
    clusters: await Promise.all(clusters.map((c) => loopbackCluster(dir, c))),
  };
  let n = 0;
  let secrets: FederationSecrets | undefined;
  const render = (spec: FederationSpec): Record<string, string> => {
    secrets = completeSecrets(spec, secrets, () => `test-secret-${n++}`);
    const { files } = renderFederation(spec, secrets);
    for (const [name, content] of Object.entries(files)) writeFileSync(join(dir, name), content);
    return files;
  };
  const startLeaf = (c: FederationSpec["clusters"][number]) => startLeafServer(dir, c);

  const spec = parseFederationSpec(raw, "test federation");
  const fed: TestFederation = {
    dir,
    spec,
    files: render(spec),
    secrets: () => {
      if (secrets === undefined) throw new Error("not rendered");
      return secrets;
    },
    hub: await startHubServer(dir, spec),
    leaves: new Map(),
    config: (of, overrides = {}) => {
      const file = of === "hub" ? "kce-hub.yaml" : `kce-leaf-${clusterFileToken(of)}.yaml`;
      const content = fed.files[file];
      if (content === undefined) throw new Error(`no rendered config ${file}`);
      return validateConfig(deepMerge(deepMerge(parse(content) as Record<string, unknown>, TEST_SETTINGS), overrides));
    },
    addCluster: async (name) => {
      fed.spec = parseFederationSpec({ ...raw, clusters: [...raw.clusters, await loopbackCluster(dir, name)] }, "test federation");
      raw.clusters = fed.spec.clusters;
      fed.files = render(fed.spec);
      const pid = fed.hub.pid();
      if (pid === undefined) throw new Error("hub is not running");
      process.kill(pid, "SIGHUP");
      const added = fed.spec.clusters.find((c) => c.name === name);
      if (added === undefined) throw new Error(`cluster ${name} missing after render`);
      fed.leaves.set(name, await startLeaf(added));
    },
    stop: async () => {
      for (const leaf of fed.leaves.values()) await leaf.stop();
      await fed.hub.stop();
    },
  };
  for (const c of spec.clusters) fed.leaves.set(c.name, await startLeaf(c));
  return fed;
}
