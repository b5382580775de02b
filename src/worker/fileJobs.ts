/** Jobs on files: a new experiment file for a CSV, the export of a model to PyTorch, and a model file described. */
import { readFileSync } from 'node:fs';
import { relative, dirname } from 'node:path';
import { experimentToText, suggestExperiment } from '../data/experiment';
import { exportModelFiles } from '../data/exportModel';
import { exportTrainingFiles, trainingCsv, TrainingExportError, type SavedRun } from '../data/exportTraining';
import { writeFileAtomic } from '../data/writeFile';
import type { ExperimentSource, ModelInfo } from '../shared/protocol';
import { InputError, loadTable, readModel, resolveExperiment, type JobContext } from './jobCommon';

/** Reads a CSV and writes a new experiment file for it; never replaces an existing one. */
export async function createExperimentJob(csvFile: string, experimentFile: string, defaults: ExperimentSource['defaults'], ctx: JobContext) {
  const table = await loadTable(csvFile, ctx);
  const rel = relative(dirname(experimentFile), csvFile).split('\\').join('/');
  const experiment = suggestExperiment(table, rel, defaults);
  const { suggestion } = resolveExperiment(experiment, table);
  writeFileAtomic(experimentFile, (append) => append(experimentToText(experiment)));
  return { experiment, reasons: suggestion.reasons };
}

/**
 * Writes the model JSON, its state_dict JSON and a PyTorch script that rebuilds it, into `folder`; with `training`,
 * the run's training as a PyTorch project too (the CSV is read again and must give the run's samples).
 */
export async function exportJob(modelFile: string, folder: string, overwrite: boolean, training: boolean, ctx: JobContext) {
  const { model } = readModel(modelFile);
  const original = JSON.parse(readFileSync(modelFile, 'utf8')) as { meta?: SavedRun['meta'] };
  if (!training) return { files: exportModelFiles(model, original.meta, folder, overwrite) };
  const saved: SavedRun = { model, meta: original.meta };
  try {
    const table = await loadTable(trainingCsv(saved, modelFile), ctx);
    ctx.report({ phase: 'analysing', fraction: 1, message: 'writing the PyTorch project' });
    const { model: m, stateDict, script, initial, plan, data, train, readme, epochs, samples } = exportTrainingFiles(saved, table, modelFile, folder, overwrite);
    return { files: { model: m, stateDict, script }, training: { initial, plan, data, train, readme, epochs, samples } };
  } catch (e) {
    if (e instanceof TrainingExportError) throw new InputError(e.message);
    throw e;
  }
}

/** Describes a model file. */
export function inspectJob(modelFile: string): ModelInfo {
  const { model, data, training } = readModel(modelFile);
  return {
    modelFile, config: model.config, parameters: model.theta.length,
    data: data ? { file: data.file, task: data.task, roles: data.roles } : null,
    training: training ? { epochs: training.epochs, status: training.status, valLoss: training.valLoss, baselineLoss: training.baselineLoss } : null,
  };
}

