/**
 * The commands behind the palette, the menus and the side view. Each one does its job through the engine worker,
 * shows progress with Cancel, writes what it found to the output channel and a notification, and resolves with a
 * JSON-serialisable result (or `{ error, kind }`) so it can be driven with `executeCommand(id, uri?, options?)`.
 */
import * as vscode from 'vscode';
import * as path from 'node:path';
import { existsSync, readFileSync } from 'node:fs';
import type { CellKind, ModelConfig } from '../engine/index';
import { parseExperimentText, type ExperimentPatch } from '../data/experiment';
import { CATALOG_KINDS, type BoundSummary, type CompareSummary, type ExperimentChange, type ExperimentSource, type ModelInfo, type ProgressMessage, type RunSummary, type WorkerReply, type WorkerRequestBody, type WorkerRequestType } from '../shared/protocol';
import { EngineClient, EngineError } from './engineClient';
import { activeFile, kindOf, resolveFile, sibling } from './files';
import { boundLines, compareLines, compareSideLines, fmt, modelLines, runLines } from './format';
import { engineThreads, experimentDefaults, saveModels } from './settings';
import type { PlaygroundPanels } from './playgroundPanel';
import type { SidebarProvider } from './sidebarView';
import type { StatusBar } from './statusBar';

/** What a command resolves with when it could not do its job. */
export interface CommandFailure {
  error: string;
  kind: string;
  /** Missing-value policies that would let the run go on (offered as buttons). */
  fixes?: string[];
  /** The place in the user's file the error is about. */
  where?: { file: string; line: number; column: string | null };
}

/** The buttons of the one-click fixes for gaps, by missing-value policy. */
const FIX_BUTTONS: Record<string, string> = { ffill: 'Carry Forward', interpolate: 'Interpolate', drop: 'Drop Rows' };

type Options = Record<string, unknown>;

const CELLS = CATALOG_KINDS as CellKind[];

/** Options passed programmatically; the explorer passes an array of selected URIs as the second argument instead. */
function options(raw: unknown): Options {
  return typeof raw === 'object' && raw !== null && !Array.isArray(raw) && !(raw instanceof vscode.Uri) ? (raw as Options) : {};
}

/** The experiment overrides among a command's options (`data`, `model`, `training`). */
function patchOf(o: Options): ExperimentPatch | undefined {
  const patch: ExperimentPatch = {};
  for (const k of ['data', 'model', 'training'] as const) if (o[k] !== undefined) (patch as Options)[k] = o[k];
  return Object.keys(patch).length ? patch : undefined;
}

/** The commands, their shared state (running jobs, latest models) and their outputs. */
export class Commands {
  /** Stop functions of the running jobs. */
  private readonly running = new Set<() => void>();
  /** Files with a training run in progress. */
  private readonly training = new Set<string>();
  /** Latest model per experiment file or CSV (from training or loading), used by Verify. */
  private readonly models = new Map<string, string>();
  private lastModel: string | null = null;

  constructor(
    private readonly client: EngineClient,
    private readonly output: vscode.OutputChannel,
    private readonly status: StatusBar,
    private readonly sidebar: SidebarProvider,
    private readonly panels: PlaygroundPanels,
  ) {}

  /** The CSV or experiment the running command acts on (for the fixes its failure offers). */
  private currentFile: string | null = null;

  /**
   * A gap fix chosen in a failure's notification: writes `data.missing` into the experiment (created beside a CSV),
   * shows it in the playground's Data view and runs the command again on it.
   */
  private async applyFix(command: string, file: string, fix: string): Promise<void> {
    this.panels.show(file, 'data');
    await this.applyAndRun(command, file, [{ field: 'data.missing', value: fix }], `data.missing set to "${fix}"`);
  }

  /** The next step the latest run's verdict offers for `file` (the Training view's button): its settings, then training. */
  async nextStep(file: string): Promise<void> {
    const act = this.panels.latestRun(file)?.verdict?.action;
    if (!act) return;
    try {
      await this.applyAndRun('rnnPlayground.trainCurrentFile', file, act.changes as ExperimentChange[], act.label);
    } catch (e) {
      void vscode.window.showErrorMessage(e instanceof Error ? e.message : String(e));
    }
  }

  /**
   * A next step chosen in a notification: writes `changes` into the file's experiment (created beside a CSV), then runs
   * `command` again on it. Training commands run as "Train on Current File" on the experiment.
   */
  private async applyAndRun(command: string, file: string, changes: ExperimentChange[], what: string): Promise<void> {
    this.panels.show(file);
    const experiment = await this.panels.applyEdit(file, changes);
    this.output.appendLine(`${path.basename(experiment)}: ${what}`);
    if (/trainCsv|trainCurrentFile|verifyBound|compareCells|stepEpoch|continueTraining/.test(command)) {
      void vscode.commands.executeCommand(/trainCsv|stepEpoch|continueTraining/.test(command) ? 'rnnPlayground.trainCurrentFile' : command, vscode.Uri.file(experiment));
    }
  }

  /** Records the latest model of `files`; kept in the workspace state so it survives a window reload. */
  private rememberModel(modelFile: string, ...files: string[]): void {
    for (const f of files) this.models.set(f, modelFile);
    void this.memory?.update('rnnPlayground.models', Object.fromEntries(this.models));
  }

  private memory: vscode.Memento | null = null;

  /** Registers every command. */
  register(context: vscode.ExtensionContext): void {
    this.memory = context.workspaceState;
    const saved = context.workspaceState.get<Record<string, string>>('rnnPlayground.models') ?? {};
    for (const [f, m] of Object.entries(saved)) if (typeof m === 'string') this.models.set(f, m);
    const reg = (id: string, fn: (uri: unknown, opts: Options) => Promise<unknown>): void => {
      context.subscriptions.push(vscode.commands.registerCommand(id, (uri?: unknown, raw?: unknown) => this.guard(id, () => fn(uri, options(raw)))));
    };
    reg('rnnPlayground.openPlayground', (uri) => this.openPlayground(uri));
    reg('rnnPlayground.trainCsv', (uri, o) => this.train(uri, o));
    reg('rnnPlayground.trainCurrentFile', (uri, o) => this.train(uri, o));
    reg('rnnPlayground.stopTraining', async () => this.stop());
    reg('rnnPlayground.stepEpoch', (uri, o) => this.train(uri, o, 'step'));
    reg('rnnPlayground.continueTraining', (uri, o) => this.train(uri, o, 'continue'));
    reg('rnnPlayground.verifyBound', (uri, o) => this.verify(uri, o));
    reg('rnnPlayground.compareCells', (uri, o) => this.compare(uri, o));
    reg('rnnPlayground.gradientCheck', (uri, o) => this.gradientCheck(uri instanceof vscode.Uri ? o : options(uri)));
    reg('rnnPlayground.newExperiment', (uri, o) => this.newExperiment(uri, o));
    reg('rnnPlayground.exportModel', (uri, o) => this.exportModel(uri, o));
    reg('rnnPlayground.loadModel', (uri, o) => this.loadModel(uri, o));
    context.subscriptions.push(vscode.commands.registerCommand('rnnPlayground.showOutput', () => this.output.show(true)));
  }

  /** The latest trained or loaded model of an experiment or CSV (what Verify and the panel's views analyse). */
  modelFor(file: string): string | null {
    const m = this.models.get(file);
    return m && existsSync(m) ? m : null;
  }

  /** Number of jobs in flight. */
  get busy(): number {
    return this.running.size;
  }

  /** Runs a command; failures become a clear message (never a stack trace) and a `{ error, kind }` result. */
  private async guard(id: string, fn: () => Promise<unknown>): Promise<unknown> {
    this.currentFile = null;
    try {
      return await fn();
    } catch (e) {
      const err = e instanceof Error ? e : new Error(String(e));
      const kind = err instanceof EngineError ? err.kind : 'input';
      if (kind === 'cancelled') {
        this.output.appendLine(`${id}: ${err.message}`);
        return { error: err.message, kind } satisfies CommandFailure;
      }
      this.output.appendLine(`${id} failed: ${err.message}`);
      if (err instanceof EngineError && err.detail) this.output.appendLine(err.detail);
      const shown = kind === 'internal' ? `RNN Playground hit a bug: ${err.message} (details in the output channel)` : err.message;
      const file = this.currentFile;
      const fixes = err instanceof EngineError && file ? err.fixes ?? [] : [];
      const where = err instanceof EngineError ? err.where : undefined;
      const open = where ? `Open Line ${where.line}` : null;
      const buttons = [...fixes.map((f) => FIX_BUTTONS[f] ?? f), ...(open ? [open] : []), 'Show Output'];
      void vscode.window.showErrorMessage(shown, ...buttons).then(async (a) => {
        if (a === 'Show Output') this.output.show(true);
        else if (a && a === open && where) await revealLine(where.file, where.line);
        else if (a && file) {
          const fix = fixes.find((f) => (FIX_BUTTONS[f] ?? f) === a);
          if (fix) await this.applyFix(id, file, fix);
        }
      });
      return { error: err.message, kind, ...(fixes.length ? { fixes } : {}), ...(where ? { where } : {}) } satisfies CommandFailure;
    }
  }

  /** Runs an engine job under a cancellable progress notification, feeding the status bar and side view. */
  private job<K extends WorkerRequestType>(title: string, type: K, body: WorkerRequestBody<K>, onProgress?: (p: ProgressMessage) => void): Promise<WorkerReply<K>> {
    return Promise.resolve(vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title, cancellable: true }, async (progress, token) => {
      let done = 0;
      let stop: (() => void) | null = null;
      const stopper = (): void => stop?.();
      this.running.add(stopper);
      void vscode.commands.executeCommand('setContext', 'rnnPlayground.running', true);
      const sub = token.onCancellationRequested(stopper);
      this.sidebar.update({ running: { title, message: 'starting the engine', fraction: null } });
      try {
        return await this.client.request(type, body, {
          onCancelRequested: (cancel) => {
            stop = cancel;
          },
          onProgress: (p) => {
            const increment = p.fraction === null ? undefined : Math.max(0, p.fraction * 100 - done);
            if (increment !== undefined) done += increment;
            progress.report({ message: p.message, increment });
            this.sidebar.update({ running: { title, message: p.message, fraction: p.fraction } });
            onProgress?.(p);
          },
        });
      } finally {
        sub.dispose();
        this.running.delete(stopper);
        if (this.running.size === 0) void vscode.commands.executeCommand('setContext', 'rnnPlayground.running', false);
        this.sidebar.update({ running: null });
      }
    }));
  }

  private source(file: string, o: Options): ExperimentSource {
    return { file, defaults: experimentDefaults(), overrides: patchOf(o) };
  }

  /**
   * Train on This CSV / Train on Current File (a CSV or an experiment). With `step`, Step One Epoch: the latest run of
   * the file continues for one epoch from its saved weights (a first step starts a run of one epoch).
   */
  /**
   * Train on a file: a new run, one more epoch of the latest run ('step'), or the experiment's epochs more of it
   * ('continue'). A continued run equals one that was never stopped (the model file's checkpoint).
   */
  async train(uri: unknown, o: Options, mode: 'new' | 'step' | 'continue' = 'new'): Promise<RunSummary | CommandFailure | null> {
    const step = mode !== 'new';
    const file = await resolveFile(uri, ['csv', 'experiment'], mode === 'step' ? 'train one more epoch on' : mode === 'continue' ? 'continue training on' : 'train on');
    if (!file) return null;
    this.currentFile = file;
    // one run per file at a time (a double click on Step must not start two runs from the same epoch)
    if (this.training.has(file)) {
      void vscode.window.showInformationMessage(`Training is already running on ${path.basename(file)}; wait for it or stop it first.`);
      return { error: `training is already running on ${file}`, kind: 'busy' };
    }
    // the engine reads the experiment as saved: save what the editor holds first
    const openDoc = vscode.workspace.textDocuments.find((d) => d.uri.scheme === 'file' && d.uri.fsPath === file);
    if (openDoc?.isDirty) await openDoc.save();
    const save = o.save === undefined ? saveModels() : o.save === true;
    const name = path.basename(file);
    const previous = step ? this.panels.latestRun(file) : null;
    const resume = step && previous?.modelFile && previous.modelFile === this.models.get(file) ? previous.modelFile : null;
    const earlier = resume && previous ? previous.history : [];
    const losses: number[] = earlier.map((e) => e.trainLoss);
    this.sidebar.update({ current: file, losses: [...losses] });
    this.output.appendLine(`\n▶ ${mode === 'step' ? 'One more epoch' : resume ? 'Continuing training' : 'Training'} on ${file}`);
    this.panels.runStarted(file, earlier);
    this.training.add(file);
    const source = this.source(file, o);
    if (mode === 'step') source.overrides = { ...source.overrides, training: { ...source.overrides?.training, epochs: 1 } };
    let reply: WorkerReply<'train/start'>;
    try {
      reply = await this.job(`RNN Playground: ${mode === 'step' ? 'one more epoch' : resume ? 'continuing training' : 'training'} on ${name}`, 'train/start', {
        source, saveTo: save ? sibling(file, '.model.json') : null, resume, threads: engineThreads(),
      }, (p) => this.trainProgress(file, p, losses));
    } catch (e) {
      this.panels.runEnded(file, null);
      throw e;
    } finally {
      this.training.delete(file);
    }
    let s = reply.summary;
    if (s.continuedFrom && previous) s = { ...s, history: [...previous.history, ...s.history], epochsPlanned: s.epochs, seconds: previous.seconds + s.seconds };
    if (s.modelFile) {
      this.rememberModel(s.modelFile, file, s.csvFile);
      this.lastModel = s.modelFile;
    }
    this.panels.runEnded(file, s);
    const lines = runLines(s);
    for (const l of lines) this.output.appendLine(`  ${l}`);
    this.status.result(s);
    const tone = !s.verdict ? undefined : s.verdict.verdict === 'better' ? 'good' : s.verdict.verdict === 'diverged' ? 'error' : 'warning';
    this.sidebar.update({ last: { title: `Trained ${s.cell === 'custom' ? 'custom cell' : s.cell} on ${path.basename(s.csvFile)}`, lines, tone } });
    // informational only when the model beat its baseline by a clear margin; otherwise a warning with the reason and a next step
    const v = s.verdict;
    const good = v?.verdict === 'better';
    const message = v
      ? `On ${path.basename(s.csvFile)}, ${v.headline.replace(/^(The|Your) /, (_, w: string) => `${w.toLowerCase()} `)}.${v.reason ? ` Why: ${v.reason}.` : ''}${v.hint ? ` Next: ${v.hint}.` : ''}`
      : `${s.cell.toUpperCase()} trained on ${path.basename(s.csvFile)}: validation loss ${fmt(s.valLoss)} vs ${fmt(s.baselineLoss)} for ${s.baseline}.`;
    const act = v?.action ?? null;
    const actions = [...(act && !s.cancelled ? [act.label] : []), ...(s.modelFile && good ? ['Verify Bound'] : []), 'Show Output'];
    const show = good ? vscode.window.showInformationMessage : v?.verdict === 'diverged' ? vscode.window.showErrorMessage : vscode.window.showWarningMessage;
    if (!step || v?.verdict === 'diverged') void show(message, ...actions).then(async (a) => {
      if (a === 'Show Output') this.output.show(true);
      if (a === 'Verify Bound') void vscode.commands.executeCommand('rnnPlayground.verifyBound', vscode.Uri.file(file));
      if (a && act && a === act.label) await this.applyAndRun('rnnPlayground.trainCurrentFile', file, act.changes as ExperimentChange[], act.label);
    });
    return s;
  }

  /** Feeds a training run's progress to the side view, the panel, the output channel and the status bar. */
  private trainProgress(file: string, p: ProgressMessage, losses: number[]): void {
    if (p.epoch) {
      losses.push(p.epoch.trainLoss);
      this.sidebar.update({ losses: [...losses] });
      this.panels.epoch(file, p.epoch);
      this.output.appendLine(`  ${p.message}`);
    }
    if (p.phase === 'training') this.status.training(p.epoch?.epoch ?? null, p.message, p.loss ?? null);
  }

  /** Stop Training: stops every running job; each keeps its partial result. */
  stop(): { stopped: number } {
    const n = this.running.size;
    for (const stop of this.running) stop();
    if (n === 0) void vscode.window.showInformationMessage('No training is running.');
    return { stopped: n };
  }

  /** Verify Vanishing-Gradient Bound on Current File (a CSV, an experiment or a model). */
  async verify(uri: unknown, o: Options): Promise<BoundSummary | CommandFailure | null> {
    let file = await resolveFile(uri, ['csv', 'experiment', 'model'], 'verify the bound on');
    if (!file) return null;
    this.currentFile = kindOf(file) === 'model' ? null : file;
    let modelFile: string | null = typeof o.model === 'string' ? o.model : null;
    if (kindOf(file) === 'model') {
      const info = await this.inspect(file);
      if (!info.data) throw new Error(`${path.basename(file)} does not say which CSV it was trained on; open the CSV and run Verify with it.`);
      modelFile = file;
      file = info.data.file;
    } else if (o.model === undefined) {
      modelFile = this.modelFor(file);
    }
    const sequence = typeof o.sequence === 'number' ? o.sequence : 1;
    const reply = await this.job(`RNN Playground: verifying the bound on ${path.basename(file)}`, 'verify/run', {
      source: this.source(file, o), modelFile, sequence,
    });
    const r = reply.report;
    this.panels.show(file, 'bound');
    this.panels.bound(file, r);
    this.output.appendLine(`\n▶ Vanishing-gradient bound on ${file}`);
    const lines = boundLines(r);
    for (const l of lines) this.output.appendLine(`  ${l}`);
    this.sidebar.update({ last: { title: `Bound on ${path.basename(file)}`, lines } });
    const show = r.holds === false ? vscode.window.showWarningMessage : vscode.window.showInformationMessage;
    void show(`Bound (${r.model}, ${r.sequence.steps} steps): ${r.verdict}. Effective memory ${r.effectiveMemory} steps.`, 'Show Output').then((a) => a && this.output.show(true));
    return r;
  }

  /** Compare Cells on Current File: same data, seed and budget for every cell. */
  async compare(uri: unknown, o: Options): Promise<CompareSummary | CommandFailure | null> {
    const file = await resolveFile(uri, ['csv', 'experiment'], 'compare cells on');
    if (!file) return null;
    this.currentFile = file;
    // every built-in cell, and the experiment's own custom cell when it has one
    const equations = customEquationsOf(file);
    const cells = Array.isArray(o.cells) ? (o.cells as unknown[]) : [...CELLS, ...(equations ? ['custom' as const] : [])];
    for (const c of cells) {
      if (c === 'custom' && equations) continue;
      if (!CELLS.includes(c as CellKind)) throw new Error(`options.cells: unknown cell ${JSON.stringify(c)} (${CELLS.join(', ')}${equations ? ', custom' : ''})`);
    }
    const reply = await this.job(`RNN Playground: comparing ${cells.length} cells on ${path.basename(file)}`, 'compare/run', {
      source: this.source(file, o), cells: cells as CellKind[], threads: engineThreads(),
    }, (p) => p.phase === 'training' && this.status.training(p.epoch?.epoch ?? null, p.message, p.loss ?? null));
    const s = reply.summary;
    this.status.compared(s);
    this.panels.show(file, 'compare');
    this.panels.compare(file, s);
    this.output.appendLine(`\n▶ Cells compared on ${file}`);
    const lines = compareLines(s);
    for (const l of lines) this.output.appendLine(`  ${l}`);
    this.sidebar.update({ last: { title: `Cells on ${path.basename(file)}`, lines: compareSideLines(s), tone: s.anyBetter ? 'good' : 'warning' } });
    const best = s.cells.find((r) => r.cell === s.best);
    const message = !best ? 'No cell finished.'
      : s.anyBetter
        ? `${best.verdict?.headline ?? `Best: ${s.best}`} — best of ${s.cells.length} cells on ${path.basename(file)}${s.cancelled ? ' (stopped early)' : ''}.`
        : `No cell beats the baseline (${s.baseline.kind.replace(/ \(loss:.*\)$/, '')}) on ${path.basename(file)}; the lowest validation loss is ${s.best}'s, ${fmt(best.valLoss)} vs ${fmt(s.baseline.loss)}.${best.verdict?.reason ? ` Why: ${best.verdict.reason}.` : ''}`;
    void (s.anyBetter ? vscode.window.showInformationMessage : vscode.window.showWarningMessage)(message, 'Show Output').then((a) => a && this.output.show(true));
    return s;
  }

  /** Run Gradient Check: finite differences against backpropagation on a seeded random model. */
  async gradientCheck(o: Options): Promise<{ maxRelErr: number; checked: number; passed: boolean; cell: string } | CommandFailure> {
    // a custom cell: the equations given, else those of the current experiment
    const current = this.currentFile ?? activeFile()?.fsPath ?? null;
    const equations = Array.isArray(o.equations) && o.equations.every((e) => typeof e === 'string') ? o.equations as string[]
      : (o.cell === 'custom' || o.cell === undefined) && current ? customEquationsOf(current) : null;
    const cell = (o.cell === 'custom' || (o.cell === undefined && equations) ? 'custom' : CELLS.includes(o.cell as CellKind) ? o.cell : 'lstm') as CellKind;
    if (cell === 'custom' && !equations) throw new Error('a custom cell needs its equations: open an experiment whose model is "custom", or pass options.equations');
    const hiddenSize = typeof o.hiddenSize === 'number' ? o.hiddenSize : 8;
    const config: ModelConfig = {
      cell, activation: 'tanh', coupled: false, inputSize: 3, hiddenSize, layers: 1, residual: false, readout: 'last', loss: 'mse', outputSize: 1,
      ...(cell === 'custom' && equations ? { equations } : {}),
    };
    const reply = await this.job('RNN Playground: gradient check', 'gradcheck/run', {
      config, steps: 6, batch: 3, seed: typeof o.seed === 'number' ? o.seed : 0,
    });
    const { maxRelErr, checked } = reply.report;
    const passed = maxRelErr < 1e-5;
    this.output.appendLine(`Gradient check (${cell}, hidden ${hiddenSize}): max relative error ${maxRelErr.toExponential(2)} over ${checked} entries — ${passed ? 'passed' : 'FAILED'}`);
    void (passed ? vscode.window.showInformationMessage : vscode.window.showWarningMessage)(
      `Gradient check ${passed ? 'passed' : 'FAILED'}: max relative error ${maxRelErr.toExponential(2)} over ${checked} entries.`,
    );
    return { maxRelErr, checked, passed, cell };
  }

  /** New Experiment: writes `<csv>.rnn.json` (or a free name) with the suggested roles and the default settings. */
  async newExperiment(uri: unknown, o: Options): Promise<{ experimentFile: string; reasons: Record<string, string> } | CommandFailure | null> {
    const csv = await resolveFile(uri, ['csv'], 'create an experiment for');
    if (!csv) return null;
    let target = sibling(csv, '.rnn.json');
    for (let k = 2; await exists(target); k++) target = sibling(csv, `-${k}.rnn.json`);
    const reply = await this.job(`RNN Playground: new experiment for ${path.basename(csv)}`, 'experiment/create', {
      csvFile: csv, experimentFile: target, defaults: experimentDefaults(),
    });
    this.output.appendLine(`\n▶ New experiment ${target}`);
    for (const [col, why] of Object.entries(reply.reasons)) this.output.appendLine(`  ${col}: ${why}`);
    this.sidebar.update({ current: target });
    if (o.open !== false) await vscode.window.showTextDocument(vscode.Uri.file(target), { preview: false });
    void vscode.window.showInformationMessage(`Created ${path.basename(target)} with the suggested column roles. Edit it, then run "Train on Current File".`);
    return { experimentFile: target, reasons: reply.reasons };
  }

  /**
   * Export Model: the JSON model, a PyTorch state_dict JSON and a PyTorch script, in a folder beside the model; or,
   * chosen in a quick pick (option `training`), the run's training as a PyTorch project with them.
   */
  async exportModel(uri: unknown, o: Options): Promise<{ files: { model: string; stateDict: string; script: string }; training?: WorkerReply<'model/export'>['training'] } | CommandFailure | null> {
    const modelFile = uri instanceof vscode.Uri || typeof uri === 'string' ? await resolveFile(uri, ['model'], 'export')
      : this.lastModel && !isModelEditor() ? this.lastModel : await resolveFile(undefined, ['model'], 'export');
    if (!modelFile) return null;
    let training = o.training === true;
    if (o.training === undefined) {
      const picked = await vscode.window.showQuickPick([
        { label: 'The model', description: 'model.py, state_dict.json, model.json', training: false },
        { label: 'The model and its training', description: 'a PyTorch project: data.py, train.py (--check, --world-size N)', training: true },
      ], { title: `Export ${path.basename(modelFile)} to PyTorch`, placeHolder: 'What to export' });
      if (!picked) return null;
      training = picked.training;
    }
    const folder = typeof o.folder === 'string' ? o.folder : sibling(modelFile, '-pytorch');
    let overwrite = o.overwrite === true;
    let reply: WorkerReply<'model/export'>;
    try {
      reply = await this.client.request('model/export', { modelFile, folder, overwrite, training });
    } catch (e) {
      if (!(e instanceof EngineError && e.kind === 'exists') || o.overwrite !== undefined) throw e;
      const answer = await vscode.window.showWarningMessage(`${e.message}. Replace the exported files?`, { modal: true }, 'Replace');
      if (answer !== 'Replace') return null;
      overwrite = true;
      reply = await this.client.request('model/export', { modelFile, folder, overwrite, training });
    }
    const t = reply.training;
    this.output.appendLine(`\n▶ Exported ${modelFile}${t ? ` and its training (${t.epochs} epochs, ${t.samples.train} training and ${t.samples.validation} validation samples)` : ''}`);
    for (const f of [...Object.values(reply.files), ...(t ? [t.initial, t.plan, t.data, t.train, t.readme] : [])]) this.output.appendLine(`  ${f}`);
    this.output.appendLine(`  Run: python3 ${reply.files.script} --input x.json   (x.json: {"x": [[[...], ...], ...]} of scaled inputs)`);
    if (t) this.output.appendLine(`  Train: python3 ${t.train} --check   (replays the run in PyTorch; --world-size N for DistributedDataParallel)`);
    const open = t ? t.readme : reply.files.script;
    void vscode.window.showInformationMessage(t
      ? `Exported to ${vscode.workspace.asRelativePath(folder)}: the model and its training as a PyTorch project (train.py --check replays the run).`
      : `Exported to ${vscode.workspace.asRelativePath(folder)}: model.json, state_dict.json and model.py for PyTorch.`, t ? 'Open README' : 'Open Script').then((a) => {
      if (a) void vscode.window.showTextDocument(vscode.Uri.file(open));
    });
    return { files: reply.files, ...(t ? { training: t } : {}) };
  }

  /** Load Model: reads a model file, describes it, and makes it the model Verify analyses for its data. */
  async loadModel(uri: unknown, _o: Options): Promise<ModelInfo | CommandFailure | null> {
    let file: string | null;
    if (uri instanceof vscode.Uri || typeof uri === 'string') file = await resolveFile(uri, ['model'], 'load');
    else {
      const picked = await vscode.window.showOpenDialog({ canSelectMany: false, filters: { 'RNN Playground model': ['json'] }, openLabel: 'Load Model' });
      file = picked?.[0]?.fsPath ?? null;
    }
    if (!file) return null;
    const info = await this.inspect(file);
    this.lastModel = file;
    if (info.data) this.rememberModel(file, info.data.file);
    const lines = modelLines(info);
    this.output.appendLine(`\n▶ Loaded ${file}`);
    for (const l of lines) this.output.appendLine(`  ${l}`);
    this.sidebar.update({ last: { title: `Model ${path.basename(file)}`, lines } });
    void vscode.window.showInformationMessage(`Loaded ${info.config.cell} model (${info.config.hiddenSize} hidden, ${info.parameters.toLocaleString('en')} parameters)${info.data ? ` trained on ${path.basename(info.data.file)}; Verify will analyse it` : ''}.`);
    return info;
  }

  private async inspect(file: string): Promise<ModelInfo> {
    return (await this.client.request('model/inspect', { modelFile: file })).info;
  }

  /** Open Playground: reveals the side view and opens the panel of the given or current CSV or experiment. */
  async openPlayground(uri: unknown): Promise<{ shown: string; panel: string | null }> {
    const active = activeFile();
    // a view that was hidden is created anew: let it load before a panel is created (see SidebarProvider)
    const wasVisible = this.sidebar.visible;
    const ready = this.sidebar.whenReady(3000);
    await vscode.commands.executeCommand('rnnPlayground.sidebar.focus');
    if (!wasVisible) await ready;
    const file = uri instanceof vscode.Uri ? uri.fsPath
      : active && (kindOf(active.fsPath) === 'csv' || kindOf(active.fsPath) === 'experiment') ? active.fsPath
        : this.sidebar.current.current;
    if (!file || (kindOf(file) !== 'csv' && kindOf(file) !== 'experiment')) return { shown: 'rnnPlayground.sidebar', panel: null };
    this.panels.show(file);
    return { shown: 'rnnPlayground.sidebar', panel: file };
  }
}

/** Opens a file at a line (1-based), the line selected. */
async function revealLine(file: string, line: number): Promise<void> {
  const editor = await vscode.window.showTextDocument(vscode.Uri.file(file), { preview: true });
  const at = Math.max(0, Math.min(line - 1, editor.document.lineCount - 1));
  editor.selection = new vscode.Selection(at, 0, at, editor.document.lineAt(at).text.length);
  editor.revealRange(new vscode.Range(at, 0, at, 0), vscode.TextEditorRevealType.InCenter);
}

function isModelEditor(): boolean {
  const doc = vscode.window.activeTextEditor?.document;
  return !!doc && kindOf(doc.uri.fsPath) === 'model';
}

async function exists(file: string): Promise<boolean> {
  try {
    await vscode.workspace.fs.stat(vscode.Uri.file(file));
    return true;
  } catch {
    return false;
  }
}

/** The equations of an experiment file whose model is a custom cell, else null (a CSV, another cell, a file that does not read). */
function customEquationsOf(file: string): string[] | null {
  if (kindOf(file) !== 'experiment') return null;
  try {
    const { model } = parseExperimentText(readFileSync(file, 'utf8'), path.basename(file), experimentDefaults());
    return model.cell === 'custom' ? model.equations ?? null : null;
  } catch {
    return null;
  }
}
