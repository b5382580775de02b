/** Unrolled Graph view: x_t → h_t → ŷ across time, edges weighted by the last epoch's ‖∂L/∂h_t‖. */
import { catalogCell } from '../src/shared/protocol';
import { renderUnrolledGraph } from './unrolledGraph';
import { colours, el, fmt, live } from './ui';
import type { View } from './view';

/** Whether the user expanded a long graph, per panel file (kept across redraws). */
const graphExpanded = new Map<string, boolean>();

/** The unrolled graph of the latest run, edges weighted by the last epoch's ‖∂L/∂h_t‖. */
export const graphView: View = (ctx) => {
  const s = ctx.state;
  const h = ctx.history;
  const view = el('div', { className: 'view' });
  const config = s.run?.config;
  const last = h[h.length - 1];
  if (!config || !last || last.stepGradNorm.length === 0) {
    view.append(el('p', { className: 'empty', textContent: 'Train to see the network unrolled over time, with each edge drawn by how much gradient flowed through it.' }));
    return view;
  }
  const steps = last.stepGradNorm.length;
  const info = el('p', { className: 'summary', textContent: `${config.cell === 'custom' ? 'Custom cell' : catalogCell(config.cell)?.label ?? config.cell} unrolled over ${steps} steps; edges coloured and sized by ‖∂L/∂h_t‖ of epoch ${last.epoch}. Click a step to inspect it.` });
  const picked = el('p', { className: 'summary' });
  picked.setAttribute('aria-live', 'polite');
  const box = el('section', { className: 'graph' });
  view.append(info, box, picked);
  const graph = renderUnrolledGraph(box, { cell: config.cell, coupled: config.coupled, equations: config.equations, steps, readout: config.readout, gradNorm: last.stepGradNorm }, {
    highContrast: colours().highContrast,
    expanded: graphExpanded.get(s.file) ?? false,
    onExpand: () => graphExpanded.set(s.file, true),
    onSelectStep: (t) => {
      picked.textContent = `step ${t}: ‖∂L/∂h_${t}‖ = ${fmt(last.stepGradNorm[t - 1])} (epoch ${last.epoch})`;
    },
  });
  live.cleanups.push(() => graph.destroy());
  return view;
};

