/** The bookkeeping of one backward step that every layer shares, built-in cells and custom ones alike. */
import type { LayerWork } from './workspace';

/**
 * Adds ∂L/∂out_t from above (head or next layer) into the running ∂L/∂h_t (`dh`, [B, m]), records ‖∂L/∂h_t‖ over the
 * batch, counts the valid and the live (‖·‖² ≥ 1e-20) (sequence, step) pairs, and shows `dh` to the step observer.
 */
export function takeStepGradient(w: LayerWork, dh: Float64Array, t: number, lengths: Int32Array): void {
  const { B, m } = w;
  const o = t * B * m;
  let total = 0;
  for (let b = 0; b < B; b++) {
    let sq = 0;
    for (let i = b * m; i < (b + 1) * m; i++) {
      const g = dh[i] + w.dOut[o + i];
      dh[i] = g;
      sq += g * g;
    }
    total += sq;
    if (t < lengths[b]) {
      w.validSteps++;
      if (sq >= 1e-20) w.aliveSteps++;
    }
  }
  w.stepGradSq[t] = total;
  if (w.onStep) w.onStep(t, dh);
}
