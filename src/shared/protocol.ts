/**
 * The one typed protocol between the extension host, the engine worker and the webviews. Four discriminated unions;
 * requests carry an `id`, replies an `inReplyTo`. This module imports nothing but types.
 *
 * Long jobs (read a CSV, train, verify, compare) share one shape: the host sends a request with a `cancel` flag
 * (an Int32Array over a SharedArrayBuffer, set to 1 by the host to stop: the worker's training loop is synchronous,
 * so it polls the flag rather than waiting for a message), the worker streams `job/progress` and ends with one
 * result or one `error`.
 */
import type { CellKind, GradCheckReport, ModelConfig, TrainStatus } from '../engine/index';
import type { Experiment, ExperimentPatch } from '../data/experiment';
import type { ColumnRoles } from '../data/roles';

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

/** Host → worker: read a CSV and write a new experiment file for it with the suggested roles. */
export interface ExperimentCreateMessage {
  type: 'experiment/create';
  id: number;
  csvFile: string;
  experimentFile: string;
  defaults: ExperimentPatch;
  cancel: Int32Array;
}

/** Host → worker: write a model's JSON, its PyTorch state_dict JSON and a PyTorch script into a folder. */
export interface ModelExportMessage {
  type: 'model/export';
  id: number;
  modelFile: string;
  folder: string;
  overwrite: boolean;
}

/** Host → worker: read a model file and describe it. */
export interface ModelInspectMessage {
  type: 'model/inspect';
  id: number;
  modelFile: string;
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
  | ModelExportMessage | ModelInspectMessage | PingMessage | BlockMessage;

/** One epoch of a run, as charts and summaries need it. */
export interface EpochPoint {
  epoch: number;
  trainLoss: number;
  valLoss: number | null;
  valAccuracy: number | null;
  /** Mean global gradient norm before clipping. */
  gradNorm: number;
  rhoWh: number;
  normWh: number;
  aliveShare: number;
  /** Mean ‖∂L/∂h_t‖ over the epoch's batches, t = 1 … T. */
  stepGradNorm: number[];
}

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

/** The summary of a training run (JSON-serialisable; returned by the train commands). */
export interface RunSummary {
  csvFile: string;
  experimentFile: string | null;
  task: string;
  roles: ColumnRoles;
  cell: CellKind;
  config: ModelConfig;
  parameters: number;
  status: TrainStatus;
  /** True when the run was stopped by the user; the model holds the partial result. */
  cancelled: boolean;
  epochs: number;
  epochsPlanned: number;
  bestEpoch: number;
  trainLoss: number;
  valLoss: number;
  baselineLoss: number;
  baseline: string;
  accuracy: number | null;
  baselineAccuracy: number | null;
  history: EpochPoint[];
  samples: { train: number; validation: number };
  notes: string[];
  divergence: string | null;
  modelFile: string | null;
  seconds: number;
}

/** Worker → host: a training run ended (completed, early-stopped, cancelled or diverged). */
export interface TrainResultMessage {
  type: 'train/result';
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
}

/** Worker → host: the bound report. */
export interface VerifyResultMessage {
  type: 'verify/result';
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
}

/** The comparison (JSON-serialisable; returned by the compare command). */
export interface CompareSummary {
  csvFile: string;
  task: string;
  baseline: { kind: string; loss: number; accuracy: number | null };
  cells: CompareRow[];
  best: CellKind | null;
  cancelled: boolean;
}

/** Worker → host: the comparison. */
export interface CompareResultMessage {
  type: 'compare/result';
  inReplyTo: number;
  summary: CompareSummary;
}

/** Worker → host: the gradient check's report. */
export interface GradcheckResultMessage {
  type: 'gradcheck/result';
  inReplyTo: number;
  report: GradCheckReport;
}

/** Worker → host: the experiment file was written. */
export interface ExperimentCreatedMessage {
  type: 'experiment/created';
  inReplyTo: number;
  experimentFile: string;
  experiment: Experiment;
  /** Why each column got its role. */
  reasons: Record<string, string>;
}

/** Worker → host: the export's files. */
export interface ModelExportedMessage {
  type: 'model/exported';
  inReplyTo: number;
  files: { model: string; stateDict: string; script: string };
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
  type: 'model/info';
  inReplyTo: number;
  info: ModelInfo;
}

/** Worker → host: reply to a ping. */
export interface PongMessage {
  type: 'worker/pong';
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
}

/** Everything the worker sends to the host. */
export type FromWorker =
  | ProgressMessage | TrainResultMessage | VerifyResultMessage | CompareResultMessage | GradcheckResultMessage
  | ExperimentCreatedMessage | ModelExportedMessage | ModelInfoMessage | PongMessage | ErrorMessage;

/** What the side view shows. */
export interface SidebarState {
  /** The experiment or CSV the commands act on, if any. */
  current: string | null;
  running: { title: string; message: string; fraction: number | null } | null;
  /** Training losses of the latest (or current) run, for the sparkline. */
  losses: number[];
  last: { title: string; lines: string[] } | null;
}

/** Host → webview: the state to show. */
export interface ShowStateMessage {
  type: 'state/show';
  state: SidebarState;
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
}

/** The panel's views. */
export type PanelTab = 'training' | 'graph' | 'gradients' | 'bound' | 'compare';

/** Host → panel: the whole state (on open, on restore, after each result). */
export interface PanelStateMessage {
  type: 'panel/state';
  state: PanelState;
}

/** Host → panel: one more epoch of the run in progress (throttled by the worker to one per epoch). */
export interface PanelEpochMessage {
  type: 'panel/epoch';
  epoch: EpochPoint;
}

/** Everything the host sends to a webview. */
export type ToWebview = ShowStateMessage | PanelStateMessage | PanelEpochMessage;

/** Webview → host: the webview has loaded and listens. */
export interface ReadyMessage {
  type: 'webview/ready';
}

/** Commands a webview may ask the host to run (checked against this list on arrival). */
export const WEBVIEW_COMMANDS = [
  'rnnPlayground.trainCurrentFile', 'rnnPlayground.stopTraining', 'rnnPlayground.verifyBound', 'rnnPlayground.compareCells',
  'rnnPlayground.newExperiment', 'rnnPlayground.gradientCheck', 'rnnPlayground.loadModel', 'rnnPlayground.exportModel',
] as const;

/** Webview → host: run one of the extension's commands. */
export interface RunCommandMessage {
  type: 'command/run';
  command: (typeof WEBVIEW_COMMANDS)[number];
}

/** Panel → host: the user switched tabs (kept for restore). */
export interface TabMessage {
  type: 'panel/tab';
  tab: PanelTab;
}

/** Everything a webview sends to the host (validated on arrival). */
export type FromWebview = ReadyMessage | RunCommandMessage | TabMessage;

const TABS: readonly PanelTab[] = ['training', 'graph', 'gradients', 'bound', 'compare'];

/** Checks a message that arrived from a webview; returns it typed, or null when it is not one we accept. */
export function parseFromWebview(raw: unknown): FromWebview | null {
  if (typeof raw !== 'object' || raw === null) return null;
  const m = raw as { type?: unknown; command?: unknown };
  if (m.type === 'webview/ready') return { type: 'webview/ready' };
  const tab = (raw as { tab?: unknown }).tab;
  if (m.type === 'panel/tab' && typeof tab === 'string' && (TABS as readonly string[]).includes(tab)) return { type: 'panel/tab', tab: tab as PanelTab };
  if (m.type === 'command/run' && typeof m.command === 'string' && (WEBVIEW_COMMANDS as readonly string[]).includes(m.command)) {
    return { type: 'command/run', command: m.command as RunCommandMessage['command'] };
  }
  return null;
}

/** Exhaustiveness guard for switches over the unions. */
export function assertNever(x: never): never {
  throw new Error(`unexpected message: ${JSON.stringify(x)}`);
}
