/** `rnn-playground predict FILE --model M --out PRED.csv`: the model's predictions for every sequence, in data units. */
import { createWorkspace, forwardStack, headForward } from '../../engine/index';
import { plural } from '../../shared/protocol';
import { levelAfter, scaledSequence, stepValues } from '../../data/dataset';
import { tableForMeta } from '../../data/modelMeta';
import { csvField as field, FileExistsError, writeFileAtomic } from '../../data/writeFile';
import { UsageError } from '../errors';
import { dataset, loadTable, settingsFor, type Values } from './dataCommon';
import { loadModelFile, specFromModel } from './modelFile';

/** Runs the command. */
export async function predictCommand(given: string, v: Values, json: boolean) {
  // an experiment file names its CSV
  const file = settingsFor(given, {}).csvFile;
  if (typeof v.model !== 'string') throw new UsageError('predict needs --model MODEL.json (from train --save)');
  if (typeof v.out !== 'string') throw new UsageError('predict needs --out PRED.csv');
  const out = v.out;
  if (out === file) throw new UsageError('--out must not be the input file (the CSV is never written to)');
  const { model, data } = loadModelFile(v.model);
  const spec = { ...specFromModel(data as NonNullable<typeof data>, v.model, v), window: 'none' as const, validation: 0.2 };
  let tbl = await loadTable(file, json);
  try {
    tbl = tableForMeta(tbl, data as NonNullable<typeof data>);
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  const ds = dataset(tbl, spec);
  const cfg = model.config;
  if (cfg.inputSize !== ds.featureNames.length) throw new UsageError(`the model takes ${cfg.inputSize} inputs; ${file} gives ${ds.featureNames.length}`);
  const timeCol = data?.roles.time ? tbl.columns.find((c) => c.name === data.roles.time) : undefined;
  const P = ds.targetNames.length;
  const classes = ds.classes;
  const header = ['sequence', 'line', ...(timeCol ? [timeCol.name] : [])];
  if (classes) header.push('actual', 'predicted', ...classes.map((c) => `p_${c}`));
  else for (const t of ds.targetNames) header.push(`actual_${t}`, `predicted_${t}`);
  const lines: string[] = [header.map(field).join(',')];
  const timeText = (row: number): string[] => {
    if (!timeCol) return [];
    if (timeCol.values) return [timeCol.kind === 'date' ? new Date(timeCol.values[row]).toISOString() : String(timeCol.values[row])];
    return [timeCol.codes && timeCol.codes[row] >= 0 ? (timeCol.dictionary as string[])[timeCol.codes[row]] : ''];
  };
  let predictions = 0;
  let se = 0;
  let correct = 0;
  for (let si = 0; si < ds.sequences.length; si++) {
    const seq = ds.sequences[si];
    const { x, steps } = scaledSequence(ds, si);
    if (steps === 0) continue;
    const levels = classes ? [] : ds.columns.targets.map((c) => stepValues(ds, si, c));
    const ws = createWorkspace(cfg, steps, 1);
    const batch = { T: steps, B: 1, inputSize: cfg.inputSize, x, lengths: new Int32Array([steps]) };
    forwardStack(model, ws, batch);
    headForward(model, ws, batch);
    const emit = (rowIndex: number, outOff: number): void => {
      const row = seq.rows[rowIndex];
      const cells: (string | number)[] = [seq.id, tbl.lineOf(row), ...timeText(row)];
      if (classes) {
        const probs = classes.length === 2 && cfg.outputSize === 1
          ? [1 - 1 / (1 + Math.exp(-ws.Y[outOff])), 1 / (1 + Math.exp(-ws.Y[outOff]))]
          : softmax(ws.Y.subarray(outOff, outOff + cfg.outputSize));
        const pred = probs.indexOf(Math.max(...probs));
        const actual = seq.labels[rowIndex];
        if (pred === actual) correct++;
        cells.push(classes[actual], classes[pred], ...probs.map((p) => +p.toPrecision(6)));
      } else {
        for (let k = 0; k < P; k++) {
          // predicted changes become levels from the actual level before them (in the data's units)
          const change = ws.Y[outOff + k] * ds.scaler.targetStd[k] + ds.scaler.targetMean[k];
          const { levels: lv, previous } = levels[k];
          const before = rowIndex > 0 ? lv[rowIndex - 1] : previous;
          const pred = levelAfter(ds.transforms[ds.targetNames[k]] ?? 'none', change, before);
          const actual = lv[rowIndex];
          se += (pred - actual) ** 2;
          cells.push(actual, +pred.toPrecision(10));
        }
      }
      lines.push(cells.map(field).join(','));
      predictions++;
    };
    if (cfg.readout === 'last') emit(steps - 1, 0);
    else {
      const shift = ds.task === 'next-step' ? 1 : 0;
      for (let t = 0; t + shift < steps; t++) emit(t + shift, t * cfg.outputSize);
    }
  }
  try {
    writeFileAtomic(out, (append) => append(lines.join('\n') + '\n'), v.force === true);
  } catch (e) {
    if (e instanceof FileExistsError) throw new UsageError(e.message);
    throw new UsageError(`cannot write ${out}: ${(e as Error).message}`);
  }
  const report = {
    file, model: v.model, out, predictions, task: ds.task,
    mse: classes ? null : se / Math.max(1, predictions * P),
    accuracy: classes ? correct / Math.max(1, predictions) : null,
  };
  const text = `${plural(predictions, 'prediction')} written to ${out}${report.mse !== null ? `; MSE in data units ${report.mse.toPrecision(4)}` : `; accuracy ${((report.accuracy ?? 0) * 100).toFixed(1)}%`}`;
  return { pass: true, report, text };
}

function softmax(v: Float64Array): number[] {
  const max = Math.max(...v);
  const e = Array.from(v, (x) => Math.exp(x - max));
  const s = e.reduce((a, b) => a + b, 0);
  return e.map((x) => x / s);
}
