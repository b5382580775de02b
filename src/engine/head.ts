/**
 * The linear head ŷ = W_y h + b_y and its losses: mean squared error, logistic loss on one logit (binary
 * classification) and softmax cross-entropy (K classes). Losses are means over valid items (sequences for
 * readout `last`; valid steps for readout `every`), and over outputs for MSE, as PyTorch's reduction 'mean'.
 *
 * Targets, time-major like the batch:
 *   readout last:  mse [B, P]; binary / softmax [B] class indices (0/1 for binary)
 *   readout every: mse [T, B, P]; binary / softmax [T, B] class indices
 */
import { gemmNT, gemmTN, transpose } from './linalg';
import type { Batch, Workspace } from './bptt';
import type { Model } from './model';

/** Loss value and, for classification, the count of correct predictions among `count` items. */
export interface HeadResult {
  loss: number;
  /** Items the loss averages over (sequences or valid steps). */
  count: number;
  correct: number;
}

/** Computes ŷ for every read row into ws.Y: [B, P] for readout last, [T, B, P] for every. */
export function headForward(model: Model, ws: Workspace, batch: Batch): void {
  const { config, layout, theta } = model;
  const m = config.hiddenSize;
  const P = config.outputSize;
  const top = ws.layers[ws.layers.length - 1];
  const B = batch.B;
  if (config.readout === 'last') {
    for (let b = 0; b < B; b++) {
      const t = Math.max(0, batch.lengths[b] - 1);
      const src = top.outOff + (t * B + b) * m;
      for (let k = 0; k < m; k++) ws.feat[b * m + k] = top.out[src + k];
    }
    gemmNT(B, P, m, ws.feat, 0, theta, layout.Wy, ws.Y, 0, false);
    for (let b = 0; b < B; b++) for (let j = 0; j < P; j++) ws.Y[b * P + j] += theta[layout.by + j];
  } else {
    const rows = batch.T * B;
    gemmNT(rows, P, m, top.out, top.outOff, theta, layout.Wy, ws.Y, 0, false);
    for (let r = 0; r < rows; r++) for (let j = 0; j < P; j++) ws.Y[r * P + j] += theta[layout.by + j];
  }
}

/** Whether read row r is a real (non-padding) item. */
function rowValid(model: Model, batch: Batch, r: number): boolean {
  if (model.config.readout === 'last') return batch.lengths[r] > 0 && (!batch.readMask || batch.readMask[r] === 1);
  const t = Math.floor(r / batch.B);
  return t < batch.lengths[r % batch.B];
}

/**
 * Loss of ws.Y against targets. With grads, also writes ∂L/∂ŷ, adds dW_y, db_y to grads and fills the top layer's
 * dOut with ∂L/∂out_t (zero where nothing is read). `denom` replaces the batch's own divisor (its item count, times
 * the outputs for MSE) when the batch is one shard of a larger one: the shards' losses and gradients then add up to
 * the whole batch's.
 */
export function headLoss(model: Model, ws: Workspace, batch: Batch, targets: Float64Array, grads: Float64Array | null, denom?: number): HeadResult {
  const { config, layout, theta } = model;
  const P = config.outputSize;
  const m = config.hiddenSize;
  const rows = config.readout === 'last' ? batch.B : batch.T * batch.B;
  const Y = ws.Y;
  const dY = ws.dY;
  let count = 0;
  for (let r = 0; r < rows; r++) if (rowValid(model, batch, r)) count++;
  if (denom === undefined) denom = Math.max(1, config.loss === 'mse' ? count * P : count);
  let loss = 0;
  let correct = 0;
  for (let r = 0; r < rows; r++) {
    const y = r * P;
    if (!rowValid(model, batch, r)) {
      for (let j = 0; j < P; j++) dY[y + j] = 0;
      continue;
    }
    if (config.loss === 'mse') {
      for (let j = 0; j < P; j++) {
        const e = Y[y + j] - targets[y + j];
        loss += e * e;
        dY[y + j] = (2 * e) / denom;
      }
    } else if (config.loss === 'binary') {
      const s = Y[y];
      const target = targets[r];
      // log(1 + e^s) − t·s, written to stay finite for large |s|
      loss += Math.max(s, 0) - target * s + Math.log1p(Math.exp(-Math.abs(s)));
      dY[y] = (1 / (1 + Math.exp(-s)) - target) / denom;
      if ((s > 0 ? 1 : 0) === (target > 0.5 ? 1 : 0)) correct++;
    } else {
      const k = targets[r];
      let max = -Infinity;
      let arg = 0;
      for (let j = 0; j < P; j++) {
        if (Y[y + j] > max) {
          max = Y[y + j];
          arg = j;
        }
      }
      let sum = 0;
      for (let j = 0; j < P; j++) sum += Math.exp(Y[y + j] - max);
      const logZ = max + Math.log(sum);
      loss += logZ - Y[y + k];
      for (let j = 0; j < P; j++) dY[y + j] = (Math.exp(Y[y + j] - logZ) - (j === k ? 1 : 0)) / denom;
      if (arg === k) correct++;
    }
  }
  loss /= denom;
  if (grads) {
    const top = ws.layers[ws.layers.length - 1];
    const feat = config.readout === 'last' ? ws.feat : top.out;
    const featOff = config.readout === 'last' ? 0 : top.outOff;
    // dW_y += dYᵀ · features ; db_y += Σ dY ; ∂L/∂features = dY · W_y
    gemmTN(rows, P, m, dY, 0, feat, featOff, grads, layout.Wy, true, grads, layout.by);
    transpose(P, m, theta, layout.Wy, ws.WyT, 0);
    gemmNT(rows, m, P, dY, 0, ws.WyT, 0, ws.dFeat, 0, false);
    if (config.readout === 'last') {
      top.dOut.fill(0);
      const B = batch.B;
      for (let b = 0; b < B; b++) {
        if (!rowValid(model, batch, b)) continue;
        const dst = ((batch.lengths[b] - 1) * B + b) * m;
        for (let k = 0; k < m; k++) top.dOut[dst + k] = ws.dFeat[b * m + k];
      }
    } else {
      top.dOut.set(ws.dFeat.subarray(0, rows * m));
    }
  }
  return { loss, count, correct };
}
