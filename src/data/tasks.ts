/**
 * Synthetic sequence tasks with known long-range structure, generated from a seed.
 * Adding problem (Hochreiter & Schmidhuber 1997, in the U[0,1] form of Le, Jaitly & Hinton 2015): each step has two
 * inputs, a value u ~ U[0,1] and a marker that is 1 at exactly two steps (one in each half of the sequence); the
 * target is the sum of the two marked values. Predicting the constant 1 has MSE Var(u₁ + u₂) = 1/6 ≈ 0.167.
 */
import { createRng, type Sample } from '../engine/index';

/** Mean squared error of the best constant prediction for the adding problem: Var(u₁ + u₂) = 2/12. */
export const ADDING_BASELINE_MSE = 1 / 6;

/** Generates `count` adding-problem sequences of `length` steps (input size 2, one target per sequence). */
export function addingProblem(length: number, count: number, seed: number): Sample[] {
  if (!Number.isInteger(length) || length < 2) throw new RangeError(`adding problem: length must be an integer ≥ 2; got ${length}`);
  if (!Number.isInteger(count) || count < 1) throw new RangeError(`adding problem: count must be an integer ≥ 1; got ${count}`);
  const rng = createRng(seed);
  const half = Math.floor(length / 2);
  const out: Sample[] = [];
  for (let n = 0; n < count; n++) {
    const x = new Float64Array(length * 2);
    for (let t = 0; t < length; t++) x[t * 2] = rng.next();
    const a = rng.int(half);
    const b = half + rng.int(length - half);
    x[a * 2 + 1] = 1;
    x[b * 2 + 1] = 1;
    out.push({ x, y: Float64Array.of(x[a * 2] + x[b * 2]) });
  }
  return out;
}
