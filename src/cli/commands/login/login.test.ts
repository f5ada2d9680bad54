import { describe, expect, it } from 'vitest';
import type { CommandInput } from '../../command.js';
import { captureIo } from '../../output/capture-io.js';
import { gatherCredentials, parseLogin } from './login.js';

const input = (flags: CommandInput['flags'], positionals: string[] = []): CommandInput => ({ flags, positionals });

describe('parseLogin', () => {
  it('defaults the server to SLIPWAY_REGISTRY, then http://127.0.0.1:5000', () => {
    expect(parseLogin(input({}), {}).server).toBe('http://127.0.0.1:5000');
    expect(parseLogin(input({}), { SLIPWAY_REGISTRY: 'localhost:6000' }).server).toBe('http://localhost:6000');
    expect(parseLogin(input({}, ['registry.example.test:5000']), { SLIPWAY_REGISTRY: 'localhost:6000' }).server).toBe('https://registry.example.test:5000');
  });

  it('takes user and password from flags before the environment', () => {
    const env = { SLIPWAY_USERNAME: 'envuser', SLIPWAY_PASSWORD: 'envpw' };
    expect(parseLogin(input({}), env)).toMatchObject({ username: 'envuser', password: 'envpw', isPasswordFromFlag: false });
    expect(parseLogin(input({ username: 'u', password: 'p' }), env)).toMatchObject({ username: 'u', password: 'p', isPasswordFromFlag: true });
  });

  it('rejects --password together with --password-stdin', () => {
    expect(() => parseLogin(input({ password: 'p', 'password-stdin': true }), {})).toThrow(/mutually exclusive/);
  });
});

describe('gatherCredentials', () => {
  it('reads the password from stdin and drops one trailing newline', async () => {
    const { io } = captureIo({ stdinText: 'pa ss\n' });
    const options = parseLogin(input({ username: 'admin', 'password-stdin': true }), { SLIPWAY_PASSWORD: 'ignored' });
    expect(await gatherCredentials(options, io.stdin!)).toEqual({ username: 'admin', password: 'pa ss' });
  });

  it('prompts for user and password (secret) only on a terminal', async () => {
    const { io, prompts } = captureIo({ stdinIsTty: true, answers: ['admin', 'pw'] });
    expect(await gatherCredentials(parseLogin(input({}), {}), io.stdin!)).toEqual({ username: 'admin', password: 'pw' });
    expect(prompts).toEqual(['Username: ', 'Password: ']);
  });

  it('fails with a usage error instead of prompting when stdin is not a terminal', async () => {
    const { io } = captureIo({ stdinIsTty: false });
    await expect(gatherCredentials(parseLogin(input({}), {}), io.stdin!)).rejects.toMatchObject({ code: 'USAGE_INVALID' });
    await expect(gatherCredentials(parseLogin(input({ username: 'admin' }), {}), io.stdin!)).rejects.toThrow(/--password-stdin/);
  });

  it('rejects an empty password', async () => {
    const { io } = captureIo({ stdinText: '\n' });
    await expect(gatherCredentials(parseLogin(input({ username: 'a', 'password-stdin': true }), {}), io.stdin!)).rejects.toThrow(/must not be empty/);
  });
});
