/**
 * Side-view script: renders the host's state (current file, running job, loss sparkline, latest result) and turns
 * button presses into `command/run` messages. Plain DOM; the full playground panel builds on this later.
 */
import { assertNever, type FromWebview, type SidebarState, type ToWebview } from '../src/shared/protocol';
import { el } from './dom';
import { button, progressRing } from './components/index';

declare function acquireVsCodeApi(): { postMessage(msg: FromWebview): void; getState(): unknown; setState(s: unknown): void };

const vscodeApi = acquireVsCodeApi();
const root = document.getElementById('sidebar') as HTMLElement;

function commandButton(label: string, command: Extract<FromWebview, { type: 'command/run' }>['command'], secondary = false): HTMLElement {
  return button(label, { kind: secondary ? 'secondary' : 'primary', onClick: () => vscodeApi.postMessage({ type: 'command/run', command }) });
}

/** A polyline of the losses on a log scale (the shape of a loss curve is multiplicative). */
function sparkline(losses: number[]): SVGSVGElement {
  const ns = 'http://www.w3.org/2000/svg';
  const svg = document.createElementNS(ns, 'svg');
  svg.setAttribute('class', 'spark');
  svg.setAttribute('viewBox', '0 0 100 40');
  svg.setAttribute('preserveAspectRatio', 'none');
  svg.setAttribute('role', 'img');
  const logs = losses.filter((l) => l > 0 && Number.isFinite(l)).map(Math.log10);
  const lo = Math.min(...logs);
  const hi = Math.max(...logs);
  svg.setAttribute('aria-label', `training loss over ${losses.length} epochs, from ${losses[0]?.toPrecision(3)} to ${losses[losses.length - 1]?.toPrecision(3)}`);
  const line = document.createElementNS(ns, 'polyline');
  const span = hi - lo || 1;
  line.setAttribute('points', logs.map((l, i) => `${logs.length === 1 ? 50 : (i / (logs.length - 1)) * 100},${38 - ((l - lo) / span) * 36}`).join(' '));
  svg.append(line);
  return svg;
}

function render(s: SidebarState): void {
  const parts: Node[] = [];
  parts.push(el('h2', { textContent: 'Data' }));
  parts.push(s.current
    ? el('p', { className: 'file', textContent: s.current.split(/[\\/]/).pop() ?? s.current, title: s.current })
    : el('p', { className: 'muted', textContent: 'Right-click a CSV in the Explorer and choose "Train on This CSV", or open one and press Train.' }));
  if (s.current && s.settings) parts.push(el('h2', { textContent: 'Model' }), el('p', { className: 'settings', textContent: s.settings }));
  const actions = el('div', { className: 'actions' });
  if (s.running) actions.append(commandButton('Stop', 'rnnPlayground.stopTraining'));
  else actions.append(commandButton('Train on Current File', 'rnnPlayground.trainCurrentFile'), commandButton('Step One Epoch', 'rnnPlayground.stepEpoch', true));
  if (s.current) {
    const open = el('a', { href: '#', className: 'link', textContent: 'Open the playground panel →' });
    open.addEventListener('click', (ev) => {
      ev.preventDefault();
      vscodeApi.postMessage({ type: 'command/run', command: 'rnnPlayground.openPlayground' });
    });
    parts.push(open);
  }
  actions.append(
    commandButton('Verify Vanishing-Gradient Bound', 'rnnPlayground.verifyBound', true),
    commandButton('Compare Cells', 'rnnPlayground.compareCells', true),
    commandButton('New Experiment', 'rnnPlayground.newExperiment', true),
  );
  parts.push(actions);
  if (s.running) {
    parts.push(el('h2', { textContent: 'Running' }), el('p', { className: 'running' }, progressRing(s.running.title), el('span', { textContent: s.running.message })));
    const bar = el('progress', { max: 1 });
    if (s.running.fraction !== null) bar.value = s.running.fraction;
    bar.setAttribute('aria-label', s.running.title);
    parts.push(bar);
  }
  if (s.losses.length > 0) {
    parts.push(el('h2', { textContent: 'Training loss' }), sparkline(s.losses));
  }
  if (s.last) {
    const [first, ...rest] = s.last.lines;
    parts.push(el('h2', { textContent: s.last.title }));
    if (s.last.tone && first !== undefined) {
      const icon = s.last.tone === 'good' ? '✓' : s.last.tone === 'error' ? '✗' : '⚠';
      parts.push(el('p', { className: `verdict ${s.last.tone}`, textContent: `${icon} ${first}` }), lineList(rest));
    } else parts.push(lineList(s.last.lines));
  }
  root.replaceChildren(...parts);
}

/** Result lines, each its own paragraph with a hanging indent so that a wrapped line reads as one. */
function lineList(lines: string[]): HTMLElement {
  const box = el('div', { className: 'lines' });
  for (const line of lines) box.append(el('p', { textContent: line }));
  return box;
}

window.addEventListener('message', (event: MessageEvent<ToWebview>) => {
  const msg = event.data;
  if (!msg || typeof msg !== 'object') return;
  switch (msg.type) {
    case 'state/show':
      vscodeApi.setState(msg.state);
      render(msg.state);
      return;
    case 'panel/state':
    case 'panel/epoch':
    case 'panel/fetchRows/result':
      return; // the playground panel's messages
    case 'lab/progress':
    case 'lab/result':
    case 'lab/report':
      return; // the Chapter Lab's
    default:
      assertNever(msg);
  }
});

const saved = vscodeApi.getState() as SidebarState | undefined;
render(saved ?? { current: null, running: null, losses: [], last: null });
vscodeApi.postMessage({ type: 'webview/ready' });
