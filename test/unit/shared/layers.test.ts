/**
 * Every import in src/ and webview/ goes in the direction of ARCHITECTURE.md: engine ← data ← worker ← extension,
 * the CLI beside the worker, the webviews through src/shared/protocol only, and vscode only in the extension.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';

const ROOT = join(import.meta.dirname, '..', '..', '..');

type Layer = 'engine' | 'data' | 'shared' | 'threads' | 'worker' | 'extension' | 'cli' | 'webview' | 'layers';

/** What each layer may import from src/ and webview/ (besides itself). */
const ALLOWED: Record<Layer, Layer[]> = {
  engine: [],
  data: ['engine'],
  shared: ['engine', 'data'],
  threads: ['engine'],
  worker: ['engine', 'data', 'shared', 'threads'],
  cli: ['engine', 'data', 'shared', 'threads'],
  extension: ['engine', 'data', 'shared'],
  webview: ['shared'],
  layers: [],
};

function layerOf(file: string): Layer | null {
  const rel = relative(ROOT, file).split(sep);
  if (rel[0] === 'webview') return 'webview';
  if (rel[0] === 'src' && rel[1] in ALLOWED) return rel[1] as Layer;
  return null;
}

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) return sources(p);
    return /\.ts$/.test(name) && !/\.d\.ts$/.test(name) ? [p] : [];
  });
}

/** The module specifiers a file imports or re-exports (static and dynamic). */
export function importsOf(text: string): string[] {
  const out: string[] = [];
  const re = /(?:^|\n)\s*(?:import|export)\s[^'"`;]*?from\s*['"]([^'"]+)['"]|(?:^|\n)\s*import\s*['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g;
  for (let m = re.exec(text); m; m = re.exec(text)) out.push(m[1] ?? m[2] ?? m[3]);
  return out;
}

test('the import scanner sees static, side-effect, type-only, re-export and dynamic imports', () => {
  const text = [
    "import { a } from '../engine/index';",
    "import type { B } from '../data/dataset';",
    "import './side-effect';",
    "export { c } from '../shared/protocol';",
    "export type { D } from './d';",
    'import {',
    '  e,',
    "} from 'vscode';",
    "const f = await import('../worker/jobs');",
  ].join('\n');
  assert.deepEqual(importsOf(text), ['../engine/index', '../data/dataset', './side-effect', '../shared/protocol', './d', 'vscode', '../worker/jobs']);
});

test('every import follows the layers: engine ← data ← worker/cli ← extension ⇄ webview (through the protocol); vscode only in the extension', () => {
  const files = [...sources(join(ROOT, 'src')), ...sources(join(ROOT, 'webview'))];
  assert.ok(files.length > 50, `${files.length} source files`);
  const wrong: string[] = [];
  for (const file of files) {
    const from = layerOf(file);
    if (!from) continue;
    for (const spec of importsOf(readFileSync(file, 'utf8'))) {
      const where = relative(ROOT, file);
      if (spec === 'vscode') {
        if (from !== 'extension') wrong.push(`${where} imports vscode`);
        continue;
      }
      if (!spec.startsWith('.')) continue; // packages and node:*: the layers' tsconfigs decide (the engine has types [])
      const target = resolve(dirname(file), spec);
      const to = layerOf(target);
      if (!to || to === from) continue;
      if (!ALLOWED[from].includes(to)) wrong.push(`${where} imports ${spec} (${from} → ${to})`);
      if (from === 'webview' && relative(ROOT, target).replace(/\.ts$/, '') !== join('src', 'shared', 'protocol')) {
        wrong.push(`${where} imports ${spec}: the webview imports only src/shared/protocol`);
      }
    }
  }
  assert.deepEqual(wrong, []);
});

test('only webview/components imports the webview UI toolkit (so another toolkit replaces that folder only), and every view uses it', () => {
  const files = [...sources(join(ROOT, 'src')), ...sources(join(ROOT, 'webview')), ...sources(join(ROOT, 'test'))];
  const importers = files.filter((f) => importsOf(readFileSync(f, 'utf8')).some((s) => s.startsWith('@vscode/webview-ui-toolkit')))
    .map((f) => relative(ROOT, f).split(sep).join('/'));
  assert.deepEqual(importers, ['webview/components/index.ts']);
  // the controls come from the wrappers: no native <button>, <select> or <input> is built outside them, except the
  // chart legends' toggles (KaTeX labels inside) and the equation editor's <textarea>
  const native = sources(join(ROOT, 'webview')).filter((f) => !f.includes(`${sep}components${sep}`)).flatMap((f) => {
    const text = readFileSync(f, 'utf8');
    return [...text.matchAll(/el\('(button|select|input|option|progress)'/g)].map((m) => `${relative(ROOT, f).split(sep).join('/')}: ${m[1]}`);
  });
  assert.deepEqual(native, ['webview/main.ts: progress', 'webview/ui.ts: button']);
});
