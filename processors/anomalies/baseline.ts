/**
 * A scope's learned hourly spend: an exponentially weighted mean and variance per hour of the week
 * (168 buckets), per hour of the day (24, used until a weekday's hour has been seen long enough) and
 * overall (until an hour of the day has). Each 1-minute sample updates its buckets; the weight of a new
 * sample is max(alpha, 1/n), so the first samples are a plain average and older weeks fade.
 */

const HOUR_MS = 3_600_000;
/** Minute samples a bucket needs before it is trusted (half an hour of that hour). */
const MIN_BUCKET_SAMPLES = 30;

export interface Expectation {
  mean: number;
  sd: number;
  /** Which bucket answered: week, day or all. */
  basis: "week" | "day" | "all";
}

class Bucket {
  n = 0;
  mean = 0;
  variance = 0;

  add(x: number, alpha: number): void {
    this.n++;
    const a = Math.max(alpha, 1 / this.n);
    const d = x - this.mean;
    this.mean += a * d;
    this.variance = (1 - a) * (this.variance + a * d * d);
  }
}

export class Baseline {
  private readonly week = Array.from({ length: 168 }, () => new Bucket());
  private readonly day = Array.from({ length: 24 }, () => new Bucket());
  private readonly all = new Bucket();
  firstMs: number | undefined;
  lastMs = 0;

  add(tMs: number, hourly: number, alpha: number): void {
    this.firstMs ??= tMs;
    this.lastMs = Math.max(this.lastMs, tMs);
    const { week, day } = slots(tMs);
    this.week[week]?.add(hourly, alpha);
    this.day[day]?.add(hourly, alpha);
    this.all.add(hourly, alpha);
  }

  /** Hours of history behind this baseline. */
  hoursLearned(): number {
    return this.firstMs === undefined ? 0 : (this.lastMs - this.firstMs) / HOUR_MS;
  }

  expect(tMs: number): Expectation | undefined {
    const { week, day } = slots(tMs);
    const w = this.week[week];
    if (w !== undefined && w.n >= MIN_BUCKET_SAMPLES) return { mean: w.mean, sd: Math.sqrt(w.variance), basis: "week" };
    const d = this.day[day];
    if (d !== undefined && d.n >= MIN_BUCKET_SAMPLES) return { mean: d.mean, sd: Math.sqrt(d.variance), basis: "day" };
    if (this.all.n === 0) return undefined;
    return { mean: this.all.mean, sd: Math.sqrt(this.all.variance), basis: "all" };
  }
}

function slots(tMs: number): { week: number; day: number } {
  const d = new Date(tMs);
  const day = d.getUTCHours();
  return { week: d.getUTCDay() * 24 + day, day };
}
