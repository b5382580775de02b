/**
 * One playground panel's session: the webview of one experiment or CSV, everything shown in it (`PanelState`), and
 * the per-file work behind it — re-reading the experiment as it is edited, the Data view's preview, the selected
 * sequence's inspection, and the Model and Data views' edits of the experiment file. `PlaygroundPanels` keeps one
 * session per file.
 */
import * as vscode from 'vscode';
import * as path from 'node:path';
import { ExperimentError, parseExperiment, parseExperimentText, type Experiment, type ExperimentPatch } from '../data/experiment';
import { editExperimentText, roleChanges, statedRoles, withRole } from './experimentEdit';
import { assertNever, parseFromWebview, type ExperimentChange, type FromWebview, type PanelExperiment, type PanelState, type ToWebview } from '../shared/protocol';
import type { EngineClient } from './engineClient';
import { kindOf, sibling } from './files';
import { webviewShell } from './webviewShell';

/** What the panels need from the rest of the extension. */
export interface PanelServices {
  /** Model and training defaults from the settings. */
  defaults(): ExperimentPatch;
  /** The engine for reads — the Data view's preview and rows, a sequence's inspection — a worker of their own, so they never wait behind training. */
  engine: EngineClient;
  /** The latest trained or loaded model of an experiment or CSV. */
  modelFor(file: string): string | null;
  log(line: string): void;
  /** A panel came to the front (the side view follows it). */
  onActive(file: string): void;
  /** The latest run's verdict offers a next step: write its settings and train again. */
  nextStep(file: string): Promise<void>;
}

/** What a session asks of the panels that hold it. */
export interface SessionHost {
  /** The session now shows `file` (a CSV's panel moved to the experiment made for it). */
  moved(session: PanelSession, from: string, to: string): void;
  /** The session's webview closed. */
  closed(session: PanelSession): void;
}

/** Tabs that show the selected sequence run through the model. */
const SEQUENCE_TABS = new Set<PanelState['tab']>(['data', 'gradients', 'predictions']);

const messageOf = (e: unknown): string => (e instanceof Error ? e.message : String(e));

export const emptyState = (file: string): PanelState => ({
  file, run: null, live: [], running: false, bound: null, compare: null, tab: 'training', experiment: null, editError: null,
  preview: null, previewError: null, sequence: 1, inspection: null, inspectError: null,
});

/** The CSV an experiment reads, as an absolute path. */
export function csvOf(dataFile: string, experimentFile: string | null): string {
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

/** The file as saved (what the engine reads), or null. */
export async function diskText(file: string): Promise<string | null> {
  try {
    return new TextDecoder().decode(await vscode.workspace.fs.readFile(vscode.Uri.file(file)));
  } catch {
    return null;
  }
}

/** The text of an experiment file: the open editor's (possibly unsaved) text, else the file on disk. */
async function experimentText(file: string): Promise<string | null> {
  const open = vscode.workspace.textDocuments.find((d) => d.uri.scheme === 'file' && d.uri.fsPath === file);
  return open ? open.getText() : diskText(file);
}

export class PanelSession {
  private readonly disposables: vscode.Disposable[] = [];
  disposed = false;
  /** What the preview and inspection were read from: the saved experiment text and the settings' defaults. */
  private source: string | null = null;
  /** What the last inspection was made from (sequence, model, experiment), to skip needless repeats. */
  private inspected: string | null = null;
  /** Whether the preview is being read, and whether another read was asked for meanwhile. */
  private previewing: { again: boolean } | null = null;
  private refreshTimer: ReturnType<typeof setTimeout> | undefined;
  /** Edits run one after another: each reads the document as the previous one left it. */
  private editQueue: Promise<void> = Promise.resolve();

  constructor(readonly webview: vscode.WebviewPanel, public state: PanelState, extensionUri: vscode.Uri,
    private readonly services: PanelServices, private readonly host: SessionHost) {
    webview.title = `RNN Playground: ${path.basename(state.file)}`;
    webview.iconPath = vscode.Uri.joinPath(extensionUri, 'media', 'icon.svg');
    const w = webview.webview;
    w.html = webviewShell(w, { extensionUri, mainId: 'panel', styles: ['dist/katex/katex.min.css', 'media/panel.css'], script: 'panel.js' });
    this.disposables.push(
      w.onDidReceiveMessage((raw) => {
        const msg = parseFromWebview(raw);
        if (msg) this.onMessage(msg);
      }),
      webview.onDidChangeViewState((e) => e.webviewPanel.active && this.services.onActive(this.state.file)),
      webview.onDidDispose(() => this.dispose()),
    );
    if (webview.active) this.services.onActive(state.file);
  }

  get file(): string {
    return this.state.file;
  }

  post(msg: ToWebview): void {
    if (!this.disposed) void this.webview.webview.postMessage(msg);
  }

  /** Merges a change and sends the state; the panel switches tab only when the change names one. */
  update(change: Partial<PanelState>): void {
    this.state = { ...this.state, ...change };
    this.post({ type: 'panel/state', state: this.state, selectTab: change.tab !== undefined });
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    clearTimeout(this.refreshTimer);
    this.host.closed(this);
    for (const d of this.disposables.splice(0)) d.dispose();
  }

  /** Re-reads the experiment soon (typing in the editor sends a burst of changes). */
  scheduleRefresh(): void {
    clearTimeout(this.refreshTimer);
    this.refreshTimer = setTimeout(() => {
      this.refreshTimer = undefined;
      void this.refreshExperiment();
    }, 150);
  }

  /**
   * Reads the experiment and sends it to the panel: the editor's text for the Model view (it follows typing), the
   * saved text for the Data view's preview and the inspection (the engine reads the file as saved).
   */
  async refreshExperiment(): Promise<void> {
    const file = this.file;
    const isExperiment = kindOf(file) === 'experiment';
    const read = panelExperiment(file, isExperiment ? await experimentText(file) : null, this.services.defaults(), this.state.experiment);
    if (this.disposed || file !== this.file) return;
    if (read.experiment === undefined) {
      if (this.state.experiment !== null || this.state.editError !== read.problem) this.update({ experiment: null, editError: read.problem });
    } else if (JSON.stringify(read) !== JSON.stringify(this.state.experiment)) {
      // the editor's change event follows a panel edit: post only what is new, so the view does not redraw for nothing
      this.update({ experiment: read });
    }
    const source = JSON.stringify([isExperiment ? await diskText(file) : file, this.services.defaults()]);
    if (this.disposed || file !== this.file) return;
    if (source !== this.source || (!this.state.preview && !this.state.previewError && !this.previewing)) {
      this.source = source;
      this.inspected = null;
      if (this.state.inspection) this.update({ inspection: null });
      void this.loadPreview();
    }
  }

  /** Reads the Data view's preview (one read at a time; the latest wins). */
  private async loadPreview(): Promise<void> {
    if (this.previewing) {
      this.previewing.again = true;
      return;
    }
    const reading = { again: false };
    this.previewing = reading;
    try {
      const reply = await this.services.engine.request('data/preview', { source: { file: this.file, defaults: this.services.defaults() } });
      this.update({ preview: reply.preview, previewError: null });
    } catch (e) {
      this.update({ preview: null, previewError: messageOf(e) });
    } finally {
      this.previewing = null;
      if (this.disposed) return;
      if (reading.again) void this.loadPreview();
      else void this.ensureInspection();
    }
  }

  /** Runs the selected sequence through the latest model when a view that shows it is open and it is out of date. */
  async ensureInspection(): Promise<void> {
    const s = this.state;
    if (!SEQUENCE_TABS.has(s.tab) || s.running || this.disposed) return;
    if (!s.preview?.sequences) {
      // no sequences with these roles (or no preview yet): say why rather than show another dataset's numbers
      const why = s.preview ? s.preview.problem ?? 'these roles give no sequences' : s.previewError ?? null;
      if (s.preview || why) {
        this.inspected = null;
        if (s.inspection || s.inspectError !== why) this.update({ inspection: null, inspectError: why });
      }
      return;
    }
    const file = s.file;
    const modelFile = this.services.modelFor(file);
    const sequence = s.sequence ?? 1;
    // the run's epochs too: Step One Epoch updates the same model file
    const key = JSON.stringify([sequence, modelFile, this.source, s.run?.modelFile ?? null, s.run?.epochs ?? 0]);
    if (this.inspected === key) return;
    this.inspected = key;
    // never show the last sequence or model's numbers as if they were this one's
    if (s.inspection) this.update({ inspection: null, inspectError: null });
    try {
      const reply = await this.services.engine.request('sequence/inspect', { source: { file, defaults: this.services.defaults() }, modelFile, sequence });
      if (this.inspected === key && !this.disposed) this.update({ inspection: reply.inspection, inspectError: null });
    } catch (e) {
      if (this.inspected === key && !this.disposed) this.update({ inspectError: messageOf(e) });
    }
  }

  /** A new model was trained or loaded: the inspection of the old one is out of date. */
  modelChanged(): void {
    this.inspected = null;
  }

  private onMessage(msg: FromWebview): void {
    switch (msg.type) {
      case 'webview/ready':
        this.post({ type: 'panel/state', state: this.state, selectTab: true });
        return;
      case 'command/run':
        void vscode.commands.executeCommand(msg.command, vscode.Uri.file(this.file));
        return;
      case 'panel/tab':
        this.state = { ...this.state, tab: msg.tab };
        void this.ensureInspection();
        return;
      case 'experiment/edit':
        void this.queueEdit(() => msg.changes);
        return;
      case 'experiment/role':
        // computed when the edit applies, from the file as it is then (an earlier edit may still be on its way)
        void this.queueEdit((exp) => roleChanges(withRole(statedRoles(exp?.data ?? {}, this.state.preview?.roles ?? { features: [], targets: [], sequenceId: null, label: null, time: null }), msg.column, msg.role)));
        return;
      case 'run/nextStep':
        void this.services.nextStep(this.file);
        return;
      case 'panel/sequence':
        this.update({ sequence: msg.sequence, inspectError: null });
        void this.ensureInspection();
        return;
      case 'panel/fetchRows': {
        const csvFile = this.state.preview?.csvFile;
        if (!csvFile) return;
        this.services.engine.request('data/rows', { csvFile, start: msg.start, count: msg.count }).then(
          (r) => this.post({ type: 'panel/fetchRows/result', inReplyTo: msg.id, start: r.start, rows: r.rows }), // post() skips a closed panel
          (e) => this.services.log(`reading rows ${msg.start}–${msg.start + msg.count} of ${csvFile}: ${messageOf(e)}`),
        );
        return;
      }
      case 'lab/run': case 'lab/cancel': case 'lab/report/result':
        return; // the Chapter Lab's
      default:
        assertNever(msg);
    }
  }

  /**
   * Applies changes to the experiment as if they came from the Model or Data view (a CSV's panel moves to the
   * experiment created for it). Resolves with the experiment file written.
   */
  async applyEdit(changes: ExperimentChange[]): Promise<string> {
    await this.queueEdit(() => changes);
    if (this.state.editError && kindOf(this.file) !== 'experiment') throw new Error(this.state.editError);
    return this.file;
  }

  private queueEdit(changes: (current: Experiment | null) => ExperimentChange[]): Promise<void> {
    this.editQueue = this.editQueue.then(() => this.edit(changes));
    return this.editQueue;
  }

  /**
   * Applies the changes to the experiment file through the editor (undoable), then saves it so the engine reads it.
   * When the editor holds unsaved changes of the user's, the edit joins them unsaved and the panel says so.
   */
  private async edit(changesFor: (current: Experiment | null) => ExperimentChange[]): Promise<void> {
    let created: string | null = null;
    if (kindOf(this.file) !== 'experiment') {
      // a CSV's settings are the defaults: the first change makes an experiment beside it to hold them
      try {
        created = await this.experimentForCsv();
      } catch (e) {
        if (!this.disposed) this.update({ editError: `Could not create an experiment for ${path.basename(this.file)}: ${messageOf(e)}` });
        return;
      }
    }
    const file = this.file;
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
      if (!this.disposed) this.state = { ...this.state, editError: note };
      await this.refreshExperiment();
      if (note && !this.disposed) this.update({ editError: note });
    } catch (e) {
      if (!this.disposed) this.update({ editError: messageOf(e) });
    }
  }

  /**
   * The experiment that takes a CSV panel's changes: `NAME.rnn.json` beside the CSV when it already reads this CSV,
   * else a new one (a free name) with the suggested roles. The panel moves to it. Returns what to tell the user.
   */
  private async experimentForCsv(): Promise<string> {
    const csv = this.file;
    const existing = sibling(csv, '.rnn.json');
    const text = await diskText(existing);
    if (text !== null) {
      try {
        const exp = parseExperimentText(text, path.basename(existing), this.services.defaults());
        if (csvOf(exp.data.file, existing) === path.resolve(csv)) {
          this.moveTo(existing);
          return `${path.basename(existing)} already holds the settings of ${path.basename(csv)}: the change was written there.`;
        }
      } catch {
        // not a usable experiment for this CSV: make another
      }
    }
    let target = existing;
    for (let k = 2; (await diskText(target)) !== null; k++) target = sibling(csv, `-${k}.rnn.json`);
    await this.services.engine.request('experiment/create', { csvFile: csv, experimentFile: target, defaults: this.services.defaults() });
    this.moveTo(target);
    const message = `Created ${path.basename(target)} beside ${path.basename(csv)} with the suggested roles to hold your settings; the change was written to it.`;
    void vscode.window.showInformationMessage(message, 'Open File').then((a) => {
      if (a) void vscode.window.showTextDocument(vscode.Uri.file(target), { preview: false });
    });
    return message;
  }

  /** Becomes the session of another file (a CSV's panel becomes its new experiment's). */
  private moveTo(file: string): void {
    const old = this.file;
    this.source = null;
    this.inspected = null;
    this.webview.title = `RNN Playground: ${path.basename(file)}`;
    this.state = { ...this.state, file, experiment: null };
    this.host.moved(this, old, file);
    this.services.onActive(file);
  }
}
