/**
 * Gradients view: ‖∂L/∂h_t‖ over time × epoch for the run (how much gradient reaches each step as training goes on),
 * and |∂L/∂h_{t,i}| over time × hidden unit for the selected sequence through the latest model.
 */
import type { EpochPoint, PanelState } from '../src/shared/protocol';
import { sequencePicker } from './dataView';
import { renderHeatmap } from './heatmap';
import { colours, el, fmt, live, pending } from './ui';

/** Renders the Gradients view: ‖∂L/∂h_t‖ over time × epoch, and one sequence's gradient over time × unit. */
export function renderGradients(s: PanelState, h: EpochPoint[], selectSequence: (k: number) => void): HTMLElement {
  const view = el('div', { className: 'view' });
  const c = colours();
  const theme = { foreground: c.foreground, background: c.background, border: c.grid, highContrast: c.highContrast };
  if (h.length === 0 || h.every((e) => e.stepGradNorm.length === 0)) {
    view.append(el('p', { className: 'empty', textContent: 'Train to see how much gradient reaches each time step, epoch by epoch.' }));
  } else {
    const cols = Math.max(...h.map((e) => e.stepGradNorm.length));
    const values = new Float64Array(h.length * cols);
    h.forEach((e, r) => e.stepGradNorm.forEach((v, t) => { values[r * cols + t] = v; }));
    const box = el('section', { className: 'heatmap' });
    view.append(el('h3', { textContent: 'Over training' }), el('p', { className: 'summary', textContent: `‖∂L/∂h_t‖ averaged over each epoch's batches: rows are epochs, columns time steps t = 1…${cols}. Dark on the left means the early steps receive almost no gradient.` }), box);
    requestAnimationFrame(() => {
      const hm = renderHeatmap(box, {
        rows: h.length, cols, values, rowLabel: 'epoch', colLabel: 'time step t', rowNames: h.map((e) => String(e.epoch)),
        title: '‖∂L/∂h_t‖ over time × epoch',
      }, theme);
      live.cleanups.push(() => hm.destroy());
    });
  }
  // one sequence, unit by unit
  const of = s.preview?.sequences ? s.preview.sequences.train + s.preview.sequences.validation : null;
  view.append(el('h3', { textContent: 'One sequence, unit by unit' }), sequencePicker(s.sequence ?? 1, of, selectSequence));
  const i = s.inspection;
  if (!i || i.sequence.index !== (s.sequence ?? 1)) {
    view.append(pending(s.preview ? 'Running the sequence forward and backward…' : 'Reading the data…', s.inspectError));
    return view;
  }
  const p = i.profile;
  const unitBox = el('section', { className: 'heatmap' });
  view.append(el('p', { className: 'summary', textContent: `|∂L/∂h_{t,i}| for sequence "${i.sequence.id}" (${p.steps} steps) through the ${i.model}: rows are the ${p.hiddenSize} hidden units of layer 1, columns time steps. Loss ${fmt(p.loss)}.` }), unitBox);
  requestAnimationFrame(() => {
    const hm = renderHeatmap(unitBox, {
      rows: p.hiddenSize, cols: p.steps, values: Float64Array.from(p.units.length === p.steps * p.hiddenSize ? transpose(p.units, p.steps, p.hiddenSize) : []),
      rowLabel: 'hidden unit i', colLabel: 'time step t', rowNames: Array.from({ length: p.hiddenSize }, (_, k) => String(k + 1)),
      title: '|∂L/∂h_{t,i}| over time × hidden unit',
    }, theme);
    live.cleanups.push(() => hm.destroy());
  });
  return view;
}

/** [T, m] row-major → [m, T] row-major (units as rows). */
function transpose(a: number[], rows: number, cols: number): Float64Array {
  const out = new Float64Array(rows * cols);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) out[c * rows + r] = a[r * cols + c];
  return out;
}

