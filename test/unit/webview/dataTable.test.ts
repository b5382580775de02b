/** Pure parts of the virtualised CSV table: visible window, scroll scaling for huge row counts, navigation, block LRU. */
import { before, test } from 'node:test';
import assert from 'node:assert/strict';

// webview/dataTable.ts also holds DOM code, which the root tsconfig (no DOM lib) must not see; load it by URL as
// webviewPure.test.ts does and restate the signatures used here.
interface ScrollGeometry { totalHeight: number; spacerHeight: number; scale: number; maxScrollTop: number; maxVirtualTop: number }
interface RowBlockCache {
  readonly size: number;
  readonly pendingBlocks: number[];
  get(row: number): string[] | undefined;
  hasBlockOf(row: number): boolean;
  set(start: number, rows: string[][]): number[];
  missing(start: number, end: number): number[];
  request(start: number, end: number): { start: number; count: number } | null;
}
interface DataTableModule {
  MAX_SCROLL_HEIGHT: number;
  BLOCK_SIZE: number;
  MAX_BLOCKS: number;
  visibleWindow(scrollTop: number, viewportHeight: number, rowHeight: number, rowCount: number, overscan?: number): { start: number; end: number };
  scrollGeometry(rowCount: number, rowHeight: number, viewportHeight: number, maxHeight?: number): ScrollGeometry;
  toVirtualTop(scrollTop: number, g: ScrollGeometry): number;
  toScrollTop(virtualTop: number, g: ScrollGeometry): number;
  revealRow(row: number, virtualTop: number, viewportHeight: number, rowHeight: number): number;
  navigateRow(key: string, row: number, rowCount: number, pageRows: number): number | null;
  RowBlockCache: new (rowCount: number, blockSize?: number, maxBlocks?: number) => RowBlockCache;
}

let dt: DataTableModule;
before(async () => {
  dt = (await import(new URL('../../../webview/dataTable.ts', import.meta.url).href)) as DataTableModule;
});

const rows = (start: number, n: number): string[][] => Array.from({ length: n }, (_, k) => [String(start + k)]);

test('visibleWindow: rows in view plus overscan, clamped to [0, rowCount)', () => {
  const { visibleWindow } = dt;
  assert.deepEqual(visibleWindow(0, 220, 22, 1000, 5), { start: 0, end: 15 });
  assert.deepEqual(visibleWindow(2200, 220, 22, 1000, 5), { start: 95, end: 115 });
  // a partly visible row at the bottom counts
  assert.deepEqual(visibleWindow(11, 220, 22, 1000, 0), { start: 0, end: 11 });
  assert.deepEqual(visibleWindow(22 * 995, 220, 22, 1000, 5), { start: 990, end: 1000 });
  assert.deepEqual(visibleWindow(-50, 220, 22, 1000, 0), { start: 0, end: 10 });
  assert.deepEqual(visibleWindow(1e9, 220, 22, 1000, 3), { start: 1000, end: 1000 });
  assert.deepEqual(visibleWindow(0, 220, 22, 0, 5), { start: 0, end: 0 });
  assert.deepEqual(visibleWindow(0, 220, 22, 3, 5), { start: 0, end: 3 });
  // the DOM stays small whatever the row count
  const w = visibleWindow(22 * 5_000_000, 600, 22, 10_000_000);
  assert.ok(w.end - w.start < 50, JSON.stringify(w));
});

test('scrollGeometry: full height when small, capped and linearly scaled when huge, end rows reachable', () => {
  const { scrollGeometry, toVirtualTop, toScrollTop, MAX_SCROLL_HEIGHT } = dt;
  const small = scrollGeometry(1000, 22, 400);
  assert.equal(small.spacerHeight, 22000);
  assert.equal(small.scale, 1);
  assert.equal(toVirtualTop(1234, small), 1234);
  assert.equal(toScrollTop(1234, small), 1234);

  const rowCount = 10_000_000, rh = 22, vp = 400;
  const big = scrollGeometry(rowCount, rh, vp);
  assert.equal(big.totalHeight, rowCount * rh);
  assert.equal(big.spacerHeight, MAX_SCROLL_HEIGHT);
  assert.ok(big.scale > 1);
  // the top maps to row 0, the bottom of the scroll range to the last rows, the middle to the middle
  assert.equal(toVirtualTop(0, big), 0);
  assert.equal(toVirtualTop(big.maxScrollTop, big), rowCount * rh - vp);
  const mid = toVirtualTop(big.maxScrollTop / 2, big) / rh;
  assert.ok(Math.abs(mid - (rowCount - vp / rh) / 2) < 1, String(mid));
  // round trip and clamping
  for (const v of [0, 123456.5, 1e8, big.maxVirtualTop]) assert.ok(Math.abs(toVirtualTop(toScrollTop(v, big), big) - v) < 1e-6);
  assert.equal(toScrollTop(1e12, big), big.maxScrollTop);
  assert.equal(toVirtualTop(-5, big), 0);
  // exactly at the cap: not scaled
  const edge = scrollGeometry(MAX_SCROLL_HEIGHT / 20, 20, 300);
  assert.equal(edge.scale, 1);
  // a viewport taller than everything: nothing to scroll
  const tiny = scrollGeometry(3, 22, 400);
  assert.equal(tiny.maxScrollTop, 0);
  assert.equal(tiny.maxVirtualTop, 0);
});

test('revealRow and navigateRow: minimal scrolling, keys clamp to the table', () => {
  const { revealRow, navigateRow } = dt;
  assert.equal(revealRow(5, 0, 220, 22), 0); // visible: unchanged
  assert.equal(revealRow(10, 0, 220, 22), 22); // just below: bottom-aligned
  assert.equal(revealRow(2, 100, 220, 22), 44); // above: top-aligned
  assert.equal(navigateRow('ArrowDown', 0, 10, 4), 1);
  assert.equal(navigateRow('ArrowUp', 0, 10, 4), 0);
  assert.equal(navigateRow('PageDown', 8, 10, 4), 9);
  assert.equal(navigateRow('PageUp', 8, 10, 4), 4);
  assert.equal(navigateRow('Home', 8, 10, 4), 0);
  assert.equal(navigateRow('End', 0, 10, 4), 9);
  assert.equal(navigateRow('x', 0, 10, 4), null);
  assert.equal(navigateRow('ArrowDown', 0, 0, 4), null);
});

test('RowBlockCache: one request per missing window, pending not re-requested, partial rows and bounds', () => {
  const cache = new dt.RowBlockCache(1000, 200, 50);
  assert.deepEqual(cache.request(190, 230), { start: 0, count: 400 });
  assert.deepEqual(cache.pendingBlocks, [0, 1]);
  assert.equal(cache.request(190, 230), null, 'pending blocks are not asked for again');
  cache.set(0, rows(0, 400));
  assert.deepEqual(cache.pendingBlocks, []);
  assert.deepEqual(cache.get(199), ['199']);
  assert.deepEqual(cache.get(200), ['200']);
  assert.equal(cache.request(0, 400), null);
  // the last block is short
  assert.deepEqual(cache.request(950, 1000), { start: 800, count: 200 });
  cache.set(800, rows(800, 250)); // rows past rowCount are dropped
  assert.equal(cache.get(999)?.[0], '999');
  assert.equal(cache.get(1000), undefined);
  // a block answered only in part is cached: the rest shows placeholders, it is not re-requested every frame
  cache.set(400, rows(400, 10));
  assert.equal(cache.get(405)?.[0], '405');
  assert.equal(cache.get(450), undefined);
  assert.deepEqual(cache.missing(400, 600), []);
});

test('RowBlockCache: pending blocks scrolled away are forgotten; a gap between missing blocks is one range', () => {
  const cache = new dt.RowBlockCache(100_000, 200, 50);
  assert.deepEqual(cache.request(0, 40), { start: 0, count: 200 });
  assert.deepEqual(cache.request(50_000, 50_040), { start: 50_000, count: 200 });
  assert.deepEqual(cache.pendingBlocks, [250]);
  assert.deepEqual(cache.request(0, 40), { start: 0, count: 200 }, 'scrolling back asks again');
  const c2 = new dt.RowBlockCache(100_000, 200, 50);
  c2.set(200, rows(200, 200));
  assert.deepEqual(c2.missing(0, 600), [0, 2]);
  assert.deepEqual(c2.request(0, 600), { start: 0, count: 600 });
  assert.deepEqual(c2.pendingBlocks, [0, 2]);
});

test('RowBlockCache: bounded LRU evicts the least recently used block', () => {
  const cache = new dt.RowBlockCache(1_000_000, 200, 3);
  cache.set(0, rows(0, 200));
  cache.set(200, rows(200, 200));
  cache.set(400, rows(400, 200));
  assert.equal(cache.size, 3);
  cache.get(0); // block 0 becomes most recent; block 1 is now the oldest
  cache.set(600, rows(600, 200));
  assert.equal(cache.size, 3);
  assert.ok(cache.hasBlockOf(0));
  assert.ok(!cache.hasBlockOf(200));
  assert.ok(cache.hasBlockOf(400) && cache.hasBlockOf(600));
  // many blocks streamed in: never more than the bound
  for (let k = 10; k < 100; k++) cache.set(k * 200, rows(k * 200, 200));
  assert.equal(cache.size, 3);
  assert.ok(cache.hasBlockOf(99 * 200));
  const def = new dt.RowBlockCache(10);
  assert.equal(dt.BLOCK_SIZE, 200);
  assert.equal(dt.MAX_BLOCKS, 50);
  assert.equal(def.missing(0, 10).length, 1);
});
