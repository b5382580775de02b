/**
 * From a parsed CSV table to training sequences for the engine: sequences (consecutive rows with one id, or the whole
 * file), missing values (error unless drop / forward-fill), transforms (differencing, returns, log-returns), a
 * train/validation split that never lets validation rows reach training (by sequence, or by time within each
 * sequence; windows are cut inside each part), z-score scaling fitted on the training rows only, sliding windows, the
 * three tasks (next-step prediction, per-step regression, sequence classification) and their baselines.
 * Every error names the file, the line and the column where it can, and says what was expected.
 */
import type { ModelConfig, Sample } from '../engine/index';
import type { CsvColumn, CsvTable } from './csvTypes';
import type { ColumnRoles } from './roles';

/** What the model learns. */
export type TaskKind = 'next-step' | 'regress' | 'classify';
/** Per-column transform applied within each sequence (the first row of every sequence is dropped when any is set). */
export type Transform = 'none' | 'diff' | 'returns' | 'log-returns';
/** What to do with empty cells in the columns in use. */
export type MissingPolicy = 'error' | 'drop' | 'ffill';

/** How to turn a table into a dataset. */
export interface DatasetSpec {
  roles: ColumnRoles;
  task: TaskKind;
  transforms?: Record<string, Transform>;
  /** z-score features and regression targets with statistics of the training rows (default true). */
  zscore?: boolean;
  /** Sliding windows of `length` steps every `stride` rows; null or absent: whole sequences (or a default for one long series). */
  window?: { length: number; stride?: number } | null;
  /** Fraction of sequences (by sequence) or of each sequence's rows (by time) held out for validation (default 0.2). */
  validation?: number;
  split?: 'sequence' | 'time';
  missing?: MissingPolicy;
  /** Cap on training windows; the stride grows to respect it (default 20000). */
  maxWindows?: number;
  /** Use this scaling (a trained model's) instead of fitting one on the training rows. */
  scaler?: Scaler;
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

/** One sequence after missing-value handling and transforms, before scaling. */
export interface PreparedSequence {
  id: string;
  /** Table rows kept (0-based), one per step. */
  rows: Int32Array;
  /** [steps, features] */
  features: Float64Array;
  /** [steps, targets] (next-step and regress) */
  targets: Float64Array;
  /** class index per step (classify); constant for a per-sequence label */
  labels: Int32Array;
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
  /** The baseline on the validation set: repeat-last-value (next-step), constant mean (regress), majority class (classify). */
  baseline: { kind: string; loss: number; accuracy: number | null };
  stats: { sequences: number; rows: number; minLength: number; maxLength: number; trainSamples: number; validationSamples: number };
  notes: string[];
}

/** A data problem the user can fix, with where it is. */
export class DataError extends Error {
  constructor(message: string, readonly line: number | null = null, readonly column: string | null = null) {
    super(message);
    this.name = 'DataError';
  }
}

function findColumn(table: CsvTable, name: string, role: string): CsvColumn {
  const c = table.columns.find((col) => col.name === name);
  if (!c) {
    throw new DataError(`${table.file}: no column "${name}" (for ${role}); the columns are ${table.columns.map((x) => `"${x.name}"`).join(', ')}`, null, name);
  }
  return c;
}

function numericColumn(table: CsvTable, name: string, role: string): CsvColumn {
  const c = findColumn(table, name, role);
  if (c.kind === 'numeric') return c;
  if (c.firstNonNumeric) {
    throw new DataError(`${table.file} line ${c.firstNonNumeric.line}, column "${name}": expected a number (${role}), found "${c.firstNonNumeric.value}"`, c.firstNonNumeric.line, name);
  }
  throw new DataError(`${table.file}: column "${name}" holds ${c.kind === 'empty' ? 'no values' : c.kind + ' values'}; ${role} must be numeric`, null, name);
}

/** Cell value as a class key (text code or number); NaN / −1 when empty. */
function classKey(c: CsvColumn, r: number): string | null {
  if (c.codes) return c.codes[r] < 0 ? null : (c.dictionary as string[])[c.codes[r]];
  const v = (c.values as Float64Array)[r];
  return Number.isNaN(v) ? null : String(v);
}

/** Builds the dataset; throws DataError with file/line/column for anything the user must fix. */
export function buildDataset(table: CsvTable, spec: DatasetSpec): Dataset {
  const file = table.file;
  const notes: string[] = [];
  if (table.rowCount === 0) throw new DataError(`${file} has no data rows`);
  const roles = spec.roles;
  const task = spec.task;
  const valFrac = spec.validation ?? 0.2;
  if (!(valFrac > 0 && valFrac < 0.9)) throw new DataError(`validation fraction must be between 0 and 0.9; got ${valFrac}`);

  // Columns in use
  let featureNames = [...roles.features];
  const targetNames = task === 'classify' ? [] : [...roles.targets];
  if (task !== 'classify' && targetNames.length === 0) throw new DataError(`${file}: the ${task} task needs a target column (--target)`);
  if (task === 'regress') {
    const leak = featureNames.filter((f) => targetNames.includes(f));
    if (leak.length) {
      featureNames = featureNames.filter((f) => !targetNames.includes(f));
      notes.push(`"${leak.join('", "')}" is the regression target, so it is not also used as an input`);
    }
  }
  if (task === 'next-step' && featureNames.length === 0) featureNames = [...targetNames];
  if (featureNames.length === 0) throw new DataError(`${file}: no numeric feature columns to learn from (--features)`);
  for (const n of [roles.time, roles.sequenceId, roles.label]) {
    if (n && featureNames.includes(n)) throw new DataError(`${file}: column "${n}" cannot be both a feature and the ${n === roles.time ? 'time' : n === roles.sequenceId ? 'sequence id' : 'label'}`, null, n);
  }
  const features = featureNames.map((n) => numericColumn(table, n, 'a feature'));
  const targets = targetNames.map((n) => numericColumn(table, n, 'a target'));
  const idCol = roles.sequenceId ? findColumn(table, roles.sequenceId, 'the sequence id') : null;
  let labelCol: CsvColumn | null = null;
  if (task === 'classify') {
    if (!roles.label) throw new DataError(`${file}: the classify task needs a label column (--label)`);
    labelCol = findColumn(table, roles.label, 'the label');
  }
  if (roles.time) findColumn(table, roles.time, 'time');
  const transforms = spec.transforms ?? {};
  for (const [name, t] of Object.entries(transforms)) {
    if (!['none', 'diff', 'returns', 'log-returns'].includes(t)) throw new DataError(`unknown transform "${t}" for column "${name}" (none, diff, returns, log-returns)`);
    if (!featureNames.includes(name) && !targetNames.includes(name)) throw new DataError(`${file}: transform given for "${name}", which is not a feature or target`, null, name);
  }
  const anyTransform = Object.values(transforms).some((t) => t !== 'none');

  // Sequences: consecutive rows with one id
  const runs: { id: string; start: number; end: number }[] = [];
  if (idCol) {
    let start = 0;
    for (let r = 1; r <= table.rowCount; r++) {
      if (r === table.rowCount || classKey(idCol, r) !== classKey(idCol, start)) {
        runs.push({ id: classKey(idCol, start) ?? `(empty id, line ${table.lineOf(start)})`, start, end: r });
        start = r;
      }
    }
  } else {
    runs.push({ id: 'all rows', start: 0, end: table.rowCount });
  }

  // Missing values, label, transforms per sequence
  const policy = spec.missing ?? 'error';
  const used = [...features, ...targets];
  const classIndex = new Map<string, number>();
  const classes: string[] = [];
  const sequences: PreparedSequence[] = [];
  let droppedRows = 0;
  for (const run of runs) {
    const keep: number[] = [];
    const last = used.map(() => NaN);
    const filled: number[][] = used.map(() => []);
    for (let r = run.start; r < run.end; r++) {
      let missingAt = -1;
      for (let k = 0; k < used.length; k++) {
        if (Number.isNaN((used[k].values as Float64Array)[r])) {
          missingAt = k;
          break;
        }
      }
      if (missingAt >= 0) {
        if (policy === 'error') {
          throw new DataError(`${file} line ${table.lineOf(r)}, column "${used[missingAt].name}": missing value (choose missing values: drop or forward-fill)`, table.lineOf(r), used[missingAt].name);
        }
        if (policy === 'drop') {
          droppedRows++;
          continue;
        }
      }
      let ok = true;
      const vals = used.map((c, k) => {
        const v = (c.values as Float64Array)[r];
        if (!Number.isNaN(v)) return v;
        if (Number.isNaN(last[k])) ok = false;
        return last[k];
      });
      if (!ok) {
        droppedRows++; // forward-fill has nothing to carry at the start of a sequence
        continue;
      }
      vals.forEach((v, k) => {
        last[k] = v;
        filled[k].push(v);
      });
      keep.push(r);
    }
    const rowLabels: number[] = [];
    if (labelCol) {
      for (const r of keep) {
        const key = classKey(labelCol, r);
        if (key === null) throw new DataError(`${file} line ${table.lineOf(r)}, column "${labelCol.name}": missing label`, table.lineOf(r), labelCol.name);
        if (!classIndex.has(key)) {
          classIndex.set(key, classes.length);
          classes.push(key);
        }
        rowLabels.push(classIndex.get(key) as number);
      }
    }
    // transforms (drop the first row when any is set, so all columns stay aligned)
    const first = anyTransform ? 1 : 0;
    const n = Math.max(0, keep.length - first);
    const feat = new Float64Array(n * features.length);
    const targ = new Float64Array(n * targets.length);
    const apply = (k: number, name: string, i: number): number => {
      const series = filled[k];
      const v = series[i];
      const t = transforms[name] ?? 'none';
      if (t === 'none') return v;
      const prev = series[i - 1];
      if (t === 'diff') return v - prev;
      if (t === 'returns') {
        if (prev === 0) throw new DataError(`${file} line ${table.lineOf(keep[i - 1])}, column "${name}": returns need a non-zero previous value`, table.lineOf(keep[i - 1]), name);
        return v / prev - 1;
      }
      if (!(prev > 0 && v > 0)) {
        const bad = prev > 0 ? i : i - 1;
        throw new DataError(`${file} line ${table.lineOf(keep[bad])}, column "${name}": log-returns need positive values, found ${series[bad]}`, table.lineOf(keep[bad]), name);
      }
      return Math.log(v / prev);
    };
    for (let i = 0; i < n; i++) {
      features.forEach((c, k) => (feat[i * features.length + k] = apply(k, c.name, i + first)));
      targets.forEach((c, k) => (targ[i * targets.length + k] = apply(features.length + k, c.name, i + first)));
    }
    sequences.push({ id: run.id, rows: Int32Array.from(keep.slice(first)), features: feat, targets: targ, labels: Int32Array.from(rowLabels.slice(first)) });
  }
  if (droppedRows) notes.push(`${droppedRows} row(s) with missing values ${policy === 'drop' ? 'dropped' : 'dropped (nothing to forward-fill at the start of a sequence)'}`);
  if (labelCol && classes.length < 2) {
    throw new DataError(`${file}: column "${labelCol.name}" has only one class ("${classes[0]}"); classification needs at least two`, null, labelCol.name);
  }

  const P0 = targets.length;
  // One label / target per sequence, or one per step?
  const constantPerSequence = (get: (s: PreparedSequence, i: number) => number, width: number): boolean =>
    sequences.every((sq) => {
      const n = sq.rows.length;
      for (let i = 1; i < n; i++) for (let k = 0; k < width; k++) if (get(sq, i * width + k) !== get(sq, k)) return false;
      return true;
    });
  let granularity: 'sequence' | 'step' = 'step';
  if (task === 'classify') {
    granularity = idCol && constantPerSequence((sq, i) => sq.labels[i], 1) ? 'sequence' : 'step';
    if (granularity === 'step') notes.push(`the label changes within sequences: one class per step (per-step classification)`);
  } else if (task === 'regress' && idCol && constantPerSequence((sq, i) => sq.targets[i], P0) && sequences.some((sq) => sq.rows.length > 1)) {
    granularity = 'sequence';
    notes.push(`the target is constant within each sequence: one prediction per sequence, from its last step`);
  }

  // Split: by sequence (whole sequences, the last ones held out) or by time (the end of every sequence held out)
  const usable = sequences.filter((s) => s.rows.length > 0);
  let split: 'sequence' | 'time' = spec.split ?? (usable.length >= 5 || granularity === 'sequence' ? 'sequence' : 'time');
  if (granularity === 'sequence' && split === 'time') throw new DataError('one label or target per sequence: the split must be by sequence');
  if (split === 'sequence' && usable.length < 2) {
    if (spec.split === 'sequence' || task === 'classify') throw new DataError(`${file}: splitting by sequence needs at least 2 sequences; found ${usable.length}${idCol ? '' : ' (no sequence id column)'}`);
    split = 'time';
  }
  type Part = { seq: number; from: number; to: number };
  const trainParts: Part[] = [];
  const valParts: Part[] = [];
  if (split === 'sequence') {
    const nVal = Math.max(1, Math.round(usable.length * valFrac));
    usable.forEach((s, i) => {
      const part = { seq: sequences.indexOf(s), from: 0, to: s.rows.length };
      (i >= usable.length - nVal ? valParts : trainParts).push(part);
    });
  } else {
    for (const s of usable) {
      const cut = Math.floor(s.rows.length * (1 - valFrac));
      trainParts.push({ seq: sequences.indexOf(s), from: 0, to: cut });
      valParts.push({ seq: sequences.indexOf(s), from: cut, to: s.rows.length });
    }
  }

  // z-score fitted on training rows only
  const F = features.length;
  const P = P0;
  const fMean = new Array<number>(F).fill(0), fStd = new Array<number>(F).fill(1);
  const tMean = new Array<number>(P).fill(0), tStd = new Array<number>(P).fill(1);
  if (spec.scaler) {
    const sc = spec.scaler;
    if (sc.featureMean.length !== F || sc.targetMean.length !== P) throw new DataError(`the model was trained on ${sc.featureMean.length} features and ${sc.targetMean.length} targets; these settings give ${F} and ${P}`);
    fMean.splice(0, F, ...sc.featureMean);
    fStd.splice(0, F, ...sc.featureStd);
    tMean.splice(0, P, ...sc.targetMean);
    tStd.splice(0, P, ...sc.targetStd);
  } else if (spec.zscore !== false) {
    const fit = (width: number, get: (s: PreparedSequence) => Float64Array, mean: number[], std: number[], names: string[]): void => {
      let count = 0;
      const sum = new Float64Array(width), sq = new Float64Array(width);
      for (const p of trainParts) {
        const a = get(sequences[p.seq]);
        for (let i = p.from; i < p.to; i++) for (let k = 0; k < width; k++) sum[k] += a[i * width + k];
        count += p.to - p.from;
      }
      if (count === 0) return;
      for (let k = 0; k < width; k++) mean[k] = sum[k] / count;
      for (const p of trainParts) {
        const a = get(sequences[p.seq]);
        for (let i = p.from; i < p.to; i++) for (let k = 0; k < width; k++) sq[k] += (a[i * width + k] - mean[k]) ** 2;
      }
      for (let k = 0; k < width; k++) {
        const sd = Math.sqrt(sq[k] / count);
        if (!(sd > 1e-12 * Math.max(1, Math.abs(mean[k])))) {
          throw new DataError(`${file}: column "${names[k]}" is constant (${mean[k]}) in the training rows${anyTransform && (transforms[names[k]] ?? 'none') !== 'none' ? ' after its transform' : ''}; it carries no information — leave it out`, null, names[k]);
        }
        std[k] = sd;
      }
    };
    fit(F, (s) => s.features, fMean, fStd, featureNames);
    if (task !== 'classify') fit(P, (s) => s.targets, tMean, tStd, targetNames);
  }

  // Windows
  const partLen = (p: Part): number => p.to - p.from;
  const need = (T: number): number => (task === 'next-step' ? T + 1 : T);
  let window: { length: number; stride: number } | null = null;
  if (spec.window) {
    const T = spec.window.length;
    if (!Number.isInteger(T) || T < 1) throw new DataError(`window length must be a whole number ≥ 1; got ${T}`);
    const stride = spec.window.stride ?? Math.max(1, Math.floor(T / 2));
    if (!Number.isInteger(stride) || stride < 1) throw new DataError(`window stride must be a whole number ≥ 1; got ${stride}`);
    window = { length: T, stride };
  } else if (split === 'time' || (usable.length === 1)) {
    const longest = Math.max(...trainParts.map(partLen));
    const T = Math.max(2, Math.min(64, Math.floor(longest / 8)));
    window = { length: T, stride: Math.max(1, Math.floor(T / 2)) };
    notes.push(`one long series: cut into windows of ${T} steps (stride ${window.stride}); set --window to change`);
  }
  if (window) {
    const longest = Math.max(0, ...sequences.map((s) => s.rows.length));
    const trainLongest = Math.max(0, ...trainParts.map(partLen));
    if (need(window.length) > trainLongest) {
      throw new DataError(`${file}: a window of ${window.length} steps${task === 'next-step' ? ' (plus the next value)' : ''} is longer than any training sequence (longest ${trainLongest} rows${longest !== trainLongest ? ` of ${longest}` : ''}); use a shorter --window`);
    }
    const total = trainParts.reduce((s, p) => s + Math.max(0, Math.floor((partLen(p) - need(window!.length)) / window!.stride) + 1), 0);
    const cap = spec.maxWindows ?? 20000;
    if (total > cap) {
      const stride = Math.ceil(window.stride * (total / cap));
      notes.push(`${total} training windows at stride ${window.stride}: stride raised to ${stride} to keep about ${cap}`);
      window = { length: window.length, stride };
    }
  }

  const makeSamples = (parts: Part[]): { samples: Sample[]; sources: SampleSource[] } => {
    const samples: Sample[] = [];
    const sources: SampleSource[] = [];
    const emit = (si: number, from: number, T: number): void => {
      const s = sequences[si];
      const x = new Float64Array(T * F);
      for (let i = 0; i < T; i++) for (let k = 0; k < F; k++) x[i * F + k] = (s.features[(from + i) * F + k] - fMean[k]) / fStd[k];
      let y: Float64Array;
      if (task === 'classify' && granularity === 'sequence') y = Float64Array.of(s.labels[0]);
      else if (task === 'classify') y = Float64Array.from(s.labels.subarray(from, from + T));
      else if (granularity === 'sequence') {
        y = new Float64Array(P);
        for (let k = 0; k < P; k++) y[k] = (s.targets[k] - tMean[k]) / tStd[k];
      } else {
        y = new Float64Array(T * P);
        const shift = task === 'next-step' ? 1 : 0;
        for (let i = 0; i < T; i++) for (let k = 0; k < P; k++) y[i * P + k] = (s.targets[(from + i + shift) * P + k] - tMean[k]) / tStd[k];
      }
      samples.push({ x, y });
      sources.push({ sequence: s.id, sequenceIndex: si, startRow: s.rows[from], offset: from, length: T });
    };
    for (const p of parts) {
      const L = partLen(p);
      if (window) {
        for (let from = p.from; from + need(window.length) <= p.to; from += window.stride) emit(p.seq, from, window.length);
      } else if (L >= need(1)) {
        emit(p.seq, p.from, task === 'next-step' ? L - 1 : L);
      }
    }
    return { samples, sources };
  };
  const tr = makeSamples(trainParts);
  const va = makeSamples(valParts);
  if (tr.samples.length === 0) throw new DataError(`${file}: no training sequences left (too short for the task, or all rows dropped)`);
  if (va.samples.length === 0) throw new DataError(`${file}: no validation sequences left; use more data, a shorter --window or a larger validation share`);

  // Baseline on validation, in the model's units
  let baseline: Dataset['baseline'];
  if (task === 'classify') {
    const K = classes.length;
    const counts = new Array<number>(K).fill(1); // add-one smoothing: unseen classes keep a finite loss
    for (const s of tr.samples) for (const c of s.y) counts[c]++;
    const total = counts.reduce((a, b) => a + b, 0);
    const major = counts.indexOf(Math.max(...counts));
    let ce = 0, hit = 0, n = 0;
    for (const s of va.samples) {
      for (const c of s.y) {
        ce -= Math.log(counts[c] / total);
        if (c === major) hit++;
        n++;
      }
    }
    baseline = { kind: `majority class "${classes[major]}" (loss: cross-entropy of the training class frequencies)`, loss: ce / n, accuracy: hit / n };
  } else if (task === 'next-step') {
    let se = 0, n = 0;
    for (let j = 0; j < va.samples.length; j++) {
      const src = va.sources[j];
      const s = sequences[src.sequenceIndex];
      const from = src.offset;
      for (let i = 0; i < src.length; i++) {
        for (let k = 0; k < P; k++) {
          const prev = (s.targets[(from + i) * P + k] - tMean[k]) / tStd[k];
          se += (va.samples[j].y[i * P + k] - prev) ** 2;
          n++;
        }
      }
    }
    baseline = { kind: 'repeat the last value', loss: se / n, accuracy: null };
  } else {
    // the training mean of every output, measured on the samples as the model sees them
    const mean = new Array<number>(P).fill(0);
    let m = 0;
    for (const smp of tr.samples) for (let i = 0; i < smp.y.length; i += P) {
      for (let k = 0; k < P; k++) mean[k] += smp.y[i + k];
      m++;
    }
    for (let k = 0; k < P; k++) mean[k] /= m;
    let se = 0, n = 0;
    for (const smp of va.samples) for (let i = 0; i < smp.y.length; i += P) {
      for (let k = 0; k < P; k++) se += (smp.y[i + k] - mean[k]) ** 2;
      n += P;
    }
    baseline = { kind: 'predict the training mean', loss: se / n, accuracy: null };
  }

  const lengths = usable.map((s) => s.rows.length);
  return {
    file, task, featureNames, targetNames, classes: task === 'classify' ? classes : null, granularity,
    model: {
      inputSize: F,
      outputSize: task === 'classify' ? (classes.length === 2 ? 1 : classes.length) : P,
      readout: granularity === 'sequence' ? 'last' : 'every',
      loss: task === 'classify' ? (classes.length === 2 ? 'binary' : 'softmax') : 'mse',
    },
    train: tr.samples, validation: va.samples, trainSources: tr.sources, validationSources: va.sources,
    sequences, scaler: { featureMean: fMean, featureStd: fStd, targetMean: tMean, targetStd: tStd },
    window, split, baseline,
    stats: {
      sequences: usable.length, rows: table.rowCount, minLength: Math.min(...lengths), maxLength: Math.max(...lengths),
      trainSamples: tr.samples.length, validationSamples: va.samples.length,
    },
    notes,
  };
}

/** A whole prepared sequence scaled as the model sees it: inputs [steps, features] and targets [steps, targets]. */
export function scaledSequence(ds: Dataset, index: number): { x: Float64Array; targets: Float64Array; steps: number } {
  const s = ds.sequences[index];
  const F = ds.featureNames.length;
  const P = ds.targetNames.length;
  const n = s.rows.length;
  const { featureMean, featureStd, targetMean, targetStd } = ds.scaler;
  const x = new Float64Array(n * F);
  for (let i = 0; i < n * F; i++) x[i] = (s.features[i] - featureMean[i % F]) / featureStd[i % F];
  const targets = new Float64Array(n * P);
  for (let i = 0; i < n * P; i++) targets[i] = (s.targets[i] - targetMean[i % P]) / targetStd[i % P];
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
