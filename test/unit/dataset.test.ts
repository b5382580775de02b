import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseCsvText } from '../../src/data/csv';
import { buildDataset, DataError, type DatasetSpec } from '../../src/data/dataset';
import { suggestRoles } from '../../src/data/roles';
import { makeTask, ADDING_BASELINE_MSE } from '../../src/data/tasks';

const csv = (rows: (string | number)[][]): string => rows.map((r) => r.join(',')).join('\n') + '\n';
const tableOf = (rows: (string | number)[][], name = 'data.csv') => parseCsvText(csv(rows), name);

/** A long series: t, price, volume */
function series(n: number) {
  const rows: (string | number)[][] = [['t', 'price', 'volume']];
  for (let i = 0; i < n; i++) rows.push([i + 1, 100 + 10 * Math.sin(i / 7) + i * 0.1, 1000 + (i % 13) * 17]);
  return tableOf(rows, 'series.csv');
}

test('role suggestion: time, sequence id, label, target and price transforms from names and types', () => {
  const s = suggestRoles(tableOf([
    ['session', 'minute', 'close', 'volume', 'label'],
    ['A', 1, 10, 5, 'up'], ['A', 2, 11, 6, 'up'], ['B', 1, 9, 7, 'down'], ['B', 2, 8, 3, 'down'], ['C', 1, 9, 7, 'up'], ['C', 2, 9.5, 4, 'up'],
  ]));
  assert.equal(s.time, 'minute');
  assert.equal(s.sequenceId, 'session');
  assert.equal(s.label, 'label');
  assert.deepEqual(s.features, ['close', 'volume']);
  assert.deepEqual(s.targets, ['close']);
  assert.equal(s.task, 'classify');
  assert.deepEqual(s.transforms, { close: 'log-returns' });
  assert.match(s.reasons.session, /sequence id/);
  const r = suggestRoles(tableOf([['x1', 'x2', 'target'], [1, 2, 3], [2, 3, 4], [3, 1, 5]]));
  assert.equal(r.task, 'regress');
  assert.deepEqual(r.features, ['x1', 'x2']);
  assert.deepEqual(r.targets, ['target']);
});

test('split by time: validation rows never reach training, windows stay inside each part, z-score fitted on training rows only', () => {
  const t = series(400);
  const spec: DatasetSpec = { roles: { features: ['price', 'volume'], targets: ['price'], sequenceId: null, label: null, time: 't' }, task: 'next-step', window: { length: 20, stride: 10 }, validation: 0.25 };
  const ds = buildDataset(t, spec);
  assert.equal(ds.split, 'time');
  const cut = 300; // floor(400 · 0.75)
  for (const src of ds.trainSources) assert.ok(src.offset + src.length + 1 <= cut, `train window ends at ${src.offset + src.length}`);
  for (const src of ds.validationSources) assert.ok(src.offset >= cut);
  // scaler = statistics of the first 300 rows only
  const prices = Array.from({ length: 300 }, (_, i) => 100 + 10 * Math.sin(i / 7) + i * 0.1);
  const mean = prices.reduce((a, b) => a + b, 0) / 300;
  assert.ok(Math.abs(ds.scaler.featureMean[0] - mean) < 1e-9);
  const sd = Math.sqrt(prices.reduce((a, b) => a + (b - mean) ** 2, 0) / 300);
  assert.ok(Math.abs(ds.scaler.featureStd[0] - sd) < 1e-9);
  // next-step: the target at step i is the (scaled) price one row later
  const s0 = ds.train[0];
  assert.equal(s0.x.length, 20 * 2);
  assert.ok(Math.abs(s0.y[0] - s0.x[1 * 2 + 0]) < 1e-12);
  assert.equal(ds.model.readout, 'every');
});

test('split by sequence keeps whole sequences apart; the last sequences are held out', () => {
  const t = parseCsvText(makeTask('sessions', { length: 12, count: 20, seed: 1 }).rows.map((r) => r.join(',')).join('\n'), 's.csv', { header: false });
  const rows = [['session', 'minute', 'ret', 'label'], ...makeTask('sessions', { length: 12, count: 20, seed: 1 }).rows];
  const tb = tableOf(rows);
  assert.equal(t.rowCount, 240);
  const ds = buildDataset(tb, { roles: { features: ['ret'], targets: [], sequenceId: 'session', label: 'label', time: 'minute' }, task: 'classify' });
  assert.equal(ds.split, 'sequence');
  assert.equal(ds.train.length, 16);
  assert.equal(ds.validation.length, 4);
  const trainIds = new Set(ds.trainSources.map((s) => s.sequence));
  for (const s of ds.validationSources) assert.ok(!trainIds.has(s.sequence));
  assert.deepEqual(ds.validationSources.map((s) => s.sequence), ['S0017', 'S0018', 'S0019', 'S0020']);
  assert.equal(ds.granularity, 'sequence');
  assert.equal(ds.model.loss, 'binary');
  assert.deepEqual([...ds.classes!].sort(), ['mean-reverting', 'trending']);
});

test('baselines: repeat-last (next-step), training mean (regress), majority class (classify)', () => {
  // next-step on a series whose next value is exactly the last one plus 1: repeat-last error is (1/std)² in scaled units
  const rows: (string | number)[][] = [['v']];
  for (let i = 0; i < 200; i++) rows.push([i]);
  const ds = buildDataset(tableOf(rows), { roles: { features: ['v'], targets: ['v'], sequenceId: null, label: null, time: null }, task: 'next-step', window: { length: 10, stride: 5 } });
  assert.ok(Math.abs(ds.baseline.loss - 1 / ds.scaler.targetStd[0] ** 2) < 1e-12);
  // adding problem: predicting the training mean costs about Var(u1 + u2) = 1/6 in data units
  const add = makeTask('adding', { length: 20, count: 3000, seed: 2 });
  const ads = buildDataset(tableOf([add.header, ...add.rows]), { roles: { features: ['value', 'marker'], targets: ['target'], sequenceId: 'sequence', label: null, time: 'step' }, task: 'regress' });
  assert.equal(ads.granularity, 'sequence');
  const dataUnits = ads.baseline.loss * ads.scaler.targetStd[0] ** 2;
  assert.ok(Math.abs(dataUnits - ADDING_BASELINE_MSE) < 0.02, `${dataUnits}`);
  // classify: majority share
  const ses = makeTask('sessions', { length: 5, count: 200, seed: 3 });
  const cds = buildDataset(tableOf([['s', 'm', 'r', 'label'], ...ses.rows]), { roles: { features: ['r'], targets: [], sequenceId: 's', label: 'label', time: 'm' }, task: 'classify' });
  assert.ok(cds.baseline.accuracy! >= 0.3 && cds.baseline.accuracy! <= 0.7);
  // per-step classification (copy memory): the majority class is the blank
  const copy = makeTask('copy', { length: 5, count: 50, seed: 4 });
  const cp = buildDataset(tableOf([copy.header, ...copy.rows]), { roles: { features: copy.header.slice(2, 12), targets: [], sequenceId: 'sequence', label: 'label', time: 'step' }, task: 'classify' });
  assert.equal(cp.granularity, 'step');
  assert.equal(cp.model.readout, 'every');
  assert.ok(Math.abs(cp.baseline.accuracy! - 15 / 25) < 1e-12);
});

test('transforms: differencing, returns and log-returns within each sequence', () => {
  const t = tableOf([['id', 'p'], ['a', 1], ['a', 2], ['a', 4], ['b', 10], ['b', 5], ['b', 20], ['c', 1], ['c', 3], ['c', 9], ['d', 2], ['d', 4], ['d', 8], ['e', 1], ['e', 1.5], ['e', 3]]);
  const roles = { features: ['p'], targets: ['p'], sequenceId: 'id', label: null, time: null };
  for (const [tr, want] of [['diff', [1, 2]], ['returns', [1, 1]], ['log-returns', [Math.log(2), Math.log(2)]]] as const) {
    const ds = buildDataset(t, { roles, task: 'next-step', transforms: { p: tr }, zscore: false });
    assert.deepEqual(Array.from(ds.sequences[0].features), want, tr);
    assert.equal(ds.sequences[0].rows[0], 1, 'the first row of each sequence is dropped');
  }
});

test('every data error names file, line, column and what was expected', () => {
  const roles = { features: ['a'], targets: ['a'], sequenceId: null, label: null, time: null };
  const err = (fn: () => unknown, re: RegExp): void => {
    assert.throws(fn, (e: unknown) => e instanceof DataError && re.test(e.message), String(re));
  };
  const good = tableOf([['a', 'b'], ...Array.from({ length: 50 }, (_, i) => [i % 7, i])]);
  err(() => buildDataset(good, { roles: { ...roles, features: ['zz'] }, task: 'next-step' }), /data\.csv: no column "zz".*the columns are "a", "b"/);
  err(() => buildDataset(tableOf([['a', 'b'], [1, 2], ['n/a', 3], [2, 1]]), { roles, task: 'next-step' }), /data\.csv line 3, column "a": expected a number .*found "n\/a"/);
  err(() => buildDataset(tableOf([['a', 'b'], [1, 2], ['', 3], [2, 1]]), { roles, task: 'next-step' }), /data\.csv line 3, column "a": missing value \(choose missing values: drop or forward-fill\)/);
  err(() => buildDataset(tableOf([['a', 'b'], ...Array.from({ length: 30 }, () => [5, 1])]), { roles, task: 'next-step' }), /column "a" is constant \(5\) in the training rows/);
  err(() => buildDataset(good, { roles, task: 'next-step', window: { length: 500 } }), /window of 500 steps .* longer than any training sequence/);
  err(() => buildDataset(tableOf([['id', 'x', 'label'], ['a', 1, 'up'], ['a', 2, 'up'], ['b', 3, 'up'], ['b', 1, 'up']]), { roles: { features: ['x'], targets: [], sequenceId: 'id', label: 'label', time: null }, task: 'classify' }), /column "label" has only one class \("up"\)/);
  err(() => buildDataset(tableOf([['p'], [1], [0], [2], [3]]), { roles: { ...roles, features: ['p'], targets: ['p'] }, task: 'next-step', transforms: { p: 'log-returns' } }), /line 3, column "p": log-returns need positive values, found 0/);
  err(() => buildDataset(good, { roles: { ...roles, features: ['a'], targets: ['a'] }, task: 'regress' }), /no numeric feature columns/);
});

test('missing values: drop and forward-fill', () => {
  const t = tableOf([['a', 'b'], ...Array.from({ length: 40 }, (_, i) => [i % 5 === 2 ? '' : i, i % 3])]);
  const roles = { features: ['a', 'b'], targets: ['a'], sequenceId: null, label: null, time: null };
  const dropped = buildDataset(t, { roles, task: 'next-step', missing: 'drop', window: { length: 4 } });
  assert.equal(dropped.sequences[0].rows.length, 32);
  assert.match(dropped.notes.join(' '), /8 row\(s\) with missing values dropped/);
  const filled = buildDataset(t, { roles, task: 'next-step', missing: 'ffill', window: { length: 4 } });
  assert.equal(filled.sequences[0].rows.length, 40);
  assert.equal(filled.sequences[0].features[2 * 2], 1, 'row 2 carries row 1’s value');
});

test('built-in tasks: shapes and determinism', () => {
  for (const name of ['adding', 'copy', 'order', 'sessions'] as const) {
    const a = makeTask(name, { length: 12, count: 6, seed: 9 });
    const b = makeTask(name, { length: 12, count: 6, seed: 9 });
    assert.deepEqual(a.rows, b.rows);
    assert.ok(a.rows.every((r) => r.length === a.header.length));
  }
  const add = makeTask('adding', { length: 10, count: 3, seed: 1 });
  for (let s = 0; s < 3; s++) {
    const rows = add.rows.slice(s * 10, (s + 1) * 10);
    const marked = rows.filter((r) => r[3] === 1);
    assert.equal(marked.length, 2);
    assert.ok(Math.abs((marked[0][2] as number) + (marked[1][2] as number) - (rows[0][4] as number)) < 1e-9);
  }
  assert.throws(() => makeTask('adding', { length: 1, count: 3, seed: 1 }), /length must be an integer from 2/);
});

test('each built-in task has the baseline it should', () => {
  const build = (name: 'adding' | 'copy' | 'order' | 'sessions', size: { length: number; count: number; variant?: 'original' }, roles: { features: string[]; targets: string[]; label: string | null }, task: 'regress' | 'classify') => {
    const t = makeTask(name, { seed: 5, ...size });
    return buildDataset(tableOf([t.header, ...t.rows]), { roles: { ...roles, sequenceId: 'sequence', time: 'step' }, task });
  };
  const add = build('adding', { length: 30, count: 4000 }, { features: ['value', 'marker'], targets: ['target'], label: null }, 'regress');
  assert.ok(Math.abs(add.baseline.loss * add.scaler.targetStd[0] ** 2 - 1 / 6) < 0.015);
  const orig = build('adding', { length: 30, count: 4000, variant: 'original' }, { features: ['value', 'marker'], targets: ['target'], label: null }, 'regress');
  assert.ok(Math.abs(orig.baseline.loss * orig.scaler.targetStd[0] ** 2 - 1 / 24) < 0.005, `${orig.baseline.loss * orig.scaler.targetStd[0] ** 2}`);
  assert.ok(orig.stats.minLength >= 30 && orig.stats.maxLength <= 33 && orig.stats.maxLength > orig.stats.minLength, 'lengths T … T + T/10');
  const copy = build('copy', { length: 8, count: 200 }, { features: Array.from({ length: 10 }, (_, k) => `in${k}`), targets: [], label: 'label' }, 'classify');
  assert.ok(Math.abs(copy.baseline.accuracy! - 18 / 28) < 1e-12, 'the blank is right at (10 + 8) of 28 steps');
  const order = build('order', { length: 30, count: 4000 }, { features: ['is_a', 'is_b', 'is_c', 'is_d', 'is_X', 'is_Y', 'is_B', 'is_E'], targets: [], label: 'label' }, 'classify');
  assert.equal(order.classes!.length, 4);
  assert.ok(Math.abs(order.baseline.loss - Math.log(4)) < 0.02 && order.baseline.accuracy! < 0.3);
  const ses = makeTask('sessions', { length: 20, count: 2000, seed: 5 });
  const sds = buildDataset(tableOf([['sequence', 'step', 'r', 'label'], ...ses.rows]), { roles: { features: ['r'], targets: [], sequenceId: 'sequence', label: 'label', time: 'step' }, task: 'classify' });
  assert.ok(Math.abs(sds.baseline.loss - Math.log(2)) < 0.01 && Math.abs(sds.baseline.accuracy! - 0.5) < 0.06);
});
