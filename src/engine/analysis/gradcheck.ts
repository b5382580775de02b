/**
 * Finite-difference check of a whole model's gradient: every parameter (or an evenly spread subset of each tensor),
 * the initial states h0/c0 and the inputs, by fourth-order central differences
 * (8(f(θ+ε) − f(θ−ε)) − (f(θ+2ε) − f(θ−2ε))) / 12ε against backpropagation (truncation O(ε⁴), so ε = 1e-4 keeps
 * both truncation and rounding near 1e-12).
 * Relative error |a − n| / max(|a|, |n|, floor), so gradients near zero are compared absolutely.
 */
import { backwardStack, createWorkspace, extraStateWidth, forwardStack, type Batch, type StackState } from '../bptt';
import { headForward, headLoss } from '../head';
import { createModel, type Model } from '../model';
import { describeIndex } from '../params';
import type { ModelConfig } from '../config';
import { createRng } from '../rng';
import { packBatch, type Sample } from '../batch';

/** Options for gradCheck(). */
export interface GradCheckOptions {
  eps?: number;
  /** Check at most this many entries per tensor (evenly spread); default all. */
  maxPerTensor?: number;
  /** Denominator floor of the relative error (default 1e-6). */
  floor?: number;
  /** Initial state to check ∂L/∂h0 (and c0) at; zeros when absent. */
  init?: StackState;
  /** Also check ∂L/∂x (default true). */
  inputs?: boolean;
  /** Testing hook: corrupt the analytic gradient before comparing (the negative test uses it). */
  sabotage?: (grads: Float64Array) => void;
}

/** Worst error of one tensor. */
export interface GradCheckEntry {
  name: string;
  checked: number;
  maxRelErr: number;
  worstAt: string;
  analytic: number;
  numeric: number;
}

/** Result of a gradient check. */
export interface GradCheckReport {
  maxRelErr: number;
  checked: number;
  loss: number;
  entries: GradCheckEntry[];
}

/** Loss of the model on a batch (forward only). */
export function batchLoss(model: Model, batch: Batch, targets: Float64Array, init?: StackState): number {
  const ws = createWorkspace(model.config, batch.T, batch.B);
  forwardStack(model, ws, batch, init);
  headForward(model, ws, batch);
  return headLoss(model, ws, batch, targets, null).loss;
}

function pick(n: number, max: number | undefined): number[] {
  if (!max || max >= n) return Array.from({ length: n }, (_, i) => i);
  const out: number[] = [];
  for (let k = 0; k < max; k++) out.push(Math.floor((k * n) / max));
  return [...new Set(out)];
}

/** Compares backpropagated gradients with central differences. */
export function gradCheck(model: Model, batch: Batch, targets: Float64Array, opts: GradCheckOptions = {}): GradCheckReport {
  const eps = opts.eps ?? 1e-4;
  const floor = opts.floor ?? 1e-6;
  const cfg = model.config;
  const m = cfg.hiddenSize;
  const Bm = batch.B * m;
  const init: StackState = opts.init ?? {
    h: Array.from({ length: cfg.layers }, () => new Float64Array(Bm)),
    c: Array.from({ length: cfg.layers }, () => new Float64Array(batch.B * extraStateWidth(cfg))),
  };
  const ws = createWorkspace(cfg, batch.T, batch.B);
  forwardStack(model, ws, batch, init);
  headForward(model, ws, batch);
  const grads = new Float64Array(model.layout.total);
  const loss = headLoss(model, ws, batch, targets, grads).loss;
  const d0 = backwardStack(model, ws, batch, grads, { inputGrad: opts.inputs !== false });
  const dx = Float64Array.from(ws.layers[0].dX);
  opts.sabotage?.(grads);

  const entries: GradCheckEntry[] = [];
  const check = (name: string, buf: Float64Array, analytic: Float64Array, indices: number[], label: (i: number) => string): void => {
    const e: GradCheckEntry = { name, checked: 0, maxRelErr: 0, worstAt: '', analytic: 0, numeric: 0 };
    for (const i of indices) {
      const keep = buf[i];
      const f = (delta: number): number => {
        buf[i] = keep + delta;
        return batchLoss(model, batch, targets, init);
      };
      const num = (8 * (f(eps) - f(-eps)) - (f(2 * eps) - f(-2 * eps))) / (12 * eps);
      buf[i] = keep;
      const a = analytic[i];
      const rel = Math.abs(a - num) / Math.max(Math.abs(a), Math.abs(num), floor);
      e.checked++;
      if (!(rel <= e.maxRelErr)) {
        e.maxRelErr = Number.isNaN(rel) ? Infinity : rel;
        e.worstAt = label(i);
        e.analytic = a;
        e.numeric = num;
      }
    }
    entries.push(e);
  };
  for (const t of model.layout.tensors) {
    const idx = pick(t.size, opts.maxPerTensor).map((k) => t.offset + k);
    check(t.name, model.theta, grads, idx, (i) => describeIndex(model.layout, i));
  }
  for (let l = 0; l < cfg.layers; l++) {
    check(`h0_l${l}`, init.h[l], d0.h[l], pick(Bm, opts.maxPerTensor), (i) => `h0_l${l}[${Math.floor(i / m)},${i % m}]`);
    const cw = extraStateWidth(cfg);
    if (cw) check(`c0_l${l}`, init.c[l], d0.c[l], pick(batch.B * cw, opts.maxPerTensor), (i) => `c0_l${l}[${Math.floor(i / cw)},${i % cw}]`);
  }
  if (opts.inputs !== false) {
    const D = batch.inputSize;
    const valid: number[] = [];
    for (let t = 0; t < batch.T; t++) for (let b = 0; b < batch.B; b++) if (t < batch.lengths[b]) for (let k = 0; k < D; k++) valid.push((t * batch.B + b) * D + k);
    const chosen = pick(valid.length, opts.maxPerTensor).map((k) => valid[k]);
    check('x', batch.x, dx, chosen, (i) => `x[t=${Math.floor(i / (batch.B * D))},b=${Math.floor(i / D) % batch.B},${i % D}]`);
  }
  let maxRelErr = 0;
  let checked = 0;
  for (const e of entries) {
    maxRelErr = Math.max(maxRelErr, e.maxRelErr);
    checked += e.checked;
  }
  return { maxRelErr, checked, loss, entries };
}

/** What a user-facing gradient check builds: a model of this shape and a random batch of different lengths. */
export interface GradCheckSpec {
  config: ModelConfig;
  steps: number;
  batch: number;
  seed: number;
  /** Check at most this many entries per tensor (0: all). */
  maxPerTensor?: number;
}

/** Runs gradCheck on a seeded random model and batch (lengths steps, steps−1, steps−2, … so masking is exercised). */
export function randomGradCheck(spec: GradCheckSpec): GradCheckReport {
  const cfg = spec.config;
  if (!(Number.isInteger(spec.steps) && spec.steps >= 1 && spec.steps <= 1000)) throw new RangeError(`steps must be an integer from 1 to 1000; got ${spec.steps}`);
  if (!(Number.isInteger(spec.batch) && spec.batch >= 1 && spec.batch <= 64)) throw new RangeError(`batch must be an integer from 1 to 64; got ${spec.batch}`);
  const model = createModel(cfg, { seed: spec.seed });
  const rng = createRng(spec.seed + 1);
  const samples: Sample[] = [];
  const per = cfg.loss === 'mse' ? cfg.outputSize : 1;
  const K = cfg.loss === 'binary' ? 2 : cfg.outputSize;
  for (let b = 0; b < spec.batch; b++) {
    const L = Math.max(1, spec.steps - (b % 3));
    samples.push({
      x: Float64Array.from({ length: L * cfg.inputSize }, () => rng.normal()),
      y: Float64Array.from({ length: (cfg.readout === 'last' ? 1 : L) * per }, () => (cfg.loss === 'mse' ? rng.normal() : rng.int(K))),
    });
  }
  const { batch, targets } = packBatch(cfg, samples, samples.map((_, i) => i));
  const n = spec.batch * cfg.hiddenSize;
  const init: StackState = {
    h: Array.from({ length: cfg.layers }, () => Float64Array.from({ length: n }, () => 0.5 * rng.normal())),
    c: Array.from({ length: cfg.layers }, () => Float64Array.from({ length: (n / cfg.hiddenSize) * extraStateWidth(cfg) }, () => 0.5 * rng.normal())),
  };
  return gradCheck(model, batch, targets, { init, maxPerTensor: spec.maxPerTensor || undefined });
}
