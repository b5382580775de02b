/**
 * Playground panels: one webview panel per experiment or CSV with the data, model, training, graph, gradient, bound,
 * prediction and comparison views, each held by a `PanelSession` (./panelSession.ts). Panels survive tab switches
 * (retainContextWhenHidden is not needed: the webview keeps its state with setState and the host re-sends it) and
 * window reloads (a WebviewPanelSerializer revives them from the saved state). The Model and Data views edit the
 * experiment file through the editor (undoable, saved), and edits made in the file show up in the panel as you type.
 */
import * as vscode from 'vscode';
import type { BoundSummary, CompareSummary, EpochPoint, ExperimentChange, PanelState, RunSummary } from '../shared/protocol';
import { emptyState, PanelSession, type PanelServices, type SessionHost } from './panelSession';

export { panelExperiment, type PanelServices } from './panelSession';

/** Creates, finds, revives and feeds the panels: one session per file, and the latest results of every file. */
export class PlaygroundPanels implements vscode.WebviewPanelSerializer<PanelState>, SessionHost {
  static readonly viewType = 'rnnPlayground.panel';
  private readonly sessions = new Map<string, PanelSession>();
  /** The latest results per file, so a panel opened later shows them. */
  private readonly latest = new Map<string, Pick<PanelState, 'run' | 'bound' | 'compare'>>();

  constructor(private readonly extensionUri: vscode.Uri, private readonly services: PanelServices) {}

  /** Registers the serializer so panels come back after a window reload, and follows edits of experiment files. */
  register(context: vscode.ExtensionContext): void {
    const watcher = vscode.workspace.createFileSystemWatcher('**/*.rnn.json');
    const refresh = (uri: vscode.Uri): void => this.sessions.get(uri.fsPath)?.scheduleRefresh();
    context.subscriptions.push(
      vscode.window.registerWebviewPanelSerializer(PlaygroundPanels.viewType, this), { dispose: () => this.disposeAll() },
      vscode.workspace.onDidChangeTextDocument((e) => { if (e.contentChanges.length) refresh(e.document.uri); }),
      vscode.workspace.onDidCloseTextDocument((d) => refresh(d.uri)),
      watcher, watcher.onDidChange(refresh), watcher.onDidCreate(refresh), watcher.onDidDelete(refresh),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration('rnnPlayground.defaults')) for (const s of this.sessions.values()) s.scheduleRefresh();
      }),
    );
  }

  /**
   * Applies changes to the experiment of `file`'s panel as if they came from its Model or Data view (a CSV's panel
   * moves to the experiment created for it). Resolves with the experiment file written.
   */
  async applyEdit(file: string, changes: ExperimentChange[]): Promise<string> {
    const s = this.sessions.get(file);
    if (!s) throw new Error(`no panel is open for ${file}`);
    return s.applyEdit(changes);
  }

  /** Shows the panel of `file` (creating it), optionally on a given tab. */
  show(file: string, tab?: PanelState['tab']): void {
    const existing = this.sessions.get(file);
    if (existing) {
      existing.webview.reveal(undefined, false);
      if (tab) existing.update({ tab });
      return;
    }
    const wp = vscode.window.createWebviewPanel(PlaygroundPanels.viewType, 'RNN Playground', vscode.ViewColumn.Active, { enableScripts: true });
    const latest = this.latest.get(file);
    this.adopt(wp, { ...emptyState(file), ...latest, tab: tab ?? (latest?.run ? 'training' : 'data') });
  }

  /** Called by VS Code after a reload with the state the webview saved. */
  async deserializeWebviewPanel(wp: vscode.WebviewPanel, state: PanelState | undefined): Promise<void> {
    // a panel for this file may already be open (Open Playground at startup): keep one
    if (!state || typeof state.file !== 'string' || this.sessions.has(state.file)) {
      wp.dispose();
      return;
    }
    this.adopt(wp, { ...emptyState(state.file), ...state, running: false, live: [], preview: null, inspection: null });
  }

  /** The files with an open panel (for tests). */
  get files(): string[] {
    return [...this.sessions.keys()];
  }

  /** The state of a file's panel (for tests). */
  stateOf(file: string): PanelState | null {
    return this.sessions.get(file)?.state ?? null;
  }

  /** A run started on `file` (`earlier`: the epochs of the run it continues). */
  runStarted(file: string, earlier: EpochPoint[] = []): void {
    this.sessions.get(file)?.update({ running: true, live: [...earlier] });
  }

  /** The latest finished run on `file`, if any. */
  latestRun(file: string): RunSummary | null {
    return this.latest.get(file)?.run ?? this.sessions.get(file)?.state.run ?? null;
  }

  /** One more epoch of the run on `file`. */
  epoch(file: string, point: EpochPoint): void {
    const s = this.sessions.get(file);
    if (!s) return;
    s.state = { ...s.state, live: [...s.state.live, point] };
    s.post({ type: 'panel/epoch', epoch: point });
  }

  /** A run on `file` ended. */
  runEnded(file: string, run: RunSummary | null): void {
    if (run) this.remember(file, { run });
    const s = this.sessions.get(file);
    if (!s) return;
    if (run) s.modelChanged();
    s.update({ running: false, live: [], ...(run ? { run, inspection: null } : {}) });
    void s.ensureInspection();
  }

  /** A bound report for `file`. */
  bound(file: string, bound: BoundSummary): void {
    this.remember(file, { bound });
    this.sessions.get(file)?.update({ bound });
  }

  /** A comparison for `file`. */
  compare(file: string, compare: CompareSummary): void {
    this.remember(file, { compare });
    this.sessions.get(file)?.update({ compare });
  }

  /** SessionHost: a CSV's panel now shows the experiment made for it (another panel of that file closes). */
  moved(session: PanelSession, from: string, to: string): void {
    if (this.sessions.get(from) === session) this.sessions.delete(from);
    const other = this.sessions.get(to);
    if (other && other !== session) other.webview.dispose();
    this.sessions.set(to, session);
    const latest = this.latest.get(from);
    if (latest && !this.latest.has(to)) this.latest.set(to, latest);
  }

  /** SessionHost: a panel closed. */
  closed(session: PanelSession): void {
    if (this.sessions.get(session.file) === session) this.sessions.delete(session.file);
  }

  private remember(file: string, change: Partial<Pick<PanelState, 'run' | 'bound' | 'compare'>>): void {
    this.latest.set(file, { run: null, bound: null, compare: null, ...this.latest.get(file), ...change });
  }

  private adopt(wp: vscode.WebviewPanel, state: PanelState): void {
    const session = new PanelSession(wp, state, this.extensionUri, this.services, this);
    this.sessions.set(state.file, session);
    void session.refreshExperiment();
  }

  private disposeAll(): void {
    for (const s of [...this.sessions.values()]) s.webview.dispose();
  }
}
