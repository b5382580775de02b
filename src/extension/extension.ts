/**
 * Extension entry point: creates the engine clients (one worker for jobs, one for the panels' reads, each started on
 * first use), the status bar, the side view
 * and the commands. Activation only wires things up; nothing is computed or read here.
 */
import * as vscode from 'vscode';
import { Commands } from './commands';
import { EngineClient } from './engineClient';
import { experimentDefaults, showOnStartup, stuckTimeoutMs } from './settings';
import { panelExperiment, PlaygroundPanels } from './playgroundPanel';
import { settingsLine } from './format';
import { kindOf } from './files';
import { readFileSync, statSync } from 'node:fs';
import { SidebarProvider } from './sidebarView';
import { StatusBar } from './statusBar';
import { ChapterLab } from './chapterLab';

/** What `activate` returns: handles for the extension-host tests (killing the worker, reading the status bar). */
export interface PlaygroundApi {
  engine: EngineClient;
  /** The second worker: the panels' reads (preview, rows, inspections), never queued behind a training run. */
  reads: EngineClient;
  status: StatusBar;
  sidebar: SidebarProvider;
  panels: PlaygroundPanels;
  commands: Commands;
  lab: ChapterLab;
}

/** Called by VS Code on first use of a command or view, or when a workspace with experiment files opens. */
export function activate(context: vscode.ExtensionContext): PlaygroundApi {
  const output = vscode.window.createOutputChannel('RNN Playground');
  const engine = new EngineClient(vscode.Uri.joinPath(context.extensionUri, 'dist').fsPath, {
    stuckAfterMs: stuckTimeoutMs(),
    log: (line) => output.appendLine(line),
  });
  // a second worker thread for what the panels read while the first one trains (each starts on first use)
  const reads = new EngineClient(vscode.Uri.joinPath(context.extensionUri, 'dist').fsPath, {
    stuckAfterMs: stuckTimeoutMs(),
    log: (line) => output.appendLine(`[reads] ${line}`),
  });
  const status = new StatusBar();
  const sidebar = new SidebarProvider(context.extensionUri, (file) => {
    const exp = panelExperiment(file, readSmallText(file), experimentDefaults(), null);
    return exp.experiment && !exp.problem ? settingsLine(exp.experiment) : null;
  });
  const panels: PlaygroundPanels = new PlaygroundPanels(context.extensionUri, {
    defaults: experimentDefaults, engine: reads, modelFor: (file): string | null => commands.modelFor(file), log: (line) => output.appendLine(line),
    onActive: (file) => { if (!commands.busy && sidebar.current.current !== file) sidebar.update({ current: file }); },
    nextStep: (file) => commands.nextStep(file),
  });
  panels.register(context);
  const commands: Commands = new Commands(engine, output, status, sidebar, panels);
  context.subscriptions.push(output, status, { dispose: () => engine.dispose() }, { dispose: () => reads.dispose() });
  context.subscriptions.push(vscode.window.registerWebviewViewProvider(SidebarProvider.viewType, sidebar));
  context.subscriptions.push(vscode.workspace.onDidChangeConfiguration((e) => {
    if (e.affectsConfiguration('rnnPlayground.engine.stuckTimeoutSeconds')) engine.stuckAfterMs = reads.stuckAfterMs = stuckTimeoutMs();
  }));
  // the side view follows the CSV or experiment in the active editor
  context.subscriptions.push(vscode.window.onDidChangeActiveTextEditor((ed) => {
    const f = ed?.document.uri.scheme === 'file' ? ed.document.uri.fsPath : null;
    if (f && (kindOf(f) === 'csv' || kindOf(f) === 'experiment') && !commands.busy) sidebar.update({ current: f });
  }));
  context.subscriptions.push(vscode.workspace.onDidSaveTextDocument((d) => {
    if (d.uri.fsPath === sidebar.current.current) sidebar.update({ current: d.uri.fsPath });
  }));
  commands.register(context);
  // the Chapter Lab, with an engine worker of its own (started on first use)
  const lab = new ChapterLab(context.extensionUri, (line) => output.appendLine(line), stuckTimeoutMs, () => {
    const file = sidebar.current.current;
    const exp = file ? panelExperiment(file, readSmallText(file), experimentDefaults(), null).experiment : null;
    return exp?.model.cell === 'custom' && exp.model.equations?.length ? { equations: exp.model.equations } : null;
  });
  context.subscriptions.push({ dispose: () => lab.dispose() },
    vscode.commands.registerCommand('rnnPlayground.openChapterLab', () => lab.open()),
    vscode.commands.registerCommand('rnnPlayground.saveChapterLab', async (file?: unknown) => {
      try {
        return await lab.saveReport(typeof file === 'string' ? file : undefined);
      } catch (e) {
        void vscode.window.showErrorMessage(`Save Chapter Lab as HTML: ${(e as Error).message}`);
        return { error: (e as Error).message };
      }
    }));
  if (showOnStartup()) void commands.openPlayground(undefined);
  return { engine, reads, status, sidebar, panels, commands, lab };
}

/** An experiment file's text (null for other kinds, unreadable or implausibly large files). */
function readSmallText(file: string): string | null {
  if (kindOf(file) !== 'experiment') return null;
  try {
    return statSync(file).size < 1_000_000 ? readFileSync(file, 'utf8') : null;
  } catch {
    return null;
  }
}

/** Nothing to clean beyond the subscriptions. */
export function deactivate(): void {}
