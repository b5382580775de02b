/** Messages from webviews are checked on arrival: only known shapes and listed commands get through. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseFromWebview, WEBVIEW_COMMANDS } from '../../src/shared/protocol';

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
  assert.deepEqual(parseFromWebview({ type: 'panel/fetchRows', start: 400, count: 200 }), { type: 'panel/fetchRows', start: 400, count: 200 });
  assert.deepEqual(parseFromWebview({ type: 'panel/sequence', sequence: 3 }), { type: 'panel/sequence', sequence: 3 });
  for (const bad of [{ type: 'panel/fetchRows', start: -1, count: 10 }, { type: 'panel/fetchRows', start: 0, count: 5000 }, { type: 'panel/fetchRows', start: 0.5, count: 1 },
    { type: 'panel/sequence', sequence: 0 }, { type: 'panel/sequence', sequence: '2' }]) assert.equal(parseFromWebview(bad), null, JSON.stringify(bad));
});

test('parseFromWebview accepts a role for a named column and refuses unknown roles', () => {
  assert.deepEqual(parseFromWebview({ type: 'experiment/role', column: 'price', role: 'feature+target' }), { type: 'experiment/role', column: 'price', role: 'feature+target' });
  for (const bad of [{ type: 'experiment/role', column: '', role: 'feature' }, { type: 'experiment/role', column: 'x', role: 'owner' }, { type: 'experiment/role', column: 3, role: 'label' }]) {
    assert.equal(parseFromWebview(bad), null, JSON.stringify(bad));
  }
});
