import { describe, expect, it } from "vitest";
import * as z from "../model/zod.ts";
import { federationSpecSchema } from "./spec.ts";

describe("federation spec messages", () => {
  // This file loads no config schema: the messages must come from model/zod.ts, not from a module that happened to load first.
  it("names what is wrong in English, not 'Invalid input'", () => {
    const r = z.safeParse(federationSpecSchema, { clusters: [{ name: "" }], hub: { port: 70000 } });
    expect(r.success).toBe(false);
    expect(r.error?.issues.map((i) => `${i.path.join(".")}: ${i.message}`)).toEqual([
      "hub.port: Too big: expected number to be <=65535",
      "clusters.0.name: Too small: expected string to have >=1 characters",
    ]);
  });
});
