/**
 * In-process notice that a run's log grew, so a follower streams new lines at once instead of
 * on its next poll. The agent inside `slipway serve` notifies; the log endpoint subscribes.
 * Agents in other processes cannot notify: followers then fall back to polling.
 */
export class LogSignals {
  private readonly subscribers = new Map<string, Set<() => void>>();

  notify(runId: string): void {
    for (const fn of this.subscribers.get(runId) ?? []) fn();
  }

  /** Calls `fn` whenever the run's log grows; returns the unsubscribe function. */
  subscribe(runId: string, fn: () => void): () => void {
    let set = this.subscribers.get(runId);
    if (set === undefined) {
      set = new Set();
      this.subscribers.set(runId, set);
    }
    set.add(fn);
    return () => {
      set.delete(fn);
      if (set.size === 0) this.subscribers.delete(runId);
    };
  }
}
