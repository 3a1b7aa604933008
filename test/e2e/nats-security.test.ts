import { execFileSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { createUser } from "@nats-io/nkeys";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { NatsConnectError } from "../../bus/errors.ts";
import { freePort, openTestRuntime, startNatsServer, testConfig, type NatsServerHandle } from "../../testkit/index.ts";
import { tempDir } from "../../testkit/tempdir.ts";

/** Every stage's NATS connection with TLS and NKEY authentication, against a real nats-server that requires both. */
let nats: NatsServerHandle;
let dir: string;
let seedFile: string;

beforeAll(async () => {
  dir = tempDir("kce-nats-tls-");
  execFileSync("openssl", ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost", "-keyout", join(dir, "key.pem"), "-out", join(dir, "cert.pem")], { stdio: "ignore" });
  const user = createUser();
  seedFile = join(dir, "user.nk");
  writeFileSync(seedFile, new TextDecoder().decode(user.getSeed()));
  const port = await freePort();
  const conf = join(dir, "server.conf");
  writeFileSync(
    conf,
    [
      `listen: "127.0.0.1:${port}"`,
      `jetstream { store_dir: ${JSON.stringify(join(dir, "js"))} }`,
      `tls { cert_file: ${JSON.stringify(join(dir, "cert.pem"))}, key_file: ${JSON.stringify(join(dir, "key.pem"))} }`,
      `authorization { users: [ { nkey: ${JSON.stringify(user.getPublicKey())} } ] }`,
    ].join("\n"),
  );
  nats = await startNatsServer({ port, args: ["-c", conf] });
});

afterAll(async () => {
  await nats?.stop();
});

describe("NATS with TLS and NKEY credentials", () => {
  it("connects, provisions and publishes over TLS with an NKEY seed file", async () => {
    const rt = await openTestRuntime(testConfig(nats.url, { nats: { nkeySeedFile: seedFile, tls: { caFile: join(dir, "cert.pem") } } }));
    try {
      const ack = await rt.js.publish("kce.dlq.tls-test", new Uint8Array([1]));
      expect(ack.stream).toBe("KCE_DLQ");
    } finally {
      await rt.close();
    }
  });

  it("names the servers when the certificate is not trusted or the key is missing", async () => {
    await expect(openTestRuntime(testConfig(nats.url, { nats: { nkeySeedFile: seedFile, maxReconnectAttempts: 0 } }))).rejects.toBeInstanceOf(NatsConnectError);
    await expect(openTestRuntime(testConfig(nats.url, { nats: { tls: { caFile: join(dir, "cert.pem") }, maxReconnectAttempts: 0 } }))).rejects.toBeInstanceOf(NatsConnectError);
  });
});
