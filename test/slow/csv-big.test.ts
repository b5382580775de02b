import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { benchCsvIngest, writeBenchCsv } from '../../src/cli/commands/benchCsv';

// 2,000,000 rows × 5 numeric columns (~103 MB) read by readCsv in a child process, so that its peak RSS is the
// reader's alone. The numbers take 80 MB; the reader may add a fixed allowance on top of that (target: growth < 250 MB).
const ROOT = new URL('../../', import.meta.url).pathname;
const ROWS = 2_000_000;

/** The child: reads the file and prints row count, per-column sums, a few cells and lines, and its peak RSS. */
const CHILD = `
import { readCsv } from ${JSON.stringify(pathToFileURL(join(ROOT, 'src/data/csv.ts')).href)};
const baseRss = process.memoryUsage().rss;
const t0 = performance.now();
const t = await readCsv(process.argv[2]);
const seconds = (performance.now() - t0) / 1000;
const sums = t.columns.map((c) => { let s = 0; for (const v of c.values) s += v; return s; });
console.log(JSON.stringify({
  seconds, baseRss, peakRss: process.resourceUsage().maxRSS * 1024, rows: t.rowCount, sums,
  kinds: t.columns.map((c) => c.kind), names: t.columns.map((c) => c.name),
  first: t.columns.map((c) => c.values[0]), last: t.columns.map((c) => c.values[t.rowCount - 1]),
  lines: [t.lineOf(0), t.lineOf(t.rowCount - 1)], byteLengths: t.columns.map((c) => c.values.buffer.byteLength),
}));
`;

test('2,000,000 × 5 numeric rows: exact values and bounded memory', { timeout: 180_000 }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'rnnpg-csv-big-'));
  try {
    const file = join(dir, 'big.csv');
    const sums: number[] = [];
    const bytes = writeBenchCsv(file, ROWS, sums);
    assert.equal(statSync(file).size, bytes);
    const lines = readFileSync(file, 'utf8').slice(0, 200).split('\n');
    writeFileSync(join(dir, 'child.mts'), CHILD);
    const out = spawnSync(process.execPath, ['--import', 'tsx', join(dir, 'child.mts'), file], { cwd: ROOT, encoding: 'utf8', timeout: 170_000 });
    assert.equal(out.status, 0, out.stderr);
    const r = JSON.parse(out.stdout.trim().split('\n').pop() as string);
    assert.equal(r.rows, ROWS);
    assert.deepEqual(r.names, ['t', 'price', 'ret', 'volume', 'x']);
    assert.deepEqual(r.kinds, Array(5).fill('numeric'));
    assert.deepEqual(r.sums, sums);
    assert.equal(r.sums[0], ROWS * 1700000000 + (ROWS * (ROWS - 1)) / 2);
    assert.deepEqual(r.first, lines[1].split(',').map(Number));
    assert.deepEqual(r.lines, [2, ROWS + 1]);
    assert.deepEqual(r.byteLengths, Array(5).fill(ROWS * 8));
    const growthMb = (r.peakRss - r.baseRss) / 1e6;
    const numericMb = (ROWS * 5 * 8) / 1e6;
    console.log(`read ${(bytes / 1e6).toFixed(1)} MB in ${r.seconds.toFixed(2)} s (${(bytes / 1e6 / r.seconds).toFixed(1)} MB/s); RSS growth ${growthMb.toFixed(0)} MB for ${numericMb} MB of numbers`);
    assert.ok(growthMb < 250, `peak RSS grew by ${growthMb.toFixed(0)} MB`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the CSV ingest benchmark runs every parser in its own process and they agree', { timeout: 180_000 }, () => {
  const cli = join(ROOT, 'dist/cli.js');
  const wired = existsSync(cli) && readFileSync(cli, 'utf8').includes('__bench-csv');
  const log: string[] = [];
  const result = benchCsvIngest({
    rows: 20000,
    repeats: 1,
    log: (s) => log.push(s),
    cliPath: wired ? cli : undefined,
    parsers: wired ? undefined : ['csv-parse', 'papaparse', 'papaparse (fastMode)', 'split per line (reference)'],
  });
  assert.equal(result.rows.length, wired ? 5 : 4);
  for (const row of result.rows) {
    assert.equal(row.note, null, `${row.parser}: ${row.note}`);
    assert.equal(row.rows, 20000);
    assert.ok(row.mbPerSec > 0 && row.peakRssMb > 0);
    assert.equal(row.checksum, result.rows[0].checksum);
  }
  assert.match(result.text, /CSV ingest: 20000 rows × 5 numeric columns/);
  assert.ok(!readdirSync(tmpdir()).some((name) => name.startsWith('rnnpg-csv-bench-')), 'the benchmark file was not deleted');
});
