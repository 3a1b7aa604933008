/** Kubernetes resource quantities ("500m", "2", "512Mi", "1G") to numbers and back. */

export class QuantityError extends Error {
  override readonly name = "QuantityError";
}

const BINARY: Record<string, number> = { Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, Pi: 2 ** 50, Ei: 2 ** 60 };
const DECIMAL: Record<string, number> = { n: 1e-9, u: 1e-6, m: 1e-3, "": 1, k: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15, E: 1e18 };

/** Parses a quantity to its base unit (cores for CPU, bytes for memory). */
export function parseQuantity(text: string | number): number {
  if (typeof text === "number") return text;
  const match = /^([+-]?[0-9.]+(?:[eE][+-]?[0-9]+)?)([a-zA-Z]*)$/.exec(text.trim());
  if (match === null) throw new QuantityError(`not a Kubernetes quantity: ${JSON.stringify(text)}`);
  const value = Number(match[1]);
  const suffix = match[2] ?? "";
  const factor = BINARY[suffix] ?? DECIMAL[suffix];
  if (factor === undefined || Number.isNaN(value)) throw new QuantityError(`not a Kubernetes quantity: ${JSON.stringify(text)}`);
  return value * factor;
}

/** Formats cores as the API server does: whole cores plainly, otherwise millicores. */
export function formatCpu(cores: number): string {
  return Number.isInteger(cores) ? String(cores) : `${Math.round(cores * 1000)}m`;
}

/** Formats bytes in Ki (what kubelets report for node memory) or exact Mi/Gi when whole. */
export function formatBytes(bytes: number): string {
  if (bytes % 2 ** 30 === 0) return `${bytes / 2 ** 30}Gi`;
  if (bytes % 2 ** 20 === 0) return `${bytes / 2 ** 20}Mi`;
  if (bytes % 1024 === 0) return `${bytes / 1024}Ki`;
  return String(Math.round(bytes));
}
