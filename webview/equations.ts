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

/** The model settings the equations depend on (the experiment file's `model` section). */
export interface EquationModel {
  cell: 'vanilla' | 'lstm' | 'gru' | 'gated';
  activation: 'sigmoid' | 'tanh' | 'relu';
  coupled: boolean;
  hiddenSize: number;
  layers: number;
  residual: boolean;
  init: 'pytorch' | 'glorot-orthogonal' | 'identity';
  forgetBias1: boolean;
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

/** φ of the vanilla cell, as TeX applied to an argument. */
const PHI: Record<EquationModel['activation'], { tex: string; name: string; words: string }> = {
  tanh: { tex: '\\tanh', name: 'tanh', words: 'tanh, elementwise' },
  sigmoid: { tex: '\\sigma', name: 'σ', words: 'the logistic sigmoid σ(z) = 1/(1 + e^−z), elementwise' },
  relu: { tex: '\\operatorname{ReLU}', name: 'ReLU', words: 'ReLU(z) = max(0, z), elementwise' },
};

/** Gate blocks stacked in the weight rows, in the engine's order (src/engine/config.ts gateCount). */
function gateNames(m: Pick<EquationModel, 'cell' | 'coupled'>): string[] {
  switch (m.cell) {
    case 'vanilla': return [];
    case 'lstm': return ['i', 'f', 'g', 'o'];
    case 'gru': return ['r', 'z', 'n'];
    case 'gated': return m.coupled ? ['α', 'h̃'] : ['α', 'β', 'h̃'];
  }
}

/** Pre-activation of one gate: W_{x·} x_t + W_{h·} h_{t−1} + b_·. */
const affine = (g: string): string => `W_{x${g}} x_t + W_{h${g}} h_{t-1} + b_{${g}}`;

function cellLines(m: EquationModel): EquationLine[] {
  const fb = m.forgetBias1 ? ' Initialised with b_f = 1, so the forget gate starts mostly open.' : '';
  switch (m.cell) {
    case 'vanilla': {
      const phi = PHI[m.activation];
      return [
        {
          tex: 'z_t = W_h h_{t-1} + W_x x_t + b',
          note: 'Pre-activation: the previous state and the current input, mixed linearly. b = b_ih + b_hh (PyTorch keeps two bias vectors; only their sum matters).',
        },
        {
          tex: `h_t = ${phi.tex}(z_t)`,
          note: `New hidden state: φ = ${phi.words}. The update is multiplicative, so ∂hₜ/∂hₜ₋₁ = diag(φ′(zₜ)) W_h. h₀ = 0 at the start of a sequence.`,
        },
      ];
    }
    case 'lstm':
      return [
        { tex: `i_t = \\sigma(${affine('i')})`, note: 'Input gate: how much of the candidate gₜ enters the cell state.' },
        { tex: `f_t = \\sigma(${affine('f')})`, note: `Forget gate: how much of cₜ₋₁ is kept (the chapter's αₜ, acting on the cell state).${fb}` },
        { tex: `g_t = \\tanh(${affine('g')})`, note: "Candidate values (the chapter's h̃ₜ)." },
        { tex: `o_t = \\sigma(${affine('o')})`, note: 'Output gate: how much of the cell state is exposed as hₜ.' },
        {
          tex: 'c_t = f_t \\odot c_{t-1} + i_t \\odot g_t',
          note: 'Additive update of the cell state: ∂cₜ/∂cₜ₋₁ = diag(fₜ), so gradients survive while fₜ ≈ 1. c₀ = 0.',
        },
        { tex: 'h_t = o_t \\odot \\tanh(c_t)', note: 'Hidden state read out of the cell state. Each b_· is the sum of PyTorch\'s b_ih and b_hh blocks.' },
      ];
    case 'gru':
      return [
        { tex: `r_t = \\sigma(${affine('r')})`, note: 'Reset gate: how much of the previous state feeds the candidate.' },
        { tex: `z_t = \\sigma(${affine('z')})`, note: 'Update gate: how much of the previous state is kept.' },
        {
          tex: 'n_t = \\tanh\\big(W_{xn} x_t + b_{xn} + r_t \\odot (W_{hn} h_{t-1} + b_{hn})\\big)',
          note: "Candidate (the chapter's h̃ₜ). PyTorch's form: the reset gate multiplies W_hn hₜ₋₁ + b_hn after the product, so b_hn stays inside.",
        },
        {
          tex: 'h_t = (1 - z_t) \\odot n_t + z_t \\odot h_{t-1}',
          note: "Interpolation between the candidate and the old state: the chapter's αₜ = zₜ, βₜ = 1 − zₜ, h̃ₜ = nₜ. b_r and b_z are sums of PyTorch's two bias blocks.",
        },
      ];
    case 'gated': {
      const lines: EquationLine[] = [
        { tex: `\\alpha_t = \\sigma(${affine('\\alpha')})`, note: 'Keep gate αₜ: how much of hₜ₋₁ passes straight through.' },
      ];
      if (m.coupled) {
        lines.push({ tex: '\\beta_t = 1 - \\alpha_t', note: 'Coupled gates: βₜ = 1 − αₜ, so the new state is a convex mix of old state and candidate.' });
      } else {
        lines.push({ tex: `\\beta_t = \\sigma(${affine('\\beta')})`, note: 'Write gate βₜ, learned independently of αₜ.' });
      }
      lines.push(
        { tex: `\\tilde{h}_t = \\tanh(${affine('\\tilde{h}')})`, note: 'Candidate state h̃ₜ.' },
        {
          tex: 'h_t = \\alpha_t \\odot h_{t-1} + \\beta_t \\odot \\tilde{h}_t',
          note: "The chapter's additive update: hₜ₋₁ reaches hₜ through diag(αₜ), not through σ(W_h ·), so ∂hₜ/∂hₜ₋₁ ≈ I while αₜ ≈ 1. Each b_· is the sum of PyTorch's b_ih and b_hh blocks.",
        },
      );
      return lines;
    }
  }
}

/** The layer-stacking and residual lines; the engine adds the residual to the layer's output, not to its recurrent state. */
function stackLines(m: EquationModel): { lines: EquationLine[]; top: string } {
  const L = Math.max(1, Math.floor(m.layers));
  const state = m.cell === 'lstm' ? 'h^{(l)}_{t-1}, c^{(l)}_{t-1}' : 'h^{(l)}_{t-1}';
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

const TITLES: Record<EquationModel['cell'], string> = {
  vanilla: 'Vanilla RNN',
  lstm: 'LSTM',
  gru: 'GRU (PyTorch form)',
  gated: 'Gated additive cell',
};

function title(m: EquationModel): string {
  const L = Math.max(1, Math.floor(m.layers));
  let t = TITLES[m.cell];
  if (m.cell === 'vanilla') t += ` (${PHI[m.activation].name})`;
  if (m.cell === 'gated') t += m.coupled ? ' (coupled: β = 1 − α)' : ' (free α, β)';
  if (L > 1) t += `, ${L} layers`;
  if (m.residual) t += ', residual';
  return t;
}

const times = (a: number | string, b: number | string): string => `${a} × ${b}`;

/** Parameter shapes and count: per layer W_x [G·m, d], W_h [G·m, m], b_ih and b_hh [G·m]; head W_y [p, m], b_y [p]. */
function shapes(m: EquationModel): string {
  const h = Math.max(1, Math.floor(m.hiddenSize));
  const L = Math.max(1, Math.floor(m.layers));
  const gates = gateNames(m);
  const G = Math.max(1, gates.length);
  const rows = G * h;
  const blocks = gates.length > 0 ? ` (${G} blocks of ${times(h, 'd')}: ${gates.join(', ')})` : '';
  const parts = [
    `m = ${h} hidden units, d inputs, p outputs.`,
    `${L > 1 ? 'Layer 1' : 'Layer'}: W_x ${times(rows, 'd')}${blocks}, W_h ${times(rows, h)}, b_ih and b_hh ${rows} each.`,
  ];
  if (L > 1) parts.push(`${L === 2 ? 'Layer 2' : `Layers 2–${L}`}: W_x ${times(rows, h)}, W_h ${times(rows, h)}, biases ${rows} each.`);
  parts.push(`Head: W_y ${times('p', h)}, b_y p.`);
  const perDeeper = rows * (2 * h + 2);
  const constant = rows * (h + 2) + (L - 1) * perDeeper;
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
      note = `Glorot-uniform W_x per gate block, U(±√(6/(d + m))); orthogonal W_h per gate block (Saxe et al. 2014); biases 0; ${head}.`;
      break;
    case 'identity':
      note = `Identity (IRNN, Le, Jaitly & Hinton 2015): W_h = I in every gate block, W_x ~ N(0, 0.001²), biases 0; ${head}.`;
      if (m.cell !== 'vanilla' || m.activation !== 'relu') note += ' The IRNN pairs it with a vanilla ReLU cell.';
      break;
  }
  if (m.forgetBias1) {
    note += m.cell === 'lstm'
      ? ' Forget-gate bias 1 (Jozefowicz et al. 2015): b_ih is 1 and b_hh is 0 in the f block, so fₜ ≈ σ(1) ≈ 0.73 at first.'
      : ' (Forget bias 1 applies to the LSTM only; ignored for this cell.)';
  }
  return note;
}

/** The equations, shapes and initialiser note for a model, in the chapter's notation; pure. */
export function cellEquations(m: EquationModel): CellEquations {
  const stack = stackLines(m);
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
    katex.render(line.tex, maths, { throwOnError: true, displayMode: true, output: 'htmlAndMathml' });
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
