import { Observable, type OperatorFunction } from "rxjs";

/**
 * Groups items into batches of at most `maxRows` rows (by `rowsOf`), emitted when full or
 * `maxWaitMs` after the batch's first item. An item bigger than `maxRows` forms a batch alone.
 */
export function batchRows<T>(maxRows: number, maxWaitMs: number, rowsOf: (item: T) => number): OperatorFunction<T, T[]> {
  return (source) =>
    new Observable<T[]>((subscriber) => {
      let batch: T[] = [];
      let rows = 0;
      let timer: NodeJS.Timeout | undefined;
      const emit = () => {
        clearTimeout(timer);
        timer = undefined;
        if (batch.length === 0) return;
        const out = batch;
        batch = [];
        rows = 0;
        subscriber.next(out);
      };
      const subscription = source.subscribe({
        next: (item) => {
          const n = rowsOf(item);
          if (rows > 0 && rows + n > maxRows) emit();
          batch.push(item);
          rows += n;
          if (rows >= maxRows) emit();
          else timer ??= setTimeout(emit, maxWaitMs);
        },
        error: (error: unknown) => {
          emit();
          subscriber.error(error);
        },
        complete: () => {
          emit();
          subscriber.complete();
        },
      });
      return () => {
        clearTimeout(timer);
        subscription.unsubscribe();
      };
    });
}
