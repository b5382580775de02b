/**
 * Where the gradient goes in time for one sequence: ‖∂L/∂h_t‖ per step and |∂L/∂h_{t,i}| per step and unit
 * (the time × unit heatmap), from one forward and backward pass with the model's head and loss.
 */
import { backwardStack, createWorkspace, forwardStack, type Batch } from '../bptt';
import type { Sample } from '../batch';
import { packBatch } from '../batch';
import { headForward, headLoss } from '../head';
import type { Model } from '../model';

/** Gradient profile of one sequence. */
export interface GradientProfile {
  steps: number;
  hiddenSize: number;
  loss: number;
  /** ‖∂L/∂h_t‖ for t = 1 … T. */
  stepNorms: number[];
  /** |∂L/∂h_{t,i}|, [T, hiddenSize] row-major. */
  units: Float64Array;
  /** Share of steps with ‖∂L/∂h_t‖² ≥ 1e-20. */
  aliveShare: number;
}

/** Computes the gradient profile of `sample` at layer `layer` (default 0). */
export function gradientProfile(model: Model, sample: Sample, layer = 0): GradientProfile {
  const cfg = model.config;
  const { batch, targets } = packBatch(cfg, [sample], [0]);
  const b: Batch = batch;
  const ws = createWorkspace(cfg, b.T, 1);
  forwardStack(model, ws, b);
  headForward(model, ws, b);
  const grads = new Float64Array(model.layout.total);
  const loss = headLoss(model, ws, b, targets, grads).loss;
  const m = cfg.hiddenSize;
  const T = b.T;
  const units = new Float64Array(T * m);
  const w = ws.layers[layer];
  w.validSteps = 0;
  w.aliveSteps = 0;
  const capture = (t: number, dh: Float64Array): void => {
    for (let i = 0; i < m; i++) units[t * m + i] = Math.abs(dh[i]);
  };
  w.onStep = capture;
  try {
    backwardStack(model, ws, b, grads);
  } finally {
    w.onStep = null;
  }
  return {
    steps: T,
    hiddenSize: m,
    loss,
    stepNorms: Array.from(w.stepGradSq, Math.sqrt),
    units,
    aliveShare: w.validSteps ? w.aliveSteps / w.validSteps : 0,
  };
}
