/** Starts the engine worker on first use and matches replies to requests by id. */
import { Worker } from 'node:worker_threads';
import * as path from 'node:path';
import type { FromWorker, ToWorker } from '../shared/protocol';

type Pending = { resolve: (m: FromWorker) => void; reject: (e: Error) => void };
/** A request without its id (distributes over the union). */
type Request = ToWorker extends infer T ? (T extends ToWorker ? Omit<T, 'id'> : never) : never;

/** A lazily started worker with request/reply correlation. */
export class EngineClient {
  private worker: Worker | null = null;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();

  constructor(private readonly distDir: string) {}

  /** Sends a request (its id is assigned here) and resolves with the matching reply. */
  request(msg: Request): Promise<FromWorker> {
    const worker = this.ensure();
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      worker.postMessage({ ...msg, id } as ToWorker);
    });
  }

  /** Ends the worker; pending requests fail. */
  dispose(): void {
    void this.worker?.terminate();
    this.worker = null;
    this.failAll('the engine worker was stopped');
  }

  private ensure(): Worker {
    if (this.worker) return this.worker;
    const w = new Worker(path.join(this.distDir, 'worker.js'));
    w.on('message', (m: FromWorker) => {
      const p = this.pending.get(m.inReplyTo);
      if (!p) return;
      this.pending.delete(m.inReplyTo);
      p.resolve(m);
    });
    w.on('error', (e) => this.failAll(`the engine worker crashed: ${e.message}`));
    w.on('exit', (code) => {
      if (this.worker === w) this.worker = null;
      if (code !== 0) this.failAll(`the engine worker stopped unexpectedly (exit code ${code})`);
    });
    this.worker = w;
    return w;
  }

  private failAll(reason: string): void {
    for (const p of this.pending.values()) p.reject(new Error(reason));
    this.pending.clear();
  }
}
