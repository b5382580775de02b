/**
 * The versioned JSON model format, and PyTorch `state_dict` import/export.
 * Numbers are written as JavaScript's shortest round-trip decimal, so save → load is bit-exact.
 * Model file: { format: 'rnn-playground-model', version: 1, config, parameters: { name: { shape, data } }, meta? }.
 * PyTorch names: `rnn.weight_ih_l{k}` … for the recurrent module and `head.weight` / `head.bias` for nn.Linear.
 */
import { validateConfig, type ModelConfig } from './config';
import { paramLayout, tensorByName } from './params';
import type { Model } from './model';

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
}

/** Nested arrays as PyTorch's `tensor.tolist()` gives them. */
export type NestedNumbers = number | NestedNumbers[];

/** Serialises a model to the JSON model format (an object; JSON.stringify it to write). */
export function modelToJson(model: Model, meta?: Record<string, unknown>): ModelJson {
  const parameters: Record<string, TensorJson> = {};
  for (const t of model.layout.tensors) {
    parameters[t.name] = { shape: [...t.shape], data: Array.from(model.theta.subarray(t.offset, t.offset + t.size)) };
  }
  return { format: MODEL_FORMAT, version: MODEL_VERSION, config: { ...model.config }, parameters, ...(meta ? { meta } : {}) };
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
