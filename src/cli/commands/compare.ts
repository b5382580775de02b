/** `rnn-playground compare FILE --cells …`: the same data, seed and budget for several cells, side by side. */
import { releaseUnusedColumns } from '../../data/dataset';
import { analyseBound, CELL_KINDS, evaluate, isCellKind, type CellKind } from '../../engine/index';
import { UsageError } from '../errors';
import { num, table } from '../format';
import { dataset, loadTable, resolve, settingsFor, type Values } from './dataCommon';
import { rolesText, threadsOption, trainOn } from './train';
import { memoryInfo } from '../../data/runSummary';

/** Runs the command. */
export async function compareCommand(given: string, v: Values, json: boolean) {
  const { experiment, experimentFile, csvFile: file } = settingsFor(given, v);
  // the built-in cells, and the file's own custom cell when it has one
  const hasCustom = experiment.model.equations !== undefined && experiment.model.cell === 'custom';
  const cells = (typeof v.cells === 'string' ? v.cells : [...CELL_KINDS, ...(hasCustom ? ['custom'] : [])].join(',')).split(',').map((c) => c.trim()).filter(Boolean);
  for (const c of cells) {
    if (c === 'custom' && !experiment.model.equations) throw new UsageError('--cells: "custom" needs equations: give them in the experiment file (model.equations) or with --equations');
    if (!isCellKind(c) && c !== 'custom') throw new UsageError(`--cells: unknown cell "${c}" (${CELL_KINDS.join(', ')}, custom)`);
  }
  const resolved = resolve(await loadTable(file, json), experiment.data);
  const ds = dataset(resolved.table, resolved.spec);
  releaseUnusedColumns(resolved.table, resolved.spec); // the runs read only the columns the roles name
  const threads = threadsOption(v);
  const rows = cells.map((cell) => {
    const { model, result, seconds, judge } = trainOn(ds, experiment, json, cell as CellKind, null, threads);
    const val = evaluate(model, ds.validation);
    const tr = evaluate(model, ds.train);
    const verdict = judge(tr.loss, val.loss, val.accuracy);
    const bound = analyseBound(model, ds.validation[0].x);
    return {
      cell, status: result.status, trainLoss: tr.loss, valLoss: val.loss, baselineLoss: ds.baseline.loss, accuracy: val.accuracy,
      effectiveMemory: bound.effectiveMemory, steps: bound.steps, parameters: model.theta.length, epochs: result.epochs.length, seconds,
      verdict: verdict.verdict, ratio: verdict.ratio, reason: verdict.reason,
    };
  });
  const best = rows.reduce((a, b) => (b.valLoss < a.valLoss ? b : a));
  const text = [
    `${file}: task ${ds.task}, ${ds.train.length} training / ${ds.validation.length} validation samples; same seed and budget for every cell`,
    rolesText(resolved),
    ...(ds.dataMemory ? [`data memory: ${ds.dataMemory.summary}`] : []),
    '',
    table(['cell', 'parameters', 'train loss', 'val loss', '÷ baseline', 'verdict', ...(ds.task === 'classify' ? ['accuracy'] : []), 'effective memory', 'seconds'], [
      ...rows.map((r) => [
        r.cell, String(r.parameters), num(r.trainLoss), num(r.valLoss), r.ratio === null ? '—' : num(r.ratio, 3), r.verdict, ...(ds.task === 'classify' ? [`${((r.accuracy ?? 0) * 100).toFixed(1)}%`] : []),
        `${r.effectiveMemory} of ${r.steps}`, r.seconds.toFixed(1),
      ]),
      ['baseline', '—', '—', num(ds.baseline.loss), '1', '', ...(ds.task === 'classify' ? [`${((ds.baseline.accuracy ?? 0) * 100).toFixed(1)}%`] : []), '—', '—'],
    ]),
    '',
    `baseline: ${ds.baseline.kind}. ${rows.some((r) => r.verdict === 'better') ? `Best: ${best.cell}, ${num(best.ratio ?? NaN, 3)}× the baseline's loss.` : `No cell beats the baseline (lowest validation loss: ${best.cell}${best.reason ? `; ${best.reason}` : ''}).`}`,
    ...(ds.dataMemory ? [`the data remembers about ${ds.dataMemory.lag} step${ds.dataMemory.lag === 1 ? '' : 's'}; effective memory above is how far each trained cell's gradient still reaches`] : []),
  ].join('\n');
  return { pass: true, report: { file, experimentFile, task: ds.task, baseline: ds.baseline, dataMemory: memoryInfo(ds.dataMemory), anyBetter: rows.some((r) => r.verdict === 'better'), cells: rows }, text };
}
