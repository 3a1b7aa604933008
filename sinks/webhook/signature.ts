import { createHmac, timingSafeEqual } from "node:crypto";

export const SIGNATURE_HEADER = "X-Kce-Signature";

/**
 * `t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">`. Signing the timestamp with the body lets
 * a receiver reject replays: check the signature, then that t is recent.
 */
export function sign(secret: string, body: string, nowMs: number): string {
  const t = Math.floor(nowMs / 1000);
  const mac = createHmac("sha256", secret).update(`${t}.${body}`).digest("hex");
  return `t=${t},v1=${mac}`;
}

export type VerifyResult = { ok: true } | { ok: false; reason: string };

/** What a receiver does: recompute the MAC (constant time) and refuse old timestamps. */
export function verify(secret: string, header: string | undefined, body: string, nowMs: number, toleranceSeconds = 300): VerifyResult {
  if (header === undefined) return { ok: false, reason: "no signature header" };
  const parts = new Map(header.split(",").map((p) => p.split("=", 2) as [string, string]));
  const t = Number(parts.get("t"));
  const v1 = parts.get("v1") ?? "";
  if (!Number.isFinite(t) || !/^[0-9a-f]{64}$/.test(v1)) return { ok: false, reason: "malformed signature header" };
  if (Math.abs(nowMs / 1000 - t) > toleranceSeconds) return { ok: false, reason: "timestamp outside the tolerance (replay?)" };
  const expected = createHmac("sha256", secret).update(`${t}.${body}`).digest();
  const given = Buffer.from(v1, "hex");
  return given.length === expected.length && timingSafeEqual(given, expected) ? { ok: true } : { ok: false, reason: "signature mismatch" };
}
