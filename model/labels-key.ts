/** A label set's identity as a string: its entries sorted by key, unambiguously joined (for interning equal sets). */
export function labelsKey(labels: Readonly<Record<string, string>>): string {
  const keys = Object.keys(labels);
  if (keys.length === 0) return "";
  keys.sort();
  let out = "";
  for (const k of keys) out += `${k}\u0000${labels[k]}\u0001`;
  return out;
}
