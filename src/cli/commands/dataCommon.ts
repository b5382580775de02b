/** Shared by the CSV commands: reading a file, turning flags into data settings and a dataset, and building models. */
import { CsvError, readCsv, type CsvTable } from '../../data/csv';
import { buildDataset, DataError, type Dataset, type DatasetSpec, type MissingPolicy, type TaskKind, type Transform } from '../../data/dataset';
import {
  EXPERIMENT_DEFAULTS, EXPERIMENT_ENUMS, EXPERIMENT_LIMITS, ExperimentError, resolveData, type DataSettings, type Experiment, type ExperimentModel,
  type ExperimentPatch, type ExperimentTraining, type ResolvedData,
} from '../../data/experiment';
import { loadExperiment } from '../../data/settings';
import { type Activation, type CellKind, type InitKind, type OptimizerKind } from '../../engine/index';
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
  cell: { type: 'string' }, equations: { type: 'string' }, activation: { type: 'string' }, coupled: { type: 'boolean' }, hidden: { type: 'string' },
  layers: { type: 'string' }, residual: { type: 'boolean' }, init: { type: 'string' },
  epochs: { type: 'string' }, lr: { type: 'string' }, batch: { type: 'string' }, clip: { type: 'string' }, seed: { type: 'string' },
  optimizer: { type: 'string' }, tbptt: { type: 'string' }, precision: { type: 'string' }, patience: { type: 'string' },
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

/** Roles and dataset settings from the suggestion and the data settings; every column they name must exist. */
export function resolve(table: CsvTable, d: DataSettings): ResolvedData {
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

/** Builds the dataset; data problems become usage errors (exit 2) naming file, line and column. */
export function dataset(table: CsvTable, spec: DatasetSpec): Dataset {
  try {
    return buildDataset(table, spec);
  } catch (e) {
    if (e instanceof DataError || e instanceof RangeError || e instanceof ExperimentError) throw new UsageError(e.message);
    throw e;
  }
}

/** `--equations "a = …; h' = …"`: a custom cell's equations, separated by semicolons (or newlines). */
export function equationsFlag(v: Values): string[] | undefined {
  if (v.equations === undefined) return undefined;
  if (typeof v.equations !== 'string' || !v.equations.trim()) throw new UsageError('--equations needs the cell\'s equations, e.g. --equations "a = sigmoid(W_a @ x + U_a @ h + b_a); h\' = a * h + (1 - a) * tanh(W_c @ x + U_c @ h + b_c)"');
  return v.equations.split(/[;\n]/).map((e) => e.trim()).filter(Boolean);
}

/** The model settings the flags give (absent flags: the experiment file, then the defaults, decide). */
export function modelPatch(v: Values): Partial<ExperimentModel> {
  const m: Partial<ExperimentModel> = {};
  if (v.cell !== undefined) m.cell = choice<CellKind>(v, 'cell', EXPERIMENT_DEFAULTS.model.cell, EXPERIMENT_ENUMS.cell);
  const equations = equationsFlag(v);
  if (equations) {
    m.equations = equations;
    m.cell ??= 'custom';
  }
  if (v.activation !== undefined) m.activation = choice<Activation>(v, 'activation', 'tanh', EXPERIMENT_ENUMS.activation);
  if (v.coupled !== undefined) m.coupled = v.coupled === true;
  if (v.hidden !== undefined) m.hiddenSize = intOpt(v, 'hidden', EXPERIMENT_DEFAULTS.model.hiddenSize, ...EXPERIMENT_LIMITS.hiddenSize);
  if (v.layers !== undefined) m.layers = intOpt(v, 'layers', 1, ...EXPERIMENT_LIMITS.layers);
  if (v.residual !== undefined) m.residual = v.residual === true;
  if (v.init !== undefined) m.init = choice<InitKind>(v, 'init', 'pytorch', EXPERIMENT_ENUMS.init);
  return m;
}

/** The training settings the flags give ("auto" where a flag says so). */
export function trainingPatch(v: Values): Partial<ExperimentTraining> {
  const t: Partial<ExperimentTraining> = {};
  const auto = (name: string, [lo, hi]: readonly [number, number]): number | 'auto' => (v[name] === 'auto' ? 'auto' : intOpt(v, name, 0, lo, hi));
  if (v.epochs !== undefined) t.epochs = auto('epochs', EXPERIMENT_LIMITS.epochs);
  if (v.batch !== undefined) t.batchSize = auto('batch', EXPERIMENT_LIMITS.batchSize);
  if (v.optimizer !== undefined) t.optimizer = choice<OptimizerKind>(v, 'optimizer', 'adam', EXPERIMENT_ENUMS.optimizer);
  if (v.lr !== undefined) t.learningRate = numOpt(v, 'lr', 0, 0, EXPERIMENT_LIMITS.learningRate[1]);
  if (v.clip !== undefined) t.clip = numOpt(v, 'clip', 0, -1e-300, EXPERIMENT_LIMITS.clip[1]);
  if (v.tbptt !== undefined) t.tbptt = intOpt(v, 'tbptt', 0, ...EXPERIMENT_LIMITS.tbptt);
  if (v.patience !== undefined) t.patience = auto('patience', EXPERIMENT_LIMITS.patience);
  if (v.seed !== undefined) t.seed = intOpt(v, 'seed', 0, ...EXPERIMENT_LIMITS.seed);
  if (v.precision !== undefined) t.precision = choice<'float64' | 'float32'>(v, 'precision', 'float64', EXPERIMENT_ENUMS.precision);
  return t;
}

/** The flags as an experiment patch: laid over the experiment file (or a CSV's defaults) by the one merge. */
export function flagsPatch(v: Values): ExperimentPatch {
  return { data: dataSettings(v), model: modelPatch(v), training: trainingPatch(v) } as ExperimentPatch;
}

/**
 * The settings of FILE (a `*.rnn.json` or a CSV) with the flags over them, through the same defaults and merge as the
 * extension (src/data/settings.ts); problems become usage errors naming the file or the flag.
 */
export function settingsFor(file: string, v: Values): { experiment: Experiment; experimentFile: string | null; csvFile: string } {
  const overrides = flagsPatch(v);
  try {
    return loadExperiment({ file, overrides });
  } catch (e) {
    if (e instanceof ExperimentError) throw new UsageError(e.message);
    throw e;
  }
}
