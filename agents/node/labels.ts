/**
 * A filter for pod labels from allowlist patterns: exact keys, prefixes ending in `*`
 * (`app.kubernetes.io/*`), or `*` for every label.
 */
export function labelFilter(patterns: readonly string[]): (labels: Record<string, string>) => Record<string, string> {
  if (patterns.includes("*")) return (labels) => labels;
  const exact = new Set(patterns.filter((p) => !p.endsWith("*")));
  const prefixes = patterns.filter((p) => p.endsWith("*")).map((p) => p.slice(0, -1));
  return (labels) => {
    const out: Record<string, string> = {};
    for (const [key, value] of Object.entries(labels)) {
      if (exact.has(key) || prefixes.some((p) => key.startsWith(p))) out[key] = value;
    }
    return out;
  };
}
