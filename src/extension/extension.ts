/**
 * Extension entry point. This first version wires one command end to end (palette → worker → engine → result):
 * "Run Gradient Check". The playground, CSV commands and webviews arrive with later work.
 */
import * as vscode from 'vscode';
import { modelConfig, type CellKind } from '../engine/index';
import { EngineClient } from './engineClient';

/** Called by VS Code on first use of a contributed command. */
export function activate(context: vscode.ExtensionContext): void {
  const output = vscode.window.createOutputChannel('RNN Playground');
  const client = new EngineClient(vscode.Uri.joinPath(context.extensionUri, 'dist').fsPath);
  context.subscriptions.push(output, { dispose: () => client.dispose() });
  context.subscriptions.push(
    vscode.commands.registerCommand('rnnPlayground.gradientCheck', async (options?: { cell?: CellKind; hidden?: number; seed?: number }) => {
      const config = modelConfig({ cell: options?.cell ?? 'lstm', inputSize: 3, hiddenSize: options?.hidden ?? 8 });
      const reply = await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: 'RNN Playground: gradient check' },
        () => client.request({ type: 'gradcheck/run', config, steps: 6, batch: 3, seed: options?.seed ?? 0 }),
      );
      if (reply.type === 'error') {
        void vscode.window.showErrorMessage(`Gradient check failed: ${reply.message}`);
        return { error: reply.message };
      }
      if (reply.type !== 'gradcheck/result') return { error: `unexpected reply ${reply.type}` };
      const { maxRelErr, checked } = reply.report;
      output.appendLine(`Gradient check (${config.cell}, hidden ${config.hiddenSize}): max relative error ${maxRelErr.toExponential(2)} over ${checked} entries`);
      const ok = maxRelErr < 1e-5;
      void (ok ? vscode.window.showInformationMessage : vscode.window.showWarningMessage)(
        `Gradient check ${ok ? 'passed' : 'FAILED'}: max relative error ${maxRelErr.toExponential(2)} over ${checked} entries.`,
      );
      return { maxRelErr, checked };
    }),
  );
}

/** Nothing to clean beyond the subscriptions. */
export function deactivate(): void {}
