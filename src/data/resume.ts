/**
 * Continuing a saved run, the same way for the CLI (`train --resume`) and the extension (Step One Epoch, Continue
 * Training): whether the saved model is the network the settings describe, and whether its checkpoint still fits.
 */
import type { ModelConfig, Model, TrainCheckpoint } from '../engine/index';
import type { Dataset } from './dataset';
import type { Experiment } from './experiment';
import type { ModelRunMeta } from './runMeta';

/** A run to continue: the saved model, the epochs it had, and its checkpoint when one fits (null: fresh moments). */
export interface RunStart {
  model: Model;
  epochs: number;
  checkpoint: TrainCheckpoint | null;
  /** The saved run's record (`meta.run`), extended by the continued run when the checkpoint continues it exactly. */
  run?: ModelRunMeta | null;
}

const NETWORK_KEYS = ['cell', 'activation', 'coupled', 'inputSize', 'hiddenSize', 'layers', 'residual', 'readout', 'loss', 'outputSize'] as const;

/** How a saved network differs from the one the settings describe ("hiddenSize 6 vs 7", "equations"); empty when it is the same. */
export function networkDifferences(saved: ModelConfig, wanted: ModelConfig): string[] {
  const out: string[] = NETWORK_KEYS.filter((k) => saved[k] !== wanted[k]).map((k) => `${k} ${saved[k]} vs ${wanted[k]}`);
  if (JSON.stringify(saved.equations ?? null) !== JSON.stringify(wanted.equations ?? null)) out.push('equations');
  return out;
}

/**
 * The start of a continued run from a saved model of the same network (`name` names the file in the notes): its
 * checkpoint, unless the training data or the optimiser changed since, or it has none (written before checkpoints,
 * or stopped mid-epoch) — then the weights go on with fresh optimiser state, and a note says so.
 */
export function continueRun(name: string, saved: { model: Model; epochs: number; checkpoint: TrainCheckpoint | null; run?: ModelRunMeta | null }, exp: Experiment, ds: Pick<Dataset, 'train'>): { start: RunStart; notes: string[] } {
  const notes: string[] = [];
  let checkpoint = saved.checkpoint;
  if (checkpoint && (checkpoint.order.length !== ds.train.length || checkpoint.optimizer.kind !== exp.training.optimizer)) {
    notes.push(`${name} was trained on ${checkpoint.order.length} sequences with ${checkpoint.optimizer.kind}; the data or the optimiser changed, so training continues from its weights with a fresh optimiser state`);
    checkpoint = null;
  } else if (!checkpoint) {
    notes.push(`${name} has no optimiser state (written before checkpoints, or stopped mid-epoch): training continues from its weights, and the optimiser's moments start again`);
  }
  return { start: { model: saved.model, epochs: saved.epochs, checkpoint, run: saved.run ?? null }, notes };
}
