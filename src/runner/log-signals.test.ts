import { describe, expect, it } from 'vitest';
import { LogSignals } from './log-signals.js';

describe('LogSignals', () => {
  it('calls the subscribers of that run only, until they unsubscribe', () => {
    const signals = new LogSignals();
    const calls: string[] = [];
    const offA = signals.subscribe('ca1', () => calls.push('a'));
    signals.subscribe('ca2', () => calls.push('b'));
    signals.notify('ca1');
    signals.notify('ca3');
    offA();
    signals.notify('ca1');
    signals.notify('ca2');
    expect(calls).toEqual(['a', 'b']);
  });
});
