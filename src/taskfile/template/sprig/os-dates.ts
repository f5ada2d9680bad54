/**
 * Sprig v2.22 environment, date, path, random and UUID functions. `env`/`expandenv` read the
 * environment given in the options (acb passes its own process environment). Dates use Go layouts
 * (`2006-01-02`); `date` accepts a time or Unix seconds and formats in the process zone, anything
 * else means "now", as in Sprig.
 */
import { randomInt, randomUUID } from 'node:crypto';
import { posix } from 'node:path';
import { fixed, type FuncSpec } from '../func-spec.js';
import { formatGoLayout } from '../go-time.js';
import { kindOf } from '../values.js';

/** Go's os.Expand shell-name rules: `$NAME`, `${NAME}`, `$1`, `$*`...; bad syntax is eaten. */
function shellName(s: string): { name: string; width: number } {
  const isSpecial = (c: string | undefined): boolean => c !== undefined && '*#$@!?-0123456789'.includes(c);
  if (s[0] === '{') {
    if (s.length > 2 && isSpecial(s[1]) && s[2] === '}') return { name: s[1] ?? '', width: 3 };
    const close = s.indexOf('}');
    if (close === 1) return { name: '', width: 2 };
    return close === -1 ? { name: '', width: 1 } : { name: s.slice(1, close), width: close + 1 };
  }
  if (isSpecial(s[0])) return { name: s[0] ?? '', width: 1 };
  const m = /^[A-Za-z0-9_]*/.exec(s);
  const name = m?.[0] ?? '';
  return { name, width: name.length };
}

export function expandEnv(s: string, env: NodeJS.ProcessEnv): string {
  let out = '';
  let i = 0;
  for (let j = 0; j < s.length; j++) {
    if (s[j] !== '$' || j + 1 >= s.length) continue;
    out += s.slice(i, j);
    const { name, width } = shellName(s.slice(j + 1));
    if (name === '' && width === 0) out += '$';
    else if (name !== '') out += env[name] ?? '';
    j += width;
    i = j + 1;
  }
  return out + s.slice(i);
}

function toTime(date: unknown): Date {
  if (date instanceof Date) return date;
  if (kindOf(date) === 'int') return new Date(Number(date) * 1000);
  return new Date();
}

/** path.Clean. */
function clean(p: string): string {
  if (p === '') return '.';
  const n = posix.normalize(p);
  return n.length > 1 && n.endsWith('/') ? n.slice(0, -1) : n;
}

function base(p: string): string {
  if (p === '') return '.';
  const trimmed = p.replace(/\/+$/, '');
  return trimmed === '' ? '/' : trimmed.slice(trimmed.lastIndexOf('/') + 1);
}

function dir(p: string): string {
  return clean(p.slice(0, p.lastIndexOf('/') + 1));
}

function ext(p: string): string {
  for (let i = p.length - 1; i >= 0 && p[i] !== '/'; i--) if (p[i] === '.') return p.slice(i);
  return '';
}

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const ASCII = Array.from({ length: 95 }, (_, i) => String.fromCharCode(32 + i)).join('');

function randomFrom(chars: string) {
  return (count: number): string => Array.from({ length: Math.max(count, 0) }, () => chars[randomInt(chars.length)]).join('');
}

export function osDateFuncs(env: NodeJS.ProcessEnv): Array<[string, FuncSpec]> {
  return [
    ['env', fixed(['string'], (k) => env[k] ?? '')],
    ['expandenv', fixed(['string'], (s) => expandEnv(s, env))],
    ['now', fixed([], () => new Date())],
    ['date', fixed(['string', 'any'], (layout, d) => formatGoLayout(toTime(d), layout, 'Local'))],
    ['dateInZone', fixed(['string', 'any', 'string'], (layout, d, zone) => formatGoLayout(toTime(d), layout, zone))],
    ['date_in_zone', fixed(['string', 'any', 'string'], (layout, d, zone) => formatGoLayout(toTime(d), layout, zone))],
    ['htmlDate', fixed(['any'], (d) => formatGoLayout(toTime(d), '2006-01-02', 'Local'))],
    ['htmlDateInZone', fixed(['any', 'string'], (d, zone) => formatGoLayout(toTime(d), '2006-01-02', zone))],
    ['unixEpoch', fixed(['time'], (d) => String(Math.floor(d.getTime() / 1000)))],
    ['base', fixed(['string'], base)],
    ['dir', fixed(['string'], dir)],
    ['clean', fixed(['string'], clean)],
    ['ext', fixed(['string'], ext)],
    ['isAbs', fixed(['string'], (p) => p.startsWith('/'))],
    ['uuidv4', fixed([], () => randomUUID())],
    ['randAlphaNum', fixed(['int'], randomFrom(ALNUM))],
    ['randAlpha', fixed(['int'], randomFrom(ALNUM.slice(0, 52)))],
    ['randNumeric', fixed(['int'], randomFrom(ALNUM.slice(52)))],
    ['randAscii', fixed(['int'], randomFrom(ASCII))],
    ['hello', fixed([], () => 'Hello!')],
  ];
}
