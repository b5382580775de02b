import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const CLI = new URL('../../../dist/cli.js', import.meta.url).pathname;
const SAMPLES = new URL('../../../samples/', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'rnnpg-cli-'));
const cli = (...args: string[]) => spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', timeout: 180000 });
const sample = (f: string): string => join(SAMPLES, f);
const json = (r: ReturnType<typeof cli>) => {
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout);
};

test('train with no flags beyond the file does something sensible on every sample', () => {
  for (const f of ['adding-50.csv', 'intraday-sessions.csv', 'copy-memory.csv', 'temporal-order.csv', 'sp500-2000.csv']) {
    const before = statSync(sample(f)).mtimeMs;
    const j = json(cli('train', sample(f), '--epochs', '2', '--json'));
    for (const k of ['trainLoss', 'valLoss', 'baselineLoss']) assert.ok(Number.isFinite(j[k]), `${f}: ${k}`);
    assert.equal(j.epochs, 2);
    assert.equal(statSync(sample(f)).mtimeMs, before, 'the CSV is never written to');
    if (f === 'intraday-sessions.csv' || f === 'temporal-order.csv' || f === 'copy-memory.csv') assert.ok(j.accuracy !== null && j.task === 'classify');
    if (f === 'sp500-2000.csv') assert.equal(j.task, 'next-step');
    if (f === 'adding-50.csv') {
      assert.equal(j.task, 'regress');
      // one value per sequence: the baseline in data units is the training mean's error (≈ the variance of a sum of two uniforms, 1/6)
      assert.ok(Math.abs(j.dataUnits[0].baselineMse - 1 / 6) < 0.05, `baseline in data units ${j.dataUnits[0].baselineMse}`);
    }
    assert.ok(['better', 'no better', 'worse', 'diverged', 'stopped'].includes(j.verdict), `${f}: verdict ${j.verdict}`);
    assert.ok(j.ratio === null || Math.abs(j.ratio - j.valLoss / j.baselineLoss) < 1e-12, `${f}: ratio`);
  }
});

test('train learns: an LSTM on the sessions beats the majority class; --save writes a model once', () => {
  const model = join(dir, 'sessions.json');
  const j = json(cli('train', sample('intraday-sessions.csv'), '--epochs', '25', '--save', model, '--json'));
  assert.ok(j.accuracy > j.baselineAccuracy + 0.2, `${j.accuracy} vs ${j.baselineAccuracy}`);
  assert.ok(j.valLoss < j.baselineLoss);
  assert.equal(j.saved, model);
  const file = JSON.parse(readFileSync(model, 'utf8'));
  assert.equal(file.format, 'rnn-playground-model');
  assert.equal(file.meta.data.task, 'classify');
  // no silent overwrite
  const again = cli('train', sample('intraday-sessions.csv'), '--epochs', '1', '--save', model);
  assert.equal(again.status, 2);
  assert.match(again.stderr, /already exists; choose another name or pass --force/);
  assert.equal(cli('train', sample('intraday-sessions.csv'), '--epochs', '1', '--save', model, '--force').status, 0);
});

test('verify: bound report with per-lag arrays; a trained model from --model; a gated cell has no bound', () => {
  const v = json(cli('verify', sample('intraday-sessions.csv'), '--cell', 'vanilla', '--activation', 'sigmoid', '--sequence', '2', '--json'));
  assert.equal(v.holds, true);
  assert.ok(v.worstRatio <= 1 + 1e-9);
  assert.equal(v.steps, 60);
  assert.equal(v.measured.length, 60);
  assert.equal(v.loose.length, 60);
  assert.equal(v.tight.length, 60);
  assert.equal(v.sequence.index, 2);
  assert.ok(v.effectiveMemory >= 1 && v.effectiveMemory <= 60);
  const text = cli('verify', sample('intraday-sessions.csv'), '--cell', 'vanilla');
  assert.match(text.stdout, /verdict: holds at all 60 lags; tightest at lag \d+, ratio/);
  const model = join(dir, 'gru.json');
  assert.equal(cli('train', sample('adding-50.csv'), '--cell', 'gru', '--epochs', '2', '--save', model).status, 0);
  const g = json(cli('verify', sample('adding-50.csv'), '--model', model, '--json'));
  assert.equal(g.holds, null);
  assert.equal(g.tight, null);
  assert.equal(g.additive.length, 50);
  assert.match(g.model, /trained model/);
});

test('compare: same data, seed and budget for each cell', () => {
  const j = json(cli('compare', sample('adding-50.csv'), '--cells', 'vanilla,lstm,gru,gated', '--epochs', '2', '--json'));
  assert.deepEqual(j.cells.map((c: { cell: string }) => c.cell), ['vanilla', 'lstm', 'gru', 'gated']);
  for (const c of j.cells) {
    assert.ok(Number.isFinite(c.valLoss) && c.baselineLoss === j.baseline.loss);
    assert.ok(c.effectiveMemory >= 0);
  }
});

test('predict: one row per prediction, in data units, never over an existing file', () => {
  const model = join(dir, 'sp.json');
  assert.equal(cli('train', sample('sp500-2000.csv'), '--epochs', '2', '--save', model).status, 0);
  const out = join(dir, 'pred.csv');
  const j = json(cli('predict', sample('sp500-2000.csv'), '--model', model, '--out', out, '--json'));
  const lines = readFileSync(out, 'utf8').trim().split('\n');
  assert.equal(lines[0], 'sequence,line,date,actual_close,predicted_close');
  assert.equal(lines.length - 1, j.predictions);
  assert.ok(j.predictions > 5000);
  const again = cli('predict', sample('sp500-2000.csv'), '--model', model, '--out', out);
  assert.equal(again.status, 2);
  assert.match(again.stderr, /already exists/);
});

test('error paths name what and where, exit 2, no stack traces', () => {
  const bad = join(dir, 'bad.csv');
  writeFileSync(bad, 'a,b,c\n1,2,3\n4,5\n6,7,8\n');
  const cases: [string[], RegExp][] = [
    [['train', join(dir, 'missing.csv')], /missing\.csv/],
    [['train', bad], /line 3.*2 fields.*3/],
    [['train', sample('adding-50.csv'), '--target', 'nope'], /no column "nope"/],
    [['train', sample('adding-50.csv'), '--hidden', '0'], /--hidden must be a whole number from 1/],
    [['train', sample('adding-50.csv'), '--window', '5000', '--task', 'next-step'], /window of 5000 steps/],
    [['train', sample('adding-50.csv'), '--task', 'dance'], /--task must be one of/],
    [['verify', sample('adding-50.csv'), '--model', join(dir, 'nope.json')], /cannot read .*nope\.json/],
    [['predict', sample('adding-50.csv'), '--out', join(dir, 'x.csv')], /needs --model/],
    [['make-task', 'juggling', '--out', join(dir, 'x.csv')], /unknown task "juggling"/],
    [['train'], /needs exactly one CSV or experiment file/],
  ];
  for (const [args, re] of cases) {
    const r = cli(...args);
    assert.equal(r.status, 2, `${args.join(' ')} → ${r.status}: ${r.stderr}`);
    assert.match(r.stderr, re);
    assert.doesNotMatch(r.stderr, /\n\s+at .*:\d+:\d+/, 'no stack trace');
  }
});

test('make-task writes each task once, atomically', () => {
  for (const t of ['adding', 'copy', 'order', 'sessions']) {
    const out = join(dir, `${t}.csv`);
    const j = json(cli('make-task', t, '--length', '12', '--count', '5', '--seed', '3', '--out', out, '--json'));
    assert.ok(existsSync(out));
    assert.equal(readFileSync(out, 'utf8').trim().split('\n').length, j.rows + 1);
    assert.equal(cli('make-task', t, '--out', out).status, 2);
  }
});
