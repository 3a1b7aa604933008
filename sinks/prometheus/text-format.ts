/** Prometheus text exposition format (0.0.4) helpers, and pre-rendered metric families. */

export type MetricType = "gauge" | "counter";

/** Escapes a label value: backslash, double quote and line feed. */
export function escapeLabel(value: string): string {
  // Most values need nothing: one test instead of three replaces (rendering is on the hot path).
  if (!/[\\"\n]/.test(value)) return value;
  return value.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n");
}

/** Formats a sample value the way Prometheus parses it. */
export function formatValue(value: number): string {
  if (Number.isNaN(value)) return "NaN";
  if (value === Infinity) return "+Inf";
  if (value === -Infinity) return "-Inf";
  return String(value);
}

/** The inside of a label set, `a="x",b="y"`, escaped: render it once and reuse it with {@link lineWith}. */
export function labelBody(labels: ReadonlyArray<readonly [string, string]>): string {
  return labels.map(([k, v]) => `${k}="${escapeLabel(v)}"`).join(",");
}

/** One sample line from a rendered label body. */
export function lineWith(name: string, body: string, value: number): string {
  return `${name}{${body}} ${formatValue(value)}\n`;
}

/** Renders one sample line: `name{a="x",b="y"} value`. */
export function sampleLine(name: string, labels: ReadonlyArray<readonly [string, string]>, value: number): string {
  return lineWith(name, labelBody(labels), value);
}

/**
 * One metric family whose samples are kept pre-rendered, as UTF-8 bytes, in groups (e.g. one
 * group per node). Replacing a group replaces all its samples at once, so a pod that left a node
 * disappears with the node's next snapshot. Encoding happens when a group changes, off the scrape
 * path; a scrape only concatenates buffers of the families that changed since the last one.
 */
export class Family {
  readonly name: string;
  private readonly header: Buffer;
  private readonly groups = new Map<string, Buffer>();
  private cache: Buffer | undefined;
  private cachedChunks: Buffer[] | undefined;

  constructor(name: string, help: string, type: MetricType) {
    this.name = name;
    this.header = Buffer.from(`# HELP ${name} ${help.replace(/\\/g, "\\\\").replace(/\n/g, "\\n")}\n# TYPE ${name} ${type}\n`, "utf8");
  }

  setGroup(key: string, text: string): void {
    if (text === "") this.groups.delete(key);
    else this.groups.set(key, Buffer.from(text, "utf8"));
    this.cache = undefined;
    this.cachedChunks = undefined;
  }

  deleteGroup(key: string): void {
    if (this.groups.delete(key)) {
      this.cache = undefined;
      this.cachedChunks = undefined;
    }
  }

  get seriesGroups(): number {
    return this.groups.size;
  }

  /** The whole family as bytes, concatenated again only after a group changed. */
  bytes(): Buffer {
    this.cache ??= this.groups.size === 0 ? Buffer.alloc(0) : Buffer.concat([this.header, ...this.groups.values()]);
    return this.cache;
  }

  /**
   * The family as its header and one buffer per group, without concatenating: a scrape writes them
   * in order and allocates nothing for the families that did not change.
   */
  chunks(): Buffer[] {
    this.cachedChunks ??= this.groups.size === 0 ? [] : [this.header, ...this.groups.values()];
    return this.cachedChunks;
  }

  render(): string {
    return this.bytes().toString("utf8");
  }
}
