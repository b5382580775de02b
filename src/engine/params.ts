/**
 * Parameters live in one flat Float64Array (and gradients in another of the same layout), with named views per
 * tensor. Names are PyTorch's `state_dict` names (`weight_ih_l0` …), plus `head.weight` / `head.bias`, so import and
 * export are a rename, and optimisers and clipping are one loop over one buffer.
 */
import { gateCount, layerInputSize, type ModelConfig } from './config';
import { cellFor } from './cells/index';

/** One named tensor inside the flat buffer. */
export interface TensorSpec {
  name: string;
  shape: number[];
  offset: number;
  size: number;
}

/** Offsets of one recurrent layer's tensors: Wx [G·m, d], Wh [G·m, m] (a diagonal cell: [G·m]), bx [G·m], bh [G·m]. */
export interface LayerLayout {
  Wx: number;
  Wh: number;
  bx: number;
  bh: number;
  inputSize: number;
  gates: number;
  /** A custom cell: the offset of each of its parameters, in the program's layout order (then Wx … bh are unused). */
  custom?: number[];
}

/** Where every tensor sits in the flat parameter buffer. */
export interface ParamLayout {
  tensors: TensorSpec[];
  layers: LayerLayout[];
  /** Head Wy [outputSize, hiddenSize] and by [outputSize]. */
  Wy: number;
  by: number;
  total: number;
}

/** Computes the flat layout of a model's parameters. */
export function paramLayout(cfg: ModelConfig): ParamLayout {
  const tensors: TensorSpec[] = [];
  let offset = 0;
  const add = (name: string, shape: number[]): number => {
    const size = shape.reduce((a, b) => a * b, 1);
    tensors.push({ name, shape, offset, size });
    offset += size;
    return offset - size;
  };
  const m = cfg.hiddenSize;
  const cell = cellFor(cfg);
  const diagonal = cell.recurrent === 'diagonal';
  const layers: LayerLayout[] = [];
  const program = cell.program;
  for (let l = 0; l < cfg.layers; l++) {
    const d = layerInputSize(cfg, l);
    if (program) {
      // W_k [m, d], U_k [m, m], u_k and b_k [m], named NAME_l{l}, in the program's order (W's, then U's by group)
      const offsets = program.params.map((p) => add(`${p.name}_l${l}`, p.kind === 'W' ? [m, d] : p.kind === 'U' ? [m, m] : [m]));
      const start = offsets[0] ?? offset;
      layers.push({ Wx: start, Wh: start, bx: start, bh: start, inputSize: d, gates: 0, custom: offsets });
      continue;
    }
    const G = gateCount(cfg);
    layers.push({
      Wx: add(`weight_ih_l${l}`, [G * m, d]),
      Wh: add(`weight_hh_l${l}`, diagonal ? [G * m] : [G * m, m]),
      bx: add(`bias_ih_l${l}`, [G * m]),
      bh: add(`bias_hh_l${l}`, [G * m]),
      inputSize: d,
      gates: G,
    });
  }
  const Wy = add('head.weight', [cfg.outputSize, m]);
  const by = add('head.bias', [cfg.outputSize]);
  return { tensors, layers, Wy, by, total: offset };
}

/** Finds a tensor by name, or throws naming the known ones. */
export function tensorByName(layout: ParamLayout, name: string): TensorSpec {
  const t = layout.tensors.find((s) => s.name === name);
  if (!t) throw new RangeError(`unknown parameter "${name}" (known: ${layout.tensors.map((s) => s.name).join(', ')})`);
  return t;
}

/** Names the tensor and element behind a flat index, e.g. `weight_hh_l0[3,1]`. */
export function describeIndex(layout: ParamLayout, index: number): string {
  for (const t of layout.tensors) {
    if (index >= t.offset && index < t.offset + t.size) {
      const local = index - t.offset;
      if (t.shape.length === 2) return `${t.name}[${Math.floor(local / t.shape[1])},${local % t.shape[1]}]`;
      return `${t.name}[${local}]`;
    }
  }
  return `parameter #${index}`;
}
