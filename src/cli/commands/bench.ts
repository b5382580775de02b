/**
 * `rnn-playground bench` / `npm run bench`: workload W1 (batch 32, 100 steps, input 2, hidden 32 and 128, one layer,
 * linear head on the last state, MSE, Adam, full BPTT) on this engine and on its peers, side by side in one run:
 * @tensorflow/tfjs (cpu backend), @tensorflow/tfjs-backend-wasm, and PyTorch CPU when `import torch` works.
 * Every measurement runs in its own child process, one after another, single-threaded.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { num, table } from '../format';

/** Bench settings. */
export interface BenchSettings {
  cells: ('rnn' | 'lstm' | 'gru')[];
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
  stepsPerSec: number[] | null;
  median: number | null;
  min: number | null;
  max: number | null;
  gflops: number | null;
  ratio: number | null;
  target: number | null;
  met: boolean | null;
  note: string | null;
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

interface Peer {
  name: string;
  available: () => string | null;
  command: (cell: string, hidden: number, s: BenchSettings) => { cmd: string; args: string[]; env?: NodeJS.ProcessEnv };
}

/** The peer that runs each cell spelled out as equations. */
const EQUATIONS_PEER = 'rnn-playground (as equations)';

/** Runs the benchmark and returns the rows (ratios are this engine ÷ peer). */
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
  const all: Peer[] = [
    { name: 'rnn-playground', available: () => null, command: (c, h) => ({ cmd: process.execPath, args: [self, '__bench-engine', args(c, h, { simd: true })] }) },
    { name: 'rnn-playground (JS kernels)', available: () => null, command: (c, h) => ({ cmd: process.execPath, args: [self, '__bench-engine', args(c, h, { simd: false })] }) },
    // the same cell typed as equations (a custom cell): how much the user pays for defining a cell themselves
    { name: EQUATIONS_PEER, available: () => null, command: (c, h) => ({ cmd: process.execPath, args: [self, '__bench-engine', args(c, h, { simd: true, equations: true })] }) },
    {
      name: 'tfjs-cpu',
      available: () => (existsSync(join(peersDir, 'tfjs.mjs')) && hasModule('@tensorflow/tfjs') ? null : 'needs bench/peers and @tensorflow/tfjs (npm install in the repository)'),
      command: (c, h) => ({ cmd: process.execPath, args: [join(peersDir, 'tfjs.mjs'), args(c, h, { backend: 'cpu' })] }),
    },
    {
      name: 'tfjs-wasm',
      available: () => (existsSync(join(peersDir, 'tfjs.mjs')) && hasModule('@tensorflow/tfjs-backend-wasm') ? null : 'needs bench/peers and @tensorflow/tfjs-backend-wasm'),
      command: (c, h) => ({ cmd: process.execPath, args: [join(peersDir, 'tfjs.mjs'), args(c, h, { backend: 'wasm' })] }),
    },
    {
      name: 'pytorch',
      available: () => {
        if (!existsSync(join(peersDir, 'torch_w1.py'))) return 'needs bench/peers';
        const probe = spawnSync(python, ['-c', 'import torch'], { encoding: 'utf8', timeout: 60000 });
        return probe.status === 0 ? null : 'PyTorch not installed (apt-get install python3-torch libopenblas0-pthread)';
      },
      command: (c, h) => ({
        cmd: python,
        args: [join(peersDir, 'torch_w1.py'), args(c, h, {})],
        env: { ...process.env, LD_LIBRARY_PATH: '/usr/lib/x86_64-linux-gnu/openblas-pthread', OMP_NUM_THREADS: '1', OPENBLAS_NUM_THREADS: '1', OMP_WAIT_POLICY: 'PASSIVE' },
      }),
    },
  ];
  const peers = all.filter((p) => !s.peers || s.peers.includes(p.name) || (p.name === 'rnn-playground'));
  const skipped: Record<string, string> = {};
  for (const p of peers) {
    const why = p.available();
    if (why) skipped[p.name] = why;
  }
  const rows: BenchRow[] = [];
  for (const cell of s.cells) {
    for (const hidden of s.hidden) {
      const flops = w1Flops(cell, hidden);
      let ours: number | null = null;
      for (const p of peers) {
        const row: BenchRow = { cell, hidden, peer: p.name, stepsPerSec: null, median: null, min: null, max: null, gflops: null, ratio: null, target: null, met: null, note: skipped[p.name] ?? null };
        rows.push(row);
        if (skipped[p.name]) continue;
        const { cmd, args: a, env } = p.command(cell, hidden, s);
        s.log(`  ${cell} ${hidden}: ${p.name} …`);
        const out = spawnSync(cmd, a, { encoding: 'utf8', env: env ?? process.env, timeout: 600_000, maxBuffer: 16 << 20 });
        const line = (out.stdout ?? '').trim().split('\n').filter((l) => l.startsWith('{')).pop();
        let parsed: { stepsPerSec?: number[]; error?: string } = {};
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
        row.median = median(parsed.stepsPerSec);
        row.min = Math.min(...parsed.stepsPerSec);
        row.max = Math.max(...parsed.stepsPerSec);
        row.gflops = (row.median * flops) / 1e9;
        if (p.name === 'rnn-playground') ours = row.median;
        s.log(`  ${cell} ${hidden}: ${p.name} ${num(row.median, 2)} steps/s`);
      }
      for (const row of rows.filter((r) => r.cell === cell && r.hidden === hidden && r.peer !== 'rnn-playground')) {
        if (ours !== null && row.median) row.ratio = ours / row.median;
        if (row.peer === EQUATIONS_PEER) {
          // its target: at least half the built-in cell's steps/s (ratio built-in ÷ equations at most 2)
          row.target = 2;
          row.met = row.ratio !== null ? row.ratio <= 2 : null;
          if (row.ratio !== null) row.note = `${Math.round(100 / row.ratio)}% of the built-in ${cell}'s steps/s`;
          continue;
        }
        const t = TARGETS[row.peer];
        if (t && cell !== 'rnn') {
          row.target = t(hidden);
          row.met = row.ratio !== null ? row.ratio >= row.target : null;
        }
      }
    }
  }
  const missed = rows.filter((r) => r.met === false);
  const unmeasured = rows.filter((r) => r.target !== null && r.met === null);
  const text = [
    'Workload W1: batch 32, 100 steps, input 2, one layer, linear head on the last state, MSE, Adam, full BPTT; single-threaded.',
    'steps/s: median (min–max) over repeats; GFLOP/s counts the matrix products (forward and backward); ratio = this engine ÷ peer.',
    '',
    table(['cell', 'hidden', 'peer', 'steps/s', 'GFLOP/s', 'ratio', 'target', ''], rows.map((r) => [
      r.cell, String(r.hidden), r.peer,
      r.median !== null ? `${num(r.median, 2)} (${num(r.min, 2)}–${num(r.max, 2)})` : r.note ? 'not run' : 'failed',
      r.gflops !== null ? num(r.gflops, 2) : '—',
      r.ratio !== null ? `${num(r.ratio, 2)}×` : '—',
      r.target !== null ? (r.peer === EQUATIONS_PEER ? `≤ ${r.target}× (≥ 50%)` : `≥ ${r.target}×`) : '',
      r.met === null ? '' : r.met ? 'met' : 'MISSED',
    ])),
    ...Object.entries(skipped).map(([p, why]) => `\n${p}: not run — ${why}`),
    ...rows.filter((r) => r.note && !skipped[r.peer]).map((r) => `\n${r.peer} ${r.cell} ${r.hidden}: ${r.note}`),
    '',
    `${EQUATIONS_PEER}: the same cell typed as equations in a custom cell (src/engine/cells/custom/presets.ts); ratio = built-in ÷ equations.`,
    '',
    missed.length ? `Targets missed: ${missed.map((r) => `${r.cell} ${r.hidden} vs ${r.peer} (${num(r.ratio, 2)}× < ${r.target}×)`).join('; ')}` : unmeasured.length ? 'Some targets could not be measured (peer not run).' : 'All targets met.',
  ].join('\n');
  return { pass: true, report: { workload: 'W1', rows, skipped, targetsMet: missed.length === 0 && unmeasured.length === 0 }, text };
}
