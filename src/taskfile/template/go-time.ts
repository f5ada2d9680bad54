/**
 * Go time.Time.Format with reference-time layouts (`2006-01-02T15:04:05Z07:00`, `Jan _2`, `.000`,
 * `MST`, ...), for Sprig's date functions and for printing a time value (`time.Time.String()`).
 * Zones: "Local" (the process zone), "UTC", or an IANA name resolved through Intl; an unknown name
 * falls back to UTC as Sprig's dateInZone does. JS Dates carry milliseconds, so nanoseconds are
 * always a multiple of 1e6, and zone abbreviations come from Intl (Go reads tzdata; the two can
 * differ, e.g. Intl's `GMT+1` is printed as Go's numeric `+01`).
 */

interface Civil {
  readonly year: number;
  readonly month: number;
  readonly day: number;
  readonly hour: number;
  readonly minute: number;
  readonly second: number;
  readonly nanos: number;
  readonly weekday: number;
  readonly yday: number;
  readonly offsetSeconds: number;
  readonly abbr: string;
}

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
const DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

function zoneOffsetSeconds(d: Date, zone: string): number {
  if (zone === 'Local') return -d.getTimezoneOffset() * 60;
  if (zone === 'UTC') return 0;
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone: zone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric',
  }).formatToParts(d);
  const get = (t: string): number => Number(parts.find((p) => p.type === t)?.value ?? 0);
  const asUtc = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second'));
  return Math.round((asUtc - Math.floor(d.getTime() / 1000) * 1000) / 1000);
}

function numericAbbr(offsetSeconds: number): string {
  const sign = offsetSeconds < 0 ? '-' : '+';
  const abs = Math.abs(offsetSeconds);
  const h = String(Math.floor(abs / 3600)).padStart(2, '0');
  const m = Math.floor((abs % 3600) / 60);
  return `${sign}${h}${m === 0 ? '' : String(m).padStart(2, '0')}`;
}

function zoneAbbr(d: Date, zone: string, offsetSeconds: number): string {
  if (zone === 'UTC') return 'UTC';
  const tz = zone === 'Local' ? Intl.DateTimeFormat().resolvedOptions().timeZone : zone;
  if (tz === 'UTC' || tz === 'Etc/UTC') return 'UTC';
  const name = new Intl.DateTimeFormat('en-US', { timeZone: tz, timeZoneName: 'short' }).formatToParts(d).find((p) => p.type === 'timeZoneName')?.value ?? '';
  return /^[A-Z]{3,5}$/.test(name) && name !== 'GMT' ? name : numericAbbr(offsetSeconds);
}

/** Whether `zone` is "Local", "UTC" or an IANA name Intl knows. */
export function isKnownZone(zone: string): boolean {
  if (zone === 'Local' || zone === 'UTC') return true;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

function civil(d: Date, zone: string): Civil {
  const offsetSeconds = zoneOffsetSeconds(d, zone);
  const t = new Date(d.getTime() + offsetSeconds * 1000);
  const startOfYear = Date.UTC(t.getUTCFullYear(), 0, 1);
  return {
    year: t.getUTCFullYear(), month: t.getUTCMonth() + 1, day: t.getUTCDate(), hour: t.getUTCHours(), minute: t.getUTCMinutes(),
    second: t.getUTCSeconds(), nanos: t.getUTCMilliseconds() * 1e6, weekday: t.getUTCDay(),
    yday: Math.floor((t.getTime() - startOfYear) / 86_400_000) + 1, offsetSeconds, abbr: zoneAbbr(d, zone, offsetSeconds),
  };
}

const p2 = (n: number): string => String(n).padStart(2, '0');

function formatOffset(c: Civil, chunk: string): string {
  const isZ = chunk.startsWith('Z');
  if (isZ && c.offsetSeconds === 0) return 'Z';
  const abs = Math.abs(c.offsetSeconds);
  const sign = c.offsetSeconds < 0 ? '-' : '+';
  const hh = p2(Math.floor(abs / 3600));
  const mm = p2(Math.floor((abs % 3600) / 60));
  const ss = p2(abs % 60);
  const body = chunk.slice(1);
  const sep = body.includes(':') ? ':' : '';
  if (body.length <= 2) return sign + hh;
  if (body === '070000' || body === '07:00:00') return sign + hh + sep + mm + sep + ss;
  return sign + hh + sep + mm;
}

function formatFraction(c: Civil, chunk: string): string {
  const digits = String(c.nanos).padStart(9, '0').slice(0, chunk.length - 1);
  if (chunk[1] === '0') return chunk[0] + digits;
  const trimmed = digits.replace(/0+$/, '');
  return trimmed === '' ? '' : chunk[0] + trimmed;
}

/** Formats one layout chunk (a std token); returns null when `chunk` is not a token. */
function formatChunk(c: Civil, chunk: string): string {
  const hour12 = c.hour % 12 === 0 ? 12 : c.hour % 12;
  const table: Record<string, () => string> = {
    January: () => MONTHS[c.month - 1] ?? '', Jan: () => (MONTHS[c.month - 1] ?? '').slice(0, 3),
    Monday: () => DAYS[c.weekday] ?? '', Mon: () => (DAYS[c.weekday] ?? '').slice(0, 3), MST: () => c.abbr,
    '01': () => p2(c.month), '1': () => String(c.month), '02': () => p2(c.day), '2': () => String(c.day),
    _2: () => String(c.day).padStart(2, ' '), '002': () => String(c.yday).padStart(3, '0'), __2: () => String(c.yday).padStart(3, ' '),
    '15': () => p2(c.hour), '03': () => p2(hour12), '3': () => String(hour12), '04': () => p2(c.minute), '4': () => String(c.minute),
    '05': () => p2(c.second), '5': () => String(c.second), '2006': () => String(c.year).padStart(4, '0'), '06': () => p2(c.year % 100),
    PM: () => (c.hour >= 12 ? 'PM' : 'AM'), pm: () => (c.hour >= 12 ? 'pm' : 'am'),
  };
  const f = table[chunk];
  if (f) return f();
  if (chunk.startsWith('-') || chunk.startsWith('Z')) return formatOffset(c, chunk);
  return formatFraction(c, chunk);
}

const STD_CHUNK = new RegExp(
  [
    'January', 'Jan', 'Monday', 'Mon', 'MST', '002', '0[1-6]', '15', '1', '2006', '2', '__2', '_2(?!006)', '[345]', 'PM', 'pm',
    '-070000', '-07:00:00', '-0700', '-07:00', '-07', 'Z070000', 'Z07:00:00', 'Z0700', 'Z07:00', 'Z07', '[.,](?:0+|9+)(?![0-9])',
  ].join('|'),
  'g',
);

/** time.Time.In(zone).Format(layout). */
export function formatGoLayout(d: Date, layout: string, zone = 'Local'): string {
  const c = civil(d, isKnownZone(zone) ? zone : 'UTC');
  return layout.replace(STD_CHUNK, (chunk) => formatChunk(c, chunk));
}

/** time.Time.String() without the monotonic clock reading. */
export function formatGoTime(d: Date, zone = 'Local'): string {
  return formatGoLayout(d, '2006-01-02 15:04:05.999999999 -0700 MST', zone);
}
