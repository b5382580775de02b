/**
 * Optimisers over the flat parameter buffer: SGD, SGD with momentum (PyTorch's form: v ← μv + g, θ ← θ − ηv) and
 * Adam (Kingma & Ba, arXiv 1412.6980, with bias correction). Optional clipping of the gradient by its global L2
 * norm (Pascanu, Mikolov & Bengio 2013, arXiv 1211.5063); step() reports the norm before clipping.
 */
import { norm2 } from './linalg';

/** Optimiser families. */
export type OptimizerKind = 'sgd' | 'momentum' | 'adam';

/** Optimiser settings. */
export interface OptimizerConfig {
  kind: OptimizerKind;
  lr: number;
  /** momentum μ (default 0.9) */
  momentum?: number;
  /** Adam β₁, β₂, ε (defaults 0.9, 0.999, 1e-8) */
  beta1?: number;
  beta2?: number;
  eps?: number;
  /** Clip the global gradient norm to this value; 0 or absent: no clipping. */
  clip?: number;
}

/** What one step did. */
export interface StepStats {
  /** Global L2 norm of the gradient before clipping. */
  gradNorm: number;
  clipped: boolean;
}

/** An optimiser bound to a parameter buffer; gradients are accumulated into `grads` between steps. */
export interface Optimizer {
  readonly grads: Float64Array;
  zeroGrad(): void;
  step(): StepStats;
  /** Its state (Adam's moments and step count, the momentum buffer), copied, to continue exactly later. */
  getState(): OptimizerState;
  /** Restores a state saved by getState() for the same kind and parameter count. */
  setState(s: OptimizerState): void;
}

/** An optimiser's state: its kind, its step count, and its buffers (first moment or velocity, second moment). */
export interface OptimizerState {
  kind: OptimizerKind;
  step: number;
  m: Float64Array | null;
  v: Float64Array | null;
}

/** Checks optimiser settings, naming what is wrong. */
export function validateOptimizer(cfg: OptimizerConfig): void {
  if (!['sgd', 'momentum', 'adam'].includes(cfg.kind)) throw new RangeError(`unknown optimizer "${cfg.kind}" (sgd, momentum, adam)`);
  if (!(cfg.lr > 0 && cfg.lr < 1e3)) throw new RangeError(`learning rate must be > 0 and < 1000; got ${cfg.lr}`);
  if (cfg.clip !== undefined && !(cfg.clip >= 0 && Number.isFinite(cfg.clip))) throw new RangeError(`clip must be ≥ 0; got ${cfg.clip}`);
  const m = cfg.momentum ?? 0.9;
  if (!(m >= 0 && m < 1)) throw new RangeError(`momentum must be in [0, 1); got ${m}`);
}

/** Creates an optimiser for θ. */
export function createOptimizer(theta: Float64Array, cfg: OptimizerConfig): Optimizer {
  validateOptimizer(cfg);
  const n = theta.length;
  const grads = new Float64Array(n);
  const v = cfg.kind === 'sgd' ? null : new Float64Array(n);
  const s = cfg.kind === 'adam' ? new Float64Array(n) : null;
  const mu = cfg.momentum ?? 0.9;
  const b1 = cfg.beta1 ?? 0.9;
  const b2 = cfg.beta2 ?? 0.999;
  const eps = cfg.eps ?? 1e-8;
  let t = 0;
  return {
    grads,
    zeroGrad: () => grads.fill(0),
    getState: () => ({ kind: cfg.kind, step: t, m: v ? Float64Array.from(v) : null, v: s ? Float64Array.from(s) : null }),
    setState: (st) => {
      if (st.kind !== cfg.kind) throw new RangeError(`optimizer state is for ${st.kind}; this run uses ${cfg.kind}`);
      const fits = (a: Float64Array | null, b: Float64Array | null): boolean => (a === null) === (b === null) && (!a || a.length === (b as Float64Array).length);
      if (!fits(v, st.m) || !fits(s, st.v)) throw new RangeError(`optimizer state does not fit this model (${n} parameters)`);
      if (v && st.m) v.set(st.m);
      if (s && st.v) s.set(st.v);
      t = st.step;
    },
    step: () => {
      const gradNorm = norm2(grads);
      let clipped = false;
      if (cfg.clip && gradNorm > cfg.clip) {
        const f = cfg.clip / gradNorm;
        for (let i = 0; i < n; i++) grads[i] *= f;
        clipped = true;
      }
      const lr = cfg.lr;
      if (cfg.kind === 'sgd') {
        for (let i = 0; i < n; i++) theta[i] -= lr * grads[i];
      } else if (cfg.kind === 'momentum') {
        const vel = v as Float64Array;
        for (let i = 0; i < n; i++) {
          vel[i] = mu * vel[i] + grads[i];
          theta[i] -= lr * vel[i];
        }
      } else {
        t++;
        const m1 = v as Float64Array;
        const m2 = s as Float64Array;
        const c1 = 1 - Math.pow(b1, t);
        const c2 = 1 - Math.pow(b2, t);
        for (let i = 0; i < n; i++) {
          const g = grads[i];
          m1[i] = b1 * m1[i] + (1 - b1) * g;
          m2[i] = b2 * m2[i] + (1 - b2) * g * g;
          theta[i] -= (lr * (m1[i] / c1)) / (Math.sqrt(m2[i] / c2) + eps);
        }
      }
      return { gradNorm, clipped };
    },
  };
}
