/** Helpers for the extension-host tests. */
import * as vscode from 'vscode';
import * as path from 'node:path';
import type { PlaygroundApi } from '../../src/extension/extension';

/** The activated extension's API. */
export async function playground(): Promise<PlaygroundApi> {
  const ext = vscode.extensions.getExtension<PlaygroundApi>('rnn-playground.rnn-playground');
  if (!ext) throw new Error('extension rnn-playground.rnn-playground is not installed');
  return ext.activate();
}

/** A file of the test workspace (a copy of samples/). */
export function workspaceFile(name: string): vscode.Uri {
  const folder = vscode.workspace.workspaceFolders?.[0];
  if (!folder) throw new Error('the tests need a workspace folder');
  return vscode.Uri.file(path.join(folder.uri.fsPath, name));
}

/** Waits until `check` returns true (polling), or fails after `ms`. */
export async function until(check: () => boolean, ms: number, what: string): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Runs a command programmatically, as the tests and other extensions do. */
export function run<T>(id: string, ...args: unknown[]): Thenable<T> {
  return vscode.commands.executeCommand<T>(id, ...args);
}
