/**
 * IndRNN (Li, Li, Cook, Zhu & Gao 2018, arXiv 1803.04831): h_t = φ(W_x x_t + u ⊙ h_{t−1} + b), one recurrent
 * weight per unit (W_h = diag(u)), φ ReLU or tanh. Units talk to each other only through the next layer, and the
 * one-step Jacobian diag(φ′(z_t) ⊙ u) is diagonal: unit i's gradient after k steps is exactly ∏ φ′(z_{·,i}) u_i, so
 * the chapter's bound ‖∂h_T/∂h_t‖ ≤ ∏ max_i φ′ · ‖W_h‖₂ is reached by the unit that attains both maxima.
 * The step is the vanilla cell's with a diagonal W_h (bptt.ts does u ⊙ h instead of W_h h).
 */
import type { LayerWork } from '../workspace';
import { activationSlope, PHI, vanillaBackward, vanillaForward } from './vanilla';
import type { CellDescriptor } from './types';

/** J = diag(φ′(z_t) ⊙ u) for row b at step t, [m, m]; u at uOff in theta. */
export function indrnnJacobian(w: LayerWork, theta: Float64Array, uOff: number, t: number, b: number, J: Float64Array): void {
  const { B, m, pre, h } = w;
  const p = (t * B + b) * m;
  const hn = ((t + 1) * B + b) * m;
  J.fill(0);
  for (let i = 0; i < m; i++) J[i * m + i] = activationSlope(w.activation, pre[p + i], h[hn + i]) * theta[uOff + i];
}

/** IndRNN through the registry. */
export const indrnnCell: CellDescriptor = {
  kind: 'indrnn',
  label: 'IndRNN',
  noun: 'the IndRNN',
  summary: 'independently recurrent: h = φ(W_x x + u ⊙ h₋₁ + b), one recurrent weight per unit, φ ReLU or tanh (Li et al. 2018)',
  gates: () => [{ name: 'z', tex: 'z', symbol: 'z', title: 'pre-activation z = W_x x + u ⊙ h₋₁ + b' }],
  cellState: false,
  recurrent: 'diagonal',
  activations: ['relu', 'tanh'],
  coupledOption: false,
  recurrentBiasInside: null,
  forward: vanillaForward,
  backward: vanillaBackward,
  jacobian: indrnnJacobian,
  simdStep: null,
  candidateBlock: () => 0,
  bound: { kind: 'chapter' },
  forgetBlock: null,
  torch: (v) => ({
    explicit: {
      name: 'IndRNN',
      doc: ['One layer of the independently recurrent cell (Li et al. 2018), weight_hh_l0 a vector u:', `h_t = ${v.activation}(W_ih x_t + b_ih + u ⊙ h_{t−1} + b_hh).`],
      step: [`            h = torch.${v.activation}(pre)`],
    },
  }),
  equations: (v) => [
    {
      tex: 'z_t = W_x x_t + u \\odot h_{t-1} + b',
      note: 'Pre-activation: each unit sees only its own previous value, through one recurrent weight uᵢ (W_h = diag(u)). b = b_ih + b_hh.',
    },
    {
      tex: `h_t = ${PHI[v.activation].tex}(z_t)`,
      note: `New hidden state: φ = ${PHI[v.activation].words}. ∂hₜ/∂hₜ₋₁ = diag(φ′(zₜ) ⊙ u) is diagonal, so each unit's gradient after k steps is exactly the product of its own φ′·uᵢ: the chapter's bound, unit by unit.`,
    },
  ],
  presets: [
    {
      id: 'indrnn', label: 'IndRNN',
      title: 'ReLU IndRNN with recurrent weights u drawn from (0, 1) and clipping (Li et al. 2018): each unit keeps its own memory.',
      changes: [
        { field: 'model.cell', value: 'indrnn' }, { field: 'model.activation', value: 'relu' }, { field: 'model.init', value: 'glorot-orthogonal' },
        { field: 'training.clip', value: 1 },
      ],
    },
  ],
};
