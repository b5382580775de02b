/** Model configuration types shared by the whole engine. */
import { CELL_KINDS, cellFor, isCellKind, variantOf, type CellKind } from './cells/index';

export type { CellKind } from './cells/index';

/** Nonlinearity φ of the vanilla cell. */
export type Activation = 'sigmoid' | 'tanh' | 'relu';

/** Which hidden states feed the head: the last valid step of each sequence, or every step. */
export type Readout = 'last' | 'every';

/** Loss of the head: mean squared error, logistic (binary, one logit) or softmax cross-entropy (K classes). */
export type LossKind = 'mse' | 'binary' | 'softmax';

/** Weight initialisation schemes (SPEC §1). */
export type InitKind = 'pytorch' | 'glorot-orthogonal' | 'identity';

/** Everything needed to build a model; serialised verbatim in the model file. */
export interface ModelConfig {
  cell: CellKind;
  /** φ for vanilla cells; ignored by gated families. */
  activation: Activation;
  /** Gated additive cell only: β = 1 − α instead of a free β gate. */
  coupled: boolean;
  inputSize: number;
  hiddenSize: number;
  layers: number;
  /** y = x + F(x) between consecutive layers of equal width (layer 0 too when inputSize = hiddenSize). */
  residual: boolean;
  readout: Readout;
  loss: LossKind;
  /** Head outputs: regression targets, 1 for binary, K for softmax. */
  outputSize: number;
  /** A custom cell's equations (cell `custom` only). */
  equations?: string[];
}

/** Fills in defaults for a partial configuration and validates sizes. */
export function modelConfig(partial: Partial<ModelConfig> & { inputSize: number }): ModelConfig {
  const cfg: ModelConfig = {
    cell: partial.cell ?? 'lstm',
    activation: partial.activation ?? 'tanh',
    coupled: partial.coupled ?? false,
    inputSize: partial.inputSize,
    hiddenSize: partial.hiddenSize ?? 16,
    layers: partial.layers ?? 1,
    residual: partial.residual ?? false,
    readout: partial.readout ?? 'last',
    loss: partial.loss ?? 'mse',
    outputSize: partial.outputSize ?? 1,
    ...(partial.equations ? { equations: [...partial.equations] } : {}),
  };
  validateConfig(cfg);
  return cfg;
}

/** Throws a plain-words error if the configuration cannot make a model. */
export function validateConfig(cfg: ModelConfig): void {
  const intIn = (name: string, v: number, lo: number, hi: number): void => {
    if (!Number.isInteger(v) || v < lo || v > hi) {
      throw new RangeError(`${name} must be an integer from ${lo} to ${hi}; got ${v}`);
    }
  };
  if (!isCellKind(cfg.cell) && cfg.cell !== 'custom') throw new RangeError(`unknown cell "${cfg.cell}" (${CELL_KINDS.join(', ')}, custom)`);
  if (cfg.cell !== 'custom' && cfg.equations !== undefined) throw new RangeError(`equations are for cell "custom"; this model's cell is "${cfg.cell}"`);
  if (!['sigmoid', 'tanh', 'relu'].includes(cfg.activation)) throw new RangeError(`unknown activation "${cfg.activation}" (sigmoid, tanh, relu)`);
  const cell = cellFor(cfg);
  if (cell.activations && !cell.activations.includes(cfg.activation)) {
    throw new RangeError(`the ${cell.label} cell takes activation ${cell.activations.join(' or ')}; got "${cfg.activation}"`);
  }
  if (!['last', 'every'].includes(cfg.readout)) throw new RangeError(`unknown readout "${cfg.readout}" (last, every)`);
  if (!['mse', 'binary', 'softmax'].includes(cfg.loss)) throw new RangeError(`unknown loss "${cfg.loss}" (mse, binary, softmax)`);
  intIn('inputSize', cfg.inputSize, 1, 100000);
  intIn('hiddenSize', cfg.hiddenSize, 1, 4096);
  intIn('layers', cfg.layers, 1, 64);
  intIn('outputSize', cfg.outputSize, 1, 100000);
  if (cfg.loss === 'binary' && cfg.outputSize !== 1) throw new RangeError('binary loss needs outputSize 1 (one logit)');
  if (cfg.loss === 'softmax' && cfg.outputSize < 2) throw new RangeError('softmax loss needs outputSize ≥ 2 classes');
}

/** Number of gate blocks G stacked in the weight rows (vanilla 1, LSTM 4 (i f g o), GRU 3 (r z n), gated 3 (α β h̃) or 2 coupled): the registry's gates. */
export function gateCount(cfg: Pick<ModelConfig, 'cell' | 'coupled' | 'activation' | 'equations'>): number {
  return cellFor(cfg).gates(variantOf(cfg)).length;
}

/** Input width of layer l. */
export function layerInputSize(cfg: ModelConfig, l: number): number {
  return l === 0 ? cfg.inputSize : cfg.hiddenSize;
}

/** Whether layer l adds its input to its output (y = x + h). */
export function layerIsResidual(cfg: ModelConfig, l: number): boolean {
  return cfg.residual && layerInputSize(cfg, l) === cfg.hiddenSize;
}
