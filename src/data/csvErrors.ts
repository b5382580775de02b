/** Errors of the CSV reader: plain sentences naming the file, the line and what was expected. */

/** Where a CSV problem is and what the reader expected there. */
export interface CsvErrorWhere {
  file: string;
  line?: number | null;
  column?: string | null;
  expected?: string | null;
}

/** A problem with the input file (never a bug): the message names file, line and what was expected. */
export class CsvError extends Error {
  readonly file: string;
  readonly line: number | null;
  readonly column: string | null;
  readonly expected: string | null;

  constructor(message: string, where: CsvErrorWhere) {
    super(message);
    this.name = 'CsvError';
    this.file = where.file;
    this.line = where.line ?? null;
    this.column = where.column ?? null;
    this.expected = where.expected ?? null;
  }
}

/** The read was cancelled through its AbortSignal. */
export class CsvCancelled extends Error {
  readonly file: string;

  constructor(file: string) {
    super(`${file}: reading was cancelled`);
    this.name = 'CsvCancelled';
    this.file = file;
  }
}

/** Formats a count with thousands separators (`8,388,608`). */
export function countText(n: number): string {
  return n.toLocaleString('en-US');
}
