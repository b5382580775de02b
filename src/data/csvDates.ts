/**
 * Dates, date-times and times of day in the spellings real CSV files use, beyond ISO 8601 (which `parseIsoDate`
 * reads on its fast path). A cell is cut into tokens (digit runs, letter runs, separators) and matched against the
 * common shapes:
 *
 *   2024-01 · 2024/01 · 2024.01 · 2024M01          year and month (the first of the month)
 *   2024/01/02 · 2024.01.02                        year, month, day
 *   01/02/2024 · 01-02-2024 · 1/2/24               month/day/year or day/month/year (decided per column, see below)
 *   02.01.2024                                     day.month.year (the European dotted form)
 *   Jan-1-1995 · Jan 1, 1995 · January 1 1995      month name, day, year
 *   1 Jan 1995 · 01-Jan-95 · 1-January-1995        day, month name, year
 *   Jan 1995 · Jan-95 · 1995-Jan · January 1995    month name and year
 *   1974Q1 · 1974-Q1 · 1974 Q1 · Q1 1974 · 1974q1  year and quarter (the quarter's first day)
 *
 * each optionally followed by a time (`T` or blanks, then `hh:mm`, `:ss`, a fraction, `AM`/`PM`, `Z` or `UTC`), and
 * times of day alone (`09:30`, `9:30:15`, `4:05 PM`), read as milliseconds since midnight. Two-digit years are
 * 1950–2049. All results are UTC epoch milliseconds, so they do not depend on the machine's time zone.
 *
 * `a/b/yyyy` is ambiguous: `dateState.order` says whether the cell forced month-first (b > 12), day-first (a > 12)
 * or was ambiguous (both ≤ 12). The caller parses with an order (month-first unless the column has shown day-first)
 * and re-reads earlier cells when a later one settles the question (`swapMonthDay`).
 */

/** How a date cell was written: decides what a time axis measures (days, months, quarters, times of day). */
export type DateForm = 'date' | 'datetime' | 'month' | 'quarter' | 'time';

/** Side results of the last `parseDateCell` call. */
export const dateState: { form: DateForm; order: 'mdy' | 'dmy' | 'either' | null } = { form: 'date', order: null };

const DAY_MS = 86400000;

const MONTHS: Record<string, number> = {
  jan: 1, january: 1, feb: 2, february: 2, mar: 3, march: 3, apr: 4, april: 4, may: 5, jun: 6, june: 6, jul: 7, july: 7,
  aug: 8, august: 8, sep: 9, sept: 9, september: 9, oct: 10, october: 10, nov: 11, november: 11, dec: 12, december: 12,
};

/** Month number (1–12) of an English month name or its abbreviation (any case), or 0. */
export function monthOfName(word: string): number {
  return MONTHS[word.toLowerCase()] ?? 0;
}

/** Days in month `m` (1–12) of proleptic Gregorian year `y`. */
export function daysInMonth(y: number, m: number): number {
  if (m === 2) return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0 ? 29 : 28;
  return m === 4 || m === 6 || m === 9 || m === 11 ? 30 : 31;
}

/** Days from 1970-01-01 to a proleptic Gregorian date (Hinnant's days_from_civil). */
export function daysFromCivil(year: number, m: number, d: number): number {
  const y = m <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

/** The calendar date of a day count from 1970-01-01 (Hinnant's civil_from_days). */
export function civilFromDays(days: number): { y: number; m: number; d: number } {
  const z = days + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp < 10 ? mp + 3 : mp - 9;
  return { y: yoe + era * 400 + (m <= 2 ? 1 : 0), m, d };
}

/** Epoch ms of a valid calendar date, or NaN. */
function ymd(y: number, m: number, d: number): number {
  if (!(y >= 1 && y <= 9999 && m >= 1 && m <= 12 && d >= 1 && d <= daysInMonth(y, m))) return NaN;
  return daysFromCivil(y, m, d) * DAY_MS;
}

/** A two-digit year read as 1950–2049; longer years as written. */
function fullYear(text: string, value: number): number {
  return text.length <= 2 ? (value < 50 ? 2000 + value : 1900 + value) : value;
}

/** One token: a run of digits (n), of letters (w), or one separator character (s). */
interface Token {
  kind: 'n' | 'w' | 's';
  text: string;
  value: number;
}

const isDigit = (c: number): boolean => c >= 48 && c <= 57;
const isLetter = (c: number): boolean => (c >= 65 && c <= 90) || (c >= 97 && c <= 122);

/** Cuts a cell into tokens; blanks are separators of their own (a run counts once); null for other characters. */
function tokenize(s: string): Token[] | null {
  const out: Token[] = [];
  let i = 0;
  while (i < s.length) {
    const c = s.charCodeAt(i);
    let j = i + 1;
    if (isDigit(c)) {
      while (j < s.length && isDigit(s.charCodeAt(j))) j++;
      if (j - i > 9) return null;
      out.push({ kind: 'n', text: s.slice(i, j), value: Number(s.slice(i, j)) });
    } else if (isLetter(c)) {
      while (j < s.length && isLetter(s.charCodeAt(j))) j++;
      out.push({ kind: 'w', text: s.slice(i, j), value: 0 });
    } else if (c === 32 || c === 9) {
      while (j < s.length && (s.charCodeAt(j) === 32 || s.charCodeAt(j) === 9)) j++;
      out.push({ kind: 's', text: ' ', value: 0 });
    } else if (c === 45 || c === 47 || c === 46 || c === 58 || c === 44 || c === 43) {
      out.push({ kind: 's', text: s[i], value: 0 });
    } else return null;
    if (out.length > 24) return null;
    i = j;
  }
  return out;
}

/** Milliseconds since midnight of a time starting at token `k` (`hh:mm[:ss[.fff]] [AM|PM] [Z|UTC]`) filling the rest, or NaN. */
function timeAt(t: Token[], k: number): number {
  const h = t[k];
  if (!h || h.kind !== 'n' || h.text.length > 2 || t[k + 1]?.text !== ':' || t[k + 2]?.kind !== 'n' || t[k + 2].text.length !== 2) return NaN;
  let hours = h.value;
  const minutes = t[k + 2].value;
  let ms = 0;
  let i = k + 3;
  if (t[i]?.text === ':' && t[i + 1]?.kind === 'n' && t[i + 1].text.length === 2) {
    const sec = t[i + 1].value;
    if (sec > 59) return NaN;
    ms += sec * 1000;
    i += 2;
    if ((t[i]?.text === '.' || t[i]?.text === ',') && t[i + 1]?.kind === 'n') {
      ms += Math.floor(Number(`0.${t[i + 1].text}`) * 1000);
      i += 2;
    }
  }
  if (t[i]?.kind === 's' && t[i].text === ' ') i++;
  const word = t[i]?.kind === 'w' ? t[i].text.toLowerCase() : '';
  if (word === 'am' || word === 'pm') {
    if (hours < 1 || hours > 12) return NaN;
    hours = (hours % 12) + (word === 'pm' ? 12 : 0);
    i++;
    if (t[i]?.kind === 's' && t[i].text === ' ') i++;
  }
  const zone = t[i]?.kind === 'w' ? t[i].text.toLowerCase() : '';
  if (zone === 'z' || zone === 'utc' || zone === 'gmt') i++;
  if (i !== t.length || hours > 23 || minutes > 59) return NaN;
  return (hours * 60 + minutes) * 60000 + ms;
}

/** Whether `t[k]` is a separator between date parts (`-`, `/`, `.`, a blank, or a comma followed by a blank). */
const sepAt = (t: Token[], k: number): boolean => t[k]?.kind === 's' && t[k].text !== ':' && t[k].text !== '+';

/**
 * A date at the start of the tokens: its epoch ms (day precision), the form, how many tokens it used; or null.
 * `dayFirst` decides ambiguous `a/b/yyyy` cells.
 */
function dateAt(t: Token[], dayFirst: boolean): { ms: number; form: DateForm; used: number } | null {
  const [a, s1, b, s2, c] = t;
  if (!a) return null;
  dateState.order = null;
  if (a.kind === 'n' && a.text.length === 4) {
    // 2024-01-02, 2024/01/02, 2024.01.02, 2024-01, 2024M01, 2024Q1, 2024-Q1, 2024 Jan
    if (sepAt(t, 1) && b?.kind === 'n' && b.text.length <= 2) {
      if (sepAt(t, 3) && c?.kind === 'n' && c.text.length <= 2 && s2.text === s1.text) {
        const ms = ymd(a.value, b.value, c.value);
        return ms === ms ? { ms, form: 'date', used: 5 } : null;
      }
      if (s1.text === ' ' || s1.text === ',') return null;
      const ms = ymd(a.value, b.value, 1);
      return ms === ms ? { ms, form: 'month', used: 3 } : null;
    }
    const w = sepAt(t, 1) ? b : s1;
    const at = sepAt(t, 1) ? 2 : 1;
    if (w?.kind === 'w') {
      const word = w.text.toLowerCase();
      const num = t[at + 1];
      if ((word === 'q' || word === 'm') && num?.kind === 'n' && num.text.length <= 2) {
        const ms = word === 'q' ? (num.value >= 1 && num.value <= 4 ? ymd(a.value, num.value * 3 - 2, 1) : NaN) : ymd(a.value, num.value, 1);
        return ms === ms ? { ms, form: word === 'q' ? 'quarter' : 'month', used: at + 2 } : null;
      }
      const m = monthOfName(word);
      if (m) return { ms: ymd(a.value, m, 1), form: 'month', used: at + 1 };
    }
    return null;
  }
  if (a.kind === 'n' && a.text.length <= 2) {
    // 01/02/2024, 02.01.2024, 1 Jan 1995, 01-Jan-95
    if (sepAt(t, 1) && b?.kind === 'n' && b.text.length <= 2 && sepAt(t, 3) && s2.text === s1.text && c?.kind === 'n' && (c.text.length === 4 || c.text.length === 2)) {
      const y = fullYear(c.text, c.value);
      const dotted = s1.text === '.';
      const ambiguous = a.value <= 12 && b.value <= 12;
      const first = dotted || a.value > 12 || (ambiguous && dayFirst);
      dateState.order = dotted ? null : ambiguous ? 'either' : a.value > 12 ? 'dmy' : 'mdy';
      const ms = first ? ymd(y, b.value, a.value) : ymd(y, a.value, b.value);
      return ms === ms ? { ms, form: 'date', used: 5 } : null;
    }
    const k = sepAt(t, 1) ? 2 : 1;
    const w = t[k];
    if (w?.kind === 'w' && monthOfName(w.text)) {
      const k2 = sepAt(t, k + 1) ? k + 2 : k + 1;
      const y = t[k2];
      if (y?.kind === 'n' && (y.text.length === 4 || y.text.length === 2)) {
        const ms = ymd(fullYear(y.text, y.value), monthOfName(w.text), a.value);
        return ms === ms ? { ms, form: 'date', used: k2 + 1 } : null;
      }
    }
    return null;
  }
  if (a.kind === 'w') {
    const word = a.text.toLowerCase();
    // Q1 1974, Q1-1974
    const q = t[1];
    if (word === 'q' && q?.kind === 'n' && q.text.length === 1) {
      const k = sepAt(t, 2) ? 3 : 2;
      const y = t[k];
      if (y?.kind === 'n' && y.text.length === 4 && q.value >= 1 && q.value <= 4) return { ms: ymd(y.value, q.value * 3 - 2, 1), form: 'quarter', used: k + 1 };
      return null;
    }
    const m = monthOfName(word);
    if (!m) return null;
    // Jan-1-1995, Jan 1, 1995, January 1 1995, Jan 1995, Jan-95
    let k = sepAt(t, 1) ? 2 : 1;
    const n1 = t[k];
    if (n1?.kind !== 'n') return null;
    if (n1.text.length === 4 || (n1.text.length === 2 && !(sepAt(t, k + 1) && t[k + 2]?.kind === 'n'))) {
      return { ms: ymd(fullYear(n1.text, n1.value), m, 1), form: 'month', used: k + 1 };
    }
    if (n1.text.length > 2) return null;
    k++;
    if (t[k]?.text === ',') k++;
    if (sepAt(t, k)) k++;
    const y = t[k];
    if (y?.kind === 'n' && (y.text.length === 4 || y.text.length === 2)) {
      const ms = ymd(fullYear(y.text, y.value), m, n1.value);
      return ms === ms ? { ms, form: 'date', used: k + 1 } : null;
    }
  }
  return null;
}

/**
 * Epoch milliseconds of a date, date-time or time-of-day cell in any of the forms above (ISO included), or NaN.
 * Sets `dateState.form` and, for `a/b/yyyy` cells, `dateState.order`.
 */
export function parseDateCell(text: string, dayFirst = false): number {
  const iso = parseIsoDate(text);
  if (iso === iso) {
    dateState.form = text.length > 10 ? 'datetime' : 'date';
    dateState.order = null;
    return iso;
  }
  if (text.length < 4 || text.length > 40) return NaN;
  const t = tokenize(text);
  if (!t || t.length === 0) return NaN;
  dateState.order = null;
  const timeOnly = timeAt(t, 0);
  if (timeOnly === timeOnly) {
    dateState.form = 'time';
    return timeOnly;
  }
  const d = dateAt(t, dayFirst);
  if (!d || d.ms !== d.ms) return NaN;
  if (d.used === t.length) {
    dateState.form = d.form;
    return d.ms;
  }
  if (d.form !== 'date') return NaN;
  let k = d.used;
  const sep = t[k];
  if (sep?.kind === 's' && sep.text === ' ') k++;
  else if (sep?.kind === 'w' && sep.text.length === 1 && sep.text.toLowerCase() === 't' && t[k + 1]?.kind === 'n') {
    // "2024/01/02T10:30" – the T is a word token of its own
    k++;
  } else return NaN;
  const tod = timeAt(t, k);
  if (tod !== tod) return NaN;
  dateState.form = 'datetime';
  return d.ms + tod;
}

/** The same instant with month and day exchanged (an `a/b/yyyy` cell read the other way), or NaN if that is no date. */
export function swapMonthDay(ms: number): number {
  const day = Math.floor(ms / DAY_MS);
  const { y, m, d } = civilFromDays(day);
  const swapped = ymd(y, d, m);
  return swapped === swapped ? swapped + (ms - day * DAY_MS) : NaN;
}

// ── ISO 8601 ─────────────────────────────────────────────────────────────────────────────────────────────────────
// `2024-01-02`, then optionally `T`, `t` or a space and `HH:MM`, `:SS`, a fraction (`.` or `,`, kept to milliseconds,
// extra digits truncated), and `Z` or an offset `±HH`, `±HHMM`, `±HH:MM`. A time without an offset is UTC.

const ZERO = 48;
const NINE = 57;
const PLUS = 43;
const MINUS = 45;
const SPACE = 32;
const DOT = 46;
const COMMA = 44;

/** Value of `length` decimal digits at `s[at…]`, or -1. */
function digitsAt(s: string, at: number, length: number): number {
  if (at + length > s.length) return -1;
  let v = 0;
  for (let i = at; i < at + length; i++) {
    const c = s.charCodeAt(i);
    if (c < ZERO || c > NINE) return -1;
    v = v * 10 + (c - ZERO);
  }
  return v;
}

/** Milliseconds of an ISO fraction starting at `s[at]` (up to 3 digits used), and where it ends; null if no digit. */
function fractionAt(s: string, at: number): { ms: number; end: number } | null {
  let i = at;
  let ms = 0;
  let k = 0;
  while (i < s.length) {
    const c = s.charCodeAt(i);
    if (c < ZERO || c > NINE) break;
    if (k < 3) ms += (c - ZERO) * (k === 0 ? 100 : k === 1 ? 10 : 1);
    k++;
    i++;
  }
  return k === 0 ? null : { ms, end: i };
}

/** Offset in milliseconds of `Z`/`±HH[[:]MM]` filling `s[at…]` exactly (east positive), or NaN. */
function offsetAt(s: string, at: number): number {
  const c = s.charCodeAt(at);
  if (c === 90 || c === 122) return at + 1 === s.length ? 0 : NaN;
  if (c !== PLUS && c !== MINUS) return NaN;
  const hours = digitsAt(s, at + 1, 2);
  let j = at + 3;
  let minutes = 0;
  if (j < s.length && s.charCodeAt(j) === 58) j++;
  if (j < s.length) {
    minutes = digitsAt(s, j, 2);
    j += 2;
  }
  if (j !== s.length || hours < 0 || hours > 23 || minutes < 0 || minutes > 59) return NaN;
  const ms = (hours * 60 + minutes) * 60000;
  return c === PLUS ? ms : -ms;
}

/** Epoch milliseconds of an ISO 8601 date or date-time cell (see the module comment), or NaN. */
export function parseIsoDate(s: string): number {
  const n = s.length;
  if (n < 10 || n > 40 || s.charCodeAt(4) !== MINUS || s.charCodeAt(7) !== MINUS) return NaN;
  const y = digitsAt(s, 0, 4);
  const mo = digitsAt(s, 5, 2);
  const d = digitsAt(s, 8, 2);
  if (y < 0 || mo < 1 || mo > 12 || d < 1 || d > daysInMonth(y, mo)) return NaN;
  const day = daysFromCivil(y, mo, d) * 86400000;
  if (n === 10) return day;
  const sep = s.charCodeAt(10);
  if ((sep !== 84 && sep !== 116 && sep !== SPACE) || n < 16 || s.charCodeAt(13) !== 58) return NaN;
  const h = digitsAt(s, 11, 2);
  const mi = digitsAt(s, 14, 2);
  if (h < 0 || h > 23 || mi < 0 || mi > 59) return NaN;
  let ms = day + h * 3600000 + mi * 60000;
  let i = 16;
  if (i < n && s.charCodeAt(i) === 58) {
    const sec = digitsAt(s, 17, 2);
    if (sec < 0 || sec > 59) return NaN;
    ms += sec * 1000;
    i = 19;
    if (i < n && (s.charCodeAt(i) === DOT || s.charCodeAt(i) === COMMA)) {
      const f = fractionAt(s, i + 1);
      if (f === null) return NaN;
      ms += f.ms;
      i = f.end;
    }
  }
  if (i === n) return ms;
  return ms - offsetAt(s, i);
}

/** Canonical ISO text of epoch milliseconds: `YYYY-MM-DD` at midnight, the full UTC form otherwise. */
export function formatDate(ms: number): string {
  const iso = new Date(ms).toISOString();
  return iso.endsWith('T00:00:00.000Z') ? iso.slice(0, 10) : iso;
}
