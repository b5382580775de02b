/**
 * Canvas heatmap of positive magnitudes (e.g. ‖∂L/∂h_t‖ per epoch and time step) on a log10 colour scale, with axis
 * ticks, a legend bar, a hover tooltip and keyboard navigation announced through an aria-live region.
 * The pure helpers (colour map, ticks, ranges) touch no DOM so they run in Node tests.
 */

/** Values to draw: `values` is row-major `[rows, cols]`; zero, negative or non-finite entries mean "no value". */
export interface HeatmapData {
  rows: number;
  cols: number;
  values: Float64Array | number[];
  rowLabel: string;
  colLabel: string;
  rowNames?: string[];
  colNames?: string[];
  title: string;
}

/** Theme colours read by the caller from `--vscode-*` variables (any CSS colour string). */
export interface HeatmapTheme {
  foreground: string;
  background: string;
  border: string;
  highContrast: boolean;
}

type Rgb = [number, number, number];

/** Perceptual map (dark violet → blue → teal → green → yellow), control points every 1/8; luminance rises. */
const PERCEPTUAL: readonly Rgb[] = [
  [68, 1, 84], [71, 44, 122], [59, 81, 139], [44, 113, 142], [33, 144, 141],
  [39, 173, 129], [92, 200, 99], [170, 220, 50], [253, 231, 37],
];

/** High-contrast map (near black → violet → red → orange → near white): about 16:1 between the ends. */
const HIGH_CONTRAST: readonly Rgb[] = [
  [0, 0, 90], [110, 0, 200], [230, 40, 40], [255, 170, 0], [255, 255, 200],
];

/** Number of flat bands of the high-contrast map, so neighbouring bands differ by a clear luminance step. */
const HIGH_CONTRAST_BANDS = 9;

function interpolate(table: readonly Rgb[], t: number): Rgb {
  const x = t * (table.length - 1);
  const k = Math.min(table.length - 2, Math.floor(x));
  const u = x - k;
  const a = table[k];
  const b = table[k + 1];
  return [
    Math.round(a[0] + (b[0] - a[0]) * u),
    Math.round(a[1] + (b[1] - a[1]) * u),
    Math.round(a[2] + (b[2] - a[2]) * u),
  ];
}

/** Colour for position t ∈ [0, 1] on the log scale (clamped; NaN → 0); stepped bands when `highContrast`. */
export function logColour(t: number, highContrast: boolean): [number, number, number] {
  const c = Number.isNaN(t) ? 0 : Math.min(1, Math.max(0, t));
  if (!highContrast) return interpolate(PERCEPTUAL, c);
  const band = Math.round(c * (HIGH_CONTRAST_BANDS - 1)) / (HIGH_CONTRAST_BANDS - 1);
  return interpolate(HIGH_CONTRAST, band);
}

/** WCAG relative luminance of an sRGB colour, in [0, 1]. */
export function relativeLuminance([r, g, b]: readonly [number, number, number]): number {
  const lin = (v: number): number => {
    const s = v / 255;
    return s <= 0.04045 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b);
}

/** True when v is drawn as a value (finite and > 0). */
export function hasValue(v: number): boolean {
  return v > 0 && Number.isFinite(v);
}

/** Smallest and largest positive finite entries among the first `length`, and how many there are; null when none. */
export function positiveRange(values: ArrayLike<number>, length = values.length): { min: number; max: number; count: number } | null {
  let min = Infinity;
  let max = -Infinity;
  let count = 0;
  const n = Math.min(length, values.length);
  for (let k = 0; k < n; k++) {
    const v = values[k];
    if (!(v > 0 && v < Infinity)) continue;
    count++;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  return count > 0 ? { min, max, count } : null;
}

/** log10 bounds of the colour scale for [min, max]; a single value is widened by half a decade each side. */
export function logBounds(min: number, max: number): { lo: number; hi: number } {
  const lo = Math.log10(min);
  const hi = Math.log10(max);
  return hi - lo > 1e-12 ? { lo, hi } : { lo: lo - 0.5, hi: hi + 0.5 };
}

/** Position of v in [0, 1] between log10 bounds lo and hi (clamped). */
export function logPosition(v: number, lo: number, hi: number): number {
  const t = (Math.log10(v) - lo) / (hi - lo);
  return Math.min(1, Math.max(0, t));
}

/** A value in exponent form, e.g. 1.23e-4 (digits after the point). */
export function formatExponent(v: number, digits = 2): string {
  if (!Number.isFinite(v)) return String(v);
  return v.toExponential(digits).replace('e+', 'e');
}

/** Legend label for a tick: 1e-6 or 2e-3 when that is exact, else three significant digits. */
export function tickLabel(v: number): string {
  const short = formatExponent(v, 0);
  return Number(short) === v ? short : formatExponent(v, 2);
}

/** Tick values for a log axis over [minPositive, max]: powers of ten (thinned to ≤ maxTicks), else 1-2-5 steps, else the ends. */
export function niceLogTicks(minPositive: number, max: number, maxTicks = 7): number[] {
  if (!(minPositive > 0) || !Number.isFinite(minPositive) || !Number.isFinite(max) || max < minPositive) return [];
  if (max === minPositive) return [minPositive];
  const eps = 1e-9;
  const lo = Math.ceil(Math.log10(minPositive) - eps);
  const hi = Math.floor(Math.log10(max) + eps);
  const decades = hi - lo + 1;
  if (decades >= 2) {
    // the smallest stride that fits, so both ends get a tick when the stride divides the span
    const stride = Math.ceil((decades - 1) / (Math.max(2, Math.floor(maxTicks)) - 1));
    const ticks: number[] = [];
    for (let k = lo; k <= hi; k += stride) ticks.push(Number(`1e${k}`));
    return ticks;
  }
  const ticks: number[] = [];
  for (let k = lo - 1; k <= hi; k++) {
    for (const m of [1, 2, 5]) {
      const v = Number(`${m}e${k}`);
      if (v >= minPositive * (1 - eps) && v <= max * (1 + eps)) ticks.push(v);
    }
  }
  if (ticks.length < 2) return [minPositive, max];
  return ticks.length <= maxTicks ? ticks : [ticks[0], ticks[ticks.length - 1]];
}

/** Evenly spaced 0-based indices to label on an axis of n cells, at most about `maxTicks`, on a 1-2-5 step. */
export function indexTicks(n: number, maxTicks: number): number[] {
  if (n <= 0) return [];
  const target = Math.max(1, Math.floor(maxTicks));
  let step = 1;
  for (let p = 1; ; p *= 10) {
    const s = [1, 2, 5].map((m) => m * p).find((c) => Math.ceil(n / c) <= target);
    if (s !== undefined) { step = s; break; }
  }
  // label 1-based positions 1, step, 2·step, … (index = position − 1)
  const ticks = [0];
  for (let pos = step; pos <= n; pos += step) if (pos - 1 > 0) ticks.push(pos - 1);
  return ticks;
}

const FONT_SIZE = 11;
const MIN_ROW = 3;
const MAX_ROW = 24;
const TARGET_PLOT_HEIGHT = 240;
const LEGEND_BAR = 12;
const LUT_SIZE = 256;
let tooltipIds = 0;

/** Parses any CSS colour through a canvas context (the browser normalises fillStyle to #rrggbb or rgba()). */
function parseColour(ctx: CanvasRenderingContext2D, css: string, fallback: Rgb): Rgb {
  ctx.fillStyle = '#000000';
  ctx.fillStyle = css;
  const s = String(ctx.fillStyle);
  const hex = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(s);
  if (hex) return [parseInt(hex[1], 16), parseInt(hex[2], 16), parseInt(hex[3], 16)];
  const rgb = /^rgba?\((\d+),\s*(\d+),\s*(\d+)/.exec(s);
  if (rgb) return [Number(rgb[1]), Number(rgb[2]), Number(rgb[3])];
  return fallback;
}

function mix(a: Rgb, b: Rgb, u: number): Rgb {
  return [Math.round(a[0] + (b[0] - a[0]) * u), Math.round(a[1] + (b[1] - a[1]) * u), Math.round(a[2] + (b[2] - a[2]) * u)];
}

const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

// fastLog10: log2 v = exponent + log2(1.mantissa), the latter from a table over the top 10 mantissa bits (taken at
// bin centres), so |error| < 2.2e-4 decades, well under one colour step; several times faster than Math.log10.
const MIN_NORMAL = 2.2250738585072014e-308;
const bits = new Float64Array(1);
const bitsWords = new Int32Array(bits.buffer);
const HIGH_WORD = LITTLE_ENDIAN ? 1 : 0;
const LOG10_2 = Math.log10(2);
const MANTISSA_LOG2 = new Float64Array(1024).map((_, m) => Math.log2(1 + (m + 0.5) / 1024));

/** log10 of a positive normal double to within 2.2e-4 (used per cell when painting). */
export function fastLog10(v: number): number {
  bits[0] = v;
  const high = bitsWords[HIGH_WORD];
  return (((high >>> 20) & 0x7ff) - 1023 + MANTISSA_LOG2[(high >>> 10) & 1023]) * LOG10_2;
}

/** Packs an opaque colour as one signed 32-bit pixel in the platform's byte order (ImageData is RGBA bytes). */
function packPixel([r, g, b]: Rgb): number {
  return LITTLE_ENDIAN ? (255 << 24) | (b << 16) | (g << 8) | r : (r << 24) | (g << 16) | (b << 8) | 255;
}

/** LUT_SIZE packed pixels sampling logColour from 0 to 1. */
function colourTable(highContrast: boolean): Int32Array {
  const lut = new Int32Array(LUT_SIZE);
  for (let k = 0; k < LUT_SIZE; k++) lut[k] = packPixel(logColour(k / (LUT_SIZE - 1), highContrast));
  return lut;
}

/**
 * Shrinks a row-major [rows, cols] grid to [rows, width] (width ≤ cols) keeping, for each output column, the largest
 * value among the input columns it covers, so peaks survive; no-value entries count as 0.
 */
export function columnMaxima(values: ArrayLike<number>, rows: number, cols: number, width: number): Float64Array {
  const out = new Float64Array(rows * width);
  const first = new Int32Array(width + 1); // first input column under each output column
  for (let px = 0; px <= width; px++) first[px] = Math.floor((px * cols) / width);
  for (let r = 0; r < rows; r++) {
    for (let px = 0; px < width; px++) {
      let best = 0;
      const end = Math.max(first[px] + 1, first[px + 1]);
      for (let c = first[px]; c < end; c++) {
        const v = values[r * cols + c];
        if (v > best && v < Infinity) best = v;
      }
      out[r * width + px] = best;
    }
  }
  return out;
}

/** Fills one packed pixel per value from the colour table (log position between lo and lo + span); no value → transparent. */
function fillCells(pixels: Int32Array, values: ArrayLike<number>, count: number, lut: Int32Array, lo: number, span: number): void {
  const top = LUT_SIZE - 1;
  const scale = top / span;
  for (let k = 0; k < count; k++) {
    const v = values[k];
    if (v > 0 && v < Infinity) {
      const index = Math.round(((v >= MIN_NORMAL ? fastLog10(v) : Math.log10(v)) - lo) * scale);
      pixels[k] = lut[index < 0 ? 0 : index > top ? top : index];
    } else {
      pixels[k] = 0;
    }
  }
}

/** A tile of diagonal two-tone stripes, `size` device pixels square, for cells without a value. */
function hatchTile(size: number, stripe: number, light: Rgb, dark: Rgb): HTMLCanvasElement {
  const tile = document.createElement('canvas');
  tile.width = size;
  tile.height = size;
  const c2d = tile.getContext('2d');
  if (!c2d) return tile;
  const image = c2d.createImageData(size, size);
  const pixels = new Int32Array(image.data.buffer);
  const a = packPixel(light);
  const b = packPixel(dark);
  for (let y = 0; y < size; y++) for (let x = 0; x < size; x++) pixels[y * size + x] = (x + y) % size < stripe ? b : a;
  c2d.putImageData(image, 0, 0);
  return tile;
}

/** The painted cells (one pixel per cell or per device column) and the no-value hatch beneath them. */
interface Plot {
  grid: HTMLCanvasElement;
  hatch: CanvasPattern | null;
}

/** Canvas geometry in CSS pixels: the plot rectangle, the row height and where the legend bar starts. */
interface Layout {
  width: number;
  height: number;
  left: number;
  top: number;
  plotW: number;
  plotH: number;
  rowH: number;
  legendX: number;
}

/** Draws `data` into a new canvas appended to `container`; returns a handle whose destroy() removes it. */
export function renderHeatmap(container: HTMLElement, data: HeatmapData, theme: HeatmapTheme): { destroy(): void } {
  const rows = Math.max(0, Math.floor(data.rows));
  const cols = Math.max(0, Math.floor(data.cols));
  const values = data.values;
  const range = positiveRange(values, rows * cols);
  const bounds = range ? logBounds(range.min, range.max) : { lo: 0, hi: 1 };

  const root = document.createElement('div');
  root.className = 'heatmap-view';
  root.style.setProperty('position', 'relative'); // anchors the tooltip; CSSOM, not an inline style attribute
  const canvas = document.createElement('canvas');
  canvas.className = 'heatmap-canvas';
  canvas.tabIndex = 0;
  canvas.setAttribute('role', 'application');
  canvas.setAttribute('aria-roledescription', 'heatmap');
  const missing = rows * cols - (range?.count ?? 0);
  const rangeText = range ? `values from ${formatExponent(range.min)} to ${formatExponent(range.max)} on a log scale` : 'no values';
  canvas.setAttribute('aria-label', `${data.title}: ${rows} ${data.rowLabel} × ${cols} ${data.colLabel}, ${rangeText}`
    + `${missing > 0 && range ? `, ${missing} cells without a value` : ''}. Arrow keys move between cells.`);
  const tooltip = document.createElement('div');
  tooltip.className = 'heatmap-tooltip';
  tooltip.setAttribute('role', 'tooltip');
  tooltip.id = `heatmap-tooltip-${++tooltipIds}`;
  tooltip.hidden = true;
  tooltip.style.setProperty('position', 'absolute');
  tooltip.style.setProperty('pointer-events', 'none');
  const status = document.createElement('div');
  status.className = 'heatmap-status';
  status.setAttribute('aria-live', 'polite');
  status.setAttribute('role', 'status');
  status.id = `${tooltip.id}-status`;
  canvas.setAttribute('aria-describedby', status.id);
  root.append(canvas, tooltip, status);
  container.append(root);

  const ctx = canvas.getContext('2d');
  let layout: Layout | null = null;
  let plot: Plot | null = null;
  let focused: { r: number; c: number } | null = null;
  let lastFocused = { r: 0, c: 0 };
  let drawnWidth = -1;

  const rowName = (r: number): string => data.rowNames?.[r] ?? String(r + 1);
  const colName = (c: number): string => data.colNames?.[c] ?? String(c + 1);
  const valueAt = (r: number, c: number): number => values[r * cols + c];
  const describe = (r: number, c: number): string => {
    const v = valueAt(r, c);
    return `${data.rowLabel} ${rowName(r)}, ${data.colLabel} ${colName(c)}: ${hasValue(v) ? formatExponent(v) : 'no value'}`;
  };

  const rowTicks = (plotH: number): number[] => indexTicks(rows, Math.max(2, plotH / (FONT_SIZE + 6)));
  const legendTicks = (plotH: number): number[] =>
    niceLogTicks(Math.pow(10, bounds.lo), Math.pow(10, bounds.hi), Math.max(2, Math.floor(plotH / (FONT_SIZE + 4))));

  function computeLayout(c2d: CanvasRenderingContext2D, width: number): Layout {
    const rowH = rows > 0 ? Math.min(MAX_ROW, Math.max(MIN_ROW, Math.round(TARGET_PLOT_HEIGHT / rows))) : MAX_ROW;
    const plotH = rows > 0 ? rowH * rows : 2 * MAX_ROW;
    const rowTickW = rowTicks(plotH).reduce((w, r) => Math.max(w, c2d.measureText(rowName(r)).width), 0);
    const legendLabelW = range
      ? legendTicks(plotH).reduce((w, v) => Math.max(w, c2d.measureText(tickLabel(v)).width), c2d.measureText('1e-10').width)
      : 0;
    const left = Math.ceil(FONT_SIZE + 6 + rowTickW + 6);
    const right = range ? Math.ceil(10 + LEGEND_BAR + 4 + legendLabelW + 4) : 8;
    const top = FONT_SIZE + 10;
    const plotW = Math.max(10, width - left - right);
    return { width, height: top + plotH + FONT_SIZE * 2 + 14, left, top, plotW, plotH, rowH, legendX: left + plotW + 10 };
  }

  /** Paints one pixel per row and (at most) per device-pixel column into an offscreen canvas, scaled up when drawn. */
  function paintCells(c2d: CanvasRenderingContext2D, l: Layout, dpr: number): Plot | null {
    const gridW = Math.min(cols, Math.max(1, Math.round(l.plotW * dpr)));
    const grid = document.createElement('canvas');
    grid.width = gridW;
    grid.height = rows;
    const g2d = grid.getContext('2d');
    if (!g2d) return null;
    const image = g2d.createImageData(gridW, rows);
    const source = gridW === cols ? values : columnMaxima(values, rows, cols, gridW);
    fillCells(new Int32Array(image.data.buffer), source, rows * gridW, colourTable(theme.highContrast), bounds.lo, bounds.hi - bounds.lo);
    g2d.putImageData(image, 0, 0);
    const fg = parseColour(c2d, theme.foreground, [128, 128, 128]);
    const bg = parseColour(c2d, theme.background, [255, 255, 255]);
    const size = Math.max(4, Math.round(6 * dpr));
    const hatch = c2d.createPattern(hatchTile(size, Math.max(1, Math.round(2 * dpr)), mix(bg, fg, 0.12), mix(bg, fg, 0.3)), 'repeat');
    return { grid, hatch };
  }

  /** Draws the hatch under the whole plot, then the cells on top (no-value cells are transparent). */
  function drawPlot(c2d: CanvasRenderingContext2D, l: Layout, dpr: number): void {
    if (!plot) return;
    c2d.save();
    c2d.setTransform(1, 0, 0, 1, 0, 0);
    if (plot.hatch) {
      c2d.fillStyle = plot.hatch;
      c2d.fillRect(Math.round(l.left * dpr), Math.round(l.top * dpr), Math.round(l.plotW * dpr), Math.round(l.plotH * dpr));
    }
    c2d.imageSmoothingEnabled = false;
    c2d.drawImage(plot.grid, Math.round(l.left * dpr), Math.round(l.top * dpr), Math.round(l.plotW * dpr), Math.round(l.plotH * dpr));
    c2d.restore();
  }

  function drawAxes(c2d: CanvasRenderingContext2D, l: Layout): void {
    c2d.fillStyle = theme.foreground;
    c2d.strokeStyle = theme.border;
    c2d.lineWidth = 1;
    c2d.textBaseline = 'alphabetic';
    c2d.textAlign = 'left';
    c2d.fillText(data.title, l.left, FONT_SIZE + 2);
    c2d.strokeRect(l.left - 0.5, l.top - 0.5, l.plotW + 1, l.plotH + 1);
    const cellW = l.plotW / cols;
    // column ticks below the plot
    c2d.textAlign = 'center';
    c2d.textBaseline = 'top';
    const colTickWidth = Math.max(c2d.measureText(colName(cols - 1)).width, c2d.measureText(colName(0)).width) + 16;
    for (const c of indexTicks(cols, l.plotW / colTickWidth)) {
      const x = l.left + (c + 0.5) * cellW;
      c2d.beginPath();
      c2d.moveTo(x, l.top + l.plotH);
      c2d.lineTo(x, l.top + l.plotH + 3);
      c2d.stroke();
      c2d.fillText(colName(c), Math.min(Math.max(x, l.left), l.left + l.plotW), l.top + l.plotH + 4);
    }
    c2d.fillText(data.colLabel, l.left + l.plotW / 2, l.top + l.plotH + FONT_SIZE + 8);
    // row ticks left of the plot
    c2d.textAlign = 'right';
    c2d.textBaseline = 'middle';
    for (const r of rowTicks(l.plotH)) {
      const y = l.top + (r + 0.5) * l.rowH;
      c2d.beginPath();
      c2d.moveTo(l.left - 3, y);
      c2d.lineTo(l.left, y);
      c2d.stroke();
      c2d.fillText(rowName(r), l.left - 5, y);
    }
    c2d.save();
    c2d.translate(FONT_SIZE / 2 + 2, l.top + l.plotH / 2);
    c2d.rotate(-Math.PI / 2);
    c2d.textAlign = 'center';
    c2d.fillText(data.rowLabel, 0, 0);
    c2d.restore();
  }

  function drawLegend(c2d: CanvasRenderingContext2D, l: Layout, dpr: number): void {
    if (!range) return;
    const x = l.legendX;
    const h = l.plotH;
    const bx = Math.round(x * dpr);
    const by = Math.round(l.top * dpr);
    const bw = Math.max(1, Math.round((x + LEGEND_BAR) * dpr) - bx);
    const bh = Math.max(1, Math.round((l.top + h) * dpr) - by);
    const bar = c2d.createImageData(bw, bh);
    const pixels = new Int32Array(bar.data.buffer);
    const lut = colourTable(theme.highContrast);
    for (let py = 0; py < bh; py++) {
      pixels.fill(lut[Math.round((1 - (py + 0.5) / bh) * (LUT_SIZE - 1))], py * bw, (py + 1) * bw);
    }
    c2d.putImageData(bar, bx, by);
    c2d.strokeStyle = theme.border;
    c2d.strokeRect(x - 0.5, l.top - 0.5, LEGEND_BAR + 1, h + 1);
    c2d.fillStyle = theme.foreground;
    c2d.textAlign = 'left';
    c2d.textBaseline = 'middle';
    const span = bounds.hi - bounds.lo;
    for (const v of legendTicks(h)) {
      const y = l.top + (1 - (Math.log10(v) - bounds.lo) / span) * h;
      c2d.beginPath();
      c2d.moveTo(x + LEGEND_BAR, y);
      c2d.lineTo(x + LEGEND_BAR + 3, y);
      c2d.stroke();
      c2d.fillText(tickLabel(v), x + LEGEND_BAR + 5, y);
    }
  }

  function drawFocus(c2d: CanvasRenderingContext2D, l: Layout, dpr: number): void {
    drawPlot(c2d, l, dpr);
    if (!focused) return;
    const cellW = l.plotW / cols;
    const w = Math.max(cellW, 6);
    const x = l.left + (focused.c + 0.5) * cellW - w / 2;
    const y = l.top + focused.r * l.rowH;
    c2d.save();
    c2d.beginPath();
    c2d.rect(l.left, l.top, l.plotW, l.plotH);
    c2d.clip();
    c2d.lineWidth = 2;
    c2d.strokeStyle = theme.background;
    c2d.strokeRect(x + 1, y + 1, w - 2, l.rowH - 2);
    c2d.lineWidth = 1;
    c2d.strokeStyle = theme.foreground;
    c2d.strokeRect(x + 0.5, y + 0.5, w - 1, l.rowH - 1);
    c2d.restore();
  }

  function draw(): void {
    if (!ctx) return;
    const style = getComputedStyle(container);
    const inner = container.clientWidth - (parseFloat(style.paddingLeft) || 0) - (parseFloat(style.paddingRight) || 0);
    const width = Math.max(120, Math.floor(inner > 0 ? inner : 600));
    if (width === drawnWidth) return;
    drawnWidth = width;
    const dpr = window.devicePixelRatio || 1;
    const font = `${FONT_SIZE}px ${style.fontFamily || 'sans-serif'}`;
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.font = font;
    const l = computeLayout(ctx, width);
    canvas.width = Math.round(l.width * dpr);
    canvas.height = Math.round(l.height * dpr);
    canvas.style.setProperty('width', `${l.width}px`); // CSSOM sizing is allowed under style-src without 'unsafe-inline'
    canvas.style.setProperty('height', `${l.height}px`);
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0); // resizing reset the context
    ctx.font = font;
    layout = l;
    plot = rows > 0 && cols > 0 ? paintCells(ctx, l, dpr) : null;
    drawAxes(ctx, l);
    drawLegend(ctx, l, dpr);
    drawFocus(ctx, l, dpr);
    if (!range) {
      ctx.fillStyle = theme.foreground;
      ctx.textAlign = 'center';
      ctx.textBaseline = 'middle';
      ctx.fillText('no values', l.left + l.plotW / 2, l.top + l.plotH / 2);
    }
  }

  function cellAt(event: MouseEvent): { r: number; c: number } | null {
    if (!layout || rows === 0 || cols === 0) return null;
    const box = canvas.getBoundingClientRect();
    const x = event.clientX - box.left - layout.left;
    const y = event.clientY - box.top - layout.top;
    if (x < 0 || y < 0 || x >= layout.plotW || y >= layout.plotH) return null;
    return { r: Math.min(rows - 1, Math.floor(y / layout.rowH)), c: Math.min(cols - 1, Math.floor((x / layout.plotW) * cols)) };
  }

  function showTooltip(r: number, c: number, x: number, y: number): void {
    const v = valueAt(r, c);
    const lines = [`${data.rowLabel}: ${rowName(r)}`, `${data.colLabel}: ${colName(c)}`, hasValue(v) ? formatExponent(v) : 'no value'];
    tooltip.replaceChildren(...lines.map((text) => {
      const line = document.createElement('div');
      line.textContent = text;
      return line;
    }));
    tooltip.hidden = false;
    const maxX = Math.max(0, root.clientWidth - tooltip.offsetWidth - 2);
    tooltip.style.setProperty('left', `${Math.min(maxX, Math.max(0, x + 12))}px`);
    tooltip.style.setProperty('top', `${Math.max(0, y + 12)}px`);
  }

  function onMove(event: MouseEvent): void {
    const cell = cellAt(event);
    if (!cell) { tooltip.hidden = true; return; }
    const rootBox = root.getBoundingClientRect();
    showTooltip(cell.r, cell.c, event.clientX - rootBox.left, event.clientY - rootBox.top);
  }

  function moveFocus(r: number, c: number): void {
    if (!layout || !ctx) return;
    focused = { r: Math.min(rows - 1, Math.max(0, r)), c: Math.min(cols - 1, Math.max(0, c)) };
    drawFocus(ctx, layout, window.devicePixelRatio || 1);
    status.textContent = describe(focused.r, focused.c);
    const cellW = layout.plotW / cols;
    // the root is positioned, so it is the canvas's offsetParent
    showTooltip(focused.r, focused.c, canvas.offsetLeft + layout.left + (focused.c + 0.5) * cellW,
      canvas.offsetTop + layout.top + (focused.r + 1) * layout.rowH - 6);
  }

  function onKey(event: KeyboardEvent): void {
    if (rows === 0 || cols === 0) return;
    const at = focused ?? { r: 0, c: 0 };
    const page = 10;
    let next: { r: number; c: number } | null = null;
    switch (event.key) {
      case 'ArrowLeft': next = { r: at.r, c: at.c - 1 }; break;
      case 'ArrowRight': next = { r: at.r, c: at.c + 1 }; break;
      case 'ArrowUp': next = { r: at.r - 1, c: at.c }; break;
      case 'ArrowDown': next = { r: at.r + 1, c: at.c }; break;
      case 'PageUp': next = { r: at.r - page, c: at.c }; break;
      case 'PageDown': next = { r: at.r + page, c: at.c }; break;
      case 'Home': next = event.ctrlKey ? { r: 0, c: 0 } : { r: at.r, c: 0 }; break;
      case 'End': next = event.ctrlKey ? { r: rows - 1, c: cols - 1 } : { r: at.r, c: cols - 1 }; break;
      case 'Escape': tooltip.hidden = true; return;
      default: return;
    }
    event.preventDefault();
    moveFocus(next.r, next.c);
  }

  function onFocus(): void {
    if (rows > 0 && cols > 0) moveFocus(lastFocused.r, lastFocused.c);
  }

  function onBlur(): void {
    tooltip.hidden = true;
    if (focused) lastFocused = focused;
    focused = null;
    if (ctx && layout) drawFocus(ctx, layout, window.devicePixelRatio || 1);
  }

  /** A click on a cell makes it the keyboard cell (focus follows the click). */
  function onDown(event: MouseEvent): void {
    const cell = cellAt(event);
    if (!cell) return;
    lastFocused = cell;
    if (focused) moveFocus(cell.r, cell.c);
  }

  const onLeave = (): void => { if (!focused) tooltip.hidden = true; };
  canvas.addEventListener('mousedown', onDown);
  canvas.addEventListener('mousemove', onMove);
  canvas.addEventListener('mouseleave', onLeave);
  canvas.addEventListener('keydown', onKey);
  canvas.addEventListener('focus', onFocus);
  canvas.addEventListener('blur', onBlur);

  let frame = 0;
  const observer = typeof ResizeObserver === 'function'
    ? new ResizeObserver(() => {
      cancelAnimationFrame(frame);
      frame = requestAnimationFrame(draw);
    })
    : null;
  draw();
  observer?.observe(container);

  return {
    destroy(): void {
      observer?.disconnect();
      cancelAnimationFrame(frame);
      canvas.removeEventListener('mousedown', onDown);
      canvas.removeEventListener('mousemove', onMove);
      canvas.removeEventListener('mouseleave', onLeave);
      canvas.removeEventListener('keydown', onKey);
      canvas.removeEventListener('focus', onFocus);
      canvas.removeEventListener('blur', onBlur);
      root.remove();
    },
  };
}
