/** A dataset's samples in words, the same on every surface (see `describeSamples`). */
import { plural } from './words';
import type { Dataset } from './dataset';

/** What `describeSamples` needs: how many sequences, how long, the samples per split and the windows. */
export interface SampleCounts {
  count: number;
  train: number;
  validation: number;
  minSteps: number;
  medianSteps: number;
  maxSteps: number;
  window?: { length: number; stride: number } | null;
}

/**
 * One account of series, sequences and windows for every surface: "1 series cut into 55 windows of 64 steps
 * (44 training / 11 validation)", "120 sequences of 30–48 steps (median 41), one sample per sequence (96 training / 24 validation)".
 */
export function describeSamples(s: SampleCounts, granularity: 'sequence' | 'step', split: 'sequence' | 'time'): string {
  const what = s.count === 1 ? '1 series' : plural(s.count, 'sequence');
  const steps = s.minSteps === s.maxSteps
    ? `${plural(s.minSteps, 'step')}${s.count === 1 ? '' : ' each'}`
    : `${s.minSteps.toLocaleString('en')}–${plural(s.maxSteps, 'step')} (median ${s.medianSteps.toLocaleString('en')})`;
  const splits = `${s.train.toLocaleString('en')} training / ${s.validation.toLocaleString('en')} validation`;
  if (s.window) {
    const every = s.window.stride === 1 ? 'one step apart' : `${plural(s.window.stride, 'step')} apart`;
    return `${what} of ${steps} cut into ${plural(s.train + s.validation, 'window')} of ${plural(s.window.length, 'step')}, ${every} (${splits}${split === 'time' ? `, validation from ${s.count === 1 ? 'its' : 'each one\'s'} end` : ''})`;
  }
  if (granularity === 'sequence') return `${what} of ${steps}, ${s.count === 1 ? 'one sample' : 'one sample per sequence'} (${splits})`;
  if (split === 'time') return `${what} of ${steps}, read whole: ${s.count === 1 ? 'its start for training, its end' : 'the start of each for training, the end'} for validation`;
  return `${what} of ${steps}, read whole (${splits} ${s.train + s.validation === 1 ? 'sequence' : 'sequences'})`;
}

/** Sequence lengths (non-empty sequences) and samples per split of `ds`. */
export function sampleCounts(ds: Dataset): SampleCounts & { lengths: number[] } {
  const lengths = ds.sequences.map((s) => s.rows.length).filter((n) => n > 0).sort((a, b) => a - b);
  const mid = lengths.length >> 1;
  const median = lengths.length === 0 ? 0 : lengths.length % 2 ? lengths[mid] : (lengths[mid - 1] + lengths[mid]) / 2;
  return {
    lengths, count: lengths.length, train: ds.train.length, validation: ds.validation.length,
    minSteps: lengths[0] ?? 0, medianSteps: median, maxSteps: lengths[lengths.length - 1] ?? 0, window: ds.window,
  };
}

/** "1 series of 1,000 steps cut into 234 windows of 64 steps, 4 steps apart (187 training / 47 validation)". */
export function describeDataset(ds: Dataset): string {
  return describeSamples(sampleCounts(ds), ds.granularity, ds.split);
}
