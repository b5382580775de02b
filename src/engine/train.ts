/**
 * The training loop: mini-batches of variable-length sequences, full or truncated BPTT (chunks of k steps with the
 * state carried between chunks, an update per chunk), SGD / momentum / Adam with global-norm clipping, validation
 * with early stopping and restore-best, a NaN/Inf guard naming the step and the parameter, and per-epoch records of
 * ‖∂L/∂h_t‖ per step, the share of live steps, the pre-clip gradient norm, ρ(W_h) and ‖W_h‖₂.
 * Deterministic: the same model, data, options and seed give bit-identical results, on one thread or many (every
 * batch is summed over fixed shards, src/engine/shards.ts).
 */
import { forwardStack, type Workspace } from './bptt';
import { packBatch, validateSamples, type Sample } from './batch';
import { itemsIn, localShards, runUpdate, shardRanges, workspaceFor, type ShardExecutor } from './shards';
import { headForward, headLoss } from './head';
import type { Model } from './model';
import { createOptimizer, validateOptimizer, type OptimizerConfig, type OptimizerState } from './optim';
import { describeIndex } from './params';
import { createRng, type RngState } from './rng';
import { recurrentSpectrum } from './analysis/bound';
import { setPrecision, type Precision } from './kernels/simd';

/** Training settings. */
export interface TrainOptions {
  epochs: number;
  batchSize: number;
  optimizer: OptimizerConfig;
  /** Seed for shuffling (default 0). */
  seed?: number;
  /** Shuffle the training set every epoch (default true). */
  shuffle?: boolean;
  /** Truncated BPTT chunk length; 0 or absent: full BPTT. */
  tbptt?: number;
  /** Held-out sequences for validation loss / accuracy and early stopping. */
  validation?: Sample[];
  /** Stop after this many epochs without a better validation loss; 0 or absent: never. */
  patience?: number;
  /** Put back the weights of the best validation epoch at the end (default true when validating). */
  restoreBest?: boolean;
  /** Polled between batches; returning true stops the run, keeping the partial result. */
  shouldStop?: () => boolean;
  /** Called after every epoch with its record. */
  onEpoch?: (record: EpochRecord) => void;
  /** Called after every update (progress within an epoch). */
  onBatch?: (info: { epoch: number; batch: number; batches: number; loss: number }) => void;
  /** Layer whose ‖∂L/∂h_t‖ is recorded (default 0). */
  recordLayer?: number;
  /** Wall-clock source for timings (injected: the engine does not read clocks itself). */
  now?: () => number;
  /**
   * Continue a run exactly where `checkpoint` left it (its weights, optimiser state, shuffling state and best epoch):
   * train(A, k epochs) then train(resume, n epochs) gives the same losses and weights as train(A, k + n epochs).
   * Epochs of this call are still numbered from 1 in the result; add `checkpoint.epochs` for the run's numbering.
   */
  resume?: TrainCheckpoint;
  /**
   * Runs some of every batch's shards on other threads (data-parallel training). The result is the same to the bit
   * with or without it, and whatever its thread count: the shards and the order their gradients are added are fixed.
   */
  executor?: ShardExecutor;
  /**
   * The matrix products' precision (default float64). float32 rounds their operands to float32 and runs them in f32x4
   * (about twice the arithmetic per instruction); the elementwise steps, the optimiser and the weights stay float64.
   */
  precision?: Precision;
}

/** Where a run stands after an epoch: enough to continue it exactly. */
export interface TrainCheckpoint {
  /** Epochs done in the whole run so far. */
  epochs: number;
  /** The weights after the last epoch (the model may hold the best epoch's instead). */
  theta: Float64Array;
  optimizer: OptimizerState;
  /** The shuffling generator and the sample order it shuffles (in place, epoch after epoch). */
  rng: RngState;
  order: number[];
  /** The best epoch so far (numbered in the whole run), its score and, when restoring the best, its weights. */
  best: { loss: number; epoch: number; theta: Float64Array | null };
}

/** What one epoch did. */
export interface EpochRecord {
  epoch: number;
  trainLoss: number;
  valLoss: number | null;
  trainAccuracy: number | null;
  valAccuracy: number | null;
  /** Mean and max of the global gradient norm before clipping, and the share of clipped updates. */
  gradNorm: number;
  gradNormMax: number;
  clippedShare: number;
  /** ρ(W_h) and ‖W_h‖₂ of the recorded layer after the epoch. */
  rhoWh: number;
  normWh: number;
  /** Mean over batches of ‖∂L/∂h_t‖ (batch Frobenius norm) for t = 1 … longest sequence. */
  stepGradNorm: number[];
  /** Share of (sequence, step) pairs with ‖∂L/∂h_t‖² ≥ 1e-20. */
  aliveShare: number;
  updates: number;
  seconds: number | null;
}

/** Why a run ended. */
export type TrainStatus = 'completed' | 'early-stopped' | 'cancelled' | 'diverged';

/** The outcome of train(). */
export interface TrainResult {
  status: TrainStatus;
  epochs: EpochRecord[];
  /** 1-based epoch whose weights the model holds at the end (best validation epoch when restored). */
  bestEpoch: number;
  bestValLoss: number | null;
  /** Divergence details when status is 'diverged'. */
  divergence: { epoch: number; batch: number; where: string; message: string } | null;
  /** Where the run stands at its end, to continue it exactly (null when it diverged or was stopped mid-epoch). */
  checkpoint: TrainCheckpoint | null;
  /** Threads the batches' shards ran on, and the matrix products' precision. */
  threads: number;
  precision: Precision;
}

/** Validates training options, naming what is wrong. */
export function validateTrainOptions(opts: TrainOptions): void {
  const int = (name: string, v: number | undefined, lo: number, hi: number): void => {
    if (v === undefined) return;
    if (!Number.isInteger(v) || v < lo || v > hi) throw new RangeError(`${name} must be an integer from ${lo} to ${hi}; got ${v}`);
  };
  int('epochs', opts.epochs, 1, 1_000_000);
  int('batchSize', opts.batchSize, 1, 1_000_000);
  int('tbptt', opts.tbptt, 0, 10_000_000);
  int('patience', opts.patience, 0, 1_000_000);
  if (opts.precision !== undefined && opts.precision !== 'float64' && opts.precision !== 'float32') throw new RangeError(`precision must be float64 or float32; got ${String(opts.precision)}`);
  validateOptimizer(opts.optimizer);
}

/** Loss and accuracy of a model on samples (forward only, in batches). */
export function evaluate(model: Model, samples: Sample[], batchSize = 64): { loss: number; accuracy: number | null; count: number } {
  let lossSum = 0;
  let count = 0;
  let correct = 0;
  const cache = new Map<string, Workspace>();
  for (let s = 0; s < samples.length; s += batchSize) {
    const idx = Array.from({ length: Math.min(batchSize, samples.length - s) }, (_, i) => s + i);
    const { batch, targets } = packBatch(model.config, samples, idx);
    const ws = workspaceFor(cache, model, batch);
    forwardStack(model, ws, batch);
    headForward(model, ws, batch);
    const r = headLoss(model, ws, batch, targets, null);
    lossSum += r.loss * r.count;
    count += r.count;
    correct += r.correct;
  }
  return { loss: count ? lossSum / count : NaN, accuracy: model.config.loss === 'mse' || !count ? null : correct / count, count };
}

function firstNonFinite(a: Float64Array): number {
  for (let i = 0; i < a.length; i++) if (!Number.isFinite(a[i])) return i;
  return -1;
}

/** Trains the model in place and returns the run's records. */
export function train(model: Model, samples: Sample[], opts: TrainOptions): TrainResult {
  validateTrainOptions(opts);
  const was = setPrecision(opts.precision ?? 'float64');
  try {
    return trainIn(model, samples, opts);
  } finally {
    setPrecision(was);
  }
}

function trainIn(model: Model, samples: Sample[], opts: TrainOptions): TrainResult {
  const cfg = model.config;
  if (samples.length === 0) throw new RangeError('no training sequences');
  validateSamples(cfg, samples, 'training sequence');
  if (opts.validation) validateSamples(cfg, opts.validation, 'validation sequence');
  const rng = createRng(opts.seed ?? 0);
  const optimizer = createOptimizer(model.theta, opts.optimizer);
  const resume = opts.resume;
  const done = resume?.epochs ?? 0;
  if (resume) {
    if (resume.theta.length !== model.theta.length) throw new RangeError(`checkpoint: ${resume.theta.length} weights; the model has ${model.theta.length}`);
    if (resume.order.length !== samples.length) throw new RangeError(`checkpoint: made for ${resume.order.length} training sequences; there are ${samples.length}`);
    model.theta.set(resume.theta);
    optimizer.setState(resume.optimizer);
    rng.setState(resume.rng);
  }
  const grads = optimizer.grads;
  const local = localShards();
  const executor = opts.executor ?? null;
  const recordLayer = Math.min(opts.recordLayer ?? 0, cfg.layers - 1);
  const validating = !!opts.validation && opts.validation.length > 0;
  const restoreBest = opts.restoreBest ?? validating;
  const patience = opts.patience ?? 0;
  const before = new Float64Array(model.theta.length);
  // epochs of the best are numbered within this call (≤ 0: an epoch of the run it continues)
  let best = resume
    ? { loss: resume.best.loss, epoch: resume.best.epoch - done, theta: restoreBest && resume.best.theta ? Float64Array.from(resume.best.theta) : null }
    : { loss: Infinity, epoch: 0, theta: null as Float64Array | null };
  const epochs: EpochRecord[] = [];
  let status: TrainStatus = 'completed';
  let divergence: TrainResult['divergence'] = null;
  const order = resume ? [...resume.order] : samples.map((_, i) => i);
  const D = cfg.inputSize;
  const maxT = Math.max(...samples.map((s) => s.x.length / D));

  outer: for (let epoch = 1; epoch <= opts.epochs; epoch++) {
    const t0 = opts.now?.();
    if (opts.shuffle !== false) rng.shuffle(order);
    let lossSum = 0;
    let count = 0;
    let correct = 0;
    let normSum = 0;
    let normMax = 0;
    let clippedCount = 0;
    let updates = 0;
    const stepSum = new Float64Array(maxT);
    const stepCount = new Float64Array(maxT);
    let valid = 0;
    let alive = 0;
    const batches = Math.ceil(order.length / opts.batchSize);
    for (let bi = 0; bi < batches; bi++) {
      if (opts.shouldStop?.()) {
        status = 'cancelled';
        break;
      }
      const idx = order.slice(bi * opts.batchSize, (bi + 1) * opts.batchSize);
      let T = 0;
      for (const i of idx) T = Math.max(T, samples[i].x.length / D);
      const k = opts.tbptt && opts.tbptt < T ? opts.tbptt : T;
      const shards = shardRanges(idx.length);
      for (let c0 = 0; c0 < T; c0 += k) {
        const c1 = Math.min(T, c0 + k);
        const items = itemsIn(cfg, samples, idx, c0, c1, k < T);
        const denom = Math.max(1, cfg.loss === 'mse' ? items * cfg.outputSize : items);
        const tasks = shards.map(([a, b]) => ({ indices: idx.slice(a, b), c0, c1, denom, recordLayer }));
        optimizer.zeroGrad();
        const res = runUpdate(model, samples, tasks, grads, local, executor);
        if (!Number.isFinite(res.loss)) {
          status = 'diverged';
          divergence = divergenceInfo(epoch, bi + 1, 'the loss', `loss became ${res.loss}`);
          break outer;
        }
        if (res.count === 0) continue;
        valid += res.valid;
        alive += res.alive;
        for (let t = 0; t < c1 - c0; t++) {
          stepSum[c0 + t] += Math.sqrt(res.stepSq[t]);
          stepCount[c0 + t]++;
        }
        const bad = firstNonFinite(grads);
        if (bad >= 0) {
          status = 'diverged';
          divergence = divergenceInfo(epoch, bi + 1, describeIndex(model.layout, bad), `the gradient of ${describeIndex(model.layout, bad)} became ${grads[bad]}`);
          break outer;
        }
        before.set(model.theta);
        const st = optimizer.step();
        const badP = firstNonFinite(model.theta);
        if (badP >= 0) {
          model.theta.set(before);
          status = 'diverged';
          divergence = divergenceInfo(epoch, bi + 1, describeIndex(model.layout, badP), `the update made ${describeIndex(model.layout, badP)} non-finite`);
          break outer;
        }
        updates++;
        normSum += st.gradNorm;
        normMax = Math.max(normMax, st.gradNorm);
        if (st.clipped) clippedCount++;
        lossSum += res.loss * res.count;
        count += res.count;
        correct += res.correct;
        opts.onBatch?.({ epoch, batch: bi + 1, batches, loss: res.loss });
      }
    }
    if (status === 'cancelled' && updates === 0) break;
    const val = validating ? evaluate(model, opts.validation as Sample[], opts.batchSize) : null;
    const spec = recurrentSpectrum(model, recordLayer);
    const record: EpochRecord = {
      epoch,
      trainLoss: count ? lossSum / count : NaN,
      valLoss: val ? val.loss : null,
      trainAccuracy: cfg.loss === 'mse' || !count ? null : correct / count,
      valAccuracy: val ? val.accuracy : null,
      gradNorm: updates ? normSum / updates : 0,
      gradNormMax: normMax,
      clippedShare: updates ? clippedCount / updates : 0,
      rhoWh: spec.rhoWh,
      normWh: spec.normWh,
      stepGradNorm: Array.from(stepSum, (s, t) => (stepCount[t] ? s / stepCount[t] : 0)),
      aliveShare: valid ? alive / valid : 0,
      updates,
      seconds: t0 !== undefined && opts.now ? (opts.now() - t0) / 1000 : null,
    };
    epochs.push(record);
    opts.onEpoch?.(record);
    const score = val ? val.loss : record.trainLoss;
    if (score < best.loss) best = { loss: score, epoch, theta: restoreBest ? Float64Array.from(model.theta) : null };
    if (status === 'cancelled') break;
    if (validating && patience > 0 && epoch - best.epoch >= patience) {
      status = 'early-stopped';
      break;
    }
  }
  const checkpoint: TrainCheckpoint | null = status === 'diverged' || status === 'cancelled' ? null : {
    epochs: done + epochs.length, theta: Float64Array.from(model.theta), optimizer: optimizer.getState(), rng: rng.getState(), order: [...order],
    best: { loss: best.loss, epoch: best.epoch + done, theta: best.theta ? Float64Array.from(best.theta) : null },
  };
  let bestEpoch = epochs.length;
  if (restoreBest && best.theta && status !== 'diverged') {
    model.theta.set(best.theta);
    bestEpoch = best.epoch;
  }
  return {
    status, epochs, bestEpoch, bestValLoss: validating && Number.isFinite(best.loss) ? best.loss : null, divergence, checkpoint,
    threads: executor?.threads ?? 1, precision: opts.precision ?? 'float64',
  };
}

function divergenceInfo(epoch: number, batch: number, where: string, what: string): NonNullable<TrainResult['divergence']> {
  return {
    epoch, batch, where,
    message: `Training stopped at epoch ${epoch}, batch ${batch}: ${what}. Lower the learning rate or set gradient clipping (e.g. clip 1).`,
  };
}
