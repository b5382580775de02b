/**
 * Vanilla cell (chapter eq. for h_t): z_t = W_h h_{t−1} + W_x x_t + b, h_t = φ(z_t), φ ∈ {sigmoid, tanh, relu}.
 * `pre` holds z after the forward step.
 */
import type { LayerWork } from '../workspace';
import type { CellDescriptor } from './types';
import type { Activation } from '../config';

/** Forward elementwise part of step t (0-based; writes h[t+1]). */
export function vanillaForward(w: LayerWork, t: number, lengths: Int32Array): void {
  const { B, m, pre, hproj, h } = w;
  const act = w.activation;
  for (let b = 0; b < B; b++) {
    const p = (t * B + b) * m;
    const q = b * m;
    const hp = (t * B + b) * m;
    const hn = hp + B * m;
    if (t >= lengths[b]) {
      for (let i = 0; i < m; i++) h[hn + i] = h[hp + i];
      continue;
    }
    if (act === 'tanh') {
      for (let i = 0; i < m; i++) {
        const z = pre[p + i] + hproj[q + i];
        pre[p + i] = z;
        h[hn + i] = Math.tanh(z);
      }
    } else if (act === 'sigmoid') {
      for (let i = 0; i < m; i++) {
        const z = pre[p + i] + hproj[q + i];
        pre[p + i] = z;
        h[hn + i] = 1 / (1 + Math.exp(-z));
      }
    } else {
      for (let i = 0; i < m; i++) {
        const z = pre[p + i] + hproj[q + i];
        pre[p + i] = z;
        h[hn + i] = z > 0 ? z : 0;
      }
    }
  }
}

/** φ'(z) from the stored z and h = φ(z). relu'(0) = 0, as PyTorch. */
export function activationSlope(act: LayerWork['activation'], z: number, h: number): number {
  if (act === 'tanh') return 1 - h * h; // dtanh = 1 − tanh²
  if (act === 'sigmoid') return h * (1 - h); // dσ = σ(1 − σ)
  return z > 0 ? 1 : 0;
}

/** Backward elementwise part of step t: dz = dh ⊙ φ'(z); masked rows pass dh straight through. */
export function vanillaBackward(w: LayerWork, t: number, lengths: Int32Array): void {
  const { B, m, pre, h, dh, dhPrev, dPreX } = w;
  const act = w.activation;
  for (let b = 0; b < B; b++) {
    const p = (t * B + b) * m;
    const q = b * m;
    const hn = ((t + 1) * B + b) * m;
    if (t >= lengths[b]) {
      for (let i = 0; i < m; i++) {
        dPreX[p + i] = 0;
        dhPrev[q + i] = dh[q + i];
      }
      continue;
    }
    for (let i = 0; i < m; i++) {
      dPreX[p + i] = dh[q + i] * activationSlope(act, pre[p + i], h[hn + i]);
      dhPrev[q + i] = 0;
    }
  }
}

/** J = diag(φ'(z_t)) W_h for row b at step t, [m, m]; Wh at whOff in theta. */
export function vanillaJacobian(w: LayerWork, theta: Float64Array, whOff: number, t: number, b: number, J: Float64Array): void {
  const { B, m, pre, h } = w;
  const p = (t * B + b) * m;
  const hn = ((t + 1) * B + b) * m;
  for (let i = 0; i < m; i++) {
    const s = activationSlope(w.activation, pre[p + i], h[hn + i]);
    for (let j = 0; j < m; j++) J[i * m + j] = s * theta[whOff + i * m + j];
  }
}

/** φ as TeX, its name and in words. */
export const PHI: Record<Activation, { tex: string; name: string; words: string }> = {
  tanh: { tex: '\\tanh', name: 'tanh', words: 'tanh, elementwise' },
  sigmoid: { tex: '\\sigma', name: 'σ', words: 'the logistic sigmoid σ(z) = 1/(1 + e^−z), elementwise' },
  relu: { tex: '\\operatorname{ReLU}', name: 'ReLU', words: 'ReLU(z) = max(0, z), elementwise' },
};

/** The chapter's vanilla RNN. */
export const vanillaCell: CellDescriptor = {
  kind: 'vanilla',
  label: 'Vanilla RNN',
  noun: 'the RNN',
  summary: 'h = φ(W_h h₋₁ + W_x x + b), φ sigmoid, tanh or ReLU (the chapter\'s cell)',
  gates: () => [{ name: 'z', tex: 'z', symbol: 'z', title: 'pre-activation z = W_h h₋₁ + W_x x + b' }],
  cellState: false,
  recurrent: 'matrix',
  activations: ['sigmoid', 'tanh', 'relu'],
  coupledOption: false,
  recurrentBiasInside: null,
  forward: vanillaForward,
  backward: vanillaBackward,
  jacobian: vanillaJacobian,
  simdStep: null,
  candidateBlock: () => 0,
  bound: { kind: 'chapter' },
  forgetBlock: null,
  torch: (v) => (v.activation === 'sigmoid'
    ? { explicit: { name: 'SigmoidRNN', doc: ['One layer of the vanilla cell with the logistic sigmoid:', 'h_t = σ(W_ih x_t + b_ih + W_hh h_{t−1} + b_hh).'], step: ['            h = torch.sigmoid(pre)'] } }
    : { native: 'nn.RNN' }),
  equations: (v) => [
    {
      tex: 'z_t = W_h h_{t-1} + W_x x_t + b',
      note: 'Pre-activation: the previous state and the current input, mixed linearly. b = b_ih + b_hh (PyTorch keeps two bias vectors; only their sum matters).',
    },
    {
      tex: `h_t = ${PHI[v.activation].tex}(z_t)`,
      note: `New hidden state: φ = ${PHI[v.activation].words}. The update is multiplicative, so ∂hₜ/∂hₜ₋₁ = diag(φ′(zₜ)) W_h. h₀ = 0 at the start of a sequence.`,
    },
  ],
  presets: [
    {
      id: 'tiny', label: 'The chapter\'s tiny RNN',
      title: 'Vanilla tanh RNN with 2 hidden units: small enough to follow every number by hand.',
      changes: [
        { field: 'model.cell', value: 'vanilla' }, { field: 'model.activation', value: 'tanh' }, { field: 'model.hiddenSize', value: 2 },
        { field: 'model.layers', value: 1 }, { field: 'model.residual', value: false }, { field: 'model.init', value: 'pytorch' },
      ],
    },
    {
      id: 'irnn', label: 'IRNN',
      title: 'ReLU RNN with W_h = I and zero biases (Le, Jaitly and Hinton 2015): the state is copied forward until learning changes it.',
      changes: [
        { field: 'model.cell', value: 'vanilla' }, { field: 'model.activation', value: 'relu' }, { field: 'model.init', value: 'identity' },
        { field: 'training.clip', value: 1 },
      ],
    },
  ],
};
