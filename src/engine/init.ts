/**
 * Weight initialisers (SPEC §1): PyTorch's default U(±1/√m) for every tensor; Glorot-uniform input weights with
 * orthogonal recurrent blocks (Saxe et al. 2014, arXiv 1312.6120); identity recurrent weights with ReLU for the IRNN
 * (Le, Jaitly & Hinton 2015, arXiv 1504.00941). Each gate block is initialised on its own. A diagonal cell's recurrent
 * vector u: U(±1/√m) by default, U(0, 1) with glorot-orthogonal, all ones with identity.
 */
import type { InitKind, ModelConfig } from './config';
import type { ParamLayout } from './params';
import type { Rng } from './rng';
import { cellFor } from './cells/index';

/** Options for initialise(). */
export interface InitOptions {
  kind: InitKind;
  /** LSTM only: set the forget-gate biases (bias_ih, f block) to 1 (Jozefowicz et al. 2015). */
  forgetBias1?: boolean;
  /** Scale of the identity for `identity` (IRNN); default 1. */
  identityScale?: number;
}

/** Fills theta with initial weights drawn from rng. */
export function initialise(cfg: ModelConfig, layout: ParamLayout, theta: Float64Array, rng: Rng, opts: InitOptions): void {
  const m = cfg.hiddenSize;
  theta.fill(0);
  const uniform = (off: number, n: number, a: number): void => {
    for (let i = 0; i < n; i++) theta[off + i] = rng.uniform(-a, a);
  };
  const bound = 1 / Math.sqrt(m);
  const cell = cellFor(cfg);
  const diagonal = cell.recurrent === 'diagonal';
  for (const L of layout.layers) {
    if (cell.program && L.custom) {
      initialiseCustom(cell.program.params, L.custom, L.inputSize, m, theta, rng, opts);
      continue;
    }
    const G = L.gates;
    const d = L.inputSize;
    if (opts.kind === 'pytorch') {
      uniform(L.Wx, G * m * d, bound);
      uniform(L.Wh, diagonal ? G * m : G * m * m, bound);
      uniform(L.bx, G * m, bound);
      uniform(L.bh, G * m, bound);
    } else if (opts.kind === 'glorot-orthogonal') {
      const a = Math.sqrt(6 / (d + m));
      for (let g = 0; g < G; g++) {
        uniform(L.Wx + g * m * d, m * d, a);
        // a diagonal cell's recurrent vector u: U(0, 1), each unit a decay of its own (Li et al. 2018)
        if (diagonal) for (let i = 0; i < m; i++) theta[L.Wh + g * m + i] = rng.uniform(0, 1);
        else orthogonal(m, rng, theta, L.Wh + g * m * m);
      }
    } else {
      for (let g = 0; g < G; g++) {
        for (let i = 0; i < m * d; i++) theta[L.Wx + g * m * d + i] = 0.001 * rng.normal();
        const s = opts.identityScale ?? 1;
        for (let i = 0; i < m; i++) theta[diagonal ? L.Wh + g * m + i : L.Wh + g * m * m + i * m + i] = s;
      }
    }
    if (cell.forgetBlock !== null && opts.forgetBias1) {
      const f = cell.forgetBlock * m;
      for (let i = 0; i < m; i++) theta[L.bx + f + i] = 1;
      for (let i = 0; i < m; i++) theta[L.bh + f + i] = 0;
    }
  }
  const headBound = 1 / Math.sqrt(m);
  uniform(layout.Wy, cfg.outputSize * m, headBound);
  uniform(layout.by, cfg.outputSize, headBound);
}

/**
 * A custom cell's parameters, in their layout order: W_k and U_k as `kind` says for W_x and W_h (PyTorch: U(±1/√m);
 * glorot-orthogonal: Glorot-uniform W, orthogonal U; identity: W ~ 0.001·N(0, 1), U = I); b_k as PyTorch's biases,
 * U(±1/√m), or 0 with the other schemes; u_k (diagonal weights, peepholes) U(0, 1) — each unit a decay of its own —
 * or 1 with identity.
 */
function initialiseCustom(params: { kind: 'W' | 'U' | 'u' | 'b' }[], offsets: number[], d: number, m: number, theta: Float64Array, rng: Rng, opts: InitOptions): void {
  const bound = 1 / Math.sqrt(m);
  params.forEach((p, i) => {
    const off = offsets[i];
    const n = p.kind === 'W' ? m * d : p.kind === 'U' ? m * m : m;
    if (p.kind === 'u') {
      for (let k = 0; k < n; k++) theta[off + k] = opts.kind === 'identity' ? 1 : rng.uniform(0, 1);
    } else if (opts.kind === 'pytorch') {
      for (let k = 0; k < n; k++) theta[off + k] = rng.uniform(-bound, bound);
    } else if (p.kind === 'b') {
      theta.fill(0, off, off + n);
    } else if (opts.kind === 'glorot-orthogonal') {
      if (p.kind === 'W') {
        const a = Math.sqrt(6 / (d + m));
        for (let k = 0; k < n; k++) theta[off + k] = rng.uniform(-a, a);
      } else orthogonal(m, rng, theta, off);
    } else if (p.kind === 'W') {
      for (let k = 0; k < n; k++) theta[off + k] = 0.001 * rng.normal();
    } else {
      theta.fill(0, off, off + n);
      for (let k = 0; k < m; k++) theta[off + k * m + k] = opts.identityScale ?? 1;
    }
  });
}

/**
 * Writes an n×n orthogonal matrix at out[off…]: Householder QR of a Gaussian matrix with the signs of R's diagonal
 * folded into Q, which makes Q Haar-distributed (Mezzadri 2007, arXiv math-ph/0609050).
 */
export function orthogonal(n: number, rng: Rng, out: Float64Array, off: number): void {
  const A = new Float64Array(n * n);
  for (let i = 0; i < n * n; i++) A[i] = rng.normal();
  const Q = new Float64Array(n * n);
  for (let i = 0; i < n; i++) Q[i * n + i] = 1;
  const v = new Float64Array(n);
  const signs = new Float64Array(n);
  for (let k = 0; k < n; k++) {
    let alpha = 0;
    for (let i = k; i < n; i++) alpha += A[i * n + k] * A[i * n + k];
    alpha = Math.sqrt(alpha);
    const x0 = A[k * n + k];
    const s = x0 >= 0 ? -alpha : alpha;
    // R[k,k] = s; its sign is folded into Q below.
    signs[k] = s >= 0 ? 1 : -1;
    v.fill(0);
    v[k] = x0 - s;
    for (let i = k + 1; i < n; i++) v[i] = A[i * n + k];
    let vv = 0;
    for (let i = k; i < n; i++) vv += v[i] * v[i];
    if (vv === 0) continue;
    // A ← (I − 2vvᵀ/vᵀv) A ; Q ← Q (I − 2vvᵀ/vᵀv)
    for (let j = k; j < n; j++) {
      let dot = 0;
      for (let i = k; i < n; i++) dot += v[i] * A[i * n + j];
      const f = (2 * dot) / vv;
      for (let i = k; i < n; i++) A[i * n + j] -= f * v[i];
    }
    for (let i = 0; i < n; i++) {
      let dot = 0;
      for (let j = k; j < n; j++) dot += Q[i * n + j] * v[j];
      const f = (2 * dot) / vv;
      for (let j = k; j < n; j++) Q[i * n + j] -= f * v[j];
    }
  }
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) out[off + i * n + j] = Q[i * n + j] * signs[j];
}
