// Bundles the four entry points into dist/: the extension host (node, vscode external), the engine worker (node),
// the webview (browser) and the CLI (node, executable). `node esbuild.mjs --watch` rebuilds on change.
import { build, context } from 'esbuild';
import { chmodSync } from 'node:fs';

const watch = process.argv.includes('--watch');
const common = { bundle: true, sourcemap: true, logLevel: 'warning', target: 'es2022' };
const targets = [
  { ...common, entryPoints: ['src/extension/extension.ts'], outfile: 'dist/extension.js', platform: 'node', format: 'cjs', external: ['vscode'] },
  { ...common, entryPoints: ['src/worker/worker.ts'], outfile: 'dist/worker.js', platform: 'node', format: 'cjs' },
  { ...common, entryPoints: ['webview/main.ts'], outfile: 'dist/webview.js', platform: 'browser', format: 'iife' },
  { ...common, entryPoints: ['webview/panel.ts'], outfile: 'dist/panel.js', platform: 'browser', format: 'iife' },
  { ...common, entryPoints: ['src/cli/main.ts'], outfile: 'dist/cli.js', platform: 'node', format: 'cjs', banner: { js: '#!/usr/bin/env node' } },
  // extension-host tests (not shipped): loaded by VS Code as extensionTestsPath
  { ...common, entryPoints: ['test/vscode/index.ts'], outfile: 'out/test/index.js', platform: 'node', format: 'cjs', external: ['vscode', 'mocha'] },
];

if (watch) {
  for (const t of targets) await (await context(t)).watch();
  console.log('esbuild: watching');
} else {
  await Promise.all(targets.map((t) => build(t)));
  chmodSync('dist/cli.js', 0o755);
  console.log('esbuild: built dist/extension.js, dist/worker.js, dist/webview.js, dist/panel.js, dist/cli.js, out/test/index.js');
}
