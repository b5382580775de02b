/**
 * Data view: the CSV's size and sequences, how it was read (layout, time axis, why these targets), each column's role
 * with its reason and a control to change it (written to the experiment file, created beside a CSV on the first
 * change), one-click fixes for gaps, the target's autocorrelation (the data's own memory), a virtualised preview of
 * every row (rows are fetched from the engine as you scroll), and a plot of the selected sequence's series.
 */
import { plural, type ColumnRoles, type DataMemoryInfo, type DataPreview, type ExperimentChange, type RoleChoice, type SequenceInspection } from '../src/shared/protocol';
import { Chart } from 'chart.js';
import { createDataTable, type DataTable } from './dataTable';
import { colours, el, fmt, lineChart, live, pending, series } from './ui';
import { button, dropdown, textField } from './components/index';
import { axisNames, changesOf, scaleAxes, seriesAxisTitle, zScores, type SeriesMode } from './viewMath';

/** The missing-value policies, in words. */
const MISSING_LABELS: Record<string, string> = {
  error: 'stop and report them', ffill: 'carry the last value forward', interpolate: 'interpolate between neighbours', drop: 'drop those rows',
};
/** The one-click fixes for gaps. */
const FIX_LABELS: Record<string, string> = { ffill: 'Carry forward', interpolate: 'Interpolate', drop: 'Drop rows' };


const ROLE_LABELS: Record<RoleChoice, string> = {
  feature: 'input', target: 'target', 'feature+target': 'input and target', sequenceId: 'sequence id', label: 'label (class)', time: 'time (plots only)', ignored: 'ignored',
};

/** The role choice of a column under `roles`. */
export function roleOf(roles: ColumnRoles, name: string): RoleChoice {
  const f = roles.features.includes(name);
  const t = roles.targets.includes(name);
  if (f && t) return 'feature+target';
  if (f) return 'feature';
  if (t) return 'target';
  if (roles.sequenceId === name) return 'sequenceId';
  if (roles.label === name) return 'label';
  if (roles.time === name) return 'time';
  return 'ignored';
}

/** What the Data view needs from the panel. */
export interface DataViewContext {
  preview: DataPreview | null | undefined;
  previewError: string | null | undefined;
  inspection: SequenceInspection | null | undefined;
  inspectError: string | null | undefined;
  sequence: number;
  editable: boolean;
  /** The outcome of the last change made from the panel (an experiment created, an unsaved editor, a refusal). */
  notice?: string | null;
  edit: (changes: ExperimentChange[]) => void;
  setRole: (column: string, role: RoleChoice) => void;
  fetchRows: (start: number, count: number) => void;
  selectSequence: (k: number) => void;
  /** The table, so rows that arrive from the host reach it. */
  onTable: (t: DataTable | null) => void;
}

/** The selected sequence with previous/next buttons; shared by the Data, Gradients and Predictions views. */
export function sequencePicker(sequence: number, of: number | null, select: (k: number) => void): HTMLElement {
  const go = (k: number): void => {
    const clamped = Math.max(1, of ? Math.min(of, k) : k);
    if (clamped !== sequence) select(clamped);
    else input.value = String(sequence);
  };
  const input = textField(String(sequence), {
    id: 'sequence-pick', label: `Sequence number${of ? ` (1 to ${of})` : ''}`, numeric: true, onCommit: (text) => go(Math.round(Number(text)) || 1),
  });
  const prev = button('‹', { id: 'sequence-prev', kind: 'secondary', title: 'Previous sequence', label: 'Previous sequence', disabled: sequence <= 1, onClick: () => go(sequence - 1) });
  const next = button('›', { id: 'sequence-next', kind: 'secondary', title: 'Next sequence', label: 'Next sequence', disabled: !!of && sequence >= of, onClick: () => go(sequence + 1) });
  return el('div', { className: 'toolbar sequence-picker' }, el('label', { htmlFor: 'sequence-pick', textContent: 'Sequence' }), prev, input, next, el('span', { className: 'muted', textContent: of ? `of ${of.toLocaleString('en')}` : '' }));
}

/** Renders the Data view. */
export function renderDataView(ctx: DataViewContext): HTMLElement {
  const view = el('div', { className: 'view data-view' });
  const p = ctx.preview;
  if (!p) {
    view.append(pending('Reading the CSV…', ctx.previewError));
    return view;
  }
  const name = p.csvFile.split(/[\\/]/).pop() ?? p.csvFile;
  const seq = p.sequences;
  view.append(el('p', { className: 'summary', textContent: `${name} · ${plural(p.rowCount, 'row')} × ${plural((p.fileColumns ?? p.columns).length, 'column')}${p.longRows ? ` (read wide: ${p.longRows.toLocaleString('en')} values)` : ''} · task ${p.task}${seq ? ` · ${seq.description ?? `${plural(seq.count, 'sequence')} (${seq.train.toLocaleString('en')} training / ${seq.validation.toLocaleString('en')} validation samples)`}` : ''}` }));
  if (ctx.notice) {
    const n = el('p', { className: /^Created |already holds/.test(ctx.notice) ? 'note callout' : 'warning', textContent: ctx.notice });
    n.setAttribute('role', 'status');
    view.append(n);
  }
  const facts: string[] = [];
  if (p.layout) facts.push(`${p.layout.applied ? 'Read wide' : 'Looks wide (set the layout to "wide" to read it as one series)'}: ${p.layout.description}.`);
  if (p.timeAxis) facts.push(`Time axis: ${p.timeAxis}.`);
  if (p.targetReason && p.task !== 'classify') facts.push(`Targets: ${p.targetReason}.`);
  for (const f of facts) view.append(el('p', { className: 'muted fact', textContent: f }));
  if (p.problem) {
    const w = el('p', { className: 'warning', textContent: p.problem });
    w.setAttribute('role', 'alert');
    view.append(w);
    if (p.problemFixes?.length) {
      const bar = el('div', { className: 'toolbar fixes' }, el('span', { textContent: 'Fill the gaps:' }));
      for (const fix of p.problemFixes) {
        bar.append(button(FIX_LABELS[fix] ?? fix, {
          id: `fix-${fix}`, kind: 'secondary', title: `Write "missing": "${fix}" into the experiment file (${MISSING_LABELS[fix] ?? fix})`,
          onClick: () => ctx.edit([{ field: 'data.missing', value: fix }]),
        }));
      }
      view.append(bar);
    }
  }
  for (const w of p.warnings ?? []) view.append(el('p', { className: 'warning', textContent: w }));
  for (const n of p.notes) view.append(el('p', { className: 'muted', textContent: n }));
  if (seq && seq.histogram.length > 1) view.append(lengthHistogram(seq.histogram));

  // roles
  const rolesTable = el('table', { className: 'roles' });
  rolesTable.setAttribute('aria-label', 'Column roles');
  const anyBad = p.columns.some((c) => (c.invalid ?? 0) > 0);
  rolesTable.append(el('thead', {}, el('tr', {}, ...['column', 'kind', 'role', 'suggested', 'why', 'empty cells', ...(anyBad ? ['bad cells'] : [])].map((h) => el('th', { textContent: h, scope: 'col' })))));
  const body = el('tbody');
  for (const c of p.columns) {
    const current = roleOf(p.roles, c.name);
    const s = dropdown(Object.keys(ROLE_LABELS), current, {
      id: `role-${c.name}`, label: `Role of column ${c.name}`, labels: ROLE_LABELS, disabled: !ctx.editable, onChange: (v) => ctx.setRole(c.name, v as RoleChoice),
    });
    const bad = c.invalid && c.firstInvalid ? `${c.invalid.toLocaleString('en')} (line ${c.firstInvalid.line}: "${c.firstInvalid.value}")` : '';
    body.append(el('tr', {}, el('th', { scope: 'row', textContent: c.name }), el('td', { textContent: c.kind }), el('td', {}, s), el('td', { textContent: c.suggested }), el('td', { className: 'muted', textContent: c.reason }),
      el('td', { textContent: c.missing ? c.missing.toLocaleString('en') : '' }), ...(anyBad ? [el('td', { className: bad ? 'bad' : '', textContent: bad })] : [])));
  }
  rolesTable.append(body);
  const task = dropdown(['next-step', 'regress', 'classify'], p.task, { id: 'data-task', label: 'Task', disabled: !ctx.editable, onChange: (v) => ctx.edit([{ field: 'data.task', value: v }]) });
  const missing = dropdown(['error', 'ffill', 'interpolate', 'drop'], p.missing ?? 'error', {
    id: 'data-missing', label: 'Missing values', labels: MISSING_LABELS, disabled: !ctx.editable, onChange: (v) => ctx.edit([{ field: 'data.missing', value: v }]),
  });
  const csvName = name.replace(/\.[^.]+$/, '');
  view.append(el('h3', { textContent: 'Columns' }), rolesTable, el('div', { className: 'toolbar' },
    el('label', { htmlFor: 'data-task', textContent: 'Task' }), task,
    el('label', { htmlFor: 'data-missing', textContent: 'Missing values' }), missing,
    el('span', { className: 'muted', textContent: p.experimentFile ? 'Changes are written to the experiment file.' : `A change creates ${csvName}.rnn.json beside the CSV to hold it.` })));

  if (p.dataMemory) view.append(renderMemory(p.dataMemory));

  // the selected sequence's series
  if (seq && seq.train + seq.validation > 0) view.append(renderSeries(ctx));

  // every row
  const box = el('section', { className: 'data-preview' });
  view.append(el('h3', { textContent: `All rows (${p.rowCount.toLocaleString('en')})${p.fileColumns ? ', as written in the file' : ''}` }), box);
  const roleBadge = (n: string): string | undefined => {
    const r = roleOf(p.roles, n);
    return r === 'ignored' ? undefined : ROLE_LABELS[r].replace(' (class)', '').replace(' (plots only)', '');
  };
  const header = p.headerLine ?? 0;
  const table = createDataTable(box, {
    columns: p.fileColumns ? p.fileColumns.map((name) => ({ name, role: undefined })) : p.columns.map((c) => ({ name: c.name, role: roleBadge(c.name) })),
    rowCount: p.rowCount,
    firstLine: (row) => header + 1 + row,
    fetchRows: ctx.fetchRows,
    label: `${name}: ${p.rowCount.toLocaleString('en')} rows`,
  });
  table.setRows(0, p.firstRows);
  ctx.onTable(table);
  live.cleanups.push(() => {
    table.destroy();
    ctx.onTable(null);
  });
  return view;
}

/** Sequences per length range as small bars (drawn only when lengths differ). */
function lengthHistogram(bins: { from: number; to: number; count: number }[]): HTMLElement {
  const ns = 'http://www.w3.org/2000/svg';
  const max = Math.max(...bins.map((b) => b.count), 1);
  const w = 24;
  const h = 60;
  const svg = document.createElementNS(ns, 'svg');
  svg.setAttribute('class', 'histogram');
  svg.setAttribute('viewBox', `0 0 ${bins.length * w} ${h}`);
  svg.setAttribute('role', 'img');
  const span = (b: { from: number; to: number }): string => (b.from === b.to ? steps(b.from) : `${steps(b.from)}–${steps(b.to)}`);
  svg.setAttribute('aria-label', `Sequence lengths: ${bins.map((b) => `${b.count} of ${span(b)} steps`).join(', ')}`);
  bins.forEach((b, k) => {
    const bh = b.count ? Math.max(1, (b.count / max) * (h - 2)) : 0;
    const r = document.createElementNS(ns, 'rect');
    r.setAttribute('x', String(k * w + 2));
    r.setAttribute('y', String(h - bh));
    r.setAttribute('width', String(w - 4));
    r.setAttribute('height', String(bh));
    const t = document.createElementNS(ns, 'title');
    t.textContent = `${span(b)} steps: ${plural(b.count, 'sequence')}`;
    r.append(t);
    svg.append(r);
  });
  const first = bins[0];
  const last = bins[bins.length - 1];
  return el('figure', { className: 'lengths' }, svg, el('figcaption', { className: 'muted', textContent: `Sequence lengths, ${steps(first.from)} to ${steps(last.to)} steps (hover a bar for its count)` }));
}

/** A step count with its thousands grouped, as every other count on screen. */
function steps(n: number): string {
  return n.toLocaleString('en');
}


const SERIES_MODE_LABELS: Record<SeriesMode, string> = {
  read: 'values as read', model: 'as the model reads them', normalised: 'normalised (z-scores)',
};

/** The series plot's mode in each panel, by the panel's CSV (kept across redraws). */
const seriesModes = new Map<string, SeriesMode>();

/** At most this many series are drawn. */
const MAX_SERIES = 8;

/** One line of the series plot in each mode. */
interface SeriesLine { name: string; target: boolean; transform: string; read: (number | null)[]; model: (number | null)[] }

/** The inputs and the targets that are not inputs, as read and as the model reads them (at most MAX_SERIES). */
function seriesLines(i: SequenceInspection): SeriesLine[] {
  const lines: SeriesLine[] = i.features.map((f) => ({ name: f.name, target: false, transform: f.transform, read: f.levels ?? f.values, model: f.values }));
  for (const t of i.targets) {
    if (i.features.some((f) => f.name === t.name)) continue;
    lines.push({ name: t.name, target: true, transform: t.transform, read: t.actual, model: changesOf(t.transform, t.actual) });
  }
  return lines;
}

/** The selected sequence's picker and series plot (redrawn on its own when only the sequence or its data change). */
export function renderSeries(ctx: DataViewContext): HTMLElement {
  const section = el('section', { className: 'series-section' });
  const seq = ctx.preview?.sequences;
  if (!seq) return section;
  section.append(el('h3', { textContent: 'Selected sequence' }), sequencePicker(ctx.sequence, seq.train + seq.validation, ctx.selectSequence));
  const i = ctx.inspection;
  if (!i || i.sequence.index !== ctx.sequence) {
    section.append(pending('Reading the sequence…', ctx.inspectError));
    return section;
  }
  const key = ctx.preview?.csvFile ?? i.csvFile;
  const all = seriesLines(i);
  const lines = all.slice(0, MAX_SERIES);
  const transformed = lines.some((l) => l.transform !== 'none');
  const modes: SeriesMode[] = transformed ? ['read', 'model', 'normalised'] : ['read', 'normalised'];
  const modeOf = (): SeriesMode => {
    const m = seriesModes.get(key) ?? 'read';
    return modes.includes(m) ? m : 'read';
  };
  const pick = dropdown(modes, modeOf(), { id: 'series-mode', label: 'What the series plot shows', labels: SERIES_MODE_LABELS });
  const hint = el('span', { className: 'muted' });
  section.append(el('div', { className: 'toolbar series-mode' }, el('label', { htmlFor: 'series-mode', textContent: 'Show' }), pick, hint));
  const holder = el('div', { className: 'series-chart' });
  section.append(holder);
  if (all.length > MAX_SERIES) section.append(el('p', { className: 'muted', textContent: `Showing ${MAX_SERIES} of ${all.length} series.` }));
  const draw = (): void => {
    for (const chart of live.charts.filter((c) => holder.contains(c.canvas))) {
      chart.destroy();
      live.charts.splice(live.charts.indexOf(chart), 1);
    }
    const mode = modeOf();
    const c = colours();
    const values = lines.map((l) => (mode === 'model' ? l.model : mode === 'normalised' ? zScores(l.read) : l.read));
    const axes = mode === 'normalised' ? lines.map(() => 'y' as const) : scaleAxes(values);
    const left = lines.filter((_, k) => axes[k] === 'y');
    const right = lines.filter((_, k) => axes[k] === 'y2');
    let colour = 0;
    const sets = lines.map((l, k) => {
      const label = `${l.name}${l.target ? ' (target)' : ''}${mode === 'model' && l.transform !== 'none' ? ` (${l.transform})` : ''}${axes[k] === 'y2' ? ' (right axis)' : ''}`;
      return series(label, values[k], l.target ? c.foreground : c.series[colour++ % c.series.length], {
        ...(l.target ? { borderDash: [4, 3] } : {}), ...(axes[k] === 'y2' ? { yAxisID: 'y2' } : {}),
      });
    });
    const steps = Array.from({ length: i.sequence.steps }, (_, t) => t + 1);
    const chart = lineChart(`Sequence "${i.sequence.id}" (line ${i.sequence.firstLine}, ${i.sequence.steps.toLocaleString('en')} step${i.sequence.steps === 1 ? '' : 's'}, ${i.sequence.split})`, steps, sets, {
      xTitle: 'step t', yTitle: seriesAxisTitle(mode, left), ...(right.length ? { y2: { title: seriesAxisTitle(mode, right) } } : {}),
    });
    chart.box.classList.add('wide');
    holder.replaceChildren(chart.box);
    hint.textContent = mode === 'normalised' ? 'each series centred on its mean and divided by its standard deviation, so every shape shows'
      : right.length ? `${axisNames(right.map((l) => l.name))} on the right-hand axis: a very different scale`
      : mode === 'model' ? 'after each column\'s transform, before the model\'s own scaling' : '';
  };
  pick.addEventListener('change', () => {
    seriesModes.set(key, pick.value as SeriesMode);
    draw();
  });
  draw();
  return section;
}

/** The target's autocorrelation and partial autocorrelation with the 95% band: how far the data itself remembers. */
function renderMemory(m: DataMemoryInfo): HTMLElement {
  const section = el('section', { className: 'memory' });
  section.append(el('h3', { textContent: `The data's memory: autocorrelation of "${m.column}"` }), el('p', { className: 'summary', textContent: `${m.summary[0].toUpperCase()}${m.summary.slice(1)}.` }));
  const grid = el('div', { className: 'grid' });
  const what = m.transform === 'none' ? 'its values' : `its changes (${m.transform}), as the model sees it`;
  grid.append(correlogram(`"${m.column}": ${what}`, m.acf, m.pacf, m.band, m.lag));
  if (m.acfAsRead && m.pacfAsRead) grid.append(correlogram(`"${m.column}" as read (levels)`, m.acfAsRead, m.pacfAsRead, m.band, null));
  section.append(grid);
  return section;
}

/** ACF and PACF bars by lag with the ±band lines; `lag` marks where the memory ends. */
function correlogram(title: string, acf: number[], pacf: number[], band: number, lag: number | null): HTMLElement {
  const c = colours();
  const lags = acf.map((_, k) => k + 1);
  const canvas = el('canvas', { role: 'img' });
  canvas.setAttribute('aria-label', `${title}: autocorrelation and partial autocorrelation at lags 1 to ${acf.length}, 95% band ±${fmt(band)}${lag !== null ? `; the partial autocorrelation stays inside the band after lag ${lag}` : ''}`);
  const box = el('section', { className: 'chart' }, el('h3', { textContent: title }), el('div', { className: 'chart-body' }, canvas));
  const line = (label: string, value: number) => ({
    type: 'line' as const, label, data: lags.map(() => value), borderColor: c.muted, backgroundColor: c.muted, borderDash: [5, 4], borderWidth: 1, pointRadius: 0,
  });
  const chart = new Chart(canvas, {
    type: 'bar',
    data: {
      labels: lags,
      datasets: [
        { type: 'bar', label: 'autocorrelation', data: acf, backgroundColor: c.series[0], borderColor: c.series[0], borderWidth: c.highContrast ? 1 : 0 },
        { type: 'bar', label: 'partial autocorrelation', data: pacf, backgroundColor: c.series[1], borderColor: c.series[1], borderWidth: c.highContrast ? 1 : 0 },
        line('95% band', band),
        { ...line('95% band (lower)', -band), hidden: false },
      ],
    },
    options: {
      animation: false, responsive: true, maintainAspectRatio: false,
      plugins: {
        legend: { labels: { color: c.foreground, boxWidth: 12, filter: (item) => item.text !== '95% band (lower)' } },
        tooltip: { callbacks: { label: (ctx) => `${ctx.dataset.label}: ${fmt(Number(ctx.parsed.y))}` } },
      },
      scales: {
        x: { ticks: { color: c.muted, maxTicksLimit: 16 }, grid: { color: c.grid }, title: { display: true, text: lag !== null && lag > 0 ? `lag (steps); memory ends at lag ${lag}` : 'lag (steps)', color: c.muted } },
        y: { min: -1, max: 1, ticks: { color: c.muted, stepSize: 0.5 }, grid: { color: c.grid }, title: { display: true, text: 'correlation', color: c.muted } },
      },
    },
  });
  live.charts.push(chart);
  return box;
}
