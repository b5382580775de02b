/**
 * A model's predictions back in the data's own units: outputs unscaled, and where a target is modelled as changes,
 * turned back into levels from the actual previous level (the one-step-ahead forecast a user would make with it). The
 * naive baseline in the same units is "repeat the last value" (next-step) or the training mean (regression).
 */
import { createWorkspace, forwardStack, headForward, packBatch, type Model } from '../engine/index';
import { columnReader, levelAfter, type Dataset, type SampleSource } from './dataset';
import type { Sample } from '../engine/index';

/** Mean squared errors per target in data units, the model's and the naive baseline's, over some samples. */
export interface LevelErrors {
  mse: number[];
  baselineMse: number[];
  count: number;
}

/** Errors in data units of `model` on `samples` (regression and next-step only). */
export function levelErrors(model: Model, ds: Dataset, samples: Sample[], sources: SampleSource[], batchSize = 64): LevelErrors | null {
  if (ds.task === 'classify' || samples.length === 0) return null;
  const cfg = model.config;
  const P = ds.targetNames.length;
  // one reader per target of the sequence last read (samples come sequence by sequence)
  let readFor = -1;
  let readers: ((j: number) => number)[] = [];
  const levelsOf = (si: number): ((j: number) => number)[] => {
    if (si !== readFor) {
      readers = ds.columns.targets.map((c) => columnReader(ds, si, c).level);
      readFor = si;
    }
    return readers;
  };
  const se = new Array<number>(P).fill(0);
  const base = new Array<number>(P).fill(0);
  let count = 0;
  const shift = ds.task === 'next-step' ? 1 : 0;
  const { targetMean, targetStd } = ds.scaler;
  for (let at = 0; at < samples.length; at += batchSize) {
    const indices = Array.from({ length: Math.min(batchSize, samples.length - at) }, (_, k) => at + k);
    const { batch } = packBatch(cfg, samples, indices);
    const ws = createWorkspace(cfg, batch.T, batch.B);
    forwardStack(model, ws, batch);
    headForward(model, ws, batch);
    indices.forEach((idx, b) => {
      const src = sources[idx];
      const level = levelsOf(src.sequenceIndex);
      const steps = cfg.readout === 'last' ? [src.length - 1] : Array.from({ length: src.length }, (_, t) => t);
      for (const t of steps) {
        const row = cfg.readout === 'last' ? b : t * batch.B + b;
        const j = src.offset + t + shift;
        if (cfg.readout === 'last' && ds.granularity === 'sequence') {
          // one value per sequence: read at its first step (constant within it)
          for (let k = 0; k < P; k++) {
            const actual = level[k](src.offset);
            const pred = ds.transforms[ds.targetNames[k]] === 'none' ? ws.Y[row * cfg.outputSize + k] * targetStd[k] + targetMean[k] : NaN;
            se[k] += (pred - actual) ** 2;
            base[k] += (targetMean[k] - actual) ** 2;
          }
          count++;
          continue;
        }
        for (let k = 0; k < P; k++) {
          const actual = level[k](j);
          const before = level[k](j - 1);
          const change = ws.Y[row * cfg.outputSize + k] * targetStd[k] + targetMean[k];
          const pred = levelAfter(ds.transforms[ds.targetNames[k]] ?? 'none', change, before);
          se[k] += (pred - actual) ** 2;
          base[k] += ((ds.task === 'next-step' ? before : targetMean[k]) - actual) ** 2;
        }
        count++;
      }
    });
  }
  return { mse: se.map((x) => x / count), baselineMse: base.map((x) => x / count), count };
}
