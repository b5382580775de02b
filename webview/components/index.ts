/**
 * The webviews' controls, from `@vscode/webview-ui-toolkit` (VS Code's own look, themes and keyboard behaviour) behind
 * thin wrappers. This folder is the only place that imports the toolkit (a test checks it): replacing it with
 * `@vscode-elements/elements` means changing these functions, not the views.
 *
 * Every wrapper returns the element with the properties the views use (`value`, `checked`, `disabled`) and takes its
 * accessible name: the toolkit's controls render their native control inside a shadow root, so a `<label for>`
 * outside does not name it; `aria-label` on the host does (the toolkit passes it to the inner control).
 */
import {
  provideVSCodeDesignSystem, vsCodeButton, vsCodeCheckbox, vsCodeDropdown, vsCodeOption, vsCodePanels, vsCodePanelTab, vsCodePanelView,
  vsCodeProgressRing, vsCodeRadio, vsCodeRadioGroup, vsCodeTextField,
} from '@vscode/webview-ui-toolkit';

let registered = false;

/** Registers the toolkit's elements once, before the first control is made. */
function register(): void {
  if (registered) return;
  registered = true;
  provideVSCodeDesignSystem().register(
    vsCodeButton(), vsCodeCheckbox(), vsCodeDropdown(), vsCodeOption(), vsCodeTextField(), vsCodeProgressRing(), vsCodePanels(), vsCodePanelTab(), vsCodePanelView(), vsCodeRadioGroup(), vsCodeRadio(),
  );
}

/** A toolkit element with the properties a control has. */
export type Control<T extends object = object> = HTMLElement & { disabled: boolean } & T;

function make<T extends object>(tag: string, o: { id?: string; title?: string; label?: string; disabled?: boolean; className?: string }): Control<T> {
  register();
  const e = document.createElement(tag) as Control<T>;
  if (o.id) e.id = o.id;
  if (o.title) e.title = o.title;
  if (o.className) e.className = o.className;
  if (o.label) e.setAttribute('aria-label', o.label);
  if (o.disabled) e.setAttribute('disabled', '');
  return e;
}

/** Button looks: the main action of a surface, the others, or a small icon-like button. */
export type ButtonKind = 'primary' | 'secondary' | 'icon';

/** A button; `label` (its accessible name) defaults to its text. */
export function button(text: string, o: { id?: string; title?: string; label?: string; kind?: ButtonKind; disabled?: boolean; className?: string; pressed?: boolean; onClick?: () => void } = {}): Control {
  const b = make('vscode-button', o);
  b.textContent = text;
  b.setAttribute('appearance', o.kind ?? 'primary');
  if (o.pressed !== undefined) b.setAttribute('aria-pressed', String(o.pressed));
  if (o.onClick) b.addEventListener('click', o.onClick);
  return b;
}

/** A dropdown of `values` (shown as `labels[v]`), `current` selected; `onChange` gets the new value. */
export function dropdown(values: readonly string[], current: string, o: { id?: string; title?: string; label?: string; labels?: Record<string, string>; disabled?: boolean; onChange?: (value: string) => void } = {}): Control<{ value: string }> {
  const d = make<{ value: string }>('vscode-dropdown', o);
  for (const v of values) {
    const opt = document.createElement('vscode-option');
    opt.setAttribute('value', v);
    opt.textContent = o.labels?.[v] ?? v;
    if (v === current) opt.setAttribute('selected', '');
    d.append(opt);
  }
  d.setAttribute('value', current);
  if (o.onChange) onNewValue(d, current, o.onChange);
  return d;
}

/** One choice of several, as radio buttons in a row (the arrow keys move between them); `onChange` gets the new value. */
export function radioGroup(values: readonly string[], current: string, o: { id?: string; itemId?: (value: string) => string; label: string; labels?: Record<string, string>; titles?: Record<string, string>; disabled?: boolean; onChange?: (value: string) => void }): Control<{ value: string }> {
  const g = make<{ value: string }>('vscode-radio-group', o);
  g.setAttribute('orientation', 'horizontal');
  for (const v of values) {
    const r = make('vscode-radio', { id: o.itemId?.(v), title: o.titles?.[v], disabled: o.disabled });
    r.setAttribute('value', v);
    r.textContent = o.labels?.[v] ?? v;
    if (v === current) r.setAttribute('checked', '');
    g.append(r);
  }
  g.setAttribute('value', current);
  if (o.onChange) onNewValue(g, current, o.onChange);
  return g;
}

/** Calls `onChange` when the control's own change event brings a value other than the last one (the toolkit also
 * fires it when a value is set, and its radios' events bubble through the group). */
function onNewValue(control: Control<{ value: string }>, current: string, onChange: (value: string) => void): void {
  let last = current;
  control.addEventListener('change', (ev) => {
    if (ev.target !== control || !control.value || control.value === last) return;
    last = control.value;
    onChange(control.value);
  });
}

/** A checkbox with its text beside it. */
export function checkbox(text: string, checked: boolean, o: { id?: string; title?: string; disabled?: boolean; onChange?: (checked: boolean) => void } = {}): Control<{ checked: boolean }> {
  const c = make<{ checked: boolean }>('vscode-checkbox', o);
  c.textContent = text;
  if (checked) c.setAttribute('checked', '');
  if (o.onChange) c.addEventListener('change', () => o.onChange?.(c.checked));
  return c;
}

/**
 * A one-line text field (numbers too: the views parse and check what is typed). `onCommit` runs on Enter or when
 * the field loses focus with a changed value; Escape puts back `value`.
 */
export function textField(value: string, o: { id?: string; title?: string; label?: string; placeholder?: string; disabled?: boolean; size?: number; numeric?: boolean; onCommit?: (text: string) => void } = {}): Control<{ value: string }> {
  const f = make<{ value: string }>('vscode-text-field', o);
  f.setAttribute('value', value);
  if (o.placeholder) f.setAttribute('placeholder', o.placeholder);
  if (o.size) f.setAttribute('size', String(o.size));
  if (o.numeric) f.setAttribute('inputmode', 'decimal');
  f.classList.add(o.numeric ? 'number-field' : 'text-field');
  f.addEventListener('change', () => o.onCommit?.(f.value));
  f.addEventListener('keydown', (ev) => {
    if (ev.key === 'Escape') f.value = value;
  });
  return f;
}

/** The text being typed into a text field and not yet committed, or null (so a redraw can keep it). */
export function uncommittedText(e: Element | null): string | null {
  if (!e || e.tagName.toLowerCase() !== 'vscode-text-field') return null;
  const f = e as Control<{ value: string }>;
  return f.value !== (f.getAttribute('value') ?? '') ? f.value : null;
}

/** Puts back text a redraw would have lost. */
export function restoreText(e: Element | null, text: string | null): void {
  if (text !== null && e && e.tagName.toLowerCase() === 'vscode-text-field') (e as Control<{ value: string }>).value = text;
}

/**
 * A spinning ring for work in progress, named for screen readers. The toolkit's ring makes itself an assertive alert
 * saying "Loading" whenever it is attached — every redraw would announce it again — so the ring is hidden from
 * assistive technology and a busy, indeterminate progress bar with our label stands for it.
 */
export function progressRing(label: string): HTMLElement {
  const ring = make('vscode-progress-ring', { className: 'progress-ring' });
  ring.setAttribute('aria-hidden', 'true');
  const box = document.createElement('span');
  box.className = 'progress-ring-box';
  box.setAttribute('role', 'progressbar');
  box.setAttribute('aria-label', label);
  box.setAttribute('aria-busy', 'true');
  box.append(ring);
  return box;
}

/**
 * Tabs with one panel: the views are drawn one at a time, into the active tab's panel. `onSelect` gets the id of a
 * tab the user picks (with the mouse or the arrow keys, which the toolkit handles).
 */
export function tabs(items: readonly { id: string; label: string }[], active: string, content: HTMLElement, onSelect: (id: string) => void): HTMLElement {
  const panels = make('vscode-panels', { className: 'tabs' });
  panels.setAttribute('activeid', `tab-${active}`);
  panels.setAttribute('aria-label', 'Views');
  for (const t of items) {
    const tab = make('vscode-panel-tab', { id: `tab-${t.id}` });
    tab.textContent = t.label;
    // focusable at once (the toolkit sets these itself a moment later): a redraw can then give the focus back
    tab.setAttribute('tabindex', t.id === active ? '0' : '-1');
    panels.append(tab);
  }
  for (const t of items) {
    const view = make('vscode-panel-view', { id: `view-${t.id}` });
    if (t.id === active) view.append(content);
    panels.append(view);
  }
  panels.addEventListener('change', (ev) => {
    if (ev.target !== panels) return;
    // the property: the toolkit reflects it to the attribute later, in a batch
    const id = String((panels as Control<{ activeid?: string }>).activeid ?? '').replace(/^tab-/, '');
    if (id && id !== active) onSelect(id);
  });
  return panels;
}
