/**
 * Usage curves: base × (1 + amplitude × sin(2π t / period)). CPU counters are the exact integral
 * of the curve, so counter deltas over any interval give the true average usage.
 */
export interface Curve {
  base: number;
  amplitude: number;
  periodSeconds: number;
}

/** Instantaneous value at time t (seconds). */
export function valueAt(c: Curve, t: number): number {
  return c.base * (1 + c.amplitude * Math.sin((2 * Math.PI * t) / c.periodSeconds));
}

/** ∫ from t0 to t1 of the curve (seconds × unit). */
export function integral(c: Curve, t0: number, t1: number): number {
  if (t1 <= t0) return 0;
  const w = (2 * Math.PI) / c.periodSeconds;
  const wave = c.amplitude === 0 ? 0 : ((c.base * c.amplitude) / w) * (Math.cos(w * t0) - Math.cos(w * t1));
  return c.base * (t1 - t0) + wave;
}
