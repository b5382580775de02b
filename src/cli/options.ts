/** Turning util.parseArgs values into checked numbers and choices; every failure is a usage error naming the flag. */
import { UsageError } from './errors';

/** Parsed option values as util.parseArgs returns them. */
export type Values = Record<string, string | boolean | undefined>;

/** Integer option in [lo, hi]. */
export function intOpt(v: Values, name: string, def: number, lo: number, hi: number): number {
  const raw = v[name];
  if (raw === undefined) return def;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < lo || n > hi) throw new UsageError(`--${name} must be a whole number from ${lo} to ${hi}; got "${String(raw)}"`);
  return n;
}

/** Number option in (lo, hi]. */
export function numOpt(v: Values, name: string, def: number, lo = 0, hi = Infinity): number {
  const raw = v[name];
  if (raw === undefined) return def;
  const n = Number(raw);
  if (!Number.isFinite(n) || n <= lo || n > hi) throw new UsageError(`--${name} must be a number above ${lo}${Number.isFinite(hi) ? ` and at most ${hi}` : ''}; got "${String(raw)}"`);
  return n;
}

/** One of the allowed strings. */
export function choice<T extends string>(v: Values, name: string, def: T, allowed: readonly T[]): T {
  const raw = v[name];
  if (raw === undefined) return def;
  if (!allowed.includes(raw as T)) throw new UsageError(`--${name} must be one of ${allowed.join(', ')}; got "${String(raw)}"`);
  return raw as T;
}

/** A comma-separated list option. */
export function list(v: Values, name: string, def: string[]): string[] {
  const raw = v[name];
  return typeof raw === 'string' ? raw.split(',').map((s) => s.trim()).filter(Boolean) : def;
}
