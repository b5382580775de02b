/**
 * Data view: the CSV's size and sequences, each column's role with a control to change it (written to the experiment
 * file), a virtualised preview of every row (rows are fetched from the engine as you scroll), and a plot of the selected
 * sequence's series.
 */
import type { ColumnRoles } from '../src/data/roles';
import type { DataPreview, ExperimentChange, RoleChoice, SequenceInspection } from '../src/shared/protocol';
import { createDataTable, type DataTable } from './dataTable';
import { colours, el, lineChart, live, pending, series } from './ui';


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
  edit: (changes: ExperimentChange[]) => void;
  setRole: (column: string, role: RoleChoice) => void;
  fetchRows: (start: number, count: number) => void;
  selectSequence: (k: number) => void;
  /** The table, so rows that arrive from the host reach it. */
  onTable: (t: DataTable | null) => void;
}

/** The selected sequence with previous/next buttons; shared by the Data, Gradients and Predictions views. */
export function sequencePicker(sequence: number, of: number | null, select: (k: number) => void): HTMLElement {
  const input = el('input', { type: 'number', min: '1', value: String(sequence), id: 'sequence-pick' });
  if (of) input.max = String(of);
  input.setAttribute('aria-label', `Sequence number${of ? ` (1 to ${of})` : ''}`);
  const go = (k: number): void => {
    const clamped = Math.max(1, of ? Math.min(of, k) : k);
    if (clamped !== sequence) select(clamped);
    else input.value = String(sequence);
  };
  input.addEventListener('change', () => go(Math.round(Number(input.value)) || 1));
  const prev = el('button', { textContent: '‹', title: 'Previous sequence', disabled: sequence <= 1, id: 'sequence-prev' });
  prev.setAttribute('aria-label', 'Previous sequence');
  prev.addEventListener('click', () => go(sequence - 1));
  const next = el('button', { textContent: '›', title: 'Next sequence', disabled: !!of && sequence >= of, id: 'sequence-next' });
  next.setAttribute('aria-label', 'Next sequence');
  next.addEventListener('click', () => go(sequence + 1));
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
  view.append(el('p', { className: 'summary', textContent: `${name} · ${p.rowCount.toLocaleString('en')} rows × ${p.columns.length} columns · task ${p.task}${seq ? ` · ${seq.count.toLocaleString('en')} sequences (${seq.train.toLocaleString('en')} training / ${seq.validation.toLocaleString('en')} validation samples) · ${seq.minSteps === seq.maxSteps ? `${seq.minSteps} steps each` : `${seq.minSteps}–${seq.maxSteps} steps, median ${seq.medianSteps}`}` : ''}` }));
  if (p.problem) {
    const w = el('p', { className: 'warning', textContent: p.problem });
    w.setAttribute('role', 'alert');
    view.append(w);
  }
  for (const n of p.notes) view.append(el('p', { className: 'muted', textContent: n }));
  if (seq && seq.histogram.length > 1) view.append(lengthHistogram(seq.histogram));

  // roles
  const rolesTable = el('table', { className: 'roles' });
  rolesTable.setAttribute('aria-label', 'Column roles');
  rolesTable.append(el('thead', {}, el('tr', {}, ...['column', 'kind', 'role', 'suggested', 'why', 'empty cells'].map((h) => el('th', { textContent: h, scope: 'col' })))));
  const body = el('tbody');
  for (const c of p.columns) {
    const current = roleOf(p.roles, c.name);
    const s = el('select', { disabled: !ctx.editable, id: `role-${c.name}` });
    s.setAttribute('aria-label', `Role of column ${c.name}`);
    for (const r of Object.keys(ROLE_LABELS) as RoleChoice[]) s.append(el('option', { value: r, textContent: ROLE_LABELS[r], selected: r === current }));
    s.addEventListener('change', () => ctx.setRole(c.name, s.value as RoleChoice));
    body.append(el('tr', {}, el('th', { scope: 'row', textContent: c.name }), el('td', { textContent: c.kind }), el('td', {}, s), el('td', { textContent: c.suggested }), el('td', { className: 'muted', textContent: c.reason }), el('td', { textContent: c.missing ? c.missing.toLocaleString('en') : '' })));
  }
  rolesTable.append(body);
  const task = el('select', { disabled: !ctx.editable, id: 'data-task' });
  for (const t of ['next-step', 'regress', 'classify']) task.append(el('option', { value: t, textContent: t, selected: t === p.task }));
  task.setAttribute('aria-label', 'Task');
  task.addEventListener('change', () => ctx.edit([{ field: 'data.task', value: task.value }]));
  view.append(el('h3', { textContent: 'Columns' }), rolesTable, el('div', { className: 'toolbar' }, el('label', { htmlFor: 'data-task', textContent: 'Task' }), task,
    el('span', { className: 'muted', textContent: ctx.editable ? 'Changes are written to the experiment file.' : 'Create an experiment (Model tab) to change roles.' })));

  // the selected sequence's series
  if (seq && seq.train + seq.validation > 0) view.append(renderSeries(ctx));

  // every row
  const box = el('section', { className: 'data-preview' });
  view.append(el('h3', { textContent: `All rows (${p.rowCount.toLocaleString('en')})` }), box);
  const roleBadge = (n: string): string | undefined => {
    const r = roleOf(p.roles, n);
    return r === 'ignored' ? undefined : ROLE_LABELS[r].replace(' (class)', '').replace(' (plots only)', '');
  };
  const header = p.headerLine ?? 0;
  const table = createDataTable(box, {
    columns: p.columns.map((c) => ({ name: c.name, role: roleBadge(c.name) })),
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
  svg.setAttribute('aria-label', `Sequence lengths: ${bins.map((b) => `${b.count} of ${b.from === b.to ? b.from : `${b.from}–${b.to}`} steps`).join(', ')}`);
  bins.forEach((b, k) => {
    const bh = b.count ? Math.max(1, (b.count / max) * (h - 2)) : 0;
    const r = document.createElementNS(ns, 'rect');
    r.setAttribute('x', String(k * w + 2));
    r.setAttribute('y', String(h - bh));
    r.setAttribute('width', String(w - 4));
    r.setAttribute('height', String(bh));
    const t = document.createElementNS(ns, 'title');
    t.textContent = `${b.from === b.to ? b.from : `${b.from}–${b.to}`} steps: ${b.count} sequence${b.count === 1 ? '' : 's'}`;
    r.append(t);
    svg.append(r);
  });
  const first = bins[0];
  const last = bins[bins.length - 1];
  return el('figure', { className: 'lengths' }, svg, el('figcaption', { className: 'muted', textContent: `Sequence lengths, ${first.from} to ${last.to} steps (hover a bar for its count)` }));
}

/** The selected sequence's picker and series plot (redrawn on its own when only the sequence or its data change). */
export function renderSeries(ctx: DataViewContext): HTMLElement {
  const section = el('section', { className: 'series-section' });
  const seq = ctx.preview?.sequences;
  if (!seq) return section;
  section.append(el('h3', { textContent: 'Selected sequence' }), sequencePicker(ctx.sequence, seq.train + seq.validation, ctx.selectSequence));
  const i = ctx.inspection;
  if (i && i.sequence.index === ctx.sequence) {
    const c = colours();
    const steps = Array.from({ length: i.sequence.steps }, (_, t) => t + 1);
    const sets = i.features.slice(0, 6).map((f, k) => series(f.name, f.values, c.series[k % c.series.length]));
    if (i.target && !i.features.some((f) => f.name === i.target?.name)) sets.push(series(`${i.target.name} (target)`, i.target.actual, c.foreground, { borderDash: [4, 3] }));
    const chart = lineChart(`Sequence "${i.sequence.id}" (line ${i.sequence.firstLine}, ${i.sequence.steps} steps, ${i.sequence.split})`, steps, sets, { xTitle: 'step t' });
    chart.box.classList.add('wide');
    section.append(chart.box);
    if (i.features.length > 6) section.append(el('p', { className: 'muted', textContent: `Showing 6 of ${i.features.length} inputs.` }));
  } else {
    section.append(pending('Reading the sequence…', ctx.inspectError));
  }
  return section;
}
