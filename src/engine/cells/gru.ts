/**
 * GRU with PyTorch conventions: gate rows r, z, n; reset applied after the matmul.
 * r = σ(W_ir x + b_ir + W_hr h + b_hr), z = σ(…), n = tanh(W_in x + b_in + r⊙(W_hn h + b_hn)),
 * h_t = (1 − z)⊙n + z⊙h_{t−1}  (z is the keep gate: the chapter's α = z, β = 1 − z, h̃ = n).
 * After the forward step `pre` holds [r z n] and `hn` holds W_hn h_{t−1} + b_hn.
 */
import type { LayerWork } from '../workspace';

/** Forward elementwise part of step t (writes h[t+1]). */
export function gruForward(w: LayerWork, t: number, lengths: Int32Array): void {
  const { B, m, pre, hproj, h, hn } = w;
  const Gm = 3 * m;
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
      const r = 1 / (1 + Math.exp(-(pre[p + k] + hproj[q + k])));
      const z = 1 / (1 + Math.exp(-(pre[p + m + k] + hproj[q + m + k])));
      const hnk = hproj[q + 2 * m + k];
      const n = Math.tanh(pre[p + 2 * m + k] + r * hnk);
      pre[p + k] = r;
      pre[p + m + k] = z;
      pre[p + 2 * m + k] = n;
      hn[sp + k] = hnk;
      h[sn + k] = (1 - z) * n + z * h[sp + k];
    }
  }
}

/** Backward elementwise part of step t: input-side and recurrent-side gate gradients differ in the n block. */
export function gruBackward(w: LayerWork, t: number, lengths: Int32Array): void {
  const { B, m, pre, h, hn, dh, dhPrev, dPreX, dPreH } = w;
  const Gm = 3 * m;
  for (let b = 0; b < B; b++) {
    const p = (t * B + b) * Gm;
    const q = b * m;
    const sp = (t * B + b) * m;
    if (t >= lengths[b]) {
      for (let k = 0; k < Gm; k++) {
        dPreX[p + k] = 0;
        dPreH[p + k] = 0;
      }
      for (let k = 0; k < m; k++) dhPrev[q + k] = dh[q + k];
      continue;
    }
    for (let k = 0; k < m; k++) {
      const r = pre[p + k], z = pre[p + m + k], n = pre[p + 2 * m + k];
      const dhk = dh[q + k];
      const dan = dhk * (1 - z) * (1 - n * n); // dtanh = 1 − tanh²
      const daz = dhk * (h[sp + k] - n) * z * (1 - z); // dσ = σ(1 − σ)
      const dar = dan * hn[sp + k] * r * (1 - r);
      dPreX[p + k] = dar;
      dPreX[p + m + k] = daz;
      dPreX[p + 2 * m + k] = dan;
      dPreH[p + k] = dar;
      dPreH[p + m + k] = daz;
      dPreH[p + 2 * m + k] = dan * r;
      dhPrev[q + k] = dhk * z; // the additive path diag(z)
    }
  }
}

/**
 * ∂h_t/∂h_{t−1} = D(z) + D(1−z) D(1−n²)[D(r) W_hn + D(hn⊙r(1−r)) W_hr] + D((h_{t−1}−n)⊙z(1−z)) W_hz, [m, m].
 */
export function gruJacobian(w: LayerWork, theta: Float64Array, whOff: number, t: number, b: number, J: Float64Array): void {
  const { B, m, pre, h, hn } = w;
  const p = (t * B + b) * 3 * m;
  const sp = (t * B + b) * m;
  for (let i = 0; i < m; i++) {
    const r = pre[p + i], z = pre[p + m + i], n = pre[p + 2 * m + i];
    const a = (1 - z) * (1 - n * n);
    const dr = a * hn[sp + i] * r * (1 - r);
    const dn = a * r;
    const dz = (h[sp + i] - n) * z * (1 - z);
    for (let j = 0; j < m; j++) {
      J[i * m + j] = dr * theta[whOff + i * m + j] + dz * theta[whOff + (m + i) * m + j] + dn * theta[whOff + (2 * m + i) * m + j];
    }
    J[i * m + i] += z;
  }
}
