import { describe, expect, it } from "vitest";
import { numberOption, parseArgs, UsageError, type OptionSpec } from "./args.ts";

const specs: OptionSpec[] = [
  { name: "config", short: "c", value: "FILE", description: "" },
  { name: "interval", value: "SECONDS", description: "" },
  { name: "quiet", description: "" },
];

describe("argument parsing", () => {
  it("reads long, inline, short, boolean options and positionals", () => {
    const args = parseArgs(["check", "--config=a.yaml", "--interval", "5", "--quiet", "-c", "b.yaml", "--", "--rest"], specs);
    expect(args.options.get("config")).toBe("b.yaml");
    expect(numberOption(args, "interval", 1, 60)).toBe(5);
    expect(args.options.get("quiet")).toBe(true);
    expect(args.positionals).toEqual(["check", "--rest"]);
  });

  it("explains mistakes", () => {
    expect(() => parseArgs(["--intervall", "5"], specs)).toThrowError(/unknown option --intervall \(did you mean --interval\?\)/);
    expect(() => parseArgs(["--interval"], specs)).toThrowError(UsageError);
    expect(() => parseArgs(["--quiet=yes"], specs)).toThrowError(/takes no value/);
    expect(() => numberOption(parseArgs(["--interval", "0"], specs), "interval", 1, 60)).toThrowError(/from 1 to 60/);
  });
});
