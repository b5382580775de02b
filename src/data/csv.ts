/**
 * Reading CSV files into columnar storage: `readCsv` streams a file from disk (never the whole file in memory),
 * `parseCsvText` parses a string with the same logic. Bad input ends in a `CsvError` naming file, line and what was
 * expected; the file is only ever opened for reading.
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { CsvStreamParser, type CsvStreamOptions } from './csvCore';
import { CsvCancelled, CsvError } from './csvErrors';
import type { CsvColumn, CsvParseOptions, CsvTable, ReadCsvOptions } from './csvTypes';

export type { CsvColumn, CsvColumnKind, CsvDelimiter, CsvParseOptions, CsvProgress, CsvTable, ReadCsvOptions } from './csvTypes';
export { CsvCancelled, CsvError } from './csvErrors';
export { CsvStreamParser, MAX_RECORD_CHARS, SNIFF_CHARS, type CsvStreamOptions } from './csvCore';

/** Bytes read from disk per chunk. */
const CHUNK_BYTES = 1 << 16;
/** Minimum time between two progress reports. */
const PROGRESS_MS = 100;

/** Parses CSV held in a string (same logic as `readCsv`); `name` is used in messages. */
export function parseCsvText(text: string, name: string, options: CsvParseOptions = {}): CsvTable {
  const parser = new CsvStreamParser(name, { ...options, sizeHint: text.length });
  parser.push(text);
  return parser.finish();
}

/** A CsvError for a file-system failure, in plain words. */
function fileError(path: string, e: unknown): CsvError {
  const code = typeof e === 'object' && e !== null && 'code' in e ? String((e as { code: unknown }).code) : '';
  const where = { file: path, line: null, expected: 'a readable CSV file' };
  switch (code) {
    case 'ENOENT':
      return new CsvError(`${path}: file not found (expected a readable CSV file)`, where);
    case 'EACCES':
    case 'EPERM':
      return new CsvError(`${path}: cannot be read (permission denied)`, where);
    case 'EISDIR':
      return new CsvError(`${path} is a directory, not a CSV file`, where);
    case 'ENOTDIR':
      return new CsvError(`${path}: file not found (a part of the path is not a directory)`, where);
    default:
      return new CsvError(`${path}: cannot be read (${code || (e instanceof Error ? e.message : String(e))})`, where);
  }
}

/** Rejects files that are clearly not UTF-8 text from their first bytes. */
function checkEncoding(path: string, first: Uint8Array): void {
  const utf16 = first.length >= 2 && ((first[0] === 0xff && first[1] === 0xfe) || (first[0] === 0xfe && first[1] === 0xff));
  if (utf16) {
    throw new CsvError(`${path}: the file is UTF-16 encoded (expected UTF-8; save it as UTF-8 CSV)`, {
      file: path,
      line: 1,
      expected: 'UTF-8 text',
    });
  }
}

/** Streams a CSV file from disk into columnar storage, with progress, cancellation and early stop (`maxRows`). */
export async function readCsv(path: string, options: ReadCsvOptions = {}): Promise<CsvTable> {
  const { signal, onProgress } = options;
  if (signal?.aborted) throw new CsvCancelled(path);
  let totalBytes: number;
  try {
    const info = await stat(path);
    if (info.isDirectory()) throw Object.assign(new Error('directory'), { code: 'EISDIR' });
    totalBytes = info.size;
  } catch (e) {
    throw fileError(path, e);
  }
  if (signal?.aborted) throw new CsvCancelled(path);
  const streamOptions: CsvStreamOptions = { ...options, sizeHint: totalBytes, bytes: totalBytes };
  const parser = new CsvStreamParser(path, streamOptions);
  const decoder = new TextDecoder('utf-8', { ignoreBOM: true });
  const stream = createReadStream(path, { highWaterMark: CHUNK_BYTES, signal });
  let bytes = 0;
  let lastReport = performance.now();
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      if (bytes === 0) checkEncoding(path, chunk);
      bytes += chunk.length;
      parser.push(decoder.decode(chunk, { stream: true }));
      if (signal?.aborted) throw new CsvCancelled(path);
      if (parser.done) break;
      if (onProgress && performance.now() - lastReport >= PROGRESS_MS) {
        lastReport = performance.now();
        onProgress({ bytes, totalBytes, rows: parser.rowCount });
      }
    }
  } catch (e) {
    stream.destroy();
    if (signal?.aborted) throw new CsvCancelled(path);
    if (e instanceof CsvError || e instanceof CsvCancelled) throw e;
    throw fileError(path, e);
  }
  if (!parser.done) parser.push(decoder.decode());
  const table = parser.finish();
  onProgress?.({ bytes, totalBytes, rows: table.rowCount });
  return table;
}

/** The error for a cell that is not a number in a column used as numbers (null if the column is all numbers). */
export function nonNumericError(table: CsvTable, column: CsvColumn): CsvError | null {
  const bad = column.firstNonNumeric;
  if (bad === null) return null;
  return new CsvError(`${table.file}: line ${bad.line}, column ${column.name}: expected a number, found "${bad.value}"`, {
    file: table.file,
    line: bad.line,
    column: column.name,
    expected: 'a number',
  });
}

/** The error for an empty cell in a column that must be complete (null if nothing is missing). */
export function missingValueError(table: CsvTable, column: CsvColumn): CsvError | null {
  if (column.firstMissing === null) return null;
  const more = column.missing > 1 ? ` (${column.missing} empty cells in this column)` : '';
  return new CsvError(`${table.file}: line ${column.firstMissing.line}, column ${column.name}: expected a value, found an empty cell${more}`, {
    file: table.file,
    line: column.firstMissing.line,
    column: column.name,
    expected: 'a value',
  });
}
