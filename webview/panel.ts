/**
 * Playground panel script: tabs for training (losses against the baseline, gradient norm, ρ(W_h) and ‖W_h‖₂),
 * gradients (‖∂L/∂h_t‖ over time × epoch), the bound (measured against the bounds, log scale) and the comparison of
 * cells. Renders the host's PanelState, appends epochs live, and keeps its state for tab switches and reloads.
 */
import { assertNever, catalogCell, plural, type BoundSummary, type CompareSummary, type EpochPoint, type ExperimentChange, type FromWebview, type PanelState, type PanelTab, type RunSummary, type ToWebview } from '../src/shared/protocol';
import { renderGradients } from './gradientsView';
import { renderModelView } from './modelView';
import { renderDataView, renderSeries, type DataViewContext } from './dataView';
import type { DataTable } from './dataTable';
import { renderPredictionsView } from './predictionsView';
import { renderUnrolledGraph } from './unrolledGraph';
import { colours, el, fmt, lineChart, live, series, teardown } from './ui';
import type { Chart } from 'chart.js';

declare function acquireVsCodeApi(): { postMessage(msg: FromWebview): void; getState(): unknown; setState(s: unknown): void };

const vscodeApi = acquireVsCodeApi();
const root = document.getElementById('panel') as HTMLElement;
let state: PanelState | null = (vscodeApi.getState() as PanelState | undefined) ?? null;
let trainingCharts: { loss: Chart; grad: Chart; spectrum: Chart } | null = null;

let dataTable: DataTable | null = null;
/** The id of the next request to the host (its reply carries it as inReplyTo). */
let nextRequest = 1;
/** Graphs the user expanded (kept across redraws). */
const graphExpanded = new Map<string, boolean>();

const TABS: { id: PanelTab; label: string }[] = [
  { id: 'data', label: 'Data' }, { id: 'model', label: 'Model' },
  { id: 'training', label: 'Training' }, { id: 'graph', label: 'Unrolled Graph' }, { id: 'gradients', label: 'Gradients' }, { id: 'bound', label: 'Bound' },
  { id: 'predictions', label: 'Predictions' }, { id: 'compare', label: 'Compare' },
];

/** The run to show: the one in progress (live epochs) or the latest finished one. */
function history(s: PanelState): EpochPoint[] {
  return s.running ? s.live : s.run?.history ?? [];
}

function summaryLine(run: RunSummary): string {
  return `${run.cell.toUpperCase()} · ${run.epochs}/${run.epochsPlanned} epochs (${run.status}) · validation loss ${fmt(run.valLoss)} vs ${fmt(run.baselineLoss)} for ${run.baseline.replace(/ \(loss:.*\)$/, '')}${run.accuracy !== null ? ` · accuracy ${(run.accuracy * 100).toFixed(1)}% (majority class ${((run.baselineAccuracy ?? 0) * 100).toFixed(1)}%)` : ''}`;
}

/** The run's verdict in words, with the reason and the next step (a button when it is a change of settings). */
function verdictBox(run: RunSummary): HTMLElement {
  const v = run.verdict;
  const box = el('section', { className: `verdict-box ${v?.verdict === 'better' ? 'good' : 'bad'}` });
  box.setAttribute('role', 'status');
  if (!v) return box;
  box.append(el('p', { className: 'verdict-line', textContent: `${v.verdict[0].toUpperCase()}${v.verdict.slice(1)}: ${v.headline}.` }));
  if (v.reason) box.append(el('p', { textContent: `Why: ${v.reason}.` }));
  if (v.hint) box.append(el('p', { textContent: `Next: ${v.hint}.` }));
  if (v.action) {
    const b = el('button', { textContent: v.action.label, className: 'primary', id: 'next-step' });
    b.title = 'Write this into the experiment file and train again';
    b.addEventListener('click', () => vscodeApi.postMessage({ type: 'run/nextStep' }));
    box.append(b);
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

function renderTraining(s: PanelState): HTMLElement {
  const h = history(s);
  const view = el('div', { className: 'view' });
  if (h.length === 0) {
    view.append(el('p', { className: 'empty', textContent: s.running ? 'Training… the first epoch is on its way.' : 'No run yet. Train to see the losses, the gradient norm and the spectrum of W_h epoch by epoch.' }));
    view.append(actions());
    return view;
  }
  const c = colours();
  const labels = h.map((e) => e.epoch);
  if (s.run && !s.running) view.append(el('p', { className: 'summary', textContent: summaryLine(s.run) }), verdictBox(s.run));
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
  const spectrum = lineChart('Recurrent matrix Wₕ', labels, [
    series('spectral radius ρ(Wₕ)', h.map((e) => e.rhoWh), c.series[3]),
    series('spectral norm ‖Wₕ‖₂', h.map((e) => e.normWh), c.series[2]),
  ], { xTitle: 'epoch', yTitle: 'size of Wₕ (1 = neither grows nor shrinks)' });
  trainingCharts = { loss: loss.chart, grad: grad.chart, spectrum: spectrum.chart };
  view.append(el('div', { className: 'grid' }, loss.box, grad.box, spectrum.box));
  view.append(actions());
  return view;
}

/** Appends epochs to the live charts without rebuilding them (one chart update per call). */
function appendEpochs(batch: EpochPoint[]): void {
  if (!trainingCharts || batch.length === 0) return;
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
}

/** What the Data view needs, from the state. */
function dataContext(s: PanelState): DataViewContext {
  return {
    preview: s.preview, previewError: s.previewError, inspection: s.inspection, inspectError: s.inspectError, sequence: s.sequence ?? 1,
    editable: !!s.experiment, notice: s.editError, edit, selectSequence,
    setRole: (column, role) => vscodeApi.postMessage({ type: 'experiment/role', column, role }),
    fetchRows: (start, count) => vscodeApi.postMessage({ type: 'panel/fetchRows', id: nextRequest++, start, count }),
    onTable: (t) => { dataTable = t; },
  };
}

/** What the Data view shows apart from the selected sequence: when only that changes, only that is redrawn. */
function dataKey(s: PanelState | null): string {
  const p = s?.preview;
  return s && s.tab === 'data' ? JSON.stringify([s.file, p?.csvFile, p?.rowCount, p?.roles, p?.task, p?.problem, p?.missing, p?.notes, p?.warnings, p?.dataMemory?.summary, p?.layout, s.previewError, s.experiment, s.editError]) : '';
}

/** Redraws only the Data view's selected-sequence section. */
function renderSeriesOnly(s: PanelState): void {
  const old = root.querySelector('.series-section');
  if (!old) return render();
  for (const chart of live.charts.filter((c) => old.contains(c.canvas))) {
    chart.destroy();
    live.charts.splice(live.charts.indexOf(chart), 1);
  }
  const focusedId = document.activeElement instanceof HTMLElement && old.contains(document.activeElement) ? document.activeElement.id : '';
  old.replaceWith(renderSeries(dataContext(s)));
  if (focusedId) document.getElementById(focusedId)?.focus({ preventScroll: true });
}

function selectSequence(k: number): void {
  vscodeApi.postMessage({ type: 'panel/sequence', sequence: k });
}

/** The unrolled graph of the latest run, edges weighted by the last epoch's ‖∂L/∂h_t‖. */
function renderGraph(s: PanelState): HTMLElement {
  const h = history(s);
  const view = el('div', { className: 'view' });
  const config = s.run?.config;
  const last = h[h.length - 1];
  if (!config || !last || last.stepGradNorm.length === 0) {
    view.append(el('p', { className: 'empty', textContent: 'Train to see the network unrolled over time, with each edge drawn by how much gradient flowed through it.' }));
    return view;
  }
  const steps = last.stepGradNorm.length;
  const info = el('p', { className: 'summary', textContent: `${catalogCell(config.cell)?.label ?? config.cell} unrolled over ${steps} steps; edges coloured and sized by ‖∂L/∂h_t‖ of epoch ${last.epoch}. Click a step to inspect it.` });
  const picked = el('p', { className: 'summary' });
  picked.setAttribute('aria-live', 'polite');
  const box = el('section', { className: 'graph' });
  view.append(info, box, picked);
  const graph = renderUnrolledGraph(box, { cell: config.cell, coupled: config.coupled, steps, readout: config.readout, gradNorm: last.stepGradNorm }, {
    highContrast: colours().highContrast,
    expanded: graphExpanded.get(s.file) ?? false,
    onExpand: () => graphExpanded.set(s.file, true),
    onSelectStep: (t) => {
      picked.textContent = `step ${t}: ‖∂L/∂h_${t}‖ = ${fmt(last.stepGradNorm[t - 1])} (epoch ${last.epoch})`;
    },
  });
  live.cleanups.push(() => graph.destroy());
  return view;
}

function renderBound(b: BoundSummary | null): HTMLElement {
  const view = el('div', { className: 'view' });
  if (!b) {
    view.append(el('p', { className: 'empty', textContent: 'Run "Verify Vanishing-Gradient Bound" to compare how much gradient reaches back through time with the chapter\'s bounds, on a sequence of this data.' }), actions());
    return view;
  }
  const c = colours();
  const cell = catalogCell(b.cell);
  const additive = cell?.bound.kind === 'additive' ? cell.bound : null;
  const verdict = el('p', { className: `verdict ${b.holds === false ? 'bad' : 'good'}`, textContent: b.verdict });
  verdict.setAttribute('role', 'status');
  const state = cell?.cellState ? 'the pair (h, c): the hidden state and the cell state' : 'the hidden state h';
  const capped = b.effectiveMemory >= b.sequence.steps;
  view.append(
    verdict,
    el('p', { className: 'summary', textContent: `${b.model} · sample ${b.sequence.index} of ${b.sequence.of} (sequence "${b.sequence.id}", line ${b.sequence.firstLine}, ${plural(b.sequence.steps, 'step')}) · effective memory ${b.effectiveMemory} of ${plural(b.sequence.steps, 'step')}${capped ? ' (capped by the sequence length: it may reach further)' : ''} (gradient still ≥ ${b.epsilon.toExponential(0)}) · ‖Wₕ‖₂ = ${fmt(b.normWh)}, ρ(Wₕ) = ${fmt(b.rhoWh)}` }),
    el('p', { className: 'note', textContent: `Here s is the recurrent state: ${state}. The curve is how much of the gradient at the last step T still reaches step t, ‖∂s(T)/∂s(t)‖, for every lag T − t.` }),
  );
  if (additive) {
    view.append(el('p', { className: 'note', textContent: `No bound here, and that is the point: the chapter's bound is for the vanilla update, where every step multiplies the gradient by φ′ · Wₕ and it shrinks geometrically. ${capitalise(cell?.noun ?? b.cell)} also keeps an additive path — the state carried on through ${additive.words} — whose product over the steps (∏α, dashed) lets gradient reach far back without shrinking. Here it reaches ${b.effectiveMemory} ${b.effectiveMemory === 1 ? 'step' : 'steps'} back${capped ? ', the whole sequence' : ''}: ${b.effectiveMemory >= Math.min(b.sequence.steps, 20) ? 'the cell can learn long-range dependencies on this data' : 'it forgets quickly on this data'}.` }));
  }
  if (cell?.recurrent === 'diagonal') {
    view.append(el('p', { className: 'note', textContent: `Wₕ is diagonal here (one recurrent weight uᵢ per unit), so every one-step Jacobian diag(φ′(zₖ) ⊙ u) is diagonal too: each unit's gradient after k steps is exactly the product of its own φ′ · uᵢ, and the measured curve is the unit that keeps the most. The chapter's bound is reached whenever that unit also has the largest φ′ and |uᵢ|.` }));
  }
  if (b.dataMemory) view.append(el('p', { className: 'summary memory-vs-model', textContent: memoryVersus(b.dataMemory.lag, b.cell, b.effectiveMemory, b.sequence.steps) }));
  const sets = [series('measured gradient ‖∂s(T)/∂s(t)‖', b.measuredLog10, c.series[0])];
  const tex = [String.raw`\text{measured } \lVert \partial s_T / \partial s_t \rVert`];
  if (b.tightLog10) {
    sets.push(series('tight bound: product over the steps of ‖diag σ′(zₖ)‖ · ‖Wₕ‖₂', b.tightLog10, c.series[1], { borderDash: [6, 3] }));
    tex.push(String.raw`\text{tight bound } \prod_{k=t+1}^{T} \lVert \operatorname{diag} \sigma'(z_k) \rVert\, \lVert W_h \rVert_2`);
  }
  if (b.looseLog10) {
    sets.push(series('loose bound: (γ‖Wₕ‖₂) to the power of the lag', b.looseLog10, c.series[4], { borderDash: [2, 3] }));
    tex.push(String.raw`\text{loose bound } (\gamma \lVert W_h \rVert_2)^{T-t}`);
  }
  if (b.additiveLog10) {
    sets.push(series('additive path: product of the keep gates', b.additiveLog10, c.series[2], { borderDash: [6, 3] }));
    tex.push(String.raw`\text{additive path } \prod_{k=t+1}^{T} ${additive?.tex ?? '\\alpha_k'}`);
  }
  const chart = lineChart('Gradient reaching back, by lag (log scale)', b.lags, sets, { log10: true, xTitle: 'lag T − t (steps back)', yTitle: 'gradient norm (log scale)', texLegend: tex });
  chart.box.classList.add('wide');
  view.append(chart.box);
  for (const w of b.warnings) view.append(el('p', { className: 'warning', textContent: w }));
  return view;
}

function renderCompare(cmp: CompareSummary | null): HTMLElement {
  const view = el('div', { className: 'view' });
  if (!cmp) {
    view.append(el('p', { className: 'empty', textContent: 'Run "Compare Cells" to train every cell on this data with the same seed and budget.' }), actions());
    return view;
  }
  const c = colours();
  const classify = cmp.task === 'classify';
  const baselineName = cmp.baseline.kind.replace(/ \(loss:.*\)$/, '');
  const any = cmp.anyBetter ?? cmp.cells.some((r) => r.valLoss < cmp.baseline.loss);
  const headline = el('p', { className: `verdict ${any ? 'good' : 'bad'}`, textContent: any
    ? `Best: ${cmp.best}, validation loss ${fmt(cmp.cells.find((r) => r.cell === cmp.best)?.valLoss)} against ${fmt(cmp.baseline.loss)} for the baseline (${baselineName}).`
    : `No cell beats the baseline (${baselineName}, validation loss ${fmt(cmp.baseline.loss)}).` });
  headline.setAttribute('role', 'status');
  const table = el('table', {}, el('thead', {}, el('tr', {}, ...['cell', 'verdict', 'parameters', 'train loss', 'validation loss', '÷ baseline', ...(classify ? ['accuracy'] : []), 'effective memory', 'seconds'].map((h) => el('th', { textContent: h, scope: 'col' })))));
  const body = el('tbody');
  for (const r of cmp.cells) {
    const v = r.verdict;
    const diverged = v?.verdict === 'diverged' || !Number.isFinite(r.valLoss);
    body.append(el('tr', { className: r.cell === cmp.best && any ? 'best' : diverged ? 'diverged' : '' }, ...[
      r.cell, v ? v.verdict : '—', String(r.parameters), fmt(r.trainLoss), fmt(r.valLoss), v?.ratio != null ? `${fmt(v.ratio)}×` : '—',
      ...(classify ? [`${((r.accuracy ?? 0) * 100).toFixed(1)}%`] : []), `${r.effectiveMemory} of ${r.steps}`, r.seconds.toFixed(1),
    ].map((text) => el('td', { textContent: text }))));
  }
  body.append(el('tr', { className: 'baseline' }, ...['baseline', baselineName, '—', '—', fmt(cmp.baseline.loss), '1×', ...(classify ? [`${((cmp.baseline.accuracy ?? 0) * 100).toFixed(1)}%`] : []), '—', '—'].map((text) => el('td', { textContent: text }))));
  table.append(body);
  table.setAttribute('aria-label', 'cells compared, and the baseline');
  const longest = Math.max(...cmp.cells.map((r) => r.history.length));
  // a log scale when the losses span decades
  const all = [...cmp.cells.flatMap((r) => r.history.map((e) => e.valLoss)), cmp.baseline.loss].filter((x): x is number => x !== null && Number.isFinite(x) && x > 0);
  const log = all.length > 0 && Math.max(...all) / Math.min(...all) >= 100;
  const y = (x: number | null): number | null => (x === null || !Number.isFinite(x) ? null : log ? (x > 0 ? Math.log10(x) : null) : x);
  const chart = lineChart('Validation loss by epoch', Array.from({ length: longest }, (_, i) => i + 1), [
    ...cmp.cells.map((r, i) => series(r.cell, r.history.map((e) => y(e.valLoss)), c.series[i % c.series.length])),
    series(`baseline (${baselineName})`, Array.from({ length: longest }, () => y(cmp.baseline.loss)), c.muted, { borderDash: [6, 4], pointRadius: 0 }),
  ], { xTitle: 'epoch', yTitle: `validation loss${classify ? ' (cross-entropy)' : ' (mean squared error, z-scored units)'}${log ? ', log scale' : ''}`, log10: log });
  view.append(headline, el('p', { className: 'summary', textContent: 'Same data, seed and budget for every cell.' }), table, chart.box);
  for (const r of cmp.cells) {
    if (r.verdict?.verdict === 'diverged' || !Number.isFinite(r.valLoss)) view.append(el('p', { className: 'warning', textContent: `${r.cell} diverged: ${r.verdict?.reason ?? 'its validation loss is not a number'}.` }));
  }
  if (!any) {
    const best = cmp.cells.find((r) => r.cell === cmp.best)?.verdict;
    if (best?.reason) view.append(el('p', { className: 'note', textContent: `Why: ${best.reason}.${best.hint ? ` Next: ${best.hint}.` : ''}` }));
  }
  if (cmp.dataMemory) {
    const m = cmp.dataMemory;
    const reach = cmp.cells.map((r) => `${r.cell} ${r.effectiveMemory}`).join(', ');
    view.append(el('p', { className: 'summary memory-vs-model', textContent: `The data remembers about ${plural(m.lag, 'step')} (partial autocorrelation of "${m.column}"${m.transform === 'none' ? '' : `'s ${m.transform}`}); the trained cells' gradients still reach: ${reach} steps (effective memory).` }));
  }
  return view;
}

/** "The data remembers ~11 steps; this LSTM's gradient still reaches 64" with what it means. */
function memoryVersus(data: number, cell: string, model: number, steps: number): string {
  const name = (catalogCell(cell)?.noun ?? cell).replace(/^the /, '');
  const verdict = model >= data ? 'it can look back as far as the data needs' : `it forgets before the data does: it cannot use lags beyond ${model}`;
  return `The data remembers about ${data} step${data === 1 ? '' : 's'}; this ${name}'s gradient still reaches ${model} of ${steps} steps — ${verdict}.`;
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function actions(): HTMLElement {
  const bar = el('div', { className: 'actions' });
  const add = (label: string, command: Extract<FromWebview, { type: 'command/run' }>['command']): void => {
    const b = el('button', { textContent: label });
    b.addEventListener('click', () => vscodeApi.postMessage({ type: 'command/run', command }));
    bar.append(b);
  };
  if (state?.running) add('Stop', 'rnnPlayground.stopTraining');
  else {
    add('Train', 'rnnPlayground.trainCurrentFile');
    add('Step One Epoch', 'rnnPlayground.stepEpoch');
  }
  add('Verify Bound', 'rnnPlayground.verifyBound');
  add('Compare Cells', 'rnnPlayground.compareCells');
  return bar;
}

const edit = (changes: ExperimentChange[]): void => vscodeApi.postMessage({ type: 'experiment/edit', changes });

function render(): void {
  // keep keyboard focus on the control the user was on (a state update redraws the view)
  const active = document.activeElement;
  const focusedId = active instanceof HTMLElement && active.id ? active.id : null;
  // a number the user is typing (not yet committed with Enter or Tab) survives the redraw
  const typing = active instanceof HTMLInputElement && active.type === 'number' && active.value !== active.defaultValue ? active.value : null;
  // and the page's and the data table's scroll positions
  const pageTop = document.scrollingElement?.scrollTop ?? 0;
  const tableTop = root.querySelector('.data-table')?.scrollTop ?? 0;
  teardown();
  trainingCharts = null;
  if (!state) {
    root.replaceChildren(el('p', { className: 'empty', textContent: 'Loading…' }));
    return;
  }
  const s = state;
  const tabs = el('div', { className: 'tabs' });
  tabs.setAttribute('role', 'tablist');
  for (const t of TABS) {
    const b = el('button', { textContent: t.label, className: t.id === s.tab ? 'tab active' : 'tab', id: `tab-${t.id}` });
    b.setAttribute('role', 'tab');
    b.setAttribute('aria-selected', String(t.id === s.tab));
    b.tabIndex = t.id === s.tab ? 0 : -1;
    b.addEventListener('click', () => selectTab(t.id));
    b.addEventListener('keydown', (ev) => {
      const i = TABS.findIndex((x) => x.id === s.tab);
      if (ev.key === 'ArrowRight' || ev.key === 'ArrowLeft') {
        const next = TABS[(i + (ev.key === 'ArrowRight' ? 1 : TABS.length - 1)) % TABS.length];
        selectTab(next.id);
        document.getElementById(`tab-${next.id}`)?.focus();
      }
    });
    tabs.append(b);
  }
  const header = el('header', {}, el('h2', { textContent: s.file.split(/[\\/]/).pop() ?? s.file, title: s.file }), tabs);
  const of = s.preview?.sequences ? s.preview.sequences.train + s.preview.sequences.validation : null;
  const body = s.tab === 'data' ? renderDataView(dataContext(s))
    : s.tab === 'predictions' ? renderPredictionsView(s.inspection, s.inspectError, s.sequence ?? 1, of, selectSequence)
    : s.tab === 'model' ? renderModelView(s.experiment, s.editError, edit, () => vscodeApi.postMessage({ type: 'command/run', command: 'rnnPlayground.newExperiment' }))
    : s.tab === 'training' ? renderTraining(s) : s.tab === 'graph' ? renderGraph(s) : s.tab === 'gradients' ? renderGradients(s, history(s), selectSequence) : s.tab === 'bound' ? renderBound(s.bound) : renderCompare(s.compare);
  body.setAttribute('role', 'tabpanel');
  body.setAttribute('aria-labelledby', `tab-${s.tab}`);
  body.dataset.view = s.tab;
  root.replaceChildren(header, body);
  const again = focusedId ? document.getElementById(focusedId) : null;
  again?.focus({ preventScroll: true });
  if (again instanceof HTMLInputElement && typing !== null) again.value = typing;
  const table = root.querySelector('.data-table');
  if (table && tableTop) table.scrollTop = tableTop;
  if (document.scrollingElement) document.scrollingElement.scrollTop = pageTop;
}

function selectTab(tab: PanelTab): void {
  if (!state || state.tab === tab) return;
  state = { ...state, tab };
  vscodeApi.setState(state);
  vscodeApi.postMessage({ type: 'panel/tab', tab });
  render();
}

let pendingRender = false;
window.addEventListener('message', (event: MessageEvent<ToWebview>) => {
  const msg = event.data;
  if (!msg || typeof msg !== 'object') return;
  switch (msg.type) {
    case 'panel/state':
      onState(msg);
      return;
    case 'panel/fetchRows/result':
      dataTable?.setRows(msg.start, msg.rows);
      return;
    case 'panel/epoch':
      if (!state) return;
      pendingEpochs.push(msg.epoch);
      if (!epochFrame) epochFrame = requestAnimationFrame(flushEpochs);
      return;
    case 'state/show':
      return; // the side view's message
    default:
      assertNever(msg);
  }
});

/** The host's whole state: keep the tab the user is on unless the host chose one (a reply may have left before the user switched). */
function onState(msg: Extract<ToWebview, { type: 'panel/state' }>): void {
  const before = dataKey(state);
  state = state && !msg.selectTab ? { ...msg.state, tab: state.tab } : msg.state;
  if (before && before === dataKey(state) && !pendingRender) {
    vscodeApi.setState(state);
    renderSeriesOnly(state);
    return;
  }
  pendingEpochs.length = 0; // the host's state already holds them
  vscodeApi.setState(state);
  if (!pendingRender) {
    pendingRender = true;
    requestAnimationFrame(() => {
      pendingRender = false;
      render();
    });
  }
}

// Epochs can arrive faster than frames (small data trains hundreds of epochs a second): they are collected and drawn
// once per animation frame, and the saved state (which holds every epoch's per-step gradients) is written then too.
const pendingEpochs: EpochPoint[] = [];
let epochFrame = 0;

function flushEpochs(): void {
  epochFrame = 0;
  if (!state || !state.running || pendingEpochs.length === 0) {
    pendingEpochs.length = 0;
    return;
  }
  const batch = pendingEpochs.splice(0);
  state = { ...state, live: [...state.live, ...batch] };
  vscodeApi.setState(state);
  if (state.tab === 'training' && trainingCharts) appendEpochs(batch);
  else if (state.tab === 'training' || state.tab === 'gradients' || state.tab === 'graph') render();
}

// theme changes switch body classes: re-render with the new colours
new MutationObserver(() => render()).observe(document.body, { attributes: true, attributeFilter: ['class'] });

render();
vscodeApi.postMessage({ type: 'webview/ready' });
