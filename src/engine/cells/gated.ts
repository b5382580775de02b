/**
 * The chapter's gated additive cell: α_t = σ(·), β_t = σ(·) (or coupled β_t = 1 − α_t), h̃_t = tanh(·),
 * h_t = α_t⊙h_{t−1} + β_t⊙h̃_t, each (·) = W x_t + b_x + U h_{t−1} + b_h.
 * Gate rows: free [α β h̃], coupled [α h̃]. After the forward step `pre` holds the gate values.
 */
import type { LayerWork } from '../workspace';
import { affineTex, type CellDescriptor } from './types';

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

const GATED_COUPLED_FORWARD = [
  '            a, c = pre.chunk(2, dim=1)',
  '            alpha = torch.sigmoid(a)',
  '            h = alpha * h + (1 - alpha) * torch.tanh(c)',
];

const GATED_FREE_FORWARD = [
  '            a, b, c = pre.chunk(3, dim=1)',
  '            alpha, beta = torch.sigmoid(a), torch.sigmoid(b)',
  '            h = alpha * h + beta * torch.tanh(c)',
];

/** The chapter's gated additive cell. */
export const gatedCell: CellDescriptor = {
  kind: 'gated',
  label: 'Gated additive',
  noun: 'the gated cell',
  summary: 'the chapter\'s h = α⊙h₋₁ + β⊙h̃, free or coupled (β = 1 − α) gates',
  gates: (v) => [
    { name: 'alpha', tex: '\\alpha', symbol: 'α', title: 'keep gate α: how much of h₋₁ passes straight through' },
    ...(v.coupled ? [] : [{ name: 'beta', tex: '\\beta', symbol: 'β', title: 'write gate β: how much of the candidate is added' }]),
    { name: 'hTilde', tex: '\\tilde{h}', symbol: 'h̃', title: 'candidate h̃' },
  ],
  cellState: false,
  recurrent: 'matrix',
  activations: null,
  coupledOption: true,
  recurrentBiasInside: null,
  forward: gatedForward,
  backward: gatedBackward,
  jacobian: gatedJacobian,
  simdStep: null,
  candidateBlock: (v) => (v.coupled ? 1 : 2),
  bound: { kind: 'additive', block: 0, tex: '\\alpha_k', words: 'the keep gate α' },
  forgetBlock: null,
  torch: (v) => ({
    explicit: {
      name: 'GatedRNN',
      doc: v.coupled
        ? ['One layer of the coupled gated additive cell, gate rows [α h̃]:', 'α = σ(·), h̃ = tanh(·), h_t = α⊙h_{t−1} + (1 − α)⊙h̃, each (·) = W_ih x_t + b_ih + W_hh h_{t−1} + b_hh.']
        : ['One layer of the gated additive cell, gate rows [α β h̃]:', 'α = σ(·), β = σ(·), h̃ = tanh(·), h_t = α⊙h_{t−1} + β⊙h̃, each (·) = W_ih x_t + b_ih + W_hh h_{t−1} + b_hh.'],
      step: v.coupled ? GATED_COUPLED_FORWARD : GATED_FREE_FORWARD,
    },
  }),
  equations: (v) => [
    { tex: `\\alpha_t = \\sigma(${affineTex('\\alpha')})`, note: 'Keep gate αₜ: how much of hₜ₋₁ passes straight through.' },
    v.coupled
      ? { tex: '\\beta_t = 1 - \\alpha_t', note: 'Coupled gates: βₜ = 1 − αₜ, so the new state is a convex mix of old state and candidate.' }
      : { tex: `\\beta_t = \\sigma(${affineTex('\\beta')})`, note: 'Write gate βₜ, learned independently of αₜ.' },
    { tex: `\\tilde{h}_t = \\tanh(${affineTex('\\tilde{h}')})`, note: 'Candidate state h̃ₜ.' },
    {
      tex: 'h_t = \\alpha_t \\odot h_{t-1} + \\beta_t \\odot \\tilde{h}_t',
      note: "The chapter's additive update: hₜ₋₁ reaches hₜ through diag(αₜ), not through σ(W_h ·), so ∂hₜ/∂hₜ₋₁ ≈ I while αₜ ≈ 1. Each b_· is the sum of PyTorch's b_ih and b_hh blocks.",
    },
  ],
  presets: [],
};
