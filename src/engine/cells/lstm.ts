/**
 * LSTM with PyTorch conventions: gate rows i, f, g, o; two bias vectors.
 * i = σ(·), f = σ(·), g = tanh(·), o = σ(·); c_t = f⊙c_{t−1} + i⊙g; h_t = o⊙tanh(c_t).
 * After the forward step `pre` holds the gate values [i f g o] and `tc` holds tanh(c_t).
 */
import type { LayerWork } from '../workspace';

/** Forward elementwise part of step t (writes c[t+1], h[t+1]). */
export function lstmForward(w: LayerWork, t: number, lengths: Int32Array): void {
  const { B, m, pre, hproj, h, c, tc } = w;
  const Gm = 4 * m;
  for (let b = 0; b < B; b++) {
    const p = (t * B + b) * Gm;
    const q = b * Gm;
    const sp = (t * B + b) * m;
    const sn = sp + B * m;
    if (t >= lengths[b]) {
      for (let k = 0; k < m; k++) {
        h[sn + k] = h[sp + k];
        c[sn + k] = c[sp + k];
      }
      continue;
    }
    for (let k = 0; k < m; k++) {
      const i = 1 / (1 + Math.exp(-(pre[p + k] + hproj[q + k])));
      const f = 1 / (1 + Math.exp(-(pre[p + m + k] + hproj[q + m + k])));
      const g = Math.tanh(pre[p + 2 * m + k] + hproj[q + 2 * m + k]);
      const o = 1 / (1 + Math.exp(-(pre[p + 3 * m + k] + hproj[q + 3 * m + k])));
      pre[p + k] = i;
      pre[p + m + k] = f;
      pre[p + 2 * m + k] = g;
      pre[p + 3 * m + k] = o;
      const cn = f * c[sp + k] + i * g;
      const tcn = Math.tanh(cn);
      c[sn + k] = cn;
      tc[sp + k] = tcn;
      h[sn + k] = o * tcn;
    }
  }
}

/** Backward elementwise part of step t: reads dh, dc (∂L/∂h_t, ∂L/∂c_t); writes gate gradients and dc ← ∂L/∂c_{t−1}. */
export function lstmBackward(w: LayerWork, t: number, lengths: Int32Array): void {
  const { B, m, pre, c, tc, dh, dc, dhPrev, dPreX } = w;
  const Gm = 4 * m;
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
      const i = pre[p + k], f = pre[p + m + k], g = pre[p + 2 * m + k], o = pre[p + 3 * m + k];
      const tcn = tc[sp + k];
      const dhk = dh[q + k];
      const dct = dc[q + k] + dhk * o * (1 - tcn * tcn); // ∂h/∂c = o⊙(1 − tanh²c)
      dPreX[p + k] = dct * g * i * (1 - i); // dσ = σ(1 − σ)
      dPreX[p + m + k] = dct * c[sp + k] * f * (1 - f);
      dPreX[p + 2 * m + k] = dct * i * (1 - g * g); // dtanh = 1 − tanh²
      dPreX[p + 3 * m + k] = dhk * tcn * o * (1 - o);
      dc[q + k] = dct * f; // additive path ∂c_t/∂c_{t−1} = f
      dhPrev[q + k] = 0;
    }
  }
}

/**
 * One-step Jacobian ∂(h_t, c_t)/∂(h_{t−1}, c_{t−1}) for row b at step t, [2m, 2m], blocks ordered [h, c].
 * Wh at whOff in theta (rows i f g o).
 */
export function lstmJacobian(w: LayerWork, theta: Float64Array, whOff: number, t: number, b: number, J: Float64Array): void {
  const { B, m, pre, c, tc } = w;
  const p = (t * B + b) * 4 * m;
  const sp = (t * B + b) * m;
  const n = 2 * m;
  J.fill(0);
  for (let r = 0; r < m; r++) {
    const i = pre[p + r], f = pre[p + m + r], g = pre[p + 2 * m + r], o = pre[p + 3 * m + r];
    const tcn = tc[sp + r];
    const dI = g * i * (1 - i);
    const dF = c[sp + r] * f * (1 - f);
    const dG = i * (1 - g * g);
    const hc = o * (1 - tcn * tcn);
    const dO = tcn * o * (1 - o);
    for (let j = 0; j < m; j++) {
      const dc = dF * theta[whOff + (m + r) * m + j] + dI * theta[whOff + r * m + j] + dG * theta[whOff + (2 * m + r) * m + j];
      J[(m + r) * n + j] = dc; // ∂c/∂h₋₁
      J[r * n + j] = dO * theta[whOff + (3 * m + r) * m + j] + hc * dc; // ∂h/∂h₋₁
    }
    J[(m + r) * n + m + r] = f; // ∂c/∂c₋₁ = diag(f)
    J[r * n + m + r] = hc * f; // ∂h/∂c₋₁ = diag(o⊙(1 − tanh²c)) diag(f)
  }
}
