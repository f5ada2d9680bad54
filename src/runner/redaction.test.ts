import { randomBytes, randomInt } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { LineSplitter } from './line-splitter.js';
import { createRedactor, SecretRedactor } from './redactor.js';

/** A secret as tasks meet them: tokens, passwords with symbols, unicode, keys spanning lines. */
function randomSecret(i: number): string {
  switch (i % 5) {
    case 0:
      return randomBytes(24).toString('base64url');
    case 1:
      return `p@ss/${randomBytes(6).toString('hex')}+?&= ${i}`;
    case 2:
      return `ünïcødé-${randomBytes(8).toString('hex')}-✓`;
    case 3:
      return `-----BEGIN KEY-----\n${randomBytes(48).toString('base64')}\n${randomBytes(48).toString('base64')}\n-----END KEY-----`;
    default:
      return `{"client_secret":"${randomBytes(16).toString('hex')}"}`;
  }
}

/** How a step might print a secret: as is, base64 (both alphabets), URL-encoded, inside other text. */
function leaks(secret: string): string[] {
  const bytes = Buffer.from(secret, 'utf8');
  return [
    `token=${secret}`,
    `b64 ${bytes.toString('base64')}`,
    `b64url ${bytes.toString('base64url')}`,
    `url ?q=${encodeURIComponent(secret)}&x=1`,
    `form ${encodeURIComponent(secret).replace(/%20/g, '+')}`,
  ];
}

/** Cuts bytes at random places, including inside multi-byte characters. */
function chunks(data: Buffer): Buffer[] {
  const out: Buffer[] = [];
  for (let i = 0; i < data.length; ) {
    const n = randomInt(1, 40);
    out.push(data.subarray(i, i + n));
    i += n;
  }
  return out;
}

describe('redaction of run output', () => {
  it('lets none of 100 random secrets through, in any form, however the output is cut into chunks', () => {
    const secrets = Array.from({ length: 100 }, (_, i) => randomSecret(i));
    const redactor = new SecretRedactor(secrets.slice(0, 50));
    redactor.add(secrets.slice(50)); // resolved later, as task secrets are
    const output = Buffer.from(`${secrets.flatMap(leaks).join('\n')}\ntrailing line without newline ${secrets[7]}`, 'utf8');
    const logged: string[] = [];
    const splitter = new LineSplitter((line) => logged.push(redactor.redact(line)));
    for (const chunk of chunks(output)) splitter.push(chunk);
    splitter.end();
    const text = logged.join('\n');
    for (const secret of secrets) {
      const bytes = Buffer.from(secret, 'utf8');
      const forms = [secret, bytes.toString('base64'), bytes.toString('base64url'), encodeURIComponent(secret)];
      for (const form of forms) {
        // A multi-line secret never appears whole on one line; its long lines must not either.
        const pieces = form.includes('\n') ? form.split('\n').filter((l) => l.length >= 8) : [form];
        for (const piece of pieces) expect(text.includes(piece), `leaked: ${piece.slice(0, 20)}…`).toBe(false);
      }
    }
    expect(text.match(/\*\*\*/g)?.length).toBeGreaterThanOrEqual(500);
    expect(text).toContain('trailing line without newline ***');
  });

  it('keeps ordinary text and splits lines the same whatever the chunks', () => {
    const text = 'héllo wörld\nsecond line\r\nthird';
    const redact = createRedactor(['nothing-here']);
    for (let attempt = 0; attempt < 20; attempt++) {
      const lines: string[] = [];
      const splitter = new LineSplitter((line) => lines.push(redact(line)));
      for (const chunk of chunks(Buffer.from(text))) splitter.push(chunk);
      splitter.end();
      expect(lines).toEqual(['héllo wörld', 'second line', 'third']);
    }
  });
});
