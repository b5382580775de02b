/**
 * `rnn-playground horizon`: the memory horizon of each cell on the adding problem — trained at several sequence
 * lengths with the same budget, each length "solved" when the validation MSE falls below 10% of the mean predictor's;
 * a cell's horizon is the longest length it solved (0 when none). The chapter's claim, measured.
 */
import { CELL_KINDS, isCellKind, type CellKind } from '../../engine/index';
import { HORIZON_BUDGET, HORIZON_TASKS, memoryHorizon, SOLVED_SHARE, type HorizonTask } from '../../data/horizon';
import { UsageError } from '../errors';
import { num, table } from '../format';
import { intOpt, list, type Values } from '../options';
import { createProgress } from '../progress';

export type { HorizonReport, HorizonResult } from '../../data/horizon';

/** Runs the command. */
export function horizonCommand(v: Values, quiet: boolean) {
  const task = typeof v.task === 'string' ? v.task : 'adding';
  if (!(task in HORIZON_TASKS)) throw new UsageError(`--task ${task}: one of ${Object.keys(HORIZON_TASKS).join(', ')}`);
  const least = task === 'order' ? 8 : task === 'copy' ? 1 : 2;
  const lengths = list(v, 'lengths', ['10', '20', '50', '100']).map((s) => {
    const n = Number(s);
    if (!Number.isInteger(n) || n < least || n > 2000) throw new UsageError(`--lengths: each length must be a whole number from ${least} to 2000 for the ${task} task; got "${s}"`);
    return n;
  });
  const cells = list(v, 'cells', ['vanilla', 'lstm', 'gru', 'gated']);
  for (const c of cells) if (!isCellKind(c)) throw new UsageError(`--cells: unknown cell "${c}" (${CELL_KINDS.join(', ')})`);
  const budget = {
    ...HORIZON_BUDGET, hiddenSize: intOpt(v, 'hidden', HORIZON_BUDGET.hiddenSize, 1, 1024), epochs: intOpt(v, 'epochs', HORIZON_BUDGET.epochs, 1, 10000),
    train: intOpt(v, 'count', HORIZON_BUDGET.train, 10, 1_000_000), seed: intOpt(v, 'seed', HORIZON_BUDGET.seed, 0, 2 ** 31 - 1),
  };
  const bar = createProgress('horizon', quiet);
  const report = memoryHorizon((cells as CellKind[]).map((cell) => ({ cell })), lengths, budget, (done, total, what) => bar.update(done / total, what), undefined, task as HorizonTask);
  bar.done();
  const text = [
    `Memory horizon on ${HORIZON_TASKS[task as HorizonTask]}: hidden ${budget.hiddenSize}, ${budget.epochs} epochs of ${budget.train} sequences (Adam, lr ${budget.learningRate}, clip 1, seed ${budget.seed}); solved = validation loss below ${SOLVED_SHARE * 100}% of the baseline's (${task === 'adding' ? 'the mean predictor\'s MSE' : 'the cross-entropy of the training class frequencies'})`,
    '',
    table(['cell', ...lengths.map((l) => `${l} steps`), 'horizon'], report.cells.map((c) => [
      c.cell, ...c.results.map((r) => `${r.solved ? 'solved' : '—'} ${num(r.valLoss, 3)}`), c.horizon ? `${c.horizon} steps` : 'none',
    ])),
    '',
    `Each entry: solved or not, and the validation loss (the baseline: ${num(report.cells[0]?.results[0]?.baselineLoss ?? NaN, 3)} at ${lengths[0]}${task === 'adding' ? ' steps' : ''}).`,
  ].join('\n');
  return { pass: true, report, text };
}
