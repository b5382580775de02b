/**
 * The chapter's claims, measured: each returns the figures and one sentence saying whether the claim held here and by
 * how much. The CLI's `chapter` prints them all on a small budget; the Chapter Lab runs them one at a time.
 *  a. the tiny RNN worked example (and the erratum)      d. holding state: gates over time on the adding problem
 *  b. the scalar RNN against the bound 0.225^(T−1)       e. ReLU: dead units with the default initialisation vs IRNN
 *  c. the memory horizon of each cell                    f. residual connections keep the first layers' gradient
 */
import {
  CELL_KINDS, cellOf, analyseBound, createModel, createWorkspace, evaluate, forwardStack, gatesOverTime, gradientProfile, modelConfig, scalarChain, tinyRnn, train,
  CHAPTER_TINY_RNN, type Activation, type GateSeries, type Model, type Sample, type TinyRnnParams, type TinyRnnResult,
} from '../engine/index';
import { HORIZON_BUDGET, memoryHorizon, SOLVED_SHARE, type HorizonBudget, type HorizonCell, type HorizonReport } from './horizon';
import { addingProblem } from './tasks';
import type { DeadUnitsClaim, DeadUnitsRun, GateRun, GatesClaim, HorizonClaim, ResidualClaim, ResidualRun, ScalarClaim, TinyClaim } from './chapterTypes';

export { CHAPTER_CLAIMS } from './chapterTypes';
export type { DeadUnitsClaim, DeadUnitsRun, GateRun, GatesClaim, HorizonClaim, ResidualClaim, ResidualRun, ScalarClaim, TinyClaim };

/** Progress and cancellation for the claims that train. */
export interface ClaimContext {
  progress?: (fraction: number, what: string) => void;
  stopped?: () => boolean;
}

const f3 = (v: number): string => (Math.abs(v) >= 1e-3 || v === 0 ? v.toPrecision(3) : v.toExponential(2));

// ── a. the tiny RNN ──

/** Claim a for the chapter's parameters, or for edited ones. */
export function tinyClaim(params: TinyRnnParams = CHAPTER_TINY_RNN): TinyClaim {
  const sigmoid = tinyRnn('sigmoid', params);
  const tanh = tinyRnn('tanh', params);
  const chapter = { h3: [0.81, 0.62], yHat: 1.43 };
  const same = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);
  const chapterParams = same(params.Wh, CHAPTER_TINY_RNN.Wh) && same(params.Wx, CHAPTER_TINY_RNN.Wx) && same(params.x, CHAPTER_TINY_RNN.x) && same(params.wy, CHAPTER_TINY_RNN.wy);
  const v = (r: TinyRnnResult): string => `h_${params.x.length} = (${r.h3.map((x) => x.toFixed(4)).join(', ')}), ŷ = ${r.yHat.toFixed(4)} → ${r.prediction}`;
  const matches = (r: TinyRnnResult): boolean => Math.abs(r.h3[0] - chapter.h3[0]) < 0.005 && Math.abs(r.h3[1] - chapter.h3[1]) < 0.005 && Math.abs(r.yHat - chapter.yHat) < 0.005;
  const held = sigmoid.prediction === 'trending' && tanh.prediction === 'trending';
  const sentence = chapterParams
    ? `The chapter's conclusion holds — both activations predict "trending" (sigmoid: ${v(sigmoid)}; tanh: ${v(tanh)}) — but its printed h_3 ≈ (0.81, 0.62) and ŷ ≈ 1.43 ${matches(sigmoid) || matches(tanh) ? 'match' : 'match neither activation (an erratum)'}.`
    : `With these parameters: sigmoid ${v(sigmoid)}; tanh ${v(tanh)}.`;
  return { params, sigmoid, tanh, chapter, chapterParams, held: chapterParams ? held : true, sentence };
}

// ── b. the scalar RNN ──

/** Claim b for T = 2 … maxT. */
export function scalarClaim(wh = 0.9, activation: Activation = 'sigmoid', maxT = 100): ScalarClaim {
  const lengths = Array.from({ length: maxT - 1 }, (_, i) => i + 2);
  const { factor, rows } = scalarChain(wh, activation, lengths);
  const held = rows.every((r) => r.measured <= r.bound * (1 + 1e-9));
  const last = rows[rows.length - 1];
  const slope = activation === 'sigmoid' ? 'σ′ ≤ 0.25' : activation === 'tanh' ? 'tanh′ ≤ 1' : 'relu′ ≤ 1';
  const sentence = held
    ? `The bound holds at every T from 2 to ${maxT}: ∂h_T/∂h_1 stays at or under (${slope} × |w_h| = ${f3(factor)})^(T−1); at T = ${last.T} it is ${f3(last.measured)} against the bound ${f3(last.bound)}${factor < 1 ? ' — the gradient from step 1 has vanished' : ''}.`
    : `The bound fails: at T = ${rows.find((r) => r.measured > r.bound * (1 + 1e-9))?.T} the measured value exceeds it.`;
  return { wh, activation, factor, rows, held, sentence };
}

// ── c. the memory horizon ──

/** The cells of claim c: the vanilla RNN with tanh and with sigmoid, then the gated families. */
export const HORIZON_CELLS: HorizonCell[] = [
  { cell: 'vanilla', activation: 'tanh' }, { cell: 'vanilla', activation: 'sigmoid' },
  // every other cell of the registry, with its first activation when it has a choice
  ...CELL_KINDS.filter((k) => k !== 'vanilla').map((cell) => ({ cell, activation: (cellOf(cell).activations?.[0] ?? 'tanh') as HorizonCell['activation'] })),
];

/** Claim c: the vanilla cells' horizons are shorter than the gated cells' best. */
export function horizonClaim(lengths = [5, 10, 20, 50, 100, 200], budget: HorizonBudget = HORIZON_BUDGET, cells: HorizonCell[] = HORIZON_CELLS, ctx: ClaimContext = {}): HorizonClaim {
  const report = memoryHorizon(cells, lengths, budget, (done, total, what) => ctx.progress?.(done / total, what), ctx.stopped);
  const name = (c: HorizonReport['cells'][number]): string => (c.cell === 'vanilla' ? `vanilla ${c.activation}` : c.cell);
  const vanilla = report.cells.filter((c) => c.cell === 'vanilla');
  const gated = report.cells.filter((c) => c.cell === 'lstm' || c.cell === 'gru' || c.cell === 'gated');
  const bestVanilla = Math.max(0, ...vanilla.map((c) => c.horizon));
  const bestGated = Math.max(0, ...gated.map((c) => c.horizon));
  const held = gated.length > 0 && vanilla.length > 0 && bestGated > bestVanilla;
  const list = report.cells.map((c) => `${name(c)} ${c.horizon ? `${c.horizon} steps` : 'none'}`).join(', ');
  const sentence = `${held ? 'Holds' : 'Does not hold here'}: horizons (longest length solved, validation MSE under ${SOLVED_SHARE * 100}% of the mean predictor's) — ${list}; `
    + `budget ${budget.epochs} epochs of ${budget.train} sequences, hidden ${budget.hiddenSize}.`;
  return { report, held, sentence };
}

// ── d. holding state ──

/** The gate that writes and the one that keeps, per cell. */
const WRITE_KEEP: Record<'lstm' | 'gated', { write: string; keep: string }> = { lstm: { write: 'i', keep: 'f' }, gated: { write: 'beta', keep: 'alpha' } };

/** Claim d on the adding problem of `length` steps. */
export function gatesClaim(length = 20, epochs = 15, hiddenSize = 32, seed = 3, ctx: ClaimContext = {}): GatesClaim {
  const tr = addingProblem(length, 1000, seed);
  const va = addingProblem(length, 100, seed + 1);
  const mean = tr.reduce((s, x) => s + x.y[0], 0) / tr.length;
  const baselineLoss = va.reduce((s, x) => s + (x.y[0] - mean) ** 2, 0) / va.length;
  const runs: GateRun[] = [];
  for (const [k, cell] of (['lstm', 'gated'] as const).entries()) {
    ctx.progress?.(k / 2, `training ${cell} on the adding problem (${length} steps)`);
    const model = createModel(modelConfig({ cell, coupled: false, inputSize: 2, hiddenSize }), { seed, forgetBias1: cell === 'lstm' });
    train(model, tr, { epochs, batchSize: 32, optimizer: { kind: 'adam', lr: 0.01, clip: 1 }, seed, validation: va, restoreBest: true, shouldStop: ctx.stopped });
    const sums: Record<string, { at: number; atN: number; off: number; offN: number }> = {};
    let shown: GateSeries[] = [];
    for (const [j, s] of va.entries()) {
      const gates = gatesOverTime(model, s) as GateSeries[];
      if (j === 0) shown = gates;
      const marks = markersOf(s);
      for (const g of gates) {
        const acc = (sums[g.name] ??= { at: 0, atN: 0, off: 0, offN: 0 });
        g.mean.forEach((v, t) => {
          if (marks.includes(t)) { acc.at += v; acc.atN++; } else { acc.off += v; acc.offN++; }
        });
      }
    }
    const atMarkers = Object.fromEntries(Object.entries(sums).map(([n, a]) => [n, a.at / a.atN]));
    const between = Object.fromEntries(Object.entries(sums).map(([n, a]) => [n, a.off / a.offN]));
    runs.push({ cell, valLoss: evaluate(model, va).loss, baselineLoss, markers: markersOf(va[0]), gates: shown, atMarkers, between });
  }
  ctx.progress?.(1, 'done');
  const parts = runs.map((r) => {
    const { write, keep } = WRITE_KEEP[r.cell];
    const sym = (n: string): string => r.gates.find((g) => g.name === n)?.symbol ?? n;
    return { r, opens: r.atMarkers[write] > r.between[write], text: `${r.cell === 'lstm' ? 'LSTM' : 'gated cell'}: write gate ${sym(write)} ${f3(r.atMarkers[write])} at the markers vs ${f3(r.between[write])} between; keep gate ${sym(keep)} ${f3(r.between[keep])} between vs ${f3(r.atMarkers[keep])} at the markers (validation MSE ${f3(r.valLoss)}, baseline ${f3(r.baselineLoss)})` };
  });
  const held = parts.every((p) => p.opens);
  return { length, runs, held, sentence: `${held ? 'Holds' : 'Does not hold here'}: the write gate opens at the two marked steps and the state is kept in between — ${parts.map((p) => p.text).join('; ')}.` };
}

/** The marked steps of an adding-problem sequence. */
function markersOf(s: Sample): number[] {
  const out: number[] = [];
  for (let t = 0; t < s.x.length / 2; t++) if (s.x[t * 2 + 1] === 1) out.push(t);
  return out;
}

// ── e. ReLU: γ = 1 and dead units ──

/** The share of units of layer 0 that are never positive on any step of the samples. */
export function deadShare(model: Model, samples: Sample[]): number {
  const cfg = model.config;
  const m = cfg.hiddenSize;
  const alive = new Uint8Array(m);
  for (const s of samples) {
    const T = s.x.length / cfg.inputSize;
    const ws = createWorkspace(cfg, T, 1);
    forwardStack(model, ws, { T, B: 1, inputSize: cfg.inputSize, x: s.x, lengths: new Int32Array([T]) });
    const h = ws.layers[0].h; // [T + 1, 1, m], h[0] = h0
    for (let i = m; i < h.length; i++) if (h[i] > 0) alive[i % m] = 1;
  }
  return alive.reduce((n, a) => n + (a ? 0 : 1), 0) / m;
}

/** Claim e: a ReLU RNN with the default initialisation against IRNN (identity W_h, zero bias), on the adding problem. */
export function deadUnitsClaim(length = 20, epochs = 5, hiddenSize = 32, seed = 5, ctx: ClaimContext = {}): DeadUnitsClaim {
  const tr = addingProblem(length, 500, seed);
  const va = addingProblem(length, 100, seed + 1);
  const runs: DeadUnitsRun[] = [];
  for (const [k, init] of (['pytorch', 'identity'] as const).entries()) {
    ctx.progress?.(k / 2, `training a ReLU RNN with ${init === 'identity' ? 'IRNN' : 'the default'} initialisation`);
    const model = createModel(modelConfig({ cell: 'vanilla', activation: 'relu', inputSize: 2, hiddenSize }), { seed, kind: init });
    const shares = [deadShare(model, va)];
    train(model, tr, {
      epochs, batchSize: 32, optimizer: { kind: 'sgd', lr: 0.01, clip: 1 }, seed, shouldStop: ctx.stopped,
      onEpoch: () => shares.push(deadShare(model, va)),
    });
    const bound = analyseBound(model, va[0].x);
    runs.push({ init, label: init === 'identity' ? 'IRNN (identity W_h)' : 'ReLU RNN, default initialisation', deadShare: shares, effectiveMemory: bound.effectiveMemory, valLoss: evaluate(model, va).loss });
  }
  ctx.progress?.(1, 'done');
  const [plain, irnn] = runs;
  const held = irnn.effectiveMemory > plain.effectiveMemory;
  const pct = (v: number): string => `${(v * 100).toFixed(0)}%`;
  const deadLast = (r: DeadUnitsRun): number => r.deadShare[r.deadShare.length - 1];
  const more = deadLast(irnn) > deadLast(plain);
  return {
    length, runs, held,
    sentence: `${held ? 'Holds' : 'Does not hold here'}: with W_h = I and relu′ = 1 on the live units, IRNN carries the gradient ${irnn.effectiveMemory} steps back against ${plain.effectiveMemory} for the default initialisation `
      + `(validation MSE ${f3(irnn.valLoss)} vs ${f3(plain.valLoss)}). Units that never fire, before training and after each epoch: default ${plain.deadShare.map(pct).join(' → ')}, IRNN ${irnn.deadShare.map(pct).join(' → ')}`
      + `${more ? ' — more of IRNN\'s units are dead here: on these non-negative inputs a unit whose input weights are negative has nothing to lift it, and W_h = I keeps it at 0' : ''}.`,
  };
}

// ── f. residual connections ──

/** Mean ‖∂L/∂h_t‖ per layer over some samples. */
function layerGradients(model: Model, samples: Sample[]): number[] {
  return Array.from({ length: model.config.layers }, (_, l) => {
    let sum = 0;
    let n = 0;
    for (const s of samples) {
      const p = gradientProfile(model, s, l);
      for (const v of p.stepNorms) { sum += v; n++; }
    }
    return n ? sum / n : 0;
  });
}

/** Claim f: a deep vanilla stack with and without residual connections (y = x + F(x)), on the adding problem. */
export function residualClaim(layers = 8, length = 20, epochs = 3, hiddenSize = 16, seed = 7, ctx: ClaimContext = {}): ResidualClaim {
  const tr = addingProblem(length, 400, seed);
  const va = addingProblem(length, 50, seed + 1);
  const probe = va.slice(0, 10);
  const runs: ResidualRun[] = [];
  for (const [k, residual] of [false, true].entries()) {
    ctx.progress?.(k / 2, `training ${layers} layers ${residual ? 'with' : 'without'} residual connections`);
    const model = createModel(modelConfig({ cell: 'vanilla', activation: 'tanh', inputSize: 2, hiddenSize, layers, residual }), { seed });
    const norms = [layerGradients(model, probe)];
    train(model, tr, { epochs, batchSize: 32, optimizer: { kind: 'adam', lr: 0.003, clip: 1 }, seed, shouldStop: ctx.stopped, onEpoch: () => norms.push(layerGradients(model, probe)) });
    runs.push({ residual, layerNorms: norms, valLoss: evaluate(model, va).loss });
  }
  ctx.progress?.(1, 'done');
  const [plain, res] = runs;
  const first = (r: ResidualRun): number => r.layerNorms[r.layerNorms.length - 1][0];
  const last = (r: ResidualRun): number => r.layerNorms[r.layerNorms.length - 1][layers - 1];
  const held = first(res) > first(plain);
  return {
    layers, runs, held,
    sentence: `${held ? 'Holds' : 'Does not hold here'}: after training, the first layer's ‖∂L/∂h‖ is ${f3(first(res))} with residual connections against ${f3(first(plain))} without (${f3(first(res) / first(plain))}×); `
      + `the last layer's ${f3(last(res))} and ${f3(last(plain))} — the identity path carries the gradient down the stack.`,
  };
}

// ── all claims ──

/** The small budget of `rnn-playground chapter` for the claims that train (claim c: four lengths, a lighter budget). */
export const CHAPTER_HORIZON = { lengths: [5, 10, 20, 50], budget: { ...HORIZON_BUDGET, hiddenSize: 32, epochs: 12, train: 600 } };
