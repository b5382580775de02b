/** Sequences and targets, and their packing into padded time-major batches. */
import type { ModelConfig } from './config';
import type { Batch } from './bptt';

/**
 * One training sequence. x is [length, inputSize] (row per step). y depends on the head:
 *   readout last:  mse [outputSize]; binary / softmax [1] (class index; 0/1 for binary)
 *   readout every: mse [length, outputSize]; binary / softmax [length] class indices
 */
export interface Sample {
  x: Float64Array;
  y: Float64Array;
}

/** A batch with its targets in the head's time-major layout. */
export interface PackedBatch {
  batch: Batch;
  targets: Float64Array;
}

/** Checks every sample against the configuration, naming the first bad one. */
export function validateSamples(cfg: ModelConfig, samples: Sample[], what = 'sample'): void {
  samples.forEach((s, i) => {
    const T = s.x.length / cfg.inputSize;
    if (!Number.isInteger(T) || T < 1) throw new RangeError(`${what} ${i}: x has ${s.x.length} values, not a whole number of steps of ${cfg.inputSize} inputs`);
    for (let k = 0; k < s.x.length; k++) {
      if (!Number.isFinite(s.x[k])) throw new RangeError(`${what} ${i}: input at step ${Math.floor(k / cfg.inputSize) + 1}, feature ${(k % cfg.inputSize) + 1} is not a finite number`);
    }
    const classes = cfg.loss !== 'mse';
    const per = classes ? 1 : cfg.outputSize;
    const want = cfg.readout === 'last' ? per : T * per;
    if (s.y.length !== want) throw new RangeError(`${what} ${i}: expected ${want} target values for readout "${cfg.readout}" and loss "${cfg.loss}"; got ${s.y.length}`);
    for (let k = 0; k < s.y.length; k++) {
      const v = s.y[k];
      if (!Number.isFinite(v)) throw new RangeError(`${what} ${i}: target ${k} is not a finite number`);
      if (classes) {
        const K = cfg.loss === 'binary' ? 2 : cfg.outputSize;
        if (!Number.isInteger(v) || v < 0 || v >= K) throw new RangeError(`${what} ${i}: class label ${v} is not an integer in [0, ${K})`);
      }
    }
  });
}

/** Packs samples[indices] into a padded, time-major batch and targets. Steps [t0, t0+T) when given a window. */
export function packBatch(cfg: ModelConfig, samples: Sample[], indices: number[]): PackedBatch {
  const D = cfg.inputSize;
  const B = indices.length;
  let T = 0;
  for (const i of indices) T = Math.max(T, samples[i].x.length / D);
  const x = new Float64Array(T * B * D);
  const lengths = new Int32Array(B);
  const classes = cfg.loss !== 'mse';
  const per = classes ? 1 : cfg.outputSize;
  const targets = new Float64Array(cfg.readout === 'last' ? B * per : T * B * per);
  indices.forEach((idx, b) => {
    const s = samples[idx];
    const L = s.x.length / D;
    lengths[b] = L;
    for (let t = 0; t < L; t++) for (let k = 0; k < D; k++) x[(t * B + b) * D + k] = s.x[t * D + k];
    if (cfg.readout === 'last') {
      for (let j = 0; j < per; j++) targets[b * per + j] = s.y[j];
    } else {
      for (let t = 0; t < L; t++) for (let j = 0; j < per; j++) targets[(t * B + b) * per + j] = s.y[t * per + j];
    }
  });
  return { batch: { T, B, inputSize: D, x, lengths }, targets };
}
