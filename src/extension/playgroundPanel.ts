/**
 * Playground panels: one webview panel per experiment or CSV with the data, model, training, graph, gradient, bound,
 * prediction and comparison views. Panels survive tab switches (retainContextWhenHidden is not needed: the webview
 * keeps its state with setState and the host re-sends it) and window reloads (a WebviewPanelSerializer revives them
 * from the saved state). The Model and Data views edit the experiment file through the editor (undoable, saved), and
 * edits made in the file show up in the panel as you type.
 */
import { webviewShell } from './webviewShell';
import * as vscode from 'vscode';
import * as path from 'node:path';
import { ExperimentError, parseExperiment, parseExperimentText, type Experiment, type ExperimentPatch } from '../data/experiment';
import { editExperimentText, roleChanges, statedRoles, withRole } from './experimentEdit';
import {
  assertNever, parseFromWebview, type BoundSummary, type FromWebview, type CompareSummary, type EpochPoint, type ExperimentChange, type PanelExperiment, type PanelState,
  type RunSummary, type ToWebview,
} from '../shared/protocol';
import type { EngineClient } from './engineClient';
import { kindOf, sibling } from './files';

/** What the panels need from the rest of the extension. */
export interface PanelServices {
  /** Model and training defaults from the settings. */
  defaults(): ExperimentPatch;
  /** The engine, for the Data view's preview and rows and for inspecting a sequence. */
  engine: EngineClient;
  /** The latest trained or loaded model of an experiment or CSV. */
  modelFor(file: string): string | null;
  log(line: string): void;
  /** A panel came to the front (the side view follows it). */
  onActive(file: string): void;
  /** The latest run's verdict offers a next step: write its settings and train again. */
  nextStep(file: string): Promise<void>;
}

/** Tabs that show the selected sequence run through the model. */
const SEQUENCE_TABS = new Set<PanelState['tab']>(['data', 'gradients', 'predictions']);

const messageOf = (e: unknown): string => (e instanceof Error ? e.message : String(e));

const emptyState = (file: string): PanelState => ({
  file, run: null, live: [], running: false, bound: null, compare: null, tab: 'training', experiment: null, editError: null,
  preview: null, previewError: null, sequence: 1, inspection: null, inspectError: null,
});

/** The CSV an experiment reads, as an absolute path. */
function csvOf(dataFile: string, experimentFile: string | null): string {
  return path.isAbsolute(dataFile) || !experimentFile ? path.resolve(dataFile) : path.resolve(path.dirname(experimentFile), dataFile);
}

/**
 * The settings a panel shows for `file`: an experiment file's text parsed with the settings' defaults, or the defaults
 * for a CSV. A file that does not parse keeps the last good settings and says why.
 */
export function panelExperiment(file: string, text: string | null, defaults: ExperimentPatch, previous: PanelExperiment | null | undefined): PanelExperiment | { problem: string; experiment?: undefined } {
  if (kindOf(file) !== 'experiment') {
    const experiment = parseExperiment({ data: { file } }, 'settings', defaults);
    return { file: null, csvFile: path.resolve(file), experiment, problem: null };
  }
  try {
    if (text === null) throw new ExperimentError(`${path.basename(file)}: cannot read the file`);
    const experiment = parseExperimentText(text, path.basename(file), defaults);
    return { file, csvFile: csvOf(experiment.data.file, file), experiment, problem: null };
  } catch (e) {
    const problem = e instanceof Error ? e.message : String(e);
    return previous ? { ...previous, problem } : { problem };
  }
}

/** One panel. */
class Panel {
  readonly disposables: vscode.Disposable[] = [];

  constructor(readonly webview: vscode.WebviewPanel, public state: PanelState, extensionUri: vscode.Uri, private readonly onClose: () => void,
    private readonly onMessage: (panel: Panel, msg: FromWebview) => void) {
    webview.title = `RNN Playground: ${path.basename(state.file)}`;
    webview.iconPath = vscode.Uri.joinPath(extensionUri, 'media', 'icon.svg');
    const w = webview.webview;
    w.html = webviewShell(w, { extensionUri, mainId: 'panel', styles: ['dist/katex/katex.min.css', 'media/panel.css'], script: 'panel.js' });
    this.disposables.push(
      w.onDidReceiveMessage((raw) => {
        const msg = parseFromWebview(raw);
        if (!msg) return;
        if (msg.type === 'webview/ready') this.post({ type: 'panel/state', state: this.state, selectTab: true });
        else if (msg.type === 'command/run') void vscode.commands.executeCommand(msg.command, vscode.Uri.file(this.state.file));
        else this.onMessage(this, msg);
      }),
      webview.onDidDispose(() => this.dispose()),
    );
  }

  disposed = false;

  post(msg: ToWebview): void {
    if (!this.disposed) void this.webview.webview.postMessage(msg);
  }

  /** Merges a change and sends the state; the panel switches tab only when the change names one. */
  update(change: Partial<PanelState>): void {
    this.state = { ...this.state, ...change };
    this.post({ type: 'panel/state', state: this.state, selectTab: change.tab !== undefined });
  }

  dispose(): void {
    this.disposed = true;
    this.onClose();
    for (const d of this.disposables.splice(0)) d.dispose();
  }
}

/** Creates, finds, revives and feeds the panels. */
export class PlaygroundPanels implements vscode.WebviewPanelSerializer<PanelState> {
  static readonly viewType = 'rnnPlayground.panel';
  private readonly panels = new Map<string, Panel>();
  /** The latest results per file, so a panel opened later shows them. */
  private readonly latest = new Map<string, Pick<PanelState, 'run' | 'bound' | 'compare'>>();

  private readonly refreshTimers = new Map<string, ReturnType<typeof setTimeout>>();

  constructor(private readonly extensionUri: vscode.Uri, private readonly services: PanelServices) {}

  /** Registers the serializer so panels come back after a window reload, and follows edits of experiment files. */
  register(context: vscode.ExtensionContext): void {
    const watcher = vscode.workspace.createFileSystemWatcher('**/*.rnn.json');
    const refresh = (uri: vscode.Uri): void => this.scheduleRefresh(uri.fsPath);
    context.subscriptions.push(
      vscode.window.registerWebviewPanelSerializer(PlaygroundPanels.viewType, this), { dispose: () => this.disposeAll() },
      vscode.workspace.onDidChangeTextDocument((e) => { if (e.contentChanges.length) refresh(e.document.uri); }),
      vscode.workspace.onDidCloseTextDocument((d) => refresh(d.uri)),
      watcher, watcher.onDidChange(refresh), watcher.onDidCreate(refresh), watcher.onDidDelete(refresh),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration('rnnPlayground.defaults')) for (const f of this.panels.keys()) this.scheduleRefresh(f);
      }),
    );
  }

  /** Re-reads the experiment of `file`'s panel soon (typing in the editor sends a burst of changes). */
  private scheduleRefresh(file: string): void {
    if (!this.panels.has(file)) return;
    clearTimeout(this.refreshTimers.get(file));
    this.refreshTimers.set(file, setTimeout(() => {
      this.refreshTimers.delete(file);
      void this.refreshExperiment(file);
    }, 150));
  }

  /** The text of an experiment file: the open editor's (possibly unsaved) text, else the file on disk. */
  private async experimentText(file: string): Promise<string | null> {
    const open = vscode.workspace.textDocuments.find((d) => d.uri.scheme === 'file' && d.uri.fsPath === file);
    return open ? open.getText() : this.diskText(file);
  }

  /** The file as saved (what the engine reads), or null. */
  private async diskText(file: string): Promise<string | null> {
    try {
      return new TextDecoder().decode(await vscode.workspace.fs.readFile(vscode.Uri.file(file)));
    } catch {
      return null;
    }
  }

  /** What each panel's preview and inspection were read from: the saved experiment text and the settings' defaults. */
  private readonly sources = new Map<string, string>();

  /**
   * Reads the experiment of `file` and sends it to its panel: the editor's text for the Model view (it follows typing),
   * the saved text for the Data view's preview and the inspection (the engine reads the file as saved).
   */
  async refreshExperiment(file: string): Promise<void> {
    const p = this.panels.get(file);
    if (!p) return;
    const isExperiment = kindOf(file) === 'experiment';
    const read = panelExperiment(file, isExperiment ? await this.experimentText(file) : null, this.services.defaults(), p.state.experiment);
    if (p.disposed) return;
    if (read.experiment === undefined) {
      if (p.state.experiment !== null || p.state.editError !== read.problem) p.update({ experiment: null, editError: read.problem });
    } else if (JSON.stringify(read) !== JSON.stringify(p.state.experiment)) {
      // the editor's change event follows a panel edit: post only what is new, so the view does not redraw for nothing
      p.update({ experiment: read });
    }
    const source = JSON.stringify([isExperiment ? await this.diskText(file) : file, this.services.defaults()]);
    if (p.disposed) return;
    if (source !== this.sources.get(file) || (!p.state.preview && !p.state.previewError && !this.previewing.has(file))) {
      this.sources.set(file, source);
      this.inspected.delete(file);
      if (p.state.inspection) p.update({ inspection: null });
      void this.loadPreview(p);
    }
  }

  /** What the last inspection of each file was made from (sequence, model, experiment), to skip needless repeats. */
  private readonly inspected = new Map<string, string>();
  /** Files whose preview is being read, and whether another read was asked for meanwhile. */
  private readonly previewing = new Map<string, boolean>();

  /** Reads the Data view's preview of a panel's experiment (one read at a time per file; the latest wins). */
  private async loadPreview(p: Panel): Promise<void> {
    const file = p.state.file;
    if (this.previewing.has(file)) {
      this.previewing.set(file, true);
      return;
    }
    this.previewing.set(file, false);
    try {
      const reply = await this.services.engine.request('data/preview', { source: { file, defaults: this.services.defaults() } });
      p.update({ preview: reply.preview, previewError: null });
    } catch (e) {
      p.update({ preview: null, previewError: messageOf(e) });
    } finally {
      const again = this.previewing.get(file);
      this.previewing.delete(file);
      // the panel may have been closed and opened again meanwhile: the open one gets the read
      const current = this.panels.get(file);
      if (current && (again || current !== p)) void this.loadPreview(current);
      else if (current) void this.ensureInspection(current);
    }
  }

  /** Runs the selected sequence through the latest model when a view that shows it is open and it is out of date. */
  private async ensureInspection(p: Panel): Promise<void> {
    const s = p.state;
    if (!SEQUENCE_TABS.has(s.tab) || s.running || p.disposed) return;
    const file = s.file;
    if (!s.preview?.sequences) {
      // no sequences with these roles (or no preview yet): say why rather than show another dataset's numbers
      const why = s.preview ? s.preview.problem ?? 'these roles give no sequences' : s.previewError ?? null;
      if (s.preview || why) {
        this.inspected.delete(file);
        if (s.inspection || s.inspectError !== why) p.update({ inspection: null, inspectError: why });
      }
      return;
    }
    const modelFile = this.services.modelFor(file);
    const sequence = s.sequence ?? 1;
    // the run's epochs too: Step One Epoch updates the same model file
    const key = JSON.stringify([sequence, modelFile, this.sources.get(file) ?? null, s.run?.modelFile ?? null, s.run?.epochs ?? 0]);
    if (this.inspected.get(file) === key) return;
    this.inspected.set(file, key);
    // never show the last sequence or model's numbers as if they were this one's
    if (s.inspection) p.update({ inspection: null, inspectError: null });
    try {
      const reply = await this.services.engine.request('sequence/inspect', { source: { file, defaults: this.services.defaults() }, modelFile, sequence });
      if (this.inspected.get(file) === key && !p.disposed) p.update({ inspection: reply.inspection, inspectError: null });
    } catch (e) {
      if (this.inspected.get(file) === key && !p.disposed) p.update({ inspectError: messageOf(e) });
    }
  }

  /** Messages from a panel besides `ready` and commands. */
  private onPanelMessage(p: Panel, msg: FromWebview): void {
    switch (msg.type) {
      case 'panel/tab':
        p.state = { ...p.state, tab: msg.tab };
        void this.ensureInspection(p);
        return;
      case 'experiment/edit':
        void this.queueEdit(p, () => msg.changes);
        return;
      case 'experiment/role':
        // computed when the edit applies, from the file as it is then (an earlier edit may still be on its way)
        void this.queueEdit(p, (exp) => roleChanges(withRole(statedRoles(exp?.data ?? {}, p.state.preview?.roles ?? { features: [], targets: [], sequenceId: null, label: null, time: null }), msg.column, msg.role)));
        return;
      case 'run/nextStep':
        void this.services.nextStep(p.state.file);
        return;
      case 'panel/sequence':
        p.update({ sequence: msg.sequence, inspectError: null });
        void this.ensureInspection(p);
        return;
      case 'panel/fetchRows': {
        const csvFile = p.state.preview?.csvFile;
        if (!csvFile) return;
        this.services.engine.request('data/rows', { csvFile, start: msg.start, count: msg.count }).then(
          (r) => p.post({ type: 'panel/fetchRows/result', inReplyTo: msg.id, start: r.start, rows: r.rows }), // post() skips a closed panel
          (e) => this.services.log(`reading rows ${msg.start}–${msg.start + msg.count} of ${csvFile}: ${messageOf(e)}`),
        );
        return;
      }
      case 'webview/ready':
      case 'command/run':
        return; // answered by the panel itself before it hands messages on
      default:
        assertNever(msg);
    }
  }

  /**
   * Applies changes to the experiment of `file`'s panel as if they came from its Model or Data view (a CSV's panel
   * moves to the experiment created for it). Resolves with the experiment file written.
   */
  async applyEdit(file: string, changes: ExperimentChange[]): Promise<string> {
    const p = this.panels.get(file);
    if (!p) throw new Error(`no panel is open for ${file}`);
    await this.queueEdit(p, () => changes);
    if (p.state.editError && kindOf(p.state.file) !== 'experiment') throw new Error(p.state.editError);
    return p.state.file;
  }

  /** Edits run one after another: each reads the document as the previous one left it. */
  private editQueue: Promise<void> = Promise.resolve();

  private queueEdit(panel: Panel, changes: (current: Experiment | null) => ExperimentChange[]): Promise<void> {
    this.editQueue = this.editQueue.then(() => this.edit(panel, changes));
    return this.editQueue;
  }

  /**
   * Applies the panel's changes to the experiment file through the editor (undoable), then saves it so the engine
   * reads it. When the editor holds unsaved changes of the user's, the edit joins them unsaved and the panel says so.
   */
  private async edit(panel: Panel, changesFor: (current: Experiment | null) => ExperimentChange[]): Promise<void> {
    let created: string | null = null;
    if (kindOf(panel.state.file) !== 'experiment') {
      // a CSV's settings are the defaults: the first change makes an experiment beside it to hold them
      try {
        created = await this.experimentForCsv(panel);
      } catch (e) {
        if (!panel.disposed) panel.update({ editError: `Could not create an experiment for ${path.basename(panel.state.file)}: ${messageOf(e)}` });
        return;
      }
    }
    const file = panel.state.file;
    try {
      const uri = vscode.Uri.file(file);
      const doc = await vscode.workspace.openTextDocument(uri);
      const text = doc.getText();
      let current: Experiment | null = null;
      try {
        current = JSON.parse(text) as Experiment;
      } catch {
        // editExperimentText reports the syntax error with its line
      }
      const { edits } = editExperimentText(text, changesFor(current), path.basename(file), this.services.defaults());
      let note: string | null = null;
      if (edits.length) {
        const wasDirty = doc.isDirty;
        const we = new vscode.WorkspaceEdit();
        for (const e of edits) we.replace(uri, new vscode.Range(doc.positionAt(e.offset), doc.positionAt(e.offset + e.length)), e.content);
        if (!(await vscode.workspace.applyEdit(we))) throw new Error(`VS Code refused the edit to ${path.basename(file)}`);
        if (!wasDirty) await doc.save();
        else note = `${path.basename(file)} has unsaved changes in the editor: the panel's edit was added to them. Save the file to train with it.`;
      }
      if (created) note = `${created}${note ? ` ${note}` : ''}`;
      if (!panel.disposed) panel.state = { ...panel.state, editError: note };
      await this.refreshExperiment(file);
      if (note && !panel.disposed) panel.update({ editError: note });
    } catch (e) {
      if (!panel.disposed) panel.update({ editError: e instanceof Error ? e.message : String(e) });
    }
  }

  /**
   * The experiment that takes a CSV panel's changes: `NAME.rnn.json` beside the CSV when it already reads this CSV,
   * else a new one (a free name) with the suggested roles. The panel moves to it. Returns what to tell the user.
   */
  private async experimentForCsv(panel: Panel): Promise<string> {
    const csv = panel.state.file;
    const existing = sibling(csv, '.rnn.json');
    const text = await this.diskText(existing);
    if (text !== null) {
      try {
        const exp = parseExperimentText(text, path.basename(existing), this.services.defaults());
        if (csvOf(exp.data.file, existing) === path.resolve(csv)) {
          this.moveTo(panel, existing);
          return `${path.basename(existing)} already holds the settings of ${path.basename(csv)}: the change was written there.`;
        }
      } catch {
        // not a usable experiment for this CSV: make another
      }
    }
    let target = existing;
    for (let k = 2; (await this.diskText(target)) !== null; k++) target = sibling(csv, `-${k}.rnn.json`);
    await this.services.engine.request('experiment/create', { csvFile: csv, experimentFile: target, defaults: this.services.defaults() });
    this.moveTo(panel, target);
    const message = `Created ${path.basename(target)} beside ${path.basename(csv)} with the suggested roles to hold your settings; the change was written to it.`;
    void vscode.window.showInformationMessage(message, 'Open File').then((a) => {
      if (a) void vscode.window.showTextDocument(vscode.Uri.file(target), { preview: false });
    });
    return message;
  }

  /** Makes a panel the panel of another file (a CSV's panel becomes its new experiment's). */
  private moveTo(panel: Panel, file: string): void {
    const old = panel.state.file;
    if (this.panels.get(old) === panel) this.panels.delete(old);
    const other = this.panels.get(file);
    if (other && other !== panel) other.webview.dispose();
    this.panels.set(file, panel);
    const latest = this.latest.get(old);
    if (latest && !this.latest.has(file)) this.latest.set(file, latest);
    this.sources.delete(old);
    this.inspected.delete(old);
    panel.webview.title = `RNN Playground: ${path.basename(file)}`;
    panel.state = { ...panel.state, file, experiment: null };
    this.services.onActive(file);
  }

  /** Shows the panel of `file` (creating it), optionally on a given tab. */
  show(file: string, tab?: PanelState['tab']): void {
    const existing = this.panels.get(file);
    if (existing) {
      existing.webview.reveal(undefined, false);
      if (tab) existing.update({ tab });
      return;
    }
    const wp = vscode.window.createWebviewPanel(PlaygroundPanels.viewType, `RNN Playground: ${path.basename(file)}`, vscode.ViewColumn.Active, { enableScripts: true });
    const latest = this.latest.get(file);
    this.adopt(wp, { ...emptyState(file), ...latest, tab: tab ?? (latest?.run ? 'training' : 'data') });
  }

  private remember(file: string, change: Partial<Pick<PanelState, 'run' | 'bound' | 'compare'>>): void {
    this.latest.set(file, { run: null, bound: null, compare: null, ...this.latest.get(file), ...change });
  }

  /** Called by VS Code after a reload with the state the webview saved. */
  async deserializeWebviewPanel(wp: vscode.WebviewPanel, state: PanelState | undefined): Promise<void> {
    if (!state || typeof state.file !== 'string') {
      wp.dispose();
      return;
    }
    // a panel for this file may already be open (Open Playground at startup): keep one
    if (this.panels.has(state.file)) {
      wp.dispose();
      return;
    }
    this.adopt(wp, { ...emptyState(state.file), ...state, running: false, live: [], preview: null, inspection: null });
  }

  /** The files with an open panel (for tests). */
  get files(): string[] {
    return [...this.panels.keys()];
  }

  /** The state of a file's panel (for tests). */
  stateOf(file: string): PanelState | null {
    return this.panels.get(file)?.state ?? null;
  }

  /** A run started on `file` (`earlier`: the epochs of the run it continues). */
  runStarted(file: string, earlier: EpochPoint[] = []): void {
    this.panels.get(file)?.update({ running: true, live: [...earlier] });
  }

  /** The latest finished run on `file`, if any. */
  latestRun(file: string): RunSummary | null {
    return this.latest.get(file)?.run ?? this.panels.get(file)?.state.run ?? null;
  }

  /** One more epoch of the run on `file`. */
  epoch(file: string, point: EpochPoint): void {
    const p = this.panels.get(file);
    if (!p) return;
    p.state = { ...p.state, live: [...p.state.live, point] };
    p.post({ type: 'panel/epoch', epoch: point });
  }

  /** A run on `file` ended. */
  runEnded(file: string, run: RunSummary | null): void {
    if (run) this.remember(file, { run });
    const p = this.panels.get(file);
    if (p) {
      // a new model: the inspection of the old one is out of date
      if (run) this.inspected.delete(file);
      p.update({ running: false, live: [], ...(run ? { run, inspection: null } : {}) });
      void this.ensureInspection(p);
    }
  }

  /** A bound report for `file`. */
  bound(file: string, bound: BoundSummary): void {
    this.remember(file, { bound });
    this.panels.get(file)?.update({ bound });
  }

  /** A comparison for `file`. */
  compare(file: string, compare: CompareSummary): void {
    this.remember(file, { compare });
    this.panels.get(file)?.update({ compare });
  }

  private adopt(wp: vscode.WebviewPanel, state: PanelState): void {
    const panel: Panel = new Panel(wp, state, this.extensionUri, () => {
      if (this.panels.get(panel.state.file) === panel) this.panels.delete(panel.state.file);
    }, (p, msg) => this.onPanelMessage(p, msg));
    panel.disposables.push(wp.onDidChangeViewState((e) => e.webviewPanel.active && this.services.onActive(panel.state.file)));
    if (wp.active) this.services.onActive(state.file);
    this.panels.set(state.file, panel);
    void this.refreshExperiment(state.file);
  }

  private disposeAll(): void {
    for (const p of [...this.panels.values()]) p.webview.dispose();
  }
}
