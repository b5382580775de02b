import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createModel, modelConfig, train, evaluate, createOptimizer, createRng, type Sample, type TrainOptions } from '../../../src/engine/index';
import { randomSamples } from './helpers';

/** y = mean of x over the sequence (learnable by any cell). */
function meanTask(n: number, T: number, seed: number): Sample[] {
  const rng = createRng(seed);
  return Array.from({ length: n }, () => {
    const L = T - rng.int(3);
    const x = Float64Array.from({ length: L }, () => rng.normal());
    return { x, y: Float64Array.of(x.reduce((a, b) => a + b, 0) / L) };
  });
}

const base: TrainOptions = { epochs: 6, batchSize: 8, optimizer: { kind: 'adam', lr: 0.02 }, seed: 1 };

test('every cell and optimizer reduces the loss on a learnable task', () => {
  const data = meanTask(64, 8, 1);
  for (const cell of ['vanilla', 'lstm', 'gru', 'gated'] as const) {
    for (const opt of [{ kind: 'sgd', lr: 0.1 }, { kind: 'momentum', lr: 0.05 }, { kind: 'adam', lr: 0.02 }] as const) {
      const model = createModel(modelConfig({ cell, inputSize: 1, hiddenSize: 8 }), { seed: 2 });
      const before = evaluate(model, data).loss;
      const r = train(model, data, { ...base, optimizer: opt });
      const after = evaluate(model, data).loss;
      assert.equal(r.status, 'completed');
      assert.equal(r.epochs.length, 6);
      assert.ok(after < 0.7 * before, `${cell}/${opt.kind}: ${before} → ${after}`);
    }
  }
});

test('same seed ⇒ bit-identical weights and losses; another seed differs', () => {
  const data = meanTask(40, 10, 3);
  const run = (seed: number) => {
    const model = createModel(modelConfig({ cell: 'gru', inputSize: 1, hiddenSize: 6, layers: 2, residual: true }), { seed, kind: 'glorot-orthogonal' });
    const r = train(model, data, { ...base, seed, tbptt: 4 });
    return { theta: model.theta, losses: r.epochs.map((e) => e.trainLoss) };
  };
  const a = run(7), b = run(7), c = run(8);
  assert.deepEqual(a.losses, b.losses);
  assert.ok(a.theta.every((v, i) => Object.is(v, b.theta[i])));
  assert.notDeepEqual(a.losses, c.losses);
});

test('records per epoch: gradient norm before clipping, clipping share, per-step ‖∂L/∂h_t‖, live share, ρ and ‖W_h‖', () => {
  const data = meanTask(32, 12, 4);
  const model = createModel(modelConfig({ cell: 'vanilla', activation: 'tanh', inputSize: 1, hiddenSize: 5 }), { seed: 1 });
  const seen: number[] = [];
  const r = train(model, data, { ...base, epochs: 3, optimizer: { kind: 'sgd', lr: 0.05, clip: 1e-3 }, onEpoch: (e) => seen.push(e.epoch) });
  assert.deepEqual(seen, [1, 2, 3]);
  for (const e of r.epochs) {
    assert.ok(e.gradNorm > 1e-3, 'pre-clip norm is reported, not the clipped one');
    assert.equal(e.clippedShare, 1);
    assert.equal(e.stepGradNorm.length, 12);
    assert.ok(e.stepGradNorm.every((v) => Number.isFinite(v) && v >= 0));
    // readout last: the gradient enters at the end and decays towards the start
    assert.ok(e.stepGradNorm[9] > e.stepGradNorm[0]);
    assert.ok(e.aliveShare > 0 && e.aliveShare <= 1);
    assert.ok(e.normWh > 0 && e.rhoWh > 0 && e.rhoWh <= e.normWh + 1e-12);
  }
});

test('validation, early stopping and restore-best', () => {
  const data = meanTask(48, 6, 5);
  const val = meanTask(16, 6, 6);
  const model = createModel(modelConfig({ cell: 'lstm', inputSize: 1, hiddenSize: 6 }), { seed: 1 });
  // a learning rate that overshoots after a while, so validation gets worse and patience runs out
  const r = train(model, data, { ...base, epochs: 60, optimizer: { kind: 'sgd', lr: 0.9 }, validation: val, patience: 3 });
  assert.ok(r.epochs.every((e) => e.valLoss !== null));
  const best = Math.min(...r.epochs.map((e) => e.valLoss as number));
  assert.equal(r.bestValLoss, best);
  assert.equal(r.epochs[r.bestEpoch - 1].valLoss, best);
  if (r.status === 'early-stopped') assert.equal(r.epochs.length - r.bestEpoch, 3);
  assert.ok(Math.abs(evaluate(model, val).loss - best) < 1e-12, 'the model holds the best epoch’s weights');
});

test('a diverging run stops with the step and the parameter named, and the weights stay finite', () => {
  const data = meanTask(32, 8, 7).map((s) => ({ x: s.x.map((v) => v * 1e3), y: s.y.map((v) => v * 1e3) }));
  const model = createModel(modelConfig({ cell: 'vanilla', activation: 'relu', inputSize: 1, hiddenSize: 8 }), { seed: 1, kind: 'identity' });
  const r = train(model, data, { ...base, epochs: 50, optimizer: { kind: 'sgd', lr: 50 } });
  assert.equal(r.status, 'diverged');
  assert.ok(r.divergence);
  assert.match(r.divergence.message, /epoch \d+, batch \d+/);
  assert.match(r.divergence.message, /loss|weight_|bias_|head\./);
  assert.match(r.divergence.message, /Lower the learning rate or set gradient clipping/);
  assert.ok(model.theta.every((v) => Number.isFinite(v)));
});

test('cancellation stops between batches and keeps the partial result', () => {
  const data = meanTask(64, 8, 8);
  const model = createModel(modelConfig({ cell: 'gru', inputSize: 1, hiddenSize: 4 }), { seed: 1 });
  let batches = 0;
  const r = train(model, data, { ...base, epochs: 5, onBatch: () => batches++, shouldStop: () => batches >= 11 });
  assert.equal(r.status, 'cancelled');
  assert.equal(batches, 11);
  assert.equal(r.epochs.length, 2);
  assert.equal(r.epochs[1].updates, 3);
});

test('truncated BPTT: chunks of k steps, one update per chunk, the state carried across', () => {
  const cfg = modelConfig({ cell: 'lstm', inputSize: 2, hiddenSize: 4, readout: 'every' });
  const data = randomSamples(cfg, [10, 10, 7, 10], 9);
  const model = createModel(cfg, { seed: 1 });
  const r = train(model, data, { epochs: 1, batchSize: 4, optimizer: { kind: 'adam', lr: 0.01 }, tbptt: 4, shuffle: false });
  assert.equal(r.epochs[0].updates, 3); // chunks [0,4) [4,8) [8,10)
  // readout last: only the chunk where a sequence ends carries its loss
  const cfgLast = modelConfig({ cell: 'lstm', inputSize: 2, hiddenSize: 4, readout: 'last' });
  const last = randomSamples(cfgLast, [10, 10], 9);
  const r2 = train(createModel(cfgLast, { seed: 1 }), last, { epochs: 1, batchSize: 2, optimizer: { kind: 'adam', lr: 0.01 }, tbptt: 4 });
  assert.equal(r2.epochs[0].updates, 1);
});

test('bad settings and data are refused with the reason', () => {
  const cfg = modelConfig({ cell: 'lstm', inputSize: 2, hiddenSize: 4 });
  const model = createModel(cfg, { seed: 1 });
  const data = randomSamples(cfg, [3], 1);
  assert.throws(() => train(model, data, { ...base, epochs: 0 }), /epochs must be an integer from 1/);
  assert.throws(() => train(model, data, { ...base, optimizer: { kind: 'adam', lr: -1 } }), /learning rate/);
  assert.throws(() => train(model, [], base), /no training sequences/);
  assert.throws(() => train(model, [{ x: Float64Array.of(1, 2, 3), y: Float64Array.of(0) }], base), /training sequence 0: x has 3 values/);
  assert.throws(() => train(model, [{ x: Float64Array.of(1, NaN), y: Float64Array.of(0) }], base), /step 1, feature 2 is not a finite number/);
  const cls = createModel(modelConfig({ cell: 'gru', inputSize: 1, loss: 'softmax', outputSize: 3 }), { seed: 1 });
  assert.throws(() => train(cls, [{ x: Float64Array.of(1), y: Float64Array.of(3) }], base), /class label 3 is not an integer in \[0, 3\)/);
  assert.throws(() => modelConfig({ inputSize: 2, hiddenSize: 0 }), /hiddenSize must be an integer from 1/);
  assert.throws(() => modelConfig({ inputSize: 2, loss: 'binary', outputSize: 2 }), /binary loss needs outputSize 1/);
});

test('Adam follows the paper’s update on a quadratic (bias-corrected first step has size lr)', () => {
  const theta = Float64Array.of(1, -2);
  const opt = createOptimizer(theta, { kind: 'adam', lr: 0.1 });
  opt.grads.set([4, -0.5]);
  const st = opt.step();
  assert.ok(Math.abs(st.gradNorm - Math.hypot(4, 0.5)) < 1e-14);
  // first step: m̂ = g, v̂ = g², so Δθ = −lr·g/(|g| + ε)
  assert.ok(Math.abs(theta[0] - (1 - (0.1 * 4) / (4 + 1e-8))) < 1e-15);
  assert.ok(Math.abs(theta[1] - (-2 + (0.1 * 0.5) / (0.5 + 1e-8))) < 1e-15);
  const clip = createOptimizer(Float64Array.of(0, 0), { kind: 'sgd', lr: 1, clip: 1 });
  clip.grads.set([3, 4]);
  const s2 = clip.step();
  assert.equal(s2.gradNorm, 5);
  assert.equal(s2.clipped, true);
});
