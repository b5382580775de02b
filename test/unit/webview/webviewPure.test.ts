/**
 * Pure parts of the webview: the heatmap's colour maps, log ticks and ranges, the unrolled graph's collapsed step layout,
 * the Predictions view's confusion statistics and class choice, the series plot's scales and normalisation.
 */
import { before, test } from 'node:test';
import assert from 'node:assert/strict';

// The root tsconfig (node types, no DOM lib) type-checks every file a test imports statically, excluded or not, and
// these modules also hold DOM code. Loading them by URL keeps tsc out of them (webview/tsconfig.json checks them);
// the signatures used here are restated below.
type Rgb = [number, number, number];
interface HeatmapModule {
  logColour(t: number, highContrast: boolean): Rgb;
  relativeLuminance(rgb: Rgb): number;
  niceLogTicks(minPositive: number, max: number, maxTicks?: number): number[];
  tickLabel(v: number): string;
  positiveRange(values: ArrayLike<number>, length?: number): { min: number; max: number; count: number } | null;
  fastLog10(v: number): number;
  columnMaxima(values: ArrayLike<number>, rows: number, cols: number, width: number): Float64Array;
  logBounds(min: number, max: number): { lo: number; hi: number };
  logPosition(v: number, lo: number, hi: number): number;
  formatExponent(v: number, digits?: number): string;
  indexTicks(n: number, maxTicks: number): number[];
  hasValue(v: number): boolean;
}
type StepColumn = { kind: 'step'; t: number } | { kind: 'ellipsis'; hidden: number };
interface GraphModule {
  visibleSteps(steps: number, maxVisible?: number, expanded?: boolean): StepColumn[];
  gatesOf: (cell: string, coupled?: boolean) => { id: string; label: string; name: string }[];
  COLLAPSED_EDGE_STEPS: number;
}

type Series = (number | null)[];
interface PredictionsModule {
  percent(x: number | null): string;
  confusionStats(counts: number[][]): { total: number; right: number; accuracy: number | null; support: number[]; recall: (number | null)[] };
  classesToPlot(probabilities: number[][], actual: number[], predicted: number[], classes: number, max?: number): number[];
  meanAbsoluteError(actual: Series, predicted: Series): { mae: number | null; steps: number };
  targetAxisTitle(name: string): string;
}
interface DataViewModule {
  zScores(values: Series): Series;
  changesOf(transform: string, levels: Series): Series;
  scaleAxes(series: Series[], ratio?: number): ('y' | 'y2')[];
  axisNames(names: string[]): string;
  seriesAxisTitle(mode: 'read' | 'model' | 'normalised', lines: { name: string; transform: string }[]): string;
}
interface GradientsModule {
  layerName(l: number, layers: number): string;
}

const load = async <T>(rel: string): Promise<T> => (await import(new URL(rel, import.meta.url).href)) as T;
let heatmap: HeatmapModule;
let graph: GraphModule;
let predictions: PredictionsModule;
let dataView: DataViewModule;
let gradients: GradientsModule;
before(async () => {
  heatmap = await load<HeatmapModule>('../../../webview/heatmap.ts');
  graph = await load<GraphModule>('../../../webview/unrolledGraph.ts');
  // the views' pure helpers live in viewMath.ts (the views themselves build toolkit controls, which need a DOM)
  predictions = await load<PredictionsModule>('../../../webview/viewMath.ts');
  dataView = await load<DataViewModule>('../../../webview/viewMath.ts');
  gradients = await load<GradientsModule>('../../../webview/viewMath.ts');
});

const sample = (n: number): number[] => Array.from({ length: n + 1 }, (_, k) => k / n);
const contrast = (a: number, b: number): number => (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);

test('logColour: endpoints of both maps, clamping, NaN, integer channels', () => {
  const { logColour } = heatmap;
  assert.deepEqual(logColour(0, false), [68, 1, 84]);
  assert.deepEqual(logColour(1, false), [253, 231, 37]);
  assert.deepEqual(logColour(0, true), [0, 0, 90]);
  assert.deepEqual(logColour(1, true), [255, 255, 200]);
  for (const hc of [false, true]) {
    assert.deepEqual(logColour(-3, hc), logColour(0, hc));
    assert.deepEqual(logColour(7, hc), logColour(1, hc));
    assert.deepEqual(logColour(Number.NaN, hc), logColour(0, hc));
    for (const t of sample(50)) {
      for (const ch of logColour(t, hc)) assert.ok(Number.isInteger(ch) && ch >= 0 && ch <= 255, `${t}: ${ch}`);
    }
  }
});

test('logColour: luminance rises monotonically from low to high values, with a wide range', () => {
  const { logColour, relativeLuminance } = heatmap;
  assert.equal(relativeLuminance([0, 0, 0]), 0);
  assert.equal(relativeLuminance([255, 255, 255]), 1);
  for (const hc of [false, true]) {
    const lum = sample(400).map((t) => relativeLuminance(logColour(t, hc)));
    // rounding channels to 8 bits may wobble luminance by < 5e-4 between neighbours; anything more is a real drop
    for (let k = 1; k < lum.length; k++) assert.ok(lum[k] > lum[k - 1] - 5e-4, `highContrast=${hc}: luminance drops at t=${k / 400}`);
    const coarse = sample(16).map((t) => relativeLuminance(logColour(t, hc)));
    for (let k = 1; k < coarse.length; k++) assert.ok(coarse[k] >= coarse[k - 1], `highContrast=${hc}: luminance drops before t=${k / 16}`);
    assert.ok(contrast(lum[0], lum[lum.length - 1]) > (hc ? 14 : 10), `highContrast=${hc}: ends too close`);
  }
  // high contrast: a few flat bands, each a clear luminance step above the one below
  const bands = [...new Set(sample(400).map((t) => logColour(t, true).join(',')))].map((s) => s.split(',').map(Number) as Rgb);
  assert.equal(bands.length, 9);
  for (let k = 1; k < bands.length; k++) {
    assert.ok(contrast(relativeLuminance(bands[k]), relativeLuminance(bands[k - 1])) > 1.2, `band ${k} too close to band ${k - 1}`);
  }
});

test('niceLogTicks: powers of ten inside the range, thinned to at most 7', () => {
  const { niceLogTicks } = heatmap;
  assert.deepEqual(niceLogTicks(1e-6, 1), [1e-6, 1e-5, 1e-4, 1e-3, 1e-2, 1e-1, 1]);
  assert.deepEqual(niceLogTicks(3e-7, 0.5), [1e-6, 1e-5, 1e-4, 1e-3, 1e-2, 1e-1]);
  assert.deepEqual(niceLogTicks(1e-12, 1e3), [1e-12, 1e-9, 1e-6, 1e-3, 1, 1e3]);
  assert.deepEqual(niceLogTicks(0.5, 20), [1, 10]);
  assert.deepEqual(niceLogTicks(1e-6, 1, 3), [1e-6, 1e-3, 1]);
  assert.deepEqual(niceLogTicks(1e-4, 1, 2), [1e-4, 1]);
  assert.deepEqual(niceLogTicks(1e-4, 1, 3), [1e-4, 1e-2, 1]);
  for (const [lo, hi] of [[1e-300, 1e300], [2.5e-9, 7.1e-2], [1e-6, 1]]) {
    const ticks = niceLogTicks(lo, hi);
    assert.ok(ticks.length >= 2 && ticks.length <= 7, `${lo}..${hi}: ${ticks}`);
    for (const v of ticks) assert.ok(v >= lo && v <= hi, `${v} outside ${lo}..${hi}`);
  }
});

test('niceLogTicks: 1-2-5 steps within a decade, the ends when nothing nice fits, [] for bad input', () => {
  const { niceLogTicks } = heatmap;
  assert.deepEqual(niceLogTicks(0.02, 0.3), [0.02, 0.05, 0.1, 0.2]);
  assert.deepEqual(niceLogTicks(1.5, 6), [2, 5]);
  assert.deepEqual(niceLogTicks(0.3, 0.45), [0.3, 0.45]);
  assert.deepEqual(niceLogTicks(5, 5), [5]);
  assert.deepEqual(niceLogTicks(0.011, 0.99, 2), [0.02, 0.5]);
  for (const [lo, hi] of [[0, 1], [-1, 1], [1, 0.5], [Number.NaN, 1], [1, Number.POSITIVE_INFINITY]]) {
    assert.deepEqual(niceLogTicks(lo, hi), [], `${lo}..${hi}`);
  }
});

test('positiveRange, hasValue, logBounds, logPosition: zeros, NaN, negatives and infinities are "no value"', () => {
  const { positiveRange, hasValue, logBounds, logPosition } = heatmap;
  assert.deepEqual(positiveRange([0, Number.NaN, 3e-4, -2, 0.5, Number.POSITIVE_INFINITY, 2e-6]), { min: 2e-6, max: 0.5, count: 3 });
  assert.deepEqual(positiveRange(new Float64Array([4, 1, 9]), 2), { min: 1, max: 4, count: 2 });
  assert.equal(positiveRange([0, Number.NaN, -1]), null);
  assert.equal(positiveRange([]), null);
  assert.deepEqual([0, -1, Number.NaN, Number.POSITIVE_INFINITY, 1e-300].map(hasValue), [false, false, false, false, true]);
  assert.deepEqual(logBounds(1e-6, 1), { lo: -6, hi: 0 });
  assert.deepEqual(logBounds(0.01, 0.01), { lo: -2.5, hi: -1.5 });
  assert.equal(logPosition(1e-3, -6, 0), 0.5);
  assert.equal(logPosition(1e-9, -6, 0), 0);
  assert.equal(logPosition(10, -6, 0), 1);
});

test('fastLog10 is within 2.2e-4 decades of Math.log10 from the smallest normal double to the largest', () => {
  const { fastLog10 } = heatmap;
  const probes = [2.2250738585072014e-308, 1e-300, 3.7e-12, 1e-6, 0.1, 0.999999, 1, 1.0009765625, 2, 10, 12345.678, 1e300, Number.MAX_VALUE];
  for (let e = -40; e <= 40; e += 0.0137) probes.push(10 ** e);
  for (const v of probes) assert.ok(Math.abs(fastLog10(v) - Math.log10(v)) < 2.2e-4, `${v}: ${fastLog10(v)} vs ${Math.log10(v)}`);
});

test('columnMaxima keeps the largest value under each narrower column, treating no-value entries as 0', () => {
  const { columnMaxima } = heatmap;
  // [2, 5] → [2, 2]: columns {0,1} and {2,3,4}
  assert.deepEqual([...columnMaxima([1, 3, 2, 9, 4, 0, Number.NaN, 7, -1, 0.5], 2, 5, 2)], [3, 9, 0, 7]);
  assert.deepEqual([...columnMaxima([1, 2, 3], 1, 3, 3)], [1, 2, 3]);
  assert.deepEqual([...columnMaxima([1, 2, 3, 4], 1, 4, 1)], [4]);
  assert.deepEqual([...columnMaxima([Number.POSITIVE_INFINITY, 2], 1, 2, 1)], [2]);
});

test('formatExponent and indexTicks', () => {
  const { formatExponent, indexTicks } = heatmap;
  assert.equal(formatExponent(0.000123), '1.23e-4');
  assert.equal(formatExponent(12345), '1.23e4');
  assert.equal(formatExponent(1e-6, 0), '1e-6');
  assert.equal(formatExponent(1, 0), '1e0');
  assert.equal(heatmap.tickLabel(1e-6), '1e-6');
  assert.equal(heatmap.tickLabel(0.02), '2e-2');
  assert.equal(heatmap.tickLabel(0.45), '4.50e-1');
  assert.deepEqual(indexTicks(5, 10), [0, 1, 2, 3, 4]);
  assert.deepEqual(indexTicks(1000, 8), [0, 199, 399, 599, 799, 999]);
  assert.deepEqual(indexTicks(30, 4), [0, 9, 19, 29]);
  assert.deepEqual(indexTicks(1, 3), [0]);
  assert.deepEqual(indexTicks(0, 3), []);
});

const shape = (columns: StepColumn[]): (number | string)[] => columns.map((c) => (c.kind === 'step' ? c.t : `…${c.hidden}`));

test('visibleSteps: first 5, an ellipsis, last 5 when steps > maxVisible; everything when expanded', () => {
  const { visibleSteps, COLLAPSED_EDGE_STEPS } = graph;
  assert.equal(COLLAPSED_EDGE_STEPS, 5);
  assert.deepEqual(shape(visibleSteps(100)), [1, 2, 3, 4, 5, '…90', 96, 97, 98, 99, 100]);
  assert.deepEqual(shape(visibleSteps(13, 12)), [1, 2, 3, 4, 5, '…3', 9, 10, 11, 12, 13]);
  assert.deepEqual(shape(visibleSteps(12, 12)), Array.from({ length: 12 }, (_, k) => k + 1));
  assert.deepEqual(shape(visibleSteps(3)), [1, 2, 3]);
  assert.equal(visibleSteps(100, 12, true).length, 100);
  assert.ok(visibleSteps(100, 12, true).every((c, k) => c.kind === 'step' && c.t === k + 1));
  assert.deepEqual(visibleSteps(0), []);
  assert.deepEqual(visibleSteps(-4), []);
});

test('visibleSteps: a small maxVisible keeps fewer steps each side; hidden + shown = steps', () => {
  const { visibleSteps } = graph;
  assert.deepEqual(shape(visibleSteps(10, 4)), [1, '…8', 10]);
  assert.deepEqual(shape(visibleSteps(10, 7)), [1, 2, 3, '…4', 8, 9, 10]);
  assert.deepEqual(shape(visibleSteps(2, 1)), [1, 2]);
  for (const [steps, maxVisible] of [[1000, 12], [50, 20], [14, 13], [7, 2]]) {
    const columns = visibleSteps(steps, maxVisible);
    const shown = columns.filter((c) => c.kind === 'step').length;
    const hidden = columns.reduce((s, c) => s + (c.kind === 'ellipsis' ? c.hidden : 0), 0);
    assert.equal(shown + hidden, steps);
    assert.ok(columns.length <= Math.max(maxVisible, 3), `${steps}/${maxVisible}: ${columns.length} columns`);
  }
});

test('gates from the registry: LSTM i f g o, GRU r z n, gated α β h̃ (coupled α h̃), none for one-block cells', () => {
  const { gatesOf } = graph;
  assert.deepEqual(gatesOf('lstm').map((g) => g.id), ['i', 'f', 'g', 'o']);
  assert.deepEqual(gatesOf('gru').map((g) => g.id), ['r', 'z', 'n']);
  assert.deepEqual(gatesOf('gated').map((g) => g.label), ['α', 'β', 'h̃']);
  assert.deepEqual(gatesOf('gated', true).map((g) => g.label), ['α', 'h̃']);
  assert.deepEqual(gatesOf('vanilla'), []);
  assert.deepEqual(gatesOf('indrnn'), []);
});

test('confusionStats: accuracy and per-class recall from counts [actual][predicted]; a class without items has no recall', () => {
  const { confusionStats } = predictions;
  const stats = confusionStats([[8, 2, 0], [1, 3, 0], [0, 0, 0]]);
  assert.equal(stats.total, 14);
  assert.equal(stats.right, 11);
  assert.equal(stats.accuracy, 11 / 14);
  assert.deepEqual(stats.support, [10, 4, 0]);
  assert.deepEqual(stats.recall, [0.8, 0.75, null]);
  assert.deepEqual(confusionStats([]), { total: 0, right: 0, accuracy: null, support: [], recall: [] });
  assert.deepEqual(confusionStats([[0, 0], [0, 0]]).recall, [null, null]);
});

test('percent: one decimal, — for none', () => {
  const { percent } = predictions;
  assert.equal(percent(2 / 3), '66.7%');
  assert.equal(percent(1), '100.0%');
  assert.equal(percent(null), '—');
  assert.equal(percent(Number.NaN), '—');
});

test('classesToPlot: classes in the sequence first (most frequent first), then the highest peaks, at most max, in class order', () => {
  const { classesToPlot } = predictions;
  const probs = [[0.7, 0.1, 0.1, 0.05, 0.05], [0.2, 0.1, 0.6, 0.05, 0.05], [0.3, 0.1, 0.1, 0.45, 0.05]];
  assert.deepEqual(classesToPlot(probs, [0, 0, 3], [0, 2, 3], 5), [0, 1, 2, 3, 4]);
  assert.deepEqual(classesToPlot(probs, [0, 0, 3], [0, 2, 3], 5, 3), [0, 2, 3]);
  assert.deepEqual(classesToPlot(probs, [0, 0, 0], [0, 0, 0], 5, 2), [0, 2]);
  assert.deepEqual(classesToPlot(probs, [0, 0, 0], [0, 0, 0], 5, 0), []);
  // out-of-range or NaN entries are ignored
  assert.deepEqual(classesToPlot([[Number.NaN, 0.9]], [7], [-1], 2, 1), [1]);
});

test('meanAbsoluteError: only steps with an actual value and a finite prediction count', () => {
  const { meanAbsoluteError } = predictions;
  assert.deepEqual(meanAbsoluteError([1, 2, null, 4], [1.5, null, 3, 2]), { mae: 1.25, steps: 2 });
  assert.deepEqual(meanAbsoluteError([null, null], [1, 2]), { mae: null, steps: 0 });
  assert.deepEqual(meanAbsoluteError([1, 1], [Number.POSITIVE_INFINITY, 3]), { mae: 2, steps: 1 });
});

test('axis titles name the column and its units, in plain words (no TeX)', () => {
  assert.equal(predictions.targetAxisTitle('close'), "close (the CSV's units)");
  assert.equal(dataView.axisNames([]), '');
  assert.equal(dataView.axisNames(['volume']), 'volume');
  assert.equal(dataView.axisNames(['open', 'close']), 'open and close');
  assert.equal(dataView.axisNames(['open', 'high', 'low']), 'open, high and low');
  assert.equal(dataView.axisNames(['open', 'high', 'low', 'close', 'adjclose']), 'open, high, low and 2 more');
  assert.equal(gradients.layerName(0, 1), 'layer 1');
  assert.equal(gradients.layerName(0, 3), 'layer 1 (nearest the inputs)');
  assert.equal(gradients.layerName(1, 3), 'layer 2');
  assert.equal(gradients.layerName(2, 3), 'layer 3 (nearest the output)');
});

test('zScores: mean 0 and standard deviation 1 over the finite values; gaps stay gaps; a constant series is all 0', () => {
  const { zScores } = dataView;
  const z = zScores([1, 2, null, 3, Number.NaN]);
  assert.deepEqual(z.map((v) => (v === null ? null : Number(v.toFixed(12)))), [-1.224744871392, 0, null, 1.224744871392, null]);
  const big = zScores([1e9, 2e9, 3e9, 4e9]) as number[];
  const mean = big.reduce((a, b) => a + b, 0) / big.length;
  const sd = Math.sqrt(big.reduce((a, b) => a + (b - mean) ** 2, 0) / big.length);
  assert.ok(Math.abs(mean) < 1e-12 && Math.abs(sd - 1) < 1e-12, `mean ${mean}, sd ${sd}`);
  assert.deepEqual(zScores([5, 5, null, 5]), [0, 0, null, 0]);
  assert.deepEqual(zScores([null, null]), [null, null]);
  assert.deepEqual(zScores([]), []);
});

test('changesOf: diff, returns and log-returns from the step before; none keeps the levels; undefined changes are gaps', () => {
  const { changesOf } = dataView;
  assert.deepEqual(changesOf('none', [1, null, 3]), [1, null, 3]);
  assert.deepEqual(changesOf('diff', [1, 4, null, 10, 7]), [null, 3, null, null, -3]);
  assert.deepEqual(changesOf('returns', [2, 3, 0, 5]), [null, 0.5, -1, null]);
  const lr = changesOf('log-returns', [100, 110, -1, 121]);
  assert.equal(lr[0], null);
  assert.ok(Math.abs((lr[1] as number) - Math.log(1.1)) < 1e-15);
  assert.deepEqual(lr.slice(2), [null, null]);
  assert.deepEqual(changesOf('log-returns', []), []);
});

test('scaleAxes: prices beside a volume 1e6 times larger get two axes; similar scales share one; the first series stays left', () => {
  const { scaleAxes } = dataView;
  const price = [1455, 1399, 1402];
  const volume = [9.3e8, 1.0e9, 1.1e9];
  assert.deepEqual(scaleAxes([price, price, volume, price]), ['y', 'y', 'y2', 'y']);
  assert.deepEqual(scaleAxes([volume, price]), ['y', 'y2']);
  assert.deepEqual(scaleAxes([price, [10, 20, 30]]), ['y', 'y2']);
  assert.deepEqual(scaleAxes([price, [100, 200, 300]]), ['y', 'y']);
  assert.deepEqual(scaleAxes([[0.01, -0.02], [0.5, -0.3]]), ['y', 'y']);
  // a ratio threshold of its own, series without values, and the widest gap chosen among three scales
  assert.deepEqual(scaleAxes([price, [100, 200, 300]], 4), ['y', 'y2']);
  assert.deepEqual(scaleAxes([[null, null], [0, 0], price, volume]), ['y', 'y', 'y', 'y2']);
  assert.deepEqual(scaleAxes([[1, 2], [1e3, 2e3], [1e9, 2e9]]), ['y', 'y', 'y2']);
  assert.deepEqual(scaleAxes([]), []);
});

test('seriesAxisTitle names what the series plot shows, short enough for the axis', () => {
  const { seriesAxisTitle } = dataView;
  const prices = [{ name: 'open', transform: 'log-returns' }, { name: 'close', transform: 'log-returns' }];
  assert.equal(seriesAxisTitle('read', prices), "open and close as read (the CSV's units)");
  assert.equal(seriesAxisTitle('model', prices), 'open and close as the model reads them (log-returns)');
  assert.equal(seriesAxisTitle('model', [...prices, { name: 'volume', transform: 'none' }]), 'open, close and volume as the model reads them (transformed)');
  assert.equal(seriesAxisTitle('model', [...prices, { name: 'volumes', transform: 'none' }]), '3 series as the model reads them (transformed)');
  assert.equal(seriesAxisTitle('read', [...prices, { name: 'volume', transform: 'none' }]), "open, close and volume as read (the CSV's units)");
  assert.equal(seriesAxisTitle('model', [{ name: 'volume', transform: 'none' }]), 'volume as the model reads them (values)');
  assert.equal(seriesAxisTitle('normalised', prices), 'standard deviations from the mean (z-score)');
  const many = ['temperature_celsius', 'pressure_hectopascal', 'humidity_percent', 'wind'].map((name) => ({ name, transform: 'diff' }));
  assert.equal(seriesAxisTitle('model', many), '4 series as the model reads them (diff)');
  for (const mode of ['read', 'model', 'normalised'] as const) assert.ok(seriesAxisTitle(mode, many).length <= 60);
});
