/** The activity-bar side view: the current file, the running job with Stop, a loss sparkline, the latest result. */
import * as vscode from 'vscode';
import { readFileSync } from 'node:fs';
import { assertNever, parseFromWebview, type SidebarState, type ToWebview } from '../shared/protocol';

/** Provides the `rnnPlayground.sidebar` webview view and keeps its state while it is hidden. */
export class SidebarProvider implements vscode.WebviewViewProvider {
  static readonly viewType = 'rnnPlayground.sidebar';
  private view: vscode.WebviewView | null = null;
  private state: SidebarState = { current: null, running: null, losses: [], last: null };
  private pendingPost: ReturnType<typeof setTimeout> | null = null;

  /** `describe` gives the settings line of a file (null when it has none or cannot be read). */
  constructor(private readonly extensionUri: vscode.Uri, private readonly describe: (file: string) => string | null = () => null) {}

  /** Merges a change into the state and shows it (posts are coalesced to at most ~10 per second). */
  update(change: Partial<SidebarState>): void {
    if (change.current !== undefined && change.settings === undefined) change = { ...change, settings: change.current ? this.describe(change.current) : null };
    this.state = { ...this.state, ...change };
    if (this.pendingPost) return;
    this.pendingPost = setTimeout(() => {
      this.pendingPost = null;
      this.post();
    }, 100);
  }

  private readonly readyWaiters: (() => void)[] = [];

  /** Resolves when the view's script has started (or after `ms`), so another webview is not created at the same time. */
  whenReady(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const t = setTimeout(resolve, ms);
      this.readyWaiters.push(() => {
        clearTimeout(t);
        resolve();
      });
    });
  }

  /** Whether the view is on screen now. */
  get visible(): boolean {
    return this.view?.visible ?? false;
  }

  /** The state shown (for tests). */
  get current(): SidebarState {
    return this.state;
  }

  resolveWebviewView(view: vscode.WebviewView): void {
    this.view = view;
    const dist = vscode.Uri.joinPath(this.extensionUri, 'dist');
    const media = vscode.Uri.joinPath(this.extensionUri, 'media');
    view.webview.options = { enableScripts: true, localResourceRoots: [dist, media] };
    const nonce = [...crypto.getRandomValues(new Uint8Array(16))].map((b) => b.toString(16).padStart(2, '0')).join('');
    // The script is inlined (with the nonce) rather than loaded by URL: in VS Code for the Web, a webview created while
    // another one is being created can have its resource requests answered by the other's service worker and never
    // load its script (seen with Open Playground revealing this view and opening a panel at once).
    const script = readFileSync(vscode.Uri.joinPath(dist, 'webview.js').fsPath, 'utf8').replace(/<\/script/gi, '<\\/script').replace(/\n\/\/# sourceMappingURL=.*$/, '');
    const style = view.webview.asWebviewUri(vscode.Uri.joinPath(media, 'sidebar.css'));
    view.webview.html = `<!DOCTYPE html>
<html lang="en"><head><meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'nonce-${nonce}'; style-src ${view.webview.cspSource}; img-src ${view.webview.cspSource} data:;">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${style}">
<title>RNN Playground</title></head>
<body><main id="sidebar" aria-live="polite"></main>
<script nonce="${nonce}">${script}</script></body></html>`;
    view.webview.onDidReceiveMessage((raw) => {
      const msg = parseFromWebview(raw);
      if (!msg) return;
      switch (msg.type) {
        case 'webview/ready':
          this.post();
          for (const f of this.readyWaiters.splice(0)) f();
          return;
        case 'command/run':
          void vscode.commands.executeCommand(msg.command);
          return;
        case 'panel/tab': case 'panel/fetchRows': case 'panel/sequence': case 'experiment/edit': case 'experiment/role': case 'run/nextStep':
          return; // the playground panel's messages
        default:
          assertNever(msg);
      }
    });
    view.onDidChangeVisibility(() => view.visible && this.post());
    view.onDidDispose(() => {
      this.view = null;
    });
  }

  private post(): void {
    const msg: ToWebview = { type: 'state/show', state: this.state };
    void this.view?.webview.postMessage(msg);
  }
}
