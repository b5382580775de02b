/**
 * The shapes of the chapter's measured claims (src/data/chapter.ts, src/data/horizon.ts), without their code: the
 * protocol and the webviews read them, and must not pull in the data layer's file reading.
 */
import type { Activation, GateSeries, InitKind, ScalarRow, TinyRnnParams, TinyRnnResult } from '../engine/index';

/** One cell at one length. */
export interface HorizonResult {
  length: number;
  valLoss: number;
  baselineLoss: number;
  solved: boolean;
}

/** The budget every run gets. */
export interface HorizonBudget {
  hiddenSize: number;
  epochs: number;
  train: number;
  validation: number;
  batchSize: number;
  learningRate: number;
  seed: number;
}

/** A horizon measurement. */
export interface HorizonReport {
  task: 'adding' | 'copy' | 'order';
  lengths: number[];
  budget: HorizonBudget;
  cells: { cell: string; activation: string; horizon: number; results: HorizonResult[] }[];
}

/** Claim a: the tiny RNN's states and output with sigmoid and tanh, against what the chapter prints. */
export interface TinyClaim {
  params: TinyRnnParams;
  sigmoid: TinyRnnResult;
  tanh: TinyRnnResult;
  chapter: { h3: number[]; yHat: number };
  /** The chapter's parameters: its printed h_3 and ŷ are then checked (the erratum). */
  chapterParams: boolean;
  held: boolean;
  sentence: string;
}

/** Claim b: ∂h_T/∂h_1 of the scalar RNN against (max φ′ · |w_h|)^(T−1). */
export interface ScalarClaim {
  wh: number;
  activation: Activation;
  factor: number;
  rows: ScalarRow[];
  held: boolean;
  sentence: string;
}

/** Claim c: each cell's horizon on the adding problem. */
export interface HorizonClaim {
  report: HorizonReport;
  held: boolean;
  sentence: string;
}

/** A gated cell trained on the adding problem, its gates over one validation sequence, and where the markers are. */
export interface GateRun {
  cell: 'lstm' | 'gated';
  valLoss: number;
  baselineLoss: number;
  markers: number[];
  gates: GateSeries[];
  /** Per gate: its mean at the marked steps and at the others (over the validation sequences and the units). */
  atMarkers: Record<string, number>;
  between: Record<string, number>;
}

/** Claim d: the write gate opens at the markers and the keep gate holds in between. */
export interface GatesClaim {
  length: number;
  runs: GateRun[];
  held: boolean;
  sentence: string;
}

/** One ReLU network's dead units, epoch by epoch. */
export interface DeadUnitsRun {
  init: InitKind;
  label: string;
  /** Share of hidden units never active (h ≤ 0) on any step of the validation sequences: before training, then per epoch. */
  deadShare: number[];
  /** The effective memory (steps) on one validation sequence after training, and the validation MSE. */
  effectiveMemory: number;
  valLoss: number;
}

/** Claim e. */
export interface DeadUnitsClaim {
  length: number;
  runs: DeadUnitsRun[];
  held: boolean;
  sentence: string;
}

/** One 8-layer stack's gradient per layer over training. */
export interface ResidualRun {
  residual: boolean;
  /** Mean over the steps of ‖∂L/∂h_t‖, per layer (index 0: the first layer), before training and after each epoch. */
  layerNorms: number[][];
  valLoss: number;
}

/** Claim f. */
export interface ResidualClaim {
  layers: number;
  runs: ResidualRun[];
  held: boolean;
  sentence: string;
}

/** The claims in the chapter's order: what each says, in a sentence of our own. */
export const CHAPTER_CLAIMS = [
  { id: 'a', title: 'The tiny RNN, step by step', statement: 'A two-unit RNN reads three intraday returns and, through h₁, h₂, h₃ and ŷ = w_y·h₃, calls the day "trending".' },
  { id: 'b', title: 'The scalar RNN: the vanishing gradient', statement: 'With σ′ ≤ 0.25 and w_h = 0.9, every factor of ∂h_T/∂h₁ is at most 0.225, so the gradient from step 1 shrinks at least as fast as 0.225^(T−1).' },
  { id: 'c', title: 'The memory horizon', statement: 'A plain RNN cannot learn dependencies longer than a few steps; gated cells with an additive state update can.' },
  { id: 'd', title: 'Holding state: α ≈ 1, β ≈ 0', statement: 'A gated cell writes when the input matters and otherwise keeps its state: h_t ≈ h_{t−1} while α ≈ 1 and β ≈ 0.' },
  { id: 'e', title: 'ReLU: γ = 1, and dead units', statement: 'With ReLU, γ = 1 on active units, so ‖W_h‖ = 1 neither shrinks nor grows the gradient; units that never fire block it entirely.' },
  { id: 'f', title: 'Residual connections: y = x + F(x)', statement: 'The identity term gives the gradient a path through every layer, so deep stacks keep their first layers\' gradient.' },
  { id: 'g', title: 'The bound on your data', statement: '‖∂h_T/∂h_t‖ ≤ (‖W_h‖ · γ)^(T−t): measured on the open CSV by Verify, beside the data\'s own memory.' },
] as const;

/** A claim's identifier. */
export type ClaimId = (typeof CHAPTER_CLAIMS)[number]['id'];
