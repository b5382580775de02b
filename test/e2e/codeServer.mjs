// Starts code-server (VS Code 1.100 as a web app) on 127.0.0.1 with this extension installed as a folder, with its
// own config, user data and extensions folders and no gallery, and stops exactly the process it started.
import { spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
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
  for (const f of ['package.json', 'README.md', 'LICENSE']) cpSync(join(root, f), join(dest, f));
  for (const d of ['dist', 'media']) if (existsSync(join(root, d))) cpSync(join(root, d), join(dest, d), { recursive: true });
  return dest;
}

/**
 * Starts code-server on `workspace`; resolves once /healthz answers.
 * Returns { url, port, pid, stop(), log() }.
 */
export async function startCodeServer({ entry, root, workspace }) {
  const base = mkdtempSync(join(tmpdir(), 'rnnpg-vscode-'));
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
  }));
  const config = join(base, 'config.yaml');
  writeFileSync(config, 'auth: none\n');
  installExtension(root, extensions);
  const port = await freePort();
  const lines = [];
  const child = spawn(process.execPath, [
    entry, '--auth', 'none', '--bind-addr', `127.0.0.1:${port}`, '--disable-telemetry', '--disable-update-check',
    '--disable-workspace-trust', '--disable-getting-started-override', '--config', config,
    '--user-data-dir', userData, '--extensions-dir', extensions, workspace,
  ], {
    env: {
      ...process.env,
      EXTENSIONS_GALLERY: JSON.stringify({ serviceUrl: 'http://127.0.0.1:9/gallery', itemUrl: 'http://127.0.0.1:9/item', resourceUrlTemplate: 'http://127.0.0.1:9/{publisher}/{name}/{version}/{path}' }),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout.on('data', (d) => lines.push(String(d)));
  child.stderr.on('data', (d) => lines.push(String(d)));
  const stop = () => {
    if (child.exitCode === null) child.kill('SIGTERM');
  };
  const deadline = Date.now() + 30000;
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
      throw new Error(`code-server did not answer on 127.0.0.1:${port} within 30 s:\n${lines.join('')}`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  return { url: `http://127.0.0.1:${port}/?folder=${encodeURIComponent(workspace)}`, port, pid: child.pid, stop, log: () => lines.join('') };
}
