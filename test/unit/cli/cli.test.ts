import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// Runs the built CLI as a user would (npm test builds dist/ first).
const CLI = new URL('../../../dist/cli.js', import.meta.url).pathname;
const GOLDEN = new URL('../../golden/', import.meta.url).pathname;
const cli = (...args: string[]) => spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', timeout: 120000 });

test('golden: the shipped file passes with exit 0; --json has maxAbsErr and per-case figures', () => {
  const text = cli('golden', join(GOLDEN, 'torch-golden.json'));
  assert.equal(text.status, 0, text.stderr);
  assert.match(text.stdout, /PASS: worst absolute error .* over 4064 values/);
  const r = cli('golden', join(GOLDEN, 'torch-golden-d1-m33-t4-b1.json'), '--json');
  assert.equal(r.status, 0);
  const j = JSON.parse(r.stdout);
  assert.ok(j.maxAbsErr <= 1e-12);
  assert.equal(j.sizes.hiddenSize, 33);
  assert.equal(j.cases.length, 8);
  assert.ok(j.cases.every((c: { maxAbsErr: number; items: unknown[] }) => c.maxAbsErr <= 1e-12 && c.items.length > 5));
});

test('golden: a float32 file is checked with float32 products against 1e-5 relative, and fails 1e-12', () => {
  const file = join(GOLDEN, 'torch-golden-float32-d5-m16-t12-b4.json');
  const r = cli('golden', file, '--json');
  assert.equal(r.status, 0, r.stderr);
  const j = JSON.parse(r.stdout);
  assert.equal(j.precision, 'float32');
  assert.equal(j.tolerance, 1e-5);
  assert.ok(j.maxRelErr > 0 && j.maxRelErr <= 1e-5);
  const text = cli('golden', file);
  assert.match(text.stdout, /PASS: worst relative error .* float32 products \(tolerance 1(\.00)?e-5\)/);
  // and 1e-12 is beyond float32: the same file fails at that tolerance, exit 1
  assert.equal(cli('golden', file, '--tolerance', '1e-12').status, 1);
  assert.equal(cli('golden', file, '--precision', 'float16').status, 2);
});

test('golden: a file that disagrees exits 1; unreadable or malformed input exits 2 with a one-line reason', () => {
  const dir = mkdtempSync(join(tmpdir(), 'rnnpg-'));
  const doc = JSON.parse(spawnSync('cat', [join(GOLDEN, 'torch-golden.json')], { encoding: 'utf8' }).stdout);
  doc.models.LSTM.cases[1].losses.mse_linear_head_all_steps.grads.weight_hh_l0[3][2] += 1e-9;
  writeFileSync(join(dir, 'off.json'), JSON.stringify(doc));
  const off = cli('golden', join(dir, 'off.json'));
  assert.equal(off.status, 1);
  assert.match(off.stdout, /FAIL: worst absolute error 1\.0\de-9/);
  writeFileSync(join(dir, 'bad.json'), '{"models": ');
  const bad = cli('golden', join(dir, 'bad.json'));
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /bad\.json is not valid JSON/);
  assert.doesNotMatch(bad.stderr, /at .*\.js:\d+/);
  const missing = cli('golden', join(dir, 'none.json'));
  assert.equal(missing.status, 2);
  assert.match(missing.stderr, /cannot read .*none\.json: no such file/);
  assert.equal(cli('golden').status, 2);
});

test('gradcheck: JSON has maxRelErr; options shape the model; bad options exit 2', () => {
  const r = cli('gradcheck', '--cell', 'vanilla', '--activation', 'relu', '--hidden', '5', '--layers', '2', '--residual', '--seed', '3', '--json');
  assert.equal(r.status, 0, r.stderr);
  const j = JSON.parse(r.stdout);
  assert.ok(j.maxRelErr < 1e-5);
  assert.equal(j.config.layers, 2);
  assert.equal(j.config.residual, true);
  assert.ok(j.entries.some((e: { name: string }) => e.name === 'weight_hh_l1'));
  const text = cli('gradcheck', '--cell', 'gated', '--coupled');
  assert.equal(text.status, 0);
  assert.match(text.stdout, /PASS: max relative error/);
  for (const bad of [['--cell', 'tcn'], ['--hidden', '0'], ['--frobnicate'], ['--hidden', 'ten']]) {
    const b = cli('gradcheck', ...bad);
    assert.equal(b.status, 2, bad.join(' '));
    assert.match(b.stderr, /^rnn-playground: /);
  }
  // an impossibly tight tolerance makes the check fail: exit 1
  assert.equal(cli('gradcheck', '--tolerance', '1e-300').status, 1);
});

test('examples: the corrected values and the erratum', () => {
  const r = cli('examples');
  assert.equal(r.status, 0);
  assert.match(r.stdout, /0\.710001, 0\.537235/);
  assert.match(r.stdout, /1\.247235/);
  assert.match(r.stdout, /Erratum/);
  const j = JSON.parse(cli('examples', '--json').stdout);
  assert.ok(Math.abs(j.tinyRnn.tanh.yHat - 0.415342) < 5e-7);
});

test('usage: help exits 0, no command or an unknown one exits 2', () => {
  assert.equal(cli('--help').status, 0);
  assert.equal(cli().status, 2);
  const u = cli('train-all-the-things');
  assert.equal(u.status, 2);
  assert.match(u.stderr, /unknown command/);
});

test('bench runs this engine on W1 and reports steps/s (peers not selected)', () => {
  const r = cli('bench', '--only', 'w1', '--cells', 'gru', '--hidden', '8', '--repeats', '1', '--min-seconds', '0.05', '--peers', 'none', '--json');
  assert.equal(r.status, 0, r.stderr);
  const j = JSON.parse(r.stdout);
  const ours = j.w1.rows.find((x: { peer: string }) => x.peer === 'rnn-playground');
  assert.ok(ours.median > 0 && ours.gflops > 0);
  assert.equal(j.csv, null);
});

test('bench ingestion: our reader, csv-parse and papaparse read the same numbers', () => {
  const r = cli('bench', '--only', 'csv', '--csv-rows', '5000', '--json');
  assert.equal(r.status, 0, r.stderr);
  const rows = JSON.parse(r.stdout).csv as { parser: string; mbPerSec: number; checksum: number }[];
  const names = rows.map((x) => x.parser);
  for (const p of ['rnn-playground', 'csv-parse', 'papaparse']) assert.ok(names.some((n) => n.startsWith(p)), `${p} in ${names.join(', ')}`);
  assert.ok(rows.every((x) => x.mbPerSec > 0));
  assert.equal(new Set(rows.map((x) => x.checksum)).size, 1);
});
