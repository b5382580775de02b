/**
 * The chapter's vanishing-gradient bound on a real sequence. For a vanilla cell,
 *   ‖∂h_T/∂h_t‖ = ‖∏_{k=t+1}^{T} diag(φ'(z_k)) W_h‖ ≤ ∏_k max_i φ'(z_{k,i}) · ‖W_h‖₂ ≤ (γ‖W_h‖₂)^{T−t}
 * with γ = 1/4 (sigmoid) or 1 (tanh, relu): the tight per-step bound and the chapter's loose bound. Both hold for any
 * induced norm; comparing the Frobenius norm of the product with ‖W_h‖₂ is not covered by the theorem.
 * Gated cells have no such bound: we report the measured norms, the additive-path term ‖∏ diag(α_k)‖ (LSTM f, GRU z,
 * gated α) and the effective memory, the largest lag at which ‖∂s_T/∂s_t‖ ≥ ε.
 * All products are kept with a separate log-scale so lags of thousands of steps neither underflow nor overflow.
 */
import { createWorkspace, forwardStack, type Batch, type StackState } from '../bptt';
import type { Model } from '../model';
import { forEachProduct, stateSize } from './jacobian';
import { frobeniusNorm, powerSpectralNorm, spectralNorm, spectralRadius } from './spectral';
import { activationSlope } from '../cells/vanilla';
import { cellFor, variantOf } from '../cells/index';
import { nodeValue } from '../cells/custom/layer';

/** Options for analyseBound(). */
export interface BoundOptions {
  /** Layer whose recurrence is analysed (default 0). */
  layer?: number;
  /** Norm of the measured product (default spectral). */
  norm?: 'spectral' | 'frobenius';
  /** Threshold for the effective memory (default 1e-6). */
  epsilon?: number;
  /** Initial state (default zeros). */
  init?: StackState;
}

/** Result of the bound analysis on one sequence; per-lag arrays are indexed by lag − 1 (lag = T − t = 1 … T). */
export interface BoundReport {
  cell: string;
  activation: string | null;
  layer: number;
  steps: number;
  norm: 'spectral' | 'frobenius';
  /** What the measured norm is of: ∂h_T/∂h_t, or the LSTM's state (h, c) block. */
  measuredOf: string;
  lags: number[];
  /** log10 of ‖∂s_T/∂s_t‖ (exact even where the value underflows a double). */
  measuredLog10: number[];
  measured: number[];
  /** Vanilla cells: the per-step bound ∏ max_i φ'(z_{k,i})·‖W_h‖₂ and the loose bound (γ‖W_h‖₂)^lag (log10 and values). */
  tightLog10: number[] | null;
  looseLog10: number[] | null;
  tight: number[] | null;
  loose: number[] | null;
  gamma: number | null;
  /** ‖W_h‖₂ and ρ(W_h) of the recurrent matrix (gated cells: the candidate block g / n / h̃). */
  normWh: number;
  rhoWh: number;
  /** Gated cells: log10 ‖∏ diag(α_k)‖ = max_i Σ_k log10 α_{k,i} per lag. */
  additiveLog10: number[] | null;
  additive: number[] | null;
  /** Vanilla: the bound holds at every lag within 1e-9 relative; null for gated cells (no bound). */
  holds: boolean | null;
  /** Largest measured/tight ratio and its lag (vanilla). */
  worstRatio: number | null;
  worstLag: number | null;
  violations: number;
  epsilon: number;
  /** Largest lag with ‖∂s_T/∂s_t‖ ≥ ε (0 if none). */
  effectiveMemory: number;
  verdict: string;
  warnings: string[];
}

const LOG10E = Math.LOG10E;

/** ‖W_h‖₂ and ρ(W_h) of a layer's recurrent matrix (gated cells: the candidate block; a diagonal cell: max |uᵢ| for both). */
export function recurrentSpectrum(model: Model, layer = 0): { normWh: number; rhoWh: number } {
  const m = model.config.hiddenSize;
  const cell = cellFor(model.config);
  const L = model.layout.layers[layer];
  if (cell.program && L.custom) {
    // a custom cell: its first U matrix, else the largest |u| of its first u vector
    const params = cell.program.params;
    const u = params.findIndex((p) => p.kind === 'U');
    if (u >= 0) return { normWh: spectralNorm(model.theta, m, m, L.custom[u]), rhoWh: spectralRadius(m, model.theta, L.custom[u]) };
    const v = params.findIndex((p) => p.kind === 'u');
    let max = 0;
    if (v >= 0) for (let i = 0; i < m; i++) max = Math.max(max, Math.abs(model.theta[L.custom[v] + i]));
    return { normWh: max, rhoWh: max };
  }
  const block = cell.candidateBlock(variantOf(model.config));
  if (cell.recurrent === 'diagonal') {
    const off = model.layout.layers[layer].Wh + block * m;
    let max = 0;
    for (let i = 0; i < m; i++) max = Math.max(max, Math.abs(model.theta[off + i]));
    return { normWh: max, rhoWh: max };
  }
  const off = model.layout.layers[layer].Wh + block * m * m;
  return { normWh: spectralNorm(model.theta, m, m, off), rhoWh: spectralRadius(m, model.theta, off) };
}

/** Runs the bound analysis on one sequence x [T, inputSize]. */
export function analyseBound(model: Model, x: Float64Array, opts: BoundOptions = {}): BoundReport {
  const cfg = model.config;
  const layer = opts.layer ?? 0;
  if (!(layer >= 0 && layer < cfg.layers)) throw new RangeError(`layer must be from 0 to ${cfg.layers - 1}; got ${layer}`);
  const normKind = opts.norm ?? 'spectral';
  const epsilon = opts.epsilon ?? 1e-6;
  const T = x.length / cfg.inputSize;
  if (!Number.isInteger(T) || T < 1) throw new RangeError(`sequence has ${x.length} values, not a whole number of steps of ${cfg.inputSize} inputs`);
  const batch: Batch = { T, B: 1, inputSize: cfg.inputSize, x, lengths: new Int32Array([T]) };
  const ws = createWorkspace(cfg, T, 1);
  forwardStack(model, ws, batch, opts.init);
  const w = ws.layers[layer];
  const m = cfg.hiddenSize;
  const n = stateSize(model);
  const { normWh, rhoWh } = recurrentSpectrum(model, layer);
  const warnings: string[] = [];
  const cell = cellFor(cfg);
  const bound = cell.bound;
  // a cell without the chapter's bound or an additive path: the product of the one-step Jacobians' spectral norms
  const stepNormLog10: number[] | null = cell.program ? [] : null;

  // Measured ‖P_t‖ with P renormalised after every product: P_true = P · 10^logScale.
  const measuredLog10 = new Array<number>(T).fill(-Infinity);
  let logScale = 0;
  let v: Float64Array | null = null;
  forEachProduct(model, ws, layer, 0, batch.lengths, (t, P, J) => {
    if (t === T) return;
    if (stepNormLog10 && J) stepNormLog10.push(Math.log10(n <= 64 ? spectralNorm(J, n, n) : powerSpectralNorm(J, n, n, 0, null, 500, 1e-15).norm));
    let maxAbs = 0;
    for (let i = 0; i < n * n; i++) maxAbs = Math.max(maxAbs, Math.abs(P[i]));
    if (maxAbs === 0 || !Number.isFinite(maxAbs)) {
      measuredLog10[T - t - 1] = maxAbs === 0 ? -Infinity : Infinity;
      return;
    }
    for (let i = 0; i < n * n; i++) P[i] /= maxAbs;
    logScale += Math.log10(maxAbs);
    let nrm: number;
    if (normKind === 'frobenius') nrm = frobeniusNorm(P, n, n);
    else if (n <= 64) nrm = spectralNorm(P, n, n);
    else {
      const r = powerSpectralNorm(P, n, n, 0, v, 500, 1e-15);
      v = r.v;
      nrm = r.norm;
    }
    measuredLog10[T - t - 1] = logScale + Math.log10(nrm);
  });
  if (normKind === 'frobenius') {
    warnings.push('The Frobenius norm of the product is compared with bounds built from ‖W_h‖₂: the theorem bounds induced norms only, so a "violation" here is not a counterexample.');
  }

  let tightLog10: number[] | null = null;
  let looseLog10: number[] | null = null;
  let additiveLog10: number[] | null = null;
  let gamma: number | null = null;
  let holds: boolean | null = null;
  let worstRatio: number | null = null;
  let worstLag: number | null = null;
  let violations = 0;
  const logNormWh = Math.log10(normWh);
  if (stepNormLog10) {
    tightLog10 = [];
    let acc = 0;
    for (const l of stepNormLog10) tightLog10.push((acc += l));
  }
  if (bound.kind === 'chapter') {
    gamma = cfg.activation === 'sigmoid' ? 0.25 : 1;
    tightLog10 = [];
    looseLog10 = [];
    let acc = 0;
    for (let lag = 1; lag <= T; lag++) {
      const k = T - lag; // step k (0-based) produced h[k+1]; its z is the current step's pre-activation
      let maxSlope = 0;
      for (let i = 0; i < m; i++) {
        maxSlope = Math.max(maxSlope, activationSlope(cfg.activation, w.pre[k * m + i], w.h[(k + 1) * m + i]));
      }
      acc += Math.log10(maxSlope) + logNormWh;
      tightLog10.push(acc);
      looseLog10.push(lag * (Math.log10(gamma) + logNormWh));
    }
  }
  if (tightLog10) {
    const tol = Math.log10(1 + 1e-9);
    worstRatio = -Infinity;
    for (let i = 0; i < T; i++) {
      const mLog = measuredLog10[i];
      const tLog = tightLog10[i];
      let r: number;
      if (mLog === -Infinity) r = -Infinity;
      else if (tLog === -Infinity) r = Infinity;
      else r = mLog - tLog;
      if (r > tol || (looseLog10 && looseLog10[i] - tLog < -tol)) violations++;
      if (r > worstRatio) {
        worstRatio = r;
        worstLag = i + 1;
      }
    }
    holds = violations === 0;
    worstRatio = worstRatio === -Infinity ? 0 : Math.pow(10, worstRatio);
  }
  if (bound.kind === 'additive') {
    // Additive path: ∏_k diag(α_k), α = f (LSTM), z (GRU), α (gated); its spectral norm is max_i ∏_k α_{k,i}.
    const G = w.G;
    const block = bound.block;
    const sums = new Float64Array(m);
    additiveLog10 = [];
    for (let lag = 1; lag <= T; lag++) {
      const k = T - lag;
      let best = -Infinity;
      for (let i = 0; i < m; i++) {
        const gate = w.custom && bound.gateNode !== undefined ? Math.abs(nodeValue(w.custom, model.theta, m, 1, bound.gateNode, k, 0, i)) : w.pre[k * G * m + block * m + i];
        sums[i] += Math.log(gate) * LOG10E;
        best = Math.max(best, sums[i]);
      }
      additiveLog10.push(best);
    }
  }

  const logEps = Math.log10(epsilon);
  let effectiveMemory = 0;
  for (let i = 0; i < T; i++) if (measuredLog10[i] >= logEps) effectiveMemory = i + 1;
  const pow = (a: number[] | null): number[] | null => (a ? a.map((l) => Math.pow(10, l)) : null);
  const states = cell.states ?? (cell.cellState ? ['h', 'c'] : ['h']);
  const measuredOf = states.length > 1 ? `∂(${states.map((s) => `${s}_T`).join(', ')})/∂(${states.map((s) => `${s}_t`).join(', ')})` : '∂h_T/∂h_t';
  let verdict: string;
  const fmt = (x: number): string => (x >= 0.01 && x < 1000 ? x.toFixed(2) : x.toExponential(2));
  if (bound.kind === 'chapter') {
    const lagsWord = `${T} lag${T === 1 ? '' : 's'}`;
    if (worstLag === null) verdict = `holds at all ${lagsWord}; ${measuredOf.replace(/_/g, '')} is exactly 0 at every lag (φ' = 0 on every unit: no gradient flows back)`;
    else if (holds) verdict = `holds at all ${lagsWord}; tightest at lag ${worstLag}, ratio ${fmt(worstRatio as number)}`;
    else verdict = `fails at ${violations} of ${lagsWord}; worst at lag ${worstLag}, ratio ${fmt(worstRatio as number)}`;
    if (normKind === 'frobenius') verdict += ' (Frobenius: not covered by the theorem)';
  } else if (cell.program) {
    const lagsWord = `${T} lag${T === 1 ? '' : 's'}`;
    const within = holds ? `within the product of the one-step norms ∏‖J_k‖₂ at all ${lagsWord}` : `above the product of the one-step norms at ${violations} of ${lagsWord} (that cannot happen: please report it)`;
    verdict = `${measuredOf.replace(/_/g, '')} stays ${within}; it stays ≥ ${epsilon.toExponential(0)} up to lag ${effectiveMemory} (effective memory ${effectiveMemory} of ${T})${bound.kind === 'additive' ? `; additive path through ${bound.words}` : ''}`;
  } else {
    verdict = `no bound for a gated cell; ${measuredOf.replace(/_/g, '')} stays ≥ ${epsilon.toExponential(0)} up to lag ${effectiveMemory} (effective memory ${effectiveMemory} of ${T})`;
  }
  return {
    cell: cfg.cell,
    activation: cell.activations ? cfg.activation : null,
    layer, steps: T, norm: normKind, measuredOf,
    lags: Array.from({ length: T }, (_, i) => i + 1),
    measuredLog10, measured: pow(measuredLog10) as number[],
    tightLog10, looseLog10, tight: pow(tightLog10), loose: pow(looseLog10), gamma,
    normWh, rhoWh,
    additiveLog10, additive: pow(additiveLog10),
    holds, worstRatio, worstLag, violations, epsilon, effectiveMemory, verdict, warnings,
  };
}
