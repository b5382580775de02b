/**
 * One settings path for every surface: an experiment file (or a CSV, read with the defaults) with the caller's
 * defaults and overrides merged in the one way (`parseExperiment`), then the model and the training run it describes.
 * The worker (VS Code) and the CLI both go through here: the CLI turns its flags into an override patch.
 */
import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import type { RunStart } from './resume';
import { experimentInit } from './runMeta';
import { createModel, modelConfig, type CellKind, type Model, type TrainOptions } from '../engine/index';
import type { Dataset } from './dataset';
import { ExperimentError, parseExperiment, parseExperimentText, planTraining, withOverrides, type Experiment, type ExperimentPatch, type ExperimentTraining } from './experiment';

/** Where settings come from: a `*.rnn.json` or a CSV, defaults under it, overrides over it. */
export interface SettingsSource {
  /** Path of a `*.rnn.json` file or of a CSV. */
  file: string;
  /** Defaults (VS Code settings), applied where the file says nothing. */
  defaults?: ExperimentPatch;
  /** Overrides (command options, CLI flags), applied over the file. */
  overrides?: ExperimentPatch;
}

/** Whether a path names an experiment file. */
export const isExperimentFile = (file: string): boolean => /\.rnn\.json$/i.test(file);

/** The CSV an experiment reads, as an absolute path (relative paths are relative to the experiment file). */
export function experimentDataPath(exp: Experiment, experimentFile: string | null): string {
  if (isAbsolute(exp.data.file) || !experimentFile) return resolve(exp.data.file);
  return resolve(dirname(experimentFile), exp.data.file);
}

/** Reads an experiment file, or makes an in-memory experiment for a CSV; applies defaults and overrides. */
export function loadExperiment(source: SettingsSource): { experiment: Experiment; experimentFile: string | null; csvFile: string } {
  if (isExperimentFile(source.file)) {
    let text: string;
    try {
      text = readFileSync(source.file, 'utf8');
    } catch (e) {
      throw new ExperimentError(`cannot read ${source.file}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message}`);
    }
    const experiment = parseExperimentText(text, source.file, source.defaults ?? {}, source.overrides);
    return { experiment, experimentFile: source.file, csvFile: experimentDataPath(experiment, source.file) };
  }
  const doc = withOverrides({ data: { file: source.file } }, source.overrides);
  const experiment = parseExperiment(doc, 'options', source.defaults ?? {});
  return { experiment, experimentFile: null, csvFile: experimentDataPath(experiment, null) };
}

/** A freshly initialised model of the experiment's settings (cell overridable), sized for the dataset. */
export function experimentModel(exp: Experiment, ds: Pick<Dataset, 'model'>, cell: CellKind = exp.model.cell): Model {
  const m = exp.model;
  const config = modelConfig({
    cell, activation: m.activation, coupled: m.coupled, hiddenSize: m.hiddenSize, layers: m.layers, residual: m.residual,
    ...(cell === 'custom' ? { equations: m.equations } : {}),
    inputSize: ds.model.inputSize, outputSize: ds.model.outputSize, readout: ds.model.readout, loss: ds.model.loss,
  });
  return createModel(config, experimentInit(exp, cell));
}

/**
 * The training run the settings describe on a dataset: epochs, batch size and patience (chosen from the data when
 * "auto"), the optimiser, seed and truncation, the validation split, and the notes saying what was chosen. `start`,
 * a run being continued: its checkpoint continues it exactly; without one, a new shuffle seed (seed + its epochs).
 */
export function trainingRun(t: ExperimentTraining, ds: Pick<Dataset, 'train' | 'validation'>, start: RunStart | null = null): { options: TrainOptions; plan: ReturnType<typeof planTraining> } {
  if (start && !start.checkpoint && start.epochs) t = { ...t, seed: (t.seed + start.epochs) % 2 ** 31 };
  const plan = planTraining(t, ds);
  return {
    plan,
    options: {
      epochs: plan.epochs,
      batchSize: plan.batchSize,
      optimizer: { kind: t.optimizer, lr: t.learningRate, clip: t.clip > 0 ? t.clip : undefined },
      seed: t.seed,
      tbptt: t.tbptt,
      precision: t.precision,
      validation: ds.validation,
      patience: plan.patience,
      ...(start?.checkpoint ? { resume: start.checkpoint } : {}),
    },
  };
}
