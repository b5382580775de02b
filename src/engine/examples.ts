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

function tinyModel(activation: Activation): Model {
  const model = createModel(modelConfig({ cell: 'vanilla', activation, inputSize: 1, hiddenSize: 2, readout: 'last', loss: 'mse', outputSize: 1 }));
  const L = model.layout.layers[0];
  model.theta.fill(0);
  model.theta.set([0.5, 0.1, 0.1, 0.5], L.Wh);
  model.theta.set([0.8, -0.3], L.Wx);
  model.theta.set([1, 1], model.layout.Wy);
  return model;
}

function runTiny(activation: Activation, x: number[]): TinyRnnResult {
  const model = tinyModel(activation);
  const T = x.length;
  const ws = createWorkspace(model.config, T, 1);
  forwardStack(model, ws, { T, B: 1, inputSize: 1, x: Float64Array.from(x), lengths: new Int32Array([T]) });
  const hs = ws.layers[0].h;
  const h: number[][] = [];
  for (let t = 1; t <= T; t++) h.push([hs[t * 2], hs[t * 2 + 1]]);
  const h3 = h[T - 1];
  const yHat = h3[0] + h3[1];
  return { activation, h, h3, yHat, prediction: yHat > 0 ? 'trending' : 'mean-reverting' };
}

/** Computes the chapter's examples. */
export function chapterExamples(): ChapterExamples {
  const x = [0.5, 0.8, 0.6];
  const sigmoid = runTiny('sigmoid', x);
  const tanh = runTiny('tanh', x);
  const f6 = (v: number): string => v.toFixed(6);
  const erratum =
    `The chapter prints h_3 ≈ (0.81, 0.62) and ŷ ≈ 1.43; no reading of its parameters gives that. ` +
    `With sigmoid, h_3 = (${f6(sigmoid.h3[0])}, ${f6(sigmoid.h3[1])}) and ŷ = ${f6(sigmoid.yHat)}; ` +
    `with tanh, h_3 = (${f6(tanh.h3[0])}, ${f6(tanh.h3[1])}) and ŷ = ${f6(tanh.yHat)}. Both still predict "trending".`;

  const wh = 0.9;
  const rows: ScalarRow[] = [2, 5, 10, 20, 50, 100].map((T) => {
    const model = createModel(modelConfig({ cell: 'vanilla', activation: 'sigmoid', inputSize: 1, hiddenSize: 1 }));
    const L = model.layout.layers[0];
    model.theta.fill(0);
    model.theta[L.Wh] = wh;
    model.theta[L.Wx] = 1;
    const report = analyseBound(model, new Float64Array(T));
    // ∂h_T/∂h_1 is the product over T − 1 steps: lag T − 1.
    return { T, bound: Math.pow(0.25 * wh, T - 1), measured: report.measured[T - 2] };
  });
  return {
    tinyRnn: { Wh: [[0.5, 0.1], [0.1, 0.5]], Wx: [0.8, -0.3], x, wy: [1, 1], sigmoid, tanh, chapterClaim: { h3: [0.81, 0.62], yHat: 1.43 }, erratum },
    scalar: { wh, factor: 0.25 * wh, rows },
    chapterBound: { normWh: 2, lag: 50, bound: Math.pow(2 / 4, 50) },
  };
}
