/** Messages from webviews are checked on arrival: only known shapes and listed commands get through. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseFromWebview, WEBVIEW_COMMANDS } from '../../../src/shared/protocol';
import { replyType, WORKER_REQUESTS, type Cancellable, type WorkerReply, type WorkerRequestBody, type WorkerRequestType } from '../../../src/shared/protocol';

test('parseFromWebview accepts ready and listed commands, rejects everything else', () => {
  assert.deepEqual(parseFromWebview({ type: 'webview/ready' }), { type: 'webview/ready' });
  for (const command of WEBVIEW_COMMANDS) assert.deepEqual(parseFromWebview({ type: 'command/run', command, extra: 1 }), { type: 'command/run', command });
  for (const bad of [null, 3, 'webview/ready', {}, { type: 'command/run' }, { type: 'command/run', command: 'workbench.action.terminal.new' },
    { type: 'command/run', command: 42 }, { type: 'state/show' }, []]) {
    assert.equal(parseFromWebview(bad), null, JSON.stringify(bad));
  }
});

test('parseFromWebview accepts panel tabs and experiment edits of listed fields with plain values only', () => {
  assert.deepEqual(parseFromWebview({ type: 'panel/tab', tab: 'model' }), { type: 'panel/tab', tab: 'model' });
  assert.equal(parseFromWebview({ type: 'panel/tab', tab: 'settings' }), null);
  const edit = { type: 'experiment/edit', changes: [{ field: 'model.cell', value: 'gru' }, { field: 'data.features', value: ['a', 'b'] }, { field: 'data.label', value: null }] };
  assert.deepEqual(parseFromWebview(edit), edit);
  for (const bad of [
    { type: 'experiment/edit', changes: [] },
    { type: 'experiment/edit', changes: [{ field: 'data.file', value: '/etc/passwd' }] },
    { type: 'experiment/edit', changes: [{ field: '__proto__.x', value: 1 }] },
    { type: 'experiment/edit', changes: [{ field: 'model.hiddenSize', value: { $gt: 1 } }] },
    { type: 'experiment/edit', changes: [{ field: 'model.hiddenSize', value: Number.NaN }] },
    { type: 'experiment/edit', changes: [{ field: 'data.features', value: [1, 2] }] },
    { type: 'experiment/edit', changes: 'model.cell=gru' },
  ]) assert.equal(parseFromWebview(bad), null, JSON.stringify(bad));
});

test('parseFromWebview accepts row windows of at most 1000 rows and positive sequence numbers', () => {
  assert.deepEqual(parseFromWebview({ type: 'panel/fetchRows', id: 3, start: 400, count: 200 }), { type: 'panel/fetchRows', id: 3, start: 400, count: 200 });
  assert.deepEqual(parseFromWebview({ type: 'panel/sequence', sequence: 3 }), { type: 'panel/sequence', sequence: 3 });
  for (const bad of [{ type: 'panel/fetchRows', id: 1, start: -1, count: 10 }, { type: 'panel/fetchRows', id: 1, start: 0, count: 5000 }, { type: 'panel/fetchRows', id: 1, start: 0.5, count: 1 },
    { type: 'panel/fetchRows', start: 0, count: 10 }, { type: 'panel/fetchRows', id: -2, start: 0, count: 10 },
    { type: 'panel/sequence', sequence: 0 }, { type: 'panel/sequence', sequence: '2' }]) assert.equal(parseFromWebview(bad), null, JSON.stringify(bad));
});

test('parseFromWebview accepts a role for a named column and refuses unknown roles', () => {
  assert.deepEqual(parseFromWebview({ type: 'experiment/role', column: 'price', role: 'feature+target' }), { type: 'experiment/role', column: 'price', role: 'feature+target' });
  for (const bad of [{ type: 'experiment/role', column: '', role: 'feature' }, { type: 'experiment/role', column: 'x', role: 'owner' }, { type: 'experiment/role', column: 3, role: 'label' }]) {
    assert.equal(parseFromWebview(bad), null, JSON.stringify(bad));
  }
});

test('the worker request map: one entry per request type, replies named `${request}/result`, the reply and cancel flag inferred', () => {
  const types = Object.keys(WORKER_REQUESTS) as WorkerRequestType[];
  assert.ok(types.length >= 12);
  for (const t of types) assert.equal(replyType(t), `${t}/result`);
  // the long jobs stream progress and can be stopped; quick reads cannot
  for (const t of ['train/start', 'verify/run', 'compare/run', 'data/preview', 'sequence/inspect'] as const) assert.equal(WORKER_REQUESTS[t].cancellable, true, t);
  for (const t of ['data/rows', 'model/inspect', 'worker/ping'] as const) assert.equal(WORKER_REQUESTS[t].cancellable, false, t);
  // what the compiler infers (checked by `npm run typecheck`, which covers the tests)
  type TrainReply = WorkerReply<'train/start'>;
  const reply: TrainReply['type'] = 'train/start/result';
  assert.equal(reply, replyType('train/start'));
  const cancellable: Cancellable<'train/start'> = true;
  const notCancellable: Cancellable<'data/rows'> = false;
  assert.deepEqual([cancellable, notCancellable], [true, false]);
  const body: WorkerRequestBody<'data/rows'> = { csvFile: 'a.csv', start: 0, count: 10 };
  // @ts-expect-error a rows request has no model file
  const wrong: WorkerRequestBody<'data/rows'> = { csvFile: 'a.csv', start: 0, count: 10, modelFile: 'm.json' };
  assert.ok(body && wrong);
});
