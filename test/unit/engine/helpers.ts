/** Small builders shared by the unit tests. */
import { createRng, extraStateWidth, packBatch, type ModelConfig, type Sample, type StackState } from '../../../src/engine/index';

/** Random samples of the given lengths with targets that fit the head. */
export function randomSamples(cfg: ModelConfig, lengths: number[], seed: number): Sample[] {
  const rng = createRng(seed);
  return lengths.map((L) => {
    const x = Float64Array.from({ length: L * cfg.inputSize }, () => rng.normal());
    const per = cfg.loss === 'mse' ? cfg.outputSize : 1;
    const n = (cfg.readout === 'last' ? 1 : L) * per;
    const K = cfg.loss === 'binary' ? 2 : cfg.outputSize;
    const y = Float64Array.from({ length: n }, () => (cfg.loss === 'mse' ? rng.normal() : rng.int(K)));
    return { x, y };
  });
}

/** A packed batch of random samples. */
export function randomBatch(cfg: ModelConfig, lengths: number[], seed: number) {
  return packBatch(cfg, randomSamples(cfg, lengths, seed), lengths.map((_, i) => i));
}

/** Random non-zero initial states for every layer. */
export function randomState(cfg: ModelConfig, B: number, seed: number): StackState {
  const rng = createRng(seed);
  const n = B * cfg.hiddenSize;
  return {
    h: Array.from({ length: cfg.layers }, () => Float64Array.from({ length: n }, () => 0.5 * rng.normal())),
    c: Array.from({ length: cfg.layers }, () => Float64Array.from({ length: B * extraStateWidth(cfg) }, () => 0.5 * rng.normal())),
  };
}
