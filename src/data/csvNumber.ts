/**
 * Number recognition for CSV cells (dates: `csvDates.ts`).
 *
 * Number syntax (decimal only): blanks, an optional sign, digits with at most one decimal mark (at least one digit in
 * all), an optional exponent `e`/`E` with optional sign and at least one digit, blanks. So `1e-3`, `-.5`, `+2`, `1.`,
 * ` 7 ` are numbers; `1_000`, `1,000` (with a `.` mark), `0x10`, `Infinity`, `NaN`, `n/a` and `` are not.
 * The value is always exactly `Number(text)`: short mantissas take Clinger's fast path (an exact integer times or
 * divided by an exact power of ten, one correctly rounded operation), everything else goes through `Number`.

 */

const POW10 = [
  1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20,
  1e21, 1e22,
];

const SPACE = 32;
const TAB = 9;
const PLUS = 43;
const MINUS = 45;
const DOT = 46;
const COMMA = 44;
const ZERO = 48;
const NINE = 57;

/** Where the last `scanNumber` call stopped: one past the number and any blanks after it. */
export const scanState = { end: 0 };

/** Character code of the decimal mark: `.` or, with `decimalComma`, `,`. */
export function decimalCodeOf(decimalComma: boolean): number {
  return decimalComma ? COMMA : DOT;
}

/**
 * Scans a number starting at `s[start]`, stopping at the first character that cannot continue it (the caller checks
 * that it is a delimiter or the end of the line; reading past the end of `s` yields NaN codes, which stop the scan).
 * Returns the value, exactly `Number(text)`, or NaN when no number starts there. Tabs count as blanks unless
 * `delimiterCode` is a tab.
 */
export function scanNumber(s: string, start: number, delimiterCode: number, decimalCode: number): number {
  const tabIsBlank = delimiterCode !== TAB;
  let p = start;
  let c = s.charCodeAt(p);
  while (c === SPACE || (c === TAB && tabIsBlank)) c = s.charCodeAt(++p);
  const numberStart = p;
  let negative = false;
  if (c === MINUS || c === PLUS) {
    negative = c === MINUS;
    c = s.charCodeAt(++p);
  }
  const integerStart = p;
  while (c === ZERO) c = s.charCodeAt(++p);
  let significantStart = p;
  let mantissa = 0;
  while (c >= ZERO && c <= NINE) {
    mantissa = mantissa * 10 + (c - ZERO);
    c = s.charCodeAt(++p);
  }
  let significant = p - significantStart;
  let digits = p - integerStart;
  let exponent = 0;
  if (c === decimalCode) {
    c = s.charCodeAt(++p);
    const fractionStart = p;
    if (mantissa === 0) while (c === ZERO) c = s.charCodeAt(++p);
    significantStart = p;
    while (c >= ZERO && c <= NINE) {
      mantissa = mantissa * 10 + (c - ZERO);
      c = s.charCodeAt(++p);
    }
    significant += p - significantStart;
    digits += p - fractionStart;
    exponent = fractionStart - p;
  }
  if (digits === 0) return NaN;
  if (c === 101 || c === 69) {
    c = s.charCodeAt(++p);
    let negativeExponent = false;
    if (c === MINUS || c === PLUS) {
      negativeExponent = c === MINUS;
      c = s.charCodeAt(++p);
    }
    if (!(c >= ZERO && c <= NINE)) return NaN;
    let e = 0;
    while (c >= ZERO && c <= NINE) {
      if (e < 100000) e = e * 10 + (c - ZERO);
      c = s.charCodeAt(++p);
    }
    exponent += negativeExponent ? -e : e;
  }
  const numberEnd = p;
  while (c === SPACE || (c === TAB && tabIsBlank)) c = s.charCodeAt(++p);
  scanState.end = p;
  if (mantissa === 0) return negative ? -0 : 0;
  let v: number;
  if (mantissa < TWO_53) {
    // Clinger's fast path: an exact integer and an exact power of ten, one correctly rounded operation.
    if (exponent === 0) v = mantissa;
    else if (exponent < 0 && exponent >= -22) v = mantissa / POW10[-exponent];
    else if (exponent > 0 && exponent <= 22) v = mantissa * POW10[exponent];
    else return slowNumber(s, numberStart, numberEnd, decimalCode);
  } else if (significant <= 17 && exponent < 0 && exponent >= -22) {
    v = longQuotient(s, integerStart, numberEnd, -exponent, significant - 15);
    if (v !== v) return slowNumber(s, numberStart, numberEnd, decimalCode);
  } else return slowNumber(s, numberStart, numberEnd, decimalCode);
  return negative ? -v : v;
}

const TWO_53 = 9007199254740992;
/** Veltkamp's splitter 2^27 + 1. */
const SPLITTER = 134217729;

/** The rounding error of `p = fl(a·b)`: a·b = p + error exactly (Dekker 1971; no overflow or underflow here). */
function productError(a: number, b: number, p: number): number {
  let t = SPLITTER * a;
  const ah = t - (t - a);
  const al = a - ah;
  t = SPLITTER * b;
  const bh = t - (t - b);
  const bl = b - bh;
  return ah * bh - p + ah * bl + al * bh + al * bl;
}

const bits = new Float64Array(1);
const words = new Uint32Array(bits.buffer);
const HIGH = new Uint8Array(Float64Array.of(1).buffer)[7] === 0x3f ? 1 : 0;
const LOW = 1 - HIGH;

/**
 * Correctly rounded w / 10^f for a decimal mantissa w of 16 or 17 significant digits (≥ 2^53, so not exact in a
 * double) and 1 ≤ f ≤ 22, or NaN when the quotient lies too close to a rounding boundary to decide here.
 * w = a·10^k + b with a the first 15 digits is held exactly as s + w2; q = fl(w / 10^f) is within an ulp of the
 * answer; the remainder w − q·10^f, computed with an error far below the 1e-9 margin, decides between q and its
 * neighbour. `digitsStart`/`numberEnd` bound the digits in the text; `k` = significant digits − 15.
 */
function longQuotient(text: string, digitsStart: number, numberEnd: number, f: number, k: number): number {
  let a = 0;
  let b = 0;
  let taken = 0;
  for (let i = digitsStart; i < numberEnd; i++) {
    const c = text.charCodeAt(i);
    if (c === 101 || c === 69) break;
    if (c < ZERO || c > NINE) continue;
    if (taken === 0 && c === ZERO) continue;
    if (taken < 15) a = a * 10 + (c - ZERO);
    else b = b * 10 + (c - ZERO);
    taken++;
  }
  const scale = POW10[k];
  const ph = a * scale;
  const pl = productError(a, scale, ph);
  const s = ph + b;
  const bb = s - ph;
  const w2 = ph - (s - bb) + (b - bb) + pl;
  const d = POW10[f];
  const q = (s + w2) / d;
  const mh = q * d;
  const r = s - mh + (w2 - productError(q, d, mh));
  bits[0] = q;
  const high = words[HIGH];
  if ((high & 0xfffff) === 0 && words[LOW] === 0) return NaN;
  words[HIGH] = (((high >>> 20) & 0x7ff) - 52) << 20;
  words[LOW] = 0;
  const ulp = bits[0];
  const half = ulp * d * 0.5;
  const margin = half * 1e-9;
  const size = Math.abs(r);
  if (size < half - margin) return q;
  if (size > half + margin && size < 3 * half - margin) return r > 0 ? q + ulp : q - ulp;
  return NaN;
}

/** `Number` of a text already known to match the grammar (decimal comma turned into a point). */
function slowNumber(s: string, start: number, end: number, decimalCode: number): number {
  const text = s.substring(start, end);
  return Number(decimalCode === COMMA ? text.replace(',', '.') : text);
}

/** The number a whole cell holds, or NaN when the cell is not a number in the syntax above. */
export function cellNumber(text: string, decimalCode: number): number {
  const v = scanNumber(text, 0, -1, decimalCode);
  return scanState.end === text.length ? v : NaN;
}

/** Canonical text of a number, with the file's decimal mark. */
export function formatNumber(v: number, decimalCode: number): string {
  const text = String(v);
  return decimalCode === COMMA ? text.replace('.', ',') : text;
}

/**
 * A number written for people rather than machines, or NaN: thousands separators (`1,234,567.5`; with a decimal comma
 * `1.234.567,5` or `1 234 567,5`), a currency sign before it (`$`, `€`, `£`, `¥`), a percent sign after it (`12.5%`
 * is 12.5, in percent), a magnitude suffix (`1.2K`, `3.4M`, `5B`: thousands, millions, billions), and a negative in
 * parentheses (`(1,234)`). Groups must have exactly three digits. Plain numbers are `cellNumber`'s job. A value beyond
 * the largest double (`-1e999`, `1e300B`) is NaN, as it is for `cellNumber`'s callers.
 */
export function formattedNumber(text: string, decimalCode: number): number {
  let s = text.trim();
  let negative = false;
  if (s.length > 2 && s.charCodeAt(0) === 40 && s.charCodeAt(s.length - 1) === 41) {
    negative = true;
    s = s.slice(1, -1).trim();
  }
  if (s.startsWith('-')) {
    negative = !negative;
    s = s.slice(1);
  } else if (s.startsWith('+')) s = s.slice(1);
  const sign = s.charCodeAt(0);
  if (sign === 36 || sign === 0x20ac || sign === 0xa3 || sign === 0xa5) s = s.slice(1).trim();
  if (s.startsWith('-') && !negative) {
    negative = true;
    s = s.slice(1);
  }
  let scale = 1;
  const last = s.charCodeAt(s.length - 1);
  if (last === 37) s = s.slice(0, -1).trim();
  else if (last === 75) scale = 1e3;
  else if (last === 77) scale = 1e6;
  else if (last === 66) scale = 1e9;
  if (scale !== 1) s = s.slice(0, -1);
  const group = decimalCode === COMMA ? /^\d{1,3}(?:([. \u00a0])\d{3})*(?:,\d+)?$/ : /^\d{1,3}(?:(,)\d{3})*(?:\.\d+)?$/;
  if (s.length === 0 || s.length > 40) return NaN;
  let plain: string;
  if (group.test(s)) plain = decimalCode === COMMA ? s.replace(/[. \u00a0]/g, '').replace(',', '.') : s.replace(/,/g, '');
  else if (s !== text.trim()) plain = decimalCode === COMMA ? s.replace(',', '.') : s;
  else return NaN;
  const v = (negative ? -1 : 1) * cellNumber(plain, DOT) * scale;
  return v - v === 0 ? v : NaN;
}
