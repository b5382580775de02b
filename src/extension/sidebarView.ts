/** The activity-bar side view: the current file, the running job with Stop, a loss sparkline, the latest result. */
import { webviewShell } from './webviewShell';
import * as vscode from 'vscode';
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
    view.webview.html = webviewShell(view.webview, {
      extensionUri: this.extensionUri, mainId: 'sidebar', mainAttributes: 'aria-live="polite"', styles: ['media/sidebar.css'], script: 'webview.js', inlineScript: true,
    });
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
        case 'lab/run': case 'lab/cancel': case 'lab/report/result':
          return; // the Chapter Lab's
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
