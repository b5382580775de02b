/**
 * Child process of the data-layer fuzzer: runs cases `shard`, `shard + shards`, … below `count` (or the one case
 * `only`), reports progress to the parent (which kills it when a case hangs), then a summary.
 * Arguments: seed shard shards count [only].
 */
import { checkCase, describeCase, makeCase } from './csvFuzz';

/** One broken promise, with the case that broke it. */
export interface FuzzFailure {
  index: number;
  failure: string;
  description: string;
}

/** What a shard reports when it is done. */
export interface ShardSummary {
  cases: number;
  kinds: Record<string, number>;
  generators: Record<string, number>;
  mutations: Record<string, number>;
  injections: number;
  checkedInjections: number;
  failures: FuzzFailure[];
  slowest: { index: number; ms: number; rows: number }[];
  ms: number;
}

/** Messages to the parent. */
export type WorkerMessage = { type: 'start'; index: number } | { type: 'done'; summary: ShardSummary };

const [seed, shard, shards, count, only] = process.argv.slice(2).map(Number);
const send = (m: WorkerMessage): void => void process.send?.(m);
const summary: ShardSummary = { cases: 0, kinds: {}, generators: {}, mutations: {}, injections: 0, checkedInjections: 0, failures: [], slowest: [], ms: 0 };
const bump = (o: Record<string, number>, k: string): void => void (o[k] = (o[k] ?? 0) + 1);
const t0 = performance.now();
const indices = Number.isInteger(only) ? (only % shards === shard ? [only] : []) : Array.from({ length: Math.ceil((count - shard) / shards) }, (_, k) => shard + k * shards);
for (const i of indices) {
  send({ type: 'start', index: i });
  const c = makeCase(seed, i);
  const o = checkCase(c);
  summary.cases++;
  bump(summary.kinds, o.kind);
  bump(summary.generators, c.generator.startsWith('real-') ? 'real' : c.generator);
  for (const m of c.mutations) bump(summary.mutations, m);
  summary.injections += c.injections.length;
  summary.checkedInjections += o.checkedInjections;
  // more than 2 s, or more than 0.2 ms a cell beyond the first second: not linear in the rows
  if (o.ms > 2000 + 0.2 * c.cells) o.failures.push(`took ${o.ms.toFixed(0)} ms for ${c.rows} rows (${c.cells} cells)`);
  summary.slowest.push({ index: i, ms: o.ms, rows: c.rows });
  summary.slowest.sort((a, b) => b.ms - a.ms).splice(5);
  for (const f of o.failures) if (summary.failures.length < 400) summary.failures.push({ index: i, failure: f, description: describeCase(c, seed) });
}
summary.ms = performance.now() - t0;
process.send?.({ type: 'done', summary } satisfies WorkerMessage, () => process.disconnect());
