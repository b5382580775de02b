import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createModel, modelConfig, modelToJson, modelFromJson, toStateDict, loadStateDict, batchLoss, packBatch, createRng, type Sample } from '../../../src/engine/index';

test('the JSON model file round-trips bit-exactly through text', () => {
  for (const cell of ['vanilla', 'lstm', 'gru', 'gated'] as const) {
    const model = createModel(modelConfig({ cell, inputSize: 3, hiddenSize: 5, layers: 2, residual: true, loss: 'softmax', outputSize: 4 }), { seed: 9, kind: 'glorot-orthogonal' });
    const text = JSON.stringify(modelToJson(model, { note: 'x' }));
    const back = modelFromJson(JSON.parse(text));
    assert.deepEqual(back.config, model.config);
    assert.equal(back.theta.length, model.theta.length);
    for (let i = 0; i < model.theta.length; i++) assert.ok(Object.is(back.theta[i], model.theta[i]), `${cell} θ[${i}]`);
  }
});

test('PyTorch state_dict names and shapes; export then import is exact', () => {
  const model = createModel(modelConfig({ cell: 'lstm', inputSize: 3, hiddenSize: 4, layers: 2 }), { seed: 1 });
  const sd = toStateDict(model);
  assert.deepEqual(Object.keys(sd), ['rnn.weight_ih_l0', 'rnn.weight_hh_l0', 'rnn.bias_ih_l0', 'rnn.bias_hh_l0', 'rnn.weight_ih_l1', 'rnn.weight_hh_l1', 'rnn.bias_ih_l1', 'rnn.bias_hh_l1', 'head.weight', 'head.bias']);
  assert.equal((sd['rnn.weight_ih_l0'] as number[][]).length, 16);
  assert.equal((sd['rnn.weight_ih_l0'] as number[][])[0].length, 3);
  assert.equal((sd['rnn.weight_hh_l1'] as number[][])[0].length, 4);
  const other = createModel(model.config, { seed: 2 });
  loadStateDict(other, JSON.parse(JSON.stringify(sd)), { requireHead: true });
  assert.deepEqual(other.theta, model.theta);
});

test('bad model files are rejected with the reason', () => {
  const model = createModel(modelConfig({ cell: 'gru', inputSize: 2, hiddenSize: 3 }), { seed: 1 });
  const good = modelToJson(model);
  assert.throws(() => modelFromJson({ ...good, format: 'x' }), /format/);
  assert.throws(() => modelFromJson({ ...good, version: 99 }), /version 99/);
  const bad = JSON.parse(JSON.stringify(good));
  bad.parameters.weight_hh_l0.shape = [9, 2];
  assert.throws(() => modelFromJson(bad), /weight_hh_l0.*shape/);
  const nan = JSON.parse(JSON.stringify(good));
  nan.parameters['head.bias'].data[0] = 'x';
  assert.throws(() => modelFromJson(nan), /head.bias.*not a finite number/);
  assert.throws(() => modelFromJson({ ...good, config: { ...good.config, cell: 'transformer' } }), /unknown cell/);
  assert.throws(() => loadStateDict(model, { 'rnn.weight_ih_l0': [[1]] }), /weight_ih_l0/);
});

test('a loaded model computes the same loss', () => {
  const cfg = modelConfig({ cell: 'gated', coupled: true, inputSize: 2, hiddenSize: 6, readout: 'every' });
  const model = createModel(cfg, { seed: 4 });
  const rng = createRng(1);
  const samples: Sample[] = [0, 1].map(() => ({ x: Float64Array.from({ length: 10 }, () => rng.normal()), y: Float64Array.from({ length: 5 }, () => rng.normal()) }));
  const { batch, targets } = packBatch(cfg, samples, [0, 1]);
  const back = modelFromJson(JSON.parse(JSON.stringify(modelToJson(model))));
  assert.equal(batchLoss(back, batch, targets), batchLoss(model, batch, targets));
});
