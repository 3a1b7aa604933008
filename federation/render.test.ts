import { mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { parseFederationSpec, renderToDirectory } from "./files.ts";
import { completeSecrets, DuplicateClusterError, renderFederation } from "./render.ts";

const spec = (extra: Record<string, unknown> = {}) =>
  parseFederationSpec({ hub: { address: "hub.example", leafPort: 7422 }, clusters: [{ name: "east", port: 4223 }, { name: "eu.west" }], ...extra }, "test");

let n = 0;
const secret = () => `s${n++}`;

describe("kce federation render", () => {
  it("gives each leaf user only its own cluster's forwarded subjects and its own domain's API", () => {
    const s = spec();
    const { files } = renderFederation(s, completeSecrets(s, undefined, secret));
    const hub = files["hub.conf"] ?? "";
    const east = hub.slice(hub.indexOf('user: "leaf_east"'), hub.indexOf('user: "leaf_eu_2Ewest"'));
    expect(east).toContain('"kce.usage.east.>"');
    expect(east).toContain('"$JS.east.API.>"');
    expect(east).not.toMatch(/kce\.usage\.eu/);
    expect(hub).toContain('"$JS.eu_2Ewest.API.>"');
    expect(files["leaf-east.conf"]).toMatch(/url: "nats-leaf:\/\/leaf_east:s\d+@hub\.example:7422"/);
    expect(files["leaf-east.conf"]).toContain('domain: "east"');
  });

  it("forwards priced, rollup, savings and alerts subjects in per-cluster mode", () => {
    const s = spec({ mode: "per-cluster" });
    const hub = renderFederation(s, completeSecrets(s, undefined, secret)).files["hub.conf"] ?? "";
    for (const subject of ["kce.priced.east.>", "kce.rollup.*.east.>", "kce.live.rollup.*.east.>", "kce.savings.east", "kce.alerts.east"]) expect(hub).toContain(`"${subject}"`);
    expect(hub).not.toContain('"kce.usage.east.>"');
    // Central mode rolls up at the hub: no leaf publishes rollups or their live updates.
    const central = renderFederation(spec(), completeSecrets(spec(), undefined, secret)).files["hub.conf"] ?? "";
    expect(central).not.toMatch(/kce\.(live\.)?rollup/);
  });

  it("writes kce configs that validate and name the role, mode and clusters", () => {
    const s = spec();
    const { files } = renderFederation(s, completeSecrets(s, undefined, secret));
    const hub = parse(files["kce-hub.yaml"] ?? "") as { federation: { role: string; clusters: Array<{ name: string }> }; nats: { servers: string[] } };
    expect(hub.federation.role).toBe("hub");
    expect(hub.federation.clusters.map((c) => c.name)).toEqual(["east", "eu.west"]);
    expect(hub.nats.servers).toEqual(["nats://hub.example:4222"]);
    const leaf = parse(files["kce-leaf-eu_2Ewest.yaml"] ?? "") as { cluster: string; federation: { role: string } };
    expect(leaf).toMatchObject({ cluster: "eu.west", federation: { role: "leaf" } });
  });

  it("keeps existing passwords when a cluster is added", () => {
    const first = completeSecrets(spec(), undefined, secret);
    const grown = spec({ clusters: [{ name: "east" }, { name: "eu.west" }, { name: "north" }] });
    const second = completeSecrets(grown, first, secret);
    expect(second.clusters["east"]).toEqual(first.clusters["east"]);
    expect(second.hub).toEqual(first.hub);
    expect(second.clusters["north"]?.leaf).toMatch(/^s\d+$/);
  });

  it("refuses a cluster listed twice or a domain used twice, and names the key", () => {
    const twice = spec({ clusters: [{ name: "east" }, { name: "east" }] });
    expect(() => renderFederation(twice, completeSecrets(twice, undefined, secret))).toThrow(DuplicateClusterError);
    const clash = spec({ clusters: [{ name: "a", domain: "hub" }] });
    expect(() => renderFederation(clash, completeSecrets(clash, undefined, secret))).toThrow(/clusters\.0 domain "hub" is used twice/);
    expect(() => parseFederationSpec({ clusters: [{ name: "x", prot: 1 }] }, "f.yaml")).toThrow(/f\.yaml: clusters\.0: unknown key prot/);
    expect(() => parseFederationSpec({ clusters: [] }, "f.yaml")).toThrow(/f\.yaml: clusters/);
  });
});

describe("kce federation render into a directory", () => {
  it("writes owner-only files and reuses the passwords of the previous render", () => {
    const dir = mkdtempSync(join(tmpdir(), "kce-render-"));
    try {
      renderToDirectory(spec(), dir);
      const first = readFileSync(join(dir, "hub.conf"), "utf8");
      expect(statSync(join(dir, "secrets.yaml")).mode & 0o777).toBe(0o600);
      renderToDirectory(spec({ clusters: [{ name: "east" }, { name: "eu.west" }, { name: "north" }] }), dir);
      const second = readFileSync(join(dir, "hub.conf"), "utf8");
      const eastLine = (text: string) => text.split("\n").find((l) => l.includes('user: "leaf_east"'));
      expect(eastLine(second)).toBe(eastLine(first));
      expect(second).toContain('"leaf_north"');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
