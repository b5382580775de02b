/**
 * The host's engine client against the real bundled worker (dist/worker.js, built by `npm run build`), in plain
 * Node: requests and replies, streamed progress, Cancel keeping the partial result, clear errors for bad files, and a
 * crashed or stuck worker being reported and replaced so the next request works.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { EngineClient, EngineError } from '../../../src/extension/engineClient';
import type { ExperimentSource, ProgressMessage } from '../../../src/shared/protocol';

const dist = resolve('dist');
const sample = resolve('samples/adding-50.csv');
const quick = { training: { epochs: 2, seed: 3 }, model: { hiddenSize: 8 } };
const source = (file: string, overrides: ExperimentSource['overrides'] = quick): ExperimentSource => ({ file, defaults: {}, overrides });

test('engine client: trains on a sample CSV with progress, saves the model, never overwrites', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'rnnp-client-'));
  const client = new EngineClient(dist);
  t.after(() => {
    client.dispose();
    rmSync(dir, { recursive: true, force: true });
  });
  const progress: ProgressMessage[] = [];
  const saveTo = join(dir, 'adding.model.json');
  const first = await client.request('train/start', { source: source(sample), saveTo }, { onProgress: (p) => progress.push(p) });
  const s = first.summary;
  assert.equal(s.status, 'completed');
  assert.equal(s.epochs, 2);
  assert.equal(s.history.length, 2);
  assert.equal(s.task, 'regress');
  assert.deepEqual(s.roles.targets, ['target']);
  assert.ok(s.valLoss < s.baselineLoss * 2 && Number.isFinite(s.valLoss), `val ${s.valLoss}`);
  assert.equal(s.modelFile, saveTo);
  assert.ok(progress.some((p) => p.phase === 'reading'), 'reading progress');
  assert.equal(progress.filter((p) => p.epoch).length, 2, 'one progress message per epoch');
  assert.ok(progress.every((p) => p.fraction === null || (p.fraction >= 0 && p.fraction <= 1)));
  JSON.parse(JSON.stringify(s)); // the summary is plain JSON
  const second = await client.request('train/start', { source: source(sample), saveTo });
  assert.equal(second.summary.modelFile, join(dir, 'adding-2.model.json'), 'an existing model is kept; the new one gets a free name');
  assert.deepEqual(second.summary.history.map((h) => h.trainLoss), s.history.map((h) => h.trainLoss), 'same seed, same run');
  const saved = JSON.parse(readFileSync(saveTo, 'utf8'));
  assert.equal(saved.format, 'rnn-playground-model');
  assert.deepEqual(saved.meta.data.roles.targets, ['target']);
});

test('engine client: Cancel stops a run within a fraction of a second and keeps the partial result', async (t) => {
  const client = new EngineClient(dist);
  t.after(() => client.dispose());
  let cancel: () => void = () => assert.fail('no cancel handle');
  let cancelledAt = 0;
  const reply = client.request('train/start', { source: source(sample, { training: { epochs: 500 }, model: { hiddenSize: 32 } }), saveTo: null }, {
    onCancelRequested: (c) => {
      cancel = c;
    },
    onProgress: (p) => {
      if (p.epoch && p.epoch.epoch === 1 && !cancelledAt) {
        cancelledAt = Date.now();
        cancel();
      }
    },
  });
  const { summary } = await reply;
  const stopMs = Date.now() - cancelledAt;
  assert.equal(summary.status, 'cancelled');
  assert.equal(summary.cancelled, true);
  assert.ok(summary.epochs >= 1 && summary.epochs < 500, `${summary.epochs} epochs kept`);
  assert.ok(Number.isFinite(summary.valLoss));
  assert.ok(stopMs < 1500, `stopped ${stopMs} ms after Cancel`);
  t.diagnostic(`stopped ${stopMs} ms after Cancel with ${summary.epochs} epoch(s) kept`);
});

test('engine client: bad files and settings come back as input errors naming file, line and field', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'rnnp-client-'));
  const client = new EngineClient(dist);
  t.after(() => {
    client.dispose();
    rmSync(dir, { recursive: true, force: true });
  });
  const bad = join(dir, 'bad.csv');
  writeFileSync(bad, 'a,b\n1,2\n3,x\n5,6\n');
  const expectError = async (p: Promise<unknown>, kind: string, pattern: RegExp): Promise<void> => {
    await assert.rejects(p, (e: unknown) => {
      assert.ok(e instanceof EngineError, String(e));
      assert.equal(e.kind, kind, e.message);
      assert.match(e.message, pattern);
      return true;
    });
  };
  await expectError(client.request('train/start', { source: source(bad, { data: { features: ['a', 'b'], targets: ['a'] } }), saveTo: null }), 'input', /bad\.csv line 3, column "b"/);
  await expectError(client.request('train/start', { source: source(sample, { model: { hiddenSize: -3 } }), saveTo: null }), 'input', /model\.hiddenSize must be an integer from 1 to 1024; got -3/);
  await expectError(client.request('train/start', { source: source(sample, { data: { targets: ['nope'] } }), saveTo: null }), 'input', /no column "nope"/);
  await expectError(client.request('train/start', { source: source(join(dir, 'missing.csv')), saveTo: null }), 'input', /missing\.csv/);
  const exp = join(dir, 'broken.rnn.json');
  writeFileSync(exp, '{\n  "data": { "file": "x.csv" },\n  "model": { "cell": "lstm", }\n}\n');
  await expectError(client.request('train/start', { source: source(exp), saveTo: null }), 'input', /broken\.rnn\.json line 3, column \d+: not valid JSON/);
  writeFileSync(exp, JSON.stringify({ data: { file: 'x.csv' }, model: { cel: 'lstm' } }));
  await expectError(client.request('train/start', { source: source(exp), saveTo: null }), 'input', /model has no setting "cel"/);
  await expectError(client.request('model/inspect', { modelFile: bad }), 'input', /bad\.csv: not valid JSON/);
  // the worker survived all of these
  assert.equal((await client.request('worker/ping', {})).type, 'worker/ping/result');
  assert.equal(client.restartCount, 0);
});

test('engine client: a crashed worker is reported in plain words and replaced; the next request works', async (t) => {
  const client = new EngineClient(dist);
  t.after(() => client.dispose());
  const run = client.request('train/start', { source: source(sample, { training: { epochs: 500 } }), saveTo: null }, {
    onProgress: (p) => p.phase === 'training' && client.kill(),
  });
  await assert.rejects(run, (e: unknown) => e instanceof EngineError && e.kind === 'crashed' && /engine stopped unexpectedly.*restarted/.test(e.message));
  assert.equal(client.restartCount, 1);
  const next = await client.request('train/start', { source: source(sample), saveTo: null });
  assert.equal(next.summary.status, 'completed');
});

test('engine client: a stuck worker is detected, reported and replaced', async (t) => {
  const client = new EngineClient(dist, { stuckAfterMs: 400 });
  t.after(() => client.dispose());
  const t0 = Date.now();
  await assert.rejects(client.request('worker/block', { ms: 20_000 }), (e: unknown) => e instanceof EngineError && e.kind === 'stuck' && /stopped responding/.test(e.message));
  assert.ok(Date.now() - t0 < 5000, 'detected well before the block ends');
  client.stuckAfterMs = 120_000; // a fresh worker's start-up may take longer than 400 ms on a loaded machine
  assert.equal((await client.request('worker/ping', {})).type, 'worker/ping/result');
});

test('engine client: verify, compare, new experiment, export and inspect', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'rnnp-client-'));
  const client = new EngineClient(dist);
  t.after(() => {
    client.dispose();
    rmSync(dir, { recursive: true, force: true });
  });
  const csv = join(dir, 'adding.csv');
  writeFileSync(csv, readFileSync(sample));
  const expFile = join(dir, 'adding.rnn.json');
  const created = await client.request('experiment/create', { csvFile: csv, experimentFile: expFile, defaults: { model: { cell: 'gru', hiddenSize: 6 } } });
  const written = JSON.parse(readFileSync(expFile, 'utf8'));
  assert.equal(written.data.file, 'adding.csv');
  assert.deepEqual(written.data.targets, ['target']);
  assert.equal(written.data.sequenceId, 'sequence');
  assert.equal(written.model.cell, 'gru');
  assert.ok(created.reasons.target);
  await assert.rejects(client.request('experiment/create', { csvFile: csv, experimentFile: expFile, defaults: {} }), (e: unknown) => e instanceof EngineError && e.kind === 'exists');

  const untrained = await client.request('verify/run', { source: source(expFile, undefined), modelFile: null, sequence: 2 });
  assert.equal(untrained.report.cell, 'gru');
  assert.equal(untrained.report.sequence.index, 2);
  assert.equal(untrained.report.sequence.steps, 50);
  assert.equal(untrained.report.lags.length, 50);
  assert.match(untrained.report.model, /untrained gru/);

  const trained = await client.request('train/start', { source: source(expFile, { training: { epochs: 1 } }), saveTo: join(dir, 'adding.model.json') });
  assert.equal(trained.summary.experimentFile, expFile);
  const modelFile = trained.summary.modelFile as string;
  const verified = await client.request('verify/run', { source: source(expFile, undefined), modelFile, sequence: 1 });
  assert.match(verified.report.model, /trained model adding\.model\.json/);
  assert.equal(typeof verified.report.verdict, 'string');

  const vanilla = await client.request('verify/run', { source: source(csv, { model: { cell: 'vanilla' } }), modelFile: null, sequence: 1 });
  assert.equal(vanilla.report.holds, true);
  assert.match(vanilla.report.verdict, /^holds at all 50 lags/);

  const info = await client.request('model/inspect', { modelFile });
  assert.equal(info.info.config.cell, 'gru');
  assert.equal(info.info.data?.file, csv);

  const folder = join(dir, 'export');
  const exported = await client.request('model/export', { modelFile, folder, overwrite: false });
  for (const f of Object.values(exported.files)) assert.ok(existsSync(f), f);
  assert.match(readFileSync(exported.files.script, 'utf8'), /import torch/);
  await assert.rejects(client.request('model/export', { modelFile, folder, overwrite: false }), (e: unknown) => e instanceof EngineError && e.kind === 'exists');
  await client.request('model/export', { modelFile, folder, overwrite: true });

  const compared = await client.request('compare/run', { source: source(csv, { training: { epochs: 1 }, model: { hiddenSize: 4 } }), cells: ['vanilla', 'lstm'] });
  assert.deepEqual(compared.summary.cells.map((c) => c.cell), ['vanilla', 'lstm']);
  assert.ok(compared.summary.best);
});
