/**
 * Column storage while a CSV file streams in. A column starts `empty`; its first number or date makes it `numeric` or
 * `date`. Numbers and dates live in a Float64Array grown in place (8 bytes a cell), text in an Int32Array of dictionary
 * codes. A cell that does not fit a numeric or date column (a typo, `1e999`, a stray word) does not change the column:
 * it is stored as NaN and remembered as an exception (its row and text, with the first few lines kept for messages),
 * and common missing-value markers (`NA`, `N/A`, `null`, `.`, `-`, …) count as missing. A column is text only when
 * most of its cells are not numbers (or dates): it turns text once its exceptions outnumber its values, the values
 * stored so far becoming their canonical text (`1.50` → `1.5`, dates → ISO, the first few dates as written); and a
 * text column whose cells are mostly numbers (or dates) is turned back when the file ends, as is a column whose first
 * cell made it a date (or numeric) column when most of its cells are numbers (or dates).
 */
import { cellNumber, formatNumber, formattedNumber } from './csvNumber';
import { dateState, formatDate, parseDateCell, swapMonthDay, type DateForm } from './csvDates';
import { allocateBuffer, growBuffer, trimBuffer } from './csvStorage';
import type { CsvColumn, CsvColumnKind } from './csvTypes';

/** Decides the capacity of a column's storage when it must hold at least `needed` rows. */
export type CapacityPlan = (needed: number, current: number) => number;

const NO_NUMBERS = new Float64Array(0);
const NO_CODES = new Int32Array(0);

/** Cell texts read as a missing value in numeric and date columns (in text columns they stay text). */
export const MISSING_MARKERS: ReadonlySet<string> = new Set([
  'NA', 'N/A', 'n/a', 'na', 'N.A.', '#N/A', '#NA', 'NaN', 'nan', 'NAN', 'null', 'NULL', 'Null', 'None', 'none', 'nil',
  'NIL', '-', '--', '?', '.', 'missing', 'Missing', '#VALUE!', '#DIV/0!', '#REF!', '#NUM!',
]);

/** Exceptions that turn a column text once they also outnumber its values (a few junk rows at the top do not). */
const TEXT_AFTER = 16;
/** Bad cells remembered with their line, for messages. */
const SAMPLE_CELLS = 5;

/** Copies a string out of the chunk it was cut from, so a dictionary entry does not keep a whole chunk alive. */
function detach(s: string): string {
  return s.length < 13 ? s : Buffer.from(s, 'utf8').toString('utf8');
}

/** A growable Int32Array. */
class IntList {
  data = new Int32Array(8);
  length = 0;
  push(v: number): void {
    if (this.length === this.data.length) {
      const next = new Int32Array(this.data.length * 2);
      next.set(this.data);
      this.data = next;
    }
    this.data[this.length++] = v;
  }
}

/** Builds one column, row by row. */
export class ColumnBuilder {
  kind: CsvColumnKind = 'empty';
  /** True while the column is `empty` or `numeric`: the fast path may try a number first. */
  numericLike = true;
  rows = 0;
  private capacity = 0;
  private values: Float64Array<ArrayBuffer> = NO_NUMBERS;
  private codes: Int32Array<ArrayBuffer> = NO_CODES;
  private lookup: Map<string, number> | null = null;
  private dictionary: string[] | null = null;
  /** Numbers or dates stored (not NaN). */
  private valid = 0;
  /** Empty cells, and marker cells while the column is not text. */
  private missing = 0;
  private markers = 0;
  private firstEmpty = 0;
  private firstMarker = 0;
  private firstNonNumeric: { line: number; value: string } | null = null;
  /** Cells that do not fit a numeric or date column: their rows and texts (markers included, for a turn to text). */
  private readonly exceptionRows = new IntList();
  private readonly exceptionCodes = new IntList();
  private readonly exceptionLookup = new Map<string, number>();
  private readonly exceptionTexts: string[] = [];
  private invalid = 0;
  private invalidSample: { line: number; value: string }[] = [];
  private formatted = 0;
  private readonly dateForms = new Set<DateForm>();
  /** How `a/b/yyyy` cells are read: undecided (month first, re-read if a cell says otherwise), or settled. */
  private dateOrder: 'undecided' | 'mdy' | 'dmy' = 'undecided';
  /** Dates written in another form than `a/b/yyyy` (then earlier dates are not re-read). */
  private otherDates = 0;
  /** The first few date cells as written, by row: shown as written if the column turns text. */
  private readonly dateTexts = new Map<number, string>();

  constructor(
    readonly name: string,
    readonly index: number,
    private readonly plan: CapacityPlan,
    private readonly decimalCode: number,
    private readonly missingValues: ReadonlySet<string> | null,
  ) {}

  /** Appends a finite number (the column is `empty` or `numeric`; `empty` becomes `numeric`). */
  pushNumber(v: number): void {
    if (this.kind === 'empty') this.startValues('numeric');
    if (this.rows >= this.capacity) this.makeRoomForNumber();
    this.values[this.rows++] = v;
    this.valid++;
  }

  /** Appends one cell's text (already unquoted and trimmed), deciding or revising the column's kind. */
  pushCell(text: string, line: number): void {
    if (text.length === 0 || (this.missingValues !== null && this.missingValues.has(text))) {
      this.pushMissing(line);
      return;
    }
    switch (this.kind) {
      case 'text':
        this.pushText(text);
        return;
      case 'date':
        this.pushDateCell(text, line);
        return;
      case 'numeric':
      case 'empty':
        this.pushNumericCell(text, line);
        return;
    }
  }

  /** Appends an empty cell. */
  pushMissing(line: number): void {
    this.missing++;
    if (this.firstEmpty === 0) this.firstEmpty = line;
    this.pushNothing();
  }

  /**
   * The finished column, its storage trimmed to the row count. `lineOf` gives the file line of a row (for cells found
   * bad only now, when a text column turns out to hold numbers).
   */
  finish(lineOf: (row: number) => number): CsvColumn {
    if (this.kind === 'text') this.reconsiderText(lineOf);
    else if (this.invalid > this.valid) {
      // mostly not of its first kind: read as text, then as whatever most of its cells are (`Jan 2020` atop years)
      this.becomeText();
      this.reconsiderText(lineOf);
    }
    if (this.kind === 'date') this.settleDateOrder();
    const rows = this.rows;
    const numeric = this.kind === 'numeric' || this.kind === 'date';
    const text = this.kind === 'text';
    const values = numeric ? new Float64Array(trimBuffer(this.values.buffer, rows * 8), 0, rows) : null;
    this.values = NO_NUMBERS;
    const codes = text ? new Int32Array(trimBuffer(this.codes.buffer, rows * 4), 0, rows) : null;
    this.codes = NO_CODES;
    const firstMissing = this.kind === 'text' || this.firstMarker === 0 ? this.firstEmpty : this.firstEmpty === 0 ? this.firstMarker : Math.min(this.firstEmpty, this.firstMarker);
    const markerTexts = this.kind === 'text' ? [] : this.exceptionTexts.filter((t) => MISSING_MARKERS.has(t));
    return {
      name: this.name,
      index: this.index,
      kind: this.kind,
      values,
      codes,
      dictionary: text ? this.dictionary : null,
      missing: this.missing,
      firstMissing: firstMissing > 0 ? { line: firstMissing } : null,
      firstNonNumeric: this.firstNonNumeric,
      invalid: text ? 0 : this.invalid,
      invalidCells: text ? [] : this.invalidSample,
      missingMarkers: markerTexts,
      formatted: this.kind === 'numeric' ? this.formatted : 0,
      dateForms: this.kind === 'date' ? [...this.dateForms] : [],
      dayFirst: this.kind === 'date' && this.dateOrder === 'dmy',
    };
  }

  /** A cell of an empty or numeric column: a number, a date (for an empty column), a formatted number, or an exception. */
  private pushNumericCell(text: string, line: number): void {
    const v = cellNumber(text, this.decimalCode);
    if (v - v === 0) {
      this.pushNumber(v);
      return;
    }
    if (this.kind === 'empty' && v !== v) {
      const t = parseDateCell(text, false);
      if (t === t) {
        this.startValues('date');
        this.pushDate(t, text, line);
        return;
      }
    }
    const f = formattedNumber(text, this.decimalCode);
    if (f - f === 0) {
      this.formatted++;
      this.pushNumber(f);
      return;
    }
    this.pushException(text, line);
  }

  /** A cell of a date column; a plain number is none (`1707.4` is no April 1707 here: this column began with another date). */
  private pushDateCell(text: string, line: number): void {
    const v = cellNumber(text, this.decimalCode);
    const t = v - v === 0 ? NaN : parseDateCell(text, this.dateOrder === 'dmy');
    if (t === t) this.pushDate(t, text, line);
    else this.pushException(text, line);
  }

  /** Appends a parsed date, settling (and applying) the column's day/month order when the cell decides it. */
  private pushDate(t: number, text: string, line: number): void {
    const order = dateState.order;
    if (order === 'dmy' || order === 'mdy') {
      if (this.dateOrder === 'undecided') {
        if (order === 'dmy' && !this.rereadDayFirst()) {
          this.pushException(text, line);
          return;
        }
        this.dateOrder = order;
      } else if (order !== this.dateOrder) {
        this.pushException(text, line);
        return;
      }
    } else if (order === null) this.otherDates++;
    this.dateForms.add(dateState.form);
    if (this.dateTexts.size < SAMPLE_CELLS) this.dateTexts.set(this.rows, detach(text));
    if (this.rows >= this.capacity) this.makeRoomForNumber();
    this.values[this.rows++] = t;
    this.valid++;
  }

  /** Re-reads the dates stored so far day-first (all were ambiguous `a/b/yyyy`); false if that is not possible. */
  private rereadDayFirst(): boolean {
    if (this.otherDates > 0) return false;
    for (let r = 0; r < this.rows; r++) {
      const v = this.values[r];
      if (v === v) this.values[r] = swapMonthDay(v);
    }
    return true;
  }

  /** An undecided `a/b/yyyy` column is read day-first when that puts its dates in order and month-first does not. */
  private settleDateOrder(): void {
    if (this.dateOrder !== 'undecided' || this.otherDates > 0 || !this.dateForms.has('date') && !this.dateForms.has('datetime')) return;
    const n = this.rows;
    let asRead = 0;
    let swapped = 0;
    let prev = NaN;
    let prevSwapped = NaN;
    for (let r = 0; r < n; r++) {
      const v = this.values[r];
      if (v !== v) continue;
      const w = swapMonthDay(v);
      if (v < prev) asRead++;
      if (w < prevSwapped) swapped++;
      prev = v;
      prevSwapped = w;
    }
    if (swapped < asRead) {
      this.rereadDayFirst();
      this.dateOrder = 'dmy';
    }
  }

  /** A cell that does not fit the column: a missing marker, or a bad cell remembered with its line. */
  private pushException(text: string, line: number): void {
    const marker = MISSING_MARKERS.has(text);
    if (marker) {
      this.missing++;
      this.markers++;
      if (this.firstMarker === 0) this.firstMarker = line;
    } else {
      this.invalid++;
      if (this.invalidSample.length < SAMPLE_CELLS) this.invalidSample.push({ line, value: text });
      if (this.firstNonNumeric === null) this.firstNonNumeric = { line, value: text };
    }
    let code = this.exceptionLookup.get(text);
    if (code === undefined) {
      code = this.exceptionTexts.length;
      const kept = detach(text);
      this.exceptionLookup.set(kept, code);
      this.exceptionTexts.push(kept);
    }
    this.exceptionRows.push(this.rows);
    this.exceptionCodes.push(code);
    this.pushNothing();
    if (!marker && this.invalid >= TEXT_AFTER && this.invalid > this.valid) this.becomeText();
  }

  /** Appends a row without a value: NaN in numeric storage, -1 in text, nothing yet in an empty column. */
  private pushNothing(): void {
    if (this.kind === 'empty') this.rows++;
    else if (this.kind === 'text') this.pushCode(-1);
    else {
      if (this.rows >= this.capacity) this.makeRoomForNumber();
      this.values[this.rows++] = NaN;
    }
  }

  /** First numeric storage of a column that was empty so far: earlier rows are missing (NaN). */
  private startValues(kind: 'numeric' | 'date'): void {
    this.kind = kind;
    this.numericLike = kind === 'numeric';
    this.values = new Float64Array(allocateBuffer(this.plan(this.rows + 1, 0) * 8));
    this.capacity = this.values.length;
    this.values.fill(NaN, 0, this.rows);
  }

  private makeRoomForNumber(): void {
    const capacity = this.plan(this.rows + 1, this.capacity);
    const buffer = growBuffer(this.values.buffer, capacity * 8, this.rows * 8);
    if (buffer !== this.values.buffer) this.values = new Float64Array(buffer);
    this.capacity = this.values.length;
  }

  /** Turns the column into text: numbers and dates become their canonical text, exceptions (markers too) their own. */
  private becomeText(): void {
    const wasDate = this.kind === 'date';
    const wasEmpty = this.kind === 'empty';
    this.kind = 'text';
    this.numericLike = false;
    this.lookup = new Map();
    this.dictionary = [];
    this.codes = new Int32Array(allocateBuffer(this.plan(this.rows + 1, 0) * 4));
    this.capacity = this.codes.length;
    for (let r = 0; r < this.rows; r++) {
      const v = wasEmpty ? NaN : this.values[r];
      this.codes[r] = v !== v ? -1 : this.codeOf(wasDate ? (this.dateTexts.get(r) ?? formatDate(v)) : formatNumber(v, this.decimalCode));
    }
    for (let k = 0; k < this.exceptionRows.length; k++) this.codes[this.exceptionRows.data[k]] = this.codeOf(this.exceptionTexts[this.exceptionCodes.data[k]]);
    this.values = NO_NUMBERS;
    this.missing -= this.markers;
    this.markers = 0;
    this.firstMarker = 0;
    this.invalid = 0;
    this.invalidSample = [];
    this.valid = 0;
  }

  /** A text column whose cells are mostly numbers (or dates) becomes numeric (or date) again, its other cells exceptions. */
  private reconsiderText(lineOf: (row: number) => number): void {
    const dictionary = this.dictionary as string[];
    const numbers = new Float64Array(dictionary.length);
    const dates = new Float64Array(dictionary.length);
    let dayFirst = false;
    for (let k = 0; k < dictionary.length; k++) {
      const n = cellNumber(dictionary[k], this.decimalCode);
      numbers[k] = n - n === 0 ? n : formattedNumber(dictionary[k], this.decimalCode);
      dates[k] = parseDateCell(dictionary[k], false);
      if (dateState.order === 'dmy') dayFirst = true;
    }
    if (dayFirst) for (let k = 0; k < dictionary.length; k++) dates[k] = parseDateCell(dictionary[k], true);
    const counts = new Float64Array(dictionary.length);
    for (let r = 0; r < this.rows; r++) if (this.codes[r] >= 0) counts[this.codes[r]]++;
    let nNumbers = 0;
    let nDates = 0;
    let nOther = 0;
    for (let k = 0; k < dictionary.length; k++) {
      if (MISSING_MARKERS.has(dictionary[k])) continue;
      if (numbers[k] - numbers[k] === 0) nNumbers += counts[k];
      else if (dates[k] === dates[k]) nDates += counts[k];
      else nOther += counts[k];
    }
    const kind = nNumbers > 0 && nNumbers >= nDates + nOther ? 'numeric' : nDates > 0 && nDates >= nNumbers + nOther ? 'date' : null;
    if (kind === null) return;
    const read = kind === 'numeric' ? numbers : dates;
    const codes = this.codes;
    const rows = this.rows;
    this.kind = kind;
    this.numericLike = kind === 'numeric';
    this.values = new Float64Array(allocateBuffer(rows * 8 || 8));
    this.capacity = this.values.length;
    this.valid = 0;
    for (let r = 0; r < rows; r++) {
      const code = codes[r];
      const v = code < 0 ? NaN : read[code];
      this.values[r] = v;
      if (v === v) this.valid++;
      else if (code >= 0) {
        const text = dictionary[code];
        if (MISSING_MARKERS.has(text)) {
          this.missing++;
          this.markers++;
          if (this.firstMarker === 0) this.firstMarker = lineOf(r);
          if (!this.exceptionLookup.has(text)) {
            this.exceptionLookup.set(text, this.exceptionTexts.length);
            this.exceptionTexts.push(text);
          }
        } else {
          this.invalid++;
          if (this.invalidSample.length < SAMPLE_CELLS) this.invalidSample.push({ line: lineOf(r), value: text });
        }
      }
    }
    if (kind === 'numeric') this.formatted = 0;
    if (kind === 'date') {
      this.dateOrder = dayFirst ? 'dmy' : 'undecided';
      for (let k = 0; k < dictionary.length; k++) {
        if (dates[k] === dates[k]) {
          parseDateCell(dictionary[k], dayFirst);
          this.dateForms.add(dateState.form);
          // dates not written a/b/yyyy are never re-read day first (`settleDateOrder`)
          if (dateState.order === null) this.otherDates += counts[k];
        }
      }
    }
    this.firstNonNumeric = this.invalidSample[0] ?? null;
    this.codes = NO_CODES;
    this.lookup = null;
    this.dictionary = null;
  }

  private pushText(text: string): void {
    this.pushCode(this.codeOf(text));
  }

  private pushCode(code: number): void {
    if (this.rows >= this.capacity) {
      const capacity = this.plan(this.rows + 1, this.capacity);
      const buffer = growBuffer(this.codes.buffer, capacity * 4, this.rows * 4);
      if (buffer !== this.codes.buffer) this.codes = new Int32Array(buffer);
      this.capacity = this.codes.length;
    }
    this.codes[this.rows++] = code;
  }

  private codeOf(text: string): number {
    const lookup = this.lookup as Map<string, number>;
    const known = lookup.get(text);
    if (known !== undefined) return known;
    const dictionary = this.dictionary as string[];
    const kept = detach(text);
    lookup.set(kept, dictionary.length);
    dictionary.push(kept);
    return dictionary.length - 1;
  }
}

/**
 * File line of every data row, stored compactly: only the rows where `line − row` changes (after a blank line or a
 * record spanning lines) are kept, so an ordinary file costs a few bytes in all.
 */
export class LineIndex {
  private startRows = new Int32Array(16);
  private offsets = new Float64Array(16);
  private count = 0;
  private offset = Number.NaN;
  private rows = 0;

  /** Records that data row `row` (the next one, in order) starts on file line `line`. */
  add(row: number, line: number): void {
    this.rows = row + 1;
    const offset = line - row;
    if (offset === this.offset) return;
    if (this.count === this.startRows.length) this.grow();
    this.startRows[this.count] = row;
    this.offsets[this.count] = offset;
    this.count++;
    this.offset = offset;
  }

  /** 1-based file line of data row `row`. */
  lineOf(row: number): number {
    if (!Number.isInteger(row) || row < 0 || row >= this.rows) throw new RangeError(`row ${row} is outside 0…${this.rows - 1}`);
    let lo = 0;
    let hi = this.count - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.startRows[mid] <= row) lo = mid;
      else hi = mid - 1;
    }
    return row + this.offsets[lo];
  }

  /** Releases the unused part of the index. */
  trim(): void {
    this.startRows = this.startRows.slice(0, this.count);
    this.offsets = this.offsets.slice(0, this.count);
  }

  private grow(): void {
    const rows = new Int32Array(this.startRows.length * 2);
    rows.set(this.startRows);
    this.startRows = rows;
    const offsets = new Float64Array(this.offsets.length * 2);
    offsets.set(this.offsets);
    this.offsets = offsets;
  }
}
