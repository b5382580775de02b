/**
 * The seeded data-layer fuzzer (see csvFuzz.ts for the generators, mutations and checks): at least 10,000 generated and
 * mutated CSV files through parseCsvText → resolveData → buildDataset in two child processes, each killed when one
 * case runs for 30 s (a hang). Environment: FUZZ_SEED (default 20240611), FUZZ_CASES (default 12000), FUZZ_ONLY (one case).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fork } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parseCsvText } from '../../src/data/csv';
import { buildDataset } from '../../src/data/dataset';
import { resolveData } from '../../src/data/experiment';
import { suggestRoles } from '../../src/data/roles';
import type { FuzzFailure, ShardSummary, WorkerMessage } from './csvFuzzWorker';

const SEED = Number(process.env.FUZZ_SEED ?? 20240611);
const CASES = Number(process.env.FUZZ_CASES ?? 12000);
const ONLY = process.env.FUZZ_ONLY === undefined ? NaN : Number(process.env.FUZZ_ONLY);
const SHARDS = 2;
const HANG_MS = 30000;
const WORKER = new URL('./csvFuzzWorker.ts', import.meta.url).pathname;
const REAL = new URL('../fixtures/real/', import.meta.url).pathname;

/** Bytes and modification times of the real corpus the fuzzer reads (it must never write them). */
const corpusState = (): string => createHash('sha256')
  .update(readdirSync(REAL).sort().map((f) => `${f} ${statSync(join(REAL, f)).mtimeMs} ${createHash('sha256').update(readFileSync(join(REAL, f))).digest('hex')}`).join('\n'))
  .digest('hex');

/** Runs one shard in a child process; a case that runs longer than HANG_MS is reported as a hang. */
function runShard(shard: number): Promise<ShardSummary> {
  return new Promise((resolve, reject) => {
    const child = fork(WORKER, [SEED, shard, SHARDS, CASES, ONLY].map(String), { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    let current = -1;
    let summary: ShardSummary | null = null;
    let timer: NodeJS.Timeout | null = null;
    const arm = (): void => {
      if (timer) clearTimeout(timer);
      timer = setTimeout(() => {
        child.kill('SIGKILL');
        reject(new Error(`case ${current} (FUZZ_SEED=${SEED} FUZZ_ONLY=${current}) hangs: no end after ${HANG_MS / 1000} s`));
      }, HANG_MS);
    };
    arm();
    child.on('message', (m: WorkerMessage) => {
      if (m.type === 'start') {
        current = m.index;
        arm();
      } else summary = m.summary;
    });
    child.on('exit', (code, signal) => {
      if (timer) clearTimeout(timer);
      if (summary && code === 0) resolve(summary);
      else reject(new Error(`fuzz shard ${shard} ended with ${signal ?? `code ${code}`} during case ${current} (FUZZ_SEED=${SEED} FUZZ_ONLY=${current})`));
    });
  });
}

/** A failure with its numbers and quoted values blanked, so that one bug is counted once. */
const signature = (f: FuzzFailure): string => f.failure.split('\n')[0].replace(/"[^"]*"/g, '"…"').replace(/\d+(\.\d+)?/g, '#').slice(0, 160);

test(`data-layer fuzz: ${Number.isNaN(ONLY) ? CASES.toLocaleString('en') : `case ${ONLY} of`} generated and mutated CSVs, seed ${SEED}`, { timeout: 600_000 }, async (t) => {
  const t0 = performance.now();
  const corpus = corpusState();
  const shards = await Promise.all(Array.from({ length: SHARDS }, (_, s) => runShard(s)));
  assert.equal(corpusState(), corpus, 'the real corpus read by the fuzzer was modified');
  const sum = (pick: (s: ShardSummary) => Record<string, number>): Record<string, number> => {
    const out: Record<string, number> = {};
    for (const s of shards) for (const [k, v] of Object.entries(pick(s))) out[k] = (out[k] ?? 0) + v;
    return out;
  };
  const cases = shards.reduce((a, s) => a + s.cases, 0);
  const kinds = sum((s) => s.kinds);
  const failures = shards.flatMap((s) => s.failures).sort((a, b) => a.index - b.index);
  const slowest = shards.flatMap((s) => s.slowest).sort((a, b) => b.ms - a.ms)[0];
  const list = (o: Record<string, number>): string => Object.entries(o).sort((a, b) => b[1] - a[1]).map(([k, v]) => `${k} ${v}`).join(', ');
  t.diagnostic(`${cases} cases in ${((performance.now() - t0) / 1000).toFixed(1)} s: ${list(kinds)}; ${shards.reduce((a, s) => a + s.checkedInjections, 0)} bad tokens checked `
    + `(${shards.reduce((a, s) => a + s.injections, 0)} injected); slowest case ${slowest?.index} ${slowest?.ms.toFixed(0)} ms (${slowest?.rows} rows); failures ${failures.length}`);
  t.diagnostic(`generators: ${list(sum((s) => s.generators))}`);
  t.diagnostic(`mutations: ${list(sum((s) => s.mutations))}`);
  const distinct = new Map<string, FuzzFailure[]>();
  for (const f of failures) distinct.set(signature(f), [...(distinct.get(signature(f)) ?? []), f]);
  const report = [...distinct.values()].map((fs) => `${fs.length}× ${fs[0].failure}\n  first: ${fs[0].description}`).join('\n\n');
  assert.equal(failures.length, 0, `${failures.length} failures, ${distinct.size} kinds:\n\n${report}`);
  assert.equal(cases, Number.isNaN(ONLY) ? CASES : 1, 'every case ran');
});

test('130,000 sessions of 1–3 rows: roles, resolution and dataset in time linear in the rows, no stack overflow', { timeout: 120_000 }, () => {
  const lines = ['session,x,v'];
  for (let k = 0; k < 130000; k++) for (let j = 0; j <= k % 3; j++) lines.push(`${k},${(k * 7 + j) % 11},${((k * 13 + j * 5) % 17) / 4}`);
  const table = parseCsvText(`${lines.join('\n')}\n`, 'many.csv');
  const t0 = performance.now();
  const roles = suggestRoles(table);
  assert.equal(roles.sequenceId, 'session');
  const r = resolveData(table, {});
  const ds = buildDataset(r.table, r.spec);
  const seconds = (performance.now() - t0) / 1000;
  assert.equal(ds.stats.sequences, 130000);
  assert.equal(ds.stats.minLength, 1);
  assert.equal(ds.stats.maxLength, 3);
  assert.ok(ds.train.length > 0 && ds.validation.length > 0);
  // the same file with ten times fewer sessions: the time per row must not grow with the number of sessions
  const small = parseCsvText(`${lines.slice(0, Math.floor(lines.length / 10)).join('\n')}\n`, 'fewer.csv');
  const t1 = performance.now();
  const rs = resolveData(small, {});
  buildDataset(rs.table, rs.spec);
  const smallSeconds = (performance.now() - t1) / 1000;
  assert.ok(seconds < 30 * Math.max(smallSeconds, 0.05), `${seconds.toFixed(2)} s for 130,000 sessions vs ${smallSeconds.toFixed(2)} s for 13,000`);
});
