/**
 * Gradients view: ‖∂L/∂hₜ‖ over time × epoch for the run (how much gradient reaches each step as training goes on),
 * and the gradient reaching each hidden unit (|∂L/∂h| at step t, unit i) over time × unit for the selected sequence
 * through the latest model, for the layer chosen.
 */
import { plural, type EpochPoint, type PanelState } from '../src/shared/protocol';
import { sequencePicker } from './dataView';
import { renderHeatmap } from './heatmap';
import { colours, el, fmt, live, pending } from './ui';
import { dropdown } from './components/index';
import { layerName } from './viewMath';

/** The layer of the time × unit heatmap each panel shows, by the panel's file (kept across redraws). */
const shownLayer = new Map<string, number>();

/** Renders the Gradients view: ‖∂L/∂hₜ‖ over time × epoch, and one sequence's gradient over time × unit. */
export function renderGradients(s: PanelState, h: EpochPoint[], selectSequence: (k: number) => void): HTMLElement {
  const view = el('div', { className: 'view gradients-view' });
  const c = colours();
  const theme = { foreground: c.foreground, background: c.background, border: c.grid, highContrast: c.highContrast };
  if (h.length === 0 || h.every((e) => e.stepGradNorm.length === 0)) {
    view.append(el('p', { className: 'empty', textContent: 'Train to see how much gradient reaches each time step, epoch by epoch.' }));
  } else {
    const cols = Math.max(...h.map((e) => e.stepGradNorm.length));
    const values = new Float64Array(h.length * cols);
    h.forEach((e, r) => e.stepGradNorm.forEach((v, t) => { values[r * cols + t] = v; }));
    const box = el('section', { className: 'heatmap' });
    view.append(el('h3', { textContent: 'Over training' }), el('p', {
      className: 'summary',
      textContent: `The gradient reaching the hidden state at each step, ‖∂L/∂hₜ‖, averaged over each epoch's batches: rows are epochs, columns time steps t = 1…${cols}. Dark on the left means the early steps receive almost no gradient.`,
    }), box);
    requestAnimationFrame(() => {
      const hm = renderHeatmap(box, {
        rows: h.length, cols, values, rowLabel: 'epoch', colLabel: 'time step t', rowNames: h.map((e) => String(e.epoch)),
        title: '‖∂L/∂hₜ‖ by time step and epoch (log scale)',
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
  const layers = p.layers?.length ? p.layers : [p.units];
  const layerOf = (): number => Math.min(layers.length - 1, Math.max(0, shownLayer.get(s.file) ?? 0));
  const summary = el('p', { className: 'summary' });
  const unitBox = el('section', { className: 'heatmap unit-heatmap' });
  if (layers.length > 1) {
    const names = layers.map((_, l) => String(l));
    const pick = dropdown(names, String(layerOf()), {
      id: 'gradients-layer', label: 'Layer shown in the time × unit heatmap', labels: Object.fromEntries(names.map((n, l) => [n, layerName(l, layers.length)])),
      onChange: (v) => {
        shownLayer.set(s.file, Number(v));
        draw();
      },
    });
    view.append(el('div', { className: 'toolbar layer-picker' }, el('label', { htmlFor: 'gradients-layer', textContent: 'Layer' }), pick,
      el('span', { className: 'muted', textContent: `of ${plural(layers.length, 'layer')}` })));
  }
  view.append(summary, unitBox);
  let hm: { destroy(): void } | null = null;
  live.cleanups.push(() => hm?.destroy());
  const describe = (): void => {
    const l = layerOf();
    const where = layers.length > 1 ? layerName(l, layers.length).replace(/^layer \d+/, `layer ${l + 1} of ${layers.length}`) : 'the only layer';
    summary.textContent = `The gradient reaching each hidden unit, |∂L/∂h| at step t and unit i, for sequence "${i.sequence.id}" (${plural(p.steps, 'step')}) through the ${i.model}: rows are the ${plural(p.hiddenSize, 'hidden unit')} of ${where}, columns time steps. Loss ${fmt(p.loss)} (on scaled values).`;
  };
  const draw = (): void => {
    describe();
    const l = layerOf();
    const units = layers[l] ?? [];
    hm?.destroy();
    hm = renderHeatmap(unitBox, {
      rows: p.hiddenSize, cols: p.steps, values: units.length === p.steps * p.hiddenSize ? transpose(units, p.steps, p.hiddenSize) : new Float64Array(0),
      rowLabel: 'hidden unit i', colLabel: 'time step t', rowNames: Array.from({ length: p.hiddenSize }, (_, k) => String(k + 1)),
      title: `|∂L/∂h| by time step and hidden unit, ${layers.length > 1 ? `layer ${l + 1}` : 'layer 1'} (log scale)`,
    }, theme);
  };
  describe();
  requestAnimationFrame(draw);
  if (i.gates?.length) view.append(gatesSection(s.file, i, theme));
  return view;
}

/** The gate each panel shows in "Gates over time", by the panel's file (kept across redraws). */
const shownGate = new Map<string, string>();

/** A gated cell's gates over the sequence: one gate at a time, per unit and step (the chapter's α ≈ 1, β ≈ 0 made visible). */
function gatesSection(file: string, i: NonNullable<PanelState['inspection']>, theme: Parameters<typeof renderHeatmap>[2]): HTMLElement {
  const gates = i.gates ?? [];
  const section = el('section', { className: 'gates-over-time' });
  const box = el('section', { className: 'heatmap gate-heatmap' });
  const gateOf = (): (typeof gates)[number] => gates.find((g) => g.name === shownGate.get(file)) ?? gates[0];
  const summary = el('p', { className: 'summary gates-summary' });
  let hm: { destroy(): void } | null = null;
  const draw = (): void => {
    const g = gateOf();
    const T = g.units.length;
    const m = g.units[0]?.length ?? 0;
    const values = new Float64Array(m * T);
    let sum = 0;
    for (let t = 0; t < T; t++) for (let k = 0; k < m; k++) { values[k * T + t] = g.units[t][k]; sum += g.units[t][k]; }
    summary.textContent = `${g.symbol} — ${g.title}: its value at each step and unit of sequence "${i.sequence.id}" (mean ${fmt(T * m ? sum / (T * m) : NaN)}). A keep gate near 1 and a write gate near 0 hold the state; a write gate opening marks the steps the cell stores.`;
    hm?.destroy();
    hm = renderHeatmap(box, {
      rows: m, cols: T, values, rowLabel: 'hidden unit i', colLabel: 'time step t', rowNames: Array.from({ length: m }, (_, k) => String(k + 1)),
      title: `gate ${g.symbol} by time step and hidden unit, layer 1 (log colour scale)`,
    }, theme);
  };
  const names = gates.map((g) => g.name);
  const pick = dropdown(names, gateOf().name, {
    id: 'gates-gate', label: 'Gate shown', labels: Object.fromEntries(gates.map((g) => [g.name, `${g.symbol}: ${g.title.split(':')[0]}`])),
    onChange: (v) => { shownGate.set(file, v); draw(); },
  });
  section.append(el('h3', { textContent: 'Gates over time' }), el('div', { className: 'toolbar' }, el('label', { htmlFor: 'gates-gate', textContent: 'Gate' }), pick), summary, box);
  live.cleanups.push(() => hm?.destroy());
  requestAnimationFrame(() => section.isConnected && draw());
  return section;
}

/** [T, m] row-major → [m, T] row-major (units as rows). */
function transpose(a: number[], rows: number, cols: number): Float64Array {
  const out = new Float64Array(rows * cols);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) out[c * rows + r] = a[r * cols + c];
  return out;
}
