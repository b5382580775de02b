/** `rnn-playground golden FILE`: compares the engine with a PyTorch reference file. */
import { readFileSync } from 'node:fs';
import { runGolden, type GoldenReport, type Precision } from '../../engine/index';
import { UsageError } from '../errors';
import { num, table } from '../format';

/** Reads and parses a JSON file, turning every failure into a UsageError that names the file. */
export function readJsonFile(file: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new UsageError(`cannot read ${file}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message}`);
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new UsageError(`${file} is not valid JSON: ${(e as Error).message}`);
  }
}

/** The dtype a reference file says it was made in (make_golden.py records it). */
function fileDtype(doc: unknown): string | null {
  const g = (doc as { generator?: { dtype?: unknown } } | null)?.generator;
  return typeof g?.dtype === 'string' ? g.dtype : null;
}

/**
 * Runs the comparison; returns the report and whether it passed. A float64 file is judged by the worst absolute error
 * (default 1e-12); a float32 file (make_golden.py --dtype float32) is checked with float32 products and judged by the
 * worst error relative to each quantity's largest value (default 1e-5).
 */
export function goldenCommand(file: string, tolerance: number | undefined, precision: Precision | undefined) {
  const doc = readJsonFile(file);
  const p: Precision = precision ?? (fileDtype(doc) === 'float32' ? 'float32' : 'float64');
  const relative = p === 'float32';
  const tol = tolerance ?? (relative ? 1e-5 : 1e-12);
  let r: GoldenReport;
  try {
    r = runGolden(doc, p);
  } catch (e) {
    throw new UsageError(`${file}: ${(e as Error).message}`);
  }
  const err = (x: { maxAbsErr: number; maxRelErr: number }): number => (relative ? x.maxRelErr : x.maxAbsErr);
  const pass = err(r) <= tol;
  const rows = r.cases.map((c) => {
    const worst = c.items.reduce((a, b) => (err(b) > err(a) ? b : a));
    return [c.model, c.init, String(c.items.reduce((s, i) => s + i.count, 0)), num(err(worst)), worst.name, err(worst) <= tol ? 'ok' : 'FAIL'];
  });
  const s = r.sizes;
  const text = [
    `PyTorch reference ${file}: input ${s.inputSize}, hidden ${s.hiddenSize}, ${s.steps} steps, batch ${s.batch}, ${s.outputs} head outputs`,
    '',
    table(['model', 'h0', 'values', relative ? 'max relative error' : 'max |error|', 'worst quantity', ''], rows),
    ...(r.skipped.length ? ['', ...r.skipped.map((x) => `skipped ${x}`)] : []),
    '',
    `${pass ? 'PASS' : 'FAIL'}: worst ${relative ? 'relative' : 'absolute'} error ${num(err(r))} over ${r.compared} values, ${p} products (tolerance ${num(tol)})`,
  ].join('\n');
  return { pass, report: { file, tolerance: tol, pass, ...r }, text };
}
