/**
 * Model view: define the cell (vanilla with its activation, LSTM, GRU, gated additive with free or coupled gates,
 * any other registered cell, or a custom cell typed as equations, checked and typeset as you type),
 * hidden size, layers, residual, initialiser and the training settings; the cell's equations update with every choice.
 * Each change is sent to the host, which writes it into the experiment file; the view redraws from the file's new
 * contents, so the panel and the file never disagree.
 */
import { CATALOG_KINDS, CELL_CATALOG, catalogCell, EQUATION_PRESETS, previewCell, problemText, type CatalogCellKind, type EquationProblem, type ExperimentChange, type PanelExperiment } from '../src/shared/protocol';

/** The activation menu's order. */
const ACTIVATION_ORDER = ['tanh', 'sigmoid', 'relu'];
import { renderEquations } from './equations';
import { el, field, pending } from './ui';
import { button, checkbox, dropdown, radioGroup, textField } from './components/index';


/** Named starting points, each a set of field changes: every cell's presets, from the registry. */
export const PRESETS: { id: string; label: string; description: string; changes: ExperimentChange[] }[] = CATALOG_KINDS.flatMap((k) =>
  CELL_CATALOG[k].presets.map((p) => ({ id: p.id, label: p.label, description: p.title, changes: p.changes.map((c) => ({ field: c.field, value: c.value }) as ExperimentChange) })));

/** The changes that select a custom cell: the file's equations, or the chapter's gated cell to start from. */
function selectCustom(equations: string[] | undefined): ExperimentChange[] {
  return [{ field: 'model.cell', value: 'custom' }, ...(equations?.length ? [] : [{ field: 'model.equations', value: EQUATION_PRESETS[0].equations } as ExperimentChange])];
}

/**
 * The equation editor's text area, kept across redraws of the view (the same element, so what you type, the caret and
 * the focus survive a redraw that arrives while you type), with the saved text it started from and what the current
 * redraw's controls do on input.
 */
let editor: { file: string; area: HTMLTextAreaElement; base: string; onInput: () => void; onCommit: () => void } | null = null;

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
    view.append(el('div', { className: 'callout' }, note, button('New Experiment', { kind: 'secondary', onClick: newExperiment })));
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
    presets.append(button(p.label, { id: `preset-${p.id}`, kind: 'secondary', title: p.description, disabled: !editable, onClick: () => send(p.changes) }));
  }
  view.append(el('h3', { textContent: 'Presets' }), presets);

  // the cell
  const controls = el('div', { className: 'controls' });
  const kinds: string[] = [...CATALOG_KINDS, 'custom'];
  const choose = (c: string): ExperimentChange[] => (c === 'custom' ? selectCustom(m.equations) : selectCell(c as CatalogCellKind, m.activation));
  const cells = radioGroup(kinds, m.cell, {
    id: 'model-cell', itemId: (c) => `cell-${c}`, label: 'Cell', disabled: !editable,
    labels: Object.fromEntries(kinds.map((c) => [c, c === 'custom' ? 'Custom' : CELL_CATALOG[c as CatalogCellKind].label])),
    titles: Object.fromEntries(kinds.map((c) => [c, c === 'custom' ? 'Your own cell: type its equations (h\' = …), see them typeset and checked as you type' : CELL_CATALOG[c as CatalogCellKind].summary])),
    onChange: (c) => c !== m.cell && send(choose(c)),
  });
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
    number('Hidden size m', 'model.hiddenSize', m.hiddenSize, send, editable),
    number('Layers', 'model.layers', m.layers, send, editable),
    check('Residual connections between layers', 'model.residual', m.residual, send, editable && m.layers > 1, m.layers > 1 ? undefined : 'with 2 or more layers'),
    choice('Initialiser', 'model.init', ['pytorch', 'glorot-orthogonal', 'identity'], m.init, send, editable,
      { pytorch: 'PyTorch default (uniform ±1/√m)', 'glorot-orthogonal': 'Glorot inputs, orthogonal W_h', identity: 'identity W_h (IRNN)' }),
  );
  if (cell?.forgetOption) controls.append(check('Forget-gate bias 1', 'model.forgetBias1', m.forgetBias1, send, editable));
  view.append(el('h3', { textContent: 'Network' }), controls);

  const eq = el('section', { className: 'equations' });
  eq.setAttribute('aria-label', 'The cell\'s equations');
  if (m.cell === 'custom') view.append(equationEditor(exp.file ?? exp.csvFile, m, eq, send, editable));
  view.append(eq);
  if (m.cell !== 'custom') renderEquations(eq, m);

  // training
  const training = el('div', { className: 'controls' });
  training.append(
    numberOrAuto('Epochs', 'training.epochs', t.epochs, send, editable),
    choice('Optimiser', 'training.optimizer', ['adam', 'momentum', 'sgd'], t.optimizer, send, editable),
    number('Learning rate', 'training.learningRate', t.learningRate, send, editable),
    numberOrAuto('Batch size', 'training.batchSize', t.batchSize, send, editable),
    numberOrAuto('Early stopping patience (0: off)', 'training.patience', t.patience, send, editable),
    number('Clip gradient norm (0: off)', 'training.clip', t.clip, send, editable),
    number('Truncated BPTT steps (0: full)', 'training.tbptt', t.tbptt, send, editable),
    number('Seed', 'training.seed', t.seed, send, editable),
    choice('Precision', 'training.precision', ['float64', 'float32'], t.precision, send, editable,
      { float64: 'float64 (exact)', float32: 'float32 (faster products)' }),
  );
  view.append(el('h3', { textContent: 'Training' }), training);
  return view;
}

/**
 * The custom cell's editor: one equation per line, checked and typeset as you type (the equations below follow the
 * draft), problems listed at their equation and column with a caret; Apply (or Ctrl+Enter) writes them to the file.
 */
function equationEditor(file: string, m: PanelExperiment['experiment']['model'], eq: HTMLElement, send: (c: ExperimentChange[]) => void, editable: boolean): HTMLElement {
  const saved = (m.equations ?? []).join('\n');
  const hadFocus = editor !== null && editor.file === file && document.activeElement === editor.area;
  if (!editor || editor.file !== file) {
    const area = el('textarea', { id: 'in-model-equations', value: saved, spellcheck: false });
    area.setAttribute('aria-label', 'Equations, one per line');
    area.setAttribute('aria-describedby', 'equation-problems');
    area.setAttribute('autocapitalize', 'off');
    area.setAttribute('autocomplete', 'off');
    const ed = { file, area, base: saved, onInput: () => {}, onCommit: () => {} };
    area.addEventListener('input', () => ed.onInput());
    area.addEventListener('keydown', (ev) => {
      if (ev.key === 'Enter' && (ev.ctrlKey || ev.metaKey)) {
        ev.preventDefault();
        ed.onCommit();
      }
    });
    editor = ed;
  } else if (editor.area.value === editor.base || editor.area.value === saved) {
    // not edited since the file last changed (or the file now says what was typed): follow the file
    editor.area.value = saved;
    editor.base = saved;
  } else editor.base = saved; // edited: keep the user's text; Revert goes back to the file
  const ed = editor;
  const area = ed.area;
  area.disabled = !editable;
  area.rows = Math.max(3, area.value.split('\n').length + 1);
  const box = el('section', { className: 'equation-editor' });
  const presets = el('div', { className: 'presets' });
  presets.setAttribute('role', 'group');
  presets.setAttribute('aria-label', 'Start from');
  for (const p of EQUATION_PRESETS) {
    presets.append(button(p.label, {
      id: `eqpreset-${p.id}`, kind: 'secondary', title: p.title, disabled: !editable,
      onClick: () => {
        area.value = ed.base; // the file's text until the preset arrives: it then follows the file
        send([{ field: 'model.cell', value: 'custom' }, { field: 'model.equations', value: p.equations }]);
      },
    }));
  }
  const problems = el('div', { className: 'equation-problems', id: 'equation-problems' });
  problems.setAttribute('aria-live', 'polite');
  const apply = button('Apply equations', { id: 'apply-equations', disabled: true });
  const revert = button('Revert', { id: 'revert-equations', kind: 'secondary', disabled: true });
  const lines = (): string[] => area.value.split('\n').map((l) => l.trim()).filter((l) => l.length > 0);
  const refresh = (): void => {
    const ls = lines();
    const p = previewCell(ls);
    problems.replaceChildren(...p.errors.map((e) => problemLine(e, ls, 'error')), ...p.warnings.map((w) => problemLine(w, ls, 'warning')));
    if (!p.errors.length) problems.append(el('p', { className: 'note', textContent: `State ${p.states.join(', ')}; ${p.intermediates.length ? `intermediate ${p.intermediates.join(', ')}; ` : ''}${p.params.length} parameter${p.params.length === 1 ? '' : 's'} per layer${p.additive ? `; additive path through ${p.additive.gate} on ${p.additive.state}` : ''}.` }));
    const changed = lines().join('\n') !== saved;
    apply.disabled = !editable || !changed || p.errors.length > 0 || ls.length === 0;
    revert.disabled = area.value === saved;
    renderEquations(eq, { ...m, equations: ls });
  };
  ed.onInput = () => {
    area.rows = Math.max(3, area.value.split('\n').length + 1);
    refresh();
  };
  ed.onCommit = () => {
    if (apply.disabled) return;
    send([{ field: 'model.cell', value: 'custom' }, { field: 'model.equations', value: lines() }]);
  };
  apply.addEventListener('click', () => ed.onCommit());
  revert.addEventListener('click', () => {
    area.value = saved;
    ed.onInput();
  });
  const help = el('p', { className: 'note', textContent: "One assignment per line. x is the input; h' (and c', …) the new state, h the previous one; W_k @ x, U_k @ v (v of the hidden size); u_k, b_k vectors used elementwise; + − * / elementwise; sigmoid tanh relu exp softplus. Ctrl+Enter applies." });
  const buttons = el('div', { className: 'toolbar' }, apply, revert);
  box.append(el('h3', { textContent: 'Equations' }), el('p', { className: 'note', textContent: 'Start from:' }), presets, area, problems, buttons, help);
  refresh();
  // the panel puts the new view in place in this same task: focus the area again before the next key arrives
  if (hadFocus) queueMicrotask(() => area.isConnected && area.focus());
  return box;
}

/** "Equation 2, column 14: …" with the equation and a caret under the column. */
function problemLine(p: EquationProblem, lines: string[], kind: 'error' | 'warning'): HTMLElement {
  const row = el('div', { className: `equation-problem ${kind}` });
  row.append(el('p', { className: kind === 'error' ? 'warning' : 'note', textContent: `${kind === 'error' ? '' : 'Note: '}${problemText(p).replace(/^e/, 'E')}` }));
  const line = lines[p.equation - 1];
  if (line !== undefined) row.append(el('pre', { className: 'caret', textContent: `${line}\n${line.slice(0, Math.max(0, p.column - 1)).replace(/[^\t]/g, ' ')}^` }));
  return row;
}

function choice(label: string, fieldName: ExperimentChange['field'], values: string[], current: string, send: (c: ExperimentChange[]) => void, enabled: boolean, labels: Record<string, string> = {}): HTMLElement {
  const s = dropdown(values, current, { id: `in-${fieldName.replace('.', '-')}`, label, labels, disabled: !enabled, onChange: (v) => send([{ field: fieldName, value: v }]) });
  return field(label, s);
}

/** A number typed into a text field; something that is not a number puts back the current value. */
function number(label: string, fieldName: ExperimentChange['field'], current: number, send: (c: ExperimentChange[]) => void, enabled: boolean): HTMLElement {
  const input = textField(String(current), {
    id: `in-${fieldName.replace('.', '-')}`, label, numeric: true, disabled: !enabled,
    onCommit: (text) => {
      const v = Number(text);
      if (text.trim() === '' || !Number.isFinite(v)) input.value = String(current);
      else if (v !== current) send([{ field: fieldName, value: v }]);
    },
  });
  return field(label, input);
}

/** A whole number, or empty for "auto" (chosen from the data when training starts). */
function numberOrAuto(label: string, fieldName: ExperimentChange['field'], current: number | 'auto', send: (c: ExperimentChange[]) => void, enabled: boolean): HTMLElement {
  const shown = current === 'auto' ? '' : String(current);
  const input = textField(shown, {
    id: `in-${fieldName.replace('.', '-')}`, label: `${label} (empty: chosen from the data)`, numeric: true, placeholder: 'auto', disabled: !enabled,
    onCommit: (raw) => {
      const text = raw.trim();
      const v = text === '' ? 'auto' : Number(text);
      if (v !== 'auto' && !Number.isFinite(v)) input.value = shown;
      else if (v !== current) send([{ field: fieldName, value: v }]);
    },
  });
  return field(label, input, 'empty: chosen from the data');
}

function check(label: string, fieldName: ExperimentChange['field'], current: boolean, send: (c: ExperimentChange[]) => void, enabled: boolean, hint?: string): HTMLElement {
  const box = checkbox(label, current, { id: `in-${fieldName.replace('.', '-')}`, disabled: !enabled, onChange: (v) => send([{ field: fieldName, value: v }]) });
  const row = el('div', { className: 'field check' }, box);
  if (hint) {
    const h = el('span', { className: 'hint', id: `${box.id}-hint`, textContent: hint });
    box.setAttribute('aria-describedby', h.id);
    row.append(h);
  }
  return row;
}
