/**
 * The chapter's gated additive cell: α_t = σ(·), β_t = σ(·) (or coupled β_t = 1 − α_t), h̃_t = tanh(·),
 * h_t = α_t⊙h_{t−1} + β_t⊙h̃_t, each (·) = W x_t + b_x + U h_{t−1} + b_h.
 * Gate rows: free [α β h̃], coupled [α h̃]. After the forward step `pre` holds the gate values.
 */
import type { LayerWork } from '../workspace';

/** Forward elementwise part of step t (writes h[t+1]). */
export function gatedForward(w: LayerWork, t: number, lengths: Int32Array): void {
  const { B, m, G, pre, hproj, h } = w;
  const Gm = G * m;
  const hOff = (G - 1) * m;
  for (let b = 0; b < B; b++) {
    const p = (t * B + b) * Gm;
    const q = b * Gm;
    const sp = (t * B + b) * m;
    const sn = sp + B * m;
    if (t >= lengths[b]) {
      for (let k = 0; k < m; k++) h[sn + k] = h[sp + k];
      continue;
    }
    for (let k = 0; k < m; k++) {
      const alpha = 1 / (1 + Math.exp(-(pre[p + k] + hproj[q + k])));
      const hTilde = Math.tanh(pre[p + hOff + k] + hproj[q + hOff + k]);
      let beta: number;
      if (G === 3) {
        beta = 1 / (1 + Math.exp(-(pre[p + m + k] + hproj[q + m + k])));
        pre[p + m + k] = beta;
      } else {
        beta = 1 - alpha;
      }
      pre[p + k] = alpha;
      pre[p + hOff + k] = hTilde;
      h[sn + k] = alpha * h[sp + k] + beta * hTilde;
    }
  }
}

/** Backward elementwise part of step t; the direct term dh⊙α is the additive path. */
export function gatedBackward(w: LayerWork, t: number, lengths: Int32Array): void {
  const { B, m, G, pre, h, dh, dhPrev, dPreX } = w;
  const Gm = G * m;
  const hOff = (G - 1) * m;
  for (let b = 0; b < B; b++) {
    const p = (t * B + b) * Gm;
    const q = b * m;
    const sp = (t * B + b) * m;
    if (t >= lengths[b]) {
      for (let k = 0; k < Gm; k++) dPreX[p + k] = 0;
      for (let k = 0; k < m; k++) dhPrev[q + k] = dh[q + k];
      continue;
    }
    for (let k = 0; k < m; k++) {
      const alpha = pre[p + k];
      const hTilde = pre[p + hOff + k];
      const dhk = dh[q + k];
      const hPrev = h[sp + k];
      if (G === 3) {
        const beta = pre[p + m + k];
        dPreX[p + k] = dhk * hPrev * alpha * (1 - alpha); // dσ = σ(1 − σ)
        dPreX[p + m + k] = dhk * hTilde * beta * (1 - beta);
        dPreX[p + hOff + k] = dhk * beta * (1 - hTilde * hTilde); // dtanh = 1 − tanh²
      } else {
        dPreX[p + k] = dhk * (hPrev - hTilde) * alpha * (1 - alpha);
        dPreX[p + hOff + k] = dhk * (1 - alpha) * (1 - hTilde * hTilde);
      }
      dhPrev[q + k] = dhk * alpha;
    }
  }
}

/** ∂h_t/∂h_{t−1} = D(α) + D(h₋₁⊙α(1−α)) U_α + D(h̃⊙β(1−β)) U_β + D(β⊙(1−h̃²)) U_h̃ (coupled: β = 1−α folded into U_α). */
export function gatedJacobian(w: LayerWork, theta: Float64Array, whOff: number, t: number, b: number, J: Float64Array): void {
  const { B, m, G, pre, h } = w;
  const p = (t * B + b) * G * m;
  const sp = (t * B + b) * m;
  const hOff = (G - 1) * m;
  for (let i = 0; i < m; i++) {
    const alpha = pre[p + i];
    const hTilde = pre[p + hOff + i];
    const hPrev = h[sp + i];
    let ca: number, cb = 0, ch: number;
    if (G === 3) {
      const beta = pre[p + m + i];
      ca = hPrev * alpha * (1 - alpha);
      cb = hTilde * beta * (1 - beta);
      ch = beta * (1 - hTilde * hTilde);
    } else {
      ca = (hPrev - hTilde) * alpha * (1 - alpha);
      ch = (1 - alpha) * (1 - hTilde * hTilde);
    }
    for (let j = 0; j < m; j++) {
      let v = ca * theta[whOff + i * m + j] + ch * theta[whOff + (hOff + i) * m + j];
      if (G === 3) v += cb * theta[whOff + (m + i) * m + j];
      J[i * m + j] = v;
    }
    J[i * m + i] += alpha;
  }
}
