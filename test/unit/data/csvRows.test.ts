/** Cell texts as written, read back from disk through the sparse line index: every window of every row, quoting included. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { readCsv } from '../../../src/data/csv';
import { indexLineStarts, readRows } from '../../../src/data/csvRows';

const dir = mkdtempSync(join(tmpdir(), 'rnnpg-rows-'));
process.on('exit', () => rmSync(dir, { recursive: true, force: true }));

test('readRows: every window of a file with quotes, line breaks in quotes, blank lines, CRLF and a BOM', async () => {
  const text = [
    '\uFEFFid ; price ; note',
    'a;1,50;plain',
    '',
    'a ; 2,25 ;"semi;colon"',
    '   ',
    'b;3;"two\r\nlines"',
    'b;  4 ;"say ""hi"""  ',
    'c;5;"q"tail',
    'c;6;',
    'c;7;last',
  ].join('\r\n');
  const path = join(dir, 'tricky.csv');
  writeFileSync(path, text);
  const table = await readCsv(path);
  const expected = [
    ['a', '1,50', 'plain'],
    ['a', '2,25', 'semi;colon'],
    ['b', '3', 'two\r\nlines'],
    ['b', '4', 'say "hi"'],
    ['c', '5', 'qtail'],
    ['c', '6', ''],
    ['c', '7', 'last'],
  ];
  assert.equal(table.rowCount, expected.length);
  assert.equal(table.columns[1].kind, 'numeric', 'the table holds numbers; the rows hold the text');
  for (const every of [1, 2, 3, 64]) {
    const index = await indexLineStarts(path, { every });
    assert.equal(index.lines, 11);
    assert.equal(index.bytes, Buffer.byteLength(text));
    for (let start = 0; start <= expected.length + 1; start++) {
      for (let count = 0; count <= expected.length + 1; count++) {
        assert.deepEqual(readRows(table, index, start, count), expected.slice(start, start + count), `every ${every}, rows ${start} + ${count}`);
      }
    }
  }
});

test('readRows: a sample file reads back line for line, cells exactly as written', async () => {
  const path = resolve('samples/sp500-2000.csv');
  const lines = readFileSync(path, 'utf8').split('\n').filter((l) => l !== '').slice(1).map((l) => l.split(','));
  const table = await readCsv(path);
  const index = await indexLineStarts(path);
  assert.equal(table.rowCount, lines.length);
  assert.deepEqual(readRows(table, index, 0, table.rowCount), lines);
  assert.deepEqual(readRows(table, index, 4000, 7), lines.slice(4000, 4007));
  assert.equal(readRows(table, index, 0, 1)[0][1], '1469.250000', 'trailing zeros kept');
});

test('indexLineStarts: a missing file is a CsvError naming it; an aborted scan is cancelled', async () => {
  await assert.rejects(indexLineStarts(join(dir, 'nope.csv')), (e: Error) => e.name === 'CsvError' && e.message.includes('nope.csv') && e.message.includes('not found'));
  const abort = new AbortController();
  abort.abort();
  await assert.rejects(indexLineStarts(resolve('samples/sp500-2000.csv'), { signal: abort.signal }), { name: 'CsvCancelled' });
});
