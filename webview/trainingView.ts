/** Training view: the verdict, the losses against the baseline, the gradient norm and the spectrum of W_h, live. */
import { previewCell, type EpochPoint, type RunSummary } from '../src/shared/protocol';
import type { Chart } from 'chart.js';
import { colours, el, fmt, lineChart, series } from './ui';
import { button } from './components/index';
import { actions, type PanelContext, type View } from './view';

/** The live charts, appended to epoch by epoch while a run is in progress (null when the view is not shown). */
let trainingCharts: { loss: Chart; grad: Chart; spectrum: Chart } | null = null;

/** Forgets the charts (the view was torn down). */
export function dropTrainingCharts(): void {
  trainingCharts = null;
}

/** The recurrent weights the spectrum chart follows: Wₕ, or a custom cell's first U matrix (else its first u vector). */
function recurrentName(config: RunSummary['config'] | undefined): string {
  if (config?.cell !== 'custom') return 'Wₕ';
  const params = previewCell(config.equations ?? []).params;
  return params.find((p) => p.kind === 'U')?.name ?? params.find((p) => p.kind === 'u')?.name ?? 'Wₕ';
}

function summaryLine(run: RunSummary): string {
  return `${run.cell === 'custom' ? 'Custom cell' : run.cell.toUpperCase()} · ${run.epochs}/${run.epochsPlanned} epochs (${run.status}) · validation loss ${fmt(run.valLoss)} vs ${fmt(run.baselineLoss)} for ${run.baseline.replace(/ \(loss:.*\)$/, '')}${run.accuracy !== null ? ` · accuracy ${(run.accuracy * 100).toFixed(1)}% (majority class ${((run.baselineAccuracy ?? 0) * 100).toFixed(1)}%)` : ''}`;
}

/** The run's verdict in words, with the reason and the next step (a button when it is a change of settings). */
function verdictBox(run: RunSummary, ctx: PanelContext): HTMLElement {
  const v = run.verdict;
  const box = el('section', { className: `verdict-box ${v?.verdict === 'better' ? 'good' : 'bad'}` });
  box.setAttribute('role', 'status');
  if (!v) return box;
  box.append(el('p', { className: 'verdict-line', textContent: `${v.verdict[0].toUpperCase()}${v.verdict.slice(1)}: ${v.headline}.` }));
  if (v.reason) box.append(el('p', { textContent: `Why: ${v.reason}.` }));
  if (v.hint) box.append(el('p', { textContent: `Next: ${v.hint}.` }));
  if (v.action) {
    box.append(button(v.action.label, { id: 'next-step', title: 'Write this into the experiment file and train again', onClick: () => ctx.post({ type: 'run/nextStep' }) }));
  }
  return box;
}

/** How a transformed target reads on an axis title. */
const TRANSFORM_WORDS: Record<string, string> = { none: '', diff: 'differenced ', returns: 'return ', 'log-returns': 'log-return ' };

/** The y-axis title of a loss: what is measured and in which units. */
function lossTitle(run: RunSummary | null | undefined): string {
  const loss = run?.config.loss;
  if (loss === 'binary' || loss === 'softmax') return `loss: cross-entropy of ${run?.roles.label ? `"${run.roles.label}"` : 'the class'} (nats)`;
  if (loss !== 'mse') return 'loss';
  const targets = run?.roles.targets ?? [];
  const of = targets.length === 1 ? `"${targets[0]}"` : targets.length > 1 ? `${targets.length} targets` : 'the target';
  const kinds = new Set(targets.map((t) => run?.transforms?.[t] ?? 'none'));
  const what = kinds.size === 1 ? TRANSFORM_WORDS[[...kinds][0]] ?? '' : kinds.size > 1 ? 'transformed ' : '';
  return `loss: mean squared error of ${of} (z-scored ${what}values)`;
}

export const trainingView: View = (ctx) => {
  const s = ctx.state;
  const h = ctx.history;
  const view = el('div', { className: 'view' });
  if (h.length === 0) {
    view.append(el('p', { className: 'empty', textContent: s.running ? 'Training… the first epoch is on its way.' : 'No run yet. Train to see the losses, the gradient norm and the spectrum of W_h epoch by epoch.' }));
    view.append(actions(ctx));
    return view;
  }
  const c = colours();
  const labels = h.map((e) => e.epoch);
  if (s.run && !s.running) view.append(el('p', { className: 'summary', textContent: summaryLine(s.run) }), verdictBox(s.run, ctx));
  else view.append(el('p', { className: 'summary', textContent: `Training… epoch ${h[h.length - 1].epoch}` }));
  const baseline = s.run && !s.running ? s.run.baselineLoss : null;
  const accuracy = h.some((e) => e.valAccuracy !== null);
  const loss = lineChart('Loss by epoch', labels, [
    series('training', h.map((e) => e.trainLoss), c.series[0]),
    series('validation', h.map((e) => e.valLoss), c.series[1]),
    ...(accuracy ? [series('validation accuracy', h.map((e) => e.valAccuracy), c.series[2], { yAxisID: 'y2', borderDash: [2, 2] })] : []),
    ...(baseline !== null ? [series(`baseline (${s.run?.baseline.replace(/ \(loss:.*\)$/, '')})`, h.map(() => baseline), c.muted, { borderDash: [6, 4], pointRadius: 0, borderWidth: 1.5 })] : []),
  ], { xTitle: 'epoch', yTitle: lossTitle(s.run), ...(accuracy ? { y2: { title: 'accuracy', min: 0, max: 1 } } : {}) });
  const grad = lineChart('Gradient norm before clipping', labels, [series('mean ‖∇θ‖ over the batches', h.map((e) => e.gradNorm), c.series[4])], { xTitle: 'epoch', yTitle: 'gradient norm ‖∇θ‖' });
  const W = recurrentName(s.run?.config);
  const spectrum = lineChart(W === 'Wₕ' ? 'Recurrent matrix Wₕ' : `Recurrent weights ${W}`, labels, [
    series(`spectral radius ρ(${W})`, h.map((e) => e.rhoWh), c.series[3]),
    series(`spectral norm ‖${W}‖₂`, h.map((e) => e.normWh), c.series[2]),
  ], { xTitle: 'epoch', yTitle: `size of ${W} (1 = neither grows nor shrinks)` });
  trainingCharts = { loss: loss.chart, grad: grad.chart, spectrum: spectrum.chart };
  view.append(el('div', { className: 'grid' }, loss.box, grad.box, spectrum.box));
  view.append(actions(ctx));
  return view;
};

/** Appends epochs to the live charts without rebuilding them (one chart update per call). */
export function appendEpochs(root: HTMLElement, batch: EpochPoint[]): boolean {
  if (!trainingCharts || batch.length === 0) return trainingCharts !== null;
  const { loss, grad, spectrum } = trainingCharts;
  for (const e of batch) {
    for (const chart of [loss, grad, spectrum]) (chart.data.labels as number[]).push(e.epoch);
    loss.data.datasets[0].data.push(e.trainLoss);
    loss.data.datasets[1].data.push(e.valLoss);
    if ((loss.data.datasets[2] as { yAxisID?: string } | undefined)?.yAxisID === 'y2') loss.data.datasets[2].data.push(e.valAccuracy);
    grad.data.datasets[0].data.push(e.gradNorm);
    spectrum.data.datasets[0].data.push(e.rhoWh);
    spectrum.data.datasets[1].data.push(e.normWh);
  }
  for (const chart of [loss, grad, spectrum]) chart.update('none');
  const summary = root.querySelector('.summary');
  if (summary) summary.textContent = `Training… epoch ${batch[batch.length - 1].epoch}`;
  return true;
}

