/**
 * The panel views' pure helpers (no DOM, no controls): the series plot's scales, changes and titles (Data view), the
 * confusion statistics and class choice (Predictions view), the layers' names (Gradients view). Tests load this
 * module in Node; the views import from it.
 */

/** At most this many classes are drawn in the probabilities chart. */
export const MAX_PLOTTED_CLASSES = 10;

/** What the series plot shows: the values as read, as the model reads them (after each column's transform), or each series z-scored. */
export type SeriesMode = 'read' | 'model' | 'normalised';

/** Each value as standard deviations from the series' mean (over its finite values); 0 for a constant series, null where a value is missing. */
export function zScores(values: readonly (number | null)[]): (number | null)[] {
  const ok = values.filter((v): v is number => v !== null && Number.isFinite(v));
  if (ok.length === 0) return values.map(() => null);
  const mean = ok.reduce((a, b) => a + b, 0) / ok.length;
  const sd = Math.sqrt(ok.reduce((a, b) => a + (b - mean) * (b - mean), 0) / ok.length);
  return values.map((v) => (v === null || !Number.isFinite(v) ? null : sd > 0 && Number.isFinite(sd) ? (v - mean) / sd : 0));
}

/** Levels as the model reads them under `transform` (diff, returns, log-returns: the change from the step before; null at the first step and where undefined). */
export function changesOf(transform: string, levels: readonly (number | null)[]): (number | null)[] {
  if (transform === 'none') return [...levels];
  return levels.map((v, t) => {
    const prev = t > 0 ? levels[t - 1] : null;
    if (v === null || prev === null || prev === undefined) return null;
    const x = transform === 'diff' ? v - prev : transform === 'returns' ? (prev === 0 ? NaN : v / prev - 1) : transform === 'log-returns' ? (v > 0 && prev > 0 ? Math.log(v / prev) : NaN) : NaN;
    return Number.isFinite(x) ? x : null;
  });
}

/** The y axis of each series: when their magnitudes (largest |value|) split into two groups ≥ `ratio` apart, the first series' group left ('y'), the other right ('y2'). */
export function scaleAxes(series: readonly (readonly (number | null)[])[], ratio = 30): ('y' | 'y2')[] {
  const logs = series.map((s) => {
    let m = 0;
    for (const v of s) if (v !== null && Number.isFinite(v)) m = Math.max(m, Math.abs(v));
    return m > 0 ? Math.log10(m) : null;
  });
  const sorted = logs.filter((v): v is number => v !== null).sort((a, b) => a - b);
  let gap = 0;
  let cut = 0;
  for (let k = 1; k < sorted.length; k++) {
    if (sorted[k] - sorted[k - 1] > gap) {
      gap = sorted[k] - sorted[k - 1];
      cut = (sorted[k] + sorted[k - 1]) / 2;
    }
  }
  if (gap < Math.log10(ratio)) return series.map(() => 'y');
  const firstHigh = (logs.find((v) => v !== null) ?? -Infinity) > cut;
  return logs.map((v) => (v === null || (v > cut) === firstHigh ? 'y' : 'y2'));
}

/** Names for an axis title: "a, b and c", at most three then "and N more". */
export function axisNames(names: readonly string[]): string {
  if (names.length <= 1) return names[0] ?? '';
  if (names.length <= 3) return `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`;
  return `${names.slice(0, 3).join(', ')} and ${names.length - 3} more`;
}

/** Axis titles longer than this are clipped by the chart: the names give way to a count. */
const MAX_AXIS_TITLE = 60;

/** The y-axis title for the series on one axis in `mode`. */
export function seriesAxisTitle(mode: SeriesMode, lines: readonly { name: string; transform: string }[]): string {
  if (mode === 'normalised') return 'standard deviations from the mean (z-score)';
  const kinds = [...new Set(lines.map((l) => (l.transform === 'none' ? 'values' : l.transform)))];
  const what = mode === 'read' ? 'as read (the CSV\'s units)' : `as the model reads them (${kinds.length === 1 ? kinds[0] : 'transformed'})`;
  const title = `${axisNames(lines.map((l) => l.name))} ${what}`;
  return title.length <= MAX_AXIS_TITLE ? title : `${lines.length} series ${what}`;
}

/** A share as a percentage with one decimal ("66.7%"), — for none. */
export function percent(x: number | null): string {
  return x === null || !Number.isFinite(x) ? '—' : `${(x * 100).toFixed(1)}%`;
}

/** Totals of confusion counts [actual][predicted]: items, right, accuracy, and per class its items and recall (null when it has none). */
export function confusionStats(counts: readonly (readonly number[])[]): { total: number; right: number; accuracy: number | null; support: number[]; recall: (number | null)[] } {
  const support = counts.map((row) => row.reduce((a, b) => a + b, 0));
  const total = support.reduce((a, b) => a + b, 0);
  const right = counts.reduce((s, row, k) => s + (row[k] ?? 0), 0);
  return {
    total, right, accuracy: total ? right / total : null, support,
    recall: counts.map((row, k) => (support[k] ? (row[k] ?? 0) / support[k] : null)),
  };
}

/** The classes to draw (at most `max`, in class order): those in the sequence, most frequent first, then the highest peaks of probability. */
export function classesToPlot(probabilities: readonly (readonly number[])[], actual: readonly number[], predicted: readonly number[], classes: number, max = MAX_PLOTTED_CLASSES): number[] {
  const seen = new Array<number>(classes).fill(0);
  for (const k of [...actual, ...predicted]) if (k >= 0 && k < classes) seen[k]++;
  const peak = new Array<number>(classes).fill(0);
  for (const p of probabilities) for (let k = 0; k < classes; k++) if (Number.isFinite(p[k]) && p[k] > peak[k]) peak[k] = p[k];
  const order = Array.from({ length: classes }, (_, k) => k).sort((a, b) => seen[b] - seen[a] || peak[b] - peak[a] || a - b);
  return order.slice(0, Math.max(0, max)).sort((a, b) => a - b);
}

/** Mean absolute error over the steps with both an actual value and a finite prediction, and how many those are. */
export function meanAbsoluteError(actual: readonly (number | null)[], predicted: readonly (number | null)[]): { mae: number | null; steps: number } {
  let sum = 0;
  let steps = 0;
  actual.forEach((a, t) => {
    const p = predicted[t];
    if (a === null || p === null || p === undefined || !Number.isFinite(a) || !Number.isFinite(p)) return;
    sum += Math.abs(p - a);
    steps++;
  });
  return { mae: steps ? sum / steps : null, steps };
}

/** The y-axis title of a target: its column and its units. */
export function targetAxisTitle(name: string): string {
  return `${name} (the CSV's units)`;
}

/** The name of layer `l` (0-based) of `layers`, saying which end it is nearest. */
export function layerName(l: number, layers: number): string {
  if (layers <= 1) return 'layer 1';
  return `layer ${l + 1}${l === 0 ? ' (nearest the inputs)' : l === layers - 1 ? ' (nearest the output)' : ''}`;
}
