/** Shapes of a parsed CSV file: columnar typed-array storage, one entry per column. */
import type { DateForm } from './csvDates';

/** The field separators the reader understands. */
export type CsvDelimiter = ',' | ';' | '\t';

/** What a column holds once every cell has been seen. */
export type CsvColumnKind = 'numeric' | 'date' | 'text' | 'empty';

/** One column of a CSV file in columnar storage. */
export interface CsvColumn {
  /** Header text, or `column 1`, `column 2`… when there is no header (duplicates get ` (2)`, ` (3)`…). */
  name: string;
  /** 0-based position in the record. */
  index: number;
  kind: CsvColumnKind;
  /** numeric: the numbers (NaN where the cell was empty or bad); date: epoch milliseconds (UTC; times of day: ms since midnight); otherwise null. `[rowCount]` */
  values: Float64Array | null;
  /** text: dictionary codes per row (-1 for an empty cell); otherwise null. `[rowCount]` */
  codes: Int32Array | null;
  /** text: code -> string, in first-seen order; otherwise null. */
  dictionary: string[] | null;
  /** Number of empty cells. */
  missing: number;
  /** 1-based file line of the first empty cell. */
  firstMissing: { line: number } | null;
  /** The first non-empty cell that does not fit the column (numeric, date), or the first non-number of a text column. */
  firstNonNumeric: { line: number; value: string } | null;
  /** numeric or date: cells that are neither empty, a missing marker, nor of the column's kind (stored as NaN). */
  invalid: number;
  /** The first few of those cells, with their 1-based file lines (and the file's column, when it is another: wide layouts). */
  invalidCells: { line: number; value: string; column?: string }[];
  /** numeric or date: the missing-value markers met (`NA`, `null`, `.`, …), counted in `missing`. */
  missingMarkers: string[];
  /** numeric: cells written with thousands separators, a currency or percent sign, or a K/M/B suffix. */
  formatted: number;
  /** date: how its cells were written (dates, date-times, months, quarters, times of day). */
  dateForms: DateForm[];
  /** date: `a/b/yyyy` cells were read day first. */
  dayFirst: boolean;
}

/** A parsed CSV file. */
export interface CsvTable {
  /** The path (or name) given to the reader; used in every message. */
  file: string;
  delimiter: CsvDelimiter;
  hasHeader: boolean;
  /** 1-based line of the header row, or null without a header. */
  headerLine: number | null;
  /** True when numbers use a decimal comma (`1,5`); only with `;` or tab delimiters. */
  decimalComma: boolean;
  /** Number of data rows (header and blank lines excluded). */
  rowCount: number;
  /** Size of the input in bytes (UTF-8). */
  bytes: number;
  /** True when reading stopped because `maxRows` rows were read (the input may hold more). */
  truncated: boolean;
  columns: CsvColumn[];
  /** 1-based file line of data row `row` (0-based). */
  lineOf(row: number): number;
}

/** Options shared by the streaming reader and the in-memory parser. */
export interface CsvParseOptions {
  /** Field separator; detected from the first lines when absent. */
  delimiter?: CsvDelimiter;
  /** Whether the first record is a header; detected when absent. */
  header?: boolean;
  /** Numbers written `1,5`; detected when absent (never with a `,` delimiter). */
  decimalComma?: boolean;
  /** Cell texts that count as empty besides the empty cell itself (e.g. `NA`); none by default. */
  missingValues?: readonly string[];
  /** Stop after this many data rows (for previews). */
  maxRows?: number;
}

/** Progress of a streaming read. */
export interface CsvProgress {
  bytes: number;
  totalBytes: number;
  rows: number;
}

/** Options of `readCsv`. */
export interface ReadCsvOptions extends CsvParseOptions {
  /** Called at most about 10 times a second, and once at the end. */
  onProgress?: (p: CsvProgress) => void;
  /** Aborting rejects the read promptly with a `CsvCancelled` error. */
  signal?: AbortSignal;
}
