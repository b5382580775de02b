/**
 * Forward pass and backpropagation through time over a stack of recurrent layers, for a batch of sequences of
 * different lengths. Padding never changes a result: a row whose sequence has ended carries its state unchanged and
 * receives no gradient, and the head reads each sequence at its own last step.
 */
import { layerIsResidual, layerInputSize, gateCount, type ModelConfig } from './config';
import { cellFor, stateCount } from './cells/index';
import { customBackward, customForward } from './cells/custom/layer';
import { takeStepGradient } from './stepGradient';
import { gemmNT, gemmPrepared, gemmTN, prepareRight, transpose } from './linalg';
import type { LayerLayout } from './params';
import type { Model } from './model';
import { createLayerWork, type LayerWork } from './workspace';

/** A padded, time-major batch. x is [T, B, inputSize]; rows past lengths[b] are ignored. */
export interface Batch {
  T: number;
  B: number;
  inputSize: number;
  x: Float64Array;
  lengths: Int32Array;
  /** Readout last only: which rows the head reads (default: every non-empty row). Truncated BPTT reads a row only in the chunk where its sequence ends. */
  readMask?: Uint8Array;
}

/** Recurrent state per layer: h [B, m] and, for the LSTM, c [B, m] (a custom cell: its other states, [B, (S−1)·m]). */
export interface StackState {
  h: Float64Array[];
  c: Float64Array[];
}

/** Buffers for a whole model and one batch shape. */
export interface Workspace {
  T: number;
  B: number;
  layers: LayerWork[];
  /** Head: gathered features [B, m] (readout last), outputs Y [rows, P], dY, ∂L/∂features, Wyᵀ [m, P]. */
  feat: Float64Array;
  Y: Float64Array;
  dY: Float64Array;
  dFeat: Float64Array;
  WyT: Float64Array;
}

/** Allocates a workspace for batches of shape (T, B). */
export function createWorkspace(cfg: ModelConfig, T: number, B: number): Workspace {
  const layers: LayerWork[] = [];
  const G = gateCount(cfg);
  const desc = cellFor(cfg);
  for (let l = 0; l < cfg.layers; l++) {
    layers.push(createLayerWork(cfg.cell, desc, cfg.activation, cfg.coupled, T, B, layerInputSize(cfg, l), cfg.hiddenSize, G, layerIsResidual(cfg, l)));
  }
  const rows = cfg.readout === 'last' ? B : T * B;
  const m = cfg.hiddenSize;
  const P = cfg.outputSize;
  return {
    T, B, layers,
    feat: new Float64Array(B * m),
    Y: new Float64Array(rows * P),
    dY: new Float64Array(rows * P),
    dFeat: new Float64Array(rows * m),
    WyT: new Float64Array(m * P),
  };
}

/** Bytes the workspace's buffers take (each buffer once, however many fields view it). */
export function workspaceBytes(ws: Workspace): number {
  const seen = new Set<ArrayBufferLike>();
  let bytes = 0;
  const visit = (v: unknown, depth: number): void => {
    if (depth > 4 || v === null || typeof v !== 'object') return;
    if (ArrayBuffer.isView(v)) {
      if (!seen.has(v.buffer)) {
        seen.add(v.buffer);
        bytes += v.buffer.byteLength;
      }
      return;
    }
    if (Array.isArray(v)) for (const x of v) visit(x, depth + 1);
    else for (const [k, x] of Object.entries(v)) if (k !== 'desc' && k !== 'prog' && k !== 'xIn') visit(x, depth + 1);
  };
  visit(ws, 0);
  return bytes;
}

function addBiasRows(rows: number, n: number, A: Float64Array, aOff: number, theta: Float64Array, bOff: number): void {
  for (let r = 0; r < rows; r++) {
    const a = aOff + r * n;
    for (let j = 0; j < n; j++) A[a + j] += theta[bOff + j];
  }
}

/**
 * Forward through one layer: W_x x + b_x + b_h for all steps in one product, then the recurrence step by step. A cell
 * with a recurrent bias inside its step (the GRU's n block, which its reset gate multiplies) adds that b_h per step
 * instead. A diagonal cell multiplies h₋₁ elementwise by its recurrent vector u instead of W_h.
 */
function layerForward(L: LayerLayout, theta: Float64Array, w: LayerWork, lengths: Int32Array): void {
  if (w.custom) {
    customForward(w.custom, w, theta, L.custom as number[], lengths);
    return;
  }
  const { T, B, d, m, G, desc } = w;
  const Gm = G * m;
  const inside = desc.recurrentBiasInside;
  const insideFrom = inside === null ? Gm : inside * m;
  const insideTo = inside === null ? Gm : (inside + 1) * m;
  const bias = w.biasSum;
  for (let j = 0; j < Gm; j++) bias[j] = theta[L.bx + j] + (j >= insideFrom && j < insideTo ? 0 : theta[L.bh + j]);
  gemmNT(T * B, Gm, d, w.xIn, w.xOff, theta, L.Wx, w.pre, 0, false);
  addBiasRows(T * B, Gm, w.pre, 0, bias, 0);
  const diagonal = desc.recurrent === 'diagonal';
  const Wh = diagonal ? null : prepareRight(Gm, m, theta, L.Wh);
  const Bm = B * m;
  for (let t = 0; t < T; t++) {
    if (desc.simdStep && Wh?.bound && m % 2 === 0) {
      // the whole step in the SIMD kernel; rows whose sequence has ended carry their state
      desc.simdStep(Wh.bound, w, t, theta, L.bh);
      for (let b = 0; b < B; b++) {
        if (t < lengths[b]) continue;
        for (let k = 0; k < m; k++) {
          w.h[(t + 1) * Bm + b * m + k] = w.h[t * Bm + b * m + k];
          if (desc.cellState) w.c[(t + 1) * Bm + b * m + k] = w.c[t * Bm + b * m + k];
        }
      }
      continue;
    }
    if (Wh) gemmPrepared(Wh, B, w.h, t * B * m, w.hproj, 0, false);
    else {
      // u ⊙ h₋₁ per gate block
      for (let b = 0; b < B; b++) {
        const hp = t * Bm + b * m;
        for (let g = 0; g < G; g++) for (let k = 0; k < m; k++) w.hproj[b * Gm + g * m + k] = theta[L.Wh + g * m + k] * w.h[hp + k];
      }
    }
    if (inside !== null) {
      for (let b = 0; b < B; b++) for (let k = insideFrom; k < insideTo; k++) w.hproj[b * Gm + k] += theta[L.bh + k];
    }
    desc.forward(w, t, lengths);
  }
  if (w.residual) {
    const n = T * B * m;
    for (let i = 0; i < n; i++) w.out[i] = w.h[B * m + i] + w.xIn[w.xOff + i];
  }
}

/**
 * Runs the stack forward on a batch. `init` gives h0 (and c0) per layer; zeros when absent.
 * Afterwards the top layer's output is ws.layers[top].out at outOff, [T, B, m].
 */
export function forwardStack(model: Model, ws: Workspace, batch: Batch, init?: StackState): void {
  const { theta, layout } = model;
  const Bm = batch.B * model.config.hiddenSize;
  let xIn = batch.x;
  let xOff = 0;
  for (let l = 0; l < ws.layers.length; l++) {
    const w = ws.layers[l];
    w.xIn = xIn;
    w.xOff = xOff;
    if (init?.h[l]) w.h.set(init.h[l].subarray(0, Bm), 0);
    else w.h.fill(0, 0, Bm);
    if (w.custom) {
      // the other states: packed per row in init.c, [B, (S−1)·m]
      const S = w.custom.S;
      const c = init?.c[l];
      for (let s = 1; s < S.length; s++) {
        for (let b = 0; b < batch.B; b++) {
          const m = w.m;
          for (let k = 0; k < m; k++) S[s][b * m + k] = c && c.length ? c[(b * (S.length - 1) + s - 1) * m + k] : 0;
        }
      }
    } else if (w.desc.cellState) {
      if (init?.c[l]) w.c.set(init.c[l].subarray(0, Bm), 0);
      else w.c.fill(0, 0, Bm);
    }
    layerForward(layout.layers[l], theta, w, batch.lengths);
    xIn = w.out;
    xOff = w.outOff;
  }
}

/** The state after the last valid step of every sequence, per layer (for truncated BPTT and streaming). */
export function finalState(ws: Workspace): StackState {
  const h: Float64Array[] = [];
  const c: Float64Array[] = [];
  for (const w of ws.layers) {
    const Bm = w.B * w.m;
    h.push(w.h.slice(w.T * Bm, (w.T + 1) * Bm));
    if (w.custom) c.push(packStates(w.custom.S, w.B, w.m, w.T * Bm));
    else c.push(w.desc.cellState ? w.c.slice(w.T * Bm, (w.T + 1) * Bm) : new Float64Array(0));
  }
  return { h, c };
}

/** A custom cell's states other than h at one step (offset `off`), packed per row: [B, (S−1)·m]. */
function packStates(S: Float64Array[], B: number, m: number, off: number): Float64Array {
  const out = new Float64Array(B * (S.length - 1) * m);
  for (let s = 1; s < S.length; s++) {
    for (let b = 0; b < B; b++) out.set(S[s].subarray(off + b * m, off + (b + 1) * m), (b * (S.length - 1) + s - 1) * m);
  }
  return out;
}

/** Width of the packed extra state per row: m for the LSTM's c, (S−1)·m for a custom cell, 0 otherwise. */
export function extraStateWidth(cfg: ModelConfig): number {
  return (stateCount(cellFor(cfg)) - 1) * cfg.hiddenSize;
}

/** Options for backwardStack(). */
export interface BackwardOptions {
  /** Extra ∂L/∂h_T (and ∂L/∂c_T) per layer, e.g. a loss on the final state; zeros when absent. */
  dhFinal?: Float64Array[];
  dcFinal?: Float64Array[];
  /** Also compute ∂L/∂x for the bottom layer into ws.layers[0].dX. */
  inputGrad?: boolean;
}

/** Backward through one layer; reads w.dOut; accumulates parameter gradients into grads. */
function layerBackward(
  L: LayerLayout, theta: Float64Array, grads: Float64Array, w: LayerWork, lengths: Int32Array,
  dhT: Float64Array | undefined, dcT: Float64Array | undefined, wantDX: boolean,
): void {
  if (w.custom) {
    const cw = w.custom;
    const S = cw.S.length;
    const m = w.m;
    for (let s = 0; s < S; s++) {
      const ds = cw.dS[s];
      for (let b = 0; b < w.B; b++) {
        for (let k = 0; k < m; k++) {
          ds[b * m + k] = s === 0 ? (dhT ? dhT[b * m + k] : 0) : dcT && dcT.length ? dcT[(b * (S - 1) + s - 1) * m + k] : 0;
        }
      }
    }
    customBackward(cw, w, theta, grads, lengths, wantDX);
    return;
  }
  const { T, B, d, m, G } = w;
  const Gm = G * m;
  const Bm = B * m;
  const TB = T * B;
  if (dhT) w.dh.set(dhT.subarray(0, Bm));
  else w.dh.fill(0);
  if (w.desc.cellState) {
    if (dcT) w.dc.set(dcT.subarray(0, Bm));
    else w.dc.fill(0);
  }
  const diagonal = w.desc.recurrent === 'diagonal';
  if (!diagonal) transpose(Gm, m, theta, L.Wh, w.WhT, 0);
  const WhT = diagonal ? null : prepareRight(m, Gm, w.WhT, 0);
  for (let t = T - 1; t >= 0; t--) {
    takeStepGradient(w, w.dh, t, lengths);
    w.desc.backward(w, t, lengths);
    // ∂L/∂h_{t−1} += W_hᵀ · ∂L/∂(recurrent pre-activations) (diagonal: Σ_g u_g ⊙ δ_g)
    if (WhT) gemmPrepared(WhT, B, w.dPreH, t * B * Gm, w.dhPrev, 0, true);
    else {
      for (let b = 0; b < B; b++) {
        const q = (t * B + b) * Gm;
        for (let g = 0; g < G; g++) for (let k = 0; k < m; k++) w.dhPrev[b * m + k] += theta[L.Wh + g * m + k] * w.dPreH[q + g * m + k];
      }
    }
    const tmp = w.dh;
    w.dh = w.dhPrev;
    w.dhPrev = tmp;
  }
  // dW_h = Σ_t δ_tᵀ h_{t−1}; dW_x = Σ_t δ_tᵀ x_t — one product each over all T·B rows.
  // and db_h = Σ_t δ_t (recurrent side), db_x (input side).
  if (!diagonal) gemmTN(TB, Gm, m, w.dPreH, 0, w.h, 0, grads, L.Wh, true, grads, L.bh);
  else {
    // du_g = Σ_t δ_g ⊙ h_{t−1}, db_h = Σ_t δ
    for (let r = 0; r < TB; r++) {
      const q = r * Gm;
      for (let g = 0; g < G; g++) {
        for (let k = 0; k < m; k++) {
          const delta = w.dPreH[q + g * m + k];
          grads[L.Wh + g * m + k] += delta * w.h[r * m + k];
          grads[L.bh + g * m + k] += delta;
        }
      }
    }
  }
  gemmTN(TB, Gm, d, w.dPreX, 0, w.xIn, w.xOff, grads, L.Wx, true, grads, L.bx);
  if (wantDX) {
    transpose(Gm, d, theta, L.Wx, w.WxT, 0);
    gemmNT(TB, d, Gm, w.dPreX, 0, w.WxT, 0, w.dX, 0, false);
    if (w.residual) for (let i = 0; i < TB * d; i++) w.dX[i] += w.dOut[i];
  }
}

/**
 * Backpropagation through time over the whole stack. The top layer's dOut must hold ∂L/∂out_t (see the head).
 * Parameter gradients are added to grads (same layout as θ). Returns ∂L/∂h0 (and ∂L/∂c0) per layer.
 */
export function backwardStack(model: Model, ws: Workspace, batch: Batch, grads: Float64Array, opts: BackwardOptions = {}): StackState {
  const { theta, layout } = model;
  const h0: Float64Array[] = [];
  const c0: Float64Array[] = [];
  for (let l = ws.layers.length - 1; l >= 0; l--) {
    const w = ws.layers[l];
    const wantDX = l > 0 || opts.inputGrad === true;
    layerBackward(layout.layers[l], theta, grads, w, batch.lengths, opts.dhFinal?.[l], opts.dcFinal?.[l], wantDX);
    if (l > 0) ws.layers[l - 1].dOut.set(w.dX);
    h0[l] = Float64Array.from(w.dh);
    if (w.custom) {
      const dS = w.custom.dS;
      c0[l] = dS.length > 1 ? packStates(dS.map((a) => a), w.B, w.m, 0) : new Float64Array(0);
    } else c0[l] = w.desc.cellState ? Float64Array.from(w.dc) : new Float64Array(0);
  }
  return { h: h0, c: c0 };
}
