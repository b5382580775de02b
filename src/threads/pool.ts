/**
 * Data-parallel training on worker threads: helper threads that run shards of every update for the engine's
 * training loop (a ShardExecutor). train() stays synchronous: the caller sends each helper its shards over a
 * MessagePort, then blocks in Atomics.wait until every helper has answered, and reads the answers with
 * receiveMessageOnPort. The weights travel in shared memory (copied in before each update), the samples once per run
 * (buffers the dataset already shares are not copied), the gradients back in shared buffers the helpers keep.
 * Which thread runs a shard never changes its bits: the engine fixes the shards and the order they are added.
 */
import { availableParallelism } from 'node:os';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort } from 'node:worker_threads';
import { fmaInUse, type Model, type Precision, type Sample, type ShardExecutor, type ShardOutcome, type ShardTask } from '../engine/index';
import type { HelperReply, HelperRequest } from './messages';

interface Helper {
  worker: Worker;
  port: MessagePort;
  /** [0]: requests sent, [1]: requests answered. */
  ctrl: Int32Array;
  /** Requests sent, and answers read (an answer left unread after an error is drained before the next request). */
  sent: number;
  read: number;
  dead: string | null;
}

/** The threads to use: `requested` when it is a positive integer, otherwise every core (`spare` = 1 keeps one free). */
export function threadCount(requested: number | undefined | null, spare = 0): number {
  if (requested && Number.isInteger(requested) && requested > 0) return Math.min(requested, 64);
  return Math.max(1, availableParallelism() - spare);
}

/** Where the helper's bundle is: dist/threads.js beside the running bundle, or in the package's dist/. */
function helperScript(): string {
  const beside = join(__dirname, 'threads.js');
  if (existsSync(beside)) return beside;
  let dir = __dirname;
  for (let i = 0; i < 6; i++) {
    const candidate = join(dir, 'dist', 'threads.js');
    if (existsSync(candidate)) return candidate;
    dir = dirname(dir);
  }
  throw new Error('dist/threads.js is missing: run `npm run build`');
}

/** A run open on the pool: the engine's executor, closed when the run ends. */
export interface PoolRun extends ShardExecutor {
  close(): void;
}

/** Helper threads kept between runs. */
export class ShardPool {
  private helpers: Helper[] = [];

  private spawn(): Helper {
    const ctrl = new Int32Array(new SharedArrayBuffer(8));
    const { port1, port2 } = new MessageChannel();
    // a helper allocates little (its batches and workspaces): a small young generation keeps its memory small
    // a helper allocates little (its batches and workspaces): a small young generation keeps its memory small
    const worker = new Worker(helperScript(), { workerData: { ctrl, port: port2 }, transferList: [port2], resourceLimits: { maxYoungGenerationSizeMb: 4 } });
    worker.unref();
    port1.unref();
    const h: Helper = { worker, port: port1, ctrl, sent: 0, read: 0, dead: null };
    worker.on('error', (e) => { h.dead = e.message; });
    worker.on('exit', (code) => { h.dead ??= `exit code ${code}`; });
    return h;
  }

  private post(h: Helper, msg: HelperRequest): void {
    if (h.dead) throw new Error(`a training thread stopped (${h.dead})`);
    h.port.postMessage(msg);
    h.sent++;
    Atomics.add(h.ctrl, 0, 1);
    Atomics.notify(h.ctrl, 0);
  }

  /** Blocks until the helper's next answer and reads it (an error answer is thrown). */
  private wait(h: Helper): HelperReply {
    for (;;) {
      const done = Atomics.load(h.ctrl, 1);
      if (done > h.read) break;
      Atomics.wait(h.ctrl, 1, done, 5000);
    }
    const got = receiveMessageOnPort(h.port);
    h.read++;
    if (!got) throw new Error('a training thread answered without a message');
    const r = got.message as HelperReply;
    if (r.type === 'error') throw new Error(`a training thread failed: ${r.message}`);
    return r;
  }

  /** Reads every answer still owed (after an error elsewhere), so the next request's answer is its own. */
  private drain(h: Helper): void {
    while (h.read < h.sent) {
      try {
        this.wait(h);
      } catch {
        // an error answer owed to a request that has already failed
      }
    }
  }

  /** Opens a run of `threads` threads (the caller's included) for a model and its training samples. */
  open(model: Model, samples: Sample[], threads: number, precision: Precision = 'float64'): PoolRun {
    const n = Math.max(1, Math.floor(threads));
    this.helpers = this.helpers.filter((h) => !h.dead); // a helper that stopped is replaced
    while (this.helpers.length < n - 1) this.helpers.push(this.spawn());
    const helpers = this.helpers.slice(0, n - 1);
    const theta = new Float64Array(new SharedArrayBuffer(model.theta.length * 8));
    const shared = shareSamples(samples);
    // every thread multiplies as this one does (fused or not), or the bits would depend on the thread
    const fma = fmaInUse();
    for (const h of helpers) {
      this.drain(h);
      this.post(h, { type: 'open', config: model.config, theta, samples: shared, precision, fma });
    }
    try {
      for (const h of helpers) this.wait(h);
    } catch (e) {
      // a helper could not open the run: the others let go of it too
      for (const h of helpers) {
        this.drain(h);
        if (h.dead) continue;
        this.post(h, { type: 'close' });
        this.drain(h);
      }
      throw e;
    }
    let pending: Helper[] = [];
    return {
      threads: n,
      dispatch: (now: Float64Array, tasks: ShardTask[]): void => {
        theta.set(now);
        const used = Math.min(n, tasks.length);
        pending = [];
        for (let i = 1; i < used; i++) {
          const mine: { shard: number; task: ShardTask }[] = [];
          for (let s = i; s < tasks.length; s += used) mine.push({ shard: s, task: tasks[s] });
          this.post(helpers[i - 1], { type: 'run', tasks: mine });
          pending.push(helpers[i - 1]);
        }
      },
      collect: (): Map<number, { outcome: ShardOutcome; grads: Float64Array }> => {
        const out = new Map<number, { outcome: ShardOutcome; grads: Float64Array }>();
        const waiting = pending;
        pending = [];
        for (const h of waiting) {
          const r = this.wait(h);
          if (r.type !== 'ran') throw new Error(`a training thread answered ${r.type}`);
          for (const x of r.results) out.set(x.shard, { outcome: x.outcome, grads: x.grads });
        }
        return out;
      },
      close: (): void => {
        pending = [];
        for (const h of helpers) {
          if (h.dead) continue;
          this.drain(h);
          this.post(h, { type: 'close' });
          this.drain(h);
        }
      },
    };
  }

  /** Ends every helper thread. */
  terminate(): void {
    for (const h of this.helpers) void h.worker.terminate();
    this.helpers = [];
  }
}

/**
 * The samples with every buffer in shared memory: views of a SharedArrayBuffer go as they are; other buffers are
 * copied once into one shared block (a buffer several samples view is copied once).
 */
export function shareSamples(samples: Sample[]): Sample[] {
  const at = new Map<ArrayBufferLike, number>();
  let bytes = 0;
  for (const s of samples) {
    for (const a of [s.x, s.y]) {
      if (a.buffer instanceof SharedArrayBuffer || at.has(a.buffer)) continue;
      at.set(a.buffer, bytes);
      bytes += Math.ceil(a.buffer.byteLength / 8) * 8;
    }
  }
  const block = new SharedArrayBuffer(Math.max(8, bytes));
  const bytesView = new Uint8Array(block);
  for (const [buf, off] of at) bytesView.set(new Uint8Array(buf), off);
  const view = (a: Float64Array): Float64Array =>
    a.buffer instanceof SharedArrayBuffer ? a : new Float64Array(block, (at.get(a.buffer) as number) + a.byteOffset, a.length);
  return samples.map((s) => ({ x: view(s.x), y: view(s.y) }));
}

let pool: ShardPool | null = null;

/** The process's pool (helpers are started on first use and kept). */
export function sharedPool(): ShardPool {
  pool ??= new ShardPool();
  return pool;
}

/**
 * Runs `fn` with an executor over `threads` threads for this model and these samples (none when threads ≤ 1 or the
 * batches have a single shard), and closes it afterwards.
 */
export function withThreads<R>(
  threads: number, model: Model, samples: Sample[], batchSize: number, fn: (executor: ShardExecutor | undefined) => R, precision: Precision = 'float64',
): R {
  if (threads <= 1 || Math.min(batchSize, samples.length) <= 8) return fn(undefined);
  const run = sharedPool().open(model, samples, threads, precision);
  try {
    return fn(run);
  } finally {
    run.close();
  }
}
