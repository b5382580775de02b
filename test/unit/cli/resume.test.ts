/**
 * Continue a run: `train … --resume MODEL.json --epochs N` and the worker's continue (Step One Epoch, Continue
 * Training) give the run that was never stopped, to the bit; a model file written before checkpoints still continues,
 * saying that the optimiser's moments restart.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { trainJob } from '../../../src/worker/trainJobs';
import type { JobContext } from '../../../src/worker/jobCommon';

const CLI = new URL('../../../dist/cli.js', import.meta.url).pathname;
const SAMPLES = new URL('../../../samples/', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'rnnpg-resume-'));
const cli = (...args: string[]) => spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', timeout: 180000, cwd: dir });
const quiet: JobContext = { report: () => {}, stopped: () => false };
copyFileSync(join(SAMPLES, 'adding-50.csv'), join(dir, 'adding-50.csv'));
const exp = join(dir, 'adding.rnn.json');
// validation with restore-best and patience off: the saved weights are the best epoch's, the checkpoint the last's
writeFileSync(exp, JSON.stringify({ version: 1, data: { file: 'adding-50.csv' }, model: { cell: 'lstm', hiddenSize: 6 }, training: { epochs: 5, seed: 3, patience: 0, batchSize: 16 } }, null, 2));
const weights = (file: string): string => JSON.stringify(JSON.parse(readFileSync(file, 'utf8')).parameters);
const trainLosses = (r: { history: { trainLoss: number; valLoss: number | null }[] }): string[] => r.history.map((e) => `${e.trainLoss} ${e.valLoss}`);

test('CLI: 2 epochs, then --resume with 3 more = 5 epochs in one go (losses of every epoch, saved weights)', () => {
  const whole = cli('train', exp, '--save', 'whole.model.json', '--json');
  assert.equal(whole.status, 0, whole.stderr);
  const first = cli('train', exp, '--epochs', '2', '--save', 'part.model.json', '--json');
  assert.equal(first.status, 0, first.stderr);
  const rest = cli('train', exp, '--resume', 'part.model.json', '--epochs', '3', '--json');
  assert.equal(rest.status, 0, rest.stderr);
  const w = JSON.parse(whole.stdout);
  const a = JSON.parse(first.stdout);
  const b = JSON.parse(rest.stdout);
  assert.equal(b.epochs, 5, 'epochs count on from the saved run');
  assert.deepEqual(b.history.map((e: { epoch: number }) => e.epoch), [3, 4, 5]);
  assert.deepEqual([...trainLosses(a), ...trainLosses(b)], trainLosses(w));
  assert.equal(b.valLoss, w.valLoss);
  assert.equal(weights(join(dir, 'part.model.json')), weights(join(dir, 'whole.model.json')), 'the resumed file holds the same weights');
  assert.ok(b.notes.some((n: string) => /continues part\.model\.json after epoch 2, exactly/.test(n)));
  // --resume needs --epochs, and a model of another network is refused
  assert.equal(cli('train', exp, '--resume', 'part.model.json').status, 2);
  const other = cli('train', exp, '--resume', 'part.model.json', '--epochs', '1', '--hidden', '7');
  assert.equal(other.status, 2);
  assert.match(other.stderr, /is a different network from these settings \(hiddenSize 6 vs 7\)/);
});

test('worker: a continued run (Step One Epoch, Continue Training) equals the uninterrupted one; an old model file continues with a note', async () => {
  const whole = await trainJob({ file: exp, defaults: {} }, join(dir, 'w.model.json'), quiet);
  const part = await trainJob({ file: exp, defaults: {}, overrides: { training: { epochs: 2 } } }, join(dir, 'p.model.json'), quiet);
  const file = part.modelFile as string;
  const step = await trainJob({ file: exp, defaults: {}, overrides: { training: { epochs: 1 } } }, join(dir, 'unused.model.json'), quiet, file);
  const more = await trainJob({ file: exp, defaults: {}, overrides: { training: { epochs: 2 } } }, join(dir, 'unused.model.json'), quiet, file);
  assert.equal(more.epochs, 5);
  assert.deepEqual([...trainLosses(part), ...trainLosses(step), ...trainLosses(more)], trainLosses(whole));
  assert.equal(weights(file), weights(whole.modelFile as string));
  // a model file written before checkpoints: its weights go on, the optimiser starts again, and the run says so
  const old = JSON.parse(readFileSync(join(dir, 'w.model.json'), 'utf8'));
  delete old.checkpoint;
  writeFileSync(join(dir, 'old.model.json'), JSON.stringify(old));
  const cont = await trainJob({ file: exp, defaults: {}, overrides: { training: { epochs: 1 } } }, join(dir, 'unused.model.json'), quiet, join(dir, 'old.model.json'));
  assert.equal(cont.epochs, 6);
  assert.ok(cont.notes.some((n) => /has no optimiser state .* the optimiser's moments start again/.test(n)), cont.notes.join(' | '));
  assert.ok(JSON.parse(readFileSync(join(dir, 'old.model.json'), 'utf8')).checkpoint, 'and from now on the file has a checkpoint');
});
