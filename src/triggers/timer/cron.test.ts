import { describe, expect, it } from 'vitest';
import { parseCron, type CronSchedule } from './cron.js';

const iso = (s: string): Date => new Date(s);

/** The first `n` ticks after `after`, as ISO strings without milliseconds. */
function ticks(schedule: CronSchedule, after: string, n: number): string[] {
  const out: string[] = [];
  let t = iso(after);
  for (let i = 0; i < n; i += 1) {
    t = schedule.next(t);
    out.push(t.toISOString().replace('.000Z', 'Z'));
  }
  return out;
}

describe('parseCron: accepted forms', () => {
  it.each([
    ['* * * * *', '* * * * *'],
    ['  0   3 * *  * ', '0 3 * * *'],
    ['0 9 * jan,Jul mon-fri', '0 9 * JAN,JUL MON-FRI'],
    ['*/15 0-23/2 1,15 1-12 0-7', '*/15 0-23/2 1,15 1-12 0-7'],
    ['10-40/10 * * * *', '10-40/10 * * * *'],
    ['5/20 * * * *', '5/20 * * * *'],
    ['0 0 * * 7', '0 0 * * 7'],
    ['0\t0\t*\t*\tSun', '0 0 * * SUN'],
  ])('parses "%s" (normalised "%s")', (expr, normalised) => {
    expect(parseCron(expr).toString()).toBe(normalised);
  });
});

describe('parseCron: refusals name the field and the problem', () => {
  it.each([
    ['0 30 9 * * 1-5', 'a schedule has 5 fields (minute hour day-of-month month day-of-week), got 6: "0 30 9 * * 1-5"; seconds are not supported (the smallest interval is one minute): drop the first field'],
    ['0 3 * *', 'a schedule has 5 fields (minute hour day-of-month month day-of-week), got 4: "0 3 * *"'],
    ['0 3 * * * 2030 x', 'a schedule has 5 fields (minute hour day-of-month month day-of-week), got 7: "0 3 * * * 2030 x"'],
    ['', 'a schedule has 5 fields (minute hour day-of-month month day-of-week), got 0: ""'],
    ['@daily', '"@daily": macros such as @daily are not supported; write 5 fields (minute hour day-of-month month day-of-week), e.g. "0 0 * * *"'],
    ['60 * * * *', 'field 1 (minute) of "60 * * * *": 60 is out of range 0-59'],
    ['0 24 * * *', 'field 2 (hour) of "0 24 * * *": 24 is out of range 0-23'],
    ['0 0 0 * *', 'field 3 (day-of-month) of "0 0 0 * *": 0 is out of range 1-31'],
    ['0 0 32 * *', 'field 3 (day-of-month) of "0 0 32 * *": 32 is out of range 1-31'],
    ['0 0 * 13 *', 'field 4 (month) of "0 0 * 13 *": 13 is out of range 1-12 or JAN-DEC'],
    ['0 0 * * 8', 'field 5 (day-of-week) of "0 0 * * 8": 8 is out of range 0-7 or SUN-SAT'],
    ['0 0 * FOO *', 'field 4 (month) of "0 0 * FOO *": unknown name "FOO" (use 1-12 or JAN-DEC)'],
    ['0 0 * * MONDAY', 'field 5 (day-of-week) of "0 0 * * MONDAY": unknown name "MONDAY" (use 0-7 or SUN-SAT)'],
    ['MON 0 * * *', 'field 1 (minute) of "MON 0 * * *": "MON" is not a number (use 0-59)'],
    ['0 0 ? * MON', 'field 3 (day-of-month) of "0 0 ? * MON": "?" is not a number (use 1-31)'],
    ['0 0 * * 5L', 'field 5 (day-of-week) of "0 0 * * 5L": "5L" is not a number or a name (use 0-7 or SUN-SAT)'],
    ['-5 * * * *', 'field 1 (minute) of "-5 * * * *": "" is not a number (use 0-59)'],
    ['*/0 * * * *', 'field 1 (minute) of "*/0 * * * *": step 0 in "*/0" (a step must be 1 or more)'],
    ['0 */x * * *', 'field 2 (hour) of "0 */x * * *": step "x" in "*/x" is not a number'],
    ['0 1/2/3 * * *', 'field 2 (hour) of "0 1/2/3 * * *": "1/2/3" has more than one /'],
    ['1,,2 * * * *', 'field 1 (minute) of "1,,2 * * * *": a list has an empty item'],
    ['0 22-2 * * *', 'field 2 (hour) of "0 22-2 * * *": range 22-2 goes backwards; a range cannot wrap around, use a list such as 22-23,0-2'],
    ['0 0 * * FRI-SUN', 'field 5 (day-of-week) of "0 0 * * FRI-SUN": range FRI-SUN goes backwards; write 5-7 to end on Sunday'],
    ['0 0 * DEC-JAN *', 'field 4 (month) of "0 0 * DEC-JAN *": range DEC-JAN goes backwards; a range cannot wrap around, use a list such as 22-23,0-2'],
    ['0 0 31 2 *', 'the schedule "0 0 31 2 *" never fires: day-of-month 31 does not exist in month 2'],
    ['0 0 30,31 FEB *', 'the schedule "0 0 30,31 FEB *" never fires: day-of-month 30,31 does not exist in month 2'],
    ['0 0 31 4,6,9,11 *', 'the schedule "0 0 31 4,6,9,11 *" never fires: day-of-month 31 does not exist in month 4,6,9,11'],
  ])('refuses "%s"', (expr, message) => {
    let caught: unknown;
    try {
      parseCron(expr);
    } catch (err) {
      caught = err;
    }
    expect(caught).toMatchObject({ code: 'TASK_INVALID', httpStatus: 400, message });
  });

  it('puts the schedule and the field in the error detail', () => {
    expect(() => parseCron('0 24 * * *')).toThrow(expect.objectContaining({ detail: { schedule: '0 24 * * *', field: 'hour' } }) as Error);
  });

  it('ANDs day-of-month and day-of-week as NCrontab (ACR) does: 0 8 1-7 * TUE is the first Tuesday', () => {
    expect(ticks(parseCron('0 8 1-7 * TUE'), '2024-01-01T00:00:00Z', 3)).toEqual(['2024-01-02T08:00:00Z', '2024-02-06T08:00:00Z', '2024-03-05T08:00:00Z']);
    expect(() => parseCron('0 0 31 2 MON')).toThrow(/never fires/);
    expect(ticks(parseCron('0 0 29 2 MON'), '2024-03-01T00:00:00Z', 1)).toEqual(['2044-02-29T00:00:00Z']);
  });
});

describe('CronSchedule.next', () => {
  it.each([
    ['* * * * *', '2024-01-01T00:00:00Z', ['2024-01-01T00:01:00Z', '2024-01-01T00:02:00Z']],
    ['* * * * *', '2024-01-01T00:00:59.999Z', ['2024-01-01T00:01:00Z']],
    ['*/15 * * * *', '2024-01-01T00:50:00Z', ['2024-01-01T01:00:00Z', '2024-01-01T01:15:00Z']],
    ['*/7 * * * *', '2024-01-01T00:50:00Z', ['2024-01-01T00:56:00Z', '2024-01-01T01:00:00Z', '2024-01-01T01:07:00Z']],
    ['10-40/10 * * * *', '2024-01-01T00:00:00Z', ['2024-01-01T00:10:00Z', '2024-01-01T00:20:00Z', '2024-01-01T00:30:00Z', '2024-01-01T00:40:00Z', '2024-01-01T01:10:00Z']],
    ['5/20 * * * *', '2024-01-01T00:00:00Z', ['2024-01-01T00:05:00Z', '2024-01-01T00:25:00Z', '2024-01-01T00:45:00Z', '2024-01-01T01:05:00Z']],
    ['0 * * * *', '2024-01-01T23:30:00Z', ['2024-01-02T00:00:00Z']],
    ['0 3 * * *', '2024-06-01T03:00:00Z', ['2024-06-02T03:00:00Z']],
    ['0 3 * * *', '2024-06-01T02:59:59Z', ['2024-06-01T03:00:00Z']],
    ['0 0 1 1 *', '2024-12-31T23:59:00Z', ['2025-01-01T00:00:00Z']],
    ['30 23 31 12 *', '2024-06-01T00:00:00Z', ['2024-12-31T23:30:00Z']],
    ['0 0 31 * *', '2024-04-01T00:00:00Z', ['2024-05-31T00:00:00Z', '2024-07-31T00:00:00Z', '2024-08-31T00:00:00Z']],
    ['0 0 30 * *', '2024-02-01T00:00:00Z', ['2024-03-30T00:00:00Z']],
    ['0 0 28-31 * *', '2023-02-27T00:00:00Z', ['2023-02-28T00:00:00Z', '2023-03-28T00:00:00Z']],
    ['0 0 29 2 *', '2023-03-01T00:00:00Z', ['2024-02-29T00:00:00Z', '2028-02-29T00:00:00Z']],
    ['0 0 29 2 *', '2097-03-01T00:00:00Z', ['2104-02-29T00:00:00Z']],
    ['0 0 * 2 *', '2024-02-28T00:00:00Z', ['2024-02-29T00:00:00Z', '2025-02-01T00:00:00Z']],
    ['0 0 1 JAN,jul *', '2024-02-01T00:00:00Z', ['2024-07-01T00:00:00Z', '2025-01-01T00:00:00Z']],
    ['0 12 * * MON', '2024-06-01T00:00:00Z', ['2024-06-03T12:00:00Z', '2024-06-10T12:00:00Z']],
    ['0 0 * * 0', '2024-06-03T00:00:00Z', ['2024-06-09T00:00:00Z']],
    ['0 0 * * 7', '2024-06-03T00:00:00Z', ['2024-06-09T00:00:00Z']],
    ['0 0 * * 5-7', '2024-06-03T00:00:00Z', ['2024-06-07T00:00:00Z', '2024-06-08T00:00:00Z', '2024-06-09T00:00:00Z', '2024-06-14T00:00:00Z']],
    ['0 9 * * mon-fri', '2024-06-07T10:00:00Z', ['2024-06-10T09:00:00Z']],
    // Both restricted: the 1st and 15th of each month, plus every Friday (crontab(5)'s example).
    // Both restricted: the 1st or 15th AND a Friday (NCrontab, as in ACR).
    ['30 4 1,15 * 5', '2024-06-01T05:00:00Z', ['2024-11-01T04:30:00Z', '2024-11-15T04:30:00Z', '2025-08-01T04:30:00Z', '2025-08-15T04:30:00Z', '2026-05-01T04:30:00Z', '2026-05-15T04:30:00Z']],
    // A field starting with `*` is not "restricted": both must match (the 13th that is a Friday or Sunday).
    ['0 0 13 * */5', '2024-01-01T00:00:00Z', ['2024-09-13T00:00:00Z', '2024-10-13T00:00:00Z', '2024-12-13T00:00:00Z']],
    ['0 0 29 2 */7', '2024-03-01T00:00:00Z', ['2032-02-29T00:00:00Z']],
    // UTC has no daylight saving: the US (2024-03-10) and EU (2024-03-31, 2024-10-27) switch days are ordinary days.
    ['30 2 * * *', '2024-03-10T00:00:00Z', ['2024-03-10T02:30:00Z', '2024-03-11T02:30:00Z']],
    ['0 * 31 3 *', '2024-03-31T00:30:00Z', ['2024-03-31T01:00:00Z', '2024-03-31T02:00:00Z', '2024-03-31T03:00:00Z']],
    ['0 1 27 10 *', '2024-10-27T00:00:00Z', ['2024-10-27T01:00:00Z', '2025-10-27T01:00:00Z']],
  ] as const)('"%s" after %s', (expr, after, expected) => {
    expect(ticks(parseCron(expr), after, expected.length)).toEqual(expected);
  });

  it('returns a minute with seconds and milliseconds zeroed, strictly after its argument', () => {
    const next = parseCron('* * * * *').next(iso('2024-01-01T10:00:30.500Z'));
    expect(next.toISOString()).toBe('2024-01-01T10:01:00.000Z');
  });

  it('agrees with a minute-by-minute scan over a week', () => {
    for (const expr of ['*/7 9-17 * * 1-5', '0,30 */6 1,15 * 5', '13 13 29 * *', '*/20 * * * SAT,SUN']) {
      const schedule = parseCron(expr);
      const start = iso('2024-02-26T00:00:00Z').getTime();
      const expected: string[] = [];
      for (let t = start + 60_000; t <= start + 7 * 86_400_000; t += 60_000) if (schedule.matches(new Date(t))) expected.push(new Date(t).toISOString());
      const got: string[] = [];
      for (let t = schedule.next(new Date(start)); t.getTime() <= start + 7 * 86_400_000; t = schedule.next(t)) got.push(t.toISOString());
      expect(got, expr).toEqual(expected);
      expect(got.length, expr).toBeGreaterThan(0);
    }
  });
});

describe('CronSchedule.previous', () => {
  it.each([
    ['0 3 * * *', '2024-06-01T03:00:00Z', '2024-06-01T03:00:00.000Z'],
    ['0 3 * * *', '2024-06-01T03:00:30Z', '2024-06-01T03:00:00.000Z'],
    ['0 3 * * *', '2024-06-01T02:59:59Z', '2024-05-31T03:00:00.000Z'],
    ['*/5 * * * *', '2024-06-01T10:04:59Z', '2024-06-01T10:00:00.000Z'],
    ['*/7 * * * *', '2024-06-01T10:02:00Z', '2024-06-01T10:00:00.000Z'],
    ['*/7 * * * *', '2024-06-01T09:59:00Z', '2024-06-01T09:56:00.000Z'],
    ['0 0 1 1 *', '2024-01-01T00:00:00Z', '2024-01-01T00:00:00.000Z'],
    ['0 0 1 1 *', '2023-12-31T23:59:00Z', '2023-01-01T00:00:00.000Z'],
    ['0 0 31 * *', '2024-05-01T00:00:00Z', '2024-03-31T00:00:00.000Z'],
    ['0 0 29 2 *', '2025-01-01T00:00:00Z', '2024-02-29T00:00:00.000Z'],
    ['30 4 1,15 * 5', '2024-06-14T04:29:00Z', '2024-03-15T04:30:00.000Z'],
  ] as const)('"%s" at or before %s', (expr, at, expected) => {
    expect(parseCron(expr).previous(iso(at))?.toISOString()).toBe(expected);
  });

  it('is undefined when no tick falls after 1970', () => {
    expect(parseCron('1 0 1 1 *').previous(iso('1970-01-01T00:00:00Z'))).toBeUndefined();
  });
});
