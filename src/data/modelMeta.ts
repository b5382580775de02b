/** What a saved model file records about its data, so the same rows can be rebuilt for prediction and analysis. */
import type { CsvTable } from './csvTypes';
import type { Dataset, DatasetSpec, MissingPolicy, Scaler, TaskKind, Transform } from './dataset';
import { toLongTable, type WideLayout } from './layout';
import type { ColumnRoles } from './roles';

/** The data settings stored in a model file's `meta.data` (by `train --save` and by the extension). */
export interface ModelDataMeta {
  file: string;
  task: TaskKind;
  roles: ColumnRoles;
  /** The transforms in effect for every feature and target (given or chosen from the data). */
  transforms: Record<string, Transform>;
  window: { length: number; stride: number } | null;
  split: 'sequence' | 'time';
  featureNames: string[];
  targetNames: string[];
  classes: string[] | null;
  granularity: 'sequence' | 'step';
  scaler: Scaler;
  /** The wide layout the file was read with (absent in files saved before layouts existed: long). */
  layout?: WideLayout | null;
  /** Row order within sequences (absent: as in the file). */
  order?: 'file' | 'reversed';
}

/** The training outcome stored in a model file's `meta.training`. */
export interface ModelTrainingMeta {
  epochs: number;
  bestEpoch: number;
  status: string;
  valLoss: number;
  baselineLoss: number;
}

/** The data part of a model file's meta for a dataset built from `spec` (on a table read with `layout`). */
export function modelDataMeta(file: string, ds: Dataset, spec: DatasetSpec, layout: WideLayout | null = null): ModelDataMeta {
  return {
    file, task: ds.task, roles: spec.roles, transforms: ds.transforms, window: ds.window, split: ds.split,
    featureNames: ds.featureNames, targetNames: ds.targetNames, classes: ds.classes, granularity: ds.granularity, scaler: ds.scaler,
    layout, order: ds.order,
  };
}

/** The table as the model read it: the long form when it was trained on a wide layout. */
export function tableForMeta(table: CsvTable, data: ModelDataMeta): CsvTable {
  const layout = data.layout;
  if (!layout) return table;
  const names = new Set(table.columns.map((c) => c.name));
  const missing = [...layout.periods, ...layout.keys].filter((n) => !names.has(n));
  if (missing.length) throw new RangeError(`${table.file}: the model was trained on a wide layout with columns ${missing.map((n) => `"${n}"`).join(', ')}, which this file lacks`);
  return toLongTable(table, layout);
}

/** Dataset settings that rebuild a saved model's inputs from a (possibly other) file; its scaling is reused, not refitted. */
export function specFromMeta(data: ModelDataMeta, missing: MissingPolicy = 'error', window?: DatasetSpec['window']): DatasetSpec {
  // the windows the model was trained on, or none when it read whole sequences
  return {
    roles: data.roles, task: data.task, transforms: data.transforms, autoTransforms: false, window: window === undefined ? data.window ?? 'none' : window,
    split: data.split, scaler: data.scaler, missing, order: data.order ?? 'file',
  };
}
