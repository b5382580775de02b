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
