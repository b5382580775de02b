import { test } from 'node:test';
import assert from 'node:assert/strict';
import { num, plural } from '../../../src/shared/protocol';
import { describeSamples } from '../../../src/data/describe';

test('plural: one is singular, everything else plural, irregular forms given', () => {
  assert.equal(plural(1, 'sequence'), '1 sequence');
  assert.equal(plural(0, 'sequence'), '0 sequences');
  assert.equal(plural(1200, 'step'), '1,200 steps');
  assert.equal(plural(2, 'series', 'series'), '2 series');
});

test('samples in words: one series cut into windows, many sequences read whole or one sample each', () => {
  const base = { count: 1, train: 44, validation: 11, minSteps: 1000, medianSteps: 1000, maxSteps: 1000 };
  assert.equal(describeSamples({ ...base, window: { length: 64, stride: 1 } }, 'step', 'time'),
    '1 series of 1,000 steps cut into 55 windows of 64 steps, one step apart (44 training / 11 validation, validation from its end)');
  assert.equal(describeSamples({ ...base, window: { length: 1, stride: 3 } }, 'step', 'time'),
    '1 series of 1,000 steps cut into 55 windows of 1 step, 3 steps apart (44 training / 11 validation, validation from its end)');
  const many = { count: 120, train: 96, validation: 24, minSteps: 30, medianSteps: 41, maxSteps: 48, window: null };
  assert.equal(describeSamples(many, 'sequence', 'sequence'), '120 sequences of 30–48 steps (median 41), one sample per sequence (96 training / 24 validation)');
  assert.equal(describeSamples({ ...many, minSteps: 50, maxSteps: 50 }, 'step', 'sequence'), '120 sequences of 50 steps each, read whole (96 training / 24 validation sequences)');
  assert.equal(describeSamples({ ...base, train: 1, validation: 1, window: null }, 'step', 'time'), '1 series of 1,000 steps, read whole: its start for training, its end for validation');
  // nothing says "1 sequences" or "1 windows"
  for (const n of [1, 2]) {
    const text = describeSamples({ count: n, train: n, validation: 0, minSteps: 1, medianSteps: 1, maxSteps: 1, window: { length: 1, stride: 1 } }, 'step', 'sequence');
    assert.doesNotMatch(text, /\b1 (sequences|windows|steps)\b/, text);
  }
});

test('one number format: significant digits without trailing zeros, grouped thousands, exponents at the extremes', () => {
  assert.deepEqual([0.5, 3.5, 0.45712, 84339.7, 5.42e-6, 1234567, 0, -0.0012345, null, NaN].map(num),
    ['0.5', '3.5', '0.4571', '84,340', '5.42e-6', '1.23e6', '0', '-0.001234', '—', '—']);
});
