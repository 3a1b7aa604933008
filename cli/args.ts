import { closest } from "../config/introspect.ts";

export interface OptionSpec {
  name: string;
  /** Value placeholder shown in help; absent for boolean flags. */
  value?: string;
  description: string;
  short?: string;
}

export interface ParsedArgs {
  /** The last value of each option (true for flags). */
  options: Map<string, string | true>;
  /** Every value of each option, in order (for repeatable options such as -f). */
  lists: Map<string, string[]>;
  positionals: string[];
}

/** A command-line usage error: exits 2 with the message and a pointer to --help. */
export class UsageError extends Error {
  override readonly name = "UsageError";
}

/** Parses `--name value`, `--name=value`, `-x value`, boolean `--flag`, and positionals. */
export function parseArgs(argv: readonly string[], specs: readonly OptionSpec[]): ParsedArgs {
  const options = new Map<string, string | true>();
  const lists = new Map<string, string[]>();
  const positionals: string[] = [];
  const byShort = new Map(specs.filter((s) => s.short !== undefined).map((s) => [s.short as string, s]));
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? "";
    if (arg === "--") {
      positionals.push(...argv.slice(i + 1));
      break;
    }
    if (!arg.startsWith("-") || arg === "-") {
      positionals.push(arg);
      continue;
    }
    const [rawName = "", inline] = arg.startsWith("--") ? splitOnce(arg.slice(2), "=") : [arg.slice(1), undefined];
    const spec = arg.startsWith("--") ? specs.find((s) => s.name === rawName) : byShort.get(rawName);
    if (spec === undefined) {
      const hint = closest(rawName, specs.map((s) => s.name));
      throw new UsageError(`unknown option ${arg}${hint === undefined ? "" : ` (did you mean --${hint}?)`}`);
    }
    if (spec.value === undefined) {
      // A flag may be spelled --flag=true or --flag=false (as cobra/kubectl flags are).
      if (inline !== undefined && inline !== "true" && inline !== "false") throw new UsageError(`--${spec.name} takes no value (or =true / =false)`);
      options.set(spec.name, inline === "false" ? "false" : true);
      continue;
    }
    const value = inline ?? argv[++i];
    if (value === undefined) throw new UsageError(`--${spec.name} needs a value (${spec.value})`);
    options.set(spec.name, value);
    lists.set(spec.name, [...(lists.get(spec.name) ?? []), value]);
  }
  return { options, lists, positionals };
}

function splitOnce(text: string, sep: string): [string, string | undefined] {
  const at = text.indexOf(sep);
  return at < 0 ? [text, undefined] : [text.slice(0, at), text.slice(at + 1)];
}

/** A flag's value: given (`--x`, `--x=true`) → true, `--x=false` → false, absent → `fallback`. */
export function flag(args: ParsedArgs, name: string, fallback = false): boolean {
  const v = args.options.get(name);
  return v === undefined ? fallback : v !== "false";
}

/** The string value of an option, if given. */
export function stringOption(args: ParsedArgs, name: string): string | undefined {
  const v = args.options.get(name);
  return typeof v === "string" ? v : undefined;
}

/** A numeric option; throws UsageError when it is not a number in range. */
export function numberOption(args: ParsedArgs, name: string, min = -Infinity, max = Infinity): number | undefined {
  const v = stringOption(args, name);
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isFinite(n) || n < min || n > max) throw new UsageError(`--${name} must be a number from ${min} to ${max}, got ${JSON.stringify(v)}`);
  return n;
}

/** Renders the options table of a --help page. */
export function formatOptions(specs: readonly OptionSpec[]): string {
  const rows = specs.map((s) => [`${s.short === undefined ? "    " : `-${s.short}, `}--${s.name}${s.value === undefined ? "" : ` ${s.value}`}`, s.description]);
  const width = Math.max(...rows.map(([left = ""]) => left.length));
  return rows.map(([left = "", right = ""]) => `  ${left.padEnd(width)}  ${right}`).join("\n");
}
