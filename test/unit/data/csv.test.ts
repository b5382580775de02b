import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CsvCancelled, CsvError, CsvStreamParser, missingValueError, nonNumericError, parseCsvText, readCsv,
  type CsvParseOptions, type CsvStreamOptions, type CsvTable,
} from '../../../src/data/csv';
import { cellNumber, formattedNumber } from '../../../src/data/csvNumber';
import { dateState, parseDateCell, parseIsoDate } from '../../../src/data/csvDates';

const dir = mkdtempSync(join(tmpdir(), 'rnnpg-csv-'));
process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
const file = (name: string, content: string | Uint8Array): string => {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
};

/** A table as plain data (NaN and -0 spelled out) for deep comparisons. */
function plain(t: CsvTable): unknown {
  const spell = (v: number): number | string => (Number.isNaN(v) ? 'NaN' : Object.is(v, -0) ? '-0' : v);
  return {
    delimiter: t.delimiter,
    hasHeader: t.hasHeader,
    headerLine: t.headerLine,
    decimalComma: t.decimalComma,
    rowCount: t.rowCount,
    truncated: t.truncated,
    lines: Array.from({ length: t.rowCount }, (_, r) => t.lineOf(r)),
    columns: t.columns.map((c) => ({
      ...c,
      values: c.values ? Array.from(c.values, spell) : null,
      codes: c.codes ? Array.from(c.codes) : null,
    })),
  };
}

/** Column `name` of a table. */
const col = (t: CsvTable, name: string) => {
  const c = t.columns.find((x) => x.name === name);
  assert.ok(c, `no column ${name} in ${t.columns.map((x) => x.name).join(', ')}`);
  return c;
};
const nums = (t: CsvTable, name: string): number[] => Array.from(col(t, name).values ?? []);
const texts = (t: CsvTable, name: string): (string | null)[] => {
  const c = col(t, name);
  return Array.from(c.codes ?? [], (k) => (k < 0 ? null : (c.dictionary as string[])[k]));
};

/** Asserts that `f` throws a CsvError whose message matches `re` and names the file; returns it. */
function throwsCsv(f: () => unknown, re: RegExp, name = 'data.csv'): CsvError {
  try {
    f();
  } catch (e) {
    assert.ok(e instanceof CsvError, `expected a CsvError, got ${String(e)}`);
    assert.match(e.message, re);
    assert.ok(e.message.includes(name), `message does not name the file: ${e.message}`);
    assert.doesNotMatch(e.message, /\n\s+at /);
    return e;
  }
  assert.fail(`no error; expected ${re}`);
}

/** Same as throwsCsv for a promise. */
async function rejectsCsv(p: Promise<unknown>, re: RegExp): Promise<CsvError> {
  try {
    await p;
  } catch (e) {
    assert.ok(e instanceof CsvError, `expected a CsvError, got ${String(e)}`);
    assert.match(e.message, re);
    assert.doesNotMatch(e.message, /\n\s+at /);
    return e;
  }
  assert.fail(`no error; expected ${re}`);
}

// ── parsing ────────────────────────────────────────────────────────────────────────────────────────────────────────

test('header, numbers and file lines', () => {
  const t = parseCsvText('a,b,c\n1,2,3\n4,5,6\n', 'data.csv');
  assert.equal(t.delimiter, ',');
  assert.equal(t.hasHeader, true);
  assert.equal(t.headerLine, 1);
  assert.equal(t.rowCount, 2);
  assert.deepEqual(t.columns.map((c) => [c.name, c.index, c.kind]), [['a', 0, 'numeric'], ['b', 1, 'numeric'], ['c', 2, 'numeric']]);
  assert.deepEqual(nums(t, 'b'), [2, 5]);
  assert.deepEqual([t.lineOf(0), t.lineOf(1)], [2, 3]);
  assert.throws(() => t.lineOf(2), RangeError);
  assert.equal(t.bytes, 18);
});

test('quoted fields: embedded delimiters, line breaks, "" escapes, blanks around quotes, text after a closing quote', () => {
  const text = 'id,note,x\n1,"a, b",10\n2,"two\nlines",20\n3,"say ""hi""",30\n4,  "padded"  ,40\n5,"x"y,50\n6,"",60\n7,in"side,70\n';
  const t = parseCsvText(text, 'data.csv');
  assert.deepEqual(texts(t, 'note'), ['a, b', 'two\nlines', 'say "hi"', 'padded', 'xy', null, 'in"side']);
  assert.deepEqual(nums(t, 'x'), [10, 20, 30, 40, 50, 60, 70]);
  assert.deepEqual(Array.from({ length: 7 }, (_, r) => t.lineOf(r)), [2, 3, 5, 6, 7, 8, 9]);
  assert.equal(col(t, 'note').missing, 1);
  assert.deepEqual(col(t, 'note').firstMissing, { line: 8 });
});

test('quoted numbers are numbers; a quoted header works; quoted cells keep inner blanks', () => {
  const t = parseCsvText('"a b","c"\n"1.5"," x "\n"2","y"\n', 'data.csv');
  assert.deepEqual(t.columns.map((c) => c.name), ['a b', 'c']);
  assert.deepEqual(nums(t, 'a b'), [1.5, 2]);
  assert.deepEqual(texts(t, 'c'), [' x ', 'y']);
});

test('CRLF, BOM, blank and blank-looking lines (skipped but counted), no final newline', () => {
  const t = parseCsvText('\uFEFFa,b\r\n\r\n1,2\r\n   \r\n\t\r\n3,4', 'data.csv');
  assert.deepEqual(t.columns.map((c) => c.name), ['a', 'b']);
  assert.deepEqual(nums(t, 'b'), [2, 4]);
  assert.deepEqual([t.lineOf(0), t.lineOf(1)], [3, 6]);
  const lf = parseCsvText('a,b\n1,2\n3,4\n\n\n', 'data.csv');
  assert.equal(lf.rowCount, 2);
  const quotedCrlf = parseCsvText('a,b\r\n"x\r\ny",1\r\n"z",2\r\n', 'data.csv');
  assert.deepEqual(texts(quotedCrlf, 'a'), ['x\r\ny', 'z']);
  assert.deepEqual(nums(quotedCrlf, 'b'), [1, 2]);
});

test('semicolon files with decimal commas, tab files, and delimiters inside quotes do not fool detection', () => {
  const eu = parseCsvText('datum;kurs;menge\n2024-01-02;1,5;3\n2024-01-03;2,25;4\n', 'data.csv');
  assert.equal(eu.delimiter, ';');
  assert.equal(eu.decimalComma, true);
  assert.deepEqual(nums(eu, 'kurs'), [1.5, 2.25]);
  assert.equal(col(eu, 'datum').kind, 'date');
  const euNoHeader = parseCsvText('1,5;2,25\n3,5;4,75\n', 'data.csv');
  assert.equal(euNoHeader.delimiter, ';');
  assert.deepEqual(nums(euNoHeader, 'column 2'), [2.25, 4.75]);
  const semi = parseCsvText('a;b\n1.5;2\n', 'data.csv');
  assert.equal(semi.delimiter, ';');
  assert.equal(semi.decimalComma, false);
  assert.deepEqual(nums(semi, 'a'), [1.5]);
  const tab = parseCsvText('name\tvalue\nSmith, J\t3\nDoe; A\t4\n', 'data.csv');
  assert.equal(tab.delimiter, '\t');
  assert.deepEqual(texts(tab, 'name'), ['Smith, J', 'Doe; A']);
  const quoted = parseCsvText('label,x\n"a;b;c",1\n"d;e;f",2\n', 'data.csv');
  assert.equal(quoted.delimiter, ',');
  const forced = parseCsvText('a;b\n1;2\n', 'data.csv', { delimiter: ',' });
  assert.deepEqual(forced.columns.map((c) => c.name), ['a;b']);
  const commaDecimalForced = parseCsvText('a;b\n1,5;2\n', 'data.csv', { decimalComma: false });
  assert.equal(col(commaDecimalForced, 'a').kind, 'text');
});

test('header detection: type contrast, all-text files, numeric first rows; explicit override; names made unique', () => {
  assert.equal(parseCsvText('1,2\n3,4\n', 'data.csv').hasHeader, false);
  assert.deepEqual(parseCsvText('1,2\n3,4\n', 'data.csv').columns.map((c) => c.name), ['column 1', 'column 2']);
  assert.equal(parseCsvText('time,value\n2024-01-02,1\n2024-01-03,2\n', 'data.csv').hasHeader, true);
  assert.equal(parseCsvText('name,city\nann,paris\nbob,rome\n', 'data.csv').hasHeader, true);
  assert.equal(parseCsvText('ann,paris\nbob,paris\nann,rome\n', 'data.csv').hasHeader, false);
  assert.equal(parseCsvText('x,1\ny,2\n', 'data.csv').hasHeader, false);
  const t = parseCsvText('1,2\n3,4\n', 'data.csv', { header: true });
  assert.deepEqual(t.columns.map((c) => c.name), ['1', '2']);
  assert.equal(t.rowCount, 1);
  assert.equal(parseCsvText('a,b\n1,2\n', 'data.csv', { header: false }).rowCount, 2);
  const dup = parseCsvText('x,x,,x\n1,2,3,4\n', 'data.csv', { header: true });
  assert.deepEqual(dup.columns.map((c) => c.name), ['x', 'x (2)', 'column 3', 'x (3)']);
});

test('whitespace around numbers and text is tolerated', () => {
  const t = parseCsvText('a , b\n 1 , 2\n\t3\t,  -4.5  \n', 'data.csv');
  assert.deepEqual(t.columns.map((c) => c.name), ['a', 'b']);
  assert.deepEqual(nums(t, 'a'), [1, 3]);
  assert.deepEqual(nums(t, 'b'), [2, -4.5]);
  const tab = parseCsvText('a\tb\n 1 \t 2 \n', 'data.csv', { delimiter: '\t' });
  assert.deepEqual(nums(tab, 'b'), [2]);
});

// ── chunk boundaries ──────────────────────────────────────────────────────────────────────────────────────────────

const DOCS: { text: string; options: CsvParseOptions }[] = [
  { text: 'a,b,c\r\n1,2.5,x\r\n\r\n"q,""1""\r\nz",-3e2,y\r\n4,,"é€😀"\r\n5,6,7', options: { delimiter: ',', header: true } },
  { text: '\uFEFFt;v\n2024-01-02 09:15:00;1,5\n\n2024-01-03T10:00:00Z;"2,5"\n  ;  \n', options: { delimiter: ';', header: true, decimalComma: true } },
  { text: 'x\ty\n1\t"a\tb"\n2\t "c""d" \n3\tplain\n', options: { delimiter: '\t', header: true, decimalComma: false } },
  { text: '1,2\n3,4\n5,n/a\n"6",7\n8,9', options: { delimiter: ',', header: false } },
  { text: 'a,b\n"unterminated,1\n2,3\n', options: { delimiter: ',', header: true } },
  { text: 'a,b\n1,2\n3,4,5\n', options: { delimiter: ',', header: true } },
];

/** Parses `text` pushed in chunks of `size` characters. */
function parseChunked(text: string, size: number, options: CsvStreamOptions): CsvTable {
  const p = new CsvStreamParser('data.csv', options);
  for (let i = 0; i < text.length; i += size) p.push(text.slice(i, i + size));
  return p.finish();
}

/** The table as plain data, or the error message. */
function outcome(f: () => CsvTable): unknown {
  try {
    return plain(f());
  } catch (e) {
    assert.ok(e instanceof CsvError, String(e));
    return e.message;
  }
}

test('chunks of every size 1…7 give the same result as the whole text (tables and errors)', () => {
  for (const { text, options } of DOCS) {
    const whole = outcome(() => parseCsvText(text, 'data.csv', options));
    for (let size = 1; size <= 7; size++) assert.deepEqual(outcome(() => parseChunked(text, size, options)), whole, `chunk size ${size}: ${JSON.stringify(text)}`);
  }
});

test('a multi-byte character cut by the 64 KiB read boundary is decoded intact', async () => {
  let text = 'label,x\n';
  while (text.length < 65535 - 20) text += 'abc,1\n';
  const filler = 'x'.repeat(65535 - text.length - 1);
  text += `${filler}€,2\nü,3\n`;
  assert.equal(Buffer.from(text).indexOf(Buffer.from('€')), 65534);
  const t = await readCsv(file('boundary.csv', text));
  const labels = texts(t, 'label');
  assert.deepEqual(labels.slice(-2), [`${filler}€`, 'ü']);
  assert.deepEqual(plain(t), plain(parseCsvText(text, t.file)));
});

// ── types ─────────────────────────────────────────────────────────────────────────────────────────────────────────

test('a numeric column with a few bad cells stays numeric: NaN there, each bad cell counted, the first ones with their lines', () => {
  const t = parseCsvText('close,v\n1.50,1\n2,2\n,3\nabc,4\n2,5\n1e999,6\n', 'data.csv');
  const close = col(t, 'close');
  assert.equal(close.kind, 'numeric');
  assert.deepEqual(nums(t, 'close').map(String), ['1.5', '2', 'NaN', 'NaN', '2', 'NaN']);
  assert.equal(close.invalid, 2);
  assert.deepEqual(close.invalidCells, [{ line: 5, value: 'abc' }, { line: 7, value: '1e999' }]);
  assert.deepEqual(close.firstNonNumeric, { line: 5, value: 'abc' });
  assert.equal(close.missing, 1);
  assert.deepEqual(close.firstMissing, { line: 4 });
  assert.equal(col(t, 'v').firstNonNumeric, null);
  assert.equal(col(t, 'v').invalid, 0);
  const err = nonNumericError(t, close);
  assert.ok(err instanceof CsvError);
  assert.equal(err.message, 'data.csv: line 5, column close: expected a number, found "abc"');
  assert.deepEqual([err.line, err.column, err.expected], [5, 'close', 'a number']);
  assert.equal(nonNumericError(t, col(t, 'v')), null);
});

test('missing markers (NA, null, ".", "-", …) are missing in numeric columns and text in text columns', () => {
  const t = parseCsvText('a,b,c\n1,NA,x\nNA,2,NA\n.,null,y\n4,-,NA\n', 'data.csv');
  assert.deepEqual(nums(t, 'a').map(String), ['1', 'NaN', 'NaN', '4']);
  assert.equal(col(t, 'a').missing, 2);
  assert.deepEqual(col(t, 'a').missingMarkers.sort(), ['.', 'NA']);
  assert.equal(col(t, 'a').invalid, 0);
  assert.deepEqual(col(t, 'a').firstMissing, { line: 3 });
  assert.deepEqual(nums(t, 'b').map(String), ['NaN', '2', 'NaN', 'NaN']);
  assert.equal(col(t, 'c').kind, 'text');
  assert.deepEqual(texts(t, 'c'), ['x', 'NA', 'y', 'NA']);
  assert.equal(col(t, 'c').missing, 0);
});

test('a column is text only when most cells are not numbers; mostly-number text columns turn numeric at the end', () => {
  const words = Array.from({ length: 40 }, (_, i) => `w${i % 3}`);
  const mostlyText = parseCsvText(`k\n${['1', '2', ...words].join('\n')}\n`, 'data.csv');
  assert.equal(col(mostlyText, 'k').kind, 'text');
  assert.deepEqual(texts(mostlyText, 'k').slice(0, 3), ['1', '2', 'w0']);
  // text first (20 words), then many numbers: numeric, the words named as bad cells
  const late = parseCsvText(`k\n${[...words.slice(0, 20), ...Array.from({ length: 30 }, (_, i) => String(i))].join('\n')}\n`, 'data.csv');
  const k = col(late, 'k');
  assert.equal(k.kind, 'numeric');
  assert.equal(k.invalid, 20);
  assert.deepEqual(k.invalidCells[0], { line: 2, value: 'w0' });
  assert.equal(k.invalidCells.length, 5);
  assert.deepEqual(nums(late, 'k').slice(19, 22).map(String), ['NaN', '0', '1']);
  // a junk cell on top of numbers
  const unit = parseCsvText('kg,x\nkg,1\n2,2\n3,3\n', 'data.csv', { header: true });
  assert.equal(col(unit, 'kg').kind, 'numeric');
  assert.deepEqual(col(unit, 'kg').invalidCells, [{ line: 2, value: 'kg' }]);
});

test('formatted numbers: thousands separators, currency and percent signs, K/M/B suffixes, negatives in parentheses', () => {
  const t = parseCsvText('price,vol,chg\n"$1,234.50",1.2M,-0.5%\n"1,000",300K,(2.5%)\n"12,345,678.9",5B,+1%\n', 'data.csv');
  assert.deepEqual(nums(t, 'price'), [1234.5, 1000, 12345678.9]);
  assert.deepEqual(nums(t, 'vol'), [1.2e6, 300e3, 5e9]);
  assert.deepEqual(nums(t, 'chg'), [-0.5, -2.5, 1]);
  assert.equal(col(t, 'price').formatted, 3);
  const eu = parseCsvText('a;b\n1.234,5;2\n2.000;3\n', 'data.csv');
  assert.ok(eu.decimalComma);
  assert.deepEqual(nums(eu, 'a'), [1234.5, 2000]);
  for (const s of ['1,23', '12,3456', '1.2.3', 'abc', '$', '%', '1,234.5.6', '12A']) assert.ok(Number.isNaN(formattedNumber(s, 46)), s);
});

test('dates: ISO dates and date-times (T or space, seconds, fractions, Z, offsets) as epoch ms', () => {
  const t = parseCsvText('d,x\n2024-01-02,1\n2024-01-02T09:15,2\n2024-01-02 09:15:30.25,3\n2024-01-02T09:15:00Z,4\n2024-01-02T10:15:00+01:00,5\n', 'data.csv');
  const d = col(t, 'd');
  assert.equal(d.kind, 'date');
  assert.deepEqual(Array.from(d.values as Float64Array), [
    Date.UTC(2024, 0, 2), Date.UTC(2024, 0, 2, 9, 15), Date.UTC(2024, 0, 2, 9, 15, 30, 250), Date.UTC(2024, 0, 2, 9, 15), Date.UTC(2024, 0, 2, 9, 15),
  ]);
  assert.equal(d.firstNonNumeric, null);
  assert.deepEqual(d.dateForms.sort(), ['date', 'datetime']);
  assert.equal(parseIsoDate('2024-02-29'), Date.UTC(2024, 1, 29));
  assert.equal(parseIsoDate('1969-12-31T23:59:59.999'), -1);
  assert.equal(parseIsoDate('0001-01-01'), new Date('0001-01-01T00:00:00Z').getTime());
  for (const bad of ['2023-02-29', '2024-13-01', '2024-1-2', '02/01/2024', '2024-01-02T25:00', '2024-01-02T09:15:00+0100x', '2024-01-02X09:15']) {
    assert.ok(Number.isNaN(parseIsoDate(bad)), bad);
  }
  const mixed = parseCsvText('d\n2024-01-02\n2024-01-02T09:15\nsoon\n', 'data.csv');
  assert.equal(col(mixed, 'd').kind, 'date');
  assert.deepEqual(col(mixed, 'd').invalidCells, [{ line: 4, value: 'soon' }]);
});

test('dates in the forms real files use: each read to the same instant', () => {
  const cases: [string, number, string][] = [
    ['2024-01', Date.UTC(2024, 0, 1), 'month'], ['2024/03', Date.UTC(2024, 2, 1), 'month'], ['1974M07', Date.UTC(1974, 6, 1), 'month'],
    ['2024/01/02', Date.UTC(2024, 0, 2), 'date'], ['2024.01.02', Date.UTC(2024, 0, 2), 'date'],
    ['01/13/2024', Date.UTC(2024, 0, 13), 'date'], ['13/01/2024', Date.UTC(2024, 0, 13), 'date'], ['2.1.2024', Date.UTC(2024, 0, 2), 'date'],
    ['1/2/95', Date.UTC(1995, 0, 2), 'date'], ['Jan-1-1995', Date.UTC(1995, 0, 1), 'date'], ['Jan 1, 1995', Date.UTC(1995, 0, 1), 'date'],
    ['January 15 1995', Date.UTC(1995, 0, 15), 'date'], ['1 Jan 1995', Date.UTC(1995, 0, 1), 'date'], ['01-Jan-95', Date.UTC(1995, 0, 1), 'date'],
    ['Jan 1995', Date.UTC(1995, 0, 1), 'month'], ['Jan-95', Date.UTC(1995, 0, 1), 'month'], ['1995-Jan', Date.UTC(1995, 0, 1), 'month'],
    ['September 2001', Date.UTC(2001, 8, 1), 'month'],
    ['1974Q1', Date.UTC(1974, 0, 1), 'quarter'], ['1974-Q3', Date.UTC(1974, 6, 1), 'quarter'], ['1974 Q4', Date.UTC(1974, 9, 1), 'quarter'],
    ['Q2 1974', Date.UTC(1974, 3, 1), 'quarter'], ['1974q2', Date.UTC(1974, 3, 1), 'quarter'],
    ['09:30', 9.5 * 3600000, 'time'], ['9:30:15', (9.5 * 3600 + 15) * 1000, 'time'], ['4:05 PM', (16 * 60 + 5) * 60000, 'time'], ['12:00 AM', 0, 'time'],
    ['01/02/2024 10:30', Date.UTC(2024, 0, 2, 10, 30), 'datetime'], ['2024/01/02 10:30:05', Date.UTC(2024, 0, 2, 10, 30, 5), 'datetime'],
    ['Jan 2, 2024 4:00 PM', Date.UTC(2024, 0, 2, 16), 'datetime'],
  ];
  for (const [text, ms, form] of cases) {
    assert.equal(parseDateCell(text), ms, text);
    assert.equal(dateState.form, form, text);
  }
  for (const bad of ['2024', '13/13/2024', 'Foo 1995', '1974Q5', '25:00', '2024-13', 'Jan', '1.5', '12/2024/01', '2024-01-02-03', 'Q1', 'abc 1995', '31/02/2024']) {
    assert.ok(Number.isNaN(parseDateCell(bad)), bad);
  }
});

test('day-first or month-first is decided per column: an early ambiguous date is re-read when a later one settles it', () => {
  const dmy = parseCsvText('d,x\n01/02/2024,1\n05/02/2024,2\n13/02/2024,3\n', 'data.csv');
  assert.deepEqual(nums(dmy, 'd'), [Date.UTC(2024, 1, 1), Date.UTC(2024, 1, 5), Date.UTC(2024, 1, 13)]);
  assert.equal(col(dmy, 'd').dayFirst, true);
  const mdy = parseCsvText('d,x\n01/02/2024,1\n01/05/2024,2\n01/13/2024,3\n', 'data.csv');
  assert.deepEqual(nums(mdy, 'd'), [Date.UTC(2024, 0, 2), Date.UTC(2024, 0, 5), Date.UTC(2024, 0, 13)]);
  assert.equal(col(mdy, 'd').dayFirst, false);
  // a month-first column that meets a day-first cell: that cell is bad
  const clash = parseCsvText('d,x\n01/13/2024,1\n13/01/2024,2\n', 'data.csv');
  assert.deepEqual(col(clash, 'd').invalidCells, [{ line: 3, value: '13/01/2024' }]);
  // undecided to the end: the order that keeps the dates in time order
  const ordered = parseCsvText('d,x\n10/01/2024,1\n11/01/2024,2\n12/01/2024,3\n01/02/2024,4\n', 'data.csv');
  assert.deepEqual(nums(ordered, 'd'), [Date.UTC(2024, 0, 10), Date.UTC(2024, 0, 11), Date.UTC(2024, 0, 12), Date.UTC(2024, 1, 1)]);
  const monthly = parseCsvText('d,x\n01/01/2024,1\n02/01/2024,2\n03/01/2024,3\n', 'data.csv');
  assert.deepEqual(nums(monthly, 'd'), [0, 1, 2].map((k) => Date.UTC(2024, k, 1)));
});

test('empty columns, missing cells counted with the first line, empty then numeric, missingValues option', () => {
  const t = parseCsvText('a,b,c\n,1,\n,,\n,3,5\n', 'data.csv');
  assert.equal(col(t, 'a').kind, 'empty');
  assert.equal(col(t, 'a').values, null);
  assert.equal(col(t, 'a').missing, 3);
  assert.deepEqual(col(t, 'a').firstMissing, { line: 2 });
  assert.deepEqual(nums(t, 'b').map(String), ['1', 'NaN', '3']);
  assert.deepEqual(col(t, 'b').firstMissing, { line: 3 });
  assert.deepEqual(nums(t, 'c').map(String), ['NaN', 'NaN', '5']);
  const err = missingValueError(t, col(t, 'c'));
  assert.equal(err?.message, 'data.csv: line 2, column c: expected a value, found an empty cell (2 empty cells in this column)');
  assert.equal(missingValueError(parseCsvText('a\n1\n', 'data.csv'), parseCsvText('a\n1\n', 'data.csv').columns[0]), null);
  const na = parseCsvText('a,b\n1,NA\nNA,2\n', 'data.csv', { missingValues: ['NA'] });
  assert.deepEqual(nums(na, 'a').map(String), ['1', 'NaN']);
  assert.deepEqual(nums(na, 'b').map(String), ['NaN', '2']);
  assert.equal(col(na, 'b').missing, 1);
});

test('text columns are dictionary-encoded in first-seen order', () => {
  const t = parseCsvText('session,y\ns1,1\ns1,2\ns2,3\ns1,4\n', 'data.csv');
  const s = col(t, 'session');
  assert.deepEqual(s.dictionary, ['s1', 's2']);
  assert.deepEqual(Array.from(s.codes as Int32Array), [0, 0, 1, 0]);
  assert.deepEqual(s.firstNonNumeric, { line: 2, value: 's1' });
});

test('number syntax: decimal forms accepted and equal to Number(); other spellings are text', () => {
  for (const s of ['0', '-0', '+2', '1e-3', '-.5', '1.', '.5', '1E+05', '007', '123456789012345678901234567890', '1e400', '9007199254740993', '0.1']) {
    assert.ok(Object.is(cellNumber(s, 46), Number(s)), s);
  }
  for (const s of ['1_000', '1,000', '0x10', 'Infinity', 'NaN', 'n/a', '.', '-', '1e', '1e+', '--1', '1.2.3', '1 2', 'e5', '1d']) {
    assert.ok(Number.isNaN(cellNumber(s, 46)), s);
  }
  assert.equal(cellNumber('1,5', 44), 1.5);
  assert.ok(Number.isNaN(cellNumber('1.5', 44)));
  assert.ok(Object.is(parseCsvText('a\n-0\n', 'x').columns[0].values?.[0], -0));
});

test('numbers equal Number() exactly on random decimal texts, including 16–17 digit mantissas', () => {
  let seed = 7;
  const rnd = (): number => {
    seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
    return seed / 4294967296;
  };
  const digits = (k: number): string => Array.from({ length: k }, () => String(Math.floor(rnd() * 10))).join('');
  for (let i = 0; i < 100000; i++) {
    const x = (rnd() - 0.5) * 10 ** (Math.floor(rnd() * 30) - 15);
    const samples = [
      String(x),
      x.toPrecision(1 + Math.floor(rnd() * 21)),
      `${rnd() < 0.5 ? '-' : ''}${digits(Math.floor(rnd() * 18))}.${digits(Math.floor(rnd() * 19))}${rnd() < 0.2 ? `e${Math.floor(rnd() * 40) - 20}` : ''}`,
    ];
    for (const s of samples) {
      const want = Number(s);
      if (Number.isNaN(want) || s === '-.' || s === '.') continue;
      assert.ok(Object.is(cellNumber(s, 46), want), `${s}: ${cellNumber(s, 46)} ≠ ${want}`);
    }
  }
});

// ── errors ────────────────────────────────────────────────────────────────────────────────────────────────────────

test('errors name the file and line and say what was expected', () => {
  throwsCsv(() => parseCsvText('', 'data.csv'), /^data\.csv has no rows \(the file is empty/);
  throwsCsv(() => parseCsvText('\n \n\r\n', 'data.csv'), /^data\.csv has no rows \(only blank lines/);
  const header = throwsCsv(() => parseCsvText('a,b\n\n', 'data.csv'), /^data\.csv has a header \(line 1\) but no data rows/);
  assert.equal(header.line, 1);
  const few = throwsCsv(() => parseCsvText(`a,b,c,d,e\n${'1,2,3,4,5\n'.repeat(12)}\n\n\n1,2,3,4\n`, 'data.csv'), /^data\.csv: line 17 has 4 fields; the header has 5$/);
  assert.deepEqual([few.line, few.expected], [17, '5 fields']);
  throwsCsv(() => parseCsvText('a,b\n1,2,3\n', 'data.csv'), /^data\.csv: line 2 has 3 fields; the header has 2$/);
  throwsCsv(() => parseCsvText('1,2\n3,4\n5\n', 'data.csv'), /^data\.csv: line 3 has 1 field; line 1 has 2$/);
  throwsCsv(() => parseCsvText('a,b\n"x,1\n2,3\n', 'data.csv'), /^data\.csv: line 2 has 3 fields|^data\.csv: line 2: a quoted field starts here and is never closed/);
  const open = throwsCsv(() => parseCsvText('a,b\n1,2\n3,"x\n4,5\n', 'data.csv', { delimiter: ',', header: true }), /^data\.csv: line 3: a quoted field starts here and is never closed \(expected a closing " before the end of the file\)$/);
  assert.deepEqual([open.line, open.expected], [3, 'a closing "']);
  throwsCsv(() => parseChunked(`a\n${'1'.repeat(100)}\n`, 10, { delimiter: ',', header: true, maxRecordChars: 50 }), /^data\.csv: line 2 is longer than 50 characters without a line break/);
  throwsCsv(() => parseChunked(`a\n"${'x\n'.repeat(50)}`, 10, { delimiter: ',', header: true, maxRecordChars: 50 }), /^data\.csv: line 2: a quoted field starts here and is still open after 50 characters/);
});

test('file errors: not found, a directory, UTF-16, unreadable (when not root); the file is never written', async () => {
  const missing = await rejectsCsv(readCsv(join(dir, 'nope.csv')), /nope\.csv: file not found \(expected a readable CSV file\)$/);
  assert.equal(missing.line, null);
  const sub = join(dir, 'sub.csv');
  mkdirSync(sub);
  await rejectsCsv(readCsv(sub), /sub\.csv is a directory, not a CSV file$/);
  const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('a,b\n1,2\n', 'utf16le')]);
  await rejectsCsv(readCsv(file('utf16.csv', utf16)), /utf16\.csv: the file is UTF-16 encoded \(expected UTF-8/);
  await rejectsCsv(readCsv(file('empty.csv', '')), /empty\.csv has no rows \(the file is empty/);
  if (process.getuid?.() !== 0) {
    const locked = file('locked.csv', 'a\n1\n');
    chmodSync(locked, 0o000);
    await rejectsCsv(readCsv(locked), /locked\.csv: cannot be read \(permission denied\)$/);
  }
  const ro = file('readonly.csv', 'a,b\n1,2\n');
  chmodSync(ro, 0o444);
  const t = await readCsv(ro);
  assert.deepEqual(nums(t, 'b'), [2]);
});

// ── streaming from disk ───────────────────────────────────────────────────────────────────────────────────────────

/** A numeric CSV of `rows` rows × 3 columns. */
function numericCsv(rows: number): string {
  const lines = ['t,x,y'];
  for (let r = 0; r < rows; r++) lines.push(`${r},${(r * 0.37).toFixed(3)},${(r % 7) - 3}`);
  return `${lines.join('\n')}\n`;
}

test('readCsv gives the same table as parseCsvText; storage is trimmed to the row count', async () => {
  const text = numericCsv(50000) + '"q",1,2\n';
  const t = await readCsv(file('same.csv', text));
  assert.deepEqual(plain(t), plain(parseCsvText(text, t.file)));
  assert.equal(t.bytes, Buffer.byteLength(text));
  assert.equal(col(t, 'x').values?.buffer.byteLength, 50001 * 8);
  assert.equal(col(t, 't').kind, 'numeric');
  assert.deepEqual(col(t, 't').invalidCells, [{ line: 50002, value: 'q' }]);
  assert.equal(col(t, 't').values?.buffer.byteLength, 50001 * 8);
  const words = `w,x\n${Array.from({ length: 50000 }, (_, r) => `w${r % 7},${r}`).join('\n')}\n`;
  const w = await readCsv(file('words.csv', words));
  assert.deepEqual(plain(w), plain(parseCsvText(words, w.file)));
  assert.equal(col(w, 'w').codes?.buffer.byteLength, 50000 * 4);
});

test('progress is reported at most about 10 times a second and once at the end', async () => {
  const text = numericCsv(400000);
  const path = file('progress.csv', text);
  const reports: { bytes: number; totalBytes: number; rows: number; at: number }[] = [];
  const t0 = performance.now();
  const t = await readCsv(path, { onProgress: (p) => reports.push({ ...p, at: performance.now() }) });
  const seconds = (performance.now() - t0) / 1000;
  assert.ok(reports.length >= 1);
  assert.ok(reports.length <= Math.ceil(seconds * 10) + 2, `${reports.length} reports in ${seconds} s`);
  const last = reports[reports.length - 1];
  assert.deepEqual([last.bytes, last.totalBytes, last.rows], [Buffer.byteLength(text), Buffer.byteLength(text), t.rowCount]);
  for (let i = 1; i < reports.length; i++) {
    assert.ok(reports[i].bytes >= reports[i - 1].bytes && reports[i].rows >= reports[i - 1].rows);
    if (i < reports.length - 1) assert.ok(reports[i].at - reports[i - 1].at >= 99);
  }
});

test('cancellation: an aborted signal rejects promptly with CsvCancelled', async () => {
  const path = file('cancel.csv', numericCsv(1000000));
  const before = new AbortController();
  before.abort();
  await assert.rejects(readCsv(path, { signal: before.signal }), CsvCancelled);
  const during = new AbortController();
  let abortedAt = 0;
  const read = readCsv(path, {
    signal: during.signal,
    onProgress: () => {
      if (abortedAt === 0) {
        abortedAt = performance.now();
        during.abort();
      }
    },
  });
  await assert.rejects(read, (e: unknown) => e instanceof CsvCancelled && /cancel\.csv: reading was cancelled/.test(e.message));
  assert.ok(abortedAt > 0);
  assert.ok(performance.now() - abortedAt < 500, `took ${performance.now() - abortedAt} ms after abort`);
  const timer = new AbortController();
  setTimeout(() => timer.abort(), 20);
  await assert.rejects(readCsv(path, { signal: timer.signal }), CsvCancelled);
});

test('maxRows stops early (previews)', async () => {
  const text = numericCsv(200000);
  const t = await readCsv(file('preview.csv', text), { maxRows: 10 });
  assert.equal(t.rowCount, 10);
  assert.equal(t.truncated, true);
  assert.deepEqual(nums(t, 't'), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  const whole = parseCsvText('a\n1\n2\n', 'x', { maxRows: 5 });
  assert.deepEqual([whole.rowCount, whole.truncated], [2, false]);
  assert.throws(() => parseCsvText('a\n1\n', 'x', { maxRows: 0 }), RangeError);
});

// ── fuzz ──────────────────────────────────────────────────────────────────────────────────────────────────────────

/** Checks the invariants of a parsed table. */
function checkTable(t: CsvTable): void {
  assert.ok(t.rowCount > 0);
  let previous = 0;
  for (let r = 0; r < t.rowCount; r++) {
    const line = t.lineOf(r);
    assert.ok(Number.isInteger(line) && line > previous);
    previous = line;
  }
  for (const c of t.columns) {
    if (c.kind === 'numeric' || c.kind === 'date') assert.equal(c.values?.length, t.rowCount);
    if (c.kind === 'text') {
      assert.equal(c.codes?.length, t.rowCount);
      for (const k of c.codes as Int32Array) assert.ok(k >= -1 && k < (c.dictionary as string[]).length);
    }
    if (c.kind === 'empty') assert.equal(c.missing, t.rowCount);
    assert.ok(c.missing >= 0 && c.missing <= t.rowCount);
  }
}

test('fuzz: random and mutated CSVs end in a CsvError or a valid table, whole or in random chunks', () => {
  let seed = 2024;
  const rnd = (): number => {
    seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
    return seed / 4294967296;
  };
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)];
  const atoms = ['a', '1', '2.5', '-', '.', 'e', '"', '""', ',', ';', '\t', '\n', '\r\n', '\r', ' ', 'é', '😀', '\uFEFF', '2024-01-02', 'NaN', '\u0000'];
  const valid = ['a,b,c\n1,2,3\n4,5,6\n', 't;v\n2024-01-02;1,5\n2024-01-03;2,5\n', 'x\ty\n"a\tb"\t1\n"c""d"\t2\n', '1,2\n3,4\n'];
  const started = performance.now();
  for (let i = 0; i < 500; i++) {
    let text: string;
    if (i % 2 === 0) text = Array.from({ length: Math.floor(rnd() * 60) }, () => pick(atoms)).join('');
    else {
      text = pick(valid).repeat(1 + Math.floor(rnd() * 3));
      for (let m = Math.floor(rnd() * 4); m >= 0; m--) {
        const at = Math.floor(rnd() * (text.length + 1));
        const op = Math.floor(rnd() * 4);
        if (op === 0) text = text.slice(0, at) + '"' + text.slice(at);
        else if (op === 1) text = text.slice(0, at);
        else if (op === 2) text = text.slice(0, at) + text.charAt(at).repeat(2) + text.slice(at + 1);
        else text = text.slice(0, at) + pick(atoms) + text.slice(at + 1);
      }
    }
    const run = (f: () => CsvTable): void => {
      try {
        checkTable(f());
      } catch (e) {
        if (!(e instanceof CsvError)) throw new Error(`input ${JSON.stringify(text)} threw ${String(e)}`);
        assert.ok(e.message.startsWith('fuzz.csv'), e.message);
      }
    };
    run(() => parseCsvText(text, 'fuzz.csv'));
    const size = 1 + Math.floor(rnd() * 9);
    run(() => {
      const p = new CsvStreamParser('fuzz.csv', { sniffChars: 1 + Math.floor(rnd() * 40) });
      for (let k = 0; k < text.length; k += size) p.push(text.slice(k, k + size));
      return p.finish();
    });
  }
  assert.ok(performance.now() - started < 10000);
});

test('fuzz: random bytes read from disk end in a CsvError or a valid table', async () => {
  let seed = 99;
  const rnd = (): number => {
    seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
    return seed / 4294967296;
  };
  for (let i = 0; i < 40; i++) {
    const bytes = Uint8Array.from({ length: Math.floor(rnd() * 3000) }, () => (rnd() < 0.3 ? pick8(rnd) : Math.floor(rnd() * 256)));
    try {
      checkTable(await readCsv(file(`random${i}.csv`, bytes)));
    } catch (e) {
      assert.ok(e instanceof CsvError, `random bytes #${i} threw ${String(e)}`);
    }
  }
});

/** One of the bytes that matter to the parser. */
function pick8(rnd: () => number): number {
  const special = [10, 13, 34, 44, 59, 9, 32, 48, 49, 46, 45];
  return special[Math.floor(rnd() * special.length)];
}

// ── regressions found by the data-layer fuzzer (test/slow/fuzz.test.ts) ───────────────────────────────────────────

test('a date-like token atop a short numeric column leaves it numeric, named as written', () => {
  const t = parseCsvText('YEAR,v\nJan 2020,1\n1938,2\n1939,3\n1940,4\n', 'data.csv');
  assert.equal(col(t, 'YEAR').kind, 'numeric');
  assert.deepEqual(col(t, 'YEAR').invalidCells, [{ line: 2, value: 'Jan 2020' }]);
  const clock = parseCsvText(`n,v\n12:30,1\n${Array.from({ length: 30 }, (_, i) => `${i % 2},${i}`).join('\n')}\n`, 'data.csv');
  assert.equal(col(clock, 'n').kind, 'numeric');
  assert.deepEqual(col(clock, 'n').invalidCells, [{ line: 2, value: '12:30' }]);
  // a number is no date in a column that began with another date: 1707.4 is not April 1707
  const ym = parseCsvText(`x,v\n12:30,0\n${Array.from({ length: 30 }, (_, i) => `${1700 + i}.${1 + (i % 9)},${i}`).join('\n')}\n`, 'data.csv');
  assert.equal(col(ym, 'x').kind, 'numeric');
  assert.equal(nums(ym, 'x')[1], 1700.1);
});

test('a number beyond the largest double is a bad cell, never ±Infinity', () => {
  const t = parseCsvText('period,low\n19261007,-50.0476\n19261014,-1e999\n', 'data.csv');
  assert.deepEqual(nums(t, 'low').map(String), ['-50.0476', 'NaN']);
  assert.deepEqual(col(t, 'low').invalidCells, [{ line: 3, value: '-1e999' }]);
  assert.ok(Number.isNaN(formattedNumber('-1e999', 46)));
  assert.ok(Number.isNaN(formattedNumber('1e300B', 46)));
});

test('detection: a repeated header row, a blank-looking first line, a stray point, CR after a quote, a comma in a header', () => {
  // the header again where two exports were joined: still the header, the repeat a bad cell at its line
  const joined = parseCsvText(`date,v\n${Array.from({ length: 12 }, (_, i) => `${i === 5 ? 'date,v' : `2024-01-${String(i + 1).padStart(2, '0')},${i}`}`).join('\n')}\n`, 'data.csv');
  assert.equal(joined.hasHeader, true);
  assert.deepEqual(col(joined, 'v').invalidCells, [{ line: 7, value: 'v' }]);
  assert.equal(parseCsvText('value\nabc\n1\n2\n', 'data.csv').hasHeader, true);
  // a line of blanks before a tab-separated header is skipped by detection as by the reader
  const tab = parseCsvText(' \t \nsymbol\tc\n1000\t1.5\n1001\t2.5\n', 'data.csv');
  assert.deepEqual([tab.delimiter, tab.hasHeader, nums(tab, 'c')], ['\t', true, [1.5, 2.5]]);
  // one fractional number with a point among many decimal commas does not turn the file's commas into text
  const stray = parseCsvText(`t;co2\n1.5;-48,5\n${Array.from({ length: 20 }, (_, i) => `2024-01-${String(i + 1).padStart(2, '0')};-4${i % 10},${i}`).join('\n')}\n`, 'data.csv');
  assert.equal(stray.decimalComma, true);
  assert.equal(col(stray, 'co2').kind, 'numeric');
  // the CR of a CRLF line end after a quoted last cell is not part of the cell
  const crlf = parseCsvText('"t";"v"\r\n"a";"1,5"\r\n"b";"2,5"\r\n', 'data.csv');
  assert.deepEqual([crlf.decimalComma, nums(crlf, 'v')], [true, [1.5, 2.5]]);
  // a header with a comma in a `;` file: not split at the decimal commas
  const semi = parseCsvText('Chick;GDP, bn\nS1;1,5\nS1;2,5\nS2;3,25\n', 'data.csv');
  assert.deepEqual([semi.delimiter, nums(semi, 'GDP, bn')], [';', [1.5, 2.5, 3.25]]);
  // one column with decimal commas under a header
  const one = parseCsvText('Wert\n1,5\n2,25\n3,125\n', 'data.csv');
  assert.deepEqual([one.decimalComma, nums(one, 'Wert')], [true, [1.5, 2.25, 3.125]]);
  // points as decimal marks beside formatted thousands: `$94,790` is no decimal comma, `3.000` is three
  const money = parseCsvText('n\tAdj Close\ta\n1\t3.000\t$1,243,200.59\n2\t5.000\t$94,790\n3\t9.000\t$99.59\n', 'data.csv');
  assert.deepEqual([money.decimalComma, nums(money, 'Adj Close'), nums(money, 'a')], [false, [3, 5, 9], [1243200.59, 94790, 99.59]]);
  // tab-separated, a quoted first cell: a comma split would glue `"MSFT"` to the integer part
  const quotedTab = parseCsvText('"MSFT"\t 925523,39\n"MSFT"\t-1817628,12\n"IBM"\t52792,77\n', 'data.csv');
  assert.deepEqual([quotedTab.delimiter, nums(quotedTab, 'column 2')], ['\t', [925523.39, -1817628.12, 52792.77]]);
});

test('ISO dates newest first, below a number that made the column numeric, are read as dates (not re-read day first)', () => {
  const rows = Array.from({ length: 30 }, (_, i) => `1913-12-17 ${String(18 - Math.floor(i / 4)).padStart(2, '0')}:${String(45 - 15 * (i % 4)).padStart(2, '0')}:00;${i}`);
  for (const n of [5, 30]) {
    const t = parseCsvText(`time;v\n12345;1\n${rows.slice(0, n).join('\n')}\n`, 'data.csv');
    assert.equal(col(t, 'time').kind, 'date');
    assert.deepEqual(col(t, 'time').invalidCells, [{ line: 2, value: '12345' }]);
    assert.equal(nums(t, 'time')[1], Date.UTC(1913, 11, 17, 18, 45));
  }
});

test('a record with a cell too few is named even where splitting at decimal commas would look regular', () => {
  throwsCsv(() => parseCsvText('-180418088;"30.06.1990";98,8418\n-116580433;98,4416\n', 'data.csv'), /data\.csv: line 2 has 2 fields; line 1 has 3/);
});
