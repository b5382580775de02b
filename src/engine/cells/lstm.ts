/**
 * LSTM with PyTorch conventions: gate rows i, f, g, o; two bias vectors.
 * i = σ(·), f = σ(·), g = tanh(·), o = σ(·); c_t = f⊙c_{t−1} + i⊙g; h_t = o⊙tanh(c_t).
 * After the forward step `pre` holds the gate values [i f g o] and `tc` holds tanh(c_t).
 */
import type { LayerWork } from '../workspace';
import { affineTex, type CellDescriptor } from './types';
import { lstmStepSimd } from '../kernels/simd';

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

/** The LSTM, as PyTorch computes it. */
export const lstmCell: CellDescriptor = {
  kind: 'lstm',
  label: 'LSTM',
  noun: 'the LSTM',
  summary: 'long short-term memory: gates i, f, g, o and a cell state c (PyTorch nn.LSTM)',
  gates: () => [
    { name: 'i', tex: 'i', symbol: 'i', title: 'input gate: how much of the candidate enters c' },
    { name: 'f', tex: 'f', symbol: 'f', title: 'forget gate: how much of c₋₁ is kept' },
    { name: 'g', tex: 'g', symbol: 'g', title: 'candidate values' },
    { name: 'o', tex: 'o', symbol: 'o', title: 'output gate: how much of c is exposed as h' },
  ],
  cellState: true,
  recurrent: 'matrix',
  activations: null,
  coupledOption: false,
  recurrentBiasInside: null,
  forward: lstmForward,
  backward: lstmBackward,
  jacobian: lstmJacobian,
  simdStep: (bound, w, t) => {
    const Bm = w.B * w.m;
    lstmStepSimd(bound, w.B, w.m, w.h, t * Bm, (t + 1) * Bm, w.pre, t * w.B * w.G * w.m, w.c, t * Bm, (t + 1) * Bm, w.tc, t * Bm);
  },
  candidateBlock: () => 2,
  bound: { kind: 'additive', block: 1, tex: 'f_k', words: 'the forget gate f' },
  forgetBlock: 1,
  torch: () => ({ native: 'nn.LSTM' }),
  equations: (v) => [
    { tex: `i_t = \\sigma(${affineTex('i')})`, note: 'Input gate: how much of the candidate gₜ enters the cell state.' },
    { tex: `f_t = \\sigma(${affineTex('f')})`, note: `Forget gate: how much of cₜ₋₁ is kept (the chapter's αₜ, acting on the cell state).${v.forgetBias1 ? ' Initialised with b_f = 1, so the forget gate starts mostly open.' : ''}` },
    { tex: `g_t = \\tanh(${affineTex('g')})`, note: "Candidate values (the chapter's h̃ₜ)." },
    { tex: `o_t = \\sigma(${affineTex('o')})`, note: 'Output gate: how much of the cell state is exposed as hₜ.' },
    {
      tex: 'c_t = f_t \\odot c_{t-1} + i_t \\odot g_t',
      note: 'Additive update of the cell state: ∂cₜ/∂cₜ₋₁ = diag(fₜ), so gradients survive while fₜ ≈ 1. c₀ = 0.',
    },
    { tex: 'h_t = o_t \\odot \\tanh(c_t)', note: 'Hidden state read out of the cell state. Each b_· is the sum of PyTorch\'s b_ih and b_hh blocks.' },
  ],
  presets: [
    {
      id: 'lstm-fb1', label: 'LSTM with forget bias 1',
      title: 'LSTM whose forget gate starts open (b_f = 1), so the cell state is kept from the first epoch (Jozefowicz et al. 2015).',
      changes: [{ field: 'model.cell', value: 'lstm' }, { field: 'model.forgetBias1', value: true }],
    },
  ],
};
