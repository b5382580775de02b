/**
 * Playground panel script: the tabs, and one view per tab from the VIEWS table (each view in its own file). Renders
 * the host's PanelState, appends epochs live, and keeps its state for tab switches and reloads.
 */
import { assertNever, PANEL_TAB_LABELS, PANEL_TABS, type EpochPoint, type ExperimentChange, type FromWebview, type PanelState, type PanelTab, type ToWebview } from '../src/shared/protocol';
import { renderGradients } from './gradientsView';
import { renderModelView } from './modelView';
import { renderDataView, renderSeries, type DataViewContext } from './dataView';
import type { DataTable } from './dataTable';
import { renderPredictionsView } from './predictionsView';
import { appendEpochs, dropTrainingCharts, trainingView } from './trainingView';
import { graphView } from './graphView';
import { boundView } from './boundView';
import { compareView } from './compareView';
import { el, live, teardown } from './ui';
import { restoreText, tabs, uncommittedText } from './components/index';
import type { PanelContext, View } from './view';

declare function acquireVsCodeApi(): { postMessage(msg: FromWebview): void; getState(): unknown; setState(s: unknown): void };

const vscodeApi = acquireVsCodeApi();
const root = document.getElementById('panel') as HTMLElement;
let state: PanelState | null = (vscodeApi.getState() as PanelState | undefined) ?? null;

let dataTable: DataTable | null = null;
/** The id of the next request to the host (its reply carries it as inReplyTo). */
let nextRequest = 1;

const TABS = PANEL_TABS.map((id) => ({ id, label: PANEL_TAB_LABELS[id] }));

/** The run to show: the one in progress (live epochs) or the latest finished one. */
function history(s: PanelState): EpochPoint[] {
  return s.running ? s.live : s.run?.history ?? [];
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

const edit = (changes: ExperimentChange[]): void => vscodeApi.postMessage({ type: 'experiment/edit', changes });

/** Every tab's view: the compiler refuses a tab without one. */
const VIEWS: Record<PanelTab, View> = {
  data: (ctx) => renderDataView(dataContext(ctx.state)),
  model: (ctx) => renderModelView(ctx.state.experiment, ctx.state.editError, ctx.edit, () => ctx.post({ type: 'command/run', command: 'rnnPlayground.newExperiment' })),
  training: trainingView,
  graph: graphView,
  gradients: (ctx) => renderGradients(ctx.state, ctx.history, ctx.selectSequence),
  bound: boundView,
  predictions: (ctx) => renderPredictionsView(ctx.state.inspection, ctx.state.inspectError, ctx.state.sequence ?? 1, ctx.sequences, ctx.selectSequence),
  compare: compareView,
};

/** What the views get. */
function contextOf(s: PanelState): PanelContext {
  return {
    state: s, history: history(s), sequences: s.preview?.sequences ? s.preview.sequences.train + s.preview.sequences.validation : null,
    post: (msg) => vscodeApi.postMessage(msg), edit, selectSequence,
  };
}

function render(): void {
  // keep keyboard focus on the control the user was on (a state update redraws the view)
  const active = document.activeElement;
  const focusedId = active instanceof HTMLElement && active.id ? active.id : null;
  // a number the user is typing (not yet committed with Enter or Tab) survives the redraw
  const typing = uncommittedText(active);
  // and the page's and the data table's scroll positions
  const pageTop = document.scrollingElement?.scrollTop ?? 0;
  const tableTop = root.querySelector('.data-table')?.scrollTop ?? 0;
  teardown();
  dropTrainingCharts();
  if (!state) {
    root.replaceChildren(el('p', { className: 'empty', textContent: 'Loading…' }));
    return;
  }
  const s = state;
  const body = VIEWS[s.tab](contextOf(s));
  body.dataset.view = s.tab;
  const header = el('header', {}, el('h2', { textContent: s.file.split(/[\\/]/).pop() ?? s.file, title: s.file }));
  root.replaceChildren(header, tabs(TABS, s.tab, body, (id) => selectTab(id as PanelTab)));
  const again = focusedId ? document.getElementById(focusedId) : null;
  again?.focus({ preventScroll: true });
  restoreText(again, typing);
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
    case 'lab/progress':
    case 'lab/result':
    case 'lab/report':
      return; // the Chapter Lab's
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
  if (state.tab === 'training' && appendEpochs(root, batch)) return;
  if (state.tab === 'training' || state.tab === 'gradients' || state.tab === 'graph') render();
}

// theme changes switch body classes: re-render with the new colours
new MutationObserver(() => render()).observe(document.body, { attributes: true, attributeFilter: ['class'] });

render();
vscodeApi.postMessage({ type: 'webview/ready' });
