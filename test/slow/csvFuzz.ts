/**
 * A seeded generator of CSV files shaped like real exports, with mutations, and the checks every file must pass through
 * the data layer (`parseCsvText` → `resolveData` → `buildDataset`). Shared by the data-layer fuzzer (`fuzz.test.ts`,
 * run in child processes by `csvFuzzWorker.ts`) and the command-line fuzzer (`fuzz-cli.test.ts`).
 *
 * A case is a function of (seed, index) alone: `makeCase(seed, i)` gives the same text every time, so any failure is
 * reproduced with `FUZZ_SEED=… FUZZ_ONLY=i`. Generators: single series with a time column in one of many spellings,
 * sessions keyed by ids or by dates, repeated measures with a group column, year + period pairs, wide month / quarter /
 * numbered / year files, thousands of tiny sessions, degenerate files, and the real corpus in `test/fixtures/real`
 * (read, never written). Dialects: `,` `;` tab, decimal commas, quoting styles, CRLF, BOM, blank lines, padding.
 * Mutations: bad tokens at known lines (numeric and date columns; a repeated header row), missing cells and markers,
 * deleted or duplicated cells (ragged rows), swapped and duplicated rows, truncation, huge and tiny values, constant
 * columns, one- and two-row files. Settings (`drawSettings`): none half the time, else missing policies, roles, tasks,
 * layouts, windows, splits, validation shares and transforms.
 *
 * Checks (`checkCase`): only the project's errors, each naming the file and real lines; a deleted or duplicated cell
 * named at its line; every record read at its line and every plain number read exactly; nothing non-finite (and no
 * misshapen sample) reaching the engine; and no silent drop: a bad token in a column that its other cells make numeric
 * (or dates) keeps the column's kind and is named by the error that stops the run, or its column is unused and the
 * column's reason names it (unless the run stops for a reason the file without the token shares).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CsvError, parseCsvText, type CsvTable } from '../../src/data/csv';
import { MISSING_MARKERS } from '../../src/data/csvColumns';
import { parseDateCell } from '../../src/data/csvDates';
import { cellNumber, formattedNumber } from '../../src/data/csvNumber';
import { buildDataset, DataError, type Dataset } from '../../src/data/dataset';
import { ExperimentError, resolveData, type DataSettings, type ResolvedData } from '../../src/data/experiment';

// ── seeded randomness ─────────────────────────────────────────────────────────────────────────────────────────────

/** mulberry32: a 32-bit state, full period, good enough for test data. */
export class Rng {
  private a: number;

  constructor(seed: number) {
    this.a = seed >>> 0;
  }

  next(): number {
    this.a = (this.a + 0x6d2b79f5) >>> 0;
    let t = this.a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** A whole number in [lo, hi]. */
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(xs: readonly T[]): T {
    return xs[Math.floor(this.next() * xs.length)];
  }

  /** Standard normal (Box–Muller). */
  normal(): number {
    return Math.sqrt(-2 * Math.log(1 - this.next())) * Math.cos(2 * Math.PI * this.next());
  }

  /** A size skewed towards small values: mostly lo…mid, sometimes up to hi. */
  size(lo: number, mid: number, hi: number): number {
    return this.chance(0.85) ? this.int(lo, mid) : this.int(lo, hi);
  }
}

/** Seed of case `index` under a master seed. */
export function caseSeed(seed: number, index: number): number {
  let h = Math.imul(seed ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(index + 1, 0xc2b2ae35);
  h = Math.imul(h ^ (h >>> 16), 0x7feb352d);
  return (h ^ (h >>> 15)) >>> 0;
}

// ── sheets and dialects ───────────────────────────────────────────────────────────────────────────────────────────

/** What a generator wrote into a column. */
type ColType = 'number' | 'date' | 'text';

/** A file before it is written: cells as text, unquoted. */
interface Sheet {
  header: string[] | null;
  rows: string[][];
  types: ColType[];
}

/** How a file is written. */
interface Dialect {
  delimiter: ',' | ';' | '\t';
  decimalComma: boolean;
  eol: '\n' | '\r\n';
  bom: boolean;
  quote: 'minimal' | 'text' | 'all';
  blankLines: number;
  pad: boolean;
  finalNewline: boolean;
}

function randomDialect(rng: Rng): Dialect {
  const delimiter = rng.pick([',', ',', ',', ';', ';', '\t'] as const);
  return {
    delimiter,
    decimalComma: delimiter !== ',' && rng.chance(0.5),
    eol: rng.chance(0.25) ? '\r\n' : '\n',
    bom: rng.chance(0.1),
    quote: rng.pick(['minimal', 'minimal', 'text', 'all'] as const),
    blankLines: rng.chance(0.15) ? rng.int(1, 4) : 0,
    pad: rng.chance(0.08),
    finalNewline: rng.chance(0.85),
  };
}

/** A bad token injected into a numeric or date column: where it is and what it replaced. */
export interface Injection {
  row: number;
  column: number;
  token: string;
  original: string;
  /** What the generator wrote in the column. */
  kind: 'numeric' | 'date';
  /** 1-based file line, known once the sheet is written. */
  line: number;
}

/** One generated file and what is known about it. */
export interface FuzzCase {
  index: number;
  generator: string;
  mutations: string[];
  /** File name used in every message. */
  name: string;
  text: string;
  /** The same file with some injections undone (their original cells back) and one injected cell emptied, or none. */
  variant(restore: readonly Injection[], emptied: Injection | null): string;
  injections: Injection[];
  /** Line of the first record whose field count differs from the first record's, when a cell was deleted or duplicated. */
  raggedLine: number | null;
  /** What the reader must give back when the file is whole and rectangular: its data records and their lines. */
  expect: { header: boolean; width: number; decimalComma: boolean; types: ColType[]; rows: { line: number; cells: string[] }[] } | null;
  /** Seed of the settings drawn for this case. */
  settingsSeed: number;
  rows: number;
  cells: number;
}

// ── values ────────────────────────────────────────────────────────────────────────────────────────────────────────

const DAY = 86400000;
const MON = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const MONTH = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
const pad2 = (n: number): string => String(n).padStart(2, '0');

/** Text of a number in the dialect: `digits` decimals, or the shortest form when negative. */
function numText(v: number, digits: number, d: Dialect): string {
  let s = digits < 0 || Math.abs(v) >= 1e21 ? String(v) : v.toFixed(digits);
  if (s === '-0' || /^-0[.,]?0*$/.test(s)) s = s.slice(1);
  return d.decimalComma ? s.replace('.', ',') : s;
}

/** A numeric series of `n` values of a random shape and scale. */
function series(rng: Rng, n: number, shape?: string): number[] {
  const kind = shape ?? rng.pick(['walk', 'walk', 'seasonal', 'noise', 'trend', 'counts', 'price', 'ar', 'steps', 'mixed']);
  const scale = rng.pick([1e-6, 0.01, 1, 1, 10, 100, 1000, 1e6, 1e9]);
  const level = rng.pick([0, 0, 1, 100, -50, 1e4]) * (scale >= 1 ? 1 : scale);
  const period = rng.pick([4, 7, 12, 24, 52, 365]);
  const out: number[] = [];
  let x = level;
  let prev = 0;
  for (let i = 0; i < n; i++) {
    switch (kind) {
      case 'walk': x += rng.normal() * scale; break;
      case 'seasonal': x = level + scale * Math.sin((2 * Math.PI * i) / period) + 0.2 * scale * rng.normal(); break;
      case 'noise': x = level + scale * rng.normal(); break;
      case 'trend': x = level + 0.05 * scale * i + 0.5 * scale * rng.normal(); break;
      case 'counts': x = Math.max(0, Math.round(5 + 3 * Math.sin(i / 5) + 2 * rng.normal())); break;
      case 'price': x = (i === 0 ? 100 : x) * Math.exp(0.01 * rng.normal()); break;
      case 'ar': prev = 0.8 * prev + rng.normal(); x = level + scale * prev; break;
      case 'steps': if (rng.chance(0.1)) x = level + scale * rng.int(-3, 3); break;
      default: x = level + scale * (Math.sin(i / 3) + 0.01 * i + 0.3 * rng.normal());
    }
    out.push(x);
  }
  return out;
}

/** Number cells of a series, with a per-column number of decimals. */
function numberCells(rng: Rng, values: number[], d: Dialect, integer = false): string[] {
  let digits = integer ? 0 : rng.pick([-1, 0, 1, 2, 2, 3, 4, 6]);
  // as many decimals as the values need to differ (a column of 0.00 is the constant generator's job)
  const size = values.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
  if (!integer && digits >= 0 && size < 10 ** (2 - digits)) digits = -1;
  return values.map((v) => numText(integer ? Math.round(v) : v, digits, d));
}

/** A date spelling and the cadence it suits. */
type Spelling = { style: string; cadence: 'day' | 'week' | 'month' | 'quarter' | 'year' | 'minute' | 'hour' | 'decimal' | 'clock' };
const SPELLINGS: Spelling[] = [
  ...['iso', 'ymd/', 'ymd.', 'mdy', 'mdy-short', 'mdy2', 'dmy/', 'dmy.', 'dmy-', 'Mon-d-yyyy', 'Mon d, yyyy', 'Month d yyyy', 'd Mon yyyy', 'dd-Mon-yy', 'yyyymmdd', 'unix', 'unixms']
    .map((style) => ({ style, cadence: 'day' as const })),
  ...['iso', 'dmy.', 'yyyymmdd'].map((style) => ({ style, cadence: 'week' as const })),
  ...['ym', 'ym/', 'ymM', 'Mon yyyy', 'Mon-yy', 'yyyymm', 'iso', 'Mon-d-yyyy', 'd Mon yyyy', 'mdy'].map((style) => ({ style, cadence: 'month' as const })),
  ...['yyyyQq', 'yyyy-Qq', 'yyyy Qq', 'Qq yyyy', 'iso'].map((style) => ({ style, cadence: 'quarter' as const })),
  ...['year', 'iso'].map((style) => ({ style, cadence: 'year' as const })),
  ...['isoT', 'isoTZ', 'isoSpace', 'isoSec', 'unix', 'unixms', 'mdy hh:mm'].map((style) => ({ style, cadence: 'minute' as const })),
  ...['isoT', 'isoSpace', 'unix'].map((style) => ({ style, cadence: 'hour' as const })),
  { style: 'decimal', cadence: 'decimal' },
  ...['hh:mm', 'h:mm AM', 'hh:mm:ss'].map((style) => ({ style, cadence: 'clock' as const })),
];

/** Text of an instant (UTC epoch ms) in a spelling. */
function dateText(ms: number, style: string): string {
  const t = new Date(ms);
  const y = t.getUTCFullYear();
  const m = t.getUTCMonth() + 1;
  const dd = t.getUTCDate();
  const hh = t.getUTCHours();
  const mi = t.getUTCMinutes();
  const ss = t.getUTCSeconds();
  const iso = t.toISOString();
  switch (style) {
    case 'iso': return iso.slice(0, 10);
    case 'isoT': return iso.slice(0, 16);
    case 'isoTZ': return `${iso.slice(0, 19)}Z`;
    case 'isoSpace': return `${iso.slice(0, 10)} ${iso.slice(11, 16)}`;
    case 'isoSec': return `${iso.slice(0, 10)} ${iso.slice(11, 19)}`;
    case 'ymd/': return `${y}/${pad2(m)}/${pad2(dd)}`;
    case 'ymd.': return `${y}.${pad2(m)}.${pad2(dd)}`;
    case 'mdy': return `${pad2(m)}/${pad2(dd)}/${y}`;
    case 'mdy-short': return `${m}/${dd}/${y}`;
    case 'mdy2': return `${m}/${dd}/${pad2(y % 100)}`;
    case 'mdy hh:mm': return `${m}/${dd}/${y} ${pad2(hh)}:${pad2(mi)}`;
    case 'dmy/': return `${pad2(dd)}/${pad2(m)}/${y}`;
    case 'dmy.': return `${pad2(dd)}.${pad2(m)}.${y}`;
    case 'dmy-': return `${pad2(dd)}-${pad2(m)}-${y}`;
    case 'Mon-d-yyyy': return `${MON[m - 1]}-${dd}-${y}`;
    case 'Mon d, yyyy': return `${MON[m - 1]} ${dd}, ${y}`;
    case 'Month d yyyy': return `${MONTH[m - 1]} ${dd} ${y}`;
    case 'd Mon yyyy': return `${dd} ${MON[m - 1]} ${y}`;
    case 'dd-Mon-yy': return `${pad2(dd)}-${MON[m - 1]}-${pad2(y % 100)}`;
    case 'ym': return `${y}-${pad2(m)}`;
    case 'ym/': return `${y}/${pad2(m)}`;
    case 'ymM': return `${y}M${pad2(m)}`;
    case 'Mon yyyy': return `${MON[m - 1]} ${y}`;
    case 'Mon-yy': return `${MON[m - 1]}-${pad2(y % 100)}`;
    case 'yyyymmdd': return `${y}${pad2(m)}${pad2(dd)}`;
    case 'yyyymm': return `${y}${pad2(m)}`;
    case 'yyyyQq': return `${y}Q${Math.ceil(m / 3)}`;
    case 'yyyy-Qq': return `${y}-Q${Math.ceil(m / 3)}`;
    case 'yyyy Qq': return `${y} Q${Math.ceil(m / 3)}`;
    case 'Qq yyyy': return `Q${Math.ceil(m / 3)} ${y}`;
    case 'year': return String(y);
    case 'unix': return String(Math.floor(ms / 1000));
    case 'unixms': return String(ms);
    case 'hh:mm': return `${pad2(hh)}:${pad2(mi)}`;
    case 'hh:mm:ss': return `${pad2(hh)}:${pad2(mi)}:${pad2(ss)}`;
    case 'h:mm AM': return `${((hh + 11) % 12) + 1}:${pad2(mi)} ${hh < 12 ? 'AM' : 'PM'}`;
    default: throw new Error(`unknown date style ${style}`);
  }
}

/** Adds `k` steps of a cadence to an instant. */
function addSteps(ms: number, cadence: Spelling['cadence'], k: number, minutes: number): number {
  const t = new Date(ms);
  switch (cadence) {
    case 'day': return ms + k * DAY;
    case 'week': return ms + 7 * k * DAY;
    case 'month': return Date.UTC(t.getUTCFullYear(), t.getUTCMonth() + k, 1);
    case 'quarter': return Date.UTC(t.getUTCFullYear(), t.getUTCMonth() + 3 * k, 1);
    case 'year': case 'decimal': return Date.UTC(t.getUTCFullYear() + k, 0, 1);
    case 'minute': case 'clock': return ms + k * minutes * 60000;
    case 'hour': return ms + k * 3600000;
  }
}

/** A time column of `n` rows: its name, cells and type (dates, or numbers for years, Unix times, YYYYMMDD…). */
function timeColumn(rng: Rng, n: number, d: Dialect): { name: string; cells: string[]; type: ColType } {
  let sp = rng.pick(SPELLINGS);
  if (sp.cadence === 'clock' && n > 1400) sp = { style: 'iso', cadence: 'day' };
  const minutes = rng.pick([1, 5, 15, 30, 60]);
  const clockSteps = sp.cadence === 'clock' ? Math.min(minutes, Math.floor(1439 / Math.max(1, n))) || 1 : minutes;
  let start = sp.cadence === 'clock' ? Date.UTC(1970, 0, 1) : Date.UTC(rng.int(1900, 2024), rng.int(0, 11), 1);
  if (sp.cadence === 'day' || sp.cadence === 'minute' || sp.cadence === 'hour' || sp.cadence === 'week') start += rng.int(0, 27) * DAY;
  if (sp.style === 'unix' || sp.style === 'unixms') start = Date.UTC(rng.int(1975, 2030), rng.int(0, 11), rng.int(1, 28));
  const gaps = rng.chance(0.15);
  const cells: string[] = [];
  let k = 0;
  for (let i = 0; i < n; i++) {
    const ms = addSteps(start, sp.cadence, k, sp.cadence === 'clock' ? clockSteps : minutes);
    if (sp.cadence === 'decimal') {
      const y = new Date(start).getUTCFullYear() + k / 12;
      cells.push(numText(y, rng.chance(0.5) ? -1 : 3, d));
    } else cells.push(dateText(ms, sp.style));
    k += gaps && rng.chance(0.2) ? 2 : 1;
  }
  if (rng.chance(0.1)) cells.reverse();
  const numeric = ['year', 'unix', 'unixms', 'yyyymmdd', 'yyyymm', 'decimal'].includes(sp.style);
  const name = rng.pick(numeric && sp.style === 'year'
    ? ['year', 'Year', 'YEAR', 'yr', 'period', 'time']
    : ['date', 'Date', 'DATE', 'time', 'timestamp', 'period', 'Month', 'observation_date', 'ds', 'when', 'Datum', '', 'quarter', 'ts']);
  return { name, cells, type: numeric ? 'number' : 'date' };
}

const VALUE_NAMES = [
  'value', 'close', 'Close', 'price', 'volume', 'temp', 'temperature', 'demand_mw', 'sales', 'x', 'y', 'a', 'b', 'c', 'co2',
  'level', 'flow', 'count', 'deaths', 'pce', 'unemploy', 'rate', 'ret', 'signal', 'sensor_1', 'Ozone', 'Wind', 'target',
  'Adj Close', 'open', 'high', 'low', 'y_target', 'load', 'Value (USD)', 'temp °C', 'Zymotic diseases', 'Wounds & injuries',
  'realgdp', 'cpi', 'm1', 'infl', 'GDP, bn', 'speed "mph"', 'n', 'index', 'step', 'Unnamed: 0', 'x1', 'x2', 'response',
];

/** Distinct names for `k` value columns. */
function valueNames(rng: Rng, k: number, taken: string[]): string[] {
  const out: string[] = [];
  while (out.length < k) {
    const n = rng.pick(VALUE_NAMES);
    if (!out.includes(n) && !taken.includes(n)) out.push(n);
    else out.push(`${n}_${out.length + 1}`);
  }
  return out;
}

/** Columns of measured values: 1…`max` series. */
function valueColumns(rng: Rng, n: number, d: Dialect, max: number, taken: string[]): { name: string; cells: string[]; type: ColType }[] {
  const k = rng.int(1, max);
  return valueNames(rng, k, taken).map((name) => {
    const r = rng.next();
    if (r < 0.06) return { name, cells: Array.from({ length: n }, () => String(rng.int(0, 1))), type: 'number' as const };
    if (r < 0.1) return { name, cells: numberCells(rng, series(rng, n, 'counts'), d, true), type: 'number' as const };
    if (r < 0.13) {
      // formatted numbers: thousands separators, currency or percent
      const v = series(rng, n, 'price').map((x) => x * rng.pick([1, 1000, 12345]));
      const style = rng.pick(['$', '%', 'k']);
      return {
        name,
        cells: v.map((x) => {
          const t = d.decimalComma ? x.toFixed(2).replace('.', ',') : x.toLocaleString('en-US', { maximumFractionDigits: 2 });
          return style === '$' ? `$${t}` : style === '%' ? `${numText(x / 100, 1, d)}%` : t;
        }),
        type: 'number' as const,
      };
    }
    return { name, cells: numberCells(rng, series(rng, n), d), type: 'number' as const };
  });
}

/** A text column of categories (weather, regime, city…), sometimes with delimiters, quotes and line breaks inside. */
function textColumn(rng: Rng, n: number): { name: string; cells: string[]; type: ColType } {
  const vocab = rng.pick([
    ['sun', 'rain', 'fog', 'drizzle', 'snow'], ['Zürich', 'São Paulo', 'Köln'], ['low', 'mid', 'high'], ['ok'],
    ['a, b', 'say "hi"', 'two\nlines', 'plain'], ['A', 'B'], ['😀', '✓', '—'],
  ]);
  return { name: rng.pick(['weather', 'note', 'city', 'comment', 'regime_text', 'source', 'flag']), cells: Array.from({ length: n }, () => rng.pick(vocab)), type: 'text' };
}

/** Columns side by side into a sheet. */
function sheetOf(cols: { name: string; cells: string[]; type: ColType }[], header = true): Sheet {
  const n = cols[0]?.cells.length ?? 0;
  return {
    header: header ? cols.map((c) => c.name) : null,
    rows: Array.from({ length: n }, (_, r) => cols.map((c) => c.cells[r])),
    types: cols.map((c) => c.type),
  };
}

/** Moves columns around a little (time first, usually). */
function shuffleSome<T>(rng: Rng, xs: T[]): T[] {
  const out = xs.slice();
  if (rng.chance(0.2)) {
    for (let i = out.length - 1; i > 0; i--) {
      const j = rng.int(0, i);
      [out[i], out[j]] = [out[j], out[i]];
    }
  }
  return out;
}

// ── generators ────────────────────────────────────────────────────────────────────────────────────────────────────

/** One series: an optional index and time column, measured values, sometimes a text column. */
function genSeries(rng: Rng, d: Dialect, maxRows: number): Sheet {
  const n = Math.min(maxRows, rng.size(1, 300, 3000));
  const cols: { name: string; cells: string[]; type: ColType }[] = [];
  if (rng.chance(0.15)) {
    const r = rng.chance(0.5);
    cols.push({ name: rng.pick(['', 'Unnamed: 0', 'index', 'row']), cells: Array.from({ length: n }, (_, i) => String(r ? i + 1 : i)), type: 'number' });
  }
  if (rng.chance(0.85)) cols.push(timeColumn(rng, n, d));
  cols.push(...valueColumns(rng, n, d, 6, cols.map((c) => c.name)));
  if (rng.chance(0.15)) cols.push(textColumn(rng, n));
  return sheetOf(shuffleSome(rng, cols), rng.chance(0.93));
}

const TICKERS = ['MSFT', 'AAPL', 'IBM', 'AMZN', 'GOOG', 'XOM', 'GE', 'KO'];

/** Sessions: runs of rows keyed by an id (letters, codes, numbers, tickers) or by a date with an intraday clock. */
function genSessions(rng: Rng, d: Dialect, maxRows: number): Sheet {
  const K = rng.size(2, 40, 300);
  const maxLen = rng.pick([3, 10, 40, 120]);
  const lengths = Array.from({ length: K }, () => rng.int(1, maxLen));
  let total = lengths.reduce((a, b) => a + b, 0);
  while (total > maxRows && lengths.length > 2) total -= lengths.pop() as number;
  const style = rng.pick(['letters', 'codes', 'ints', 'randomInts', 'dates', 'tickers', 'quotedInts']);
  const idOf = (k: number): string => {
    switch (style) {
      case 'letters': return k < 26 ? String.fromCharCode(65 + k) : `${String.fromCharCode(65 + Math.floor(k / 26) - 1)}${String.fromCharCode(65 + (k % 26))}`;
      case 'codes': return `S${String(k + 1).padStart(4, '0')}`;
      case 'ints': case 'quotedInts': return String(k + 1);
      case 'randomInts': return String(1000 + ((k * 7919) % 9973));
      case 'tickers': return k < TICKERS.length ? TICKERS[k] : `T${k}`;
      default: return dateText(Date.UTC(2020, 0, 6) + k * DAY, rng.chance(0.5) ? 'iso' : 'mdy');
    }
  };
  const idName = style === 'dates' ? rng.pick(['date', 'Date', 'day']) : rng.pick(['session', 'id', 'subject', 'Subject', 'symbol', 'ticker', 'run', 'patient_id', 'device', 'group', 'Chick', 'key', 'sequence']);
  const idCells: string[] = [];
  const step: string[] = [];
  const clock: string[] = [];
  const label: string[] = [];
  const perSeq: string[] = [];
  const labels = rng.pick([['up', 'down'], ['a', 'b', 'c'], ['0', '1'], ['trending', 'mean-reverting'], ['walking', 'sitting', 'standing', 'lying']]);
  const stepBase = rng.pick([0, 1]);
  const perStepLabel = rng.chance(0.15);
  lengths.forEach((L, k) => {
    const cls = rng.pick(labels);
    const constant = numText(50 + 30 * rng.next(), 1, d);
    const open = rng.int(8, 10) * 60 + rng.pick([0, 30]);
    for (let i = 0; i < L; i++) {
      idCells.push(idOf(k));
      step.push(String(stepBase + i));
      const m = open + 5 * i;
      clock.push(`${pad2(Math.floor(m / 60) % 24)}:${pad2(m % 60)}`);
      label.push(perStepLabel ? rng.pick(labels) : cls);
      perSeq.push(constant);
    }
  });
  const n = idCells.length;
  const cols: { name: string; cells: string[]; type: ColType }[] = [{ name: idName, cells: idCells, type: style === 'dates' ? 'date' : style.includes('nts') ? 'number' : 'text' }];
  if (style === 'dates') cols.push({ name: rng.pick(['time', 'clock', 'hhmm']), cells: clock, type: 'date' });
  else if (rng.chance(0.6)) cols.push({ name: rng.pick(['step', 'minute', 't', 'Time', 'index']), cells: step, type: 'number' });
  cols.push(...valueColumns(rng, n, d, 4, cols.map((c) => c.name)));
  if (rng.chance(0.3)) cols.push({ name: rng.pick(['Wt', 'Dose', 'baseline']), cells: perSeq, type: 'number' });
  if (rng.chance(0.45)) cols.push({ name: rng.pick(['label', 'class', 'regime', 'kind', 'outcome', 'activity', 'y_class']), cells: label, type: labels[0] === '0' ? 'number' : 'text' });
  return sheetOf(shuffleSome(rng, cols), rng.chance(0.95));
}

/** Repeated measures: subjects measured at the same (jittered) times after a dose, with per-subject constants. */
function genRepeated(rng: Rng, d: Dialect, maxRows: number): Sheet {
  const K = rng.int(2, Math.max(2, Math.min(30, Math.floor(maxRows / 11))));
  const times = [0, 0.25, 0.5, 1, 2, 3.5, 5, 7, 9, 12, 24];
  const cols = { Subject: [] as string[], Wt: [] as string[], Dose: [] as string[], Time: [] as string[], conc: [] as string[] };
  for (let k = 0; k < K; k++) {
    const wt = numText(55 + 30 * rng.next(), 1, d);
    const dose = numText(3 + 3 * rng.next(), 2, d);
    const ka = 0.5 + rng.next();
    const ke = 0.05 + 0.1 * rng.next();
    for (const t0 of times) {
      const t = t0 === 0 ? 0 : t0 + 0.1 * rng.normal();
      cols.Subject.push(String(k + 1));
      cols.Wt.push(wt);
      cols.Dose.push(dose);
      cols.Time.push(numText(Math.max(0, t), 2, d));
      cols.conc.push(numText(Math.max(0, 10 * (Math.exp(-ke * t) - Math.exp(-ka * t)) + 0.2 * rng.normal()), 2, d));
    }
  }
  return sheetOf([
    { name: 'Subject', cells: cols.Subject, type: 'number' }, { name: 'Wt', cells: cols.Wt, type: 'number' }, { name: 'Dose', cells: cols.Dose, type: 'number' },
    { name: 'Time', cells: cols.Time, type: 'number' }, { name: 'conc', cells: cols.conc, type: 'number' },
  ]);
}

/** Year + period pairs: a year repeated over its quarters or months (numbers, names or codes), then values. */
function genYearPeriod(rng: Rng, d: Dialect, maxRows: number): Sheet {
  const months = rng.chance(0.5);
  const per = months ? 12 : 4;
  const years = Math.max(1, Math.min(rng.int(1, 40), Math.floor(maxRows / per)));
  const y0 = rng.int(1900, 2010);
  const style = rng.pick(months ? ['num', 'Mon', 'Month'] : ['num', 'Qn', 'Qtrn']);
  const year: string[] = [];
  const period: string[] = [];
  for (let y = 0; y < years; y++) {
    for (let p = 1; p <= per; p++) {
      year.push(String(y0 + y));
      period.push(style === 'num' ? String(p) : style === 'Mon' ? MON[p - 1] : style === 'Month' ? MONTH[p - 1] : style === 'Qn' ? `Q${p}` : `Qtr${p}`);
    }
  }
  const start = rng.int(0, per - 1);
  const cols = [
    { name: rng.pick(['year', 'Year', 'YEAR']), cells: year.slice(start), type: 'number' as const },
    { name: months ? rng.pick(['month', 'Month', 'mon']) : rng.pick(['quarter', 'qtr', 'Q']), cells: period.slice(start), type: (style === 'num' ? 'number' : 'text') as ColType },
  ];
  cols.push(...valueColumns(rng, year.length - start, d, 5, cols.map((c) => c.name)));
  return sheetOf(cols);
}

/** Names `prefix1` … `prefixN`. */
const numbered = (prefix: string, n: number): string[] => Array.from({ length: n }, (_, i) => `${prefix}${i + 1}`);

/** Wide files: a row per year (months or quarters across) or per entity (numbered steps or years across). */
function genWide(rng: Rng, d: Dialect, maxRows: number): Sheet {
  const kind = rng.pick(['months', 'quarters', 'numbered', 'years']);
  const rows = Math.max(1, Math.min(rng.size(1, 40, 120), Math.floor(maxRows / 4)));
  const periods = kind === 'months'
    ? (rng.chance(0.5) ? MON.map((m) => m.toUpperCase()) : rng.chance(0.5) ? MON : MONTH)
    : kind === 'quarters' ? (rng.chance(0.5) ? ['Q1', 'Q2', 'Q3', 'Q4'] : ['Qtr1', 'Qtr2', 'Qtr3', 'Qtr4'])
      : kind === 'numbered' ? numbered(rng.pick(['t', 'step_', 'x', 'T']), rng.int(4, 30))
        : Array.from({ length: rng.int(4, 40) }, (_, i) => String(1960 + i));
  const header: string[] = [];
  const types: ColType[] = [];
  const keyStyle = kind === 'years' ? 'entity' : kind === 'numbered' ? rng.pick(['entity', 'id']) : rng.pick(['year', 'year', 'quotedYear', 'none']);
  if (keyStyle === 'year' || keyStyle === 'quotedYear') {
    header.push(rng.pick(['YEAR', 'Year', '']));
    types.push('number');
  } else if (keyStyle === 'entity') {
    header.push('Country Name', 'Country Code');
    types.push('text', 'text');
  } else if (keyStyle === 'id') {
    header.push('id');
    types.push('number');
  }
  header.push(...periods);
  types.push(...periods.map(() => 'number' as const));
  const summary = kind === 'months' && rng.chance(0.3) ? rng.pick(['Annual', 'J-D', 'Total']) : null;
  if (summary) {
    header.push(summary);
    types.push('number');
  }
  const y0 = rng.int(1900, 2000);
  const s = series(rng, rows * periods.length);
  const digits = rng.pick([1, 2, 3]);
  const out: string[][] = [];
  for (let r = 0; r < rows; r++) {
    const row: string[] = [];
    if (keyStyle === 'year' || keyStyle === 'quotedYear') row.push(String(y0 + r));
    else if (keyStyle === 'entity') row.push(`Country ${r + 1}`, `C${pad2(r % 100)}${String.fromCharCode(65 + (r % 26))}`);
    else if (keyStyle === 'id') row.push(String(r + 1));
    let sum = 0;
    for (let p = 0; p < periods.length; p++) {
      const v = s[r * periods.length + p];
      sum += v;
      const empty = (kind === 'years' && rng.chance(0.1)) || (r === rows - 1 && p > periods.length / 2 && rng.chance(0.5));
      row.push(empty ? '' : numText(v, digits, d));
    }
    if (summary) row.push(numText(summary === 'Total' ? sum : sum / periods.length, digits, d));
    out.push(row);
  }
  return { header, rows: out, types };
}

/** Thousands of tiny sessions of 1–3 rows. */
function genTiny(rng: Rng, d: Dialect, maxRows: number): Sheet {
  const K = Math.max(2, Math.min(rng.chance(0.1) ? rng.int(3000, 8000) : rng.int(200, 2000), Math.floor(maxRows / 2)));
  const id: string[] = [];
  const x: string[] = [];
  const y: string[] = [];
  const codes = rng.chance(0.5);
  for (let k = 0; k < K; k++) {
    const L = 1 + (k * 7 + rng.int(0, 2)) % 3;
    for (let j = 0; j < L; j++) {
      id.push(codes ? `u${k}` : String(k));
      x.push(numText((k * 7 + j) % 11, 0, d));
      y.push(numText(rng.normal(), 3, d));
    }
  }
  return sheetOf([{ name: rng.pick(['s', 'session', 'user_id']), cells: id, type: codes ? 'text' : 'number' }, { name: 'x', cells: x, type: 'number' }, { name: 'v', cells: y, type: 'number' }]);
}

/** Degenerate files: one row, one column, all text, constant, empty columns, no header. */
function genDegenerate(rng: Rng, d: Dialect): Sheet {
  const kind = rng.pick(['oneRow', 'twoRows', 'oneColumn', 'allText', 'constant', 'emptyColumn', 'noHeader', 'oneCell', 'wideRow']);
  const n = kind === 'oneRow' || kind === 'oneCell' || kind === 'wideRow' ? 1 : kind === 'twoRows' ? 2 : rng.int(3, 60);
  switch (kind) {
    case 'oneColumn': return sheetOf([{ name: rng.pick(['value', 'y', 'Close']), cells: numberCells(rng, series(rng, n), d), type: 'number' }], rng.chance(0.7));
    case 'allText': return sheetOf([textColumn(rng, n), { name: 'who', cells: Array.from({ length: n }, () => rng.pick(['ann', 'bob'])), type: 'text' }]);
    case 'constant': return sheetOf([{ name: 't', cells: Array.from({ length: n }, (_, i) => String(i)), type: 'number' }, { name: 'v', cells: Array(n).fill(numText(rng.pick([0, 5, 1e300]), 1, d)), type: 'number' }]);
    case 'emptyColumn': return sheetOf([{ name: 'v', cells: numberCells(rng, series(rng, n), d), type: 'number' }, { name: 'blank', cells: Array(n).fill(''), type: 'number' }]);
    case 'noHeader': return sheetOf([{ name: '', cells: numberCells(rng, series(rng, n), d), type: 'number' }, { name: '', cells: numberCells(rng, series(rng, n), d), type: 'number' }], false);
    case 'oneCell': return sheetOf([{ name: 'v', cells: [numText(rng.normal(), 2, d)], type: 'number' }], rng.chance(0.5));
    case 'wideRow': return sheetOf(Array.from({ length: rng.int(2, 50) }, (_, i) => ({ name: `c${i}`, cells: [numText(i, 0, d)], type: 'number' as const })));
    default: return sheetOf([timeColumn(rng, n, d), ...valueColumns(rng, n, d, 3, [])]);
  }
}

/** The real corpus: files read once, split into cells by a splitter of this file's own (not the project's reader). */
interface RealFile {
  name: string;
  sheet: Sheet;
  dialect: Dialect;
}
let realFiles: RealFile[] | null = null;
const REAL_DIR = new URL('../fixtures/real/', import.meta.url).pathname;

/** RFC 4180 records of a text (quotes, `""`, line breaks inside quotes; unquoted cells trimmed; blank lines skipped). */
function splitRecords(text: string, delimiter: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  let inQuotes = false;
  const endCell = (): void => {
    row.push(quoted ? cell : cell.trim());
    cell = '';
    quoted = false;
  };
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (inQuotes) {
      if (ch !== '"') cell += ch;
      else if (text[i + 1] === '"') {
        cell += '"';
        i++;
      } else inQuotes = false;
    } else if (ch === '"' && cell.trim() === '') {
      inQuotes = true;
      quoted = true;
      cell = '';
    } else if (ch === delimiter) endCell();
    else if (ch === '\n') {
      const wasQuoted = quoted;
      endCell();
      if (row.length > 1 || row[0] !== '' || wasQuoted) rows.push(row);
      row = [];
    } else if (ch !== '\r') cell += ch;
  }
  if (cell !== '' || row.length > 0) {
    endCell();
    rows.push(row);
  }
  return rows;
}

function loadReal(): RealFile[] {
  if (realFiles) return realFiles;
  realFiles = readdirSync(REAL_DIR).filter((f) => f.endsWith('.csv')).sort().map((f) => {
    const raw = readFileSync(join(REAL_DIR, f), 'utf8');
    const table = parseCsvText(raw, f);
    const text = raw.replace(/^\uFEFF/, '');
    const records = splitRecords(text, table.delimiter);
    const types = table.columns.map((c): ColType => (c.kind === 'numeric' ? 'number' : c.kind === 'date' ? 'date' : 'text'));
    return {
      name: f,
      sheet: { header: table.hasHeader ? records[0] : null, rows: table.hasHeader ? records.slice(1) : records, types },
      dialect: {
        delimiter: table.delimiter, decimalComma: table.decimalComma, eol: raw.includes('\r\n') ? '\r\n' : '\n', bom: raw.startsWith('\uFEFF'),
        quote: raw.includes('"') ? 'text' : 'minimal', blankLines: 0, pad: false, finalNewline: raw.endsWith('\n'),
      },
    };
  });
  return realFiles;
}

function genReal(rng: Rng, d: Dialect, maxRows: number): { sheet: Sheet; dialect: Dialect; source: string } {
  const files = loadReal();
  const f = rng.pick(files);
  const rows = f.sheet.rows.length > maxRows ? f.sheet.rows.slice(0, maxRows) : f.sheet.rows;
  const sheet: Sheet = { header: f.sheet.header ? f.sheet.header.slice() : null, rows: rows.map((r) => r.slice()), types: f.sheet.types.slice() };
  const dialect: Dialect = { ...f.dialect, eol: rng.chance(0.3) ? d.eol : f.dialect.eol, bom: rng.chance(0.1) ? !f.dialect.bom : f.dialect.bom, blankLines: d.blankLines };
  return { sheet, dialect, source: f.name };
}

// ── mutations ─────────────────────────────────────────────────────────────────────────────────────────────────────

/** Tokens that are no number in any spelling the reader knows, nor a missing marker. */
const BAD_NUMBERS = [
  'abc', 'x', 'oops', 'n.a', '#ERR', 'TRUE', 'error', '1.2.3', '1e999', '-1e999', '12a', '1..2', '+-1', '0x1F', 'Infinity', '-inf',
  '∞', 'l00', '10O78', '3,4,5', '5 kg', '?!', '2024-01-02', 'Jan 2020', '12:30', 'pending', '½', 'NaN%', 'O', 'e5',
];
/** Tokens that are no date (some of them numbers). */
const BAD_DATES = ['abc', 'unknown', '2024-13-45', '31/31/2020', 'yesterday', '12345', '1.5', 'TBD', '2024-02-30', '#N/A!', 'Q5 2020'];
const MARKERS = ['', '', '', 'NA', '.', 'null', 'N/A', '-', '--', '?', 'NaN', '#N/A', 'missing'];

/** Whether a token is bad in a numeric column of the dialect (no number, no formatted number, no missing marker). */
function badNumber(token: string, d: Dialect): boolean {
  const code = d.decimalComma ? 44 : 46;
  const v = cellNumber(token, code);
  const f = formattedNumber(token, code);
  return token.trim() !== '' && !MISSING_MARKERS.has(token) && !(v - v === 0) && !(f - f === 0);
}

/** Whether a token is bad in a date column. */
function badDate(token: string): boolean {
  return token.trim() !== '' && !MISSING_MARKERS.has(token) && Number.isNaN(parseDateCell(token)) && Number.isNaN(parseDateCell(token, true));
}

/** Applies random mutations to a sheet; returns their names, the injections and whether a cell was deleted or added. */
function mutate(rng: Rng, sheet: Sheet, d: Dialect, cols: number): { names: string[]; injections: Injection[]; ragged: boolean } {
  const names: string[] = [];
  const injections: Injection[] = [];
  const numericCols = sheet.types.flatMap((t, j) => (t === 'number' ? [j] : []));
  const dateCols = sheet.types.flatMap((t, j) => (t === 'date' ? [j] : []));
  const rows = sheet.rows;
  const numberCell = (v: number): string => numText(v, -1, d);
  if (rows.length > 2 && rng.chance(0.1)) {
    names.push('swapRows');
    const a = rng.int(0, rows.length - 1);
    const b = rng.int(0, rows.length - 1);
    [rows[a], rows[b]] = [rows[b], rows[a]];
  }
  if (rows.length > 2 && rng.chance(0.05)) {
    names.push('dupRow');
    const a = rng.int(0, rows.length - 1);
    rows.splice(a, 0, rows[a].slice());
  }
  if (rows.length > 2 && rng.chance(0.05)) {
    names.push('fewRows');
    rows.splice(rng.int(1, 2));
  }
  if (numericCols.length && rng.chance(0.08)) {
    names.push('huge');
    const j = rng.pick(numericCols);
    const mode = rng.pick(['scale', 'cells', 'max']);
    for (const r of rows) {
      if (mode === 'scale') r[j] = numberCell((rng.next() - 0.5) * 1e300 * rng.pick([1, 10, 100]));
      else if (mode === 'max') r[j] = numberCell(rng.pick([1.7976931348623157e308, -1.7976931348623157e308, 1e308, -1e308, 5e-324, 0]));
      else if (rng.chance(0.2)) r[j] = numberCell(rng.pick([1e300, -1e308, 1.7976931348623157e308, 1e-300, 4.9e-324]));
    }
  }
  if (numericCols.length && rng.chance(0.04)) {
    names.push('tiny');
    const j = rng.pick(numericCols);
    for (const r of rows) r[j] = numberCell(rng.normal() * 1e-300);
  }
  if (numericCols.length && rng.chance(0.07)) {
    names.push('constant');
    const j = rng.pick(numericCols);
    const v = rows[0]?.[j] ?? '1';
    for (const r of rows) r[j] = v;
  }
  if (cols > 0 && rng.chance(0.3)) {
    names.push('missing');
    const j = rng.int(0, cols - 1);
    const share = rng.pick([0.01, 0.05, 0.2, 0.6]);
    const marker = rng.pick(MARKERS);
    for (const r of rows) if (rng.chance(share)) r[j] = rng.chance(0.7) ? marker : rng.pick(MARKERS);
  }
  if (sheet.header && rows.length > 3 && rng.chance(0.03)) {
    // a file concatenated from two exports: the header again, as a data row
    names.push('repeatHeader');
    const at = rng.int(1, rows.length - 1);
    rows.splice(at, 0, sheet.header.slice());
    for (const j of numericCols) if (badNumber(sheet.header[j], d)) injections.push({ row: at, column: j, token: sheet.header[j], original: '', kind: 'numeric', line: 0 });
    for (const j of dateCols) if (badDate(sheet.header[j])) injections.push({ row: at, column: j, token: sheet.header[j], original: '', kind: 'date', line: 0 });
  }
  // a cell deleted or duplicated (before any token is injected, so that none is lost with it)
  let ragged = false;
  // (not the first record of a file without a header: the reader measures every other record against it)
  if (cols > 1 && rows.length > (sheet.header ? 0 : 1) && rng.chance(0.06)) {
    const r = rows[rng.int(sheet.header ? 0 : 1, rows.length - 1)];
    const j = rng.int(0, r.length - 1);
    if (rng.chance(0.5)) {
      names.push('deleteCell');
      r.splice(j, 1);
    } else {
      names.push('duplicateCell');
      r.splice(j, 0, r[j]);
    }
    ragged = true;
  }
  const inject = (kind: 'numeric' | 'date', candidates: number[], tokens: string[], ok: (t: string) => boolean): void => {
    if (candidates.length === 0 || rows.length === 0) return;
    const j = rng.pick(candidates);
    const at = rng.chance(0.15) ? 0 : rng.chance(0.1) ? rows.length - 1 : rng.int(0, rows.length - 1);
    if (injections.some((x) => x.row === at && x.column === j)) return;
    const token = rng.pick(tokens);
    const original = rows[at][j];
    rows[at][j] = token;
    names.push(kind === 'numeric' ? 'inject' : 'injectDate');
    // a word atop the numbers of a file without a header is its header
    if (ok(token) && (sheet.header !== null || at > 0)) injections.push({ row: at, column: j, token, original, kind, line: 0 });
  };
  if (rng.chance(0.45)) inject('numeric', numericCols, BAD_NUMBERS, (t) => badNumber(t, d));
  if (rng.chance(0.08)) inject('numeric', numericCols, BAD_NUMBERS, (t) => badNumber(t, d));
  if (rng.chance(0.12)) inject('date', dateCols, BAD_DATES, badDate);
  return { names, injections, ragged };
}

// ── writing ───────────────────────────────────────────────────────────────────────────────────────────────────────

/** Writes a sheet in a dialect; `layoutSeed` decides blank lines and padding, so that variants of a sheet line up. */
function writeSheet(sheet: Sheet, d: Dialect, layoutSeed: number, cut: number | null): { text: string; rowLines: number[]; recordLines: number[]; cutRow: number } {
  const rng = new Rng(layoutSeed);
  const records = sheet.header ? [sheet.header, ...sheet.rows] : sheet.rows;
  const blanks = new Map<number, number>();
  for (let b = 0; b < d.blankLines; b++) {
    const k = rng.int(0, records.length);
    blanks.set(k, (blanks.get(k) ?? 0) + 1);
  }
  const lastRecord = cut === null ? records.length - 1 : Math.min(records.length - 1, Math.floor(cut * records.length));
  const out: string[] = [];
  const recordLines: number[] = [];
  let line = 1;
  for (let k = 0; k <= records.length; k++) {
    for (let b = blanks.get(k) ?? 0; b > 0; b--) {
      out.push(rng.chance(0.5) ? '' : ' \t ');
      line++;
    }
    if (k === records.length || k > lastRecord) break;
    const text = records[k].map((c, j) => {
      const type = k === 0 && sheet.header ? 'text' : sheet.types[j] ?? 'text';
      const must = c.includes(d.delimiter) || c.includes('"') || c.includes('\n') || c.includes('\r') || c !== c.trim();
      if (must || d.quote === 'all' || (d.quote === 'text' && type !== 'number' && c !== '')) return `"${c.replace(/"/g, '""')}"`;
      return d.pad && rng.chance(0.3) ? ` ${c}  ` : c;
    }).join(d.delimiter);
    recordLines.push(line);
    line += text.split('\n').length;
    out.push(k === lastRecord && cut !== null ? text.slice(0, Math.floor(rng.next() * text.length)) : text);
  }
  let text = out.join(d.eol);
  if (d.finalNewline && cut === null) text += d.eol;
  if (d.bom) text = `\uFEFF${text}`;
  const offset = sheet.header ? 1 : 0;
  return { text, rowLines: recordLines.slice(offset), recordLines, cutRow: lastRecord - offset };
}

// ── cases ─────────────────────────────────────────────────────────────────────────────────────────────────────────

const GENERATORS: [string, number][] = [
  ['series', 30], ['sessions', 20], ['repeated', 5], ['yearPeriod', 7], ['wide', 9], ['tiny', 3], ['degenerate', 8], ['real', 18],
];

/** Case `index` of master seed `seed` (at most `maxRows` data rows, except thousands of tiny sessions when allowed). */
export function makeCase(seed: number, index: number, options: { maxRows?: number } = {}): FuzzCase {
  const s = caseSeed(seed, index);
  const rng = new Rng(s);
  const maxRows = options.maxRows ?? 20000;
  const total = GENERATORS.reduce((a, [, w]) => a + w, 0);
  let pick = rng.next() * total;
  let generator = GENERATORS[0][0];
  for (const [g, w] of GENERATORS) {
    pick -= w;
    if (pick < 0) {
      generator = g;
      break;
    }
  }
  let d = randomDialect(rng);
  let sheet: Sheet;
  let source = '';
  switch (generator) {
    case 'series': sheet = genSeries(rng, d, maxRows); break;
    case 'sessions': sheet = genSessions(rng, d, maxRows); break;
    case 'repeated': sheet = genRepeated(rng, d, maxRows); break;
    case 'yearPeriod': sheet = genYearPeriod(rng, d, maxRows); break;
    case 'wide': sheet = genWide(rng, d, maxRows); break;
    case 'tiny': sheet = genTiny(rng, d, maxRows); break;
    case 'degenerate': sheet = genDegenerate(rng, d); break;
    default: {
      const r = genReal(rng, d, maxRows);
      sheet = r.sheet;
      d = r.dialect;
      source = r.source.replace(/\.csv$/, '');
    }
  }
  const cols = sheet.header?.length ?? sheet.rows[0]?.length ?? 0;
  const m = mutate(rng, sheet, d, cols);
  const cut = rng.chance(0.04) ? rng.next() : null;
  if (cut !== null) m.names.push('truncate');
  const layoutSeed = rng.int(0, 2 ** 31);
  const written = writeSheet(sheet, d, layoutSeed, cut);
  const injections = m.injections.filter((x) => x.row < written.cutRow || (cut === null && x.row <= written.cutRow));
  for (const x of injections) x.line = written.rowLines[x.row];
  const variant = (restore: readonly Injection[], emptied: Injection | null): string => {
    const rows = sheet.rows.map((r) => r.slice());
    for (const x of restore) rows[x.row][x.column] = x.original;
    if (emptied) rows[emptied.row][emptied.column] = '';
    return writeSheet({ ...sheet, rows }, d, layoutSeed, cut).text;
  };
  // a record of empty cells that looks blank (one field, or tab-separated) is skipped
  const all = sheet.header ? [sheet.header, ...sheet.rows] : sheet.rows;
  const blank = (r: string[]): boolean => d.quote !== 'all' && (r.length === 1 || d.delimiter === '\t') && r.every((x) => x.trim() === '');
  const kept = all.flatMap((r, k) => (blank(r) ? [] : [{ cells: r, line: written.recordLines[k] }]));
  let raggedLine: number | null = null;
  let expect: FuzzCase['expect'] = null;
  if (m.ragged && cut === null) {
    const k = kept.findIndex((r) => r.cells.length !== kept[0].cells.length);
    if (k > 0) raggedLine = kept[k].line;
  } else if (cut === null && kept.length > 0) {
    expect = { header: sheet.header !== null, width: kept[0].cells.length, decimalComma: d.decimalComma, types: sheet.types, rows: kept.slice(sheet.header ? 1 : 0) };
  }
  const kindName = source ? `real-${source}` : generator;
  return {
    index, generator: kindName, mutations: m.names, name: `case-${index}-${kindName}.csv`, text: written.text,
    variant,
    injections, raggedLine, expect, settingsSeed: rng.int(0, 2 ** 31), rows: sheet.rows.length, cells: sheet.rows.length * Math.max(1, cols),
  };
}

// ── settings ──────────────────────────────────────────────────────────────────────────────────────────────────────

/** Data settings drawn for a table: none at all half the time, else policies, roles, layout, windows, splits. */
export function drawSettings(seed: number, table: CsvTable): DataSettings {
  const rng = new Rng(seed);
  const s: DataSettings = {};
  if (rng.chance(0.45)) return s;
  const names = table.columns.map((c) => c.name);
  const numeric = table.columns.filter((c) => c.kind === 'numeric').map((c) => c.name);
  const some = (from: string[], max: number): string[] => {
    const out: string[] = [];
    for (let k = rng.int(1, max); k > 0 && from.length; k--) {
      const n = rng.pick(from);
      if (!out.includes(n)) out.push(n);
    }
    return out;
  };
  if (rng.chance(0.45)) s.missing = rng.pick(['drop', 'ffill', 'interpolate', 'error'] as const);
  if (rng.chance(0.15) && names.length) s.features = some(rng.chance(0.85) && numeric.length ? numeric : names, 4);
  if (rng.chance(0.15) && names.length) s.targets = some(rng.chance(0.85) && numeric.length ? numeric : names, 2);
  if (rng.chance(0.06)) s.sequenceId = rng.chance(0.3) ? null : rng.pick(names);
  if (rng.chance(0.04)) s.label = rng.chance(0.3) ? null : rng.pick(names);
  if (rng.chance(0.04)) s.time = rng.chance(0.3) ? null : rng.pick(names);
  if (rng.chance(0.08)) s.task = rng.pick(['next-step', 'regress', 'classify'] as const);
  if (rng.chance(0.1)) s.layout = rng.pick(['long', 'wide'] as const);
  if (rng.chance(0.15)) s.window = rng.chance(0.5) ? { length: rng.int(1, 40) } : { length: rng.int(1, 40), stride: rng.int(1, 12) };
  if (rng.chance(0.1)) s.validation = rng.pick([0.05, 0.1, 0.3, 0.5, 0.85]);
  if (rng.chance(0.1)) s.split = rng.pick(['time', 'sequence'] as const);
  if (rng.chance(0.05) && numeric.length) s.transforms = { [rng.pick(numeric)]: rng.pick(['none', 'diff', 'returns', 'log-returns'] as const) };
  return s;
}

// ── checks ────────────────────────────────────────────────────────────────────────────────────────────────────────

/** What one run of the pipeline gave. */
interface Run {
  table: CsvTable | null;
  resolved: ResolvedData | null;
  ds: Dataset | null;
  error: unknown;
}

function pipeline(text: string, name: string, settingsSeed: number): Run {
  const run: Run = { table: null, resolved: null, ds: null, error: null };
  try {
    run.table = parseCsvText(text, name);
    run.resolved = resolveData(run.table, drawSettings(settingsSeed, run.table));
    run.ds = buildDataset(run.resolved.table, run.resolved.spec);
  } catch (e) {
    run.error = e;
  }
  return run;
}

/** The line numbers a message names (`line 12`, `lines 3, 5`, `also at lines 7 (MAR), 9, …`). */
function linesNamed(message: string): Set<number> {
  const out = new Set<number>();
  for (const m of message.matchAll(/\blines? ((?:\d+(?: \([^)]*\))?(?:, |(?=\D)|$))+)/g)) {
    for (const n of m[1].matchAll(/(?:^|, )(\d+)/g)) out.add(Number(n[1]));
  }
  return out;
}

/** A message without the note on the file's bad cells that `buildDataset` adds to errors not about one cell. */
const withoutNote = (message: string): string => message.replace(/ \(the file has [\d,]+ bad cells?, which may be why: .*\)$/s, '');

/** The kind of a thrown value: one of the project's errors, or a crash. */
function errorKind(e: unknown): 'CsvError' | 'DataError' | 'ExperimentError' | 'crash' {
  if (e instanceof CsvError) return 'CsvError';
  if (e instanceof DataError) return 'DataError';
  if (e instanceof ExperimentError) return 'ExperimentError';
  return 'crash';
}

/** The outcome of one case: its kind (ok or the error's), and every broken promise. */
export interface Outcome {
  index: number;
  kind: 'ok' | 'CsvError' | 'DataError' | 'ExperimentError' | 'crash';
  failures: string[];
  ms: number;
  /** Injected bad tokens whose column was numeric (or dates) by its other cells. */
  checkedInjections: number;
}

const finite = (v: number): boolean => v - v === 0;

/** Runs a case through the data layer and checks every promise of the product requirement. */
export function checkCase(c: FuzzCase): Outcome {
  const t0 = performance.now();
  const failures: string[] = [];
  const fail = (what: string): void => void failures.push(what);
  const run = pipeline(c.text, c.name, c.settingsSeed);
  const ms = performance.now() - t0;
  const lineCount = c.text.split('\n').length;
  const kind = run.error === null ? 'ok' : errorKind(run.error);
  const message = run.error instanceof Error ? run.error.message : String(run.error);

  // only the project's own errors, naming the file and real lines
  if (kind === 'crash') fail(`crash: ${run.error instanceof Error ? run.error.stack : String(run.error)}`);
  else if (run.error instanceof Error) {
    if (!message.includes(c.name)) fail(`${kind} does not name the file: ${message}`);
    if (/\n\s+at /.test(message)) fail(`${kind} message holds a stack trace`);
    const line = (run.error as { line?: number | null }).line ?? null;
    if (line !== null && !(Number.isInteger(line) && line >= 1 && line <= lineCount)) fail(`${kind} names line ${line}, the file has ${lineCount}: ${message}`);
    if (line !== null && kind === 'DataError' && !linesNamed(message).has(line)) fail(`DataError carries line ${line} but its message does not say it: ${message}`);
  }

  // a deleted or duplicated cell stops the run at that line
  if (c.raggedLine !== null && !(run.error instanceof CsvError && run.error.line === c.raggedLine)) {
    fail(`ragged line ${c.raggedLine} not reported: ${kind === 'ok' ? 'no error' : message}`);
  }

  // every record read, at its line, every plain number exactly (a whole, rectangular file read with its header); one
  // record, or one column without a header, is ambiguous (`0,85` may be two numbers), and so are one column's numbers
  // with three decimals (`"98,456"`: 98456 in a comma-separated file)
  const e = c.expect;
  const t = run.table;
  if (t && e && t.hasHeader === e.header && (e.header || (e.width > 1 && e.rows.length > 1))) {
    if (t.rowCount !== e.rows.length || t.columns.length !== e.width) fail(`read ${t.rowCount} rows of ${t.columns.length} columns; written ${e.rows.length} of ${e.width}`);
    else {
      const plain = e.decimalComma ? /^[+-]?\d+(,\d+)?(e[+-]?\d+)?$/i : /^[+-]?\d+(\.\d+)?(e[+-]?\d+)?$/i;
      const wrong: string[] = [];
      e.rows.forEach((row, r) => {
        if (t.lineOf(r) !== row.line) wrong.push(`row ${r} at line ${t.lineOf(r)}, written at ${row.line}`);
        t.columns.forEach((col, j) => {
          const cell = row.cells[j];
          if (col.kind !== 'numeric' || e.types[j] !== 'number' || !plain.test(cell) || (e.width === 1 && t.decimalComma !== e.decimalComma)) return;
          const want = Number(cell.replace(',', '.'));
          const got = (col.values as Float64Array)[r];
          // NaN is a bad cell, counted and named; another number is a silent misreading
          if (got === got && got !== want && Number.isFinite(want)) wrong.push(`line ${row.line}, column ${JSON.stringify(col.name)}: "${cell}" read as ${got}`);
        });
      });
      if (wrong.length) fail(`read wrong: ${wrong.slice(0, 3).join('; ')}${wrong.length > 3 ? ` (${wrong.length} in all)` : ''}`);
    }
  }

  // nothing non-finite reaches the engine
  if (run.ds) {
    const ds = run.ds;
    const F = ds.model.inputSize;
    const perStep = ds.model.loss === 'mse' ? ds.model.outputSize : 1;
    const K = ds.classes?.length ?? 0;
    for (const [split, samples] of [['train', ds.train], ['validation', ds.validation]] as const) {
      samples.forEach((s, i) => {
        if (s.x.length === 0 || s.x.length % F !== 0) fail(`${split}[${i}].x has ${s.x.length} values for ${F} inputs`);
        const steps = s.x.length / F;
        const want = ds.model.readout === 'every' ? steps * perStep : perStep;
        if (s.y.length !== want) fail(`${split}[${i}].y has ${s.y.length} values, expected ${want}`);
        for (const v of s.x) if (!finite(v)) return void fail(`${split}[${i}].x holds ${v}`);
        for (const v of s.y) {
          if (!finite(v)) return void fail(`${split}[${i}].y holds ${v}`);
          if (ds.task === 'classify' && !(Number.isInteger(v) && v >= 0 && v < K)) return void fail(`${split}[${i}].y holds class ${v} of ${K}`);
        }
      });
    }
    if (!finite(ds.baseline.loss)) fail(`baseline loss ${ds.baseline.loss}`);
    for (const [k, a] of Object.entries(ds.scaler)) for (const v of a as number[]) if (!finite(v) || (k.endsWith('Std') && !(v > 0))) fail(`scaler ${k} holds ${v}`);
    if (ds.train.length === 0 || ds.validation.length === 0) fail('a dataset without training or validation samples');
  }

  // no silent drops: a bad token in a numeric (or date) column is named, or its column is unused and its reason says so
  const eligible = c.injections.flatMap((x) => {
    let control: CsvTable;
    try {
      control = parseCsvText(c.variant([], x), c.name);
    } catch {
      return [];
    }
    const want = control.columns[x.column];
    if (!want || want.kind !== x.kind) return [];
    // one cell against one: a date-like token atop one number (or a number atop one date) may be read either way
    let valid = 0;
    for (const v of want.values ?? []) if (v === v) valid++;
    const otherKind = x.kind === 'numeric' ? !Number.isNaN(parseDateCell(x.token)) : finite(cellNumber(x.token, 44)) || finite(cellNumber(x.token, 46));
    if (otherKind && valid < 2) return [];
    // the other cells make it numeric when most of them are numbers, so that one more bad cell leaves it numeric
    if (want.invalid >= valid) return [];
    // so is a header above one or two rows, one of them bad
    if (run.table && run.table.hasHeader !== control.hasHeader && control.rowCount <= 2) return [];
    return [{ x, want }];
  });
  const named = linesNamed(message);
  let unrelated: boolean | null = null;
  for (const { x, want } of eligible) {
    const where = `bad token "${x.token}" at line ${x.line} in column ${JSON.stringify(want.name)} (${x.kind})`;
    const col = run.table?.columns[x.column];
    if (run.table && col) {
      if (col.kind !== want.kind) fail(`${where}: the column became ${col.kind}`);
      else if (col.invalid <= 5 && !col.invalidCells.some((b) => b.line === x.line && b.value === x.token)) fail(`${where}: not among the column's bad cells ${JSON.stringify(col.invalidCells)}`);
    }
    // unused, and its reason names the bad cell: told, not dropped in silence
    const r = run.resolved;
    let name = want.name;
    if (r?.layout && r.layout.periods.includes(name)) name = r.table.columns[r.table.columns.length - 1].name;
    const summary = !!r?.layout && r.layout.summaries.includes(name);
    const target = !!r && r.spec.task !== 'classify' && r.spec.roles.targets.includes(name);
    const used = !!r && (r.spec.roles.features.includes(name) || target);
    const reason = r?.suggestion.reasons[name] ?? '';
    const first = r?.table.columns.find((k) => k.name === name)?.invalidCells[0];
    const told = summary || (!!r && !used && /bad cell/.test(reason) && (first?.line !== x.line || reason.includes(`line ${x.line}`)));
    if (run.error !== null) {
      if (c.injections.some((y) => named.has(y.line)) || told) continue;
      if (unrelated === null) {
        // the same error without these tokens (the others kept): not theirs
        const clean = pipeline(c.variant(eligible.map((e) => e.x), null), c.name, c.settingsSeed);
        unrelated = clean.error instanceof Error && withoutNote(clean.error.message) === withoutNote(message);
      }
      if (!unrelated) fail(`${where}: the run stopped without naming the line: ${message}`);
    } else if (used) fail(`${where}: used as ${target ? 'a target' : 'a feature'} without an error`);
    else if (!told) fail(`${where}: silently dropped — role ${roleOf(r as ResolvedData, name)}, reason ${JSON.stringify(reason)}`);
  }
  return { index: c.index, kind, failures, ms, checkedInjections: eligible.length };
}

/** The role a column has in a resolution, in words. */
function roleOf(r: ResolvedData, name: string): string {
  const roles = r.spec.roles;
  return roles.sequenceId === name ? 'sequence id' : roles.time === name ? 'time' : roles.label === name ? 'label' : 'unused';
}

/** A short, reproducible description of a case for failure messages. */
export function describeCase(c: FuzzCase, seed: number): string {
  const head = c.text.length > 600 ? `${c.text.slice(0, 600)}…` : c.text;
  return `case ${c.index} (${c.generator}; ${c.mutations.join(', ') || 'no mutation'}; FUZZ_SEED=${seed} FUZZ_ONLY=${c.index}):\n${JSON.stringify(head)}`;
}
