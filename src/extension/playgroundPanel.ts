/**
 * Playground panels: one webview panel per experiment or CSV with the training, gradient, bound and comparison views.
 * Panels survive tab switches (retainContextWhenHidden is not needed: the webview keeps its state with setState and
 * the host re-sends it) and window reloads (a WebviewPanelSerializer revives them from the saved state).
 */
import * as vscode from 'vscode';
import * as path from 'node:path';
import {
  parseFromWebview, type BoundSummary, type CompareSummary, type EpochPoint, type PanelState, type RunSummary, type ToWebview,
} from '../shared/protocol';

const emptyState = (file: string): PanelState => ({ file, run: null, live: [], running: false, bound: null, compare: null, tab: 'training' });

/** One panel. */
class Panel {
  private readonly disposables: vscode.Disposable[] = [];

  constructor(readonly webview: vscode.WebviewPanel, public state: PanelState, extensionUri: vscode.Uri, private readonly onClose: () => void) {
    const dist = vscode.Uri.joinPath(extensionUri, 'dist');
    const media = vscode.Uri.joinPath(extensionUri, 'media');
    webview.webview.options = { enableScripts: true, localResourceRoots: [dist, media] };
    webview.title = `RNN Playground: ${path.basename(state.file)}`;
    webview.iconPath = vscode.Uri.joinPath(media, 'icon.svg');
    const w = webview.webview;
    const nonce = [...crypto.getRandomValues(new Uint8Array(16))].map((b) => b.toString(16).padStart(2, '0')).join('');
    w.html = `<!DOCTYPE html>
<html lang="en"><head><meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'nonce-${nonce}'; style-src ${w.cspSource}; img-src ${w.cspSource} data:;">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${w.asWebviewUri(vscode.Uri.joinPath(media, 'panel.css'))}">
<title>RNN Playground</title></head>
<body><main id="panel"></main>
<script nonce="${nonce}" src="${w.asWebviewUri(vscode.Uri.joinPath(dist, 'panel.js'))}"></script></body></html>`;
    this.disposables.push(
      w.onDidReceiveMessage((raw) => {
        const msg = parseFromWebview(raw);
        if (!msg) return;
        if (msg.type === 'webview/ready') this.post({ type: 'panel/state', state: this.state });
        else if (msg.type === 'panel/tab') this.state = { ...this.state, tab: msg.tab };
        else void vscode.commands.executeCommand(msg.command, vscode.Uri.file(this.state.file));
      }),
      webview.onDidDispose(() => this.dispose()),
    );
  }

  post(msg: ToWebview): void {
    void this.webview.webview.postMessage(msg);
  }

  update(change: Partial<PanelState>): void {
    this.state = { ...this.state, ...change };
    this.post({ type: 'panel/state', state: this.state });
  }

  dispose(): void {
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

  constructor(private readonly extensionUri: vscode.Uri) {}

  /** Registers the serializer so panels come back after a window reload. */
  register(context: vscode.ExtensionContext): void {
    context.subscriptions.push(vscode.window.registerWebviewPanelSerializer(PlaygroundPanels.viewType, this), { dispose: () => this.disposeAll() });
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
    this.adopt(wp, { ...emptyState(file), ...this.latest.get(file), ...(tab ? { tab } : {}) });
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
    this.adopt(wp, { ...emptyState(state.file), ...state, running: false, live: [] });
  }

  /** The files with an open panel (for tests). */
  get files(): string[] {
    return [...this.panels.keys()];
  }

  /** The state of a file's panel (for tests). */
  stateOf(file: string): PanelState | null {
    return this.panels.get(file)?.state ?? null;
  }

  /** A run started on `file`. */
  runStarted(file: string): void {
    this.panels.get(file)?.update({ running: true, live: [] });
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
    if (p) p.update({ running: false, live: [], ...(run ? { run } : {}) });
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
    const panel = new Panel(wp, state, this.extensionUri, () => this.panels.delete(state.file));
    this.panels.set(state.file, panel);
  }

  private disposeAll(): void {
    for (const p of [...this.panels.values()]) p.webview.dispose();
  }
}
