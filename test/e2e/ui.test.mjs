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
    // the workbench's own marketplace query (to the unreachable placeholder gallery) is not ours
    if (/Content Security Policy/i.test(m.text()) && !/127\.0\.0\.1:9\//.test(m.text())) cspViolations.push(m.text() + ' @ ' + JSON.stringify(m.location()));
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
  // F1 can land while the workbench moves focus (a notification, an editor opening) and the palette closes again
  for (let attempt = 0; ; attempt++) {
    await page.keyboard.press('F1');
    try {
      await input.waitFor({ state: 'visible', timeout: 5000 });
      await input.fill(`>${title}`, { timeout: 5000 });
      return;
    } catch (e) {
      if (attempt >= 3) throw e;
      await page.keyboard.press('Escape');
    }
  }
}

/** Runs a command from the palette like a user. */
async function runCommand(title) {
  await openPalette(title);
  await page.locator('.quick-input-widget .monaco-list-row', { hasText: title }).first().click();
}

/** Opens a workspace file in the editor through Quick Open (by name, not by a click that a re-rendering explorer can move). */
async function openFile(name) {
  const input = page.locator('.quick-input-widget .quick-input-box input');
  await page.keyboard.press('F1');
  await input.waitFor();
  await input.fill(name);
  await page.locator('.quick-input-widget .monaco-list-row', { hasText: name }).first().click();
  await page.locator('.tab.active', { hasText: name }).first().waitFor({ timeout: 10000 });
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

/** The severity of a notification toast: 'info', 'warning' or 'error' (its icon). */
async function severityOf(t) {
  const cls = (await t.locator('.notification-list-item-icon').first().getAttribute('class')) ?? '';
  return /codicon-error/.test(cls) ? 'error' : /codicon-warning/.test(cls) ? 'warning' : /codicon-info/.test(cls) ? 'info' : `unknown (${cls})`;
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
    // a run that beats its baseline clearly: an information notification that says by how much
    const done = toast('On adding-50.csv, the LSTM beats the baseline');
    await done.waitFor({ timeout: 120000 });
    const text = (await done.innerText()).replace(/\s+/g, ' ');
    assert.match(text, /validation loss \d[\d.e-]* is [\d.,]+× lower than the baseline's \d[\d.e-]* \(predict the training mean\)/);
    assert.equal(await severityOf(done), 'info', text);
    const status = page.locator('.statusbar-item', { hasText: 'RNN lstm' }).first();
    await status.waitFor({ timeout: 10000 });
    assert.match(await status.innerText(), /[\d.,]+× better than baseline/);
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
    assert.match(await frame.locator('.verdict.good').innerText(), /✓ better: The LSTM beats the baseline/);
    const points = (await frame.locator('svg.spark polyline').getAttribute('points')).trim().split(/\s+/);
    // one point per epoch: 40, or fewer when early stopping (on by default for small data) ended the run
    assert.ok(points.length >= 10 && points.length <= 40, `${points.length} sparkline points`);
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
    assert.match(await frame.locator('.summary').first().innerText(), /LSTM · \d+\/40 epochs .* validation loss/);
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

/** Waits until `check()` is true (polling), or fails with `what`. */
async function until(check, ms, what) {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await page.waitForTimeout(100);
  }
}

/** The panel frame of `name` (its header names the file). */
async function panelOf(name, view = null) {
  return webviewFrame(`#panel:has(header h2[title$="${name}"])${view ? ` [data-view="${view}"]` : ''}`);
}

/** The value of a toolkit dropdown (webview/components). */
const valueOf = (dropdown) => dropdown.evaluate((e) => e.value);

/**
 * Chooses `value` in a toolkit dropdown as a user does: opens it and clicks the option. A view that redraws between
 * the two clicks (a preview arriving on a loaded machine) replaces the open dropdown with a closed one: open it again.
 */
async function choose(dropdown, value) {
  for (let attempt = 1; ; attempt++) {
    await dropdown.click();
    try {
      await dropdown.locator(`vscode-option[value="${value}"]`).click({ timeout: attempt < 4 ? 5000 : 30000 });
      return;
    } catch (e) {
      if (attempt >= 4) throw e;
    }
  }
}

/** Opens a tab of the panel in `frame` and waits for its view. */
async function openTab(frame, label, view) {
  await frame.getByRole('tab', { name: label, exact: true }).click();
  await frame.locator(`[data-view="${view}"]`).waitFor({ timeout: 10000 });
}

/** Switches the colour theme like a user: Preferences: Color Theme, type its name, Enter. */
async function setTheme(name) {
  await runCommand('Preferences: Color Theme');
  const input = page.locator('.quick-input-widget .quick-input-box input');
  await input.waitFor();
  await input.fill(name);
  // click the theme's own row: Enter could land on "Browse Additional Color Themes…", and a prefix would also match
  // "Default High Contrast Light"
  // (a row's accessible name is "Dark High Contrast, Default High Contrast": the label, then the theme's id)
  const exact = new RegExp(`(^|, )${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`);
  await page.locator('.quick-input-widget').getByRole('option', { name: exact }).first().click();
  await page.locator('.quick-input-widget').waitFor({ state: 'hidden' });
}

const expPath = () => join(workspace, 'intraday-sessions.rnn.json');
const expJson = () => { try { return JSON.parse(readFileSync(expPath(), 'utf8')); } catch { return { data: {}, model: {}, training: {} }; } };

test('the panel for an experiment: the Data view previews the CSV and its roles; the Model view edits the file; Train retrains', async () => {
  await step('model-view', async () => {
    // open the experiment in the editor, then "Open Playground" from the palette: the panel opens on its Data view
    await page.locator('.explorer-folders-view .monaco-list-row', { hasText: 'intraday-sessions.rnn.json' }).first().click();
    await page.locator('.tab', { hasText: 'intraday-sessions.rnn.json' }).first().waitFor({ timeout: 10000 });
    await runCommand('RNN Playground: Open Playground');
    const frame = await panelOf('intraday-sessions.rnn.json', 'data');
    await frame.locator('.data-table-body .data-table-row').nth(5).waitFor({ timeout: 30000 });
    const summary = await frame.locator('[data-view="data"] .summary').first().innerText();
    assert.match(summary, /intraday-sessions\.csv · 18,000 rows × \d+ columns · task classify · \d+ sequences/);
    // (the view redraws when the selected sequence's data arrives: count once the table has its rows again)
    let rows = 0;
    await until(async () => (rows = await frame.locator('.data-table-body .data-table-row').count()) > 5, 20000, 'the table rows');
    assert.ok(rows < 80, `${rows} rows in the DOM (virtualised)`);
    assert.equal(await frame.locator('.data-table').getAttribute('aria-rowcount'), '18001');
    assert.equal(await valueOf(frame.locator('vscode-dropdown[aria-label=\"Role of column label\"]')), 'label');
    // the selected sequence's series
    await frame.locator('[data-view="data"] .chart canvas').waitFor({ timeout: 30000 });
    const series = await inkOf(frame, '[data-view="data"] .chart canvas');
    assert.ok(series.ink > series.total * 0.01, `series plot: ${series.ink} of ${series.total} pixels drawn`);
    // scroll far down the table: rows arrive from the engine
    await frame.locator('.data-table').evaluate((t) => { t.scrollTop = t.scrollHeight / 2; });
    await frame.locator('.data-table-body .data-table-row[aria-rowindex="9002"] .data-table-cell:not(.data-table-placeholder)').first().waitFor({ timeout: 20000 }).catch(async () => {
      // the exact middle row depends on the viewport; any row past 8,000 with real cells will do
      await frame.waitForFunction(() => [...document.querySelectorAll('.data-table-body .data-table-row')].some((r) => Number(r.getAttribute('aria-rowindex')) > 8000 && !r.querySelector('.data-table-placeholder')), null, { timeout: 20000 });
    });
    await frame.locator('.data-table').evaluate((t) => { t.scrollTop = 0; });
    // a role changed in the Data view is written to the file, and the view follows it
    await choose(frame.locator('vscode-dropdown[aria-label=\"Role of column minute\"]'), 'ignored');
    await until(() => expJson().data.time === null, 10000, 'the experiment file to drop the time column');
    await until(async () => (await valueOf(frame.locator('vscode-dropdown[aria-label=\"Role of column minute\"]'))) === 'ignored', 10000, 'the Data view to show the new role');
    await choose(frame.locator('vscode-dropdown[aria-label=\"Role of column minute\"]'), 'time');
    await until(() => expJson().data.time === 'minute', 10000, 'the experiment file to have the time column again');

    // the Model view: equations, then change the cell to LSTM and the epochs to 5; the file follows
    // the tabs work by keyboard: from Data, ArrowRight selects Model
    await frame.locator('#tab-data').focus();
    await page.keyboard.press('ArrowRight');
    await frame.locator('[data-view="model"]').waitFor({ timeout: 10000 });
    assert.equal(await frame.locator('#tab-model').getAttribute('aria-selected'), 'true');
    await frame.locator('.equations .katex').first().waitFor();
    assert.match(await frame.locator('.equations h3').first().innerText(), /GRU/);
    // a cell from the registry the view does not name: IndRNN, its activations, equations and shapes from the catalog
    await frame.locator('#cell-indrnn').click();
    await until(() => expJson().model.cell === 'indrnn', 10000, 'the experiment file to say indrnn');
    await until(async () => /IndRNN \(tanh\)/.test(await frame.locator('.equations h3').first().innerText()), 10000, 'the IndRNN equations');
    assert.deepEqual(await frame.locator('#in-model-activation vscode-option').evaluateAll((os) => os.map((o) => o.getAttribute('value'))), ['tanh', 'relu']);
    assert.equal(await frame.locator('#in-model-coupled').count(), 0, 'no gate coupling for a cell without gates');
    const indrnn = await frame.locator('.equations').innerText();
    assert.match(indrnn, /diag\(φ′\(zₜ\) ⊙ u\)/);
    assert.match(indrnn, /u 16 \(a vector: W_h = diag\(u\)\)/);
    assert.deepEqual(await rawTexIn(frame), []);
    await page.screenshot({ path: join(shots, `panel-model-indrnn-${THEME_KEY}.png`) });
    await frame.locator('#cell-lstm').click();
    await until(() => expJson().model.cell === 'lstm', 10000, 'the experiment file to say lstm');
    await frame.locator('#cell-lstm[aria-checked="true"]').waitFor({ timeout: 10000 });
    await until(async () => /LSTM/.test(await frame.locator('.equations h3').first().innerText()), 10000, 'the LSTM equations');
    const epochs = frame.locator('#in-training-epochs input');
    await epochs.fill('5');
    await epochs.press('Enter');
    await until(() => expJson().training.epochs === 5, 10000, 'the experiment file to say 5 epochs');
    await page.screenshot({ path: join(shots, `panel-model-${THEME_KEY}.png`) });
    // the training settings, with the products' precision: float32 is written to the file and the retrain uses it
    const precision = frame.locator('#in-training-precision');
    assert.equal(await precision.getAttribute('aria-label'), 'Precision');
    await choose(precision, 'float32');
    await until(() => expJson().training.precision === 'float32', 10000, 'the experiment file to say float32');
    // the view redraws from the file: wait for the new dropdown to show the value, then bring it into view
    await until(async () => (await valueOf(frame.locator('#in-training-precision')).catch(() => null)) === 'float32', 10000, 'the dropdown to show float32');
    await frame.locator('#in-training-precision').evaluate((e) => e.scrollIntoView({ block: 'center' }));
    await page.screenshot({ path: join(shots, `panel-model-training-${THEME_KEY}.png`) });

    // retrain from the panel: the Training view shows the LSTM run; while it runs, Stop and a progress ring
    await openTab(frame, 'Training', 'training');
    // (a run of 5 epochs takes well under a second: watch the DOM for what the view shows while it runs)
    await frame.evaluate(() => {
      window.seenWhileRunning = { ring: false, stop: false };
      new MutationObserver(() => {
        if (document.querySelector('[data-view="training"] .actions [role="progressbar"][aria-label="Training"] vscode-progress-ring[aria-hidden="true"]')) window.seenWhileRunning.ring = true;
        if ([...document.querySelectorAll('[data-view="training"] .actions vscode-button')].some((b) => b.textContent === 'Stop')) window.seenWhileRunning.stop = true;
      }).observe(document.body, { subtree: true, childList: true });
    });
    await frame.getByRole('button', { name: 'Train', exact: true }).click();
    await until(async () => /LSTM · 5\/5 epochs/.test(await frame.locator('[data-view="training"] .summary').first().innerText().catch(() => '')), 120000, 'the LSTM run to finish');
    assert.deepEqual(await frame.evaluate(() => window.seenWhileRunning), { ring: true, stop: true }, 'while training: a progress ring and Stop');
    for (let i = 0; i < 3; i++) {
      const { ink, total } = await inkOf(frame, `.chart:nth-child(${i + 1}) canvas`);
      assert.ok(ink > total * 0.02, `chart ${i + 1}: ${ink} of ${total} pixels drawn`);
    }
    // one more epoch continues the same run
    await frame.getByRole('button', { name: 'Step One Epoch' }).click();
    await until(async () => /LSTM · 6\/6 epochs/.test(await frame.locator('[data-view="training"] .summary').first().innerText().catch(() => '')), 60000, 'the step to finish');
    await clearToasts();
  });
});

test('Predictions and Gradients views show the trained model on one sequence', async () => {
  await step('predictions', async () => {
    const frame = await panelOf('intraday-sessions.rnn.json');
    await openTab(frame, 'Predictions', 'predictions');
    await frame.locator('table.confusion').waitFor({ timeout: 30000 });
    const counts = (await frame.locator('table.confusion td:not(.recall)').allInnerTexts()).map((t) => Number(t.replace(/,/g, '')));
    assert.ok(counts.length >= 4 && counts.reduce((a, b) => a + b, 0) > 0, `confusion counts ${counts}`);
    assert.match(await frame.locator('[data-view="predictions"] .verdict').innerText(), /Actual ".+", predicted ".+" \(\d+\.\d%\)/);
    await frame.locator('#sequence-next').click();
    await until(async () => /sequence "/.test(await frame.locator('[data-view="predictions"] .summary').first().innerText().catch(() => '')) && (await frame.locator('#sequence-pick input').inputValue()) === '2', 20000, 'sequence 2');
    await frame.locator('[data-view="predictions"] .verdict').waitFor({ timeout: 20000 });
    await page.screenshot({ path: join(shots, `panel-predictions-${THEME_KEY}.png`) });
    await openTab(frame, 'Gradients', 'gradients');
    await until(async () => (await frame.locator('[data-view="gradients"] canvas').count()) >= 2, 30000, 'both heatmaps');
    const unit = await inkOf(frame, '[data-view="gradients"] .unit-heatmap canvas');
    assert.ok(unit.ink > unit.total * 0.2, `time × unit heatmap: ${unit.ink} of ${unit.total} pixels drawn`);
    await page.screenshot({ path: join(shots, `panel-gradients-units-${THEME_KEY}.png`) });
    // the LSTM's gates over the same sequence, one gate at a time
    await frame.locator('[data-view="gradients"] .gate-heatmap canvas').first().waitFor({ timeout: 10000 });
    const gate = await inkOf(frame, '[data-view="gradients"] .gate-heatmap canvas');
    assert.ok(gate.ink > gate.total * 0.2, `gate heatmap: ${gate.ink} of ${gate.total} pixels drawn`);
    assert.match(await frame.locator('.gates-over-time .gates-summary').innerText(), /^i — input gate/);
    await choose(frame.locator('#gates-gate'), 'f');
    await until(async () => /^f — forget gate/.test(await frame.locator('.gates-over-time .gates-summary').innerText()), 10000, 'the forget gate');
    await frame.locator('.gates-over-time').scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(shots, `panel-gradients-gates-${THEME_KEY}.png`) });
  });
});

/** Visible text, aria-labels and titles of the panel in `frame` that hold raw TeX (`_{`, `^{`), with some context. */
function rawTexIn(frame) {
  return frame.evaluate(() => {
    const texts = [document.getElementById('panel')?.innerText ?? ''];
    for (const e of document.querySelectorAll('#panel [aria-label], #panel [title]')) texts.push(e.getAttribute('aria-label') ?? '', e.getAttribute('title') ?? '');
    const found = [];
    for (const t of texts) for (const m of t.matchAll(/.{0,30}(_\{|\^\{).{0,30}/g)) found.push(m[0]);
    return found;
  });
}

/** The y-axis title of the chart whose canvas is `selector` (the canvas's label names it). */
async function yTitleOf(frame, selector) {
  const label = await frame.locator(selector).first().getAttribute('aria-label');
  return /y axis: ([^;]*)/.exec(label ?? '')?.[1] ?? `(no y axis in "${label}")`;
}

/** Brings the intraday-sessions panel back to the front (the tests after these expect it there). */
async function showIntradayPanel() {
  const tab = page.locator('.tabs-container .tab', { hasText: 'intraday-sessions.rnn.json' }).filter({ hasText: 'RNN Playground' }).first();
  if (!(await tab.count())) return; // (only when these tests run alone)
  await tab.click();
  await panelOf('intraday-sessions.rnn.json');
}

test('per-step classification (copy-memory.csv): the Predictions view plots each class\'s probability over time; the confusion table gives each class\'s recall and the majority rate', async () => {
  await step('predictions-perstep', async () => {
    // open the CSV, its playground, and train from the panel (40 epochs by the suite's settings, about a second)
    await openFile('copy-memory.csv');
    await runCommand('RNN Playground: Open Playground');
    const frame = await panelOf('copy-memory.csv');
    await openTab(frame, 'Training', 'training');
    await frame.getByRole('button', { name: 'Train', exact: true }).click();
    await until(async () => /LSTM · \d+\/40 epochs/.test(await frame.locator('[data-view="training"] .summary').first().innerText().catch(() => '')), 60000, 'the copy-memory run to finish');
    assert.ok(existsSync(join(workspace, 'copy-memory.model.json')), 'copy-memory.model.json saved');
    await clearToasts();
    await openTab(frame, 'Predictions', 'predictions');
    const v = frame.locator('[data-view="predictions"]');
    await until(async () => /trained model copy-memory\.model\.json/.test(await v.locator('.summary').first().innerText().catch(() => '')), 30000, 'the trained model\'s predictions');
    const chart = v.locator('.probabilities-chart');
    await chart.locator('canvas').waitFor({ timeout: 10000 });
    assert.match(await chart.locator('h3').innerText(), /Probability of each class, step by step/);
    assert.equal(await yTitleOf(frame, '[data-view="predictions"] .probabilities-chart canvas'), 'probability (0 to 1)');
    // one line per class (copy memory has 9: s0 … s8) and the actual class's probability
    const label = await chart.locator('canvas').getAttribute('aria-label');
    for (const k of [0, 4, 8]) assert.match(label, new RegExp(`\\bs${k}\\b`));
    assert.match(label, /the actual class/);
    let drawn = { ink: 0, total: 0 };
    await until(async () => {
      drawn = await inkOf(frame, '[data-view="predictions"] .probabilities-chart canvas');
      return drawn.ink > drawn.total * 0.01;
    }, 10000, 'the probabilities chart to draw').catch(() => assert.fail(`probabilities chart: ${drawn.ink} of ${drawn.total} pixels drawn`));
    assert.match(await v.locator('.summary').nth(1).innerText(), /^\d+ of 30 steps classified correctly \(\d+\.\d%\)/);
    assert.equal(await v.locator('table.per-step tbody tr').count(), 2, 'actual and predicted class per step');
    // the confusion table: a recall per class, the accuracy, and the majority rate beside it
    const table = v.locator('table.confusion');
    await table.waitFor();
    assert.equal(await table.locator('thead th.recall').innerText(), 'recall');
    const recalls = await table.locator('tbody td.recall').allInnerTexts();
    assert.equal(recalls.length, 9, `recall cells: ${recalls}`);
    for (const r of recalls) assert.match(r, /^(\d+\.\d%|—)$/);
    assert.match(await v.locator('.confusion-section h3').innerText(), /Confusion counts \((validation|train) split\): [\d,]+ of [\d,]+ items right, \d+\.\d%/);
    assert.match(await v.locator('.confusion-section .majority').innerText(), /always predicting the majority class "s0" gets \d+\.\d% of the validation items right/);
    await v.locator('.probabilities-chart').scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(shots, `panel-predictions-perstep-${THEME_KEY}.png`) });
    await table.scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(shots, `panel-predictions-confusion-${THEME_KEY}.png`) });
    assert.deepEqual(await rawTexIn(frame), []);
    await showIntradayPanel();
  });
});

test('several targets and layers (an sp500-2000.csv experiment): the target selector switches the chart\'s y axis, the layer selector the heatmap, the Data view\'s series toggle its y axis; choices survive redraws; no raw TeX anywhere', async () => {
  await step('targets-layers-series', async () => {
    writeFileSync(join(workspace, 'sp500-multi.rnn.json'), JSON.stringify({
      version: 1, data: { file: 'sp500-2000.csv', time: 'date', features: ['open', 'close', 'volume'], targets: ['close', 'volume'], task: 'next-step' },
      model: { cell: 'lstm', hiddenSize: 8, layers: 2 }, training: { epochs: 2 },
    }, null, 2));
    await runCommand('View: Show Explorer');
    const row = page.locator('.explorer-folders-view .monaco-list-row', { hasText: 'sp500-multi.rnn.json' }).first();
    await row.waitFor({ timeout: 20000 });
    await row.click();
    await page.locator('.tab', { hasText: 'sp500-multi.rnn.json' }).first().waitFor({ timeout: 10000 });
    await runCommand('RNN Playground: Open Playground');
    const frame = await panelOf('sp500-multi.rnn.json', 'data');

    // the Data view's series: as read, prices on the left and the volume (1e9) on a right-hand axis; then as the
    // model reads them (log-returns for the prices); then normalised
    const seriesCanvas = '[data-view="data"] .series-section canvas';
    await frame.locator(seriesCanvas).waitFor({ timeout: 30000 });
    const mode = frame.locator('#series-mode');
    assert.equal(await mode.getAttribute('aria-label'), 'What the series plot shows');
    assert.deepEqual(await mode.locator('vscode-option').allInnerTexts(), ['values as read', 'as the model reads them', 'normalised (z-scores)']);
    const asRead = await yTitleOf(frame, seriesCanvas);
    assert.equal(asRead, 'open and close as read (the CSV\'s units)');
    assert.match(await frame.locator(seriesCanvas).getAttribute('aria-label'), /: open, close, volume \(right axis\);/);
    await frame.locator('.series-section').scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(shots, `panel-data-series-read-${THEME_KEY}.png`) });
    await choose(mode, 'model');
    await until(async () => (await yTitleOf(frame, seriesCanvas)) !== asRead, 5000, 'the y-axis title to change');
    assert.equal(await yTitleOf(frame, seriesCanvas), 'open and close as the model reads them (log-returns)');
    await page.screenshot({ path: join(shots, `panel-data-series-model-${THEME_KEY}.png`) });
    // by keyboard: focus the control, arrow down to "normalised"
    await mode.focus();
    await page.keyboard.press('ArrowDown');
    await until(async () => /z-score/.test(await yTitleOf(frame, seriesCanvas)), 5000, 'the normalised series');
    assert.equal(await valueOf(mode), 'normalised');
    const ink = await inkOf(frame, seriesCanvas);
    assert.ok(ink.ink > ink.total * 0.01, `normalised series: ${ink.ink} of ${ink.total} pixels drawn`);
    await page.screenshot({ path: join(shots, `panel-data-series-normalised-${THEME_KEY}.png`) });
    // another sequence redraws the section: the mode stays
    await frame.locator('#sequence-next').click();
    await until(async () => (await frame.locator('#sequence-pick input').inputValue()) === '2' && /\(line \d+, \d+ steps/.test(await frame.locator(seriesCanvas).getAttribute('aria-label').catch(() => '')), 20000, 'sequence 2');
    await until(async () => /z-score/.test(await yTitleOf(frame, seriesCanvas)), 10000, 'sequence 2 normalised');
    assert.equal(await valueOf(frame.locator('#series-mode')), 'normalised');

    // train (2 epochs, 2 layers)
    await openTab(frame, 'Training', 'training');
    await frame.getByRole('button', { name: 'Train', exact: true }).click();
    await until(async () => /LSTM · 2\/2 epochs/.test(await frame.locator('[data-view="training"] .summary').first().innerText().catch(() => '')), 120000, 'the run to finish');
    await clearToasts();

    // Predictions: one target at a time, chosen with the selector; every target's error in a table
    await openTab(frame, 'Predictions', 'predictions');
    const v = frame.locator('[data-view="predictions"]');
    await until(async () => /trained model sp500-multi\.model\.json/.test(await v.locator('.summary').first().innerText().catch(() => '')), 30000, 'the trained model\'s predictions');
    const target = frame.locator('#predictions-target');
    await target.waitFor({ timeout: 10000 });
    assert.deepEqual(await target.locator('vscode-option').allInnerTexts(), ['close', 'volume']);
    const chartCanvas = '[data-view="predictions"] .target-body canvas';
    assert.equal(await yTitleOf(frame, chartCanvas), 'close (the CSV\'s units)');
    assert.match(await v.locator('.target-body h3').innerText(), /^close: predicted vs actual, one step ahead$/);
    assert.equal(await v.locator('table.target-errors tbody tr').count(), 2);
    let drawn = await inkOf(frame, chartCanvas);
    assert.ok(drawn.ink > drawn.total * 0.01, `close chart: ${drawn.ink} of ${drawn.total} pixels drawn`);
    await page.screenshot({ path: join(shots, `panel-predictions-targets-${THEME_KEY}.png`) });
    await choose(target, 'volume');
    await until(async () => (await yTitleOf(frame, chartCanvas)) === 'volume (the CSV\'s units)', 5000, 'the volume chart');
    drawn = await inkOf(frame, chartCanvas);
    assert.ok(drawn.ink > drawn.total * 0.01, `volume chart: ${drawn.ink} of ${drawn.total} pixels drawn`);
    assert.match(await v.locator('.target-body .summary').innerText(), /Mean absolute error of volume over the \d+ steps with a finite prediction/);
    await page.screenshot({ path: join(shots, `panel-predictions-volume-${THEME_KEY}.png`) });

    // Gradients: the time × unit heatmap of either layer
    await openTab(frame, 'Gradients', 'gradients');
    const g = frame.locator('[data-view="gradients"]');
    const layer = frame.locator('#gradients-layer');
    await layer.waitFor({ timeout: 30000 });
    assert.deepEqual(await layer.locator('vscode-option').allInnerTexts(), ['layer 1 (nearest the inputs)', 'layer 2 (nearest the output)']);
    await until(async () => (await g.locator('canvas').count()) >= 2, 30000, 'both heatmaps');
    assert.match(await g.locator('.summary:not(.gates-summary)').last().innerText(), /rows are the 8 hidden units of layer 1 of 2 \(nearest the inputs\)/);
    await choose(layer, '1');
    await until(async () => /layer 2 of 2 \(nearest the output\)/.test(await g.locator('.summary:not(.gates-summary)').last().innerText()), 5000, 'layer 2');
    assert.match(await g.locator('.unit-heatmap canvas').first().getAttribute('aria-label'), /by time step and hidden unit, layer 2/);
    let unit = { ink: 0, total: 0 };
    await until(async () => {
      unit = await inkOf(frame, '[data-view="gradients"] .unit-heatmap canvas');
      return unit.ink > unit.total * 0.2;
    }, 10000, 'the layer 2 heatmap to draw').catch(() => assert.fail(`layer 2 heatmap: ${unit.ink} of ${unit.total} pixels drawn`));
    await g.locator('.unit-heatmap').scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(shots, `panel-gradients-layers-${THEME_KEY}.png`) });

    // the choices survive a redraw (another tab and back)
    await openTab(frame, 'Training', 'training');
    await openTab(frame, 'Predictions', 'predictions');
    await frame.locator('#predictions-target').waitFor({ timeout: 10000 });
    assert.equal(await valueOf(frame.locator('#predictions-target')), 'volume');
    assert.equal(await yTitleOf(frame, chartCanvas), 'volume (the CSV\'s units)');
    await openTab(frame, 'Gradients', 'gradients');
    await frame.locator('#gradients-layer').waitFor({ timeout: 10000 });
    assert.equal(await valueOf(frame.locator('#gradients-layer')), '1');

    // no raw TeX in any view's text, labels or titles
    for (const [label, view] of [['Data', 'data'], ['Model', 'model'], ['Training', 'training'], ['Unrolled Graph', 'graph'], ['Gradients', 'gradients'], ['Predictions', 'predictions']]) {
      await openTab(frame, label, view);
      await page.waitForTimeout(300);
      assert.deepEqual(await rawTexIn(frame), [], `raw TeX in the ${label} view`);
    }
    await showIntradayPanel();
  });
});

test('reloading the window brings the panel back with its view and its run', async () => {
  await step('reload', async () => {
    let frame = await panelOf('intraday-sessions.rnn.json');
    await openTab(frame, 'Training', 'training');
    await page.waitForTimeout(500); // the webview saves its state as it renders
    // wait for the new page, not the old one still on screen while the reload starts (its frames detach)
    const reloaded = page.waitForEvent('load', { timeout: 90000 });
    await runCommand('Developer: Reload Window');
    await reloaded;
    await page.locator('.activitybar .action-item a[aria-label^="RNN Playground"]').first().waitFor({ timeout: 90000 });
    frame = await panelOf('intraday-sessions.rnn.json', 'training');
    await frame.locator('.chart canvas').first().waitFor({ timeout: 30000 });
    assert.match(await frame.locator('[data-view="training"] .summary').first().innerText(), /LSTM · 6\/6 epochs/);
    // a revived webview lays out after it renders: the chart draws once it has its size
    let drawn = { ink: 0, total: 0 };
    await until(async () => {
      drawn = await inkOf(frame, '.chart:nth-child(1) canvas');
      return drawn.ink > drawn.total * 0.02;
    }, 10000, 'the restored loss chart to draw').catch(() => assert.fail(`restored loss chart: ${drawn.ink} of ${drawn.total} pixels drawn`));
    await page.screenshot({ path: join(shots, `panel-restored-${THEME_KEY}.png`) });
  });
});

test('every view of the panel in the light, dark and high-contrast themes (screenshots), after Verify and Compare from the panel', async () => {
  await step('themes', async () => {
    let frame = await panelOf('intraday-sessions.rnn.json');
    await openTab(frame, 'Training', 'training');
    await frame.getByRole('button', { name: 'Verify Bound' }).click();
    await frame.locator('[data-view="bound"] .verdict').waitFor({ timeout: 60000 });
    await openTab(frame, 'Training', 'training');
    await frame.getByRole('button', { name: 'Compare Cells' }).click();
    await frame.locator('[data-view="compare"] table tbody tr').nth(3).waitFor({ timeout: 240000 });
    await clearToasts();
    const views = [['Data', 'data'], ['Model', 'model'], ['Training', 'training'], ['Unrolled Graph', 'graph'], ['Gradients', 'gradients'], ['Bound', 'bound'], ['Predictions', 'predictions'], ['Compare', 'compare']];
    const bodyClass = { light: 'vscode-light', dark: 'vscode-dark', hc: 'vscode-high-contrast' };
    for (const theme of ['light', 'dark', 'hc']) {
      await setTheme(THEMES[theme]);
      frame = await panelOf('intraday-sessions.rnn.json');
      await frame.waitForFunction((cls) => document.body.classList.contains(cls), bodyClass[theme], { timeout: 20000 });
      for (const [label, view] of views) {
        await openTab(frame, label, view);
        const v = frame.locator(`[data-view="${view}"]`);
        // real content, not an empty-state line: a chart, heatmap, graph, table or equations
        await v.locator('canvas, svg.unrolled, table, .katex').first().waitFor({ timeout: 30000 });
        if (view === 'data') await frame.locator('[data-view="data"] .chart canvas').waitFor({ timeout: 30000 });
        if (view === 'gradients') await until(async () => (await v.locator('canvas').count()) >= 2, 30000, 'both heatmaps');
        await page.waitForTimeout(300);
        for (const c of await v.locator('canvas').all()) {
          const { ink, total } = await c.evaluate((canvas) => {
            const { data } = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height);
            let n = 0;
            for (let i = 3; i < data.length; i += 4) if (data[i] > 0) n++;
            return { ink: n, total: canvas.width * canvas.height };
          });
          assert.ok(total === 0 || ink > total * 0.005, `${view} (${theme}): a canvas with ${ink} of ${total} pixels drawn`);
        }
        // every chart names its y axis, its tick labels are distinct (log axes too) and its legend lies inside the canvas
        const layouts = await v.locator('canvas[data-layout]').evaluateAll((cs) => cs.map((c) => ({ label: c.getAttribute('aria-label'), ...JSON.parse(c.dataset.layout) })));
        if (view === 'training' || view === 'bound' || view === 'compare') assert.ok(layouts.length >= 1, `${view}: no chart reported its layout`);
        for (const l of layouts) {
          const what = `${view} (${theme}), "${l.label?.slice(0, 60)}"`;
          assert.ok(l.yTitle.trim().length > 0, `${what}: no y-axis title`);
          assert.equal(new Set(l.yTicks).size, l.yTicks.length, `${what}: repeated y tick labels ${l.yTicks.join(', ')}`);
          if (!l.legend) continue;
          const inside = (b) => b.left >= -0.5 && b.top >= -0.5 && b.left + b.width <= l.width + 0.5 && b.top + b.height <= l.height + 0.5;
          assert.ok(inside({ left: l.legend.left, top: l.legend.top, width: l.legend.right - l.legend.left, height: l.legend.bottom - l.legend.top }), `${what}: legend box ${JSON.stringify(l.legend)} outside the ${l.width}×${l.height} canvas`);
          assert.equal(l.legend.boxes.length, l.legend.items, `${what}: ${l.legend.items} legend entries, ${l.legend.boxes.length} drawn`);
          for (const b of l.legend.boxes) assert.ok(inside(b), `${what}: legend entry ${JSON.stringify(b)} clipped`);
        }
        if (view === 'training') assert.match(await v.locator('.verdict-box .verdict-line').innerText(), /^(Better|No better|Worse|Diverged|Stopped): /);
        if (view === 'bound') {
          assert.ok(await v.locator('.chart-legend .katex').count() >= 2, 'the Bound legend is typeset');
          assert.match(await v.locator('.note').first().innerText(), /s is the recurrent state: the pair \(h, c\)/);
          assert.deepEqual(await rawTexIn(frame), []);
        }
        if (view === 'compare') {
          assert.match(await v.locator('.verdict').first().innerText(), /^(Best: \w+, validation loss|No cell beats the baseline)/);
          assert.match(await v.locator('tr.baseline').innerText(), /baseline\s+majority class/);
          assert.match(await v.locator('canvas').first().getAttribute('aria-label'), /baseline \(majority class/);
        }
        await page.screenshot({ path: join(shots, `panel-${view}-${theme}.png`) });
      }
    }
    await setTheme(THEME);
  });
});

test('sequences of up to 1000 rows: the graph collapses to a few steps, expands to all 999 drawn as they scroll into view; the heatmaps and the table stay bounded', async () => {
  await step('long', async () => {
    // 6 sequences of up to 1000 rows: a noisy sine to predict one step ahead
    const lines = ['seq,t,value'];
    const lengths = [1000, 1000, 800, 600, 400, 1000];
    for (let k = 0; k < 6; k++) for (let t = 0; t < lengths[k]; t++) lines.push(`s${k},${t},${(Math.sin(t / 20 + k) + 0.1 * Math.sin(t * 1.7 + k * 3)).toFixed(5)}`);
    writeFileSync(join(workspace, 'long-1000.csv'), `${lines.join('\n')}\n`);
    writeFileSync(join(workspace, 'long-1000.rnn.json'), JSON.stringify({
      version: 1, data: { file: 'long-1000.csv', sequenceId: 'seq', time: 't', features: ['value'], targets: ['value'], task: 'next-step', window: 'none', split: 'sequence' },
      model: { cell: 'gru', hiddenSize: 8 }, training: { epochs: 3, batchSize: 2 },
    }, null, 2));
    await runCommand('View: Show Explorer');
    const row = page.locator('.explorer-folders-view .monaco-list-row', { hasText: 'long-1000.rnn.json' }).first();
    await row.waitFor({ timeout: 20000 });
    await row.click();
    await page.locator('.tab', { hasText: 'long-1000.rnn.json' }).first().waitFor({ timeout: 10000 });
    await runCommand('RNN Playground: Open Playground');
    const frame = await panelOf('long-1000.rnn.json', 'data');
    await frame.locator('.data-table-body .data-table-row').nth(3).waitFor({ timeout: 30000 });
    let domRows = 0;
    await until(async () => (domRows = await frame.locator('.data-table-body .data-table-row').count()) > 3, 20000, 'the table rows');
    assert.ok(domRows < 80, `${domRows} table rows in the DOM for 4,800 rows`);
    assert.match(await frame.locator('[data-view="data"] .summary').first().innerText(), /6 sequences of 400–1,000 steps \(median 900\)/);
    assert.ok(await frame.locator('[data-view="data"] svg.histogram rect').count() >= 2, 'a histogram of the sequence lengths');
    await page.screenshot({ path: join(shots, `panel-data-lengths-${THEME_KEY}.png`) });
    // long tasks in the panel while it trains (reported, not asserted: the machines are shared)
    await frame.evaluate(() => {
      window.__longTasks = [];
      new PerformanceObserver((l) => { for (const e of l.getEntries()) window.__longTasks.push(Math.round(e.duration)); }).observe({ type: 'longtask', buffered: false });
    });
    await openTab(frame, 'Training', 'training');
    await frame.getByRole('button', { name: 'Train', exact: true }).click();
    await until(async () => /GRU · 3\/3 epochs/.test(await frame.locator('[data-view="training"] .summary').first().innerText().catch(() => '')), 120000, 'the 1000-step run to finish');
    const phases = [];
    const phase = async (name) => phases.push(`${name}: ${(await frame.evaluate(() => window.__longTasks.splice(0))).join(', ') || 'none'}`);
    await phase('training');
    await openTab(frame, 'Unrolled Graph', 'graph');
    const graph = frame.locator('[data-view="graph"] svg.unrolled');
    await graph.waitFor();
    const collapsed = await graph.locator('.step').count();
    assert.ok(collapsed >= 2 && collapsed <= 12, `${collapsed} step nodes while collapsed`);
    await phase('graph');
    await frame.locator('[data-view="graph"] .ellipsis').first().click();
    // next-step prediction reads 1000 rows as 999 steps (each step's target is the next row)
    assert.match(await frame.locator('[data-view="graph"] .summary').first().innerText(), /unrolled over 999 steps/);
    // expanded, it spans all 999 steps but draws only the columns near the view, and draws more as it scrolls
    await frame.waitForFunction(() => document.querySelector('[data-view="graph"] svg.unrolled.expanded')?.getAttribute('data-steps') === '999', null, { timeout: 20000 });
    const drawn = await graph.locator('.step').count();
    assert.ok(drawn >= 5 && drawn < 100, `${drawn} of 999 step nodes drawn near the view`);
    assert.ok(await graph.locator('.step[data-step="1"]').count() === 1 && await graph.locator('.step[data-step="999"]').count() === 0);
    await frame.locator('[data-view="graph"] .unrolled-scroll').evaluate((el) => { el.scrollLeft = el.scrollWidth; });
    await graph.locator('.step[data-step="999"]').waitFor({ timeout: 10000 });
    assert.ok(await graph.locator('.step').count() < 100, 'still only the columns near the view');
    await page.screenshot({ path: join(shots, `panel-graph-1000-${THEME_KEY}.png`) });
    await phase('expanded graph');
    await openTab(frame, 'Gradients', 'gradients');
    await until(async () => (await frame.locator('[data-view="gradients"] canvas').count()) >= 2, 30000, 'both heatmaps');
    assert.match(await frame.locator('[data-view="gradients"] .summary:not(.gates-summary)').last().innerText(), /through the trained model long-1000\.model\.json/);
    for (const c of ['.heatmap:first-of-type canvas', '.unit-heatmap canvas']) {
      let drawn = { ink: 0, total: 0 };
      await until(async () => {
        drawn = await inkOf(frame, `[data-view="gradients"] ${c}`);
        return drawn.ink > drawn.total * 0.2;
      }, 10000, `${c} to draw`).catch(() => assert.fail(`${c}: ${drawn.ink} of ${drawn.total} pixels drawn`));
    }
    await page.screenshot({ path: join(shots, `panel-gradients-1000-${THEME_KEY}.png`) });
    await phase('gradients');
    console.log(`      panel long tasks (> 50 ms, in ms) on 1000-step sequences: ${phases.join('; ')}`);
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
    const progress = page.locator('.notifications-toasts .notification-toast', { hasText: /training on intraday-sessions\.rnn\.json: \w+: epoch ([2-9]|\d\d+)\/1000/ }).first();
    await progress.waitFor({ timeout: 60000 });
    await page.screenshot({ path: join(shots, `vscode-running-${THEME_KEY}.png`) });
    const t0 = Date.now();
    await progress.locator('.monaco-button', { hasText: 'Cancel' }).click();
    const stopped = toast(/stopped after \d+ of 1000 epochs/);
    await stopped.waitFor({ timeout: 10000 });
    const ms = Date.now() - t0;
    const m = /stopped after (\d+) of 1000 epochs/.exec((await stopped.innerText()).replace(/\s+/g, ' '));
    assert.ok(m && Number(m[1]) >= 1 && Number(m[1]) < 1000, await stopped.innerText());
    assert.equal(await severityOf(stopped), 'warning', 'a stopped run is not announced as a success');
    assert.ok(ms < 3000, `the result showed ${ms} ms after Cancel`);
    await page.waitForTimeout(400); // let the toast finish fading in
    await page.screenshot({ path: join(shots, 'vscode-cancelled.png') });
    assert.ok(readdirSync(workspace).includes('intraday-sessions-2.model.json'), 'the partial model is saved (beside the earlier run\'s)');
    await clearToasts();
  });
});

test('runs that do not beat the baseline: a returns-like market series raises a warning that says why; a diverging run an error whose button writes a lower learning rate and trains again', async () => {
  await step('losing-runs', async () => {
    await menuAction('sp500-2000.csv', 'Train on This CSV');
    const t = toast(/On sp500-2000\.csv, the LSTM is (no better than|worse than) the baseline/);
    await t.waitFor({ timeout: 180000 });
    const text = (await t.innerText()).replace(/\s+/g, ' ');
    assert.equal(await severityOf(t), 'warning', text);
    assert.match(text, /Why: .*like market returns/);
    assert.match(text, /Next: /);
    assert.match(await page.locator('.statusbar-item', { hasText: 'RNN lstm' }).first().innerText(), /no better than baseline|worse: /);
    await page.waitForTimeout(400);
    await page.screenshot({ path: join(shots, 'vscode-losing-run.png') });
    await clearToasts();
    // a run that diverges: an error naming the epoch, with the next step as a button that writes it and trains again
    const expFile = join(workspace, 'diverge.rnn.json');
    const exp = JSON.parse(readFileSync(join(workspace, 'adding-50.rnn.json'), 'utf8'));
    exp.model = { ...exp.model, cell: 'vanilla', activation: 'relu', init: 'identity' };
    exp.training = { ...exp.training, epochs: 3, optimizer: 'sgd', learningRate: 10, clip: 0 };
    writeFileSync(expFile, JSON.stringify(exp, null, 2));
    await menuAction('diverge.rnn.json', 'Train on Current File');
    const d = toast(/On adding-50\.csv, the RNN diverged in epoch \d/);
    await d.waitFor({ timeout: 60000 });
    assert.equal(await severityOf(d), 'error', await d.innerText());
    await page.screenshot({ path: join(shots, 'vscode-diverged.png') });
    await d.locator('.monaco-button', { hasText: 'Use Learning Rate 2.5' }).click();
    // (read as the editor saves it: a read in the middle of the write finds a partial file, so try again)
    const learningRate = () => {
      try {
        return JSON.parse(readFileSync(expFile, 'utf8')).training.learningRate;
      } catch {
        return null;
      }
    };
    await until(() => learningRate() === 2.5, 10000, 'the experiment file to hold learning rate 2.5');
    // the run starts again with it; at 2.5 plain SGD without clipping still blows up, and the next step lowers it again
    const again = toast(/On adding-50\.csv, the RNN diverged in epoch \d.*Next: lower the learning rate \(now 2\.5\) to 0\.625/);
    await again.waitFor({ timeout: 60000 });
    assert.equal(await severityOf(again), 'error');
    await clearToasts();
  });
});

test('right-click a CSV whose first column is a year → the Data view shows it as time and the measured variable as the target; a role change creates the experiment', async () => {
  await step('year-csv', async () => {
    await menuAction('nile.csv', 'Open Playground');
    let frame = await panelOf('nile.csv', 'data');
    await frame.locator('vscode-dropdown[aria-label="Role of column year"]').waitFor({ timeout: 30000 });
    assert.equal(await valueOf(frame.locator('vscode-dropdown[aria-label=\"Role of column year\"]')), 'time');
    assert.equal(await valueOf(frame.locator('vscode-dropdown[aria-label=\"Role of column volume\"]')), 'feature+target');
    const why = await frame.locator('table.roles').innerText();
    assert.match(why, /years 1871 … 1970; the plot axis, not an input/);
    assert.match(await frame.locator('[data-view="data"]').innerText(), /Time axis: years 1871 … 1970/);
    // the data's memory: ACF and PACF drawn, with the lag named
    await frame.locator('.memory canvas').first().waitFor({ timeout: 30000 });
    const acf = await inkOf(frame, '.memory canvas');
    assert.ok(acf.ink > acf.total * 0.01, `correlogram: ${acf.ink} of ${acf.total} pixels drawn`);
    assert.match(await frame.locator('.memory .summary').innerText(), /The data remembers about \d+ steps?|The data shows no memory/);
    await page.screenshot({ path: join(shots, `panel-data-year-${THEME_KEY}.png`) });
    // the correlogram in every theme
    const bodyClass = { light: 'vscode-light', dark: 'vscode-dark', hc: 'vscode-high-contrast' };
    const workbenchClass = { light: 'vs', dark: 'vs-dark', hc: 'hc-black' };
    for (const theme of ['light', 'dark', 'hc']) {
      await setTheme(THEMES[theme]);
      await page.waitForFunction((cls) => document.querySelector('.monaco-workbench')?.classList.contains(cls), workbenchClass[theme], { timeout: 20000 });
      const f = await panelOf('nile.csv', 'data');
      await f.waitForFunction((cls) => document.body.classList.contains(cls), bodyClass[theme], { timeout: 20000 });
      await f.locator('.memory canvas').first().waitFor({ timeout: 20000 });
      await f.locator('.memory').scrollIntoViewIfNeeded();
      await page.waitForTimeout(300);
      const ink = await inkOf(f, '.memory canvas');
      assert.ok(ink.ink > ink.total * 0.01, `correlogram (${theme}): ${ink.ink} of ${ink.total} pixels drawn`);
      await page.screenshot({ path: join(shots, `panel-data-memory-${theme}.png`) });
      await f.evaluate(() => window.scrollTo(0, 0));
    }
    await setTheme(THEME);
    // a role changed on the CSV: nile.rnn.json appears beside it, says so, and holds the change
    assert.ok(!existsSync(join(workspace, 'nile.rnn.json')));
    frame = await panelOf('nile.csv', 'data');
    await choose(frame.locator('vscode-dropdown[aria-label=\"Role of column year\"]'), 'ignored');
    await until(() => existsSync(join(workspace, 'nile.rnn.json')), 20000, 'nile.rnn.json to appear');
    await until(() => { try { return JSON.parse(readFileSync(join(workspace, 'nile.rnn.json'), 'utf8')).data.time === null; } catch { return false; } }, 10000, 'the role change in nile.rnn.json');
    const moved = await panelOf('nile.rnn.json', 'data');
    await moved.locator('[data-view="data"] .callout', { hasText: 'Created nile.rnn.json beside nile.csv' }).waitFor({ timeout: 10000 });
    await toast('Created nile.rnn.json').waitFor({ timeout: 10000 });
    await runCommand('View: Show Explorer');
    await page.locator('.explorer-folders-view .monaco-list-row', { hasText: 'nile.rnn.json' }).first().waitFor({ timeout: 10000 });
    await page.screenshot({ path: join(shots, `panel-data-created-${THEME_KEY}.png`) });
    await clearToasts();
  });
});

test('a cell of your own: typed in the Model view, checked as you type with the place of a mistake, typeset, written to the file, trained; the heatmap and the Bound view follow', async () => {
  await step('custom-cell', async () => {
    const file = join(workspace, 'my-cell.rnn.json');
    writeFileSync(file, JSON.stringify({ version: 1, data: { file: 'adding-50.csv' }, model: { cell: 'lstm', hiddenSize: 8 }, training: { epochs: 4 } }, null, 2));
    // (the editor may be writing the file when it is read: a half-written file reads as empty and the wait goes on)
    const json = () => { try { return JSON.parse(readFileSync(file, 'utf8')); } catch { return { model: {} }; } };
    // Quick Open finds a file written from outside at once (the explorer waits for its file watcher)
    await openFile('my-cell.rnn.json');
    await page.locator('.tab', { hasText: 'my-cell.rnn.json' }).first().waitFor({ timeout: 10000 });
    await runCommand('RNN Playground: Open Playground');
    const frame = await panelOf('my-cell.rnn.json');
    await openTab(frame, 'Model', 'model');
    // Custom: the file gets the chapter's gated cell to start from
    await frame.locator('#cell-custom').click();
    await until(() => json().model.cell === 'custom' && Array.isArray(json().model.equations), 10000, 'the file to hold a custom cell');
    const area = frame.locator('#in-model-equations');
    await area.waitFor({ timeout: 10000 });
    assert.match(await area.inputValue(), /^a {2}= sigmoid\(W_a @ x \+ U_a @ h \+ b_a\)/);
    // type a cell the project has never seen, with a mistake: W_c multiplies h
    await area.fill('');
    await area.pressSequentially("k = sigmoid(u_k * h + W_k @ x + b_k)\nh' = k * h + (1 - k) * relu(W_c @ h + b_c)", { delay: 5 });
    await until(async () => /Equation 2, column 35: W_c is a hidden × input matrix/.test(await frame.locator('#equation-problems').innerText()), 10000, 'the problem at its place');
    assert.match(await frame.locator('#equation-problems pre.caret').first().innerText(), /relu\(W_c @ h \+ b_c\)\n {34}\^/);
    assert.equal(await frame.locator('#apply-equations button').isDisabled(), true, 'a wrong cell cannot be applied');
    // the first equation is already typeset while the second is wrong
    assert.ok(await frame.locator('.equations .equation .katex').count() >= 1);
    await page.screenshot({ path: join(shots, `panel-model-custom-error-${THEME_KEY}.png`) });
    // fix it: the typeset equations follow the text, and Apply writes them
    await area.fill("k = sigmoid(u_k * h + W_k @ x + b_k)\nh' = k * h + (1 - k) * relu(W_c @ x + U_c @ (k * h) + b_c)");
    await until(async () => /additive path through k on h/.test(await frame.locator('#equation-problems').innerText()), 10000, 'the cell described');
    assert.equal(await frame.locator('.equations .equation .katex').count(), 3, 'two equations and the readout, typeset');
    assert.match(await frame.locator('.equations h3').first().innerText(), /Custom cell/);
    assert.match(await frame.locator('.equations-shapes').innerText(), /u_k 8, W_k 8 × d, b_k 8, W_c 8 × d, U_c 8 × 8, b_c 8/);
    assert.deepEqual(await rawTexIn(frame), []);
    await frame.locator('#apply-equations').click();
    await until(() => json().model.equations?.length === 2 && /U_c @ \(k \* h\)/.test(json().model.equations[1]), 10000, 'the file to hold the new equations');
    await frame.locator('#apply-equations:disabled').waitFor({ timeout: 10000 });
    await page.screenshot({ path: join(shots, `panel-model-custom-${THEME_KEY}.png`) });
    // train it from the panel; the gradient heatmap and the unrolled graph's gates (k) follow
    await openTab(frame, 'Training', 'training');
    await frame.getByRole('button', { name: 'Train', exact: true }).click();
    await until(async () => /Custom cell · 4\/4 epochs/.test(await frame.locator('[data-view="training"] .summary').first().innerText().catch(() => '')), 120000, 'the custom run to finish');
    await openTab(frame, 'Gradients', 'gradients');
    await frame.locator('[data-view="gradients"] canvas').first().waitFor({ timeout: 20000 });
    const { ink, total } = await inkOf(frame, '[data-view="gradients"] canvas');
    assert.ok(ink > total * 0.3, `heatmap: ${ink} of ${total} pixels drawn`);
    await page.screenshot({ path: join(shots, `panel-gradients-custom-${THEME_KEY}.png`) });
    // the unrolled graph draws the cell's own intermediate name as its gate
    await openTab(frame, 'Unrolled Graph', 'graph');
    await frame.locator('[data-view="graph"] svg.unrolled .gate[data-gate="k"]').first().waitFor({ timeout: 10000 });
    assert.match(await frame.locator('[data-view="graph"] .summary').first().innerText(), /^Custom cell unrolled over 50 steps/);
    await page.screenshot({ path: join(shots, `panel-graph-custom-${THEME_KEY}.png`) });
    await openTab(frame, 'Bound', 'bound');
    await frame.getByRole('button', { name: /Verify/ }).first().click();
    await until(async () => /within the product of the one-step norms/.test(await frame.locator('[data-view="bound"] .verdict').innerText().catch(() => '')), 60000, 'the bound of the custom cell');
    assert.match(await frame.locator('[data-view="bound"]').innerText(), /additive form h' = k ⊙ h/);
    // the run's progress notification closes once the result is in
    await until(async () => !(await toast('verifying the bound on my-cell').isVisible().catch(() => false)), 10000, 'the progress notification to close');
    await clearToasts();
    await page.screenshot({ path: join(shots, `panel-bound-custom-${THEME_KEY}.png`) });
    await clearToasts();
  });
});

test('the Chapter Lab: a and b computed on opening, an edited parameter recomputes, d runs with progress, the report is saved as HTML', async () => {
  await step('chapter-lab', async () => {
    await runCommand('RNN Playground: Open Chapter Lab');
    const frame = await webviewFrame('#lab');
    // a: the tiny RNN's table, and the chapter's printed values called an erratum
    await frame.locator('#tiny-table').waitFor({ timeout: 30000 });
    const tiny = await frame.locator('#tiny-table').innerText();
    assert.match(tiny, /sigmoid\s+\(0\.\d+, 0\.\d+\)[\s\S]*\(0\.7100, 0\.5372\)\s+1\.2472\s+trending/);
    assert.match(await frame.locator('#claim-a .sentence').innerText(), /match neither activation \(an erratum\)/);
    // b: the log chart of ∂h_T/∂h_1 against the bound, drawn
    await frame.locator('#scalar-chart canvas').waitFor({ timeout: 30000 });
    const drawn = await inkOf(frame, '#scalar-chart canvas');
    assert.ok(drawn.ink > drawn.total * 0.01, `scalar chart: ${drawn.ink} of ${drawn.total} pixels drawn`);
    assert.match(await frame.locator('#claim-b .sentence').innerText(), /bound holds at every T from 2 to 100/);
    // an edited w_h recomputes b
    const wh = frame.locator('#scalar-wh input');
    await wh.fill('0.5');
    await wh.press('Enter');
    await until(async () => /w_h = 0\.5 \(sigmoid\)/.test(await frame.locator('#scalar-chart h3').innerText().catch(() => '')), 20000, 'the chart for w_h = 0.5');
    assert.match(await frame.locator('#claim-b .sentence').innerText(), /0\.125\)\^\(T−1\)/);
    await page.screenshot({ path: join(shots, `lab-ab-${THEME_KEY}.png`) });
    // d: trains two gated cells on the lab's own worker; Cancel and progress while it runs, then the gates charts
    await frame.locator('#run-d').click();
    await frame.locator('#cancel-d').waitFor({ timeout: 10000 });
    await frame.locator('#claim-d .gates-chart canvas').first().waitFor({ timeout: 120000 });
    assert.match(await frame.locator('#claim-d .sentence').innerText(), /write gate .* at the markers vs .* between/);
    await frame.locator('#claim-d .gates-heatmap canvas').first().waitFor({ timeout: 10000 });
    const map = await inkOf(frame, '#claim-d .gates-heatmap canvas');
    assert.ok(map.ink > map.total * 0.2, `write-gate heatmap: ${map.ink} of ${map.total} pixels drawn`);
    await frame.locator('#claim-d').scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(shots, `lab-gates-${THEME_KEY}.png`) });
    // Save as HTML: the save dialog offers chapter-lab.html in the workspace; Enter accepts it
    await frame.locator('#save-report').click();
    const input = page.locator('.quick-input-widget .quick-input-box input');
    await input.waitFor({ timeout: 10000 });
    await until(async () => /chapter-lab\.html$/.test(await input.inputValue()), 10000, 'the save dialog to offer chapter-lab.html');
    await input.press('Enter');
    const report = join(workspace, 'chapter-lab.html');
    await until(() => existsSync(report), 20000, 'the report file');
    const html = readFileSync(report, 'utf8');
    assert.match(html, /<h1>Chapter Lab<\/h1>/);
    assert.match(html, /<img src="data:image\/png;base64,/);
    assert.match(html, /match neither activation \(an erratum\)/);
    assert.doesNotMatch(html, /<script/i, 'a report without scripts');
    await clearToasts();
  });
});

test('no Content Security Policy violations in the webviews', () => {
  assert.deepEqual(cspViolations, []);
});

test('the workspace only gained the files the commands said they wrote', () => {
  const added = readdirSync(workspace).filter((f) => !existsSync(join(root, 'samples', f)));
  assert.deepEqual(added.sort(), ['adding-50.model.json', 'chapter-lab.html', 'copy-memory.model.json', 'diverge.rnn.json', 'intraday-sessions-2.model.json', 'intraday-sessions.model.json', 'long-1000.csv', 'long-1000.model.json', 'long-1000.rnn.json', 'my-cell.model.json', 'my-cell.rnn.json', 'nile.rnn.json', 'sp500-2000.model.json', 'sp500-multi.model.json', 'sp500-multi.rnn.json']);
});
