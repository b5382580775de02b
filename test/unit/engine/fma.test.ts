/**
 * Fused multiply-adds (WebAssembly relaxed SIMD): on where the runtime has it (Node 20 behind a flag, which this file
 * turns on as the CLI and the engine worker do), with the unfused kernel as the fallback. Both paths must agree to
 * rounding, the PyTorch references must still hold (1e-12 in float64, 1e-5 relative in float32), and a run must give
 * the same bits on one thread or several with the fused products.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { enableRelaxedSimd } from '../../../src/threads/runtime';
import { sharedPool, withThreads } from '../../../src/threads/pool';
import { createModel, createRng, fmaAvailable, fmaInUse, modelConfig, runGolden, setFmaEnabled, train, type Precision } from '../../../src/engine/index';
import { gemmNT, gemmTN } from '../../../src/engine/linalg';
import { setPrecision } from '../../../src/engine/kernels/simd';
import { randomSamples } from './helpers';

const relaxed = enableRelaxedSimd();
after(() => sharedPool().terminate());

const load = (name: string): unknown => JSON.parse(readFileSync(new URL(`../../golden/${name}`, import.meta.url), 'utf8'));
const rand = (n: number, seed: number): Float64Array => {
  const r = createRng(seed);
  return Float64Array.from({ length: n }, () => r.normal());
};

function both<R>(fn: () => R): { fused: R; plain: R } {
  setFmaEnabled(true);
  const fused = fn();
  setFmaEnabled(false);
  const plain = fn();
  setFmaEnabled(true);
  return { fused, plain };
}

test('this Node runs relaxed SIMD once the flag is on, and the kernel then uses fused multiply-adds', () => {
  assert.ok(relaxed, 'enableRelaxedSimd() turned relaxed SIMD on');
  assert.ok(fmaAvailable());
  assert.ok(fmaInUse());
  setFmaEnabled(false);
  assert.equal(fmaInUse(), false);
  setFmaEnabled(true);
});

for (const precision of ['float64', 'float32'] as Precision[]) {
  test(`fused and unfused ${precision} products agree to rounding, and do differ (both paths ran)`, () => {
    const was = setPrecision(precision);
    try {
      const [M, N, K, R] = [32, 512, 128, 200];
      const A = rand(M * K, 1), B = rand(N * K, 2), At = rand(R * M, 3), Bt = rand(R * N, 4);
      const r = both(() => {
        const C = new Float64Array(M * N);
        gemmNT(M, N, K, A, 0, B, 0, C, 0, false);
        const T = new Float64Array(M * N);
        gemmTN(R, M, N, At, 0, Bt, 0, T, 0, false);
        return [C, T];
      });
      const tol = precision === 'float64' ? 1e-14 : 1e-6;
      for (let q = 0; q < 2; q++) {
        let diff = 0, scale = 0, differs = false;
        r.fused[q].forEach((v, i) => {
          diff = Math.max(diff, Math.abs(v - r.plain[q][i]));
          scale = Math.max(scale, Math.abs(r.plain[q][i]));
          if (v !== r.plain[q][i]) differs = true;
        });
        assert.ok(diff <= tol * scale, `${precision} product ${q}: ${diff / scale}`);
        assert.ok(differs, `${precision} product ${q}: fused and unfused results are identical — the fused path did not run`);
      }
    } finally {
      setPrecision(was);
    }
  });
}

test('with fused multiply-adds the PyTorch references still hold: 1e-12 in float64, 1e-5 relative in float32', () => {
  assert.ok(fmaInUse());
  for (const f of ['torch-golden.json', 'torch-golden-d3-m16-t7-b5.json']) assert.ok(runGolden(load(f)).maxAbsErr <= 1e-12, f);
  assert.ok(runGolden(load('torch-golden-float32-d5-m16-t12-b4.json'), 'float32').maxRelErr <= 1e-5);
});

test('with fused multiply-adds a run gives the same bits on 1 and 2 threads (the helpers fuse too)', () => {
  const cfg = modelConfig({ cell: 'gru', inputSize: 3, hiddenSize: 24, outputSize: 1 });
  const samples = randomSamples(cfg, Array.from({ length: 40 }, (_, i) => 6 + (i % 9)), 2);
  const run = (threads: number): Float64Array => {
    const model = createModel(cfg, { seed: 1 });
    withThreads(threads, model, samples, 32, (executor) => train(model, samples, { epochs: 2, batchSize: 32, optimizer: { kind: 'adam', lr: 0.01 }, executor }));
    return model.theta;
  };
  const one = run(1);
  const two = run(2);
  assert.ok(Buffer.from(one.buffer).equals(Buffer.from(two.buffer)));
  setFmaEnabled(false);
  const plain = run(1);
  setFmaEnabled(true);
  assert.ok(!Buffer.from(one.buffer).equals(Buffer.from(plain.buffer)), 'fused and unfused runs differ in the last bits');
});
