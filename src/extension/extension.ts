/**
 * Extension entry point: creates the engine client (the worker starts on first use), the status bar, the side view
 * and the commands. Activation only wires things up; nothing is computed or read here.
 */
import * as vscode from 'vscode';
import { Commands } from './commands';
import { EngineClient } from './engineClient';
import { showOnStartup, stuckTimeoutMs } from './settings';
import { PlaygroundPanels } from './playgroundPanel';
import { SidebarProvider } from './sidebarView';
import { StatusBar } from './statusBar';

/** What `activate` returns: handles for the extension-host tests (killing the worker, reading the status bar). */
export interface PlaygroundApi {
  engine: EngineClient;
  status: StatusBar;
  sidebar: SidebarProvider;
  panels: PlaygroundPanels;
  commands: Commands;
}

/** Called by VS Code on first use of a command or view, or when a workspace with experiment files opens. */
export function activate(context: vscode.ExtensionContext): PlaygroundApi {
  const output = vscode.window.createOutputChannel('RNN Playground');
  const engine = new EngineClient(vscode.Uri.joinPath(context.extensionUri, 'dist').fsPath, {
    stuckAfterMs: stuckTimeoutMs(),
    log: (line) => output.appendLine(line),
  });
  const status = new StatusBar();
  const sidebar = new SidebarProvider(context.extensionUri);
  const panels = new PlaygroundPanels(context.extensionUri);
  panels.register(context);
  const commands = new Commands(engine, output, status, sidebar, panels);
  context.subscriptions.push(output, status, { dispose: () => engine.dispose() });
  context.subscriptions.push(vscode.window.registerWebviewViewProvider(SidebarProvider.viewType, sidebar));
  context.subscriptions.push(vscode.workspace.onDidChangeConfiguration((e) => {
    if (e.affectsConfiguration('rnnPlayground.engine.stuckTimeoutSeconds')) engine.stuckAfterMs = stuckTimeoutMs();
  }));
  commands.register(context);
  if (showOnStartup()) void commands.openPlayground(undefined);
  return { engine, status, sidebar, panels, commands };
}

/** Nothing to clean beyond the subscriptions. */
export function deactivate(): void {}
