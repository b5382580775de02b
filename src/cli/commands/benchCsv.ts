/**
 * CSV ingest benchmark: a numeric file (`rows` × 5 columns, a header, about 52 bytes a row) is written to the temp
 * directory, then each parser reads it into per-column Float64Arrays in its own child process, so that the peak RSS
 * reported is that parser's alone. Peers: csv-parse (streaming) and papaparse (streaming, chunk mode; with and
 * without fastMode), each converting cells with `Number`, plus a naive split-per-line reader for reference.
 * Our reader runs through the CLI's hidden command `__bench-csv JSON` (see `runCsvBenchChild`).
 */
import { spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { readCsv } from '../../data/csv';
import { num, table } from '../format';

/** One parser's measurement. */
export interface CsvBenchRow {
  parser: string;
  mbPerSec: number;
  seconds: number;
  /** Peak resident set size of the child process. */
  peakRssMb: number;
  /** Peak RSS minus the RSS before reading started. */
  rssGrowthMb: number;
  /** Sum of every numeric cell, to check the parsers agree. */
  checksum: number;
  rows: number;
  note: string | null;
}

/** Settings of `benchCsvIngest`. */
export interface CsvBenchOptions {
  rows: number;
  log: (s: string) => void;
  /** Parsers to run (default: all); names as in the report. */
  parsers?: string[];
  /** Script that serves the hidden `__bench-csv` command (default: the running CLI, `process.argv[1]`). */
  cliPath?: string;
  /** Runs per parser (default 3): the fastest run's time and the largest peak RSS are reported. */
  repeats?: number;
}

/** What a child prints as its last line. */
interface ChildResult {
  seconds?: number;
  peakRss?: number;
  baseRss?: number;
  checksum?: number;
  rows?: number;
  error?: string;
}

/** Arguments of the hidden `__bench-csv` command. */
interface ChildArgs {
  file: string;
}

const COLUMNS = ['t', 'price', 'ret', 'volume', 'x'];

/** A small seeded generator (splitmix32) so that the file is the same on every run. */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x9e3779b9) >>> 0;
    let z = a;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return ((z ^ (z >>> 16)) >>> 0) / 4294967296;
  };
}

/**
 * Writes the benchmark file: t (integer), price (4 decimals), ret (signed, 6 decimals), volume (integer) and x (a
 * full-precision double as `String` prints it), like a tick file exported from pandas. Returns its size in bytes;
 * when `sums` is given, adds `Number(cell)` of every cell to `sums[column]` in row order.
 */
export function writeBenchCsv(path: string, rows: number, sums?: number[]): number {
  const next = seeded(42);
  const fd = openSync(path, 'w');
  let bytes = 0;
  try {
    let out = `${COLUMNS.join(',')}\n`;
    let price = 100;
    for (let r = 0; r < rows; r++) {
      const ret = (next() - 0.5) * 0.002;
      price *= 1 + ret;
      const cells = [String(1700000000 + r), price.toFixed(4), ret.toFixed(6), String(Math.floor(next() * 10000)), String(next() * 100)];
      if (sums) for (let c = 0; c < cells.length; c++) sums[c] = (sums[c] ?? 0) + Number(cells[c]);
      out += `${cells.join(',')}\n`;
      if (out.length > 1 << 20) {
        bytes += writeSync(fd, out);
        out = '';
      }
    }
    bytes += writeSync(fd, out);
  } finally {
    closeSync(fd);
  }
  return bytes;
}

/** Hidden command `__bench-csv JSON`: reads the file with `readCsv` and prints one JSON line of measurements. */
export function runCsvBenchChild(json: string): void {
  let args: ChildArgs;
  try {
    args = JSON.parse(json) as ChildArgs;
  } catch {
    console.log(JSON.stringify({ error: `__bench-csv expects a JSON argument like {"file": "…"}; got ${json}` }));
    process.exitCode = 1;
    return;
  }
  const baseRss = process.memoryUsage().rss;
  const t0 = performance.now();
  readCsv(args.file).then(
    (t) => {
      const seconds = (performance.now() - t0) / 1000;
      let checksum = 0;
      for (const c of t.columns) {
        const v = c.values;
        if (v) for (let i = 0; i < v.length; i++) checksum += v[i];
      }
      const peakRss = process.resourceUsage().maxRSS * 1024;
      console.log(JSON.stringify({ seconds, peakRss, baseRss, checksum, rows: t.rowCount }));
    },
    (e: unknown) => {
      console.log(JSON.stringify({ error: e instanceof Error ? e.message : String(e) }));
      process.exitCode = 1;
    },
  );
}

/** Shared part of the peer scripts: growable Float64Array columns, timing and the result line. */
const PEER_PRELUDE = String.raw`
const fs = require('node:fs');
const { createRequire } = require('node:module');
const [file, root] = process.argv.slice(1);
const req = createRequire(root + '/package.json');
const baseRss = process.memoryUsage().rss;
const t0 = performance.now();
const cols = [];
let rows = 0, cap = 0;
function row(fields) {
  if (rows === cap) {
    cap = Math.max(1024, Math.ceil(cap * 1.5));
    for (let c = 0; c < fields.length; c++) { const a = new Float64Array(cap); if (cols[c]) a.set(cols[c]); cols[c] = a; }
  }
  for (let c = 0; c < fields.length; c++) cols[c][rows] = Number(fields[c]);
  rows++;
}
function done() {
  const seconds = (performance.now() - t0) / 1000;
  let checksum = 0;
  for (const a of cols) for (let i = 0; i < rows; i++) checksum += a[i];
  const peakRss = process.resourceUsage().maxRSS * 1024;
  console.log(JSON.stringify({ seconds, peakRss, baseRss, checksum, rows }));
}
`;

/** Inline scripts of the peers (CommonJS, run with `node -e SCRIPT FILE ROOT`). */
const PEER_SCRIPTS: Record<string, string> = {
  'csv-parse': `${PEER_PRELUDE}
const { parse } = req('csv-parse');
let header = true;
fs.createReadStream(file).pipe(parse({ skip_empty_lines: true }))
  .on('data', (r) => { if (header) { header = false; return; } row(r); })
  .on('end', done)
  .on('error', (e) => { console.log(JSON.stringify({ error: e.message })); });
`,
  papaparse: `${PEER_PRELUDE}
const Papa = req('papaparse');
let header = true;
Papa.parse(fs.createReadStream(file), {
  skipEmptyLines: true,
  chunk: (res) => { for (const r of res.data) { if (header) { header = false; continue; } row(r); } },
  complete: done,
  error: (e) => { console.log(JSON.stringify({ error: e.message })); },
});
`,
  'papaparse (fastMode)': `${PEER_PRELUDE}
const Papa = req('papaparse');
let header = true;
Papa.parse(fs.createReadStream(file), {
  skipEmptyLines: true, fastMode: true,
  chunk: (res) => { for (const r of res.data) { if (header) { header = false; continue; } row(r); } },
  complete: done,
  error: (e) => { console.log(JSON.stringify({ error: e.message })); },
});
`,
  'split per line (reference)': `${PEER_PRELUDE}
let carry = '', header = true;
const s = fs.createReadStream(file, { encoding: 'utf8', highWaterMark: 1 << 20 });
s.on('data', (chunk) => {
  const lines = (carry + chunk).split('\\n');
  carry = lines.pop();
  for (const line of lines) { if (header) { header = false; continue; } if (line) row(line.split(',')); }
});
s.on('end', () => { if (carry) row(carry.split(',')); done(); });
`,
};

/** The repository root (where node_modules is), found from the running script. */
function packageRoot(cliPath: string): string {
  let dir = resolve(dirname(cliPath));
  for (let i = 0; i < 5; i++) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    dir = dirname(dir);
  }
  return process.cwd();
}

/** Runs one child and turns its last JSON line into a row. */
function runChild(parser: string, cmd: string, args: string[], bytes: number): CsvBenchRow {
  const out = spawnSync(cmd, args, { encoding: 'utf8', timeout: 600_000, maxBuffer: 16 << 20 });
  const line = (out.stdout ?? '').trim().split('\n').filter((l) => l.startsWith('{')).pop();
  let r: ChildResult = {};
  try {
    r = line ? (JSON.parse(line) as ChildResult) : {};
  } catch {
    r = {};
  }
  const row: CsvBenchRow = { parser, mbPerSec: NaN, seconds: NaN, peakRssMb: NaN, rssGrowthMb: NaN, checksum: NaN, rows: 0, note: null };
  if (r.seconds === undefined || r.peakRss === undefined || r.baseRss === undefined) {
    const lastErr = (out.stderr ?? '').trim().split('\n').slice(-1)[0] ?? '';
    row.note = r.error ?? (out.error ? out.error.message : `exited with ${out.status}: ${lastErr}`);
    return row;
  }
  row.seconds = r.seconds;
  row.mbPerSec = bytes / 1e6 / r.seconds;
  row.peakRssMb = r.peakRss / 1e6;
  row.rssGrowthMb = (r.peakRss - r.baseRss) / 1e6;
  row.checksum = r.checksum ?? NaN;
  row.rows = r.rows ?? 0;
  return row;
}

/** Measures every parser on a generated file of `rows` rows; returns the rows and a printable table. */
export function benchCsvIngest(opts: CsvBenchOptions): { rows: CsvBenchRow[]; text: string } {
  const cli = opts.cliPath ?? process.argv[1] ?? '';
  const root = packageRoot(cli);
  const dir = mkdtempSync(join(tmpdir(), 'rnnpg-csv-bench-'));
  const file = join(dir, 'ticks.csv');
  const results: CsvBenchRow[] = [];
  try {
    opts.log(`writing ${opts.rows} rows × ${COLUMNS.length} columns to ${file} …`);
    const bytes = writeBenchCsv(file, opts.rows);
    const all = ['rnn-playground', ...Object.keys(PEER_SCRIPTS)];
    const chosen = all.filter((p) => !opts.parsers || opts.parsers.includes(p));
    const repeats = Math.max(1, opts.repeats ?? 3);
    for (let r = 0; r < repeats; r++) {
      for (const parser of chosen) {
        const row =
          parser === 'rnn-playground'
            ? runChild(parser, process.execPath, [cli, '__bench-csv', JSON.stringify({ file } satisfies ChildArgs)], bytes)
            : runChild(parser, process.execPath, ['-e', PEER_SCRIPTS[parser], file, root], bytes);
        opts.log(`  run ${r + 1}/${repeats} ${parser}: ${row.note ?? `${num(row.mbPerSec, 1)} MB/s, peak RSS ${num(row.peakRssMb, 0)} MB`}`);
        results.push(row);
      }
    }
    const best = chosen.map((parser) => bestOf(results.filter((row) => row.parser === parser)));
    return { rows: best, text: report(best, bytes, opts.rows, repeats) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** One row per parser from its runs: the fastest time, the largest peak RSS and growth. */
function bestOf(runs: CsvBenchRow[]): CsvBenchRow {
  const ok = runs.filter((r) => r.note === null);
  if (ok.length === 0) return runs[0];
  const fastest = ok.reduce((a, b) => (b.seconds < a.seconds ? b : a));
  return {
    ...fastest,
    peakRssMb: Math.max(...ok.map((r) => r.peakRssMb)),
    rssGrowthMb: Math.max(...ok.map((r) => r.rssGrowthMb)),
  };
}

/** The printable report. */
function report(rows: CsvBenchRow[], bytes: number, count: number, repeats: number): string {
  const numericMb = (count * COLUMNS.length * 8) / 1e6;
  const reference = rows.find((r) => r.parser === 'rnn-playground' && Number.isFinite(r.checksum))?.checksum;
  const agree = (r: CsvBenchRow): string => {
    if (reference === undefined || !Number.isFinite(r.checksum)) return '';
    return r.checksum === reference ? 'same sum' : `sum differs by ${num(r.checksum - reference, 3)}`;
  };
  return [
    `CSV ingest: ${count} rows × ${COLUMNS.length} numeric columns, ${num(bytes / 1e6, 1)} MB; numbers alone ${num(numericMb, 0)} MB.`,
    'Each parser reads the file into per-column Float64Arrays in its own process; peak RSS is that process\'s maximum,',
    `growth is peak minus the RSS before reading. Fastest of ${repeats} run${repeats === 1 ? '' : 's'}; largest RSS of them.`,
    '',
    table(
      ['parser', 'MB/s', 'seconds', 'peak RSS MB', 'growth MB', 'check'],
      rows.map((r) => [
        r.parser,
        r.note ? 'failed' : num(r.mbPerSec, 1),
        r.note ? '—' : num(r.seconds, 2),
        r.note ? '—' : num(r.peakRssMb, 0),
        r.note ? '—' : num(r.rssGrowthMb, 0),
        r.note ?? agree(r),
      ]),
    ),
  ].join('\n');
}
