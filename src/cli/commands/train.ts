/** `rnn-playground train FILE`: trains a model on a CSV and reports losses against the baseline. */
import { createModel, evaluate, modelToJson, train, type EpochRecord, type Model, type OptimizerKind, type TrainResult } from '../../engine/index';
import type { Dataset } from '../../data/dataset';
import { FileExistsError, writeFileAtomic } from '../../data/writeFile';
import { UsageError } from '../errors';
import { num, table } from '../format';
import { createProgress } from '../progress';
import { choice, dataset, datasetSpec, intOpt, loadTable, modelFromFlags, numOpt, resolveRoles, type Values } from './dataCommon';
import type { ColumnRoles, RoleSuggestion } from '../../data/roles';
import { existsSync } from 'node:fs';
import type { CellKind } from '../../engine/index';

/** What `train --json` prints. */
export interface TrainReport {
  file: string;
  task: string;
  roles: ColumnRoles;
  cell: string;
  status: string;
  trainLoss: number;
  valLoss: number;
  baselineLoss: number;
  baseline: string;
  accuracy: number | null;
  baselineAccuracy: number | null;
  epochs: number;
  bestEpoch: number;
  history: Pick<EpochRecord, 'epoch' | 'trainLoss' | 'valLoss' | 'gradNorm' | 'rhoWh' | 'normWh' | 'aliveShare'>[];
  samples: { train: number; validation: number };
  window: { length: number; stride: number } | null;
  notes: string[];
  saved: string | null;
  /** Regression with one target: the losses in the data's own units (MSE × target variance). */
  dataUnits: { trainLoss: number; valLoss: number; baselineLoss: number } | null;
  divergence: string | null;
  seconds: number;
}

/** Trains one model on a dataset with the flags' budget (shared with compare). */
export function trainOn(ds: Dataset, v: Values, quiet: boolean, cell?: CellKind): { model: Model; result: TrainResult; seconds: number } {
  const m = modelFromFlags(ds, v, cell);
  const model = createModel(m.config, { seed: m.seed, kind: m.init, forgetBias1: m.forgetBias1 });
  const epochs = intOpt(v, 'epochs', 20, 1, 100000);
  const bar = createProgress(`training ${m.config.cell}`, quiet);
  const t0 = Date.now();
  let result: TrainResult;
  try {
    result = train(model, ds.train, {
      epochs,
      batchSize: intOpt(v, 'batch', 32, 1, 100000),
      optimizer: {
        kind: choice<OptimizerKind>(v, 'optimizer', 'adam', ['sgd', 'momentum', 'adam']),
        lr: numOpt(v, 'lr', 0.005, 0, 100),
        clip: v.clip === undefined ? 1 : numOpt(v, 'clip', 1, -1e-300),
      },
      seed: m.seed,
      tbptt: intOpt(v, 'tbptt', 0, 0, 1e7),
      validation: ds.validation,
      patience: intOpt(v, 'patience', 0, 0, 100000),
      onBatch: (b) => bar.update((b.epoch - 1 + b.batch / b.batches) / epochs, `epoch ${b.epoch}/${epochs} loss ${num(b.loss)}`),
      now: () => Date.now(),
    });
  } catch (e) {
    if (e instanceof RangeError) throw new UsageError(e.message);
    throw e;
  } finally {
    bar.done();
  }
  return { model, result, seconds: (Date.now() - t0) / 1000 };
}

/** Prints the roles used, with the reasons of the suggestion. */
export function rolesText(roles: ColumnRoles, s: RoleSuggestion): string {
  const r = (name: string | null): string => name ?? '—';
  const suggested = JSON.stringify([roles.features, roles.targets, roles.sequenceId, roles.label, roles.time]) === JSON.stringify([s.features, s.targets, s.sequenceId, s.label, s.time]);
  return `columns${suggested ? ' (suggested)' : ''}: features ${roles.features.join(', ') || '—'}; target ${roles.targets.join(', ') || '—'}; sequence id ${r(roles.sequenceId)}; label ${r(roles.label)}; time ${r(roles.time)}`;
}

/** Runs the command. */
export async function trainCommand(file: string, v: Values, json: boolean) {
  const tbl = await loadTable(file, json);
  const { roles, suggestion } = resolveRoles(tbl, v);
  const spec = datasetSpec(roles, v, suggestion.task, suggestion.transforms);
  const ds = dataset(tbl, spec);
  const save = typeof v.save === 'string' ? v.save : null;
  if (save && v.force !== true && existsSync(save)) throw new UsageError(`${save} already exists; choose another name or pass --force to replace it`);
  const { model, result, seconds } = trainOn(ds, v, json);
  const trainEval = evaluate(model, ds.train);
  const valEval = evaluate(model, ds.validation);
  let saved: string | null = null;
  if (save) {
    const meta = {
      data: {
        file, task: ds.task, roles, transforms: spec.transforms, window: ds.window, split: ds.split,
        featureNames: ds.featureNames, targetNames: ds.targetNames, classes: ds.classes, granularity: ds.granularity, scaler: ds.scaler,
      },
      training: { epochs: result.epochs.length, bestEpoch: result.bestEpoch, status: result.status, valLoss: valEval.loss, baselineLoss: ds.baseline.loss },
    };
    try {
      writeFileAtomic(save, (append) => append(JSON.stringify(modelToJson(model, meta))), v.force === true);
    } catch (e) {
      if (e instanceof FileExistsError) throw new UsageError(`${e.message} (the model was trained but not saved)`);
      throw new UsageError(`cannot write ${save}: ${(e as Error).message}`);
    }
    saved = save;
  }
  const report: TrainReport = {
    file, task: ds.task, roles, cell: model.config.cell, status: result.status,
    trainLoss: trainEval.loss, valLoss: valEval.loss, baselineLoss: ds.baseline.loss, baseline: ds.baseline.kind,
    accuracy: valEval.accuracy, baselineAccuracy: ds.baseline.accuracy,
    epochs: result.epochs.length, bestEpoch: result.bestEpoch,
    history: result.epochs.map((e) => ({ epoch: e.epoch, trainLoss: e.trainLoss, valLoss: e.valLoss, gradNorm: e.gradNorm, rhoWh: e.rhoWh, normWh: e.normWh, aliveShare: e.aliveShare })),
    samples: { train: ds.train.length, validation: ds.validation.length },
    window: ds.window, notes: ds.notes, saved, divergence: result.divergence?.message ?? null, seconds,
    dataUnits: ds.task !== 'classify' && ds.targetNames.length === 1
      ? { trainLoss: trainEval.loss * ds.scaler.targetStd[0] ** 2, valLoss: valEval.loss * ds.scaler.targetStd[0] ** 2, baselineLoss: ds.baseline.loss * ds.scaler.targetStd[0] ** 2 }
      : null,
  };
  const better = report.valLoss < report.baselineLoss;
  const text = [
    `${file}: ${tbl.rowCount.toLocaleString('en')} rows, ${ds.stats.sequences} sequence(s) of ${ds.stats.minLength}–${ds.stats.maxLength} rows`,
    rolesText(roles, suggestion),
    `task ${ds.task}${ds.granularity === 'sequence' ? ' (one per sequence)' : ''}; ${ds.train.length} training and ${ds.validation.length} validation samples, split by ${ds.split}${ds.window ? `, windows of ${ds.window.length} (stride ${ds.window.stride})` : ''}`,
    ...ds.notes.map((n) => `note: ${n}`),
    '',
    table(['epoch', 'train loss', 'val loss', '‖∇‖ pre-clip', 'ρ(W_h)', '‖W_h‖₂', 'live steps'], result.epochs.filter((_, i, a) => a.length <= 12 || i % Math.ceil(a.length / 12) === 0 || i === a.length - 1).map((e) => [
      String(e.epoch), num(e.trainLoss), num(e.valLoss), num(e.gradNorm), num(e.rhoWh, 3), num(e.normWh, 3), `${(e.aliveShare * 100).toFixed(0)}%`,
    ])),
    '',
    `${model.config.cell}: validation loss ${num(report.valLoss)} vs baseline ${num(report.baselineLoss)} (${ds.baseline.kind}) — ${better ? `${num(report.baselineLoss / Math.max(report.valLoss, 1e-300), 2)}× better` : 'not better than the baseline'}`,
    ...(report.dataUnits ? [`in data units (${ds.targetNames[0]}): validation MSE ${num(report.dataUnits.valLoss)} vs baseline ${num(report.dataUnits.baselineLoss)}`] : []),
    ...(report.accuracy !== null ? [`accuracy ${(report.accuracy * 100).toFixed(1)}% vs ${((report.baselineAccuracy ?? 0) * 100).toFixed(1)}% for the majority class`] : []),
    `${report.epochs} epoch(s) in ${seconds.toFixed(1)} s, ${result.status}${result.bestEpoch !== report.epochs ? `; weights of epoch ${result.bestEpoch} (best validation)` : ''}`,
    ...(result.divergence ? [result.divergence.message] : []),
    ...(saved ? [`model saved to ${saved}`] : []),
  ].join('\n');
  return { pass: result.status !== 'diverged', report, text };
}
