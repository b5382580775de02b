/** Plain-text summaries of results for the output channel and the side view. */
import * as path from 'node:path';
import type { Experiment } from '../data/experiment';
import { cellTitle, cellWords, num, plural, runOn, type BoundSummary, type CompareSummary, type ModelInfo, type RunSummary } from '../shared/protocol';

/** A number for people (the one format of every surface, see `num`). */
export const fmt = (x: number | null): string => (x !== null && Number.isNaN(x) ? 'NaN' : num(x));

/** A value from its log10 (values below the smallest double stay readable). */
function fromLog(l: number | null): string {
  if (l === null) return '0';
  if (l > -300 && l < 300) return Math.pow(10, l).toExponential(2);
  const e = Math.floor(l);
  return `${Math.pow(10, l - e).toFixed(2)}e${e}`;
}

/** Lines describing a training run. */
export function runLines(s: RunSummary): string[] {
  const better = s.valLoss < s.baselineLoss;
  const v = s.verdict;
  return [
    ...(v ? [`${v.verdict}: ${v.headline}`, ...(v.reason ? [`why: ${v.reason}`] : []), ...(v.hint ? [`next: ${v.hint}`] : [])] : []),
    `${s.cell}, hidden ${s.config.hiddenSize} × ${plural(s.config.layers, 'layer')}, ${s.parameters.toLocaleString('en')} parameters; task ${s.task}`,
    `features ${s.roles.features.join(', ') || '—'}; target ${s.roles.targets.join(', ') || s.roles.label || '—'}${s.roles.sequenceId ? `; sequences by ${s.roles.sequenceId}` : ''}`,
    s.samples.description ?? `${s.samples.train} training / ${s.samples.validation} validation samples`,
    ...(v ? [] : [`validation loss ${fmt(s.valLoss)} vs baseline ${fmt(s.baselineLoss)} (${s.baseline})${better ? ` — ${fmt(s.baselineLoss / Math.max(s.valLoss, 1e-300))}× better` : ' — not better than the baseline'}`]),
    ...(s.dataUnits ?? []).slice(0, 4).map((u) => `in data units (${u.target}): validation MSE ${fmt(u.valMse)} vs ${fmt(u.baselineMse)} for the baseline`),
    ...(s.accuracy !== null ? [`accuracy ${(s.accuracy * 100).toFixed(1)}% vs ${((s.baselineAccuracy ?? 0) * 100).toFixed(1)}% for the majority class`] : []),
    ...(s.dataMemory ? [`data memory: ${s.dataMemory.summary}`] : []),
    `${s.epochs} of ${plural(s.epochsPlanned, 'epoch')} in ${s.seconds.toFixed(1)} s${runOn(s)}, ${s.status}${s.bestEpoch !== s.epochs ? `; weights of epoch ${s.bestEpoch} (best validation)` : ''}`,
    ...(s.divergence ? [s.divergence] : []),
    ...s.notes.map((n) => `note: ${n}`),
    ...(s.warnings ?? []).map((w) => `warning: ${w}`),
    s.modelFile ? `model saved to ${s.modelFile}` : 'model not saved',
  ];
}

/** Lines describing a bound analysis. */
export function boundLines(r: BoundSummary): string[] {
  const picks = Array.from(new Set([1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, r.lags.length].filter((l) => l >= 1 && l <= r.lags.length)));
  const custom = r.cell === 'custom';
  // columns: measured, then the bounds the cell has (tight and loose; a custom cell's product bound), then its additive path
  const cols: [string, (number | null)[] | null][] = [
    [custom ? 'product bound' : 'tight bound', r.tightLog10],
    ['loose bound', r.looseLog10],
    ['additive path', r.additiveLog10],
  ];
  const shown = cols.filter(([, v]) => v !== null);
  return [
    `${r.model}; sample ${r.sequence.index} of ${r.sequence.of} (sequence "${r.sequence.id}", line ${r.sequence.firstLine}, ${r.sequence.steps} steps, ${r.sequence.split})`,
    custom ? `‖U‖₂ = ${fmt(r.normWh)}, ρ(U) = ${fmt(r.rhoWh)} (the first U matrix of the equations)` : `‖W_h‖₂ = ${fmt(r.normWh)}, ρ(W_h) = ${fmt(r.rhoWh)}${r.gamma !== null ? `, γ = ${r.gamma}` : ''}`,
    `lag  measured ${r.measuredOf}  ${shown.map(([name]) => name).join('  ')}`,
    ...picks.map((lag) => {
      const i = lag - 1;
      return `${String(lag).padStart(4)}  ${fromLog(r.measuredLog10[i]).padStart(10)}${shown.map(([, v]) => `  ${fromLog(v?.[i] ?? null).padStart(11)}`).join('')}`;
    }),
    `verdict: ${r.verdict}`,
    `effective memory (≥ ${r.epsilon.toExponential(0)}): ${r.effectiveMemory} of ${r.sequence.steps} steps`,
    ...(r.dataMemory ? [`the data remembers about ${r.dataMemory.lag} step${r.dataMemory.lag === 1 ? '' : 's'}; the gradient still reaches ${r.effectiveMemory}`] : []),
    ...r.warnings.map((w) => `warning: ${w}`),
  ];
}

/** Lines describing a comparison of cells. */
export function compareLines(s: CompareSummary): string[] {
  return [
    compareHeadline(s),
    `task ${s.task}; baseline ${s.baseline.kind} ${fmt(s.baseline.loss)}; same data, seed and budget for every cell`,
    ...s.cells.map((r) => `${r.cell.padEnd(8)} ${(r.verdict?.verdict ?? '').padEnd(9)} val ${fmt(r.valLoss).padStart(9)}  train ${fmt(r.trainLoss).padStart(9)}${r.accuracy !== null ? `  acc ${(r.accuracy * 100).toFixed(1)}%` : ''}  memory ${r.effectiveMemory}/${r.steps}  ${r.parameters} params  ${r.epochs} ep  ${r.seconds.toFixed(1)} s${r.status === 'cancelled' ? ' (stopped)' : ''}`),
    ...(s.dataMemory ? [`the data remembers about ${s.dataMemory.lag} step${s.dataMemory.lag === 1 ? '' : 's'}; memory above is each cell's effective memory`] : []),
  ];
}

function compareHeadline(s: CompareSummary): string {
  return s.best ? (s.anyBetter ? `best: ${s.best}` : `no cell beats the baseline (lowest validation loss: ${s.best})`) : 'no cell finished';
}

/** A comparison in short lines for the narrow side view: the headline, the baseline, then one line per cell. */
export function compareSideLines(s: CompareSummary): string[] {
  return [
    compareHeadline(s),
    `baseline (${s.baseline.kind.replace(/ \(loss:.*\)$/, '')}): ${fmt(s.baseline.loss)}`,
    ...s.cells.map((r) => `${r.cell}: ${r.verdict?.verdict ?? r.status} · val ${fmt(r.valLoss)}${r.verdict?.ratio != null ? ` (${fmt(r.verdict.ratio)}× baseline)` : ''}${r.accuracy !== null ? ` · acc ${(r.accuracy * 100).toFixed(1)}%` : ''}`),
  ];
}

/** Lines describing a model file. */
export function modelLines(m: ModelInfo): string[] {
  const c = m.config;
  return [
    `${cellWords(c)}, input ${c.inputSize}, hidden ${c.hiddenSize} × ${plural(c.layers, 'layer')}${c.residual ? ', residual' : ''}; head ${plural(c.outputSize, 'output')}, ${c.loss}, readout ${c.readout}`,
    `${m.parameters.toLocaleString('en')} parameters`,
    ...(m.data ? [`trained on ${path.basename(m.data.file)} (${m.data.task}; features ${m.data.roles.features.join(', ')})`] : ['no data settings recorded']),
    ...(m.training ? [`${m.training.epochs} epochs, ${m.training.status}; validation loss ${fmt(m.training.valLoss)} vs baseline ${fmt(m.training.baselineLoss)}`] : []),
  ];
}

/** An experiment's cell and key settings in one line, for the side view. */
export function settingsLine(e: Experiment): string {
  const m = e.model;
  const t = e.training;
  const cell = cellTitle(m);
  return `${cell} · ${m.hiddenSize} hidden × ${m.layers} layer${m.layers > 1 ? 's' : ''}${m.residual && m.layers > 1 ? ' (residual)' : ''} · ${t.optimizer}, lr ${t.learningRate} · ${t.epochs === 'auto' ? 'epochs chosen from the data' : `${t.epochs} epochs`}`;
}
