/** Shared by the CSV commands: reading a file, turning flags into data settings and a dataset, and building models. */
import { CsvError, readCsv, type CsvTable } from '../../data/csv';
import { buildDataset, DataError, type Dataset, type DatasetSpec, type MissingPolicy, type TaskKind, type Transform } from '../../data/dataset';
import {
  EXPERIMENT_DEFAULTS, EXPERIMENT_ENUMS, ExperimentError, resolveData, type DataSettings, type ExperimentTraining, type ResolvedData,
} from '../../data/experiment';
import { CELL_KINDS, modelConfig, type Activation, type CellKind, type InitKind, type ModelConfig, type OptimizerKind } from '../../engine/index';
import { UsageError } from '../errors';
import { choice, intOpt, numOpt, type Values } from '../options';

export { choice, intOpt, numOpt, type Values };
import { createProgress } from '../progress';

/** Options of the data commands. */
export const DATA_OPTIONS = {
  features: { type: 'string' }, target: { type: 'string' }, 'sequence-id': { type: 'string' }, label: { type: 'string' },
  time: { type: 'string' }, task: { type: 'string' }, transform: { type: 'string' }, missing: { type: 'string' },
  window: { type: 'string' }, stride: { type: 'string' }, validation: { type: 'string' }, split: { type: 'string' },
  layout: { type: 'string' },
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

/** The data settings the flags give (absent flags: the suggestion decides). */
export function dataSettings(v: Values): DataSettings {
  const d: DataSettings = {};
  const one = (flag: string): string | null | undefined => {
    const l = names(v[flag]);
    return l ? l[0] ?? null : undefined;
  };
  const features = names(v.features);
  const targets = names(v.target);
  if (features) d.features = features;
  if (targets) d.targets = targets;
  const sequenceId = one('sequence-id');
  const label = one('label');
  const time = one('time');
  if (sequenceId !== undefined) d.sequenceId = sequenceId;
  if (label !== undefined) d.label = label;
  if (time !== undefined) d.time = time;
  if (v.task !== undefined) d.task = choice<TaskKind>(v, 'task', 'next-step', ['next-step', 'regress', 'classify']);
  if (v.transform !== undefined) {
    const transforms: Record<string, Transform> = {};
    for (const item of names(v.transform) ?? []) {
      const m = /^([^=]+)=(none|diff|returns|log-returns)$/.exec(item);
      if (!m) throw new UsageError(`--transform takes column=none|diff|returns|log-returns (comma-separated); got "${item}"`);
      transforms[m[1]] = m[2] as Transform;
    }
    d.transforms = transforms;
  }
  if (v.window === 'none') d.window = 'none';
  else if (v.window !== undefined) d.window = { length: intOpt(v, 'window', 0, 1, 100000), ...(v.stride === undefined ? {} : { stride: intOpt(v, 'stride', 1, 1, 100000) }) };
  else if (v.stride !== undefined) throw new UsageError('--stride needs --window');
  if (v.validation !== undefined) d.validation = numOpt(v, 'validation', 0.2, 0, 0.9);
  if (v.split !== undefined) d.split = choice(v, 'split', 'sequence', ['sequence', 'time'] as const);
  if (v.missing !== undefined) d.missing = choice<MissingPolicy>(v, 'missing', 'error', EXPERIMENT_ENUMS.missing);
  if (v.layout !== undefined) d.layout = choice(v, 'layout', 'long', EXPERIMENT_ENUMS.layout);
  return d;
}

/** Roles and dataset settings from the suggestion and the flags; every column a flag names must exist. */
export function resolve(table: CsvTable, v: Values): ResolvedData {
  const d = dataSettings(v);
  let r: ResolvedData;
  try {
    r = resolveData(table, d);
  } catch (e) {
    if (e instanceof ExperimentError) throw new UsageError(e.message);
    throw e;
  }
  const known = new Set(r.table.columns.map((c) => c.name));
  const check = (list: (string | null | undefined)[] | undefined, flag: string): void => {
    for (const n of list ?? []) {
      if (n && !known.has(n)) throw new UsageError(`--${flag}: ${table.file} has no column "${n}"; the columns are ${r.table.columns.map((c) => `"${c.name}"`).join(', ')}`);
    }
  };
  check(d.features, 'features');
  check(d.targets, 'target');
  check([d.sequenceId], 'sequence-id');
  check([d.label], 'label');
  check([d.time], 'time');
  check(Object.keys(d.transforms ?? {}), 'transform');
  return r;
}

/** Training settings from the flags over the experiment defaults (batch size and patience "auto" unless given). */
export function trainingSettings(v: Values): ExperimentTraining {
  const t = EXPERIMENT_DEFAULTS.training;
  const auto = (name: string, lo: number, hi: number, fallback: number | 'auto'): number | 'auto' => (v[name] === 'auto' || v[name] === undefined ? fallback : intOpt(v, name, 0, lo, hi));
  return {
    epochs: auto('epochs', 1, 100000, t.epochs),
    batchSize: auto('batch', 1, 100000, t.batchSize),
    optimizer: choice<OptimizerKind>(v, 'optimizer', t.optimizer, ['sgd', 'momentum', 'adam']),
    learningRate: numOpt(v, 'lr', t.learningRate, 0, 100),
    clip: v.clip === undefined ? t.clip : numOpt(v, 'clip', t.clip, -1e-300),
    tbptt: intOpt(v, 'tbptt', t.tbptt, 0, 1e7),
    patience: auto('patience', 0, 100000, t.patience),
    seed: intOpt(v, 'seed', t.seed, 0, 2 ** 31 - 1),
  };
}

/** Builds the dataset; data problems become usage errors (exit 2) naming file, line and column. */
export function dataset(table: CsvTable, spec: DatasetSpec): Dataset {
  try {
    return buildDataset(table, spec);
  } catch (e) {
    if (e instanceof DataError || e instanceof RangeError || e instanceof ExperimentError) throw new UsageError(e.message);
    throw e;
  }
}

/** Model configuration and init from flags, sized for the dataset. */
export function modelFromFlags(ds: Dataset, v: Values, cellOverride?: CellKind): { config: ModelConfig; init: InitKind; forgetBias1: boolean; seed: number } {
  const cell = cellOverride ?? choice<CellKind>(v, 'cell', EXPERIMENT_DEFAULTS.model.cell, CELL_KINDS);
  const activation = choice<Activation>(v, 'activation', 'tanh', ['sigmoid', 'tanh', 'relu']);
  const init = choice<InitKind>(v, 'init', activation === 'relu' && cell === 'vanilla' ? 'identity' : 'pytorch', ['pytorch', 'glorot-orthogonal', 'identity']);
  try {
    const config = modelConfig({
      cell, activation, coupled: v.coupled === true, inputSize: ds.model.inputSize, outputSize: ds.model.outputSize,
      readout: ds.model.readout, loss: ds.model.loss, hiddenSize: intOpt(v, 'hidden', EXPERIMENT_DEFAULTS.model.hiddenSize, 1, 1024),
      layers: intOpt(v, 'layers', 1, 1, 8), residual: v.residual === true,
    });
    return { config, init, forgetBias1: cell === 'lstm', seed: intOpt(v, 'seed', 0, 0, 2 ** 31 - 1) };
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
}
