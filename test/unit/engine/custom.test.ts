/**
 * User-defined cells: the language's errors at their place, gradients by finite differences, the one-step Jacobian,
 * the spelled-out GRU and LSTM against the built-in cells (to 1e-12), training with every optimiser and truncation.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  additivePath, analyseBound, backwardStack, checkCell, compileCell, createModel, createRng, createWorkspace, EQUATION_PRESETS,
  EquationError, forwardStack, gradCheck, headForward, headLoss, modelConfig, parseCell, stateSize, stepJacobian, train,
  type Model, type ModelConfig, type StackState,
} from '../../../src/engine/index';
import { randomBatch, randomSamples, randomState } from './helpers';

const preset = (id: string): string[] => EQUATION_PRESETS.find((p) => p.id === id)!.equations;

/** Cells the tests train and check: two states, diagonal weights, a new state read after its assignment, two U groups. */
const CELLS: Record<string, string[]> = {
  chapter: preset('chapter-gated'),
  peepholes: ['f = sigmoid(W_f @ x + U_f @ h + u_f * c + b_f)', 'i = sigmoid(W_i @ x + U_i @ h + b_i)', "c' = f * c + i * tanh(W_c @ x + U_c @ h + b_c)", "h' = sigmoid(W_o @ x + U_o @ h + u_o * c' + b_o) * tanh(c')"],
  diagonal: ["h' = relu(W_a @ x + u_a * h + b_a)"],
  newState: ["c' = tanh(W_c @ x + U_c @ h + b_c)", "h' = 0.5 * c' + softplus(U_h @ c') / (2 + exp(-h)) - c"],
  resetInside: ['r = sigmoid(W_r @ x + U_r @ h + b_r)', "h' = tanh(W_h @ x + U_h @ (r * h) + b_h) / 1.5 - -0.1"],
  threeStates: ["a' = tanh(W_a @ x + U_a @ h)", "b' = sigmoid(u_b * b + U_b @ a')", "h' = b' * h + (1 - b') * a' + 0 * a"],
};

// ---- the language ----

/** The one problem of some equations: [equation, column, message pattern]. */
function problem(equations: string[]): { equation: number; column: number; message: string } {
  const r = checkCell(equations);
  assert.equal(r.errors.length, 1, JSON.stringify(r.errors));
  return r.errors[0];
}

test('every error names the equation, the column and the problem', () => {
  const cases: [string[], number, number, RegExp][] = [
    [['a = tanh(W_a @ x)', "h' = q + a"], 2, 6, /unknown name "q"/],
    [["h' = tanh(W_a @ x + U_a @ c)"], 1, 27, /unknown name "c"/],
    [["h' = tanh(c' + W_a @ x)"], 1, 11, /c' is read but never assigned/],
    [["h' = tanh(W_a @ h)"], 1, 17, /W_a is a hidden × input matrix: it multiplies x/],
    [["h' = tanh(U_a @ x)"], 1, 17, /U_a is a hidden × hidden matrix: it multiplies a hidden-size vector, not x/],
    [["h' = tanh(W_a * x)"], 1, 11, /W_a is a hidden × input matrix: write W_a @ x/],
    [["h' = tanh(U_a @ h) + U_a * h"], 1, 22, /U_a is used with two shapes/],
    [["h' = tanh(W_a @ x + W_a @ h)"], 1, 21, /W_a is used with two shapes/],
    [['a = tanh(W_a @ x)', 'a = tanh(W_b @ x)', "h' = a"], 2, 1, /a is assigned twice \(first in equation 1\)/],
    [["h' = tanh(W_a @ x)", ''], 2, 1, /empty equation/],
    [["h' = tanh(W_a @ x +)"], 1, 20, /expected a name, a number or "\(", found "\)"/],
    [["h' = tanh(W_a @ x"], 1, 18, /expected "\)"/],
    [["h' tanh(W_a @ x)"], 1, 4, /expected "=" after "h'"/],
    [["h' = tanh(W_a @ x) $"], 1, 20, /unexpected character "\$"/],
    [["h' = cosh(W_a @ x)"], 1, 6, /unknown function "cosh"/],
    [["h' = m + h", 'm = tanh(W_a @ x)'], 1, 6, /m is used before it is assigned \(equation 2\)/],
    [["h' = tanh(W_a @ x) + h'"], 1, 22, /h' is read before its assignment/],
    [['a = tanh(W_a @ x)'], 1, 1, /no equation assigns h'/],
    [["h = tanh(W_a @ x)", "h' = h"], 1, 1, /h is a state .* did you mean h' = …\?/],
    [["h' = b_a @ h"], 1, 10, /@ needs a W_ or U_ matrix on its left/],
    [["W_a = tanh(h)", "h' = h"], 1, 1, /W_a is a parameter name/],
    [['a = 2 * 3', "h' = a * h"], 1, 1, /a is a single number/],
  ];
  for (const [eqs, equation, column, message] of cases) {
    const p = problem(eqs);
    assert.equal(`${p.equation}:${p.column}`, `${equation}:${column}`, `${JSON.stringify(eqs)}: ${p.message}`);
    assert.match(p.message, message, JSON.stringify(eqs));
  }
  // thrown as one RangeError whose message says where
  assert.throws(() => parseCell(["h' = q"]), (e: unknown) => e instanceof EquationError && e instanceof RangeError && /^equation 1, column 6: unknown name "q"/.test(e.message));
  // a model config with wrong equations fails to build, naming the place
  assert.throws(() => modelConfig({ cell: 'custom', equations: ["h' = tanh(W_a @ h)"], inputSize: 2 }), /equation 1, column 17/);
  assert.throws(() => modelConfig({ cell: 'custom', inputSize: 2 }), /needs its equations/);
  assert.throws(() => modelConfig({ cell: 'gru', equations: ["h' = h"], inputSize: 2 }), /equations are for cell "custom"/);
});

test('a parameter or a name that does not reach h\' is a warning, not an error', () => {
  const r = checkCell(['a = sigmoid(W_a @ x + b_a)', 'g = tanh(U_g @ h)', "h' = g"]);
  assert.deepEqual(r.errors, []);
  assert.deepEqual(r.warnings.map((w) => `${w.equation}:${w.column} ${w.message}`), [
    "1:13 W_a does not influence h': it will not learn",
    "1:23 b_a does not influence h': it will not learn",
    "1:1 a does not influence h'",
  ]);
  // influence through another state, over steps, counts
  assert.deepEqual(checkCell(["c' = tanh(W_c @ x + u_c * c)", "h' = sigmoid(U_h @ h) * c"]).warnings, []);
});

test('the state is the primed names, h first; parameters take their shapes from their prefixes', () => {
  const spec = parseCell(CELLS.peepholes);
  assert.deepEqual(spec.states, ['h', 'c']);
  assert.deepEqual(spec.intermediates, ['f', 'i']);
  const model = createModel(modelConfig({ cell: 'custom', equations: CELLS.peepholes, inputSize: 3, hiddenSize: 4, layers: 2 }), { seed: 1 });
  const shape = (name: string): number[] | undefined => model.layout.tensors.find((t) => t.name === name)?.shape;
  assert.deepEqual(shape('W_f_l0'), [4, 3]);
  assert.deepEqual(shape('W_f_l1'), [4, 4]);
  assert.deepEqual(shape('U_o_l0'), [4, 4]);
  assert.deepEqual(shape('u_f_l0'), [4]);
  assert.deepEqual(shape('b_o_l1'), [4]);
  // u_ starts in (0, 1); W_, U_, b_ in ±1/√m (PyTorch's default)
  const u = model.layout.tensors.find((t) => t.name === 'u_f_l0')!;
  for (let i = 0; i < 4; i++) assert.ok(model.theta[u.offset + i] > 0 && model.theta[u.offset + i] < 1);
  for (const t of model.layout.tensors) if (!t.name.startsWith('u_')) for (let i = 0; i < t.size; i++) assert.ok(Math.abs(model.theta[t.offset + i]) <= 0.5);
  // the U's that multiply h are laid out together: one product per step
  const prog = compileCell(CELLS.peepholes);
  assert.equal(prog.groups.length, 1);
  assert.equal(prog.groups[0].params.length, 4);
});

// ---- gradients ----

const HEADS = [
  { readout: 'last', loss: 'mse', outputSize: 2 }, { readout: 'every', loss: 'mse', outputSize: 2 },
  { readout: 'last', loss: 'binary', outputSize: 1 }, { readout: 'every', loss: 'softmax', outputSize: 3 },
] as const;

function gradientCheck(cfg: ModelConfig, lengths: number[], seed: number, label: string): void {
  const model = createModel(cfg, { seed });
  const { batch, targets } = randomBatch(cfg, lengths, seed + 1);
  const init = randomState(cfg, lengths.length, seed + 2);
  const r = gradCheck(model, batch, targets, { init });
  const worst = r.entries.reduce((a, b) => (b.maxRelErr > a.maxRelErr ? b : a));
  assert.ok(r.maxRelErr < 1e-5, `${label}: ${worst.worstAt} analytic ${worst.analytic} numeric ${worst.numeric} (rel ${worst.maxRelErr})`);
  const names = r.entries.map((e) => e.name);
  assert.ok(names.includes('h0_l0') && names.includes('x'));
  if (parseCell(cfg.equations!).states.length > 1) assert.ok(names.includes('c0_l0'), `${label}: the other states' initial values are checked`);
  for (const e of r.entries) assert.ok(e.checked > 0);
}

for (const [name, equations] of Object.entries(CELLS)) {
  for (const h of HEADS) {
    test(`gradient check, custom ${name}, ${h.readout}/${h.loss}, masked batch of lengths 5,2,4`, () => {
      gradientCheck(modelConfig({ cell: 'custom', equations, ...h, inputSize: 3, hiddenSize: 4 }), [5, 2, 4], 31, name);
    });
  }
  test(`gradient check, custom ${name}, 3 stacked layers with residual connections`, () => {
    gradientCheck(modelConfig({ cell: 'custom', equations, inputSize: 4, hiddenSize: 4, layers: 3, residual: true, readout: 'every', loss: 'mse', outputSize: 2 }), [6, 3], 41, `${name} stacked`);
  });
}

test('a sabotaged backward pass is caught by the check (one equation\'s derivative off)', () => {
  const cfg = modelConfig({ cell: 'custom', equations: CELLS.chapter, inputSize: 3, hiddenSize: 4 });
  const model = createModel(cfg, { seed: 2 });
  const { batch, targets } = randomBatch(cfg, [4, 3], 3);
  const r = gradCheck(model, batch, targets, { sabotage: (g) => { g[model.layout.tensors.find((t) => t.name === 'U_a_l0')!.offset + 1] *= 1.001; } });
  assert.ok(r.maxRelErr > 1e-4);
});

// ---- the one-step Jacobian ----

function oneStep(model: Model, x: Float64Array, state: Float64Array, S: number): Float64Array {
  const m = model.config.hiddenSize;
  const ws = createWorkspace(model.config, 1, 1);
  forwardStack(model, ws, { T: 1, B: 1, inputSize: model.config.inputSize, x, lengths: new Int32Array([1]) }, { h: [state.slice(0, m)], c: [state.slice(m)] });
  const cw = ws.layers[0].custom!;
  const out = new Float64Array(S * m);
  for (let s = 0; s < S; s++) out.set(cw.S[s].subarray(m, 2 * m), s * m);
  return out;
}

for (const [name, equations] of Object.entries(CELLS)) {
  test(`one-step Jacobian from the graph matches finite differences: custom ${name}`, () => {
    const model = createModel(modelConfig({ cell: 'custom', equations, inputSize: 2, hiddenSize: 5 }), { seed: 7 });
    const rng = createRng(8);
    const n = stateSize(model);
    const S = parseCell(equations).states.length;
    assert.equal(n, S * 5);
    const state = Float64Array.from({ length: n }, () => rng.normal());
    const x = Float64Array.from({ length: 2 }, () => rng.normal());
    const ws = createWorkspace(model.config, 1, 1);
    forwardStack(model, ws, { T: 1, B: 1, inputSize: 2, x, lengths: new Int32Array([1]) }, { h: [state.slice(0, 5)], c: [state.slice(5)] });
    const J = new Float64Array(n * n);
    stepJacobian(model, ws, 0, 0, 0, new Int32Array([1]), J);
    const eps = 1e-6;
    let worst = 0;
    for (let j = 0; j < n; j++) {
      const p = state.slice();
      const q = state.slice();
      p[j] += eps;
      q[j] -= eps;
      const fp = oneStep(model, x, p, S);
      const fq = oneStep(model, x, q, S);
      for (let i = 0; i < n; i++) worst = Math.max(worst, Math.abs((fp[i] - fq[i]) / (2 * eps) - J[i * n + j]));
    }
    assert.ok(worst < 1e-8, `${name}: ${worst}`);
  });
}

test('the bound analysis of a custom cell: measured within ∏‖J_k‖₂, the additive path found from the graph', () => {
  const rng = createRng(9);
  const x = Float64Array.from({ length: 40 * 2 }, () => rng.normal());
  for (const [name, equations] of Object.entries(CELLS)) {
    const model = createModel(modelConfig({ cell: 'custom', equations, inputSize: 2, hiddenSize: 6 }), { seed: 10 });
    const r = analyseBound(model, x);
    assert.equal(r.holds, true, `${name}: ${r.verdict}`);
    assert.ok(r.tightLog10 && r.tightLog10.length === 40);
    assert.match(r.verdict, /within the product of the one-step norms/);
  }
  assert.deepEqual(additivePath(compileCell(CELLS.chapter)), { state: 0, gate: additivePath(compileCell(CELLS.chapter))!.gate, name: 'a' });
  assert.equal(additivePath(compileCell(CELLS.peepholes))?.name, 'f');
  assert.equal(additivePath(compileCell(preset('gru')))?.name, 'z');
  assert.equal(additivePath(compileCell(CELLS.diagonal)), null);
  // the chapter's cell: the additive path ∏a is reported per lag, and it is a product of gate values in (0, 1)
  const model = createModel(modelConfig({ cell: 'custom', equations: CELLS.chapter, inputSize: 2, hiddenSize: 6 }), { seed: 10 });
  const r = analyseBound(model, x);
  assert.ok(r.additiveLog10 && r.additiveLog10.length === 40);
  for (let i = 1; i < 40; i++) assert.ok(r.additiveLog10[i] <= r.additiveLog10[i - 1] + 1e-12);
  assert.match(r.verdict, /additive path through the gate a on h/);
});

// ---- the spelled-out GRU and LSTM equal the built-ins ----

/** Runs a model forward and backward on a batch: head outputs, loss, gradients and ∂L/∂(h0, c0). */
function run(model: Model, cfg: ModelConfig, lengths: number[], seed: number, init: StackState) {
  const { batch, targets } = randomBatch(cfg, lengths, seed);
  const ws = createWorkspace(cfg, batch.T, batch.B);
  forwardStack(model, ws, batch, init);
  headForward(model, ws, batch);
  const grads = new Float64Array(model.layout.total);
  const loss = headLoss(model, ws, batch, targets, grads).loss;
  const d0 = backwardStack(model, ws, batch, grads, { inputGrad: true });
  return { Y: Float64Array.from(ws.Y), loss, grads, d0, dX: Float64Array.from(ws.layers[0].dX) };
}

for (const kind of ['gru', 'lstm'] as const) {
  test(`the ${kind.toUpperCase()} spelled out as equations equals the built-in ${kind.toUpperCase()} to 1e-12: outputs, loss, every gradient`, () => {
    const m = 5;
    for (const layers of [1, 2]) {
      const base = { inputSize: 3, hiddenSize: m, layers, residual: layers > 1, readout: 'every' as const, outputSize: 2 };
      const builtinCfg = modelConfig({ cell: kind, ...base });
      const customCfg = modelConfig({ cell: 'custom', equations: preset(kind), ...base });
      const builtin = createModel(builtinCfg, { seed: 12 });
      const custom = createModel(customCfg, { seed: 99 });
      // map the built-in's state dict (gate rows r z n / i f g o) onto the named parameters
      const gates = kind === 'gru' ? ['r', 'z', 'n'] : ['i', 'f', 'g', 'o'];
      const tensor = (model: Model, name: string) => model.layout.tensors.find((t) => t.name === name)!;
      const map: [string, string, number][] = []; // custom name, built-in name, row block
      for (let l = 0; l < layers; l++) {
        gates.forEach((g, k) => {
          map.push([`W_${g}_l${l}`, `weight_ih_l${l}`, k], [`U_${g}_l${l}`, `weight_hh_l${l}`, k], [`b_i${g}_l${l}`, `bias_ih_l${l}`, k], [`b_h${g}_l${l}`, `bias_hh_l${l}`, k]);
        });
      }
      for (const [c, b, k] of map) {
        const ct = tensor(custom, c);
        const bt = tensor(builtin, b);
        custom.theta.set(builtin.theta.subarray(bt.offset + k * ct.size, bt.offset + (k + 1) * ct.size), ct.offset);
      }
      for (const h of ['head.weight', 'head.bias']) custom.theta.set(builtin.theta.subarray(tensor(builtin, h).offset, tensor(builtin, h).offset + tensor(builtin, h).size), tensor(custom, h).offset);
      const init = randomState(builtinCfg, 3, 13);
      const a = run(builtin, builtinCfg, [6, 2, 5], 14, init);
      const b = run(custom, customCfg, [6, 2, 5], 14, init);
      const close = (x: ArrayLike<number>, y: ArrayLike<number>, what: string): void => {
        assert.equal(x.length, y.length, what);
        for (let i = 0; i < x.length; i++) assert.ok(Math.abs(x[i] - y[i]) <= 1e-12 * Math.max(1, Math.abs(x[i])), `${what}[${i}]: ${x[i]} vs ${y[i]}`);
      };
      close(a.Y, b.Y, 'outputs');
      close([a.loss], [b.loss], 'loss');
      for (const [c, bn, k] of map) {
        const ct = tensor(custom, c);
        const bt = tensor(builtin, bn);
        close(a.grads.subarray(bt.offset + k * ct.size, bt.offset + (k + 1) * ct.size), b.grads.subarray(ct.offset, ct.offset + ct.size), `∂L/∂${c}`);
      }
      close(a.grads.subarray(tensor(builtin, 'head.weight').offset), b.grads.subarray(tensor(custom, 'head.weight').offset), '∂L/∂head');
      for (let l = 0; l < layers; l++) {
        close(a.d0.h[l], b.d0.h[l], `∂L/∂h0_l${l}`);
        close(a.d0.c[l], b.d0.c[l], `∂L/∂c0_l${l}`);
      }
      close(a.dX, b.dX, '∂L/∂x');
    }
  });
}

// ---- training ----

test('a custom cell trains with every optimiser and with truncated BPTT, and its loss falls', () => {
  const equations = CELLS.peepholes;
  const cfg = modelConfig({ cell: 'custom', equations, inputSize: 2, hiddenSize: 6, readout: 'every', outputSize: 1 });
  const samples = randomSamples(cfg, [12, 12, 10, 12, 9, 12, 12, 11], 50).map((s) => {
    // target: the running sum of the first input, a little memory
    let acc = 0;
    const y = new Float64Array(s.x.length / 2);
    for (let t = 0; t < y.length; t++) y[t] = acc = 0.7 * acc + 0.5 * s.x[2 * t];
    return { x: s.x, y };
  });
  for (const optimizer of ['sgd', 'momentum', 'adam'] as const) {
    for (const truncate of [0, 4]) {
      const model = createModel(cfg, { seed: 3 });
      const r = train(model, samples, { epochs: 15, batchSize: 4, optimizer: { kind: optimizer, lr: optimizer === 'adam' ? 0.02 : 0.1 }, seed: 1, tbptt: truncate || undefined });
      const first = r.epochs[0].trainLoss;
      const last = r.epochs[r.epochs.length - 1].trainLoss;
      assert.ok(last < 0.8 * first, `${optimizer} truncate ${truncate}: ${first} → ${last}`);
    }
  }
});

test('the generated (fused) loops compute what the interpreter computes: outputs bit for bit, gradients to 1e-13', async () => {
  const { setCustomCodegen } = await import('../../../src/engine/cells/custom/layer');
  for (const [name, equations] of Object.entries(CELLS)) {
    const cfg = modelConfig({ cell: 'custom', equations, inputSize: 3, hiddenSize: 6, layers: 2, residual: true, readout: 'every', outputSize: 2 });
    const model = createModel(cfg, { seed: 5 });
    const init = randomState(cfg, 3, 6);
    const fused = run(model, cfg, [7, 3, 5], 8, init);
    setCustomCodegen(false);
    try {
      const interpreted = run(model, cfg, [7, 3, 5], 8, init);
      assert.deepEqual(Array.from(fused.Y), Array.from(interpreted.Y), `${name}: outputs`);
      for (let i = 0; i < fused.grads.length; i++) {
        assert.ok(Math.abs(fused.grads[i] - interpreted.grads[i]) <= 1e-13 * Math.max(1, Math.abs(fused.grads[i])), `${name}: gradient ${i}`);
      }
    } finally {
      setCustomCodegen(true);
    }
  }
});

// ---- found in review: each once a bug ----

test('padded steps never reach the gradient: 0/0 on a padded input leaves every gradient finite and right', async () => {
  const { setCustomCodegen } = await import('../../../src/engine/cells/custom/layer');
  // (W_a x)/(W_a x) is 1 on every real step and 0/0 on a padded one (x = 0)
  for (const equations of [["h' = tanh(U_a @ h + W_c @ x) * ((W_a @ x) / (W_a @ x))"], ['r = (W_a @ x) / (W_a @ x)', "h' = r * tanh(U_a @ (r * h) + W_c @ x) + 1 / (r - 2)"]]) {
    for (const codegen of [true, false]) {
      setCustomCodegen(codegen);
      try {
        gradientCheck(modelConfig({ cell: 'custom', equations, inputSize: 2, hiddenSize: 3, readout: 'every', outputSize: 1 }), [4, 2, 1], 61, `${equations[0]} codegen ${codegen}`);
      } finally {
        setCustomCodegen(true);
      }
    }
  }
});

test('the language: names like b_ and W_, numbers too large, @ binds tighter than * and −, columns at the operand\'s start', () => {
  // a name that is only a prefix is an ordinary name
  assert.doesNotThrow(() => createModel(modelConfig({ cell: 'custom', equations: ['b_ = tanh(W_a @ x)', "h' = b_ * h"], inputSize: 2, hiddenSize: 3 })));
  assert.match(problem(["h' = h + 1e400"]).message, /1e400 is too large for a number/);
  // @ is the matrix product of the maths: z * U @ h, 2 * W @ x, −W @ x and U @ U @ h read as written
  for (const eq of ["h' = tanh(2 * W_a @ x + h * U_a @ h)", "h' = -W_a @ x + h", "h' = tanh(U_a @ U_b @ h)"]) assert.deepEqual(checkCell([eq]).errors, [], eq);
  assert.deepEqual(parseCell(["h' = tanh(U_a @ U_b @ h)"]).params.map((p) => p.name).sort(), ['U_a', 'U_b']);
  // the column of a wrong operand is where it starts, its "(" when parenthesised
  assert.equal(problem(["h' = tanh(W_a @ (h + h))"]).column, 17);
  assert.equal(problem(["h' = U_a @ (2 * 3) + h"]).column, 12);
  // one problem per equation, also when the name is assigned twice
  assert.equal(checkCell(["h' = tanh(W_a @ x)", "h' = q"]).errors.length, 1);
  // characters outside ASCII are named, whole
  assert.match(problem(["h' = h 😀"]).message, /unexpected character "😀" \(U\+1F600\)/);
});

test('the TeX of odd names and numbers typesets, and a product of numbers does not read as one number', async () => {
  const katex = (await import('katex')).default;
  const { previewCell } = await import('../../../src/engine/cells/custom/language');
  for (const eqs of [['_ = tanh(W_a @ x)', "h' = _"], ['a__ = h', "h' = a__ * 2 * 3"], ["h' = h * 1e-7 + 2.5e21"], ["h' = 2 * 3 * h"]]) {
    for (const l of previewCell(eqs).lines) assert.doesNotThrow(() => katex.renderToString(l.tex as string, { throwOnError: true }), String(l.tex));
  }
  assert.match(previewCell(["h' = 2 * 3 * h"]).lines[0].tex as string, /2 \\cdot 3/);
  assert.match(previewCell(["h' = h * 1e-7"]).lines[0].tex as string, /1 \\times 10\^\{-7\}/);
});

test('the additive gate is named as written, a parameter or an expression; a constant factor is not a gate', () => {
  const rng = createRng(3);
  const x = Float64Array.from({ length: 12 * 2 }, () => rng.normal());
  const cases: [string[], RegExp | null][] = [
    [["h' = u_f * h + tanh(W_a @ x)"], /additive path through the gate u_f on h/],
    [["h' = sigmoid(U_f @ h) * h + tanh(W_a @ x)"], /additive path through the gate sigmoid\(\(U_f @ h\)\) on h/],
    [["h' = 0.5 * h + tanh(W_a @ x)"], null],
  ];
  for (const [equations, words] of cases) {
    const r = analyseBound(createModel(modelConfig({ cell: 'custom', equations, inputSize: 2, hiddenSize: 3 }), { seed: 1 }), x);
    if (words) {
      assert.match(r.verdict, words);
      assert.ok(r.additiveLog10?.every((v) => Number.isFinite(v)));
    } else assert.equal(r.additiveLog10, null);
  }
});

test('−0 in an equation: the generated loops and the interpreter agree', async () => {
  const { setCustomCodegen } = await import('../../../src/engine/cells/custom/layer');
  const cfg = modelConfig({ cell: 'custom', equations: ["h' = tanh(W_a @ x + h / -0 + 1)"], inputSize: 2, hiddenSize: 3, readout: 'every' });
  const model = createModel(cfg, { seed: 2 });
  const init = randomState(cfg, 2, 3);
  const a = run(model, cfg, [3, 3], 4, init).Y;
  setCustomCodegen(false);
  try {
    assert.deepEqual(Array.from(run(model, cfg, [3, 3], 4, init).Y), Array.from(a));
  } finally {
    setCustomCodegen(true);
  }
});
