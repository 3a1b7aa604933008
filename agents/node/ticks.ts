import { Observable } from "rxjs";

/**
 * Emits the wall-clock instants that are multiples of `periodMs` (e.g. every 15 s on :00, :15,
 * ...), re-aligning after each tick so timer drift never accumulates.
 */
export function alignedTicks$(periodMs: number, now: () => number = Date.now): Observable<number> {
  return new Observable<number>((subscriber) => {
    let timer: NodeJS.Timeout | undefined;
    const schedule = (): void => {
      const t = now();
      const next = Math.floor(t / periodMs) * periodMs + periodMs;
      timer = setTimeout(() => {
        subscriber.next(next);
        schedule();
      }, next - t);
    };
    schedule();
    return () => clearTimeout(timer);
  });
}
