/**
 * The Chapter Lab: a webview panel with the chapter's claims in its order, each with a Run button, progress, Cancel,
 * its figures and a sentence saying whether it held here. Claims a–f are measured by an engine worker of the lab's own
 * (so a long measurement never queues behind training, nor training behind it); g runs Verify on the open CSV. Save
 * Chapter Lab as HTML asks the page for a standalone report and writes it where the user chooses.
 */
import * as vscode from 'vscode';
import * as path from 'node:path';
import { EngineClient, EngineError } from './engineClient';
import { webviewShell } from './webviewShell';
import { writeFileAtomic } from '../data/writeFile';
import { assertNever, parseFromWebview, type BoundSummary, type LabClaim, type LabParams, type ToWebview } from '../shared/protocol';

/** The lab's panel and its runs. */
export class ChapterLab {
  static readonly viewType = 'rnnPlayground.chapterLab';
  private panel: vscode.WebviewPanel | null = null;
  private ready: Promise<void> | null = null;
  private client: EngineClient | null = null;
  private readonly cancels = new Map<string, () => void>();
  private readonly reports = new Map<number, (html: string) => void>();
  private nextReport = 1;

  /** `customCell` gives the open experiment's custom cell, if it has one (claim c measures its horizon too). */
  constructor(private readonly extensionUri: vscode.Uri, private readonly log: (line: string) => void, private readonly stuckAfterMs: () => number,
    private readonly customCell: () => { equations: string[] } | null = () => null) {}

  /** Opens the lab (or brings it to the front). */
  async open(): Promise<{ shown: true }> {
    if (this.panel) {
      this.panel.reveal();
      await this.ready;
      return { shown: true };
    }
    const panel = vscode.window.createWebviewPanel(ChapterLab.viewType, 'Chapter Lab', vscode.ViewColumn.Active, { enableScripts: true, retainContextWhenHidden: true });
    this.panel = panel;
    panel.iconPath = vscode.Uri.joinPath(this.extensionUri, 'media', 'icon.svg');
    let ready: () => void = () => {};
    this.ready = new Promise((r) => { ready = r; });
    panel.webview.html = webviewShell(panel.webview, { extensionUri: this.extensionUri, mainId: 'lab', styles: ['media/panel.css', 'media/lab.css', 'dist/katex/katex.min.css'], script: 'lab.js' });
    panel.webview.onDidReceiveMessage((raw) => {
      const msg = parseFromWebview(raw);
      if (!msg) return;
      switch (msg.type) {
        case 'webview/ready':
          ready();
          return;
        case 'lab/run':
          void this.run(msg.claim, msg.params);
          return;
        case 'lab/cancel':
          this.cancels.get(msg.claim)?.();
          return;
        case 'lab/report/result':
          this.reports.get(msg.inReplyTo)?.(msg.html);
          this.reports.delete(msg.inReplyTo);
          return;
        case 'command/run':
          void vscode.commands.executeCommand(msg.command);
          return;
        case 'panel/tab': case 'panel/fetchRows': case 'panel/sequence': case 'experiment/edit': case 'experiment/role': case 'run/nextStep':
          return; // the playground's messages
        default:
          assertNever(msg);
      }
    });
    panel.onDidDispose(() => {
      for (const c of this.cancels.values()) c();
      this.panel = null;
      this.ready = null;
    });
    await Promise.race([this.ready, new Promise((r) => setTimeout(r, 15000))]);
    return { shown: true };
  }

  /** Measures one claim (the extension-host tests call this too); its outcome goes to the page. */
  async run(claim: LabClaim | 'g', params: LabParams = {}): Promise<unknown> {
    if (this.cancels.has(claim)) return null;
    const post = (m: ToWebview): void => void this.panel?.webview.postMessage(m);
    let cancelled = false;
    try {
      if (claim === 'g') {
        this.cancels.set(claim, () => { cancelled = true; });
        post({ type: 'lab/progress', claim, fraction: null, message: 'verifying the bound on the open CSV' });
        const r = await vscode.commands.executeCommand<BoundSummary | { error: string } | null>('rnnPlayground.verifyBound');
        if (!r) throw new Error('no CSV chosen: open a CSV (or an experiment) and run g again');
        if ('error' in r) throw new Error(r.error);
        const memory = r.dataMemory ? ` The data's own memory: ${r.dataMemory.summary}.` : '';
        const figures = { held: r.holds, file: r.csvFile, sentence: `${path.basename(r.csvFile)} (${r.model}, ${r.sequence.steps} steps): ${r.verdict}. Effective memory ${r.effectiveMemory} steps.${memory}` };
        post({ type: 'lab/result', claim, result: { claim, figures }, problem: null });
        return figures;
      }
      const custom = claim === 'c' ? this.customCell() : null;
      const reply = await this.engine().request('chapter/run', { claim, params: custom ? { ...params, custom } : params }, {
        onProgress: (p) => post({ type: 'lab/progress', claim, fraction: p.fraction, message: p.message }),
        onCancelRequested: (cancel) => this.cancels.set(claim, () => { cancelled = true; cancel(); }),
      });
      if (cancelled) {
        post({ type: 'lab/result', claim, result: null, problem: 'Cancelled.' });
        return null;
      }
      post({ type: 'lab/result', claim, result: reply.result, problem: null });
      return reply.result;
    } catch (e) {
      const problem = cancelled ? 'Cancelled.' : e instanceof EngineError ? e.message : (e as Error).message;
      this.log(`Chapter Lab, claim ${claim}: ${problem}`);
      post({ type: 'lab/result', claim, result: null, problem });
      return cancelled ? null : { error: problem };
    } finally {
      this.cancels.delete(claim);
    }
  }

  /** Save Chapter Lab as HTML: the page's report, written to `file` or where the user chooses; null when cancelled. */
  async saveReport(file?: string): Promise<{ file: string } | null> {
    if (!this.panel) await this.open();
    const id = this.nextReport++;
    const html = new Promise<string>((resolve, reject) => {
      this.reports.set(id, resolve);
      setTimeout(() => reject(new Error('the Chapter Lab did not send its report')), 30000);
    });
    void this.panel?.webview.postMessage({ type: 'lab/report', id } satisfies ToWebview);
    const text = await html;
    let target = file;
    if (!target) {
      const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
      const picked = await vscode.window.showSaveDialog({
        title: 'Save Chapter Lab as HTML', filters: { 'HTML page': ['html'] }, saveLabel: 'Save Report',
        defaultUri: folder ? vscode.Uri.joinPath(folder, 'chapter-lab.html') : undefined,
      });
      if (!picked) return null;
      target = picked.fsPath;
    }
    writeFileAtomic(target, (append) => append(text), true);
    this.log(`Chapter Lab report: ${target}`);
    void vscode.window.showInformationMessage(`Saved the Chapter Lab report to ${vscode.workspace.asRelativePath(target)}.`, 'Open in Browser').then((a) => {
      if (a) void vscode.env.openExternal(vscode.Uri.file(target as string));
    });
    return { file: target };
  }

  /** The lab's own engine worker, started on first use. */
  private engine(): EngineClient {
    this.client ??= new EngineClient(vscode.Uri.joinPath(this.extensionUri, 'dist').fsPath, { stuckAfterMs: this.stuckAfterMs(), log: (l) => this.log(`[lab] ${l}`) });
    return this.client;
  }

  dispose(): void {
    this.panel?.dispose();
    this.client?.dispose();
  }
}
