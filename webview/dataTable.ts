/**
 * A virtualised, keyboard-navigable grid for CSV previews: only the rows in view (plus a small overscan) exist in
 * the DOM, a spacer gives the scrollbar its length (compressed past MAX_SCROLL_HEIGHT, since browsers cap element
 * heights), rows arrive asynchronously through `fetchRows` and are cached in an LRU of fixed-size blocks.
 * Positions are set through CSSOM (transform, height), allowed by the webview CSP without 'unsafe-inline'.
 * The pure helpers (window, scroll scaling, block cache) touch no DOM so they run in Node tests.
 */

/** Largest spacer height used; beyond it the scroll position maps onto row offsets by a constant factor. */
export const MAX_SCROLL_HEIGHT = 10_000_000;
/** Rows per cached block, and the most blocks kept. */
export const BLOCK_SIZE = 200;
export const MAX_BLOCKS = 50;
/** Rows rendered above and below the viewport. */
export const OVERSCAN = 6;

/** A column: its header name and, optionally, its role (feature, target, …) shown as a badge. */
export interface DataTableColumn {
  name: string;
  role?: string;
}

/** Options of createDataTable. */
export interface DataTableOptions {
  columns: DataTableColumn[];
  rowCount: number;
  /** File line shown in the first column for a 0-based row; default row + 1. */
  firstLine?: (row: number) => number;
  /** Row height in CSS pixels; default 22. */
  rowHeight?: number;
  /** Asks the host for rows [start, start + count); answers come back through setRows. */
  fetchRows: (start: number, count: number) => void;
  /** Accessible name of the grid. */
  label: string;
}

/** Handle returned by createDataTable. */
export interface DataTable {
  setRows(start: number, rows: string[][]): void;
  scrollToRow(row: number): void;
  destroy(): void;
}

/** Rows [start, end) to render for a (virtual) scroll offset, with `overscan` extra rows on each side. */
export function visibleWindow(scrollTop: number, viewportHeight: number, rowHeight: number, rowCount: number, overscan = OVERSCAN): { start: number; end: number } {
  if (rowCount <= 0 || rowHeight <= 0) return { start: 0, end: 0 };
  const top = Math.max(0, scrollTop);
  const first = Math.floor(top / rowHeight);
  const last = Math.ceil((top + Math.max(0, viewportHeight)) / rowHeight);
  const start = Math.min(rowCount, Math.max(0, first - overscan));
  const end = Math.min(rowCount, Math.max(start, last + overscan));
  return { start, end };
}

/** How the real scroll range (spacer) maps onto the virtual one (all rows at full height). */
export interface ScrollGeometry {
  /** rowCount × rowHeight. */
  totalHeight: number;
  /** Height given to the spacer: totalHeight, capped at the maximum. */
  spacerHeight: number;
  /** Virtual pixels per real scroll pixel (1 unless capped). */
  scale: number;
  maxScrollTop: number;
  maxVirtualTop: number;
}

/** Spacer height and scroll scaling for rowCount rows in a viewport of the given height. */
export function scrollGeometry(rowCount: number, rowHeight: number, viewportHeight: number, maxHeight = MAX_SCROLL_HEIGHT): ScrollGeometry {
  const totalHeight = Math.max(0, rowCount) * rowHeight;
  const spacerHeight = Math.min(totalHeight, maxHeight);
  const vp = Math.max(0, viewportHeight);
  const maxScrollTop = Math.max(0, spacerHeight - vp);
  const maxVirtualTop = Math.max(0, totalHeight - vp);
  const scale = totalHeight > spacerHeight && maxScrollTop > 0 ? maxVirtualTop / maxScrollTop : 1;
  return { totalHeight, spacerHeight, scale, maxScrollTop, maxVirtualTop };
}

/** Virtual offset (as if every row had its full height) for a real scrollTop; within a pixel of the end is the end. */
export function toVirtualTop(scrollTop: number, g: ScrollGeometry): number {
  if (scrollTop >= g.maxScrollTop - 0.5) return g.maxVirtualTop;
  return Math.min(g.maxVirtualTop, Math.max(0, scrollTop * g.scale));
}

/** Real scrollTop that shows the given virtual offset. */
export function toScrollTop(virtualTop: number, g: ScrollGeometry): number {
  return Math.min(g.maxScrollTop, Math.max(0, virtualTop / g.scale));
}

/** Virtual offset that brings `row` fully into view with the least movement from `virtualTop` (unchanged if visible). */
export function revealRow(row: number, virtualTop: number, viewportHeight: number, rowHeight: number): number {
  const top = row * rowHeight;
  if (top < virtualTop) return top;
  const bottom = top + rowHeight;
  if (bottom > virtualTop + viewportHeight) return Math.max(0, bottom - viewportHeight);
  return virtualTop;
}

/** Row reached from `row` by a navigation key, or null for other keys. */
export function navigateRow(key: string, row: number, rowCount: number, pageRows: number): number | null {
  const last = rowCount - 1;
  if (last < 0) return null;
  const page = Math.max(1, pageRows);
  let next: number;
  switch (key) {
    case 'ArrowDown': next = row + 1; break;
    case 'ArrowUp': next = row - 1; break;
    case 'PageDown': next = row + page; break;
    case 'PageUp': next = row - page; break;
    case 'Home': next = 0; break;
    case 'End': next = last; break;
    default: return null;
  }
  return Math.min(last, Math.max(0, next));
}

/**
 * Received rows in blocks of `blockSize`, least recently used evicted beyond `maxBlocks`, plus the blocks asked for
 * and not yet answered (so a window is requested once, not every frame).
 */
export class RowBlockCache {
  private readonly blocks = new Map<number, (string[] | undefined)[]>();
  private readonly pending = new Set<number>();

  constructor(readonly rowCount: number, readonly blockSize = BLOCK_SIZE, readonly maxBlocks = MAX_BLOCKS) {}

  /** The row's cells, or undefined when not received; marks its block as recently used. */
  get(row: number): string[] | undefined {
    const k = Math.floor(row / this.blockSize);
    const block = this.blocks.get(k);
    if (!block) return undefined;
    this.blocks.delete(k);
    this.blocks.set(k, block);
    return block[row - k * this.blockSize];
  }

  /** Whether the block holding `row` is cached. */
  hasBlockOf(row: number): boolean {
    return this.blocks.has(Math.floor(row / this.blockSize));
  }

  /** Stores rows from `start` (rows outside [0, rowCount) are dropped); returns the blocks touched. */
  set(start: number, rows: string[][]): number[] {
    const touched: number[] = [];
    const from = Math.max(0, start);
    const to = Math.min(this.rowCount, start + rows.length);
    for (let r = from; r < to; r++) {
      const k = Math.floor(r / this.blockSize);
      let block = this.blocks.get(k);
      if (!block) {
        block = new Array(this.blockSize);
        this.blocks.set(k, block);
      }
      if (touched[touched.length - 1] !== k) {
        touched.push(k);
        this.pending.delete(k);
        this.blocks.delete(k);
        this.blocks.set(k, block);
      }
      block[r - k * this.blockSize] = rows[r - start];
    }
    this.evict(touched);
    return touched;
  }

  /** Blocks overlapping rows [start, end) that are neither cached nor pending. */
  missing(start: number, end: number): number[] {
    const out: number[] = [];
    if (end <= start) return out;
    const first = Math.max(0, Math.floor(start / this.blockSize));
    const last = Math.floor((Math.min(end, this.rowCount) - 1) / this.blockSize);
    for (let k = first; k <= last; k++) if (!this.blocks.has(k) && !this.pending.has(k)) out.push(k);
    return out;
  }

  /**
   * One request covering the missing blocks of rows [start, end) (from the first missing block to the last), marked
   * pending; null when nothing is missing. Pending blocks outside the window are forgotten, so scrolling back asks again.
   */
  request(start: number, end: number): { start: number; count: number } | null {
    const firstBlock = Math.floor(Math.max(0, start) / this.blockSize);
    const lastBlock = Math.floor((Math.max(start + 1, Math.min(end, this.rowCount)) - 1) / this.blockSize);
    for (const k of this.pending) if (k < firstBlock || k > lastBlock) this.pending.delete(k);
    const missing = this.missing(start, end);
    if (missing.length === 0) return null;
    const a = missing[0];
    const b = missing[missing.length - 1];
    for (let k = a; k <= b; k++) if (!this.blocks.has(k)) this.pending.add(k);
    const rowStart = a * this.blockSize;
    const rowEnd = Math.min(this.rowCount, (b + 1) * this.blockSize);
    return { start: rowStart, count: rowEnd - rowStart };
  }

  /** Number of cached blocks. */
  get size(): number {
    return this.blocks.size;
  }

  /** Blocks requested and not yet answered. */
  get pendingBlocks(): number[] {
    return [...this.pending].sort((x, y) => x - y);
  }

  private evict(keep: number[]): void {
    for (const k of this.blocks.keys()) {
      if (this.blocks.size <= this.maxBlocks) break;
      if (!keep.includes(k)) this.blocks.delete(k);
    }
  }
}

const NUMERIC = /^\s*[-+]?(\d[\d,_]*\.?\d*|\.\d+)([eE][-+]?\d+)?%?\s*$/;
let instances = 0;

/** Builds the grid inside `container`; call setRows as the host answers fetchRows. */
export function createDataTable(container: HTMLElement, opts: DataTableOptions): DataTable {
  const doc = container.ownerDocument;
  const rowCount = Math.max(0, Math.floor(opts.rowCount));
  const rowHeight = opts.rowHeight ?? 22;
  const lineOf = opts.firstLine ?? ((row: number) => row + 1);
  const columns = opts.columns;
  const id = `data-table-${++instances}`;
  const cache = new RowBlockCache(rowCount);

  const grid = doc.createElement('div');
  grid.className = 'data-table';
  grid.id = id;
  grid.tabIndex = 0;
  grid.setAttribute('role', 'grid');
  grid.setAttribute('aria-label', opts.label);
  grid.setAttribute('aria-rowcount', String(rowCount + 1));
  grid.setAttribute('aria-colcount', String(columns.length + 1));
  grid.setAttribute('aria-readonly', 'true');

  // column widths in ch from the header (name + badge), shared by the header and every row through one variable
  const lineDigits = String(lineOf(Math.max(0, rowCount - 1))).length;
  const widths = [`${Math.max(4, lineDigits) + 2}ch`, ...columns.map((c) => `${Math.min(28, Math.max(10, c.name.length + (c.role ? c.role.length + 4 : 0) + 3))}ch`)];
  grid.style.setProperty('--data-table-columns', widths.join(' '));

  const head = doc.createElement('div');
  head.className = 'data-table-head';
  head.setAttribute('role', 'rowgroup');
  const headRow = doc.createElement('div');
  headRow.className = 'data-table-row data-table-header';
  headRow.setAttribute('role', 'row');
  headRow.setAttribute('aria-rowindex', '1');
  const lineHeader = doc.createElement('div');
  lineHeader.className = 'data-table-cell data-table-line';
  lineHeader.setAttribute('role', 'columnheader');
  lineHeader.textContent = 'Line';
  headRow.append(lineHeader);
  for (const c of columns) {
    const th = doc.createElement('div');
    th.className = 'data-table-cell';
    th.setAttribute('role', 'columnheader');
    th.title = c.role ? `${c.name} (${c.role})` : c.name;
    const name = doc.createElement('span');
    name.className = 'data-table-name';
    name.textContent = c.name;
    th.append(name);
    if (c.role) {
      const badge = doc.createElement('span');
      badge.className = 'data-table-role';
      badge.textContent = c.role;
      th.append(' ', badge);
    }
    headRow.append(th);
  }
  head.append(headRow);

  const body = doc.createElement('div');
  body.className = 'data-table-body';
  body.setAttribute('role', 'rowgroup');
  const status = doc.createElement('div');
  status.className = 'data-table-status';
  status.setAttribute('aria-live', 'polite');
  status.setAttribute('role', 'status');
  grid.append(head, body);
  container.append(grid, status);

  /** Rendered rows by row index; detached ones are reused. */
  const rendered = new Map<number, { el: HTMLElement; filled: boolean }>();
  const spare: HTMLElement[] = [];
  let geometry = scrollGeometry(rowCount, rowHeight, 0);
  let virtualTop = 0;
  /** scrollTop last written by us, so the scroll event it causes keeps the exact virtualTop (scaled mode). */
  let ownScrollTop: number | null = null;
  let active = -1;
  let announced = '';
  let frame = 0;
  let destroyed = false;

  const headerHeight = (): number => head.offsetHeight;
  const viewport = (): number => Math.max(0, grid.clientHeight - headerHeight());

  const rowId = (row: number): string => `${id}-r${row}`;

  function makeRow(): HTMLElement {
    const el = spare.pop() ?? doc.createElement('div');
    if (!el.firstChild) {
      el.setAttribute('role', 'row');
      el.style.height = `${rowHeight}px`;
      el.style.lineHeight = `${rowHeight}px`;
      const line = doc.createElement('div');
      line.className = 'data-table-cell data-table-line';
      line.setAttribute('role', 'rowheader');
      el.append(line);
      for (let c = 0; c < columns.length; c++) {
        const cell = doc.createElement('div');
        cell.setAttribute('role', 'gridcell');
        el.append(cell);
      }
    }
    return el;
  }

  function fillRow(el: HTMLElement, row: number, cells: string[] | undefined): void {
    el.id = rowId(row);
    el.className = row === active ? 'data-table-row data-table-row-active' : 'data-table-row';
    el.setAttribute('aria-rowindex', String(row + 2));
    el.setAttribute('aria-selected', row === active ? 'true' : 'false');
    const kids = el.children;
    kids[0].textContent = String(lineOf(row));
    for (let c = 0; c < columns.length; c++) {
      const cell = kids[c + 1] as HTMLElement;
      if (cells) {
        const v = cells[c] ?? '';
        cell.className = NUMERIC.test(v) ? 'data-table-cell data-table-num' : 'data-table-cell';
        cell.textContent = v;
        cell.title = v.length > 12 ? v : '';
      } else {
        cell.className = 'data-table-cell data-table-placeholder';
        cell.textContent = '…';
        cell.title = '';
      }
    }
    el.setAttribute('aria-busy', cells ? 'false' : 'true');
  }

  function describe(row: number): string {
    const cells = cache.get(row);
    const where = `Row ${(row + 1).toLocaleString()} of ${rowCount.toLocaleString()}, line ${lineOf(row).toLocaleString()}`;
    if (!cells) return `${where}, loading`;
    return `${where}: ${columns.map((c, k) => `${c.name} ${cells[k] ?? ''}`).join(', ')}`;
  }

  function render(): void {
    frame = 0;
    if (destroyed) return;
    const vp = viewport();
    geometry = scrollGeometry(rowCount, rowHeight, vp);
    body.style.height = `${geometry.spacerHeight}px`;
    const scrollTop = grid.scrollTop;
    if (ownScrollTop === null || Math.abs(scrollTop - ownScrollTop) >= 1) {
      virtualTop = toVirtualTop(scrollTop, geometry);
      ownScrollTop = null;
    }
    virtualTop = Math.min(virtualTop, geometry.maxVirtualTop);
    const { start, end } = visibleWindow(virtualTop, vp, rowHeight, rowCount);

    for (const [row, r] of rendered) {
      if (row < start || row >= end) {
        r.el.remove();
        spare.push(r.el);
        rendered.delete(row);
      }
    }
    for (let row = start; row < end; row++) {
      let r = rendered.get(row);
      const cells = cache.get(row);
      if (!r) {
        r = { el: makeRow(), filled: false };
        rendered.set(row, r);
        fillRow(r.el, row, cells);
        r.filled = cells !== undefined;
        body.append(r.el);
      } else if (!r.filled && cells) {
        fillRow(r.el, row, cells);
        r.filled = true;
      }
      // body coordinates: the visible top is scrollTop, so rows sit at scrollTop + (virtual row top − virtualTop)
      r.el.style.transform = `translateY(${scrollTop + row * rowHeight - virtualTop}px)`;
    }
    const ask = cache.request(start, end);
    if (ask) opts.fetchRows(ask.start, ask.count);

    if (active >= 0 && rendered.has(active)) grid.setAttribute('aria-activedescendant', rowId(active));
    else grid.removeAttribute('aria-activedescendant');
    if (active >= 0 && doc.activeElement === grid) {
      const text = describe(active);
      if (text !== announced) {
        announced = text;
        status.textContent = text;
      }
    }
  }

  function schedule(): void {
    if (!frame && !destroyed) frame = requestAnimationFrame(render);
  }

  function setScrollFromVirtual(v: number): void {
    virtualTop = Math.min(geometry.maxVirtualTop, Math.max(0, v));
    grid.scrollTop = toScrollTop(virtualTop, geometry);
    ownScrollTop = grid.scrollTop;
  }

  function setActive(row: number): void {
    const prev = active;
    active = row;
    for (const r of [prev, row]) {
      const e = rendered.get(r);
      if (e) fillRow(e.el, r, cache.get(r));
    }
    geometry = scrollGeometry(rowCount, rowHeight, viewport());
    const next = revealRow(row, virtualTop, viewport(), rowHeight);
    if (next !== virtualTop) setScrollFromVirtual(next);
    schedule();
  }

  const onScroll = (): void => schedule();
  const onKey = (ev: KeyboardEvent): void => {
    if (ev.altKey || ev.metaKey) return;
    const page = Math.max(1, Math.floor(viewport() / rowHeight) - 1);
    const from = active < 0 ? visibleWindow(virtualTop, viewport(), rowHeight, rowCount, 0).start : active;
    const next = navigateRow(ev.key, from, rowCount, page);
    if (next === null) return;
    ev.preventDefault();
    setActive(next);
  };
  const onFocus = (): void => {
    if (active < 0 && rowCount > 0) setActive(visibleWindow(virtualTop, viewport(), rowHeight, rowCount, 0).start);
    else schedule();
  };
  const onClick = (ev: MouseEvent): void => {
    const rowEl = (ev.target as Element | null)?.closest('.data-table-row');
    if (!rowEl || !body.contains(rowEl)) return;
    const index = Number(rowEl.getAttribute('aria-rowindex')) - 2;
    if (index >= 0) {
      grid.focus({ preventScroll: true });
      setActive(index);
    }
  };
  grid.addEventListener('scroll', onScroll, { passive: true });
  grid.addEventListener('keydown', onKey);
  grid.addEventListener('focus', onFocus);
  grid.addEventListener('click', onClick);
  const resize = typeof ResizeObserver === 'function' ? new ResizeObserver(() => schedule()) : null;
  resize?.observe(grid);
  schedule();

  return {
    setRows(start: number, rows: string[][]): void {
      if (destroyed) return;
      cache.set(start, rows);
      const { start: a, end: b } = visibleWindow(virtualTop, viewport(), rowHeight, rowCount);
      if (start < b && start + rows.length > a) schedule();
    },
    scrollToRow(row: number): void {
      if (destroyed || rowCount === 0) return;
      const r = Math.min(rowCount - 1, Math.max(0, Math.floor(row)));
      geometry = scrollGeometry(rowCount, rowHeight, viewport());
      setScrollFromVirtual(r * rowHeight);
      setActive(r);
    },
    destroy(): void {
      destroyed = true;
      if (frame) cancelAnimationFrame(frame);
      frame = 0;
      resize?.disconnect();
      grid.removeEventListener('scroll', onScroll);
      grid.removeEventListener('keydown', onKey);
      grid.removeEventListener('focus', onFocus);
      grid.removeEventListener('click', onClick);
      grid.remove();
      status.remove();
      rendered.clear();
      spare.length = 0;
    },
  };
}
