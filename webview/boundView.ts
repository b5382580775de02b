/** Bound view: measured ‖∂s_T/∂s_t‖ against the chapter's bounds (or the additive path), in a learner's words. */
import { catalogCell, plural, previewCell } from '../src/shared/protocol';
import { colours, el, fmt, lineChart, series } from './ui';
import { actions, type View } from './view';

export const boundView: View = (ctx) => {
  const b = ctx.state.bound;
  const view = el('div', { className: 'view' });
  if (!b) {
    view.append(el('p', { className: 'empty', textContent: 'Run "Verify Vanishing-Gradient Bound" to compare how much gradient reaches back through time with the chapter\'s bounds, on a sequence of this data.' }), actions(ctx));
    return view;
  }
  const c = colours();
  const cell = catalogCell(b.cell);
  const custom = b.cell === 'custom' ? previewCell(b.equations ?? []) : null;
  const additive = cell?.bound.kind === 'additive' ? cell.bound : null;
  const verdict = el('p', { className: `verdict ${b.holds === false ? 'bad' : 'good'}`, textContent: b.verdict });
  verdict.setAttribute('role', 'status');
  const state = custom ? (custom.states.length > 1 ? `(${custom.states.join(', ')}), every state of your cell` : 'the hidden state h') : cell?.cellState ? 'the pair (h, c): the hidden state and the cell state' : 'the hidden state h';
  const capped = b.effectiveMemory >= b.sequence.steps;
  const firstU = custom?.params.find((p) => p.kind === 'U')?.name ?? null;
  const firstu = custom?.params.find((p) => p.kind === 'u')?.name ?? null;
  const spectrum = custom ? (firstU ? ` · ‖${firstU}‖₂ = ${fmt(b.normWh)}, ρ(${firstU}) = ${fmt(b.rhoWh)}` : firstu ? ` · max |${firstu}| = ${fmt(b.rhoWh)}` : '') : ` · ‖Wₕ‖₂ = ${fmt(b.normWh)}, ρ(Wₕ) = ${fmt(b.rhoWh)}`;
  view.append(
    verdict,
    el('p', { className: 'summary', textContent: `${b.model} · sample ${b.sequence.index} of ${b.sequence.of} (sequence "${b.sequence.id}", line ${b.sequence.firstLine}, ${plural(b.sequence.steps, 'step')}) · effective memory ${b.effectiveMemory} of ${plural(b.sequence.steps, 'step')}${capped ? ' (capped by the sequence length: it may reach further)' : ''} (gradient still ≥ ${b.epsilon.toExponential(0)})${spectrum}` }),
    el('p', { className: 'note', textContent: `Here s is the recurrent state: ${state}. The curve is how much of the gradient at the last step T still reaches step t, ‖∂s(T)/∂s(t)‖, for every lag T − t.` }),
  );
  if (custom) {
    view.append(el('p', { className: 'note', textContent: `The chapter's bound is for the vanilla update; for a cell of your own one bound always holds: the gradient after k steps is at most the product of the one-step Jacobians' norms, ∏‖Jₖ‖₂ with Jₖ = ∂s(k)/∂s(k−1) taken exactly from your equations (dashed). ${custom.additive ? `Your update also has the additive form ${custom.additive.state}' = ${custom.additive.gate} ⊙ ${custom.additive.state} + …: the product of ${custom.additive.gate} over the steps (dotted) is the path along which gradient can reach far back without shrinking. ` : 'Your update has no additive path (s\' = a ⊙ s + …): every step multiplies the gradient by Jₖ. '}Here the gradient reaches ${b.effectiveMemory} ${b.effectiveMemory === 1 ? 'step' : 'steps'} back${capped ? ', the whole sequence' : ''}.` }));
  }
  if (additive) {
    view.append(el('p', { className: 'note', textContent: `No bound here, and that is the point: the chapter's bound is for the vanilla update, where every step multiplies the gradient by φ′ · Wₕ and it shrinks geometrically. ${capitalise(cell?.noun ?? b.cell)} also keeps an additive path — the state carried on through ${additive.words} — whose product over the steps (∏α, dashed) lets gradient reach far back without shrinking. Here it reaches ${b.effectiveMemory} ${b.effectiveMemory === 1 ? 'step' : 'steps'} back${capped ? ', the whole sequence' : ''}: ${b.effectiveMemory >= Math.min(b.sequence.steps, 20) ? 'the cell can learn long-range dependencies on this data' : 'it forgets quickly on this data'}.` }));
  }
  if (cell?.recurrent === 'diagonal') {
    view.append(el('p', { className: 'note', textContent: `Wₕ is diagonal here (one recurrent weight uᵢ per unit), so every one-step Jacobian diag(φ′(zₖ) ⊙ u) is diagonal too: each unit's gradient after k steps is exactly the product of its own φ′ · uᵢ, and the measured curve is the unit that keeps the most. The chapter's bound is reached whenever that unit also has the largest φ′ and |uᵢ|.` }));
  }
  if (b.dataMemory) view.append(el('p', { className: 'summary memory-vs-model', textContent: memoryVersus(b.dataMemory.lag, b.cell, b.effectiveMemory, b.sequence.steps) }));
  const sets = [series('measured gradient ‖∂s(T)/∂s(t)‖', b.measuredLog10, c.series[0])];
  const tex = [String.raw`\text{measured } \lVert \partial s_T / \partial s_t \rVert`];
  if (b.tightLog10 && custom) {
    sets.push(series('product bound: ∏‖Jₖ‖₂ over the steps (always holds)', b.tightLog10, c.series[1], { borderDash: [6, 3] }));
    tex.push(String.raw`\text{product bound } \prod_{k=t+1}^{T} \lVert J_k \rVert_2`);
  } else if (b.tightLog10) {
    sets.push(series('tight bound: product over the steps of ‖diag σ′(zₖ)‖ · ‖Wₕ‖₂', b.tightLog10, c.series[1], { borderDash: [6, 3] }));
    tex.push(String.raw`\text{tight bound } \prod_{k=t+1}^{T} \lVert \operatorname{diag} \sigma'(z_k) \rVert\, \lVert W_h \rVert_2`);
  }
  if (b.looseLog10) {
    sets.push(series('loose bound: (γ‖Wₕ‖₂) to the power of the lag', b.looseLog10, c.series[4], { borderDash: [2, 3] }));
    tex.push(String.raw`\text{loose bound } (\gamma \lVert W_h \rVert_2)^{T-t}`);
  }
  if (b.additiveLog10) {
    const gate = custom?.additive ? custom.additive.gateTex.replace(/_t(?![a-z{])/g, '_k') : additive?.tex ?? '\\alpha_k';
    sets.push(series(custom?.additive ? `additive path: product of ${custom.additive.gate} over the steps` : 'additive path: product of the keep gates', b.additiveLog10, c.series[2], { borderDash: custom ? [2, 3] : [6, 3] }));
    tex.push(String.raw`\text{additive path } \prod_{k=t+1}^{T} ${gate}`);
  }
  const chart = lineChart('Gradient reaching back, by lag (log scale)', b.lags, sets, { log10: true, xTitle: 'lag T − t (steps back)', yTitle: 'gradient norm (log scale)', texLegend: tex });
  chart.box.classList.add('wide');
  view.append(chart.box);
  for (const w of b.warnings) view.append(el('p', { className: 'warning', textContent: w }));
  return view;
};

/** "The data remembers ~11 steps; this LSTM's gradient still reaches 64" with what it means. */
function memoryVersus(data: number, cell: string, model: number, steps: number): string {
  const name = cell === 'custom' ? 'custom cell' : (catalogCell(cell)?.noun ?? cell).replace(/^the /, '');
  const verdict = model >= data ? 'it can look back as far as the data needs' : `it forgets before the data does: it cannot use lags beyond ${model}`;
  return `The data remembers about ${data} step${data === 1 ? '' : 's'}; this ${name}'s gradient still reaches ${model} of ${steps} steps — ${verdict}.`;
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
