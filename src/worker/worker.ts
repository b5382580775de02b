/**
 * The engine worker (worker_threads): turns protocol messages into data and engine calls, streams progress, and
 * answers every request with exactly one result or one error.
 */
import { chapterJob } from './chapterJob';
import { parentPort } from 'node:worker_threads';
import { randomGradCheck } from '../engine/index';
import { CsvError } from '../data/csv';
import { DataError } from '../data/dataset';
import { ExperimentError } from '../data/experiment';
import { FileExistsError } from '../data/writeFile';
import {
  assertNever, replyType, type ErrorMessage, type FromWorker, type ToWorker, type WorkerReply,
} from '../shared/protocol';
import { threadCount } from '../threads/pool';
import { configureProducts } from '../threads/runtime';
import { InputError, JobCancelled, type JobContext } from './jobCommon';
import { compareJob, trainJob } from './trainJobs';
import { verifyJob } from './verifyJob';
import { createExperimentJob, exportJob, inspectJob } from './fileJobs';
import { dataPreviewJob, dataRowsJob, sequenceInspectJob } from './dataViewJobs';

const port = parentPort;
if (!port) throw new Error('dist/worker.js must run as a worker thread');
// fused multiply-adds in the kernels' products where the CPU has them (the CLI does the same)
configureProducts();

const reply = (msg: FromWorker): void => port.postMessage(msg);

/** Answers a request with its reply, whose type the protocol's convention gives (`${request type}/result`). */
function answer<M extends ToWorker>(msg: M, body: Omit<WorkerReply<M['type']>, 'type' | 'inReplyTo'>): void {
  reply({ ...body, type: replyType(msg.type), inReplyTo: msg.id } as unknown as FromWorker);
}

function context(id: number, cancel: Int32Array | null, threads?: number): JobContext {
  return {
    // every core but one by default, so that the window's own threads keep one
    threads: threadCount(threads, 1),
    report: (p) => reply({ type: 'job/progress', inReplyTo: id, ...p }),
    stopped: () => cancel !== null && Atomics.load(cancel, 0) !== 0,
  };
}

/**
 * Maps an exception to the error reply: the user's problem in their words (with the place in the file and the
 * remedies when known; `file` is the CSV a data error is about), or an internal error with its stack.
 */
function toError(id: number, e: unknown, file: string | null = null): ErrorMessage {
  const err = e instanceof Error ? e : new Error(String(e));
  if (err instanceof JobCancelled) return { type: 'error', inReplyTo: id, kind: 'cancelled', message: err.message };
  if (err instanceof FileExistsError) return { type: 'error', inReplyTo: id, kind: 'exists', message: `${err.path} already exists` };
  if (err instanceof DataError) {
    const fixes = err.fixes.length ? { fixes: [...err.fixes] } : {};
    const where = err.line !== null && (err.file ?? file) ? { where: { file: (err.file ?? file) as string, line: err.line, column: err.column } } : {};
    return { type: 'error', inReplyTo: id, kind: 'input', message: err.message, ...where, ...fixes };
  }
  if (err instanceof CsvError && err.line !== null) return { type: 'error', inReplyTo: id, kind: 'input', message: err.message, where: { file: err.file, line: err.line, column: err.column ?? null } };
  if (err instanceof InputError || err instanceof CsvError || err instanceof ExperimentError || err instanceof RangeError) {
    return { type: 'error', inReplyTo: id, kind: 'input', message: err.message };
  }
  return { type: 'error', inReplyTo: id, kind: 'internal', message: err.message, detail: err.stack };
}

async function handle(msg: ToWorker): Promise<void> {
  switch (msg.type) {
    case 'worker/ping':
      answer(msg, {});
      return;
    case 'worker/block': {
      const end = Date.now() + msg.ms;
      while (Date.now() < end) { /* deliberately unresponsive */ }
      answer(msg, {});
      return;
    }
    case 'gradcheck/run':
      answer(msg, { report: randomGradCheck({ config: msg.config, steps: msg.steps, batch: msg.batch, seed: msg.seed }) });
      return;
    case 'train/start':
      answer(msg, { summary: await trainJob(msg.source, msg.saveTo, context(msg.id, msg.cancel, msg.threads), msg.resume ?? null) });
      return;
    case 'verify/run':
      answer(msg, { report: await verifyJob(msg.source, msg.modelFile, msg.sequence, context(msg.id, msg.cancel)) });
      return;
    case 'compare/run':
      answer(msg, { summary: await compareJob(msg.source, msg.cells, context(msg.id, msg.cancel, msg.threads)) });
      return;
    case 'experiment/create': {
      const { experiment, reasons } = await createExperimentJob(msg.csvFile, msg.experimentFile, msg.defaults, context(msg.id, msg.cancel));
      answer(msg, { experimentFile: msg.experimentFile, experiment, reasons });
      return;
    }
    case 'model/export':
      answer(msg, await exportJob(msg.modelFile, msg.folder, msg.overwrite, msg.training === true, context(msg.id, null)));
      return;
    case 'chapter/run':
      answer(msg, { result: chapterJob(msg.claim, msg.params, context(msg.id, msg.cancel)) });
      return;
    case 'model/inspect':
      answer(msg, { info: inspectJob(msg.modelFile) });
      return;
    case 'data/preview':
      answer(msg, { preview: await dataPreviewJob(msg.source, context(msg.id, msg.cancel)) });
      return;
    case 'data/rows': {
      const { start, rows } = await dataRowsJob(msg.csvFile, msg.start, msg.count, context(msg.id, null));
      answer(msg, { start, rows });
      return;
    }
    case 'sequence/inspect':
      answer(msg, { inspection: await sequenceInspectJob(msg.source, msg.modelFile, msg.sequence, context(msg.id, msg.cancel)) });
      return;
    default:
      assertNever(msg);
  }
}

port.on('message', (msg: ToWorker) => {
  handle(msg).catch((e) => reply(toError(msg.id, e)));
});
