/**
 * The one typed protocol between the extension host, the engine worker and the webviews. Four discriminated unions;
 * requests carry an `id`, replies an `inReplyTo`, and a reply's type is its request's followed by `/result`
 * (`train/start` → `train/start/result`, `panel/fetchRows` → `panel/fetchRows/result`). WORKER_REQUESTS maps every
 * worker request to its flags, so `client.request('train/start', …)` infers its reply and whether it can be
 * cancelled. Every router switches exhaustively (`assertNever`). Besides types, this module reads only the generated
 * cell catalog and the shared words (src/data/words.ts).
 *
 * Long jobs (read a CSV, train, verify, compare) share one shape: the host sends a request with a `cancel` flag
 * (an Int32Array over a SharedArrayBuffer, set to 1 by the host to stop: the worker's training loop is synchronous,
 * so it polls the flag rather than waiting for a message), the worker streams `job/progress` and ends with one
 * result or one `error`.
 */
import type { CellKind, GradCheckReport, ModelConfig, TrainStatus } from '../engine/index';
import type { Experiment, ExperimentPatch } from '../data/experiment';
import type { CsvColumnKind, CsvDelimiter } from '../data/csvTypes';
import type { TaskKind } from '../data/dataset';
import type { ColumnRoles } from '../data/roles';
import type { Verdict } from '../data/verdict';
import type { SampleCounts } from '../data/describe';

export type { Verdict, ColumnRoles };
export type { DataMemoryInfo, EpochPoint, RunSummary } from '../data/runSummary';
import type { DataMemoryInfo, EpochPoint, RunSummary } from '../data/runSummary';
import type { DeadUnitsClaim, GatesClaim, HorizonClaim, ResidualClaim, ScalarClaim, TinyClaim } from '../data/chapterTypes';
export { CHAPTER_CLAIMS } from '../data/chapterTypes';
import type { TinyRnnParams } from '../engine/index';

/** Where an experiment comes from: an experiment file, or a CSV with the default settings. */
export interface ExperimentSource {
  /** Absolute path of a `*.rnn.json` file or of a CSV. */
  file: string;
  /** Settings defaults (from VS Code settings), applied where the file says nothing. */
  defaults: ExperimentPatch;
  /** Overrides from the caller (command options), applied over the file. */
  overrides?: ExperimentPatch;
}

/** Host → worker: train a model on an experiment's data and save it. */
export interface TrainStartMessage {
  type: 'train/start';
  id: number;
  source: ExperimentSource;
  /** Where to save the model; a free name is chosen next to it if it exists (never overwritten). Null: don't save. */
  saveTo: string | null;
  /** Continue the run saved in this model file (updated in place) instead of starting from fresh weights. */
  resume?: string | null;
  /** Threads to train on (the setting rnnPlayground.engine.threads; 0 or absent: every core but one). */
  threads?: number;
  cancel: Int32Array;
}

/** Host → worker: the vanishing-gradient bound on one sequence of an experiment's data. */
export interface VerifyRunMessage {
  type: 'verify/run';
  id: number;
  source: ExperimentSource;
  /** A trained model file to analyse; null analyses a freshly initialised model of the experiment. */
  modelFile: string | null;
  /** 1-based sample number in file order. */
  sequence: number;
  cancel: Int32Array;
}

/** Host → worker: train several cells with the same data, seed and budget. */
export interface CompareRunMessage {
  type: 'compare/run';
  id: number;
  source: ExperimentSource;
  cells: CellKind[];
  /** Threads to train on, as for train/start. */
  threads?: number;
  cancel: Int32Array;
}

/** Host → worker: run a finite-difference gradient check on a seeded random model. */
export interface GradcheckRunMessage {
  type: 'gradcheck/run';
  id: number;
  config: ModelConfig;
  steps: number;
  batch: number;
  seed: number;
}

/** The Chapter Lab's claims that the engine measures (g, the bound on your data, is Verify). */
export const LAB_CLAIMS = ['a', 'b', 'c', 'd', 'e', 'f'] as const;
/** One of them. */
export type LabClaim = (typeof LAB_CLAIMS)[number];

/** What a claim's run may be given: the tiny RNN's parameters (a), the scalar RNN's w_h and φ (b), the lengths (c). */
export interface LabParams {
  /** The open experiment's custom cell, added by the host (claim c measures its horizon too). */
  custom?: { equations: string[] };
  tiny?: TinyRnnParams;
  scalar?: { wh: number; activation: 'sigmoid' | 'tanh' | 'relu'; maxT: number };
  lengths?: number[];
}

/** A claim measured: its figures (each with `held` and `sentence`). */
export type LabResult =
  | { claim: 'a'; figures: TinyClaim } | { claim: 'b'; figures: ScalarClaim } | { claim: 'c'; figures: HorizonClaim }
  | { claim: 'd'; figures: GatesClaim } | { claim: 'e'; figures: DeadUnitsClaim } | { claim: 'f'; figures: ResidualClaim };

/** Host → worker: measure one of the chapter's claims. */
export interface ChapterRunMessage {
  type: 'chapter/run';
  id: number;
  cancel: Int32Array;
  claim: LabClaim;
  params: LabParams;
}

/** Host → worker: read a CSV and write a new experiment file for it with the suggested roles. */
export interface ExperimentCreateMessage {
  type: 'experiment/create';
  id: number;
  csvFile: string;
  experimentFile: string;
  defaults: ExperimentPatch;
  cancel: Int32Array;
}

/**
 * Host → worker: write a model's JSON, its PyTorch state_dict JSON and a PyTorch script into a folder; with
 * `training`, also the run's training as a PyTorch project (data.py, train.py, initial weights, plan, README).
 */
export interface ModelExportMessage {
  type: 'model/export';
  id: number;
  modelFile: string;
  folder: string;
  overwrite: boolean;
  training?: boolean;
}

/** Host → worker: read a model file and describe it. */
export interface ModelInspectMessage {
  type: 'model/inspect';
  id: number;
  modelFile: string;
}

/** Host → worker: what the Data view shows for an experiment or CSV (columns, roles, sequences, the first rows). */
export interface DataPreviewMessage {
  type: 'data/preview';
  id: number;
  source: ExperimentSource;
  cancel: Int32Array;
}

/** Host → worker: data rows [start, start + count) of a CSV as written (count ≤ 1000), from the worker's cached read. */
export interface DataRowsMessage {
  type: 'data/rows';
  id: number;
  /** Absolute path of the CSV (`DataPreview.csvFile`). */
  csvFile: string;
  /** 0-based data row. */
  start: number;
  count: number;
}

/** Host → worker: one sequence of an experiment's data through a trained or fresh model. */
export interface SequenceInspectMessage {
  type: 'sequence/inspect';
  id: number;
  source: ExperimentSource;
  /** A trained model file; null inspects a freshly initialised model of the experiment. */
  modelFile: string | null;
  /** 1-based sample number in file order (as for `verify/run`). */
  sequence: number;
  cancel: Int32Array;
}

/** Host → worker: answer a liveness probe. */
export interface PingMessage {
  type: 'worker/ping';
  id: number;
}

/** Host → worker: keep the thread busy for `ms` without answering (lets tests exercise the stuck-worker path). */
export interface BlockMessage {
  type: 'worker/block';
  id: number;
  ms: number;
}

/** Everything the host sends to the worker. */
export type ToWorker =
  | TrainStartMessage | VerifyRunMessage | CompareRunMessage | GradcheckRunMessage | ExperimentCreateMessage
  | ModelExportMessage | ModelInspectMessage | DataPreviewMessage | DataRowsMessage | SequenceInspectMessage
  | PingMessage | BlockMessage | ChapterRunMessage;

/** Worker → host: progress of a long job. `fraction` in [0, 1] or null when unknown. */
export interface ProgressMessage {
  type: 'job/progress';
  inReplyTo: number;
  phase: 'reading' | 'preparing' | 'training' | 'analysing';
  fraction: number | null;
  message: string;
  /** Set when an epoch just ended. */
  epoch?: EpochPoint;
  /** Running loss within the current epoch. */
  loss?: number;
}

/** Worker → host: a training run ended (completed, early-stopped, cancelled or diverged). */
export interface TrainResultMessage {
  type: 'train/start/result';
  inReplyTo: number;
  summary: RunSummary;
}

/** The bound analysis of one sequence (JSON-serialisable; returned by the verify command). */
export interface BoundSummary {
  csvFile: string;
  model: string;
  modelFile: string | null;
  sequence: { index: number; of: number; id: string; firstLine: number; steps: number; split: 'train' | 'validation' };
  cell: string;
  /** A custom cell's equations. */
  equations?: string[] | null;
  activation: string | null;
  measuredOf: string;
  holds: boolean | null;
  verdict: string;
  worstRatio: number | null;
  worstLag: number | null;
  effectiveMemory: number;
  epsilon: number;
  normWh: number;
  rhoWh: number;
  gamma: number | null;
  lags: number[];
  /** log10 values per lag (null where −∞). */
  measuredLog10: (number | null)[];
  tightLog10: (number | null)[] | null;
  looseLog10: (number | null)[] | null;
  additiveLog10: (number | null)[] | null;
  warnings: string[];
  /** The data's own memory, to set beside the effective memory. */
  dataMemory?: DataMemoryInfo | null;
}

/** Worker → host: the bound report. */
export interface VerifyResultMessage {
  type: 'verify/run/result';
  inReplyTo: number;
  report: BoundSummary;
}

/** One cell's row in a comparison. */
export interface CompareRow {
  cell: CellKind;
  status: TrainStatus;
  parameters: number;
  trainLoss: number;
  valLoss: number;
  accuracy: number | null;
  effectiveMemory: number;
  steps: number;
  epochs: number;
  seconds: number;
  history: EpochPoint[];
  /** This cell judged against the baseline. */
  verdict?: Verdict;
}

/** The comparison (JSON-serialisable; returned by the compare command). */
export interface CompareSummary {
  csvFile: string;
  task: string;
  baseline: { kind: string; loss: number; accuracy: number | null };
  cells: CompareRow[];
  /** The cell with the lowest validation loss (whether or not it beats the baseline: see `anyBetter`). */
  best: CellKind | null;
  /** Whether some cell beats the baseline (its verdict is "better"). */
  anyBetter?: boolean;
  cancelled: boolean;
  /** The data's own memory, to set beside each cell's effective memory. */
  dataMemory?: DataMemoryInfo | null;
}

/** Worker → host: the comparison. */
export interface CompareResultMessage {
  type: 'compare/run/result';
  inReplyTo: number;
  summary: CompareSummary;
}

/** Worker → host: the gradient check's report. */
export interface GradcheckResultMessage {
  type: 'gradcheck/run/result';
  inReplyTo: number;
  report: GradCheckReport;
}

/** Worker → host: a claim measured. */
export interface ChapterResultMessage {
  type: 'chapter/run/result';
  inReplyTo: number;
  result: LabResult;
}

/** Worker → host: the experiment file was written. */
export interface ExperimentCreatedMessage {
  type: 'experiment/create/result';
  inReplyTo: number;
  experimentFile: string;
  experiment: Experiment;
  /** Why each column got its role. */
  reasons: Record<string, string>;
}

/** Worker → host: the export's files. */
export interface ModelExportedMessage {
  type: 'model/export/result';
  inReplyTo: number;
  files: { model: string; stateDict: string; script: string };
  /** With `training`: the project's other files, and the run it replays. */
  training?: { initial: string; plan: string; data: string; train: string; readme: string; epochs: number; samples: { train: number; validation: number } };
}

/** What a model file holds. */
export interface ModelInfo {
  modelFile: string;
  config: ModelConfig;
  parameters: number;
  /** The CSV it was trained on and its roles, when saved by a training run. */
  data: { file: string; task: string; roles: ColumnRoles } | null;
  training: { epochs: number; status: string; valLoss: number; baselineLoss: number } | null;
}

/** Worker → host: the model file's description. */
export interface ModelInfoMessage {
  type: 'model/inspect/result';
  inReplyTo: number;
  info: ModelInfo;
}

/** What a column is used for: a model input, a value to predict, the sequence id, the class label, the time axis, or nothing. */
export type ColumnRole = 'feature' | 'target' | 'sequenceId' | 'label' | 'time' | 'ignored';

/** One column in the Data view. */
export interface PreviewColumn {
  name: string;
  /** What its cells hold, as the CSV reader decided. */
  kind: CsvColumnKind;
  /** The role in effect; a column that is both input and target (next-step prediction) shows as 'target'. */
  role: ColumnRole;
  /** The role suggested from the column's name and cells. */
  suggested: ColumnRole;
  /** Why it has its role, in plain words. */
  reason: string;
  /** Empty cells (and missing markers such as NA). */
  missing: number;
  /** Cells that are not of the column's kind (a typo in a numeric column), with the first one. */
  invalid?: number;
  firstInvalid?: { line: number; value: string; column?: string } | null;
}

/**
 * Sequence lengths of a dataset, in steps after missing values and transforms: the counts `describeSamples` reads
 * (`train` and `validation` are samples per split; `sequence/inspect` numbers them 1 … train + validation in file order).
 */
export interface SequenceStats extends SampleCounts {
  /** Sequences per length range, `from` … `to` steps inclusive; the counts sum to `count`. */
  histogram: { from: number; to: number; count: number }[];
  /** The same in words, one account everywhere: "1 series cut into 55 windows of 64 steps (44 training / 11 validation)". */
  description?: string;
}

/** What the Data view shows for an experiment or CSV (JSON-serialisable). */
export interface DataPreview {
  csvFile: string;
  experimentFile: string | null;
  rowCount: number;
  bytes: number;
  delimiter: CsvDelimiter;
  /** 1-based line of the header, or null without one. */
  headerLine: number | null;
  columns: PreviewColumn[];
  /** The task the experiment resolves to. */
  task: TaskKind;
  /** The roles in effect: the experiment's where it gives them, the suggested ones elsewhere. */
  roles: ColumnRoles;
  /** Null when the dataset cannot be built with these roles (see `problem`). */
  sequences: SequenceStats | null;
  notes: string[];
  /** Things the user should look at. */
  warnings?: string[];
  /** Why the dataset cannot be built with these roles; the table still previews. */
  problem: string | null;
  /** One-click fixes for the problem (gaps: the missing-value policies), written to the experiment as `data.missing`. */
  problemFixes?: string[];
  /** The first min(200, rowCount) data rows, cell texts as written in the file (unquoted, blanks around them removed). */
  firstRows: string[][];
  /** The file's own column names (for the rows table) when they differ from `columns` (a wide layout read long). */
  fileColumns?: string[];
  /** Values read from a wide layout (its long rows), when one is applied; `rowCount` counts the file's rows. */
  longRows?: number;
  /** The wide layout read (its description), or a wide layout found but not used. */
  layout?: { applied: boolean; description: string } | null;
  /** The time axis and why the targets are these. */
  timeAxis?: string | null;
  targetReason?: string | null;
  /** The missing-value policy in effect. */
  missing?: string;
  /** The target's autocorrelation (as read and as the model sees it). */
  dataMemory?: DataMemoryInfo | null;
}

/** Worker → host: the Data view's preview. */
export interface DataPreviewResultMessage {
  type: 'data/preview/result';
  inReplyTo: number;
  preview: DataPreview;
}

/** Worker → host: a window of data rows, cell texts as written; empty when `start` is past the end. */
export interface DataRowsResultMessage {
  type: 'data/rows/result';
  inReplyTo: number;
  start: number;
  rows: string[][];
}

/**
 * One sequence through a model (JSON-serialisable). Values are in data units: inputs after the experiment's transforms
 * and before z-scoring, predictions unscaled with the dataset's target scaling.
 */
export interface SequenceInspection {
  csvFile: string;
  /** "trained model X.model.json" or "untrained lstm (init …, seed …)". */
  model: string;
  modelFile: string | null;
  sequence: BoundSummary['sequence'];
  task: TaskKind;
  /**
   * The model's inputs per step: `values` as the model reads them before scaling (after the column's transform), and
   * `levels` the column as read (null when the transform is 'none': the same numbers).
   */
  features: { name: string; transform: string; values: number[]; levels: number[] | null }[];
  /**
   * Regression and next-step, one entry per target: per step t, the value asked for at t (next-step: the value of
   * step t + 1) and the prediction, both in the data's units (a target modelled as changes comes back as levels); with
   * one target per sequence only the last step has values (null elsewhere, and where a prediction is not finite).
   */
  targets: { name: string; transform: string; actual: (number | null)[]; predicted: (number | null)[] }[];
  /** Classification: class names, index = class. */
  classes: string[] | null;
  /** Classification: the class, the predicted class and the probabilities at the last step (the one read for a per-sequence label). */
  classification: { actual: number; predicted: number; probabilities: number[] } | null;
  /** Per-step classification (the label changes within sequences): the same for every step; null otherwise. */
  perStep: { actual: number[]; predicted: number[]; probabilities: number[][] } | null;
  /** Classification: counts [actual][predicted] over every read item of the validation split (train when there is none). */
  confusion: { classes: string[]; counts: number[][]; over: 'validation' | 'train' } | null;
  /** Classification: the majority class of the training samples and its share of the validation items (the baseline's accuracy). */
  majority: { name: string; rate: number } | null;
  /** The gradient profile of this sequence at the first layer (engine `gradientProfile`; loss in scaled units). */
  profile: {
    steps: number;
    hiddenSize: number;
    loss: number;
    /** ‖∂L/∂h_t‖ for t = 1 … T. */
    stepNorms: number[];
    /** |∂L/∂h_{t,i}|, [steps, hiddenSize] row-major (layer 1). */
    units: number[];
    /** The same for every layer, layer 1 first. */
    layers: number[][];
  };
  /** A built-in gated cell's gates over this sequence (layer 1): each gate's value per step and unit [steps][units]; null for other cells. */
  gates?: { name: string; symbol: string; title: string; units: number[][] }[] | null;
}

/** Worker → host: the inspected sequence. */
export interface SequenceInspectedMessage {
  type: 'sequence/inspect/result';
  inReplyTo: number;
  inspection: SequenceInspection;
}

/** Worker → host: reply to a ping. */
export interface PongMessage {
  type: 'worker/ping/result';
  inReplyTo: number;
}

/** Worker → host: the worker answers again after blocking (tests of the stuck-worker watchdog). */
export interface UnblockedMessage {
  type: 'worker/block/result';
  inReplyTo: number;
}

/**
 * Worker → host: a request failed. `message` is meant for the user as is; `kind` says whose problem it is:
 * 'input' (a file or setting to fix), 'exists' (a file would be overwritten), 'cancelled', or 'internal' (a bug).
 */
export interface ErrorMessage {
  type: 'error';
  inReplyTo: number;
  kind: 'input' | 'exists' | 'cancelled' | 'internal';
  message: string;
  /** Stack trace for the output channel (internal errors only). */
  detail?: string;
  /** Where the problem is in the user's file (input errors that name a line). */
  where?: { file: string; line: number; column: string | null };
  /** One-click remedies: the missing-value policies that would let the run go on (gaps in the data). */
  fixes?: string[];
}

/** Everything the worker sends to the host. */
export type FromWorker =
  | ProgressMessage | TrainResultMessage | VerifyResultMessage | CompareResultMessage | GradcheckResultMessage
  | ExperimentCreatedMessage | ModelExportedMessage | ModelInfoMessage | DataPreviewResultMessage | DataRowsResultMessage
  | SequenceInspectedMessage | PongMessage | UnblockedMessage | ErrorMessage | ChapterResultMessage;

// ── requests to the worker: one map from a request's type to its reply and flags ──

/** A request's type ('train/start'). */
export type WorkerRequestType = ToWorker['type'];
/** The message of a request type. */
export type WorkerRequest<K extends WorkerRequestType> = Extract<ToWorker, { type: K }>;
/** A request without its type, id and cancel flag: what a caller writes. */
export type WorkerRequestBody<K extends WorkerRequestType> = Omit<WorkerRequest<K>, 'type' | 'id' | 'cancel'>;
/** The reply to a request: by the one convention, its type is the request's followed by `/result`. */
export type WorkerReply<K extends WorkerRequestType> = Extract<FromWorker, { type: `${K}/result` }>;
/** Whether a request type carries a cancel flag. */
export type Cancellable<K extends WorkerRequestType> = 'cancel' extends keyof WorkerRequest<K> ? true : false;

/**
 * Every request type with its flags, checked by the compiler: a new request type must be added here, and
 * `cancellable` must match whether its message has a `cancel` flag. `progress`: the worker streams job/progress
 * messages for it; `what`: the request in words, for error messages.
 */
export const WORKER_REQUESTS: { readonly [K in WorkerRequestType]: { cancellable: Cancellable<K>; progress: boolean; what: string } } = {
  'train/start': { cancellable: true, progress: true, what: 'training' },
  'verify/run': { cancellable: true, progress: true, what: 'the bound analysis' },
  'compare/run': { cancellable: true, progress: true, what: 'the comparison' },
  'gradcheck/run': { cancellable: false, progress: false, what: 'the gradient check' },
  'chapter/run': { cancellable: true, progress: true, what: 'the claim' },
  'experiment/create': { cancellable: true, progress: true, what: 'the new experiment' },
  'model/export': { cancellable: false, progress: true, what: 'the export' },
  'model/inspect': { cancellable: false, progress: false, what: 'reading the model' },
  'data/preview': { cancellable: true, progress: true, what: 'reading the data' },
  'data/rows': { cancellable: false, progress: false, what: 'reading rows' },
  'sequence/inspect': { cancellable: true, progress: true, what: 'inspecting the sequence' },
  'worker/ping': { cancellable: false, progress: false, what: 'a liveness check' },
  'worker/block': { cancellable: false, progress: false, what: 'a liveness check' },
};

/** The reply type of a request type (the convention, at run time). */
export function replyType<K extends WorkerRequestType>(type: K): WorkerReply<K>['type'] {
  return `${type}/result` as WorkerReply<K>['type'];
}

/** What the side view shows. */
export interface SidebarState {
  /** The experiment or CSV the commands act on, if any. */
  current: string | null;
  running: { title: string; message: string; fraction: number | null } | null;
  /** Training losses of the latest (or current) run, for the sparkline. */
  losses: number[];
  /** The latest result; `tone` colours its first line (a run or comparison that beat its baseline is 'good'). */
  last: { title: string; lines: string[]; tone?: 'good' | 'warning' | 'error' } | null;
  /** The current file's cell and key settings in one line ("LSTM · 16 hidden × 1 layer · adam, lr 0.005 · 30 epochs"). */
  settings?: string | null;
}

/** Host → webview: the state to show. */
export interface ShowStateMessage {
  type: 'state/show';
  state: SidebarState;
}

/** The experiment a panel shows in its Model and Data views: the settings in effect (defaults filled in). */
export interface PanelExperiment {
  /** The `*.rnn.json` file, or null when the panel belongs to a CSV (default settings, read-only). */
  file: string | null;
  /** The CSV it reads. */
  csvFile: string;
  experiment: Experiment;
  /** Why the file cannot be used as it is (JSON syntax, a bad value); the settings shown are the last good ones. */
  problem: string | null;
}

/** What a playground panel shows for one experiment or CSV (also what the serializer restores). */
export interface PanelState {
  /** The experiment or CSV this panel belongs to. */
  file: string;
  /** The latest finished run, or the run in progress (history so far). */
  run: RunSummary | null;
  /** Epochs of the run in progress. */
  live: EpochPoint[];
  running: boolean;
  bound: BoundSummary | null;
  compare: CompareSummary | null;
  /** The tab shown. */
  tab: PanelTab;
  /** The experiment's settings (null until read). */
  experiment?: PanelExperiment | null;
  /** The outcome of the last edit made from the panel (shown next to the controls). */
  editError?: string | null;
  /** The Data view's preview (null until read) and why it could not be read. */
  preview?: DataPreview | null;
  previewError?: string | null;
  /** The sequence the Data, Gradients and Predictions views show (1-based, file order). */
  sequence?: number;
  /** That sequence run through the latest model (or a fresh one), and why it could not be. */
  inspection?: SequenceInspection | null;
  inspectError?: string | null;
}

/** The panel's views in display order, with their tab labels: the one list of them (the webview's `VIEWS` must have each). */
export const PANEL_TAB_LABELS = {
  data: 'Data', model: 'Model', training: 'Training', graph: 'Unrolled Graph', gradients: 'Gradients', bound: 'Bound', predictions: 'Predictions', compare: 'Compare',
} as const;

/** A panel view. */
export type PanelTab = keyof typeof PANEL_TAB_LABELS;

/** The panel's views in display order. */
export const PANEL_TABS = Object.keys(PANEL_TAB_LABELS) as PanelTab[];

/** Experiment fields the panel may change (checked on arrival). */
export const EXPERIMENT_FIELDS = [
  'model.cell', 'model.activation', 'model.coupled', 'model.hiddenSize', 'model.layers', 'model.residual', 'model.init', 'model.forgetBias1', 'model.equations',
  'training.epochs', 'training.batchSize', 'training.optimizer', 'training.learningRate', 'training.clip', 'training.tbptt', 'training.patience', 'training.seed', 'training.precision',
  'data.features', 'data.targets', 'data.sequenceId', 'data.label', 'data.time', 'data.task', 'data.missing', 'data.layout',
  'data.transforms',
] as const;

/**
 * One field set from the panel; `value` undefined removes the key (the default or the suggestion applies).
 * `data.transforms` takes an object of column → transform that is merged into the file's (a column set to null leaves it).
 */
export interface ExperimentChange {
  field: (typeof EXPERIMENT_FIELDS)[number];
  value: unknown;
}

/** Host → panel: the whole state (on open, on restore, after each result). */
export interface PanelStateMessage {
  type: 'panel/state';
  state: PanelState;
  /** Show `state.tab` (the host chose it); otherwise the panel keeps the tab the user is on. */
  selectTab?: boolean;
}

/** Host → panel: one more epoch of the run in progress (throttled by the worker to one per epoch). */
export interface PanelEpochMessage {
  type: 'panel/epoch';
  epoch: EpochPoint;
}

/** Host → panel: rows of the CSV for the Data view's table, the reply to `panel/fetchRows`. */
export interface PanelRowsMessage {
  type: 'panel/fetchRows/result';
  inReplyTo: number;
  start: number;
  rows: string[][];
}

/** Everything the host sends to a webview. */
/** The Chapter Lab's claim g: Verify on the open CSV, in a sentence. */
export interface LabVerifyResult {
  claim: 'g';
  figures: { held: boolean | null; sentence: string; file: string };
}

/** Host → Chapter Lab: a claim's progress while it runs. */
export interface LabProgressMessage {
  type: 'lab/progress';
  claim: LabClaim | 'g';
  fraction: number | null;
  message: string;
}

/** Host → Chapter Lab: a claim's outcome — its figures, or the problem (cancelled, failed) in words. */
export interface LabResultMessage {
  type: 'lab/result';
  claim: LabClaim | 'g';
  result: LabResult | LabVerifyResult | null;
  problem: string | null;
}

/** Host → Chapter Lab: send the page as a standalone report (Save Chapter Lab as HTML). */
export interface LabReportRequestMessage {
  type: 'lab/report';
  id: number;
}

export type ToWebview = ShowStateMessage | PanelStateMessage | PanelEpochMessage | PanelRowsMessage | LabProgressMessage | LabResultMessage | LabReportRequestMessage;

/** Webview → host: the webview has loaded and listens. */
export interface ReadyMessage {
  type: 'webview/ready';
}

/** Commands a webview may ask the host to run (checked against this list on arrival). */
export const WEBVIEW_COMMANDS = [
  'rnnPlayground.trainCurrentFile', 'rnnPlayground.stopTraining', 'rnnPlayground.verifyBound', 'rnnPlayground.compareCells',
  'rnnPlayground.newExperiment', 'rnnPlayground.gradientCheck', 'rnnPlayground.loadModel', 'rnnPlayground.exportModel',
  'rnnPlayground.stepEpoch', 'rnnPlayground.continueTraining', 'rnnPlayground.openPlayground', 'rnnPlayground.saveChapterLab',
] as const;

/** Webview → host: run one of the extension's commands. */
export interface RunCommandMessage {
  type: 'command/run';
  command: (typeof WEBVIEW_COMMANDS)[number];
}

/** Chapter Lab → host: measure a claim (g: Verify on the open CSV). */
export interface LabRunMessage {
  type: 'lab/run';
  claim: LabClaim | 'g';
  params: LabParams;
}

/** Chapter Lab → host: stop the claim that runs. */
export interface LabCancelMessage {
  type: 'lab/cancel';
  claim: LabClaim | 'g';
}

/** Chapter Lab → host: the report the host asked for (`lab/report`), one standalone HTML page. */
export interface LabReportMessage {
  type: 'lab/report/result';
  inReplyTo: number;
  html: string;
}

/** Panel → host: the user switched tabs (kept for restore). */
export interface TabMessage {
  type: 'panel/tab';
  tab: PanelTab;
}

/** Roles a column can be given in the Data view. */
export const ROLE_CHOICES = ['feature', 'target', 'feature+target', 'sequenceId', 'label', 'time', 'ignored'] as const;
export type RoleChoice = (typeof ROLE_CHOICES)[number];

/** Panel → host: give one column a role (the host rewrites the roles from the file as it is when the edit applies). */
export interface ExperimentRoleMessage {
  type: 'experiment/role';
  column: string;
  role: RoleChoice;
}

/** Panel → host: set experiment fields (the host edits the `*.rnn.json` and saves it). */
export interface ExperimentEditMessage {
  type: 'experiment/edit';
  changes: ExperimentChange[];
}

/** Panel → host: the Data view's table needs rows [start, start + count) (count ≤ 1000). */
export interface FetchRowsMessage {
  type: 'panel/fetchRows';
  /** A request: its reply carries this id as `inReplyTo`. */
  id: number;
  start: number;
  count: number;
}

/** Panel → host: show sequence `sequence` (1-based, file order) in the Data, Gradients and Predictions views. */
export interface SequenceSelectMessage {
  type: 'panel/sequence';
  sequence: number;
}

/** Panel → host: take the next step the latest run's verdict offers (write its settings, then train again). */
export interface NextStepMessage {
  type: 'run/nextStep';
}

/** Everything a webview sends to the host (validated on arrival). */
export type FromWebview = ReadyMessage | RunCommandMessage | TabMessage | ExperimentEditMessage | ExperimentRoleMessage | FetchRowsMessage | SequenceSelectMessage | NextStepMessage
  | LabRunMessage | LabCancelMessage | LabReportMessage;

const isNumberList = (v: unknown, min: number, max: number, lo = -1e6, hi = 1e6): v is number[] =>
  Array.isArray(v) && v.length >= min && v.length <= max && v.every((x) => typeof x === 'number' && Number.isFinite(x) && x >= lo && x <= hi);

/** A lab run's parameters, checked; null when something is off. */
function labParams(raw: unknown): LabParams | null {
  if (raw === undefined) return {};
  if (!isObject(raw)) return null;
  const out: LabParams = {};
  if (raw.tiny !== undefined) {
    const t = raw.tiny;
    if (!isObject(t) || !Array.isArray(t.Wh) || t.Wh.length !== 2 || !t.Wh.every((r) => isNumberList(r, 2, 2)) || !isNumberList(t.Wx, 2, 2) || !isNumberList(t.wy, 2, 2) || !isNumberList(t.x, 1, 100)) return null;
    out.tiny = { Wh: t.Wh as number[][], Wx: t.Wx, wy: t.wy, x: t.x };
  }
  if (raw.scalar !== undefined) {
    const s = raw.scalar;
    if (!isObject(s) || typeof s.wh !== 'number' || !Number.isFinite(s.wh) || Math.abs(s.wh) > 100 || !['sigmoid', 'tanh', 'relu'].includes(s.activation as string) || !isCount(s.maxT, 1000) || (s.maxT as number) < 2) return null;
    out.scalar = { wh: s.wh, activation: s.activation as 'sigmoid' | 'tanh' | 'relu', maxT: s.maxT as number };
  }
  if (raw.lengths !== undefined) {
    if (!isNumberList(raw.lengths, 1, 8, 2, 500) || !raw.lengths.every(Number.isInteger)) return null;
    out.lengths = raw.lengths;
  }
  return out;
}

const isCount = (v: unknown, max: number): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= max;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Values the panel may send for a field: plain JSON scalars, arrays of column names, or a map of column → transform. */
function plainValue(v: unknown): boolean {
  if (v === undefined || v === null || typeof v === 'boolean' || typeof v === 'string') return true;
  if (typeof v === 'number') return Number.isFinite(v);
  if (isObject(v)) return Object.keys(v).length <= 10_000 && Object.values(v).every((x) => x === null || typeof x === 'string');
  return Array.isArray(v) && v.length <= 10_000 && v.every((x) => typeof x === 'string');
}

/** Checks a message that arrived from a webview; returns it typed, or null when it is not one we accept. */
export function parseFromWebview(raw: unknown): FromWebview | null {
  if (!isObject(raw)) return null;
  const m = raw;
  if (m.type === 'webview/ready') return { type: 'webview/ready' };
  if (m.type === 'run/nextStep') return { type: 'run/nextStep' };
  if (m.type === 'panel/tab' && typeof m.tab === 'string' && (PANEL_TABS as readonly string[]).includes(m.tab)) return { type: 'panel/tab', tab: m.tab as PanelTab };
  if (m.type === 'command/run' && typeof m.command === 'string' && (WEBVIEW_COMMANDS as readonly string[]).includes(m.command)) {
    return { type: 'command/run', command: m.command as RunCommandMessage['command'] };
  }
  if (m.type === 'panel/fetchRows' && isCount(m.id, Number.MAX_SAFE_INTEGER) && isCount(m.start, Number.MAX_SAFE_INTEGER) && isCount(m.count, 1000)) return { type: 'panel/fetchRows', id: m.id, start: m.start, count: m.count };
  if (m.type === 'panel/sequence' && isCount(m.sequence, Number.MAX_SAFE_INTEGER) && m.sequence >= 1) return { type: 'panel/sequence', sequence: m.sequence };
  if (m.type === 'experiment/role' && typeof m.column === 'string' && m.column.length > 0 && m.column.length <= 1000 && typeof m.role === 'string' && (ROLE_CHOICES as readonly string[]).includes(m.role)) {
    return { type: 'experiment/role', column: m.column, role: m.role as RoleChoice };
  }
  const claim = (v: unknown): v is LabClaim | 'g' => typeof v === 'string' && ((LAB_CLAIMS as readonly string[]).includes(v) || v === 'g');
  if (m.type === 'lab/run' && claim(m.claim)) {
    const params = labParams(m.params);
    return params ? { type: 'lab/run', claim: m.claim, params } : null;
  }
  if (m.type === 'lab/cancel' && claim(m.claim)) return { type: 'lab/cancel', claim: m.claim };
  if (m.type === 'lab/report/result' && isCount(m.inReplyTo, Number.MAX_SAFE_INTEGER) && typeof m.html === 'string' && m.html.length <= 50_000_000) {
    return { type: 'lab/report/result', inReplyTo: m.inReplyTo, html: m.html };
  }
  if (m.type === 'experiment/edit' && Array.isArray(m.changes) && m.changes.length > 0 && m.changes.length <= 32) {
    const changes: ExperimentChange[] = [];
    for (const c of m.changes) {
      if (!isObject(c) || typeof c.field !== 'string' || !(EXPERIMENT_FIELDS as readonly string[]).includes(c.field) || !plainValue(c.value)) return null;
      changes.push({ field: c.field as ExperimentChange['field'], value: c.value });
    }
    return { type: 'experiment/edit', changes };
  }
  return null;
}

/** Exhaustiveness guard for switches over the unions. */
export function assertNever(x: never): never {
  throw new Error(`unexpected message: ${JSON.stringify(x)}`);
}

// ── the cells, from the registry (generated: src/shared/cellCatalog.ts) ──

export { CELL_CATALOG, CATALOG_KINDS, catalogCell, catalogVariant, type CatalogCellKind } from './cellCatalog';
/** User-defined cells: the equation language (pure, no engine state) and the spelled-out presets, for the Model view. */
export { previewCell, problemText, type CellPreview, type EquationProblem } from '../engine/cells/custom/language';
export { EQUATION_PRESETS, type EquationPreset } from '../engine/cells/custom/presets';
import { catalogCell } from './cellCatalog';

/** A cell's name followed by the settings that change it: its activation, and coupled gates. */
function withSettings(name: string, c: { cell: string; activation: string; coupled: boolean }): string {
  const d = catalogCell(c.cell);
  if (c.cell === 'custom') return name === 'custom' ? 'custom cell' : 'Custom cell';
  if (!d) return c.cell;
  return `${name}${d.activations ? ` (${c.activation})` : ''}${d.coupledOption && c.coupled ? ' (coupled)' : ''}`;
}

/** A cell and the settings that change it, short ("vanilla (tanh)", "gated (coupled)", "lstm"). */
export function cellWords(c: { cell: string; activation: string; coupled: boolean }): string {
  return withSettings(c.cell, c);
}

/** A cell's name on screen with its settings ("Vanilla RNN (tanh)", "Gated additive (coupled)", "LSTM"). */
export function cellTitle(c: { cell: string; activation: string; coupled: boolean }): string {
  return withSettings(catalogCell(c.cell)?.label ?? c.cell, c);
}

// ── words every surface shares (the CLI, the extension's messages and the webview write numbers and counts alike) ──

export { num, plural } from '../data/words';

/** " on 2 threads, float32 products" (nothing for one thread in float64). */
export function runOn(s: { threads?: number; precision?: string }): string {
  const parts = [...((s.threads ?? 1) > 1 ? [`on ${s.threads} threads`] : []), ...(s.precision === 'float32' ? ['float32 products'] : [])];
  return parts.length ? ` ${parts.join(', ')}` : '';
}
