import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createRng } from '../../../src/engine/index';
import { gemmNT, gemmNTJs, gemmTN, prepareRight, gemmPrepared } from '../../../src/engine/linalg';
import { mapSimd, setPrecision, setSimdEnabled, simdAvailable } from '../../../src/engine/kernels/simd';
import { createModel, modelConfig, createWorkspace, forwardStack, backwardStack, headForward, headLoss, packBatch } from '../../../src/engine/index';
import { randomSamples } from './helpers';

const rand = (n: number, seed: number): Float64Array => {
  const r = createRng(seed);
  return Float64Array.from({ length: n }, () => r.normal());
};

function naiveNT(M: number, N: number, K: number, A: Float64Array, B: Float64Array): Float64Array {
  const C = new Float64Array(M * N);
  for (let i = 0; i < M; i++) for (let j = 0; j < N; j++) {
    let s = 0;
    for (let k = 0; k < K; k++) s += A[i * K + k] * B[j * K + k];
    C[i * N + j] = s;
  }
  return C;
}

const maxDiff = (a: Float64Array, b: Float64Array): number => a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i])), 0);

test('the WebAssembly SIMD kernel loads in Node', () => {
  assert.equal(simdAvailable(), true);
});

test('gemmNT (SIMD and JS) agrees with a naive product at odd sizes, with offsets and accumulation', () => {
  for (const [M, N, K] of [[1, 1, 1], [3, 5, 7], [5, 33, 17], [32, 512, 128], [7, 130, 3], [9, 2, 300]]) {
    const A = rand(M * K + 3, 1), B = rand(N * K + 5, 2);
    const want = naiveNT(M, N, K, A.subarray(3), B.subarray(5));
    for (const simd of [true, false]) {
      setSimdEnabled(simd);
      const C = new Float64Array(M * N + 2).fill(1);
      gemmNT(M, N, K, A, 3, B, 5, C, 2, true);
      const got = C.subarray(2).map((v) => v - 1);
      assert.ok(maxDiff(got, want) <= 1e-12 * K, `${M}x${N}x${K} simd=${simd}: ${maxDiff(got, want)}`);
      assert.equal(C[0], 1);
    }
  }
  setSimdEnabled(true);
});

test('a prepared right operand gives the same products', () => {
  const [M, N, K] = [6, 96, 32];
  const A = rand(M * K, 3), B = rand(N * K, 4);
  const r = prepareRight(N, K, B, 0);
  const C = new Float64Array(M * N);
  gemmPrepared(r, M, A, 0, C, 0, false);
  assert.ok(maxDiff(C, naiveNT(M, N, K, A, B)) < 1e-12);
});

test('gemmTN computes Aᵀ·B and the column sums of A (bias gradients)', () => {
  for (const [R, M, N] of [[3200, 128, 32], [7, 5, 3], [33, 12, 2], [100, 4, 1]]) {
    const A = rand(R * M, 5), B = rand(R * N, 6);
    const want = new Float64Array(M * N);
    const sums = new Float64Array(M);
    for (let r = 0; r < R; r++) for (let i = 0; i < M; i++) {
      sums[i] += A[r * M + i];
      for (let j = 0; j < N; j++) want[i * N + j] += A[r * M + i] * B[r * N + j];
    }
    for (const simd of [true, false]) {
      setSimdEnabled(simd);
      const C = new Float64Array(M * N).fill(0.5);
      const bias = new Float64Array(M + 1);
      gemmTN(R, M, N, A, 0, B, 0, C, 0, true, bias, 1);
      assert.ok(maxDiff(C.map((v) => v - 0.5), want) < 1e-11, `TN ${R}x${M}x${N} simd=${simd}`);
      assert.ok(maxDiff(bias.subarray(1), sums) < 1e-11);
      assert.equal(bias[0], 0);
    }
  }
  setSimdEnabled(true);
});

test('the JS kernel is bit-identical whatever the batch size (a row alone or among others)', () => {
  const [N, K] = [16, 8];
  const A = rand(7 * K, 7), B = rand(N * K, 8);
  const all = new Float64Array(7 * N);
  gemmNTJs(7, N, K, A, 0, B, 0, all, 0, false);
  for (let i = 0; i < 7; i++) {
    const one = new Float64Array(N);
    gemmNTJs(1, N, K, A, i * K, B, 0, one, 0, false);
    assert.deepEqual(one, all.subarray(i * N, (i + 1) * N));
  }
});

test('the committed wasm module is assembled from the committed gemm.wat', () => {
  const out = execFileSync(process.execPath, [new URL('../../../scripts/build-wasm.mjs', import.meta.url).pathname, '--check'], { encoding: 'utf8' });
  assert.match(out, /matches/);
});

test('the committed gemm.wat holds exactly the cells scripts/gen-cells.py generates', () => {
  // python3 is on every machine these tests run on (Debian; .ci/run installs python3-torch for the export tests)
  const out = execFileSync('python3', [new URL('../../../scripts/gen-cells.py', import.meta.url).pathname, '--check'], { encoding: 'utf8' });
  assert.match(out, /matches/);
});

test('the kernel\'s vector exp, σ and tanh agree with Math.* to a few ulp over the whole range', () => {
  const r = createRng(12);
  const xs = Float64Array.from({ length: 40000 }, (_, i) => {
    const scale = [700, 30, 3, 0.3, 1e-6, 1e-300][i % 6];
    return (2 * r.next() - 1) * scale;
  });
  const e = mapSimd('exp', xs), s = mapSimd('sigmoid', xs), t = mapSimd('tanh', xs);
  let we = 0, ws = 0, wt = 0;
  xs.forEach((x, i) => {
    const E = Math.exp(x);
    if (E > 1e-300 && E < 1e300) we = Math.max(we, Math.abs(e[i] - E) / E);
    const S = 1 / (1 + Math.exp(-x));
    if (S > 1e-300) ws = Math.max(ws, Math.abs(s[i] - S) / S);
    const T = Math.tanh(x);
    if (T !== 0) wt = Math.max(wt, Math.abs(t[i] - T) / Math.abs(T));
  });
  assert.ok(we < 1e-15 && ws < 1e-15 && wt < 2e-15, `exp ${we}, sigmoid ${ws}, tanh ${wt}`);
  const special = mapSimd('tanh', Float64Array.of(NaN, -50, 50, 0));
  assert.ok(Number.isNaN(special[0]));
  assert.deepEqual(Array.from(special.slice(1)), [-1, 1, 0]);
  assert.ok(Number.isNaN(mapSimd('sigmoid', Float64Array.of(NaN))[0]));
});

for (const cell of ['lstm', 'gru'] as const) test(`the SIMD ${cell} step and the JS cell agree (outputs, caches and gradients), with masking`, () => {
  const cfg = modelConfig({ cell, inputSize: 3, hiddenSize: 16, layers: 2, readout: 'every' });
  const model = createModel(cfg, { seed: 2 });
  const samples = randomSamples(cfg, [9, 5, 7], 3);
  const run = (simd: boolean) => {
    setSimdEnabled(simd);
    const { batch, targets } = packBatch(cfg, samples, [0, 1, 2]);
    const ws = createWorkspace(cfg, batch.T, batch.B);
    forwardStack(model, ws, batch);
    headForward(model, ws, batch);
    const grads = new Float64Array(model.layout.total);
    const loss = headLoss(model, ws, batch, targets, grads).loss;
    backwardStack(model, ws, batch, grads);
    // the GRU's hn cache is compared on valid steps only (ended rows are never read back)
    const hn = ws.layers[0].hn.slice();
    if (cell === 'gru') for (let t = 0; t < batch.T; t++) for (let b = 0; b < batch.B; b++) if (t >= batch.lengths[b]) hn.fill(0, (t * batch.B + b) * 16, (t * batch.B + b + 1) * 16);
    return { loss, h: ws.layers[1].h.slice(), c: cell === 'lstm' ? ws.layers[0].c.slice() : hn, grads };
  };
  const a = run(true), b = run(false);
  setSimdEnabled(true);
  assert.ok(Math.abs(a.loss - b.loss) < 1e-14);
  assert.ok(maxDiff(a.h, b.h) < 1e-14 && maxDiff(a.c, b.c) < 1e-14);
  assert.ok(maxDiff(a.grads, b.grads) < 1e-13);
});

/** Relative error of `got` against `want` (Frobenius). */
function relErr(got: Float64Array, want: Float64Array): number {
  let n = 0, d = 0;
  for (let i = 0; i < want.length; i++) {
    n += (got[i] - want[i]) ** 2;
    d += want[i] ** 2;
  }
  return Math.sqrt(n / d);
}

/** Runs fn with the products in float32. */
function inFloat32<R>(fn: () => R): R {
  const was = setPrecision('float32');
  try {
    return fn();
  } finally {
    setPrecision(was);
  }
}

test('float32 products (f32x4): NT, prepared and TN with bias differ from float64 by float32 rounding only, at odd sizes', () => {
  for (const [M, N, K, R] of [[8, 32, 8, 40], [32, 512, 128, 100], [7, 30, 33, 13], [13, 66, 17, 6]]) {
    const A = rand(M * K, 1), B = rand(N * K, 2);
    const c64 = naiveNT(M, N, K, A, B);
    const c32 = new Float64Array(M * N + 3).fill(0.5);
    inFloat32(() => gemmNT(M, N, K, A, 0, B, 0, c32, 3, true));
    const shifted = c32.subarray(3).map((v) => v - 0.5);
    const e = relErr(shifted, c64);
    assert.ok(e > 1e-10 && e < 1e-6, `NT ${M}×${N}×${K}: ${e}`);
    const p32 = new Float64Array(M * N);
    inFloat32(() => gemmPrepared(prepareRight(N, K, B, 0), M, A, 0, p32, 0, false));
    assert.ok(relErr(p32, c64) < 1e-6, `prepared ${M}×${N}×${K}`);
    // C[M, N] = A[R, M]ᵀ B[R, N] and the column sums of A
    const At = rand(R * M, 3), Bt = rand(R * N, 4);
    const t64 = new Float64Array(M * N), b64 = new Float64Array(M), t32 = new Float64Array(M * N), b32 = new Float64Array(M);
    gemmTN(R, M, N, At, 0, Bt, 0, t64, 0, false, b64, 0);
    inFloat32(() => gemmTN(R, M, N, At, 0, Bt, 0, t32, 0, false, b32, 0));
    assert.ok(relErr(t32, t64) < 1e-6 && relErr(b32, b64) < 1e-6, `TN ${R}×${M}×${N}: ${relErr(t32, t64)}, bias ${relErr(b32, b64)}`);
  }
});

test('float32: a whole forward and backward pass (LSTM, GRU and vanilla steps in the kernel) stays within 1e-6 of float64', () => {
  for (const cell of ['lstm', 'gru', 'vanilla', 'gated'] as const) {
    const cfg = modelConfig({ cell, inputSize: 4, hiddenSize: 32, outputSize: 2, readout: 'every' });
    const model = createModel(cfg, { seed: 3 });
    const samples = randomSamples(cfg, [20, 17, 20, 9, 20, 14], 5);
    const { batch, targets } = packBatch(cfg, samples, samples.map((_, i) => i));
    const pass = (): { h: Float64Array; g: Float64Array } => {
      const ws = createWorkspace(cfg, batch.T, batch.B);
      const g = new Float64Array(model.theta.length);
      forwardStack(model, ws, batch);
      headForward(model, ws, batch);
      headLoss(model, ws, batch, targets, g);
      backwardStack(model, ws, batch, g);
      return { h: Float64Array.from(ws.layers[0].h), g };
    };
    const a = pass();
    const b = inFloat32(pass);
    const eh = relErr(b.h, a.h), eg = relErr(b.g, a.g);
    assert.ok(eh > 0 && eh < 1e-6, `${cell} states: ${eh}`);
    assert.ok(eg > 0 && eg < 1e-5, `${cell} gradient: ${eg}`);
  }
});
