import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createRng } from '../../src/engine/index';
import { gemmNT, gemmNTJs, gemmTN, prepareRight, gemmPrepared } from '../../src/engine/linalg';
import { setSimdEnabled, simdAvailable } from '../../src/engine/kernels/simd';

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
  const out = execFileSync(process.execPath, [new URL('../../scripts/build-wasm.mjs', import.meta.url).pathname, '--check'], { encoding: 'utf8' });
  assert.match(out, /matches/);
});
