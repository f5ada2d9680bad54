/**
 * Runs one piece of work per key at a time: callers asking for a key already in flight share its
 * result (or error) instead of starting it again. Used so concurrent pulls of one uncached blob or
 * manifest fetch it from the upstream once.
 */
export class SingleFlight<T> {
  private readonly running = new Map<string, Promise<T>>();

  run(key: string, work: () => Promise<T>): Promise<T> {
    const current = this.running.get(key);
    if (current) return current;
    const started = work().finally(() => this.running.delete(key));
    this.running.set(key, started);
    return started;
  }

  /** Keys in flight (for tests and shutdown). */
  get size(): number {
    return this.running.size;
  }
}
