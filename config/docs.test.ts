import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { DOCUMENTED_FILES } from "../scripts/documented-files.ts";
import { renderConfigBlocks, sectionKeys } from "./docs.ts";

describe("generated config documentation", () => {
  it.each(DOCUMENTED_FILES)("%s has up-to-date config tables (run `npm run docs`)", (file) => {
    const text = readFileSync(file, "utf8");
    expect(text).toContain("<!-- config:");
    expect(renderConfigBlocks(text)).toBe(text);
  });

  it("describes every key", () => {
    const undocumented = ["nats", "streams", "consumer", "agent", "pricing", "pricer", "rollup", "savings", "sinks", "telemetry"]
      .flatMap((s) => sectionKeys([s]))
      .filter((k) => k.description === "")
      .map((k) => k.path.join("."));
    expect(undocumented).toEqual([]);
  });
});
