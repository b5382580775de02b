/**
 * One settings path: the CLI turns its flags into an experiment patch and goes through the same defaults, merge,
 * model and training run as the extension's worker, so the same experiment gives the same run, to the bit.
 */
import { test } from 'node:test';
import { configureProducts } from '../../../src/threads/runtime';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { trainJob } from '../../../src/worker/trainJobs';
import type { JobContext } from '../../../src/worker/jobCommon';
import { flagsPatch } from '../../../src/cli/commands/dataCommon';
import { loadExperiment } from '../../../src/data/settings';

// the products as the engine worker sets them up (fused where the runtime can), so the CLI's runs and these match
configureProducts();

const CLI = new URL('../../../dist/cli.js', import.meta.url).pathname;
const SAMPLES = new URL('../../../samples/', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'rnnpg-settings-'));
const cli = (...args: string[]) => spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', timeout: 180000, cwd: dir });
const quiet: JobContext = { report: () => {}, stopped: () => false };

copyFileSync(join(SAMPLES, 'adding-50.csv'), join(dir, 'adding-50.csv'));
const exp = join(dir, 'adding.rnn.json');
writeFileSync(exp, JSON.stringify({ version: 1, data: { file: 'adding-50.csv' }, model: { cell: 'gru', hiddenSize: 6 }, training: { epochs: 3, seed: 4, learningRate: 0.01 } }, null, 2));

test('the CLI on an experiment file trains exactly the run the extension trains (same losses to the bit)', async () => {
  const r = cli('train', exp, '--json');
  assert.equal(r.status, 0, r.stderr);
  const fromCli = JSON.parse(r.stdout);
  const fromWorker = await trainJob({ file: exp, defaults: {} }, null, quiet);
  assert.equal(fromCli.cell, 'gru');
  assert.equal(fromCli.experimentFile, exp);
  assert.equal(fromCli.file, join(dir, 'adding-50.csv'));
  assert.equal(fromCli.epochs, 3);
  assert.equal(fromCli.valLoss, fromWorker.valLoss);
  assert.equal(fromCli.trainLoss, fromWorker.trainLoss);
  assert.deepEqual(fromCli.history.map((e: { trainLoss: number }) => e.trainLoss), fromWorker.history.map((e) => e.trainLoss));
  // one run summary: every field the extension gets, the CLI prints with the same value (renamed: file, saved)
  const renamed: Record<string, string> = { csvFile: 'file', modelFile: 'saved' };
  // the CLI trains on every core, this worker call on one thread: the same bits either way
  assert.equal(fromCli.threads, availableParallelism());
  assert.equal(fromWorker.threads, 1);
  for (const [key, value] of Object.entries(fromWorker)) {
    if (key === 'seconds' || key === 'threads') continue;
    const cliValue = fromCli[renamed[key] ?? key];
    if (key === 'verdict') assert.deepEqual(fromCli.judgement, value, 'verdict → judgement');
    else if (key === 'roles') assert.deepEqual({ ...value, ...cliValue }, cliValue, 'the roles report of the CLI holds the roles');
    else if (key === 'history') assert.deepEqual(cliValue, fromWorker.history.map(({ stepGradNorm: _s, ...e }) => e));
    else assert.deepEqual(cliValue, value, key);
  }
});

test('flags override the file through the same merge, and the worker agrees when given them as overrides', async () => {
  const r = cli('train', exp, '--hidden', '4', '--cell', 'lstm', '--epochs', '2', '--json');
  assert.equal(r.status, 0, r.stderr);
  const fromCli = JSON.parse(r.stdout);
  assert.equal(fromCli.cell, 'lstm');
  assert.equal(fromCli.epochs, 2);
  const overrides = flagsPatch({ hidden: '4', cell: 'lstm', epochs: '2' });
  const merged = loadExperiment({ file: exp, overrides }).experiment;
  assert.equal(merged.model.hiddenSize, 4);
  assert.equal(merged.training.seed, 4, 'what the flags do not name stays as the file says');
  const fromWorker = await trainJob({ file: exp, defaults: {}, overrides }, null, quiet);
  assert.equal(fromCli.valLoss, fromWorker.valLoss);
  // a bad flag names the flag; a bad file names the file and the field
  const bad = cli('train', exp, '--hidden', '0');
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /--hidden must be a whole number from 1 to 1024/);
  const broken = join(dir, 'broken.rnn.json');
  writeFileSync(broken, JSON.stringify({ version: 1, data: { file: 'adding-50.csv' }, model: { hiddenSize: 'big' } }));
  const b = cli('train', broken);
  assert.equal(b.status, 2);
  assert.match(b.stderr, /broken\.rnn\.json: model\.hiddenSize must be/);
});

test('every CLI command takes an experiment file; export writes what Export Model writes', () => {
  const save = join(dir, 'm.json');
  assert.equal(cli('train', exp, '--save', save, '--json').status, 0);
  const v = cli('verify', exp, '--json');
  assert.equal(v.status, 0, v.stderr);
  assert.equal(JSON.parse(v.stdout).cell, 'gru');
  const c = cli('compare', exp, '--cells', 'gru,indrnn', '--epochs', '1', '--json');
  assert.equal(c.status, 0, c.stderr);
  assert.deepEqual(JSON.parse(c.stdout).cells.map((r: { cell: string }) => r.cell), ['gru', 'indrnn']);
  const p = cli('predict', exp, '--model', save, '--out', join(dir, 'p.csv'));
  assert.equal(p.status, 0, p.stderr);
  const g = cli('gradcheck', '--experiment', exp, '--json');
  assert.equal(g.status, 0, g.stderr);
  assert.match(cli('gradcheck', '--experiment', exp).stdout, /Gradient check: gru, hidden 6/);
  const out = join(dir, 'export');
  const e = cli('export', save, '--out', out, '--json');
  assert.equal(e.status, 0, e.stderr);
  for (const f of ['model.json', 'state_dict.json', 'model.py']) assert.ok(existsSync(join(out, f)), f);
  assert.match(readFileSync(join(out, 'model.py'), 'utf8'), /nn\.GRU/);
  const again = cli('export', save, '--out', out);
  assert.equal(again.status, 2, 'never overwrites silently');
  assert.match(again.stderr, /already exist.*--force/);
  assert.equal(cli('export', save, '--out', out, '--force').status, 0);
});
