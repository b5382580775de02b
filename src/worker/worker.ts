/** The engine worker (worker_threads): turns protocol messages into engine calls and engine results into replies. */
import { parentPort } from 'node:worker_threads';
import { randomGradCheck } from '../engine/index';
import { assertNever, type FromWorker, type ToWorker } from '../shared/protocol';

const port = parentPort;
if (!port) throw new Error('dist/worker.js must run as a worker thread');

const reply = (msg: FromWorker): void => port.postMessage(msg);

port.on('message', (msg: ToWorker) => {
  try {
    switch (msg.type) {
      case 'worker/ping':
        reply({ type: 'worker/pong', inReplyTo: msg.id });
        break;
      case 'gradcheck/run':
        reply({ type: 'gradcheck/result', inReplyTo: msg.id, report: randomGradCheck({ config: msg.config, steps: msg.steps, batch: msg.batch, seed: msg.seed }) });
        break;
      default:
        assertNever(msg);
    }
  } catch (e) {
    reply({ type: 'error', inReplyTo: (msg as { id?: number }).id ?? -1, message: (e as Error).message });
  }
});
