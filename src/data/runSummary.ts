/**
 * The one summary of a training run, built in one place for every surface: the worker returns it to the extension
 * (status bar, notifications, the Training view, the side view) and the CLI prints it (`train --json` adds what only
 * a terminal needs). Plain JSON: no class instances, no typed arrays.
 */
import { evaluate, type CellKind, type EpochRecord, type Model, type ModelConfig, type TrainResult, type TrainStatus } from '../engine/index';
import type { DataMemory, Dataset } from './dataset';
import { describeDataset } from './describe';
import type { ResolvedData } from './experiment';
import type { planTraining } from './experiment';
import { levelErrors } from './predictions';
import type { ColumnRoles } from './roles';
import { judgeRun, runFacts, type Verdict } from './verdict';

/** One epoch of a run, as charts and summaries need it. */
export interface EpochPoint {
  epoch: number;
  trainLoss: number;
  valLoss: number | null;
  valAccuracy: number | null;
  /** Mean global gradient norm before clipping. */
  gradNorm: number;
  rhoWh: number;
  normWh: number;
  aliveShare: number;
  /** Mean ‖∂L/∂h_t‖ over the epoch's batches, t = 1 … T. */
  stepGradNorm: number[];
}

/** An engine epoch record as an `EpochPoint`, numbered after `offset` earlier epochs (a continued run). */
export const epochPoint = (e: EpochRecord, offset = 0): EpochPoint => ({
  epoch: e.epoch + offset, trainLoss: e.trainLoss, valLoss: e.valLoss, valAccuracy: e.valAccuracy, gradNorm: e.gradNorm,
  rhoWh: e.rhoWh, normWh: e.normWh, aliveShare: e.aliveShare, stepGradNorm: e.stepGradNorm,
});

/** The autocorrelation of the (first) target and how far it reaches: the data's own memory. */
export interface DataMemoryInfo {
  column: string;
  /** The transform the model sees the target through ('none': its values). */
  transform: string;
  /** The lag after which the partial autocorrelation stays inside the 95% band. */
  lag: number;
  /** The same for the autocorrelation. */
  acfLag: number;
  /** 1.96/√n. */
  band: number;
  /** Lags 1 … K of what the model sees. */
  acf: number[];
  pacf: number[];
  /** The same of the values as read, when the model sees changes. */
  acfAsRead: number[] | null;
  pacfAsRead: number[] | null;
  summary: string;
}

/** A dataset's memory as plain JSON. */
export function memoryInfo(m: DataMemory | null): DataMemoryInfo | null {
  if (!m) return null;
  return {
    column: m.column, transform: m.transform, lag: m.lag, acfLag: m.modelled.acfLag, band: m.modelled.band, acf: m.modelled.acf, pacf: m.modelled.pacf,
    acfAsRead: m.asRead?.acf ?? null, pacfAsRead: m.asRead?.pacf ?? null, summary: m.summary,
  };
}

/** The summary of a training run. Fields marked optional may be missing from runs saved by older versions. */
export interface RunSummary {
  csvFile: string;
  experimentFile: string | null;
  task: string;
  roles: ColumnRoles;
  cell: CellKind;
  config: ModelConfig;
  parameters: number;
  status: TrainStatus;
  /** True when the run was stopped by the user; the model holds the partial result. */
  cancelled: boolean;
  epochs: number;
  epochsPlanned: number;
  /** Epochs the run had before this call (a continued run: "Step One Epoch"); its history holds only the new ones. */
  continuedFrom?: number;
  bestEpoch: number;
  trainLoss: number;
  valLoss: number;
  baselineLoss: number;
  baseline: string;
  accuracy: number | null;
  baselineAccuracy: number | null;
  history: EpochPoint[];
  /** Samples per split; `description` tells series, sequences and windows in words (the Data view's account). */
  samples: { train: number; validation: number; description?: string };
  notes: string[];
  /** Things the user should look at (a transform chosen against given roles, odd cells in the time or id column). */
  warnings?: string[];
  /** The data's own memory. */
  dataMemory?: DataMemoryInfo | null;
  /** Regression and next-step: validation errors in the data's units (levels rebuilt from predicted changes), per target. */
  dataUnits?: { target: string; valMse: number; baselineMse: number }[] | null;
  /** Transforms in effect per feature and target column. */
  transforms?: Record<string, string>;
  window?: { length: number; stride: number } | null;
  batchSize?: number;
  /** Epochs without a better validation loss before training stops (0: never). */
  patience?: number;
  divergence: string | null;
  /** Where the model was saved, or null. */
  modelFile: string | null;
  seconds: number;
  /** Threads the training ran on and its matrix products' precision. */
  threads?: number;
  precision?: 'float64' | 'float32';
  /** The run judged against its baseline, in words, with the likely reason and a next step when it did not beat it. */
  verdict?: Verdict;
}

/** What a finished run is summarised from. */
export interface RunParts {
  csvFile: string;
  experimentFile: string | null;
  resolved: Pick<ResolvedData, 'notes' | 'spec'>;
  ds: Dataset;
  model: Model;
  result: TrainResult;
  plan: ReturnType<typeof planTraining>;
  learningRate: number;
  seconds: number;
  /** Epochs of the run this one continues (0 for a new run). */
  before?: number;
  /** Notes of the caller (e.g. why a continued run started afresh). */
  notes?: string[];
}

/**
 * Evaluates the trained model on both splits and in the data's units, judges it against the baseline, and
 * summarises the run. `modelFile` is null: the caller saves the model (with these losses) and fills it in.
 */
export function summariseRun(p: RunParts): RunSummary {
  const { ds, model, result, plan } = p;
  const before = p.before ?? 0;
  const trainEval = evaluate(model, ds.train);
  const valEval = evaluate(model, ds.validation);
  const units = levelErrors(model, ds, ds.validation, ds.validationSources);
  const cell = model.config.cell;
  const verdict = judgeRun(runFacts(ds, { learningRate: p.learningRate, hiddenSize: model.config.hiddenSize, cell }, result,
    { trainLoss: trainEval.loss, valLoss: valEval.loss, accuracy: valEval.accuracy }, before, plan.epochs));
  return {
    verdict,
    csvFile: p.csvFile, experimentFile: p.experimentFile, task: ds.task, roles: p.resolved.spec.roles, cell, config: model.config, parameters: model.theta.length,
    status: result.status, cancelled: result.status === 'cancelled', epochs: before + result.epochs.length, epochsPlanned: before + plan.epochs,
    continuedFrom: before, bestEpoch: before + result.bestEpoch,
    trainLoss: trainEval.loss, valLoss: valEval.loss, baselineLoss: ds.baseline.loss, baseline: ds.baseline.kind,
    accuracy: valEval.accuracy, baselineAccuracy: ds.baseline.accuracy, history: result.epochs.map((e) => epochPoint(e, before)),
    samples: { train: ds.train.length, validation: ds.validation.length, description: describeDataset(ds) },
    notes: [...p.resolved.notes, ...ds.notes, ...plan.notes, ...(p.notes ?? [])],
    warnings: ds.warnings, dataMemory: memoryInfo(ds.dataMemory), transforms: ds.transforms, window: ds.window, batchSize: plan.batchSize, patience: plan.patience,
    dataUnits: units ? ds.targetNames.map((t, k) => ({ target: t, valMse: units.mse[k], baselineMse: units.baselineMse[k] })) : null,
    divergence: result.divergence?.message ?? null, modelFile: null, seconds: p.seconds,
    threads: result.threads, precision: result.precision,
  };
}
