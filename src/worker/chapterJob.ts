/** The Chapter Lab's measurements: one claim of the chapter per request, with progress and Cancel. */
import { CHAPTER_HORIZON, deadUnitsClaim, gatesClaim, horizonClaim, HORIZON_CELLS, residualClaim, scalarClaim, tinyClaim, type ClaimContext } from '../data/chapter';
import { assertNever, type LabClaim, type LabParams, type LabResult } from '../shared/protocol';
import type { JobContext } from './jobCommon';

/** Measures `claim`; the lab's budgets are the CLI `chapter` command's. */
export function chapterJob(claim: LabClaim, params: LabParams, ctx: JobContext): LabResult {
  const c: ClaimContext = {
    progress: (fraction, message) => ctx.report({ phase: 'training', fraction, message }),
    stopped: ctx.stopped,
  };
  switch (claim) {
    case 'a': return { claim, figures: tinyClaim(params.tiny) };
    case 'b': return { claim, figures: scalarClaim(params.scalar?.wh, params.scalar?.activation, params.scalar?.maxT) };
    case 'c': {
      const cells = params.custom ? [...HORIZON_CELLS, { cell: 'custom' as const, equations: params.custom.equations }] : HORIZON_CELLS;
      return { claim, figures: horizonClaim(params.lengths ?? CHAPTER_HORIZON.lengths, CHAPTER_HORIZON.budget, cells, c) };
    }
    case 'd': return { claim, figures: gatesClaim(undefined, undefined, undefined, undefined, c) };
    case 'e': return { claim, figures: deadUnitsClaim(undefined, undefined, undefined, undefined, c) };
    case 'f': return { claim, figures: residualClaim(undefined, undefined, undefined, undefined, undefined, c) };
    default: return assertNever(claim);
  }
}
