/**
 * Built-in sequence tasks with known long-range structure, generated from a seed and written as CSV so users can see
 * the data. One row per step; a `sequence` column groups the rows.
 *  - adding, variant `uniform` (default; the U[0,1] form of Le, Jaitly & Hinton 2015): inputs value ~ U[0,1] and a
 *    marker that is 1 at two steps (one in each half); the per-sequence target is the sum of the two marked values.
 *    Predicting the constant 1 has MSE Var(u₁ + u₂) = 1/6 ≈ 0.167.
 *  - adding, variant `original` (Hochreiter & Schmidhuber 1997, experiment 4): values ~ U[−1,1], lengths T to T + T/10,
 *    one of the first ten steps and one of the first T/2 − 1 others marked 1, the first and last steps marked −1 (X₁ = 0
 *    when the first step is marked); target 0.5 + (X₁ + X₂)/4. The constant baseline is Var = 1/24 ≈ 0.042.
 *  - copy memory (Hochreiter & Schmidhuber 1997; Arjovsky, Shah & Bengio 2016): 10 symbols from 1–8, `length` blanks
 *    with a delimiter 9 before the last 10, then the model must output the 10 symbols; per-step class, one-hot inputs.
 *  - temporal order (Hochreiter & Schmidhuber 1997, task 6a): distractors with two relevant symbols X or Y near 10 %
 *    and 50 % of the sequence; the per-sequence class is their order (XX, XY, YX, YY); one-hot inputs.
 *  - sessions (the chapter's intraday example): sessions of one-minute returns (in %), labelled trending (persistent
 *    moves with a drift) or mean-reverting (moves that undo themselves).
 */
import { createRng, type Rng, type Sample } from '../engine/index';
import { csvField, writeFileAtomic } from './writeFile';

/** Mean squared error of the best constant prediction for the adding problem: Var(u₁ + u₂) = 2/12. */
export const ADDING_BASELINE_MSE = 1 / 6;

/** The built-in task names. */
export type TaskName = 'adding' | 'copy' | 'order' | 'sessions';

/** Size and seed of a generated task. */
export interface TaskSize {
  length: number;
  count: number;
  seed: number;
  /** adding only: 'uniform' (default) or 'original'. */
  variant?: 'uniform' | 'original';
}

/** A generated task as a table: column names and rows of numbers or strings. */
export interface TaskTable {
  header: string[];
  rows: (number | string)[][];
  description: string;
}

function checkSize(task: string, s: TaskSize, minLength: number): void {
  if (!Number.isInteger(s.length) || s.length < minLength || s.length > 100000) throw new RangeError(`${task}: length must be an integer from ${minLength} to 100000; got ${s.length}`);
  if (!Number.isInteger(s.count) || s.count < 1 || s.count > 1_000_000) throw new RangeError(`${task}: count must be an integer from 1 to 1000000; got ${s.count}`);
  if (s.length * s.count > 20_000_000) throw new RangeError(`${task}: ${s.length} × ${s.count} rows is more than 20 million; use fewer or shorter sequences`);
}

/** Generates `count` adding-problem sequences of `length` steps as engine samples (input size 2, one target). */
export function addingProblem(length: number, count: number, seed: number): Sample[] {
  checkSize('adding', { length, count, seed }, 2);
  const rng = createRng(seed);
  const out: Sample[] = [];
  for (let n = 0; n < count; n++) {
    const { x, y } = addingSequence(rng, length);
    out.push({ x, y: Float64Array.of(y) });
  }
  return out;
}

function addingSequence(rng: Rng, length: number): { x: Float64Array; y: number } {
  const half = Math.floor(length / 2);
  const x = new Float64Array(length * 2);
  for (let t = 0; t < length; t++) x[t * 2] = rng.next();
  const a = rng.int(half);
  const b = half + rng.int(length - half);
  x[a * 2 + 1] = 1;
  x[b * 2 + 1] = 1;
  return { x, y: x[a * 2] + x[b * 2] };
}

const round = (v: number, d = 6): number => Math.round(v * 10 ** d) / 10 ** d;

/** Builds a built-in task as a table. */
export function makeTask(task: TaskName, size: TaskSize): TaskTable {
  const rng = createRng(size.seed);
  const rows: (number | string)[][] = [];
  switch (task) {
    case 'adding': {
      checkSize(task, size, size.variant === 'original' ? 20 : 2);
      if (size.variant === 'original') {
        const T = size.length;
        for (let n = 0; n < size.count; n++) {
          const L = T + rng.int(Math.floor(T / 10) + 1);
          const value = Array.from({ length: L }, () => round(rng.uniform(-1, 1)));
          const marker = new Array<number>(L).fill(0);
          const a = rng.int(10);
          let b = a;
          while (b === a) b = rng.int(Math.floor(T / 2) - 1);
          marker[a] = 1;
          marker[b] = 1;
          if (a !== 0 && b !== 0) marker[0] = -1;
          marker[L - 1] = -1;
          const x1 = a === 0 ? 0 : value[a];
          const x2 = b === 0 ? 0 : value[b];
          const target = round(0.5 + (x1 + x2) / 4);
          for (let t = 0; t < L; t++) rows.push([n + 1, t + 1, value[t], marker[t], target]);
        }
        return { header: ['sequence', 'step', 'value', 'marker', 'target'], rows, description: `adding problem (original): ${size.count} sequences of ${T}–${T + Math.floor(T / 10)} steps; target = 0.5 + (X1 + X2)/4 (constant baseline MSE 0.042)` };
      }
      for (let n = 0; n < size.count; n++) {
        // values are rounded to 6 decimals in the file, so the target is the sum of the rounded values
        const { x } = addingSequence(rng, size.length);
        let target = 0;
        for (let t = 0; t < size.length; t++) if (x[t * 2 + 1] === 1) target += round(x[t * 2]);
        for (let t = 0; t < size.length; t++) rows.push([n + 1, t + 1, round(x[t * 2]), x[t * 2 + 1], round(target)]);
      }
      return { header: ['sequence', 'step', 'value', 'marker', 'target'], rows, description: `adding problem: ${size.count} sequences of ${size.length} steps; target = sum of the two marked values (constant baseline MSE 0.167)` };
    }
    case 'copy': {
      checkSize(task, size, 1);
      const K = 10;
      for (let n = 0; n < size.count; n++) {
        const symbols = Array.from({ length: K }, () => 1 + rng.int(8));
        const T = K + size.length + K;
        for (let t = 0; t < T; t++) {
          let input = 0;
          if (t < K) input = symbols[t];
          else if (t === K + size.length - 1) input = 9;
          const target = t >= K + size.length ? symbols[t - K - size.length] : 0;
          const onehot = Array.from({ length: 10 }, (_, k) => (k === input ? 1 : 0));
          rows.push([n + 1, t + 1, ...onehot, `s${target}`]);
        }
      }
      return {
        header: ['sequence', 'step', ...Array.from({ length: 10 }, (_, k) => `in${k}`), 'label'],
        rows,
        description: `copy memory: ${size.count} sequences; 10 symbols, ${size.length} blanks, then repeat the symbols (per-step classes; memoryless baseline = the blank class)`,
      };
    }
    case 'order': {
      checkSize(task, size, 8);
      const names = ['a', 'b', 'c', 'd', 'X', 'Y', 'B', 'E'];
      for (let n = 0; n < size.count; n++) {
        const T = size.length;
        const seq = Array.from({ length: T }, () => rng.int(4));
        seq[0] = 6;
        seq[T - 1] = 7;
        const span = Math.max(1, Math.floor(T / 10));
        const t1 = 1 + Math.floor(T / 10) + rng.int(span);
        const t2 = Math.min(T - 2, Math.floor(T / 2) + rng.int(span));
        const s1 = 4 + rng.int(2), s2 = 4 + rng.int(2);
        seq[t1] = s1;
        seq[t2] = s2;
        const label = names[s1] + names[s2];
        for (let t = 0; t < T; t++) rows.push([n + 1, t + 1, ...names.map((_, k) => (seq[t] === k ? 1 : 0)), label]);
      }
      return { header: ['sequence', 'step', ...names.map((s) => `is_${s}`), 'label'], rows, description: `temporal order: ${size.count} sequences of ${size.length} steps; class = order of the two relevant symbols (XX, XY, YX, YY)` };
    }
    case 'sessions': {
      checkSize(task, size, 3);
      for (let n = 0; n < size.count; n++) {
        const trending = rng.next() < 0.5;
        const phi = trending ? 0.3 : -0.35;
        const drift = trending ? (rng.next() < 0.5 ? -1 : 1) * 0.012 : 0;
        let r = 0;
        for (let t = 0; t < size.length; t++) {
          r = drift + phi * r + 0.05 * rng.normal();
          rows.push([`S${String(n + 1).padStart(4, '0')}`, t + 1, round(r, 5), trending ? 'trending' : 'mean-reverting']);
        }
      }
      return { header: ['session', 'minute', 'return_pct', 'label'], rows, description: `intraday sessions: ${size.count} sessions of ${size.length} one-minute returns (%), labelled trending or mean-reverting` };
    }
  }
}

/** Writes a task table as CSV (atomic; refuses to replace an existing file unless force). */
export function writeTaskCsv(path: string, table: TaskTable, force = false): void {
  writeFileAtomic(path, (append) => {
    append(table.header.map(csvField).join(',') + '\n');
    for (const row of table.rows) append(row.map(csvField).join(',') + '\n');
  }, force);
}
