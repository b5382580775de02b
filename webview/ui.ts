/**
 * Small shared pieces of the panel's views: element building, number formatting, theme colours and the chart.js line
 * chart every view uses. Charts register themselves so the panel can destroy them before it re-renders.
 */
import {
  BarController, BarElement, CategoryScale, Chart, Filler, Legend, LinearScale, LineController, LineElement, PointElement, Tooltip, type ChartDataset,
} from 'chart.js';
import { el } from './dom';

export { el, pending } from './dom';

Chart.register(LineController, LineElement, PointElement, BarController, BarElement, LinearScale, CategoryScale, Legend, Tooltip, Filler);

/** Charts and other things to tear down before the next render. */
export const live = { charts: [] as Chart[], cleanups: [] as (() => void)[] };

/** Destroys every chart and runs every cleanup registered since the last render. */
export function teardown(): void {
  for (const chart of live.charts.splice(0)) chart.destroy();
  for (const f of live.cleanups.splice(0)) f();
}

/** Theme colours from the --vscode-* variables (re-read on every render, so theme changes apply). */
export function colours() {
  const css = getComputedStyle(document.body);
  const v = (name: string, fallback: string): string => css.getPropertyValue(name).trim() || fallback;
  return {
    foreground: v('--vscode-foreground', '#333'),
    muted: v('--vscode-descriptionForeground', '#777'),
    grid: v('--vscode-editorWidget-border', v('--vscode-panel-border', '#8884')),
    background: v('--vscode-editor-background', '#fff'),
    series: [v('--vscode-charts-blue', '#3794ff'), v('--vscode-charts-orange', '#d18616'), v('--vscode-charts-green', '#89d185'), v('--vscode-charts-purple', '#b180d7'), v('--vscode-charts-red', '#f14c4c'), v('--vscode-charts-yellow', '#cca700')],
    highContrast: document.body.classList.contains('vscode-high-contrast') || document.body.classList.contains('vscode-high-contrast-light'),
  };
}

/** A number for people: 4 significant digits in the usual range, exponent notation outside it, — for none. */
export const fmt = (x: number | null | undefined): string => (x === null || x === undefined || !Number.isFinite(x) ? '—' : x === 0 ? '0' : Math.abs(x) >= 1e-3 && Math.abs(x) < 1e4 ? x.toPrecision(4) : x.toExponential(2));

/** A line chart in a labelled box. */
export function lineChart(title: string, labels: (number | string)[], datasets: ChartDataset<'line'>[], opts: { yTitle?: string; logTicks?: boolean; xTitle?: string } = {}): { box: HTMLElement; chart: Chart } {
  const c = colours();
  const canvas = el('canvas', { role: 'img' });
  canvas.setAttribute('aria-label', `${title}: ${datasets.map((d) => d.label).join(', ')}`);
  const box = el('section', { className: 'chart' }, el('h3', { textContent: title }), el('div', { className: 'chart-body' }, canvas));
  const chart = new Chart(canvas, {
    type: 'line',
    data: { labels, datasets },
    options: {
      animation: false,
      responsive: true,
      maintainAspectRatio: false,
      interaction: { mode: 'index', intersect: false },
      plugins: { legend: { labels: { color: c.foreground, boxWidth: 12 } }, tooltip: { callbacks: { label: (ctx) => `${ctx.dataset.label}: ${opts.logTicks ? `1e${Number(ctx.parsed.y).toFixed(2)}` : fmt(ctx.parsed.y)}` } } },
      scales: {
        x: { ticks: { color: c.muted, maxTicksLimit: 12 }, grid: { color: c.grid }, title: { display: !!opts.xTitle, text: opts.xTitle ?? '', color: c.muted } },
        y: {
          ticks: { color: c.muted, callback: (v) => (opts.logTicks ? `1e${Number(v).toFixed(0)}` : fmt(Number(v))) },
          grid: { color: c.grid }, title: { display: !!opts.yTitle, text: opts.yTitle ?? '', color: c.muted },
        },
      },
    },
  });
  live.charts.push(chart);
  return { box, chart };
}

/** One line of a chart. */
export function series(label: string, data: (number | null)[], colour: string, extra: Partial<ChartDataset<'line'>> = {}): ChartDataset<'line'> {
  return { label, data, borderColor: colour, backgroundColor: colour, pointRadius: data.length > 40 ? 0 : 2, borderWidth: 2, spanGaps: true, ...extra };
}

/** A labelled form row: the label names the control for screen readers. */
export function field(label: string, control: HTMLElement, hint?: string): HTMLElement {
  const id = control.id || `f-${label.toLowerCase().replace(/[^a-z0-9]+/g, '-')}`;
  control.id = id;
  const row = el('div', { className: 'field' }, el('label', { htmlFor: id, textContent: label }), control);
  if (hint) {
    const h = el('span', { className: 'hint', id: `${id}-hint`, textContent: hint });
    control.setAttribute('aria-describedby', h.id);
    row.append(h);
  }
  return row;
}

/** A `<select>` of values with labels. */
export function select(values: readonly string[], current: string, labels: Record<string, string> = {}): HTMLSelectElement {
  const s = el('select');
  for (const v of values) s.append(el('option', { value: v, textContent: labels[v] ?? v, selected: v === current }));
  return s;
}
