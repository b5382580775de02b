/**
 * Words every surface shares: the CLI, the data layer's messages, the extension's notifications and the webviews write
 * numbers and counts alike (re-exported to the webviews by src/shared/protocol.ts).
 */
/** "1 step", "3 steps", "1,200 sequences"; `many` for irregular plurals ("1 series", "2 series"). */
export function plural(n: number, word: string, many = `${word}s`): string {
  return `${n.toLocaleString('en')} ${n === 1 ? word : many}`;
}

/**
 * A number for people, the one format of every surface: 4 significant digits without trailing zeros ("0.5", "3.5",
 * "0.4571"; thousands grouped from 10,000: "84,340"), exponent form outside [1e-3, 1e6) ("5.42e-6"); "—" for none or not finite.
 */
export function num(x: number | null | undefined): string {
  if (x === null || x === undefined || !Number.isFinite(x)) return '—';
  if (x === 0) return '0';
  const a = Math.abs(x);
  if (a >= 1e4 && a < 1e6) return Number(x.toPrecision(4)).toLocaleString('en');
  if (a >= 1e-3 && a < 1e6) return String(Number(x.toPrecision(4)));
  const [m, e] = x.toExponential(2).split('e');
  return `${String(Number(m))}e${Number(e)}`;
}
