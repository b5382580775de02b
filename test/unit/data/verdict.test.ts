/**
 * The verdict of a run: better / no better / worse / diverged / stopped, and for a run that did not beat its baseline
 * the likely reason and a next step, one case per reason; and the facts read from a real dataset.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseCsvText } from '../../../src/data/csv';
import { buildDataset } from '../../../src/data/dataset';
import { judgeRun, runFacts, type RunFacts } from '../../../src/data/verdict';

/** A run that beat its baseline by half; `over` changes what a case needs. */
const run = (over: Partial<RunFacts> = {}): RunFacts => ({
  model: 'The LSTM', task: 'next-step', status: 'completed', epochs: 20, epochsPlanned: 20, trainLoss: 0.4, valLoss: 0.5, baselineLoss: 1,
  baseline: 'repeat the last value', accuracy: null, baselineAccuracy: null, divergence: null, divergenceEpoch: null, trainSamples: 500,
  dataMemory: 6, memoryStrength: 0.5, outsideRange: null, learningRate: 0.005, hiddenSize: 16, ...over,
});

test('better: a clear margin below the baseline, said with the factor; no reason, no hint', () => {
  const v = judgeRun(run());
  assert.equal(v.verdict, 'better');
  assert.equal(v.ratio, 0.5);
  assert.match(v.headline, /The LSTM beats the baseline: validation loss 0\.5 is 2× lower than the baseline's 1 \(repeat the last value\)/);
  assert.deepEqual([v.reason, v.hint, v.action], [null, null, null]);
  // 5% better is not a clear margin
  assert.equal(judgeRun(run({ valLoss: 0.95 })).verdict, 'no better');
  assert.equal(judgeRun(run({ valLoss: 1.05 })).verdict, 'no better');
});

test('worse: far above the baseline, with the factor (the market file that was 84,000× worse)', () => {
  const v = judgeRun(run({ valLoss: 0.4571, baselineLoss: 5.42e-6, trainLoss: 0.4 }));
  assert.equal(v.verdict, 'worse');
  assert.match(v.headline, /is worse than the baseline: validation loss 0\.4571 vs 5\.42e-6 .*, 84,340× the baseline/);
  assert.ok(v.reason);
});

test('diverged: the epoch, the engine\'s message, and a lower learning rate as the next step', () => {
  const v = judgeRun(run({ status: 'diverged', valLoss: NaN, divergence: 'epoch 3, batch 2: the loss became NaN', divergenceEpoch: 3, learningRate: 0.1 }));
  assert.equal(v.verdict, 'diverged');
  assert.match(v.headline, /diverged in epoch 3/);
  assert.equal(v.reasonKind, 'diverged');
  assert.match(v.reason ?? '', /epoch 3, batch 2/);
  assert.deepEqual(v.action?.changes, [{ field: 'training.learningRate', value: 0.025 }]);
  // the engine's own advice is left to the hint (said once), and no reason ends in a full stop the surfaces add again
  const engine = judgeRun(run({ status: 'diverged', valLoss: Infinity, divergence: 'Training stopped at epoch 2, batch 12: loss became Infinity. Lower the learning rate or set gradient clipping (e.g. clip 1).', divergenceEpoch: 2 }));
  assert.equal(engine.reason, 'Training stopped at epoch 2, batch 12: loss became Infinity');
});

test('unstable: losses that blow up without becoming infinite ask for a lower learning rate, never a higher one', () => {
  const v = judgeRun(run({ trainLoss: 3.2e36, valLoss: 1.35e37, baselineLoss: 0.8774, learningRate: 2.5 }));
  assert.equal(v.verdict, 'worse');
  assert.equal(v.reasonKind, 'unstable');
  assert.match(v.reason ?? '', /the losses blew up/);
  assert.match(v.hint ?? '', /lower the learning rate \(now 2\.5\) to 0\.625/);
  assert.deepEqual(v.action?.changes, [{ field: 'training.learningRate', value: 0.625 }]);
  // a tiny baseline (a smooth level series) with an ordinary training loss is not a blow-up
  assert.notEqual(judgeRun(run({ valLoss: 0.4571, baselineLoss: 5.42e-6, trainLoss: 0.4 })).reasonKind, 'unstable');
});

test('stopped: cancelled before the planned epochs', () => {
  const v = judgeRun(run({ status: 'cancelled', epochs: 3, valLoss: 1.2 }));
  assert.equal(v.verdict, 'stopped');
  assert.match(v.headline, /stopped after 3 of 20 epochs/);
  assert.equal(v.reasonKind, 'stopped');
});

test('returns-like: no memory, or a faint one, says plainly that no model is expected to beat the baseline', () => {
  const none = judgeRun(run({ valLoss: 1.01, dataMemory: 0, memoryStrength: 0.03 }));
  assert.equal(none.reasonKind, 'returns-like');
  assert.match(none.reason ?? '', /like market returns.*no model is expected to beat the baseline/);
  assert.equal(none.action, null);
  assert.equal(judgeRun(run({ valLoss: 1.0, dataMemory: 3, memoryStrength: 0.07 })).reasonKind, 'returns-like');
});

test('a trend: a target kept as levels outside its training range, and modelling it as changes as the button', () => {
  const v = judgeRun(run({ valLoss: 9, trainLoss: 0.2, outsideRange: { column: 'Passengers', share: 0.6, above: true, positive: true } }));
  assert.equal(v.verdict, 'worse');
  assert.equal(v.reasonKind, 'trend');
  assert.match(v.reason ?? '', /"Passengers" trends: 60% of its validation values lie above/);
  assert.deepEqual(v.action?.changes, [{ field: 'data.transforms', value: { Passengers: 'log-returns' } }]);
  assert.deepEqual(judgeRun(run({ valLoss: 9, outsideRange: { column: 'temp', share: 0.3, above: false, positive: false } })).action?.changes, [{ field: 'data.transforms', value: { temp: 'diff' } }]);
});

test('overfitting, too few samples, a constant target, and an undertrained model', () => {
  const over = judgeRun(run({ trainLoss: 0.1, valLoss: 1.2 }));
  assert.equal(over.reasonKind, 'overfitting');
  assert.deepEqual(over.action?.changes, [{ field: 'model.hiddenSize', value: 8 }]);
  const few = judgeRun(run({ trainSamples: 12, valLoss: 1.3 }));
  assert.equal(few.reasonKind, 'too-few-samples');
  assert.match(few.reason ?? '', /only 12 training samples/);
  const constant = judgeRun(run({ baselineLoss: 0, valLoss: 0.01 }));
  assert.equal(constant.reasonKind, 'constant-target');
  const under = judgeRun(run({ trainLoss: 1.0, valLoss: 1.0 }));
  assert.equal(under.reasonKind, 'undertrained');
  assert.deepEqual(under.action?.changes, [{ field: 'training.epochs', value: 40 }]);
  // early stopping ended it: more epochs would stop the same way, so the next step is another cell, not a longer run
  const stalled = judgeRun(run({ status: 'early-stopped', trainLoss: 0.95, valLoss: 1.0 }));
  assert.equal(stalled.reasonKind, 'undertrained');
  assert.match(stalled.reason ?? '', /stopped improving early.*more epochs would not help/);
  assert.match(stalled.hint ?? '', /Compare Cells/);
  assert.equal(stalled.action, null);
});

test('classification: accuracy beside the majority rate; two points above it with the loss not above the baseline is better', () => {
  const v = judgeRun(run({ task: 'classify', valLoss: 0.66, baselineLoss: 0.69, accuracy: 0.71, baselineAccuracy: 0.5, baseline: 'majority class "up"' }));
  assert.equal(v.verdict, 'better');
  assert.match(v.headline, /accuracy 71\.0% vs 50\.0% for the majority class/);
  const same = judgeRun(run({ task: 'classify', valLoss: 0.69, baselineLoss: 0.69, accuracy: 0.5, baselineAccuracy: 0.5 }));
  assert.equal(same.verdict, 'no better');
  assert.match(same.headline, /accuracy 50\.0% vs 50\.0%/);
});

test('runFacts reads a dataset: samples, the memory and its strength, a trend left as levels', () => {
  const rows = ['t,v'];
  for (let i = 0; i < 200; i++) rows.push(`${i + 1},${(i + 10 * Math.sin(i / 2)).toFixed(3)}`);
  const ds = buildDataset(parseCsvText(`${rows.join('\n')}\n`, 'trend.csv'), {
    roles: { features: ['v'], targets: ['v'], sequenceId: null, label: null, time: 't' }, task: 'next-step', transforms: { v: 'none' },
  });
  const f = runFacts(ds, { cell: 'gru', learningRate: 0.01, hiddenSize: 8 }, { status: 'completed', epochs: [], divergence: null }, { trainLoss: 0.1, valLoss: 5, accuracy: null }, 0, 20);
  assert.equal(f.model, 'The GRU');
  assert.equal(f.trainSamples, ds.train.length);
  assert.equal(f.baseline, 'repeat the last value');
  assert.equal(f.outsideRange?.column, 'v');
  assert.ok(f.outsideRange && f.outsideRange.above && f.outsideRange.share > 0.5);
  assert.ok(f.memoryStrength !== null && f.memoryStrength > 0.5);
  assert.equal(judgeRun(f).reasonKind, 'trend');
});
