/** Compare view: every cell on the same data, seed and budget, with the baseline as a row and a line. */
import { plural } from '../src/shared/protocol';
import { colours, el, fmt, lineChart, series } from './ui';
import { actions, type View } from './view';

export const compareView: View = (ctx) => {
  const cmp = ctx.state.compare;
  const view = el('div', { className: 'view' });
  if (!cmp) {
    view.append(el('p', { className: 'empty', textContent: 'Run "Compare Cells" to train every cell on this data with the same seed and budget.' }), actions(ctx));
    return view;
  }
  const c = colours();
  const classify = cmp.task === 'classify';
  const baselineName = cmp.baseline.kind.replace(/ \(loss:.*\)$/, '');
  const any = cmp.anyBetter ?? cmp.cells.some((r) => r.valLoss < cmp.baseline.loss);
  const headline = el('p', { className: `verdict ${any ? 'good' : 'bad'}`, textContent: any
    ? `Best: ${cmp.best}, validation loss ${fmt(cmp.cells.find((r) => r.cell === cmp.best)?.valLoss)} against ${fmt(cmp.baseline.loss)} for the baseline (${baselineName}).`
    : `No cell beats the baseline (${baselineName}, validation loss ${fmt(cmp.baseline.loss)}).` });
  headline.setAttribute('role', 'status');
  const table = el('table', {}, el('thead', {}, el('tr', {}, ...['cell', 'verdict', 'parameters', 'train loss', 'validation loss', '÷ baseline', ...(classify ? ['accuracy'] : []), 'effective memory', 'seconds'].map((h) => el('th', { textContent: h, scope: 'col' })))));
  const body = el('tbody');
  for (const r of cmp.cells) {
    const v = r.verdict;
    const diverged = v?.verdict === 'diverged' || !Number.isFinite(r.valLoss);
    body.append(el('tr', { className: r.cell === cmp.best && any ? 'best' : diverged ? 'diverged' : '' }, ...[
      r.cell, v ? v.verdict : '—', String(r.parameters), fmt(r.trainLoss), fmt(r.valLoss), v?.ratio != null ? `${fmt(v.ratio)}×` : '—',
      ...(classify ? [`${((r.accuracy ?? 0) * 100).toFixed(1)}%`] : []), `${r.effectiveMemory} of ${r.steps}`, r.seconds.toFixed(1),
    ].map((text) => el('td', { textContent: text }))));
  }
  body.append(el('tr', { className: 'baseline' }, ...['baseline', baselineName, '—', '—', fmt(cmp.baseline.loss), '1×', ...(classify ? [`${((cmp.baseline.accuracy ?? 0) * 100).toFixed(1)}%`] : []), '—', '—'].map((text) => el('td', { textContent: text }))));
  table.append(body);
  table.setAttribute('aria-label', 'cells compared, and the baseline');
  const longest = Math.max(...cmp.cells.map((r) => r.history.length));
  // a log scale when the losses span decades
  const all = [...cmp.cells.flatMap((r) => r.history.map((e) => e.valLoss)), cmp.baseline.loss].filter((x): x is number => x !== null && Number.isFinite(x) && x > 0);
  const log = all.length > 0 && Math.max(...all) / Math.min(...all) >= 100;
  const y = (x: number | null): number | null => (x === null || !Number.isFinite(x) ? null : log ? (x > 0 ? Math.log10(x) : null) : x);
  const chart = lineChart('Validation loss by epoch', Array.from({ length: longest }, (_, i) => i + 1), [
    ...cmp.cells.map((r, i) => series(r.cell, r.history.map((e) => y(e.valLoss)), c.series[i % c.series.length])),
    series(`baseline (${baselineName})`, Array.from({ length: longest }, () => y(cmp.baseline.loss)), c.muted, { borderDash: [6, 4], pointRadius: 0 }),
  ], { xTitle: 'epoch', yTitle: `validation loss${classify ? ' (cross-entropy)' : ' (mean squared error, z-scored units)'}${log ? ', log scale' : ''}`, log10: log });
  view.append(headline, el('p', { className: 'summary', textContent: 'Same data, seed and budget for every cell.' }), table, chart.box);
  for (const r of cmp.cells) {
    if (r.verdict?.verdict === 'diverged' || !Number.isFinite(r.valLoss)) view.append(el('p', { className: 'warning', textContent: `${r.cell} diverged: ${r.verdict?.reason ?? 'its validation loss is not a number'}.` }));
  }
  if (!any) {
    const best = cmp.cells.find((r) => r.cell === cmp.best)?.verdict;
    if (best?.reason) view.append(el('p', { className: 'note', textContent: `Why: ${best.reason}.${best.hint ? ` Next: ${best.hint}.` : ''}` }));
  }
  if (cmp.dataMemory) {
    const m = cmp.dataMemory;
    const reach = cmp.cells.map((r) => `${r.cell} ${r.effectiveMemory}`).join(', ');
    view.append(el('p', { className: 'summary memory-vs-model', textContent: `The data remembers about ${plural(m.lag, 'step')} (partial autocorrelation of "${m.column}"${m.transform === 'none' ? '' : `'s ${m.transform}`}); the trained cells' gradients still reach: ${reach} steps (effective memory).` }));
  }
  return view;
};
