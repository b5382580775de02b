// Bundles the four entry points into dist/: the extension host (node, vscode external), the engine worker (node),
// the webview (browser) and the CLI (node, executable). `node esbuild.mjs --watch` rebuilds on change.
import { build, context } from 'esbuild';
import { chmodSync, copyFileSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';

const watch = process.argv.includes('--watch');
const common = { bundle: true, sourcemap: true, logLevel: 'warning', target: 'es2022' };
const targets = [
  // jsonc-parser's UMD entry loads its parts with a dynamic require that a bundle cannot follow: take its ES modules
  { ...common, entryPoints: ['src/extension/extension.ts'], outfile: 'dist/extension.js', platform: 'node', format: 'cjs', external: ['vscode'], mainFields: ['module', 'main'] },
  { ...common, entryPoints: ['src/worker/worker.ts'], outfile: 'dist/worker.js', platform: 'node', format: 'cjs' },
  { ...common, entryPoints: ['src/threads/helper.ts'], outfile: 'dist/threads.js', platform: 'node', format: 'cjs' },
  { ...common, entryPoints: ['webview/main.ts'], outfile: 'dist/webview.js', platform: 'browser', format: 'iife' },
  { ...common, entryPoints: ['webview/panel.ts'], outfile: 'dist/panel.js', platform: 'browser', format: 'iife' },
  { ...common, entryPoints: ['webview/lab.ts'], outfile: 'dist/lab.js', platform: 'browser', format: 'iife' },
  { ...common, entryPoints: ['src/cli/main.ts'], outfile: 'dist/cli.js', platform: 'node', format: 'cjs', banner: { js: '#!/usr/bin/env node' } },
  // extension-host tests (not shipped): loaded by VS Code as extensionTestsPath
  { ...common, entryPoints: ['test/vscode/index.ts'], outfile: 'out/test/index.js', platform: 'node', format: 'cjs', external: ['vscode', 'mocha'] },
];

/**
 * KaTeX's stylesheet and fonts for the webviews: dist/katex/katex.min.css and dist/katex/fonts/*.woff2. The CSS's
 * @font-face src lists are cut to their woff2 entry (every webview browser reads woff2), so the .woff/.ttf fallbacks
 * are not shipped; if the CSS ever references a font that was not copied, the build fails.
 */
function copyKatex() {
  const src = 'node_modules/katex/dist';
  mkdirSync('dist/katex/fonts', { recursive: true });
  const css = readFileSync(`${src}/katex.min.css`, 'utf8')
    .replace(/,url\(fonts\/[\w-]+\.woff\) format\("woff"\)/g, '')
    .replace(/,url\(fonts\/[\w-]+\.ttf\) format\("truetype"\)/g, '');
  const fonts = readdirSync(`${src}/fonts`).filter((f) => f.endsWith('.woff2'));
  for (const f of fonts) copyFileSync(`${src}/fonts/${f}`, `dist/katex/fonts/${f}`);
  for (const [, url] of css.matchAll(/url\(([^)]*)\)/g)) {
    const file = url.replace(/^["']|["']$/g, '');
    if (!file.startsWith('fonts/') || !fonts.includes(file.slice('fonts/'.length))) throw new Error(`katex.min.css refers to ${url}, which is not shipped`);
  }
  writeFileSync('dist/katex/katex.min.css', css);
}

if (watch) {
  copyKatex();
  for (const t of targets) await (await context(t)).watch();
  console.log('esbuild: watching');
} else {
  await Promise.all(targets.map((t) => build(t)));
  chmodSync('dist/cli.js', 0o755);
  copyKatex();
  console.log('esbuild: built dist/extension.js, dist/worker.js, dist/threads.js, dist/webview.js, dist/panel.js, dist/lab.js, dist/cli.js, dist/katex/, out/test/index.js');
}
