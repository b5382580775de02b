/** Loading a saved model together with the data settings it was trained with. */
import { modelFromJson, type Model } from '../../engine/index';
import type { DatasetSpec } from '../../data/dataset';
import { specFromMeta, type ModelDataMeta } from '../../data/modelMeta';
import { UsageError } from '../errors';
import { readJsonFile } from './golden';
import { choice, type Values } from './dataCommon';
import { EXPERIMENT_ENUMS } from '../../data/experiment';

export type { ModelDataMeta };

/** Reads a model file; throws a usage error naming the file when it is not one. */
export function loadModelFile(path: string): { model: Model; data: ModelDataMeta | null } {
  const json = readJsonFile(path) as { meta?: { data?: ModelDataMeta } };
  try {
    return { model: modelFromJson(json), data: json.meta?.data ?? null };
  } catch (e) {
    throw new UsageError(`${path}: ${(e as Error).message}`);
  }
}

/** The dataset settings of a saved model, applied to a (possibly other) file; its scaling is reused, not refitted. */
export function specFromModel(data: ModelDataMeta, modelPath: string, v: Values): DatasetSpec {
  if (!data) throw new UsageError(`${modelPath} has no data settings (it was not saved by "train --save")`);
  return specFromMeta(data, choice(v, 'missing', 'error', EXPERIMENT_ENUMS.missing), v.window === 'none' ? 'none' : v.window !== undefined ? { length: Number(v.window) } : undefined);
}
