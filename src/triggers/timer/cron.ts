import { AppError, Errors } from '../../core/errors/index.js';

/**
 * Five-field cron schedules for task timers (az-acr-surface §2.3): `minute hour day-of-month
 * month day-of-week`, always UTC, one-minute resolution (no seconds, no year field).
 *
 * Supported: `*`, numbers, lists `1,5`, ranges `1-5`, steps `*\/15`, `10-40/10` and `5/15`
 * (from 5 to the field's maximum), month names JAN–DEC and day names SUN–SAT (any case), and
 * day-of-week 0–7 where both 0 and 7 are Sunday.
 *
 * Day matching follows POSIX/Vixie cron: when day-of-month and day-of-week are both restricted
 * (neither starts with `*`), a day matching EITHER fires; otherwise both must match. Note that
 * NCrontab (what ACR runs) ANDs them instead (atifaziz/NCrontab#107); see docs/triggers.md.
 */
export interface CronSchedule {
  /** The first matching minute strictly after `after` (seconds and milliseconds zero). */
  next(after: Date): Date;
  /** The last matching minute at or before `atOrBefore`; undefined only before year 1970. */
  previous(atOrBefore: Date): Date | undefined;
  /** Whether the minute containing `at` matches. */
  matches(at: Date): boolean;
  /** The normalised expression: single spaces, names upper-cased. */
  toString(): string;
}

interface FieldSpec {
  readonly name: string;
  readonly min: number;
  readonly max: number;
  readonly names?: readonly string[];
}

const FIELDS: readonly FieldSpec[] = [
  { name: 'minute', min: 0, max: 59 },
  { name: 'hour', min: 0, max: 23 },
  { name: 'day-of-month', min: 1, max: 31 },
  { name: 'month', min: 1, max: 12, names: ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'] },
  { name: 'day-of-week', min: 0, max: 7, names: ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'] },
];

const FIELD_LIST = 'minute hour day-of-month month day-of-week';
/** Longest day-level search: Feb 29 on a given weekday recurs within 28 years (400 at worst). */
const MAX_SEARCH_YEARS = 400;
const MINUTE_MS = 60_000;

/** A parsed field: which values match (a bitmap over min..max) and whether it was written starting with `*`. */
interface Field {
  readonly allowed: readonly boolean[];
  readonly isStar: boolean;
}

/** A field's problem, caught by parseCron and thrown as TASK_INVALID. */
class FieldError extends Error {}

function fail(expr: string, message: string, field?: string): never {
  throw new AppError(Errors.TASK_INVALID, { message, detail: { schedule: expr, ...(field === undefined ? {} : { field }) } });
}

function where(spec: FieldSpec, index: number, expr: string): string {
  return `field ${index + 1} (${spec.name}) of "${expr}"`;
}

function rangeText(spec: FieldSpec): string {
  const names = spec.names === undefined ? '' : ` or ${spec.names[0] ?? ''}-${spec.names[spec.names.length - 1] ?? ''}`;
  return `${spec.min}-${spec.max}${names}`;
}

/** One value: a number within the field's range or (month, day-of-week) a three-letter name. */
function parseValue(text: string, spec: FieldSpec, at: string): number {
  if (/^\d+$/.test(text)) {
    const n = Number(text);
    if (n < spec.min || n > spec.max) throw new FieldError(`${at}: ${text} is out of range ${rangeText(spec)}`);
    return n;
  }
  const index = spec.names?.indexOf(text.toUpperCase()) ?? -1;
  if (index >= 0) return index + (spec.name === 'month' ? 1 : 0);
  if (/^[a-z]+$/i.test(text) && spec.names !== undefined) throw new FieldError(`${at}: unknown name "${text}" (use ${rangeText(spec)})`);
  throw new FieldError(`${at}: "${text}" is not a number${spec.names === undefined ? '' : ' or a name'} (use ${rangeText(spec)})`);
}

/** One list item (`*`, `n`, `a-b`, each optionally `/step`) as first, last and step. */
function parseItem(item: string, spec: FieldSpec, at: string): { first: number; last: number; step: number } {
  if (item === '') throw new FieldError(`${at}: a list has an empty item`);
  const [base = '', stepText, extra] = item.split('/');
  if (extra !== undefined) throw new FieldError(`${at}: "${item}" has more than one /`);
  let step = 1;
  if (stepText !== undefined) {
    if (!/^\d+$/.test(stepText)) throw new FieldError(`${at}: step "${stepText}" in "${item}" is not a number`);
    step = Number(stepText);
    if (step === 0) throw new FieldError(`${at}: step 0 in "${item}" (a step must be 1 or more)`);
  }
  if (base === '*') return { first: spec.min, last: spec.max, step };
  const dash = base.indexOf('-');
  if (dash < 0) {
    const value = parseValue(base, spec, at);
    return { first: value, last: stepText === undefined ? value : spec.max, step };
  }
  const first = parseValue(base.slice(0, dash), spec, at);
  const last = parseValue(base.slice(dash + 1), spec, at);
  if (first > last) {
    const hint = spec.name === 'day-of-week' && last === 0 ? `; write ${first}-7 to end on Sunday` : '; a range cannot wrap around, use a list such as 22-23,0-2';
    throw new FieldError(`${at}: range ${base} goes backwards${hint}`);
  }
  return { first, last, step };
}

function parseField(text: string, spec: FieldSpec, at: string): Field {
  const allowed: boolean[] = new Array<boolean>(spec.max + 1).fill(false);
  for (const item of text.split(',')) {
    const { first, last, step } = parseItem(item, spec, at);
    for (let v = first; v <= last; v += step) allowed[v] = true;
  }
  // Day-of-week 7 is Sunday, like 0.
  if (spec.name === 'day-of-week' && allowed[7] === true) allowed[0] = true;
  return { allowed, isStar: text.startsWith('*') };
}

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

class ParsedCron implements CronSchedule {
  private readonly minute: Field;
  private readonly hour: Field;
  private readonly dom: Field;
  private readonly month: Field;
  private readonly dow: Field;

  constructor(
    private readonly text: string,
    fields: readonly [Field, Field, Field, Field, Field],
  ) {
    [this.minute, this.hour, this.dom, this.month, this.dow] = fields;
  }

  toString(): string {
    return this.text;
  }

  matches(at: Date): boolean {
    return this.month.allowed[at.getUTCMonth() + 1] === true && this.dayMatches(at) && this.hour.allowed[at.getUTCHours()] === true && this.minute.allowed[at.getUTCMinutes()] === true;
  }

  /**
   * NCrontab's rule, which ACR uses: a day must match day-of-month AND day-of-week, also when
   * both are restricted (`0 8 1-7 * TUE` is the first Tuesday of a month). POSIX cron would OR
   * them in that case; docs/triggers.md explains the choice.
   */
  private dayMatches(at: Date): boolean {
    return this.dom.allowed[at.getUTCDate()] === true && this.dow.allowed[at.getUTCDay()] === true;
  }

  next(after: Date): Date {
    const t = new Date(Math.floor(after.getTime() / MINUTE_MS) * MINUTE_MS + MINUTE_MS);
    const limit = t.getUTCFullYear() + MAX_SEARCH_YEARS;
    while (t.getUTCFullYear() <= limit) {
      if (this.month.allowed[t.getUTCMonth() + 1] !== true) {
        t.setUTCMonth(t.getUTCMonth() + 1, 1);
        t.setUTCHours(0, 0, 0, 0);
      } else if (!this.dayMatches(t)) {
        t.setUTCDate(t.getUTCDate() + 1);
        t.setUTCHours(0, 0, 0, 0);
      } else if (this.hour.allowed[t.getUTCHours()] !== true) {
        t.setUTCHours(t.getUTCHours() + 1, 0, 0, 0);
      } else if (this.minute.allowed[t.getUTCMinutes()] !== true) {
        t.setUTCMinutes(t.getUTCMinutes() + 1, 0, 0);
      } else {
        return t;
      }
    }
    // parseCron refuses schedules that never fire, so this is a bug, not bad input.
    throw new Error(`cron: no time matches "${this.text}" within ${MAX_SEARCH_YEARS} years after ${after.toISOString()}`);
  }

  previous(atOrBefore: Date): Date | undefined {
    const t = new Date(Math.floor(atOrBefore.getTime() / MINUTE_MS) * MINUTE_MS);
    while (t.getTime() >= 0) {
      if (this.month.allowed[t.getUTCMonth() + 1] !== true) {
        t.setUTCDate(0); // the last day of the previous month
        t.setUTCHours(23, 59, 0, 0);
      } else if (!this.dayMatches(t)) {
        t.setUTCDate(t.getUTCDate() - 1);
        t.setUTCHours(23, 59, 0, 0);
      } else if (this.hour.allowed[t.getUTCHours()] !== true) {
        t.setUTCHours(t.getUTCHours() - 1, 59, 0, 0);
      } else if (this.minute.allowed[t.getUTCMinutes()] !== true) {
        t.setUTCMinutes(t.getUTCMinutes() - 1, 0, 0);
      } else {
        return t;
      }
    }
    return undefined;
  }
}

/**
 * A schedule that names days of the month only (day-of-week `*`) must name at least one day
 * some selected month has: `0 0 31 2 *` or `0 0 30 4,6 *` never fire. Feb 29 counts (leap years).
 */
function checkReachable(expr: string, dom: Field, month: Field, dow: Field): void {
  // With day-of-week restricted too, any existing date falls on every weekday in some year.
  void dow;
  for (let m = 1; m <= 12; m += 1) {
    if (month.allowed[m] !== true) continue;
    const last = daysInMonth(2000, m); // 2000 is a leap year
    for (let d = 1; d <= last; d += 1) if (dom.allowed[d] === true) return;
  }
  const days = dom.allowed.flatMap((on, d) => (on ? [d] : [])).join(',');
  const months = month.allowed.flatMap((on, m) => (on ? [m] : [])).join(',');
  fail(expr, `the schedule "${expr}" never fires: day-of-month ${days} does not exist in month ${months}`, 'day-of-month');
}

/**
 * Parses a five-field UTC cron expression; throws TASK_INVALID with a message that says which
 * field is wrong and why (or why the whole expression is).
 */
export function parseCron(expr: string): CronSchedule {
  const trimmed = expr.trim();
  if (trimmed.startsWith('@')) fail(expr, `"${trimmed}": macros such as @daily are not supported; write 5 fields (${FIELD_LIST}), e.g. "0 0 * * *"`);
  const parts = trimmed === '' ? [] : trimmed.split(/\s+/);
  if (parts.length !== FIELDS.length) {
    const seconds = parts.length === 6 ? '; seconds are not supported (the smallest interval is one minute): drop the first field' : '';
    fail(expr, `a schedule has 5 fields (${FIELD_LIST}), got ${parts.length}: "${trimmed}"${seconds}`);
  }
  const fields: Field[] = [];
  for (const [i, spec] of FIELDS.entries()) {
    try {
      fields.push(parseField(parts[i] ?? '', spec, where(spec, i, trimmed)));
    } catch (err) {
      if (!(err instanceof FieldError)) throw err;
      fail(expr, err.message, spec.name);
    }
  }
  const five = fields as [Field, Field, Field, Field, Field];
  checkReachable(trimmed, five[2], five[3], five[4]);
  return new ParsedCron(parts.map((p) => p.toUpperCase()).join(' '), five);
}
