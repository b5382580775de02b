/** The equations panel's pure part: every model's TeX parses in KaTeX, and the notes match the engine's choices. */
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import katex from 'katex';

// webview/equations.ts also holds DOM code, which the root tsconfig (no DOM lib) must not see; load it by URL as
// webviewPure.test.ts does and restate the signature used here.
interface EquationModel {
  cell: 'vanilla' | 'lstm' | 'gru' | 'gated' | 'custom';
  activation: 'sigmoid' | 'tanh' | 'relu';
  coupled: boolean;
  hiddenSize: number;
  layers: number;
  residual: boolean;
  init: 'pytorch' | 'glorot-orthogonal' | 'identity';
  forgetBias1: boolean;
  equations?: string[];
}
interface EquationsModule {
  cellEquations(m: EquationModel): { title: string; lines: { tex: string; note: string }[]; shapes: string; initNote: string };
}

let eq: EquationsModule;
before(async () => {
  eq = (await import(new URL('../../../webview/equations.ts', import.meta.url).href)) as EquationsModule;
});

const CELLS = ['vanilla', 'lstm', 'gru', 'gated'] as const;
const ACTIVATIONS = ['sigmoid', 'tanh', 'relu'] as const;
const INITS = ['pytorch', 'glorot-orthogonal', 'identity'] as const;
const base: EquationModel = {
  cell: 'vanilla', activation: 'tanh', coupled: false, hiddenSize: 16, layers: 1, residual: false, init: 'pytorch', forgetBias1: false,
};
const texOf = (m: Partial<EquationModel>): string => eq.cellEquations({ ...base, ...m }).lines.map((l) => l.tex).join('\n');

test('every combination renders in KaTeX with throwOnError, and every line has a note', () => {
  let count = 0;
  for (const cell of CELLS) for (const activation of ACTIVATIONS) for (const coupled of [false, true])
    for (const layers of [1, 2]) for (const residual of [false, true]) for (const init of INITS) for (const forgetBias1 of [false, true]) {
      const out = eq.cellEquations({ ...base, cell, activation, coupled, layers, residual, init, forgetBias1 });
      assert.ok(out.title.length > 0);
      assert.ok(out.lines.length >= 2);
      assert.ok(out.shapes.includes('m = 16'), out.shapes);
      assert.ok(out.initNote.length > 0);
      for (const line of out.lines) {
        assert.ok(line.note.trim().length > 0, `${cell}: empty note for ${line.tex}`);
        const html = katex.renderToString(line.tex, { throwOnError: true, displayMode: true, output: 'htmlAndMathml' });
        assert.ok(html.includes('<math'), 'MathML present for screen readers');
        // KaTeX paths that write a style attribute into SVG (blocked by the webview CSP) must not be used.
        assert.doesNotMatch(html, /<svg[^>]*style=/, `${cell}: ${line.tex}`);
      }
      count++;
    }
  assert.equal(count, 4 * 3 * 2 * 2 * 2 * 3 * 2);
});

test('vanilla substitutes the chosen activation', () => {
  assert.match(texOf({ activation: 'tanh' }), /h_t = \\tanh\(z_t\)/);
  assert.match(texOf({ activation: 'sigmoid' }), /h_t = \\sigma\(z_t\)/);
  assert.match(texOf({ activation: 'relu' }), /h_t = \\operatorname\{ReLU\}\(z_t\)/);
  assert.match(texOf({}), /W_h h_\{t-1\} \+ W_x x_t \+ b/);
});

test('gated cell: free β gate, or β = 1 − α when coupled; additive update', () => {
  const coupled = texOf({ cell: 'gated', coupled: true });
  assert.ok(coupled.includes('\\beta_t = 1 - \\alpha_t'), coupled);
  assert.ok(coupled.includes('h_t = \\alpha_t \\odot h_{t-1} + \\beta_t \\odot \\tilde{h}_t'));
  const free = texOf({ cell: 'gated', coupled: false });
  assert.ok(!free.includes('1 - \\alpha'));
  assert.ok(free.includes('\\beta_t = \\sigma('));
  assert.match(eq.cellEquations({ ...base, cell: 'gated', coupled: true }).shapes, /2 blocks/);
  assert.match(eq.cellEquations({ ...base, cell: 'gated', coupled: false }).shapes, /3 blocks/);
});

test('GRU in PyTorch form: reset applied after the recurrent product, z keeps the old state', () => {
  const tex = texOf({ cell: 'gru' });
  assert.ok(tex.includes('r_t \\odot (W_{hn} h_{t-1} + b_{hn})'), tex);
  assert.ok(tex.includes('h_t = (1 - z_t) \\odot n_t + z_t \\odot h_{t-1}'), tex);
});

test('LSTM: cell-state update, and the forget-bias note when forgetBias1', () => {
  const tex = texOf({ cell: 'lstm' });
  assert.ok(tex.includes('c_t = f_t \\odot c_{t-1} + i_t \\odot g_t'));
  assert.ok(tex.includes('h_t = o_t \\odot \\tanh(c_t)'));
  const withBias = eq.cellEquations({ ...base, cell: 'lstm', forgetBias1: true });
  assert.match(withBias.initNote, /[Ff]orget-gate bias 1/);
  assert.ok(withBias.lines.some((l) => l.note.includes('b_f = 1')));
  const without = eq.cellEquations({ ...base, cell: 'lstm', forgetBias1: false });
  assert.doesNotMatch(without.initNote, /[Ff]orget/);
  assert.match(eq.cellEquations({ ...base, cell: 'gru', forgetBias1: true }).initNote, /forget gate only/);
});

test('initialiser notes', () => {
  assert.match(eq.cellEquations({ ...base, init: 'identity', activation: 'relu' }).initNote, /IRNN.*W_h = I.*biases 0/);
  assert.match(eq.cellEquations({ ...base, init: 'pytorch', hiddenSize: 16 }).initNote, /U\(−0\.25, 0\.25\)/);
  assert.match(eq.cellEquations({ ...base, init: 'glorot-orthogonal' }).initNote, /orthogonal W_h/);
});

test('layers and residual: per-layer superscripts, residual adds the layer input to its output, readout from the top', () => {
  const one = texOf({});
  assert.ok(one.includes('\\hat{y}_t = W_y h_t + b_y'));
  const stacked = texOf({ layers: 2 });
  assert.ok(stacked.includes('h^{(0)}_t = x_t'));
  assert.ok(stacked.includes('\\hat{y}_t = W_y h^{(2)}_t + b_y'));
  assert.ok(!stacked.includes('o^{('));
  const residual = texOf({ layers: 2, residual: true });
  assert.ok(residual.includes('o^{(l)}_t = h^{(l)}_t + o^{(l-1)}_t'));
  assert.ok(residual.includes('\\hat{y}_t = W_y o^{(2)}_t + b_y'));
  const lstm = texOf({ cell: 'lstm', layers: 3 });
  assert.ok(lstm.includes('c^{(l)}_{t-1}') && lstm.includes('l = 1, \\dots, 3'));
  const singleResidual = texOf({ residual: true });
  assert.ok(singleResidual.includes('o_t = h_t + x_t'));
});

test('shapes: stacked gate rows and parameter count for m = 16', () => {
  const lstm = eq.cellEquations({ ...base, cell: 'lstm', hiddenSize: 16, layers: 2 }).shapes;
  assert.match(lstm, /W_x 64 × d/);
  assert.match(lstm, /W_h 64 × 16/);
  assert.match(lstm, /Layer 2: W_x 64 × 16/);
  // layer 1: 64(16 + 2) = 1152; layer 2: 64(32 + 2) = 2176; head 17 p
  assert.match(lstm, /Parameters: 64·d \+ 3328 \+ 17·p/);
  const vanilla = eq.cellEquations({ ...base, hiddenSize: 8 }).shapes;
  assert.match(vanilla, /W_x 8 × d, W_h 8 × 8/);
});

test('a custom cell: every equation typesets as you type (incomplete ones are left out), with its parameters and init', async () => {
  const { EQUATION_PRESETS } = await import('../../../src/shared/protocol');
  const cells = [
    ...EQUATION_PRESETS.map((p) => p.equations),
    ['k = sigmoid(u_k * h + W_k @ x + b_k)', "h' = k * h + (1 - k) * relu(W_c @ x + U_c @ (k * h) + b_c)"],
    ["c' = tanh(W_c @ x + U_c @ h + b_c)", "h' = 0.5 * c' + softplus(U_h @ c') / (2 + exp(-h)) - c"],
    ["alpha2 = -sigmoid(-(W_a @ x))", "h' = alpha2 * h - (h - 1) / (2 - -h)"],
  ];
  for (const equations of cells) {
    for (const layers of [1, 3]) {
      const out = eq.cellEquations({ ...base, cell: 'custom', equations, layers, residual: layers > 1 });
      assert.equal(out.lines.length, equations.length + (layers > 1 ? 2 : 0) + 1, JSON.stringify(equations));
      for (const line of out.lines) assert.doesNotThrow(() => katex.renderToString(line.tex, { throwOnError: true }), line.tex);
      assert.match(out.title, /^Custom cell/);
      assert.match(out.shapes, /Parameters: \d+·d \+ \d+ \+ 17·p\./);
    }
  }
  const gru = eq.cellEquations({ ...base, cell: 'custom', equations: EQUATION_PRESETS.find((p) => p.id === 'gru')!.equations });
  assert.match(gru.shapes, /W_r 16 × d, .*U_r 16 × 16, .*b_hn 16/);
  // the same count as the built-in GRU: W 48·d, U 3·16·16 = 768, two biases per gate 6·16 = 96
  assert.match(gru.shapes, /Parameters: 48·d \+ 864 \+ 17·p/);
  assert.match(gru.lines[2].tex, /r_t \\odot \\left\(U_\{n\} h_\{t-1\} \+ b_\{hn\}\\right\)/);
  assert.match(eq.cellEquations({ ...base, cell: 'custom', equations: ['a = 1', "h' = tanh(W_a @ x"] }).lines[0].tex, /^a_t = 1$/);
  assert.match(eq.cellEquations({ ...base, cell: 'custom', init: 'glorot-orthogonal', equations: ["h' = h"] }).initNote, /u_k ~ U\(0, 1\)/);
});
