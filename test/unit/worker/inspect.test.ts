/**
 * The Data, Gradients and Predictions views' worker jobs, run directly on the samples and on small CSVs written here:
 * the preview (roles, sequences, first rows), row windows as written and their cache, and one sequence through a model
 * (predictions equal to the CLI `predict` command's, confusion counts, the gradient profile). One test goes through
 * the real bundled worker (dist/worker.js, built by `npm run build`).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { gradientProfile } from '../../../src/engine/index';
import { samplesInFileOrder } from '../../../src/data/dataset';
import { predictCommand } from '../../../src/cli/commands/predict';
import { EngineClient, EngineError } from '../../../src/extension/engineClient';
import { loadTable, modelAndData, type JobContext } from '../../../src/worker/jobCommon';
import { trainJob } from '../../../src/worker/trainJobs';
import { loadExperiment } from '../../../src/data/settings';
import { dataPreviewJob, dataRowsJob, sequenceInspectJob } from '../../../src/worker/dataViewJobs';
import type { ExperimentSource, ProgressMessage } from '../../../src/shared/protocol';

const dir = mkdtempSync(join(tmpdir(), 'rnnpg-inspect-'));
process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
const write = (name: string, text: string): string => {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
};
const adding = resolve('samples/adding-50.rnn.json');
const addingCsv = resolve('samples/adding-50.csv');
const sessions = resolve('samples/intraday-sessions.rnn.json');
const source = (file: string, overrides?: ExperimentSource['overrides']): ExperimentSource => ({ file, defaults: {}, overrides });
const quick = { training: { epochs: 2, seed: 1 }, model: { hiddenSize: 8 } };

/** A job context that records its progress reports. */
function recorder(): JobContext & { reports: Omit<ProgressMessage, 'type' | 'inReplyTo'>[] } {
  const reports: Omit<ProgressMessage, 'type' | 'inReplyTo'>[] = [];
  return { reports, report: (p) => reports.push(p), stopped: () => false };
}

/** Data lines of a CSV file split at commas (no quotes in these files). */
const fileRows = (path: string, header = true): string[][] =>
  readFileSync(path, 'utf8').split('\n').filter((l) => l !== '').slice(header ? 1 : 0).map((l) => l.replace(/\r$/, '').split(','));

/** Trains a small model on an experiment and returns its file. */
async function trained(file: string, name: string): Promise<string> {
  const summary = await trainJob(source(file, quick), join(dir, name), recorder());
  assert.ok(summary.modelFile);
  return summary.modelFile;
}

/** The CLI `predict` command's output for a CSV and a model, as rows of cells. */
async function predictRows(csvFile: string, modelFile: string, out: string): Promise<{ header: string[]; rows: string[][] }> {
  await predictCommand(csvFile, { model: modelFile, out: join(dir, out) }, true);
  const [header, ...rows] = readFileSync(join(dir, out), 'utf8').trim().split('\n').map((l) => l.split(','));
  return { header, rows };
}

/** Checks a gradient profile's units against its step norms: ‖row t‖ = stepNorms[t]. */
function assertProfileConsistent(p: { steps: number; hiddenSize: number; stepNorms: number[]; units: number[] }): void {
  assert.equal(p.units.length, p.steps * p.hiddenSize);
  assert.equal(p.stepNorms.length, p.steps);
  for (let t = 0; t < p.steps; t++) {
    let sq = 0;
    for (let i = 0; i < p.hiddenSize; i++) sq += p.units[t * p.hiddenSize + i] ** 2;
    assert.ok(Math.abs(Math.sqrt(sq) - p.stepNorms[t]) <= 1e-12, `step ${t}: ${Math.sqrt(sq)} vs ${p.stepNorms[t]}`);
  }
}

test('data/preview: the adding sample with its experiment: roles, task, sequences, first rows as written', async () => {
  const p = await dataPreviewJob(source(adding), recorder());
  assert.equal(p.csvFile, addingCsv);
  assert.equal(p.experimentFile, adding);
  assert.equal(p.rowCount, 15000);
  assert.equal(p.bytes, readFileSync(addingCsv).length);
  assert.equal(p.delimiter, ',');
  assert.equal(p.headerLine, 1);
  assert.equal(p.task, 'regress');
  assert.equal(p.problem, null);
  assert.deepEqual(p.columns.map((c) => [c.name, c.kind, c.role]), [
    ['sequence', 'numeric', 'sequenceId'], ['step', 'numeric', 'time'], ['value', 'numeric', 'feature'], ['marker', 'numeric', 'feature'], ['target', 'numeric', 'target'],
  ]);
  assert.ok(p.columns.every((c) => c.role === c.suggested && c.reason.startsWith(`${c.role === 'sequenceId' ? 'sequence id' : c.role}:`) && c.missing === 0), JSON.stringify(p.columns));
  assert.deepEqual(p.roles, { features: ['value', 'marker'], targets: ['target'], sequenceId: 'sequence', label: null, time: 'step' });
  const s = p.sequences;
  assert.ok(s);
  assert.equal(s.count, 300);
  assert.equal(s.train + s.validation, 300);
  assert.deepEqual([s.minSteps, s.medianSteps, s.maxSteps], [50, 50, 50]);
  assert.equal(s.histogram.reduce((a, h) => a + h.count, 0), s.count);
  assert.deepEqual(p.firstRows, fileRows(addingCsv).slice(0, 200));
  JSON.parse(JSON.stringify(p));
});

test('data/preview: roles set by an experiment, a histogram of varied lengths, and a problem that still previews the table', async () => {
  const lines = ['id,value,extra'];
  const lengths = [3, 7, 12, 12, 20, 25, 31, 40, 40, 9];
  lengths.forEach((n, k) => {
    for (let t = 0; t < n; t++) lines.push(`s${k},${Math.sin(k + t / 3).toFixed(4)},${(Math.cos(t * 0.7) + k).toFixed(2)}`);
  });
  const csv = write('varied.csv', `${lines.join('\n')}\n`);
  const experiment = write('varied.rnn.json', JSON.stringify({ data: { file: 'varied.csv', features: ['value'], targets: ['value'], task: 'next-step' } }));
  const p = await dataPreviewJob(source(experiment), recorder());
  assert.equal(p.csvFile, csv);
  assert.equal(p.problem, null);
  const extra = p.columns.find((c) => c.name === 'extra');
  assert.equal(extra?.role, 'ignored');
  assert.equal(extra?.suggested, 'feature');
  assert.match(extra?.reason ?? '', /left out in varied\.rnn\.json/);
  assert.equal(p.columns.find((c) => c.name === 'id')?.role, 'sequenceId');
  const s = p.sequences;
  assert.ok(s);
  assert.equal(s.count, lengths.length);
  assert.deepEqual([s.minSteps, s.medianSteps, s.maxSteps], [3, 16, 40]);
  assert.ok(s.histogram.length >= 2 && s.histogram.length <= 20);
  assert.equal(s.histogram.reduce((a, h) => a + h.count, 0), s.count);
  assert.equal(s.histogram[0].from, 3);
  assert.equal(s.histogram[s.histogram.length - 1].to, 40);
  for (let k = 1; k < s.histogram.length; k++) assert.equal(s.histogram[k].from, s.histogram[k - 1].to + 1);
  for (const n of lengths) assert.ok(s.histogram.some((h) => h.from <= n && n <= h.to && h.count > 0));

  const broken = write('broken.rnn.json', JSON.stringify({ data: { file: 'varied.csv', features: ['nope'], targets: ['value'], task: 'regress' } }));
  const q = await dataPreviewJob(source(broken), recorder());
  assert.match(q.problem ?? '', /varied\.csv.*no column "nope"/);
  assert.equal(q.sequences, null);
  assert.equal(q.rowCount, lines.length - 1);
  assert.deepEqual(q.firstRows, fileRows(csv).slice(0, 200));
});

test('data/rows: windows equal the file\'s lines, clamped, served from the cache without reading the file again', async () => {
  const csvFile = resolve('samples/sp500-2000.csv');
  const lines = fileRows(csvFile);
  const first = recorder();
  const a = await dataRowsJob(csvFile, 0, 50, first);
  assert.deepEqual(a, { start: 0, rows: lines.slice(0, 50) });
  assert.ok(first.reports.some((r) => r.phase === 'reading'), 'the first request reads the file');
  const again = recorder();
  const t0 = performance.now();
  for (const start of [50, 1234, 5000, lines.length - 3]) {
    assert.deepEqual((await dataRowsJob(csvFile, start, 100, again)).rows, lines.slice(start, start + 100), `rows from ${start}`);
  }
  const ms = performance.now() - t0;
  assert.equal(again.reports.length, 0, 'an unchanged file is not read again');
  assert.ok(ms < 500, `${ms.toFixed(1)} ms for four windows`);
  assert.equal((await dataRowsJob(csvFile, 0, 5000, again)).rows.length, 1000, 'at most 1000 rows');
  assert.deepEqual(await dataRowsJob(csvFile, lines.length, 10, again), { start: lines.length, rows: [] });
  assert.deepEqual(await dataRowsJob(csvFile, 10 ** 9, 10, again), { start: 10 ** 9, rows: [] });
  assert.deepEqual((await dataRowsJob(csvFile, -5, 2, again)).rows, lines.slice(0, 2));
  assert.equal(again.reports.length, 0);
});

test('data/rows: a changed file is read again (same size, new modification time; new size)', async () => {
  const path = write('changing.csv', 'a,b\n1,2\n3,4\n');
  assert.deepEqual((await dataRowsJob(path, 0, 10, recorder())).rows, [['1', '2'], ['3', '4']]);
  writeFileSync(path, 'a,b\n5,6\n7,8\n');
  const later = new Date(Date.now() + 5000);
  utimesSync(path, later, later);
  const ctx = recorder();
  assert.deepEqual((await dataRowsJob(path, 0, 10, ctx)).rows, [['5', '6'], ['7', '8']]);
  assert.ok(ctx.reports.some((r) => r.phase === 'reading'));
  writeFileSync(path, 'a,b\n5,6\n7,8\n9,10\n11,"12"\n');
  assert.deepEqual((await dataRowsJob(path, 1, 10, recorder())).rows, [['7', '8'], ['9', '10'], ['11', '12']]);
  const other = write('other.csv', 'x\n1\n');
  assert.deepEqual((await dataRowsJob(other, 0, 10, recorder())).rows, [['1']]);
  assert.deepEqual((await dataRowsJob(path, 3, 1, recorder())).rows, [['11', '12']], 'another file replaces the cached one; the first is read again');
  await assert.rejects(dataRowsJob(join(dir, 'missing.csv'), 0, 1, recorder()), (e: Error) => e.name === 'CsvError' && e.message.includes('missing.csv'));
});

test('sequence/inspect: one-per-sequence regression with a fresh model: inputs, the target at the last step, the gradient profile', async () => {
  const r = await sequenceInspectJob(source(adding, quick), null, 3, recorder());
  assert.equal(r.csvFile, addingCsv);
  assert.equal(r.model, 'untrained lstm (init pytorch, seed 1)');
  assert.equal(r.modelFile, null);
  assert.deepEqual(r.sequence, { index: 3, of: 300, id: '3', firstLine: 102, steps: 50, split: 'train' });
  assert.equal(r.task, 'regress');
  const rows = fileRows(addingCsv).slice(100, 150);
  assert.deepEqual(r.features.map((f) => f.name), ['value', 'marker']);
  assert.deepEqual(r.features[0].values, rows.map((c) => Number(c[2])));
  assert.deepEqual(r.features[1].values, rows.map((c) => Number(c[3])));
  assert.equal(r.targets.length, 1);
  const target = r.targets[0];
  assert.equal(target.name, 'target');
  assert.equal(target.transform, 'none');
  assert.equal(target.actual.length, 50);
  assert.equal(target.predicted.length, 50);
  assert.ok(target.actual.slice(0, 49).every((v) => v === null) && target.predicted.slice(0, 49).every((v) => v === null));
  assert.equal(target.actual[49], Number(rows[0][4]));
  assert.ok(Number.isFinite(target.predicted[49]));
  assert.deepEqual(r.features.map((f) => [f.transform, f.levels]), [['none', null], ['none', null]]);
  assert.equal(r.majority, null);
  assert.equal(r.classes, null);
  assert.equal(r.classification, null);
  assert.equal(r.confusion, null);
  assert.equal(r.profile.steps, 50);
  assert.equal(r.profile.hiddenSize, 8);
  assertProfileConsistent(r.profile);
  // the same model and sample straight through the engine
  const { experiment, csvFile } = loadExperiment(source(adding, quick));
  const { model, ds } = modelAndData(experiment, csvFile, await loadTable(csvFile, recorder()), null, recorder());
  const direct = gradientProfile(model, samplesInFileOrder(ds)[2].sample);
  assert.deepEqual(r.profile.stepNorms, direct.stepNorms);
  assert.deepEqual(r.profile.units, Array.from(direct.units));
  assert.equal(r.profile.loss, direct.loss);
});

test('sequence/inspect: a trained regression model predicts what `predict` writes (unscaled to data units)', async () => {
  const modelFile = await trained(adding, 'adding.model.json');
  const r = await sequenceInspectJob(source(adding), modelFile, 7, recorder());
  assert.equal(r.model, 'trained model adding.model.json');
  assert.equal(r.modelFile, modelFile);
  const { header, rows } = await predictRows(addingCsv, modelFile, 'adding-pred.csv');
  const row = rows.filter((c) => c[0] === '7');
  assert.equal(row.length, 1);
  assert.equal(Number(row[0][header.indexOf('actual_target')]), r.targets[0]?.actual[49]);
  const predicted = r.targets[0]?.predicted[49] as number;
  assert.ok(Math.abs(predicted - Number(row[0][header.indexOf('predicted_target')])) <= 1e-9 * Math.max(1, Math.abs(predicted)));
  assertProfileConsistent(r.profile);
});

test('sequence/inspect: next-step prediction per step matches `predict`, the value asked for being the next step\'s', async () => {
  const lines = ['series,value,load'];
  for (let k = 0; k < 6; k++) for (let t = 0; t < 25; t++) lines.push(`s${k},${(Math.sin(0.3 * t + k) * 10 + 50).toFixed(3)},${((t * 7 + k * 3) % 11).toFixed(1)}`);
  const csv = write('series.csv', `${lines.join('\n')}\n`);
  const experiment = write('series.rnn.json', JSON.stringify({ data: { file: 'series.csv', features: ['value', 'load'], targets: ['value'], sequenceId: 'series', task: 'next-step' } }));
  const modelFile = await trained(experiment, 'series.model.json');
  const r = await sequenceInspectJob(source(experiment), modelFile, 6, recorder());
  assert.equal(r.task, 'next-step');
  assert.deepEqual(r.sequence, { index: 6, of: 6, id: 's5', firstLine: 2 + 5 * 25, steps: 24, split: 'validation' });
  const file = fileRows(csv).slice(125, 150);
  assert.deepEqual(r.features[0].values, file.slice(0, 24).map((c) => Number(c[1])));
  assert.equal(r.targets.length, 1);
  assert.deepEqual(r.targets[0].actual, file.slice(1).map((c) => Number(c[1])), 'the value at step t + 1');
  const { header, rows } = await predictRows(csv, modelFile, 'series-pred.csv');
  const mine = rows.filter((c) => c[0] === 's5');
  assert.equal(mine.length, 24);
  mine.forEach((c, t) => {
    const p = r.targets[0]?.predicted[t] as number;
    assert.ok(Math.abs(p - Number(c[header.indexOf('predicted_value')])) <= 1e-9 * Math.max(1, Math.abs(p)), `step ${t}`);
  });
  assertProfileConsistent(r.profile);
  assert.equal(r.profile.steps, 24);
});

test('sequence/inspect: classification: probabilities as `predict` writes them, confusion counts over the validation split', async () => {
  const modelFile = await trained(sessions, 'sessions.model.json');
  const r = await sequenceInspectJob(source(sessions), modelFile, 250, recorder());
  assert.equal(r.task, 'classify');
  assert.deepEqual(r.classes, ['mean-reverting', 'trending']);
  assert.equal(r.sequence.split, 'validation');
  assert.deepEqual(r.targets, []);
  assert.equal(r.perStep, null);
  assert.equal(r.majority?.name, 'trending');
  assert.ok(r.majority && r.majority.rate > 0.3 && r.majority.rate < 0.7);
  const c = r.classification;
  assert.ok(c);
  assert.equal(c.probabilities.length, 2);
  assert.ok(Math.abs(c.probabilities[0] + c.probabilities[1] - 1) < 1e-12);
  assert.equal(c.predicted, c.probabilities[1] > c.probabilities[0] ? 1 : 0);
  const { header, rows } = await predictRows(resolve('samples/intraday-sessions.csv'), modelFile, 'sessions-pred.csv');
  const row = rows.find((cells) => cells[0] === r.sequence.id) as string[];
  assert.equal(row[header.indexOf('actual')], r.classes?.[c.actual]);
  assert.equal(row[header.indexOf('predicted')], r.classes?.[c.predicted]);
  assert.ok(Math.abs(Number(row[header.indexOf('p_trending')]) - c.probabilities[1]) < 1e-6);
  assert.ok(r.confusion);
  assert.equal(r.confusion.over, 'validation');
  assert.deepEqual(r.confusion.classes, r.classes);
  assert.equal(r.confusion.counts.flat().reduce((a, b) => a + b, 0), 60, 'one count per validation sequence');
  // the confusion counts agree with `predict` over the last 60 sessions (the validation split)
  const validation = rows.slice(-60);
  const k = (name: string): number => (r.classes as string[]).indexOf(name);
  const counts = [[0, 0], [0, 0]];
  for (const cells of validation) counts[k(cells[header.indexOf('actual')])][k(cells[header.indexOf('predicted')])]++;
  assert.deepEqual(r.confusion.counts, counts);
  assertProfileConsistent(r.profile);
  assert.equal(r.profile.steps, 60);

  // a CSV whose labels appear in the other order would mislabel every prediction
  const lines = ['session,minute,return_pct,label'];
  for (let s = 0; s < 6; s++) for (let t = 1; t <= 10; t++) lines.push(`T${s},${t},${(((s * 13 + t * 7) % 17) / 10 - 0.8).toFixed(2)},${s % 2 ? 'mean-reverting' : 'trending'}`);
  const flipped = write('flipped.csv', `${lines.join('\n')}\n`);
  await assert.rejects(sequenceInspectJob(source(flipped), modelFile, 1, recorder()), (e: Error) =>
    e.name === 'InputError' && e.message.includes(modelFile) && e.message.includes(flipped) && e.message.includes('"trending", "mean-reverting"'));
});

test('sequence/inspect: per-step classification gives every step, confusion over every validation step', async () => {
  const r = await sequenceInspectJob(source(resolve('samples/copy-memory.csv'), quick), null, 1, recorder());
  assert.equal(r.task, 'classify');
  assert.equal(r.classes?.length, 9);
  assert.ok(r.perStep);
  assert.equal(r.perStep.actual.length, 30);
  assert.equal(r.perStep.predicted.length, 30);
  assert.ok(r.perStep.probabilities.every((p) => p.length === 9 && Math.abs(p.reduce((a, b) => a + b, 0) - 1) < 1e-12));
  assert.equal(r.classification?.actual, r.perStep.actual[29]);
  assert.equal(r.confusion?.counts.flat().reduce((a, b) => a + b, 0), 40 * 30, '40 validation sequences of 30 steps');
  assertProfileConsistent(r.profile);
});

test('sequence/inspect: a sequence out of range or a model that does not fit the file is an input error naming the file', async () => {
  for (const n of [0, 301, 2.5]) {
    await assert.rejects(sequenceInspectJob(source(adding), null, n, recorder()), (e: Error) =>
      e.name === 'InputError' && e.message === `${addingCsv}: there is no sequence ${n}; with these roles it gives 300 (1 … 300, in file order)`);
  }
  const modelFile = await trained(adding, 'adding-fit.model.json');
  const noMarker = write('no-marker.csv', 'sequence,value,target\n1,0.5,1\n1,0.2,1\n2,0.1,0\n2,0.3,0\n');
  await assert.rejects(sequenceInspectJob(source(noMarker), modelFile, 1, recorder()), (e: Error) =>
    e.name === 'DataError' && e.message.includes(noMarker) && e.message.includes('"marker"'));
  const notAModel = write('not-a-model.json', '{"hello": 1}');
  await assert.rejects(sequenceInspectJob(source(adding), notAModel, 1, recorder()), (e: Error) => e.name === 'InputError' && e.message.startsWith(`${notAModel}: not an RNN Playground model`));
});

test('the real worker answers data/preview, data/rows and sequence/inspect, and reports a bad sequence as an input error', async (t) => {
  const client = new EngineClient(resolve('dist'));
  t.after(() => client.dispose());
  const progress: ProgressMessage[] = [];
  const { preview } = await client.request('data/preview', { source: source(adding) }, { onProgress: (p) => progress.push(p) });
  assert.equal(preview.rowCount, 15000);
  assert.equal(preview.sequences?.count, 300);
  assert.ok(progress.some((p) => p.phase === 'reading'));
  const lines = fileRows(addingCsv);
  const window = await client.request('data/rows', { csvFile: preview.csvFile, start: 14990, count: 1000 });
  assert.deepEqual(window.start, 14990);
  assert.deepEqual(window.rows, lines.slice(14990));
  const { inspection } = await client.request('sequence/inspect', { source: source(sessions, quick), modelFile: null, sequence: 2 });
  assert.equal(inspection.sequence.id, 'S0002');
  assert.equal(inspection.confusion?.counts.flat().reduce((a, b) => a + b, 0), 60);
  assert.equal(inspection.profile.units.length, 60 * 8);
  await assert.rejects(client.request('sequence/inspect', { source: source(adding), modelFile: null, sequence: 999 }), (e: Error) =>
    e instanceof EngineError && e.kind === 'input' && e.message.includes('there is no sequence 999') && e.message.includes(addingCsv));
});
