// UI tests in a real VS Code: code-server (VS Code 1.100 as a web app, installed offline by setup-vscode.sh) with the
// packaged VSIX installed, driven by Playwright in Debian's Chromium like a user: the command palette, the explorer's
// right-click menu, notifications, the status bar and the side view. Screenshots go to test-results/.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { packageVsix, startCodeServer } from '../../scripts/codeServer.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const shots = join(root, 'test-results');
let server;
let browser;
let page;
let workspace;
// RNNPG_THEME=light|dark|hc runs the suite in another theme (screenshots are named after it)
const THEMES = { dark: 'Default Dark Modern', light: 'Default Light Modern', hc: 'Default High Contrast' };
const THEME_KEY = process.env.RNNPG_THEME in THEMES ? process.env.RNNPG_THEME : 'dark';
const THEME = THEMES[THEME_KEY];
const cspViolations = [];
const consoleErrors = [];

before(async () => {
  mkdirSync(shots, { recursive: true });
  const entry = execFileSync('bash', [join(root, 'scripts/setup-vscode.sh')], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] }).trim().split('\n').pop();
  workspace = mkdtempSync(join(tmpdir(), 'rnnpg-ws-'));
  cpSync(join(root, 'samples'), workspace, { recursive: true, filter: (src) => !/\.model\.json$|-pytorch$/.test(src) });
  const vsix = packageVsix(root, mkdtempSync(join(tmpdir(), 'rnnpg-vsix-')));
  server = await startCodeServer({ entry, root, workspace, install: vsix, settings: { 'rnnPlayground.defaults.epochs': 40, 'workbench.colorTheme': THEME } });
  browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
  page = await (await browser.newContext({ viewport: { width: 1400, height: 900 } })).newPage();
  page.on('console', (m) => {
    if (/Content Security Policy/i.test(m.text())) cspViolations.push(m.text());
    if (m.type() === 'error' && !/vsda|ECONNREFUSED|127\.0\.0\.1:9\//.test(m.text())) consoleErrors.push(m.text());
  });
  await page.goto(server.url);
  await page.locator('.explorer-folders-view .monaco-list-row', { hasText: 'adding-50.csv' }).first().waitFor({ timeout: 90000 });
  // the explorer shows before extensions are registered; the activity-bar icon means ours is
  await page.locator('.activitybar .action-item a[aria-label^="RNN Playground"]').first().waitFor({ timeout: 90000 });
});

after(async () => {
  await browser?.close();
  server?.stop();
});

/** Runs `fn`; on failure saves a screenshot and adds the code-server log to the error. */
async function step(name, fn) {
  try {
    await fn();
  } catch (e) {
    await page.screenshot({ path: join(shots, `failure-${name}.png`) }).catch(() => {});
    throw new Error(`${e.message}\n--- console errors ---\n${consoleErrors.join('\n')}\n--- code-server log (tail) ---\n${server.log().slice(-3000)}`);
  }
}

/** Opens the palette and types `>` + title. */
async function openPalette(title) {
  const input = page.locator('.quick-input-widget .quick-input-box input');
  await page.keyboard.press('F1');
  await input.waitFor();
  await input.fill(`>${title}`);
}

/** Runs a command from the palette like a user. */
async function runCommand(title) {
  await openPalette(title);
  await page.locator('.quick-input-widget .monaco-list-row', { hasText: title }).first().click();
}

/**
 * Right-clicks a file in the explorer until its context menu is open (the explorer may re-render under the pointer
 * when files appear, closing a menu), and returns the menu items' labels. `expect`: an item to wait for.
 */
async function contextMenu(file, expect = null) {
  const row = page.locator('.explorer-folders-view .monaco-list-row', { hasText: file }).first();
  if (!(await row.isVisible())) await runCommand('View: Show Explorer');
  for (let attempt = 0; ; attempt++) {
    await row.click({ button: 'right' });
    try {
      await (expect ? page.getByRole('menuitem', { name: expect }) : page.getByRole('menuitem').first()).waitFor({ timeout: 5000 });
      return page.getByRole('menuitem').allInnerTexts();
    } catch (e) {
      if (attempt >= 4) throw e;
      await page.keyboard.press('Escape');
    }
  }
}

/**
 * Right-clicks `file` and chooses the menu item `name`; starts over if the menu closes under the pointer (the
 * explorer re-renders when files appear). The click waits for the menu to settle: one that lands while the menu is
 * still being placed can hit a neighbouring item.
 */
async function menuAction(file, name) {
  const item = page.getByRole('menuitem', { name });
  for (let attempt = 0; ; attempt++) {
    try {
      await contextMenu(file, name);
      await page.waitForTimeout(400);
      await item.click({ timeout: 3000 });
      await item.waitFor({ state: 'hidden', timeout: 5000 });
      return;
    } catch (e) {
      if (attempt >= 4) throw e;
      await page.keyboard.press('Escape');
    }
  }
}

/** The visible notification toast containing `text`. */
function toast(text) {
  return page.locator('.notifications-toasts .notification-toast', { hasText: text }).first();
}

async function clearToasts() {
  await runCommand('Notifications: Clear All Notifications');
}

test('"Run Gradient Check" from the command palette runs in the engine worker and reports a passing check', async () => {
  await step('gradient-check', async () => {
    await runCommand('RNN Playground: Run Gradient Check');
    const t = toast('Gradient check passed');
    await t.waitFor({ timeout: 90000 });
    assert.match((await t.innerText()).replace(/\s+/g, ' '), /max relative error \d\.\d\de-\d+ over \d+ entries/);
    await page.screenshot({ path: join(shots, 'vscode-gradient-check.png') });
    await clearToasts();
  });
});

test('"Train on This CSV" appears only for CSV files and is hidden from the palette', async () => {
  await step('menus', async () => {
    const onReadme = await contextMenu('README.md');
    await page.keyboard.press('Escape');
    assert.ok(!onReadme.some((l) => l.includes('Train on This CSV')), `README.md menu: ${onReadme.join(' | ')}`);
    await openPalette('RNN Playground: Train on');
    const rows = page.locator('.quick-input-widget .monaco-list-row');
    await rows.first().waitFor();
    const labels = (await rows.allInnerTexts()).join(' | ');
    await page.keyboard.press('Escape');
    assert.match(labels, /Train on Current File/);
    assert.doesNotMatch(labels, /Train on This CSV/);
  });
});

test('right-click a sample CSV → "Train on This CSV": visible progress, a result, the status bar and the side view', async () => {
  await step('train', async () => {
    const items = await contextMenu('adding-50.csv', 'Train on This CSV');
    assert.ok(items.some((l) => l.includes('Train on This CSV')), `CSV menu: ${items.join(' | ')}`);
    await page.keyboard.press('Escape');
    await menuAction('adding-50.csv', 'Train on This CSV');
    const progress = toast('training on adding-50.csv');
    await progress.waitFor({ timeout: 60000 });
    await progress.filter({ hasText: /epoch \d+\/40, loss/ }).waitFor({ timeout: 60000 });
    await progress.locator('.monaco-button', { hasText: 'Cancel' }).waitFor({ timeout: 5000 });
    await page.screenshot({ path: join(shots, 'vscode-train-progress.png') });
    const done = toast('LSTM trained on adding-50.csv');
    await done.waitFor({ timeout: 120000 });
    const text = (await done.innerText()).replace(/\s+/g, ' ');
    assert.match(text, /validation loss \d[\d.e-]* vs \d[\d.e-]* for predict the training mean/);
    const status = page.locator('.statusbar-item', { hasText: 'RNN lstm' }).first();
    await status.waitFor({ timeout: 10000 });
    assert.match(await status.innerText(), /val \d/);
    await page.screenshot({ path: join(shots, 'vscode-train-result.png') });
    assert.ok(readdirSync(workspace).includes('adding-50.model.json'), 'model saved beside the CSV');
    await clearToasts();
  });
});

test('"Open Playground" shows the side view with the data source, the loss sparkline and the latest result', async () => {
  await step('side-view', async () => {
    await runCommand('RNN Playground: Open Playground');
    let frame = null;
    for (let i = 0; i < 100 && !frame; i++) {
      for (const f of page.frames()) {
        if (!f.url().includes('/webview/')) continue;
        if (await f.locator('#sidebar').count().catch(() => 0)) frame = f;
      }
      if (!frame) await page.waitForTimeout(200);
    }
    assert.ok(frame, 'side view webview frame');
    await frame.locator('svg.spark polyline').waitFor({ timeout: 10000 });
    const body = await frame.locator('#sidebar').innerText();
    assert.match(body, /adding-50\.csv/);
    assert.match(body, /validation loss/);
    const points = (await frame.locator('svg.spark polyline').getAttribute('points')).trim().split(/\s+/);
    assert.equal(points.length, 40, 'one sparkline point per epoch');
    const ys = points.map((p) => Number(p.split(',')[1]));
    assert.ok(Math.max(...ys) - Math.min(...ys) > 5, 'the sparkline is not flat');
    const box = await frame.locator('svg.spark').boundingBox();
    assert.ok(box && box.width > 100 && box.height > 20, `sparkline box ${JSON.stringify(box)}`);
    await page.screenshot({ path: join(shots, 'vscode-side-view.png') });
  });
});

/** The webview frame whose document has `selector`. */
async function webviewFrame(selector) {
  for (let i = 0; i < 100; i++) {
    for (const f of page.frames()) {
      if (!f.url().includes('/webview/')) continue;
      if (await f.locator(selector).count().catch(() => 0)) return f;
    }
    await page.waitForTimeout(200);
  }
  throw new Error(`no webview with ${selector}`);
}

/** Non-blank pixels of a canvas (alpha > 0). */
function inkOf(frame, selector) {
  return frame.locator(selector).first().evaluate((canvas) => {
    const ctx = canvas.getContext('2d');
    const { data } = ctx.getImageData(0, 0, canvas.width, canvas.height);
    let n = 0;
    for (let i = 3; i < data.length; i += 4) if (data[i] > 0) n++;
    return { ink: n, total: canvas.width * canvas.height };
  });
}

test('the playground panel shows the loss charts and the gradient heatmap with real content', async () => {
  await step('panel', async () => {
    const frame = await webviewFrame('#panel [data-view="training"]');
    await frame.locator('.chart canvas').first().waitFor();
    assert.match(await frame.locator('.summary').first().innerText(), /LSTM · 40\/40 epochs .* validation loss/);
    assert.equal(await frame.locator('.chart canvas').count(), 3);
    for (let i = 0; i < 3; i++) {
      const { ink, total } = await inkOf(frame, `.chart:nth-child(${i + 1}) canvas`);
      assert.ok(ink > total * 0.02, `chart ${i + 1}: ${ink} of ${total} pixels drawn`);
    }
    await page.screenshot({ path: join(shots, `panel-training-${THEME_KEY}.png`) });
    await frame.getByRole('tab', { name: 'Gradients' }).click();
    await frame.locator('[data-view="gradients"] canvas').first().waitFor();
    const { ink, total } = await inkOf(frame, '[data-view="gradients"] canvas');
    assert.ok(ink > total * 0.3, `heatmap: ${ink} of ${total} pixels drawn`);
    await page.screenshot({ path: join(shots, `panel-gradients-${THEME_KEY}.png`) });
    // the unrolled graph: collapsed to the first and last steps, then expanded to one node per time step
    await frame.getByRole('tab', { name: 'Unrolled Graph' }).click();
    const graph = frame.locator('[data-view="graph"] svg.unrolled');
    await graph.waitFor();
    const collapsed = await graph.locator('.step').count();
    assert.ok(collapsed >= 2 && collapsed < 50, `${collapsed} step nodes while collapsed`);
    await page.screenshot({ path: join(shots, `panel-graph-${THEME_KEY}.png`) });
    await frame.locator('[data-view="graph"] .ellipsis').first().click();
    await frame.waitForFunction(() => document.querySelectorAll('[data-view="graph"] svg.unrolled .step').length === 50);
    assert.equal(await graph.locator('.step').count(), 50, 'one h_t node per time step of the 50-step sequences');
    await graph.locator('.step[data-step="7"]').first().click();
    assert.match(await frame.locator('[data-view="graph"] [aria-live]').innerText(), /step 7: ‖∂L\/∂h_7‖ = /);
  });
});

test('right-click → "Verify Vanishing-Gradient Bound on Current File" reports a verdict on the trained model', async () => {
  await step('verify', async () => {
    await menuAction('adding-50.csv', 'Verify Vanishing-Gradient Bound on Current File');
    const t = toast('Bound (trained model adding-50.model.json');
    await t.waitFor({ timeout: 60000 });
    assert.match((await t.innerText()).replace(/\s+/g, ' '), /50 steps\): .*Effective memory \d+ steps/);
    await page.screenshot({ path: join(shots, 'vscode-verify.png') });
    // Verify opens the panel's Bound view: the verdict in words and the chart
    const frame = await webviewFrame('#panel [data-view="bound"] .verdict');
    assert.match(await frame.locator('.verdict').innerText(), /no bound for a gated cell/);
    const { ink, total } = await inkOf(frame, '[data-view="bound"] canvas');
    assert.ok(ink > total * 0.01, `bound chart: ${ink} of ${total} pixels drawn`);
    await page.screenshot({ path: join(shots, `panel-bound-${THEME_KEY}.png`) });
    await clearToasts();
  });
});

test('Cancel in the progress notification stops a run at once and keeps the partial model', async () => {
  await step('cancel', async () => {
    // a long run: the experiment file asks for 1000 epochs; right-click it → Train on Current File
    const expFile = join(workspace, 'intraday-sessions.rnn.json');
    const exp = JSON.parse(readFileSync(expFile, 'utf8'));
    exp.training.epochs = 1000;
    writeFileSync(expFile, JSON.stringify(exp, null, 2));
    await menuAction('intraday-sessions.rnn.json', 'Train on Current File');
    const progress = page.locator('.notifications-toasts .notification-toast', { hasText: /training on intraday-sessions\.rnn\.json: gru: epoch ([2-9]|\d\d+)\/1000/ }).first();
    await progress.waitFor({ timeout: 60000 });
    const t0 = Date.now();
    await progress.locator('.monaco-button', { hasText: 'Cancel' }).click();
    const stopped = toast('Training stopped after');
    await stopped.waitFor({ timeout: 10000 });
    const ms = Date.now() - t0;
    const m = /stopped after (\d+) of 1000 epochs/.exec((await stopped.innerText()).replace(/\s+/g, ' '));
    assert.ok(m && Number(m[1]) >= 1 && Number(m[1]) < 1000, await stopped.innerText());
    assert.ok(ms < 3000, `the result showed ${ms} ms after Cancel`);
    await page.waitForTimeout(400); // let the toast finish fading in
    await page.screenshot({ path: join(shots, 'vscode-cancelled.png') });
    assert.ok(readdirSync(workspace).includes('intraday-sessions.model.json'), 'the partial model is saved');
    await clearToasts();
  });
});

test('no Content Security Policy violations in the webviews', () => {
  assert.deepEqual(cspViolations, []);
});

test('the workspace only gained the files the commands said they wrote', () => {
  const added = readdirSync(workspace).filter((f) => !existsSync(join(root, 'samples', f)));
  assert.deepEqual(added.sort(), ['adding-50.model.json', 'intraday-sessions.model.json']);
});
