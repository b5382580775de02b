/** `rnn-playground train FILE`: trains a model on a CSV and reports losses against the baseline. */
import { releaseUnusedColumns } from '../../data/dataset';
import { existsSync } from 'node:fs';
import { describeDataset } from '../../data/describe';
import { withThreads, threadCount } from '../../threads/pool';
import { num as numText, plural, runOn } from '../../shared/protocol';
import { modelToJson, train, type CellKind, type Model, type TrainOptions, type TrainResult } from '../../engine/index';
import { continueRun, networkDifferences, type RunStart } from '../../data/resume';
import { loadModelFile } from './modelFile';
import type { Dataset } from '../../data/dataset';
import type { Experiment, ResolvedData } from '../../data/experiment';
import type { WideLayout } from '../../data/layout';
import { modelDataMeta } from '../../data/modelMeta';
import { runMeta } from '../../data/runMeta';
import { summariseRun, type EpochPoint, type RunSummary } from '../../data/runSummary';
import { judgeRun, runFacts, type Verdict } from '../../data/verdict';
import type { ColumnRoles, RoleSuggestion, TimeAxis } from '../../data/roles';
import { FileExistsError, writeFileAtomic } from '../../data/writeFile';
import { UsageError } from '../errors';
import { num, table } from '../format';
import { createProgress } from '../progress';
import { dataset, loadTable, resolve, settingsFor, type Values } from './dataCommon';
import { experimentModel, trainingRun } from '../../data/settings';

/** The roles used, with every column's reason and how the task and targets were chosen (the `roles` of `--json`). */
export interface RolesReport extends ColumnRoles {
  task: string;
  /** Why each column has its role. */
  reasons: Record<string, string>;
  /** Why the targets are these. */
  targetReason: string;
  timeAxis: TimeAxis | null;
  labelCandidates: string[];
  /** True when every role is the suggested one. */
  suggested: boolean;
}

/**
 * What `train --json` prints: the run's summary (the same `RunSummary` the extension shows), with the CSV as `file`,
 * the model file as `saved`, the verdict's kind, ratio, reason and hint at the top level and the whole judgement as
 * `judgement`, the roles with every column's reason, and the wide layout read. The per-step gradient norms stay out.
 */
export type TrainReport = Omit<RunSummary, 'csvFile' | 'modelFile' | 'verdict' | 'roles' | 'history'> & {
  /** The CSV. */
  file: string;
  /** better, no better, worse, diverged or stopped. */
  verdict: Verdict['verdict'];
  /** Validation loss ÷ baseline loss. */
  ratio: number | null;
  /** Why it did not beat the baseline, and what to try next (null when it did). */
  reason: string | null;
  hint: string | null;
  /** The whole judgement, with its headline. */
  judgement: Verdict;
  roles: RolesReport;
  layout: WideLayout | null;
  history: Omit<EpochPoint, 'stepGradNorm'>[];
  /** Where the model was saved, or null. */
  saved: string | null;
};

/** Trains one model of the experiment's settings (cell overridable) on a dataset (shared with compare). */
export function trainOn(ds: Dataset, exp: Experiment, quiet: boolean, cell?: CellKind, start: RunStart | null = null, threads = 1): { model: Model; result: TrainResult; seconds: number; plan: ReturnType<typeof trainingRun>['plan']; options: TrainOptions; judge: (trainLoss: number, valLoss: number, accuracy: number | null) => Verdict } {
  let model: Model;
  try {
    model = start?.model ?? experimentModel(exp, ds, cell);
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  const settings = exp.training;
  const { plan, options } = trainingRun(settings, ds, start);
  const epochs = plan.epochs;
  const bar = createProgress(`training ${model.config.cell}`, quiet);
  const t0 = Date.now();
  let result: TrainResult;
  try {
    result = withThreads(threads, model, ds.train, options.batchSize, (executor) => train(model, ds.train, {
      ...options,
      executor,
      onBatch: (b) => bar.update((b.epoch - 1 + b.batch / b.batches) / epochs, `epoch ${b.epoch}/${epochs} loss ${num(b.loss)}`),
      now: () => Date.now(),
    }), options.precision);
  } catch (e) {
    if (e instanceof RangeError) throw new UsageError(e.message);
    throw e;
  } finally {
    bar.done();
  }
  const judge = (trainLoss: number, valLoss: number, accuracy: number | null): Verdict =>
    judgeRun(runFacts(ds, { cell: model.config.cell, learningRate: settings.learningRate, hiddenSize: model.config.hiddenSize }, result, { trainLoss, valLoss, accuracy }, start?.epochs ?? 0, plan.epochs));
  return { model, result, seconds: (Date.now() - t0) / 1000, plan, options, judge };
}

/** `--threads N` (1 to 64), or every core: training's result is the same whatever the number. */
export function threadsOption(v: Values): number {
  if (v.threads === undefined) return threadCount(null);
  const n = Number(v.threads);
  if (!Number.isInteger(n) || n < 1 || n > 64) throw new UsageError(`--threads must be an integer from 1 to 64; got ${String(v.threads)}`);
  return n;
}

/** The run a `--resume MODEL.json` continues: its weights and checkpoint, when the model matches the settings. */
function resumeFrom(path: string, exp: Experiment, ds: Dataset, v: Values): { start: RunStart; notes: string[] } {
  if (v.epochs === undefined) throw new UsageError('--resume needs --epochs N: how many more epochs to train');
  const loaded = loadModelFile(path);
  const differs = networkDifferences(loaded.model.config, experimentModel(exp, ds).config);
  if (differs.length) throw new UsageError(`${path} is a different network from these settings (${differs.join(', ')}): train it from the start, or resume with its own settings`);
  const { start, notes } = continueRun(path, loaded, exp, ds);
  if (start.checkpoint) notes.push(`continues ${path} after epoch ${start.checkpoint.epochs}, exactly (weights, optimiser state, shuffling)`);
  return { start, notes };
}

/** The roles report of a resolution. */
export function rolesReport(r: ResolvedData): RolesReport {
  const s: RoleSuggestion = r.suggestion;
  const roles = r.spec.roles;
  return {
    ...roles, task: r.spec.task, reasons: s.reasons, targetReason: s.targetReason, timeAxis: s.timeAxis, labelCandidates: s.labelCandidates,
    suggested: !r.rolesGiven && r.spec.task === s.task,
  };
}

/** The roles used in a few lines: the plan, then one line per column with its reason. */
export function rolesText(r: ResolvedData): string {
  const roles = r.spec.roles;
  const s = r.suggestion;
  const given = (name: string): string => {
    const used = roles.targets.includes(name) ? 'target' : roles.features.includes(name) ? 'input' : roles.sequenceId === name ? 'sequence id' : roles.label === name ? 'label' : roles.time === name ? 'time' : 'not used';
    return used;
  };
  const lines = [
    `columns${r.rolesGiven ? ' (roles given)' : ' (suggested)'}: target ${roles.targets.join(', ') || '—'} — ${s.targetReason}; inputs ${roles.features.join(', ') || '—'}; sequence id ${roles.sequenceId ?? '—'}; label ${roles.label ?? '—'}; time ${roles.time ?? '—'}`,
  ];
  const width = Math.min(24, Math.max(...r.table.columns.map((c) => c.name.length)));
  for (const c of r.table.columns) {
    const why = s.reasons[c.name] ?? '';
    const role = given(c.name);
    const suggestedRole = why.split(':')[0];
    lines.push(`  ${c.name.padEnd(width)}  ${role}${suggestedRole && !why.startsWith(role === 'input' ? 'feature' : role) && r.rolesGiven ? ` (suggested: ${why})` : ` — ${why.replace(/^[a-z ]+: /, '')}`}`);
  }
  return lines.join('\n');
}

/** Runs the command. */
export async function trainCommand(given: string, v: Values, json: boolean) {
  const { experiment, experimentFile, csvFile: file } = settingsFor(given, v);
  const raw = await loadTable(file, json);
  const resolved = resolve(raw, experiment.data);
  const tbl = resolved.table;
  const spec = resolved.spec;
  const ds = dataset(tbl, spec);
  releaseUnusedColumns(tbl, spec); // the run reads only the columns its roles name
  const resume = typeof v.resume === 'string' ? v.resume : null;
  // --resume writes back to its model file unless --save names another
  const save = typeof v.save === 'string' ? v.save : resume;
  if (save && save !== resume && v.force !== true && existsSync(save)) throw new UsageError(`${save} already exists; choose another name or pass --force to replace it`);
  const { start, notes: resumeNotes } = resume ? resumeFrom(resume, experiment, ds, v) : { start: null, notes: [] };
  const { model, result, seconds, plan, options } = trainOn(ds, experiment, json, undefined, start, threadsOption(v));
  const before = start?.epochs ?? 0;
  const summary = summariseRun({ csvFile: file, experimentFile, resolved, ds, model, result, plan, learningRate: experiment.training.learningRate, seconds, before, notes: resumeNotes });
  const judgement = summary.verdict as Verdict;
  let saved: string | null = null;
  if (save) {
    const meta = {
      data: modelDataMeta(file, ds, spec, resolved.layout),
      training: { epochs: summary.epochs, bestEpoch: summary.bestEpoch, status: result.status, valLoss: summary.valLoss, baselineLoss: ds.baseline.loss },
      run: runMeta(experiment, ds, options, result, start),
    };
    try {
      writeFileAtomic(save, (append) => append(JSON.stringify(modelToJson(model, meta, result.checkpoint))), v.force === true || save === resume);
    } catch (e) {
      if (e instanceof FileExistsError) throw new UsageError(`${e.message} (the model was trained but not saved)`);
      throw new UsageError(`cannot write ${save}: ${(e as Error).message}`);
    }
    saved = save;
  }
  const { csvFile: _csv, modelFile: _model, verdict: _verdict, roles: _roles, history, ...rest } = summary;
  const report: TrainReport = {
    file, ...rest, verdict: judgement.verdict, ratio: judgement.ratio, reason: judgement.reason, hint: judgement.hint, judgement,
    roles: rolesReport(resolved), layout: resolved.layout, history: history.map(({ stepGradNorm: _steps, ...e }) => e), saved,
  };
  const { batchSize, patience } = plan;
  const notes = summary.notes;
  const text = [
    `${file}: ${raw.rowCount.toLocaleString('en')} rows, ${ds.stats.sequences === 1 ? '1 sequence of' : `${ds.stats.sequences.toLocaleString('en')} sequences of`} ${ds.stats.minLength === ds.stats.maxLength ? ds.stats.minLength.toLocaleString('en') : `${ds.stats.minLength.toLocaleString('en')}–${ds.stats.maxLength.toLocaleString('en')}`} steps${resolved.layout ? ` (read wide: ${tbl.rowCount.toLocaleString('en')} values)` : ''}`,
    ...(resolved.suggestion.timeAxis ? [`time axis: ${resolved.suggestion.timeAxis.description}`] : []),
    rolesText(resolved),
    `task ${ds.task}; ${describeDataset(ds)}; batch ${batchSize}${patience ? `, patience ${patience}` : ''}`,
    ...(ds.dataMemory ? [`data memory: ${ds.dataMemory.summary}`] : []),
    ...notes.map((n) => `note: ${n}`),
    ...ds.warnings.map((w) => `warning: ${w}`),
    '',
    table(['epoch', 'train loss', 'val loss', '‖∇‖ pre-clip', 'ρ(W_h)', '‖W_h‖₂', 'live steps'], result.epochs.filter((_, i, a) => a.length <= 12 || i % Math.ceil(a.length / 12) === 0 || i === a.length - 1).map((e) => [
      String(e.epoch), num(e.trainLoss), num(e.valLoss), num(e.gradNorm), num(e.rhoWh, 3), num(e.normWh, 3), `${(e.aliveShare * 100).toFixed(0)}%`,
    ])),
    '',
    `verdict: ${judgement.verdict} — ${judgement.headline}`,
    ...(judgement.reason ? [`why: ${judgement.reason}`] : []),
    ...(judgement.hint ? [`next: ${judgement.hint}`] : []),
    ...(report.dataUnits ? report.dataUnits.slice(0, 8).map((u) => `in data units (${u.target}): validation MSE ${numText(u.valMse)} vs ${numText(u.baselineMse)} for the baseline`) : []),
    ...(report.accuracy !== null ? [`accuracy ${(report.accuracy * 100).toFixed(1)}% vs ${((report.baselineAccuracy ?? 0) * 100).toFixed(1)}% for the majority class`] : []),
    `${plural(report.epochs, 'epoch')} in ${seconds.toFixed(1)} s${runOn(summary)}, ${result.status}${summary.bestEpoch !== report.epochs ? `; weights of epoch ${summary.bestEpoch} (best validation)` : ''}`,
    ...(result.divergence ? [result.divergence.message] : []),
    ...(saved ? [`model saved to ${saved}`] : []),
  ].join('\n');
  return { pass: result.status !== 'diverged', report, text };
}
