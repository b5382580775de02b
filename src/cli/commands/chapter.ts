/**
 * `rnn-playground chapter`: every claim of the chapter (a–f) measured on a small budget, each with its statement, the
 * figures and a sentence saying whether it held here. Claim g (the bound on your data) is `verify FILE`.
 */
import { CHAPTER_CLAIMS, CHAPTER_HORIZON, deadUnitsClaim, gatesClaim, horizonClaim, residualClaim, scalarClaim, tinyClaim } from '../../data/chapter';
import { HORIZON_CELLS } from '../../data/chapter';
import { createProgress } from '../progress';
import type { Values } from '../options';

/** Runs the command. */
export function chapterCommand(_v: Values, quiet: boolean) {
  const bar = createProgress('chapter', quiet);
  const stage = (k: number, what: string) => (f: number, w: string): void => bar.update((k + f) / 6, `${what}: ${w}`);
  const t0 = Date.now();
  const a = tinyClaim();
  const b = scalarClaim();
  const c = horizonClaim(CHAPTER_HORIZON.lengths, CHAPTER_HORIZON.budget, HORIZON_CELLS, { progress: stage(2, 'c') });
  const d = gatesClaim(undefined, undefined, undefined, undefined, { progress: stage(3, 'd') });
  const e = deadUnitsClaim(undefined, undefined, undefined, undefined, { progress: stage(4, 'e') });
  const f = residualClaim(undefined, undefined, undefined, undefined, undefined, { progress: stage(5, 'f') });
  bar.done();
  const measured = { a, b, c, d, e, f } as const;
  const claims = CHAPTER_CLAIMS.filter((k) => k.id !== 'g').map((k) => {
    const m = measured[k.id as keyof typeof measured];
    return { id: k.id, title: k.title, statement: k.statement, held: m.held, sentence: m.sentence, figures: m };
  });
  const seconds = (Date.now() - t0) / 1000;
  const text = [
    `The chapter's claims, measured here (${seconds.toFixed(0)} s):`,
    ...claims.flatMap((k) => ['', `${k.id}. ${k.title} — ${k.held ? 'held' : 'did not hold'}`, `   The chapter: ${k.statement}`, `   Here: ${k.sentence}`]),
    '',
    'g. The bound on your data: rnn-playground verify FILE.csv',
  ].join('\n');
  return { pass: true, report: { claims, seconds }, text };
}
