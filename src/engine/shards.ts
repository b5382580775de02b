/**
 * Data-parallel training's unit of work. Every batch is cut into shards of at most SHARD_SIZE sequences — the same
 * shards whatever runs them — and an update's gradient is the sum of its shards' gradients taken in shard order, so a
 * run gives the same bits on one thread or on many. Each shard divides its loss and gradient by the whole batch's
 * item count, so the shards add up to the batch. Threads are the caller's business (the engine stays pure): a
 * ShardExecutor runs some shards elsewhere; without one, the calling thread runs them all.
 */
import { backwardStack, createWorkspace, finalState, forwardStack, type Batch, type StackState, type Workspace } from './bptt';
import { packBatch, type PackedBatch, type Sample } from './batch';
import type { ModelConfig } from './config';
import { headForward, headLoss } from './head';
import type { Model } from './model';

/** The most sequences in one shard. */
export const SHARD_SIZE = 8;

/** The shards of a batch of B sequences: ⌈B / SHARD_SIZE⌉ contiguous ranges [from, to) of near-equal size. */
export function shardRanges(B: number): [number, number][] {
  const S = Math.max(1, Math.ceil(B / SHARD_SIZE));
  const out: [number, number][] = [];
  for (let s = 0; s < S; s++) out.push([Math.floor((s * B) / S), Math.floor(((s + 1) * B) / S)]);
  return out;
}

/** One shard's share of one update. */
export interface ShardTask {
  /** Training-sample indices of the shard's sequences, in batch order. */
  indices: number[];
  /** Time steps [c0, c1) of the batch this update covers (all of them, or one truncated-BPTT chunk). */
  c0: number;
  c1: number;
  /** The loss's divisor for the whole batch (items, times outputs for MSE). */
  denom: number;
  /** Layer whose ‖∂L/∂h_t‖² is reported. */
  recordLayer: number;
}

/** What one shard's forward and backward pass gave (its gradient is written to the buffer it was handed). */
export interface ShardOutcome {
  /** The shard's part of the batch loss (already divided by the batch's divisor). */
  loss: number;
  count: number;
  correct: number;
  /** (sequence, step) pairs of the recorded layer: valid ones and those with ‖∂L/∂h_t‖² ≥ 1e-20. */
  valid: number;
  alive: number;
  /** ‖∂L/∂h_t‖² of the recorded layer over the shard's rows, for t = c0 … c1 − 1. */
  stepSq: Float64Array;
}

/** A thread's memory of the shards it runs: workspaces by shape, and each shard's packed batch and carried state. */
export interface ShardContext {
  cache: Map<string, Workspace>;
  shards: Map<number, { packed: PackedBatch; state: StackState | undefined }>;
}

/** An empty context. */
export function shardContext(): ShardContext {
  return { cache: new Map(), shards: new Map() };
}

/** A workspace for the batch's shape, from a small cache (at most four shapes). */
export function workspaceFor(cache: Map<string, Workspace>, model: Model, batch: Batch): Workspace {
  const key = `${batch.T}x${batch.B}`;
  let ws = cache.get(key);
  if (!ws) {
    if (cache.size >= 4) cache.delete(cache.keys().next().value as string);
    ws = createWorkspace(model.config, batch.T, batch.B);
    cache.set(key, ws);
  }
  return ws;
}

/** The items the loss averages over in steps [c0, c1) of a batch of these samples (chunked: truncated BPTT). */
export function itemsIn(cfg: ModelConfig, samples: Sample[], indices: number[], c0: number, c1: number, chunked: boolean): number {
  const D = cfg.inputSize;
  let count = 0;
  for (const i of indices) {
    const len = samples[i].x.length / D;
    if (cfg.readout === 'last') {
      if (chunked ? len > c0 && len <= c1 : len > 0) count++;
    } else count += Math.max(0, Math.min(len, c1) - c0);
  }
  return count;
}

/**
 * Runs shard `shard`'s forward and backward pass for one update and adds its gradient to `grads` (hand it a zeroed
 * buffer). The shard's batch is packed at its first chunk and its final state carried to the next chunk.
 */
export function runShard(model: Model, samples: Sample[], shard: number, task: ShardTask, grads: Float64Array, ctx: ShardContext): ShardOutcome {
  const cfg = model.config;
  const out: ShardOutcome = { loss: 0, count: 0, correct: 0, valid: 0, alive: 0, stepSq: new Float64Array(task.c1 - task.c0) };
  let mine = ctx.shards.get(shard);
  if (task.c0 > 0 && !mine) throw new Error(`shard ${shard}: steps from ${task.c0} asked of a thread that did not run its first chunk`);
  if (task.c0 === 0 || !mine) {
    mine = { packed: packBatch(cfg, samples, task.indices), state: undefined };
    ctx.shards.set(shard, mine);
  }
  const whole = mine.packed;
  if (task.c0 >= whole.batch.T) return out; // every sequence of this shard has ended
  const t1 = Math.min(whole.batch.T, task.c1);
  const chunk = chunkOf(cfg.readout, whole.batch, whole.targets, task.c0, t1, cfg.outputSize, cfg.loss !== 'mse');
  const ws = workspaceFor(ctx.cache, model, chunk.batch);
  forwardStack(model, ws, chunk.batch, mine.state);
  mine.state = t1 < whole.batch.T ? finalState(ws) : undefined;
  headForward(model, ws, chunk.batch);
  const res = headLoss(model, ws, chunk.batch, chunk.targets, grads, task.denom);
  out.loss = res.loss;
  out.count = res.count;
  out.correct = res.correct;
  if (!Number.isFinite(res.loss)) return out;
  const rec = ws.layers[Math.min(task.recordLayer, ws.layers.length - 1)];
  rec.validSteps = 0;
  rec.aliveSteps = 0;
  backwardStack(model, ws, chunk.batch, grads);
  out.valid = rec.validSteps;
  out.alive = rec.aliveSteps;
  out.stepSq.set(rec.stepGradSq.subarray(0, chunk.batch.T));
  return out;
}

/** Runs the shards that do not belong to the calling thread (shard s belongs to thread s mod threads; the caller is 0). */
export interface ShardExecutor {
  /** Threads taking part, the caller's included. */
  readonly threads: number;
  /** Hands the other threads their shards of this update, with the weights as they are now (does not wait). */
  dispatch(theta: Float64Array, tasks: ShardTask[]): void;
  /** Waits for the other threads; returns the outcome and gradient of every shard s with s mod threads ≠ 0. */
  collect(): Map<number, { outcome: ShardOutcome; grads: Float64Array }>;
}

/** Steps [t0, t1) of a time-major batch as a batch of its own (views, no copies of x). */
export function chunkOf(
  readout: 'last' | 'every', batch: Batch, targets: Float64Array, t0: number, t1: number, P: number, classes: boolean,
): { batch: Batch; targets: Float64Array } {
  if (t0 === 0 && t1 === batch.T) return { batch, targets };
  const { B, inputSize: D } = batch;
  const lengths = new Int32Array(B);
  const readMask = new Uint8Array(B);
  for (let b = 0; b < B; b++) {
    lengths[b] = Math.max(0, Math.min(batch.lengths[b], t1) - t0);
    readMask[b] = batch.lengths[b] > t0 && batch.lengths[b] <= t1 ? 1 : 0;
  }
  const per = classes ? 1 : P;
  const x = batch.x.subarray(t0 * B * D, t1 * B * D);
  const sub: Batch = { T: t1 - t0, B, inputSize: D, x, lengths, readMask };
  if (readout === 'last') return { batch: sub, targets };
  return { batch: sub, targets: targets.subarray(t0 * B * per, t1 * B * per) };
}

/**
 * One update's forward and backward pass, shard by shard: shard 0 into `grads` (zeroed by the caller), every other
 * shard into a zeroed buffer of its own — on this thread, or on the executor's thread s mod threads — then the
 * other shards' gradients are added to `grads` in shard order and their outcomes summed in the same order.
 */
export function runUpdate(
  model: Model, samples: Sample[], tasks: ShardTask[], grads: Float64Array, local: LocalShards, executor: ShardExecutor | null,
): ShardOutcome {
  const threads = executor ? Math.min(executor.threads, tasks.length) : 1;
  if (executor && threads > 1) executor.dispatch(model.theta, tasks);
  const mine = new Map<number, { outcome: ShardOutcome; grads: Float64Array }>();
  for (let s = 0; s < tasks.length; s += threads) {
    let g = grads;
    if (s > 0) {
      g = local.buffers.get(s) ?? new Float64Array(grads.length);
      local.buffers.set(s, g);
      g.fill(0);
    }
    mine.set(s, { outcome: runShard(model, samples, s, tasks[s], g, local.ctx), grads: g });
  }
  const others = executor && threads > 1 ? executor.collect() : new Map<number, { outcome: ShardOutcome; grads: Float64Array }>();
  const total = mine.get(0)!.outcome;
  for (let s = 1; s < tasks.length; s++) {
    const r = mine.get(s) ?? others.get(s);
    if (!r) throw new Error(`shard ${s} of ${tasks.length} was not run`);
    const g = r.grads;
    for (let i = 0; i < grads.length; i++) grads[i] += g[i];
    const o = r.outcome;
    total.loss += o.loss;
    total.count += o.count;
    total.correct += o.correct;
    total.valid += o.valid;
    total.alive += o.alive;
    for (let t = 0; t < total.stepSq.length; t++) total.stepSq[t] += o.stepSq[t];
  }
  return total;
}

/** The calling thread's shard memory and its gradient buffers for shards other than 0. */
export interface LocalShards {
  ctx: ShardContext;
  buffers: Map<number, Float64Array>;
}

/** Fresh memory for the calling thread's shards. */
export function localShards(): LocalShards {
  return { ctx: shardContext(), buffers: new Map() };
}
