/**
 * The streaming CSV core: text goes in by `push` in chunks of any size (cut anywhere: inside quotes, between `\r`
 * and `\n`), a `CsvTable` comes out of `finish`. The dialect is detected on the first `sniffChars` characters unless
 * given. Lines without a quote character take a fast path that reads numbers straight from the chunk without cutting
 * strings; a line with a quote goes through a resumable character-by-character state machine (RFC 4180 quoting with
 * `""` escapes, delimiters and line breaks inside quotes; blanks around a quoted field ignored; text after a closing
 * quote kept as is). Blank and blank-looking lines are skipped but counted, so every row knows its file line.
 */
import { ColumnBuilder, LineIndex } from './csvColumns';
import { detectDecimalComma, detectDelimiter, detectHeader, sampleRecords } from './csvDetect';
import { CsvError, countText } from './csvErrors';
import { decimalCodeOf, scanNumber, scanState } from './csvNumber';
import type { CsvDelimiter, CsvParseOptions, CsvTable } from './csvTypes';

/** Options of the streaming core. */
export interface CsvStreamOptions extends CsvParseOptions {
  /** Expected input size (characters or bytes) for sizing column storage once; growth still works without it. */
  sizeHint?: number;
  /** Characters collected before detecting delimiter, decimal comma and header (default 65,536). */
  sniffChars?: number;
  /** Longest record accepted, in characters (default 8,388,608); guards against a missing closing quote. */
  maxRecordChars?: number;
  /** Input size in bytes reported as `CsvTable.bytes` (default: UTF-8 length of the text pushed). */
  bytes?: number;
}

/** Characters examined for dialect detection by default. */
export const SNIFF_CHARS = 65536;
/** Longest record accepted by default. */
export const MAX_RECORD_CHARS = 8 * 1024 * 1024;

const NL = 10;
const CR = 13;
const QUOTE = 34;
const SPACE = 32;
const TAB = 9;

const START = 0;
const PLAIN = 1;
const QUOTED = 2;
const QUOTE_SEEN = 3;
const AFTER_QUOTE = 4;

/** A record containing a quote, parsed across chunks. */
interface QuotedRecord {
  fields: string[];
  piece: string;
  state: number;
  line: number;
  quoteLine: number;
  chars: number;
}

function isBlankCode(c: number): boolean {
  return c === SPACE || c === TAB || c === CR;
}

/** Trims blanks at the end of a string. */
function trimEnd(s: string): string {
  let b = s.length;
  while (b > 0 && isBlankCode(s.charCodeAt(b - 1))) b--;
  return b === s.length ? s : s.substring(0, b);
}

/** `s[start, end)` without surrounding spaces and tabs. */
function trimmedSlice(s: string, start: number, end: number): string {
  let a = start;
  let b = end;
  while (a < b && isBlankCode(s.charCodeAt(a))) a++;
  while (b > a && isBlankCode(s.charCodeAt(b - 1))) b--;
  return s.substring(a, b);
}

/** Whether `s[start, end)` holds only blanks. */
function isBlankLine(s: string, start: number, end: number): boolean {
  for (let i = start; i < end; i++) if (!isBlankCode(s.charCodeAt(i))) return false;
  return true;
}

/** Parses CSV text pushed in chunks into columnar storage. */
export class CsvStreamParser {
  private readonly file: string;
  private readonly options: CsvStreamOptions;
  private readonly sniffChars: number;
  private readonly maxRecordChars: number;
  private readonly maxRows: number;
  private configured = false;
  private started = false;
  private pending = '';
  private carry = '';
  private line = 1;
  private rows = 0;
  private chars = 0;
  private utf8Bytes = 0;
  private rowsPerChar = 0;
  private delimiter: CsvDelimiter = ',';
  private delimiterCode = 44;
  private decimalCode = 46;
  private decimalComma = false;
  private hasHeader = false;
  private headerLine: number | null = null;
  private firstRecordWidth = 0;
  private firstRecordLine = 0;
  private columns: ColumnBuilder[] | null = null;
  private nextDelimiter = -1;
  private quoted: QuotedRecord | null = null;
  private full = false;
  private finished = false;
  private readonly lines = new LineIndex();

  constructor(file: string, options: CsvStreamOptions = {}) {
    this.file = file;
    this.options = options;
    this.sniffChars = options.sniffChars ?? SNIFF_CHARS;
    this.maxRecordChars = options.maxRecordChars ?? MAX_RECORD_CHARS;
    const maxRows = options.maxRows;
    if (maxRows !== undefined && (!Number.isInteger(maxRows) || maxRows < 1)) throw new RangeError(`maxRows must be a positive integer; got ${maxRows}`);
    this.maxRows = maxRows ?? 0;
    const known = options.delimiter !== undefined && options.header !== undefined && (options.delimiter === ',' || options.decimalComma !== undefined);
    if (known) this.configure('', false);
  }

  /** Data rows parsed so far. */
  get rowCount(): number {
    return this.rows;
  }

  /** True once `maxRows` rows are in: further input is ignored. */
  get done(): boolean {
    return this.full;
  }

  /** Feeds the next piece of text (any length, cut anywhere). */
  push(text: string): void {
    if (this.finished) throw new Error('push after finish');
    if (this.full || text.length === 0) return;
    let chunk = text;
    if (!this.started) {
      this.started = true;
      if (chunk.charCodeAt(0) === 0xfeff) chunk = chunk.slice(1);
    }
    if (this.options.bytes === undefined) this.utf8Bytes += Buffer.byteLength(chunk, 'utf8');
    if (!this.configured) {
      this.pending += chunk;
      if (this.pending.length < this.sniffChars) return;
      chunk = this.pending;
      this.pending = '';
      this.configure(chunk, false);
    }
    this.chars += chunk.length;
    this.consume(chunk, false);
  }

  /** Ends the input and returns the table; throws a `CsvError` for an empty file or an unterminated quote. */
  finish(): CsvTable {
    if (this.finished) throw new Error('finish called twice');
    this.finished = true;
    if (!this.full) {
      let rest = '';
      if (!this.configured) {
        rest = this.pending;
        this.pending = '';
        this.configure(rest, true);
      }
      this.chars += rest.length;
      this.consume(rest, true);
    }
    return this.table();
  }

  /** Decides delimiter, decimal mark and header from a sample (or the options). */
  private configure(sample: string, atEnd: boolean): void {
    const o = this.options;
    this.delimiter = o.delimiter ?? detectDelimiter(sample, atEnd);
    this.delimiterCode = this.delimiter.charCodeAt(0);
    const { records, chars } = sampleRecords(sample, this.delimiter, 50, atEnd);
    this.decimalComma = this.delimiter === ',' ? false : (o.decimalComma ?? detectDecimalComma(records, this.delimiter));
    this.decimalCode = decimalCodeOf(this.decimalComma);
    this.hasHeader = o.header ?? detectHeader(records, this.decimalCode);
    if (records.length > 0 && chars > 0) this.rowsPerChar = records.length / chars;
    this.configured = true;
  }

  /** Expected number of data rows in the whole input, or 0 when unknown. */
  private estimateRows(): number {
    const hint = this.options.sizeHint ?? 0;
    if (hint <= 0) return 0;
    const perChar = this.rows >= 10000 && this.chars > 0 ? this.rows / this.chars : this.rowsPerChar;
    return Math.min(perChar * hint, 1 << 27);
  }

  /** Capacity for a column that must hold `needed` rows and now holds `current` slots. */
  private readonly plan = (needed: number, current: number): number => {
    const estimate = this.estimateRows();
    let capacity = estimate > 0 ? Math.ceil(estimate * 1.05) + 1024 : 0;
    capacity = Math.max(capacity, needed, current === 0 ? 1024 : Math.ceil(current * 1.25));
    if (this.maxRows > 0) capacity = Math.min(capacity, Math.max(needed, this.maxRows));
    return capacity;
  };

  /**
   * Parses whole lines of `carry + text`; keeps an incomplete last line (or quoted record state) for later. The line
   * cut by the previous chunk is joined on its own, so that the bulk of `text` is scanned as the flat string the
   * decoder made (a concatenated string is slower to index).
   */
  private consume(text: string, final: boolean): void {
    let start = 0;
    if (this.carry.length > 0) {
      const nl = text.indexOf('\n');
      if (nl < 0 && !final) {
        this.keepCarry(this.carry + text, 0);
        return;
      }
      const head = this.carry + (nl < 0 ? text : text.substring(0, nl + 1));
      this.carry = '';
      this.parseFrom(head, 0, final && nl < 0);
      if (nl < 0 || this.full) return;
      start = nl + 1;
    }
    this.parseFrom(text, start, final);
  }

  /** Parses `s` from `pos`: quote-free lines on the fast path, lines with a quote through the state machine. */
  private parseFrom(s: string, from: number, final: boolean): void {
    const length = s.length;
    this.nextDelimiter = -1;
    let pos = from;
    if (this.quoted !== null) {
      pos = this.continueQuoted(s, pos, final);
      if (pos < 0 || this.full) return;
    }
    let nextQuote = -1;
    while (pos < length) {
      let nl = s.indexOf('\n', pos);
      if (nl < 0) {
        if (!final) {
          this.keepCarry(s, pos);
          return;
        }
        nl = length;
      }
      if (nextQuote < pos) {
        nextQuote = s.indexOf('"', pos);
        if (nextQuote < 0) nextQuote = length;
      }
      if (nextQuote < nl) {
        this.quoted = { fields: [], piece: '', state: START, line: this.line, quoteLine: this.line, chars: 0 };
        pos = this.continueQuoted(s, pos, final);
        if (pos < 0 || this.full) return;
        continue;
      }
      let end = nl;
      if (end > pos && s.charCodeAt(end - 1) === CR) end--;
      if (end > pos && !isBlankLine(s, pos, end)) {
        if (this.columns === null) this.firstRecord(this.splitLine(s, pos, end), this.line);
        else this.fastRecord(this.columns, s, pos, end);
      }
      this.line++;
      pos = nl + 1;
      if (this.full) return;
    }
  }

  /** Keeps the unfinished last line for the next chunk. */
  private keepCarry(s: string, pos: number): void {
    if (s.length - pos > this.maxRecordChars) {
      throw new CsvError(
        `${this.file}: line ${this.line} is longer than ${countText(this.maxRecordChars)} characters without a line break (expected one record per line; files with CR-only line breaks are not supported)`,
        { file: this.file, line: this.line, expected: 'a line break' },
      );
    }
    this.carry = s.slice(pos);
  }

  /** One line without quotes, straight into the columns: numbers are read in place, other cells cut and trimmed. */
  private fastRecord(columns: ColumnBuilder[], s: string, start: number, end: number): void {
    const n = columns.length;
    const d = this.delimiterCode;
    const dec = this.decimalCode;
    const line = this.line;
    let p = start;
    for (let c = 0; c < n; c++) {
      const column = columns[c];
      const last = c === n - 1;
      if (column.numericLike) {
        const v = scanNumber(s, p, d, dec);
        const q = scanState.end;
        if (v - v === 0) {
          if (q === end) {
            if (!last) this.raggedLine(s, start, end);
            column.pushNumber(v);
            break;
          }
          if (s.charCodeAt(q) === d) {
            if (last) this.raggedLine(s, start, end);
            column.pushNumber(v);
            p = q + 1;
            continue;
          }
        }
      }
      let e = this.nextDelimiter;
      if (e < p) {
        e = s.indexOf(this.delimiter, p);
        if (e < 0) e = s.length;
        this.nextDelimiter = e;
      }
      if (e >= end) {
        if (!last) this.raggedLine(s, start, end);
        e = end;
      } else if (last) this.raggedLine(s, start, end);
      column.pushCell(trimmedSlice(s, p, e), line);
      p = e + 1;
    }
    this.lines.add(this.rows, line);
    this.rows++;
    if (this.rows === this.maxRows) this.full = true;
  }

  /** Fields of a quote-free line, trimmed. */
  private splitLine(s: string, start: number, end: number): string[] {
    return s.substring(start, end).split(this.delimiter).map((f) => trimmedSlice(f, 0, f.length));
  }

  /** Throws the ragged-row error for a quote-free line. */
  private raggedLine(s: string, start: number, end: number): never {
    let fields = 1;
    for (let i = start; i < end; i++) if (s.charCodeAt(i) === this.delimiterCode) fields++;
    throw this.raggedError(fields, this.line);
  }

  private raggedError(fields: number, line: number): CsvError {
    const width = this.firstRecordWidth;
    const reference = this.hasHeader ? `the header has ${width}` : `line ${this.firstRecordLine} has ${width}`;
    return new CsvError(`${this.file}: line ${line} has ${fields} field${fields === 1 ? '' : 's'}; ${reference}`, {
      file: this.file,
      line,
      expected: `${width} field${width === 1 ? '' : 's'}`,
    });
  }

  /** The first record: column names (header) or the first data row. */
  private firstRecord(fields: string[], line: number): void {
    this.firstRecordWidth = fields.length;
    this.firstRecordLine = line;
    const seen = new Map<string, number>();
    const missing = this.options.missingValues?.length ? new Set(this.options.missingValues) : null;
    this.columns = fields.map((field, i) => {
      let name = this.hasHeader && field !== '' ? field : `column ${i + 1}`;
      const count = (seen.get(name) ?? 0) + 1;
      seen.set(name, count);
      if (count > 1) name = `${name} (${count})`;
      return new ColumnBuilder(name, i, this.plan, this.decimalCode, missing);
    });
    if (this.hasHeader) this.headerLine = line;
    else this.dataRecord(fields, line);
  }

  /** A record split into strings (quoted records, and the first record without a header). */
  private dataRecord(fields: string[], line: number): void {
    const columns = this.columns as ColumnBuilder[];
    if (fields.length !== columns.length) throw this.raggedError(fields.length, line);
    for (let c = 0; c < columns.length; c++) columns[c].pushCell(fields[c], line);
    this.lines.add(this.rows, line);
    this.rows++;
    if (this.rows === this.maxRows) this.full = true;
  }

  /**
   * Runs the quoted-record state machine over `s` from `pos`. Returns where the next record starts, or -1 when the
   * chunk ended inside the record (the state is kept for the next chunk).
   */
  private continueQuoted(s: string, pos: number, final: boolean): number {
    const q = this.quoted as QuotedRecord;
    const d = this.delimiterCode;
    const length = s.length;
    let state = q.state;
    let i = pos;
    let seg = pos;
    while (i < length) {
      const c = s.charCodeAt(i);
      if (state === QUOTED) {
        if (c === QUOTE) {
          q.piece += s.substring(seg, i);
          state = QUOTE_SEEN;
        } else if (c === NL) this.line++;
        i++;
      } else if (state === PLAIN) {
        if (c === d || c === NL) {
          q.fields.push(trimEnd(q.piece + s.substring(seg, i)));
          q.piece = '';
          state = START;
          if (c === NL) return this.endQuoted(i + 1);
          seg = i + 1;
        }
        i++;
      } else if (state === START) {
        if (c === QUOTE) {
          state = QUOTED;
          q.quoteLine = this.line;
          seg = i + 1;
        } else if (c === d || c === NL) {
          q.fields.push('');
          if (c === NL) return this.endQuoted(i + 1);
        } else if (!(c === SPACE || c === CR || (c === TAB && d !== TAB))) {
          state = PLAIN;
          seg = i;
        }
        i++;
      } else if (state === QUOTE_SEEN) {
        if (c === QUOTE) {
          q.piece += '"';
          state = QUOTED;
          seg = i + 1;
          i++;
        } else state = AFTER_QUOTE;
      } else if (c === d || c === NL) {
        q.fields.push(q.piece);
        q.piece = '';
        state = START;
        if (c === NL) return this.endQuoted(i + 1);
        i++;
      } else if (c === SPACE || c === CR || (c === TAB && d !== TAB)) i++;
      else {
        state = PLAIN;
        seg = i;
      }
    }
    if (state === PLAIN || state === QUOTED) q.piece += s.substring(seg, length);
    q.state = state;
    q.chars += length - pos;
    if (q.chars > this.maxRecordChars) throw this.longRecordError(q);
    if (!final) return -1;
    if (state === QUOTED) {
      throw new CsvError(
        `${this.file}: line ${q.quoteLine}: a quoted field starts here and is never closed (expected a closing " before the end of the file)`,
        { file: this.file, line: q.quoteLine, expected: 'a closing "' },
      );
    }
    q.fields.push(state === PLAIN ? trimEnd(q.piece) : q.piece);
    return this.endQuoted(length);
  }

  private longRecordError(q: QuotedRecord): CsvError {
    const limit = countText(this.maxRecordChars);
    if (q.state === QUOTED) {
      return new CsvError(
        `${this.file}: line ${q.quoteLine}: a quoted field starts here and is still open after ${limit} characters (expected a closing ")`,
        { file: this.file, line: q.quoteLine, expected: 'a closing "' },
      );
    }
    return new CsvError(`${this.file}: line ${q.line}: a record longer than ${limit} characters (expected one record per line)`, {
      file: this.file,
      line: q.line,
      expected: 'a line break',
    });
  }

  /** Hands a finished quoted record to the columns; returns `next`. */
  private endQuoted(next: number): number {
    const q = this.quoted as QuotedRecord;
    this.quoted = null;
    this.line++;
    if (this.columns === null) this.firstRecord(q.fields, q.line);
    else this.dataRecord(q.fields, q.line);
    return next;
  }

  /** The finished table. */
  private table(): CsvTable {
    const file = this.file;
    if (this.columns === null) {
      const why = this.line > 1 || this.utf8Bytes > 0 || (this.options.bytes ?? 0) > 0 ? 'only blank lines' : 'the file is empty';
      throw new CsvError(`${file} has no rows (${why}; expected a header or data line)`, { file, line: null, expected: 'at least one row' });
    }
    if (this.rows === 0) {
      throw new CsvError(`${file} has a header (line ${this.headerLine}) but no data rows (expected at least one row below it)`, {
        file,
        line: this.headerLine,
        expected: 'at least one data row',
      });
    }
    const lines = this.lines;
    lines.trim();
    const lineOf = (row: number): number => lines.lineOf(row);
    const columns = this.columns.map((c) => c.finish(lineOf));
    this.columns = null;
    return {
      file,
      delimiter: this.delimiter,
      hasHeader: this.hasHeader,
      headerLine: this.headerLine,
      decimalComma: this.decimalComma,
      rowCount: this.rows,
      bytes: this.options.bytes ?? this.utf8Bytes,
      truncated: this.full,
      columns,
      lineOf,
    };
  }
}
