/**
 * `rnn-playground horizon`: the memory horizon of each cell on the adding problem — trained at several sequence
 * lengths with the same budget, each length "solved" when the validation MSE falls below 10% of the mean predictor's;
 * a cell's horizon is the longest length it solved (0 when none). The chapter's claim, measured.
 */
import { CELL_KINDS, createModel, evaluate, isCellKind, modelConfig, train, type CellKind } from '../../engine/index';
import { addingProblem } from '../../data/tasks';
import { UsageError } from '../errors';
import { num, table } from '../format';
import { intOpt, list, type Values } from '../options';
import { createProgress } from '../progress';

/** One cell at one length. */
export interface HorizonResult {
  length: number;
  valLoss: number;
  baselineLoss: number;
  solved: boolean;
}

/** What `horizon --json` prints. */
export interface HorizonReport {
  task: 'adding';
  lengths: number[];
  budget: { hiddenSize: number; epochs: number; train: number; validation: number; batchSize: number; learningRate: number; seed: number };
  cells: { cell: string; horizon: number; results: HorizonResult[] }[];
}

/** Solved: validation MSE below this share of the mean predictor's. */
export const SOLVED_SHARE = 0.1;

/** Runs the command. */
export function horizonCommand(v: Values, quiet: boolean) {
  const task = typeof v.task === 'string' ? v.task : 'adding';
  if (task !== 'adding') throw new UsageError(`--task ${task}: only the adding problem has a horizon so far (copy and order are not measured yet)`);
  const lengths = list(v, 'lengths', ['10', '20', '50', '100']).map((s) => {
    const n = Number(s);
    if (!Number.isInteger(n) || n < 2 || n > 2000) throw new UsageError(`--lengths: each length must be a whole number from 2 to 2000; got "${s}"`);
    return n;
  });
  const cells = list(v, 'cells', ['vanilla', 'lstm', 'gru', 'gated']);
  for (const c of cells) if (!isCellKind(c)) throw new UsageError(`--cells: unknown cell "${c}" (${CELL_KINDS.join(', ')})`);
  const budget = {
    hiddenSize: intOpt(v, 'hidden', 32, 1, 1024), epochs: intOpt(v, 'epochs', 20, 1, 10000), train: intOpt(v, 'count', 1000, 10, 1_000_000),
    validation: 200, batchSize: 32, learningRate: 0.01, seed: intOpt(v, 'seed', 1, 0, 2 ** 31 - 1),
  };
  const bar = createProgress('horizon', quiet);
  const report: HorizonReport = { task: 'adding', lengths, budget, cells: [] };
  let done = 0;
  for (const cell of cells as CellKind[]) {
    const results: HorizonResult[] = [];
    for (const length of lengths) {
      bar.update(done / (cells.length * lengths.length), `${cell} at ${length} steps`);
      const tr = addingProblem(length, budget.train, budget.seed);
      const va = addingProblem(length, budget.validation, budget.seed + 1);
      // the mean predictor's loss on the validation set, with the training mean
      const mean = tr.reduce((s, x) => s + x.y[0], 0) / tr.length;
      const baselineLoss = va.reduce((s, x) => s + (x.y[0] - mean) ** 2, 0) / va.length;
      const model = createModel(modelConfig({ cell, activation: 'tanh', inputSize: 2, hiddenSize: budget.hiddenSize }), { seed: budget.seed, forgetBias1: cell === 'lstm' });
      train(model, tr, { epochs: budget.epochs, batchSize: budget.batchSize, optimizer: { kind: 'adam', lr: budget.learningRate, clip: 1 }, seed: budget.seed, validation: va, restoreBest: true });
      const valLoss = evaluate(model, va).loss;
      results.push({ length, valLoss, baselineLoss, solved: valLoss < SOLVED_SHARE * baselineLoss });
      done++;
    }
    report.cells.push({ cell, horizon: Math.max(0, ...results.filter((r) => r.solved).map((r) => r.length)), results });
  }
  bar.done();
  const text = [
    `Memory horizon on the adding problem: hidden ${budget.hiddenSize}, ${budget.epochs} epochs of ${budget.train} sequences (Adam, lr ${budget.learningRate}, clip 1, seed ${budget.seed}); solved = validation MSE below ${SOLVED_SHARE * 100}% of the mean predictor's`,
    '',
    table(['cell', ...lengths.map((l) => `${l} steps`), 'horizon'], report.cells.map((c) => [
      c.cell, ...c.results.map((r) => `${r.solved ? 'solved' : '—'} ${num(r.valLoss, 3)}`), c.horizon ? `${c.horizon} steps` : 'none',
    ])),
    '',
    'Each entry: solved or not, and the validation MSE (the mean predictor scores about 0.167).',
  ].join('\n');
  return { pass: true, report, text };
}
