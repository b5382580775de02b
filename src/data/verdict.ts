/**
 * One verdict for every run, in words: did the model beat its naive baseline, by how much, and if not, the likely
 * reason and one concrete next step (with the settings that take it, for a button). The CLI, the worker's run summary,
 * Compare, the notifications, the side view, the status bar and the Training view all read this one judgement.
 *
 * better      validation loss at most 0.9× the baseline's (classification: or accuracy 2 points above the majority
 *             rate and the loss not above the baseline's)
 * no better   within 10% of the baseline
 * worse       more than 1.1× the baseline
 * diverged    the run hit a non-finite loss or gradient
 * stopped     cancelled before the planned epochs
 */
import { cellOf, isCellKind, type TrainResult } from '../engine/index';
import type { Dataset } from './dataset';
import { num } from './words';

/** The five verdicts. */
export type VerdictKind = 'better' | 'no better' | 'worse' | 'diverged' | 'stopped';

/** Why a run did not beat its baseline. */
export type ReasonKind = 'returns-like' | 'trend' | 'diverged' | 'unstable' | 'overfitting' | 'too-few-samples' | 'constant-target' | 'undertrained' | 'stopped';

/** The judgement of one run. */
export interface Verdict {
  verdict: VerdictKind;
  /** Validation loss ÷ baseline loss (null when either is not finite). */
  ratio: number | null;
  /** What happened, in one sentence. */
  headline: string;
  /** The likely reason the model did not beat the baseline, or null. */
  reason: string | null;
  reasonKind: ReasonKind | null;
  /** One concrete next step, or null. */
  hint: string | null;
  /** That step as settings to write into the experiment (a button's label and its changes), or null. */
  action: { label: string; changes: { field: string; value: unknown }[] } | null;
}

/** What the verdict reads about a run and its data (plain values, from the CLI or the worker). */
export interface RunFacts {
  /** The model, in words ("LSTM"). */
  model: string;
  task: 'next-step' | 'regress' | 'classify';
  status: 'completed' | 'early-stopped' | 'cancelled' | 'diverged';
  epochs: number;
  epochsPlanned: number;
  trainLoss: number;
  valLoss: number;
  baselineLoss: number;
  /** The baseline in words ("repeat the last value"). */
  baseline: string;
  accuracy: number | null;
  baselineAccuracy: number | null;
  /** The engine's divergence message (names the epoch, batch and parameter), when it diverged. */
  divergence: string | null;
  divergenceEpoch: number | null;
  trainSamples: number;
  /** The lag after which the target's partial autocorrelation stays inside the 95% band (0: no memory), or null. */
  dataMemory: number | null;
  /** The largest partial autocorrelation of the target as the model sees it, in absolute value, or null. */
  memoryStrength: number | null;
  /** A target kept as levels whose validation values leave its training range, with the share outside. */
  outsideRange: { column: string; share: number; above: boolean; positive: boolean } | null;
  learningRate: number;
  hiddenSize: number;
}

const fmt = (x: number): string => (Number.isFinite(x) ? num(x) : String(x));
const pct = (x: number): string => `${(100 * x).toFixed(1)}%`;

/** How much better or worse, in words: "2.6× lower", "1.4× higher", "about the same". */
function factor(ratio: number): string {
  if (ratio < 1) return `${fmt(1 / ratio)}× lower than`;
  if (ratio > 1) return `${fmt(ratio)}× higher than`;
  return 'equal to';
}

/** Judges a run against its baseline. */
export function judgeRun(f: RunFacts): Verdict {
  const ratio = Number.isFinite(f.valLoss) && Number.isFinite(f.baselineLoss) && f.baselineLoss > 0 ? f.valLoss / f.baselineLoss : null;
  const losses = `validation loss ${fmt(f.valLoss)} vs ${fmt(f.baselineLoss)} for the baseline (${f.baseline})`;
  const accuracy = f.accuracy !== null && f.baselineAccuracy !== null ? `; accuracy ${pct(f.accuracy)} vs ${pct(f.baselineAccuracy)} for the majority class` : '';
  const none = { reason: null, reasonKind: null, hint: null, action: null } as const;

  if (f.status === 'diverged' || !Number.isFinite(f.valLoss)) {
    const lr = Math.max(1e-6, f.learningRate / 4);
    return {
      verdict: 'diverged', ratio: null,
      headline: `${f.model} diverged${f.divergenceEpoch !== null ? ` in epoch ${f.divergenceEpoch}` : ''}: the training produced numbers too large to represent`,
      reason: f.divergence ? f.divergence.split(/\.\s/)[0].replace(/\.$/, '') : 'the loss or a gradient became infinite or not a number', reasonKind: 'diverged',
      hint: `lower the learning rate (now ${fmt(f.learningRate)}) to ${fmt(lr)}; gradient clipping also helps`,
      action: { label: `Use Learning Rate ${fmt(lr)}`, changes: [{ field: 'training.learningRate', value: lr }] },
    };
  }
  const better = ratio !== null && (ratio <= 0.9 || (f.task === 'classify' && f.accuracy !== null && f.baselineAccuracy !== null && f.accuracy >= f.baselineAccuracy + 0.02 && ratio <= 1));
  const kind: VerdictKind = f.status === 'cancelled' ? 'stopped' : better ? 'better' : ratio !== null && ratio > 1.1 ? 'worse' : 'no better';
  const headline = f.status === 'cancelled'
    ? `${f.model} stopped after ${f.epochs} of ${f.epochsPlanned} epochs: ${losses}${accuracy}`
    : better
      ? `${f.model} beats the baseline: validation loss ${fmt(f.valLoss)} is ${factor(ratio as number)} the baseline's ${fmt(f.baselineLoss)} (${f.baseline})${accuracy}`
      : kind === 'worse'
        ? `${f.model} is worse than the baseline: ${losses}${ratio !== null ? `, ${fmt(ratio)}× the baseline` : ''}${accuracy}`
        : `${f.model} is no better than the baseline: ${losses}${accuracy}`;
  if (better) return { verdict: kind, ratio, headline, ...none };
  if (kind === 'stopped') {
    return { verdict: kind, ratio, headline, reason: 'the run was stopped before its planned epochs', reasonKind: 'stopped', hint: 'train again and let it finish', action: null };
  }
  return { verdict: kind, ratio, headline, ...reasonFor(f, ratio) };
}

/** The likely reason a run that finished did not beat its baseline, and one next step. */
function reasonFor(f: RunFacts, ratio: number | null): Pick<Verdict, 'reason' | 'reasonKind' | 'hint' | 'action'> {
  if (f.baselineLoss < 1e-12) {
    return {
      reason: 'the target does not change in the validation rows, so repeating it is already perfect', reasonKind: 'constant-target',
      hint: 'choose a target that varies (the Data view\'s roles)', action: null,
    };
  }
  if (f.trainSamples < 30) {
    const h = Math.max(2, Math.floor(f.hiddenSize / 2));
    return {
      reason: `only ${f.trainSamples} training sample${f.trainSamples === 1 ? '' : 's'}: too few to learn a recurrent model from`, reasonKind: 'too-few-samples',
      hint: `use more data, or a smaller model (hidden size ${h})`,
      action: f.hiddenSize > 2 ? { label: `Use Hidden Size ${h}`, changes: [{ field: 'model.hiddenSize', value: h }] } : null,
    };
  }
  if (f.outsideRange) {
    const o = f.outsideRange;
    const t = o.positive ? 'log-returns' : 'diff';
    return {
      reason: `"${o.column}" trends: ${Math.round(100 * o.share)}% of its validation values lie ${o.above ? 'above' : 'below'} anything seen in training, and a model of levels cannot extrapolate`,
      reasonKind: 'trend',
      hint: `model "${o.column}" as its changes (${t}); predictions still come back as levels`,
      action: { label: `Model ${o.column} as Changes`, changes: [{ field: 'data.transforms', value: { [o.column]: t } }] },
    };
  }
  // losses far above the scale of the (z-scored) target, or of chance for classification: the steps blew the model up
  if (Number.isFinite(f.trainLoss) && f.trainLoss > 10 * Math.max(f.baselineLoss, 1) && (ratio === null || ratio > 10)) {
    const lr = Math.max(1e-6, f.learningRate / 4);
    return {
      reason: `the losses blew up (training ${fmt(f.trainLoss)}, validation ${fmt(f.valLoss)}, far above the baseline's ${fmt(f.baselineLoss)}): the steps are too large for this model, so the gradients explode`,
      reasonKind: 'unstable',
      hint: `lower the learning rate (now ${fmt(f.learningRate)}) to ${fmt(lr)}; gradient clipping also helps`,
      action: { label: `Use Learning Rate ${fmt(lr)}`, changes: [{ field: 'training.learningRate', value: lr }] },
    };
  }
  if (f.task !== 'classify' && (f.dataMemory === 0 || (f.memoryStrength !== null && f.memoryStrength < 0.1))) {
    return {
      reason: f.dataMemory === 0
        ? 'the target shows no memory — no partial autocorrelation outside the 95% band — so, like market returns, its next value is not predictable from its past; no model is expected to beat the baseline here'
        : `the target's memory is faint (no partial autocorrelation above ${(f.memoryStrength as number).toFixed(2)}): like market returns, its next value is hardly predictable from its past; no model is expected to beat the baseline by much here`,
      reasonKind: 'returns-like', hint: 'this is expected for returns-like series; add inputs that carry information about the future, or try a series with memory', action: null,
    };
  }
  if (Number.isFinite(f.trainLoss) && f.trainLoss < 0.5 * f.valLoss && (ratio === null || ratio > 0.9)) {
    const h = Math.max(2, Math.floor(f.hiddenSize / 2));
    return {
      reason: `the model fits the training rows (loss ${fmt(f.trainLoss)}) far better than the validation rows (${fmt(f.valLoss)}): it overfits`, reasonKind: 'overfitting',
      hint: `a smaller model (hidden size ${h}) or more data`,
      action: f.hiddenSize > 2 ? { label: `Use Hidden Size ${h}`, changes: [{ field: 'model.hiddenSize', value: h }] } : null,
    };
  }
  if (f.status === 'early-stopped') {
    // more epochs would stop the same way: the validation loss had stopped improving
    return {
      reason: 'the validation loss stopped improving early without getting below the baseline, so more epochs would not help',
      reasonKind: 'undertrained',
      hint: 'compare the other cells on this data (Compare Cells), or add inputs that carry more information about the target',
      action: null,
    };
  }
  const epochs = Math.min(100000, Math.max(2 * f.epochsPlanned, f.epochs + 20));
  return {
    reason: f.trainLoss >= 0.9 * f.baselineLoss
        ? 'the training loss is no lower than the baseline either: the model has not learned the pattern yet'
        : 'the model learned the training rows a little but not enough to beat the baseline on new ones',
    reasonKind: 'undertrained',
    hint: `train longer (${epochs} epochs) or raise the learning rate (now ${fmt(f.learningRate)})`,
    action: { label: `Train ${epochs} Epochs`, changes: [{ field: 'training.epochs', value: epochs }] },
  };
}

/** "The LSTM": the cell's noun from the registry, starting a sentence. */
function modelNoun(kind: string): string {
  const noun = kind === 'custom' ? 'your custom cell' : cellOf(kind).noun;
  return noun.charAt(0).toUpperCase() + noun.slice(1);
}

/**
 * The facts of a finished run on a dataset: `settings` the cell and the training settings it ran with, `before` the
 * epochs of the run it continued (Step One Epoch) and `planned` the epochs it was given.
 */
export function runFacts(ds: Dataset, settings: { cell: string; learningRate: number; hiddenSize: number }, result: Pick<TrainResult, 'status' | 'epochs' | 'divergence'>,
  losses: { trainLoss: number; valLoss: number; accuracy: number | null }, before: number, planned: number): RunFacts {
  return {
    model: isCellKind(settings.cell) || settings.cell === 'custom' ? modelNoun(settings.cell) : settings.cell, task: ds.task, status: result.status, epochs: before + result.epochs.length, epochsPlanned: before + planned,
    trainLoss: losses.trainLoss, valLoss: losses.valLoss, baselineLoss: ds.baseline.loss, baseline: ds.baseline.kind.replace(/ \(loss:.*\)$/, ''),
    accuracy: losses.accuracy, baselineAccuracy: ds.baseline.accuracy,
    divergence: result.divergence?.message ?? null, divergenceEpoch: result.divergence ? before + result.divergence.epoch : null,
    trainSamples: ds.train.length, dataMemory: ds.dataMemory?.lag ?? null, outsideRange: ds.outsideRange,
    memoryStrength: ds.dataMemory ? Math.max(0, ...ds.dataMemory.modelled.pacf.map(Math.abs)) : null,
    learningRate: settings.learningRate, hiddenSize: settings.hiddenSize,
  };
}
