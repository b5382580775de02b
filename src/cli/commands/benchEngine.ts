/** Workload W1 on this engine, run in a child process by `bench` (hidden command `__bench-engine JSON`). */
import {
  backwardStack, createModel, createOptimizer, createRng, createWorkspace, EQUATION_PRESETS, forwardStack, headForward, headLoss, modelConfig,
} from '../../engine/index';

/** The W1 cells spelled out as equations (a custom cell computing the same thing as the built-in one). */
const SPELLED: Record<W1Args['cell'], string[]> = {
  rnn: ["h' = tanh(W_h @ x + b_ih + U_h @ h + b_hh)"],
  lstm: EQUATION_PRESETS.find((p) => p.id === 'lstm')!.equations,
  gru: EQUATION_PRESETS.find((p) => p.id === 'gru')!.equations,
};
import { setSimdEnabled, simdAvailable } from '../../engine/kernels/simd';

/** Arguments of one W1 measurement. */
export interface W1Args {
  cell: 'rnn' | 'lstm' | 'gru';
  hidden: number;
  batch?: number;
  steps?: number;
  input?: number;
  warmup?: number;
  repeats?: number;
  minSeconds?: number;
  simd?: boolean;
  /** Run the cell spelled out as equations (a custom cell) instead of the built-in one. */
  equations?: boolean;
}

/** Measures steps/s of W1 (forward, backward and Adam on one batch) per repeat. */
export function runW1(a: W1Args): { stepsPerSec: number[]; simd: boolean; loss: number } {
  setSimdEnabled(a.simd !== false);
  const B = a.batch ?? 32, T = a.steps ?? 100, D = a.input ?? 2;
  const cell = a.equations ? { cell: 'custom' as const, equations: SPELLED[a.cell] } : { cell: a.cell === 'rnn' ? 'vanilla' as const : a.cell };
  const cfg = modelConfig({ ...cell, activation: 'tanh', inputSize: D, hiddenSize: a.hidden, readout: 'last', loss: 'mse', outputSize: 1 });
  const model = createModel(cfg, { seed: 1 });
  const rng = createRng(1);
  const batch = { T, B, inputSize: D, x: Float64Array.from({ length: T * B * D }, () => rng.next()), lengths: new Int32Array(B).fill(T) };
  const targets = Float64Array.from({ length: B }, () => rng.next());
  const ws = createWorkspace(cfg, T, B);
  const opt = createOptimizer(model.theta, { kind: 'adam', lr: 1e-3 });
  let loss = NaN;
  const step = (): void => {
    forwardStack(model, ws, batch);
    headForward(model, ws, batch);
    opt.zeroGrad();
    loss = headLoss(model, ws, batch, targets, opt.grads).loss;
    backwardStack(model, ws, batch, opt.grads);
    opt.step();
  };
  for (let i = 0; i < (a.warmup ?? 2); i++) step();
  const stepsPerSec: number[] = [];
  for (let r = 0; r < (a.repeats ?? 3); r++) {
    let n = 0;
    const t0 = performance.now();
    do {
      step();
      n++;
    } while (performance.now() - t0 < (a.minSeconds ?? 1) * 1000);
    stepsPerSec.push(n / ((performance.now() - t0) / 1000));
  }
  if (!Number.isFinite(loss)) throw new Error('W1 loss is not finite');
  return { stepsPerSec, simd: simdAvailable(), loss };
}
