import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createModel, modelConfig, train, evaluate, type CellKind } from '../../src/engine/index';
import { addingProblem, ADDING_BASELINE_MSE } from '../../src/data/tasks';

// The adding problem at 50 steps: an LSTM learns it well below the constant baseline 1/6 ≈ 0.167 within a small
// budget, a tanh RNN of the same size with the same budget does not (the gradient from the marked steps vanishes).
const train50 = (cell: CellKind): number => {
  const tr = addingProblem(50, 4000, 1);
  const va = addingProblem(50, 500, 2);
  const model = createModel(modelConfig({ cell, activation: 'tanh', inputSize: 2, hiddenSize: 16 }), { seed: 3, forgetBias1: cell === 'lstm' });
  train(model, tr, { epochs: 8, batchSize: 16, optimizer: { kind: 'adam', lr: 0.01, clip: 1 }, seed: 4, validation: va, restoreBest: true });
  return evaluate(model, va).loss;
};

test('the adding problem baseline is 1/6', () => {
  const va = addingProblem(50, 20000, 9);
  const mean = va.reduce((s, v) => s + v.y[0], 0) / va.length;
  const mse = va.reduce((s, v) => s + (v.y[0] - mean) ** 2, 0) / va.length;
  assert.ok(Math.abs(mse - ADDING_BASELINE_MSE) < 0.005, `${mse}`);
});

test('an LSTM learns the adding problem at 50 steps; a tanh RNN of the same size does not', () => {
  const lstm = train50('lstm');
  const rnn = train50('vanilla');
  assert.ok(lstm < 0.05, `LSTM validation MSE ${lstm}`);
  assert.ok(rnn > 0.12, `tanh RNN validation MSE ${rnn}`);
});

test('custom cells learn the adding problem at 50 steps: the chapter\'s gated cell and a leaky unit typed as equations', () => {
  const tr = addingProblem(50, 4000, 1);
  const va = addingProblem(50, 500, 2);
  const cells = {
    chapter: ['a  = sigmoid(W_a @ x + U_a @ h + b_a)', 'hc = tanh(W_c @ x + U_c @ h + b_c)', "h' = a * h + (1 - a) * hc"],
    leaky: ['k = sigmoid(u_k * h + W_k @ x + b_k)', "h' = k * h + (1 - k) * relu(W_c @ x + U_c @ (k * h) + b_c)"],
  };
  for (const [name, equations] of Object.entries(cells)) {
    const model = createModel(modelConfig({ cell: 'custom', equations, inputSize: 2, hiddenSize: 16 }), { seed: 3 });
    train(model, tr, { epochs: 8, batchSize: 16, optimizer: { kind: 'adam', lr: 0.01, clip: 1 }, seed: 4, validation: va, restoreBest: true });
    const loss = evaluate(model, va).loss;
    assert.ok(loss < 0.1 * ADDING_BASELINE_MSE, `${name}: validation MSE ${loss} (baseline ${ADDING_BASELINE_MSE.toFixed(3)})`);
  }
});
