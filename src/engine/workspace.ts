/**
 * Preallocated buffers for one layer and one batch shape (T steps, B sequences). Forward writes the cache that
 * backward reads; nothing is allocated per time step. Layout is time-major: row (t, b) of a [T, B, n] buffer starts
 * at (t·B + b)·n.
 */
import type { Activation, CellKind } from './config';
import type { CellDescriptor } from './cells/types';
import { createCustomWork, type CustomWork } from './cells/custom/layer';

/** Buffers of one recurrent layer for a batch of shape (T, B). */
export interface LayerWork {
  cell: CellKind;
  /** The cell's descriptor (the registry's entry for `cell`). */
  desc: CellDescriptor;
  activation: Activation;
  coupled: boolean;
  T: number;
  B: number;
  /** input width d */
  d: number;
  /** hidden width m */
  m: number;
  /** gate blocks G */
  G: number;
  residual: boolean;
  /** Layer input [T, B, d] lives in xIn at xOff (the batch or the layer below's output). */
  xIn: Float64Array;
  xOff: number;
  /** [T, B, G·m]: input projections Wx·x + bx, overwritten by gate values (pre-activation z for vanilla). */
  pre: Float64Array;
  /** [B, G·m] scratch: W_h·h₋₁ for the current step (the GRU adds b_hn to its n block). */
  hproj: Float64Array;
  /** [G·m] b_x + b_h (GRU n block: b_x only), added once to all input projections. */
  biasSum: Float64Array;
  /** A cell with a recurrent bias inside its step (GRU), [T, B, m]: the n-block of Wh·h₋₁ + bh (reset is applied after the matmul). */
  hn: Float64Array;
  /** [T+1, B, m] hidden states, h[0] = h0. */
  h: Float64Array;
  /** LSTM only, [T+1, B, m] cell states, c[0] = c0. */
  c: Float64Array;
  /** LSTM only, [T, B, m] tanh(c_t). */
  tc: Float64Array;
  /** [T, B, m] layer output: h_t, plus x_t when residual. Aliases h[1…] when not residual. */
  out: Float64Array;
  outOff: number;
  /** [T, B, G·m] ∂L/∂(input-side pre-activations). */
  dPreX: Float64Array;
  /** [T, B, G·m] ∂L/∂(recurrent-side pre-activations); aliases dPreX except for the GRU. */
  dPreH: Float64Array;
  /** [B, m] running ∂L/∂h_t, and the next one being built. */
  dh: Float64Array;
  dhPrev: Float64Array;
  /** LSTM only, [B, m] running ∂L/∂c_t. */
  dc: Float64Array;
  /** [T, B, m] ∂L/∂out_t from above (head or next layer). */
  dOut: Float64Array;
  /** [T, B, d] ∂L/∂x_t, filled when asked. */
  dX: Float64Array;
  /** scratch: Whᵀ [m, G·m] and Wxᵀ [d, G·m] for the backward products. */
  WhT: Float64Array;
  WxT: Float64Array;
  /** [T] ‖∂L/∂h_t‖² over the batch, for t = 1…T, from the latest backward pass (squares: shards of a batch add them). */
  stepGradSq: Float64Array;
  /** Counters over backward passes (reset by the caller): valid (sequence, step) pairs, and those with ‖∂L/∂h_t‖² ≥ 1e-20. */
  validSteps: number;
  aliveSteps: number;
  /** Optional observer of ∂L/∂h_t ([B, m]) at each step t (0-based, h[t+1]) during backward; null in training. */
  onStep: ((t: number, dh: Float64Array) => void) | null;
  /** A custom cell's buffers (its states, node tapes, products and adjoints); null for the built-in cells. */
  custom: CustomWork | null;
}

/** Allocates the buffers of one layer. xIn is bound later by the forward pass. */
export function createLayerWork(
  cell: CellKind, desc: CellDescriptor, activation: Activation, coupled: boolean,
  T: number, B: number, d: number, m: number, G: number, residual: boolean,
): LayerWork {
  if (desc.program) G = 0; // a custom cell keeps its values in its own buffers
  const TB = T * B;
  const Gm = G * m;
  const h = new Float64Array((T + 1) * B * m);
  const dPreX = new Float64Array(TB * Gm);
  const inside = desc.recurrentBiasInside !== null;
  const cs = desc.cellState;
  const diagonal = desc.recurrent === 'diagonal';
  return {
    cell, desc, activation, coupled, T, B, d, m, G, residual,
    xIn: h, xOff: 0,
    pre: new Float64Array(TB * Gm),
    hproj: new Float64Array(B * Gm),
    biasSum: new Float64Array(Gm),
    hn: new Float64Array(inside ? TB * m : 0),
    h,
    c: new Float64Array(cs ? (T + 1) * B * m : 0),
    tc: new Float64Array(cs ? TB * m : 0),
    out: residual ? new Float64Array(TB * m) : h,
    outOff: residual ? 0 : B * m,
    dPreX,
    dPreH: inside ? new Float64Array(TB * Gm) : dPreX,
    dh: new Float64Array(B * m),
    dhPrev: new Float64Array(B * m),
    dc: new Float64Array(cs ? B * m : 0),
    dOut: new Float64Array(TB * m),
    dX: new Float64Array(TB * d),
    WhT: new Float64Array(diagonal ? 0 : m * Gm),
    WxT: new Float64Array(desc.program ? 0 : d * Gm),
    stepGradSq: new Float64Array(T),
    validSteps: 0,
    aliveSteps: 0,
    onStep: null,
    custom: desc.program ? createCustomWork(desc.program, T, B, d, m, h) : null,
  };
}
