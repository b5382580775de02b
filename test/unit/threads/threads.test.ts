/**
 * Data-parallel training: the same bits on 1, 2 and 3 threads (the shards and the order their gradients are added
 * are fixed), the shards' gradient is the whole batch's, and the samples reach the helpers in shared memory.
 * The helpers run dist/threads.js (the test command builds first).
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  backwardStack, createModel, createWorkspace, forwardStack, headForward, headLoss, localShards, modelConfig, packBatch, runUpdate,
  shardRanges, train, type ModelConfig, type Sample, type TrainOptions,
} from '../../../src/engine/index';
import { shareSamples, sharedPool, withThreads } from '../../../src/threads/pool';
import { randomSamples } from '../engine/helpers';

after(() => sharedPool().terminate());

const bits = (a: Float64Array): Buffer => Buffer.from(a.buffer, a.byteOffset, a.byteLength);

function lengths(n: number, lo: number, hi: number): number[] {
  return Array.from({ length: n }, (_, i) => lo + ((i * 7) % (hi - lo + 1)));
}

function runOn(threads: number, cfg: ModelConfig, samples: Sample[], opts: TrainOptions) {
  const model = createModel(cfg, { seed: 4 });
  const result = withThreads(threads, model, samples, opts.batchSize, (executor) => train(model, samples, { ...opts, executor }), opts.precision);
  return { theta: model.theta, result };
}

const CASES: { name: string; cfg: ModelConfig; samples: (cfg: ModelConfig) => Sample[]; opts: TrainOptions }[] = [
  {
    name: 'LSTM, last step, MSE, ragged lengths, a short last batch, validation and restore-best',
    cfg: modelConfig({ cell: 'lstm', inputSize: 2, hiddenSize: 12, outputSize: 1 }),
    samples: (cfg) => randomSamples(cfg, lengths(77, 3, 25), 1),
    opts: { epochs: 3, batchSize: 32, optimizer: { kind: 'adam', lr: 0.01, clip: 1 }, seed: 2, validation: [] },
  },
  {
    name: 'GRU, 2 residual layers, every step, softmax, truncated BPTT',
    cfg: modelConfig({ cell: 'gru', inputSize: 3, hiddenSize: 10, layers: 2, residual: true, readout: 'every', loss: 'softmax', outputSize: 4 }),
    samples: (cfg) => randomSamples(cfg, lengths(50, 4, 30), 3),
    opts: { epochs: 2, batchSize: 24, optimizer: { kind: 'momentum', lr: 0.05 }, seed: 5, tbptt: 7 },
  },
  {
    name: 'float32 products, LSTM with hidden 32 (the f32x4 kernels on every thread)',
    cfg: modelConfig({ cell: 'lstm', inputSize: 4, hiddenSize: 32, outputSize: 1 }),
    samples: (cfg) => randomSamples(cfg, lengths(40, 5, 20), 11),
    opts: { epochs: 2, batchSize: 32, optimizer: { kind: 'adam', lr: 0.01 }, seed: 3, precision: 'float32' },
  },
  {
    name: 'a custom cell (equations), binary loss, SGD',
    cfg: modelConfig({ cell: 'custom', equations: ["a = sigmoid(W_a @ x + U_a @ h + b_a)", "h' = a * h + (1 - a) * tanh(W_c @ x + U_c @ h + b_c)"], inputSize: 2, hiddenSize: 6, loss: 'binary', outputSize: 1 }),
    samples: (cfg) => randomSamples(cfg, lengths(40, 2, 12), 7),
    opts: { epochs: 2, batchSize: 16, optimizer: { kind: 'sgd', lr: 0.1 }, seed: 1 },
  },
];

for (const c of CASES) {
  test(`bit-identical on 1, 2 and 3 threads: ${c.name}`, () => {
    const samples = c.samples(c.cfg);
    const opts = c.opts.validation ? { ...c.opts, validation: samples.slice(0, 10) } : c.opts;
    const one = runOn(1, c.cfg, samples, opts);
    assert.equal(one.result.status, 'completed');
    for (const threads of [2, 3]) {
      const many = runOn(threads, c.cfg, samples, opts);
      assert.ok(bits(many.theta).equals(bits(one.theta)), `${threads} threads: the weights differ from one thread's`);
      assert.deepEqual(many.result.epochs.map((e) => ({ ...e, seconds: null })), one.result.epochs.map((e) => ({ ...e, seconds: null })));
      assert.equal(many.result.bestEpoch, one.result.bestEpoch);
    }
  });
}

test('the shards add up to the whole batch: loss and gradient within 1e-12 of one unsharded pass', () => {
  const cfg = modelConfig({ cell: 'lstm', inputSize: 2, hiddenSize: 8, readout: 'every', outputSize: 2 });
  const samples = randomSamples(cfg, lengths(29, 3, 17), 9);
  const model = createModel(cfg, { seed: 1 });
  const idx = samples.map((_, i) => i);
  const { batch, targets } = packBatch(cfg, samples, idx);
  const ws = createWorkspace(cfg, batch.T, batch.B);
  const whole = new Float64Array(model.theta.length);
  forwardStack(model, ws, batch);
  headForward(model, ws, batch);
  const ref = headLoss(model, ws, batch, targets, whole);
  backwardStack(model, ws, batch, whole);
  const shards = shardRanges(idx.length);
  assert.equal(shards.length, 4);
  const items = samples.reduce((n, s) => n + s.x.length / 2, 0);
  const tasks = shards.map(([a, b]) => ({ indices: idx.slice(a, b), c0: 0, c1: batch.T, denom: items * 2, recordLayer: 0 }));
  const grads = new Float64Array(model.theta.length);
  const got = runUpdate(model, samples, tasks, grads, localShards(), null);
  assert.ok(Math.abs(got.loss - ref.loss) <= 1e-12 * ref.loss, `${got.loss} vs ${ref.loss}`);
  assert.equal(got.count, ref.count);
  const scale = Math.max(...whole.map(Math.abs));
  for (let i = 0; i < grads.length; i++) assert.ok(Math.abs(grads[i] - whole[i]) <= 1e-12 * scale, `gradient ${i}: ${grads[i]} vs ${whole[i]}`);
});

test('samples reach the helpers in shared memory: a buffer several samples view is copied once, shared ones not at all', () => {
  const plain = Float64Array.from({ length: 40 }, (_, i) => i);
  const shared = new Float64Array(new SharedArrayBuffer(80));
  shared.fill(2);
  const samples: Sample[] = [
    { x: plain.subarray(0, 20), y: plain.subarray(20, 21) },
    { x: plain.subarray(10, 30), y: shared.subarray(0, 1) },
    { x: shared.subarray(2, 6), y: Float64Array.of(7) },
  ];
  const out = shareSamples(samples);
  assert.ok(out.every((s) => s.x.buffer instanceof SharedArrayBuffer && s.y.buffer instanceof SharedArrayBuffer));
  assert.equal(out[0].x.buffer, out[1].x.buffer, 'views of one buffer share one copy');
  assert.equal(out[1].y.buffer, shared.buffer, 'a shared buffer is not copied');
  assert.equal((out[0].x.buffer as SharedArrayBuffer).byteLength, 40 * 8 + 8);
  assert.deepEqual(Array.from(out[1].x), Array.from(plain.subarray(10, 30)));
  assert.deepEqual(Array.from(out[2].y), [7]);
});

test('float32 trains to the same losses as float64, within noise, and differs from it', () => {
  const cfg = modelConfig({ cell: 'gru', inputSize: 2, hiddenSize: 16, outputSize: 1 });
  const samples = randomSamples(cfg, lengths(64, 8, 24), 21).map((s) => ({ x: s.x, y: Float64Array.of(s.x.reduce((a, b) => a + b, 0) / s.x.length) }));
  const opts: TrainOptions = { epochs: 8, batchSize: 16, optimizer: { kind: 'adam', lr: 0.01 }, seed: 1 };
  const a = runOn(1, cfg, samples, opts).result.epochs.map((e) => e.trainLoss);
  const b = runOn(1, cfg, samples, { ...opts, precision: 'float32' }).result.epochs.map((e) => e.trainLoss);
  assert.notDeepEqual(a, b);
  assert.ok(a[7] < 0.5 * a[0], `float64 learns: ${a}`);
  for (let i = 0; i < a.length; i++) assert.ok(Math.abs(a[i] - b[i]) <= 1e-3 * a[i], `epoch ${i + 1}: ${a[i]} vs ${b[i]}`);
});

test('a shard that fails on a helper thread is an error naming it, and the pool trains correctly afterwards', () => {
  const cfg = modelConfig({ cell: 'gru', inputSize: 2, hiddenSize: 8, outputSize: 1 });
  const samples = randomSamples(cfg, lengths(24, 3, 9), 13);
  const model = createModel(cfg, { seed: 2 });
  const run = sharedPool().open(model, samples, 2);
  const bad = [0, 1].map((s) => ({ indices: s === 1 ? [999] : [0, 1], c0: 0, c1: 9, denom: 3, recordLayer: 0 }));
  try {
    assert.throws(() => runUpdate(model, samples, bad, new Float64Array(model.theta.length), localShards(), run), /a training thread failed/);
  } finally {
    run.close();
  }
  const opts: TrainOptions = { epochs: 2, batchSize: 24, optimizer: { kind: 'adam', lr: 0.01 }, seed: 1 };
  const one = runOn(1, cfg, samples, opts);
  const two = runOn(2, cfg, samples, opts);
  assert.ok(bits(two.theta).equals(bits(one.theta)));
});
