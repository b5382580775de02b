import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseCsvText } from '../../../src/data/csv';
import { buildDataset, DataError, levelAfter, stepValues, type DatasetSpec } from '../../../src/data/dataset';
import { suggestRoles } from '../../../src/data/roles';
import { makeTask, ADDING_BASELINE_MSE } from '../../../src/data/tasks';

const csv = (rows: (string | number)[][]): string => rows.map((r) => r.join(',')).join('\n') + '\n';
const tableOf = (rows: (string | number)[][], name = 'data.csv') => parseCsvText(csv(rows), name);

/** A long series: t, price, volume */
function series(n: number) {
  const rows: (string | number)[][] = [['t', 'price', 'volume']];
  for (let i = 0; i < n; i++) rows.push([i + 1, 100 + 10 * Math.sin(i / 7) + i * 0.1, 1000 + (i % 13) * 17]);
  return tableOf(rows, 'series.csv');
}

test('role suggestion: time, sequence id, label, target from values and names', () => {
  const s = suggestRoles(tableOf([
    ['session', 'minute', 'close', 'volume', 'label'],
    ['A', 1, 10, 5, 'up'], ['A', 2, 11, 6, 'up'], ['B', 1, 9, 7, 'down'], ['B', 2, 8, 3, 'down'], ['C', 1, 9, 7, 'up'], ['C', 2, 9.5, 4, 'up'],
  ]));
  assert.equal(s.time, 'minute');
  assert.equal(s.sequenceId, 'session');
  assert.equal(s.label, 'label');
  assert.deepEqual(s.features, ['close', 'volume']);
  assert.equal(s.task, 'classify');
  assert.match(s.reasons.session, /sequence id/);
  assert.match(s.reasons.minute, /^time: a counter restarting in each sequence/);
  const r = suggestRoles(tableOf([['x1', 'x2', 'target'], [2, 2, 3], [1, 3, 4], [3, 1, 5], [5, 6, 2]]));
  assert.equal(r.task, 'regress');
  assert.deepEqual(r.features, ['x1', 'x2']);
  assert.deepEqual(r.targets, ['target']);
});

test('split by time: validation rows never reach training, windows stay inside each part, z-score fitted on training rows only', () => {
  const t = series(400);
  const spec: DatasetSpec = { roles: { features: ['price', 'volume'], targets: ['price'], sequenceId: null, label: null, time: 't' }, task: 'next-step', window: { length: 20, stride: 10 }, validation: 0.25, autoTransforms: false };
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
  assert.deepEqual(ds.transforms, { price: 'none', volume: 'none' });
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
  const ds = buildDataset(tableOf(rows), { roles: { features: ['v'], targets: ['v'], sequenceId: null, label: null, time: null }, task: 'next-step', window: { length: 10, stride: 5 }, autoTransforms: false });
  assert.ok(Math.abs(ds.baseline.loss - 1 / ds.scaler.targetStd[0] ** 2) < 1e-12);
  assert.equal(ds.baseline.kind, 'repeat the last value');
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
  for (const [tr, want, levels] of [['diff', [1, 2], [2, 4]], ['returns', [1, 1], [2, 4]], ['log-returns', [Math.log(2), Math.log(2)], [2, 4]]] as const) {
    const ds = buildDataset(t, { roles, task: 'next-step', transforms: { p: tr }, zscore: false });
    const v = stepValues(ds, 0, ds.columns.features[0]);
    assert.deepEqual(Array.from(v.values), want, tr);
    assert.deepEqual(Array.from(v.levels), levels, tr);
    assert.equal(v.previous, 1);
    assert.equal(ds.sequences[0].rows[0], 1, 'the first row of each sequence is used up');
    // a predicted change turns back into the level it leads to
    for (let i = 0; i < 2; i++) assert.ok(Math.abs(levelAfter(tr, v.values[i], i ? v.levels[i - 1] : v.previous) - v.levels[i]) < 1e-12);
  }
});

test('transforms chosen from the data: a trending level is modelled as changes, a stationary one stays; given ones win', () => {
  const n = 300;
  const rows: (string | number)[][] = [['t', 'passengers', 'anomaly', 'wave']];
  for (let i = 0; i < n; i++) rows.push([i + 1, Math.round(100 * Math.exp(i / 150) * (1 + 0.1 * Math.sin(i / 2))), (i - 150) / 100 + 0.2 * Math.sin(i), Math.sin(i / 5) + 0.1 * Math.cos(i * 7)]);
  const t = tableOf(rows);
  const roles = { features: ['passengers', 'anomaly', 'wave'], targets: ['passengers', 'anomaly', 'wave'], sequenceId: null, label: null, time: 't' };
  const ds = buildDataset(t, { roles, task: 'next-step' });
  assert.deepEqual(ds.transforms, { passengers: 'log-returns', anomaly: 'diff', wave: 'none' });
  assert.match(ds.notes.join('\n'), /"passengers" trends .*: modelled as log-returns, predictions turned back into levels/);
  assert.equal(ds.warnings.length, 0);
  assert.equal(ds.baseline.kind, 'no change: repeat the last value');
  // roles given by hand: the same choice, as a warning naming the setting
  const byHand = buildDataset(t, { roles, task: 'next-step', rolesGiven: true });
  assert.match(byHand.warnings.join('\n'), /"passengers" trends .*modelled as log-returns .*--transform passengers=none, or data\.transforms/);
  // a given transform is used as it is; autoTransforms false keeps every level
  assert.equal(buildDataset(t, { roles, task: 'next-step', transforms: { passengers: 'none' } }).transforms.passengers, 'none');
  assert.deepEqual(buildDataset(t, { roles, task: 'next-step', autoTransforms: false }).transforms, { passengers: 'none', anomaly: 'none', wave: 'none' });
  // a positive price by its name, trending or not
  const prices = tableOf([['close'], ...Array.from({ length: 100 }, (_, i) => [50 + Math.sin(i)])]);
  assert.equal(buildDataset(prices, { roles: { features: ['close'], targets: ['close'], sequenceId: null, label: null, time: null }, task: 'next-step' }).transforms.close, 'log-returns');
});

test('rows newest first (the time column decreases) are read oldest first', () => {
  const rows: (string | number)[][] = [['Date', 'v']];
  for (let i = 59; i >= 0; i--) rows.push([`2024-01-01T${String(Math.floor(i / 60)).padStart(2, '0')}:${String(i % 60).padStart(2, '0')}`, Math.sin(i / 3)]);
  const ds = buildDataset(tableOf(rows), { roles: { features: ['v'], targets: ['v'], sequenceId: null, label: null, time: 'Date' }, task: 'next-step', autoTransforms: false });
  assert.equal(ds.order, 'reversed');
  assert.match(ds.notes.join(' '), /newest first .* read oldest first/);
  assert.equal(ds.sequences[0].rows[0], 59, 'the last row of the file is the first step');
  assert.equal(buildDataset(tableOf(rows), { roles: { features: ['v'], targets: ['v'], sequenceId: null, label: null, time: 'Date' }, task: 'next-step', order: 'file', autoTransforms: false }).sequences[0].rows[0], 0);
});

test('windows sized from the data: short series get overlapping windows, the data memory sets the length', () => {
  // an AR(2) series: x_t = 0.5 x_{t-1} + 0.3 x_{t-2} + noise
  let seed = 3;
  const rnd = (): number => {
    seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
    return seed / 4294967296 - 0.5;
  };
  const xs = [0, 0];
  for (let i = 2; i < 2000; i++) xs.push(0.5 * xs[i - 1] + 0.3 * xs[i - 2] + rnd());
  const ds = buildDataset(tableOf([['x'], ...xs.map((x) => [x])]), { roles: { features: ['x'], targets: ['x'], sequenceId: null, label: null, time: null }, task: 'next-step' });
  assert.ok(ds.dataMemory && ds.dataMemory.lag >= 2 && ds.dataMemory.lag <= 6, `memory ${ds.dataMemory?.lag}`);
  assert.ok(Math.abs(ds.dataMemory.modelled.pacf[1] - 0.3) < 0.08, `pacf(2) ${ds.dataMemory.modelled.pacf[1]}`);
  assert.equal(ds.window?.length, 16);
  assert.equal(ds.window?.stride, 1);
  assert.match(ds.notes.join('\n'), /windows of 16 steps .*every step/);
  // a short series: windows fit the validation part too
  const short = buildDataset(tableOf([['x'], ...xs.slice(0, 60).map((x) => [x])]), { roles: { features: ['x'], targets: ['x'], sequenceId: null, label: null, time: null }, task: 'next-step' });
  assert.ok(short.validation.length >= 4, `${short.validation.length} validation windows`);
  // white noise has no memory
  const noise = buildDataset(tableOf([['x'], ...Array.from({ length: 3000 }, () => [rnd()])]), { roles: { features: ['x'], targets: ['x'], sequenceId: null, label: null, time: null }, task: 'next-step' });
  assert.ok((noise.dataMemory?.lag ?? 99) <= 2, `noise memory ${noise.dataMemory?.lag}`);
  assert.match(noise.dataMemory?.summary ?? '', /data (shows no memory|remembers about [12] step)/);
});

test('any number of sequences in time linear in the rows: 130,000 sessions of 1–3 rows', () => {
  const lines = ['s,x'];
  for (let k = 0; k < 130000; k++) for (let j = 0; j <= k % 3; j++) lines.push(`${k},${(k * 7 + j) % 11}`);
  const t = parseCsvText(lines.join('\n') + '\n', 'many.csv');
  const ds = buildDataset(t, { roles: { features: ['x'], targets: ['x'], sequenceId: 's', label: null, time: null }, task: 'next-step', autoTransforms: false });
  assert.equal(ds.sequences.length, 130000);
  assert.equal(ds.stats.minLength, 1);
  assert.equal(ds.stats.maxLength, 3);
  assert.ok(ds.train.length > 0 && ds.validation.length > 0);
});

test('values near the limits of a double scale to finite numbers', () => {
  const rows: (string | number)[][] = [['x']];
  for (let i = 0; i < 100; i++) rows.push([(i % 2 ? 1 : -1) * 1e308 * (0.5 + (i % 7) / 14)]);
  const ds = buildDataset(tableOf(rows), { roles: { features: ['x'], targets: ['x'], sequenceId: null, label: null, time: null }, task: 'next-step', autoTransforms: false });
  for (const s of [...ds.train, ...ds.validation]) for (const v of [...s.x, ...s.y]) assert.ok(Number.isFinite(v) && Math.abs(v) < 10);
  assert.ok(Number.isFinite(ds.baseline.loss));
  const overflow = parseCsvText('x\n1\n2\n1e999\n3\n', 'big.csv');
  assert.throws(() => buildDataset(overflow, { roles: { features: ['x'], targets: ['x'], sequenceId: null, label: null, time: null }, task: 'next-step' }), /big\.csv line 4, column "x": expected a number \(a feature\), found "1e999"/);
});

test('every data error names file, line, column and what was expected', () => {
  const roles = { features: ['a'], targets: ['a'], sequenceId: null, label: null, time: null };
  const err = (fn: () => unknown, re: RegExp): DataError => {
    let caught: unknown = null;
    try {
      fn();
    } catch (e) {
      caught = e;
    }
    assert.ok(caught instanceof DataError && re.test(caught.message), `${String(re)}: ${String(caught)}`);
    return caught as DataError;
  };
  const good = tableOf([['a', 'b'], ...Array.from({ length: 50 }, (_, i) => [i % 7, i])]);
  err(() => buildDataset(good, { roles: { ...roles, features: ['zz'] }, task: 'next-step' }), /data\.csv: no column "zz".*the columns are "a", "b"/);
  // one typo among numbers: the column stays numeric, the run stops naming line, column, value and how many
  const typo = err(() => buildDataset(tableOf([['a', 'b'], [1, 2], ['abc', 3], [2, 1], ['x', 5], [3, 3]]), { roles, task: 'next-step' }), /data\.csv line 3, column "a": expected a number \(a feature\), found "abc"; 2 such cells in this column, also at line 5/);
  assert.deepEqual([typo.line, typo.column], [3, 'a']);
  const gap = err(() => buildDataset(tableOf([['a', 'b'], [1, 2], ['', 3], [2, 1], ['NA', 2]]), { roles, task: 'next-step' }), /data\.csv: 2 missing values in the columns in use \("a" 2; empty or "NA"\), the first at lines 3, 5 in column "a"\. Choose how to fill them: --missing ffill .*interpolate .*drop/);
  assert.deepEqual(gap.fixes, ['ffill', 'interpolate', 'drop']);
  assert.equal(gap.line, 3);
  err(() => buildDataset(tableOf([['a', 'b'], ...Array.from({ length: 30 }, (_, i) => [5, i])]), { roles, task: 'next-step' }), /column "a" is constant \(5\) in the training rows/);
  err(() => buildDataset(good, { roles, task: 'next-step', window: { length: 500 } }), /window of 500 steps .* longer than any training sequence/);
  err(() => buildDataset(tableOf([['id', 'x', 'label'], ['a', 1, 'up'], ['a', 2, 'up'], ['b', 3, 'up'], ['b', 1, 'up']]), { roles: { features: ['x'], targets: [], sequenceId: 'id', label: 'label', time: null }, task: 'classify' }), /column "label" has only one class \("up"\)/);
  err(() => buildDataset(tableOf([['p'], [1], [0], [2], [3]]), { roles: { ...roles, features: ['p'], targets: ['p'] }, task: 'next-step', transforms: { p: 'log-returns' } }), /line 3, column "p": log-returns need positive values, found 0/);
  err(() => buildDataset(good, { roles: { ...roles, features: ['a'], targets: ['a'] }, task: 'regress' }), /no numeric feature columns/);
});

test('missing values: drop, forward-fill and interpolate, each reported', () => {
  const t = tableOf([['a', 'b'], ...Array.from({ length: 40 }, (_, i) => [i % 5 === 2 ? '' : i, i % 3])]);
  const roles = { features: ['a', 'b'], targets: ['a'], sequenceId: null, label: null, time: null };
  const base = { roles, task: 'next-step' as const, window: { length: 4 }, autoTransforms: false };
  const dropped = buildDataset(t, { ...base, missing: 'drop' });
  assert.equal(dropped.sequences[0].rows.length, 32);
  assert.match(dropped.notes.join(' '), /8 rows with missing values dropped/);
  const filled = buildDataset(t, { ...base, missing: 'ffill' });
  assert.equal(filled.sequences[0].rows.length, 40);
  assert.equal(stepValues(filled, 0, filled.columns.features[0]).values[2], 1, 'row 2 carries row 1’s value');
  assert.match(filled.notes.join(' '), /8 missing values forward-filled/);
  const between = buildDataset(t, { ...base, missing: 'interpolate' });
  assert.equal(stepValues(between, 0, between.columns.features[0]).values[2], 2, 'row 2 lies on the line from row 1 to row 3');
  assert.match(between.notes.join(' '), /8 missing values interpolated/);
  // a gap at the start of a sequence has nothing before it: that row is left out, and said so
  const lead = buildDataset(tableOf([['a', 'b'], ['', 0], ...Array.from({ length: 30 }, (_, i) => [i * (i % 2 ? 1 : -1), i])]), { ...base, roles: { features: ['a'], targets: ['a'], sequenceId: null, label: null, time: null }, missing: 'ffill' });
  assert.equal(lead.sequences[0].rows.length, 30);
  assert.match(lead.notes.join(' '), /1 row at the start of a sequence dropped/);
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

// ── regressions found by the data-layer fuzzer (test/slow/fuzz.test.ts) ───────────────────────────────────────────

const one = (name: string) => ({ features: [name], targets: [name], sequenceId: null, label: null, time: null });
const finiteSamples = (ds: ReturnType<typeof buildDataset>): boolean =>
  [...ds.train, ...ds.validation].every((s) => [...s.x, ...s.y].every(Number.isFinite)) && Number.isFinite(ds.baseline.loss);

test('a window chosen from the data is a whole number of steps (a median of two validation parts is not)', () => {
  const rows: (string | number)[][] = [['id', 'v']];
  for (const [id, n] of [['a', 60], ['b', 75]] as const) for (let i = 0; i < n; i++) rows.push([id, Math.sin(i / 3) + (i % 7) / 10]);
  const ds = buildDataset(tableOf(rows), { roles: { ...one('v'), sequenceId: 'id' }, task: 'next-step', autoTransforms: false });
  assert.equal(ds.split, 'time');
  assert.ok(ds.window && Number.isInteger(ds.window.length), `window ${ds.window?.length}`);
  for (const s of ds.train) assert.equal(s.x.length, ds.window.length);
});

test('values near ±1.8e308 on both sides of their mean, and changes between them, stay finite or are named', () => {
  const rows: (string | number)[][] = [['x']];
  for (let i = 0; i < 100; i++) rows.push([i % 10 === 3 ? -1.7976931348623157e308 : 1.7976931348623157e308 * (0.9 + (i % 7) / 70)]);
  const ds = buildDataset(tableOf(rows), { roles: one('x'), task: 'next-step', autoTransforms: false });
  assert.ok(finiteSamples(ds));
  assert.ok([...ds.scaler.featureMean, ...ds.scaler.featureStd].every(Number.isFinite));
  // their differences overflow: not chosen from the data, and named when given
  assert.equal(buildDataset(tableOf(rows), { roles: one('x'), task: 'next-step' }).transforms.x, 'none');
  assert.throws(() => buildDataset(tableOf(rows), { roles: one('x'), task: 'next-step', transforms: { x: 'diff' } }), (e: unknown) =>
    e instanceof DataError && e.line === 5 && /data\.csv line 5, column "x": the change from 1\.66929e\+308 to -1\.79769e\+308 \(diff\) is too large for a number/.test(e.message));
  // log-returns of 1e-300 → 1e300 (a ratio beyond the largest double) are finite
  const swing = tableOf([['p'], ...Array.from({ length: 40 }, (_, i) => [i % 2 ? '1e300' : '1e-300'])]);
  assert.ok(finiteSamples(buildDataset(swing, { roles: one('p'), task: 'next-step', transforms: { p: 'log-returns' } })));
});

test('a value a googol of standard deviations from the training rows stops the run at its line', () => {
  const rows: (string | number)[][] = [['x'], ...Array.from({ length: 40 }, (_, i) => [i % 2 ? '1e-300' : '-1e-300']), ...Array.from({ length: 10 }, () => [1])];
  assert.throws(() => buildDataset(tableOf(rows), { roles: one('x'), task: 'next-step', autoTransforms: false }), (e: unknown) =>
    e instanceof DataError && e.line === 42 && /data\.csv line 42, column "x": 1 lies 1e\+300 standard deviations from the mean of the training rows/.test(e.message));
});

test('an error not about one cell names the file and its bad cells; an empty sequence id is an error, not a crash', () => {
  const t = tableOf([['a', 'b'], [1, 5], [2, 'oops'], [3, 7], [4, 6]]);
  assert.throws(() => buildDataset(t, { roles: { features: ['a'], targets: [], sequenceId: null, label: null, time: null }, task: 'next-step' }),
    /data\.csv: the next-step task needs a target column .*\(the file has 1 bad cell, which may be why: line 3, column "b": "oops"\)/);
  const blank = tableOf([['v', 'blank'], ...Array.from({ length: 20 }, (_, i) => [i, ''])]);
  assert.throws(() => buildDataset(blank, { roles: { ...one('v'), sequenceId: 'blank' }, task: 'next-step' }), /data\.csv: column "blank" is empty; the sequence id needs values/);
  const perSequence = tableOf([['id', 'x', 'y'], ...Array.from({ length: 40 }, (_, i) => [`s${Math.floor(i / 4)}`, (i * 7) % 5, Math.floor(i / 4)])]);
  assert.throws(() => buildDataset(perSequence, { roles: { features: ['x'], targets: ['y'], sequenceId: 'id', label: null, time: null }, task: 'regress', split: 'time' }),
    /DataError: data\.csv: one label or target per sequence: the split must be by sequence/);
});

test('per-step classification of one sequence is split by time', () => {
  const rows: (string | number)[][] = [['x', 'kind'], ...Array.from({ length: 60 }, (_, i) => [Math.sin(i), i % 3 ? 'up' : 'down'])];
  const ds = buildDataset(tableOf(rows), { roles: { features: ['x'], targets: [], sequenceId: null, label: 'kind', time: null }, task: 'classify' });
  assert.equal(ds.split, 'time');
  assert.equal(ds.granularity, 'step');
  assert.ok(ds.train.length > 0 && ds.validation.length > 0 && Number.isFinite(ds.baseline.loss));
});

test('roles: a bad cell is in the reason of every column, a lone named target is forecast, sessions of 1–3 rows are sequences', () => {
  const counter = suggestRoles(tableOf([['t', 'v'], ...Array.from({ length: 30 }, (_, i) => [i === 9 ? '10O78' : i, Math.sin(i)])]));
  assert.match(counter.reasons.t, /^time: .*; 1 bad cell \(line 11: "10O78"\)$/);
  const constant = suggestRoles(tableOf([['k', 'v'], ...Array.from({ length: 20 }, (_, i) => [i === 4 ? '1.2.3' : 7, i % 5])]));
  assert.match(constant.reasons.k, /^ignored: constant \(7\).*; 1 bad cell \(line 6: "1\.2\.3"\)$/);
  const lone = suggestRoles(tableOf([['Datum', 'target'], ...Array.from({ length: 50 }, (_, i) => [`2024-01-${String(1 + (i % 28)).padStart(2, '0')}T${String(Math.floor(i / 28)).padStart(2, '0')}:00`, (i * 37) % 11])]));
  assert.deepEqual([lone.task, lone.targets], ['next-step', ['target']]);
  const lines: (string | number)[][] = [['session', 'x']];
  for (let k = 0; k < 1000; k++) for (let j = 0; j <= k % 3; j++) lines.push([k, (k * 7 + j) % 11]);
  assert.equal(suggestRoles(tableOf(lines)).sequenceId, 'session');
});

test('the editor surface names settings as its controls, never as command-line flags', () => {
  const flag = /--[a-z]/;
  const n = 300;
  const rows: (string | number)[][] = [['t', 'passengers']];
  for (let i = 0; i < n; i++) rows.push([i + 1, Math.round(100 * Math.exp(i / 150) * (1 + 0.1 * Math.sin(i / 2)))]);
  const roles = { features: ['passengers'], targets: ['passengers'], sequenceId: null, label: null, time: 't' };
  const messages = (surface: 'cli' | 'editor'): string => {
    const out: string[] = [];
    const ds = buildDataset(tableOf(rows), { roles, task: 'next-step', rolesGiven: true, surface, window: null, split: 'time' });
    out.push(...ds.notes, ...ds.warnings);
    const errors: [(string | number)[][], Partial<DatasetSpec>][] = [
      [[['a', 'b'], [1, 2], ['', 3], [2, 1], ['NA', 2]], {}],
      [rows, { roles: { ...roles, targets: [] } }],
      [rows, { task: 'classify', roles: { ...roles, label: null } }],
      [rows, { window: { length: 5000 } }],
    ];
    for (const [r, change] of errors) {
      try {
        buildDataset(tableOf(r), { roles: r === rows ? roles : { features: ['a'], targets: ['a'], sequenceId: null, label: null, time: null }, task: 'next-step', surface, ...change });
        assert.fail(`expected an error for ${JSON.stringify(change)}`);
      } catch (e) {
        assert.ok(e instanceof DataError, String(e));
        out.push(e.message);
      }
    }
    return out.join('\n');
  };
  const cli = messages('cli');
  const editor = messages('editor');
  assert.match(cli, /--transform passengers=none/);
  assert.match(cli, /--missing ffill/);
  assert.match(cli, /--window/);
  assert.doesNotMatch(editor, flag, editor);
  assert.match(editor, /"transforms": \{ "passengers": "none" \} in the experiment file/);
  assert.match(editor, /Missing values in the Data view/);
  assert.match(editor, /role "target" in the Data view/);
  assert.match(editor, /role "label \(class\)" in the Data view/);
});
