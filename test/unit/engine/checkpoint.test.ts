/**
 * Exact checkpoints: a run stopped after k epochs and continued from its checkpoint (also through the model file's
 * JSON) equals the run that was never interrupted, bit for bit, with every optimiser, truncation, validation and
 * restore-best; a checkpoint that does not fit the model or the data is refused naming why.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkpointFromJson, createModel, modelConfig, modelFromJson, modelToJson, train, type TrainCheckpoint } from '../../../src/engine/index';
import { randomSamples } from './helpers';

const cfg = modelConfig({ cell: 'gru', inputSize: 2, hiddenSize: 5, readout: 'every', outputSize: 1 });
const samples = randomSamples(cfg, [8, 6, 8, 7, 8, 5, 8, 8, 3, 6, 7], 1);
const validation = randomSamples(cfg, [8, 6, 4], 2);
const losses = (r: { epochs: { trainLoss: number; valLoss: number | null; gradNorm: number }[] }[]): string[] => r.flatMap((x) => x.epochs.map((e) => `${e.trainLoss} ${e.valLoss} ${e.gradNorm}`));

for (const kind of ['sgd', 'momentum', 'adam'] as const) {
  for (const restoreBest of [false, true]) {
    test(`${kind}${restoreBest ? ', restoring the best epoch' : ''}: 3 epochs, save, reload, 4 more epochs = 7 epochs without a stop, bit for bit`, () => {
      const opts = { batchSize: 3, optimizer: { kind, lr: 0.02, clip: 1 }, seed: 4, validation, restoreBest, tbptt: 3 };
      const whole = createModel(cfg, { seed: 1 });
      const a = train(whole, samples, { ...opts, epochs: 7 });
      const first = createModel(cfg, { seed: 1 });
      const r1 = train(first, samples, { ...opts, epochs: 3 });
      // through the model file: JSON text, as the CLI and the extension write it
      const text = JSON.stringify(modelToJson(first, { note: 'x' }, r1.checkpoint));
      const json = JSON.parse(text);
      const reloaded = modelFromJson(json);
      const checkpoint = checkpointFromJson(json, reloaded) as TrainCheckpoint;
      assert.equal(checkpoint.epochs, 3);
      const r2 = train(reloaded, samples, { ...opts, epochs: 4, resume: checkpoint });
      assert.deepEqual(losses([r1, r2]), losses([a]), 'every epoch\'s losses and gradient norm');
      assert.deepEqual(Array.from(reloaded.theta), Array.from(whole.theta), 'the final weights');
      assert.equal(3 + r2.bestEpoch, a.bestEpoch, 'the same best epoch');
      assert.equal(r2.checkpoint?.epochs, 7);
    });
  }
}

test('without the checkpoint (a file written before them) the run goes on but is not the same run; a checkpoint that does not fit is refused', () => {
  const opts = { batchSize: 3, optimizer: { kind: 'adam' as const, lr: 0.02 }, seed: 4 };
  const whole = createModel(cfg, { seed: 1 });
  const a = train(whole, samples, { ...opts, epochs: 4 });
  const first = createModel(cfg, { seed: 1 });
  const r1 = train(first, samples, { ...opts, epochs: 2 });
  const old = JSON.parse(JSON.stringify(modelToJson(first)));
  assert.equal(checkpointFromJson(old, modelFromJson(old)), null, 'an old model file has no checkpoint and still loads');
  const restarted = train(modelFromJson(old), samples, { ...opts, epochs: 2 });
  assert.notDeepEqual(losses([r1, restarted]), losses([a]), 'Adam\'s moments restart: a different run');
  const c = r1.checkpoint as TrainCheckpoint;
  assert.throws(() => train(createModel(cfg, { seed: 1 }), samples.slice(1), { ...opts, epochs: 1, resume: c }), /made for 11 training sequences; there are 10/);
  assert.throws(() => train(createModel(cfg, { seed: 1 }), samples, { ...opts, optimizer: { kind: 'sgd', lr: 0.1 }, epochs: 1, resume: c }), /optimizer state is for adam; this run uses sgd/);
  const bigger = createModel(modelConfig({ cell: 'gru', inputSize: 2, hiddenSize: 6, readout: 'every', outputSize: 1 }), { seed: 1 });
  assert.throws(() => checkpointFromJson(JSON.parse(JSON.stringify(modelToJson(first, undefined, c))), bigger), /checkpoint\.theta needs \d+ finite numbers/);
  // a run stopped mid-epoch (Stop) leaves no checkpoint: continuing it cannot be exact
  let calls = 0;
  const stopped = train(createModel(cfg, { seed: 1 }), samples, { ...opts, epochs: 3, shouldStop: () => ++calls > 5 });
  assert.equal(stopped.status, 'cancelled');
  assert.equal(stopped.checkpoint, null);
});
