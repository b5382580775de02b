/**
 * What the engine, the analysis, the exporter and the user interface need to know about a recurrent cell: one
 * descriptor per cell, collected in ./index.ts. Adding a cell is one file exporting a descriptor and one registry line.
 */
import type { Activation } from '../config';
import type { LayerWork } from '../workspace';
import type { BoundRight } from '../kernels/simd';
import type { CellProgram } from './custom/program';

/** The settings a cell's shape and equations depend on. */
export interface CellVariant {
  activation: Activation;
  coupled: boolean;
  /** LSTM: the forget gate's input bias starts at 1. */
  forgetBias1: boolean;
}

/** One gate block in the weight rows. */
export interface GateInfo {
  /** Code name (`f`, `alpha`). */
  name: string;
  /** How it is written in the equations (TeX, `\alpha`). */
  tex: string;
  /** How it is written in plain text (`α`). */
  symbol: string;
  /** In words ("forget gate: how much of c₋₁ is kept"). */
  title: string;
}

/** One displayed equation and what it says. */
export interface EquationLine {
  tex: string;
  note: string;
}

/** The cell in PyTorch: one of its own modules, or an explicit one-layer module written out. */
export type TorchMapping =
  | { native: 'nn.RNN' | 'nn.LSTM' | 'nn.GRU' }
  | { explicit: { name: string; doc: [string, string]; step: string[] } }
  /** a user-defined cell: the module is generated from its equations */
  | { custom: true };

/** A Model-view preset: a name, what it is for, and the experiment settings it writes. */
export interface CellPreset {
  id: string;
  label: string;
  title: string;
  changes: { field: string; value: unknown }[];
}

/** How the chapter's vanishing-gradient bound applies to the cell. */
export type BoundKind =
  /** every step multiplies the gradient by diag(φ′(z)) · W_h: the chapter's bound applies */
  | { kind: 'chapter' }
  /** a gated update with an additive path: no bound; the gate block whose product carries the gradient */
  | { kind: 'additive'; block: number; tex: string; words: string; gateNode?: number }
  /** a user-defined cell without an additive path: measured against the product of the one-step Jacobians' norms */
  | { kind: 'product' };

/** Step the whole recurrence of time step t with a SIMD kernel (WebAssembly), given W_h prepared for it. */
export type SimdStep = (prepared: BoundRight, w: LayerWork, t: number, theta: Float64Array, bhOff: number) => void;

/** Everything about one built-in cell. */
export interface CellDescriptor {
  /** Its name in experiment files, settings and flags (`lstm`). */
  kind: string;
  /** Its name on screen (`LSTM`). */
  label: string;
  /** In a sentence ("the LSTM"). */
  noun: string;
  /** One line for menus and the CLI usage. */
  summary: string;
  /** Gate blocks stacked in the weight rows, in order (one block for cells without gates: the candidate itself). */
  gates(v: CellVariant): GateInfo[];
  /** Whether the state carries a cell state c beside h: the recurrent state s is then (h, c), 2m wide. */
  cellState: boolean;
  /** The state's parts when they are not just h or (h, c): a user-defined cell's (h first). */
  states?: readonly string[];
  /** A user-defined cell's compiled equations: whole layers run through cells/custom/layer.ts. */
  program?: CellProgram;
  /** Recurrent weights per gate block: a full [m, m] matrix, or a vector [m] applied elementwise (diagonal). */
  recurrent: 'matrix' | 'diagonal';
  /** The activations φ the cell accepts (null: its gates fix them). */
  activations: readonly Activation[] | null;
  /** Whether the cell has a coupled variant (β = 1 − α). */
  coupledOption: boolean;
  /**
   * A gate block whose recurrent bias b_h is added inside the step rather than folded into the input projection
   * (the GRU's n block, where the reset gate multiplies W_hn h + b_hn); its recurrent projection is then kept, and
   * the input-side and recurrent-side pre-activation gradients differ. null for the other cells.
   */
  recurrentBiasInside: number | null;
  /** Forward elementwise part of step t (0-based; writes h[t+1], and c[t+1]); `hproj` holds W_h h_t. */
  forward(w: LayerWork, t: number, lengths: Int32Array): void;
  /** Backward elementwise part of step t: reads dh (and dc), writes dPreX/dPreH and the direct part of dhPrev. */
  backward(w: LayerWork, t: number, lengths: Int32Array): void;
  /** The one-step Jacobian ∂s_{t+1}/∂s_t for batch row b, [n, n] with n = m or 2m; W_h at whOff in theta. */
  jacobian(w: LayerWork, theta: Float64Array, whOff: number, t: number, b: number, J: Float64Array): void;
  /** The whole step in a SIMD kernel (hidden size even), when the cell has one. */
  simdStep: SimdStep | null;
  /** The gate block whose recurrent weights ρ(W_h) and ‖W_h‖₂ describe (the candidate). */
  candidateBlock(v: CellVariant): number;
  /** How the chapter's bound applies. */
  bound: BoundKind;
  /** A gate block whose input bias "forget-gate bias 1" sets to 1 (the LSTM's f), or null. */
  forgetBlock: number | null;
  /** The cell in PyTorch. */
  torch(v: CellVariant): TorchMapping;
  /** The equations of one layer in the chapter's notation (TeX) with what each says. */
  equations(v: CellVariant): EquationLine[];
  /** Presets offered in the Model view. */
  presets: CellPreset[];
}

/** TeX of one gate's pre-activation: W_{x·} x_t + W_{h·} h_{t−1} + b_·. */
export function affineTex(gate: string): string {
  return `W_{x${gate}} x_t + W_{h${gate}} h_{t-1} + b_{${gate}}`;
}
