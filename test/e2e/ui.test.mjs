// Tests in a real VS Code: code-server (VS Code 1.100 as a web app, installed offline by setup-vscode.sh) with this
// extension installed, driven by Playwright in Debian's Chromium like a user. Screenshots go to test-results/.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { startCodeServer } from './codeServer.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const shots = join(root, 'test-results');
let server;
let browser;
let page;

before(async () => {
  mkdirSync(shots, { recursive: true });
  const entry = execFileSync('bash', [join(root, 'test/e2e/setup-vscode.sh')], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] }).trim().split('\n').pop();
  const workspace = mkdtempSync(join(tmpdir(), 'rnnpg-ws-'));
  cpSync(join(root, 'samples'), workspace, { recursive: true });
  server = await startCodeServer({ entry, root, workspace });
  browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
  page = await (await browser.newContext({ viewport: { width: 1400, height: 900 } })).newPage();
  await page.goto(server.url);
  await page.locator('.explorer-folders-view .monaco-list-row', { hasText: 'adding-50.csv' }).first().waitFor({ timeout: 90000 });
});

after(async () => {
  await browser?.close();
  server?.stop();
});

/** Runs a command from the palette like a user; retries while extensions are still registering. */
async function runCommand(title) {
  const input = page.locator('.quick-input-widget .quick-input-box input');
  const row = page.locator('.quick-input-widget .monaco-list-row', { hasText: title }).first();
  for (let attempt = 0; ; attempt++) {
    await page.keyboard.press('F1');
    await input.waitFor();
    await input.fill(`>${title}`);
    try {
      await row.waitFor({ timeout: 3000 });
      break;
    } catch (e) {
      if (attempt >= 30) throw e;
      await page.keyboard.press('Escape');
    }
  }
  await row.click();
}

test('"Run Gradient Check" from the command palette runs in the engine worker and reports a passing check', async () => {
  try {
    await runCommand('RNN Playground: Run Gradient Check');
    const toast = page.locator('.notifications-toasts .notification-toast', { hasText: 'Gradient check passed' });
    await toast.waitFor({ timeout: 90000 });
    const text = (await toast.innerText()).replace(/\s+/g, ' ');
    assert.match(text, /max relative error \d\.\d\de-\d+ over \d+ entries/);
    await page.screenshot({ path: join(shots, 'vscode-gradient-check.png') });
  } catch (e) {
    await page.screenshot({ path: join(shots, 'vscode-failure.png') }).catch(() => {});
    throw new Error(`${e.message}\n--- code-server log (tail) ---\n${server.log().slice(-3000)}`);
  }
});
