/**
 * The seeded command-line fuzzer: a few hundred generated and mutated CSV files (csvFuzz.ts, at most 400 rows each)
 * written to a temporary directory and trained on with `node dist/cli.js train FILE --epochs 1 --json` (sometimes with
 * more flags), two processes at a time. Every run ends with exit code 0, 1 or 2 within 60 s; exit 2 prints one line
 * naming the file and no stack trace; exit 0 prints finite losses; the file keeps its bytes and modification time and
 * nothing is written beside it. Environment: FUZZ_SEED (default 20240611), FUZZ_CLI_CASES (default 300). Needs
 * `npm run build`.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { parseCsvText } from '../../src/data/csv';
import { caseSeed, describeCase, makeCase, Rng, type FuzzCase } from './csvFuzz';

const CLI = new URL('../../dist/cli.js', import.meta.url).pathname;
const SEED = Number(process.env.FUZZ_SEED ?? 20240611);
const CASES = Number(process.env.FUZZ_CLI_CASES ?? 300);
const PARALLEL = 2;
const HANG_MS = 60000;

/** Extra flags for a case: none half the time, else a few data, model and training flags. */
function flagsFor(c: FuzzCase): string[] {
  const rng = new Rng(caseSeed(SEED ^ 0xc11, c.index));
  if (rng.chance(0.5)) return [];
  const flags: string[] = [];
  let names: string[] = [];
  try {
    names = parseCsvText(c.text, c.name).columns.map((k) => k.name).filter((n) => !n.includes(',') && n.trim() === n && n !== '');
  } catch {
    // an unreadable file: the command says so
  }
  if (rng.chance(0.4)) flags.push('--missing', rng.pick(['drop', 'ffill', 'interpolate']));
  if (rng.chance(0.2)) flags.push('--window', String(rng.int(2, 30)));
  if (rng.chance(0.15)) flags.push('--validation', rng.pick(['0.1', '0.3', '0.5']));
  if (rng.chance(0.1)) flags.push('--split', rng.pick(['time', 'sequence']));
  if (rng.chance(0.3)) flags.push('--cell', rng.pick(['vanilla', 'gru', 'gated', 'lstm']));
  if (rng.chance(0.3)) flags.push('--hidden', String(rng.int(1, 8)));
  if (rng.chance(0.2)) flags.push('--batch', String(rng.int(1, 16)));
  if (rng.chance(0.1) && names.length) flags.push('--target', rng.pick(names));
  if (rng.chance(0.08) && names.length > 1) flags.push('--features', [rng.pick(names), rng.pick(names)].join(','));
  if (rng.chance(0.05)) flags.push('--layout', rng.pick(['long', 'wide']));
  return flags;
}

/** What one run of the command did. */
interface CliRun {
  code: number | null;
  signal: string | null;
  stdout: string;
  stderr: string;
  ms: number;
  hung: boolean;
}

function train(file: string, flags: string[]): Promise<CliRun> {
  return new Promise((resolve) => {
    const t0 = performance.now();
    const child = spawn(process.execPath, [CLI, 'train', file, '--epochs', '1', '--json', ...flags], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let hung = false;
    child.stdout.on('data', (b: Buffer) => void (stdout += b.toString('utf8')));
    child.stderr.on('data', (b: Buffer) => void (stderr += b.toString('utf8')));
    const timer = setTimeout(() => {
      hung = true;
      child.kill('SIGKILL');
    }, HANG_MS);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr, ms: performance.now() - t0, hung });
    });
  });
}

/** The broken promises of one run. */
function check(c: FuzzCase, file: string, run: CliRun, before: { bytes: Buffer; mtimeMs: number }): string[] {
  const out: string[] = [];
  if (run.hung) out.push(`no end after ${HANG_MS / 1000} s`);
  else if (run.code === null || ![0, 1, 2].includes(run.code)) out.push(`exit ${run.code ?? run.signal}: ${run.stderr.slice(0, 2000)}`);
  if (run.code === 2) {
    const lines = run.stderr.trimEnd().split('\n');
    if (lines.length !== 1) out.push(`exit 2 with ${lines.length} lines on stderr: ${run.stderr.slice(0, 1000)}`);
    if (!run.stderr.includes(basename(file))) out.push(`exit 2 without the file's name: ${run.stderr.slice(0, 500)}`);
    if (/\n\s+at .*:\d+:\d+/.test(run.stderr)) out.push(`a stack trace: ${run.stderr.slice(0, 1000)}`);
  }
  if (run.code === 0 || run.code === 1) {
    try {
      const report = JSON.parse(run.stdout) as { valLoss: number; baselineLoss: number };
      if (run.code === 0 && !(Number.isFinite(report.valLoss) && Number.isFinite(report.baselineLoss))) out.push(`exit 0 with valLoss ${report.valLoss}, baselineLoss ${report.baselineLoss}`);
    } catch {
      out.push(`exit ${run.code} without one JSON object on stdout: ${run.stdout.slice(0, 300)} ${run.stderr.slice(0, 300)}`);
    }
  }
  const after = statSync(file);
  if (after.mtimeMs !== before.mtimeMs || !readFileSync(file).equals(before.bytes)) out.push('the input file was modified');
  return out.map((f) => `${f}\n  ${describeCase(c, SEED)}`);
}

test(`CLI fuzz: ${CASES} generated and mutated CSVs through train --epochs 1 --json, seed ${SEED}`, { timeout: 1_800_000 }, async (t) => {
  assert.ok(existsSync(CLI), `${CLI} is missing: run npm run build first`);
  const dir = mkdtempSync(join(tmpdir(), 'rnnpg-fuzz-cli-'));
  const t0 = performance.now();
  const codes: Record<string, number> = {};
  const failures: string[] = [];
  let slowest = 0;
  try {
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < CASES) {
        const c = makeCase(SEED, next++, { maxRows: 400 });
        const file = join(dir, c.name);
        writeFileSync(file, c.text);
        const before = { bytes: readFileSync(file), mtimeMs: statSync(file).mtimeMs };
        const run = await train(file, flagsFor(c));
        slowest = Math.max(slowest, run.ms);
        const key = run.hung ? 'hung' : String(run.code ?? run.signal);
        codes[key] = (codes[key] ?? 0) + 1;
        failures.push(...check(c, file, run, before));
      }
    };
    await Promise.all(Array.from({ length: PARALLEL }, worker));
    const left = readdirSync(dir).filter((f) => !/^case-\d+-.*\.csv$/.test(f));
    if (left.length) failures.push(`files written beside the inputs: ${left.join(', ')}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  t.diagnostic(`${CASES} runs in ${((performance.now() - t0) / 1000).toFixed(1)} s: ${Object.entries(codes).map(([k, v]) => `exit ${k} ${v}`).join(', ')}; slowest ${(slowest / 1000).toFixed(1)} s; failures ${failures.length}`);
  assert.equal(failures.length, 0, failures.slice(0, 20).join('\n\n'));
});
