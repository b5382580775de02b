// Starts code-server (VS Code 1.100 as a web app) on 127.0.0.1 with this extension installed (from the packaged VSIX,
// or as a copied folder), with its own config, user data and extensions folders and no gallery, and stops exactly the
// process it started.
import { execFileSync, spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A free TCP port on 127.0.0.1. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

/** Copies the built extension (package.json, dist, media, README, LICENSE) into extensionsDir as an installed folder. */
export function installExtension(root, extensionsDir) {
  const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  const dest = join(extensionsDir, `${manifest.publisher}.${manifest.name}-${manifest.version}`);
  mkdirSync(dest, { recursive: true });
  rmSync(dest, { recursive: true, force: true });
  mkdirSync(dest, { recursive: true });
  for (const f of ['package.json', 'README.md', 'LICENSE']) cpSync(join(root, f), join(dest, f));
  for (const d of ['dist', 'media']) if (existsSync(join(root, d))) cpSync(join(root, d), join(dest, d), { recursive: true });
  return dest;
}

const GALLERY = JSON.stringify({ serviceUrl: 'http://127.0.0.1:9/gallery', itemUrl: 'http://127.0.0.1:9/item', resourceUrlTemplate: 'http://127.0.0.1:9/{publisher}/{name}/{version}/{path}' });

/** Packages the extension as a VSIX (offline, no dependencies bundled: everything is in dist/). Returns its path. */
export function packageVsix(root, outDir) {
  const out = join(outDir, 'rnn-playground.vsix');
  execFileSync(join(root, 'node_modules/.bin/vsce'), ['package', '--no-dependencies', '--allow-missing-repository', '--no-rewrite-relative-links', '--out', out], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
  return out;
}

/**
 * Starts code-server on `workspace`; resolves once /healthz answers. `install`: 'folder' (copy the built extension),
 * a path to a .vsix (installed with --install-extension), or 'none' (the tests load it as a development extension).
 * `settings` are added to the user settings. Returns { url, port, pid, base, stop(), log() }.
 */
export async function startCodeServer({ entry, root, workspace, install = 'folder', settings = {}, base = mkdtempSync(join(tmpdir(), 'rnnpg-vscode-')), port: wanted = 0 }) {
  const userData = join(base, 'user');
  const extensions = join(base, 'extensions');
  mkdirSync(join(userData, 'User'), { recursive: true });
  mkdirSync(extensions, { recursive: true });
  writeFileSync(join(userData, 'User', 'settings.json'), JSON.stringify({
    'workbench.startupEditor': 'none',
    'telemetry.telemetryLevel': 'off',
    'update.mode': 'none',
    'extensions.autoCheckUpdates': false,
    'extensions.autoUpdate': false,
    'workbench.enableExperiments': false,
    'security.workspace.trust.enabled': false,
    ...settings,
  }));
  const config = join(base, 'config.yaml');
  writeFileSync(config, 'auth: none\n');
  const env = { ...process.env, EXTENSIONS_GALLERY: GALLERY };
  if (install === 'folder') installExtension(root, extensions);
  else if (install !== 'none') {
    execFileSync(process.execPath, [entry, '--user-data-dir', userData, '--extensions-dir', extensions, '--install-extension', install], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  }
  const port = wanted || (await freePort());
  const lines = [];
  const child = spawn(process.execPath, [
    entry, '--auth', 'none', '--bind-addr', `127.0.0.1:${port}`, '--disable-telemetry', '--disable-update-check',
    '--disable-workspace-trust', '--disable-getting-started-override', '--config', config,
    '--user-data-dir', userData, '--extensions-dir', extensions, workspace,
  ], {
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout.on('data', (d) => lines.push(String(d)));
  child.stderr.on('data', (d) => lines.push(String(d)));
  const stop = () => {
    if (child.exitCode === null) child.kill('SIGTERM');
  };
  process.once('exit', stop);
  const deadline = Date.now() + 90000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`code-server exited with ${child.exitCode}:\n${lines.join('')}`);
    try {
      const r = await fetch(`http://127.0.0.1:${port}/healthz`);
      if (r.ok) break;
    } catch {
      /* not up yet */
    }
    if (Date.now() > deadline) {
      stop();
      throw new Error(`code-server did not answer on 127.0.0.1:${port} within 90 s:\n${lines.join('')}`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  return { url: `http://127.0.0.1:${port}/?folder=${encodeURIComponent(workspace)}`, port, pid: child.pid, base, stop, log: () => lines.join('') };
}
