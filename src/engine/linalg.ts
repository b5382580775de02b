/**
 * Dense kernels over row-major Float64Array buffers with explicit offsets, so that views into large workspaces need
 * no allocation. Every matrix product in the engine goes through gemmNT (C = A·Bᵀ): weights are kept in PyTorch's
 * [out, in] layout, and the other products are turned into this form by a cheap transpose of the smaller operand.
 * The kernel is the single place to swap in SIMD (WASM) or multi-worker code later.
 */

import { bindRight, gemmBound, gemmSimd, gemmTNSimd, simdAvailable, type BoundRight } from './kernels/simd';

/**
 * Products with N·K below this use the JS kernel. The choice depends on the weight shape (N, K) only, never on the
 * batch size M, so a sequence gives bit-identical results alone or in any batch.
 */
const SIMD_MIN_NK = 256;

/**
 * C[M,N] (+)= A[M,K] · B[N,K]ᵀ.
 * A at aOff with row stride K, B at bOff with row stride K, C at cOff with row stride N.
 * Runs the WebAssembly SIMD kernel where available and the shape is worth it, else the JS kernel.
 */
export function gemmNT(
  M: number, N: number, K: number,
  A: Float64Array, aOff: number,
  B: Float64Array, bOff: number,
  C: Float64Array, cOff: number,
  accumulate: boolean,
): void {
  if (M > 0 && N * K >= SIMD_MIN_NK && K >= 4 && simdAvailable()) gemmSimd(M, N, K, A, aOff, B, bOff, C, cOff, accumulate);
  else gemmNTJs(M, N, K, A, aOff, B, bOff, C, cOff, accumulate);
}

/**
 * C[M,N] (+)= A[R,M]ᵀ · B[R,N] (weight gradients: Σ over all T·B rows of δᵀ·state), and bias[i] (+)= Σ_r A[r,i] when
 * bias is given. No transposed copies are needed from the caller.
 */
export function gemmTN(
  R: number, M: number, N: number,
  A: Float64Array, aOff: number,
  B: Float64Array, bOff: number,
  C: Float64Array, cOff: number,
  accumulate: boolean,
  bias: Float64Array | null = null, biasOff = 0,
): void {
  if (R >= 4 && M * R >= SIMD_MIN_NK && simdAvailable()) {
    gemmTNSimd(R, M, N, A, aOff, B, bOff, C, cOff, accumulate, bias, biasOff);
    return;
  }
  const AT = new Float64Array(M * R);
  const BT = new Float64Array(N * R);
  transpose(R, M, A, aOff, AT, 0);
  transpose(R, N, B, bOff, BT, 0);
  gemmNTJs(M, N, R, AT, 0, BT, 0, C, cOff, accumulate);
  if (bias) addRowSums(M, R, AT, 0, bias, biasOff);
}

/** A right operand fixed for many products (W_h over the time steps of one pass). */
export interface RightOperand {
  N: number;
  K: number;
  B: Float64Array;
  bOff: number;
  bound: BoundRight | null;
}

/** Prepares B[N,K] for repeated products C (+)= A·Bᵀ; valid until the next prepareRight(). */
export function prepareRight(N: number, K: number, B: Float64Array, bOff: number): RightOperand {
  const simd = N * K >= SIMD_MIN_NK && K >= 4 && simdAvailable();
  return { N, K, B, bOff, bound: simd ? bindRight(N, K, B, bOff) : null };
}

/** C[M,N] (+)= A[M,K] · Bᵀ with B prepared by prepareRight(). */
export function gemmPrepared(r: RightOperand, M: number, A: Float64Array, aOff: number, C: Float64Array, cOff: number, accumulate: boolean): void {
  if (r.bound && M > 0) gemmBound(r.bound, M, A, aOff, C, cOff, accumulate);
  else gemmNTJs(M, r.N, r.K, A, aOff, r.B, r.bOff, C, cOff, accumulate);
}

/** The JS kernel: register-blocked 4×2 (rows of A × rows of B), dot products over contiguous k. */
export function gemmNTJs(
  M: number, N: number, K: number,
  A: Float64Array, aOff: number,
  B: Float64Array, bOff: number,
  C: Float64Array, cOff: number,
  accumulate: boolean,
): void {
  let i = 0;
  for (; i + 3 < M; i += 4) {
    const a0 = aOff + i * K, a1 = a0 + K, a2 = a1 + K, a3 = a2 + K;
    const c0 = cOff + i * N, c1 = c0 + N, c2 = c1 + N, c3 = c2 + N;
    let j = 0;
    for (; j + 1 < N; j += 2) {
      const b0 = bOff + j * K, b1 = b0 + K;
      let s00 = 0, s01 = 0, s10 = 0, s11 = 0, s20 = 0, s21 = 0, s30 = 0, s31 = 0;
      for (let k = 0; k < K; k++) {
        const w0 = B[b0 + k], w1 = B[b1 + k];
        const x0 = A[a0 + k], x1 = A[a1 + k], x2 = A[a2 + k], x3 = A[a3 + k];
        s00 += x0 * w0; s01 += x0 * w1;
        s10 += x1 * w0; s11 += x1 * w1;
        s20 += x2 * w0; s21 += x2 * w1;
        s30 += x3 * w0; s31 += x3 * w1;
      }
      if (accumulate) {
        C[c0 + j] += s00; C[c0 + j + 1] += s01;
        C[c1 + j] += s10; C[c1 + j + 1] += s11;
        C[c2 + j] += s20; C[c2 + j + 1] += s21;
        C[c3 + j] += s30; C[c3 + j + 1] += s31;
      } else {
        C[c0 + j] = s00; C[c0 + j + 1] = s01;
        C[c1 + j] = s10; C[c1 + j + 1] = s11;
        C[c2 + j] = s20; C[c2 + j + 1] = s21;
        C[c3 + j] = s30; C[c3 + j + 1] = s31;
      }
    }
    for (; j < N; j++) {
      const b0 = bOff + j * K;
      let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
      for (let k = 0; k < K; k++) {
        const w = B[b0 + k];
        s0 += A[a0 + k] * w; s1 += A[a1 + k] * w; s2 += A[a2 + k] * w; s3 += A[a3 + k] * w;
      }
      if (accumulate) {
        C[c0 + j] += s0; C[c1 + j] += s1; C[c2 + j] += s2; C[c3 + j] += s3;
      } else {
        C[c0 + j] = s0; C[c1 + j] = s1; C[c2 + j] = s2; C[c3 + j] = s3;
      }
    }
  }
  for (; i < M; i++) {
    const a0 = aOff + i * K;
    const c0 = cOff + i * N;
    for (let j = 0; j < N; j++) {
      const b0 = bOff + j * K;
      let s = 0;
      for (let k = 0; k < K; k++) s += A[a0 + k] * B[b0 + k];
      if (accumulate) C[c0 + j] += s;
      else C[c0 + j] = s;
    }
  }
}

/** Writes the transpose of A[rows, cols] (at aOff) into T[cols, rows] (at tOff), in 8×8 tiles for the caches. */
export function transpose(rows: number, cols: number, A: Float64Array, aOff: number, T: Float64Array, tOff: number): void {
  const TILE = 8;
  for (let r0 = 0; r0 < rows; r0 += TILE) {
    const r1 = Math.min(rows, r0 + TILE);
    for (let c0 = 0; c0 < cols; c0 += TILE) {
      const c1 = Math.min(cols, c0 + TILE);
      for (let r = r0; r < r1; r++) {
        const a = aOff + r * cols;
        for (let c = c0; c < c1; c++) T[tOff + c * rows + r] = A[a + c];
      }
    }
  }
}

/** out[r] (+)= Σ_c A[r, c]: row sums of A[rows, cols] (bias gradients from a transposed buffer). */
export function addRowSums(rows: number, cols: number, A: Float64Array, aOff: number, out: Float64Array, outOff: number): void {
  for (let r = 0; r < rows; r++) {
    const a = aOff + r * cols;
    let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
    let c = 0;
    for (; c + 3 < cols; c += 4) {
      s0 += A[a + c];
      s1 += A[a + c + 1];
      s2 += A[a + c + 2];
      s3 += A[a + c + 3];
    }
    for (; c < cols; c++) s0 += A[a + c];
    out[outOff + r] += (s0 + s1) + (s2 + s3);
  }
}

/** Euclidean norm of a vector (or a flat matrix: the Frobenius norm), scaled to avoid overflow. */
export function norm2(v: Float64Array, off = 0, len = v.length - off): number {
  let scale = 0;
  for (let i = 0; i < len; i++) scale = Math.max(scale, Math.abs(v[off + i]));
  if (scale === 0 || !Number.isFinite(scale)) return scale;
  let s = 0;
  for (let i = 0; i < len; i++) {
    const x = v[off + i] / scale;
    s += x * x;
  }
  return scale * Math.sqrt(s);
}

/** C[n,n] = A[n,n] · B[n,n] for small dense square matrices (analysis, not the hot loop). */
export function matmulSquare(n: number, A: Float64Array, B: Float64Array, C: Float64Array): void {
  C.fill(0);
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < n; k++) {
      const a = A[i * n + k];
      if (a === 0) continue;
      const bk = k * n;
      const ci = i * n;
      for (let j = 0; j < n; j++) C[ci + j] += a * B[bk + j];
    }
  }
}

