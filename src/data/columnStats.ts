/**
 * Statistics of one column that role detection reads: runs of equal consecutive cells, order and steps (over the
 * whole file or within groups of rows), whole numbers, ranges, distinct values. Every function is one or two linear
 * passes over typed arrays, so files of millions of rows and any number of groups cost the same per row.
 */
import type { CsvColumn } from './csvTypes';

/** The key of a cell for equality: its dictionary code (text), its value (numeric, date); NaN for empty or bad cells. */
export function keyAt(col: CsvColumn, r: number): number {
  if (col.codes) {
    const k = col.codes[r];
    return k < 0 ? NaN : k;
  }
  return col.values ? col.values[r] : NaN;
}

/** Whether two keys are the same cell value (empty equals empty). */
export const sameKey = (a: number, b: number): boolean => a === b || (a !== a && b !== b);

/** Number of runs of equal consecutive cells. */
export function runCount(col: CsvColumn, rows: number): number {
  let count = 0;
  let prev = NaN;
  for (let r = 0; r < rows; r++) {
    const k = keyAt(col, r);
    if (r === 0 || !sameKey(k, prev)) count++;
    prev = k;
  }
  return count;
}

/** First row of every run of equal consecutive cells. `[runs]` */
export function runStarts(col: CsvColumn, rows: number, count = runCount(col, rows)): Int32Array {
  let prev = NaN;
  const starts = new Int32Array(count);
  count = 0;
  for (let r = 0; r < rows; r++) {
    const k = keyAt(col, r);
    if (r === 0 || !sameKey(k, prev)) starts[count++] = r;
    prev = k;
  }
  return starts;
}

/** Whether no value starts two runs (every value's rows are consecutive), and no run is of empty cells. */
export function uniqueRuns(col: CsvColumn, starts: Int32Array): boolean {
  const seen = new Set<number>();
  for (let i = 0; i < starts.length; i++) {
    const k = keyAt(col, starts[i]);
    if (k !== k || seen.has(k)) return false;
    seen.add(k);
  }
  return true;
}

/** Whether `inner` is constant within every run of `starts` (its runs nest in those runs). */
export function constantWithin(inner: CsvColumn, starts: Int32Array, rows: number): boolean {
  for (let i = 0; i < starts.length; i++) {
    const end = i + 1 < starts.length ? starts[i + 1] : rows;
    const first = keyAt(inner, starts[i]);
    for (let r = starts[i] + 1; r < end; r++) if (!sameKey(keyAt(inner, r), first)) return false;
  }
  return true;
}

/** Whether every run start of `coarse` is also a run start of `fine` (each coarse run is a union of fine runs). */
export function boundariesWithin(coarse: Int32Array, fine: Int32Array): boolean {
  let j = 0;
  for (let i = 0; i < coarse.length; i++) {
    while (j < fine.length && fine[j] < coarse[i]) j++;
    if (j >= fine.length || fine[j] !== coarse[i]) return false;
  }
  return true;
}

/** Distinct values of a column, counting at most `cap + 1`. */
export function distinctCount(col: CsvColumn, rows: number, cap: number): number {
  if (col.dictionary) {
    const used = new Uint8Array(col.dictionary.length);
    let n = 0;
    const codes = col.codes as Int32Array;
    for (let r = 0; r < rows && n <= cap; r++) {
      const k = codes[r];
      if (k >= 0 && used[k] === 0) {
        used[k] = 1;
        n++;
      }
    }
    return n;
  }
  const seen = new Set<number>();
  const v = col.values;
  if (!v) return 0;
  for (let r = 0; r < rows && seen.size <= cap; r++) if (v[r] === v[r]) seen.add(v[r]);
  return seen.size;
}

/** Range and shape of the present values of a numeric or date column. */
export interface ValueSummary {
  present: number;
  min: number;
  max: number;
  /** Every present value is a whole number. */
  integer: boolean;
  /** Every present value is positive. */
  positive: boolean;
}

/** Range and shape of a numeric or date column's values. */
export function summarize(values: Float64Array): ValueSummary {
  let present = 0;
  let min = Infinity;
  let max = -Infinity;
  let integer = true;
  let positive = true;
  for (let r = 0; r < values.length; r++) {
    const v = values[r];
    if (v !== v) continue;
    present++;
    if (v < min) min = v;
    if (v > max) max = v;
    if (integer && Math.floor(v) !== v) integer = false;
    if (!(v > 0)) positive = false;
  }
  return { present, min, max, integer, positive };
}

/** How a column's values move from row to row, over the whole file or within groups. */
export interface Order {
  /** Comparisons made (consecutive present values in one group). */
  pairs: number;
  up: number;
  down: number;
  equal: number;
  /** The most common step between consecutive values, and how many steps equal it (relative tolerance 1e-6). */
  step: number;
  stepCount: number;
  /** Groups whose first value is not above the previous group's last one (a restart). */
  restarts: number;
}

/**
 * Steps between consecutive present values of `values`, within groups starting at `starts` (null: one group). `map`
 * turns a value into what is compared (e.g. hhmm into minutes); steps are counted to find the most common one.
 */
export function orderOf(values: Float64Array, starts: Int32Array | null, map: (v: number) => number = (v) => v, tolerance = 1e-6): Order {
  const rows = values.length;
  let up = 0;
  let down = 0;
  let equal = 0;
  let restarts = 0;
  const steps = new Map<number, number>();
  let g = 0;
  let nextStart = starts && starts.length > 1 ? starts[1] : rows;
  let prev = NaN;
  let lastOfPrevious = NaN;
  for (let r = 0; r < rows; r++) {
    if (r === nextStart) {
      g++;
      nextStart = starts && g + 1 < starts.length ? starts[g + 1] : rows;
      lastOfPrevious = prev;
      prev = NaN;
    }
    const raw = values[r];
    if (raw !== raw) continue;
    const v = map(raw);
    if (prev !== prev) {
      if (lastOfPrevious === lastOfPrevious && v <= lastOfPrevious) restarts++;
      lastOfPrevious = NaN;
      prev = v;
      continue;
    }
    const d = v - prev;
    if (d > 0) up++;
    else if (d < 0) down++;
    else equal++;
    if (steps.size < 64 || steps.has(d)) steps.set(d, (steps.get(d) ?? 0) + 1);
    prev = v;
  }
  let step = NaN;
  let stepCount = 0;
  for (const [d, n] of steps) {
    if (n > stepCount) {
      step = d;
      stepCount = n;
    }
  }
  // steps equal to the mode within a relative tolerance (decimal years: 1/12 is not exact in binary, nor rounded)
  if (stepCount > 0 && step !== 0) {
    let near = 0;
    for (const [d, n] of steps) if (Math.abs(d - step) <= tolerance * Math.abs(step)) near += n;
    stepCount = near;
  }
  return { pairs: up + down + equal, up, down, equal, step, stepCount, restarts };
}
