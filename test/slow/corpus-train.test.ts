/**
 * End to end on real data: `rnn-playground train FILE` with no flags (files with gaps: `--missing interpolate`, which the
 * error asks for) beats the naive baseline — "repeat the last value" — on every file of the corpus whose series is
 * predictable (an AR model fitted by statsmodels beats the naive forecast by 20% or more; see corpus.json), both in
 * the model's units and in the data's own units (levels rebuilt from predicted changes).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../', import.meta.url));
const dir = fileURLToPath(new URL('../fixtures/real/', import.meta.url));
const corpus = JSON.parse(readFileSync(`${dir}corpus.json`, 'utf8')) as { file: string; expected: { predictable: boolean | null; gaps: boolean; badCell: unknown } }[];
const predictable = corpus.filter((e) => e.expected.predictable === true && !e.expected.badCell);

/** Runs the CLI and resolves with its exit code and output. */
function cli(args: string[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const p = spawn(process.execPath, [`${root}dist/cli.js`, ...args]);
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (d) => (stdout += d));
    p.stderr.on('data', (d) => (stderr += d));
    p.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}

test(`the default model beats repeat-the-last-value on the ${predictable.length} predictable real series`, { timeout: 900_000 }, async (t) => {
  assert.ok(predictable.length >= 10);
  const rows: string[] = [];
  const queue = [...predictable];
  const failures: string[] = [];
  const worker = async (): Promise<void> => {
    for (let e = queue.shift(); e; e = queue.shift()) {
      const file = `${dir}${e.file}`;
      const before = statSync(file).mtimeMs;
      const r = await cli(['train', file, '--json', ...(e.expected.gaps ? ['--missing', 'interpolate'] : [])]);
      assert.equal(statSync(file).mtimeMs, before, 'the CSV is never written to');
      if (r.status !== 0) {
        failures.push(`${e.file}: exit ${r.status}: ${r.stderr.trim()}`);
        continue;
      }
      const j = JSON.parse(r.stdout);
      const ratio = j.valLoss / j.baselineLoss;
      const units = j.dataUnits?.[0] ? j.dataUnits[0].valMse / j.dataUnits[0].baselineMse : NaN;
      rows.push(`${e.file}: ${ratio.toFixed(3)} of the baseline (data units ${units.toFixed(3)}), ${j.epochs} epochs`);
      if (!(ratio < 1)) failures.push(`${e.file}: validation loss ${j.valLoss} is not below the baseline ${j.baselineLoss}`);
      if (!(units < 1)) failures.push(`${e.file}: in data units ${j.dataUnits?.[0]?.valMse} is not below ${j.dataUnits?.[0]?.baselineMse}`);
    }
  };
  await Promise.all([worker(), worker()]);
  for (const r of rows.sort()) t.diagnostic(r);
  assert.deepEqual(failures, []);
});
