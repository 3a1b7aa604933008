import type { BudgetAlert } from "../model/events.ts";

/** The newest budget alerts (each alert's latest status), bounded, for the web app's budgets page. */
export class RecentAlerts {
  private readonly byKey = new Map<string, BudgetAlert>();
  private readonly max: number;

  constructor(max = 200) {
    this.max = max;
  }

  add(a: BudgetAlert): void {
    // A firing and its resolution have different ids; one entry per rule, scope, threshold, basis and month.
    const key = a.id.replace(/\/(firing|resolved)$/, "");
    const known = this.byKey.get(key);
    if (known !== undefined && known.evaluatedAtMs > a.evaluatedAtMs) return;
    this.byKey.delete(key);
    this.byKey.set(key, a);
    if (this.byKey.size > this.max) {
      const oldest = this.byKey.keys().next();
      if (oldest.done !== true) this.byKey.delete(oldest.value);
    }
  }

  /** Newest first. */
  list(): BudgetAlert[] {
    return [...this.byKey.values()].sort((a, b) => b.evaluatedAtMs - a.evaluatedAtMs);
  }
}
