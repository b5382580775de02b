/** `horizon`: the chapter's memory claim measured — gated cells solve the adding problem where the tanh RNN cannot. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';

const CLI = new URL('../../../dist/cli.js', import.meta.url).pathname;

test('horizon --json: per cell and length the validation loss against the mean predictor; the horizon is the longest length solved', () => {
  const r = spawnSync(process.execPath, [CLI, 'horizon', '--lengths', '10,30', '--cells', 'vanilla,gru', '--epochs', '15', '--count', '1000', '--hidden', '16', '--json'], { encoding: 'utf8', timeout: 300000 });
  assert.equal(r.status, 0, r.stderr);
  const report = JSON.parse(r.stdout);
  assert.equal(report.task, 'adding');
  assert.deepEqual(report.lengths, [10, 30]);
  assert.deepEqual(report.cells.map((c: { cell: string }) => c.cell), ['vanilla', 'gru']);
  for (const c of report.cells) {
    for (const x of c.results) {
      assert.ok(Math.abs(x.baselineLoss - 1 / 6) < 0.03, `baseline ${x.baselineLoss}`);
      assert.equal(x.solved, x.valLoss < 0.1 * x.baselineLoss);
    }
    assert.equal(c.horizon, Math.max(0, ...c.results.filter((x: { solved: boolean }) => x.solved).map((x: { length: number }) => x.length)));
  }
  const [vanilla, gru] = report.cells;
  assert.equal(gru.horizon, 30, 'the GRU solves 30 steps');
  assert.equal(vanilla.results[1].solved, false, 'the tanh RNN does not, with the same budget');
  assert.ok(vanilla.results[1].valLoss > 0.5 * vanilla.results[1].baselineLoss, 'it stays near the baseline');
  // usage errors exit 2
  for (const bad of [['--task', 'sorting'], ['--lengths', '1'], ['--task', 'order', '--lengths', '5'], ['--cells', 'transformer']]) {
    assert.equal(spawnSync(process.execPath, [CLI, 'horizon', ...bad], { encoding: 'utf8' }).status, 2, bad.join(' '));
  }
});

test('horizon --task order|copy: classification heads; the baseline is the cross-entropy of the training classes (about ln 4 for order\'s four balanced classes)', () => {
  for (const task of ['order', 'copy']) {
    const r = spawnSync(process.execPath, [CLI, 'horizon', '--task', task, '--lengths', task === 'order' ? '10' : '5', '--cells', 'gru', '--epochs', '2', '--count', '300', '--hidden', '8', '--json'], { encoding: 'utf8', timeout: 300000 });
    assert.equal(r.status, 0, r.stderr);
    const report = JSON.parse(r.stdout);
    assert.equal(report.task, task);
    const [x] = report.cells[0].results;
    if (task === 'order') assert.ok(Math.abs(x.baselineLoss - Math.log(4)) < 0.05, `order baseline ${x.baselineLoss}`);
    // copy: 15 of 25 steps are blanks, the rest 8 symbols: the class frequencies' entropy
    else assert.ok(x.baselineLoss > 1 && x.baselineLoss < 2, `copy baseline ${x.baselineLoss}`);
    assert.ok(Number.isFinite(x.valLoss) && x.valLoss > 0);
    assert.equal(x.solved, x.valLoss < 0.1 * x.baselineLoss);
  }
});
