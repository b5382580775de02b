/**
 * A helper thread of the training pool (dist/threads.js): waits on its control word, reads the pool's request with
 * receiveMessageOnPort, runs the shards it is given through the engine, and answers. It never returns to its event
 * loop, so nothing else runs on it.
 */
import { receiveMessageOnPort, workerData, type MessagePort } from 'node:worker_threads';
import { enableRelaxedSimd } from './runtime';
import { fmaInUse, paramLayout, runShard, setFmaEnabled, setPrecision, shardContext, type Model, type Sample, type ShardContext } from '../engine/index';
import type { HelperReply, HelperRequest } from './messages';

const { ctrl, port } = workerData as { ctrl: Int32Array; port: MessagePort };

let run: { model: Model; samples: Sample[]; ctx: ShardContext; grads: Map<number, Float64Array> } | null = null;

function handle(msg: HelperRequest): HelperReply {
  switch (msg.type) {
    case 'open': {
      const model: Model = { config: msg.config, layout: paramLayout(msg.config), theta: msg.theta };
      if (msg.fma && !enableRelaxedSimd()) throw new Error('this thread cannot use fused multiply-adds as the caller does');
      setFmaEnabled(msg.fma);
      if (fmaInUse() !== msg.fma) throw new Error(`this thread ${msg.fma ? 'cannot fuse' : 'fuses'} multiply-adds; the caller ${msg.fma ? 'does' : 'does not'}`);
      run = { model, samples: msg.samples, ctx: shardContext(), grads: new Map() };
      setPrecision(msg.precision);
      return { type: 'opened' };
    }
    case 'run': {
      if (!run) throw new Error('no run is open');
      const r = run;
      const results = msg.tasks.map(({ shard, task }) => {
        let g = r.grads.get(shard);
        if (!g || g.length !== r.model.theta.length) {
          g = new Float64Array(new SharedArrayBuffer(r.model.theta.length * 8));
          r.grads.set(shard, g);
        } else g.fill(0);
        return { shard, outcome: runShard(r.model, r.samples, shard, task, g, r.ctx), grads: g };
      });
      return { type: 'ran', results };
    }
    case 'close':
      run = null;
      setPrecision('float64');
      return { type: 'closed' };
  }
}

let seen = 0;
for (;;) {
  Atomics.wait(ctrl, 0, seen);
  const target = Atomics.load(ctrl, 0);
  while (seen < target) {
    let got = receiveMessageOnPort(port);
    for (let tries = 0; !got && tries < 1000; tries++) {
      Atomics.wait(ctrl, 0, Atomics.load(ctrl, 0), 1); // the message is posted before the count: wait a moment for it
      got = receiveMessageOnPort(port);
    }
    seen++;
    let reply: HelperReply;
    try {
      if (!got) throw new Error('a request was announced but did not arrive');
      reply = handle(got.message as HelperRequest);
    } catch (e) {
      reply = { type: 'error', message: e instanceof Error ? e.message : String(e) };
    }
    port.postMessage(reply);
    Atomics.add(ctrl, 1, 1);
    Atomics.notify(ctrl, 1);
  }
}
