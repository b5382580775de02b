/**
 * Cells spelled out as equations, offered as starting points in the Model view: the chapter's gated cell, and the GRU
 * and LSTM exactly as PyTorch (and the built-in cells) compute them, with PyTorch's two biases per gate.
 */

/** A named set of equations. */
export interface EquationPreset {
  id: string;
  label: string;
  title: string;
  equations: string[];
}

export const EQUATION_PRESETS: EquationPreset[] = [
  {
    id: 'chapter-gated', label: 'Chapter gated cell',
    title: "The chapter's gated cell with coupled gates: h = a ⊙ h₋₁ + (1 − a) ⊙ h̃ — the additive path is the gate a.",
    equations: [
      'a  = sigmoid(W_a @ x + U_a @ h + b_a)',
      'hc = tanh(W_c @ x + U_c @ h + b_c)',
      "h' = a * h + (1 - a) * hc",
    ],
  },
  {
    id: 'gru', label: 'GRU',
    title: "PyTorch's GRU spelled out: reset r, update z, candidate n (r multiplies U_n h + b_hn). Equal to the built-in GRU.",
    equations: [
      'r = sigmoid(W_r @ x + b_ir + U_r @ h + b_hr)',
      'z = sigmoid(W_z @ x + b_iz + U_z @ h + b_hz)',
      'n = tanh(W_n @ x + b_in + r * (U_n @ h + b_hn))',
      "h' = (1 - z) * n + z * h",
    ],
  },
  {
    id: 'lstm', label: 'LSTM',
    title: "PyTorch's LSTM spelled out: gates i, f, o, candidate g, cell state c. Equal to the built-in LSTM.",
    equations: [
      'i = sigmoid(W_i @ x + b_ii + U_i @ h + b_hi)',
      'f = sigmoid(W_f @ x + b_if + U_f @ h + b_hf)',
      'g = tanh(W_g @ x + b_ig + U_g @ h + b_hg)',
      'o = sigmoid(W_o @ x + b_io + U_o @ h + b_ho)',
      "c' = f * c + i * g",
      "h' = o * tanh(c')",
    ],
  },
];
