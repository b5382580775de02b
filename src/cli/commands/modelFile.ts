/** Loading a saved model together with the data settings it was trained with. */
import { checkpointFromJson, modelFromJson, type Model, type TrainCheckpoint } from '../../engine/index';
import type { DatasetSpec } from '../../data/dataset';
import { specFromMeta, type ModelDataMeta } from '../../data/modelMeta';
import { UsageError } from '../errors';
import { readJsonFile } from './golden';
import { choice, type Values } from './dataCommon';
import { EXPERIMENT_ENUMS } from '../../data/experiment';
import type { ModelRunMeta } from '../../data/runMeta';

export type { ModelDataMeta };

/** Reads a model file; throws a usage error naming the file when it is not one. */
export function loadModelFile(path: string): { model: Model; data: ModelDataMeta | null; epochs: number; checkpoint: TrainCheckpoint | null; run: ModelRunMeta | null } {
  const json = readJsonFile(path) as { meta?: { data?: ModelDataMeta; training?: { epochs?: number }; run?: ModelRunMeta } };
  try {
    const model = modelFromJson(json);
    const checkpoint = checkpointFromJson(json, model);
    return { model, data: json.meta?.data ?? null, epochs: json.meta?.training?.epochs ?? checkpoint?.epochs ?? 0, checkpoint, run: json.meta?.run ?? null };
  } catch (e) {
    throw new UsageError(`${path}: ${(e as Error).message}`);
  }
}

/** The dataset settings of a saved model, applied to a (possibly other) file; its scaling is reused, not refitted. */
export function specFromModel(data: ModelDataMeta, modelPath: string, v: Values): DatasetSpec {
  if (!data) throw new UsageError(`${modelPath} has no data settings (it was not saved by "train --save")`);
  return specFromMeta(data, choice(v, 'missing', 'error', EXPERIMENT_ENUMS.missing), v.window === 'none' ? 'none' : v.window !== undefined ? { length: Number(v.window) } : undefined);
}
