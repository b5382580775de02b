/**
 * The Chapter Lab: the chapter's claims in its order, each with its statement, a Run button (with progress and
 * Cancel), the measured figures and a sentence saying whether the claim held here. a and b recompute as their
 * parameters change; c–f train on the lab's own engine worker; g runs Verify on the open CSV. The page also writes
 * itself as a standalone HTML report (figures as images) when the host asks.
 */
import {
  assertNever, cellTitle, CHAPTER_CLAIMS, type FromWebview, type LabClaim, type LabParams, type LabResult, type LabVerifyResult, type ToWebview,
} from '../src/shared/protocol';
import { colours, el, fmt, lineChart, live, series, teardown } from './ui';
import { renderHeatmap } from './heatmap';
import { button, dropdown, progressRing, textField } from './components/index';

declare function acquireVsCodeApi(): { postMessage(msg: FromWebview): void; getState(): unknown; setState(s: unknown): void };

type Claim = LabClaim | 'g';
type Outcome = LabResult | LabVerifyResult;

interface LabState {
  params: LabParams & { tiny: NonNullable<LabParams['tiny']>; scalar: NonNullable<LabParams['scalar']>; lengths: number[] };
  results: Partial<Record<Claim, Outcome>>;
  problems: Partial<Record<Claim, string>>;
}

const vscodeApi = acquireVsCodeApi();
const root = document.getElementById('lab') as HTMLElement;
const running = new Map<Claim, { fraction: number | null; message: string }>();
const DEFAULTS: LabState['params'] = {
  tiny: { Wh: [[0.5, 0.1], [0.1, 0.5]], Wx: [0.8, -0.3], x: [0.5, 0.8, 0.6], wy: [1, 1] },
  scalar: { wh: 0.9, activation: 'sigmoid', maxT: 100 },
  lengths: [5, 10, 20, 50],
};
let state: LabState = (vscodeApi.getState() as LabState | undefined) ?? { params: DEFAULTS, results: {}, problems: {} };

function save(): void {
  vscodeApi.setState(state);
}

function run(claim: Claim): void {
  if (running.has(claim)) return;
  running.set(claim, { fraction: null, message: 'starting' });
  delete state.problems[claim];
  const { tiny, scalar, lengths } = state.params;
  const params: LabParams = claim === 'a' ? { tiny } : claim === 'b' ? { scalar } : claim === 'c' ? { lengths } : {};
  vscodeApi.postMessage({ type: 'lab/run', claim, params });
  render();
}

/** Parses "0.5, 0.8" into numbers; null when something is not a number. */
function numbers(text: string, min: number, max: number): number[] | null {
  const parts = text.split(/[,;\s]+/).filter(Boolean).map(Number);
  return parts.length >= min && parts.length <= max && parts.every(Number.isFinite) ? parts : null;
}

/** A text field for a few numbers; a valid change updates the parameters and reruns `claim`. */
function numbersField(id: string, label: string, value: number[], min: number, max: number, set: (v: number[]) => void, claim: Claim | null): HTMLElement {
  const f = textField(value.join(', '), {
    id, label, onCommit: (text) => {
      const v = numbers(text, min, max);
      if (!v) {
        f.value = value.join(', ');
        return;
      }
      set(v);
      save();
      if (claim) run(claim);
      else render();
    },
  });
  return el('label', { className: 'lab-field' }, el('span', { textContent: label }), f);
}

function controlsOf(claim: Claim): HTMLElement[] {
  const p = state.params;
  switch (claim) {
    case 'a':
      return [
        numbersField('tiny-wh1', 'W_h row 1', p.tiny.Wh[0], 2, 2, (v) => { p.tiny.Wh[0] = v; }, 'a'),
        numbersField('tiny-wh2', 'W_h row 2', p.tiny.Wh[1], 2, 2, (v) => { p.tiny.Wh[1] = v; }, 'a'),
        numbersField('tiny-wx', 'w_x', p.tiny.Wx, 2, 2, (v) => { p.tiny.Wx = v; }, 'a'),
        numbersField('tiny-x', 'inputs x', p.tiny.x, 1, 20, (v) => { p.tiny.x = v; }, 'a'),
        numbersField('tiny-wy', 'w_y', p.tiny.wy, 2, 2, (v) => { p.tiny.wy = v; }, 'a'),
        button('Chapter\'s values', { kind: 'secondary', id: 'tiny-reset', onClick: () => { p.tiny = structuredClone(DEFAULTS.tiny); save(); run('a'); } }),
      ];
    case 'b':
      return [
        numbersField('scalar-wh', 'w_h', [p.scalar.wh], 1, 1, (v) => { p.scalar.wh = v[0]; }, 'b'),
        el('label', { className: 'lab-field' }, el('span', { textContent: 'activation φ' }), dropdown(['sigmoid', 'tanh', 'relu'], p.scalar.activation, {
          id: 'scalar-activation', label: 'activation φ', onChange: (v) => { p.scalar.activation = v as 'sigmoid' | 'tanh' | 'relu'; save(); run('b'); },
        })),
      ];
    case 'c':
      return [numbersField('horizon-lengths', 'lengths', p.lengths, 1, 8, (v) => { p.lengths = v.map((n) => Math.max(2, Math.min(500, Math.round(n)))); }, null)];
    default:
      return [];
  }
}

function section(c: (typeof CHAPTER_CLAIMS)[number]): HTMLElement {
  const claim = c.id as Claim;
  const box = el('section', { className: 'claim', id: `claim-${claim}` });
  box.setAttribute('aria-labelledby', `claim-${claim}-title`);
  box.append(el('h3', { id: `claim-${claim}-title`, textContent: `${claim}. ${c.title}` }), el('blockquote', { className: 'statement', textContent: c.statement }));
  const bar = el('div', { className: 'toolbar lab-controls' }, ...controlsOf(claim));
  const now = running.get(claim);
  if (now) {
    bar.append(button('Cancel', { id: `cancel-${claim}`, kind: 'secondary', onClick: () => vscodeApi.postMessage({ type: 'lab/cancel', claim }) }), progressRing(`Running claim ${claim}`),
      el('span', { className: 'muted', textContent: `${now.message}${now.fraction !== null ? ` (${Math.round(now.fraction * 100)}%)` : ''}` }));
  } else {
    const label = claim === 'g' ? 'Verify the open CSV' : state.results[claim] ? 'Run again' : 'Run';
    bar.append(button(label, { id: `run-${claim}`, kind: claim === 'a' || claim === 'b' ? 'secondary' : 'primary', onClick: () => run(claim) }));
    if (claim === 'c' || claim === 'd' || claim === 'e' || claim === 'f') bar.append(el('span', { className: 'muted', textContent: BUDGETS[claim] }));
  }
  box.append(bar);
  const problem = state.problems[claim];
  if (problem) {
    const p = el('p', { className: 'warning', textContent: problem });
    p.setAttribute('role', 'alert');
    box.append(p);
  }
  const r = state.results[claim];
  if (r) {
    box.append(...figuresOf(r));
    const held = r.figures.held;
    const s = el('p', { className: `sentence ${held === false ? 'not-held' : 'held'}`, textContent: r.figures.sentence });
    s.setAttribute('role', 'status');
    box.append(s);
  }
  return box;
}

const BUDGETS: Record<'c' | 'd' | 'e' | 'f', string> = {
  c: 'six cells (and the open experiment\'s custom cell, when it has one) × the lengths, 12 epochs of 600 sequences each (about half a minute)',
  d: 'an LSTM and the gated cell, 15 epochs on the adding problem (a few seconds)',
  e: 'two ReLU RNNs, 5 epochs (a few seconds)',
  f: 'two 8-layer stacks, 3 epochs (a few seconds)',
};

/** The figures of an outcome: tables and charts. */
function figuresOf(r: Outcome): HTMLElement[] {
  const c = colours();
  switch (r.claim) {
    case 'a': {
      const f = r.figures;
      const T = f.params.x.length;
      const head = el('tr', {}, el('th', { textContent: 'φ' }), ...Array.from({ length: T }, (_, t) => el('th', { textContent: `h${sub(t + 1)}` })), el('th', { textContent: 'ŷ' }), el('th', { textContent: 'prediction' }));
      const row = (name: string, x: typeof f.sigmoid): HTMLElement => el('tr', {}, el('th', { scope: 'row', textContent: name }),
        ...x.h.map((h) => el('td', { textContent: `(${h.map((v) => v.toFixed(4)).join(', ')})` })), el('td', { textContent: x.yHat.toFixed(4) }), el('td', { textContent: x.prediction }));
      const t = el('table', { className: 'lab-table', id: 'tiny-table' }, el('thead', {}, head), el('tbody', {}, row('sigmoid', f.sigmoid), row('tanh', f.tanh),
        ...(f.chapterParams ? [el('tr', { className: 'chapter-row' }, el('th', { scope: 'row', textContent: 'the chapter prints' }), ...Array.from({ length: T - 1 }, () => el('td', { textContent: '' })),
          el('td', { textContent: `(${f.chapter.h3.join(', ')})` }), el('td', { textContent: String(f.chapter.yHat) }), el('td', { textContent: 'trending' }))] : [])));
      t.setAttribute('aria-label', 'The tiny RNN step by step');
      return [t];
    }
    case 'b': {
      const f = r.figures;
      const labels = f.rows.map((x) => x.T);
      const { box } = lineChart(`∂h_T/∂h_1 for w_h = ${f.wh} (${f.activation})`, labels, [
        series('measured ∂h_T/∂h₁', f.rows.map((x) => (x.measured > 0 ? Math.log10(x.measured) : null)), c.series[0]),
        series(`bound ${fmt(f.factor)}^(T−1)`, f.rows.map((x) => (x.bound > 0 ? Math.log10(x.bound) : null)), c.series[1], { borderDash: [6, 4] }),
      ], { xTitle: 'T (steps)', yTitle: '∂h_T/∂h₁ (log scale)', log10: true });
      box.id = 'scalar-chart';
      return [box];
    }
    case 'c': {
      const rep = r.figures.report;
      const t = el('table', { className: 'lab-table', id: 'horizon-grid' },
        el('thead', {}, el('tr', {}, el('th', { textContent: 'cell' }), ...rep.lengths.map((l) => el('th', { textContent: `${l} steps` })), el('th', { textContent: 'horizon' }))),
        el('tbody', {}, ...rep.cells.map((cell) => el('tr', {}, el('th', { scope: 'row', textContent: cellTitle({ cell: cell.cell, activation: cell.activation, coupled: false }) }),
          ...cell.results.map((x) => el('td', { className: x.solved ? 'solved' : 'unsolved', textContent: `${x.solved ? '✓ solved' : '✗'} ${fmt(x.valLoss)}`, title: `validation MSE ${fmt(x.valLoss)}; the mean predictor ${fmt(x.baselineLoss)}` })),
          el('td', { textContent: cell.horizon ? `${cell.horizon} steps` : 'none' })))));
      t.setAttribute('aria-label', 'Solved or not, per cell and length, with the validation MSE');
      return [t];
    }
    case 'd': {
      const grid = el('div', { className: 'grid' });
      for (const run of r.figures.runs) {
        const T = run.gates[0]?.mean.length ?? 0;
        const labels = Array.from({ length: T }, (_, t) => t + 1);
        const gates = run.gates.filter((g) => g.name !== 'g' && g.name !== 'hTilde');
        const top = Math.max(...gates.flatMap((g) => g.mean));
        const marks = series('a marked number (the two to add)', Array.from({ length: T }, (_, t) => (run.markers.includes(t) ? top : null)), c.foreground,
          { showLine: false, pointStyle: 'triangle', pointRadius: 7, spanGaps: false });
        const { box } = lineChart(`${run.cell === 'lstm' ? 'LSTM' : 'Gated cell'}: gates over one sequence`, labels,
          [...gates.map((g, k) => series(`${g.symbol}: ${g.title.split(':')[0]}`, g.mean, c.series[k % c.series.length])), marks], { xTitle: 'step', yTitle: 'gate value, mean over units' });
        box.classList.add('gates-chart');
        grid.append(box);
      }
      // the write gate per unit: which units open at the marks (rows: units, columns: steps)
      const maps = el('div', { className: 'grid' });
      for (const run of r.figures.runs) {
        const gate = run.gates.find((g) => g.name === (run.cell === 'lstm' ? 'i' : 'beta'));
        if (!gate) continue;
        const T = gate.units.length;
        const m = gate.units[0]?.length ?? 0;
        const values = new Float64Array(m * T);
        for (let t = 0; t < T; t++) for (let i = 0; i < m; i++) values[i * T + t] = gate.units[t][i];
        const holder = el('section', { className: 'heatmap gates-heatmap' });
        maps.append(holder);
        requestAnimationFrame(() => {
          if (!holder.isConnected) return;
          const hm = renderHeatmap(holder, {
            rows: m, cols: T, values, rowLabel: 'hidden unit', colLabel: `step (marked: ${run.markers.map((t) => t + 1).join(' and ')})`,
            rowNames: Array.from({ length: m }, (_, k) => String(k + 1)),
            title: `${run.cell === 'lstm' ? 'LSTM' : 'Gated cell'}: write gate ${gate.symbol} per unit and step (log colour scale)`,
          }, { foreground: c.foreground, background: c.background, border: c.grid, highContrast: c.highContrast });
          live.cleanups.push(() => hm.destroy());
        });
      }
      return [grid, maps];
    }
    case 'e': {
      const runs = r.figures.runs;
      const labels = runs[0].deadShare.map((_, i) => (i === 0 ? 'start' : String(i)));
      const { box } = lineChart('Units that never fire', labels, runs.map((x, k) => series(`${x.label} (memory ${x.effectiveMemory} steps)`, x.deadShare.map((v) => v * 100), c.series[k])),
        { xTitle: 'epoch', yTitle: 'share of hidden units never active (%)' });
      box.id = 'dead-chart';
      return [box];
    }
    case 'f': {
      const runs = r.figures.runs;
      const labels = Array.from({ length: r.figures.layers }, (_, l) => `layer ${l + 1}`);
      const { box } = lineChart(`‖∂L/∂h‖ per layer after training (${r.figures.layers} layers)`, labels,
        runs.map((x, k) => series(x.residual ? 'with residual connections' : 'plain stack', x.layerNorms[x.layerNorms.length - 1].map((v) => (v > 0 ? Math.log10(v) : null)), c.series[k])),
        { xTitle: 'layer (1: nearest the inputs)', yTitle: 'mean ‖∂L/∂hₜ‖ (log scale)', log10: true });
      box.id = 'residual-chart';
      return [box];
    }
    case 'g':
      return [];
    default:
      return assertNever(r);
  }
}

const SUB = '₀₁₂₃₄₅₆₇₈₉';
const sub = (n: number): string => String(n).split('').map((d) => SUB[Number(d)]).join('');

function render(): void {
  teardown();
  const active = document.activeElement;
  const focused = active instanceof HTMLElement && active.id ? active.id : null;
  root.replaceChildren(
    el('header', {}, el('h2', { textContent: 'Chapter Lab' }),
      el('p', { className: 'muted', textContent: 'The chapter\'s claims in its order. Run each one and see whether it holds here, with numbers.' }),
      el('div', { className: 'toolbar' }, button('Save as HTML', { id: 'save-report', kind: 'secondary', onClick: () => vscodeApi.postMessage({ type: 'command/run', command: 'rnnPlayground.saveChapterLab' }) }))),
    ...CHAPTER_CLAIMS.map(section),
  );
  if (focused) document.getElementById(focused)?.focus({ preventScroll: true });
}

/** The page as one standalone HTML file: the statements, the sentences, the tables, and the charts as images. */
function report(): string {
  const c = colours();
  const esc = (s: string): string => s.replace(/[&<>"]/g, (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' }[ch] as string));
  const parts = CHAPTER_CLAIMS.map((k) => {
    const claim = k.id as Claim;
    const box = document.getElementById(`claim-${claim}`);
    const r = state.results[claim];
    const figures = box ? Array.from(box.querySelectorAll("canvas, table")).map((f) => (f instanceof HTMLCanvasElement
      ? `<figure><img src="${f.toDataURL('image/png')}" alt="${esc(f.getAttribute('aria-label') ?? '')}" width="${f.clientWidth}"><figcaption>${esc(f.closest('.chart')?.querySelector('h3')?.textContent ?? '')}</figcaption></figure>`
      : f.outerHTML)).join('\n') : '';
    return `<section><h2>${esc(`${claim}. ${k.title}`)}</h2><blockquote>${esc(k.statement)}</blockquote>${figures}<p class="${r?.figures.held === false ? 'not-held' : 'held'}">${esc(r ? r.figures.sentence : 'Not run.')}</p></section>`;
  });
  return `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Chapter Lab — RNN Playground</title>
<style>body{font-family:system-ui,sans-serif;max-width:960px;margin:2em auto;padding:0 1em;color:${c.foreground};background:${c.background};line-height:1.5}
blockquote{margin:.5em 0;padding:.4em .8em;border-left:4px solid ${c.muted};font-style:italic}table{border-collapse:collapse;margin:.5em 0}th,td{border-bottom:1px solid ${c.grid};padding:3px 10px;text-align:left}
img{max-width:100%;height:auto}figure{margin:.5em 0}figcaption{font-size:.9em;color:${c.muted}}p.held{border-left:4px solid ${c.series[2]};padding-left:.6em}p.not-held{border-left:4px solid ${c.series[4]};padding-left:.6em}</style></head>
<body><h1>Chapter Lab</h1><p>The chapter's claims, each measured by RNN Playground on ${new Date().toISOString().slice(0, 10)}.</p>
${parts.join('\n')}
</body></html>`;
}

window.addEventListener('message', (event: MessageEvent<ToWebview>) => {
  const msg = event.data;
  if (!msg || typeof msg !== 'object') return;
  switch (msg.type) {
    case 'lab/progress':
      running.set(msg.claim, { fraction: msg.fraction, message: msg.message });
      {
        const status = document.querySelector(`#claim-${msg.claim} .lab-controls .muted`);
        if (status) status.textContent = `${msg.message}${msg.fraction !== null ? ` (${Math.round(msg.fraction * 100)}%)` : ''}`;
        else render();
      }
      return;
    case 'lab/result':
      running.delete(msg.claim);
      if (msg.result) state.results[msg.claim] = msg.result;
      if (msg.problem) state.problems[msg.claim] = msg.problem;
      save();
      render();
      return;
    case 'lab/report':
      vscodeApi.postMessage({ type: 'lab/report/result', inReplyTo: msg.id, html: report() });
      return;
    case 'state/show': case 'panel/state': case 'panel/epoch': case 'panel/fetchRows/result':
      return; // the side view's and the playground panel's
    default:
      assertNever(msg);
  }
});

// theme changes switch body classes: redraw with the new colours
new MutationObserver(() => render()).observe(document.body, { attributes: true, attributeFilter: ['class'] });

render();
vscodeApi.postMessage({ type: 'webview/ready' });
// a and b are instant: measure them at once (with the parameters kept from last time)
if (!state.results.a) run('a');
if (!state.results.b) run('b');
