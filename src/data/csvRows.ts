/**
 * Cell texts as written in a CSV file, for any window of data rows, without reading the file again: a sparse index of
 * line starts (the byte offset of every `every`-th line) and a record splitter with the reader's quoting and trimming
 * rules. The columnar table keeps numbers and dates as values (`1.50` reads back as `1.5`); this returns the file's
 * own text: unquoted (`""` → `"`), blanks around a field removed, as the reader sees it.
 */
import { closeSync, createReadStream, openSync, readSync } from 'node:fs';
import { CsvCancelled, CsvError } from './csvErrors';
import type { CsvDelimiter, CsvTable } from './csvTypes';

/** Byte offsets of the starts of lines 1, 1 + every, 1 + 2·every, … of a file. */
export interface LineStarts {
  file: string;
  /** Lines from one recorded start to the next. */
  every: number;
  /** Byte offset of line 1 + k·every, k = 0, 1, … */
  starts: Float64Array;
  /** Lines in the file (line breaks + 1). */
  lines: number;
  /** File size in bytes when indexed. */
  bytes: number;
}

/** Lines between two recorded starts by default: a window read reads at most this many lines too many at each end. */
const EVERY = 64;
const NL = 10;
const CR = 13;
const QUOTE = 34;
const SPACE = 32;
const TAB = 9;

function readError(path: string, e: unknown): CsvError {
  const code = typeof e === 'object' && e !== null && 'code' in e ? String((e as { code: unknown }).code) : '';
  const why = code === 'ENOENT' ? 'file not found' : `cannot be read (${code || (e instanceof Error ? e.message : String(e))})`;
  return new CsvError(`${path}: ${why}`, { file: path, line: null, expected: 'a readable CSV file' });
}

/** Scans a file once for line breaks and records every `every`-th line start; aborting rejects with CsvCancelled. */
export async function indexLineStarts(path: string, options: { every?: number; signal?: AbortSignal } = {}): Promise<LineStarts> {
  const every = options.every ?? EVERY;
  if (!Number.isInteger(every) || every < 1) throw new RangeError(`every must be a positive integer; got ${every}`);
  const { signal } = options;
  if (signal?.aborted) throw new CsvCancelled(path);
  const starts: number[] = [0];
  let line = 1;
  let bytes = 0;
  const stream = createReadStream(path, { highWaterMark: 1 << 20, signal });
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      let i = chunk.indexOf(NL);
      while (i >= 0) {
        line++;
        if ((line - 1) % every === 0) starts.push(bytes + i + 1);
        i = chunk.indexOf(NL, i + 1);
      }
      bytes += chunk.length;
    }
  } catch (e) {
    stream.destroy();
    if (signal?.aborted) throw new CsvCancelled(path);
    throw readError(path, e);
  }
  return { file: path, every, starts: Float64Array.from(starts), lines: line, bytes };
}

/** Reads bytes [from, to) of a file. */
function readRange(path: string, from: number, to: number): Buffer {
  const buffer = Buffer.allocUnsafe(Math.max(0, to - from));
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (e) {
    throw readError(path, e);
  }
  try {
    let done = 0;
    while (done < buffer.length) {
      const n = readSync(fd, buffer, done, buffer.length - done, from + done);
      if (n === 0) break;
      done += n;
    }
    return done === buffer.length ? buffer : buffer.subarray(0, done);
  } finally {
    closeSync(fd);
  }
}

const isBlank = (c: number, tabIsBlank: boolean): boolean => c === SPACE || c === CR || (c === TAB && tabIsBlank);

/** The fields of the record starting at `s[pos]` and where the next line starts (quoted fields may span lines). */
function splitRecord(s: string, pos: number, delimiterCode: number): { fields: string[]; next: number } {
  const tabIsBlank = delimiterCode !== TAB;
  const n = s.length;
  const fields: string[] = [];
  let i = pos;
  for (;;) {
    while (i < n && isBlank(s.charCodeAt(i), tabIsBlank)) i++;
    let text = '';
    let plainFrom = i;
    let quoted = false;
    if (i < n && s.charCodeAt(i) === QUOTE) {
      quoted = true;
      let j = i + 1;
      for (;;) {
        const q = s.indexOf('"', j);
        if (q < 0) {
          text += s.substring(j);
          j = n;
          break;
        }
        text += s.substring(j, q);
        if (s.charCodeAt(q + 1) === QUOTE) {
          text += '"';
          j = q + 2;
        } else {
          j = q + 1;
          break;
        }
      }
      while (j < n && isBlank(s.charCodeAt(j), tabIsBlank)) j++;
      plainFrom = j;
    }
    let end = plainFrom;
    while (end < n) {
      const c = s.charCodeAt(end);
      if (c === delimiterCode || c === NL) break;
      end++;
    }
    // unquoted text (or text after a closing quote) runs to the delimiter, trailing blanks removed
    let stop = end;
    while (stop > plainFrom && isBlank(s.charCodeAt(stop - 1), tabIsBlank)) stop--;
    fields.push(quoted && stop === plainFrom ? text : text + s.substring(plainFrom, stop));
    if (end < n && s.charCodeAt(end) === delimiterCode) {
      i = end + 1;
      continue;
    }
    return { fields, next: Math.min(n, end + 1) };
  }
}

/**
 * The fields of the records starting on file lines `recordLines` (1-based, ascending), read from disk. `endLine` is
 * the first line after the last record (the next record's line, or `index.lines + 1`).
 */
export function readRecordsAt(index: LineStarts, delimiter: CsvDelimiter, recordLines: readonly number[], endLine: number): string[][] {
  if (recordLines.length === 0) return [];
  const { every, starts } = index;
  const first = recordLines[0];
  const k0 = Math.floor((first - 1) / every);
  const k1 = Math.ceil((endLine - 1) / every);
  const from = starts[k0];
  const to = k1 < starts.length ? starts[k1] : index.bytes;
  const text = readRange(index.file, from, to).toString('utf8');
  const s = from === 0 && text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const d = delimiter.charCodeAt(0);
  const out: string[][] = [];
  let line = k0 * every + 1;
  let pos = 0;
  for (const wanted of recordLines) {
    while (line < wanted) {
      const nl = s.indexOf('\n', pos);
      if (nl < 0) throw new CsvError(`${index.file}: line ${wanted} is not where it was when the file was read (the file changed; read it again)`, { file: index.file, line: wanted, expected: 'the file as it was read' });
      pos = nl + 1;
      line++;
    }
    const { fields, next } = splitRecord(s, pos, d);
    out.push(fields);
    for (let i = pos; i < next; i++) if (s.charCodeAt(i) === NL) line++;
    pos = next;
  }
  return out;
}

/** Data rows [start, start + count) of a table (clamped to the table), cell texts as written in its file. */
export function readRows(table: CsvTable, index: LineStarts, start: number, count: number): string[][] {
  const from = Math.max(0, start);
  const to = Math.min(table.rowCount, from + Math.max(0, count));
  if (to <= from) return [];
  const lines = new Array<number>(to - from);
  for (let r = from; r < to; r++) lines[r - from] = table.lineOf(r);
  const endLine = to < table.rowCount ? table.lineOf(to) : index.lines + 1;
  return readRecordsAt(index, table.delimiter, lines, endLine);
}
