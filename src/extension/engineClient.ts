/**
 * The host's side of the engine worker: starts `dist/worker.js` on first use, matches replies to requests by id,
 * streams progress, cancels through a shared flag, and replaces a worker that crashed or stopped answering.
 */
import { Worker } from 'node:worker_threads';
import * as path from 'node:path';
import {
  replyType, WORKER_REQUESTS, type ErrorMessage, type FromWorker, type ProgressMessage, type ToWorker,
  type WorkerReply, type WorkerRequestBody, type WorkerRequestType,
} from '../shared/protocol';

/** Why a request failed: the worker's own error kinds, plus the worker dying or hanging. */
export type EngineErrorKind = ErrorMessage['kind'] | 'crashed' | 'stuck';

/** A failed request; `message` is written for the user. */
export class EngineError extends Error {
  constructor(readonly kind: EngineErrorKind, message: string, readonly detail?: string,
    /** Where in the user's file, and the one-click remedies (missing-value policies), when the engine knows them. */
    readonly where?: ErrorMessage['where'], readonly fixes?: string[]) {
    super(message);
    this.name = 'EngineError';
  }
}

/** Per-request options. */
export interface RequestOptions {
  onProgress?: (p: ProgressMessage) => void;
  /** Resolves (or fires) when the user asks to stop. */
  onCancelRequested?: (cancel: () => void) => void;
}

/** Timings, adjustable for tests. */
export interface EngineClientOptions {
  /** A request that hears nothing from the worker for this long means the worker is stuck (default 120 s). */
  stuckAfterMs?: number;
  /** After Cancel, how long the worker has to stop before it is replaced (default 2 s). */
  cancelGraceMs?: number;
  log?: (line: string) => void;
}

interface Pending {
  expect: FromWorker['type'];
  resolve: (m: FromWorker) => void;
  reject: (e: Error) => void;
  onProgress?: (p: ProgressMessage) => void;
  cancel: Int32Array;
  lastHeard: number;
  cancelledAt: number | null;
  what: string;
}

const seconds = (ms: number): string => (ms < 10_000 ? (ms / 1000).toFixed(1) : String(Math.round(ms / 1000)));

/** A lazily started engine worker shared by all commands. */
export class EngineClient {
  private worker: Worker | null = null;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private watchdog: ReturnType<typeof setInterval> | null = null;
  private restarts = 0;
  stuckAfterMs: number;
  cancelGraceMs: number;

  constructor(private readonly distDir: string, private readonly options: EngineClientOptions = {}) {
    this.stuckAfterMs = options.stuckAfterMs ?? 120_000;
    this.cancelGraceMs = options.cancelGraceMs ?? 2_000;
  }

  /** Number of times a worker was replaced after a crash or hang. */
  get restartCount(): number {
    return this.restarts;
  }

  /** Whether a worker thread is running now. */
  get running(): boolean {
    return this.worker !== null;
  }

  /**
   * Sends a request of `type` (its id, and a cancel flag when the protocol gives it one, are added here) and resolves
   * with its reply, whose type the protocol's request map infers; an error reply rejects with an EngineError.
   */
  request<K extends WorkerRequestType>(type: K, body: WorkerRequestBody<K>, opts: RequestOptions = {}): Promise<WorkerReply<K>> {
    const worker = this.ensure();
    const id = this.nextId++;
    const cancel = new Int32Array(new SharedArrayBuffer(4));
    const { what, cancellable } = WORKER_REQUESTS[type];
    const expect = replyType(type);
    return new Promise<WorkerReply<K>>((resolve, reject) => {
      const pending: Pending = {
        expect, resolve: resolve as (m: FromWorker) => void, reject, onProgress: opts.onProgress, cancel,
        lastHeard: Date.now(), cancelledAt: null, what,
      };
      this.pending.set(id, pending);
      this.startWatchdog();
      opts.onCancelRequested?.(() => this.cancel(id));
      const full = (cancellable ? { ...body, type, id, cancel } : { ...body, type, id }) as ToWorker;
      worker.postMessage(full);
    });
  }

  /** Asks the worker to stop request `id`; if it has not answered within the grace period it is replaced. */
  cancel(id: number): void {
    const p = this.pending.get(id);
    if (!p || p.cancelledAt !== null) return;
    Atomics.store(p.cancel, 0, 1);
    p.cancelledAt = Date.now();
  }

  /** Cancels every running request. */
  cancelAll(): void {
    for (const id of this.pending.keys()) this.cancel(id);
  }

  /** Ends the worker as if it had crashed (used by the recovery tests). */
  kill(): void {
    void this.worker?.terminate();
  }

  /** Ends the worker; pending requests fail. */
  dispose(): void {
    const w = this.worker;
    this.worker = null;
    void w?.terminate();
    this.failAll(new EngineError('cancelled', 'the extension was deactivated'));
    this.stopWatchdog();
  }

  private ensure(): Worker {
    if (this.worker) return this.worker;
    const w = new Worker(path.join(this.distDir, 'worker.js'));
    w.on('message', (m: FromWorker) => this.onMessage(m));
    w.on('error', (e) => {
      this.options.log?.(`engine worker error: ${e.stack ?? e.message}`);
      this.replace(w, new EngineError('crashed', `The engine stopped unexpectedly (${e.message}). It has been restarted; run the command again.`));
    });
    w.on('exit', (code) => {
      if (this.worker !== w) return;
      this.replace(w, new EngineError('crashed', `The engine stopped unexpectedly (exit code ${code}). It has been restarted; run the command again.`));
    });
    this.worker = w;
    return w;
  }

  private onMessage(m: FromWorker): void {
    // any word from the worker shows it is alive: requests queued behind a long job are not "stuck"
    const now = Date.now();
    for (const q of this.pending.values()) q.lastHeard = now;
    const p = this.pending.get(m.inReplyTo);
    if (!p) return;
    if (m.type === 'job/progress') {
      p.onProgress?.(m);
      return;
    }
    this.pending.delete(m.inReplyTo);
    if (m.type === 'error') p.reject(new EngineError(m.kind, m.message, m.detail, m.where, m.fixes));
    else if (m.type !== p.expect) p.reject(new EngineError('internal', `the engine answered ${m.type} during ${p.what}`));
    else p.resolve(m);
    if (this.pending.size === 0) this.stopWatchdog();
  }

  /** Drops a dead or hung worker; the next request starts a fresh one. */
  private replace(w: Worker, error: EngineError): void {
    if (this.worker === w) this.worker = null;
    this.restarts++;
    this.options.log?.(error.message);
    void w.terminate();
    this.failAll(error);
    this.stopWatchdog();
  }

  private startWatchdog(): void {
    if (this.watchdog) return;
    this.watchdog = setInterval(() => this.check(), 250);
    this.watchdog.unref?.();
  }

  private stopWatchdog(): void {
    if (this.watchdog && this.pending.size === 0) {
      clearInterval(this.watchdog);
      this.watchdog = null;
    }
  }

  private check(): void {
    const w = this.worker;
    if (!w) return;
    const now = Date.now();
    for (const p of this.pending.values()) {
      if (p.cancelledAt !== null && now - p.cancelledAt > this.cancelGraceMs) {
        this.replace(w, new EngineError('stuck', `The engine did not stop within ${seconds(this.cancelGraceMs)} s of Cancel, so it was restarted. Nothing was kept from ${p.what}.`));
        return;
      }
      if (now - p.lastHeard > this.stuckAfterMs) {
        this.replace(w, new EngineError('stuck', `The engine stopped responding (no word for ${seconds(this.stuckAfterMs)} s during ${p.what}). It has been restarted; run the command again.`));
        return;
      }
    }
  }

  private failAll(error: EngineError): void {
    const all = [...this.pending.values()];
    this.pending.clear();
    for (const p of all) p.reject(error);
  }
}
