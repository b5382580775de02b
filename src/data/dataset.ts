/**
 * From a parsed CSV table to training sequences for the engine, in phases:
 *   columns in use (bad cells stop here, named) → sequences (consecutive rows with one id; read oldest first) →
 *   missing values (an error unless drop, forward-fill or interpolate) → labels → split (by sequence, or by time within
 *   each sequence; never shuffling time across it) → transforms (given, or chosen from the data: a trending level is
 *   modelled as changes) → scaling (z-scores of the training rows) → the data's memory → windows (sized from the data)
 *   → samples and the naive baseline.
 * Values are never copied per row into JS arrays: every phase reads the table's columns through the kept rows, and a
 * sample is a view into one scaled array per part (overlapping windows) or a copy of its own rows (disjoint windows),
 * so memory grows with the rows the model sees, not with the file. Every error names the file, the line and the
 * column where it can, and says what was expected and what to do.
 */
import type { ModelConfig, Sample } from '../engine/index';
import { keyAt, orderOf } from './columnStats';
import type { CsvColumn, CsvTable } from './csvTypes';
import { correlogram, type Correlogram } from './memory';
import type { ColumnRoles } from './roles';
import { missingChoices, settingWords, type Surface } from './settingWords';
import { plural } from './words';

/** What the model learns. */
export type TaskKind = 'next-step' | 'regress' | 'classify';
/** Per-column transform applied within each sequence (the first row of every sequence is used up when any is set). */
export type Transform = 'none' | 'diff' | 'returns' | 'log-returns';
/** What to do with empty cells in the columns in use. */
export type MissingPolicy = 'error' | 'drop' | 'ffill' | 'interpolate';
/** The ways to fill gaps, offered when a file has some. */
export const MISSING_FIXES = ['ffill', 'interpolate', 'drop'] as const;

/** How to turn a table into a dataset. */
export interface DatasetSpec {
  roles: ColumnRoles;
  task: TaskKind;
  /** Transforms given by the user, used as they are; columns not listed are chosen from the data unless `autoTransforms` is false. */
  transforms?: Record<string, Transform>;
  /** Choose a transform from the data for feature and target columns not in `transforms` (default true). */
  autoTransforms?: boolean;
  /** The roles were set by hand: a transform chosen from the data is then reported as a warning naming the setting. */
  rolesGiven?: boolean;
  /** z-score features and regression targets with statistics of the training rows (default true). */
  zscore?: boolean;
  /** Sliding windows of `length` steps every `stride` rows; "none": whole sequences; absent or null: chosen from the data. */
  window?: { length: number; stride?: number } | 'none' | null;
  /** Fraction of sequences (by sequence) or of each sequence's rows (by time) held out for validation (default 0.2). */
  validation?: number;
  split?: 'sequence' | 'time';
  missing?: MissingPolicy;
  /** Cap on training windows; the stride grows to respect it (default 20000). */
  maxWindows?: number;
  /** Use this scaling (a trained model's) instead of fitting one on the training rows. */
  scaler?: Scaler;
  /** Row order within sequences: as in the file, or reversed; absent: reversed when the time column runs backwards. */
  order?: 'file' | 'reversed';
  /** Where the notes and errors will be read: settings are named as flags ('cli', the default) or as the editor's controls. */
  surface?: Surface;
}

/** z-score statistics: x' = (x − mean) / std, per feature and per target. */
export interface Scaler {
  featureMean: number[];
  featureStd: number[];
  targetMean: number[];
  targetStd: number[];
}

/** Where a sample came from, for plots and error messages. */
export interface SampleSource {
  sequence: string;
  /** Index into Dataset.sequences. */
  sequenceIndex: number;
  /** First data row (0-based table row) of the sample's inputs. */
  startRow: number;
  /** Index of that row within the prepared sequence. */
  offset: number;
  length: number;
}

/** One sequence after missing-value handling and transforms: which rows it reads, in order. */
export interface PreparedSequence {
  id: string;
  /** Table rows of its steps (0-based), in reading order. */
  rows: Int32Array;
  /** The row read before the first step (used up by a transform), or -1. */
  before: number;
  /** class index per step (classify); constant for a per-sequence label */
  labels: Int32Array;
  /** Values of the columns in use after filling gaps, [1 + steps, columns] (row `before` first), when any was filled. */
  filled: Float64Array | null;
}

/** The autocorrelation of the (first) target, as read and as the model sees it, and how far it reaches. */
export interface DataMemory {
  column: string;
  transform: Transform;
  /** Of the target's changes when it is transformed, else of its values. */
  modelled: Correlogram;
  /** Of the target's values as read (levels), when it is transformed. */
  asRead: Correlogram | null;
  /** The lag after which the partial autocorrelation of what the model sees stays inside the 95% band. */
  lag: number;
  /** Plain words: "the data remembers about 13 steps (…)". */
  summary: string;
}

/** The result: engine samples plus everything needed to explain and reproduce them. */
export interface Dataset {
  file: string;
  task: TaskKind;
  featureNames: string[];
  targetNames: string[];
  /** Class names (classify), index = class. */
  classes: string[] | null;
  /** 'sequence': one target or label per sequence (read at its last step); 'step': one per step. */
  granularity: 'sequence' | 'step';
  model: Pick<ModelConfig, 'inputSize' | 'outputSize' | 'readout' | 'loss'>;
  train: Sample[];
  validation: Sample[];
  trainSources: SampleSource[];
  validationSources: SampleSource[];
  sequences: PreparedSequence[];
  /** Scaling fitted on the training rows (or given): x' = (x − mean) / std. */
  scaler: Scaler;
  window: { length: number; stride: number } | null;
  split: 'sequence' | 'time';
  /** Transforms in effect for every feature and target column (given or chosen). */
  transforms: Record<string, Transform>;
  order: 'file' | 'reversed';
  /** The baseline on the validation set: repeat-last-value (next-step), constant mean (regress), majority class (classify, named). */
  baseline: { kind: string; loss: number; accuracy: number | null; majority?: string };
  stats: { sequences: number; rows: number; minLength: number; maxLength: number; trainSamples: number; validationSamples: number };
  dataMemory: DataMemory | null;
  /** A target kept as levels whose validation values leave its training range (a fifth or more), for the verdict. */
  outsideRange: { column: string; share: number; above: boolean; positive: boolean } | null;
  /** What was chosen and why (window, stride, transforms, order, …). */
  notes: string[];
  /** What the user should look at (a transform chosen against given roles, bad cells in unused columns). */
  warnings: string[];
  /** The columns in use as the table holds them (features, then targets), for reading values back. */
  columns: { features: CsvColumn[]; targets: CsvColumn[] };
}

/** A data problem the user can fix, with where it is; `fixes` lists one-click remedies (gaps). */
export class DataError extends Error {
  constructor(message: string, readonly line: number | null = null, readonly column: string | null = null, readonly fixes: readonly MissingPolicy[] = [],
    /** The file the line is in. */
    readonly file: string | null = null) {
    super(message);
    this.name = 'DataError';
  }
}

const TRANSFORMS: readonly Transform[] = ['none', 'diff', 'returns', 'log-returns'];
/** Named like a price: a positive one is modelled by its log-returns. */
const PRICE_NAMES = /^(open|high|low|close|adj[ _.]?close|adjclose|close\/last|price|prices|mid|bid|ask|last|settle|settlement|vwap|.*[ _]price|price[ _].*)$/i;

const q = (name: string): string => `"${name}"`;
/** A number for a message, without noise digits. */
const num = (v: number): string => String(Number(v.toPrecision(6)));

function findColumn(table: CsvTable, name: string, role: string): CsvColumn {
  const c = table.columns.find((col) => col.name === name);
  if (!c) {
    throw new DataError(`${table.file}: no column "${name}" (for ${role}); the columns are ${table.columns.map((x) => q(x.name)).join(', ')}`, null, name);
  }
  return c;
}

/** Where a bad cell is, in words: its line and, for a reshaped (wide) table, the file's column. */
function cellPlace(table: CsvTable, name: string, cell: { line: number; column?: string }): string {
  return `${table.file} line ${cell.line}, column ${q(cell.column ?? name)}`;
}

/** A numeric column for a role; a bad cell in it stops the run, named with its line, column and value. */
function numericColumn(table: CsvTable, name: string, role: string): CsvColumn {
  const c = findColumn(table, name, role);
  if (c.kind === 'numeric' && c.invalid > 0) {
    const first = c.invalidCells[0];
    const others = c.invalidCells.slice(1).map((x) => `${x.line}${x.column && x.column !== first.column ? ` (${x.column})` : ''}`);
    const more = c.invalid > 1 ? `; ${plural(c.invalid, 'such cell')} in this column${others.length ? `, also at line${others.length > 1 ? 's' : ''} ${others.join(', ')}${c.invalid > c.invalidCells.length ? ', …' : ''}` : ''}` : '';
    throw new DataError(
      `${cellPlace(table, name, first)}: expected a number (${role}), found "${first.value}"${more}. Correct the cell, or empty it and choose how to fill gaps (missing: ffill, interpolate or drop)`,
      first.line, first.column ?? name, [], table.file,
    );
  }
  if (c.kind === 'numeric') return c;
  if (c.firstNonNumeric) {
    const why = c.kind === 'text' ? ' — most of its cells are not numbers' : c.kind === 'date' ? ' — it holds dates' : '';
    throw new DataError(`${table.file} line ${c.firstNonNumeric.line}, column ${q(name)}: expected a number (${role}), found "${c.firstNonNumeric.value}"${why}`, c.firstNonNumeric.line, name, [], table.file);
  }
  throw new DataError(`${table.file}: column ${q(name)} holds ${c.kind === 'empty' ? 'no values' : c.kind + ' values'}; ${role} must be numeric`, null, name);
}

/** Cell value as a class key (text or number); null when empty. */
function classKey(c: CsvColumn, r: number): string | null {
  if (c.codes) return c.codes[r] < 0 ? null : (c.dictionary as string[])[c.codes[r]];
  const v = (c.values as Float64Array)[r];
  return Number.isNaN(v) ? null : String(v);
}

/** Applies a transform to a value and its predecessor; NaN where it is undefined (checked by the caller). */
function transformed(t: Transform, v: number, prev: number): number {
  switch (t) {
    case 'none': return v;
    case 'diff': return v - prev;
    case 'returns': return prev === 0 ? NaN : v / prev - 1;
    case 'log-returns': {
      if (!(prev > 0 && v > 0)) return NaN;
      const ratio = v / prev;
      return ratio > 0 && ratio < Infinity ? Math.log(ratio) : Math.log(v) - Math.log(prev);
    }
  }
}

/** The level after a change: the inverse of `transformed` (the value a predicted change leads to). */
export function levelAfter(t: Transform, change: number, prev: number): number {
  switch (t) {
    case 'none': return change;
    case 'diff': return prev + change;
    case 'returns': return prev * (1 + change);
    case 'log-returns': return prev * Math.exp(change);
  }
}

/** (v − mean) / std, also when v and the mean lie so far apart near the largest double that their difference overflows. */
function zscore(v: number, mean: number, std: number): number {
  const d = v - mean;
  return d - d === 0 ? d / std : v / std - mean / std;
}

type Part = { seq: number; from: number; to: number };

/**
 * Lets go of the values of every column no role names (neither feature, target, label, sequence id nor time) once the
 * dataset is built, for a caller that only trains on it: a wide file whose model reads few of its columns then does
 * not keep the others in memory for the whole run. Returns the bytes let go. The table's names, counts and notes stay.
 */
export function releaseUnusedColumns(table: CsvTable, spec: DatasetSpec): number {
  const r = spec.roles;
  const named = new Set([...r.features, ...r.targets, r.label, r.sequenceId, r.time].filter((n): n is string => n !== null));
  let bytes = 0;
  for (const c of table.columns) {
    if (named.has(c.name)) continue;
    if (c.values?.length) {
      bytes += c.values.byteLength;
      c.values = new Float64Array(0);
    }
    if (c.codes?.length) {
      bytes += c.codes.byteLength;
      c.codes = new Int32Array(0);
    }
  }
  return bytes;
}

/**
 * Builds the dataset; throws DataError with file/line/column for anything the user must fix. An error that is not about
 * one cell also names the file's bad cells: the suggested roles may have come from them.
 */
export function buildDataset(table: CsvTable, spec: DatasetSpec): Dataset {
  try {
    return build(table, spec);
  } catch (e) {
    if (e instanceof DataError && e.line === null) {
      const note = badCellsNote(table);
      if (note) throw new DataError(`${e.message}${note}`, null, e.column, e.fixes);
    }
    throw e;
  }
}

/** The first bad cells of a table's numeric and date columns, for an error that may come from them, or nothing. */
function badCellsNote(table: CsvTable): string {
  let total = 0;
  const cells: { line: number; column: string; value: string }[] = [];
  for (const c of table.columns) {
    total += c.invalid;
    for (const cell of c.invalidCells) cells.push({ line: cell.line, column: cell.column ?? c.name, value: cell.value });
  }
  if (total === 0 || cells.length === 0) return '';
  cells.sort((a, b) => a.line - b.line);
  const first = cells.slice(0, 5).map((c) => `line ${c.line}, column ${q(c.column)}: "${c.value}"`);
  return ` (the file has ${plural(total, 'bad cell')}, which may be why: ${first.join('; ')}${total > first.length ? '; …' : ''})`;
}

/** What every phase of building a dataset reads: the file, the settings, and the notes and warnings it adds to. */
interface BuildContext {
  table: CsvTable;
  spec: DatasetSpec;
  file: string;
  notes: string[];
  warnings: string[];
}

/** The columns a dataset reads, checked: features, targets, the sequence id, label and time, and the used ones in order. */
interface UsedColumns {
  featureNames: string[];
  targetNames: string[];
  features: CsvColumn[];
  targets: CsvColumn[];
  idCol: CsvColumn | null;
  labelCol: CsvColumn | null;
  timeCol: CsvColumn | null;
  given: Record<string, Transform>;
  used: CsvColumn[];
  usedIndex: Map<CsvColumn, number>;
  U: number;
}

/** Phase 1, columns: which columns are read and as what; every conflict is an error naming the column. */
function columnsInUse({ table, spec, file, notes, warnings }: BuildContext): UsedColumns {
  const roles = spec.roles;
  const task = spec.task;
  let featureNames = [...new Set(roles.features)];
  const targetNames = task === 'classify' ? [] : [...new Set(roles.targets)];
  if (task !== 'classify' && targetNames.length === 0) throw new DataError(`${file}: the ${task} task needs a target column (${settingWords({ setting: 'targets' }, spec.surface)})`);
  if (task === 'regress') {
    const leak = featureNames.filter((f) => targetNames.includes(f));
    if (leak.length) {
      featureNames = featureNames.filter((f) => !targetNames.includes(f));
      notes.push(`${leak.map(q).join(', ')} is the regression target, so it is not also used as an input`);
    }
  }
  if (task === 'next-step' && featureNames.length === 0) featureNames = [...targetNames];
  if (featureNames.length === 0) throw new DataError(`${file}: no numeric feature columns to learn from (${settingWords({ setting: 'features' }, spec.surface)})`);
  for (const n of [roles.time, roles.sequenceId, roles.label]) {
    if (n && (featureNames.includes(n) || targetNames.includes(n))) {
      throw new DataError(`${file}: column ${q(n)} cannot be both ${featureNames.includes(n) ? 'a feature' : 'a target'} and the ${n === roles.time ? 'time' : n === roles.sequenceId ? 'sequence id' : 'label'}`, null, n);
    }
  }
  const features = featureNames.map((n) => numericColumn(table, n, 'a feature'));
  const targets = targetNames.map((n) => numericColumn(table, n, 'a target'));
  const idCol = roles.sequenceId ? findColumn(table, roles.sequenceId, 'the sequence id') : null;
  if (idCol?.kind === 'empty') throw new DataError(`${file}: column ${q(idCol.name)} is empty; the sequence id needs values`, null, idCol.name);
  let labelCol: CsvColumn | null = null;
  if (task === 'classify') {
    if (!roles.label) throw new DataError(`${file}: the classify task needs a label column (${settingWords({ setting: 'label' }, spec.surface)})`);
    labelCol = findColumn(table, roles.label, 'the label');
    if (labelCol.kind === 'empty') throw new DataError(`${file}: column ${q(labelCol.name)} is empty; the label needs values`, null, labelCol.name);
  }
  const timeCol = roles.time ? findColumn(table, roles.time, 'time') : null;
  for (const c of [idCol, timeCol, labelCol]) {
    if (c && c.invalid > 0) {
      const cell = c.invalidCells[0];
      warnings.push(`${cellPlace(table, c.name, cell)}: "${cell.value}" is not ${c.kind === 'date' ? 'a date' : 'a number'} like the rest of the column (${plural(c.invalid, 'such cell')})`);
    }
  }
  const given = spec.transforms ?? {};
  for (const [name, t] of Object.entries(given)) {
    if (!TRANSFORMS.includes(t)) throw new DataError(`${file}: unknown transform "${t}" for column ${q(name)} (none, diff, returns, log-returns)`);
    if (!featureNames.includes(name) && !targetNames.includes(name)) throw new DataError(`${file}: transform given for ${q(name)}, which is not a feature or target`, null, name);
  }
  const used = [...features, ...targets.filter((c) => !features.includes(c))];
  const usedIndex = new Map(used.map((c, k) => [c, k]));
  const U = used.length;
  return { featureNames, targetNames, features, targets, idCol, labelCol, timeCol, given, used, usedIndex, U };
}

/** Phases 2–4, runs, gaps and labels: the sequences (runs of one id, read oldest first), gaps handled by the policy, classes. */
function readSequences({ table, spec, file, notes }: BuildContext, { idCol, timeCol, labelCol, used }: UsedColumns):
  { order: 'file' | 'reversed'; sequences: PreparedSequence[]; classes: string[]; dropped: number } {
  const runs = sequenceRuns(table, idCol);
  const order = spec.order ?? (timeCol && runsBackwards(timeCol, runs) ? 'reversed' : 'file');
  if (order === 'reversed' && !spec.order) notes.push(`the rows are newest first ("${timeCol?.name}" decreases down the file): each sequence is read oldest first`);

  // ── missing values ──
  const policy = spec.missing ?? 'error';
  if (policy === 'error') missingError(table, used, spec.surface);
  const sequences: PreparedSequence[] = [];
  let dropped = 0;
  let filledCells = 0;
  let unfillable = 0;
  const classIndex = new Map<string, number>();
  const classes: string[] = [];
  for (const run of runs) {
    const prepared = prepareRows(run, order, used, policy);
    dropped += prepared.dropped;
    filledCells += prepared.filledCells;
    unfillable += prepared.unfillable;
    const labels = new Int32Array(prepared.rows.length);
    if (labelCol) {
      for (let i = 0; i < prepared.rows.length; i++) {
        const key = classKey(labelCol, prepared.rows[i]);
        if (key === null) throw new DataError(`${file} line ${table.lineOf(prepared.rows[i])}, column ${q(labelCol.name)}: missing label`, table.lineOf(prepared.rows[i]), labelCol.name);
        let k = classIndex.get(key);
        if (k === undefined) {
          k = classes.length;
          classIndex.set(key, k);
          classes.push(key);
        }
        labels[i] = k;
      }
    }
    sequences.push({ id: run.id, rows: prepared.rows, before: -1, labels, filled: prepared.filled });
  }
  if (dropped) notes.push(`${plural(dropped, 'row')} with missing values dropped`);
  if (filledCells) notes.push(`${plural(filledCells, 'missing value')} ${policy === 'ffill' ? 'forward-filled' : 'interpolated'}${unfillable ? `; ${plural(unfillable, 'row')} at the start of a sequence dropped (nothing to fill from)` : ''}`);
  else if (unfillable) notes.push(`${plural(unfillable, 'row')} at the start of a sequence dropped (missing values with nothing to fill from)`);
  if (labelCol && classes.length < 2) {
    throw new DataError(`${file}: column ${q(labelCol.name)} has only one class ("${classes[0]}"); classification needs at least two`, null, labelCol.name);
  }
  return { order, sequences, classes, dropped };
}

/** Phase 5, granularity: one label or target per sequence, or one per step. */
function granularityOf({ spec, notes }: BuildContext, { idCol, targets, usedIndex }: UsedColumns, sequences: PreparedSequence[],
  raw: (s: PreparedSequence, k: number, j: number) => number): 'sequence' | 'step' {
  const task = spec.task;
  let granularity: 'sequence' | 'step' = 'step';
  const constantPer = (get: (s: PreparedSequence, i: number) => number): boolean =>
    sequences.every((s) => {
      for (let i = 1; i < s.rows.length; i++) if (get(s, i) !== get(s, 0)) return false;
      return true;
    });
  if (task === 'classify') {
    granularity = idCol && constantPer((s, i) => s.labels[i]) ? 'sequence' : 'step';
    if (granularity === 'step') notes.push('the label changes within sequences: one class per step (per-step classification)');
  } else if (task === 'regress' && idCol && sequences.some((s) => s.rows.length > 1)
    && targets.every((c) => constantPer((s, i) => raw(s, usedIndex.get(c) as number, i)))) {
    granularity = 'sequence';
    notes.push('the target is constant within each sequence: one prediction per sequence, from its last step');
  }
  return granularity;
}

/** Phase 6, split: by sequence (the last ones held out) or by time (the end of every sequence held out). */
function splitParts({ spec, file }: BuildContext, { idCol }: UsedColumns, sequences: PreparedSequence[], granularity: 'sequence' | 'step', dropped: number):
  { usable: number[]; medianLength: number; split: 'sequence' | 'time'; trainParts: Part[]; valParts: Part[] } {
  const task = spec.task;
  const valFrac = spec.validation ?? 0.2;
  const usable: number[] = [];
  sequences.forEach((s, i) => {
    if (s.rows.length > 0) usable.push(i);
  });
  if (usable.length === 0) throw new DataError(`${file}: no rows left to learn from${dropped ? ' (every row had a missing value)' : ''}`);
  const medianLength = median(usable.map((i) => sequences[i].rows.length));
  // many sequences, or several short ones: hold out whole sequences; a few long ones: hold out the end of each
  let split: 'sequence' | 'time' = spec.split ?? (granularity === 'sequence' || task === 'classify' || usable.length >= 20 || (usable.length >= 5 && medianLength < 64) ? 'sequence' : 'time');
  if (granularity === 'sequence' && split === 'time') throw new DataError(`${file}: one label or target per sequence: the split must be by sequence`);
  if (split === 'sequence' && usable.length < 2) {
    if (spec.split === 'sequence' || granularity === 'sequence') throw new DataError(`${file}: splitting by sequence needs at least 2 sequences; found ${usable.length}${idCol ? '' : ' (no sequence id column)'}`);
    split = 'time';
  }
  const trainParts: Part[] = [];
  const valParts: Part[] = [];
  if (split === 'sequence') {
    const nVal = Math.max(1, Math.round(usable.length * valFrac));
    usable.forEach((si, i) => (i >= usable.length - nVal ? valParts : trainParts).push({ seq: si, from: 0, to: sequences[si].rows.length }));
  } else {
    for (const si of usable) {
      const n = sequences[si].rows.length;
      const cut = Math.floor(n * (1 - valFrac));
      trainParts.push({ seq: si, from: 0, to: cut });
      valParts.push({ seq: si, from: cut, to: n });
    }
  }
  return { usable, medianLength, split, trainParts, valParts };
}

/** Phase 7, transforms: given, or chosen from the data; the values as the model reads them, and a trend left as levels. */
function applyTransforms({ table, spec, notes, warnings }: BuildContext, { used, given, targets, usedIndex, U }: UsedColumns, sequences: PreparedSequence[],
  trainParts: Part[], valParts: Part[], raw: (s: PreparedSequence, k: number, j: number) => number):
  { transforms: Record<string, Transform>; tf: Transform[]; outsideRange: Dataset['outsideRange']; value: (s: PreparedSequence, k: number, i: number) => number } {
  const task = spec.task;
  const chosen = chooseTransforms(used, given, spec.autoTransforms !== false && task !== 'classify', sequences, trainParts, valParts, raw);
  const transforms: Record<string, Transform> = {};
  for (const c of used) transforms[c.name] = chosen.get(c)?.transform ?? 'none';
  for (const [c, choice] of chosen) {
    if (!choice.auto) continue;
    const setting = settingWords({ setting: 'keepLevels', column: c.name }, spec.surface);
    if (spec.rolesGiven) warnings.push(`${q(c.name)} ${choice.why}: modelled as ${choice.transform} (predictions are turned back into its levels); to keep the levels set ${setting}`);
    else notes.push(`${q(c.name)} ${choice.why}: modelled as ${choice.transform}, predictions turned back into levels (${setting} keeps the levels)`);
  }
  const anyTransform = Object.values(transforms).some((t) => t !== 'none');
  if (anyTransform) {
    // the first row of every sequence is used up by the changes
    for (const s of sequences) {
      if (s.rows.length === 0) continue;
      s.before = s.rows[0];
      s.rows = s.rows.subarray(1);
      s.labels = s.labels.subarray(1);
      if (s.filled) s.filled = s.filled.subarray(U);
    }
    for (const p of [...trainParts, ...valParts]) {
      p.from = Math.max(0, p.from - 1);
      p.to = Math.max(0, p.to - 1);
    }
  }
  const tf = used.map((c) => transforms[c.name]);
  let outsideRange: Dataset['outsideRange'] = null;
  for (const c of targets) {
    const k = usedIndex.get(c) as number;
    if (tf[k] !== 'none') continue;
    const out = outsideShare(k, sequences, trainParts, valParts, raw);
    if (out && out.share >= 0.2 && (!outsideRange || out.share > outsideRange.share)) {
      let positive = true;
      for (const s of sequences) for (let i = 0; i < s.rows.length && positive; i++) if (!(raw(s, k, i) > 0)) positive = false;
      outsideRange = { column: c.name, share: out.share, above: out.above, positive };
    }
  }
  const value = (s: PreparedSequence, k: number, i: number): number => {
    const v = raw(s, k, i);
    return tf[k] === 'none' ? v : transformed(tf[k], v, raw(s, k, i - 1));
  };
  checkTransformed(table, sequences, used, tf, raw);
  return { transforms, tf, outsideRange, value };
}

/** Phase 9, windows: given, or chosen from the data's memory for long series; capped in number. */
function windowsOf({ spec, file, notes }: BuildContext, trainParts: Part[], valParts: Part[], sequences: PreparedSequence[], granularity: 'sequence' | 'step',
  split: 'sequence' | 'time', usable: number[], medianLength: number, dataMemory: DataMemory | null, need: (T: number) => number): { length: number; stride: number } | null {
  const task = spec.task;
  const partLen = (p: Part): number => p.to - p.from;
  let trainLongest = 0;
  for (const p of trainParts) trainLongest = Math.max(trainLongest, partLen(p));
  let shortestLong = Infinity;
  for (const p of trainParts) if (partLen(p) > 0) shortestLong = Math.min(shortestLong, partLen(p));
  let window: { length: number; stride: number } | null = null;
  const cap = spec.maxWindows ?? 20000;
  if (spec.window && spec.window !== 'none') {
    const T = spec.window.length;
    if (!Number.isInteger(T) || T < 1) throw new DataError(`${file}: window length must be a whole number ≥ 1; got ${T}`);
    const stride = spec.window.stride ?? Math.max(1, Math.floor(T / 2));
    if (!Number.isInteger(stride) || stride < 1) throw new DataError(`${file}: window stride must be a whole number ≥ 1; got ${stride}`);
    window = { length: T, stride };
  } else if (spec.window !== 'none' && granularity === 'step' && (split === 'time' || trainLongest > 2000 || (usable.length < 20 && medianLength >= 48))) {
    window = chooseWindow(trainParts, split === 'time' ? valParts : [], dataMemory, need, cap, notes, task, spec.surface);
  }
  if (window) {
    let longest = 0;
    for (const s of sequences) longest = Math.max(longest, s.rows.length);
    if (need(window.length) > trainLongest) {
      throw new DataError(`${file}: a window of ${window.length} steps${task === 'next-step' ? ' (plus the next value)' : ''} is longer than any training sequence (longest ${trainLongest} rows${longest !== trainLongest ? ` of ${longest}` : ''}); use a shorter window (${settingWords({ setting: 'window' }, spec.surface)})`);
    }
    let total = 0;
    for (const p of trainParts) total += Math.max(0, Math.floor((partLen(p) - need(window.length)) / window.stride) + 1);
    if (total > cap) {
      const stride = Math.ceil(window.stride * (total / cap));
      notes.push(`${total.toLocaleString('en')} training windows at stride ${window.stride}: stride raised to ${stride} to keep about ${cap.toLocaleString('en')}`);
      window = { length: window.length, stride };
    }
  }
  return window;
}

function build(table: CsvTable, spec: DatasetSpec): Dataset {
  const file = table.file;
  const notes: string[] = [];
  const warnings: string[] = [];
  if (table.rowCount === 0) throw new DataError(`${file} has no data rows`);
  const task = spec.task;
  const valFrac = spec.validation ?? 0.2;
  if (!(valFrac > 0 && valFrac < 0.9)) throw new DataError(`${file}: validation fraction must be between 0 and 0.9; got ${valFrac}`);
  const ctx: BuildContext = { table, spec, file, notes, warnings };
  const cols = columnsInUse(ctx);
  const { featureNames, targetNames, features, targets, used, usedIndex, U } = cols;
  const { order, sequences, classes, dropped } = readSequences(ctx, cols);
  // ── reading values: raw (after filling), transformed, scaled ──
  const raw = (s: PreparedSequence, k: number, j: number): number => {
    // j = -1 is the row before the first step
    if (s.filled) return s.filled[(j + 1) * U + k];
    const row = j < 0 ? s.before : s.rows[j];
    return (used[k].values as Float64Array)[row];
  };

  const granularity = granularityOf(ctx, cols, sequences, raw);
  const { usable, medianLength, split, trainParts, valParts } = splitParts(ctx, cols, sequences, granularity, dropped);
  const { transforms, tf, outsideRange, value } = applyTransforms(ctx, cols, sequences, trainParts, valParts, raw);

  // ── scaling: z-scores of the training rows ──
  const F = features.length;
  const P = targets.length;
  const fk = features.map((c) => usedIndex.get(c) as number);
  const tk = targets.map((c) => usedIndex.get(c) as number);
  const scaler = fitScaler(spec, table, trainParts, sequences, value, fk, tk, used, tf, task, (w) => warnings.push(w));
  checkScaled(table, [...trainParts, ...valParts], sequences, value, fk, scaler.featureMean, scaler.featureStd, used, tf);
  checkScaled(table, [...trainParts, ...valParts], sequences, value, tk, scaler.targetMean, scaler.targetStd, used, tf);

  // ── the data's memory ──
  const memoryColumn = targets[0] ?? null;
  const dataMemory = memoryColumn ? dataMemoryOf(memoryColumn.name, tf[usedIndex.get(memoryColumn) as number], trainParts, sequences,
    (s, i) => value(s, usedIndex.get(memoryColumn) as number, i), (s, i) => raw(s, usedIndex.get(memoryColumn) as number, i)) : null;

  // ── windows ──
  const need = (T: number): number => (task === 'next-step' ? T + 1 : T);
  const window = windowsOf(ctx, trainParts, valParts, sequences, granularity, split, usable, medianLength, dataMemory, need);

  // ── samples ──
  const sampler = { sequences, task, granularity, window, need, F, P, fk, tk, value, scaler };
  const tr = makeSamples(sampler, trainParts);
  const va = makeSamples(sampler, valParts);
  if (tr.samples.length === 0) throw new DataError(`${file}: no training sequences left (too short for the task, or all rows dropped)`);
  if (va.samples.length === 0) throw new DataError(`${file}: no validation sequences left; use more data, a shorter window or a larger validation share`);

  // ── the naive baseline on validation, in the model's units ──
  const baseline = baselineOf(task, classes, tr, va, sequences, P, tk, tf, value, scaler);

  let minLength = Infinity;
  let maxLength = 0;
  for (const si of usable) {
    minLength = Math.min(minLength, sequences[si].rows.length);
    maxLength = Math.max(maxLength, sequences[si].rows.length);
  }
  return {
    file, task, featureNames, targetNames, classes: task === 'classify' ? classes : null, granularity,
    model: {
      inputSize: F,
      outputSize: task === 'classify' ? (classes.length === 2 ? 1 : classes.length) : P,
      readout: granularity === 'sequence' ? 'last' : 'every',
      loss: task === 'classify' ? (classes.length === 2 ? 'binary' : 'softmax') : 'mse',
    },
    train: tr.samples, validation: va.samples, trainSources: tr.sources, validationSources: va.sources,
    sequences, scaler, window, split, transforms, order, baseline, dataMemory, outsideRange,
    stats: { sequences: usable.length, rows: table.rowCount, minLength, maxLength, trainSamples: tr.samples.length, validationSamples: va.samples.length },
    notes, warnings, columns: { features, targets },
  };
}

/** Runs of consecutive rows with one id (the whole table without an id column), in linear time. */
export function sequenceRuns(table: CsvTable, idCol: CsvColumn | null): { id: string; start: number; end: number }[] {
  const n = table.rowCount;
  if (!idCol) return [{ id: 'all rows', start: 0, end: n }];
  const runs: { id: string; start: number; end: number }[] = [];
  let start = 0;
  for (let r = 1; r <= n; r++) {
    if (r === n || !sameCell(idCol, r, start)) {
      runs.push({ id: classKey(idCol, start) ?? `(empty id, line ${table.lineOf(start)})`, start, end: r });
      start = r;
    }
  }
  return runs;
}

function sameCell(c: CsvColumn, a: number, b: number): boolean {
  const x = keyAt(c, a);
  const y = keyAt(c, b);
  return x === y || (x !== x && y !== y);
}

/** Whether a time column runs backwards (newest first) within the sequences. */
function runsBackwards(time: CsvColumn, runs: { start: number; end: number }[]): boolean {
  if (!time.values) return false;
  const starts = Int32Array.from(runs, (r) => r.start);
  const o = orderOf(time.values, starts);
  return o.pairs >= 2 && o.down > 0.9 * o.pairs;
}

/** The missing-value error: how many, where, and the choices (nothing is filled silently). */
function missingError(table: CsvTable, used: CsvColumn[], surface: Surface | undefined): void {
  const gaps = used.filter((c) => c.missing > 0);
  if (gaps.length === 0) return;
  const total = gaps.reduce((s, c) => s + c.missing, 0);
  const first = gaps.reduce((a, b) => ((b.firstMissing?.line ?? Infinity) < (a.firstMissing?.line ?? Infinity) ? b : a));
  const lines: number[] = [];
  const v = first.values as Float64Array;
  for (let r = 0; r < table.rowCount && lines.length < 3; r++) if (v[r] !== v[r]) lines.push(table.lineOf(r));
  const markers = [...new Set(gaps.flatMap((c) => c.missingMarkers))];
  const perColumn = gaps.map((c) => `${q(c.name)} ${c.missing.toLocaleString('en')}`).join(', ');
  throw new DataError(
    `${table.file}: ${plural(total, 'missing value')} in the columns in use (${perColumn}${markers.length ? `; empty or ${markers.map((m) => `"${m}"`).join(', ')}` : ''}), the first at line${lines.length > 1 ? 's' : ''} ${lines.join(', ')} in column ${q(first.name)}. `
    + missingChoices(surface),
    lines[0] ?? null, first.name, ['ffill', 'interpolate', 'drop'], table.file,
  );
}

/** One sequence's rows in reading order with gaps handled by `policy`; the filled values when any were filled. */
function prepareRows(run: { start: number; end: number }, order: 'file' | 'reversed', used: CsvColumn[], policy: MissingPolicy):
  { rows: Int32Array; filled: Float64Array | null; dropped: number; filledCells: number; unfillable: number } {
  const n = run.end - run.start;
  const U = used.length;
  const rowAt = (i: number): number => (order === 'file' ? run.start + i : run.end - 1 - i);
  const gapAt = (r: number): boolean => {
    for (let k = 0; k < U; k++) if ((used[k].values as Float64Array)[r] !== (used[k].values as Float64Array)[r]) return true;
    return false;
  };
  let gaps = 0;
  for (let i = 0; i < n; i++) if (gapAt(rowAt(i))) gaps++;
  if (gaps === 0) return { rows: Int32Array.from({ length: n }, (_, i) => rowAt(i)), filled: null, dropped: 0, filledCells: 0, unfillable: 0 };
  if (policy === 'drop' || policy === 'error') {
    const rows = new Int32Array(n - gaps);
    let j = 0;
    for (let i = 0; i < n; i++) if (!gapAt(rowAt(i))) rows[j++] = rowAt(i);
    return { rows, filled: null, dropped: gaps, filledCells: 0, unfillable: 0 };
  }
  // ffill / interpolate: values per column; leading gaps have nothing before them and their rows are dropped
  const values = new Float64Array(n * U);
  for (let i = 0; i < n; i++) for (let k = 0; k < U; k++) values[i * U + k] = (used[k].values as Float64Array)[rowAt(i)];
  let filledCells = 0;
  let lead = 0;
  for (let k = 0; k < U; k++) {
    let last = -1;
    for (let i = 0; i < n; i++) {
      const v = values[i * U + k];
      if (v === v) {
        if (policy === 'interpolate' && last >= 0 && i - last > 1) {
          const a = values[last * U + k];
          for (let j = last + 1; j < i; j++) values[j * U + k] = a + ((v - a) * (j - last)) / (i - last);
        }
        last = i;
      } else if (last >= 0) {
        if (policy === 'ffill') values[i * U + k] = values[last * U + k];
      } else lead = Math.max(lead, i + 1);
    }
    // trailing gaps after the last value: carried forward (interpolation has no right neighbour)
    if (policy === 'interpolate' && last >= 0) for (let i = last + 1; i < n; i++) values[i * U + k] = values[last * U + k];
  }
  for (let i = lead; i < n; i++) for (let k = 0; k < U; k++) if ((used[k].values as Float64Array)[rowAt(i)] !== (used[k].values as Float64Array)[rowAt(i)]) filledCells++;
  const kept = n - lead;
  const rows = new Int32Array(kept);
  for (let i = 0; i < kept; i++) rows[i] = rowAt(i + lead);
  // one slot in front for the row before the first step (a transform's first row: the buffer then moves on by one)
  const filled = new Float64Array((kept + 1) * U);
  filled.set(values.subarray(lead * U), U);
  return { rows, filled, dropped: 0, filledCells, unfillable: lead };
}

/** A transform chosen for a column, and why. */
interface Choice {
  transform: Transform;
  auto: boolean;
  why: string;
}

/**
 * Transforms for the columns in use: the given ones as they are; for the others (in forecasting and regression, and not
 * for indicators), a positive price (by its name) and a level series that trends are modelled as changes — log-returns when all values are positive, differences otherwise.
 * A series trends when its validation part leaves the range of its training part (a fifth of it or more outside), when
 * a straight line explains half its variance in the training rows, or when it wanders: lag-1 autocorrelation above
 * 0.95 with the means of the two halves of the training part apart by more than one standard deviation. Stationary
 * series stay as they are.
 */
function chooseTransforms(
  used: CsvColumn[], given: Record<string, Transform>, auto: boolean, sequences: PreparedSequence[], trainParts: Part[], valParts: Part[],
  raw: (s: PreparedSequence, k: number, j: number) => number,
): Map<CsvColumn, Choice> {
  const out = new Map<CsvColumn, Choice>();
  used.forEach((c, k) => {
    const g = given[c.name];
    if (g !== undefined) {
      if (g !== 'none') out.set(c, { transform: g, auto: false, why: 'given' });
      return;
    }
    if (!auto || fewValues(c, 2)) return;
    let positive = true;
    for (const s of sequences) for (let i = 0; i < s.rows.length && positive; i++) if (!(raw(s, k, i) > 0)) positive = false;
    const why = positive && PRICE_NAMES.test(c.name.trim()) ? 'is a positive price (its relative changes are what a model can learn)' : trendOf(k, sequences, trainParts, valParts, raw);
    const transform = positive ? 'log-returns' : 'diff';
    if (!why || !finiteChanges(transform, k, sequences, raw)) return;
    out.set(c, { transform, auto: true, why });
  });
  return out;
}

/** Whether a column holds at most `k` distinct values (an indicator, a code). */
function fewValues(c: CsvColumn, k: number): boolean {
  const v = c.values as Float64Array;
  const seen = new Set<number>();
  for (let r = 0; r < v.length; r++) {
    if (v[r] === v[r]) seen.add(v[r]);
    if (seen.size > k) return false;
  }
  return true;
}

/**
 * Why column k reads as a trending level (in words), or null when it looks stationary. Every statistic is taken within
 * each sequence (a panel of cities at different levels is not a trend): the share of each sequence's validation values
 * outside its own training range, and over the training parts the share of variance a straight line explains, the
 * lag-1 autocorrelation and how far the two halves sit apart, in units of the part's own spread.
 */
function trendOf(k: number, sequences: PreparedSequence[], trainParts: Part[], valParts: Part[], raw: (s: PreparedSequence, k: number, j: number) => number): string | null {
  const out = outsideShare(k, sequences, trainParts, valParts, raw);
  if (out && out.share >= 0.2) {
    return `trends (${Math.round(100 * out.share)}% of its validation values lie ${out.above ? 'above' : 'below'} the training range)`;
  }
  let n = 0;
  let within = 0;
  let lagged = 0;
  let explained = 0;
  let apartSum = 0;
  for (const p of trainParts) {
    const s = sequences[p.seq];
    const L = p.to - p.from;
    if (L < 4) continue;
    let sum = 0;
    for (let i = p.from; i < p.to; i++) sum += raw(s, k, i);
    const mean = sum / L;
    const mid = p.from + Math.floor(L / 2);
    const tMean = (L - 1) / 2;
    let ss = 0;
    let cross = 0;
    let sxy = 0;
    let sxx = 0;
    let first = 0;
    let second = 0;
    for (let i = p.from; i < p.to; i++) {
      const a = raw(s, k, i) - mean;
      ss += a * a;
      if (i > p.from) cross += a * (raw(s, k, i - 1) - mean);
      const t = i - p.from - tMean;
      sxy += t * a;
      sxx += t * t;
      if (i < mid) first += a;
      else second += a;
    }
    if (!(ss > 0)) continue;
    n += L;
    within += ss;
    lagged += cross;
    explained += (sxy * sxy) / sxx;
    apartSum += (L * Math.abs(second / (p.to - mid) - first / (mid - p.from))) / Math.sqrt(ss / L);
  }
  if (n < 20 || !(within > 0)) return null;
  const r1 = lagged / within;
  const r2 = explained / within;
  const apart = apartSum / n;
  if (r2 >= 0.5) return `trends (a straight line explains ${Math.round(100 * r2)}% of its variance in the training rows)`;
  if (r1 > 0.95 && apart > 1) return `wanders like a level (lag-1 autocorrelation ${r1.toFixed(3)}; the halves of its training part differ by ${apart.toFixed(1)} standard deviations)`;
  return null;
}

/**
 * The share of validation values outside their own sequence's training range (5% margin), and whether most of those
 * lie above it; null when no sequence has both parts.
 */
function outsideShare(k: number, sequences: PreparedSequence[], trainParts: Part[], valParts: Part[], raw: (s: PreparedSequence, k: number, j: number) => number): { share: number; above: boolean } | null {
  const trainOf = new Map(trainParts.map((p) => [p.seq, p]));
  let outside = 0;
  let above = 0;
  let count = 0;
  for (const v of valParts) {
    const t = trainOf.get(v.seq);
    if (!t || t.to - t.from < 3) continue;
    const s = sequences[v.seq];
    let min = Infinity;
    let max = -Infinity;
    for (let i = t.from; i < t.to; i++) {
      const x = raw(s, k, i);
      if (x < min) min = x;
      if (x > max) max = x;
    }
    if (!(max > min)) continue;
    const margin = 0.05 * (max - min);
    for (let i = v.from; i < v.to; i++) {
      const x = raw(s, k, i);
      count++;
      if (x > max + margin) {
        outside++;
        above++;
      } else if (x < min - margin) outside++;
    }
  }
  return count > 0 ? { share: outside / count, above: above >= outside / 2 } : null;
}

/** Stops at the first place a transform is undefined (log of a non-positive value, a return over zero) or overflows. */
function checkTransformed(table: CsvTable, sequences: PreparedSequence[], used: CsvColumn[], tf: Transform[], raw: (s: PreparedSequence, k: number, j: number) => number): void {
  used.forEach((c, k) => {
    const t = tf[k];
    if (t === 'none') return;
    for (const s of sequences) {
      for (let i = 0; i < s.rows.length; i++) {
        const prev = raw(s, k, i - 1);
        const v = raw(s, k, i);
        if (t === 'returns' && prev === 0) {
          const row = i === 0 ? s.before : s.rows[i - 1];
          throw new DataError(`${table.file} line ${table.lineOf(row)}, column ${q(c.name)}: returns need a non-zero previous value`, table.lineOf(row), c.name);
        }
        if (t === 'log-returns' && !(prev > 0 && v > 0)) {
          const row = prev > 0 ? s.rows[i] : i === 0 ? s.before : s.rows[i - 1];
          throw new DataError(`${table.file} line ${table.lineOf(row)}, column ${q(c.name)}: log-returns need positive values, found ${prev > 0 ? v : prev}; choose diff or none for this column`, table.lineOf(row), c.name);
        }
        const change = transformed(t, v, prev);
        if (!(change - change === 0)) {
          const line = table.lineOf(s.rows[i]);
          throw new DataError(`${table.file} line ${line}, column ${q(c.name)}: the change from ${num(prev)} to ${num(v)} (${t}) is too large for a number; choose none for this column`, line, c.name);
        }
      }
    }
  });
}

/** Whether a transform gives a finite change between every two consecutive rows of every sequence. */
function finiteChanges(t: Transform, k: number, sequences: PreparedSequence[], raw: (s: PreparedSequence, k: number, j: number) => number): boolean {
  for (const s of sequences) {
    for (let i = 1; i < s.rows.length; i++) {
      const change = transformed(t, raw(s, k, i), raw(s, k, i - 1));
      if (!(change - change === 0)) return false;
    }
  }
  return true;
}

/**
 * z-score statistics over the training rows, computed without overflow for any finite values (values are divided by
 * the largest magnitude before squaring), and a check that every value the model will see is finite.
 */
function fitScaler(spec: DatasetSpec, table: CsvTable, trainParts: Part[], sequences: PreparedSequence[],
  value: (s: PreparedSequence, k: number, i: number) => number, fk: number[], tk: number[], used: CsvColumn[], tf: Transform[], task: TaskKind,
  warn: (message: string) => void): Scaler {
  const F = fk.length;
  const P = tk.length;
  const scaler: Scaler = { featureMean: new Array(F).fill(0), featureStd: new Array(F).fill(1), targetMean: new Array(P).fill(0), targetStd: new Array(P).fill(1) };
  if (spec.scaler) {
    const sc = spec.scaler;
    if (sc.featureMean.length !== F || sc.targetMean.length !== P) throw new DataError(`${table.file}: the model was trained on ${sc.featureMean.length} features and ${sc.targetMean.length} targets; these settings give ${F} and ${P}`);
    return { featureMean: [...sc.featureMean], featureStd: [...sc.featureStd], targetMean: [...sc.targetMean], targetStd: [...sc.targetStd] };
  }
  if (spec.zscore === false) return scaler;
  const fit = (ks: number[], mean: number[], std: number[], skip: boolean, isFeature: boolean): void => {
    if (skip) return;
    ks.forEach((k, j) => {
      let count = 0;
      let scale = 0;
      for (const p of trainParts) {
        const s = sequences[p.seq];
        for (let i = p.from; i < p.to; i++) {
          const v = Math.abs(value(s, k, i));
          if (v > scale) scale = v;
          count++;
        }
      }
      if (count === 0) return;
      if (isFeature && scale === 0) {
        warn(`${q(used[k].name)} is 0 in every training row${tf[k] !== 'none' ? ` after its transform (${tf[k]})` : ''}: the model cannot learn what it does (it is kept as an input, unscaled)`);
        return;
      }
      if (!(scale > 0) || !Number.isFinite(scale)) {
        throw new DataError(`${table.file}: column ${q(used[k].name)} is ${scale === 0 ? 'constant (0)' : 'not finite'} in the training rows${tf[k] !== 'none' ? ` after its transform (${tf[k]})` : ''}; it carries no information — leave it out`, null, used[k].name);
      }
      let sum = 0;
      for (const p of trainParts) for (let i = p.from; i < p.to; i++) sum += value(sequences[p.seq], k, i) / scale;
      const m = sum / count;
      let sq = 0;
      for (const p of trainParts) for (let i = p.from; i < p.to; i++) sq += (value(sequences[p.seq], k, i) / scale - m) ** 2;
      const sd = Math.sqrt(sq / count);
      if (isFeature && !(sd > 1e-12 * Math.max(1, Math.abs(m)))) {
        mean[j] = m * scale;
        warn(`${q(used[k].name)} is constant (${num(m * scale)}) in the training rows${tf[k] !== 'none' ? ` after its transform (${tf[k]})` : ''}: the model cannot learn what it does (it is kept as an input, centred but not scaled)`);
        return;
      }
      if (!(sd > 1e-12 * Math.max(1, Math.abs(m)))) {
        throw new DataError(`${table.file}: column ${q(used[k].name)} is constant (${m * scale}) in the training rows${tf[k] !== 'none' ? ` after its transform (${tf[k]})` : ''}; it carries no information — leave it out`, null, used[k].name);
      }
      mean[j] = m * scale;
      std[j] = sd * scale;
    });
  };
  fit(fk, scaler.featureMean, scaler.featureStd, false, true);
  fit(tk, scaler.targetMean, scaler.targetStd, task === 'classify', false);
  return scaler;
}

/** Largest z-score let through: its square, summed over any batch, stays a finite loss. */
const MAX_Z = 1e100;

/** Stops at a value so far outside the training rows' spread that the model's loss on it would overflow. */
function checkScaled(table: CsvTable, parts: Part[], sequences: PreparedSequence[], value: (s: PreparedSequence, k: number, i: number) => number,
  ks: number[], mean: number[], std: number[], used: CsvColumn[], tf: Transform[]): void {
  ks.forEach((k, j) => {
    for (const p of parts) {
      const s = sequences[p.seq];
      for (let i = p.from; i < p.to; i++) {
        const z = zscore(value(s, k, i), mean[j], std[j]);
        if (Math.abs(z) <= MAX_Z) continue;
        const line = table.lineOf(s.rows[i]);
        const what = tf[k] === 'none' ? num(value(s, k, i)) : `${num(value(s, k, i))} (after its transform, ${tf[k]})`;
        throw new DataError(`${table.file} line ${line}, column ${q(used[k].name)}: ${what} lies ${Math.abs(z).toExponential(0)} standard deviations `
          + `from the mean of the training rows (${num(mean[j])}, standard deviation ${num(std[j])}): they hardly vary beside it; check the column's values or leave it out`, line, used[k].name);
      }
    }
  });
}

/** The correlogram of the first target over the training parts: of what the model sees, and of the levels when transformed. */
function dataMemoryOf(column: string, transform: Transform, trainParts: Part[], sequences: PreparedSequence[],
  modelled: (s: PreparedSequence, i: number) => number, level: (s: PreparedSequence, i: number) => number): DataMemory | null {
  const parts = trainParts.filter((p) => p.to > p.from);
  const seg = (f: (s: PreparedSequence, i: number) => number) => ({
    count: parts.length,
    length: (j: number) => parts[j].to - parts[j].from,
    value: (j: number, t: number) => f(sequences[parts[j].seq], parts[j].from + t),
  });
  let total = 0;
  for (const p of parts) total += p.to - p.from;
  const maxLag = Math.max(10, Math.min(100, Math.round(10 * Math.log10(Math.max(10, total))) + 12));
  const m = correlogram(seg(modelled), maxLag);
  if (!m) return null;
  const asRead = transform === 'none' ? null : correlogram(seg(level), maxLag);
  const lag = m.pacfLag;
  const what = transform === 'none' ? 'its values' : `its changes (${transform})`;
  const summary = lag === 0
    ? `the data shows no memory: no partial autocorrelation of ${what} leaves the 95% band (±${m.band.toPrecision(2)}) — the next value is not predictable from the last few by a linear rule`
    : `the data remembers about ${lag} step${lag === 1 ? '' : 's'}: the partial autocorrelation of ${what} stays inside the 95% band (±${m.band.toPrecision(2)}) after lag ${lag}${m.acfLag > lag ? ` (the autocorrelation after lag ${m.acfLag})` : ''}`;
  return { column, transform, modelled: m, asRead, lag, summary };
}

/**
 * Window length and stride from the data: long enough to see twice the data's memory (at least 16 steps, at most 64),
 * short enough for several windows in a typical training part (a third of its length) and for one in a typical
 * validation part (split by time), with a stride of one step for short series (overlapping windows give enough
 * samples) that grows so that an epoch reads about 200,000 steps.
 */
function chooseWindow(trainParts: Part[], valParts: Part[], memory: DataMemory | null, need: (T: number) => number, cap: number, notes: string[], task: TaskKind, surface: Surface | undefined): { length: number; stride: number } {
  const lengths = trainParts.map((p) => p.to - p.from).filter((n) => n > 1);
  const typical = median(lengths);
  const valTypical = valParts.length ? median(valParts.map((p) => p.to - p.from).filter((n) => n > 1)) : Infinity;
  const memoryLag = memory?.lag ?? 0;
  const wanted = Math.max(16, 2 * memoryLag);
  const ahead = task === 'next-step' ? 1 : 0;
  // room for several validation windows too (about eight, or a third of a short validation part)
  const valRoom = Number.isFinite(valTypical) ? valTypical - ahead - Math.min(8, Math.floor(valTypical / 3)) : Infinity;
  const limit = Math.max(2, Math.min(64, Math.floor(typical / 3), Math.floor(valRoom)));
  const T = Math.max(2, Math.min(wanted, limit));
  let possible = 0;
  for (const n of lengths) possible += Math.max(0, n - need(T) + 1);
  const budget = Math.min(cap, Math.max(500, Math.floor(200000 / T)));
  const stride = Math.max(1, Math.ceil(possible / budget));
  const why = memoryLag > 0 ? `twice the data's memory of ${memoryLag} step${memoryLag === 1 ? '' : 's'}` : 'the data shows little memory';
  const limited = T < wanted
    ? T === 64 ? `the most, 64; ${why} would ask for ${wanted}` : `limited by the series' length: ${typical} training${Number.isFinite(valTypical) ? ` and ${valTypical} validation` : ''} rows`
    : T === 16 && 2 * memoryLag < 16 ? `the minimum of 16; ${why}` : why;
  notes.push(`windows of ${T} steps (${limited}), every ${stride === 1 ? 'step (overlapping, for enough samples)' : `${stride} steps`}; ${settingWords({ setting: 'windowAndStride' }, surface)}`);
  return { length: T, stride };
}

/** Middle value of some numbers (0 for none). */
function median(values: number[]): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  const n = sorted.length;
  return n % 2 ? sorted[(n - 1) / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
}

interface Sampler {
  sequences: PreparedSequence[];
  task: TaskKind;
  granularity: 'sequence' | 'step';
  window: { length: number; stride: number } | null;
  need: (T: number) => number;
  F: number;
  P: number;
  fk: number[];
  tk: number[];
  value: (s: PreparedSequence, k: number, i: number) => number;
  scaler: Scaler;
}

/**
 * Buffers of scaled values, carved out of shared-memory blocks of at least 1 Mi doubles (a buffer larger than a block
 * gets a block of its own), so that training threads read the samples where they are instead of each holding a copy
 * (src/threads/pool.ts), and thousands of small windows cost no allocation each. A block's unused tail is at most the
 * largest request.
 */
function samplesArena(): (n: number) => Float64Array {
  const BLOCK = 1 << 20;
  const shared = typeof SharedArrayBuffer === 'function';
  let block: Float64Array = new Float64Array(0);
  let used = 0;
  return (n: number): Float64Array => {
    if (!shared) return new Float64Array(n);
    if (n > BLOCK) return new Float64Array(new SharedArrayBuffer(n * 8));
    if (used + n > block.length) {
      block = new Float64Array(new SharedArrayBuffer(BLOCK * 8));
      used = 0;
    }
    used += n;
    return block.subarray(used - n, used);
  };
}

/**
 * Samples of the parts: whole sequences, or windows. Overlapping windows are views into one scaled array per part;
 * disjoint windows copy only their own rows.
 */
function makeSamples(z: Sampler, parts: Part[]): { samples: Sample[]; sources: SampleSource[] } {
  const { sequences, task, granularity, window, need, F, P, fk, tk, value, scaler } = z;
  const { featureMean, featureStd, targetMean, targetStd } = scaler;
  const samples: Sample[] = [];
  const sources: SampleSource[] = [];
  const shift = task === 'next-step' ? 1 : 0;
  const samplesBuffer = samplesArena();
  const copyOf = (v: ArrayLike<number>): Float64Array => {
    const out = samplesBuffer(v.length);
    for (let i = 0; i < v.length; i++) out[i] = v[i];
    return out;
  };
  const scaledX = (s: PreparedSequence, from: number, n: number): Float64Array => {
    const x = samplesBuffer(n * F);
    for (let i = 0; i < n; i++) for (let j = 0; j < F; j++) x[i * F + j] = zscore(value(s, fk[j], from + i), featureMean[j], featureStd[j]);
    return x;
  };
  const scaledY = (s: PreparedSequence, from: number, n: number): Float64Array => {
    const y = samplesBuffer(n * P);
    for (let i = 0; i < n; i++) for (let j = 0; j < P; j++) y[i * P + j] = zscore(value(s, tk[j], from + i), targetMean[j], targetStd[j]);
    return y;
  };
  const sameColumns = P === F && fk.every((k, j) => k === tk[j]) && featureMean.every((m, j) => m === targetMean[j] && featureStd[j] === targetStd[j]);
  const source = (si: number, from: number, T: number): void => {
    const s = sequences[si];
    sources.push({ sequence: s.id, sequenceIndex: si, startRow: s.rows[from], offset: from, length: T });
  };
  for (const p of parts) {
    const s = sequences[p.seq];
    const L = p.to - p.from;
    if (task === 'classify') {
      if (window) {
        const xs = window.stride < window.length ? scaledX(s, p.from, L) : null;
        for (let from = p.from; from + window.length <= p.to; from += window.stride) {
          const x = xs ? xs.subarray((from - p.from) * F, (from - p.from + window.length) * F) : scaledX(s, from, window.length);
          const y = granularity === 'sequence' ? copyOf([s.labels[0]]) : copyOf(s.labels.subarray(from, from + window.length));
          samples.push({ x, y });
          source(p.seq, from, window.length);
        }
      } else if (L >= 1) {
        samples.push({ x: scaledX(s, p.from, L), y: granularity === 'sequence' ? copyOf([s.labels[0]]) : copyOf(s.labels.subarray(p.from, p.to)) });
        source(p.seq, p.from, L);
      }
      continue;
    }
    if (granularity === 'sequence') {
      if (L < 1) continue;
      const y = samplesBuffer(P);
      for (let j = 0; j < P; j++) y[j] = zscore(value(s, tk[j], p.from), targetMean[j], targetStd[j]);
      samples.push({ x: scaledX(s, p.from, L), y });
      source(p.seq, p.from, L);
      continue;
    }
    if (window) {
      const T = window.length;
      if (window.stride < T) {
        const xs = scaledX(s, p.from, L);
        const ys = sameColumns && shift === 1 ? xs : scaledY(s, p.from, L);
        for (let from = p.from; from + need(T) <= p.to; from += window.stride) {
          const o = from - p.from;
          const y = ys === xs ? xs.subarray((o + 1) * F, (o + 1 + T) * F) : ys.subarray((o + shift) * P, (o + shift + T) * P);
          samples.push({ x: xs.subarray(o * F, (o + T) * F), y });
          source(p.seq, from, T);
        }
      } else {
        for (let from = p.from; from + need(T) <= p.to; from += window.stride) {
          samples.push({ x: scaledX(s, from, T), y: scaledY(s, from + shift, T) });
          source(p.seq, from, T);
        }
      }
    } else if (L >= need(1)) {
      const T = task === 'next-step' ? L - 1 : L;
      samples.push({ x: scaledX(s, p.from, T), y: scaledY(s, p.from + shift, T) });
      source(p.seq, p.from, T);
    }
  }
  return { samples, sources };
}

/**
 * The classification baseline: the training samples' class frequencies (add-one smoothed, so an unseen class keeps a
 * finite loss) as the prediction for every validation item — its cross-entropy, and the majority class and its hit rate.
 */
export function classFrequencyBaseline(train: Sample[], validation: Sample[], K: number): { loss: number; accuracy: number; majority: number } {
  const counts = new Array<number>(K).fill(1);
  for (const s of train) for (const c of s.y) counts[c]++;
  let total = 0;
  let major = 0;
  for (let k = 0; k < K; k++) {
    total += counts[k];
    if (counts[k] > counts[major]) major = k;
  }
  let ce = 0;
  let hit = 0;
  let n = 0;
  for (const s of validation) {
    for (const c of s.y) {
      ce -= Math.log(counts[c] / total);
      if (c === major) hit++;
      n++;
    }
  }
  return { loss: ce / n, accuracy: hit / n, majority: major };
}

/** The naive baseline on the validation samples, in the model's (scaled) units. */
function baselineOf(task: TaskKind, classes: string[], tr: { samples: Sample[] }, va: { samples: Sample[]; sources: SampleSource[] },
  sequences: PreparedSequence[], P: number, tk: number[], tf: Transform[], value: (s: PreparedSequence, k: number, i: number) => number, scaler: Scaler): Dataset['baseline'] {
  if (task === 'classify') {
    const b = classFrequencyBaseline(tr.samples, va.samples, classes.length);
    return { kind: `majority class "${classes[b.majority]}" (loss: cross-entropy of the training class frequencies)`, loss: b.loss, accuracy: b.accuracy, majority: classes[b.majority] };
  }
  if (task === 'next-step') {
    // repeat the last value: for a target modelled as changes, no change
    let se = 0;
    let n = 0;
    const { targetMean, targetStd } = scaler;
    for (let j = 0; j < va.samples.length; j++) {
      const src = va.sources[j];
      const s = sequences[src.sequenceIndex];
      const y = va.samples[j].y;
      for (let i = 0; i < src.length; i++) {
        for (let k = 0; k < P; k++) {
          const prev = tf[tk[k]] === 'none' ? zscore(value(s, tk[k], src.offset + i), targetMean[k], targetStd[k]) : -targetMean[k] / targetStd[k];
          se += (y[i * P + k] - prev) ** 2;
          n++;
        }
      }
    }
    return { kind: tf.some((t, k) => t !== 'none' && tk.includes(k)) ? 'no change: repeat the last value' : 'repeat the last value', loss: se / n, accuracy: null };
  }
  // the training mean of every output, measured on the samples as the model sees them
  const mean = new Array<number>(P).fill(0);
  let m = 0;
  for (const smp of tr.samples) {
    for (let i = 0; i < smp.y.length; i += P) {
      for (let k = 0; k < P; k++) mean[k] += smp.y[i + k];
      m++;
    }
  }
  for (let k = 0; k < P; k++) mean[k] /= m;
  let se = 0;
  let n = 0;
  for (const smp of va.samples) {
    for (let i = 0; i < smp.y.length; i += P) {
      for (let k = 0; k < P; k++) se += (smp.y[i + k] - mean[k]) ** 2;
      n += P;
    }
  }
  return { kind: 'predict the training mean', loss: se / n, accuracy: null };
}

/**
 * Reads a used column of one prepared sequence at any step without copying it: its level (the value as read, after
 * filling gaps; step −1 is the row before the first step) and its value as the model reads it before scaling.
 */
export function columnReader(ds: Dataset, index: number, column: CsvColumn): { level: (j: number) => number; value: (j: number) => number } {
  const s = ds.sequences[index];
  const all = [...ds.columns.features, ...ds.columns.targets.filter((c) => !ds.columns.features.includes(c))];
  const k = all.indexOf(column);
  const U = all.length;
  const values = column.values as Float64Array;
  const level = (j: number): number => (s.filled ? s.filled[(j + 1) * U + k] : values[j < 0 ? s.before : s.rows[j]]);
  const t = ds.transforms[column.name] ?? 'none';
  return { level, value: (j) => (t === 'none' ? level(j) : transformed(t, level(j), level(j - 1))) };
}

/**
 * The values of a used column over steps [from, to) of a prepared sequence (default: all), as the model reads them
 * before scaling, with their levels and the level before `from`.
 */
export function stepValues(ds: Dataset, index: number, column: CsvColumn, from = 0, to = ds.sequences[index].rows.length): { values: Float64Array; levels: Float64Array; previous: number } {
  const { level, value } = columnReader(ds, index, column);
  const n = Math.max(0, to - from);
  const values = new Float64Array(n);
  const levels = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    levels[i] = level(from + i);
    values[i] = value(from + i);
  }
  const s = ds.sequences[index];
  return { values, levels, previous: from > 0 || s.before >= 0 ? level(from - 1) : NaN };
}

/** A whole prepared sequence scaled as the model sees it: inputs [steps, features] and targets [steps, targets]. */
export function scaledSequence(ds: Dataset, index: number): { x: Float64Array; targets: Float64Array; steps: number } {
  const n = ds.sequences[index].rows.length;
  const F = ds.featureNames.length;
  const P = ds.targetNames.length;
  const { featureMean, featureStd, targetMean, targetStd } = ds.scaler;
  const x = new Float64Array(n * F);
  ds.columns.features.forEach((c, j) => {
    const { values } = stepValues(ds, index, c);
    for (let i = 0; i < n; i++) x[i * F + j] = zscore(values[i], featureMean[j], featureStd[j]);
  });
  const targets = new Float64Array(n * P);
  ds.columns.targets.forEach((c, j) => {
    const { values } = stepValues(ds, index, c);
    for (let i = 0; i < n; i++) targets[i * P + j] = zscore(values[i], targetMean[j], targetStd[j]);
  });
  return { x, targets, steps: n };
}

/** All samples (training and validation) in file order, with where each came from and which split holds it. */
export function samplesInFileOrder(ds: Dataset): { sample: Sample; source: SampleSource; split: 'train' | 'validation' }[] {
  const all = [
    ...ds.train.map((s, i) => ({ sample: s, source: ds.trainSources[i], split: 'train' as const })),
    ...ds.validation.map((s, i) => ({ sample: s, source: ds.validationSources[i], split: 'validation' as const })),
  ];
  return all.sort((a, b) => a.source.sequenceIndex - b.source.sequenceIndex || a.source.offset - b.source.offset);
}
