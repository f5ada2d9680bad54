/**
 * strconv.FormatFloat for float64 in formats e, E, f, g, G: exact decimal expansion (via BigInt) and
 * round-half-even on it for explicit precisions, JS's shortest round-trip digits for precision -1,
 * and Go's rules for when %g switches to exponent form (exponent < -4 or >= precision; 6 for the
 * shortest form, so `1e+06` and `1.5e+07` as Go prints them).
 */

/** value = 0.digits x 10^dp; `digits` has no trailing zeros; zero is `{ digits: '', dp: 0 }`. */
interface Decimal {
  readonly digits: string;
  readonly dp: number;
}

function trimZeros(digits: string, dp: number): Decimal {
  const d = digits.replace(/0+$/, '');
  return d === '' ? { digits: '', dp: 0 } : { digits: d, dp };
}

/** Exact decimal expansion of a finite non-negative double. */
function exactDecimal(x: number): Decimal {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, x);
  const bits = view.getBigUint64(0);
  const expBits = Number((bits >> 52n) & 0x7ffn);
  let mant = bits & ((1n << 52n) - 1n);
  let e = -1074;
  if (expBits !== 0) {
    mant |= 1n << 52n;
    e = expBits - 1075;
  }
  if (mant === 0n) return { digits: '', dp: 0 };
  if (e >= 0) {
    const s = (mant << BigInt(e)).toString();
    return trimZeros(s, s.length);
  }
  const s = (mant * 5n ** BigInt(-e)).toString();
  return trimZeros(s, s.length + e);
}

/** Shortest digits that round-trip (same digits Go's shortest formatting picks). */
function shortestDecimal(x: number): Decimal {
  if (x === 0) return { digits: '', dp: 0 };
  const [mant = '0', exp = '0'] = x.toExponential().split('e');
  return trimZeros(mant.replace('.', ''), Number(exp) + 1);
}

/** Rounds to `nd` leading digits, half to even on the exact digits (Go's decimal.Round). */
function roundTo(d: Decimal, nd: number): Decimal {
  if (nd < 0 || nd >= d.digits.length) return d;
  const next = d.digits[nd] ?? '0';
  const isHalfway = next === '5' && nd + 1 === d.digits.length;
  const prevOdd = nd > 0 && Number(d.digits[nd - 1]) % 2 === 1;
  const up = isHalfway ? prevOdd : next >= '5';
  if (!up) return trimZeros(d.digits.slice(0, nd), d.dp);
  let i = nd - 1;
  while (i >= 0 && d.digits[i] === '9') i--;
  if (i < 0) return { digits: '1', dp: d.dp + 1 };
  return trimZeros(d.digits.slice(0, i) + String(Number(d.digits[i]) + 1), d.dp);
}

function digitAt(d: Decimal, i: number): string {
  return i >= 0 && i < d.digits.length ? (d.digits[i] ?? '0') : '0';
}

function fmtE(d: Decimal, prec: number, letter: string): string {
  let s = d.digits[0] ?? '0';
  if (prec > 0) {
    s += '.';
    for (let i = 1; i <= prec; i++) s += digitAt(d, i);
  }
  const exp = d.digits.length === 0 ? 0 : d.dp - 1;
  const abs = Math.abs(exp);
  return `${s}${letter}${exp < 0 ? '-' : '+'}${abs < 10 ? '0' : ''}${abs}`;
}

function fmtF(d: Decimal, prec: number): string {
  let s = '';
  if (d.dp > 0) for (let i = 0; i < d.dp; i++) s += digitAt(d, i);
  else s = '0';
  if (prec > 0) {
    s += '.';
    for (let i = 1; i <= prec; i++) s += digitAt(d, d.dp + i - 1);
  }
  return s;
}

function fmtG(d: Decimal, prec: number, shortest: boolean, upper: boolean): string {
  let eprec = prec;
  const nd = d.digits.length;
  if (eprec > nd && nd >= d.dp) eprec = nd;
  if (shortest) eprec = 6;
  const exp = d.dp - 1;
  if (exp < -4 || exp >= eprec) return fmtE(d, Math.min(prec, nd) - 1, upper ? 'E' : 'e');
  return fmtF(d, Math.max((prec > d.dp ? nd : prec) - d.dp, 0));
}

export type FloatFormat = 'e' | 'E' | 'f' | 'g' | 'G';

/** strconv.FormatFloat(x, fmt, prec, 64); prec < 0 means the shortest representation. */
export function formatFloat(x: number, fmt: FloatFormat, prec: number): string {
  if (Number.isNaN(x)) return 'NaN';
  if (!Number.isFinite(x)) return x > 0 ? '+Inf' : '-Inf';
  const sign = x < 0 || Object.is(x, -0) ? '-' : '';
  const abs = Math.abs(x);
  const shortest = prec < 0;
  let d: Decimal;
  let p = prec;
  if (shortest) {
    d = shortestDecimal(abs);
    const nd = d.digits.length;
    p = fmt === 'e' || fmt === 'E' ? Math.max(nd - 1, 0) : fmt === 'f' ? Math.max(nd - d.dp, 0) : nd;
  } else {
    d = exactDecimal(abs);
    if (fmt === 'e' || fmt === 'E') d = roundTo(d, p + 1);
    else if (fmt === 'f') d = roundTo(d, d.dp + p);
    else {
      if (p === 0) p = 1;
      d = roundTo(d, p);
    }
  }
  if (fmt === 'e' || fmt === 'E') return sign + fmtE(d, p, fmt);
  if (fmt === 'f') return sign + fmtF(d, p);
  return sign + fmtG(d, p, shortest, fmt === 'G');
}
