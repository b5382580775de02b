/**
 * The worker's jobs: each turns a request into data-layer and engine calls and returns a plain, JSON-serialisable
 * result. Progress goes through `report`; `stopped()` reads the host's cancel flag.
 */
import { existsSync, readFileSync } from 'node:fs';
import { describeDataset } from '../data/describe';
import { basename, dirname, join, relative } from 'node:path';
import {
  analyseBound, evaluate, modelFromJson, modelToJson, train,
  type CellKind, type EpochRecord, type Model, type TrainResult,
} from '../engine/index';
import { CsvCancelled, readCsv, type CsvTable } from '../data/csv';
import { buildDataset, samplesInFileOrder, type DataMemory, type Dataset, type DatasetSpec } from '../data/dataset';
import {
  experimentToText, planTraining, resolveData, suggestExperiment,
  type Experiment, type ResolvedData,
} from '../data/experiment';
import { experimentModel, loadExperiment, trainingRun } from '../data/settings';
import { exportModelFiles } from '../data/exportModel';
import { modelDataMeta, specFromMeta, tableForMeta, type ModelDataMeta, type ModelTrainingMeta } from '../data/modelMeta';
import { levelErrors } from '../data/predictions';
import { judgeRun, runFacts } from '../data/verdict';
import { FileExistsError, writeFileAtomic } from '../data/writeFile';
import {
  num, type BoundSummary, type CompareRow, type CompareSummary, type DataMemoryInfo, type EpochPoint, type ExperimentSource, type ModelInfo, type ProgressMessage, type RunSummary,
} from '../shared/protocol';

/** A problem with the user's files or settings; the message is shown as is. */
export class InputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InputError';
  }
}

/** The run was cancelled before it produced anything worth keeping. */
export class JobCancelled extends Error {
  constructor(what: string) {
    super(`${what} was cancelled`);
    this.name = 'JobCancelled';
  }
}

/** What a job gets from the worker loop. */
export interface JobContext {
  report: (p: Omit<ProgressMessage, 'type' | 'inReplyTo'>) => void;
  stopped: () => boolean;
}

/** Reads a CSV with progress; the cancel flag aborts the read. */
export async function loadTable(csvFile: string, ctx: JobContext): Promise<CsvTable> {
  const abort = new AbortController();
  const poll = setInterval(() => {
    if (ctx.stopped()) abort.abort();
  }, 25);
  try {
    return await readCsv(csvFile, {
      signal: abort.signal,
      onProgress: (p) => ctx.report({
        phase: 'reading', fraction: p.totalBytes ? p.bytes / p.totalBytes : null,
        message: `reading ${basename(csvFile)}: ${p.rows.toLocaleString('en')} rows`,
      }),
    });
  } catch (e) {
    if (e instanceof CsvCancelled) throw new JobCancelled(`reading ${basename(csvFile)}`);
    throw e;
  } finally {
    clearInterval(poll);
  }
}

const point = (e: EpochRecord, offset = 0): EpochPoint => ({
  epoch: e.epoch + offset, trainLoss: e.trainLoss, valLoss: e.valLoss, valAccuracy: e.valAccuracy, gradNorm: e.gradNorm,
  rhoWh: e.rhoWh, normWh: e.normWh, aliveShare: e.aliveShare, stepGradNorm: e.stepGradNorm,
});

const fmt = num;

/** Trains one model of the experiment's settings (cell overridable) on a dataset, streaming progress. */
function trainModel(exp: Experiment, ds: Dataset, ctx: JobContext, cell: CellKind = exp.model.cell, label: string = cell,
  start: { model: Model; epochs: number } | null = null): { model: Model; result: TrainResult; seconds: number; plan: ReturnType<typeof planTraining> } {
  const model = start?.model ?? experimentModel(exp, ds, cell);
  const before = start?.epochs ?? 0;
  const t = before ? { ...exp.training, seed: (exp.training.seed + before) % 2 ** 31 } : exp.training;
  const { plan, options } = trainingRun(t, ds);
  const t0 = Date.now();
  let lastReport = 0;
  const result = train(model, ds.train, {
    ...options,
    shouldStop: ctx.stopped,
    now: () => Date.now(),
    onBatch: (b) => {
      const now = Date.now();
      if (now - lastReport < 100) return;
      lastReport = now;
      ctx.report({ phase: 'training', fraction: (b.epoch - 1 + b.batch / b.batches) / plan.epochs, message: `${label}: epoch ${b.epoch + before}/${plan.epochs + before}, loss ${fmt(b.loss)}`, loss: b.loss });
    },
    onEpoch: (e) => {
      lastReport = Date.now();
      ctx.report({
        phase: 'training', fraction: e.epoch / plan.epochs,
        message: `${label}: epoch ${e.epoch + before}/${plan.epochs + before}, loss ${fmt(e.trainLoss)}${e.valLoss !== null ? `, validation ${fmt(e.valLoss)}` : ''}`,
        epoch: point(e, before), loss: e.trainLoss,
      });
    },
  });
  return { model, result, seconds: (Date.now() - t0) / 1000, plan };
}

/** The data's memory as the protocol carries it. */
export function memoryInfo(m: DataMemory | null): DataMemoryInfo | null {
  if (!m) return null;
  return {
    column: m.column, transform: m.transform, lag: m.lag, acfLag: m.modelled.acfLag, band: m.modelled.band, acf: m.modelled.acf, pacf: m.modelled.pacf,
    acfAsRead: m.asRead?.acf ?? null, pacfAsRead: m.asRead?.pacf ?? null, summary: m.summary,
  };
}

/** The experiment's roles and dataset settings resolved against its CSV (the long form of a wide one). */
export function resolveExperiment(experiment: Experiment, table: CsvTable): ResolvedData {
  return resolveData(table, experiment.data);
}

function build(table: CsvTable, spec: DatasetSpec, ctx: JobContext): Dataset {
  ctx.report({ phase: 'preparing', fraction: null, message: `preparing sequences from ${basename(table.file)}` });
  return buildDataset(table, { ...spec, surface: 'editor' });
}

/** Writes `text` to `path`, or to `name-2.ext`, `name-3.ext` … if taken: nothing is ever overwritten. Returns the path. */
export function writeFresh(path: string, text: string): string {
  const m = /^(.*?)((?:\.[a-z0-9]+)*)$/i.exec(basename(path)) as RegExpExecArray;
  for (let k = 1; k < 1000; k++) {
    const candidate = k === 1 ? path : join(dirname(path), `${m[1]}-${k}${m[2]}`);
    try {
      writeFileAtomic(candidate, (append) => append(text));
      return candidate;
    } catch (e) {
      if (!(e instanceof FileExistsError)) throw e;
    }
  }
  throw new InputError(`${dirname(path)}: could not find a free name for ${basename(path)}`);
}

/** Whether two configurations describe the same network (so a saved model can continue training). */
function sameNetwork(a: Model['config'], b: Model['config']): boolean {
  const keys = ['cell', 'activation', 'coupled', 'inputSize', 'hiddenSize', 'layers', 'residual', 'readout', 'loss', 'outputSize'] as const;
  return keys.every((k) => a[k] === b[k]);
}

/**
 * Train on an experiment or CSV; save the model next to it. With `resume` (a model file of an earlier run of the same
 * network), training continues from its weights and the file is updated in place: that is how "Step One Epoch"
 * advances a run. Optimiser state (Adam's moments) is not saved, so it restarts at each resume. When the experiment
 * now describes a different network, a new run starts instead and is saved under a fresh name.
 */
export async function trainJob(source: ExperimentSource, saveTo: string | null, ctx: JobContext, resume: string | null = null): Promise<RunSummary> {
  const { experiment, experimentFile, csvFile } = loadExperiment(source);
  const resolved = resolveExperiment(experiment, await loadTable(csvFile, ctx));
  const { spec } = resolved;
  const ds = build(resolved.table, spec, ctx);
  let start: { model: Model; epochs: number } | null = null;
  const notes: string[] = [];
  if (resume && existsSync(resume)) {
    const loaded = readModel(resume);
    if (sameNetwork(loaded.model.config, experimentModel(experiment, ds).config)) start = { model: loaded.model, epochs: loaded.training?.epochs ?? 0 };
    else notes.push(`the settings no longer match ${basename(resume)}, so a new run started`);
  }
  const { model, result, seconds, plan } = trainModel(experiment, ds, ctx, experiment.model.cell, experiment.model.cell, start);
  const before = start?.epochs ?? 0;
  ctx.report({ phase: 'analysing', fraction: 1, message: 'evaluating the model' });
  const trainEval = evaluate(model, ds.train);
  const valEval = evaluate(model, ds.validation);
  const units = levelErrors(model, ds, ds.validation, ds.validationSources);
  let modelFile: string | null = null;
  if (saveTo && result.status !== 'diverged') {
    const training: ModelTrainingMeta = { epochs: before + result.epochs.length, bestEpoch: before + result.bestEpoch, status: result.status, valLoss: valEval.loss, baselineLoss: ds.baseline.loss };
    const meta = { data: modelDataMeta(csvFile, ds, spec, resolved.layout), training, experiment: experimentFile };
    const text = JSON.stringify(modelToJson(model, meta));
    if (start && resume) {
      writeFileAtomic(resume, (append) => append(text), true);
      modelFile = resume;
    } else modelFile = writeFresh(saveTo, text);
  }
  const verdict = judgeRun(runFacts(ds, { learningRate: experiment.training.learningRate, hiddenSize: experiment.model.hiddenSize, cell: model.config.cell }, result, { trainLoss: trainEval.loss, valLoss: valEval.loss, accuracy: valEval.accuracy }, before, plan.epochs));
  return {
    verdict,
    csvFile, experimentFile, task: ds.task, roles: spec.roles, cell: model.config.cell, config: model.config, parameters: model.theta.length,
    status: result.status, cancelled: result.status === 'cancelled', epochs: before + result.epochs.length, epochsPlanned: before + plan.epochs,
    continuedFrom: before,
    bestEpoch: before + result.bestEpoch, trainLoss: trainEval.loss, valLoss: valEval.loss, baselineLoss: ds.baseline.loss, baseline: ds.baseline.kind,
    accuracy: valEval.accuracy, baselineAccuracy: ds.baseline.accuracy, history: result.epochs.map((e) => point(e, before)),
    samples: { train: ds.train.length, validation: ds.validation.length, description: describeDataset(ds) }, notes: [...resolved.notes, ...ds.notes, ...plan.notes, ...notes],
    warnings: ds.warnings, dataMemory: memoryInfo(ds.dataMemory), transforms: ds.transforms, window: ds.window, batchSize: plan.batchSize,
    dataUnits: units ? ds.targetNames.map((t, k) => ({ target: t, valMse: units.mse[k], baselineMse: units.baselineMse[k] })) : null,
    divergence: result.divergence?.message ?? null, modelFile, seconds,
  };
}

/** Reads a model file, naming the file in any problem. */
function readModel(modelFile: string): { model: Model; data: ModelDataMeta | null; training: ModelTrainingMeta | null } {
  let json: { meta?: { data?: ModelDataMeta; training?: ModelTrainingMeta } };
  try {
    json = JSON.parse(readFileSync(modelFile, 'utf8'));
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new InputError(`${modelFile}: ${code === 'ENOENT' ? 'no such file' : e instanceof SyntaxError ? `not valid JSON (${e.message})` : (e as Error).message}`);
  }
  try {
    return { model: modelFromJson(json), data: json.meta?.data ?? null, training: json.meta?.training ?? null };
  } catch (e) {
    throw new InputError(`${modelFile}: not an RNN Playground model (${(e as Error).message})`);
  }
}

const logs = (a: number[] | null): (number | null)[] | null => (a ? a.map((x) => (Number.isFinite(x) ? x : null)) : null);

/**
 * The model to analyse and the dataset it reads from `table`: a trained model file (its roles and scaling rebuilt
 * from its meta) or, without one, a freshly initialised model of the experiment's settings. `origin` says which.
 */
export function modelAndData(experiment: Experiment, csvFile: string, table: CsvTable, modelFile: string | null, ctx: JobContext): { model: Model; ds: Dataset; origin: string; data: ModelDataMeta | null; table: CsvTable } {
  if (modelFile) {
    const loaded = readModel(modelFile);
    if (!loaded.data) throw new InputError(`${modelFile} does not say which columns it was trained on (it was not saved by a training run)`);
    let read: CsvTable;
    try {
      read = tableForMeta(table, loaded.data);
    } catch (e) {
      throw new InputError((e as Error).message);
    }
    const ds = build(read, specFromMeta(loaded.data, experiment.data.missing), ctx);
    const model = loaded.model;
    if (model.config.inputSize !== ds.model.inputSize) {
      throw new InputError(`${modelFile} takes ${model.config.inputSize} inputs; ${csvFile} gives ${ds.model.inputSize} (${ds.featureNames.join(', ')})`);
    }
    return { model, ds, origin: `trained model ${basename(modelFile)}`, data: loaded.data, table: read };
  }
  const resolved = resolveExperiment(experiment, table);
  const ds = build(resolved.table, resolved.spec, ctx);
  const model = experimentModel(experiment, ds);
  return { model, ds, origin: `untrained ${experiment.model.cell} (init ${experiment.model.init}, seed ${experiment.training.seed})`, data: null, table: resolved.table };
}

/** The bound analysis on one sequence of the experiment's data, for a trained model or a fresh one. */
export async function verifyJob(source: ExperimentSource, modelFile: string | null, sequence: number, ctx: JobContext): Promise<BoundSummary> {
  const { experiment, csvFile } = loadExperiment(source);
  const { model, ds, origin, table } = modelAndData(experiment, csvFile, await loadTable(csvFile, ctx), modelFile, ctx);
  const all = samplesInFileOrder(ds);
  if (sequence < 1 || sequence > all.length) throw new InputError(`sample ${sequence} does not exist; ${csvFile} gives ${all.length}`);
  const chosen = all[sequence - 1];
  ctx.report({ phase: 'analysing', fraction: null, message: `Jacobian products over ${chosen.source.length} steps` });
  const r = analyseBound(model, chosen.sample.x);
  return {
    csvFile, model: origin, modelFile,
    sequence: { index: sequence, of: all.length, id: chosen.source.sequence, firstLine: table.lineOf(chosen.source.startRow), steps: chosen.source.length, split: chosen.split },
    cell: r.cell, activation: r.activation, measuredOf: r.measuredOf, holds: r.holds, verdict: r.verdict, worstRatio: r.worstRatio, worstLag: r.worstLag,
    effectiveMemory: r.effectiveMemory, epsilon: r.epsilon, normWh: r.normWh, rhoWh: r.rhoWh, gamma: r.gamma, lags: r.lags,
    measuredLog10: logs(r.measuredLog10) as (number | null)[], tightLog10: logs(r.tightLog10), looseLog10: logs(r.looseLog10), additiveLog10: logs(r.additiveLog10),
    warnings: r.warnings, dataMemory: memoryInfo(ds.dataMemory),
  };
}

/** The same data, seed and budget for several cells. */
export async function compareJob(source: ExperimentSource, cells: CellKind[], ctx: JobContext): Promise<CompareSummary> {
  const { experiment, csvFile } = loadExperiment(source);
  const resolved = resolveExperiment(experiment, await loadTable(csvFile, ctx));
  const ds = build(resolved.table, resolved.spec, ctx);
  const rows: CompareRow[] = [];
  let cancelled = false;
  for (const [k, cell] of cells.entries()) {
    if (ctx.stopped()) {
      cancelled = true;
      break;
    }
    const { model, result, seconds, plan } = trainModel(experiment, ds, ctx, cell, `${cell} (${k + 1}/${cells.length})`);
    if (result.status === 'cancelled') cancelled = true;
    const val = evaluate(model, ds.validation);
    const tr = evaluate(model, ds.train);
    const verdict = judgeRun(runFacts(ds, { learningRate: experiment.training.learningRate, hiddenSize: experiment.model.hiddenSize, cell }, result, { trainLoss: tr.loss, valLoss: val.loss, accuracy: val.accuracy }, 0, plan.epochs));
    const bound = analyseBound(model, ds.validation[0]?.x ?? ds.train[0].x);
    rows.push({
      cell, status: result.status, parameters: model.theta.length, trainLoss: tr.loss, valLoss: val.loss, accuracy: val.accuracy,
      effectiveMemory: bound.effectiveMemory, steps: bound.steps, epochs: result.epochs.length, seconds, history: result.epochs.map(point), verdict,
    });
  }
  const finite = rows.filter((r) => Number.isFinite(r.valLoss));
  const best = finite.length ? finite.reduce((a, b) => (b.valLoss < a.valLoss ? b : a)).cell : null;
  return {
    csvFile, task: ds.task, baseline: ds.baseline, cells: rows, best, anyBetter: rows.some((r) => r.verdict?.verdict === 'better'), cancelled,
    dataMemory: memoryInfo(ds.dataMemory),
  };
}

/** Reads a CSV and writes a new experiment file for it; never replaces an existing one. */
export async function createExperimentJob(csvFile: string, experimentFile: string, defaults: ExperimentSource['defaults'], ctx: JobContext) {
  const table = await loadTable(csvFile, ctx);
  const rel = relative(dirname(experimentFile), csvFile).split('\\').join('/');
  const experiment = suggestExperiment(table, rel, defaults);
  const { suggestion } = resolveExperiment(experiment, table);
  writeFileAtomic(experimentFile, (append) => append(experimentToText(experiment)));
  return { experiment, reasons: suggestion.reasons };
}

/** Writes the model JSON, its state_dict JSON and a PyTorch script that rebuilds it, into `folder`. */
export function exportJob(modelFile: string, folder: string, overwrite: boolean) {
  const { model } = readModel(modelFile);
  const original = JSON.parse(readFileSync(modelFile, 'utf8')) as { meta?: Record<string, unknown> };
  return exportModelFiles(model, original.meta, folder, overwrite);
}

/** Describes a model file. */
export function inspectJob(modelFile: string): ModelInfo {
  const { model, data, training } = readModel(modelFile);
  return {
    modelFile, config: model.config, parameters: model.theta.length,
    data: data ? { file: data.file, task: data.task, roles: data.roles } : null,
    training: training ? { epochs: training.epochs, status: training.status, valLoss: training.valLoss, baselineLoss: training.baselineLoss } : null,
  };
}
