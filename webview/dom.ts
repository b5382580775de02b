/** DOM helpers shared by the side view and the panel (no chart code, so the side view's bundle stays small). */

/** `document.createElement` with properties and children. */
export function el<K extends keyof HTMLElementTagNameMap>(tag: K, props: Partial<HTMLElementTagNameMap[K]> = {}, ...children: (Node | string)[]): HTMLElementTagNameMap[K] {
  const e = Object.assign(document.createElement(tag), props);
  e.append(...children);
  return e;
}

/** A view's placeholder while its data is on the way, or the problem (announced) when it could not be had. */
export function pending(waiting: string, problem: string | null | undefined): HTMLParagraphElement {
  const p = el('p', { className: problem ? 'warning' : 'empty', textContent: problem ?? waiting });
  if (problem) p.setAttribute('role', 'alert');
  return p;
}
