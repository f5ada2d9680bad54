import { describe, expect, it } from 'vitest';
import type { CommandInput } from '../../command.js';
import { parseSettings } from './task-options.js';

const input = (flags: CommandInput['flags']): CommandInput => ({ flags, positionals: [] });

describe('task trigger settings', () => {
  it('maps ACR trigger flags and Slipway’s fork and polling switches onto the request', () => {
    expect(parseSettings(input({ 'commit-trigger-enabled': 'false', 'pull-request-trigger-enabled': 'true', 'pull-request-forks-enabled': 'true', 'source-poll-interval': '60', 'base-image-trigger-type': 'All' }))).toEqual({
      commitTriggerEnabled: false,
      pullRequestTriggerEnabled: true,
      allowForks: true,
      pollIntervalSeconds: 60,
      baseImageTriggerType: 'All',
    });
    expect(parseSettings(input({ 'source-poll-interval': '0' }))).toEqual({ pollIntervalSeconds: null });
    expect(parseSettings(input({}))).toEqual({});
  });

  it('refuses a poll interval that is not a number of seconds', () => {
    expect(() => parseSettings(input({ 'source-poll-interval': '5m' }))).toThrow(/--source-poll-interval must be a whole number of seconds/);
  });
});
