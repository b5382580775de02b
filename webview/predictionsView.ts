/**
 * Predictions view: for the selected sequence, the model's prediction against the actual value step by step
 * (regression, next-step) or the class with its probabilities, and for classification the confusion counts over the
 * validation split.
 */
import type { SequenceInspection } from '../src/shared/protocol';
import { sequencePicker } from './dataView';
import { colours, el, fmt, lineChart, pending, series } from './ui';

/** Renders the Predictions view. */
export function renderPredictionsView(i: SequenceInspection | null | undefined, inspectError: string | null | undefined, sequence: number, of: number | null, select: (k: number) => void): HTMLElement {
  const view = el('div', { className: 'view predictions-view' });
  view.append(sequencePicker(sequence, of, select));
  if (!i || i.sequence.index !== sequence) {
    view.append(pending('Running the sequence through the model…', inspectError));
    return view;
  }
  view.append(el('p', { className: 'summary', textContent: `${i.model} · sequence "${i.sequence.id}" (line ${i.sequence.firstLine}, ${i.sequence.steps} steps, ${i.sequence.split} split) · task ${i.task}` }));
  if (!i.modelFile) view.append(el('p', { className: 'note', textContent: 'No trained model yet: these are the predictions of the freshly initialised network. Train to see what it learns.' }));
  const c = colours();
  const steps = Array.from({ length: i.sequence.steps }, (_, t) => t + 1);
  const target = i.targets[0];
  if (target) {
    const known = target.actual.map((a, t) => ({ a, p: target.predicted[t] ?? null, t })).filter((x) => x.a !== null);
    const paired = known.filter((x) => x.p !== null);
    if (known.length <= 1) {
      const k = known[0];
      view.append(el('p', { className: 'verdict', textContent: k ? `${target.name} at step ${k.t + 1}: actual ${fmt(k.a)}, predicted ${fmt(k.p)} (error ${fmt(k.p === null || k.a === null ? null : k.p - k.a)})` : 'This sequence has no target value.' }));
    } else {
      const chart = lineChart(`${target.name}: predicted vs actual`, steps, [
        series('actual', target.actual, c.foreground, { borderWidth: 1.5 }),
        series('predicted', target.predicted, c.series[1], { borderDash: [5, 3] }),
      ], { xTitle: 'step t' });
      chart.box.classList.add('wide');
      const mae = paired.reduce((s, x) => s + Math.abs((x.p as number) - (x.a as number)), 0) / Math.max(1, paired.length);
      const missing = known.length - paired.length;
      view.append(el('p', { className: 'summary', textContent: `Mean absolute error over the ${paired.length} steps with a finite prediction: ${paired.length ? fmt(mae) : '—'} (data units)${missing ? `; ${missing} step(s) gave no finite prediction` : ''}.` }), chart.box);
    }
  }
  if (i.classes && i.perStep) {
    const ps = i.perStep;
    const chart = lineChart('Class per step: predicted vs actual', steps, [
      series('actual', ps.actual, c.foreground, { stepped: true }),
      series('predicted', ps.predicted, c.series[1], { stepped: true, borderDash: [5, 3] }),
    ], { xTitle: 'step t', yTitle: 'class index' });
    chart.box.classList.add('wide');
    const right = ps.actual.filter((a, t) => a === ps.predicted[t]).length;
    view.append(el('p', { className: 'summary', textContent: `${right} of ${ps.actual.length} steps classified correctly.` }), chart.box);
  } else if (i.classes && i.classification) {
    const k = i.classification;
    const ok = k.actual === k.predicted;
    view.append(el('p', { className: `verdict ${ok ? 'good' : 'bad'}`, textContent: `Actual "${i.classes[k.actual]}", predicted "${i.classes[k.predicted]}" (${(k.probabilities[k.predicted] * 100).toFixed(1)}%) — ${ok ? 'right' : 'wrong'}` }));
    const bars = el('div', { className: 'probabilities' });
    bars.setAttribute('role', 'list');
    bars.setAttribute('aria-label', 'Class probabilities');
    k.probabilities.forEach((prob, j) => {
      const bar = el('span', { className: 'bar' });
      bar.style.width = `${Math.max(0.5, prob * 100)}%`;
      const row = el('div', { className: `prob${j === k.actual ? ' actual' : ''}` }, el('span', { className: 'name', textContent: i.classes?.[j] ?? String(j) }), el('span', { className: 'track' }, bar), el('span', { className: 'value', textContent: `${(prob * 100).toFixed(1)}%` }));
      row.setAttribute('role', 'listitem');
      bars.append(row);
    });
    view.append(bars);
  }
  if (i.confusion) view.append(confusionTable(i.confusion));
  return view;
}

function confusionTable(cm: NonNullable<SequenceInspection['confusion']>): HTMLElement {
  const total = cm.counts.flat().reduce((a, b) => a + b, 0);
  const right = cm.classes.reduce((s, _, j) => s + (cm.counts[j]?.[j] ?? 0), 0);
  const table = el('table', { className: 'confusion' });
  table.setAttribute('aria-label', `Confusion counts over the ${cm.over} split: rows actual, columns predicted`);
  table.append(el('thead', {}, el('tr', {}, el('th', { textContent: 'actual ↓ / predicted →', scope: 'col' }), ...cm.classes.map((c) => el('th', { textContent: c, scope: 'col' })))));
  const body = el('tbody');
  cm.counts.forEach((row, a) => {
    body.append(el('tr', {}, el('th', { scope: 'row', textContent: cm.classes[a] }), ...row.map((n, p) => el('td', { textContent: n.toLocaleString('en'), className: a === p ? 'diag' : n > 0 ? 'off' : '' }))));
  });
  table.append(body);
  return el('section', {}, el('h3', { textContent: `Confusion counts (${cm.over} split): ${right} of ${total} right, ${total ? ((right / total) * 100).toFixed(1) : '0'}%` }), table);
}
