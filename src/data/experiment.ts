/**
 * Experiment files (`*.rnn.json`): the data file, its column roles, the model and the training settings, in one
 * shareable JSON document. Parsing fills defaults and names the field and file of anything wrong; the JSON schema
 * shipped in `media/experiment.schema.json` describes the same document for the editor.
 */
import { CELL_KINDS, EquationError, parseCell, problemText, type Activation, type CellKind, type InitKind, type OptimizerKind } from '../engine/index';
import type { CsvTable } from './csvTypes';
import type { Dataset, DatasetSpec, MissingPolicy, TaskKind, Transform } from './dataset';
import { detectWideLayout, toLongTable, type WideLayout } from './layout';
import { suggestRoles, type ColumnRoles, type RoleSuggestion } from './roles';

/** Current experiment file version. */
export const EXPERIMENT_VERSION = 1;

/** Column roles and dataset settings; absent roles are suggested from the file. */
export interface ExperimentData {
  /** CSV path, relative to the experiment file (or absolute). */
  file: string;
  features?: string[];
  targets?: string[];
  sequenceId?: string | null;
  label?: string | null;
  time?: string | null;
  task?: TaskKind;
  /** Per-column transforms; columns not listed are chosen from the data (a trending level is modelled as changes). */
  transforms?: Record<string, Transform>;
  missing: MissingPolicy;
  /** Sliding windows; "none": whole sequences; absent or null: chosen from the data (windows for long series). */
  window?: { length: number; stride?: number } | 'none' | null;
  validation: number;
  split?: 'sequence' | 'time';
  /** "wide": columns that are successive periods (JAN…DEC, Q1…Q4, t1…tN) read as one long series; absent: suggested. */
  layout?: 'long' | 'wide';
}

/** The model to build. */
export interface ExperimentModel {
  cell: CellKind;
  activation: Activation;
  coupled: boolean;
  hiddenSize: number;
  layers: number;
  residual: boolean;
  init: InitKind;
  /** LSTM only: forget-gate bias 1 at initialisation. */
  forgetBias1: boolean;
  /** Cell "custom": its equations, one assignment each (kept, and ignored, when another cell is chosen). */
  equations?: string[];
}

/** How to train it. */
export interface ExperimentTraining {
  /** "auto": enough passes for about 1,500 updates on small data (20 to 300), 20 on large data. */
  epochs: number | 'auto';
  /** "auto": no larger than the training set, smaller on small data so that an epoch has enough steps. */
  batchSize: number | 'auto';
  optimizer: OptimizerKind;
  learningRate: number;
  /** Global gradient-norm clip (Pascanu et al. 2013); 0 = none. */
  clip: number;
  /** Truncated BPTT chunk length; 0 = full BPTT. */
  tbptt: number;
  /** Early stopping after this many epochs without a better validation loss; 0 = never; "auto": on small data only. */
  patience: number | 'auto';
  seed: number;
  /** The matrix products' precision: float64 (exact, the default) or float32 (f32x4, about twice as fast). */
  precision: 'float64' | 'float32';
}

/** A whole experiment document. */
export interface Experiment {
  version: number;
  data: ExperimentData;
  model: ExperimentModel;
  training: ExperimentTraining;
}

/** Partial settings, as given by VS Code settings, command options or an experiment file. */
export interface ExperimentPatch {
  data?: Partial<ExperimentData>;
  model?: Partial<ExperimentModel>;
  training?: Partial<ExperimentTraining>;
}

/** An experiment document (or override) that cannot be used, with the field and file to fix. */
export class ExperimentError extends Error {
  constructor(message: string, readonly field: string | null = null) {
    super(message);
    this.name = 'ExperimentError';
  }
}

/** Allowed values, shared with the JSON schema test. */
export const EXPERIMENT_ENUMS = {
  cell: [...CELL_KINDS, 'custom'] as const,
  activation: ['sigmoid', 'tanh', 'relu'],
  init: ['pytorch', 'glorot-orthogonal', 'identity'],
  optimizer: ['sgd', 'momentum', 'adam'],
  task: ['next-step', 'regress', 'classify'],
  missing: ['error', 'drop', 'ffill', 'interpolate'],
  layout: ['long', 'wide'],
  split: ['sequence', 'time'],
  transform: ['none', 'diff', 'returns', 'log-returns'],
  precision: ['float64', 'float32'],
} as const;

/** Numeric limits, shared with the JSON schema test. */
export const EXPERIMENT_LIMITS = {
  hiddenSize: [1, 1024], layers: [1, 8], epochs: [1, 100000], batchSize: [1, 100000], learningRate: [0, 100],
  clip: [0, 1e6], tbptt: [0, 1e7], patience: [0, 100000], seed: [0, 2 ** 31 - 1], validation: [0, 0.9],
  windowLength: [2, 100000],
} as const;

/** Defaults used where neither the file nor the settings say otherwise. */
export const EXPERIMENT_DEFAULTS: { model: ExperimentModel; training: ExperimentTraining } = {
  model: { cell: 'lstm', activation: 'tanh', coupled: false, hiddenSize: 16, layers: 1, residual: false, init: 'pytorch', forgetBias1: true },
  training: { epochs: 'auto', batchSize: 'auto', optimizer: 'adam', learningRate: 0.005, clip: 1, tbptt: 0, patience: 'auto', seed: 0, precision: 'float64' },
};

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Reads fields of one section with checks that name `section.field`. */
class Reader {
  constructor(private readonly where: string, private readonly section: string, private readonly obj: Obj) {}

  private fail(field: string, what: string, got: unknown): never {
    throw new ExperimentError(`${this.where}: ${this.section}.${field} must be ${what}; got ${JSON.stringify(got)}`, `${this.section}.${field}`);
  }

  has(field: string): boolean {
    return this.obj[field] !== undefined;
  }

  oneOf<T extends string>(field: string, allowed: readonly T[], fallback: T): T {
    const v = this.obj[field];
    if (v === undefined) return fallback;
    if (typeof v !== 'string' || !(allowed as readonly string[]).includes(v)) this.fail(field, `one of ${allowed.map((a) => `"${a}"`).join(', ')}`, v);
    return v as T;
  }

  int(field: string, [lo, hi]: readonly [number, number], fallback: number): number {
    const v = this.obj[field];
    if (v === undefined) return fallback;
    if (typeof v !== 'number' || !Number.isInteger(v) || v < lo || v > hi) this.fail(field, `an integer from ${lo} to ${hi}`, v);
    return v;
  }

  intOrAuto(field: string, range: readonly [number, number], fallback: number | 'auto'): number | 'auto' {
    const v = this.obj[field];
    if (v === 'auto') return 'auto';
    if (v === undefined) return fallback;
    if (typeof v !== 'number' || !Number.isInteger(v) || v < range[0] || v > range[1]) this.fail(field, `"auto" or an integer from ${range[0]} to ${range[1]}`, v);
    return v;
  }

  num(field: string, [lo, hi]: readonly [number, number], fallback: number): number {
    const v = this.obj[field];
    if (v === undefined) return fallback;
    if (typeof v !== 'number' || !Number.isFinite(v) || v < lo || v > hi) this.fail(field, `a number from ${lo} to ${hi}`, v);
    return v;
  }

  bool(field: string, fallback: boolean): boolean {
    const v = this.obj[field];
    if (v === undefined) return fallback;
    if (typeof v !== 'boolean') this.fail(field, 'true or false', v);
    return v;
  }

  str(field: string): string {
    const v = this.obj[field];
    if (typeof v !== 'string' || v.trim() === '') this.fail(field, 'a non-empty string', v);
    return v;
  }

  names(field: string): string[] | undefined {
    const v = this.obj[field];
    if (v === undefined) return undefined;
    if (!Array.isArray(v) || v.some((n) => typeof n !== 'string' || n === '')) this.fail(field, 'a list of column names', v);
    return v as string[];
  }

  nameOrNull(field: string): string | null | undefined {
    const v = this.obj[field];
    if (v === undefined || v === null) return v as null | undefined;
    if (typeof v !== 'string' || v === '') this.fail(field, 'a column name or null', v);
    return v;
  }

  unknownKeys(known: readonly string[]): void {
    for (const k of Object.keys(this.obj)) {
      if (!known.includes(k)) {
        throw new ExperimentError(`${this.where}: ${this.section} has no setting "${k}" (known: ${known.join(', ')})`, `${this.section}.${k}`);
      }
    }
  }
}

const section = (where: string, doc: Obj, name: string): Obj => {
  const v = doc[name];
  if (v === undefined) return {};
  if (!isObj(v)) throw new ExperimentError(`${where}: "${name}" must be an object; got ${JSON.stringify(v)}`, name);
  return v;
};

/** Merges partial settings, later ones winning, section by section. */
export function mergePatches(...patches: (ExperimentPatch | undefined)[]): ExperimentPatch {
  const out: { data: Obj; model: Obj; training: Obj } = { data: {}, model: {}, training: {} };
  for (const p of patches) {
    if (!p) continue;
    for (const key of ['data', 'model', 'training'] as const) {
      const part = (p as Obj)[key];
      if (isObj(part)) for (const [k, v] of Object.entries(part)) if (v !== undefined) out[key][k] = v;
    }
  }
  return out as ExperimentPatch;
}

/** model.equations: a list of strings; checked (equation and column in the message) when the cell is custom. */
function readEquations(where: string, v: unknown, check: boolean): string[] {
  if (!Array.isArray(v) || v.some((e) => typeof e !== 'string')) {
    throw new ExperimentError(`${where}: model.equations must be a list of strings, one equation each; got ${JSON.stringify(v)}`, 'model.equations');
  }
  const equations = v as string[];
  if (check) {
    try {
      parseCell(equations);
    } catch (e) {
      if (e instanceof EquationError) {
        // the first problem shown under its equation, with a caret at its column
        const p = e.problems[0];
        const line = equations[p.equation - 1] ?? '';
        const caret = `\n    ${line}\n    ${line.slice(0, Math.max(0, p.column - 1)).replace(/[^\t]/g, ' ')}^`; // tabs kept, so the caret lines up
        throw new ExperimentError(`${where}: model.equations: ${e.problems.map(problemText).join('; ')}${caret}`, 'model.equations');
      }
      throw e;
    }
  }
  return [...equations];
}

/**
 * Validates an experiment document and fills defaults (the settings' `defaults`, then the built-in ones).
 * `where` names the file in messages. Unknown keys are errors: a typo must not be ignored silently.
 */
export function parseExperiment(doc: unknown, where: string, defaults: ExperimentPatch = {}): Experiment {
  if (!isObj(doc)) throw new ExperimentError(`${where}: an experiment must be a JSON object`);
  for (const k of Object.keys(doc)) {
    if (!['$schema', 'version', 'data', 'model', 'training', 'description'].includes(k)) {
      throw new ExperimentError(`${where}: unknown key "${k}" (expected version, data, model, training)`, k);
    }
  }
  if (doc.version !== undefined && doc.version !== EXPERIMENT_VERSION) {
    throw new ExperimentError(`${where}: version ${JSON.stringify(doc.version)} is not supported (this extension reads version ${EXPERIMENT_VERSION})`, 'version');
  }
  const dflt = mergePatches(EXPERIMENT_DEFAULTS, defaults);
  const L = EXPERIMENT_LIMITS;
  const E = EXPERIMENT_ENUMS;

  const d = new Reader(where, 'data', section(where, doc, 'data'));
  d.unknownKeys(['file', 'features', 'targets', 'sequenceId', 'label', 'time', 'task', 'transforms', 'missing', 'window', 'validation', 'split', 'layout']);
  const dataObj = section(where, doc, 'data');
  let window: ExperimentData['window'] = dataObj.window === null ? null : dataObj.window === 'none' ? 'none' : undefined;
  if (dataObj.window !== undefined && dataObj.window !== null && dataObj.window !== 'none') {
    if (!isObj(dataObj.window)) throw new ExperimentError(`${where}: data.window must be null, "none" or { "length": …, "stride": … }; got ${JSON.stringify(dataObj.window)}`, 'data.window');
    const w = new Reader(where, 'data.window', dataObj.window);
    w.unknownKeys(['length', 'stride']);
    const length = w.int('length', L.windowLength, NaN);
    if (Number.isNaN(length)) throw new ExperimentError(`${where}: data.window.length is required`, 'data.window.length');
    window = w.has('stride') ? { length, stride: w.int('stride', [1, L.windowLength[1]], 1) } : { length };
  }
  let transforms: Record<string, Transform> | undefined;
  if (dataObj.transforms !== undefined) {
    if (!isObj(dataObj.transforms)) throw new ExperimentError(`${where}: data.transforms must map column names to a transform; got ${JSON.stringify(dataObj.transforms)}`, 'data.transforms');
    transforms = {};
    for (const [col, t] of Object.entries(dataObj.transforms)) {
      if (typeof t !== 'string' || !(E.transform as readonly string[]).includes(t)) {
        throw new ExperimentError(`${where}: data.transforms["${col}"] must be one of ${E.transform.map((x) => `"${x}"`).join(', ')}; got ${JSON.stringify(t)}`, 'data.transforms');
      }
      transforms[col] = t as Transform;
    }
  }
  const data: ExperimentData = {
    file: d.str('file'),
    missing: d.oneOf('missing', E.missing, 'error'),
    ...(window !== undefined ? { window } : {}),
    validation: d.num('validation', L.validation, 0.2),
  };
  const features = d.names('features');
  const targets = d.names('targets');
  if (features) data.features = features;
  if (targets) data.targets = targets;
  for (const role of ['sequenceId', 'label', 'time'] as const) {
    const v = d.nameOrNull(role);
    if (v !== undefined) data[role] = v;
  }
  if (d.has('task')) data.task = d.oneOf('task', E.task, 'next-step');
  if (transforms) data.transforms = transforms;
  if (d.has('split')) data.split = d.oneOf('split', E.split, 'sequence');
  if (d.has('layout')) data.layout = d.oneOf('layout', E.layout, 'long');

  const mObj = mergePatches({ model: dflt.model }, { model: section(where, doc, 'model') as Partial<ExperimentModel> }).model as Obj;
  const m = new Reader(where, 'model', mObj);
  m.unknownKeys([...Object.keys(EXPERIMENT_DEFAULTS.model), 'equations']);
  const cell = m.oneOf('cell', E.cell, 'lstm') as CellKind;
  const equations = mObj.equations === undefined ? undefined : readEquations(where, mObj.equations, cell === 'custom');
  if (cell === 'custom' && !equations) {
    throw new ExperimentError(`${where}: model.cell is "custom": model.equations must list its equations, e.g. ["a = sigmoid(W_a @ x + U_a @ h + b_a)", "h' = a * h + (1 - a) * tanh(W_c @ x + U_c @ h + b_c)"]`, 'model.equations');
  }
  const activation = m.oneOf('activation', E.activation, 'tanh');
  const model: ExperimentModel = {
    cell, activation,
    coupled: m.bool('coupled', false),
    hiddenSize: m.int('hiddenSize', L.hiddenSize, 16),
    layers: m.int('layers', L.layers, 1),
    residual: m.bool('residual', false),
    init: m.oneOf('init', E.init, 'pytorch'),
    forgetBias1: m.bool('forgetBias1', true),
    ...(equations ? { equations } : {}),
  };

  const tObj = mergePatches({ training: dflt.training }, { training: section(where, doc, 'training') as Partial<ExperimentTraining> }).training as Obj;
  const t = new Reader(where, 'training', tObj);
  t.unknownKeys(Object.keys(EXPERIMENT_DEFAULTS.training));
  const training: ExperimentTraining = {
    epochs: t.intOrAuto('epochs', L.epochs, 'auto'),
    batchSize: t.intOrAuto('batchSize', L.batchSize, 'auto'),
    optimizer: t.oneOf('optimizer', E.optimizer, 'adam'),
    learningRate: t.num('learningRate', L.learningRate, 0.005),
    clip: t.num('clip', L.clip, 1),
    tbptt: t.int('tbptt', L.tbptt, 0),
    patience: t.intOrAuto('patience', L.patience, 'auto'),
    seed: t.int('seed', L.seed, 0),
    precision: t.oneOf('precision', E.precision, 'float64'),
  };
  if (training.learningRate === 0) throw new ExperimentError(`${where}: training.learningRate must be greater than 0`, 'training.learningRate');
  return { version: EXPERIMENT_VERSION, data, model, training };
}

/** An experiment document with overrides applied section by section (the overrides win). */
export function withOverrides(doc: unknown, overrides: ExperimentPatch | undefined): unknown {
  if (!overrides || !isObj(doc)) return doc;
  const out: Obj = { ...doc };
  for (const key of ['data', 'model', 'training'] as const) {
    const o = (overrides as Obj)[key];
    if (o === undefined) continue;
    if (!isObj(o)) throw new ExperimentError(`options.${key} must be an object; got ${JSON.stringify(o)}`, key);
    const defined = Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));
    out[key] = { ...(isObj(doc[key]) ? doc[key] : {}), ...defined };
  }
  return out;
}

/** Parses experiment text (with optional overrides), turning JSON syntax errors into messages with a line and column. */
export function parseExperimentText(text: string, where: string, defaults: ExperimentPatch = {}, overrides?: ExperimentPatch): Experiment {
  let doc: unknown;
  text = text.replace(/^\uFEFF/, '');
  try {
    doc = JSON.parse(text);
  } catch (e) {
    const msg = (e as Error).message;
    const pos = /position (\d+)/.exec(msg);
    if (pos) {
      const before = text.slice(0, Number(pos[1]));
      const line = before.split('\n').length;
      const col = Number(pos[1]) - before.lastIndexOf('\n');
      throw new ExperimentError(`${where} line ${line}, column ${col}: not valid JSON (${msg.replace(/ in JSON at position \d+.*$/, '')})`);
    }
    throw new ExperimentError(`${where}: not valid JSON (${msg})`);
  }
  return parseExperiment(withOverrides(doc, overrides), where, defaults);
}

/** The data settings a user can give (an experiment's `data` section, or command-line flags), all optional. */
export type DataSettings = Partial<Omit<ExperimentData, 'file'>>;

/** Roles and dataset settings for a table, and the table they refer to (its long form when the layout is wide). */
export interface ResolvedData {
  /** The table the roles name: the file's, or its long form (layout "wide"). */
  table: CsvTable;
  /** The wide layout applied, or null. */
  layout: WideLayout | null;
  /** A wide layout found in the file (suggested), whether applied or not. */
  wide: WideLayout | null;
  suggestion: RoleSuggestion;
  spec: DatasetSpec;
  /** Whether any role was set by hand and differs from the suggestion. */
  rolesGiven: boolean;
  /** Plain words: the layout used, and why. */
  notes: string[];
}

/**
 * Roles and dataset settings for a table: the given ones where present, the suggestion's elsewhere. The one place
 * where settings meet the data, shared by the extension's worker and the command line.
 */
export function resolveData(file: CsvTable, d: DataSettings): ResolvedData {
  const notes: string[] = [];
  const wide = detectWideLayout(file);
  const useWide = d.layout === 'wide' || (d.layout === undefined && wide !== null);
  if (d.layout === 'wide' && !wide) throw new ExperimentError(`${file.file}: layout "wide" needs columns named as successive periods (JAN … DEC, Q1 … Q4, t1 … tN or years); none found`, 'data.layout');
  const table = useWide && wide ? toLongTable(file, wide) : file;
  if (useWide && wide) {
    notes.push(`wide layout: ${wide.description}${wide.summaries.length ? `; ${wide.summaries.map((n) => `"${n}"`).join(', ')} left out (a summary of each row)` : ''}${d.layout === undefined ? ' (set data.layout to "long" to read the columns as they are)' : ''}`);
  }
  const suggestion = suggestRoles(table);
  // a suggested id, label or time that the user made an input or target by hand gives way
  const byHand = new Set([...(d.features ?? []), ...(d.targets ?? [])]);
  const suggestedUnless = (name: string | null): string | null => (name && byHand.has(name) ? null : name);
  const roles: ColumnRoles = {
    features: d.features ?? suggestion.features,
    targets: d.targets ?? suggestion.targets,
    sequenceId: d.sequenceId === undefined ? suggestedUnless(suggestion.sequenceId) : d.sequenceId,
    label: d.label === undefined ? suggestedUnless(suggestion.label) : d.label,
    time: d.time === undefined ? suggestedUnless(suggestion.time) : d.time,
  };
  // a column given another role explicitly leaves the suggested features and targets
  const taken = new Set([roles.sequenceId, roles.label, roles.time].filter((x): x is string => !!x));
  if (!d.features) {
    const own = new Set(d.targets ?? []);
    roles.features = roles.features.filter((f) => !taken.has(f) && (!d.targets || own.has(f) || suggestion.features.includes(f)));
  }
  if (!d.targets) roles.targets = roles.targets.filter((t) => !taken.has(t));
  const suggestedTask = suggestion.task === 'classify' && !roles.label ? 'next-step' : suggestion.task;
  // targets given by hand (without a task or label) are forecast, whatever the suggestion
  const task: TaskKind = d.task ?? (d.label ? 'classify' : d.targets && suggestedTask !== 'next-step' ? 'next-step' : suggestedTask);
  if (task === 'regress' && !d.features && !d.task && d.targets) roles.features = roles.features.filter((f) => !roles.targets.includes(f));
  const same = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);
  const rolesGiven = (['features', 'targets', 'sequenceId', 'label', 'time'] as const).some((k) => d[k] !== undefined && !same(d[k], suggestion[k]));
  return {
    table, layout: useWide ? wide : null, wide, suggestion, rolesGiven, notes,
    spec: {
      roles, task, transforms: d.transforms ?? {}, rolesGiven, window: d.window, validation: d.validation ?? 0.2, split: d.split,
      missing: d.missing ?? 'error',
    },
  };
}

/** Epochs, batch size and patience for a dataset: the given numbers, or chosen from its size ("auto"), with the reasons. */
export function planTraining(t: ExperimentTraining, ds: Pick<Dataset, 'train'>): { epochs: number; batchSize: number; patience: number; notes: string[] } {
  const n = ds.train.length;
  const notes: string[] = [];
  let batchSize: number;
  if (t.batchSize === 'auto') {
    batchSize = Math.max(1, Math.min(32, n, Math.max(4, Math.floor(n / 16))));
    if (batchSize < 32) notes.push(`batch size ${batchSize} (${n} training samples)`);
  } else {
    batchSize = Math.min(t.batchSize, n);
    if (batchSize < t.batchSize) notes.push(`batch size ${batchSize}: the training set has only ${n} samples`);
  }
  const batches = Math.ceil(n / batchSize);
  let epochs: number;
  if (t.epochs === 'auto') {
    epochs = Math.max(20, Math.min(300, Math.ceil(1500 / batches)));
    if (epochs > 20) notes.push(`${epochs} epochs (${batches} update${batches === 1 ? '' : 's'} an epoch: about 1,500 in all)`);
  } else epochs = t.epochs;
  let patience: number;
  if (t.patience === 'auto') {
    patience = n < 2000 ? Math.max(10, Math.ceil(epochs / 5)) : 0;
    if (patience > 0 && patience < epochs) notes.push(`early stopping after ${patience} epochs without a better validation loss (small data); the best epoch's weights are kept`);
  } else patience = t.patience;
  return { epochs, batchSize, patience, notes };
}

/** A new experiment for a CSV: the suggested roles written out, the given defaults for model and training. */
export function suggestExperiment(table: CsvTable, relativeFile: string, defaults: ExperimentPatch = {}): Experiment {
  const base = parseExperiment({ data: { file: relativeFile } }, relativeFile, defaults);
  const { spec, layout } = resolveData(table, {});
  const data: ExperimentData = {
    file: relativeFile,
    ...(layout ? { layout: 'wide' as const } : {}),
    features: spec.roles.features,
    targets: spec.roles.targets,
    sequenceId: spec.roles.sequenceId,
    label: spec.roles.label,
    time: spec.roles.time,
    task: spec.task,
    transforms: {},
    missing: 'error',
    validation: 0.2,
  };
  return { version: EXPERIMENT_VERSION, data, model: base.model, training: base.training };
}

/** The experiment as it is written to disk (VS Code validates it with the schema the extension contributes). */
export function experimentToText(exp: Experiment): string {
  return `${JSON.stringify({ version: exp.version, data: exp.data, model: exp.model, training: exp.training }, null, 2)}\n`;
}
