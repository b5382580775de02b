// Extension-host tests in a real VS Code: code-server loads this repository as a development extension and runs the
// mocha suites of test/vscode (bundled to out/test/index.js by `npm run build`) inside its Node extension host.
// The workbench reports the result through window.codeAutomationExit / codeAutomationLog, which Playwright exposes.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { format } from 'node:util';
import { chromium } from 'playwright-core';
import { startCodeServer } from '../../scripts/codeServer.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
let server;
let browser;

after(async () => {
  await browser?.close();
  server?.stop();
});

test('mocha suites inside the VS Code extension host: every command, Stop, crash and stuck-worker recovery', async (t) => {
  assert.ok(existsSync(join(root, 'out/test/index.js')), 'run `npm run build` first (it bundles out/test/index.js)');
  const entry = execFileSync('bash', [join(root, 'scripts/setup-vscode.sh')], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] }).trim().split('\n').pop();
  const workspace = mkdtempSync(join(tmpdir(), 'rnnpg-ws-'));
  cpSync(join(root, 'samples'), workspace, { recursive: true });
  server = await startCodeServer({ entry, root, workspace, install: 'none' });
  browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
  const page = await (await browser.newContext({ viewport: { width: 1400, height: 900 } })).newPage();
  const output = [];
  let finish;
  const exitCode = new Promise((resolve) => {
    finish = resolve;
  });
  await page.exposeFunction('codeAutomationLog', (type, args) => {
    output.push(format(...(Array.isArray(args) ? args : [args])));
  });
  await page.exposeFunction('codeAutomationExit', (code) => finish(code));
  const remote = (p) => `vscode-remote://127.0.0.1:${server.port}${p}`;
  const payload = JSON.stringify([['extensionDevelopmentPath', remote(root)], ['extensionTestsPath', remote(join(root, 'out/test/index.js'))]]);
  await page.goto(`${server.url}&payload=${encodeURIComponent(payload)}`);
  const timeout = new Promise((resolve) => setTimeout(() => resolve('timeout'), 240_000));
  const code = await Promise.race([exitCode, timeout]);
  const text = output.join('\n');
  // the mocha report, without the workbench's own console noise (offline gallery, sockets)
  const noise = /^\s+at |socket|connection token|ECONNREFUSED|Service Worker|builtin extensions|ChatSession/;
  for (const line of text.split('\n')) if (line.trim() && !noise.test(line)) t.diagnostic(line);
  assert.notEqual(code, 'timeout', `the extension-host tests did not finish within 240 s\n${text}\n--- code-server log ---\n${server.log().slice(-3000)}`);
  assert.equal(code, 0, `extension-host tests failed:\n${text}`);
  assert.match(text, /(\d+) passed, 0 failed/);
});
