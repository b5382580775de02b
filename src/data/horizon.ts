/**
 * The memory horizon of each cell on the adding problem: trained at several sequence lengths with one budget, a
 * length is "solved" when the validation MSE falls below 10% of the mean predictor's; a cell's horizon is the longest
 * length it solved (0 when none). Used by `rnn-playground horizon`, `chapter` and the Chapter Lab.
 */
import { createModel, evaluate, modelConfig, train, type CellKind } from '../engine/index';
import { addingProblem } from './tasks';
import type { HorizonBudget, HorizonReport, HorizonResult } from './chapterTypes';

export type { HorizonBudget, HorizonReport, HorizonResult };

/** Solved: validation MSE below this share of the mean predictor's. */
export const SOLVED_SHARE = 0.1;

/** The default budget (the CLI's): about 2.5 minutes for four cells at 10, 20, 50, 100 steps on one core. */
export const HORIZON_BUDGET: HorizonBudget = { hiddenSize: 32, epochs: 20, train: 1000, validation: 200, batchSize: 32, learningRate: 0.01, seed: 1 };

/** A cell to measure: a kind, with the activation of a vanilla cell ("vanilla" alone is tanh). */
export interface HorizonCell {
  cell: CellKind;
  activation?: 'tanh' | 'sigmoid' | 'relu';
}

/** Measures each cell's horizon; `progress` hears of every run before it starts, `stopped` ends the measurement early. */
export function memoryHorizon(cells: HorizonCell[], lengths: number[], budget: HorizonBudget,
  progress: (done: number, total: number, what: string) => void = () => {}, stopped: () => boolean = () => false): HorizonReport {
  const report: HorizonReport = { task: 'adding', lengths, budget, cells: [] };
  let done = 0;
  const total = cells.length * lengths.length;
  for (const { cell, activation = 'tanh' } of cells) {
    const results: HorizonResult[] = [];
    for (const length of lengths) {
      if (stopped()) return report;
      progress(done, total, `${cell}${cell === 'vanilla' ? ` (${activation})` : ''} at ${length} steps`);
      const tr = addingProblem(length, budget.train, budget.seed);
      const va = addingProblem(length, budget.validation, budget.seed + 1);
      // the mean predictor's loss on the validation set, with the training mean
      const mean = tr.reduce((s, x) => s + x.y[0], 0) / tr.length;
      const baselineLoss = va.reduce((s, x) => s + (x.y[0] - mean) ** 2, 0) / va.length;
      const model = createModel(modelConfig({ cell, activation, inputSize: 2, hiddenSize: budget.hiddenSize }), { seed: budget.seed, forgetBias1: cell === 'lstm' });
      train(model, tr, { epochs: budget.epochs, batchSize: budget.batchSize, optimizer: { kind: 'adam', lr: budget.learningRate, clip: 1 }, seed: budget.seed, validation: va, restoreBest: true, shouldStop: stopped });
      const valLoss = evaluate(model, va).loss;
      results.push({ length, valLoss, baselineLoss, solved: valLoss < SOLVED_SHARE * baselineLoss });
      done++;
    }
    report.cells.push({ cell, activation, horizon: Math.max(0, ...results.filter((r) => r.solved).map((r) => r.length)), results });
  }
  progress(done, total, 'done');
  return report;
}
