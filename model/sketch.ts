/**
 * A compact distribution of positive values with a relative accuracy bound, as DDSketch does it
 * (Masson, Rim & Lee, VLDB 2019): logarithmic buckets of ratio GAMMA, counts per bucket, so any quantile
 * is within ±2.5 % of the true value, sketches of different pods and days merge by adding counts, and
 * a day of samples of a controller takes a few dozen numbers instead of thousands.
 */

const GAMMA = 1.05;
const LOG_GAMMA = Math.log(GAMMA);
/** Values at or below this count as zero (an idle container: no CPU at all). */
const ZERO = 1e-9;
const ZERO_BUCKET = -1_000_000;

export interface SketchJson {
  b: number[];
  n: number;
  m: number;
}

export class Sketch {
  private readonly counts = new Map<number, number>();
  count = 0;
  max = 0;

  add(value: number, weight = 1): void {
    if (!Number.isFinite(value) || value < 0 || weight <= 0) return;
    const i = value <= ZERO ? ZERO_BUCKET : Math.ceil(Math.log(value) / LOG_GAMMA);
    this.counts.set(i, (this.counts.get(i) ?? 0) + weight);
    this.count += weight;
    if (value > this.max) this.max = value;
  }

  merge(other: Sketch): void {
    for (const [i, c] of other.counts) this.counts.set(i, (this.counts.get(i) ?? 0) + c);
    this.count += other.count;
    this.max = Math.max(this.max, other.max);
  }

  /** The value at quantile q (0–1): the representative of the bucket holding it, ±2.5 %. */
  quantile(q: number): number {
    if (this.count === 0) return 0;
    const rank = q * (this.count - 1);
    let seen = 0;
    for (const i of [...this.counts.keys()].sort((a, b) => a - b)) {
      seen += this.counts.get(i) ?? 0;
      if (seen > rank) return i === ZERO_BUCKET ? 0 : Math.min(this.max, (2 * GAMMA ** i) / (GAMMA + 1));
    }
    return this.max;
  }

  /** [bucket, count, bucket, count, …], count and max: for checkpoints. */
  toJSON(): SketchJson {
    return { b: [...this.counts].flat(), n: this.count, m: this.max };
  }

  static fromJSON(j: SketchJson): Sketch {
    const s = new Sketch();
    for (let i = 0; i + 1 < j.b.length; i += 2) s.counts.set(j.b[i] ?? 0, j.b[i + 1] ?? 0);
    s.count = j.n;
    s.max = j.m;
    return s;
  }

  /** Buckets in use (for memory figures). */
  get buckets(): number {
    return this.counts.size;
  }
}
