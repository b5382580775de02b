/**
 * Model view: define the cell (vanilla with its activation, LSTM, GRU, gated additive with free or coupled gates),
 * hidden size, layers, residual, initialiser and the training settings; the cell's equations update with every choice.
 * Each change is sent to the host, which writes it into the experiment file; the view redraws from the file's new
 * contents, so the panel and the file never disagree.
 */
import { CATALOG_KINDS, CELL_CATALOG, catalogCell, type CatalogCellKind, type ExperimentChange, type PanelExperiment } from '../src/shared/protocol';

/** The activation menu's order. */
const ACTIVATION_ORDER = ['tanh', 'sigmoid', 'relu'];
import { renderEquations } from './equations';
import { el, field, pending, select } from './ui';


/** Named starting points, each a set of field changes: every cell's presets, from the registry. */
export const PRESETS: { id: string; label: string; description: string; changes: ExperimentChange[] }[] = CATALOG_KINDS.flatMap((k) =>
  CELL_CATALOG[k].presets.map((p) => ({ id: p.id, label: p.label, description: p.title, changes: p.changes.map((c) => ({ field: c.field, value: c.value }) as ExperimentChange) })));

/** The changes that select a cell: the cell, and an activation it takes when the current one is not. */
function selectCell(kind: CatalogCellKind, activation: string): ExperimentChange[] {
  const acts = CELL_CATALOG[kind].activations as readonly string[] | null;
  const changes: ExperimentChange[] = [{ field: 'model.cell', value: kind }];
  if (acts && !acts.includes(activation)) changes.push({ field: 'model.activation', value: acts[0] });
  return changes;
}

/** Renders the Model view; `edit` sends changes to the host (null when the panel's file cannot be edited). */
export function renderModelView(exp: PanelExperiment | null | undefined, editError: string | null | undefined, edit: ((changes: ExperimentChange[]) => void) | null, newExperiment: () => void): HTMLElement {
  const view = el('div', { className: 'view model-view' });
  if (!exp) {
    view.append(pending('Reading the experiment…', editError));
    return view;
  }
  const m = exp.experiment.model;
  const t = exp.experiment.training;
  const editable = edit !== null;
  const send = (changes: ExperimentChange[]): void => {
    if (editable) edit(changes);
  };
  if (exp.file === null) {
    const csv = exp.csvFile.split(/[\\/]/).pop() ?? exp.csvFile;
    const note = el('p', { className: 'note', textContent: `${csv} trains with the default settings (from your RNN Playground settings). Change anything here and ${csv.replace(/\.[^.]+$/, '')}.rnn.json is created beside it to hold your choices; the file and this view stay in step.` });
    const b = el('button', { textContent: 'New Experiment', className: 'secondary' });
    b.addEventListener('click', newExperiment);
    view.append(el('div', { className: 'callout' }, note, b));
  }
  if (exp.problem) {
    const p = el('p', { className: 'warning', textContent: `${exp.problem}. Showing the last valid settings.` });
    p.setAttribute('role', 'alert');
    view.append(p);
  }
  if (editError) {
    const p = el('p', { className: /^Created |already holds/.test(editError) ? 'note callout' : 'warning', textContent: editError });
    p.setAttribute('role', 'alert');
    view.append(p);
  }

  // presets
  const presets = el('div', { className: 'presets' });
  presets.setAttribute('role', 'group');
  presets.setAttribute('aria-label', 'Presets');
  for (const p of PRESETS) {
    const b = el('button', { textContent: p.label, title: p.description, disabled: !editable, id: `preset-${p.id}` });
    b.addEventListener('click', () => send(p.changes));
    presets.append(b);
  }
  view.append(el('h3', { textContent: 'Presets' }), presets);

  // the cell
  const controls = el('div', { className: 'controls' });
  const cells = el('div', { className: 'segmented', id: 'model-cell' });
  cells.setAttribute('role', 'radiogroup');
  cells.setAttribute('aria-label', 'Cell');
  for (const c of CATALOG_KINDS) {
    const b = el('button', { textContent: CELL_CATALOG[c].label, title: CELL_CATALOG[c].summary, className: c === m.cell ? 'on' : '', disabled: !editable, id: `cell-${c}` });
    b.setAttribute('role', 'radio');
    b.setAttribute('aria-checked', String(c === m.cell));
    b.tabIndex = c === m.cell ? 0 : -1;
    b.addEventListener('click', () => c !== m.cell && send(selectCell(c, m.activation)));
    b.addEventListener('keydown', (ev) => {
      const order: string[] = CATALOG_KINDS;
      const step = ev.key === 'ArrowRight' || ev.key === 'ArrowDown' ? 1 : ev.key === 'ArrowLeft' || ev.key === 'ArrowUp' ? -1 : 0;
      if (!step) return;
      ev.preventDefault();
      const next = order[(order.indexOf(m.cell) + step + order.length) % order.length] as CatalogCellKind;
      send(selectCell(next, m.activation));
    });
    cells.append(b);
  }
  const cellField = field('Cell', cells);
  cellField.classList.add('wide');
  controls.append(cellField);
  const cell = catalogCell(m.cell);
  const acts = (cell?.activations ?? null) as readonly string[] | null;
  if (acts) controls.append(choice('Activation φ', 'model.activation', [...acts].sort((a, b) => ACTIVATION_ORDER.indexOf(a) - ACTIVATION_ORDER.indexOf(b)), m.activation, send, editable));
  if (cell?.coupledOption) {
    controls.append(choice('Gates', 'model.coupled', ['free', 'coupled'], m.coupled ? 'coupled' : 'free', (ch) => send([{ field: 'model.coupled', value: ch[0].value === 'coupled' }]), editable,
      { free: 'free: α and β learned separately', coupled: 'coupled: β = 1 − α' }));
  }
  controls.append(
    number('Hidden size m', 'model.hiddenSize', m.hiddenSize, 1, 1024, 1, send, editable),
    number('Layers', 'model.layers', m.layers, 1, 8, 1, send, editable),
    check('Residual connections between layers', 'model.residual', m.residual, send, editable && m.layers > 1, m.layers > 1 ? undefined : 'with 2 or more layers'),
    choice('Initialiser', 'model.init', ['pytorch', 'glorot-orthogonal', 'identity'], m.init, send, editable,
      { pytorch: 'PyTorch default (uniform ±1/√m)', 'glorot-orthogonal': 'Glorot inputs, orthogonal W_h', identity: 'identity W_h (IRNN)' }),
  );
  if (cell?.forgetOption) controls.append(check('Forget-gate bias 1', 'model.forgetBias1', m.forgetBias1, send, editable));
  view.append(el('h3', { textContent: 'Network' }), controls);

  const eq = el('section', { className: 'equations' });
  eq.setAttribute('aria-label', 'The cell\'s equations');
  view.append(eq);
  renderEquations(eq, m);

  // training
  const training = el('div', { className: 'controls' });
  training.append(
    numberOrAuto('Epochs', 'training.epochs', t.epochs, 1, 100000, send, editable),
    choice('Optimiser', 'training.optimizer', ['adam', 'momentum', 'sgd'], t.optimizer, send, editable),
    number('Learning rate', 'training.learningRate', t.learningRate, 1e-6, 100, 'any', send, editable),
    numberOrAuto('Batch size', 'training.batchSize', t.batchSize, 1, 100000, send, editable),
    numberOrAuto('Early stopping patience (0: off)', 'training.patience', t.patience, 0, 100000, send, editable),
    number('Clip gradient norm (0: off)', 'training.clip', t.clip, 0, 1e6, 'any', send, editable),
    number('Truncated BPTT steps (0: full)', 'training.tbptt', t.tbptt, 0, 1e7, 1, send, editable),
    number('Seed', 'training.seed', t.seed, 0, 2 ** 31 - 1, 1, send, editable),
  );
  view.append(el('h3', { textContent: 'Training' }), training);
  return view;
}

function choice(label: string, fieldName: ExperimentChange['field'], values: string[], current: string, send: (c: ExperimentChange[]) => void, enabled: boolean, labels: Record<string, string> = {}): HTMLElement {
  const s = select(values, current, labels);
  s.disabled = !enabled;
  s.id = `in-${fieldName.replace('.', '-')}`;
  s.addEventListener('change', () => send([{ field: fieldName, value: s.value }]));
  return field(label, s);
}

function number(label: string, fieldName: ExperimentChange['field'], current: number, min: number, max: number, step: number | 'any', send: (c: ExperimentChange[]) => void, enabled: boolean): HTMLElement {
  const input = el('input', { type: 'number', defaultValue: String(current), min: String(min), max: String(max), step: String(step), disabled: !enabled });
  input.id = `in-${fieldName.replace('.', '-')}`;
  const commit = (): void => {
    const v = Number(input.value);
    if (input.value.trim() === '' || !Number.isFinite(v)) {
      input.value = String(current);
      return;
    }
    if (v !== current) send([{ field: fieldName, value: v }]);
  };
  input.addEventListener('change', commit);
  input.addEventListener('keydown', (ev) => {
    if (ev.key === 'Escape') input.value = String(current);
  });
  return field(label, input);
}

/** A whole number, or empty for "auto" (chosen from the data when training starts). */
function numberOrAuto(label: string, fieldName: ExperimentChange['field'], current: number | 'auto', min: number, max: number, send: (c: ExperimentChange[]) => void, enabled: boolean): HTMLElement {
  const shown = current === 'auto' ? '' : String(current);
  const input = el('input', { type: 'number', defaultValue: shown, min: String(min), max: String(max), step: '1', placeholder: 'auto', disabled: !enabled });
  input.id = `in-${fieldName.replace('.', '-')}`;
  const commit = (): void => {
    const text = input.value.trim();
    const v = text === '' ? 'auto' : Number(text);
    if (v !== 'auto' && !Number.isFinite(v)) {
      input.value = shown;
      return;
    }
    if (v !== current) send([{ field: fieldName, value: v }]);
  };
  input.addEventListener('change', commit);
  input.addEventListener('keydown', (ev) => {
    if (ev.key === 'Escape') input.value = shown;
  });
  return field(label, input, 'empty: chosen from the data');
}

function check(label: string, fieldName: ExperimentChange['field'], current: boolean, send: (c: ExperimentChange[]) => void, enabled: boolean, hint?: string): HTMLElement {
  const input = el('input', { type: 'checkbox', checked: current, disabled: !enabled });
  input.id = `in-${fieldName.replace('.', '-')}`;
  input.addEventListener('change', () => send([{ field: fieldName, value: input.checked }]));
  const row = field(label, input, hint);
  row.classList.add('check');
  row.prepend(input);
  return row;
}
