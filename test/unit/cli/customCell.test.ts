/**
 * A custom cell from an experiment file (or --equations) through every CLI command, and the same run through the
 * extension's worker; a wrong equation exits 2 naming the equation and column with a caret under it.
 */
import { test } from 'node:test';
import { configureProducts } from '../../../src/threads/runtime';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { trainJob } from '../../../src/worker/trainJobs';
import type { JobContext } from '../../../src/worker/jobCommon';
import { parseExperiment } from '../../../src/data/experiment';

// the products as the engine worker sets them up (fused where the runtime can), so the CLI's runs and these match
configureProducts();

const CLI = new URL('../../../dist/cli.js', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'rnnpg-custom-'));
const cli = (...args: string[]) => spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', timeout: 180000, cwd: dir });
const quiet: JobContext = { report: () => {}, stopped: () => false };

// a cell the project has no built-in for: a leaky unit with a per-unit decay and a peephole on the input gate
const EQUATIONS = [
  'k = sigmoid(u_k * h + W_k @ x + b_k)',
  "h' = k * h + (1 - k) * relu(W_c @ x + U_c @ (k * h) + b_c)",
];

test('a custom cell trains, verifies, compares and gradient-checks from its experiment file; the worker trains the same run', async () => {
  assert.equal(cli('make-task', 'adding', '--length', '12', '--count', '200', '--seed', '3', '--out', 'adding.csv').status, 0);
  const exp = join(dir, 'leaky.rnn.json');
  writeFileSync(exp, JSON.stringify({ version: 1, data: { file: 'adding.csv' }, model: { cell: 'custom', hiddenSize: 6, equations: EQUATIONS }, training: { epochs: 4, seed: 2 } }, null, 2));
  const t = cli('train', exp, '--json', '--save', 'leaky.model.json');
  assert.equal(t.status, 0, t.stderr);
  const r = JSON.parse(t.stdout);
  assert.equal(r.cell, 'custom');
  assert.deepEqual(r.config.equations, EQUATIONS);
  assert.ok(r.history.length === 4 && Number.isFinite(r.valLoss));
  assert.match(r.judgement.headline, /your custom cell/i);
  const w = await trainJob({ file: exp, defaults: {} }, null, quiet);
  assert.equal(w.valLoss, r.valLoss, 'the CLI and the worker train the same run, to the bit');
  // the saved model reloads with its equations: verify reads it
  const v = cli('verify', exp, '--model', 'leaky.model.json', '--json');
  assert.equal(v.status, 0, v.stderr);
  const vr = JSON.parse(v.stdout);
  assert.equal(vr.cell, 'custom');
  assert.equal(vr.holds, true);
  assert.ok(vr.additive && vr.additive.length === vr.steps, 'the additive path of h\' = k ⊙ h + …');
  const c = cli('compare', exp, '--cells', 'gru,custom', '--epochs', '2', '--json');
  assert.equal(c.status, 0, c.stderr);
  assert.deepEqual(JSON.parse(c.stdout).cells.map((x: { cell: string }) => x.cell), ['gru', 'custom']);
  const all = JSON.parse(cli('compare', exp, '--epochs', '1', '--json').stdout);
  assert.equal(all.cells.at(-1).cell, 'custom', 'compare includes the file\'s custom cell by default');
  const g = cli('gradcheck', '--experiment', exp, '--json');
  assert.equal(g.status, 0, g.stderr);
  const gr = JSON.parse(g.stdout);
  assert.equal(gr.pass, true);
  assert.ok(gr.entries.some((e: { name: string }) => e.name === 'u_k_l0'));
  const e = cli('export', 'leaky.model.json', '--out', 'exported');
  assert.equal(e.status, 0, e.stderr);
  assert.match(readFileSync(join(dir, 'exported', 'model.py'), 'utf8'), /class CustomCell\(nn\.Module\)[\s\S]*self\.u_k_l0 = nn\.Parameter/);
});

test('--equations gives a custom cell on the command line; a wrong equation exits 2 at its place', () => {
  const ok = cli('gradcheck', '--equations', "c' = tanh(W_c @ x + u_c * c); h' = sigmoid(U_h @ h) * c'", '--json');
  assert.equal(ok.status, 0, ok.stderr);
  assert.deepEqual(JSON.parse(ok.stdout).config.equations, ["c' = tanh(W_c @ x + u_c * c)", "h' = sigmoid(U_h @ h) * c'"]);
  const bad = cli('train', 'adding.csv', '--equations', "a = sigmoid(W_a @ x + U_a @ h + b_a); h' = a * h + (1 - a) * tanh(W_c @ h)");
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /model\.equations: equation 2, column 35: W_c is a hidden × input matrix: it multiplies x/);
  assert.match(bad.stderr, /\n {4}h' = a \* h \+ \(1 - a\) \* tanh\(W_c @ h\)\n {38}\^/);
  const file = join(dir, 'broken.rnn.json');
  writeFileSync(file, JSON.stringify({ version: 1, data: { file: 'adding.csv' }, model: { cell: 'custom', equations: ["h' = tanh(W_a @ x) + q"] } }));
  const b = cli('verify', file);
  assert.equal(b.status, 2);
  assert.match(b.stderr, /broken\.rnn\.json: model\.equations: equation 1, column 22: unknown name "q"/);
  assert.equal(existsSync(join(dir, 'broken.model.json')), false);
});

test('experiment files: custom needs equations; equations stay (unchecked) when another cell is chosen', () => {
  assert.throws(() => parseExperiment({ data: { file: 'a.csv' }, model: { cell: 'custom' } }, 'x.rnn.json'), /model\.cell is "custom": model\.equations must list its equations/);
  assert.throws(() => parseExperiment({ data: { file: 'a.csv' }, model: { cell: 'custom', equations: "h' = h" } }, 'x.rnn.json'), /model\.equations must be a list of strings/);
  const kept = parseExperiment({ data: { file: 'a.csv' }, model: { cell: 'gru', equations: ['not checked'] } }, 'x.rnn.json');
  assert.equal(kept.model.cell, 'gru');
  assert.deepEqual(kept.model.equations, ['not checked']);
});
