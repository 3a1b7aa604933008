import { describe, expect, it } from "vitest";
import { flag, numberOption, parseArgs, UsageError, type OptionSpec } from "./args.ts";

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

  it("reads a flag spelled --flag=true or --flag=false as kubectl does", () => {
    expect(flag(parseArgs(["--quiet"], specs), "quiet")).toBe(true);
    expect(flag(parseArgs(["--quiet=true"], specs), "quiet")).toBe(true);
    expect(flag(parseArgs(["--quiet=false"], specs), "quiet", true)).toBe(false);
    expect(flag(parseArgs([], specs), "quiet")).toBe(false);
    expect(flag(parseArgs([], specs), "quiet", true)).toBe(true);
  });

  it("explains mistakes", () => {
    expect(() => parseArgs(["--intervall", "5"], specs)).toThrowError(/unknown option --intervall \(did you mean --interval\?\)/);
    expect(() => parseArgs(["--interval"], specs)).toThrowError(UsageError);
    expect(() => parseArgs(["--quiet=yes"], specs)).toThrowError(/takes no value/);
    expect(() => numberOption(parseArgs(["--interval", "0"], specs), "interval", 1, 60)).toThrowError(/from 1 to 60/);
  });
});
