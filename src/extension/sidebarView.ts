/** The activity-bar side view: the current file, the running job with Stop, a loss sparkline, the latest result. */
import * as vscode from 'vscode';
import { webviewHtml } from './webviewHtml';
import { parseFromWebview, type SidebarState, type ToWebview } from '../shared/protocol';

/** Provides the `rnnPlayground.sidebar` webview view and keeps its state while it is hidden. */
export class SidebarProvider implements vscode.WebviewViewProvider {
  static readonly viewType = 'rnnPlayground.sidebar';
  private view: vscode.WebviewView | null = null;
  private state: SidebarState = { current: null, running: null, losses: [], last: null };
  private pendingPost: ReturnType<typeof setTimeout> | null = null;

  constructor(private readonly extensionUri: vscode.Uri) {}

  /** Merges a change into the state and shows it (posts are coalesced to at most ~10 per second). */
  update(change: Partial<SidebarState>): void {
    this.state = { ...this.state, ...change };
    if (this.pendingPost) return;
    this.pendingPost = setTimeout(() => {
      this.pendingPost = null;
      this.post();
    }, 100);
  }

  /** The state shown (for tests). */
  get current(): SidebarState {
    return this.state;
  }

  resolveWebviewView(view: vscode.WebviewView): void {
    this.view = view;
    view.webview.html = webviewHtml(view.webview, this.extensionUri, { script: 'webview.js', style: 'sidebar.css', rootId: 'sidebar', live: true });
    view.webview.onDidReceiveMessage((raw) => {
      const msg = parseFromWebview(raw);
      if (!msg) return;
      if (msg.type === 'webview/ready') this.post();
      else if (msg.type === 'command/run') void vscode.commands.executeCommand(msg.command);
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
