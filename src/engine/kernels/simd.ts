/**
 * Loads the f64x2 SIMD kernel (gemm.wat, assembled into gemmWasm.ts) and runs C (+)= A·Bᵀ in its memory. Operands are
 * copied in with zero padding (M to a multiple of 4, N and K to multiples of 2), packed by the kernel into the panel
 * layout its product reads, and the result copied out. For the recurrent loop, the right operand (W_h) is bound
 * (packed) once per pass and stays resident. Falls back to nothing (the caller
 * uses the JS kernel) where WebAssembly SIMD is unavailable. Uses only the WebAssembly global: the engine stays pure.
 */
import { GEMM_FMA_WASM_BASE64, GEMM_WASM_BASE64 } from './gemmWasm';

interface WasmMemory {
  buffer: ArrayBuffer;
  grow(pages: number): number;
}
interface WasmExports {
  memory: WasmMemory;
  gemmNT(M: number, N: number, K: number, a: number, b: number, c: number, acc: number): void;
  gemmNT32(M: number, N: number, K: number, a: number, b: number, c: number, acc: number): void;
  pack(src: number, rowsP: number, Kp: number, R: number, dst: number): void;
  pack32(src: number, rowsP: number, Kp: number, R: number, dst: number): void;
  transpose4(rows: number, cols: number, src: number, dst: number, ld: number): void;
  transpose4f32(rows: number, cols: number, src: number, dst: number, ld: number): void;
  promote(src: number, dst: number, n: number): void;
  lstmCell(B: number, m: number, z: number, cPrev: number, c: number, tc: number, h: number): void;
  gruCell(B: number, m: number, x: number, hw: number, bhn: number, hPrev: number, hnOut: number, h: number): void;
  mapExp(p: number, n: number): void;
  mapSigmoid(p: number, n: number): void;
  mapTanh(p: number, n: number): void;
}
interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: WasmExports };
  validate(bytes: Uint8Array): boolean;
}

/** The FMA twin's exports (the products with fused multiply-adds, in the main module's memory). */
interface FmaExports {
  gemmNT: WasmExports['gemmNT'];
  gemmNT32: WasmExports['gemmNT32'];
}

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

function decodeBase64(s: string): Uint8Array {
  const clean = s.replace(/=+$/, '');
  const out = new Uint8Array(Math.floor((clean.length * 3) / 4));
  let bits = 0;
  let acc = 0;
  let k = 0;
  for (const ch of clean) {
    acc = (acc << 6) | B64.indexOf(ch);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[k++] = (acc >> bits) & 0xff;
    }
  }
  return out;
}

let exportsCache: WasmExports | null | undefined;
let heap = new Float64Array(0);
/** The same memory as float32 (offsets in floats: a double offset d is float offset 2d). */
let heap32 = new Float32Array(0);
let disabled = false;
/** The FMA products, where the runtime has relaxed SIMD (null: it does not). */
let fmaCache: FmaExports | null = null;
let fmaOff = false;
/** Float32 mode: the matrix products run in f32x4 (operands rounded to float32, results widened back). */
let single = false;

/** Numbers' width in the matrix products. */
export type Precision = 'float64' | 'float32';

/**
 * Sets the matrix products' precision for this thread and returns the previous one. float32 rounds each product's
 * operands to float32 and multiplies and adds in f32x4 (the LSTM step adds its input projection to the recurrent
 * product there too, as PyTorch's float32 does); the results are widened back to float64 (exactly), and the rest of
 * the engine (the cells' elementwise steps, the optimiser, the weights) stays in float64.
 */
export function setPrecision(p: Precision): Precision {
  const was: Precision = single ? 'float32' : 'float64';
  single = p === 'float32';
  return was;
}

function kernel(): WasmExports | null {
  if (disabled) return null;
  if (exportsCache !== undefined) return exportsCache;
  try {
    const wasm = (globalThis as unknown as { WebAssembly?: WasmApi }).WebAssembly;
    if (!wasm) {
      exportsCache = null;
    } else {
      const instance = new wasm.Instance(new wasm.Module(decodeBase64(GEMM_WASM_BASE64)), {});
      exportsCache = instance.exports;
      heap = new Float64Array(exportsCache.memory.buffer);
      heap32 = new Float32Array(exportsCache.memory.buffer);
      const fmaBytes = decodeBase64(GEMM_FMA_WASM_BASE64);
      if (wasm.validate(fmaBytes)) {
        fmaCache = new wasm.Instance(new wasm.Module(fmaBytes), { kernel: { memory: exportsCache.memory } }).exports as unknown as FmaExports;
      }
    }
  } catch {
    exportsCache = null;
  }
  return exportsCache;
}

/** Whether the SIMD kernel is in use (false where WebAssembly SIMD is missing, or after setSimdEnabled(false)). */
export function simdAvailable(): boolean {
  return kernel() !== null;
}

/** Whether this runtime has relaxed SIMD, so that the products can use fused multiply-adds. */
export function fmaAvailable(): boolean {
  return kernel() !== null && fmaCache !== null;
}

/** Whether the products use fused multiply-adds now (available and not turned off). */
export function fmaInUse(): boolean {
  return fmaAvailable() && !fmaOff;
}

/**
 * Turns the fused multiply-adds off or on (on by default where available). A fused a·b + c is rounded once instead of
 * twice, so results differ from the unfused products in the last bits; every thread of a run must use the same.
 */
export function setFmaEnabled(on: boolean): void {
  fmaOff = !on;
}

/** C (+)= A·Bᵀ on packed operands (byte offsets), fused where in use. */
function nt(M: number, N: number, K: number, a: number, b: number, c: number, acc: number): void {
  if (fmaCache && !fmaOff) fmaCache.gemmNT(M, N, K, a, b, c, acc);
  else (exportsCache as WasmExports).gemmNT(M, N, K, a, b, c, acc);
}

/** nt in float32. */
function nt32(M: number, N: number, K: number, a: number, b: number, c: number, acc: number): void {
  if (fmaCache && !fmaOff) fmaCache.gemmNT32(M, N, K, a, b, c, acc);
  else (exportsCache as WasmExports).gemmNT32(M, N, K, a, b, c, acc);
}

/** Turns the SIMD kernel off or on (benchmarks compare both; tests check they agree). */
export function setSimdEnabled(on: boolean): void {
  disabled = !on;
}

function ensureDoubles(n: number): void {
  const k = kernel() as WasmExports;
  const need = n * 8;
  const have = k.memory.buffer.byteLength;
  if (need > have) k.memory.grow(Math.ceil((need - have) / 65536));
  if (heap.buffer !== k.memory.buffer) {
    heap = new Float64Array(k.memory.buffer);
    heap32 = new Float32Array(k.memory.buffer);
  }
}

const up = (n: number, m: number): number => Math.ceil(n / m) * m;

/**
 * Copies src[rows, cols] (at srcOff) into a view of the heap at element offset d0 as [rowsP, colsP], zero padded: the
 * float64 view, or the float32 one (rounding each value to float32).
 */
function copyRows(view: Float64Array | Float32Array, d0: number, src: Float64Array, srcOff: number, rows: number, cols: number, rowsP: number, colsP: number): void {
  if (cols === colsP) {
    view.set(src.subarray(srcOff, srcOff + rows * cols), d0);
  } else {
    for (let r = 0; r < rows; r++) {
      const d = d0 + r * colsP;
      view.set(src.subarray(srcOff + r * cols, srcOff + (r + 1) * cols), d);
      view.fill(0, d + cols, d + colsP);
    }
  }
  if (rowsP > rows) view.fill(0, d0 + rows * colsP, d0 + rowsP * colsP);
}

/** Copies src[rows, cols] into the heap at double offset dst as float64 [rowsP, colsP], zero padded. */
function copyIn(src: Float64Array, srcOff: number, rows: number, cols: number, rowsP: number, colsP: number, dst: number): void {
  copyRows(heap, dst, src, srcOff, rows, cols, rowsP, colsP);
}

/** copyIn for float32: src[rows, cols] rounded into the heap at double offset dst as float32 [rowsP, colsP]. */
function copyIn32(src: Float64Array, srcOff: number, rows: number, cols: number, rowsP: number, colsP: number, dst: number): void {
  copyRows(heap32, 2 * dst, src, srcOff, rows, cols, rowsP, colsP);
}

/**
 * Copies src[rows, cols] in at `tmp` (zero padded to [rowsP, Kp]) and packs it at dst for the product (R = 4 or 2):
 * as float64 for gemmNT, or as float32 for gemmNT32 (Kp a multiple of 4). Offsets in doubles.
 */
function copyPack(src: Float64Array, off: number, rows: number, cols: number, R: number, rowsP: number, Kp: number, tmp: number, dst: number, f32 = false): void {
  const k = kernel() as WasmExports;
  if (f32) {
    copyIn32(src, off, rows, cols, rowsP, Kp, tmp);
    k.pack32(tmp * 8, rowsP, Kp, R, dst * 8);
  } else {
    copyIn(src, off, rows, cols, rowsP, Kp, tmp);
    k.pack(tmp * 8, rowsP, Kp, R, dst * 8);
  }
}

/** Copies C[M, N] out of a float32 result [·, Np] at double offset `at`, widening each value. */
function copyOut32(M: number, N: number, Np: number, at: number, C: Float64Array, cOff: number): void {
  const a0 = 2 * at;
  if (N === Np) C.set(heap32.subarray(a0, a0 + M * N), cOff);
  else for (let r = 0; r < M; r++) C.set(heap32.subarray(a0 + r * Np, a0 + r * Np + N), cOff + r * N);
}

/** A right operand B[N, K] resident in kernel memory (offset in doubles). */
export interface BoundRight {
  N: number;
  K: number;
  Np: number;
  Kp: number;
  at: number;
  /** Packed as float32 for gemmNT32 (Kp a multiple of 4). */
  f32: boolean;
}

let boundEnd = 0;

/** Copies B[N, K] into kernel memory for repeated products with it; valid until the next bindRight(). */
export function bindRight(N: number, K: number, B: Float64Array, bOff: number): BoundRight {
  const Np = up(N, 2);
  if (single) {
    const Kp = up(K, 4);
    const half = up(Np * Kp, 4) / 2; // doubles taken by Np·Kp floats
    ensureDoubles(2 * half);
    copyPack(B, bOff, N, K, 2, Np, Kp, half, 0, true);
    boundEnd = up(half, 2);
    return { N, K, Np, Kp, at: 0, f32: true };
  }
  const Kp = up(K, 2);
  ensureDoubles(2 * Np * Kp);
  copyPack(B, bOff, N, K, 2, Np, Kp, Np * Kp, 0);
  boundEnd = up(Np * Kp, 2);
  return { N, K, Np, Kp, at: 0, f32: false };
}

/** Doubles that n floats take (rounded up to whole v128 pairs). */
const floats = (n: number): number => up(n, 4) / 2;

/** C[M, N] (+)= A[M, K] · Bᵀ with B bound by bindRight(). */
export function gemmBound(bound: BoundRight, M: number, A: Float64Array, aOff: number, C: Float64Array, cOff: number, accumulate: boolean): void {
  const { N, K, Np, Kp } = bound;
  if (bound.f32) {
    const Mp = up(M, 4);
    const aAt = boundEnd;
    const tmp = up(aAt + floats(Mp * Kp), 2);
    const cAt = up(tmp + floats(Mp * Kp), 2);
    ensureDoubles(cAt + floats(Mp * Np));
    copyPack(A, aOff, M, K, 4, Mp, Kp, tmp, aAt, true);
    if (accumulate) copyIn32(C, cOff, M, N, Mp, Np, cAt);
    nt32(Mp, Np, Kp, aAt * 8, bound.at * 8, cAt * 8, accumulate ? 1 : 0);
    copyOut32(M, N, Np, cAt, C, cOff);
    return;
  }
  const Mp = up(M, 4);
  const aAt = boundEnd;
  const tmp = up(aAt + Mp * Kp, 2);
  const cAt = up(tmp + Mp * Kp, 2);
  ensureDoubles(cAt + Mp * Np);
  copyPack(A, aOff, M, K, 4, Mp, Kp, tmp, aAt);
  if (accumulate) copyIn(C, cOff, M, N, Mp, Np, cAt);
  nt(Mp, Np, Kp, aAt * 8, bound.at * 8, cAt * 8, accumulate ? 1 : 0);
  if (N === Np) {
    C.set(heap.subarray(cAt, cAt + M * N), cOff);
  } else {
    for (let r = 0; r < M; r++) C.set(heap.subarray(cAt + r * Np, cAt + r * Np + N), cOff + r * N);
  }
}

/** C[M, N] (+)= A[M, K] · B[N, K]ᵀ, both operands copied in (leaves any bound operand in place). */
export function gemmSimd(
  M: number, N: number, K: number, A: Float64Array, aOff: number, B: Float64Array, bOff: number,
  C: Float64Array, cOff: number, accumulate: boolean,
): void {
  const Np = up(N, 2);
  const Kp = up(K, single ? 4 : 2);
  const bAt = boundEnd;
  const save = boundEnd;
  const size = single ? floats(Np * Kp) : Np * Kp;
  ensureDoubles(bAt + 2 * size);
  if (single) copyPack(B, bOff, N, K, 2, Np, Kp, bAt + size, bAt, true);
  else copyPack(B, bOff, N, K, 2, Np, Kp, bAt + size, bAt);
  boundEnd = up(bAt + size, 2);
  try {
    gemmBound({ N, K, Np, Kp, at: bAt, f32: single }, M, A, aOff, C, cOff, accumulate);
  } finally {
    boundEnd = save;
  }
}

/**
 * C[M, N] (+)= A[R, M]ᵀ · B[R, N], and bias[i] (+)= Σ_r A[r, i] when bias is given: both operands are transposed inside
 * kernel memory (a row of ones appended to Bᵀ yields the sums), then multiplied by the NT kernel — in float32 (f32x4)
 * when the precision is float32.
 */
export function gemmTNSimd(
  R: number, M: number, N: number, A: Float64Array, aOff: number, B: Float64Array, bOff: number,
  C: Float64Array, cOff: number, accumulate: boolean, bias: Float64Array | null, biasOff: number,
): void {
  const k = kernel() as WasmExports;
  const f32 = single;
  // sizes in doubles of n values, and the element offset of a double offset, in this precision
  const size = (n: number): number => (f32 ? floats(n) : n);
  const el = (at: number): number => (f32 ? 2 * at : at);
  const copy = f32 ? copyIn32 : copyIn;
  const Rp = up(R, 4);
  const Mp = up(M, 4);
  const nRows = N + (bias ? 1 : 0);
  const Np = up(nRows, 2);
  const sA = boundEnd;
  const sB = up(sA + size(Rp * M), 2);
  const tA = up(sB + size(Rp * N), 2);
  const tB = up(tA + size(Mp * Rp), 2);
  const pA = up(tB + size(Np * Rp), 2);
  const pB = up(pA + size(Mp * Rp), 2);
  const cAt = up(pB + size(Np * Rp), 2);
  ensureDoubles(cAt + size(Mp * Np));
  const view = f32 ? heap32 : heap;
  copy(A, aOff, R, M, Rp, M, sA);
  copy(B, bOff, R, N, Rp, N, sB);
  (f32 ? k.transpose4f32 : k.transpose4)(Rp, M, sA * 8, tA * 8, Rp);
  view.fill(0, el(tA) + M * Rp, el(tA) + Mp * Rp);
  (f32 ? k.transpose4f32 : k.transpose4)(Rp, N, sB * 8, tB * 8, Rp);
  if (bias) view.fill(1, el(tB) + N * Rp, el(tB) + (N + 1) * Rp);
  view.fill(0, el(tB) + nRows * Rp, el(tB) + Np * Rp);
  (f32 ? k.pack32 : k.pack)(tA * 8, Mp, Rp, 4, pA * 8);
  (f32 ? k.pack32 : k.pack)(tB * 8, Np, Rp, 2, pB * 8);
  (f32 ? nt32 : nt)(Mp, Np, Rp, pA * 8, pB * 8, cAt * 8, 0);
  const c0 = el(cAt);
  for (let i = 0; i < M; i++) {
    const src = c0 + i * Np;
    const dst = cOff + i * N;
    if (accumulate) for (let j = 0; j < N; j++) C[dst + j] += view[src + j];
    else for (let j = 0; j < N; j++) C[dst + j] = view[src + j];
    if (bias) bias[biasOff + i] += view[src + N];
  }
}


/**
 * The recurrent product of one step, W_h·h₋₁ (+ what `C` holds at cOff when accumulating), in float32, left in the
 * heap as doubles at `zAt` ([Mp, Np]): the float32 twin of the product the cell steps below run in float64.
 */
function stepProduct32(bound: BoundRight, B: number, h: Float64Array, hOff: number, C: Float64Array | null, cOff: number, zAt: number, scratch: number): void {
  const k = kernel() as WasmExports;
  const { N, Np, Kp } = bound;
  const Mp = up(B, 4);
  const aAt = scratch;
  const tmp = up(aAt + floats(Mp * Kp), 2);
  const cAt = up(tmp + floats(Mp * Kp), 2);
  ensureDoubles(cAt + floats(Mp * Np));
  copyPack(h, hOff, B, bound.K, 4, Mp, Kp, tmp, aAt, true);
  if (C) copyIn32(C, cOff, B, N, Mp, Np, cAt);
  nt32(Mp, Np, Kp, aAt * 8, bound.at * 8, cAt * 8, C ? 1 : 0);
  k.promote(cAt * 8, zAt * 8, up(Mp * Np, 4));
}

/**
 * One LSTM forward step in kernel memory (W_h bound by bindRight as [4m, m]): z = pre (x-projection + biases) + W_h·h,
 * then i, f, g, o, c = f⊙c₋₁ + i⊙g, tanh(c), h = o⊙tanh(c) by the vectorised cell. Writes the gates back into `pre`
 * (as the JS cell does) and c, tanh(c), h into their buffers at the given offsets. Rows are all computed; the caller
 * restores rows whose sequence has ended. Needs m even.
 */
export function lstmStepSimd(
  bound: BoundRight, B: number, m: number,
  h: Float64Array, hPrevOff: number, hNextOff: number,
  pre: Float64Array, preOff: number,
  c: Float64Array, cPrevOff: number, cNextOff: number,
  tc: Float64Array, tcOff: number,
): void {
  const k = kernel() as WasmExports;
  const { Np, Kp } = bound;
  const Gm = 4 * m;
  const Mp = up(B, 4);
  const aAt = boundEnd;
  const zAt = up(aAt + Mp * Kp, 2);
  const cpAt = up(zAt + Mp * Np, 2);
  const cAt = cpAt + B * m;
  const tcAt = cAt + B * m;
  const hAt = tcAt + B * m;
  const tmp = up(hAt + B * m, 2);
  ensureDoubles(tmp + Mp * Kp);
  heap.set(c.subarray(cPrevOff, cPrevOff + B * m), cpAt);
  if (bound.f32) stepProduct32(bound, B, h, hPrevOff, pre, preOff, zAt, up(tmp + Mp * Kp, 2));
  else {
    copyPack(h, hPrevOff, B, m, 4, Mp, Kp, tmp, aAt);
    copyIn(pre, preOff, B, Gm, Mp, Np, zAt);
    nt(Mp, Np, Kp, aAt * 8, bound.at * 8, zAt * 8, 1);
  }
  k.lstmCell(B, m, zAt * 8, cpAt * 8, cAt * 8, tcAt * 8, hAt * 8);
  pre.set(heap.subarray(zAt, zAt + B * Gm), preOff);
  c.set(heap.subarray(cAt, cAt + B * m), cNextOff);
  tc.set(heap.subarray(tcAt, tcAt + B * m), tcOff);
  h.set(heap.subarray(hAt, hAt + B * m), hNextOff);
}

/**
 * One GRU forward step in kernel memory (W_h bound by bindRight as [3m, m]): W_h·h, then r, z, hn = W_hn h + b_hn,
 * n = tanh(x_n + r⊙hn), h = (1 − z)⊙n + z⊙h₋₁ by the vectorised cell. Writes the gates back into `pre`, hn into
 * `hn` and h into `h`, as the JS cell does. Rows are all computed; the caller restores ended rows. Needs m even.
 */
export function gruStepSimd(
  bound: BoundRight, B: number, m: number,
  h: Float64Array, hPrevOff: number, hNextOff: number,
  pre: Float64Array, preOff: number,
  hn: Float64Array, hnOff: number,
  theta: Float64Array, bhnOff: number,
): void {
  const k = kernel() as WasmExports;
  const { Np, Kp } = bound;
  const Gm = 3 * m;
  const Mp = up(B, 4);
  const aAt = boundEnd;
  const wAt = up(aAt + Mp * Kp, 2);
  const xAt = up(wAt + Mp * Np, 2);
  const bAt = xAt + B * Gm;
  const hnAt = up(bAt + m, 2);
  const hAt = hnAt + B * m;
  const tmp = up(hAt + B * m, 2);
  ensureDoubles(tmp + Mp * Kp);
  heap.set(pre.subarray(preOff, preOff + B * Gm), xAt);
  heap.set(theta.subarray(bhnOff, bhnOff + m), bAt);
  if (bound.f32) {
    heap.set(h.subarray(hPrevOff, hPrevOff + B * m), tmp);
    stepProduct32(bound, B, h, hPrevOff, null, 0, wAt, up(tmp + Mp * Kp, 2));
  } else {
    // the row-major copy of h₋₁ (Kp = m, m even) is also the cell's h₋₁ input
    copyPack(h, hPrevOff, B, m, 4, Mp, Kp, tmp, aAt);
    nt(Mp, Np, Kp, aAt * 8, bound.at * 8, wAt * 8, 0);
  }
  k.gruCell(B, m, xAt * 8, wAt * 8, bAt * 8, tmp * 8, hnAt * 8, hAt * 8);
  pre.set(heap.subarray(xAt, xAt + B * Gm), preOff);
  hn.set(heap.subarray(hnAt, hnAt + B * m), hnOff);
  h.set(heap.subarray(hAt, hAt + B * m), hNextOff);
}

/** Applies the kernel's vector exp, σ or tanh to values (for tests of the lane math). */
export function mapSimd(fn: 'exp' | 'sigmoid' | 'tanh', values: Float64Array): Float64Array {
  const k = kernel() as WasmExports;
  const n = up(values.length, 2);
  const at = up(boundEnd, 2);
  ensureDoubles(at + n);
  heap.fill(0, at, at + n);
  heap.set(values, at);
  (fn === 'exp' ? k.mapExp : fn === 'sigmoid' ? k.mapSigmoid : k.mapTanh)(at * 8, n);
  return heap.slice(at, at + values.length);
}
