/**
 * Training memory on a big numeric file: the CSV ingest benchmark's file (5 numeric columns, about 52 bytes a row)
 * written at a given size (300 MB by default), then `train FILE --epochs 1` run in a child process through the hidden
 * command `__bench-train`, which reports its peak resident set size. The figure that matters is peak RSS ÷ the size of
 * the file's numbers (rows × columns × 8 bytes): the table itself is one such size, so 2× leaves one more for
 * everything else (the scaled samples the model reads, the engine, Node itself).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { num } from '../format';
import { writeBenchCsv } from './benchCsv';
import { trainCommand } from './train';

/** What the memory benchmark measured. */
export interface MemoryBenchRow {
  fileMb: number;
  rows: number;
  /** rows × 5 columns × 8 bytes. */
  numbersMb: number;
  peakRssMb: number;
  /** peak RSS ÷ numbers. */
  ratio: number;
  seconds: number;
  trainSamples: number;
  note: string | null;
}

/** Hidden command `__bench-train JSON`: trains one epoch on the file and prints one JSON line with the peak RSS. */
export async function runTrainBenchChild(json: string): Promise<void> {
  const args = JSON.parse(json) as { file: string };
  const t0 = performance.now();
  try {
    const r = await trainCommand(args.file, { epochs: '1', save: undefined }, true);
    const peakRss = process.resourceUsage().maxRSS * 1024;
    console.log(JSON.stringify({ peakRss, seconds: (performance.now() - t0) / 1000, trainSamples: r.report.samples.train }));
  } catch (e) {
    console.log(JSON.stringify({ error: e instanceof Error ? e.message : String(e) }));
    process.exitCode = 1;
  }
}

/** Writes a file of about `megabytes` and trains on it in a child process; returns the measurement and a report. */
export function benchTrainMemory(opts: { megabytes: number; log: (s: string) => void; cliPath?: string }): { row: MemoryBenchRow; text: string } {
  const cli = opts.cliPath ?? process.argv[1] ?? '';
  const dir = mkdtempSync(join(tmpdir(), 'rnnpg-mem-bench-'));
  const file = join(dir, 'big.csv');
  const rows = Math.max(1000, Math.round((opts.megabytes * 1e6) / 52));
  try {
    opts.log(`writing ${rows.toLocaleString('en')} rows × 5 columns (about ${opts.megabytes} MB) to ${file} …`);
    const bytes = writeBenchCsv(file, rows);
    opts.log('training one epoch on it (train FILE --epochs 1) …');
    const out = spawnSync(process.execPath, [cli, '__bench-train', JSON.stringify({ file })], { encoding: 'utf8', timeout: 1_800_000, maxBuffer: 16 << 20 });
    const line = (out.stdout ?? '').trim().split('\n').filter((l) => l.startsWith('{')).pop();
    const r = line ? (JSON.parse(line) as { peakRss?: number; seconds?: number; trainSamples?: number; error?: string }) : {};
    const numbersMb = (rows * 5 * 8) / 1e6;
    const row: MemoryBenchRow = {
      fileMb: bytes / 1e6, rows, numbersMb, peakRssMb: (r.peakRss ?? NaN) / 1e6, ratio: (r.peakRss ?? NaN) / 1e6 / numbersMb,
      seconds: r.seconds ?? NaN, trainSamples: r.trainSamples ?? 0,
      note: r.peakRss === undefined ? r.error ?? `exited with ${out.status}: ${(out.stderr ?? '').trim().split('\n').slice(-1)[0] ?? ''}` : null,
    };
    const text = row.note
      ? `Training memory: failed — ${row.note}`
      : [
        `Training memory: ${num(row.fileMb, 0)} MB file, ${rows.toLocaleString('en')} rows × 5 numeric columns (numbers alone ${num(numbersMb, 0)} MB);`,
        `train --epochs 1 (${row.trainSamples.toLocaleString('en')} training windows) in ${num(row.seconds, 1)} s: peak RSS ${num(row.peakRssMb, 0)} MB = ${num(row.ratio, 2)}× the numbers (goal ≤ 2×${row.ratio <= 2 ? ', met' : ', MISSED'}).`,
      ].join('\n');
    return { row, text };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
