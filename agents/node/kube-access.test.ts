import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { tempDir } from "../../testkit/tempdir.ts";
import { KubeCredentialsError, kubeAccessFrom } from "./kube-access.ts";

function kubeconfig(user: Record<string, unknown>, server = "https://10.0.0.1:6443"): string {
  const file = join(tempDir("kce-kubeconfig-"), "config");
  writeFileSync(file, JSON.stringify({
    apiVersion: "v1",
    kind: "Config",
    "current-context": "prod",
    clusters: [{ name: "c", cluster: { server, "insecure-skip-tls-verify": true } }],
    users: [{ name: "u", user }],
    contexts: [{ name: "prod", context: { cluster: "c", user: "u" } }, { name: "other", context: { cluster: "missing", user: "u" } }],
  }));
  return file;
}

describe("the agent's Kubernetes credentials (no client-node)", () => {
  it("reads a token kubeconfig: server of the current context, bearer header", () => {
    const access = kubeAccessFrom({ kubeconfig: kubeconfig({ token: "abc" }) });
    expect(access.server).toBe("https://10.0.0.1:6443");
    expect(access.headers()).toEqual({ authorization: "Bearer abc" });
  });

  it("reads a token file, and uses an explicit server without credentials", () => {
    const dir = tempDir("kce-token-");
    writeFileSync(join(dir, "token"), "from-file\n");
    expect(kubeAccessFrom({ kubeconfig: kubeconfig({ tokenFile: join(dir, "token") }) }).headers()).toEqual({ authorization: "Bearer from-file" });
    const direct = kubeAccessFrom({ server: "http://127.0.0.1:8080/" });
    expect(direct.server).toBe("http://127.0.0.1:8080");
    expect(direct.headers()).toEqual({});
  });

  it("refuses exec plugins, unknown contexts and clusters with errors that say so", () => {
    expect(() => kubeAccessFrom({ kubeconfig: kubeconfig({ exec: { command: "aws" } }) })).toThrow(/exec or auth-provider plugin, which the agent does not run/);
    expect(() => kubeAccessFrom({ kubeconfig: kubeconfig({}), context: "nope" })).toThrow(KubeCredentialsError);
    expect(() => kubeAccessFrom({ kubeconfig: kubeconfig({}), context: "other" })).toThrow(/names cluster missing, which it does not define/);
    expect(() => kubeAccessFrom({ kubeconfig: "/nonexistent/kubeconfig" })).toThrow(/cannot read kubeconfig \/nonexistent\/kubeconfig/);
  });
});
