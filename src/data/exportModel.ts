/**
 * Export to PyTorch, as files: the model file again (`model.json`), its `state_dict.json` and a `model.py` that
 * rebuilds it. The extension's Export Model and the CLI's `export` write the same three files through here.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { modelToJson, toStateDict, torchScript, type Model } from '../engine/index';
import { FileExistsError, writeFileAtomic } from './writeFile';

/** The three files an export writes into `folder`. */
export function exportPaths(folder: string): { model: string; stateDict: string; script: string } {
  return { model: join(folder, 'model.json'), stateDict: join(folder, 'state_dict.json'), script: join(folder, 'model.py') };
}

/** Writes the export of `model` (with the model file's `meta`) into `folder`; refuses to replace files unless `overwrite`. */
export function exportModelFiles(model: Model, meta: Record<string, unknown> | undefined, folder: string, overwrite: boolean): { model: string; stateDict: string; script: string } {
  const files = exportPaths(folder);
  if (!overwrite) {
    const taken = Object.values(files).filter((f) => existsSync(f));
    if (taken.length) throw new FileExistsError(taken.join(', '));
  }
  mkdirSync(folder, { recursive: true });
  writeFileAtomic(files.model, (append) => append(JSON.stringify(modelToJson(model, meta))), overwrite);
  writeFileAtomic(files.stateDict, (append) => append(JSON.stringify(toStateDict(model))), overwrite);
  writeFileAtomic(files.script, (append) => append(torchScript(model.config, { stateDictFile: 'state_dict.json' })), overwrite);
  return files;
}
