/** Shared by the CSV commands: reading a file, turning flags into roles and a dataset, and building models. */
import { CsvError, readCsv, type CsvTable } from '../../data/csv';
import { buildDataset, DataError, type Dataset, type DatasetSpec, type MissingPolicy, type TaskKind, type Transform } from '../../data/dataset';
import { suggestRoles, type ColumnRoles, type RoleSuggestion } from '../../data/roles';
import { modelConfig, type Activation, type CellKind, type InitKind, type ModelConfig } from '../../engine/index';
import { UsageError } from '../errors';
import { choice, intOpt, numOpt, type Values } from '../options';

export { choice, intOpt, numOpt, type Values };
import { createProgress } from '../progress';

/** Options of the data commands. */
export const DATA_OPTIONS = {
  features: { type: 'string' }, target: { type: 'string' }, 'sequence-id': { type: 'string' }, label: { type: 'string' },
  time: { type: 'string' }, task: { type: 'string' }, transform: { type: 'string' }, missing: { type: 'string' },
  window: { type: 'string' }, stride: { type: 'string' }, validation: { type: 'string' }, split: { type: 'string' },
} as const;

/** Options that shape a model and its training. */
export const MODEL_OPTIONS = {
  cell: { type: 'string' }, activation: { type: 'string' }, coupled: { type: 'boolean' }, hidden: { type: 'string' },
  layers: { type: 'string' }, residual: { type: 'boolean' }, init: { type: 'string' },
  epochs: { type: 'string' }, lr: { type: 'string' }, batch: { type: 'string' }, clip: { type: 'string' }, seed: { type: 'string' },
  optimizer: { type: 'string' }, tbptt: { type: 'string' }, patience: { type: 'string' },
} as const;

const names = (raw: string | boolean | undefined): string[] | undefined =>
  typeof raw === 'string' ? raw.split(',').map((s) => s.trim()).filter(Boolean) : undefined;

/** Reads a CSV with a progress bar; CSV problems become usage errors (exit 2) with the reader's message. */
export async function loadTable(file: string, quiet: boolean): Promise<CsvTable> {
  const bar = createProgress(`reading ${file}`, quiet);
  try {
    return await readCsv(file, { onProgress: (p) => bar.update(p.totalBytes ? p.bytes / p.totalBytes : 0, `${p.rows.toLocaleString('en')} rows`) });
  } catch (e) {
    if (e instanceof CsvError) throw new UsageError(e.message);
    throw e;
  } finally {
    bar.done();
  }
}

/** Roles from the suggestion, overridden by flags. */
export function resolveRoles(table: CsvTable, v: Values): { roles: ColumnRoles; suggestion: RoleSuggestion } {
  const suggestion = suggestRoles(table);
  const known = new Set(table.columns.map((c) => c.name));
  const check = (list: string[] | undefined, flag: string): void => {
    for (const n of list ?? []) {
      if (!known.has(n)) throw new UsageError(`--${flag}: ${table.file} has no column "${n}"; the columns are ${table.columns.map((c) => `"${c.name}"`).join(', ')}`);
    }
  };
  const features = names(v.features);
  const targets = names(v.target);
  const one = (flag: string): string | null | undefined => {
    const l = names(v[flag]);
    if (!l) return undefined;
    check(l, flag);
    return l[0] ?? null;
  };
  check(features, 'features');
  check(targets, 'target');
  const sequenceId = one('sequence-id');
  const label = one('label');
  const time = one('time');
  const roles: ColumnRoles = {
    features: features ?? suggestion.features,
    targets: targets ?? suggestion.targets,
    sequenceId: sequenceId === undefined ? suggestion.sequenceId : sequenceId,
    label: label === undefined ? suggestion.label : label,
    time: time === undefined ? suggestion.time : time,
  };
  // a column given a role by a flag leaves the suggested features
  const taken = new Set([roles.sequenceId, roles.label, roles.time].filter((x): x is string => !!x));
  if (!features) roles.features = roles.features.filter((f) => !taken.has(f));
  return { roles, suggestion };
}

/** The dataset settings from flags (the task defaults to the suggestion's, or classify when a label is given). */
export function datasetSpec(
  roles: ColumnRoles, v: Values, suggested: TaskKind = roles.label ? 'classify' : 'next-step', suggestedTransforms: Record<string, Transform> = {},
): DatasetSpec {
  const fallback: TaskKind = roles.label ? 'classify' : suggested === 'classify' ? 'next-step' : suggested;
  const task = choice<TaskKind>(v, 'task', fallback, ['next-step', 'regress', 'classify']);
  // suggested transforms apply to the columns in use unless --transform is given
  const inUse = new Set([...roles.features, ...roles.targets]);
  const transforms: Record<string, Transform> = v.transform === undefined
    ? Object.fromEntries(Object.entries(suggestedTransforms).filter(([c]) => inUse.has(c)))
    : {};
  for (const item of names(v.transform) ?? []) {
    const m = /^([^=]+)=(none|diff|returns|log-returns)$/.exec(item);
    if (!m) throw new UsageError(`--transform takes column=diff|returns|log-returns (comma-separated); got "${item}"`);
    transforms[m[1]] = m[2] as Transform;
  }
  const window = v.window === undefined ? null : { length: intOpt(v, 'window', 0, 1, 100000), stride: v.stride === undefined ? undefined : intOpt(v, 'stride', 1, 1, 100000) };
  return {
    roles, task, transforms, window,
    validation: numOpt(v, 'validation', 0.2, 0, 0.9),
    split: v.split === undefined ? undefined : choice(v, 'split', 'sequence', ['sequence', 'time'] as const),
    missing: choice<MissingPolicy>(v, 'missing', 'error', ['error', 'drop', 'ffill']),
  };
}

/** Builds the dataset; data problems become usage errors (exit 2) naming file, line and column. */
export function dataset(table: CsvTable, spec: DatasetSpec): Dataset {
  try {
    return buildDataset(table, spec);
  } catch (e) {
    if (e instanceof DataError || e instanceof RangeError) throw new UsageError(e.message);
    throw e;
  }
}

/** Model configuration and init from flags, sized for the dataset. */
export function modelFromFlags(ds: Dataset, v: Values, cellOverride?: CellKind): { config: ModelConfig; init: InitKind; forgetBias1: boolean; seed: number } {
  const cell = cellOverride ?? choice<CellKind>(v, 'cell', 'lstm', ['vanilla', 'lstm', 'gru', 'gated']);
  const activation = choice<Activation>(v, 'activation', 'tanh', ['sigmoid', 'tanh', 'relu']);
  const init = choice<InitKind>(v, 'init', activation === 'relu' && cell === 'vanilla' ? 'identity' : 'pytorch', ['pytorch', 'glorot-orthogonal', 'identity']);
  try {
    const config = modelConfig({
      cell, activation, coupled: v.coupled === true, inputSize: ds.model.inputSize, outputSize: ds.model.outputSize,
      readout: ds.model.readout, loss: ds.model.loss, hiddenSize: intOpt(v, 'hidden', 16, 1, 1024),
      layers: intOpt(v, 'layers', 1, 1, 8), residual: v.residual === true,
    });
    return { config, init, forgetBias1: cell === 'lstm', seed: intOpt(v, 'seed', 0, 0, 2 ** 31 - 1) };
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
}
