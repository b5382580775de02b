/** `rnn-playground golden FILE`: compares the engine with a PyTorch reference file. */
import { readFileSync } from 'node:fs';
import { runGolden, type GoldenReport } from '../../engine/index';
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

/** Runs the comparison; returns the report and whether it passed. */
export function goldenCommand(file: string, tolerance: number) {
  const doc = readJsonFile(file);
  let r: GoldenReport;
  try {
    r = runGolden(doc);
  } catch (e) {
    throw new UsageError(`${file}: ${(e as Error).message}`);
  }
  const pass = r.maxAbsErr <= tolerance;
  const rows = r.cases.map((c) => {
    const worst = c.items.reduce((a, b) => (b.maxAbsErr > a.maxAbsErr ? b : a));
    return [c.model, c.init, String(c.items.reduce((s, i) => s + i.count, 0)), num(c.maxAbsErr), worst.name, c.maxAbsErr <= tolerance ? 'ok' : 'FAIL'];
  });
  const s = r.sizes;
  const text = [
    `PyTorch reference ${file}: input ${s.inputSize}, hidden ${s.hiddenSize}, ${s.steps} steps, batch ${s.batch}, ${s.outputs} head outputs`,
    '',
    table(['model', 'h0', 'values', 'max |error|', 'worst quantity', ''], rows),
    ...(r.skipped.length ? ['', ...r.skipped.map((x) => `skipped ${x}`)] : []),
    '',
    `${pass ? 'PASS' : 'FAIL'}: worst absolute error ${num(r.maxAbsErr)} over ${r.compared} values (tolerance ${num(tolerance)})`,
  ].join('\n');
  return { pass, report: { file, tolerance, pass, ...r }, text };
}
