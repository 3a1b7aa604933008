import { labelsKey } from "../../model/labels-key.ts";

/**
 * One shared copy of each distinct string, key list and label set that the rollup's windows keep per pod:
 * every decoded snapshot brings its own copies, and a pod sits in a dozen open windows at once (the 1m
 * windows within the allowed lateness, its hour, its day). The tables are forgotten whenever they pass
 * `limit` entries (pods and controllers come and go); the values stay with the windows holding them.
 */
export class Canon {
  private readonly limit: number;
  private strings = new Map<string, string>();
  private lists = new Map<string, string[]>();
  private labelSets = new Map<string, Record<string, string>>();

  constructor(limit = 200_000) {
    this.limit = limit;
  }

  string(s: string): string {
    const known = this.strings.get(s);
    if (known !== undefined) return known;
    if (this.strings.size >= this.limit) this.strings = new Map();
    this.strings.set(s, s);
    return s;
  }

  /** A shared list equal to `items` (callers must not change it). */
  list(items: string[]): string[] {
    const key = items.join("\u0002");
    const known = this.lists.get(key);
    if (known !== undefined) return known;
    if (this.lists.size >= this.limit) this.lists = new Map();
    const shared = items.map((s) => this.string(s));
    this.lists.set(key, shared);
    return shared;
  }

  /** A shared label set equal to `labels` (callers must not change it). */
  labels(labels: Record<string, string>): Record<string, string> {
    const key = labelsKey(labels);
    const known = this.labelSets.get(key);
    if (known !== undefined) return known;
    if (this.labelSets.size >= this.limit) this.labelSets = new Map();
    this.labelSets.set(key, labels);
    return labels;
  }
}
