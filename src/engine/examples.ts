/**
 * The chapter's worked examples, computed by the engine (not typed in):
 *  1. the tiny RNN (m = 2) that classifies three intraday returns, with the erratum for its printed h_3 and ŷ;
 *  2. the scalar sigmoid RNN with w_h = 0.9, whose per-step factor is at most 0.225, and the bound 0.225^{T−1};
 *  3. the bound (‖W_h‖/4)^{T−t} for ‖W_h‖ = 2 and T − t = 50.
 */
import { modelConfig, type Activation } from './config';
import { createWorkspace, forwardStack } from './bptt';
import { createModel, type Model } from './model';
import { analyseBound } from './analysis/bound';

/** The tiny RNN's forward pass for one activation. */
export interface TinyRnnResult {
  activation: Activation;
  h: number[][];
  h3: number[];
  yHat: number;
  prediction: 'trending' | 'mean-reverting';
}

/** One row of the scalar example. */
export interface ScalarRow {
  T: number;
  /** The chapter's bound 0.225^{T−1} on ∂h_T/∂h_1. */
  bound: number;
  /** ∂h_T/∂h_1 measured by the engine (inputs 0, w_x = 1, b = 0, h_0 = 0). */
  measured: number;
}

/** Everything `rnn-playground examples` prints. */
export interface ChapterExamples {
  tinyRnn: {
    Wh: number[][];
    Wx: number[];
    x: number[];
    wy: number[];
    sigmoid: TinyRnnResult;
    tanh: TinyRnnResult;
    chapterClaim: { h3: number[]; yHat: number };
    erratum: string;
  };
  scalar: { wh: number; factor: number; rows: ScalarRow[] };
  chapterBound: { normWh: number; lag: number; bound: number };
}

/** The tiny RNN's parameters and inputs (the chapter's by default). */
export interface TinyRnnParams {
  Wh: number[][];
  Wx: number[];
  x: number[];
  wy: number[];
}

/** The chapter's tiny RNN: W_h, w_x, three intraday returns and w_y. */
export const CHAPTER_TINY_RNN: TinyRnnParams = { Wh: [[0.5, 0.1], [0.1, 0.5]], Wx: [0.8, -0.3], x: [0.5, 0.8, 0.6], wy: [1, 1] };

function tinyModel(activation: Activation, p: TinyRnnParams): Model {
  const model = createModel(modelConfig({ cell: 'vanilla', activation, inputSize: 1, hiddenSize: 2, readout: 'last', loss: 'mse', outputSize: 1 }));
  const L = model.layout.layers[0];
  model.theta.fill(0);
  model.theta.set([p.Wh[0][0], p.Wh[0][1], p.Wh[1][0], p.Wh[1][1]], L.Wh);
  model.theta.set(p.Wx, L.Wx);
  model.theta.set(p.wy, model.layout.Wy);
  return model;
}

/** The tiny RNN's forward pass, step by step, with `activation` (parameters: the chapter's unless given). */
export function tinyRnn(activation: Activation, p: TinyRnnParams = CHAPTER_TINY_RNN): TinyRnnResult {
  const ok = p.Wh.length === 2 && p.Wh.every((r) => r.length === 2) && p.Wx.length === 2 && p.wy.length === 2 && p.x.length >= 1 && p.x.length <= 100
    && [...p.Wh.flat(), ...p.Wx, ...p.wy, ...p.x].every(Number.isFinite);
  if (!ok) throw new RangeError('the tiny RNN needs a 2 × 2 W_h, 2 entries of w_x and of w_y, and 1 to 100 inputs, all finite numbers');
  const model = tinyModel(activation, p);
  const T = p.x.length;
  const ws = createWorkspace(model.config, T, 1);
  forwardStack(model, ws, { T, B: 1, inputSize: 1, x: Float64Array.from(p.x), lengths: new Int32Array([T]) });
  const hs = ws.layers[0].h;
  const h: number[][] = [];
  for (let t = 1; t <= T; t++) h.push([hs[t * 2], hs[t * 2 + 1]]);
  const hT = h[T - 1];
  const yHat = p.wy[0] * hT[0] + p.wy[1] * hT[1];
  return { activation, h, h3: hT, yHat, prediction: yHat > 0 ? 'trending' : 'mean-reverting' };
}

/** ∂h_T/∂h_1 of the scalar RNN h_t = φ(w_h h_{t−1} + x_t) (inputs 0, h_0 = 0) against (max φ′ · |w_h|)^{T−1}, for each T. */
export function scalarChain(wh: number, activation: Activation, lengths: number[]): { factor: number; rows: ScalarRow[] } {
  if (!Number.isFinite(wh) || Math.abs(wh) > 100) throw new RangeError(`w_h must be a number from −100 to 100; got ${wh}`);
  const slope = activation === 'sigmoid' ? 0.25 : 1;
  const factor = slope * Math.abs(wh);
  const rows = lengths.map((T) => {
    if (!Number.isInteger(T) || T < 2 || T > 10000) throw new RangeError(`T must be a whole number from 2 to 10000; got ${T}`);
    const model = createModel(modelConfig({ cell: 'vanilla', activation, inputSize: 1, hiddenSize: 1 }));
    const L = model.layout.layers[0];
    model.theta.fill(0);
    model.theta[L.Wh] = wh;
    model.theta[L.Wx] = 1;
    const report = analyseBound(model, new Float64Array(T));
    // ∂h_T/∂h_1 is the product over T − 1 steps: lag T − 1.
    return { T, bound: Math.pow(factor, T - 1), measured: report.measured[T - 2] };
  });
  return { factor, rows };
}

/** Computes the chapter's examples. */
export function chapterExamples(): ChapterExamples {
  const sigmoid = tinyRnn('sigmoid');
  const tanh = tinyRnn('tanh');
  const f6 = (v: number): string => v.toFixed(6);
  const erratum =
    `The chapter prints h_3 ≈ (0.81, 0.62) and ŷ ≈ 1.43; no reading of its parameters gives that. ` +
    `With sigmoid, h_3 = (${f6(sigmoid.h3[0])}, ${f6(sigmoid.h3[1])}) and ŷ = ${f6(sigmoid.yHat)}; ` +
    `with tanh, h_3 = (${f6(tanh.h3[0])}, ${f6(tanh.h3[1])}) and ŷ = ${f6(tanh.yHat)}. Both still predict "trending".`;
  const wh = 0.9;
  const { rows } = scalarChain(wh, 'sigmoid', [2, 5, 10, 20, 50, 100]);
  return {
    tinyRnn: { ...CHAPTER_TINY_RNN, sigmoid, tanh, chapterClaim: { h3: [0.81, 0.62], yHat: 1.43 }, erratum },
    scalar: { wh, factor: 0.25 * wh, rows },
    chapterBound: { normWh: 2, lag: 50, bound: Math.pow(2 / 4, 50) },
  };
}
