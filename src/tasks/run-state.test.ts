import { describe, expect, it } from 'vitest';
import { RunStatus, assertTransition, canTransition, isRunStatus, isTerminalStatus, nextStatuses, statusesLeadingTo } from './run-state.js';

const ALL = Object.values(RunStatus);
const TERMINAL = ['Succeeded', 'Failed', 'Canceled', 'Error', 'Timeout'] as const;

describe('run state machine', () => {
  it('lets a Queued run start or be cancelled, and nothing else', () => {
    expect(ALL.filter((to) => canTransition('Queued', to))).toEqual(['Running', 'Canceled']);
  });

  it('lets a Running run end in any terminal status or go back to the queue for a retry', () => {
    expect([...nextStatuses('Running')].sort()).toEqual([...TERMINAL, 'Queued'].sort());
  });

  it('never moves a run out of a terminal status', () => {
    for (const from of TERMINAL) {
      expect(isTerminalStatus(from)).toBe(true);
      for (const to of ALL) expect(canTransition(from, to)).toBe(false);
    }
    expect(isTerminalStatus('Queued')).toBe(false);
    expect(isTerminalStatus('Running')).toBe(false);
  });

  it('throws RUN_STATE_INVALID naming both statuses for a forbidden transition', () => {
    expect(() => assertTransition('ca1', 'Succeeded', 'Canceled')).toThrow(expect.objectContaining({
      code: 'RUN_STATE_INVALID',
      detail: { runId: 'ca1', from: 'Succeeded', to: 'Canceled' },
    }));
    expect(() => assertTransition('ca1', 'Queued', 'Running')).not.toThrow();
  });

  it('lists the statuses that lead to a status', () => {
    expect(statusesLeadingTo('Canceled').sort()).toEqual(['Queued', 'Running']);
    expect(statusesLeadingTo('Queued')).toEqual(['Running']);
  });

  it('recognises only its own status names (ACR Started is not one)', () => {
    expect(isRunStatus('Running')).toBe(true);
    expect(isRunStatus('Started')).toBe(false);
    expect(isRunStatus('toString')).toBe(false);
    expect(isRunStatus(3)).toBe(false);
  });
});
