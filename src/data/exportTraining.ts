/**
 * A PyTorch training project (`export --training`, and Export Model's "with training" choice): besides the model
 * export (model.json, state_dict.json, model.py), the first weights of the run (initial_state_dict.json), the plan
 * of its data and training (training.json: what the data layer decided, the optimiser, every epoch's sample order and
 * losses), data.py (reads the CSV with that plan), train.py (trains as the playground did: --check, --world-size)
 * and a README. The data are rebuilt here from the CSV with the saved settings and must equal, bit for bit, the
 * samples the run trained on (their digest is in the model file), so the project describes that run and no other.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { createModel, createRng, toStateDict, type Model } from '../engine/index';
import type { CsvTable } from './csvTypes';
import { buildDataset, DataError, sequenceRuns, type Dataset, type SampleSource } from './dataset';
import { exportModelFiles } from './exportModel';
import type { ModelDataMeta } from './modelMeta';
import { specFromMeta } from './modelMeta';
import { DATA_PY } from './pytorch/dataPy';
import { TRAIN_PY } from './pytorch/trainPy';
import { trainingReadme } from './pytorch/readme';
import { samplesDigest, type ModelRunMeta } from './runMeta';
import { FileExistsError, writeFileAtomic } from './writeFile';

/** Why a model cannot be exported with its training (the message says what to do). */
export class TrainingExportError extends Error {}

/** The files of a training project. */
export interface TrainingFiles {
  model: string;
  stateDict: string;
  script: string;
  initial: string;
  plan: string;
  data: string;
  train: string;
  readme: string;
}

/** The model file's parts a training export reads. */
export interface SavedRun {
  model: Model;
  meta: { data?: ModelDataMeta; run?: ModelRunMeta | null; [key: string]: unknown } | undefined;
}

/** The CSV a saved run read (absolute), or an error saying why the run cannot be exported with its training. */
export function trainingCsv(saved: SavedRun, modelFile: string): string {
  const data = saved.meta?.data;
  const run = saved.meta?.run;
  if (!data || !run) {
    throw new TrainingExportError(`${modelFile} has no record of the run that trained it (saved before this version, or continued without its optimiser state): train it again and save it to export its training`);
  }
  if (data.layout) throw new TrainingExportError(`${modelFile} was trained on a wide layout (columns read as periods); its training cannot be exported yet — export the model alone`);
  return resolve(data.file);
}

/** The plan of training.json for a saved run on its table; throws TrainingExportError when the data differ. */
export function trainingPlan(saved: SavedRun, table: CsvTable, modelFile: string, folder: string): { plan: Record<string, unknown>; initial: Model } {
  const data = saved.meta?.data as ModelDataMeta;
  const run = saved.meta?.run as ModelRunMeta;
  const config = saved.model.config;
  let ds: Dataset;
  try {
    ds = buildDataset(table, { ...specFromMeta(data, run.missing), validation: run.validation });
  } catch (e) {
    if (e instanceof DataError) throw new TrainingExportError(`${table.file} no longer gives the data ${modelFile} was trained on: ${e.message}`);
    throw e;
  }
  if (samplesDigest(ds) !== run.dataDigest) {
    throw new TrainingExportError(`${table.file} has changed since ${modelFile} was trained (its samples differ from the ones the run used): train again to export the training`);
  }
  const longest = Math.max(...ds.train.map((s) => s.x.length / config.inputSize));
  if (run.options.precision === 'float32') {
    throw new TrainingExportError(`${modelFile} was trained with float32 matrix products; train.py replays float64 training to 1e-9 — export the model alone, or train with training.precision float64`);
  }
  if (run.options.tbptt > 0 && run.options.tbptt < longest) {
    throw new TrainingExportError(`${modelFile} was trained with truncated BPTT (chunks of ${run.options.tbptt} steps); train.py reproduces full BPTT only — export the model alone, or train with full BPTT`);
  }
  const features = ds.columns.features;
  const used = [...features, ...ds.columns.targets.filter((c) => !features.includes(c))];
  const odd = used.find((c) => c.kind !== 'numeric');
  if (odd) throw new TrainingExportError(`column "${odd.name}" is read as ${odd.kind} values; data.py reads numeric columns only — export the model alone`);
  const labelName = data.roles.label ?? null;
  const labelCol = ds.task === 'classify' && labelName ? table.columns.find((c) => c.name === labelName) ?? null : null;
  if (labelCol && labelCol.kind !== 'numeric' && labelCol.kind !== 'text') {
    throw new TrainingExportError(`the label column "${labelCol.name}" holds ${labelCol.kind} values; data.py reads numeric or text labels only — export the model alone`);
  }
  // a text column that began with numbers stores those first cells in their number's shortest form ("01" as "1"), later
  // ones as written: two classes may then be one code written two ways, which data.py cannot tell apart
  if (labelCol?.kind === 'text' && ds.classes) {
    const seen = new Map<number, string>();
    for (const c of ds.classes) {
      const v = c.trim() === '' ? NaN : Number(c);
      if (!Number.isFinite(v)) continue;
      const other = seen.get(v);
      if (other !== undefined) throw new TrainingExportError(`the label column "${labelCol.name}" has the classes "${other}" and "${c}", one number written two ways; data.py cannot tell which rows were which — write the codes as text (e.g. "c${c}") or export the model alone`);
      seen.set(v, c);
    }
  }
  const idCol = data.roles.sequenceId ? table.columns.find((c) => c.name === data.roles.sequenceId) ?? null : null;
  const runs = sequenceRuns(table, idCol);
  if (runs.length !== ds.sequences.length) throw new Error(`internal: ${runs.length} runs for ${ds.sequences.length} sequences`);
  const sequences = ds.sequences.map((s, i) => {
    const r = runs[i];
    const n = r.end - r.start;
    const reversed = ds.order === 'reversed';
    const rowAt = (k: number): number => (reversed ? r.end - 1 - k : r.start + k);
    const first = s.before >= 0 ? s.before : s.rows.length ? s.rows[0] : -1;
    const filling = run.missing === 'ffill' || run.missing === 'interpolate';
    let rows: number[];
    let lead = 0;
    if (filling) {
      rows = Array.from({ length: n }, (_, k) => rowAt(k));
      lead = first < 0 ? n : rows.indexOf(first);
    } else rows = [...(s.before >= 0 ? [s.before] : []), ...s.rows];
    return { id: s.id, lines: lineRuns(rows.map((row) => table.lineOf(row))), lead, before: s.before >= 0 };
  });
  const k = (c: (typeof used)[number]): number => used.indexOf(c);
  const triples = (src: SampleSource[]): number[][] => src.map((s) => [s.sequenceIndex, s.offset, s.length]);
  const rng = createRng(run.options.seed);
  const order = ds.train.map((_, i) => i);
  const orders = run.history.map(() => [...rng.shuffle(order)]);
  const initial = createModel(config, run.init);
  const plan = {
    format: 'rnn-playground-training', version: 1, modelFile: resolve(modelFile),
    csv: {
      file: resolve(table.file), relative: relative(resolve(folder), resolve(table.file)).split('\\').join('/'),
      delimiter: table.delimiter, decimalComma: table.decimalComma, headerLine: table.headerLine,
    },
    columns: used.map((c) => ({ name: c.name, index: c.index, missing: c.missingMarkers })),
    features: features.map(k), targets: ds.columns.targets.map(k),
    label: labelCol ? { name: labelCol.name, index: labelCol.index, numeric: labelCol.kind === 'numeric' } : null,
    classes: ds.classes, task: ds.task, granularity: ds.granularity, missing: run.missing,
    transforms: used.map((c) => ds.transforms[c.name] ?? 'none'), scaler: ds.scaler,
    sequences, train: triples(ds.trainSources), validation: triples(ds.validationSources),
    check: { train: sums(ds.train), validation: sums(ds.validation) },
    model: { cell: config.cell, inputSize: config.inputSize, hiddenSize: config.hiddenSize, layers: config.layers, outputSize: config.outputSize, readout: config.readout, loss: config.loss },
    training: { ...run.options, init: run.init, orders, history: run.history },
  };
  return { plan, initial };
}

/** Runs of consecutive file lines, [first, last] each (counting down when last < first). */
function lineRuns(lines: number[]): number[][] {
  const out: number[][] = [];
  for (const line of lines) {
    const cur = out[out.length - 1];
    if (cur) {
      const step = cur[1] - cur[0];
      const dir = step === 0 ? line - cur[1] : Math.sign(step);
      if ((dir === 1 || dir === -1) && line === cur[1] + dir) {
        cur[1] = line;
        continue;
      }
    }
    out.push([line, line]);
  }
  return out;
}

/** Count, sums and sums of squares (compensated) of the samples' inputs and targets. */
function sums(samples: Dataset['train']): { count: number; xSum: number; xSquares: number; ySum: number; ySquares: number } {
  const acc = (): { s: number; c: number; add(v: number): void } => ({
    s: 0, c: 0,
    add(v) {
      const t = this.s + v;
      this.c += Math.abs(this.s) >= Math.abs(v) ? this.s - t + v : v - t + this.s;
      this.s = t;
    },
  });
  const [xs, xq, ys, yq] = [acc(), acc(), acc(), acc()];
  for (const smp of samples) {
    for (const v of smp.x) { xs.add(v); xq.add(v * v); }
    for (const v of smp.y) { ys.add(v); yq.add(v * v); }
  }
  return { count: samples.length, xSum: xs.s + xs.c, xSquares: xq.s + xq.c, ySum: ys.s + ys.c, ySquares: yq.s + yq.c };
}

/** The files of a training export into `folder`. */
export function trainingPaths(folder: string): TrainingFiles {
  return {
    model: join(folder, 'model.json'), stateDict: join(folder, 'state_dict.json'), script: join(folder, 'model.py'),
    initial: join(folder, 'initial_state_dict.json'), plan: join(folder, 'training.json'), data: join(folder, 'data.py'),
    train: join(folder, 'train.py'), readme: join(folder, 'README.md'),
  };
}

/** Writes the training project of a saved run (whose CSV is `table`) into `folder`. */
export function exportTrainingFiles(saved: SavedRun, table: CsvTable, modelFile: string, folder: string, overwrite: boolean): TrainingFiles & { epochs: number; samples: { train: number; validation: number } } {
  const files = trainingPaths(folder);
  if (!overwrite) {
    const taken = Object.values(files).filter((f) => existsSync(f));
    if (taken.length) throw new FileExistsError(taken.join(', '));
  }
  const { plan, initial } = trainingPlan(saved, table, modelFile, folder);
  mkdirSync(folder, { recursive: true });
  exportModelFiles(saved.model, saved.meta, folder, true);
  writeFileAtomic(files.initial, (append) => append(JSON.stringify(toStateDict(initial))), true);
  writeFileAtomic(files.plan, (append) => append(JSON.stringify(plan)), true);
  writeFileAtomic(files.data, (append) => append(DATA_PY), true);
  writeFileAtomic(files.train, (append) => append(TRAIN_PY), true);
  const training = plan.training as { history: unknown[] };
  writeFileAtomic(files.readme, (append) => append(trainingReadme({ modelFile, csv: table.file, config: saved.model.config, epochs: training.history.length, folder: dirname(files.readme) })), true);
  const check = plan.check as { train: { count: number }; validation: { count: number } };
  return { ...files, epochs: training.history.length, samples: { train: check.train.count, validation: check.validation.count } };
}
