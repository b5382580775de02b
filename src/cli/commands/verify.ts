/** `rnn-playground verify FILE`: the vanishing-gradient bound analysis on real rows of a CSV. */
import { analyseBound, cellOf, type BoundReport, type Model } from '../../engine/index';
import { plural } from '../../shared/protocol';
import { samplesInFileOrder, type Dataset, type SampleSource } from '../../data/dataset';
import { UsageError } from '../errors';
import { num, table } from '../format';
import { choice, dataset, intOpt, loadTable, numOpt, resolve, settingsFor, type Values } from './dataCommon';
import { experimentModel } from '../../data/settings';
import { tableForMeta } from '../../data/modelMeta';
import { memoryInfo } from '../../data/runSummary';
import { loadModelFile, specFromModel } from './modelFile';

const finiteOrNull = (a: number[] | null): (number | null)[] | null => (a ? a.map((x) => (Number.isFinite(x) ? x : null)) : null);

/** Runs the command. */
export async function verifyCommand(given: string, v: Values, json: boolean) {
  const { experiment, csvFile: file } = settingsFor(given, v);
  const raw = await loadTable(file, json);
  let tbl = raw;
  let model: Model;
  let ds: Dataset;
  let origin: string;
  if (typeof v.model === 'string') {
    const loaded = loadModelFile(v.model);
    model = loaded.model;
    const data = loaded.data as NonNullable<typeof loaded.data>;
    try {
      tbl = data ? tableForMeta(raw, data) : raw;
    } catch (e) {
      throw new UsageError((e as Error).message);
    }
    ds = dataset(tbl, specFromModel(data, v.model, v));
    origin = `trained model ${v.model}`;
  } else {
    const resolved = resolve(raw, experiment.data);
    tbl = resolved.table;
    ds = dataset(tbl, resolved.spec);
    try {
      model = experimentModel(experiment, ds);
    } catch (e) {
      throw new UsageError((e as Error).message);
    }
    origin = `untrained ${model.config.cell} (init ${experiment.model.init}, seed ${experiment.training.seed}; pass --model to analyse a trained one)`;
  }
  if (model.config.inputSize !== ds.model.inputSize) throw new UsageError(`the model takes ${model.config.inputSize} inputs; the data has ${ds.model.inputSize} features (${ds.featureNames.join(', ')})`);
  const all = samplesInFileOrder(ds);
  const k = intOpt(v, 'sequence', 1, 1, all.length);
  const chosen = all[k - 1];
  let report: BoundReport;
  try {
    report = analyseBound(model, chosen.sample.x, {
      layer: intOpt(v, 'layer', 0, 0, model.config.layers - 1),
      norm: choice(v, 'norm', 'spectral', ['spectral', 'frobenius'] as const),
      epsilon: numOpt(v, 'epsilon', 1e-6, 0, 1),
    });
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  const src: SampleSource = chosen.source;
  const out = {
    file, model: origin, sequence: { index: k, of: all.length, id: src.sequence, firstLine: tbl.lineOf(src.startRow), steps: src.length, split: chosen.split },
    holds: report.holds, worstRatio: report.worstRatio, worstLag: report.worstLag, steps: report.steps,
    effectiveMemory: report.effectiveMemory, epsilon: report.epsilon, verdict: report.verdict, warnings: report.warnings,
    dataMemory: memoryInfo(ds.dataMemory),
    cell: report.cell, activation: report.activation, norm: report.norm, measuredOf: report.measuredOf,
    normWh: report.normWh, rhoWh: report.rhoWh, gamma: report.gamma,
    lags: report.lags, measured: report.measured, loose: report.loose, tight: report.tight, additive: report.additive,
    measuredLog10: finiteOrNull(report.measuredLog10), looseLog10: finiteOrNull(report.looseLog10), tightLog10: finiteOrNull(report.tightLog10), additiveLog10: finiteOrNull(report.additiveLog10),
  };
  const pick = Array.from(new Set([1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, report.steps].filter((l) => l <= report.steps)));
  // values below the smallest double are shown from their log10
  const fmt = (a: number[] | null, i: number): string => {
    if (!a) return '—';
    const l = a[i];
    if (!Number.isFinite(l)) return l > 0 ? '∞' : '0';
    if (l > -300 && l < 300) return Math.pow(10, l).toExponential(2);
    const e = Math.floor(l);
    return `${Math.pow(10, l - e).toFixed(2)}e${e}`;
  };
  const text = [
    `${file}: sample ${k} of ${all.length} (sequence "${src.sequence}", from line ${tbl.lineOf(src.startRow)}, ${src.length} steps, ${chosen.split})`,
    `model: ${origin}`,
    `‖W_h‖₂ = ${num(report.normWh)}, ρ(W_h) = ${num(report.rhoWh)}${report.gamma !== null ? `, γ = ${report.gamma}` : ''}`,
    '',
    table(['lag T−t', `measured ${report.measuredOf}`, report.cell === 'vanilla' ? 'tight bound' : 'additive path ∏α', report.cell === 'vanilla' ? 'loose bound' : ''], pick.map((lag) => [
      String(lag), fmt(report.measuredLog10, lag - 1), report.cell === 'vanilla' ? fmt(report.tightLog10, lag - 1) : fmt(report.additiveLog10, lag - 1), report.cell === 'vanilla' ? fmt(report.looseLog10, lag - 1) : '',
    ])),
    '',
    `verdict: ${report.verdict}`,
    `effective memory (‖∂s_T/∂s_t‖ ≥ ${report.epsilon.toExponential(0)}): ${report.effectiveMemory} of ${report.steps} steps`,
    ...(ds.dataMemory ? [`the data remembers about ${plural(ds.dataMemory.lag, 'step')}; ${report.cell === 'custom' ? 'this custom cell' : cellOf(report.cell).noun.replace(/^the /, 'this ')}'s gradient still reaches ${report.effectiveMemory} of ${report.steps}`] : []),
    ...report.warnings.map((w) => `warning: ${w}`),
  ].join('\n');
  return { pass: report.holds !== false, report: out, text };
}
