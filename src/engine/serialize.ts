/**
 * The versioned JSON model format, and PyTorch `state_dict` import/export.
 * Numbers are written as JavaScript's shortest round-trip decimal, so save → load is bit-exact.
 * Model file: { format: 'rnn-playground-model', version: 1, config, parameters: { name: { shape, data } }, meta? }.
 * PyTorch names: `rnn.weight_ih_l{k}` … for the recurrent module and `head.weight` / `head.bias` for nn.Linear.
 */
import { validateConfig, type ModelConfig } from './config';
import { paramLayout, tensorByName } from './params';
import type { Model } from './model';
import type { TrainCheckpoint } from './train';

/** Identifies the model file format. */
export const MODEL_FORMAT = 'rnn-playground-model';
/** Current model file version. */
export const MODEL_VERSION = 1;

/** One tensor in a model file. */
export interface TensorJson {
  shape: number[];
  data: number[];
}

/** The JSON model file. */
export interface ModelJson {
  format: typeof MODEL_FORMAT;
  version: number;
  config: ModelConfig;
  parameters: Record<string, TensorJson>;
  meta?: Record<string, unknown>;
  /** Where training stands, to continue it exactly (optional: files written before it, or by export, have none). */
  checkpoint?: CheckpointJson;
}

/** A TrainCheckpoint as JSON (numbers in shortest round-trip form, so it restores bit for bit). */
export interface CheckpointJson {
  epochs: number;
  theta: number[];
  optimizer: { kind: string; step: number; m: number[] | null; v: number[] | null };
  rng: { words: number[]; spare: number | null };
  order: number[];
  best: { loss: number | null; epoch: number; theta: number[] | null };
}

/** Nested arrays as PyTorch's `tensor.tolist()` gives them. */
export type NestedNumbers = number | NestedNumbers[];

/** Serialises a model to the JSON model format (an object; JSON.stringify it to write), with its checkpoint if given. */
export function modelToJson(model: Model, meta?: Record<string, unknown>, checkpoint?: TrainCheckpoint | null): ModelJson {
  const parameters: Record<string, TensorJson> = {};
  for (const t of model.layout.tensors) {
    parameters[t.name] = { shape: [...t.shape], data: Array.from(model.theta.subarray(t.offset, t.offset + t.size)) };
  }
  return {
    format: MODEL_FORMAT, version: MODEL_VERSION, config: { ...model.config }, parameters, ...(meta ? { meta } : {}),
    ...(checkpoint ? { checkpoint: checkpointToJson(checkpoint) } : {}),
  };
}

function checkpointToJson(c: TrainCheckpoint): CheckpointJson {
  return {
    epochs: c.epochs, theta: Array.from(c.theta),
    optimizer: { kind: c.optimizer.kind, step: c.optimizer.step, m: c.optimizer.m ? Array.from(c.optimizer.m) : null, v: c.optimizer.v ? Array.from(c.optimizer.v) : null },
    rng: { words: [...c.rng.words], spare: c.rng.spare }, order: [...c.order],
    best: { loss: Number.isFinite(c.best.loss) ? c.best.loss : null, epoch: c.best.epoch, theta: c.best.theta ? Array.from(c.best.theta) : null },
  };
}

/**
 * The checkpoint of a model file read by modelFromJson, or null when the file has none (written before checkpoints,
 * or by an export). Throws naming what does not fit the model.
 */
export function checkpointFromJson(json: unknown, model: Model): TrainCheckpoint | null {
  const c = (json as Partial<ModelJson> | null)?.checkpoint;
  if (c === undefined || c === null) return null;
  const n = model.theta.length;
  const floats = (name: string, a: unknown, len: number): Float64Array => {
    if (!Array.isArray(a) || a.length !== len || !a.every((x) => typeof x === 'number' && Number.isFinite(x))) {
      throw new TypeError(`model file: checkpoint.${name} needs ${len} finite numbers`);
    }
    return Float64Array.from(a as number[]);
  };
  const int = (name: string, v: unknown): number => {
    if (!Number.isInteger(v) || (v as number) < 0) throw new TypeError(`model file: checkpoint.${name} must be a whole number ≥ 0`);
    return v as number;
  };
  const o = c.optimizer;
  if (!o || !['sgd', 'momentum', 'adam'].includes(o.kind)) throw new TypeError('model file: checkpoint.optimizer.kind must be sgd, momentum or adam');
  const order = c.order;
  if (!Array.isArray(order) || !order.every((i) => Number.isInteger(i) && i >= 0 && i < order.length) || new Set(order).size !== order.length) {
    throw new TypeError('model file: checkpoint.order must be a permutation of the training sequences');
  }
  if (!c.rng || !Array.isArray(c.rng.words) || c.rng.words.length !== 4 || !c.rng.words.every((w) => Number.isInteger(w) && w >= 0 && w < 2 ** 32)) {
    throw new TypeError('model file: checkpoint.rng.words must be four unsigned 32-bit integers');
  }
  return {
    epochs: int('epochs', c.epochs), theta: floats('theta', c.theta, n),
    optimizer: { kind: o.kind as TrainCheckpoint['optimizer']['kind'], step: int('optimizer.step', o.step), m: o.m === null ? null : floats('optimizer.m', o.m, n), v: o.v === null ? null : floats('optimizer.v', o.v, n) },
    rng: { words: c.rng.words as [number, number, number, number], spare: typeof c.rng.spare === 'number' ? c.rng.spare : null },
    order: [...order],
    best: { loss: c.best?.loss ?? Infinity, epoch: int('best.epoch', c.best?.epoch ?? 0), theta: c.best?.theta ? floats('best.theta', c.best.theta, n) : null },
  };
}

/** Reads a model from the JSON model format, checking every shape and value. */
export function modelFromJson(json: unknown): Model {
  if (typeof json !== 'object' || json === null) throw new TypeError('model file: expected a JSON object');
  const j = json as Partial<ModelJson>;
  if (j.format !== MODEL_FORMAT) throw new TypeError(`model file: "format" must be "${MODEL_FORMAT}"; got ${JSON.stringify(j.format)}`);
  if (j.version !== MODEL_VERSION) throw new TypeError(`model file: version ${String(j.version)} is not supported (this build reads version ${MODEL_VERSION})`);
  if (!j.config || !j.parameters) throw new TypeError('model file: missing "config" or "parameters"');
  const config = { ...j.config } as ModelConfig;
  validateConfig(config);
  const layout = paramLayout(config);
  const theta = new Float64Array(layout.total);
  for (const t of layout.tensors) {
    const p = j.parameters[t.name];
    if (!p) throw new TypeError(`model file: parameter "${t.name}" is missing`);
    if (!Array.isArray(p.shape) || p.shape.join(',') !== t.shape.join(',')) {
      throw new TypeError(`model file: parameter "${t.name}" has shape [${String(p.shape)}]; the config needs [${t.shape.join(', ')}]`);
    }
    if (!Array.isArray(p.data) || p.data.length !== t.size) throw new TypeError(`model file: parameter "${t.name}" needs ${t.size} numbers`);
    for (let i = 0; i < t.size; i++) {
      const v = p.data[i];
      if (typeof v !== 'number' || !Number.isFinite(v)) throw new TypeError(`model file: parameter "${t.name}" element ${i} is not a finite number`);
      theta[t.offset + i] = v;
    }
  }
  for (const name of Object.keys(j.parameters)) tensorByName(layout, name);
  return { config, layout, theta };
}

/** Flattens nested arrays, checking the shape; throws naming the tensor. */
export function flattenNested(name: string, value: NestedNumbers, shape: number[]): Float64Array {
  const out = new Float64Array(shape.reduce((a, b) => a * b, 1));
  let k = 0;
  const walk = (v: NestedNumbers, depth: number): void => {
    if (depth === shape.length) {
      if (typeof v !== 'number') throw new TypeError(`${name}: expected a number at depth ${depth}`);
      out[k++] = v;
      return;
    }
    if (!Array.isArray(v) || v.length !== shape[depth]) {
      throw new TypeError(`${name}: expected shape [${shape.join(', ')}]; dimension ${depth} has ${Array.isArray(v) ? v.length : 'no array'}`);
    }
    for (const e of v) walk(e, depth + 1);
  };
  walk(value, 0);
  return out;
}

/** Shape of nested arrays (first element along each dimension). */
export function nestedShape(value: NestedNumbers): number[] {
  const shape: number[] = [];
  let v: NestedNumbers = value;
  while (Array.isArray(v)) {
    shape.push(v.length);
    v = v[0];
  }
  return shape;
}

/** Builds nested arrays of the given shape from a flat buffer. */
export function toNested(data: ArrayLike<number>, shape: number[], offset = 0): NestedNumbers {
  if (shape.length === 0) return data[offset];
  const [n, ...rest] = shape;
  const stride = rest.reduce((a, b) => a * b, 1);
  const out: NestedNumbers[] = [];
  for (let i = 0; i < n; i++) out.push(toNested(data, rest, offset + i * stride));
  return out;
}

/** PyTorch state_dict of the model: `rnn.weight_ih_l0` … and `head.weight`, `head.bias`, as nested lists. */
export function toStateDict(model: Model): Record<string, NestedNumbers> {
  const out: Record<string, NestedNumbers> = {};
  for (const t of model.layout.tensors) {
    const key = t.name.startsWith('head.') ? t.name : `rnn.${t.name}`;
    out[key] = toNested(model.theta, t.shape, t.offset);
  }
  return out;
}

/**
 * Loads weights from a PyTorch state_dict (nested lists). Keys may carry any module prefix (`rnn.`, `lstm.` …);
 * the head is optional. Every recurrent tensor of the model must be present with its exact shape.
 */
export function loadStateDict(model: Model, dict: Record<string, NestedNumbers>, opts: { requireHead?: boolean } = {}): void {
  const byName = new Map<string, NestedNumbers>();
  for (const [key, value] of Object.entries(dict)) {
    const base = key.startsWith('head.') ? key : key.replace(/^.*\./, '');
    byName.set(base, value);
  }
  for (const t of model.layout.tensors) {
    const v = byName.get(t.name);
    if (v === undefined) {
      if (t.name.startsWith('head.') && !opts.requireHead) continue;
      throw new TypeError(`state_dict: "${t.name}" is missing`);
    }
    model.theta.set(flattenNested(t.name, v, t.shape), t.offset);
  }
}
