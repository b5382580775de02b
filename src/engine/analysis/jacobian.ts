/**
 * Exact one-step Jacobians J_k = ∂s_k/∂s_{k−1} of the recurrent state s (h, or (h, c) for the LSTM) from a forward
 * pass's cache, and all products ∂s_T/∂s_t = J_T ⋯ J_{t+1} by backward accumulation (O(T·n³), not O(T²·n³)).
 */
import type { Workspace } from '../bptt';
import type { Model } from '../model';
import { cellFor, stateCount } from '../cells/index';
import { customJacobian } from '../cells/custom/layer';
import { matmulSquare } from '../linalg';

/** Size of the recurrent state whose Jacobians are taken: m, 2m for the LSTM's (h, c), S·m for a custom cell's S states. */
export function stateSize(model: Model): number {
  return stateCount(cellFor(model.config)) * model.config.hiddenSize;
}

/**
 * Writes J = ∂s_{t+1}/∂s_t for batch row b of layer `layer` at step t (0-based; the step that produced h[t+1]).
 * Rows past the sequence's length carry the state, so J = I there. J is [n, n] with n = stateSize(model).
 */
export function stepJacobian(model: Model, ws: Workspace, layer: number, t: number, b: number, lengths: Int32Array, J: Float64Array): void {
  const w = ws.layers[layer];
  const whOff = model.layout.layers[layer].Wh;
  const n = stateSize(model);
  if (t >= lengths[b]) {
    J.fill(0);
    for (let i = 0; i < n; i++) J[i * n + i] = 1;
    return;
  }
  if (w.custom) customJacobian(w.custom, w, model.theta, t, b, J);
  else w.desc.jacobian(w, model.theta, whOff, t, b, J);
}

/**
 * Visits P_t = ∂s_T/∂s_t for t = T, T−1, …, 0 (P_T = I), where T = the sequence's length, by
 * P_{t} = P_{t+1} · J_{t+1}. `visit(t, P)` receives a buffer that is reused: copy it to keep it.
 */
export function forEachProduct(
  model: Model, ws: Workspace, layer: number, b: number, lengths: Int32Array,
  visit: (t: number, P: Float64Array, J: Float64Array | null) => void,
): void {
  const n = stateSize(model);
  const T = lengths[b];
  let P = new Float64Array(n * n);
  for (let i = 0; i < n; i++) P[i * n + i] = 1;
  let next = new Float64Array(n * n);
  const J = new Float64Array(n * n);
  visit(T, P, null);
  for (let t = T - 1; t >= 0; t--) {
    stepJacobian(model, ws, layer, t, b, lengths, J);
    matmulSquare(n, P, J, next);
    const tmp = P;
    P = next;
    next = tmp;
    visit(t, P, J);
  }
}
