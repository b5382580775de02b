/**
 * Refactors keep seeded results bit-identical. Recorded before the cell registry (issue 12) from the engine as it was:
 * every cell, a residual stack, a masked batch of mixed lengths, per-step readout, softmax and binary heads, truncated
 * BPTT, SGD, momentum and Adam; the losses of every epoch, a digest of every bit of θ, and the bound analysis. To record
 * again after an intended change of numerics: `RECORD_SEEDED=1 node --import tsx --test test/unit/seeded.test.ts`.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { analyseBound, createModel, createRng, modelConfig, train, type ModelConfig, type OptimizerConfig } from '../../../src/engine/index';
import { randomSamples } from './helpers';

const FIXTURE = join(import.meta.dirname, '..', '..', 'golden', 'seeded-runs.json');

/** FNV-1a over the bytes of a float64 buffer: any changed bit changes it. */
function digest(a: Float64Array): string {
  const bytes = new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
  let h = 0x811c9dc5;
  for (const b of bytes) h = Math.imul(h ^ b, 0x01000193) >>> 0;
  return h.toString(16).padStart(8, '0');
}

interface Case {
  name: string;
  config: Partial<ModelConfig> & { inputSize: number };
  init?: 'pytorch' | 'glorot-orthogonal' | 'identity';
  optimizer: OptimizerConfig;
  lengths: number[];
  tbptt?: number;
}

const adam: OptimizerConfig = { kind: 'adam', lr: 0.01, clip: 1 };
const CASES: Case[] = [
  { name: 'vanilla tanh', config: { cell: 'vanilla', activation: 'tanh', inputSize: 2, hiddenSize: 6 }, optimizer: adam, lengths: [7, 7, 7, 7] },
  { name: 'vanilla sigmoid, sgd', config: { cell: 'vanilla', activation: 'sigmoid', inputSize: 2, hiddenSize: 5 }, optimizer: { kind: 'sgd', lr: 0.1, clip: 0 }, lengths: [6, 6, 6] },
  { name: 'vanilla relu, identity init', config: { cell: 'vanilla', activation: 'relu', inputSize: 3, hiddenSize: 5 }, init: 'identity', optimizer: adam, lengths: [8, 5, 8, 3] },
  { name: 'lstm', config: { cell: 'lstm', inputSize: 2, hiddenSize: 6 }, optimizer: adam, lengths: [9, 9, 9, 9] },
  { name: 'lstm odd hidden (scalar path)', config: { cell: 'lstm', inputSize: 2, hiddenSize: 5 }, optimizer: adam, lengths: [6, 6, 6] },
  { name: 'gru', config: { cell: 'gru', inputSize: 2, hiddenSize: 6 }, optimizer: adam, lengths: [9, 9, 9, 9] },
  { name: 'gru odd hidden, momentum', config: { cell: 'gru', inputSize: 2, hiddenSize: 3 }, optimizer: { kind: 'momentum', lr: 0.05, clip: 1 }, lengths: [5, 5, 5] },
  { name: 'gated', config: { cell: 'gated', inputSize: 2, hiddenSize: 6 }, optimizer: adam, lengths: [8, 8, 8] },
  { name: 'gated coupled', config: { cell: 'gated', coupled: true, inputSize: 2, hiddenSize: 6 }, optimizer: adam, lengths: [8, 8, 8] },
  { name: 'lstm 3-layer residual stack, masked batch', config: { cell: 'lstm', inputSize: 4, hiddenSize: 4, layers: 3, residual: true }, optimizer: adam, lengths: [10, 3, 7, 1, 10, 5] },
  { name: 'vanilla 2-layer residual, every-step readout', config: { cell: 'vanilla', inputSize: 3, hiddenSize: 4, layers: 2, residual: true, readout: 'every' }, optimizer: adam, lengths: [6, 4, 6] },
  { name: 'gru softmax, masked, truncated BPTT', config: { cell: 'gru', inputSize: 2, hiddenSize: 4, loss: 'softmax', outputSize: 3, readout: 'every' }, optimizer: adam, lengths: [12, 9, 12, 4], tbptt: 5 },
  { name: 'gated binary, glorot-orthogonal', config: { cell: 'gated', inputSize: 2, hiddenSize: 4, loss: 'binary', outputSize: 1 }, init: 'glorot-orthogonal', optimizer: adam, lengths: [7, 5, 7, 6] },
];

interface Recorded {
  losses: number[];
  valLosses: (number | null)[];
  gradNorms: number[];
  theta: string;
  boundMeasured: number[];
}

function runCase(c: Case): Recorded {
  const cfg = modelConfig(c.config);
  const model = createModel(cfg, { seed: 11, kind: c.init ?? 'pytorch' });
  const samples = randomSamples(cfg, c.lengths, 5);
  const validation = randomSamples(cfg, c.lengths.slice(0, 2), 6);
  const result = train(model, samples, { epochs: 3, batchSize: 2, optimizer: c.optimizer, seed: 3, validation, tbptt: c.tbptt, restoreBest: false });
  const x = Float64Array.from({ length: 6 * cfg.inputSize }, createRngNormal(9));
  const bound = analyseBound(model, x);
  return {
    losses: result.epochs.map((e) => e.trainLoss),
    valLosses: result.epochs.map((e) => e.valLoss),
    gradNorms: result.epochs.map((e) => e.gradNorm),
    theta: digest(model.theta),
    boundMeasured: bound.measuredLog10,
  };
}

function createRngNormal(seed: number): () => number {
  const rng = createRng(seed);
  return () => rng.normal();
}

test('seeded runs are bit-identical to the runs recorded before the refactor (every cell, stacks, masks, heads)', () => {
  const now = Object.fromEntries(CASES.map((c) => [c.name, runCase(c)]));
  if (process.env.RECORD_SEEDED === '1') {
    writeFileSync(FIXTURE, `${JSON.stringify(now, null, 1)}\n`);
    return;
  }
  const recorded = JSON.parse(readFileSync(FIXTURE, 'utf8')) as Record<string, Recorded>;
  assert.deepEqual(Object.keys(now).sort(), Object.keys(recorded).sort());
  for (const c of CASES) {
    // JSON keeps every double exactly (shortest round-trip form), so equality here is equality of bits
    assert.deepEqual(now[c.name], recorded[c.name], c.name);
  }
});
