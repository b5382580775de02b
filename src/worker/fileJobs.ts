/** Jobs on files: a new experiment file for a CSV, the export of a model to PyTorch, and a model file described. */
import { readFileSync } from 'node:fs';
import { relative, dirname } from 'node:path';
import { experimentToText, suggestExperiment } from '../data/experiment';
import { exportModelFiles } from '../data/exportModel';
import { writeFileAtomic } from '../data/writeFile';
import type { ExperimentSource, ModelInfo } from '../shared/protocol';
import { loadTable, readModel, resolveExperiment, type JobContext } from './jobCommon';

/** Reads a CSV and writes a new experiment file for it; never replaces an existing one. */
export async function createExperimentJob(csvFile: string, experimentFile: string, defaults: ExperimentSource['defaults'], ctx: JobContext) {
  const table = await loadTable(csvFile, ctx);
  const rel = relative(dirname(experimentFile), csvFile).split('\\').join('/');
  const experiment = suggestExperiment(table, rel, defaults);
  const { suggestion } = resolveExperiment(experiment, table);
  writeFileAtomic(experimentFile, (append) => append(experimentToText(experiment)));
  return { experiment, reasons: suggestion.reasons };
}

/** Writes the model JSON, its state_dict JSON and a PyTorch script that rebuilds it, into `folder`. */
export function exportJob(modelFile: string, folder: string, overwrite: boolean) {
  const { model } = readModel(modelFile);
  const original = JSON.parse(readFileSync(modelFile, 'utf8')) as { meta?: Record<string, unknown> };
  return exportModelFiles(model, original.meta, folder, overwrite);
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

