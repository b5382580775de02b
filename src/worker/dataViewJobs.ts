/**
 * The worker's jobs for the panel's Data, Gradients and Predictions views: a preview of an experiment's CSV (columns,
 * roles, sequences, first rows), windows of its rows as written, and one sequence through a model (inputs,
 * predictions, confusion counts, gradient profile). The last CSV read stays cached, keyed by path, modification time
 * and size, with a sparse index of its line starts, so that scrolling the Data view reads a few kilobytes per window.
 */
import { statSync } from 'node:fs';
import { describeDataset, sampleCounts } from '../data/describe';
import { basename } from 'node:path';
import { createWorkspace, forwardStack, gatesOverTime, gradientProfile, headForward, packBatch, type Model, type Sample } from '../engine/index';
import { CsvCancelled, CsvError, type CsvTable } from '../data/csv';
import { indexLineStarts, readRows, type LineStarts } from '../data/csvRows';
import { buildDataset, columnReader, DataError, levelAfter, samplesInFileOrder, stepValues, type Dataset } from '../data/dataset';
import { ExperimentError } from '../data/experiment';
import type { ColumnRoles } from '../data/roles';
import {
  plural, type ColumnRole, type DataPreview, type ExperimentSource, type PreviewColumn, type SequenceInspection, type SequenceStats,
} from '../shared/protocol';
import { loadExperiment } from '../data/settings';
import { InputError, JobCancelled, loadTable, modelAndData, resolveExperiment, type JobContext } from './jobCommon';
import { memoryInfo } from '../data/runSummary';

/** Most rows one `data/rows` request returns. */
export const MAX_ROWS_PER_REQUEST = 1000;
/** Rows sent with a preview. */
const PREVIEW_ROWS = 200;
/** Sequences per forward pass when counting the confusion matrix. */
const CONFUSION_BATCH = 64;

/** One cached CSV read: the table, and the line index once a job needed it. */
interface CachedCsv {
  file: string;
  mtimeMs: number;
  size: number;
  table: Promise<CsvTable>;
  lines: Promise<LineStarts> | null;
}

let cache: CachedCsv | null = null;

/** Calls `f` with an AbortSignal that fires when the job's cancel flag is set. */
async function withAbort<T>(ctx: JobContext, f: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const abort = new AbortController();
  const poll = setInterval(() => {
    if (ctx.stopped()) abort.abort();
  }, 25);
  try {
    return await f(abort.signal);
  } finally {
    clearInterval(poll);
  }
}

/** The cache entry for `csvFile` as it is on disk now: the cached one if unchanged, else a new read (cached). */
function currentEntry(csvFile: string, ctx: JobContext): CachedCsv {
  let info: { mtimeMs: number; size: number };
  try {
    info = statSync(csvFile);
  } catch {
    // the reader names the problem (no such file, a directory, no permission)
    return { file: csvFile, mtimeMs: NaN, size: NaN, table: loadTable(csvFile, ctx), lines: null };
  }
  const c = cache;
  if (c && c.file === csvFile && c.mtimeMs === info.mtimeMs && c.size === info.size) return c;
  const entry: CachedCsv = { file: csvFile, mtimeMs: info.mtimeMs, size: info.size, table: loadTable(csvFile, ctx), lines: null };
  entry.table.catch(() => {
    if (cache === entry) cache = null;
  });
  cache = entry;
  return entry;
}

/** The line index of an entry, started by the first job that needs it. */
function entryLines(entry: CachedCsv, ctx: JobContext): Promise<LineStarts> {
  if (entry.lines) return entry.lines;
  ctx.report({ phase: 'reading', fraction: null, message: `indexing the lines of ${basename(entry.file)}` });
  const lines = withAbort(ctx, (signal) => indexLineStarts(entry.file, { signal })).catch((e: unknown) => {
    throw e instanceof CsvCancelled ? new JobCancelled(`reading ${basename(entry.file)}`) : e;
  });
  entry.lines = lines;
  lines.catch(() => {
    if (entry.lines === lines) entry.lines = null;
  });
  return lines;
}

/**
 * The table of `csvFile` (and its line index when `withLines`), read once and kept while the file is unchanged. A
 * read started by another job that was cancelled is started again for this one.
 */
export async function cachedCsv(csvFile: string, ctx: JobContext, withLines: true): Promise<{ table: CsvTable; lines: LineStarts }>;
export async function cachedCsv(csvFile: string, ctx: JobContext, withLines: false): Promise<{ table: CsvTable; lines: null }>;
export async function cachedCsv(csvFile: string, ctx: JobContext, withLines: boolean): Promise<{ table: CsvTable; lines: LineStarts | null }> {
  for (;;) {
    const entry = currentEntry(csvFile, ctx);
    try {
      const table = await entry.table;
      return { table, lines: withLines ? await entryLines(entry, ctx) : null };
    } catch (e) {
      if (e instanceof JobCancelled && !ctx.stopped()) continue;
      throw e;
    }
  }
}

/** The role a column plays under `roles` for `task` (targets are not read by classification). */
function roleOf(roles: ColumnRoles, task: string, name: string): ColumnRole {
  if (roles.sequenceId === name) return 'sequenceId';
  if (roles.label === name && task === 'classify') return 'label';
  if (roles.time === name) return 'time';
  if (task !== 'classify' && roles.targets.includes(name)) return 'target';
  if (roles.features.includes(name)) return 'feature';
  return 'ignored';
}

/** Why a column has its role: the suggestion's reason, or where a different role was set. */
function reasonFor(role: ColumnRole, suggested: ColumnRole, suggestedWhy: string | undefined, kind: string, where: string): string {
  let why = suggestedWhy ?? (kind === 'empty' ? 'ignored: the column has no values' : `${suggested}: not needed by the suggested task`);
  // a series suggested as the next-step target stays an input when a label makes the task classification
  if (suggested === 'feature' && why.startsWith('target:')) why = 'feature: numeric (with a label, the task is classification and no target is read)';
  if (role === suggested) return why;
  return `${role === 'ignored' ? 'ignored: left out' : `${role}: set`} in ${where} (suggested ${why})`;
}

/** Sequence lengths of a dataset with a histogram of at most 20 ranges of whole steps. */
function sequenceStats(ds: Dataset): SequenceStats {
  const { lengths, ...counts } = sampleCounts(ds);
  const min = counts.minSteps;
  const max = counts.maxSteps;
  const width = Math.ceil((max - min + 1) / Math.min(20, max - min + 1));
  const bins = Math.ceil((max - min + 1) / width);
  const histogram = Array.from({ length: bins }, (_, k) => ({ from: min + k * width, to: Math.min(max, min + (k + 1) * width - 1), count: 0 }));
  for (const n of lengths) histogram[Math.floor((n - min) / width)].count++;
  return { ...counts, window: ds.window, histogram, description: describeDataset(ds) };
}

/** What the Data view shows: the columns with their roles, the task, the sequences, and the first rows as written. */
export async function dataPreviewJob(source: ExperimentSource, ctx: JobContext): Promise<DataPreview> {
  const { experiment, experimentFile, csvFile } = loadExperiment(source);
  const { table: file, lines } = await cachedCsv(csvFile, ctx, true);
  let resolved;
  try {
    resolved = resolveExperiment(experiment, file);
  } catch (e) {
    if (e instanceof ExperimentError) throw new InputError(e.message);
    throw e;
  }
  const { spec, suggestion, table } = resolved;
  const where = experimentFile ? basename(experimentFile) : 'the settings';
  const columns: PreviewColumn[] = table.columns.map((c) => {
    const role = roleOf(spec.roles, spec.task, c.name);
    const suggested = roleOf(suggestion, suggestion.task, c.name);
    return {
      name: c.name, kind: c.kind, role, suggested, reason: reasonFor(role, suggested, suggestion.reasons[c.name], c.kind, where), missing: c.missing,
      invalid: c.invalid, firstInvalid: c.invalidCells[0] ?? null,
    };
  });
  let sequences: SequenceStats | null = null;
  let notes: string[] = [...resolved.notes];
  let warnings: string[] = [];
  let problem: string | null = null;
  let problemFixes: string[] = [];
  let dataMemory = null;
  try {
    ctx.report({ phase: 'preparing', fraction: null, message: `preparing sequences from ${basename(csvFile)}` });
    const ds = buildDataset(table, { ...spec, surface: 'editor' });
    sequences = sequenceStats(ds);
    notes = [...notes, ...ds.notes];
    warnings = ds.warnings;
    dataMemory = memoryInfo(ds.dataMemory);
  } catch (e) {
    if (!(e instanceof DataError || e instanceof CsvError)) throw e;
    problem = e.message;
    problemFixes = e instanceof DataError ? [...e.fixes] : [];
  }
  const wide = resolved.layout ?? resolved.wide;
  return {
    csvFile, experimentFile, rowCount: file.rowCount, longRows: resolved.layout ? table.rowCount : undefined, bytes: file.bytes, delimiter: file.delimiter, headerLine: file.headerLine,
    columns, task: spec.task, roles: spec.roles, sequences, notes, warnings, problem, problemFixes,
    firstRows: readRows(file, lines, 0, Math.min(PREVIEW_ROWS, file.rowCount)),
    fileColumns: resolved.layout ? file.columns.map((c) => c.name) : undefined,
    layout: wide ? { applied: resolved.layout !== null, description: wide.description } : null,
    timeAxis: spec.roles.time === null ? null : suggestion.timeAxis && suggestion.timeAxis.columns[0] === spec.roles.time ? suggestion.timeAxis.description : `"${spec.roles.time}" (set in ${where})`,
    targetReason: resolved.rolesGiven ? null : suggestion.targetReason, missing: spec.missing ?? 'error', dataMemory,
  };
}

/** Data rows [start, start + count) of a CSV as written (count clamped to 0 … 1000; past the end: none). */
export async function dataRowsJob(csvFile: string, start: number, count: number, ctx: JobContext): Promise<{ start: number; rows: string[][] }> {
  const from = Number.isFinite(start) ? Math.max(0, Math.floor(start)) : 0;
  const n = Number.isFinite(count) ? Math.min(MAX_ROWS_PER_REQUEST, Math.max(0, Math.floor(count))) : 0;
  const { table, lines } = await cachedCsv(csvFile, ctx, true);
  return { start: from, rows: readRows(table, lines, from, n) };
}

/** Class probabilities from one output row: logistic for one logit (binary), softmax otherwise. */
function probabilities(Y: Float64Array, offset: number, outputSize: number): number[] {
  if (outputSize === 1) {
    const p = 1 / (1 + Math.exp(-Y[offset]));
    return [1 - p, p];
  }
  let max = -Infinity;
  for (let j = 0; j < outputSize; j++) max = Math.max(max, Y[offset + j]);
  const e = Array.from({ length: outputSize }, (_, j) => Math.exp(Y[offset + j] - max));
  const sum = e.reduce((a, b) => a + b, 0);
  return e.map((v) => v / sum);
}

/** Index of the largest value (the first on ties). */
function argmax(v: number[]): number {
  let best = 0;
  for (let j = 1; j < v.length; j++) if (v[j] > v[best]) best = j;
  return best;
}

/** The head's outputs for one sample, as the CLI `predict` computes them: [1, P] for readout last, [T, P] for every. */
function outputs(model: Model, sample: Sample): Float64Array {
  const cfg = model.config;
  const steps = sample.x.length / cfg.inputSize;
  const ws = createWorkspace(cfg, steps, 1);
  const batch = { T: steps, B: 1, inputSize: cfg.inputSize, x: sample.x, lengths: new Int32Array([steps]) };
  forwardStack(model, ws, batch);
  headForward(model, ws, batch);
  return ws.Y.slice();
}

/** Counts [actual][predicted] over every read item (sequence, or valid step) of `samples`. */
function confusionCounts(model: Model, samples: Sample[], classes: number, ctx: JobContext): number[][] {
  const cfg = model.config;
  const counts = Array.from({ length: classes }, () => new Array<number>(classes).fill(0));
  for (let at = 0; at < samples.length; at += CONFUSION_BATCH) {
    if (ctx.stopped()) throw new JobCancelled('inspecting the sequence');
    const indices = Array.from({ length: Math.min(CONFUSION_BATCH, samples.length - at) }, (_, k) => at + k);
    const { batch, targets } = packBatch(cfg, samples, indices);
    const ws = createWorkspace(cfg, batch.T, batch.B);
    forwardStack(model, ws, batch);
    headForward(model, ws, batch);
    const rows = cfg.readout === 'last' ? batch.B : batch.T * batch.B;
    for (let r = 0; r < rows; r++) {
      if (cfg.readout === 'every' && Math.floor(r / batch.B) >= batch.lengths[r % batch.B]) continue;
      counts[targets[r]][argmax(probabilities(ws.Y, r * cfg.outputSize, cfg.outputSize))]++;
    }
    ctx.report({ phase: 'analysing', fraction: Math.min(1, (at + indices.length) / samples.length), message: `confusion counts: ${at + indices.length} of ${samples.length}` });
  }
  return counts;
}

const finite = (v: number): number | null => (Number.isFinite(v) ? v : null);

/** Checks that a trained model reads and writes what this dataset gives and expects. */
function checkModelFits(model: Model, ds: Dataset, modelFile: string, csvFile: string, trainedClasses: string[] | null): void {
  const cfg = model.config;
  const need = ds.model;
  if (cfg.outputSize !== need.outputSize || cfg.readout !== need.readout || cfg.loss !== need.loss) {
    const says = (o: { outputSize: number; readout: string; loss: string }): string => `${plural(o.outputSize, 'output')}, readout ${o.readout}, loss ${o.loss}`;
    throw new InputError(`${modelFile} gives ${says(cfg)}; ${csvFile} with its roles needs ${says(need)}`);
  }
  if (trainedClasses && ds.classes && trainedClasses.join('\u0000') !== ds.classes.join('\u0000')) {
    throw new InputError(`${modelFile} was trained on the classes ${trainedClasses.map((c) => `"${c}"`).join(', ')}; ${csvFile} gives ${ds.classes.map((c) => `"${c}"`).join(', ')} (in order of first appearance)`);
  }
}

/**
 * One sequence (1-based, in file order as for `verify/run`) through a trained or fresh model: its inputs, the
 * predictions beside the actual values (unscaled to data units), confusion counts for classification, and its
 * gradient profile.
 */
export async function sequenceInspectJob(source: ExperimentSource, modelFile: string | null, sequence: number, ctx: JobContext): Promise<SequenceInspection> {
  const { experiment, csvFile } = loadExperiment(source);
  const { table: file } = await cachedCsv(csvFile, ctx, false);
  const { model, ds, origin, data, table } = modelAndData(experiment, csvFile, file, modelFile, ctx);
  if (modelFile) checkModelFits(model, ds, modelFile, csvFile, data?.classes ?? null);
  const all = samplesInFileOrder(ds);
  if (!Number.isInteger(sequence) || sequence < 1 || sequence > all.length) {
    throw new InputError(`${csvFile}: there is no sequence ${sequence}; with these roles it gives ${all.length} (1 … ${all.length}, in file order)`);
  }
  const chosen = all[sequence - 1];
  const { sample, source: src } = chosen;
  const T = src.length;
  const cfg = model.config;
  ctx.report({ phase: 'analysing', fraction: null, message: `sequence ${sequence}: predictions and gradients over ${T} steps` });

  const features = ds.columns.features.map((c) => {
    const v = stepValues(ds, src.sequenceIndex, c, src.offset, src.offset + T);
    const transform = ds.transforms[c.name] ?? 'none';
    return { name: c.name, transform, values: Array.from(v.values), levels: transform === 'none' ? null : Array.from(v.levels) };
  });
  const Y = outputs(model, sample);
  const targets: SequenceInspection['targets'] = [];
  let classification: SequenceInspection['classification'] = null;
  let perStep: SequenceInspection['perStep'] = null;
  let confusion: SequenceInspection['confusion'] = null;
  const classes = ds.classes;
  if (classes) {
    const K = cfg.outputSize;
    if (cfg.readout === 'last') {
      const probs = probabilities(Y, 0, K);
      classification = { actual: sample.y[0], predicted: argmax(probs), probabilities: probs };
    } else {
      const probs = Array.from({ length: T }, (_, t) => probabilities(Y, t * K, K));
      perStep = { actual: Array.from(sample.y), predicted: probs.map(argmax), probabilities: probs };
      classification = { actual: perStep.actual[T - 1], predicted: perStep.predicted[T - 1], probabilities: probs[T - 1] };
    }
    const over = ds.validation.length ? 'validation' : 'train';
    confusion = { classes, counts: confusionCounts(model, over === 'validation' ? ds.validation : ds.train, classes.length, ctx), over };
  } else {
    // in the data's units: a target modelled as changes comes back as levels, from the actual level before each step
    const { targetMean, targetStd } = ds.scaler;
    ds.columns.targets.forEach((column, k) => {
      const actual = new Array<number | null>(T).fill(null);
      const predicted = new Array<number | null>(T).fill(null);
      const { level } = columnReader(ds, src.sequenceIndex, column);
      const transform = ds.transforms[column.name] ?? 'none';
      if (cfg.readout === 'last') {
        actual[T - 1] = level(src.offset);
        predicted[T - 1] = finite(Y[k] * targetStd[k] + targetMean[k]);
      } else {
        const shift = ds.task === 'next-step' ? 1 : 0;
        for (let t = 0; t < T; t++) {
          const j = src.offset + t + shift;
          actual[t] = level(j);
          predicted[t] = finite(levelAfter(transform, Y[t * cfg.outputSize + k] * targetStd[k] + targetMean[k], level(j - 1)));
        }
      }
      targets.push({ name: column.name, transform, actual, predicted });
    });
  }

  const profile = gradientProfile(model, sample);
  return {
    csvFile, model: origin, modelFile,
    sequence: { index: sequence, of: all.length, id: src.sequence, firstLine: table.lineOf(src.startRow), steps: T, split: chosen.split },
    task: ds.task, features, targets, classes, classification, perStep, confusion,
    majority: classes && ds.baseline.accuracy !== null ? { name: ds.baseline.majority ?? '', rate: ds.baseline.accuracy } : null,
    profile: {
      steps: profile.steps, hiddenSize: profile.hiddenSize, loss: profile.loss, stepNorms: profile.stepNorms, units: Array.from(profile.units),
      layers: Array.from({ length: cfg.layers }, (_, l) => (l === 0 ? Array.from(profile.units) : Array.from(gradientProfile(model, sample, l).units))),
    },
    gates: gatesOverTime(model, sample)?.map(({ name, symbol, title, units }) => ({ name, symbol, title, units })) ?? null,
  };
}
