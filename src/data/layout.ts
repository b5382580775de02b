/**
 * Wide layouts: a row per year (or per entity) and one column per period of one quantity — month names (JAN … DEC),
 * quarters (Q1 … Q4), numbered steps (t1 … tN) or years (1960, 1961, …). Read "wide", such a table becomes a long one
 * with three kinds of columns: the row's key columns repeated, a `period` column (the period column's name) and a
 * `value` column, in reading order (row by row, period by period). When the rows are times (a year per row) that is one
 * long series whose time is the row's year and the period; otherwise every row is a sequence of its own.
 * Every long row keeps its file line, and a bad cell is named by its original column.
 */
import { monthOfName } from './csvDates';
import type { CsvColumn, CsvTable } from './csvTypes';

/** A wide layout found in a table. */
export interface WideLayout {
  /** The period columns, in order. */
  periods: string[];
  /** What the periods are. */
  kind: 'month' | 'quarter' | 'numbered' | 'year';
  /** Columns kept beside the periods (the row's key, labels). */
  keys: string[];
  /** Numeric columns that summarise a row (Annual, Total, J-D, DJF, …), left out. */
  summaries: string[];
  /** True when each row is a time (a year): the rows read as one long series; false: each row is a sequence. */
  rowsAreTime: boolean;
  /** Plain words for reports. */
  description: string;
}

/** The period a column name stands for: its kind and position, or null. */
function periodOf(name: string): { kind: WideLayout['kind']; index: number; prefix: string } | null {
  const n = name.trim();
  const m = monthOfName(n);
  if (m) return { kind: 'month', index: m, prefix: '' };
  const q = /^(?:q|qtr|quarter)\s*([1-4])$/i.exec(n);
  if (q) return { kind: 'quarter', index: Number(q[1]), prefix: '' };
  if (/^\d{4}$/.test(n) && Number(n) >= 1000 && Number(n) <= 2200) return { kind: 'year', index: Number(n), prefix: '' };
  const k = /^([a-z_][a-z_ .-]*?)[ _.-]?(\d{1,5})$/i.exec(n) ?? /^()(\d{1,5})$/.exec(n);
  if (k) return { kind: 'numbered', index: Number(k[2]), prefix: k[1].toLowerCase() };
  return null;
}

const SUMMARY_NAMES = /^(annual|ann|year(ly)?[ _-]?(total|mean|avg|average|sum)|total|sum|mean|avg|average|j-d|d-n|djf|mam|jja|son|metann|all|overall|ytd)$/i;

/** Finds a wide layout: at least four numeric columns named (in a header) as consecutive periods of one kind (months in calendar order). */
export function detectWideLayout(table: CsvTable): WideLayout | null {
  // without a header the names are the reader's own (column 1, column 2, …): nothing says they are periods
  if (!table.hasHeader) return null;
  const cols = table.columns;
  let best: CsvColumn[] = [];
  let bestKind: WideLayout['kind'] = 'numbered';
  for (let start = 0; start < cols.length; start++) {
    const first = periodOf(cols[start].name);
    if (!first) continue;
    const run = [cols[start]];
    let prev = first;
    for (let c = start + 1; c < cols.length; c++) {
      const p = periodOf(cols[c].name);
      if (!p || p.kind !== first.kind || p.prefix !== first.prefix || p.index !== prev.index + 1) break;
      run.push(cols[c]);
      prev = p;
    }
    if (run.length > best.length) {
      best = run;
      bestKind = first.kind;
    }
    start += run.length - 1;
  }
  const minimum = bestKind === 'quarter' ? 4 : bestKind === 'month' ? 6 : 4;
  if (best.length < minimum) return null;
  if (!best.every((c) => c.kind === 'numeric' || c.kind === 'empty')) return null;
  if (!best.some((c) => c.kind === 'numeric')) return null;
  // indicators (in0 … in9 one-hot) are inputs of a long file, not periods
  if (best.every((c) => onlyZeroOne(c, table.rowCount))) return null;
  // a long file already: a step counter counting up row by row and starting again
  if (cols.some((c) => !best.includes(c) && isRestartingCounter(c, table.rowCount))) return null;
  const rest = cols.filter((c) => !best.includes(c));
  const summaries = rest.filter((c) => c.kind === 'numeric' && (SUMMARY_NAMES.test(c.name.trim()) || (bestKind === 'month' && /^[a-z]-[a-z]$/i.test(c.name.trim()))));
  const keys = rest.filter((c) => !summaries.includes(c) && c.kind !== 'empty');
  // the rows are times when a key column holds years (or dates) in increasing order
  const timeKey = keys.find((c) => isIncreasingTime(c, table.rowCount));
  const rowsAreTime = bestKind !== 'year' && bestKind !== 'numbered' ? !!timeKey || keys.length === 0 : false;
  const what = bestKind === 'month' ? 'months' : bestKind === 'quarter' ? 'quarters' : bestKind === 'year' ? 'years' : 'numbered steps';
  const description = rowsAreTime
    ? `${best.length} ${what} per row (${best[0].name} … ${best[best.length - 1].name}), one row per ${timeKey ? `"${timeKey.name}"` : 'period'}: read as one series in reading order`
    : `${best.length} ${what} per row (${best[0].name} … ${best[best.length - 1].name}): each row is one sequence`;
  return { periods: best.map((c) => c.name), kind: bestKind, keys: keys.map((c) => c.name), summaries: summaries.map((c) => c.name), rowsAreTime, description };
}

/** Whether a column holds only 0 and 1 (an indicator). */
function onlyZeroOne(c: CsvColumn, rows: number): boolean {
  const v = c.values;
  if (!v) return true;
  for (let r = 0; r < rows; r++) if (v[r] === v[r] && v[r] !== 0 && v[r] !== 1) return false;
  return true;
}

/** Whether a column counts up by one from row to row and starts again several times (the step of a long file). */
function isRestartingCounter(c: CsvColumn, rows: number): boolean {
  const v = c.values;
  if (!v || c.kind !== 'numeric' || rows < 4) return false;
  let up = 0;
  let restarts = 0;
  for (let r = 1; r < rows; r++) {
    if (v[r] === v[r - 1] + 1) up++;
    else if (v[r] < v[r - 1]) restarts++;
    else return false;
  }
  return restarts >= 2 && up >= rows / 2;
}

/** Whether a column holds years (or dates) increasing down the file. */
function isIncreasingTime(c: CsvColumn, rows: number): boolean {
  if (!c.values || (c.kind !== 'numeric' && c.kind !== 'date')) return false;
  let prev = -Infinity;
  let n = 0;
  for (let r = 0; r < rows; r++) {
    const v = c.values[r];
    if (v !== v) continue;
    if (v <= prev) return false;
    if (c.kind === 'numeric' && (!Number.isInteger(v) || v < 1000 || v > 2200)) return false;
    prev = v;
    n++;
  }
  return n >= 2;
}

/** The long table of a wide one: key columns repeated, then `period` and `value`, row by row, period by period. */
export function toLongTable(table: CsvTable, layout: WideLayout): CsvTable {
  const P = layout.periods.length;
  const rows = table.rowCount * P;
  const byName = new Map(table.columns.map((c) => [c.name, c]));
  const periodCols = layout.periods.map((n) => byName.get(n) as CsvColumn);
  const keyCols = layout.keys.map((n) => byName.get(n) as CsvColumn);
  const lineOf = (row: number): number => table.lineOf(Math.floor(row / P));
  const columns: CsvColumn[] = [];
  const taken = new Set<string>(layout.keys);
  const fresh = (name: string): string => {
    let n = name;
    for (let k = 2; taken.has(n); k++) n = `${name} (${k})`;
    taken.add(n);
    return n;
  };
  if (!layout.rowsAreTime && !keyCols.some((k) => k.kind === 'text' && k.dictionary?.length === table.rowCount && k.missing === 0)) {
    // each row a sequence, and no key column names the rows: the row's line does
    const id = new Int32Array(rows);
    const dictionary: string[] = [];
    for (let r = 0; r < table.rowCount; r++) {
      dictionary.push(`line ${table.lineOf(r)}`);
      id.fill(r, r * P, (r + 1) * P);
    }
    columns.push(blank(fresh('row'), columns.length, { kind: 'text', codes: id, dictionary }));
  }
  for (const k of keyCols) {
    const name = k.name;
    if (k.codes) {
      const codes = new Int32Array(rows);
      for (let r = 0; r < table.rowCount; r++) codes.fill(k.codes[r], r * P, (r + 1) * P);
      columns.push({ ...k, name, index: columns.length, codes, missing: k.missing * P, firstMissing: k.firstMissing });
    } else {
      const values = new Float64Array(rows);
      for (let r = 0; r < table.rowCount; r++) values.fill((k.values as Float64Array)[r], r * P, (r + 1) * P);
      columns.push({ ...k, name, index: columns.length, values, missing: k.missing * P, invalid: k.invalid * P });
    }
  }
  const periodCodes = new Int32Array(rows);
  for (let i = 0; i < rows; i++) periodCodes[i] = i % P;
  const periodName = fresh(layout.kind === 'month' ? 'month' : layout.kind === 'quarter' ? 'quarter' : layout.kind === 'year' ? 'year' : 'step');
  if (layout.kind === 'year' || layout.kind === 'numbered') {
    const values = new Float64Array(rows);
    const numbers = layout.periods.map((n) => Number(/(\d+)\s*$/.exec(n)?.[1]));
    for (let i = 0; i < rows; i++) values[i] = numbers[i % P];
    columns.push(blank(periodName, columns.length, { kind: 'numeric', values }));
  } else {
    columns.push(blank(periodName, columns.length, { kind: 'text', codes: periodCodes, dictionary: layout.periods.slice() }));
  }
  const values = new Float64Array(rows);
  let missing = 0;
  let firstMissing: { line: number } | null = null;
  let invalid = 0;
  const invalidCells: CsvColumn['invalidCells'] = [];
  const markers = new Set<string>();
  for (let r = 0; r < table.rowCount; r++) {
    for (let p = 0; p < P; p++) {
      const c = periodCols[p];
      const v = c.values ? c.values[r] : NaN;
      values[r * P + p] = v;
      if (v !== v) {
        missing++;
        firstMissing ??= { line: table.lineOf(r) };
      }
    }
  }
  for (const c of periodCols) {
    invalid += c.invalid;
    for (const m of c.missingMarkers) markers.add(m);
    for (const cell of c.invalidCells) invalidCells.push({ ...cell, column: c.name });
  }
  invalidCells.sort((a, b) => a.line - b.line);
  missing -= invalid;
  columns.push(blank(fresh('value'), columns.length, {
    kind: 'numeric', values, missing, firstMissing: missing > 0 ? firstMissing : null, invalid, invalidCells: invalidCells.slice(0, 5),
    firstNonNumeric: invalidCells[0] ? { line: invalidCells[0].line, value: invalidCells[0].value } : null, missingMarkers: [...markers],
  }));
  return { ...table, rowCount: rows, columns, lineOf };
}

/** A column with the given fields and nothing else. */
function blank(name: string, index: number, fields: Partial<CsvColumn> & { kind: CsvColumn['kind'] }): CsvColumn {
  return {
    name, index, values: null, codes: null, dictionary: null, missing: 0, firstMissing: null, firstNonNumeric: null, invalid: 0,
    invalidCells: [], missingMarkers: [], formatted: 0, dateForms: [], dayFirst: false, ...fields,
  };
}
