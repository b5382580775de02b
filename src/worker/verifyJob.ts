/** The bound analysis job: measured ‖∂s_T/∂s_t‖ against the chapter's bounds on one sequence of the data. */
import { analyseBound } from '../engine/index';
import { samplesInFileOrder } from '../data/dataset';
import { loadExperiment } from '../data/settings';
import type { BoundSummary, ExperimentSource } from '../shared/protocol';
import { InputError, loadTable, modelAndData, type JobContext } from './jobCommon';
import { memoryInfo } from '../data/runSummary';

const logs = (a: number[] | null): (number | null)[] | null => (a ? a.map((x) => (Number.isFinite(x) ? x : null)) : null);

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
    cell: r.cell, equations: model.config.equations ?? null, activation: r.activation, measuredOf: r.measuredOf, holds: r.holds, verdict: r.verdict, worstRatio: r.worstRatio, worstLag: r.worstLag,
    effectiveMemory: r.effectiveMemory, epsilon: r.epsilon, normWh: r.normWh, rhoWh: r.rhoWh, gamma: r.gamma, lags: r.lags,
    measuredLog10: logs(r.measuredLog10) as (number | null)[], tightLog10: logs(r.tightLog10), looseLog10: logs(r.looseLog10), additiveLog10: logs(r.additiveLog10),
    warnings: r.warnings, dataMemory: memoryInfo(ds.dataMemory),
  };
}

