// `npm start`: opens the playground on a sample workspace in a real VS Code. With the desktop `code` on PATH, it
// opens a window with this extension in development mode; otherwise it installs (once, cached) and starts a local
// code-server bound to 127.0.0.1 and prints the URL to open. The workspace is a copy of samples/ in the cache folder,
// so training never writes into the clone. Expects `npm run build` to have run (npm start does it first).
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startCodeServer } from './codeServer.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const cache = process.env.RNNPG_CACHE || join(homedir(), '.cache', 'rnn-playground');
const workspace = join(cache, 'playground-workspace');
const settings = { 'rnnPlayground.showPlaygroundOnStartup': true };

if (!existsSync(join(root, 'dist', 'extension.js'))) {
  console.error('dist/ is missing: run `npm start` (it builds first) or `npm run build`.');
  process.exit(1);
}
// new sample files are added; files already there (and the user's edits) are kept
mkdirSync(workspace, { recursive: true });
cpSync(join(root, 'samples'), workspace, { recursive: true, force: false });
console.log(`Sample workspace: ${workspace}`);

const hasCode = spawnSync(process.platform === 'win32' ? 'where' : 'which', ['code'], { stdio: 'ignore' }).status === 0;
if (hasCode && process.env.RNNPG_USE_CODE_SERVER !== '1') {
  // desktop VS Code: the extension from this folder in development mode, on the sample workspace
  const child = spawn('code', ['--new-window', `--extensionDevelopmentPath=${root}`, workspace], { stdio: 'inherit', detached: true });
  child.unref();
  console.log(`Opened VS Code on ${workspace} with RNN Playground in development mode.`);
  console.log('Right-click a CSV in the Explorer and choose "Train on This CSV", or open the RNN Playground view in the activity bar.');
} else {
  console.log('No desktop `code` on PATH: starting a local code-server (VS Code in the browser).');
  const entry = execFileSync('bash', [join(root, 'scripts/setup-vscode.sh'), '--no-browser'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] }).trim().split('\n').pop();
  const base = join(cache, 'playground-vscode');
  mkdirSync(base, { recursive: true });
  const port = Number(process.env.PORT) || 0;
  const server = await startCodeServer({ entry, root, workspace, install: 'folder', settings, base, port });
  console.log(`\nRNN Playground is running at\n\n    ${server.url}\n\nOpen it in a browser on this machine (bound to 127.0.0.1 only; forward the port to reach it from elsewhere).`);
  console.log('Right-click a CSV in the Explorer → "Train on This CSV". Press Ctrl+C here to stop.');
  const stop = () => {
    server.stop();
    process.exit(0);
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  setInterval(() => {}, 1 << 30);
}
