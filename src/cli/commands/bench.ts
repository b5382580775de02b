/**
 * `rnn-playground bench` / `npm run bench`: workload W1 (batch 32, 100 steps, input 2, hidden 32 and 128, one layer,
 * linear head on the last state, MSE, Adam, full BPTT) on this engine and on its peers, side by side in one run:
 * @tensorflow/tfjs (cpu backend), @tensorflow/tfjs-backend-wasm, and PyTorch CPU when `import torch` works.
 * Every measurement runs in its own child process, one after another. This engine and PyTorch run at both precisions,
 * on one thread and on every core; each of this engine's rows is judged against PyTorch's best at its precision.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { num, table } from '../format';
import { plural } from '../../shared/protocol';
import type { W1Memory } from './benchEngine';

/** Bench settings. */
export interface BenchSettings {
  cells: ('rnn' | 'lstm' | 'gru')[];
  /** Precisions to measure this engine and PyTorch at. */
  precisions: Precision[];
  /** Thread counts to measure this engine and PyTorch with (1 and every core by default). */
  threads: number[];
  hidden: number[];
  repeats: number;
  minSeconds: number;
  peers: string[] | null;
  log: (line: string) => void;
}

/** One peer's measurement of one configuration. */
export interface BenchRow {
  cell: string;
  hidden: number;
  peer: string;
  precision: Precision;
  threads: number;
  stepsPerSec: number[] | null;
  median: number | null;
  min: number | null;
  max: number | null;
  gflops: number | null;
  ratio: number | null;
  target: number | null;
  met: boolean | null;
  note: string | null;
  /** This engine's rows: what training keeps in memory. */
  memory?: W1Memory;
}

const median = (v: number[]): number => {
  const s = [...v].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

/** Matrix-product FLOPs of one W1 step: forward W·[x;h] for all gates, and twice that backward (∂h and ∂W). */
export function w1Flops(cell: string, hidden: number, batch = 32, steps = 100, input = 2): number {
  const G = cell === 'lstm' ? 4 : cell === 'gru' ? 3 : 1;
  return 3 * 2 * batch * steps * G * hidden * (hidden + input);
}

function packageRoot(): string {
  let dir = resolve(dirname(process.argv[1] ?? '.'));
  for (let i = 0; i < 5; i++) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    dir = dirname(dir);
  }
  return process.cwd();
}

const TARGETS: Record<string, (hidden: number) => number> = {
  'tfjs-cpu': () => 10,
  'tfjs-wasm': (h) => (h <= 32 ? 3 : 1.5),
};

/** Numbers' width in a measurement. */
export type Precision = 'float64' | 'float32';

interface Peer {
  name: string;
  precision: Precision;
  threads: number;
  available: () => string | null;
  command: (cell: string, hidden: number, s: BenchSettings) => { cmd: string; args: string[]; env?: NodeJS.ProcessEnv };
}

/** This engine's own rows (the others are peers, judged against them). */
const SELF = 'rnn-playground';

/** The peer that runs each cell spelled out as equations. */
const EQUATIONS_PEER = 'rnn-playground (as equations)';

/** The memory table: for each configuration and thread count, bytes per parameter and per (time step, sequence). */
function memoryLines(rows: BenchRow[]): string[] {
  const mine = rows.filter((r) => r.peer === SELF && r.memory && r.precision === 'float64');
  if (!mine.length) return [];
  return [
    '',
    'Memory (float64 and float32 alike: float32 rounds only inside the products): per parameter the weights, their gradient,',
    "Adam's two moments, a gradient per other shard of the batch and, on several threads, the threads' shared copy of the",
    'weights; per time step and sequence the activations one pass keeps for backward (one workspace per thread).',
    table(['cell', 'hidden', 'threads', 'parameters', 'bytes/parameter', 'workspace bytes/step', 'workspaces'], mine.map((r) => {
      const m = r.memory as W1Memory;
      return [r.cell, String(r.hidden), String(r.threads), m.parameters.toLocaleString('en'), String(m.bytesPerParameter), num(m.workspaceBytesPerStep, 0), `${num(m.workspaceBytes / 1e6, 2)} MB`];
    })),
  ];
}

const best = (rows: BenchRow[]): number | null => rows.reduce<number | null>((b, r) => (r.median !== null && (b === null || r.median > b) ? r.median : b), null);

/**
 * Ratios and targets of one configuration's rows. This engine's rows: ÷ PyTorch's best at the same precision (target
 * ≥ 1× for the LSTM and GRU on every core). PyTorch's rows: this engine's best at that precision ÷ the row. The tfjs,
 * JS-kernel and equations rows: this engine in float64 on one thread ÷ the row.
 */
function judge(rows: BenchRow[]): void {
  const ours = rows.filter((r) => r.peer === SELF);
  const cores = Math.max(...ours.map((r) => r.threads));
  const single = ours.find((r) => r.precision === 'float64' && r.threads === 1)?.median ?? null;
  for (const row of rows) {
    if (row.peer === SELF) {
      const torch = best(rows.filter((r) => r.peer === 'pytorch' && r.precision === row.precision));
      if (torch && row.median) row.ratio = row.median / torch;
      if (row.cell !== 'rnn' && row.threads === cores && torch !== null) {
        row.target = 1;
        row.met = row.ratio !== null ? row.ratio >= 1 : null;
      }
      continue;
    }
    if (row.peer === 'pytorch') {
      const mine = best(ours.filter((r) => r.precision === row.precision));
      if (mine && row.median) row.ratio = mine / row.median;
      continue;
    }
    if (single !== null && row.median) row.ratio = single / row.median;
    if (row.peer === EQUATIONS_PEER) {
      // its target: at least half the built-in cell's steps/s (ratio built-in ÷ equations at most 2)
      row.target = 2;
      row.met = row.ratio !== null ? row.ratio <= 2 : null;
      if (row.ratio !== null) row.note = `${Math.round(100 / row.ratio)}% of the built-in ${row.cell}'s steps/s`;
      continue;
    }
    const t = TARGETS[row.peer];
    if (t && row.cell !== 'rnn') {
      row.target = t(row.hidden);
      row.met = row.ratio !== null ? row.ratio >= row.target : null;
    }
  }
}

/** Runs the benchmark and returns the rows (see judge() for what each ratio divides). */
export function benchCommand(s: BenchSettings) {
  const root = packageRoot();
  const peersDir = join(root, 'bench', 'peers');
  const req = createRequire(join(root, 'package.json'));
  const hasModule = (m: string): boolean => {
    try {
      req.resolve(m);
      return true;
    } catch {
      return false;
    }
  };
  const args = (cell: string, hidden: number, extra: Record<string, unknown>) =>
    JSON.stringify({ cell, hidden, batch: 32, steps: 100, input: 2, warmup: hidden >= 128 ? 1 : 2, repeats: s.repeats, minSeconds: s.minSeconds, ...extra });
  const self = process.argv[1];
  const python = '/usr/bin/python3';
  let torchProbe: string | null | undefined;
  const torchAvailable = (): string | null => {
    if (torchProbe !== undefined) return torchProbe; // asked once for all four PyTorch rows
    if (!existsSync(join(peersDir, 'torch_w1.py'))) return (torchProbe = 'needs bench/peers');
    const probe = spawnSync(python, ['-c', 'import torch'], { encoding: 'utf8', timeout: 60000 });
    return (torchProbe = probe.status === 0 ? null : 'PyTorch not installed (apt-get install python3-torch libopenblas0-pthread)');
  };
  const all: Peer[] = [
    ...s.precisions.flatMap((precision) => s.threads.map((threads): Peer => ({
      name: SELF, precision, threads, available: () => null,
      command: (c, h) => ({ cmd: process.execPath, args: [self, '__bench-engine', args(c, h, { simd: true, precision, threads })] }),
    }))),
    { name: 'rnn-playground (JS kernels)', precision: 'float64', threads: 1, available: () => null, command: (c, h) => ({ cmd: process.execPath, args: [self, '__bench-engine', args(c, h, { simd: false })] }) },
    // the same cell typed as equations (a custom cell): how much the user pays for defining a cell themselves
    { name: EQUATIONS_PEER, precision: 'float64', threads: 1, available: () => null, command: (c, h) => ({ cmd: process.execPath, args: [self, '__bench-engine', args(c, h, { simd: true, equations: true })] }) },
    {
      name: 'tfjs-cpu', precision: 'float32', threads: 1,
      available: () => (existsSync(join(peersDir, 'tfjs.mjs')) && hasModule('@tensorflow/tfjs') ? null : 'needs bench/peers and @tensorflow/tfjs (npm install in the repository)'),
      command: (c, h) => ({ cmd: process.execPath, args: [join(peersDir, 'tfjs.mjs'), args(c, h, { backend: 'cpu' })] }),
    },
    {
      name: 'tfjs-wasm', precision: 'float32', threads: 1,
      available: () => (existsSync(join(peersDir, 'tfjs.mjs')) && hasModule('@tensorflow/tfjs-backend-wasm') ? null : 'needs bench/peers and @tensorflow/tfjs-backend-wasm'),
      command: (c, h) => ({ cmd: process.execPath, args: [join(peersDir, 'tfjs.mjs'), args(c, h, { backend: 'wasm' })] }),
    },
    ...s.precisions.flatMap((precision) => s.threads.map((threads): Peer => ({
      name: 'pytorch', precision, threads, available: torchAvailable,
      command: (c, h) => ({
        cmd: python,
        args: [join(peersDir, 'torch_w1.py'), args(c, h, { dtype: precision, threads })],
        env: { ...process.env, LD_LIBRARY_PATH: '/usr/lib/x86_64-linux-gnu/openblas-pthread', OMP_NUM_THREADS: String(threads), OPENBLAS_NUM_THREADS: String(threads), OMP_WAIT_POLICY: 'PASSIVE' },
      }),
    }))),
  ];
  const peers = all.filter((p) => !s.peers || s.peers.includes(p.name) || p.name === SELF);
  const skipped: Record<string, string> = {};
  for (const p of peers) {
    if (p.name in skipped) continue;
    const why = p.available();
    if (why) skipped[p.name] = why;
  }
  const rows: BenchRow[] = [];
  for (const cell of s.cells) {
    for (const hidden of s.hidden) {
      const flops = w1Flops(cell, hidden);
      for (const p of peers) {
        const row: BenchRow = {
          cell, hidden, peer: p.name, precision: p.precision, threads: p.threads, stepsPerSec: null, median: null, min: null, max: null, gflops: null,
          ratio: null, target: null, met: null, note: skipped[p.name] ?? null,
        };
        rows.push(row);
        if (skipped[p.name]) continue;
        const { cmd, args: a, env } = p.command(cell, hidden, s);
        const label = `${cell} ${hidden}: ${p.name} ${p.precision} ${plural(p.threads, 'thread')}`;
        s.log(`  ${label} …`);
        const out = spawnSync(cmd, a, { encoding: 'utf8', env: env ?? process.env, timeout: 600_000, maxBuffer: 16 << 20 });
        const line = (out.stdout ?? '').trim().split('\n').filter((l) => l.startsWith('{')).pop();
        let parsed: { stepsPerSec?: number[]; error?: string; memory?: W1Memory } = {};
        try {
          parsed = line ? JSON.parse(line) : {};
        } catch {
          parsed = {};
        }
        if (!parsed.stepsPerSec?.length) {
          row.note = parsed.error ?? (out.error ? out.error.message : `exited with ${out.status}: ${(out.stderr ?? '').trim().split('\n').slice(-1)[0] ?? ''}`);
          continue;
        }
        row.stepsPerSec = parsed.stepsPerSec;
        if (parsed.memory) row.memory = parsed.memory;
        row.median = median(parsed.stepsPerSec);
        row.min = Math.min(...parsed.stepsPerSec);
        row.max = Math.max(...parsed.stepsPerSec);
        row.gflops = (row.median * flops) / 1e9;
        s.log(`  ${label}: ${num(row.median, 2)} steps/s`);
      }
      judge(rows.filter((r) => r.cell === cell && r.hidden === hidden));
    }
  }
  const missed = rows.filter((r) => r.met === false);
  const unmeasured = rows.filter((r) => r.target !== null && r.met === null);
  const text = [
    'Workload W1: batch 32, 100 steps, input 2, one layer, linear head on the last state, MSE, Adam, full BPTT.',
    'steps/s: median (min–max) over repeats; GFLOP/s counts the matrix products (forward and backward).',
    `ratio: ${SELF} rows ÷ PyTorch's best at the same precision; pytorch rows: ${SELF}'s best at that precision ÷ the row;`,
    `other peers: ${SELF} float64 on 1 thread ÷ the row (built-in ÷ equations for the equations rows).`,
    '',
    table(['cell', 'hidden', 'peer', 'precision', 'threads', 'steps/s', 'GFLOP/s', 'ratio', 'target', ''], rows.map((r) => [
      r.cell, String(r.hidden), r.peer, r.precision, String(r.threads),
      r.median !== null ? `${num(r.median, 2)} (${num(r.min, 2)}–${num(r.max, 2)})` : r.note ? 'not run' : 'failed',
      r.gflops !== null ? num(r.gflops, 2) : '—',
      r.ratio !== null ? `${num(r.ratio, 2)}×` : '—',
      r.target !== null ? (r.peer === EQUATIONS_PEER ? `≤ ${r.target}× (≥ 50%)` : `≥ ${r.target}×`) : '',
      r.met === null ? '' : r.met ? 'met' : 'MISSED',
    ])),
    ...memoryLines(rows),
    ...Object.entries(skipped).map(([p, why]) => `\n${p}: not run — ${why}`),
    ...rows.filter((r) => r.note && !skipped[r.peer]).map((r) => `\n${r.peer} ${r.precision} ${plural(r.threads, 'thread')} ${r.cell} ${r.hidden}: ${r.note}`),
    '',
    `${EQUATIONS_PEER}: the same cell typed as equations in a custom cell (src/engine/cells/custom/presets.ts); ratio = built-in ÷ equations.`,
    '',
    missed.length ? `Targets missed: ${missed.map((r) => `${r.cell} ${r.hidden} ${r.peer} ${r.precision} ${plural(r.threads, 'thread')} (${num(r.ratio, 2)}×${r.peer === SELF ? ' PyTorch' : ''} < ${r.target}×)`).join('; ')}` : unmeasured.length ? 'Some targets could not be measured (peer not run).' : 'All targets met.',
  ].join('\n');
  return { pass: true, report: { workload: 'W1', rows, skipped, targetsMet: missed.length === 0 && unmeasured.length === 0 }, text };
}
