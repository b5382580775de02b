/** Every command, executed programmatically on the sample files inside the real extension host. */
/// <reference types="mocha" />
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import * as vscode from 'vscode';
import type { BoundSummary, CompareSummary, ModelInfo, RunSummary } from '../../src/shared/protocol';
import { playground, run, workspaceFile } from './util';

const COMMANDS = [
  'rnnPlayground.openPlayground', 'rnnPlayground.trainCsv', 'rnnPlayground.trainCurrentFile', 'rnnPlayground.stopTraining',
  'rnnPlayground.verifyBound', 'rnnPlayground.compareCells', 'rnnPlayground.gradientCheck', 'rnnPlayground.newExperiment',
  'rnnPlayground.exportModel', 'rnnPlayground.loadModel', 'rnnPlayground.stepEpoch', 'rnnPlayground.continueTraining',
  'rnnPlayground.openChapterLab', 'rnnPlayground.saveChapterLab',
];

type Failure = { error: string; kind: string };
const failed = (r: unknown): r is Failure => typeof r === 'object' && r !== null && 'error' in r;

/** Event-loop delay of the extension host while `work` runs: max and p99 in ms. */
async function loopDelay<T>(work: () => Thenable<T>): Promise<{ result: T; maxMs: number; p99Ms: number }> {
  const h = monitorEventLoopDelay({ resolution: 10 });
  h.enable();
  try {
    const result = await work();
    return { result, maxMs: h.max / 1e6, p99Ms: h.percentile(99) / 1e6 };
  } finally {
    h.disable();
  }
}

/** Registers the suite (called once mocha's globals exist). */
export function registerCommandTests(): void {
  suite('commands', () => {
    let modelFile = '';

    test('activation registers all fourteen commands, quickly', async () => {
      const t0 = Date.now();
      const api = await playground();
      console.log(`      activation took ${Date.now() - t0} ms`);
      const all = new Set(await vscode.commands.getCommands(true));
      for (const id of COMMANDS) assert.ok(all.has(id), `${id} registered`);
      assert.equal(api.engine.running, false, 'the worker starts on first use, not at activation');
    });

    test('Run Gradient Check returns the max relative error from the worker', async () => {
      const r = await run<{ maxRelErr: number; checked: number; passed: boolean }>('rnnPlayground.gradientCheck', { cell: 'gru' });
      assert.ok(!failed(r), JSON.stringify(r));
      assert.ok(r.maxRelErr < 1e-5 && r.checked > 100, JSON.stringify(r));
      assert.equal(r.passed, true);
    });

    test('Train on This CSV: run summary, model saved beside the CSV, status bar, host stays responsive', async () => {
      const api = await playground();
      const csv = workspaceFile('adding-50.csv');
      const { result: s, maxMs, p99Ms } = await loopDelay(() => run<RunSummary>('rnnPlayground.trainCsv', csv, { training: { epochs: 3, seed: 1 }, model: { hiddenSize: 12 } }));
      assert.ok(!failed(s), JSON.stringify(s));
      console.log(`      training: extension-host event-loop delay max ${maxMs.toFixed(1)} ms, p99 ${p99Ms.toFixed(1)} ms`);
      assert.equal(s.status, 'completed');
      assert.equal(s.epochs, 3);
      assert.equal(s.history.length, 3);
      assert.match(s.baseline, /mean/);
      assert.ok(Number.isFinite(s.valLoss) && s.valLoss > 0);
      assert.equal(s.config.hiddenSize, 12);
      assert.equal(s.modelFile, workspaceFile('adding-50.model.json').fsPath);
      assert.ok(fs.existsSync(s.modelFile as string));
      // 3 epochs do not beat the mean: the verdict says so everywhere it is shown
      assert.equal(s.verdict?.verdict, 'no better');
      assert.match(s.verdict?.reason ?? '', /has not learned the pattern yet/);
      assert.deepEqual(s.verdict?.action?.changes.map((c) => c.field), ['training.epochs']);
      assert.equal(api.status.text, '$(warning) RNN lstm · no better than baseline');
      assert.equal(api.sidebar.current.last?.tone, 'warning');
      assert.match(api.sidebar.current.last?.lines[0] ?? '', /^no better: The LSTM is no better than the baseline/);
      assert.deepEqual(api.sidebar.current.losses, s.history.map((h) => h.trainLoss));
      assert.ok(maxMs < 1000, `the host's event loop was blocked for ${maxMs} ms`);
      modelFile = s.modelFile as string;
    });

    test('training on every core (engine.threads = cores) keeps the host responsive and says how many threads it used', async () => {
      const cores = os.availableParallelism();
      const config = vscode.workspace.getConfiguration('rnnPlayground');
      await config.update('engine.threads', cores, vscode.ConfigurationTarget.Global);
      try {
        const csv = workspaceFile('adding-50.csv');
        const { result: s, maxMs, p99Ms } = await loopDelay(() => run<RunSummary>('rnnPlayground.trainCsv', csv, {
          training: { epochs: 6, seed: 1, batchSize: 32, precision: 'float32' }, model: { hiddenSize: 48 }, save: false,
        }));
        assert.ok(!failed(s), JSON.stringify(s));
        console.log(`      training on ${s.threads} threads (${cores} cores): extension-host event-loop delay max ${maxMs.toFixed(1)} ms, p99 ${p99Ms.toFixed(1)} ms`);
        assert.equal(s.status, 'completed');
        assert.equal(s.threads, Math.min(cores, 4), 'as many threads as the setting asks (a batch of 32 has 4 shards)');
        assert.equal(s.precision, 'float32');
        assert.ok(maxMs < 1000, `the host's event loop was blocked for ${maxMs} ms`);
      } finally {
        await config.update('engine.threads', undefined, vscode.ConfigurationTarget.Global);
      }
    });

    test('classification on the sessions sample reports accuracy against the majority class', async () => {
      const s = await run<RunSummary>('rnnPlayground.trainCsv', workspaceFile('intraday-sessions.csv'), { training: { epochs: 2 }, save: false });
      assert.ok(!failed(s), JSON.stringify(s));
      assert.equal(s.task, 'classify');
      assert.ok(s.accuracy !== null && s.accuracy >= 0 && s.accuracy <= 1);
      assert.ok(s.baselineAccuracy !== null);
      assert.equal(s.modelFile, null);
    });

    test('New Experiment writes a schema-shaped *.rnn.json; Train on Current File uses it and saves beside it', async () => {
      const csv = workspaceFile('temporal-order.csv');
      const created = await run<{ experimentFile: string }>('rnnPlayground.newExperiment', csv, { open: false });
      assert.ok(!failed(created), JSON.stringify(created));
      assert.equal(created.experimentFile, workspaceFile('temporal-order.rnn.json').fsPath);
      const doc = JSON.parse(fs.readFileSync(created.experimentFile, 'utf8'));
      assert.equal(doc.data.file, 'temporal-order.csv');
      assert.equal(doc.version, 1);
      const again = await run<{ experimentFile: string }>('rnnPlayground.newExperiment', csv, { open: false });
      assert.equal(again.experimentFile, workspaceFile('temporal-order-2.rnn.json').fsPath, 'never overwrites an experiment');
      doc.training.epochs = 2;
      doc.model.cell = 'gru';
      fs.writeFileSync(created.experimentFile, JSON.stringify(doc));
      // as the current file in the editor
      await vscode.window.showTextDocument(vscode.Uri.file(created.experimentFile));
      const s = await run<RunSummary>('rnnPlayground.trainCurrentFile');
      assert.ok(!failed(s), JSON.stringify(s));
      assert.equal(s.cell, 'gru');
      assert.equal(s.epochs, 2);
      assert.equal(s.task, 'classify');
      assert.equal(s.experimentFile, created.experimentFile);
      assert.equal(s.modelFile, workspaceFile('temporal-order.model.json').fsPath);
      // Continue Training: the experiment's 2 epochs more of the same run, its epochs counted on, the same file
      const c = await run<RunSummary>('rnnPlayground.continueTraining', vscode.Uri.file(created.experimentFile));
      assert.ok(!failed(c), JSON.stringify(c));
      assert.equal(c.epochs, 4);
      assert.deepEqual(c.history.map((h) => h.epoch), [1, 2, 3, 4], 'the run so far, as the panel charts it');
      assert.equal(c.continuedFrom, 2);
      assert.equal(c.modelFile, s.modelFile);
      assert.ok(JSON.parse(fs.readFileSync(c.modelFile as string, 'utf8')).checkpoint?.epochs === 4, 'the file carries the checkpoint');
      await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    });

    test('VS Code validates experiment files with the contributed schema', async () => {
      const file = workspaceFile('invalid.rnn.json');
      fs.writeFileSync(file.fsPath, JSON.stringify({ data: { file: 'adding-50.csv' }, model: { cell: 'transformer', hiddenSize: 0 } }, null, 2));
      const doc = await vscode.workspace.openTextDocument(file);
      await vscode.window.showTextDocument(doc);
      const end = Date.now() + 30_000;
      let diags: vscode.Diagnostic[] = [];
      while (Date.now() < end) {
        diags = vscode.languages.getDiagnostics(file);
        if (diags.length >= 2) break;
        await new Promise((r) => setTimeout(r, 200));
      }
      const text = diags.map((d) => d.message).join(' | ');
      assert.ok(diags.length >= 2, `schema diagnostics: ${text}`);
      assert.match(text, /vanilla|lstm|gru|gated/);
      await vscode.commands.executeCommand('workbench.action.closeAllEditors');
      fs.unlinkSync(file.fsPath);
    });

    test('Verify: the chapter bound holds for a vanilla tanh RNN on real rows; after training it analyses the trained model', async () => {
      const csv = workspaceFile('adding-50.csv');
      const fresh = await run<BoundSummary>('rnnPlayground.verifyBound', csv, { model: { cell: 'vanilla', activation: 'tanh' } });
      assert.ok(!failed(fresh), JSON.stringify(fresh));
      assert.equal(fresh.holds, true);
      assert.match(fresh.verdict, /^holds at all 50 lags; tightest at lag \d+, ratio 0\.\d+/);
      assert.equal(fresh.lags.length, 50);
      assert.match(fresh.model, /untrained vanilla/);
      // the LSTM trained above on this CSV is the one analysed now
      const trained = await run<BoundSummary>('rnnPlayground.verifyBound', csv);
      assert.ok(!failed(trained), JSON.stringify(trained));
      assert.match(trained.model, /trained model adding-50\.model\.json/);
      assert.equal(trained.cell, 'lstm');
      assert.equal(trained.holds, null, 'gated cells have no bound; the additive path is reported');
      assert.ok(trained.additiveLog10 && trained.additiveLog10.length === 50);
      // a model file as the current file: its own CSV is used
      const viaModel = await run<BoundSummary>('rnnPlayground.verifyBound', vscode.Uri.file(modelFile));
      assert.ok(!failed(viaModel), JSON.stringify(viaModel));
      assert.equal(viaModel.csvFile, csv.fsPath);
    });

    test('Compare Cells: same data and seed, one row per cell', async () => {
      const r = await run<CompareSummary>('rnnPlayground.compareCells', workspaceFile('adding-50.csv'), { cells: ['vanilla', 'gru'], training: { epochs: 1 }, model: { hiddenSize: 6 } });
      assert.ok(!failed(r), JSON.stringify(r));
      assert.deepEqual(r.cells.map((c) => c.cell), ['vanilla', 'gru']);
      assert.ok(r.cells.every((c) => Number.isFinite(c.valLoss) && c.epochs === 1));
      assert.ok(r.best === 'vanilla' || r.best === 'gru');
    });

    test('Load Model describes the file; Export Model writes model, state_dict and script and never overwrites silently', async () => {
      const info = await run<ModelInfo>('rnnPlayground.loadModel', vscode.Uri.file(modelFile));
      assert.ok(!failed(info), JSON.stringify(info));
      assert.equal(info.config.cell, 'lstm');
      assert.equal(info.config.hiddenSize, 12);
      assert.equal(info.data?.file, workspaceFile('adding-50.csv').fsPath);
      const folder = path.join(path.dirname(modelFile), 'exported');
      const r = await run<{ files: Record<string, string> }>('rnnPlayground.exportModel', vscode.Uri.file(modelFile), { folder, training: false });
      assert.ok(!failed(r), JSON.stringify(r));
      for (const f of Object.values(r.files)) assert.ok(fs.statSync(f).size > 100, f);
      const dict = JSON.parse(fs.readFileSync(r.files.stateDict, 'utf8'));
      assert.deepEqual(Object.keys(dict).sort(), ['head.bias', 'head.weight', 'rnn.bias_hh_l0', 'rnn.bias_ih_l0', 'rnn.weight_hh_l0', 'rnn.weight_ih_l0']);
      assert.equal(dict['rnn.weight_hh_l0'].length, 48);
      const before = fs.readFileSync(r.files.model, 'utf8');
      const again = await run<Failure>('rnnPlayground.exportModel', vscode.Uri.file(modelFile), { folder, overwrite: false, training: false });
      assert.equal(again.kind, 'exists');
      assert.equal(fs.readFileSync(r.files.model, 'utf8'), before);
      // the model and its training: the worker re-reads the CSV, which must give the run's samples
      const project = path.join(path.dirname(modelFile), 'exported-training');
      const t = await run<{ files: Record<string, string>; training: { train: string; plan: string; epochs: number; samples: { train: number } } }>(
        'rnnPlayground.exportModel', vscode.Uri.file(modelFile), { folder: project, training: true });
      assert.ok(!failed(t), JSON.stringify(t));
      const plan = JSON.parse(fs.readFileSync(t.training.plan, 'utf8'));
      assert.equal(plan.training.history.length, t.training.epochs);
      assert.equal(plan.training.orders.length, t.training.epochs);
      assert.equal(plan.train.length, t.training.samples.train);
      assert.match(fs.readFileSync(t.training.train, 'utf8'), /DistributedDataParallel/);
    });

    test('a malformed CSV gives the data layer\'s message (file, line, column), not a stack trace', async () => {
      const bad = workspaceFile('broken.csv');
      fs.writeFileSync(bad.fsPath, 'step,value,target\n1,0.5,1\n2,oops,2\n3,0.7,3\n');
      const r = await run<Failure>('rnnPlayground.trainCsv', bad, { data: { features: ['value'], targets: ['target'] } });
      assert.ok(failed(r));
      assert.equal(r.kind, 'input');
      assert.match(r.error, /broken\.csv line 3, column "value": expected a number/);
      assert.doesNotMatch(r.error, /\bat \w+ \(/, 'no stack trace');
      const wrong = await run<Failure>('rnnPlayground.trainCsv', workspaceFile('adding-50.csv'), { training: { epochs: 0 } });
      assert.match(wrong.error, /training\.epochs must be "auto" or an integer from 1 to 100000; got 0/);
    });

    test('gaps stop the run with the count, the first lines and the fixes; a typo names its line; the chosen fix trains', async () => {
      const gaps = workspaceFile('gaps.csv');
      const rows = ['year,flow'];
      for (let y = 0; y < 80; y++) rows.push(`${1871 + y},${y === 9 || y === 30 ? 'NA' : y === 31 ? '' : Math.round(1000 + 200 * Math.sin(y / 3))}`);
      fs.writeFileSync(gaps.fsPath, `${rows.join('\n')}\n`);
      const r = await run<Failure & { fixes?: string[]; where?: { file: string; line: number; column: string } }>('rnnPlayground.trainCsv', gaps, { save: false });
      assert.ok(failed(r));
      assert.equal(r.kind, 'input');
      assert.match(r.error, /gaps\.csv: 3 missing values in the columns in use \("flow" 3; empty or "NA"\), the first at lines 11, 32, 33/);
      assert.deepEqual(r.fixes, ['ffill', 'interpolate', 'drop']);
      assert.deepEqual([path.basename(r.where?.file ?? ''), r.where?.line, r.where?.column], ['gaps.csv', 11, 'flow']);
      const fixed = await run<RunSummary>('rnnPlayground.trainCsv', gaps, { data: { missing: 'interpolate' }, training: { epochs: 2 }, save: false });
      assert.ok(!failed(fixed), JSON.stringify(fixed));
      assert.equal(fixed.roles.time, 'year');
      assert.deepEqual(fixed.roles.targets, ['flow']);
      assert.match(fixed.notes.join(' '), /3 missing values interpolated/);
      fs.writeFileSync(gaps.fsPath, `${rows.map((line, k) => (k === 10 ? '1880,12O4' : line.replace(/,(NA)?$/, ',1000'))).join('\n')}\n`);
      const typo = await run<Failure & { where?: { line: number } }>('rnnPlayground.trainCsv', gaps, { save: false });
      assert.ok(failed(typo));
      assert.match(typo.error, /gaps\.csv line 11, column "flow": expected a number \(a feature\), found "12O4"/);
      assert.equal(typo.where?.line, 11);
      fs.rmSync(gaps.fsPath, { force: true });
    });

    test('Open Playground shows the side view and the panel of the file, which follows training and verification', async () => {
      const api = await playground();
      const csv = workspaceFile('copy-memory.csv');
      const r = await run<{ shown: string; panel: string | null }>('rnnPlayground.openPlayground', csv);
      assert.equal(r.shown, 'rnnPlayground.sidebar');
      assert.equal(r.panel, csv.fsPath);
      assert.ok(api.panels.files.includes(csv.fsPath));
      const s = await run<RunSummary>('rnnPlayground.trainCsv', csv, { training: { epochs: 2 }, model: { hiddenSize: 6 }, save: false });
      assert.ok(!failed(s), JSON.stringify(s));
      const state = api.panels.stateOf(csv.fsPath);
      assert.equal(state?.running, false);
      assert.equal(state?.run?.epochs, 2);
      const b = await run<BoundSummary>('rnnPlayground.verifyBound', csv, { model: { cell: 'vanilla' } });
      assert.ok(!failed(b), JSON.stringify(b));
      assert.equal(api.panels.stateOf(csv.fsPath)?.tab, 'bound');
      assert.equal(api.panels.stateOf(csv.fsPath)?.bound?.verdict, b.verdict);
    });

    test('Chapter Lab: opens, measures a claim on its own worker, cancels a long one at once, and saves its report', async () => {
      const api = await playground();
      assert.deepEqual(await vscode.commands.executeCommand('rnnPlayground.openChapterLab'), { shown: true });
      const b = await api.lab.run('b', { scalar: { wh: 0.9, activation: 'sigmoid', maxT: 50 } }) as { figures: { rows: unknown[]; held: boolean } };
      assert.equal(b.figures.rows.length, 49);
      assert.equal(b.figures.held, true);
      // the horizon claim trains for a while: Cancel stops it within the worker's grace period
      const started = api.lab.run('c', { lengths: [50, 100, 200] });
      await new Promise((r) => setTimeout(r, 1500));
      const t0 = Date.now();
      await api.lab.run('c'); // already running: ignored
      await vscode.commands.executeCommand('workbench.action.closeActiveEditor'); // closing the lab cancels its runs
      assert.equal(await started, null, 'a cancelled claim has no figures');
      assert.ok(Date.now() - t0 < 5000, `cancelled in ${Date.now() - t0} ms`);
      // the report: the page writes itself as one standalone HTML file
      const file = path.join(path.dirname(workspaceFile('adding-50.csv').fsPath), 'lab-report.html');
      const saved = await vscode.commands.executeCommand<{ file: string }>('rnnPlayground.saveChapterLab', file);
      assert.equal(saved.file, file);
      const html = fs.readFileSync(file, 'utf8');
      assert.match(html, /<h1>Chapter Lab<\/h1>/);
      assert.match(html, /a\. The tiny RNN, step by step/);
      fs.rmSync(file, { force: true });
    });
  });
}
