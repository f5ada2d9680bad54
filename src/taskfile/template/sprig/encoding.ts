/**
 * Sprig v2.22 encoding and hash functions. `b64enc` is ACR's replacement (nil is "", anything else
 * is the base64 of its %v text). The decoders follow Go's StdEncoding (padding required, CR/LF
 * ignored) and, like Sprig, return the error text (`illegal base64 data at input byte 4`) instead of
 * failing.
 */
import { createHash } from 'node:crypto';
import { fixed, type FuncSpec } from '../func-spec.js';
import { formatValue } from '../go-fmt.js';

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const B32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/** Validates Go StdEncoding input quantum by quantum; returns the corrupt byte offset or -1. */
function corruptOffset(src: string, alphabet: string, quantum: number): number {
  let si = 0;
  while (si < src.length) {
    let j = 0;
    while (j < quantum) {
      while (si < src.length && (src[si] === '\n' || src[si] === '\r')) si++;
      if (si === src.length) return j === 0 ? -1 : si - j;
      const c = src[si++] ?? '';
      if (c !== '=') {
        if (!alphabet.includes(c)) return si - 1;
        j++;
        continue;
      }
      return paddingOffset(src, si, j, quantum);
    }
  }
  return -1;
}

/** After a '=' at position j of a quantum: the rest must be exactly the padding, then the end. */
function paddingOffset(src: string, si: number, j: number, quantum: number): number {
  if (j < 2) return si - 1;
  let i = si;
  for (let k = j + 1; k < quantum; k++) {
    while (i < src.length && (src[i] === '\n' || src[i] === '\r')) i++;
    if (i === src.length) return src.length;
    if (src[i] !== '=') return i - 1;
    i++;
  }
  while (i < src.length && (src[i] === '\n' || src[i] === '\r')) i++;
  return i < src.length ? i : -1;
}

function b64dec(s: string): string {
  const bad = corruptOffset(s, B64, 4);
  if (bad >= 0) return `illegal base64 data at input byte ${bad}`;
  return Buffer.from(s.replace(/[\r\n]/g, ''), 'base64').toString('utf8');
}

function b32enc(s: string): string {
  const bytes = Buffer.from(s, 'utf8');
  let out = '';
  for (let i = 0; i < bytes.length; i += 5) {
    const chunk = [...bytes.subarray(i, i + 5)];
    const bits = chunk.reduce((acc, b) => acc * 256n + BigInt(b), 0n) << BigInt((5 - chunk.length) * 8);
    const chars = Math.ceil((chunk.length * 8) / 5);
    for (let k = 0; k < 8; k++) out += k < chars ? B32[Number((bits >> BigInt(35 - 5 * k)) & 31n)] : '=';
  }
  return out;
}

function b32dec(s: string): string {
  const clean = s.replace(/[\r\n]/g, '');
  const bad = corruptOffset(s, B32, 8);
  if (bad >= 0 || clean.length % 8 !== 0) return `illegal base32 data at input byte ${bad >= 0 ? bad : clean.length - (clean.length % 8)}`;
  const bytes: number[] = [];
  for (let i = 0; i < clean.length; i += 8) {
    const chunk = clean.slice(i, i + 8).replace(/=+$/, '');
    let bits = 0n;
    for (const c of chunk) bits = (bits << 5n) | BigInt(B32.indexOf(c));
    const n = Math.floor((chunk.length * 5) / 8);
    bits >>= BigInt(chunk.length * 5 - n * 8);
    for (let k = n - 1; k >= 0; k--) bytes.push(Number((bits >> BigInt(8 * k)) & 255n));
  }
  return Buffer.from(bytes).toString('utf8');
}

function adler32(s: string): number {
  let a = 1;
  let b = 0;
  for (const byte of Buffer.from(s, 'utf8')) {
    a = (a + byte) % 65521;
    b = (b + a) % 65521;
  }
  return (b * 65536 + a) >>> 0;
}

const hash = (alg: string) => (s: string): string => createHash(alg).update(s, 'utf8').digest('hex');

export const ENCODING_FUNCS: ReadonlyArray<[string, FuncSpec]> = [
  ['b64enc', fixed(['any'], (v) => (v === null ? '' : Buffer.from(formatValue(v), 'utf8').toString('base64')))],
  ['b64dec', fixed(['string'], b64dec)],
  ['b32enc', fixed(['string'], b32enc)],
  ['b32dec', fixed(['string'], b32dec)],
  ['sha256sum', fixed(['string'], hash('sha256'))],
  ['sha1sum', fixed(['string'], hash('sha1'))],
  ['adler32sum', fixed(['string'], (s) => String(adler32(s)))],
];
