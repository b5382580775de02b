/**
 * GRU with PyTorch conventions: gate rows r, z, n; reset applied after the matmul.
 * r = σ(W_ir x + b_ir + W_hr h + b_hr), z = σ(…), n = tanh(W_in x + b_in + r⊙(W_hn h + b_hn)),
 * h_t = (1 − z)⊙n + z⊙h_{t−1}  (z is the keep gate: the chapter's α = z, β = 1 − z, h̃ = n).
 * After the forward step `pre` holds [r z n] and `hn` holds W_hn h_{t−1} + b_hn.
 */
import type { LayerWork } from '../workspace';
import { affineTex, type CellDescriptor } from './types';
import { gruStepSimd } from '../kernels/simd';

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

/** The GRU, as PyTorch computes it. */
export const gruCell: CellDescriptor = {
  kind: 'gru',
  label: 'GRU',
  noun: 'the GRU',
  summary: 'gated recurrent unit: reset r, update z, candidate n (PyTorch nn.GRU)',
  gates: () => [
    { name: 'r', tex: 'r', symbol: 'r', title: 'reset gate: how much of h₋₁ feeds the candidate' },
    { name: 'z', tex: 'z', symbol: 'z', title: 'update gate: how much of h₋₁ is kept' },
    { name: 'n', tex: 'n', symbol: 'n', title: 'candidate' },
  ],
  cellState: false,
  recurrent: 'matrix',
  activations: null,
  coupledOption: false,
  recurrentBiasInside: 2,
  forward: gruForward,
  backward: gruBackward,
  jacobian: gruJacobian,
  simdStep: (bound, w, t, theta, bhOff) => {
    const Bm = w.B * w.m;
    gruStepSimd(bound, w.B, w.m, w.h, t * Bm, (t + 1) * Bm, w.pre, t * w.B * w.G * w.m, w.hn, t * Bm, theta, bhOff + 2 * w.m);
  },
  candidateBlock: () => 2,
  bound: { kind: 'additive', block: 1, tex: 'z_k', words: 'the update gate z' },
  forgetBlock: null,
  torch: () => ({ native: 'nn.GRU' }),
  equations: () => [
    { tex: `r_t = \\sigma(${affineTex('r')})`, note: 'Reset gate: how much of the previous state feeds the candidate.' },
    { tex: `z_t = \\sigma(${affineTex('z')})`, note: 'Update gate: how much of the previous state is kept.' },
    {
      tex: 'n_t = \\tanh\\big(W_{xn} x_t + b_{xn} + r_t \\odot (W_{hn} h_{t-1} + b_{hn})\\big)',
      note: "Candidate (the chapter's h̃ₜ). PyTorch's form: the reset gate multiplies W_hn hₜ₋₁ + b_hn after the product, so b_hn stays inside.",
    },
    {
      tex: 'h_t = (1 - z_t) \\odot n_t + z_t \\odot h_{t-1}',
      note: "Interpolation between the candidate and the old state: the chapter's αₜ = zₜ, βₜ = 1 − zₜ, h̃ₜ = nₜ. b_r and b_z are sums of PyTorch's two bias blocks.",
    },
  ],
  presets: [],
};
