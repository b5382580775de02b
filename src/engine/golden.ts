/**
 * Runs a reference file in the torch-golden.json format (PyTorch float64 vectors: RNN_TANH, RNN_RELU, LSTM, GRU;
 * one layer; any sizes; h0 zero or given) through the engine and reports the worst absolute difference of every
 * output, gate, loss, gradient and one-step Jacobian present in the file (h_all and h_T are required; c_all, gates,
 * losses and Jacobians are compared when present). Sizes are read from the file, never assumed.
 */
import { modelConfig, type ModelConfig } from './config';
import { backwardStack, createWorkspace, forwardStack, type Batch, type StackState } from './bptt';
import { headForward, headLoss } from './head';
import { createModel, type Model } from './model';
import { flattenNested, loadStateDict, nestedShape, type NestedNumbers } from './serialize';
import { stateSize, stepJacobian } from './analysis/jacobian';
import { setPrecision, type Precision } from './kernels/simd';

/** Worst absolute error of one quantity. */
export interface GoldenItem {
  name: string;
  maxAbsErr: number;
  /** maxAbsErr ÷ the largest |value| of the quantity (how many of its digits agree). */
  maxRelErr: number;
  count: number;
}

/** Figures for one model and case. */
export interface GoldenCaseReport {
  model: string;
  init: string;
  maxAbsErr: number;
  items: GoldenItem[];
}

/** Whole-file report. */
export interface GoldenReport {
  maxAbsErr: number;
  /** The worst item's maxRelErr. */
  maxRelErr: number;
  /** The precision of the engine's matrix products during the check. */
  precision: Precision;
  compared: number;
  sizes: { inputSize: number; hiddenSize: number; steps: number; batch: number; outputs: number };
  cases: GoldenCaseReport[];
  skipped: string[];
}

const MODEL_KINDS: Record<string, Pick<ModelConfig, 'cell' | 'activation'>> = {
  RNN_TANH: { cell: 'vanilla', activation: 'tanh' },
  RNN_RELU: { cell: 'vanilla', activation: 'relu' },
  LSTM: { cell: 'lstm', activation: 'tanh' },
  GRU: { cell: 'gru', activation: 'tanh' },
};

type Json = Record<string, unknown>;

function obj(v: unknown, where: string): Json {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new TypeError(`${where}: expected an object`);
  return v as Json;
}

/** [B][T][n] batch-first nested → time-major flat [T, B, n]. */
function batchFirstToTimeMajor(name: string, v: NestedNumbers, B: number, T: number, n: number): Float64Array {
  const flat = flattenNested(name, v, [B, T, n]);
  const out = new Float64Array(T * B * n);
  for (let b = 0; b < B; b++) for (let t = 0; t < T; t++) for (let k = 0; k < n; k++) out[(t * B + b) * n + k] = flat[(b * T + t) * n + k];
  return out;
}

/**
 * Compares every golden value in the parsed file with the engine, its matrix products in `precision` (a float32 file,
 * made with make_golden.py --dtype float32, is checked with float32 products).
 */
export function runGolden(file: unknown, precision: Precision = 'float64'): GoldenReport {
  const was = setPrecision(precision);
  try {
    return runGoldenIn(file, precision);
  } finally {
    setPrecision(was);
  }
}

function runGoldenIn(file: unknown, precision: Precision): GoldenReport {
  const root = obj(file, 'golden file');
  const shared = obj(root.shared_inputs, 'shared_inputs');
  const models = obj(root.models, 'models');
  const xShape = nestedShape(shared.x as NestedNumbers);
  if (xShape.length !== 3) throw new TypeError('shared_inputs.x: expected [B][T][D]');
  const [B, T, D] = xShape;
  const WyShape = nestedShape(shared.W_y as NestedNumbers);
  const P = WyShape[0];
  const x = batchFirstToTimeMajor('shared_inputs.x', shared.x as NestedNumbers, B, T, D);
  const batch: Batch = { T, B, inputSize: D, x, lengths: new Int32Array(B).fill(T) };
  const report: GoldenReport = { maxAbsErr: 0, maxRelErr: 0, precision, compared: 0, sizes: { inputSize: D, hiddenSize: 0, steps: T, batch: B, outputs: P }, cases: [], skipped: [] };

  for (const [name, raw] of Object.entries(models)) {
    const kind = MODEL_KINDS[name];
    if (!kind) {
      report.skipped.push(`${name}: not a known PyTorch model kind (RNN_TANH, RNN_RELU, LSTM, GRU)`);
      continue;
    }
    const spec = obj(raw, `models.${name}`);
    const params = obj(spec.parameters, `models.${name}.parameters`) as Record<string, NestedNumbers>;
    const whShape = nestedShape(params.weight_hh_l0);
    const M = whShape[1];
    report.sizes.hiddenSize = M;
    const cfg = modelConfig({ ...kind, inputSize: D, hiddenSize: M, layers: 1, readout: 'every', loss: 'mse', outputSize: P });
    const model = createModel(cfg);
    loadStateDict(model, params);
    model.theta.set(flattenNested('W_y', shared.W_y as NestedNumbers, [P, M]), model.layout.Wy);
    model.theta.set(flattenNested('b_y', shared.b_y as NestedNumbers, [P]), model.layout.by);
    const cases = spec.cases as unknown[];
    for (const rawCase of cases) {
      const c = obj(rawCase, `models.${name}.cases[]`);
      report.cases.push(runCase(name, model, batch, shared, c, M, P));
    }
  }
  for (const c of report.cases) {
    report.maxAbsErr = Math.max(report.maxAbsErr, c.maxAbsErr);
    for (const it of c.items) {
      report.compared += it.count;
      report.maxRelErr = Math.max(report.maxRelErr, it.maxRelErr);
    }
  }
  if (report.cases.length === 0) throw new TypeError('golden file: no model of a known kind (RNN_TANH, RNN_RELU, LSTM, GRU)');
  return report;
}

function runCase(name: string, model: Model, batch: Batch, shared: Json, c: Json, M: number, P: number): GoldenCaseReport {
  const { T, B, inputSize: D } = batch;
  const isLstm = model.config.cell === 'lstm';
  const items: GoldenItem[] = [];
  const compare = (what: string, got: ArrayLike<number>, want: ArrayLike<number>): void => {
    if (got.length !== want.length) throw new TypeError(`${name}/${String(c.init)}: ${what} has ${want.length} values; engine produced ${got.length}`);
    let e = 0;
    let scale = 0;
    for (let i = 0; i < want.length; i++) {
      const d = Math.abs(got[i] - want[i]);
      e = Number.isNaN(d) ? Infinity : Math.max(e, d);
      scale = Math.max(scale, Math.abs(want[i]));
    }
    items.push({ name: what, maxAbsErr: e, maxRelErr: scale > 0 ? e / scale : e, count: want.length });
  };
  const init: StackState = { h: [new Float64Array(B * M)], c: [new Float64Array(B * M)] };
  if (c.h0 !== undefined && c.h0 !== null) init.h[0] = flattenNested('h0', c.h0 as NestedNumbers, [1, B, M]);
  if (isLstm && c.c0 !== undefined && c.c0 !== null) init.c[0] = flattenNested('c0', c.c0 as NestedNumbers, [1, B, M]);

  const ws = createWorkspace(model.config, T, B);
  forwardStack(model, ws, batch, init);
  const w = ws.layers[0];
  const outputs = obj(c.outputs, 'outputs');
  // h_all is [B][T][M]; ours is h[1..T] time-major
  const hAll = batchFirstToTimeMajor('h_all', outputs.h_all as NestedNumbers, B, T, M);
  compare('h_all', w.h.subarray(B * M), hAll);
  compare('h_T', w.h.subarray(T * B * M), flattenNested('h_T', outputs.h_T as NestedNumbers, [1, B, M]));
  if (isLstm && outputs.c_all !== undefined) compare('c_all', w.c.subarray(B * M), batchFirstToTimeMajor('c_all', outputs.c_all as NestedNumbers, B, T, M));
  if (isLstm && outputs.c_T !== undefined) compare('c_T', w.c.subarray(T * B * M), flattenNested('c_T', outputs.c_T as NestedNumbers, [1, B, M]));
  // gates: RNN z; LSTM i f g o; GRU r z n and W_hn h + b_hn
  const gateNames = model.config.cell === 'vanilla' ? ['z'] : isLstm ? ['i', 'f', 'g', 'o'] : ['r', 'z', 'n'];
  const G = gateNames.length;
  const steps = (c.gates_per_step as unknown[]) ?? [];
  for (let t = 0; t < steps.length; t++) {
    const gs = obj(steps[t], `gates_per_step[${t}]`);
    gateNames.forEach((g, gi) => {
      const want = flattenNested(`gates_per_step[${t}].${g}`, gs[g] as NestedNumbers, [B, M]);
      const got = new Float64Array(B * M);
      for (let b = 0; b < B; b++) for (let k = 0; k < M; k++) got[b * M + k] = w.pre[(t * B + b) * G * M + gi * M + k];
      compare(`gates.${g}`, got, want);
    });
    if (model.config.cell === 'gru' && gs.W_hn_h_plus_b_hn !== undefined) {
      compare('gates.W_hn_h_plus_b_hn', w.hn.subarray(t * B * M, (t + 1) * B * M), flattenNested('W_hn_h_plus_b_hn', gs.W_hn_h_plus_b_hn as NestedNumbers, [B, M]));
    }
  }

  const losses = obj(c.losses, 'losses');
  const compareGrads = (loss: string, grads: Float64Array, dx: Float64Array, d0: StackState, want: Json): void => {
    for (const t of model.layout.tensors) {
      const key = t.name === 'head.weight' ? 'W_y' : t.name === 'head.bias' ? 'b_y' : t.name;
      if (want[key] === undefined) continue;
      compare(`${loss}.grad.${key}`, grads.subarray(t.offset, t.offset + t.size), flattenNested(key, want[key] as NestedNumbers, t.shape));
    }
    if (want.x !== undefined) compare(`${loss}.grad.x`, dx, batchFirstToTimeMajor('grad x', want.x as NestedNumbers, B, T, D));
    if (want.h0 !== undefined) compare(`${loss}.grad.h0`, d0.h[0], flattenNested('grad h0', want.h0 as NestedNumbers, [1, B, M]));
    if (isLstm && want.c0 !== undefined) compare(`${loss}.grad.c0`, d0.c[0], flattenNested('grad c0', want.c0 as NestedNumbers, [1, B, M]));
  };

  // L = ½ Σ h_T²: ∂L/∂h_T = h_T, no head.
  if (losses.half_sum_sq_final_h !== undefined) {
    const spec = obj(losses.half_sum_sq_final_h, 'half_sum_sq_final_h');
    const hT = w.h.slice(T * B * M);
    let value = 0;
    for (const v of hT) value += 0.5 * v * v;
    compare('half_sum_sq_final_h.value', [value], [spec.value as number]);
    const grads = new Float64Array(model.layout.total);
    w.dOut.fill(0);
    const d0 = backwardStack(model, ws, batch, grads, { dhFinal: [hT], inputGrad: true });
    compareGrads('half_sum_sq_final_h', grads, w.dX, d0, obj(spec.grads, 'grads'));
  }
  // L = mean (W_y h_t + b_y − target)²
  if (losses.mse_linear_head_all_steps !== undefined) {
    const spec = obj(losses.mse_linear_head_all_steps, 'mse_linear_head_all_steps');
    forwardStack(model, ws, batch, init);
    headForward(model, ws, batch);
    const targets = batchFirstToTimeMajor('target', shared.target as NestedNumbers, B, T, P);
    const grads = new Float64Array(model.layout.total);
    const res = headLoss(model, ws, batch, targets, grads);
    compare('mse_linear_head_all_steps.value', [res.loss], [spec.value as number]);
    if (spec.y_all !== undefined) compare('mse_linear_head_all_steps.y_all', ws.Y, batchFirstToTimeMajor('y_all', spec.y_all as NestedNumbers, B, T, P));
    const d0 = backwardStack(model, ws, batch, grads, { inputGrad: true });
    compareGrads('mse_linear_head_all_steps', grads, w.dX, d0, obj(spec.grads, 'grads'));
  }
  // One-step Jacobian for batch item 0 at 1-based step k (from the key name, e.g. jacobian_step_b0_t4).
  for (const [key, raw] of Object.entries(c)) {
    const match = /^jacobian_step_b(\d+)_t(\d+)$/.exec(key);
    if (!match) continue;
    const b = Number(match[1]);
    const k = Number(match[2]);
    const spec = obj(raw, key);
    const n = stateSize(model);
    const J = new Float64Array(n * n);
    forwardStack(model, ws, batch, init);
    stepJacobian(model, ws, 0, k - 1, b, batch.lengths, J);
    compare(key, J, flattenNested(key, spec.J as NestedNumbers, [n, n]));
  }
  return { model: name, init: String(c.init), maxAbsErr: Math.max(0, ...items.map((i) => i.maxAbsErr)), items };
}
