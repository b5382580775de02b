/**
 * Column roles: features (numeric inputs), target(s), sequence id (consecutive rows with one id form one sequence),
 * per-sequence label, and a time/date column (kept for plots, never fed to the model). Suggested from names and types,
 * overridable by the user; every suggestion carries its reason.
 */
import type { CsvColumn, CsvTable } from './csvTypes';

/** The roles of a table's columns, by column name. */
export interface ColumnRoles {
  features: string[];
  targets: string[];
  sequenceId: string | null;
  label: string | null;
  time: string | null;
}

/** Suggested roles with a plain-words reason per decision, and the task they point to. */
export interface RoleSuggestion extends ColumnRoles {
  reasons: Record<string, string>;
  /** classify when there is a label; regress when a column is named as the target; else next-step prediction. */
  task: 'next-step' | 'regress' | 'classify';
  /** Log-returns for positive price-like columns (levels wander; their relative changes are what a model can learn). */
  transforms: Record<string, 'log-returns'>;
}

const PRICE_NAMES = /^(open|high|low|close|adj_?close|adjclose|adj close|price|mid|bid|ask|last|settle)$/i;

const TIME_NAMES = /^(date|time|timestamp|datetime|ts|day|period|dt|step|minute|second|hour|tick|bar|index|idx|t)$|(_date|_time|_ts|_step|_minute)$/i;
const ID_NAMES = /(^id$|_id$|^id_|session|patient|sequence|series|^seq|group|ticker|symbol|subject|^run$|episode|device|sensor_id)/i;
const LABEL_NAMES = /(^label$|label|^class$|_class$|^y_class|outcome|regime|category|^kind$|diagnosis|^type$)/i;
/** Named as the answer: predicted from the other columns, never an input. */
const TARGET_NAMES = /^(target|y|target_.+|.+_target|response)$/i;
/** Named like a series worth forecasting: predicted one step ahead from its own past. */
const SERIES_NAMES = /(^close$|price|^value$|^next|^adj_?close$|^return|_return|^ret$)/i;

/** Number of runs of equal consecutive values (codes or numbers) in a column. */
function runCount(col: CsvColumn, rows: number): number {
  let runs = 0;
  let prev: number | undefined;
  for (let r = 0; r < rows; r++) {
    const v = col.codes ? col.codes[r] : (col.values as Float64Array)[r];
    if (r === 0 || v !== prev) runs++;
    prev = v;
  }
  return runs;
}

/** Distinct values of a column (up to `limit + 1`). */
function distinct(col: CsvColumn, rows: number, limit: number): number {
  if (col.dictionary) return col.dictionary.length;
  const seen = new Set<number>();
  const v = col.values as Float64Array;
  for (let r = 0; r < rows && seen.size <= limit; r++) if (!Number.isNaN(v[r])) seen.add(v[r]);
  return seen.size;
}

function isIntegerColumn(col: CsvColumn, rows: number): boolean {
  const v = col.values;
  if (!v) return false;
  for (let r = 0; r < rows; r++) if (!Number.isNaN(v[r]) && !Number.isInteger(v[r])) return false;
  return true;
}

/** Whether the column is constant within every run of the id column (a per-sequence value). */
function constantWithin(col: CsvColumn, id: CsvColumn | null, rows: number): boolean {
  if (!id) return false;
  const key = (c: CsvColumn, r: number): number => (c.codes ? c.codes[r] : (c.values as Float64Array)[r]);
  for (let r = 1; r < rows; r++) if (key(id, r) === key(id, r - 1) && key(col, r) !== key(col, r - 1)) return false;
  return true;
}

/** Suggests roles for every column of a table. */
export function suggestRoles(table: CsvTable): RoleSuggestion {
  const rows = table.rowCount;
  const reasons: Record<string, string> = {};
  const cols = table.columns.filter((c) => c.kind !== 'empty');
  let time: CsvColumn | null = null;
  let sequenceId: CsvColumn | null = null;
  let label: CsvColumn | null = null;

  for (const c of cols) {
    if (!time && (c.kind === 'date' || (TIME_NAMES.test(c.name) && c.kind !== 'text'))) {
      time = c;
      reasons[c.name] = c.kind === 'date' ? 'time: its cells are dates' : 'time: named like a time column';
    }
  }
  for (const c of cols) {
    if (c === time || sequenceId) continue;
    const runs = runCount(c, rows);
    const blocky = runs >= 2 && runs <= rows / 2;
    if (ID_NAMES.test(c.name) && (c.kind === 'text' || isIntegerColumn(c, rows)) && blocky) {
      sequenceId = c;
      reasons[c.name] = `sequence id: named like an id, ${runs} runs of consecutive equal values`;
    }
  }
  if (!sequenceId) {
    for (const c of cols) {
      if (c === time || c.kind !== 'text') continue;
      const runs = runCount(c, rows);
      if (runs >= 2 && runs <= rows / 2 && !LABEL_NAMES.test(c.name)) {
        sequenceId = c;
        reasons[c.name] = `sequence id: text in ${runs} runs of consecutive equal values`;
        break;
      }
    }
  }
  for (const c of cols) {
    if (c === time || c === sequenceId || label) continue;
    const few = distinct(c, rows, 20);
    const classLike = c.kind === 'text' || (isIntegerColumn(c, rows) && few <= 20);
    if (classLike && few >= 2 && (LABEL_NAMES.test(c.name) || (sequenceId && constantWithin(c, sequenceId, rows) && c.kind === 'text'))) {
      label = c;
      reasons[c.name] = `label: ${few} classes${sequenceId && constantWithin(c, sequenceId, rows) ? ', constant within each sequence' : ''}`;
    }
  }
  const numeric = cols.filter((c) => c !== time && c !== sequenceId && c !== label && c.kind === 'numeric');
  for (const c of cols) {
    if (c !== time && c !== sequenceId && c !== label && c.kind === 'text') reasons[c.name] = 'ignored: text that is neither an id nor a label';
  }
  const answer = numeric.find((c) => TARGET_NAMES.test(c.name));
  const series = numeric.find((c) => SERIES_NAMES.test(c.name));
  const target = answer ?? series ?? numeric[0] ?? null;
  for (const c of numeric) reasons[c.name] = 'feature: numeric';
  if (target) {
    reasons[target.name] = answer
      ? 'target: named as the target (regression; not an input)'
      : `target: ${series ? 'named like a series' : 'the first numeric column'}, predicted one step ahead (also an input)`;
  }
  const transforms: Record<string, 'log-returns'> = {};
  for (const c of numeric) {
    if (!PRICE_NAMES.test(c.name) || !c.values) continue;
    let positive = true;
    for (let r = 0; r < rows && positive; r++) if (!(c.values[r] > 0) && !Number.isNaN(c.values[r])) positive = false;
    if (positive) {
      transforms[c.name] = 'log-returns';
      reasons[c.name] += '; log-returns (a positive price)';
    }
  }
  return {
    transforms,
    features: numeric.filter((c) => c !== answer).map((c) => c.name),
    targets: target ? [target.name] : [],
    sequenceId: sequenceId?.name ?? null,
    label: label?.name ?? null,
    time: time?.name ?? null,
    reasons,
    task: label ? 'classify' : answer ? 'regress' : 'next-step',
  };
}
