import type { RunQueueEventName, RunQueueEvents } from './run-queue.js';

type Listener<E extends RunQueueEventName> = (payload: RunQueueEvents[E]) => void;

/**
 * The queue's in-process event fan-out. A throwing listener is isolated: it is reported to
 * `onListenerError` and the others still run, so a broken subscriber cannot fail a commit
 * that already happened.
 */
export class RunListeners {
  private readonly listeners = new Map<RunQueueEventName, Set<Listener<RunQueueEventName>>>();

  constructor(private readonly onListenerError: (err: unknown) => void = () => undefined) {}

  on<E extends RunQueueEventName>(event: E, listener: Listener<E>): () => void {
    let set = this.listeners.get(event);
    if (set === undefined) {
      set = new Set();
      this.listeners.set(event, set);
    }
    const entry = listener as Listener<RunQueueEventName>;
    set.add(entry);
    return () => {
      set.delete(entry);
    };
  }

  emit<E extends RunQueueEventName>(event: E, payload: RunQueueEvents[E]): void {
    for (const listener of this.listeners.get(event) ?? []) {
      try {
        listener(payload);
      } catch (err) {
        this.onListenerError(err);
      }
    }
  }

  clear(): void {
    this.listeners.clear();
  }
}
