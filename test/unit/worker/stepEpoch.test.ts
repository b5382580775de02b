/** "Step One Epoch": a run continues from its saved weights, one epoch at a time, updating its model file in place. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { trainJob } from '../../../src/worker/trainJobs';
import type { JobContext } from '../../../src/worker/jobCommon';
import type { ExperimentSource } from '../../../src/shared/protocol';

const dir = mkdtempSync(join(tmpdir(), 'rnnpg-step-'));
process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
copyFileSync(resolve('samples/adding-50.csv'), join(dir, 'adding-50.csv'));
copyFileSync(resolve('samples/adding-50.rnn.json'), join(dir, 'adding-50.rnn.json'));
const ctx: JobContext = { report: () => {}, stopped: () => false };
const src = (epochs: number, hiddenSize = 6): ExperimentSource => ({ file: join(dir, 'adding-50.rnn.json'), defaults: {}, overrides: { training: { epochs }, model: { hiddenSize } } });
const weights = (file: string): number[] => Object.values((JSON.parse(readFileSync(file, 'utf8')) as { parameters: Record<string, { data: number[] }> }).parameters).flatMap((p) => p.data);

test('steps continue the saved run: epochs add up, the file is updated in place, the weights move on', async () => {
  const save = join(dir, 'adding-50.model.json');
  const first = await trainJob(src(2), save, ctx);
  assert.equal(first.modelFile, save);
  assert.equal(first.epochs, 2);
  const before = weights(save);
  const step = await trainJob(src(1), save, ctx, save);
  assert.equal(step.modelFile, save, 'same file, updated in place');
  assert.equal(step.continuedFrom, 2);
  assert.equal(step.epochs, 3);
  assert.deepEqual(step.history.map((e) => e.epoch), [3]);
  assert.ok(!existsSync(join(dir, 'adding-50-2.model.json')), 'no new model file');
  const after = weights(save);
  assert.equal(after.length, before.length);
  assert.ok(after.some((w, k) => w !== before[k]), 'the weights changed');
  assert.equal((JSON.parse(readFileSync(save, 'utf8')) as { meta: { training: { epochs: number } } }).meta.training.epochs, 3);
  // continuing from the saved weights beats starting over: the step's loss is near the second epoch's, not the first's
  assert.ok(step.history[0].trainLoss < first.history[0].trainLoss, `${step.history[0].trainLoss} < ${first.history[0].trainLoss}`);
});

test('when the settings describe another network, a step starts a new run under a fresh name and says why', async () => {
  const save = join(dir, 'adding-50.model.json');
  const r = await trainJob(src(1, 9), save, ctx, save);
  assert.equal(r.continuedFrom, 0);
  assert.equal(r.epochs, 1);
  assert.notEqual(r.modelFile, save);
  assert.ok(r.notes.some((n) => /no longer match adding-50\.model\.json/.test(n)), r.notes.join('; '));
});
