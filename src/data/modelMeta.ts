/** What a saved model file records about its data, so the same rows can be rebuilt for prediction and analysis. */
import type { Dataset, DatasetSpec, MissingPolicy, Scaler, TaskKind, Transform } from './dataset';
import type { ColumnRoles } from './roles';

/** The data settings stored in a model file's `meta.data` (by `train --save` and by the extension). */
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

/** The training outcome stored in a model file's `meta.training`. */
export interface ModelTrainingMeta {
  epochs: number;
  bestEpoch: number;
  status: string;
  valLoss: number;
  baselineLoss: number;
}

/** The data part of a model file's meta for a dataset built from `spec`. */
export function modelDataMeta(file: string, ds: Dataset, spec: DatasetSpec): ModelDataMeta {
  return {
    file, task: ds.task, roles: spec.roles, transforms: spec.transforms ?? {}, window: ds.window, split: ds.split,
    featureNames: ds.featureNames, targetNames: ds.targetNames, classes: ds.classes, granularity: ds.granularity, scaler: ds.scaler,
  };
}

/** Dataset settings that rebuild a saved model's inputs from a (possibly other) file; its scaling is reused, not refitted. */
export function specFromMeta(data: ModelDataMeta, missing: MissingPolicy = 'error', window?: { length: number; stride?: number } | null): DatasetSpec {
  return {
    roles: data.roles, task: data.task, transforms: data.transforms, window: window === undefined ? data.window : window,
    split: data.split, scaler: data.scaler, missing,
  };
}
