/**
 * Small shared pieces of the panel's views: element building, number formatting, theme colours and the chart.js line
 * chart every view uses. Charts register themselves so the panel can destroy them before it re-renders.
 */
import {
  BarController, BarElement, CategoryScale, Chart, Filler, Legend, LinearScale, LineController, LineElement, PointElement, Tooltip, type ChartDataset,
} from 'chart.js';
import katex from 'katex';
import { el } from './dom';
import { num } from '../src/shared/protocol';

export { el, pending } from './dom';

/**
 * After every draw, what a reader sees of the chart's frame goes on the canvas as `data-layout` (JSON): the y-axis
 * title and tick labels, and where the legend and each legend entry lie. The UI tests read it to check that every chart
 * names its y axis, that log ticks are distinct and that no legend entry is clipped.
 */
const layoutProbe = {
  id: 'layoutProbe',
  afterRender(chart: Chart): void {
    const y = chart.scales.y as (Chart['scales'][string] & { options: { title?: { display?: boolean; text?: string | string[] } } }) | undefined;
    const legend = chart.legend as (Chart['legend'] & { legendHitBoxes?: { left: number; top: number; width: number; height: number }[] }) | undefined;
    const shown = legend?.options.display !== false && legend !== undefined;
    const title = y?.options.title;
    chart.canvas.dataset.layout = JSON.stringify({
      width: chart.width,
      height: chart.height,
      yTitle: title?.display ? [title.text ?? ''].flat().join(' ') : '',
      yTicks: y ? y.ticks.map((t) => [t.label ?? ''].flat().join(' ')) : [],
      legend: shown ? { left: legend.left, top: legend.top, right: legend.right, bottom: legend.bottom, items: legend.legendItems?.length ?? 0, boxes: legend.legendHitBoxes ?? [] } : null,
    });
  },
};

Chart.register(LineController, LineElement, PointElement, BarController, BarElement, LinearScale, CategoryScale, Legend, Tooltip, Filler, layoutProbe);

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

/** A number for people (the one format of every surface, see `num`). */
export const fmt = num;

/** Labels for log10 tick values, as few digits as keep them all different ("1e-3", "0.2", "0.25"). */
export function logTickLabels(values: number[]): string[] {
  const whole = values.every((v) => Math.abs(v - Math.round(v)) < 1e-9);
  if (whole) return values.map((v) => `1e${Math.round(v)}`);
  for (let digits = 1; digits <= 8; digits++) {
    const labels = values.map((v) => {
      const x = Math.pow(10, v);
      return x >= 1e-3 && x < 1e6 ? String(Number(x.toPrecision(digits))) : x.toExponential(Math.max(0, digits - 1)).replace(/\.?0+e/, 'e').replace('e+', 'e');
    });
    if (new Set(labels).size === labels.length) return labels;
  }
  return values.map((v) => `1e${v.toFixed(2)}`);
}

/** How a line chart's axes read: the y-axis title (with units) is required; `log10`: the values are log10 of the quantity. */
export interface ChartOptions {
  yTitle: string;
  xTitle?: string;
  log10?: boolean;
  /** A second y axis on the right (for datasets with `yAxisID: 'y2'`), e.g. accuracy beside a loss. */
  y2?: { title: string; min?: number; max?: number };
  /** Legend entries typeset as maths (TeX, one per dataset, in order): drawn in HTML under the title instead of on the canvas. */
  texLegend?: string[];
}

/** An HTML legend whose labels are KaTeX; a click hides or shows the line, as chart.js's own legend does. */
function texLegend(chart: Chart, tex: string[]): HTMLElement {
  const list = el('ul', { className: 'chart-legend' });
  chart.data.datasets.forEach((d, i) => {
    const swatch = el('span', { className: 'swatch' });
    swatch.style.borderTopColor = String(d.borderColor ?? '');
    const dash = (d as { borderDash?: number[] }).borderDash;
    swatch.style.borderTopStyle = dash?.length ? (dash[0] <= 2 ? 'dotted' : 'dashed') : 'solid';
    const label = el('span', { className: 'tex' });
    katex.render(tex[i] ?? '', label, { throwOnError: false, output: 'htmlAndMathml' });
    const item = el('button', { className: 'legend-item' }, swatch, label);
    item.title = `${d.label ?? ''} (click to hide or show)`;
    item.setAttribute('aria-pressed', 'true');
    item.addEventListener('click', () => {
      const shown = chart.isDatasetVisible(i);
      chart.setDatasetVisibility(i, !shown);
      item.setAttribute('aria-pressed', String(!shown));
      item.classList.toggle('hidden', shown);
      chart.update();
    });
    list.append(el('li', {}, item));
  });
  return list;
}

/** A line chart in a labelled box. */
export function lineChart(title: string, labels: (number | string)[], datasets: ChartDataset<'line'>[], opts: ChartOptions): { box: HTMLElement; chart: Chart } {
  const c = colours();
  const canvas = el('canvas', { role: 'img' });
  canvas.setAttribute('aria-label', `${title}: ${datasets.map((d) => d.label).join(', ')}; y axis: ${opts.yTitle}${opts.xTitle ? `; x axis: ${opts.xTitle}` : ''}`);
  const box = el('section', { className: 'chart' }, el('h3', { textContent: title }), el('div', { className: 'chart-body' }, canvas));
  const chart = new Chart(canvas, {
    type: 'line',
    data: { labels, datasets },
    options: {
      animation: false,
      responsive: true,
      maintainAspectRatio: false,
      interaction: { mode: 'index', intersect: false },
      plugins: {
        legend: { display: !opts.texLegend, labels: { color: c.foreground, boxWidth: 12 } },
        tooltip: { callbacks: { label: (ctx) => `${ctx.dataset.label}: ${opts.log10 && ctx.dataset.yAxisID !== 'y2' ? fmt(Math.pow(10, Number(ctx.parsed.y))) : fmt(ctx.parsed.y)}` } },
      },
      scales: {
        x: { ticks: { color: c.muted, maxTicksLimit: 12 }, grid: { color: c.grid }, title: { display: !!opts.xTitle, text: opts.xTitle ?? '', color: c.muted } },
        y: {
          ticks: { color: c.muted, ...(opts.log10 ? {} : { callback: (v) => fmt(Number(v)) }) },
          ...(opts.log10 ? { afterTickToLabelConversion: (axis: { ticks: { value: number; label?: string | string[] }[] }) => {
            const labels = logTickLabels(axis.ticks.map((t) => t.value));
            axis.ticks.forEach((t, k) => { t.label = labels[k]; });
          } } : {}),
          grid: { color: c.grid }, title: { display: true, text: opts.yTitle, color: c.muted },
        },
        ...(opts.y2 ? {
          y2: {
            position: 'right' as const, min: opts.y2.min, max: opts.y2.max, grid: { drawOnChartArea: false },
            ticks: { color: c.muted, callback: (v: string | number) => fmt(Number(v)) }, title: { display: true, text: opts.y2.title, color: c.muted },
          },
        } : {}),
      },
    },
  });
  live.charts.push(chart);
  if (opts.texLegend) box.insertBefore(texLegend(chart, opts.texLegend), box.querySelector('.chart-body'));
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
  // a toolkit control draws its input in a shadow root, out of the label's reach: name it on the host too
  if (!control.hasAttribute('aria-label')) control.setAttribute('aria-label', label);
  const row = el('div', { className: 'field' }, el('label', { htmlFor: id, textContent: label }), control);
  if (hint) {
    const h = el('span', { className: 'hint', id: `${id}-hint`, textContent: hint });
    control.setAttribute('aria-describedby', h.id);
    row.append(h);
  }
  return row;
}
