/**
 * SVG of a recurrent network unrolled in time: x_t → h_t → ŷ_t per step, recurrent edges h_{t−1} → h_t coloured and
 * sized by the latest ‖∂L/∂h_t‖ on a log scale, long sequences collapsed around an expandable ellipsis.
 * Interiors are unfilled but hit-testable (pointer-events="all"), so hover and click work inside boxes.
 * Colours come from `currentColor` and CSS classes (`.node .edge .gate .selected .ellipsis`); only the gradient
 * colouring is computed, as stroke/fill presentation attributes (allowed by the webview CSP, unlike style attributes).
 */
import { catalogCell, catalogVariant, previewCell } from '../src/shared/protocol';
import { formatExponent, hasValue, logBounds, logColour, logPosition, positiveRange } from './heatmap';

/** What to draw: the cell kind, the number of steps, where the readout is, and optional per-step gradients and states. */
export interface GraphData {
  cell: string;
  /** The gated cell's coupled variant (β = 1 − α). */
  coupled?: boolean;
  /** A custom cell's equations: its intermediate names are drawn as its gates. */
  equations?: string[];
  steps: number;
  readout: 'last' | 'every';
  /** ‖∂L/∂h_t‖ per step t = 1..steps (index t − 1), from the latest backward pass. */
  gradNorm?: number[];
  /** h_t per step (index t − 1), shown in tooltips (first 6 units). */
  hidden?: number[][];
}

/** Options: collapse threshold, start expanded, step selection callback, and the high-contrast colour map. */
export interface GraphOptions {
  maxVisible?: number;
  expanded?: boolean;
  onSelectStep?: (t: number) => void;
  /** Called when the user expands a collapsed graph (so a redraw can start expanded). */
  onExpand?: () => void;
  highContrast?: boolean;
}

/** One column of the unrolled graph: a time step t (1-based) or the ellipsis standing for `hidden` elided steps. */
export type StepColumn = { kind: 'step'; t: number } | { kind: 'ellipsis'; hidden: number };

/** Steps kept on each side of the ellipsis when a sequence is collapsed. */
export const COLLAPSED_EDGE_STEPS = 5;

/** Columns to draw for `steps` steps: all of them, or the first and last few around one ellipsis when steps > maxVisible. */
export function visibleSteps(steps: number, maxVisible = 12, expanded = false): StepColumn[] {
  const n = Math.max(0, Math.floor(steps));
  const all = (): StepColumn[] => Array.from({ length: n }, (_, k) => ({ kind: 'step', t: k + 1 }));
  if (expanded || n <= maxVisible) return all();
  const keep = Math.min(COLLAPSED_EDGE_STEPS, Math.max(1, Math.floor((maxVisible - 1) / 2)));
  const hidden = n - 2 * keep;
  if (hidden <= 0) return all();
  const columns: StepColumn[] = [];
  for (let t = 1; t <= keep; t++) columns.push({ kind: 'step', t });
  columns.push({ kind: 'ellipsis', hidden });
  for (let t = n - keep + 1; t <= n; t++) columns.push({ kind: 'step', t });
  return columns;
}

/** Expanded graphs with more steps than this draw only the columns near the view and redraw as it scrolls. */
export const WINDOWED_OVER = 150;
/** Extra columns drawn on each side of the view in a windowed graph. */
const WINDOW_MARGIN = 8;

/**
 * Gate sub-boxes drawn inside a cell box, with their tooltip names, from the cell registry: a cell with one block
 * (the vanilla cell, for one) has none to draw; the gated cell's coupled variant draws α and h̃ only.
 */
export function gatesOf(cell: string, coupled = false, equations?: string[]): { id: string; label: string; name: string }[] {
  if (cell === 'custom') {
    // a custom cell's own intermediate names (up to 6 fit in a box; even one is a gate), in the order its equations assign them
    const names = previewCell(equations ?? []).intermediates.slice(0, 6);
    return names.map((n) => ({ id: n, label: n.length > 3 ? `${n.slice(0, 2)}…` : n, name: `${n} (your equations)` }));
  }
  const gates = catalogVariant(cell, { activation: 'tanh', coupled, forgetBias1: false })?.gates ?? [];
  return gates.length > 1 ? gates.map((g) => ({ id: g.name, label: g.symbol, name: g.title })) : [];
}

const SVG_NS = 'http://www.w3.org/2000/svg';
const PITCH = 96;
const LEFT = 56;
const RIGHT = 16;
const Y_OUT = 44;
const NODE_R = 15;
const BOX_W = 68;
const BOX_TOP = 94;
const BOX_H = 56;
const Y_IN = 200;
const HEIGHT = Y_IN + NODE_R + 12;
const MIN_WIDTH = 200;
const Y_LEGEND = 14;
const LEGEND_W = 340;
const THIN = 1.5;
const SUBSCRIPTS = '₀₁₂₃₄₅₆₇₈₉';

/** Subscript digits for node names: sub(12) = '₁₂'. */
function sub(n: number): string {
  return String(n).replace(/\d/g, (d) => SUBSCRIPTS[Number(d)]);
}

function svgEl<K extends keyof SVGElementTagNameMap>(tag: K, attrs: Record<string, string | number> = {}, ...children: (Node | string)[]): SVGElementTagNameMap[K] {
  const e = document.createElementNS(SVG_NS, tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v));
  e.append(...children);
  return e;
}

/** A `<text>` from parts where `[s]` is a subscript, e.g. ['W', ['x']] for W_x. */
function mathText(attrs: Record<string, string | number>, parts: (string | [string])[]): SVGTextElement {
  const text = svgEl('text', { fill: 'currentColor', ...attrs });
  let lowered = false;
  for (const part of parts) {
    if (typeof part === 'string') {
      text.append(svgEl('tspan', lowered ? { dy: '-0.3em' } : {}, part));
      lowered = false;
    } else {
      text.append(svgEl('tspan', { dy: '0.3em', 'font-size': '75%' }, part[0]));
      lowered = true;
    }
  }
  return text;
}

/** Renders the unrolled graph into `container`; `svg` stays the same element across expand, destroy() removes it. */
export function renderUnrolledGraph(container: HTMLElement, data: GraphData, opts: GraphOptions): { svg: SVGSVGElement; destroy(): void } {
  const steps = Math.max(0, Math.floor(data.steps));
  const maxVisible = opts.maxVisible ?? 12;
  const gates = gatesOf(data.cell, data.coupled, data.equations);
  // a custom cell's weights are its own W_k (on x) and U_k / u_k (on the state), not W_x and W_h
  const custom = data.cell === 'custom';
  const inW: (string | [string])[] = custom ? ['W'] : ['W', ['x']];
  const recW: (string | [string])[] = custom ? ['U'] : ['W', ['h']];
  const inName = custom ? 'its W_k' : 'W_x';
  const recName = custom ? 'its U_k and u_k' : 'W_h';
  const grads = data.gradNorm ?? [];
  const range = positiveRange(grads);
  const bounds = range ? logBounds(range.min, range.max) : null;

  const root = document.createElement('div');
  root.className = 'unrolled-graph';
  const scroller = document.createElement('div');
  scroller.className = 'unrolled-scroll';
  scroller.style.setProperty('overflow-x', 'auto'); // CSSOM, allowed without style-src 'unsafe-inline'
  const svg = svgEl('svg', { class: 'unrolled', role: 'group', 'font-size': 12, 'text-anchor': 'middle' });
  scroller.append(svg);
  root.append(scroller, legend());
  container.append(root);

  let expanded = opts.expanded ?? false;
  let selected: number | null = null;
  let active = 1; // the step node that holds the roving tab stop

  /** Columns [from, to] drawn last (windowed graphs draw only those near the view). */
  let drawnFrom = 0;
  let drawnTo = -1;
  let scrollFrame = 0;
  const windowed = (): boolean => expanded && steps > WINDOWED_OVER;
  /** The column range to draw: all of them, or those within (a margin of) the scrolled view. */
  const windowRange = (n: number): [number, number] => {
    if (!windowed()) return [0, n - 1];
    const view = scroller.clientWidth || container.clientWidth || 1600;
    const from = Math.max(0, Math.floor((scroller.scrollLeft - LEFT) / PITCH) - WINDOW_MARGIN);
    return [from, Math.min(n - 1, Math.ceil((scroller.scrollLeft + view - LEFT) / PITCH) + WINDOW_MARGIN)];
  };
  scroller.addEventListener('scroll', () => {
    if (!windowed() || scrollFrame) return;
    scrollFrame = requestAnimationFrame(() => {
      scrollFrame = 0;
      const [from, to] = windowRange(steps);
      if (from !== drawnFrom || to !== drawnTo) draw();
    });
  }, { passive: true });
  /** Scrolls a windowed graph so step t is in view, and draws it. */
  const revealStep = (t: number): void => {
    const x = LEFT + (t - 1) * PITCH;
    const view = scroller.clientWidth || 1600;
    if (x < scroller.scrollLeft || x + PITCH > scroller.scrollLeft + view) scroller.scrollLeft = Math.max(0, x - view / 2);
    draw();
  };

  const gradAt = (t: number): number | undefined => (hasValue(grads[t - 1]) ? grads[t - 1] : undefined);
  /** Stroke colour and width for an edge carrying ‖∂L/∂h_t‖ = g. */
  const gradStroke = (g: number | undefined): { stroke: string; width: number; graded: boolean } => {
    if (g === undefined || !bounds) return { stroke: 'currentColor', width: THIN, graded: false };
    const u = logPosition(g, bounds.lo, bounds.hi);
    const [r, gr, b] = logColour(u, opts.highContrast ?? false);
    return { stroke: `rgb(${r},${gr},${b})`, width: 1 + 5 * u, graded: true };
  };

  function edge(kind: string, x1: number, y1: number, x2: number, y2: number, tip: string, g: number | undefined, dashed = false): SVGGElement {
    const s = gradStroke(g);
    const len = Math.hypot(x2 - x1, y2 - y1) || 1;
    const ux = (x2 - x1) / len;
    const uy = (y2 - y1) / len;
    const head = 5 + s.width;
    const bx = x2 - ux * head;
    const by = y2 - uy * head;
    const line = svgEl('line', { x1, y1, x2: bx, y2: by, stroke: s.stroke, 'stroke-width': s.width.toFixed(2) });
    if (dashed) line.setAttribute('stroke-dasharray', '4 3');
    const arrow = svgEl('polygon', {
      points: `${x2},${y2} ${bx - uy * head * 0.5},${by + ux * head * 0.5} ${bx + uy * head * 0.5},${by - ux * head * 0.5}`,
      fill: s.stroke,
    });
    const group = svgEl('g', { class: `edge ${kind}${s.graded ? ' grad' : ''}` }, svgEl('title', {}, tip));
    if (s.graded) {
      // a faint currentColor trace keeps the wiring visible where the gradient colour nears the background
      group.append(svgEl('line', { class: 'trace', x1, y1, x2: bx, y2: by, stroke: 'currentColor', 'stroke-opacity': 0.35, 'stroke-width': 1 }));
      arrow.setAttribute('stroke', 'currentColor');
      arrow.setAttribute('stroke-opacity', '0.35');
      arrow.setAttribute('stroke-width', '0.75');
    }
    group.append(line, arrow);
    return group;
  }

  function hiddenTip(t: number): string {
    const lines = [`h${sub(t)}: hidden state at step ${t}`];
    const g = gradAt(t);
    lines.push(g === undefined ? `‖∂L/∂h${sub(t)}‖: no backward pass yet` : `‖∂L/∂h${sub(t)}‖ = ${formatExponent(g)}`);
    const h = data.hidden?.[t - 1];
    if (h && h.length > 0) {
      const shown = h.slice(0, 6).map((v) => v.toPrecision(3)).join(', ');
      lines.push(`h${sub(t)} = [${shown}${h.length > 6 ? ', …' : ''}]${h.length > 6 ? ` (first 6 of ${h.length})` : ''}`);
    }
    return lines.join('\n');
  }

  function stepNodes(): SVGGElement[] {
    return Array.from(svg.querySelectorAll<SVGGElement>('g.step'));
  }

  function select(t: number, focus: boolean): void {
    selected = t;
    active = t;
    for (const node of stepNodes()) {
      const on = Number(node.dataset.step) === t;
      node.classList.toggle('selected', on);
      node.setAttribute('aria-pressed', String(on));
      node.setAttribute('tabindex', on ? '0' : '-1');
      node.querySelector('rect.cell')?.setAttribute('stroke-width', on ? '3' : String(THIN));
      if (on && focus) node.focus();
    }
    opts.onSelectStep?.(t);
  }

  function moveActive(from: SVGGElement, delta: number | 'first' | 'last'): void {
    if (windowed()) {
      const t0 = Number(from.dataset.step);
      const t = delta === 'first' ? 1 : delta === 'last' ? steps : Math.min(steps, Math.max(1, t0 + delta));
      if (t === t0) return;
      active = t;
      revealStep(t);
      svg.querySelector<SVGGElement>(`.step[data-step="${t}"]`)?.focus();
      return;
    }
    const nodes = stepNodes();
    const k = nodes.indexOf(from);
    const next = delta === 'first' ? 0 : delta === 'last' ? nodes.length - 1 : Math.min(nodes.length - 1, Math.max(0, k + delta));
    const target = nodes[next];
    if (!target || target === from) return;
    from.setAttribute('tabindex', '-1');
    target.setAttribute('tabindex', '0');
    active = Number(target.dataset.step);
    target.focus();
  }

  function hiddenNode(t: number, cx: number): SVGGElement {
    const g = gradAt(t);
    const label = `Step ${t}: hidden state h${sub(t)}${g === undefined ? '' : `, gradient norm ${formatExponent(g)}`}`;
    const isSelected = selected === t;
    const group = svgEl('g', {
      class: `node step hidden-state${isSelected ? ' selected' : ''}`, 'data-step': t, role: 'button',
      tabindex: t === active ? 0 : -1, 'aria-pressed': String(isSelected), 'aria-label': label,
    }, svgEl('title', {}, hiddenTip(t)));
    group.append(svgEl('rect', {
      class: 'cell', x: cx - BOX_W / 2, y: BOX_TOP, width: BOX_W, height: BOX_H, rx: 6,
      fill: 'none', 'pointer-events': 'all', stroke: 'currentColor', 'stroke-width': isSelected ? 3 : THIN,
    }));
    const hasGates = gates.length > 0;
    group.append(mathText({ x: cx, y: hasGates ? BOX_TOP + 19 : BOX_TOP + BOX_H / 2 + 5, 'font-size': 14 }, [`h${sub(t)}`]));
    if (hasGates) {
      const gap = 3;
      const w = (BOX_W - 8 - gap * (gates.length - 1)) / gates.length;
      gates.forEach((gate, k) => {
        const x = cx - BOX_W / 2 + 4 + k * (w + gap);
        group.append(svgEl('g', { class: 'gate', 'data-gate': gate.id },
          svgEl('title', {}, `${gate.label}${sub(t)}: ${gate.name}`),
          svgEl('rect', { x, y: BOX_TOP + BOX_H - 26, width: w, height: 20, rx: 2, fill: 'none', stroke: 'currentColor', 'stroke-width': 1 }),
          svgEl('text', { x: x + w / 2, y: BOX_TOP + BOX_H - 12, 'font-size': 11, fill: 'currentColor' }, gate.label)));
      });
    }
    group.addEventListener('click', () => select(t, true));
    group.addEventListener('keydown', (event) => {
      switch (event.key) {
        case 'Enter': case ' ': select(t, false); break;
        case 'ArrowRight': moveActive(group, 1); break;
        case 'ArrowLeft': moveActive(group, -1); break;
        case 'Home': moveActive(group, 'first'); break;
        case 'End': moveActive(group, 'last'); break;
        default: return;
      }
      event.preventDefault();
    });
    return group;
  }

  function ioNode(kind: 'input' | 'output', t: number, cx: number): SVGGElement {
    const isIn = kind === 'input';
    const cy = isIn ? Y_IN : Y_OUT;
    const tip = isIn ? `x${sub(t)}: input at step ${t}` : `ŷ${sub(t)} = W_y h${sub(t)} + b_y: output at step ${t}`;
    return svgEl('g', { class: `node ${kind}`, 'data-t': t },
      svgEl('title', {}, tip),
      svgEl('circle', { cx, cy, r: NODE_R, fill: 'none', 'pointer-events': 'all', stroke: 'currentColor', 'stroke-width': THIN }),
      svgEl('text', { x: cx, y: cy + 5, fill: 'currentColor' }, `${isIn ? 'x' : 'ŷ'}${sub(t)}`));
  }

  /** The button standing for `hidden` elided steps from `firstHidden` on; expanding focuses step `firstHidden`. */
  function ellipsisNode(hidden: number, firstHidden: number, cx: number): SVGGElement {
    const group = svgEl('g', {
      class: 'ellipsis', role: 'button', tabindex: 0,
      'aria-label': `${hidden} more steps hidden: show all ${steps} steps`,
    }, svgEl('title', {}, `Show all ${steps} steps`));
    group.append(
      svgEl('rect', {
        x: cx - BOX_W / 2, y: BOX_TOP, width: BOX_W, height: BOX_H, rx: 6,
        fill: 'none', 'pointer-events': 'all', stroke: 'currentColor', 'stroke-dasharray': '4 3',
      }),
      svgEl('text', { x: cx, y: BOX_TOP + 18, 'font-size': 16, fill: 'currentColor' }, '…'),
      svgEl('text', { x: cx, y: BOX_TOP + 34, 'font-size': 11, fill: 'currentColor' }, `${hidden} more`),
      svgEl('text', { x: cx, y: BOX_TOP + 47, 'font-size': 11, fill: 'currentColor' }, hidden === 1 ? 'step' : 'steps'),
    );
    const expand = (): void => {
      expanded = true;
      opts.onExpand?.();
      draw();
      const first = svg.querySelector<SVGGElement>(`g.step[data-step="${firstHidden}"]`) ?? stepNodes()[0];
      if (first) {
        for (const node of stepNodes()) node.setAttribute('tabindex', node === first ? '0' : '-1');
        active = Number(first.dataset.step);
        first.focus();
      }
    };
    group.addEventListener('click', expand);
    group.addEventListener('keydown', (event) => {
      if (event.key === 'Enter' || event.key === ' ') {
        event.preventDefault();
        expand();
      }
    });
    return group;
  }

  /** The legend sits outside the scrolling area so it stays in view when an expanded graph is scrolled. */
  function legend(): SVGSVGElement {
    const height = range ? Y_LEGEND + 52 : Y_LEGEND + 24;
    const legendSvg = svgEl('svg', {
      class: 'unrolled-legend', width: LEGEND_W, height, viewBox: `0 0 ${LEGEND_W} ${height}`,
      'text-anchor': 'start', 'font-size': 11, role: 'img',
      'aria-label': `The same ${custom ? 'W_k, U_k' : 'W_x, W_h'} and W_y at every step. ${range
        ? `Edge colour and width show the gradient norm of h_t, from ${formatExponent(range.min)} to ${formatExponent(range.max)}, on a log scale.`
        : 'Edges are coloured by the gradient norm of h_t after a backward pass.'}`,
    });
    legendSvg.append(mathText({ x: 8, y: Y_LEGEND }, custom ? ['same W', ['k'], ', U', ['k'], ', W', ['y'], ' at every step'] : ['same W', ['x'], ', W', ['h'], ', W', ['y'], ' at every step']));
    if (!range || !bounds) {
      legendSvg.append(svgEl('text', { x: 8, y: Y_LEGEND + 18, fill: 'currentColor', class: 'muted' }, 'edges are coloured by ‖∂L/∂hₜ‖ after a backward pass'));
      return legendSvg;
    }
    legendSvg.append(mathText({ x: 8, y: Y_LEGEND + 18 }, ['edge colour and width: ‖∂L/∂h', ['t'], '‖, log scale']));
    const barX = 8;
    const barW = 200;
    const n = 32;
    const y = Y_LEGEND + 28;
    for (let k = 0; k < n; k++) {
      const [r, g, b] = logColour((k + 0.5) / n, opts.highContrast ?? false);
      legendSvg.append(svgEl('rect', { x: barX + (k * barW) / n, y, width: barW / n + 0.5, height: 8, fill: `rgb(${r},${g},${b})` }));
    }
    legendSvg.append(
      svgEl('text', { x: barX, y: y + 21, fill: 'currentColor' }, formatExponent(Math.pow(10, bounds.lo), 1)),
      svgEl('text', { x: barX + barW, y: y + 21, fill: 'currentColor', 'text-anchor': 'end' }, formatExponent(Math.pow(10, bounds.hi), 1)),
    );
    return legendSvg;
  }

  function draw(): void {
    const columns = visibleSteps(steps, maxVisible, expanded);
    const width = Math.max(MIN_WIDTH, LEFT + columns.length * PITCH + RIGHT);
    const hadFocus = svg.contains(document.activeElement);
    const [kFrom, kTo] = windowRange(columns.length);
    drawnFrom = kFrom;
    drawnTo = kTo;
    svg.replaceChildren();
    svg.setAttribute('data-steps', String(steps));
    svg.setAttribute('width', String(width));
    svg.setAttribute('height', String(HEIGHT));
    svg.setAttribute('viewBox', `0 0 ${width} ${HEIGHT}`);
    // collapsed graphs scale down to fit the view (CSS); expanded ones keep their size and scroll
    svg.classList.toggle('expanded', expanded || columns.length === steps);
    svg.setAttribute('aria-label', `Unrolled ${data.cell === 'custom' ? 'custom cell' : catalogCell(data.cell)?.label ?? data.cell} over ${steps} steps`
      + `${columns.length < steps ? `, showing ${columns.filter((c) => c.kind === 'step').length}` : windowed() ? `, steps ${kFrom + 1} to ${kTo + 1} drawn (scroll for more)` : ''}; readout at ${data.readout === 'last' ? 'the last step' : 'every step'}`);
    if (steps === 0) {
      svg.append(svgEl('text', { x: width / 2, y: HEIGHT / 2, fill: 'currentColor' }, 'no time steps'));
      return;
    }
    if (windowed()) {
      // the roving tab stop must be a drawn node: after a scroll it moves into the drawn columns (unless focused there)
      if (!hadFocus && (active < kFrom + 1 || active > kTo + 1)) active = Math.min(steps, Math.max(1, Math.round((scroller.scrollLeft - LEFT) / PITCH) + 1));
      active = Math.min(kTo + 1, Math.max(kFrom + 1, active));
    } else if (!columns.some((c) => c.kind === 'step' && c.t === active)) active = 1;
    const edges = svgEl('g', { class: 'edges' });
    const nodes = svgEl('g', { class: 'nodes' });
    const labels = svgEl('g', { class: 'weights', 'font-size': 12, 'font-style': 'italic' });
    svg.append(edges, nodes, labels);

    // h_0, the initial state
    const h0x = 24;
    const hy = BOX_TOP + BOX_H / 2;
    if (kFrom === 0) {
      nodes.append(svgEl('g', { class: 'node initial' }, svgEl('title', {}, 'h₀: initial state'),
        svgEl('circle', { cx: h0x, cy: hy, r: 11, fill: 'none', stroke: 'currentColor', 'stroke-width': THIN }),
        svgEl('text', { x: h0x, y: hy + 4, 'font-size': 11, fill: 'currentColor' }, 'h₀')));
    }

    // a windowed graph starts at column kFrom (t = kFrom + 1), its recurrent edge coming from the column before
    let prevRight = kFrom === 0 ? h0x + 11 : LEFT + (kFrom - 1) * PITCH + PITCH / 2 + BOX_W / 2;
    let prevT = kFrom;
    let firstRecurrent = true;
    let firstOutput = true;
    columns.forEach((column, k) => {
      if (k < kFrom || k > kTo) return;
      const cx = LEFT + k * PITCH + PITCH / 2;
      const boxLeft = cx - BOX_W / 2;
      if (column.kind === 'ellipsis') {
        const into = prevT + 1;
        edges.append(edge('recurrent elided', prevRight, hy, boxLeft, hy, `h${sub(prevT)} → h${sub(into)} …`, gradAt(into), true));
        nodes.append(ellipsisNode(column.hidden, into, cx));
        prevRight = cx + BOX_W / 2;
        prevT = prevT + column.hidden;
        return;
      }
      const t = column.t;
      const g = gradAt(t);
      const elided = prevT !== t - 1;
      const rec = edge(`recurrent${elided ? ' elided' : ''}`, prevRight, hy, boxLeft, hy,
        `h${sub(t - 1)} → h${sub(t)} through ${recName}; ${g === undefined ? 'no gradient yet' : `‖∂L/∂h${sub(t)}‖ = ${formatExponent(g)}`}`, g, elided);
      edges.append(rec);
      if (firstRecurrent) {
        labels.append(mathText({ x: (prevRight + boxLeft) / 2, y: hy - 8 }, recW));
        firstRecurrent = false;
      }
      edges.append(edge('input', cx, Y_IN - NODE_R, cx, BOX_TOP + BOX_H, `x${sub(t)} → h${sub(t)} through ${inName}`, undefined));
      if (k === 0) labels.append(mathText({ x: cx + 8, y: (Y_IN - NODE_R + BOX_TOP + BOX_H) / 2 + 4, 'text-anchor': 'start' }, inW));
      nodes.append(ioNode('input', t, cx), hiddenNode(t, cx));
      if (data.readout === 'every' || t === steps) {
        edges.append(edge('output', cx, BOX_TOP, cx, Y_OUT + NODE_R,
          `h${sub(t)} → ŷ${sub(t)} through W_y${g === undefined ? '' : `; ‖∂L/∂h${sub(t)}‖ = ${formatExponent(g)}`}`, g));
        nodes.append(ioNode('output', t, cx));
        if (firstOutput) {
          labels.append(mathText({ x: cx + 8, y: (BOX_TOP + Y_OUT + NODE_R) / 2 + 4, 'text-anchor': 'start' }, ['W', ['y']]));
          firstOutput = false;
        }
      }
      prevRight = cx + BOX_W / 2;
      prevT = t;
    });
    if (hadFocus) svg.querySelector<SVGGElement>(`.step[data-step="${active}"]`)?.focus({ preventScroll: true });
  }

  draw();
  return {
    svg,
    destroy(): void {
      cancelAnimationFrame(scrollFrame);
      root.remove();
    },
  };
}
