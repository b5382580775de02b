/**
 * Gates over time: each gate's activation at every step of one sequence (layer 0), per unit and averaged over the
 * units — how a gated cell opens to write and closes to hold (the chapter's α ≈ 1, β ≈ 0). Built-in gated cells read
 * their gate values where the forward pass leaves them (the workspace's `pre`, in the registry's gate order).
 */
import { createWorkspace, forwardStack } from '../bptt';
import { packBatch, type Sample } from '../batch';
import { cellFor, variantOf } from '../cells/index';
import type { Model } from '../model';

/** One gate over one sequence. */
export interface GateSeries {
  name: string;
  symbol: string;
  title: string;
  /** Mean over the units, per step [T]. */
  mean: number[];
  /** Per step and unit [T][m]. */
  units: number[][];
}

/** The gates of layer 0 over `sample` (the candidate blocks too), or null for a cell without gates or a custom cell. */
export function gatesOverTime(model: Model, sample: Sample): GateSeries[] | null {
  const cfg = model.config;
  const cell = cellFor(cfg);
  if (cell.program) return null;
  const gates = cell.gates(variantOf(cfg));
  if (gates.length < 2) return null;
  const { batch } = packBatch(cfg, [sample], [0]);
  const ws = createWorkspace(cfg, batch.T, 1);
  forwardStack(model, ws, batch);
  const w = ws.layers[0];
  const m = cfg.hiddenSize;
  const G = w.G;
  return gates.map((g, k) => {
    const units: number[][] = [];
    const mean: number[] = [];
    for (let t = 0; t < batch.T; t++) {
      const row = Array.from(w.pre.subarray(t * G * m + k * m, t * G * m + (k + 1) * m));
      units.push(row);
      mean.push(row.reduce((a, b) => a + b, 0) / m);
    }
    return { name: g.name, symbol: g.symbol, title: g.title, mean, units };
  });
}
