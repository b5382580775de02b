/**
 * Dialect detection from the start of a file: delimiter, decimal comma and header.
 *
 * Delimiter: each of `,` `;` tab splits the sample (quotes respected); a candidate qualifies when every record has
 * as many fields as the first, at least 2 (but for a stray record in ten: a deleted or duplicated cell, which the reader
 * then names). Among qualifying candidates the one whose cells (after the first record) are most often numbers, dates
 * or empty and least often hold another delimiter wins (`S1;1,5` split at its comma leaves `S1;1`), then one without a
 * stray record, then the one with more fields, then `,` before `;` before tab.
 * Without a qualifying candidate, the one whose first record has ≥ 2 fields and is matched by most records wins;
 * otherwise the first that leaves every record one field (a one-column file: `;` when its numbers have decimal
 * commas), else `,`.
 * Header: the first record is a header when (a) it has no number or date cell and some column has text there while
 * the cells below are all numbers or all dates (but for a stray cell, at most one in ten), or (b) every cell of the
 * file is text, the first record's cells are all non-empty and distinct, and none of them appears again in its column
 * below, or (c) it names periods by number (`Country,1960,1961,1962`: three or more whole numbers in an arithmetic
 * progression, the other cells text).
 */
import { parseDateCell } from './csvDates';
import { cellNumber, formattedNumber } from './csvNumber';
import type { CsvDelimiter } from './csvTypes';

/** Records split from the start of a text. */
export interface CsvSample {
  records: string[][];
  /** Characters covered by the returned records (including their line breaks). */
  chars: number;
  /** Fields with text after their closing quote (`"MSFT"\t 925523` split at a comma): a sign of the wrong delimiter. */
  odd: number;
}

const DELIMITERS: readonly CsvDelimiter[] = [',', ';', '\t'];
const DOT = 46;
const COMMA = 44;

/** Trims spaces, tabs and carriage returns at both ends. */
function trimBlanks(s: string): string {
  let a = 0;
  let b = s.length;
  while (a < b && isBlank(s.charCodeAt(a))) a++;
  while (b > a && isBlank(s.charCodeAt(b - 1))) b--;
  return s.substring(a, b);
}

function isBlank(c: number): boolean {
  return c === 32 || c === 9 || c === 13;
}

/**
 * Splits up to `maxRecords` records from the start of `text` (quotes respected, blank lines skipped, unquoted cells
 * trimmed). Unless `atEnd`, the last record may be cut off by the end of the sample and is dropped.
 */
export function sampleRecords(text: string, delimiter: CsvDelimiter, maxRecords: number, atEnd: boolean): CsvSample {
  const d = delimiter.charCodeAt(0);
  const records: string[][] = [];
  let fields: string[] = [];
  let field = '';
  let quoted = false;
  let inQuotes = false;
  let afterQuote = false;
  let content = false;
  let chars = 0;
  let odd = 0;
  const endField = (): void => {
    fields.push(quoted ? field : trimBlanks(field));
    field = '';
    quoted = false;
    afterQuote = false;
  };
  const endRecord = (at: number): void => {
    endField();
    // a line of blanks (spaces, tabs, carriage returns) is skipped, as the reader skips it
    if (content) records.push(fields);
    fields = [];
    content = false;
    chars = at;
  };
  for (let i = 0; i < text.length && records.length < maxRecords; i++) {
    const c = text.charCodeAt(i);
    if (!isBlank(c) && c !== 10) content = true;
    if (inQuotes) {
      if (c !== 34) field += text[i];
      else if (text.charCodeAt(i + 1) === 34) {
        field += '"';
        i++;
      } else {
        inQuotes = false;
        afterQuote = true;
      }
    } else if (afterQuote && c !== d && isBlank(c)) {
      // blanks after a closing quote (the CR of a CRLF line end) are not part of the field, as in the reader
    } else if (c === 34 && trimBlanks(field) === '') {
      inQuotes = true;
      quoted = true;
      field = '';
    } else if (c === d) endField();
    else if (c === 10) endRecord(i + 1);
    else {
      if (afterQuote) odd++;
      field += text[i];
      afterQuote = false;
    }
  }
  if (records.length < maxRecords && (fields.length > 0 || field !== '')) {
    if (atEnd || records.length === 0) endRecord(text.length);
  }
  return { records, chars, odd };
}

/** Kind of one sample cell. */
function cellKind(cell: string, decimalCode: number): 'empty' | 'number' | 'date' | 'text' {
  if (cell === '') return 'empty';
  const v = cellNumber(cell, decimalCode);
  if (v === v) return 'number';
  const t = parseDateCell(cell);
  return t === t ? 'date' : 'text';
}

/** Share of cells after the first record that are numbers, dates or empty. */
function typedShare(records: string[][], decimalCodes: readonly number[]): number {
  let typed = 0;
  let all = 0;
  for (let r = 1; r < records.length; r++) {
    for (const cell of records[r]) {
      all++;
      if (decimalCodes.some((code) => cellKind(cell, code) !== 'text')) typed++;
    }
  }
  return all === 0 ? 0 : typed / all;
}

/**
 * Share of cells (after the first record) that hold another delimiter than `delimiter` — a `;` or a tab left inside the
 * cells of a `,` split (`S1;1` of `S1;1,5`, whose `5` then looks like a number), a tab inside a `;` split, a `;` inside a
 * tab split (a comma may be a decimal mark, so it does not count) — or text after a closing quote (`odd` of them).
 */
function splitShare(records: string[][], delimiter: CsvDelimiter, odd: number): number {
  const other = delimiter === ',' ? /[;\t]/ : delimiter === ';' ? /\t/ : /;/;
  let n = 0;
  let all = 0;
  for (let r = 1; r < records.length; r++) {
    for (const cell of records[r]) {
      all++;
      if (other.test(cell)) n++;
    }
  }
  return all === 0 ? 0 : Math.min(1, (n + odd) / all);
}

/** Guesses the delimiter of a sample (see the module comment). */
export function detectDelimiter(text: string, atEnd: boolean): CsvDelimiter {
  let best: CsvDelimiter | null = null;
  let bestScore = [-1, -1, -1];
  let fallback: CsvDelimiter = ',';
  let fallbackMatches = 0;
  let oneColumn: CsvDelimiter | null = null;
  for (const delimiter of DELIMITERS) {
    const { records, odd } = sampleRecords(text, delimiter, 30, atEnd);
    if (records.length === 0) continue;
    const first = records[0].length;
    const matching = records.filter((r) => r.length === first).length;
    if (first === 1 && matching === records.length) oneColumn ??= delimiter;
    if (first >= 2 && matching > fallbackMatches) {
      fallback = delimiter;
      fallbackMatches = matching;
    }
    // a record with a cell too many or too few (one in ten at most) does not rule a delimiter out: the reader names it
    const stray = records.length - matching;
    if (first < 2 || stray > Math.max(1, Math.floor(records.length / 10))) continue;
    const codes = delimiter === ',' ? [DOT] : [DOT, COMMA];
    const score = [Math.round(typedShare(records, codes) * (1 - splitShare(records, delimiter, odd)) * 100), stray === 0 ? 1 : 0, first];
    const better = score.findIndex((v, k) => v !== bestScore[k]);
    if (better >= 0 && score[better] > bestScore[better]) {
      best = delimiter;
      bestScore = score;
    }
  }
  return best ?? (fallbackMatches > 0 ? fallback : oneColumn ?? ',');
}

const isNumber = (v: number): boolean => v - v === 0;
/** `1.234` or `12.345.678`: a thousands grouping with points (or a decimal point: not evidence either way; `0.500` is). */
const GROUPED_BY_POINTS = /^[1-9]\d{0,2}(\.\d{3})+$/;
/** `1,234` or `12,345,678`: a thousands grouping with commas, or a decimal comma with three decimals (`0,566` is not). */
const GROUPED_BY_COMMAS = /^[1-9]\d{0,2}(,\d{3})+$/;
/** The digits and marks of a number cell, without sign, currency, parentheses, percent or magnitude suffix. */
const numberCore = (cell: string): string => cell.replace(/^[\s(+-]*[$€£¥]?\s*-?/, '').replace(/[\s%KMB)]+$/, '');

/**
 * Whether numbers in a `;` or tab file use a decimal comma: some cell is a number only when read with a comma (`1,5`,
 * `1.234,5`) and no cell is a fractional number written with a point (`1.5`, `$1,234.50`; a grouping like `2.000` is
 * neither) — or a stray one only, beside ten times as many cells that cannot be a thousands grouping (`1,5`, not
 * `$1,500`).
 */
export function detectDecimalComma(records: string[][], delimiter: CsvDelimiter): boolean {
  if (delimiter === ',') return false;
  let comma = 0;
  let surely = 0;
  let point = 0;
  for (const record of records) {
    for (const cell of record) {
      const withComma = isNumber(cellNumber(cell, COMMA));
      const withPoint = isNumber(cellNumber(cell, DOT));
      if (cell.includes(',') && (withComma || (!withPoint && isNumber(formattedNumber(cell, COMMA))))) {
        comma++;
        if (!GROUPED_BY_COMMAS.test(numberCore(cell))) surely++;
      }
      if (cell.includes('.') && (withPoint || (!withComma && isNumber(formattedNumber(cell, DOT)))) && !GROUPED_BY_POINTS.test(numberCore(cell))) point++;
    }
  }
  return comma > 0 && (point === 0 || surely >= 10 * point);
}

/**
 * A header that names periods by number (`Country,Code,1960,1961,…`): at least three number cells, whole numbers in
 * an arithmetic progression in record order, every other cell non-empty text that does not appear again below it.
 */
function periodHeader(records: string[][], kinds: string[], decimalCode: number): boolean {
  const first = records[0];
  const numbers: number[] = [];
  for (let c = 0; c < first.length; c++) {
    if (kinds[c] === 'number') numbers.push(cellNumber(first[c], decimalCode));
    else if (kinds[c] !== 'text') return false;
  }
  if (numbers.length < 3 || numbers.some((v) => !Number.isInteger(v))) return false;
  const step = numbers[1] - numbers[0];
  if (!(step >= 1) || numbers.some((v, k) => v !== numbers[0] + k * step)) return false;
  const years = step === 1 && numbers[0] >= 1000 && numbers[numbers.length - 1] <= 2200;
  if (!years && !kinds.includes('text')) return false;
  return first.every((name, c) => kinds[c] !== 'text' || records.slice(1).every((r) => r[c] !== name));
}

/** Whether the first sample record is a header (see the module comment). */
export function detectHeader(records: string[][], decimalCode: number): boolean {
  if (records.length === 0) return false;
  const first = records[0];
  const kinds = first.map((cell) => cellKind(cell, decimalCode));
  if (periodHeader(records, kinds, decimalCode)) return true;
  if (kinds.some((k) => k === 'number' || k === 'date')) return false;
  const rest = records.slice(1);
  if (rest.length === 0) return kinds.some((k) => k === 'text');
  let allText = true;
  for (let c = 0; c < first.length; c++) {
    const below = { number: 0, date: 0, text: 0, empty: 0 };
    for (const r of rest) {
      const cell = r[c];
      if (cell !== undefined) below[cellKind(cell, decimalCode)]++;
    }
    // one kind below, but for a stray cell (a typo, or the header again where two exports were joined)
    const typed = Math.max(below.number, below.date);
    const stray = below.number + below.date + below.text - typed;
    if (kinds[c] === 'text' && typed > 0 && (stray === 0 || (typed >= 2 && stray <= Math.max(1, Math.floor(typed / 10))))) return true;
    if (below.number + below.date > 0 && below.text === 0) allText = false;
  }
  if (!allText) return false;
  if (kinds.some((k) => k !== 'text') || new Set(first).size !== first.length) return false;
  return first.every((name, c) => rest.every((r) => r[c] !== name));
}
