/** Minimal synchronous pub/sub used by the stores. */
export class Emitter<T> {
  private fns = new Set<(value: T) => void>();

  on(fn: (value: T) => void): () => void {
    this.fns.add(fn);
    return () => this.fns.delete(fn);
  }

  /** How many listeners are subscribed (a disposed view leaves none behind). */
  get size(): number {
    return this.fns.size;
  }

  emit(value: T): void {
    for (const fn of [...this.fns]) fn(value);
  }
}
