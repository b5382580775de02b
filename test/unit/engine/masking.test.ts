import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  createModel, modelConfig, createWorkspace, forwardStack, backwardStack, headForward, headLoss, packBatch,
  type Model, type Sample,
} from '../../../src/engine/index';
import { randomSamples } from './helpers';

function run(model: Model, samples: Sample[], idx: number[]) {
  const { batch, targets } = packBatch(model.config, samples, idx);
  const ws = createWorkspace(model.config, batch.T, batch.B);
  forwardStack(model, ws, batch);
  headForward(model, ws, batch);
  const grads = new Float64Array(model.layout.total);
  const r = headLoss(model, ws, batch, targets, grads);
  backwardStack(model, ws, batch, grads);
  return { ws, batch, loss: r.loss, count: r.count, grads };
}

for (const cell of ['vanilla', 'lstm', 'gru', 'gated'] as const) {
  for (const readout of ['last', 'every'] as const) {
    test(`padding never changes a result: ${cell}, readout ${readout}`, () => {
      const cfg = modelConfig({ cell, inputSize: 3, hiddenSize: 24, layers: 2, residual: true, readout, loss: 'mse', outputSize: 2 });
      const model = createModel(cfg, { seed: 1 });
      const samples = randomSamples(cfg, [4, 9, 6], 2);
      const alone = run(model, samples, [0]);
      const mixed = run(model, samples, [1, 0, 2]);
      const P = cfg.outputSize;
      // the short sequence's outputs are bit-identical alone and padded inside a longer batch
      if (readout === 'last') {
        assert.deepEqual(mixed.ws.Y.slice(P, 2 * P), alone.ws.Y.slice(0, P));
      } else {
        for (let t = 0; t < 4; t++) assert.deepEqual(mixed.ws.Y.slice((t * 3 + 1) * P, (t * 3 + 2) * P), alone.ws.Y.slice(t * P, (t + 1) * P));
        for (let t = 4; t < 9; t++) assert.ok(mixed.ws.Y.slice((t * 3 + 1) * P, (t * 3 + 2) * P).every((v) => Number.isFinite(v)));
      }
      // gradients of the batch = count-weighted sum of the per-sequence gradients
      const parts = [0, 1, 2].map((i) => run(model, samples, [i]));
      const total = parts.reduce((s, p) => s + p.count, 0);
      assert.equal(mixed.count, total);
      for (let k = 0; k < model.theta.length; k++) {
        const want = parts.reduce((s, p) => s + (p.grads[k] * p.count) / total, 0);
        assert.ok(Math.abs(mixed.grads[k] - want) <= 1e-13 * (1 + Math.abs(want)), `θ[${k}]`);
      }
      const wantLoss = parts.reduce((s, p) => s + (p.loss * p.count) / total, 0);
      assert.ok(Math.abs(mixed.loss - wantLoss) < 1e-14);
    });
  }
}
