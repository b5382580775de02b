import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  createModel, modelConfig, createWorkspace, forwardStack, backwardStack, stepJacobian, stateSize, forEachProduct,
  createRng, type Model, type StackState,
  cellVariants, cellOf,
} from '../../../src/engine/index';

/** Every registered cell and variant (src/engine/cells/index.ts): a new cell is checked without editing this file. */
const CELLS = cellVariants();

/** The state (h, or h then c for the LSTM) after one step from `state` with input x. */
function oneStep(model: Model, x: Float64Array, state: Float64Array): Float64Array {
  const m = model.config.hiddenSize;
  const ws = createWorkspace(model.config, 1, 1);
  const init: StackState = { h: [state.slice(0, m)], c: [cellOf(model.config.cell).cellState ? state.slice(m) : new Float64Array(0)] };
  forwardStack(model, ws, { T: 1, B: 1, inputSize: model.config.inputSize, x, lengths: new Int32Array([1]) }, init);
  const w = ws.layers[0];
  const h = w.h.slice(m, 2 * m);
  return cellOf(model.config.cell).cellState ? Float64Array.of(...h, ...w.c.slice(m, 2 * m)) : h;
}

for (const c of CELLS) {
  const label = `${c.cell}${'activation' in c ? '/' + c.activation : ''}${'coupled' in c ? '/coupled' : ''}`;
  test(`one-step Jacobian matches finite differences: ${label}`, () => {
    const model = createModel(modelConfig({ ...c, inputSize: 2, hiddenSize: 5 }), { seed: 3 });
    const rng = createRng(4);
    const n = stateSize(model);
    const state = Float64Array.from({ length: n }, () => rng.normal());
    const x = Float64Array.from({ length: 2 }, () => rng.normal());
    const ws = createWorkspace(model.config, 1, 1);
    const m = model.config.hiddenSize;
    forwardStack(model, ws, { T: 1, B: 1, inputSize: 2, x, lengths: new Int32Array([1]) }, { h: [state.slice(0, m)], c: [cellOf(c.cell).cellState ? state.slice(m) : new Float64Array(0)] });
    const J = new Float64Array(n * n);
    stepJacobian(model, ws, 0, 0, 0, new Int32Array([1]), J);
    const eps = 1e-6;
    let worst = 0;
    for (let j = 0; j < n; j++) {
      const p = state.slice();
      const q = state.slice();
      p[j] += eps;
      q[j] -= eps;
      const fp = oneStep(model, x, p);
      const fq = oneStep(model, x, q);
      for (let i = 0; i < n; i++) worst = Math.max(worst, Math.abs((fp[i] - fq[i]) / (2 * eps) - J[i * n + j]));
    }
    assert.ok(worst < 1e-8, `${label}: ${worst}`);
  });
}

test('products of Jacobians reproduce backpropagation: ∂L/∂s_t = P_tᵀ ∂L/∂s_T', () => {
  for (const cell of ['vanilla', 'gru', 'gated'] as const) {
    const model = createModel(modelConfig({ cell, inputSize: 2, hiddenSize: 4 }), { seed: 5 });
    const T = 7;
    const rng = createRng(6);
    const x = Float64Array.from({ length: T * 2 }, () => rng.normal());
    const batch = { T, B: 1, inputSize: 2, x, lengths: new Int32Array([T]) };
    const ws = createWorkspace(model.config, T, 1);
    forwardStack(model, ws, batch);
    const g = Float64Array.from({ length: 4 }, () => rng.normal()); // ∂L/∂h_T
    ws.layers[0].dOut.fill(0);
    const d0 = backwardStack(model, ws, batch, new Float64Array(model.layout.total), { dhFinal: [g] });
    let P0: Float64Array | null = null;
    forEachProduct(model, ws, 0, 0, batch.lengths, (t, P) => {
      if (t === 0) P0 = P.slice();
    });
    const viaJ = new Float64Array(4);
    for (let j = 0; j < 4; j++) for (let i = 0; i < 4; i++) viaJ[j] += (P0 as unknown as Float64Array)[i * 4 + j] * g[i];
    for (let j = 0; j < 4; j++) assert.ok(Math.abs(viaJ[j] - d0.h[0][j]) < 1e-13, `${cell} unit ${j}`);
  }
});
