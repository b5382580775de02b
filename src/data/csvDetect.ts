/**
 * Dialect detection from the start of a file: delimiter, decimal comma and header.
 *
 * Delimiter: each of `,` `;` tab splits the sample (quotes respected); a candidate qualifies when every record has
 * the same number of fields, at least 2. Among qualifying candidates the one whose cells (after the first record)
 * are most often numbers, dates or empty wins, then the one with more fields, then `,` before `;` before tab.
 * Without a qualifying candidate, the one whose first record has ≥ 2 fields and is matched by most records wins;
 * otherwise `,` (a one-column file).
 * Header: the first record is a header when (a) it has no number or date cell and some column has text there while
 * the cells below are all numbers or all dates, or (b) every cell of the file is text, the first record's cells are
 * all non-empty and distinct, and none of them appears again in its column below, or (c) it names periods by number
 * (`Country,1960,1961,1962`: three or more whole numbers in an arithmetic progression, the other cells text).
 */
import { parseDateCell } from './csvDates';
import { cellNumber, formattedNumber } from './csvNumber';
import type { CsvDelimiter } from './csvTypes';

/** Records split from the start of a text. */
export interface CsvSample {
  records: string[][];
  /** Characters covered by the returned records (including their line breaks). */
  chars: number;
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
  let chars = 0;
  const endField = (): void => {
    fields.push(quoted ? field : trimBlanks(field));
    field = '';
    quoted = false;
  };
  const endRecord = (at: number): void => {
    const wasQuoted = quoted;
    endField();
    if (fields.length > 1 || fields[0] !== '' || wasQuoted) records.push(fields);
    fields = [];
    chars = at;
  };
  for (let i = 0; i < text.length && records.length < maxRecords; i++) {
    const c = text.charCodeAt(i);
    if (inQuotes) {
      if (c !== 34) field += text[i];
      else if (text.charCodeAt(i + 1) === 34) {
        field += '"';
        i++;
      } else inQuotes = false;
    } else if (c === 34 && trimBlanks(field) === '') {
      inQuotes = true;
      quoted = true;
      field = '';
    } else if (c === d) endField();
    else if (c === 10) endRecord(i + 1);
    else field += text[i];
  }
  if (records.length < maxRecords && (fields.length > 0 || field !== '')) {
    if (atEnd || records.length === 0) endRecord(text.length);
  }
  return { records, chars };
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

/** Guesses the delimiter of a sample (see the module comment). */
export function detectDelimiter(text: string, atEnd: boolean): CsvDelimiter {
  let best: CsvDelimiter | null = null;
  let bestScore = [-1, -1, -1];
  let fallback: CsvDelimiter = ',';
  let fallbackMatches = 0;
  for (const delimiter of DELIMITERS) {
    const { records } = sampleRecords(text, delimiter, 30, atEnd);
    if (records.length === 0) continue;
    const width = records[0].length;
    const matching = records.filter((r) => r.length === width).length;
    if (width >= 2 && matching > fallbackMatches) {
      fallback = delimiter;
      fallbackMatches = matching;
    }
    if (width < 2 || matching !== records.length) continue;
    const codes = delimiter === ',' ? [DOT] : [DOT, COMMA];
    const score = [Math.round(typedShare(records, codes) * 100), width, 0];
    if (score[0] > bestScore[0] || (score[0] === bestScore[0] && score[1] > bestScore[1])) {
      best = delimiter;
      bestScore = score;
    }
  }
  return best ?? fallback;
}

const isNumber = (v: number): boolean => v - v === 0;
/** `1.234` or `12.345.678`: a thousands grouping with points (or a decimal point: not evidence either way). */
const GROUPED_BY_POINTS = /^[+-]?\d{1,3}(\.\d{3})+$/;

/**
 * Whether numbers in a `;` or tab file use a decimal comma: some cell is a number only when read with a comma (`1,5`,
 * `1.234,5`) and no cell is a fractional number written with a point (other than a grouping like `2.000`).
 */
export function detectDecimalComma(records: string[][], delimiter: CsvDelimiter): boolean {
  if (delimiter === ',') return false;
  let comma = 0;
  let point = 0;
  for (const record of records) {
    for (const cell of record) {
      if (cell.includes(',') && (isNumber(cellNumber(cell, COMMA)) || (!isNumber(cellNumber(cell, DOT)) && isNumber(formattedNumber(cell, COMMA))))) comma++;
      if (cell.includes('.') && isNumber(cellNumber(cell, DOT)) && !GROUPED_BY_POINTS.test(cell)) point++;
    }
  }
  return comma > 0 && point === 0;
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
    const below = new Set<string>();
    for (const r of rest) {
      const cell = r[c];
      if (cell === undefined || cell === '') continue;
      below.add(cellKind(cell, decimalCode));
    }
    if (below.size > 0 && !below.has('text')) {
      if (kinds[c] === 'text' && below.size === 1) return true;
      allText = false;
    }
  }
  if (!allText) return false;
  if (kinds.some((k) => k !== 'text') || new Set(first).size !== first.length) return false;
  return first.every((name, c) => rest.every((r) => r[c] !== name));
}
