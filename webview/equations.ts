/**
 * The chosen cell's equations in the chapter's notation (h_t, x_t, W_h, W_x, b, σ, ⊙; α_t, β_t, h̃_t for the gated
 * cell), typeset with KaTeX. The TeX follows what src/engine/cells/* compute, including PyTorch's GRU form and the
 * engine's residual stacking. `cellEquations` is pure and DOM-free so Node tests can load it; `renderEquations`
 * builds DOM nodes (KaTeX positions through CSSOM, allowed by the webview CSP without 'unsafe-inline').
 *
 * Avoid \vec, \oiint, \fcolorbox and tall stacked delimiters here: those are the KaTeX paths that write a style
 * attribute, which the CSP blocks.
 */
import katex from 'katex';
import { catalogCell, catalogVariant, previewCell, type CellPreview } from '../src/shared/protocol';

/** The model settings the equations depend on (the experiment file's `model` section). */
export interface EquationModel {
  cell: string;
  activation: 'sigmoid' | 'tanh' | 'relu';
  coupled: boolean;
  hiddenSize: number;
  layers: number;
  residual: boolean;
  init: 'pytorch' | 'glorot-orthogonal' | 'identity';
  forgetBias1: boolean;
  /** Cell "custom": its equations (the editor's draft while typing). */
  equations?: string[];
}

/** One displayed equation and what it says in plain words. */
export interface EquationLine {
  tex: string;
  note: string;
}

/** Everything the equations panel shows for one model. */
export interface CellEquations {
  title: string;
  lines: EquationLine[];
  /** Plain-text parameter shapes for the given hidden size m (input width d and output width p unknown). */
  shapes: string;
  /** Plain-text description of the initialiser. */
  initNote: string;
}

/** Gate blocks stacked in the weight rows, in the engine's order (from the registry). */
function gateNames(m: Pick<EquationModel, 'cell' | 'coupled' | 'activation' | 'forgetBias1'>): string[] {
  return (catalogVariant(m.cell, m)?.gates ?? []).map((g) => g.symbol);
}

/** The cell's own equations, from its descriptor in the registry (src/engine/cells/). */
function cellLines(m: EquationModel): EquationLine[] {
  return (catalogVariant(m.cell, m)?.equations ?? []).map((l) => ({ tex: l.tex, note: l.note }));
}

/** The layer-stacking and residual lines; the engine adds the residual to the layer's output, not to its recurrent state. */
function stackLines(m: EquationModel): { lines: EquationLine[]; top: string } {
  const L = Math.max(1, Math.floor(m.layers));
  const custom = m.cell === 'custom' ? previewCell(m.equations ?? []).states : null;
  const state = custom && custom.length > 1 ? custom.map((s) => `${s}^{(l)}_{t-1}`).join(', ') : catalogCell(m.cell)?.cellState ? 'h^{(l)}_{t-1}, c^{(l)}_{t-1}' : 'h^{(l)}_{t-1}';
  if (L === 1) {
    if (!m.residual) return { lines: [], top: 'h_t' };
    return {
      lines: [{
        tex: 'o_t = h_t + x_t \\quad (\\text{only when } d = m)',
        note: 'Residual output y = x + F(x): the input is added to the layer output when the widths match (otherwise oₜ = hₜ). The recurrence still uses hₜ₋₁, without the residual.',
      }],
      top: 'o_t',
    };
  }
  if (!m.residual) {
    return {
      lines: [{
        tex: `h^{(l)}_t = \\operatorname{cell}_l\\big(h^{(l-1)}_t;\\ ${state}\\big), \\quad h^{(0)}_t = x_t, \\quad l = 1, \\dots, ${L}`,
        note: `${L} stacked layers: layer l applies the equations above, with its own weights, to the output of layer l − 1 (xₜ for the first layer).`,
      }],
      top: `h^{(${L})}_t`,
    };
  }
  return {
    lines: [
      {
        tex: `h^{(l)}_t = \\operatorname{cell}_l\\big(o^{(l-1)}_t;\\ ${state}\\big), \\quad o^{(0)}_t = x_t, \\quad l = 1, \\dots, ${L}`,
        note: `${L} stacked layers: layer l applies the equations above, with its own weights, to the output of the layer below (xₜ for the first layer).`,
      },
      {
        tex: 'o^{(l)}_t = h^{(l)}_t + o^{(l-1)}_t',
        note: 'Residual connection y = x + F(x) between layers: the gradient gets a direct path with factor 1. Each layer’s recurrence still uses its own previous state, without the residual; the first layer adds xₜ only when d = m.',
      },
    ],
    top: `o^{(${L})}_t`,
  };
}

function title(m: EquationModel): string {
  const L = Math.max(1, Math.floor(m.layers));
  const c = catalogCell(m.cell);
  let t = c?.label ?? m.cell;
  if (c?.activations) t += ` (${PHI_NAMES[m.activation]})`;
  if (c?.coupledOption) t += m.coupled ? ' (coupled: β = 1 − α)' : ' (free α, β)';
  if (L > 1) t += `, ${L} layers`;
  if (m.residual) t += ', residual';
  return t;
}

/** φ's name in a title. */
const PHI_NAMES: Record<EquationModel['activation'], string> = { tanh: 'tanh', sigmoid: 'σ', relu: 'ReLU' };

const times = (a: number | string, b: number | string): string => `${a} × ${b}`;

/** Parameter shapes and count: per layer W_x [G·m, d], W_h [G·m, m], b_ih and b_hh [G·m]; head W_y [p, m], b_y [p]. */
function shapes(m: EquationModel): string {
  const h = Math.max(1, Math.floor(m.hiddenSize));
  const L = Math.max(1, Math.floor(m.layers));
  const gates = gateNames(m);
  const G = Math.max(1, gates.length);
  const rows = G * h;
  const diagonal = catalogCell(m.cell)?.recurrent === 'diagonal';
  const blocks = gates.length > 1 ? ` (${G} blocks of ${times(h, 'd')}: ${gates.join(', ')})` : '';
  const recurrent = diagonal ? `u ${rows} (a vector: W_h = diag(u))` : `W_h ${times(rows, h)}`;
  const parts = [
    `m = ${h} hidden units, d inputs, p outputs.`,
    `${L > 1 ? 'Layer 1' : 'Layer'}: W_x ${times(rows, 'd')}${blocks}, ${recurrent}, b_ih and b_hh ${rows} each.`,
  ];
  if (L > 1) parts.push(`${L === 2 ? 'Layer 2' : `Layers 2–${L}`}: W_x ${times(rows, h)}, ${diagonal ? `u ${rows}` : `W_h ${times(rows, h)}`}, biases ${rows} each.`);
  parts.push(`Head: W_y ${times('p', h)}, b_y p.`);
  const recurrentCount = diagonal ? rows : rows * h;
  const perDeeper = rows * h + recurrentCount + 2 * rows;
  const constant = recurrentCount + 2 * rows + (L - 1) * perDeeper;
  parts.push(`Parameters: ${rows}·d + ${constant} + ${h + 1}·p.`);
  return parts.join(' ');
}

/** Plain-words description of the initialiser, as src/engine/init.ts applies it. */
function initNote(m: EquationModel): string {
  const h = Math.max(1, Math.floor(m.hiddenSize));
  const bound = (1 / Math.sqrt(h)).toPrecision(3).replace(/\.?0+$/, '');
  const head = `head W_y, b_y ~ U(−1/√m, 1/√m) = U(−${bound}, ${bound})`;
  let note: string;
  switch (m.init) {
    case 'pytorch':
      note = `PyTorch default: every weight and bias ~ U(−1/√m, 1/√m) = U(−${bound}, ${bound}) for m = ${h}, the head too.`;
      break;
    case 'glorot-orthogonal':
      note = catalogCell(m.cell)?.recurrent === 'diagonal'
        ? `Glorot-uniform W_x, U(±√(6/(d + m))); recurrent weights uᵢ ~ U(0, 1), each unit a decay of its own; biases 0; ${head}.`
        : `Glorot-uniform W_x per gate block, U(±√(6/(d + m))); orthogonal W_h per gate block (Saxe et al. 2014); biases 0; ${head}.`;
      break;
    case 'identity':
      note = `Identity (IRNN, Le, Jaitly & Hinton 2015): W_h = I in every gate block, W_x ~ N(0, 0.001²), biases 0; ${head}.`;
      if (catalogCell(m.cell)?.recurrent === 'diagonal') note = `Identity: every recurrent weight uᵢ = 1, W_x ~ N(0, 0.001²), biases 0; ${head}.`;
      else if (m.cell !== 'vanilla' || m.activation !== 'relu') note += ' The IRNN pairs it with a vanilla ReLU cell.';
      break;
  }
  if (m.forgetBias1) {
    note += catalogCell(m.cell)?.forgetOption
      ? ' Forget-gate bias 1 (Jozefowicz et al. 2015): b_ih is 1 and b_hh is 0 in the f block, so fₜ ≈ σ(1) ≈ 0.73 at first.'
      : ' (Forget bias 1 applies to cells with a forget gate only; ignored for this cell.)';
  }
  return note;
}

/** A custom cell's lines: each equation that parses, typeset, with its source as the note. */
function customLines(p: CellPreview): EquationLine[] {
  return p.lines.flatMap((l, i) => (l.tex ? [{ tex: l.tex, note: `Equation ${i + 1}: ${l.text.trim()}` }] : []));
}

/** A custom cell's parameter shapes and count, from its prefixes: W_k m × d, U_k m × m, u_k and b_k m. */
function customShapes(m: EquationModel, p: CellPreview): string {
  const h = Math.max(1, Math.floor(m.hiddenSize));
  const L = Math.max(1, Math.floor(m.layers));
  const shape = (k: string): string => (k === 'W' ? times(h, 'd') : k === 'U' ? times(h, h) : String(h));
  const nW = p.params.filter((q) => q.kind === 'W').length;
  const nU = p.params.filter((q) => q.kind === 'U').length;
  const nv = p.params.length - nW - nU;
  const perLayer = nU * h * h + nv * h;
  const constant = perLayer + (L - 1) * (nW * h * h + perLayer);
  const parts = [
    `m = ${h} hidden units, d inputs, p outputs. State: ${p.states.join(', ') || 'h'} (${p.states.length > 1 ? `${p.states.length} vectors of m` : 'm values'}).`,
    p.params.length ? `${L > 1 ? 'Each layer' : 'Layer'}: ${p.params.map((q) => `${q.name} ${shape(q.kind)}`).join(', ')}${L > 1 ? ' (d = m above the first)' : ''}.` : 'No parameters yet.',
    `Head: W_y ${times('p', h)}, b_y p.`,
    `Parameters: ${nW * h}·d + ${constant} + ${h + 1}·p.`,
  ];
  return parts.join(' ');
}

/** How model.init sets a custom cell's parameters (src/engine/init.ts). */
function customInit(m: EquationModel): string {
  const h = Math.max(1, Math.floor(m.hiddenSize));
  const bound = (1 / Math.sqrt(h)).toPrecision(3).replace(/\.?0+$/, '');
  const u = 'u_k ~ U(0, 1), each unit a decay of its own';
  switch (m.init) {
    case 'pytorch': return `PyTorch default: every W_k, U_k and b_k ~ U(−1/√m, 1/√m) = U(−${bound}, ${bound}); ${u}; the head as PyTorch's nn.Linear.`;
    case 'glorot-orthogonal': return `Glorot-uniform W_k, U(±√(6/(d + m))); orthogonal U_k (Saxe et al. 2014); b_k = 0; ${u}.`;
    case 'identity': return 'Identity: every U_k = I, W_k ~ N(0, 0.001²), b_k = 0, every u_k = 1.';
  }
}

/** The equations, shapes and initialiser note for a model, in the chapter's notation; pure. */
export function cellEquations(m: EquationModel): CellEquations {
  const stack = stackLines(m);
  if (m.cell === 'custom') {
    const p = previewCell(m.equations ?? []);
    const L = Math.max(1, Math.floor(m.layers));
    return {
      title: `Custom cell${L > 1 ? `, ${L} layers` : ''}${m.residual ? ', residual' : ''}`,
      lines: [...customLines(p), ...stack.lines, { tex: `\\hat{y}_t = W_y ${stack.top} + b_y`, note: 'Linear readout of h, at every step or only at each sequence’s last step (the readout setting).' }],
      shapes: customShapes(m, p),
      initNote: customInit(m),
    };
  }
  const lines = [
    ...cellLines(m),
    ...stack.lines,
    {
      tex: `\\hat{y}_t = W_y ${stack.top} + b_y`,
      note: 'Linear readout, at every step or only at each sequence’s last step τ (the readout setting); the loss (MSE, logistic or softmax) acts on ŷ.',
    },
  ];
  return { title: title(m), lines, shapes: shapes(m), initNote: initNote(m) };
}

/** Renders the model's equations into `container`, replacing its children; MathML rides along for screen readers. */
export function renderEquations(container: HTMLElement, m: EquationModel): void {
  const eq = cellEquations(m);
  const doc = container.ownerDocument;
  const heading = doc.createElement('h3');
  heading.className = 'equations-title';
  heading.textContent = eq.title;
  const list = doc.createElement('ol');
  list.className = 'equations-lines';
  for (const line of eq.lines) {
    const item = doc.createElement('li');
    item.className = 'equation';
    const maths = doc.createElement('div');
    maths.className = 'equation-tex';
    try {
      katex.render(line.tex, maths, { throwOnError: true, displayMode: true, output: 'htmlAndMathml' });
    } catch {
      maths.textContent = line.note; // a custom cell's TeX that KaTeX refuses: show the equation as written
    }
    const note = doc.createElement('p');
    note.className = 'equation-note';
    note.textContent = line.note;
    item.append(maths, note);
    list.append(item);
  }
  const shapesEl = doc.createElement('p');
  shapesEl.className = 'equations-shapes';
  shapesEl.textContent = eq.shapes;
  const initEl = doc.createElement('p');
  initEl.className = 'equations-init';
  initEl.textContent = eq.initNote;
  container.classList.add('equations');
  container.replaceChildren(heading, list, shapesEl, initEl);
}
