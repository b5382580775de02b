/**
 * Predictions view: for the selected sequence, each target's prediction against its actual value step by step
 * (regression, next-step; a selector when there are several targets), each class's probability over time (per-step
 * classification) or the class probabilities (one label per sequence), and for classification the confusion counts over
 * the validation split with each class's recall beside the majority-class rate.
 */
import { plural, type SequenceInspection } from '../src/shared/protocol';
import { sequencePicker } from './dataView';
import { colours, el, fmt, lineChart, live, pending, series } from './ui';
import { dropdown } from './components/index';
import { classesToPlot, confusionStats, meanAbsoluteError, percent, targetAxisTitle } from './viewMath';

/** The target each panel shows, by the panel's CSV (kept across redraws). */
const shownTarget = new Map<string, string>();

/** The per-step class table is drawn for sequences up to this many steps. */
const MAX_TABLE_STEPS = 200;
/** Line styles after the six theme colours are used up: solid, dashed, dotted. */
const DASHES: number[][] = [[], [6, 3], [2, 2]];

/** Renders the Predictions view. */
export function renderPredictionsView(i: SequenceInspection | null | undefined, inspectError: string | null | undefined, sequence: number, of: number | null, select: (k: number) => void): HTMLElement {
  const view = el('div', { className: 'view predictions-view' });
  view.append(sequencePicker(sequence, of, select));
  if (!i || i.sequence.index !== sequence) {
    view.append(pending('Running the sequence through the model…', inspectError));
    return view;
  }
  view.append(el('p', { className: 'summary', textContent: `${i.model} · sequence "${i.sequence.id}" (line ${i.sequence.firstLine}, ${plural(i.sequence.steps, 'step')}, ${i.sequence.split} split) · task ${i.task}` }));
  if (!i.modelFile) view.append(el('p', { className: 'note', textContent: 'No trained model yet: these are the predictions of the freshly initialised network. Train to see what it learns.' }));
  if (i.targets.length) view.append(renderTargets(i));
  if (i.classes && i.perStep) view.append(renderPerStep(i.classes, i.perStep));
  else if (i.classes && i.classification) view.append(...renderLastStep(i.classes, i.classification));
  if (i.confusion) view.append(confusionTable(i.confusion, i.majority));
  return view;
}

/** Regression and next-step: the chosen target's chart (a selector when there are several) and every target's error. */
function renderTargets(i: SequenceInspection): HTMLElement {
  const section = el('section', { className: 'targets-section' });
  const key = i.csvFile;
  const wanted = shownTarget.get(key);
  const body = el('div', { className: 'target-body' });
  const draw = (): void => {
    for (const chart of live.charts.filter((c) => body.contains(c.canvas))) {
      chart.destroy();
      live.charts.splice(live.charts.indexOf(chart), 1);
    }
    const name = shownTarget.get(key);
    body.replaceChildren(...renderTarget(i, i.targets.find((t) => t.name === name) ?? i.targets[0]));
  };
  if (i.targets.length > 1) {
    const pick = dropdown(i.targets.map((t) => t.name), wanted ?? i.targets[0].name, {
      id: 'predictions-target', label: 'Target shown in the chart',
      onChange: (v) => {
        shownTarget.set(key, v);
        draw();
      },
    });
    section.append(el('div', { className: 'toolbar target-picker' }, el('label', { htmlFor: 'predictions-target', textContent: 'Target' }), pick,
      el('span', { className: 'muted', textContent: `${plural(i.targets.length, 'target')}, each in its own units` })));
  }
  section.append(body);
  draw();
  if (i.targets.length > 1) section.append(targetErrors(i));
  return section;
}

/** One target: its chart of predicted against actual values, or the single value per sequence in words. */
function renderTarget(i: SequenceInspection, target: SequenceInspection['targets'][number]): HTMLElement[] {
  const c = colours();
  const known = target.actual.map((a, t) => ({ a, p: target.predicted[t] ?? null, t })).filter((x) => x.a !== null);
  const changes = target.transform !== 'none' ? ` Modelled as ${target.transform}; each prediction is turned back into a level from the actual value before it.` : '';
  if (known.length <= 1) {
    const k = known[0];
    const text = k ? `${target.name} at step ${k.t + 1}: actual ${fmt(k.a)}, predicted ${fmt(k.p)} (error ${fmt(k.p === null || k.a === null ? null : k.p - k.a)}, in the CSV's units)` : `This sequence has no value of ${target.name}.`;
    return [el('p', { className: 'verdict', textContent: text }), ...(changes ? [el('p', { className: 'muted', textContent: changes.trim() })] : [])];
  }
  const steps = Array.from({ length: i.sequence.steps }, (_, t) => t + 1);
  const ahead = i.task === 'next-step';
  const chart = lineChart(`${target.name}: predicted vs actual${ahead ? ', one step ahead' : ''}`, steps, [
    series(ahead ? 'actual (the next step\'s value)' : 'actual', target.actual, c.foreground, { borderWidth: 1.5 }),
    series('predicted', target.predicted, c.series[1], { borderDash: [5, 3] }),
  ], { xTitle: 'step t', yTitle: targetAxisTitle(target.name) });
  chart.box.classList.add('wide');
  const { mae, steps: paired } = meanAbsoluteError(target.actual, target.predicted);
  const missing = known.length - paired;
  const summary = `Mean absolute error of ${target.name} over the ${plural(paired, 'step')} with a finite prediction: ${fmt(mae)} (the CSV's units)${missing ? `; ${plural(missing, 'step')} gave no finite prediction` : ''}.${changes}`;
  return [el('p', { className: 'summary', textContent: summary }), chart.box];
}

/** Every target's error on this sequence, so a multi-target run is seen whole. */
function targetErrors(i: SequenceInspection): HTMLElement {
  const table = el('table', { className: 'target-errors' });
  table.setAttribute('aria-label', 'Every target on this sequence');
  table.append(el('thead', {}, el('tr', {}, ...['target', 'modelled as', 'steps with a prediction', 'mean absolute error (its units)'].map((h) => el('th', { textContent: h, scope: 'col' })))));
  const body = el('tbody');
  for (const t of i.targets) {
    const { mae, steps } = meanAbsoluteError(t.actual, t.predicted);
    body.append(el('tr', {}, el('th', { scope: 'row', textContent: t.name }), el('td', { textContent: t.transform === 'none' ? 'values' : t.transform }),
      el('td', { className: 'num', textContent: steps.toLocaleString('en') }), el('td', { className: 'num', textContent: fmt(mae) })));
  }
  table.append(body);
  return table;
}

/** Per-step classification: each class's probability over time, and the class per step. */
function renderPerStep(classes: string[], ps: NonNullable<SequenceInspection['perStep']>): HTMLElement {
  const c = colours();
  const section = el('section', { className: 'per-step-section' });
  const T = ps.actual.length;
  const steps = Array.from({ length: T }, (_, t) => t + 1);
  const plotted = classesToPlot(ps.probabilities, ps.actual, ps.predicted, classes.length);
  const sets = plotted.map((k, n) => series(classes[k] ?? String(k), ps.probabilities.map((p) => p[k] ?? null), c.series[n % c.series.length], {
    borderDash: DASHES[Math.floor(n / c.series.length) % DASHES.length], borderWidth: 1.5, pointRadius: 0,
  }));
  sets.push(series('the actual class', ps.actual.map((a, t) => ps.probabilities[t]?.[a] ?? null), c.foreground, { borderWidth: 3, borderDash: [1, 3], pointRadius: 0 }));
  const chart = lineChart('Probability of each class, step by step', steps, sets, { xTitle: 'step t', yTitle: 'probability (0 to 1)' });
  const y = chart.chart.options.scales?.y;
  if (y) {
    y.min = 0;
    y.max = 1;
    chart.chart.update('none');
  }
  chart.box.classList.add('wide', 'probabilities-chart');
  const right = ps.actual.filter((a, t) => a === ps.predicted[t]).length;
  const shown = plotted.length < classes.length ? ` Showing ${plotted.length} of ${classes.length} classes: those in this sequence first.` : '';
  section.append(el('p', { className: 'summary', textContent: `${right} of ${plural(T, 'step')} classified correctly (${percent(T ? right / T : null)}). The dotted line is the probability the model gives the actual class; the loss is its negative log.${shown}` }), chart.box);
  if (T <= MAX_TABLE_STEPS) section.append(classStrip(classes, ps));
  return section;
}

/** The actual and predicted class at each step, wrong steps marked. */
function classStrip(classes: string[], ps: NonNullable<SequenceInspection['perStep']>): HTMLElement {
  const name = (k: number): string => classes[k] ?? String(k);
  const table = el('table', { className: 'per-step' });
  table.setAttribute('aria-label', 'Actual and predicted class at each step');
  table.append(el('thead', {}, el('tr', {}, el('th', { scope: 'col', textContent: 'step' }), ...ps.actual.map((_, t) => el('th', { scope: 'col', textContent: String(t + 1) })))));
  table.append(el('tbody', {},
    el('tr', {}, el('th', { scope: 'row', textContent: 'actual' }), ...ps.actual.map((a) => el('td', { textContent: name(a) }))),
    el('tr', {}, el('th', { scope: 'row', textContent: 'predicted' }), ...ps.predicted.map((p, t) => {
      const cell = el('td', { textContent: name(p), className: p === ps.actual[t] ? '' : 'wrong' });
      if (p !== ps.actual[t]) cell.title = `step ${t + 1}: predicted ${name(p)}, actual ${name(ps.actual[t])}`;
      return cell;
    }))));
  const box = el('div', { className: 'per-step-classes' }, table);
  box.tabIndex = 0;
  box.setAttribute('role', 'region');
  box.setAttribute('aria-label', 'Class per step (scrolls sideways)');
  return el('section', {}, el('h3', { textContent: 'Class per step' }), box);
}

/** One label per sequence: the verdict and the class probabilities at the last step. */
function renderLastStep(classes: string[], k: NonNullable<SequenceInspection['classification']>): HTMLElement[] {
  const ok = k.actual === k.predicted;
  const verdict = el('p', { className: `verdict ${ok ? 'good' : 'bad'}`, textContent: `Actual "${classes[k.actual]}", predicted "${classes[k.predicted]}" (${percent(k.probabilities[k.predicted])}) — ${ok ? 'right' : 'wrong'}` });
  const bars = el('div', { className: 'probabilities' });
  bars.setAttribute('role', 'list');
  bars.setAttribute('aria-label', 'Class probabilities');
  k.probabilities.forEach((prob, j) => {
    const bar = el('span', { className: 'bar' });
    bar.style.width = `${Math.max(0.5, prob * 100)}%`;
    const row = el('div', { className: `prob${j === k.actual ? ' actual' : ''}` }, el('span', { className: 'name', textContent: classes[j] ?? String(j) }), el('span', { className: 'track' }, bar), el('span', { className: 'value', textContent: percent(prob) }));
    row.setAttribute('role', 'listitem');
    bars.append(row);
  });
  return [verdict, bars];
}

/** Confusion counts with each class's recall, the accuracy and the majority-class rate it should beat. */
function confusionTable(cm: NonNullable<SequenceInspection['confusion']>, majority: SequenceInspection['majority']): HTMLElement {
  const stats = confusionStats(cm.counts);
  const table = el('table', { className: 'confusion' });
  table.setAttribute('aria-label', `Confusion counts over the ${cm.over} split: rows actual, columns predicted, and each class's recall`);
  table.append(el('thead', {}, el('tr', {}, el('th', { textContent: 'actual ↓ / predicted →', scope: 'col' }), ...cm.classes.map((c) => el('th', { textContent: c, scope: 'col' })),
    el('th', { textContent: 'recall', scope: 'col', className: 'recall', title: 'Of this class\'s items, the share predicted as this class' }))));
  const body = el('tbody');
  cm.counts.forEach((row, a) => {
    body.append(el('tr', {}, el('th', { scope: 'row', textContent: cm.classes[a] }),
      ...row.map((n, p) => el('td', { textContent: n.toLocaleString('en'), className: n === 0 ? '' : a === p ? 'diag' : 'off' })),
      el('td', { className: 'recall', textContent: percent(stats.recall[a]), title: `${(row[a] ?? 0).toLocaleString('en')} of ${plural(stats.support[a], 'item')}` })));
  });
  table.append(body);
  const section = el('section', { className: 'confusion-section' });
  section.append(el('h3', { textContent: `Confusion counts (${cm.over} split): ${stats.right.toLocaleString('en')} of ${plural(stats.total, 'item')} right, ${percent(stats.accuracy)}` }), table);
  const notes: string[] = ['Recall: of each class\'s items, the share predicted as that class.'];
  if (majority) {
    const beats = stats.accuracy === null ? '' : stats.accuracy > majority.rate ? ' The model does better than that.' : ' The model does no better than that.';
    notes.push(`Majority rate: always predicting the majority class "${majority.name}" gets ${percent(majority.rate)} of the ${cm.over} items right.${beats}`);
  }
  const p = el('p', { className: 'summary majority', textContent: notes.join(' ') });
  section.append(p);
  return section;
}
