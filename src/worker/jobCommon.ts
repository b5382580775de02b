/**
 * What the worker's jobs share: their context (progress and the cancel flag), the errors they raise, reading the CSV
 * and the model file, building the dataset of an experiment, and writing a file under a fresh name.
 */
import type { ModelRunMeta } from '../data/runMeta';
import { readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { checkpointFromJson, modelFromJson, type Model, type TrainCheckpoint } from '../engine/index';
import { CsvCancelled, readCsv, type CsvTable } from '../data/csv';
import { buildDataset, type Dataset, type DatasetSpec } from '../data/dataset';
import { resolveData, type Experiment, type ResolvedData } from '../data/experiment';
import { experimentModel } from '../data/settings';
import { specFromMeta, tableForMeta, type ModelDataMeta, type ModelTrainingMeta } from '../data/modelMeta';
import { FileExistsError, writeFileAtomic } from '../data/writeFile';
import type { ProgressMessage } from '../shared/protocol';

/** A problem with the user's files or settings; the message is shown as is. */
export class InputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InputError';
  }
}

/** The run was cancelled before it produced anything worth keeping. */
export class JobCancelled extends Error {
  constructor(what: string) {
    super(`${what} was cancelled`);
    this.name = 'JobCancelled';
  }
}

/** What a job gets from the worker loop. */
export interface JobContext {
  report: (p: Omit<ProgressMessage, 'type' | 'inReplyTo'>) => void;
  stopped: () => boolean;
  /** Threads a training may use (data-parallel shards; the result is the same whatever the number); default 1. */
  threads?: number;
}

/** Reads a CSV with progress; the cancel flag aborts the read. */
export async function loadTable(csvFile: string, ctx: JobContext): Promise<CsvTable> {
  const abort = new AbortController();
  const poll = setInterval(() => {
    if (ctx.stopped()) abort.abort();
  }, 25);
  try {
    return await readCsv(csvFile, {
      signal: abort.signal,
      onProgress: (p) => ctx.report({
        phase: 'reading', fraction: p.totalBytes ? p.bytes / p.totalBytes : null,
        message: `reading ${basename(csvFile)}: ${p.rows.toLocaleString('en')} rows`,
      }),
    });
  } catch (e) {
    if (e instanceof CsvCancelled) throw new JobCancelled(`reading ${basename(csvFile)}`);
    throw e;
  } finally {
    clearInterval(poll);
  }
}

/** The experiment's roles and dataset settings resolved against its CSV (the long form of a wide one). */
export function resolveExperiment(experiment: Experiment, table: CsvTable): ResolvedData {
  return resolveData(table, experiment.data);
}

/** Builds the dataset of a resolved experiment for the editor surface, saying so in the progress. */
export function prepareDataset(table: CsvTable, spec: DatasetSpec, ctx: JobContext): Dataset {
  ctx.report({ phase: 'preparing', fraction: null, message: `preparing sequences from ${basename(table.file)}` });
  return buildDataset(table, { ...spec, surface: 'editor' });
}

/** Writes `text` to `path`, or to `name-2.ext`, `name-3.ext` … if taken: nothing is ever overwritten. Returns the path. */
export function writeFresh(path: string, text: string): string {
  const m = /^(.*?)((?:\.[a-z0-9]+)*)$/i.exec(basename(path)) as RegExpExecArray;
  for (let k = 1; k < 1000; k++) {
    const candidate = k === 1 ? path : join(dirname(path), `${m[1]}-${k}${m[2]}`);
    try {
      writeFileAtomic(candidate, (append) => append(text));
      return candidate;
    } catch (e) {
      if (!(e instanceof FileExistsError)) throw e;
    }
  }
  throw new InputError(`${dirname(path)}: could not find a free name for ${basename(path)}`);
}

/** Reads a model file, naming the file in any problem. */
export function readModel(modelFile: string): { model: Model; data: ModelDataMeta | null; training: ModelTrainingMeta | null; checkpoint: TrainCheckpoint | null; run: ModelRunMeta | null } {
  let json: { meta?: { data?: ModelDataMeta; training?: ModelTrainingMeta; run?: ModelRunMeta } };
  try {
    json = JSON.parse(readFileSync(modelFile, 'utf8'));
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new InputError(`${modelFile}: ${code === 'ENOENT' ? 'no such file' : e instanceof SyntaxError ? `not valid JSON (${e.message})` : (e as Error).message}`);
  }
  try {
    const model = modelFromJson(json);
    return { model, data: json.meta?.data ?? null, training: json.meta?.training ?? null, checkpoint: checkpointFromJson(json, model), run: json.meta?.run ?? null };
  } catch (e) {
    throw new InputError(`${modelFile}: not an RNN Playground model (${(e as Error).message})`);
  }
}


/**
 * The model to analyse and the dataset it reads from `table`: a trained model file (its roles and scaling rebuilt
 * from its meta) or, without one, a freshly initialised model of the experiment's settings. `origin` says which.
 */
export function modelAndData(experiment: Experiment, csvFile: string, table: CsvTable, modelFile: string | null, ctx: JobContext): { model: Model; ds: Dataset; origin: string; data: ModelDataMeta | null; table: CsvTable } {
  if (modelFile) {
    const loaded = readModel(modelFile);
    if (!loaded.data) throw new InputError(`${modelFile} does not say which columns it was trained on (it was not saved by a training run)`);
    let read: CsvTable;
    try {
      read = tableForMeta(table, loaded.data);
    } catch (e) {
      throw new InputError((e as Error).message);
    }
    const ds = prepareDataset(read, specFromMeta(loaded.data, experiment.data.missing), ctx);
    const model = loaded.model;
    if (model.config.inputSize !== ds.model.inputSize) {
      throw new InputError(`${modelFile} takes ${model.config.inputSize} inputs; ${csvFile} gives ${ds.model.inputSize} (${ds.featureNames.join(', ')})`);
    }
    return { model, ds, origin: `trained model ${basename(modelFile)}`, data: loaded.data, table: read };
  }
  const resolved = resolveExperiment(experiment, table);
  const ds = prepareDataset(resolved.table, resolved.spec, ctx);
  const model = experimentModel(experiment, ds);
  return { model, ds, origin: `untrained ${experiment.model.cell} (init ${experiment.model.init}, seed ${experiment.training.seed})`, data: null, table: resolved.table };
}

