/** `rnn-playground gradcheck`: finite-difference check of a whole model's gradient. */
import {
  modelConfig, randomGradCheck,
  type Activation, type CellKind, type LossKind, type ModelConfig, type Readout,
} from '../../engine/index';
import { UsageError } from '../errors';
import { cellWords, plural } from '../../shared/protocol';
import { num, table } from '../format';

/** Settings of a gradient check run. */
export interface GradcheckSettings {
  cell: CellKind;
  /** Cell "custom": its equations. */
  equations?: string[];
  activation: Activation;
  coupled: boolean;
  hidden: number;
  layers: number;
  residual: boolean;
  input: number;
  steps: number;
  batch: number;
  readout: Readout;
  loss: LossKind;
  outputs: number;
  seed: number;
  tolerance: number;
  maxPerTensor: number;
}

/** Builds a random model and a batch of sequences of different lengths, and checks every gradient. */
export function gradcheckCommand(s: GradcheckSettings) {
  let cfg: ModelConfig;
  try {
    cfg = modelConfig({
      cell: s.cell, activation: s.activation, coupled: s.coupled, inputSize: s.input, hiddenSize: s.hidden,
      ...(s.cell === 'custom' ? { equations: s.equations } : {}),
      layers: s.layers, residual: s.residual, readout: s.readout, loss: s.loss,
      outputSize: s.loss === 'binary' ? 1 : s.outputs,
    });
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  if (!(s.steps >= 1 && s.steps <= 1000 && s.batch >= 1 && s.batch <= 64)) throw new UsageError('--steps must be 1–1000 and --batch 1–64');
  const r = randomGradCheck({ config: cfg, steps: s.steps, batch: s.batch, seed: s.seed, maxPerTensor: s.maxPerTensor });
  const pass = r.maxRelErr <= s.tolerance;
  const shortest = Math.max(1, s.steps - Math.min(2, s.batch - 1));
  const text = [
    `Gradient check: ${cellWords(cfg)}, hidden ${cfg.hiddenSize}, ${plural(cfg.layers, 'layer')}${cfg.residual ? ' residual' : ''}, readout ${cfg.readout}, ${cfg.loss} loss, ${s.batch} sequences of ${shortest}–${s.steps} steps, seed ${s.seed}`,
    '',
    table(['tensor', 'checked', 'max rel. error', 'worst entry', 'backprop', 'finite diff.'], r.entries.map((e) => [e.name, String(e.checked), num(e.maxRelErr), e.worstAt, num(e.analytic, 8), num(e.numeric, 8)])),
    '',
    `${pass ? 'PASS' : 'FAIL'}: max relative error ${num(r.maxRelErr)} over ${r.checked} entries (tolerance ${num(s.tolerance)}; 4th-order central differences)`,
  ].join('\n');
  return { pass, report: { pass, tolerance: s.tolerance, maxRelErr: r.maxRelErr, checked: r.checked, loss: r.loss, config: cfg, entries: r.entries }, text };
}
