/** Loading a saved model together with the data settings it was trained with. */
import { modelFromJson, type Model } from '../../engine/index';
import type { DatasetSpec, Scaler, TaskKind, Transform } from '../../data/dataset';
import type { ColumnRoles } from '../../data/roles';
import { UsageError } from '../errors';
import { readJsonFile } from './golden';
import { choice, type Values } from './dataCommon';

/** The data settings stored in a model file by `train --save`. */
export interface ModelDataMeta {
  file: string;
  task: TaskKind;
  roles: ColumnRoles;
  transforms: Record<string, Transform>;
  window: { length: number; stride: number } | null;
  split: 'sequence' | 'time';
  featureNames: string[];
  targetNames: string[];
  classes: string[] | null;
  granularity: 'sequence' | 'step';
  scaler: Scaler;
}

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
  return {
    roles: data.roles,
    task: data.task,
    transforms: data.transforms,
    window: v.window !== undefined ? { length: Number(v.window) } : data.window,
    split: data.split,
    scaler: data.scaler,
    missing: choice(v, 'missing', 'error', ['error', 'drop', 'ffill'] as const),
  };
}
