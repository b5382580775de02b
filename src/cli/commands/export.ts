/** `rnn-playground export MODEL.json --out DIR`: what the extension's Export Model writes (model, state_dict, script). */
import { readJsonFile } from './golden';
import { exportModelFiles } from '../../data/exportModel';
import { FileExistsError } from '../../data/writeFile';
import { UsageError } from '../errors';
import { loadModelFile } from './modelFile';
import type { Values } from './dataCommon';

/** Runs the command. */
export function exportCommand(modelFile: string, v: Values) {
  if (typeof v.out !== 'string') throw new UsageError('export needs --out DIR (the folder for model.json, state_dict.json and model.py)');
  const { model } = loadModelFile(modelFile);
  const meta = (readJsonFile(modelFile) as { meta?: Record<string, unknown> }).meta;
  let files: ReturnType<typeof exportModelFiles>;
  try {
    files = exportModelFiles(model, meta, v.out, v.force === true);
  } catch (e) {
    if (e instanceof FileExistsError) throw new UsageError(`${e.path} already ${e.path.includes(', ') ? 'exist' : 'exists'}; choose another --out or pass --force to replace`);
    throw new UsageError(`cannot write into ${v.out}: ${(e as Error).message}`);
  }
  const text = [
    `exported ${modelFile} (${model.config.cell}, ${model.theta.length.toLocaleString('en')} parameters) to ${v.out}:`,
    `  ${files.model}`, `  ${files.stateDict}`, `  ${files.script}   (python3 model.py --input in.json rebuilds it in PyTorch)`,
  ].join('\n');
  return { pass: true, report: { model: modelFile, files }, text };
}
