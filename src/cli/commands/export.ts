/**
 * `rnn-playground export MODEL.json --out DIR [--training]`: what the extension's Export Model writes (model,
 * state_dict, script) and, with --training, the run's training as a PyTorch project (data.py, train.py, …).
 */
import { readJsonFile } from './golden';
import { exportModelFiles } from '../../data/exportModel';
import { exportTrainingFiles, trainingCsv, TrainingExportError, type SavedRun } from '../../data/exportTraining';
import { FileExistsError } from '../../data/writeFile';
import { UsageError } from '../errors';
import { loadModelFile } from './modelFile';
import { loadTable, type Values } from './dataCommon';

/** Runs the command. */
export async function exportCommand(modelFile: string, v: Values, quiet = false) {
  if (typeof v.out !== 'string') throw new UsageError('export needs --out DIR (the folder for model.json, state_dict.json and model.py)');
  const { model } = loadModelFile(modelFile);
  const meta = (readJsonFile(modelFile) as { meta?: SavedRun['meta'] }).meta;
  const taken = (e: FileExistsError): UsageError => new UsageError(`${e.path} already ${e.path.includes(', ') ? 'exist' : 'exists'}; choose another --out or pass --force to replace`);
  if (v.training === true) {
    const saved: SavedRun = { model, meta };
    let files: ReturnType<typeof exportTrainingFiles>;
    try {
      const table = await loadTable(trainingCsv(saved, modelFile), quiet);
      files = exportTrainingFiles(saved, table, modelFile, v.out, v.force === true);
    } catch (e) {
      if (e instanceof TrainingExportError) throw new UsageError(e.message);
      if (e instanceof FileExistsError) throw taken(e);
      throw e;
    }
    const text = [
      `exported ${modelFile} (${model.config.cell}, ${model.theta.length.toLocaleString('en')} parameters) and its training (${files.epochs} epochs, ${files.samples.train} training and ${files.samples.validation} validation samples) to ${v.out}:`,
      ...[files.model, files.stateDict, files.script, files.initial, files.plan, files.data, files.train, files.readme].map((f) => `  ${f}`),
      `  python3 train.py --check   replays the run in PyTorch and compares every epoch's losses with these`,
      `  python3 train.py --world-size 2   trains it with DistributedDataParallel in 2 processes`,
    ].join('\n');
    return { pass: true, report: { model: modelFile, files }, text };
  }
  let files: ReturnType<typeof exportModelFiles>;
  try {
    files = exportModelFiles(model, meta, v.out, v.force === true);
  } catch (e) {
    if (e instanceof FileExistsError) throw taken(e);
    throw new UsageError(`cannot write into ${v.out}: ${(e as Error).message}`);
  }
  const text = [
    `exported ${modelFile} (${model.config.cell}, ${model.theta.length.toLocaleString('en')} parameters) to ${v.out}:`,
    `  ${files.model}`, `  ${files.stateDict}`, `  ${files.script}   (python3 model.py --input in.json rebuilds it in PyTorch)`,
  ].join('\n');
  return { pass: true, report: { model: modelFile, files }, text };
}
