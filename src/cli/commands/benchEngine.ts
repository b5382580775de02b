/** Workload W1 on this engine, run in a child process by `bench` (hidden command `__bench-engine JSON`). */
import {
  createModel, createOptimizer, createRng, EQUATION_PRESETS, localShards, modelConfig, runUpdate, shardRanges, workspaceBytes,
} from '../../engine/index';
import { sharedPool } from '../../threads/pool';
import { setPrecision } from '../../engine/index';

/** The W1 cells spelled out as equations (a custom cell computing the same thing as the built-in one). */
const SPELLED: Record<W1Args['cell'], string[]> = {
  rnn: ["h' = tanh(W_h @ x + b_ih + U_h @ h + b_hh)"],
  lstm: EQUATION_PRESETS.find((p) => p.id === 'lstm')!.equations,
  gru: EQUATION_PRESETS.find((p) => p.id === 'gru')!.equations,
};
import { setSimdEnabled, simdAvailable } from '../../engine/kernels/simd';

/** Arguments of one W1 measurement. */
export interface W1Args {
  cell: 'rnn' | 'lstm' | 'gru';
  hidden: number;
  batch?: number;
  steps?: number;
  input?: number;
  warmup?: number;
  repeats?: number;
  minSeconds?: number;
  simd?: boolean;
  /** Run the cell spelled out as equations (a custom cell) instead of the built-in one. */
  equations?: boolean;
  /** Threads (data-parallel shards of the batch; 1: this thread alone). */
  threads?: number;
  /** Numbers' width (float64 by default). */
  precision?: 'float64' | 'float32';
}

/** What W1's training keeps in memory. */
export interface W1Memory {
  parameters: number;
  /** Bytes per parameter: weights, gradient, optimiser state, shard gradients, the threads' shared weights. */
  bytesPerParameter: number;
  /** Workspace bytes per time step and sequence (activations kept for the backward pass). */
  workspaceBytesPerStep: number;
  /** All threads' workspaces for W1's batch. */
  workspaceBytes: number;
}

/** Measures steps/s of W1 (forward, backward and Adam on one batch) per repeat. */
export function runW1(a: W1Args): { stepsPerSec: number[]; simd: boolean; loss: number; memory: W1Memory } {
  setSimdEnabled(a.simd !== false);
  const B = a.batch ?? 32, T = a.steps ?? 100, D = a.input ?? 2;
  const cell = a.equations ? { cell: 'custom' as const, equations: SPELLED[a.cell] } : { cell: a.cell === 'rnn' ? 'vanilla' as const : a.cell };
  const cfg = modelConfig({ ...cell, activation: 'tanh', inputSize: D, hiddenSize: a.hidden, readout: 'last', loss: 'mse', outputSize: 1 });
  const model = createModel(cfg, { seed: 1 });
  const rng = createRng(1);
  // the batch as B training sequences of T steps, one update per step, as train() runs it (shards, threads)
  const samples = Array.from({ length: B }, () => ({ x: new Float64Array(T * D), y: new Float64Array(1) }));
  for (let t = 0; t < T; t++) for (let b = 0; b < B; b++) for (let k = 0; k < D; k++) samples[b].x[t * D + k] = rng.next();
  for (let b = 0; b < B; b++) samples[b].y[0] = rng.next();
  const opt = createOptimizer(model.theta, { kind: 'adam', lr: 1e-3 });
  const threads = Math.max(1, a.threads ?? 1);
  const precision = a.precision ?? 'float64';
  setPrecision(precision);
  const run = threads > 1 ? sharedPool().open(model, samples, threads, precision) : null;
  const local = localShards();
  const indices = samples.map((_, i) => i);
  const tasks = shardRanges(B).map(([from, to]) => ({ indices: indices.slice(from, to), c0: 0, c1: T, denom: B, recordLayer: 0 }));
  let loss = NaN;
  const step = (): void => {
    opt.zeroGrad();
    loss = runUpdate(model, samples, tasks, opt.grads, local, run).loss;
    opt.step();
  };
  for (let i = 0; i < (a.warmup ?? 2); i++) step();
  const stepsPerSec: number[] = [];
  for (let r = 0; r < (a.repeats ?? 3); r++) {
    let n = 0;
    const t0 = performance.now();
    do {
      step();
      n++;
    } while (performance.now() - t0 < (a.minSeconds ?? 1) * 1000);
    stepsPerSec.push(n / ((performance.now() - t0) / 1000));
  }
  run?.close();
  sharedPool().terminate();
  if (!Number.isFinite(loss)) throw new Error('W1 loss is not finite');
  // memory: per parameter θ, its gradient, Adam's two moments, a gradient per other shard, the shared copy of θ;
  // per (time step, sequence) the workspace one shard's pass keeps for backward (one workspace per thread)
  const shardWs = [...local.ctx.cache.values()][0];
  const perShard = shardWs ? workspaceBytes(shardWs) / (shardWs.T * shardWs.B) : 0;
  const memory: W1Memory = {
    parameters: model.theta.length,
    bytesPerParameter: 8 * (4 + (tasks.length - 1) + (threads > 1 ? 1 : 0)),
    workspaceBytesPerStep: perShard,
    workspaceBytes: perShard * T * Math.min(B, 8) * Math.min(threads, tasks.length),
  };
  return { stepsPerSec, simd: simdAvailable(), loss, memory };
}
