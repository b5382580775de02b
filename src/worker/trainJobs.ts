/** Training jobs: train (or continue) one model of an experiment, and train every cell on the same data for Compare. */
import { releaseUnusedColumns } from '../data/dataset';
import { existsSync } from 'node:fs';
import { basename } from 'node:path';
import { analyseBound, evaluate, modelToJson, train, type CellKind, type Model, type TrainOptions, type TrainResult } from '../engine/index';
import { withThreads } from '../threads/pool';
import { runMeta } from '../data/runMeta';
import type { Dataset } from '../data/dataset';
import { planTraining, type Experiment } from '../data/experiment';
import { experimentModel, loadExperiment, trainingRun } from '../data/settings';
import { modelDataMeta, type ModelTrainingMeta } from '../data/modelMeta';
import { epochPoint, memoryInfo, summariseRun } from '../data/runSummary';
import { continueRun, networkDifferences, type RunStart } from '../data/resume';
import { judgeRun, runFacts } from '../data/verdict';
import { writeFileAtomic } from '../data/writeFile';
import { num, type CompareRow, type CompareSummary, type ExperimentSource, type RunSummary } from '../shared/protocol';
import { loadTable, prepareDataset, readModel, resolveExperiment, writeFresh, type JobContext } from './jobCommon';

const fmt = num;

/** Trains one model of the experiment's settings (cell overridable) on a dataset, streaming progress. */
function trainModel(exp: Experiment, ds: Dataset, ctx: JobContext, cell: CellKind = exp.model.cell, label: string = cell,
  start: RunStart | null = null): { model: Model; result: TrainResult; seconds: number; plan: ReturnType<typeof planTraining>; options: TrainOptions } {
  const model = start?.model ?? experimentModel(exp, ds, cell);
  const before = start?.epochs ?? 0;
  const { plan, options } = trainingRun(exp.training, ds, start);
  const t0 = Date.now();
  let lastReport = 0;
  const result = withThreads(ctx.threads ?? 1, model, ds.train, options.batchSize, (executor) => train(model, ds.train, {
    ...options,
    executor,
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
        epoch: epochPoint(e, before), loss: e.trainLoss,
      });
    },
  }), options.precision);
  return { model, result, seconds: (Date.now() - t0) / 1000, plan, options };
}

/**
 * Train on an experiment or CSV; save the model next to it. With `resume` (a model file of an earlier run of the same
 * network), training continues from its weights and the file is updated in place: that is how "Step One Epoch"
 * advances a run. The model file carries a checkpoint (weights after the last epoch, the optimiser's state, the
 * shuffling state, the best epoch), so a continued run equals one that was never interrupted. When the experiment
 * now describes a different network, a new run starts instead and is saved under a fresh name.
 */
export async function trainJob(source: ExperimentSource, saveTo: string | null, ctx: JobContext, resume: string | null = null): Promise<RunSummary> {
  const { experiment, experimentFile, csvFile } = loadExperiment(source);
  const resolved = resolveExperiment(experiment, await loadTable(csvFile, ctx));
  const { spec } = resolved;
  const ds = prepareDataset(resolved.table, spec, ctx);
  releaseUnusedColumns(resolved.table, spec); // the run reads only the columns its roles name
  let start: RunStart | null = null;
  const notes: string[] = [];
  if (resume && existsSync(resume)) {
    const loaded = readModel(resume);
    if (networkDifferences(loaded.model.config, experimentModel(experiment, ds).config).length === 0) {
      const c = continueRun(basename(resume), { model: loaded.model, epochs: loaded.training?.epochs ?? loaded.checkpoint?.epochs ?? 0, checkpoint: loaded.checkpoint, run: loaded.run }, experiment, ds);
      start = c.start;
      notes.push(...c.notes);
    } else notes.push(`the settings no longer match ${basename(resume)}, so a new run started`);
  }
  const { model, result, seconds, plan, options } = trainModel(experiment, ds, ctx, experiment.model.cell, experiment.model.cell, start);
  const before = start?.epochs ?? 0;
  ctx.report({ phase: 'analysing', fraction: 1, message: 'evaluating the model' });
  const summary = summariseRun({ csvFile, experimentFile, resolved, ds, model, result, plan, learningRate: experiment.training.learningRate, seconds, before, notes });
  if (saveTo && result.status !== 'diverged') {
    const training: ModelTrainingMeta = { epochs: summary.epochs, bestEpoch: summary.bestEpoch, status: result.status, valLoss: summary.valLoss, baselineLoss: ds.baseline.loss };
    const meta = { data: modelDataMeta(csvFile, ds, spec, resolved.layout), training, experiment: experimentFile, run: runMeta(experiment, ds, options, result, start) };
    const text = JSON.stringify(modelToJson(model, meta, result.checkpoint));
    if (start && resume) {
      writeFileAtomic(resume, (append) => append(text), true);
      summary.modelFile = resume;
    } else summary.modelFile = writeFresh(saveTo, text);
  }
  return summary;
}

/** The same data, seed and budget for several cells. */
export async function compareJob(source: ExperimentSource, cells: CellKind[], ctx: JobContext): Promise<CompareSummary> {
  const { experiment, csvFile } = loadExperiment(source);
  const resolved = resolveExperiment(experiment, await loadTable(csvFile, ctx));
  const ds = prepareDataset(resolved.table, resolved.spec, ctx);
  releaseUnusedColumns(resolved.table, resolved.spec);
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
      effectiveMemory: bound.effectiveMemory, steps: bound.steps, epochs: result.epochs.length, seconds, history: result.epochs.map((e) => epochPoint(e)), verdict,
    });
  }
  const finite = rows.filter((r) => Number.isFinite(r.valLoss));
  const best = finite.length ? finite.reduce((a, b) => (b.valLoss < a.valLoss ? b : a)).cell : null;
  return {
    csvFile, task: ds.task, baseline: ds.baseline, cells: rows, best, anyBetter: rows.some((r) => r.verdict?.verdict === 'better'), cancelled,
    dataMemory: memoryInfo(ds.dataMemory),
  };
}

