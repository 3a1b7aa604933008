/**
 * Values shared by key with reference counts: the query API's windows hold a pod's name, uid, node and
 * label set once for all the windows it appears in (the Prometheus sink's 24 hours a workload's name),
 * and a value is dropped when the last window holding it is. Ids are reused after release.
 */
export class Interner<T> {
  private readonly ids = new Map<string, number>();
  private readonly keys: string[] = [];
  private readonly values: T[] = [];
  private readonly refs: number[] = [];
  private readonly free: number[] = [];

  /** The id of `key`'s value (made by `make` the first time), counted once more. */
  intern(key: string, make: () => T): number {
    let id = this.ids.get(key);
    if (id === undefined) {
      id = this.free.pop() ?? this.keys.length;
      this.ids.set(key, id);
      this.keys[id] = key;
      this.values[id] = make();
      this.refs[id] = 0;
    }
    this.refs[id] = (this.refs[id] ?? 0) + 1;
    return id;
  }

  get(id: number): T {
    return this.values[id] as T;
  }

  /** Counts one holder of `id` less; the value is dropped with its last holder. */
  release(id: number): void {
    const left = (this.refs[id] ?? 0) - 1;
    this.refs[id] = left;
    if (left > 0) return;
    this.ids.delete(this.keys[id] ?? "");
    this.keys[id] = "";
    this.values[id] = undefined as T;
    this.free.push(id);
  }

  /** One more than the highest id handed out so far (for arrays indexed by id). */
  get idLimit(): number {
    return this.keys.length;
  }

  /** Distinct values held. */
  get size(): number {
    return this.ids.size;
  }
}
