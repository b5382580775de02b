/**
 * What a saved model records about the run that trained it, so the run can be replayed elsewhere (the PyTorch training
 * project of `export --training`): the initialisation, the dataset settings the model file's `meta.data` does not
 * carry, the training options, a digest of the samples, and every epoch's losses from the run's start.
 */
import type { InitKind, OptimizerConfig, TrainOptions, TrainResult } from '../engine/index';
import type { Dataset, MissingPolicy } from './dataset';
import type { Experiment } from './experiment';
import type { RunStart } from './resume';

/** A model file's `meta.run`. */
export interface ModelRunMeta {
  /** How the first weights were drawn (createModel's options). */
  init: { kind: InitKind; seed: number; forgetBias1: boolean };
  missing: MissingPolicy;
  /** The validation share the split used. */
  validation: number;
  options: { batchSize: number; optimizer: OptimizerConfig; seed: number; tbptt: number; patience: number; restoreBest: boolean; precision?: 'float32' };
  /** FNV-1a of every bit of the training then validation samples (x, then y): the same data, to the bit. */
  dataDigest: string;
  /** Every epoch of the run from its first: training and validation loss. */
  history: { trainLoss: number; valLoss: number | null }[];
}

/** FNV-1a over the float64 bits of every sample's inputs and targets, training first. */
export function samplesDigest(ds: Pick<Dataset, 'train' | 'validation'>): string {
  let h = 0x811c9dc5;
  const add = (a: Float64Array): void => {
    const bytes = new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
    for (let i = 0; i < bytes.length; i++) h = Math.imul(h ^ bytes[i], 0x01000193) >>> 0;
  };
  for (const s of [...ds.train, ...ds.validation]) {
    add(s.x);
    add(s.y);
  }
  return `${ds.train.length}+${ds.validation.length}:${h.toString(16).padStart(8, '0')}`;
}

/** The createModel options an experiment's settings give for `cell`. */
export function experimentInit(exp: Experiment, cell = exp.model.cell): ModelRunMeta['init'] {
  return { kind: exp.model.init, seed: exp.training.seed, forgetBias1: cell === 'lstm' && exp.model.forgetBias1 };
}

/**
 * The record of a finished run for its model file. A continued run extends the record of the run it continues; a
 * run continued without its optimiser state (or from a file with no record) cannot be replayed, and gets none.
 */
export function runMeta(exp: Experiment, ds: Dataset, options: TrainOptions, result: TrainResult, start: RunStart | null): ModelRunMeta | null {
  const previous = start?.run ?? null;
  if (start && (!start.checkpoint || !previous || previous.history.length !== start.checkpoint.epochs)) return null;
  const epochs = result.epochs.map((e) => ({ trainLoss: e.trainLoss, valLoss: e.valLoss }));
  const validating = (options.validation?.length ?? 0) > 0;
  return {
    init: previous?.init ?? experimentInit(exp),
    missing: exp.data.missing,
    validation: exp.data.validation,
    options: {
      batchSize: options.batchSize, optimizer: options.optimizer, seed: options.seed ?? 0, tbptt: options.tbptt ?? 0,
      patience: options.patience ?? 0, restoreBest: options.restoreBest ?? validating,
      ...(options.precision === 'float32' ? { precision: 'float32' as const } : {}),
    },
    dataDigest: samplesDigest(ds),
    history: [...(previous?.history ?? []), ...epochs],
  };
}
