/**
 * The memory horizon of each cell on a synthetic task: trained at several lengths with one budget, a length is
 * "solved" when the validation loss falls below 10% of the naive baseline's (the adding problem: the mean predictor's
 * MSE; copy and order: the cross-entropy of the training classes' frequencies); a cell's horizon is the longest length
 * it solved (0 when none). Used by `rnn-playground horizon`, `chapter` and the Chapter Lab.
 */
import { createModel, evaluate, modelConfig, train, type CellKind, type ModelConfig, type Sample } from '../engine/index';
import { addingProblem, makeTask } from './tasks';
import { classFrequencyBaseline } from './dataset';
import type { HorizonBudget, HorizonReport, HorizonResult } from './chapterTypes';

export type { HorizonBudget, HorizonReport, HorizonResult };

/** Solved: validation MSE below this share of the mean predictor's. */
export const SOLVED_SHARE = 0.1;

/** The default budget (the CLI's): about 2.5 minutes for four cells at 10, 20, 50, 100 steps on one core. */
export const HORIZON_BUDGET: HorizonBudget = { hiddenSize: 32, epochs: 20, train: 1000, validation: 200, batchSize: 32, learningRate: 0.01, seed: 1 };

/** A cell to measure: a kind, with the activation of a vanilla cell ("vanilla" alone is tanh). */
export interface HorizonCell {
  cell: CellKind | 'custom';
  activation?: 'tanh' | 'sigmoid' | 'relu';
  /** A custom cell's equations. */
  equations?: string[];
}

/** The tasks a horizon is measured on: what "length" means for each, and the shape of its network. */
export const HORIZON_TASKS = {
  adding: 'the adding problem: length = steps; sum the two marked numbers (regression)',
  copy: 'copy memory: length = blank steps between the 10 symbols and their recall (a class per step)',
  order: 'temporal order: length = steps; the order of the two relevant symbols (4 classes)',
} as const;

/** A task's name. */
export type HorizonTask = keyof typeof HORIZON_TASKS;

/** A task's samples at one length and the head it needs. */
function taskData(task: HorizonTask, length: number, count: number, seed: number): { samples: Sample[]; head: Pick<ModelConfig, 'inputSize' | 'outputSize' | 'readout' | 'loss'> } {
  if (task === 'adding') return { samples: addingProblem(length, count, seed), head: { inputSize: 2, outputSize: 1, readout: 'last', loss: 'mse' } };
  // copy and order: the generators' tables, one-hot inputs and class labels, regrouped into sequences
  const table = makeTask(task, { length, count, seed });
  const inputs = table.header.length - 3;
  const classes = new Map<string, number>();
  const bySequence = new Map<number, { x: number[]; y: number[] }>();
  for (const row of table.rows) {
    const s = bySequence.get(row[0] as number) ?? { x: [], y: [] };
    bySequence.set(row[0] as number, s);
    s.x.push(...(row.slice(2, 2 + inputs) as number[]));
    const label = String(row[row.length - 1]);
    if (!classes.has(label)) classes.set(label, task === 'copy' ? Number(label.slice(1)) : classes.size);
    s.y.push(classes.get(label) as number);
  }
  const K = task === 'copy' ? 9 : 4;
  const samples = [...bySequence.values()].map((s) => ({ x: Float64Array.from(s.x), y: Float64Array.from(task === 'copy' ? s.y : [s.y[s.y.length - 1]]) }));
  return { samples, head: { inputSize: inputs, outputSize: K, readout: task === 'copy' ? 'every' : 'last', loss: 'softmax' } };
}

/** The naive baseline's loss on the validation samples: the training mean (MSE) or the training class frequencies (cross-entropy). */
function baselineOf(tr: Sample[], va: Sample[], head: { loss: string; outputSize: number }): number {
  if (head.loss === 'mse') {
    const mean = tr.reduce((s, x) => s + x.y[0], 0) / tr.length;
    return va.reduce((s, x) => s + (x.y[0] - mean) ** 2, 0) / va.length;
  }
  return classFrequencyBaseline(tr, va, head.outputSize).loss;
}

/** Measures each cell's horizon; `progress` hears of every run before it starts, `stopped` ends the measurement early. */
export function memoryHorizon(cells: HorizonCell[], lengths: number[], budget: HorizonBudget,
  progress: (done: number, total: number, what: string) => void = () => {}, stopped: () => boolean = () => false, task: HorizonTask = 'adding'): HorizonReport {
  const report: HorizonReport = { task, lengths, budget, cells: [] };
  let done = 0;
  const total = cells.length * lengths.length;
  for (const { cell, activation = 'tanh', equations } of cells) {
    const results: HorizonResult[] = [];
    for (const length of lengths) {
      if (stopped()) return report;
      progress(done, total, `${cell}${cell === 'vanilla' ? ` (${activation})` : ''} at ${length} steps`);
      const { samples: tr, head } = taskData(task, length, budget.train, budget.seed);
      const va = taskData(task, length, budget.validation, budget.seed + 1).samples;
      const baselineLoss = baselineOf(tr, va, head);
      const model = createModel(modelConfig({ cell, activation, hiddenSize: budget.hiddenSize, ...head, ...(equations ? { equations } : {}) }), { seed: budget.seed, forgetBias1: cell === 'lstm' });
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
