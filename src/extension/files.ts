/** Which file a command acts on: its argument, the active editor, or one the user picks. */
import * as vscode from 'vscode';
import * as path from 'node:path';

/** Kinds of files the commands take. */
export type FileKind = 'csv' | 'experiment' | 'model';

/** The kind of a file, from its name. */
export function kindOf(file: string): FileKind | null {
  if (/\.rnn\.json$/i.test(file)) return 'experiment';
  if (/\.model\.json$/i.test(file)) return 'model';
  if (/\.(csv|tsv)$/i.test(file)) return 'csv';
  return null;
}

const GLOBS: Record<FileKind, string> = { csv: '**/*.{csv,tsv}', experiment: '**/*.rnn.json', model: '**/*.model.json' };
const LABELS: Record<FileKind, string> = { csv: 'a CSV file', experiment: 'an experiment (*.rnn.json)', model: 'a model (*.model.json)' };

/** The file of the active editor tab (text editor, or a custom/preview editor showing a file). */
export function activeFile(): vscode.Uri | null {
  const doc = vscode.window.activeTextEditor?.document;
  if (doc && doc.uri.scheme === 'file') return doc.uri;
  const input = vscode.window.tabGroups.activeTabGroup.activeTab?.input as { uri?: unknown } | undefined;
  return input && input.uri instanceof vscode.Uri && input.uri.scheme === 'file' ? input.uri : null;
}

/**
 * Resolves the file a command should use: the given URI, else the active editor's file, else a quick pick of
 * workspace files of the accepted kinds. Returns null when the user dismisses the pick.
 */
export async function resolveFile(arg: unknown, kinds: FileKind[], purpose: string): Promise<string | null> {
  const accepted = (f: string): boolean => kinds.includes(kindOf(f) as FileKind);
  if (arg instanceof vscode.Uri) {
    if (!accepted(arg.fsPath)) throw new Error(`${path.basename(arg.fsPath)} is not ${kinds.map((k) => LABELS[k]).join(' or ')}`);
    return arg.fsPath;
  }
  if (typeof arg === 'string' && arg) return arg;
  const active = activeFile();
  if (active && accepted(active.fsPath)) return active.fsPath;
  const found: vscode.Uri[] = [];
  for (const k of kinds) found.push(...(await vscode.workspace.findFiles(GLOBS[k], '**/{node_modules,.git}/**', 500)));
  if (found.length === 0) {
    throw new Error(`Open ${kinds.map((k) => LABELS[k]).join(' or ')} first (no such file in the workspace) to ${purpose}.`);
  }
  const items = found.map((u) => ({ label: path.basename(u.fsPath), description: vscode.workspace.asRelativePath(path.dirname(u.fsPath)), uri: u }));
  const pick = await vscode.window.showQuickPick(items, { placeHolder: `Choose ${kinds.map((k) => LABELS[k]).join(' or ')} to ${purpose}`, matchOnDescription: true });
  return pick ? pick.uri.fsPath : null;
}

/** `dir/base.ext` → `dir/base` + suffix (for experiment and model names). */
export function sibling(file: string, suffix: string): string {
  const base = path.basename(file).replace(/(\.rnn\.json|\.model\.json|\.csv|\.tsv)$/i, '');
  return path.join(path.dirname(file), base + suffix);
}
