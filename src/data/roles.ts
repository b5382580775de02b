/**
 * Column roles: features (numeric inputs), target(s), sequence id (consecutive rows with one id form one sequence),
 * per-sequence label, and a time axis (kept for plots, never fed to the model). Suggested from the values first and
 * the names second; every decision carries its reason, in plain words.
 *
 * The order of decisions:
 * 1. Groupings: columns whose values come in runs of consecutive equal cells, each value in one run (an id, a date
 *    repeated over a session's rows, a year repeated over its quarters). The finest grouping is examined first: with
 *    a calendar part inside it that carries on across its boundaries (quarter 4 → 1 of the next year, 23:50 → 00:00 of
 *    the next day) the pair is one time axis; otherwise it is the sequence id (a date over intraday rows whose clock
 *    restarts each morning is a session id). Coarser groupings constant within each sequence are label candidates.
 * 2. Time axes, by their values: dates and date-times in any common spelling, row counters (any constant step, also
 *    restarting in every sequence), years, decimal years, YYYYMMDD and YYYYMM integers, Unix times in s or ms, times
 *    of day (text or hhmm), calendar parts (month, quarter, hour, …). One becomes the plot axis, the others are
 *    ignored with a reason; none is ever a feature or target by default.
 * 3. A label: a column named like one, or a category constant within each sequence (a candidate: recorded, used when
 *    the task is classification).
 * 4. Measured variables: every other numeric column. Named targets (`target`, `y`, …) make a regression; otherwise the
 *    measured variables are forecast one step ahead (up to eight, in file order), 0/1 indicators and per-sequence
 *    constants stay inputs only, constant columns are left out.
 */
import {
  boundariesWithin, constantWithin, distinctCount, keyAt, orderOf, runCount, runStarts, summarize, uniqueRuns,
  type Order, type ValueSummary,
} from './columnStats';
import { monthOfName } from './csvDates';
import type { CsvColumn, CsvTable } from './csvTypes';

/** The roles of a table's columns, by column name. */
export interface ColumnRoles {
  features: string[];
  targets: string[];
  sequenceId: string | null;
  label: string | null;
  time: string | null;
}

/** What a time column measures. */
export type TimeKind =
  | 'date' | 'datetime' | 'month' | 'quarter' | 'time of day' | 'year' | 'decimal year' | 'YYYYMMDD' | 'YYYYMM'
  | 'Unix seconds' | 'Unix milliseconds' | 'row counter' | 'counter within each sequence' | 'time within each sequence'
  | 'calendar part';

/** The time axis found: its columns (the plot axis first) and what they measure. */
export interface TimeAxis {
  columns: string[];
  kind: TimeKind;
  /** Plain words, e.g. "monthly dates 1949-01 … 1960-12" or "year and quarter". */
  description: string;
}

/** Suggested roles with a plain-words reason per column, and the task they point to. */
export interface RoleSuggestion extends ColumnRoles {
  reasons: Record<string, string>;
  /**
   * classify when a column is named as the label (or nothing else can be learned); regress when a column is named as
   * the target; else next-step prediction of the measured variables.
   */
  task: 'next-step' | 'regress' | 'classify';
  timeAxis: TimeAxis | null;
  /** Label candidates besides the chosen label (categories constant within each sequence). */
  labelCandidates: string[];
  /** Why the targets are these (several measured variables, a named target, …). */
  targetReason: string;
}

/** Named as the answer: predicted from the other columns, never an input. */
const TARGET_NAMES = /^(target|targets|y|target_.+|.+_target|response|outcome_value|label_value)$/i;
/** Named as the series of interest among several measured columns (the close among open/high/low/close). */
const SERIES_NAMES = /^(close|adj[ _.]?close|adjclose|close\/last|price|last|value|values)$/i;
/** Named like a class label. */
const LABEL_NAMES = /(^label$|^labels$|_label$|^label_|^class$|_class$|^class_|^y_class|^outcome$|^regime$|^category$|^kind$|^diagnosis$|^type$|^status$|^activity$|^state$)/i;
/** Named like an identifier. */
const ID_NAMES = /(^id$|_id$|^id_|id$|session|patient|^seq|sequence|series|group|ticker|symbol|subject|^run$|episode|device|sensor|^unit$|station|^site$|^name$|^country|^region|^state$|^city|^code$|individual|animal|plant|tree|^chick$|^seed$|^rat$|^dog$|^person|participant|user|customer|store|^item)/i;
/** Named like a time column. */
const TIME_NAMES = /(^(t|ts|dt|date|time|timestamp|datetime|day|days|period|step|steps|minute|minutes|min|second|seconds|sec|hour|hours|hr|tick|bar|index|idx|year|years|yr|month|months|mon|quarter|qtr|q|week|weeks|wk|weekday|dow|doy|obs|observation|row|rownum|n|no|nr|num|#|unnamed: 0|x)$)|date|time|_ts$|_step$|year|month/i;
const MONTH_NAMES = /^(month|months|mon|mo|m|mth)$/i;
const QUARTER_NAMES = /^(quarter|qtr|q|qr)$/i;
const HOUR_NAMES = /^(hour|hours|hr|hh|h)$/i;
const DAY_NAMES = /^(day|days|dom|dd|d|mday|day[ _.]?of[ _.]?month|date[ _.]?of[ _.]?month|dayofmonth)$/i;
const YEAR_NAMES = /^(year|years|yr|yyyy|yy|fiscal_year)$/i;
/** A coarse unit of time that a calendar part can run inside. */
const COARSE_TIME_NAMES = /^(year|years|yr|yyyy|day|days|doy|day_of_year|dayofyear|month|months|mon|date)$/i;
/** A day of the week: 1–7 or 0–6. */
const WEEKDAY_NAMES = /^(weekday|wday|dow|day[ _.]?of[ _.]?week|dayofweek)$/i;

const DAY_MS = 86400000;
/** Q1, qtr 2, Quarter3, 4Q. */
const QUARTER_TEXT = /^(?:(?:q|qtr|quarter)\s*[1-4]|[1-4]\s*q)$/i;

/** Everything role detection knows about one column. */
interface Info {
  col: CsvColumn;
  name: string;
  /** Runs of equal consecutive cells over the whole file. */
  runs: number;
  /** Their starts, kept only when the column could group rows (at most ¾ as many runs as rows; else empty). */
  starts: Int32Array;
  unique: boolean;
  distinct: number;
  summary: ValueSummary | null;
  /** Date column whose cells are times of day only. */
  timeOfDay: boolean;
  /** Text column of month names (Jan, February, …) or quarters (Q1…Q4). */
  textPeriod: 'month' | 'quarter' | null;
}

const DISTINCT_CAP = 5000;
const NO_STARTS = new Int32Array(0);

function describe(col: CsvColumn, rows: number): Info {
  const runs = runCount(col, rows);
  // a column with a run nearly every row cannot group rows: its starts would cost 4 bytes a row for nothing
  const starts = runs <= 0.75 * rows ? runStarts(col, rows, runs) : NO_STARTS;
  const summary = col.values && col.kind !== 'empty' ? summarize(col.values) : null;
  let textPeriod: Info['textPeriod'] = null;
  if (col.dictionary && col.dictionary.length > 0 && col.dictionary.length <= 12) {
    if (col.dictionary.every((w) => monthOfName(w) > 0)) textPeriod = 'month';
    else if (col.dictionary.every((w) => QUARTER_TEXT.test(w))) textPeriod = 'quarter';
  }
  return {
    col, name: col.name, runs, starts, unique: starts.length === runs && uniqueRuns(col, starts), distinct: distinctCount(col, rows, DISTINCT_CAP), summary,
    timeOfDay: col.kind === 'date' && col.dateForms.length === 1 && col.dateForms[0] === 'time', textPeriod,
  };
}

/** Values of a column at the given rows. */
function keysAt(col: CsvColumn, rows: Int32Array): Float64Array {
  const out = new Float64Array(rows.length);
  for (let i = 0; i < rows.length; i++) out[i] = keyAt(col, rows[i]);
  return out;
}

/** Whether the numbers are all valid YYYYMMDD dates. */
function allYyyymmdd(v: Float64Array, s: ValueSummary): boolean {
  if (!s.integer || s.min < 10000101 || s.max > 21001231) return false;
  for (const x of v) {
    if (x !== x) continue;
    const m = Math.floor(x / 100) % 100;
    const d = x % 100;
    if (m < 1 || m > 12 || d < 1 || d > 31) return false;
  }
  return true;
}

/** Whether the numbers are all valid YYYYMM months. */
function allYyyymm(v: Float64Array, s: ValueSummary): boolean {
  if (!s.integer || s.min < 100001 || s.max > 210012) return false;
  for (const x of v) if (x === x && (x % 100 < 1 || x % 100 > 12)) return false;
  return true;
}

/** Whether the numbers are all hhmm clock readings (0…2359, minutes below 60). */
function allHhmm(v: Float64Array, s: ValueSummary): boolean {
  if (!s.integer || s.min < 0 || s.max > 2359) return false;
  for (const x of v) if (x === x && x % 100 >= 60) return false;
  return true;
}

const hhmmMinutes = (v: number): number => Math.floor(v / 100) * 60 + (v % 100);

/** Whether an order is monotone: every step up (or every step down, when `down`), at least `min` steps. */
const strictlyUp = (o: Order, min = 2): boolean => o.pairs >= min && o.up === o.pairs;
const weaklyUp = (o: Order, min = 2): boolean => o.pairs >= min && o.down === 0 && o.up > 0;
const strictlyDown = (o: Order, min = 2): boolean => o.pairs >= min && o.down === o.pairs;
const constantStep = (o: Order): boolean => o.pairs >= 2 && o.stepCount === o.pairs && o.step !== 0;

/** "monthly", "daily", … for a typical step between dates in milliseconds. */
function cadence(stepMs: number): string {
  const d = Math.abs(stepMs) / DAY_MS;
  if (!(d > 0)) return '';
  if (d >= 360 && d <= 370) return 'yearly ';
  if (d >= 89 && d <= 93) return 'quarterly ';
  if (d >= 28 && d <= 31) return 'monthly ';
  if (d === 7) return 'weekly ';
  if (d === 1) return 'daily ';
  if (d < 1) {
    const minutes = Math.round(d * 1440);
    return minutes >= 60 && minutes % 60 === 0 ? `${minutes / 60}-hourly ` : `${minutes}-minute `;
  }
  return '';
}

/** ISO text of a date (day precision, or minutes when the time is not midnight). */
function isoText(ms: number, form: 'day' | 'month' | 'time'): string {
  if (form === 'time') {
    const m = Math.round(ms / 60000);
    return `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;
  }
  const iso = new Date(ms).toISOString();
  if (form === 'month') return iso.slice(0, 7);
  return iso.endsWith('T00:00:00.000Z') ? iso.slice(0, 10) : iso.slice(0, 16).replace('T', ' ');
}

/** A short list of values for a reason: "sun, rain, fog" or "sun, rain, … (5)". */
function listOf(words: string[], max = 4): string {
  return words.length <= max ? words.join(', ') : `${words.slice(0, max).join(', ')}, … (${words.length})`;
}

/** A number for a reason, without noise digits. */
const num = (v: number): string => (Number.isInteger(v) ? String(v) : String(Number(v.toPrecision(6))));

/** The pieces of a calendar a column can hold inside a coarser time unit, with their cycle. */
type Part = { part: 'month' | 'quarter' | 'hour' | 'minute of day' | 'day' | 'week' | 'day of the week' | 'cycle'; map: (v: number) => number; cycle: number | null; named?: boolean };

/**
 * Whether a column is a calendar part (month, quarter, hour, time of day, day of the month, week) by its values and
 * name, and how to read it (a map to a number on the cycle, and the cycle length when fixed).
 */
function calendarPart(i: Info): Part | null {
  if (i.textPeriod === 'month') return { part: 'month', map: (v) => monthOfName((i.col.dictionary as string[])[v]), cycle: 12, named: true };
  if (i.textPeriod === 'quarter') return { part: 'quarter', map: (v) => Number(/[1-4]/.exec((i.col.dictionary as string[])[v])?.[0]), cycle: 4, named: true };
  if (i.timeOfDay) return { part: 'minute of day', map: (v) => Math.round(v / 60000), cycle: 1440, named: true };
  const s = i.summary;
  if (!s || i.col.kind !== 'numeric' || !s.integer || s.present === 0) return null;
  const n = i.name.trim();
  if (s.min >= 1 && s.max <= 4 && (QUARTER_NAMES.test(n) || s.max === 4)) return { part: 'quarter', map: (v) => v, cycle: 4, named: QUARTER_NAMES.test(n) };
  if (s.min >= 0 && s.max <= 3 && QUARTER_NAMES.test(n)) return { part: 'quarter', map: (v) => v + 1, cycle: 4, named: true };
  if (s.min >= 1 && s.max <= 12 && (MONTH_NAMES.test(n) || s.max === 12)) return { part: 'month', map: (v) => v, cycle: 12, named: MONTH_NAMES.test(n) };
  if (s.min >= 0 && s.max <= 23 && HOUR_NAMES.test(n)) return { part: 'hour', map: (v) => v, cycle: 24, named: true };
  if (s.min >= 1 && s.max <= 31 && DAY_NAMES.test(n)) return { part: 'day', map: (v) => v, cycle: null, named: true };
  if (s.min >= 1 && s.max <= 53 && /^(week|wk|weeks|week_of_year)$/i.test(n)) return { part: 'week', map: (v) => v, cycle: null, named: true };
  if (s.min >= 0 && s.max <= 7 && s.max - s.min === 6 && WEEKDAY_NAMES.test(n)) return { part: 'day of the week', map: (v) => v - s.min, cycle: 7, named: true };
  if (allHhmm(i.col.values as Float64Array, s) && s.max >= 100 && (s.max >= 1200 || TIME_NAMES.test(n))) return { part: 'minute of day', map: hhmmMinutes, cycle: 1440, named: TIME_NAMES.test(n) };
  return null;
}

/**
 * A small counter that climbs by one and starts again (1 … 31, 1 … 7, 0 … 23): a calendar part read from its values
 * alone, for a column beside a time axis. Nine steps in ten go up by one or wrap to the smallest value, at least two wraps.
 */
function cyclingCounter(i: Info): Part | null {
  const s = i.summary;
  if (!s || i.col.kind !== 'numeric' || !s.integer || s.present < 8 || s.max - s.min < 3 || s.max - s.min > 60) return null;
  const v = i.col.values as Float64Array;
  let steps = 0;
  let ok = 0;
  let wraps = 0;
  let prev = NaN;
  for (let r = 0; r < v.length; r++) {
    const x = v[r];
    if (x !== x) continue;
    if (prev === prev) {
      steps++;
      if (x === prev + 1) ok++;
      else if (x === s.min && prev >= s.max - 3) {
        ok++;
        wraps++;
      }
    }
    prev = x;
  }
  return steps > 0 && wraps >= 2 && ok >= 0.9 * steps ? { part: 'cycle', map: (x) => x, cycle: null } : null;
}

/**
 * Whether `inner` carries on across the runs of `outer` as one clock: inside each run it climbs, and at each boundary
 * it wraps from the end of its cycle to the start with its usual step (quarter 4 → 1, 23:50 → 00:00). A clock that
 * jumps at boundaries (16:00 → 09:30) is a new session each time.
 */
function continuesAcross(inner: Info, part: Part, outer: Int32Array, rows: number): boolean {
  const values = inner.col.values ?? Float64Array.from(inner.col.codes as Int32Array, (k) => (k < 0 ? NaN : k));
  const within = orderOf(values, outer, part.map);
  // climbing inside each run (a month may stay while its days go by)
  if (within.pairs < 2 || within.up === 0 || within.up + within.equal < 0.9 * within.pairs) return false;
  const step = within.step > 0 ? within.step : 1;
  let boundaries = 0;
  let continuous = 0;
  for (let g = 1; g < outer.length; g++) {
    const last = values[outer[g] - 1];
    const first = values[outer[g]];
    if (last !== last || first !== first) continue;
    boundaries++;
    const a = part.map(last);
    const b = part.map(first);
    if (part.cycle !== null) {
      if (((b - a) % part.cycle + part.cycle) % part.cycle === step % part.cycle) continuous++;
    } else if (b === 1 && a >= (part.part === 'day' ? 28 : 52)) continuous++;
  }
  if (boundaries === 0) return rows > 0 && outer.length === 1;
  return continuous >= 0.9 * boundaries;
}

/**
 * Whether a grouping column reads as a coarse unit of time whose calendar part can carry on across it: a year, a day
 * number, a month. Dates (text or YYYYMMDD) repeated over rows are sessions, never read with a clock as one series.
 */
function coarseTime(i: Info, runValues: Float64Array): boolean {
  if (i.col.kind === 'date') return false;
  const s = i.summary;
  if (!s || !s.integer) return i.textPeriod === 'month';
  const o = orderOf(runValues, null);
  if (!weaklyUp(o, 1) && runValues.length > 1) return false;
  if (allYyyymmdd(runValues, s)) return false;
  if (allYyyymm(runValues, s)) return true;
  if (s.min >= 1000 && s.max <= 2200 && (o.pairs === 0 || o.step === 1)) return true;
  return YEAR_NAMES.test(i.name.trim()) || DAY_NAMES.test(i.name.trim()) || MONTH_NAMES.test(i.name.trim()) || /^(date|day|doy|dayofyear)$/i.test(i.name.trim());
}

/** Whether a column can group rows into sequences: runs of consecutive equal values, each value in one run. */
function canGroup(i: Info, rows: number): boolean {
  const runs = i.runs;
  // two rows a run on average; a column named like an id may hold shorter ones (sessions of 1–3 rows)
  if (runs < 2 || runs > rows * (ID_NAMES.test(i.name) ? 0.75 : 0.5) || !i.unique || i.timeOfDay) return false;
  const c = i.col;
  if (c.kind === 'text' || c.kind === 'date') return true;
  if (c.kind !== 'numeric' || !i.summary?.integer || TARGET_NAMES.test(c.name.trim())) return false;
  if (ID_NAMES.test(c.name)) return true;
  // two runs of a day or year number can still hold a clock that carries on (day 307 23:50 → day 308 00:00)
  if (runs < 3 && !COARSE_TIME_NAMES.test(c.name.trim())) return false;
  // whole numbers: ids (any order, or counting up by a constant step) and years; not a measurement that climbs in uneven jumps
  const o = orderOf(keysAt(c, i.starts), null);
  return !(weaklyUp(o) || o.down === o.pairs) || constantStep(o);
}

/** How a column reads as time, given the sequences (null: one series), or null when it is not time. */
function timeKind(i: Info, starts: Int32Array | null, rows: number): { kind: TimeKind; order: Order; map?: (v: number) => number } | null {
  const c = i.col;
  const name = c.name.trim();
  if (TARGET_NAMES.test(name)) return null;
  if (c.kind === 'date') {
    const order = orderOf(c.values as Float64Array, starts);
    if (i.timeOfDay) return { kind: 'time of day', order };
    const forms = c.dateForms;
    const kind: TimeKind = forms.includes('datetime') ? 'datetime' : forms.includes('quarter') && forms.length === 1 ? 'quarter' : forms.includes('month') && forms.length === 1 ? 'month' : 'date';
    return { kind, order };
  }
  const s = i.summary;
  if (c.kind !== 'numeric' || !s || s.present < 2) return null;
  const v = c.values as Float64Array;
  const order = orderOf(v, starts);
  const monotone = weaklyUp(order) || strictlyDown(order) || (order.down > 0 && order.up === 0);
  if (allYyyymmdd(v, s) && monotone) return { kind: 'YYYYMMDD', order };
  if (allYyyymm(v, s) && monotone) return { kind: 'YYYYMM', order };
  if (s.min >= 1e11 && s.max <= 4.2e12 && monotone) return { kind: 'Unix milliseconds', order };
  if (s.min >= 1e8 && s.max <= 4.2e9 && monotone && (strictlyUp(order) || strictlyDown(order)) && !constantStep(order)) return { kind: 'Unix seconds', order };
  if (s.min >= 1e8 && s.max <= 4.2e9 && constantStep(order) && Math.abs(order.step) >= 60) return { kind: 'Unix seconds', order };
  if (!s.integer && s.min >= 1000 && s.max <= 2200 && strictlyUp(order)) {
    const loose = orderOf(v, starts, (x) => x, 0.05);
    if (order.step < 1 && loose.stepCount >= 0.9 * loose.pairs) return { kind: 'decimal year', order };
  }
  if (s.integer && (constantStep(order) && (strictlyUp(order) || strictlyDown(order)))) {
    // years: one apart, or every few years (a census), or named so
    const yearly = Math.abs(order.step) === 1 || (Math.abs(order.step) <= 10 && s.min >= 1500) || YEAR_NAMES.test(name);
    if (s.min >= 1000 && s.max <= 2200 && yearly && !/^(row|index|idx|n|no|nr|#|unnamed: 0|)$/i.test(name)) return { kind: 'year', order };
    return { kind: starts && order.restarts >= 0.5 * (starts.length - 1) && starts.length > 1 ? 'counter within each sequence' : 'row counter', order };
  }
  if (s.integer && s.min >= 1000 && s.max <= 2200 && weaklyUp(order) && (YEAR_NAMES.test(name) || order.step === 1)) return { kind: 'year', order };
  if (starts && starts.length > 2 && strictlyUp(order) && order.restarts >= 0.8 * (starts.length - 1)) {
    let longest = 0;
    for (let g = 0; g < starts.length; g++) longest = Math.max(longest, (g + 1 < starts.length ? starts[g + 1] : rows) - starts[g]);
    if (i.distinct <= 3 * longest || TIME_NAMES.test(name)) return { kind: 'time within each sequence', order };
  }
  if (TIME_NAMES.test(name) && !/^(x|n|no|nr|num)$/i.test(name) && (strictlyUp(order) || strictlyDown(order))) return { kind: 'time within each sequence', order };
  return null;
}

/** Plot-axis preference among time columns (lower is better). */
const AXIS_RANK: Record<TimeKind, number> = {
  datetime: 0, date: 1, month: 2, quarter: 2, 'decimal year': 3, YYYYMMDD: 3, YYYYMM: 3, 'Unix milliseconds': 4, 'Unix seconds': 4,
  year: 5, 'time of day': 6, 'time within each sequence': 7, 'counter within each sequence': 8, 'calendar part': 9, 'row counter': 10,
};

/** A plain description of a time column's values. */
function describeTime(i: Info, kind: TimeKind, order: Order): string {
  const c = i.col;
  const s = i.summary as ValueSummary;
  const v = c.values as Float64Array;
  const firstLast = (): [number, number] => {
    let a = NaN;
    let b = NaN;
    for (let r = 0; r < v.length; r++) if (v[r] === v[r]) {
      if (a !== a) a = v[r];
      b = v[r];
    }
    return [a, b];
  };
  switch (kind) {
    case 'date': case 'datetime': case 'month': case 'quarter': {
      const [a, b] = firstLast();
      const form = kind === 'month' || kind === 'quarter' ? 'month' : 'day';
      const what = kind === 'datetime' ? 'date-times' : kind === 'month' ? 'months' : kind === 'quarter' ? 'quarters' : 'dates';
      return `${cadence(order.step)}${what} ${isoText(a, form)} … ${isoText(b, form)}${c.dayFirst ? ' (day first)' : ''}`;
    }
    case 'time of day': {
      return `times of day ${isoText(s.min, 'time')} … ${isoText(s.max, 'time')}`;
    }
    case 'row counter': case 'counter within each sequence':
      return `${kind === 'row counter' ? 'a row counter' : 'a counter restarting in each sequence'} (${num(s.min)}, ${num(s.min + Math.abs(order.step))}, …, ${num(s.max)})`;
    case 'year': return `years ${num(s.min)} … ${num(s.max)}`;
    case 'decimal year': return `decimal years ${num(s.min)} … ${num(s.max)}`;
    case 'YYYYMMDD': return `dates written YYYYMMDD (${num(s.min)} … ${num(s.max)})`;
    case 'YYYYMM': return `months written YYYYMM (${num(s.min)} … ${num(s.max)})`;
    case 'Unix seconds': case 'Unix milliseconds': {
      const scale = kind === 'Unix seconds' ? 1000 : 1;
      return `${kind} (${isoText(s.min * scale, 'day')} … ${isoText(s.max * scale, 'day')})`;
    }
    case 'time within each sequence': return `time within each sequence (${num(s.min)} … ${num(s.max)}, climbing in every sequence)`;
    case 'calendar part': return 'a calendar part';
  }
}

/** Suggests roles for every column of a table. */
export function suggestRoles(table: CsvTable): RoleSuggestion {
  const rows = table.rowCount;
  const reasons: Record<string, string> = {};
  const infos = table.columns.map((c) => describe(c, rows));
  const open = new Set(infos.filter((i) => i.col.kind !== 'empty'));
  for (const i of infos) if (i.col.kind === 'empty') reasons[i.name] = `ignored: no values (${i.col.missing} empty cells)`;

  // 1. groupings, finest first
  let sequence: Info | null = null;
  let axis: { columns: Info[]; kind: TimeKind; description: string } | null = null;
  const groupers = infos.filter((i) => open.has(i) && canGroup(i, rows)).sort((a, b) => b.runs - a.runs);
  for (const g of groupers) {
    if (!open.has(g)) continue;
    const runValues = keysAt(g.col, g.starts);
    let pair: { inner: Info; part: Part } | null = null;
    let sessionClock: Info | null = null;
    const coarse = coarseTime(g, runValues);
    for (const inner of infos) {
      if (inner === g || !open.has(inner) || constantWithin(inner.col, g.starts, rows)) continue;
      const part = calendarPart(inner);
      if (!part) continue;
      if (coarse && continuesAcross(inner, part, g.starts, rows)) {
        pair = { inner, part };
        break;
      }
      if (part.part === 'minute of day' || part.part === 'hour') sessionClock ??= inner;
    }
    if (pair) {
      const what = pair.part.part === 'minute of day' ? 'time of day' : pair.part.part;
      axis = { columns: [g, pair.inner], kind: 'calendar part', description: `${g.name} and ${pair.inner.name} (${what}) read together as one time axis` };
      const unit = YEAR_NAMES.test(g.name.trim()) || (g.summary && g.summary.min >= 1000 && g.summary.max <= 2200) ? 'years' : MONTH_NAMES.test(g.name.trim()) || g.textPeriod === 'month' ? 'months' : DAY_NAMES.test(g.name.trim()) ? 'days' : 'periods';
      const whats = what === 'time of day' ? 'times of day' : what === 'day of the week' ? 'days of the week' : `${what}s`;
      reasons[g.name] = `time: ${unit}, each repeated over its ${whats}; read with "${pair.inner.name}" as one time axis, the plot axis`;
      reasons[pair.inner.name] = `time: the ${what} within "${g.name}" (it carries on from one "${g.name}" to the next: one continuous series)`;
      open.delete(g);
      open.delete(pair.inner);
      continue;
    }
    sequence = g;
    open.delete(g);
    const runs = g.starts.length;
    const what = g.col.kind === 'date' ? `dates, each repeated over one run of rows${sessionClock ? ` while "${sessionClock.name}" restarts` : ''} (one session per date)` : `${runs.toLocaleString('en')} runs of consecutive equal values (one sequence per value)`;
    reasons[g.name] = `sequence id: ${g.col.kind === 'date' ? what : what}`;
    break;
  }
  const seqStarts = sequence ? sequence.starts : null;
  const sequences = seqStarts ? seqStarts.length : 1;

  // columns nested in the sequences: the same grouping under another name, or a coarser one (a label candidate)
  const labelCandidates: Info[] = [];
  const perSequence = new Set<Info>();
  if (sequence && seqStarts) {
    for (const i of infos) {
      if (!open.has(i) || !constantWithin(i.col, seqStarts, rows)) continue;
      perSequence.add(i);
      const categorical = i.col.kind === 'text' || (i.col.kind === 'numeric' && !!i.summary?.integer && i.distinct <= 20);
      if (i.distinct >= sequences && i.runs === sequences && (i.col.kind !== 'numeric' || ID_NAMES.test(i.name))) {
        reasons[i.name] = `ignored: another name for the sequence id "${sequence.name}" (one value per sequence)`;
        open.delete(i);
      } else if (categorical && i.distinct >= 2 && i.distinct < sequences && boundariesWithin(i.starts, seqStarts)) {
        labelCandidates.push(i);
      }
    }
  }

  // 2. time axes
  const times: { info: Info; kind: TimeKind; order: Order }[] = [];
  for (const i of infos) {
    if (!open.has(i) || labelCandidates.includes(i)) continue;
    const t = timeKind(i, seqStarts, rows);
    if (t) times.push({ info: i, kind: t.kind, order: t.order });
  }
  // calendar parts: beside another time axis (month next to a date, hour next to a datetime), or named as one
  const context = axis !== null || times.length > 0;
  for (const i of infos) {
    if (!open.has(i) || labelCandidates.includes(i) || times.some((t) => t.info === i)) continue;
    const part = calendarPart(i) ?? (context ? cyclingCounter(i) : null);
    if (part && (context || part.named)) times.push({ info: i, kind: 'calendar part', order: orderOf(i.col.values ?? new Float64Array(0), seqStarts) });
  }
  // the most telling kind first; among equals, one named like time, then file order
  const timeNamed = (t: { info: Info }): number => (TIME_NAMES.test(t.info.name.trim()) ? 0 : 1);
  times.sort((a, b) => AXIS_RANK[a.kind] - AXIS_RANK[b.kind] || timeNamed(a) - timeNamed(b) || a.info.col.index - b.info.col.index);
  let timeName: string | null = axis ? axis.columns[0].name : null;
  for (const t of times) {
    open.delete(t.info);
    const part = t.kind === 'calendar part' ? calendarPart(t.info)?.part ?? 'cycle' : null;
    const d = part === 'cycle' ? `a counter cycling ${num(t.info.summary?.min ?? 0)} … ${num(t.info.summary?.max ?? 0)} (a part of the date)`
      : part ? `the ${part} (a part of the date)` : describeTime(t.info, t.kind, t.order);
    if (!timeName && t.kind !== 'calendar part') {
      timeName = t.info.name;
      axis = { columns: [t.info], kind: t.kind, description: d };
      const backwards = t.order.down > t.order.up;
      reasons[t.info.name] = `time: ${d}${backwards ? ', newest first' : ''}; the plot axis, not an input`;
    } else {
      reasons[t.info.name] = `ignored: time (${d})${timeName ? `; "${timeName}" is the plot axis` : ''}`;
    }
  }
  // a clock or a calendar part alone is still the plot axis
  const lone = !timeName ? times.find((t) => t.kind === 'calendar part') : undefined;
  if (lone) {
    timeName = lone.info.name;
    axis = { columns: [lone.info], kind: 'calendar part', description: `${calendarPart(lone.info)?.part ?? 'a cycling counter'} (no other time column)` };
    reasons[lone.info.name] = reasons[lone.info.name].replace(/^ignored: time \((.*)\)$/, 'time: $1; the plot axis, not an input');
  }

  // 3. the label
  let label: Info | null = null;
  for (const i of [...labelCandidates, ...infos]) {
    if (!open.has(i) || label) continue;
    const categorical = i.col.kind === 'text' || (i.col.kind === 'numeric' && !!i.summary?.integer && i.distinct <= 20);
    if (categorical && i.distinct >= 2 && LABEL_NAMES.test(i.name.trim())) label = i;
  }
  const namedLabel = label !== null;
  if (!label && labelCandidates.length > 0) label = labelCandidates.find((i) => open.has(i)) ?? null;
  const candidates = labelCandidates.filter((i) => i !== label && open.has(i));

  // 4. measured variables
  const numeric = infos.filter((i) => open.has(i) && i !== label && i.col.kind === 'numeric' && !candidates.includes(i));
  const features: Info[] = [];
  const targets: Info[] = [];
  const inputsOnly = new Set<Info>();
  for (const i of numeric) {
    const s = i.summary as ValueSummary;
    if (s.present === 0 || i.distinct <= 1) {
      reasons[i.name] = `ignored: constant (${s.present ? num(s.min) : 'no values'}); it carries no information`;
      open.delete(i);
      continue;
    }
    features.push(i);
    if (TARGET_NAMES.test(i.name.trim())) continue;
    if (i.distinct === 2) inputsOnly.add(i);
    else if (perSequence.has(i)) inputsOnly.add(i);
  }
  const named = features.filter((i) => TARGET_NAMES.test(i.name.trim()) && !inputsOnly.has(i));
  let task: RoleSuggestion['task'];
  let targetReason: string;
  if (namedLabel || (label && features.length === 0)) {
    task = 'classify';
    targetReason = namedLabel ? `"${label?.name}" is named as the label` : 'no numeric column to forecast; the label is predicted';
  } else if (named.length > 0 && features.length > named.length) {
    // a named target with inputs beside it; alone, it is forecast from its own past
    task = 'regress';
    targets.push(...named);
    targetReason = `named as the target: ${named.map((i) => `"${i.name}"`).join(', ')}`;
  } else {
    task = 'next-step';
    const measured = features.filter((i) => !inputsOnly.has(i));
    const series = measured.length > 1 ? measured.find((i) => SERIES_NAMES.test(i.name.trim())) : undefined;
    if (series) {
      targets.push(series);
      const others = measured.filter((i) => i !== series).map((i) => `"${i.name}"`);
      targetReason = `"${series.name}" is named as the series; ${others.length > 4 ? `${others.slice(0, 4).join(', ')}, …` : others.join(', ')} ${others.length === 1 ? 'is an input' : 'are inputs'}`;
    } else {
      targets.push(...measured.slice(0, 8));
      targetReason = measured.length === 0
        ? 'no measured variable to forecast'
        : measured.length > 8
          ? `${measured.length} measured variables: the first 8 in file order are forecast (choose others in the roles)`
          : `${measured.length === 1 ? 'the measured variable' : `all ${measured.length} measured variables`}, forecast one step ahead`;
    }
  }
  for (const i of features) {
    const s = i.summary as ValueSummary;
    const bad = badCells(i);
    if (targets.includes(i)) {
      reasons[i.name] = task === 'regress'
        ? `target: named as the target (regression; not an input)${bad}`
        : `target: measured (${num(s.min)} … ${num(s.max)}), predicted one step ahead (also an input)${bad}`;
    } else if (inputsOnly.has(i)) {
      reasons[i.name] = i.distinct === 2 ? `feature: an indicator (two values, ${listOf(twoValues(i))}); an input, not forecast${bad}` : `feature: constant within each sequence (a per-sequence covariate); an input, not forecast${bad}`;
    } else {
      reasons[i.name] = task === 'next-step' ? `feature: measured; an input (not among the forecast targets)${bad}` : `feature: measured; an input${bad}`;
    }
  }
  if (label) {
    const classes = listOf(label.col.dictionary ? usedWords(label) : distinctNumbers(label));
    reasons[label.name] = task === 'classify'
      ? `label: ${label.distinct} classes (${classes})${perSequence.has(label) ? ', constant within each sequence' : ''}${namedLabel ? '' : '; the only thing to predict'}`
      : `label: ${label.distinct} classes (${classes}), constant within each sequence; a candidate, used when the task is classify`;
  }
  for (const i of candidates) reasons[i.name] = `ignored: ${i.distinct} classes constant within each sequence (another label candidate)`;
  for (const i of infos) {
    if (reasons[i.name]) continue;
    if (i.col.kind === 'text') {
      const words = usedWords(i);
      reasons[i.name] = i.distinct > 50 && i.distinct > rows / 2
        ? `ignored: text, a different value in most rows (${listOf(words.slice(0, 3), 3)}…); only numbers are inputs`
        : `ignored: text (${listOf(words)}); only numeric columns are inputs`;
    } else if (i.col.kind === 'date') reasons[i.name] = 'ignored: dates';
    else reasons[i.name] = 'ignored';
  }
  // a column read as time, id, label or constant says so too: a bad cell is never dropped in silence
  for (const i of infos) if (i.col.invalid > 0 && !features.includes(i)) reasons[i.name] += badCells(i);

  return {
    features: features.filter((i) => task === 'next-step' || !targets.includes(i)).map((i) => i.name),
    targets: targets.map((i) => i.name),
    sequenceId: sequence?.name ?? null,
    label: label?.name ?? null,
    time: timeName,
    reasons,
    task,
    timeAxis: axis ? { columns: axis.columns.map((i) => i.name), kind: axis.kind, description: axis.description } : null,
    labelCandidates: candidates.map((i) => i.name),
    targetReason,
  };
}

/** The bad cells of a numeric or date column for a reason: `; 2 bad cells (line 7: "abc")`, or nothing. */
function badCells(i: Info): string {
  const c = i.col;
  return c.invalid > 0 ? `; ${c.invalid} bad cell${c.invalid === 1 ? '' : 's'} (line ${c.invalidCells[0].line}: "${c.invalidCells[0].value}")` : '';
}

/** The dictionary words of a text column that occur in it. */
function usedWords(i: Info): string[] {
  const dict = i.col.dictionary ?? [];
  return dict.slice(0, 50);
}

/** Up to 50 distinct values of a numeric column, sorted, as text. */
function distinctNumbers(i: Info): string[] {
  const v = i.col.values as Float64Array;
  const seen = new Set<number>();
  for (let r = 0; r < v.length && seen.size < 50; r++) if (v[r] === v[r]) seen.add(v[r]);
  return [...seen].sort((a, b) => a - b).map(num);
}

/** The two values of an indicator column, as text. */
function twoValues(i: Info): string[] {
  const v = i.col.values as Float64Array;
  const seen: number[] = [];
  for (let r = 0; r < v.length && seen.length < 2; r++) if (v[r] === v[r] && !seen.includes(v[r])) seen.push(v[r]);
  return seen.sort((a, b) => a - b).map(num);
}
