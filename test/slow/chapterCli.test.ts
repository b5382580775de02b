/** `rnn-playground chapter --json`: every claim a–f measured on the small budget, each held, with its sentence. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';

const CLI = new URL('../../dist/cli.js', import.meta.url).pathname;

test('chapter --json: claims a to f, each with the chapter\'s statement, figures and a sentence; all hold on this budget', () => {
  const r = spawnSync(process.execPath, [CLI, 'chapter', '--json'], { encoding: 'utf8', timeout: 600000 });
  assert.equal(r.status, 0, r.stderr);
  const out = JSON.parse(r.stdout) as { claims: { id: string; held: boolean; statement: string; sentence: string; figures: Record<string, unknown> }[]; seconds: number };
  assert.deepEqual(out.claims.map((c) => c.id), ['a', 'b', 'c', 'd', 'e', 'f']);
  for (const c of out.claims) {
    assert.equal(c.held, true, `${c.id}: ${c.sentence}`);
    assert.ok(c.statement.length > 40 && c.sentence.length > 40);
  }
  const horizon = out.claims[2].figures as { report: { cells: { cell: string; horizon: number }[] } };
  assert.equal(horizon.report.cells.length, 6);
  const text = spawnSync(process.execPath, [CLI, 'chapter', '--help'], { encoding: 'utf8' });
  assert.equal(text.status, 0);
});
