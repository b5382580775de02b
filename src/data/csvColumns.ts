/**
 * Column storage while a CSV file streams in. A column starts `empty`; its first non-empty cell makes it `numeric`,
 * `date` or `text`. Numbers and dates live in a Float64Array grown in place of a list of cells (8 bytes a cell),
 * text in an Int32Array of dictionary codes. A numeric or date column that meets a cell of another type becomes
 * `text`: the values stored so far turn into their canonical text (`1.50` → `1.5`, dates → ISO), and the first
 * offending cell is remembered so that a later layer can say where the column stopped being numeric.
 */
import { cellNumber, formatDate, formatNumber, parseIsoDate } from './csvNumber';
import { allocateBuffer, growBuffer, trimBuffer } from './csvStorage';
import type { CsvColumn, CsvColumnKind } from './csvTypes';

/** Decides the capacity of a column's storage when it must hold at least `needed` rows. */
export type CapacityPlan = (needed: number, current: number) => number;

const NO_NUMBERS = new Float64Array(0);
const NO_CODES = new Int32Array(0);

/** Copies a string out of the chunk it was cut from, so a dictionary entry does not keep a whole chunk alive. */
function detach(s: string): string {
  return s.length < 13 ? s : Buffer.from(s, 'utf8').toString('utf8');
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
  private missing = 0;
  private firstMissing = 0;
  private firstNonNumeric: { line: number; value: string } | null = null;

  constructor(
    readonly name: string,
    readonly index: number,
    private readonly plan: CapacityPlan,
    private readonly decimalCode: number,
    private readonly missingValues: ReadonlySet<string> | null,
  ) {}

  /** Appends a number (the column is `empty`, `numeric` or `date`; for `empty` it becomes `numeric`). */
  pushNumber(v: number): void {
    if (this.rows >= this.capacity) this.makeRoomForNumber();
    this.values[this.rows++] = v;
  }

  /** Appends one cell's text (already unquoted and trimmed), deciding or revising the column's kind. */
  pushCell(text: string, line: number): void {
    if (text.length === 0 || (this.missingValues !== null && this.missingValues.has(text))) {
      this.pushMissing(line);
      return;
    }
    switch (this.kind) {
      case 'numeric':
        this.pushIntoNumeric(text, line);
        return;
      case 'date':
        this.pushIntoDate(text, line);
        return;
      case 'text':
        this.pushText(text);
        return;
      case 'empty':
        this.pushFirstValue(text, line);
        return;
    }
  }

  /** Appends an empty cell. */
  pushMissing(line: number): void {
    this.missing++;
    if (this.firstMissing === 0) this.firstMissing = line;
    if (this.kind === 'empty') this.rows++;
    else if (this.kind === 'text') this.pushCode(-1);
    else this.pushNumber(NaN);
  }

  /** The finished column, its storage trimmed to the row count. */
  finish(): CsvColumn {
    const rows = this.rows;
    const numeric = this.kind === 'numeric' || this.kind === 'date';
    const text = this.kind === 'text';
    const values = numeric ? new Float64Array(trimBuffer(this.values.buffer, rows * 8), 0, rows) : null;
    this.values = NO_NUMBERS;
    const codes = text ? new Int32Array(trimBuffer(this.codes.buffer, rows * 4), 0, rows) : null;
    this.codes = NO_CODES;
    return {
      name: this.name,
      index: this.index,
      kind: this.kind,
      values,
      codes,
      dictionary: text ? this.dictionary : null,
      missing: this.missing,
      firstMissing: this.firstMissing > 0 ? { line: this.firstMissing } : null,
      firstNonNumeric: this.firstNonNumeric,
    };
  }

  private pushFirstValue(text: string, line: number): void {
    const v = cellNumber(text, this.decimalCode);
    if (v === v) {
      this.pushNumber(v);
      return;
    }
    this.firstNonNumeric = { line, value: text };
    const t = parseIsoDate(text);
    if (t === t) {
      this.kind = 'date';
      this.numericLike = false;
      this.allocateNumbers();
      this.values[this.rows++] = t;
      return;
    }
    this.becomeText();
    this.pushText(text);
  }

  private pushIntoNumeric(text: string, line: number): void {
    const v = cellNumber(text, this.decimalCode);
    if (v === v) {
      this.pushNumber(v);
      return;
    }
    this.firstNonNumeric = { line, value: text };
    this.becomeText();
    this.pushText(text);
  }

  private pushIntoDate(text: string, line: number): void {
    const t = parseIsoDate(text);
    if (t === t) {
      this.pushNumber(t);
      return;
    }
    if (this.firstNonNumeric === null) this.firstNonNumeric = { line, value: text };
    this.becomeText();
    this.pushText(text);
  }

  private makeRoomForNumber(): void {
    if (this.kind === 'empty') {
      this.kind = 'numeric';
      this.allocateNumbers();
      return;
    }
    const capacity = this.plan(this.rows + 1, this.capacity);
    const buffer = growBuffer(this.values.buffer, capacity * 8, this.rows * 8);
    if (buffer !== this.values.buffer) this.values = new Float64Array(buffer);
    this.capacity = this.values.length;
  }

  /** First numeric storage of a column that was empty so far: earlier rows are missing (NaN). */
  private allocateNumbers(): void {
    this.values = new Float64Array(allocateBuffer(this.plan(this.rows + 1, 0) * 8));
    this.capacity = this.values.length;
    this.values.fill(NaN, 0, this.rows);
  }

  /** Turns the column into text, converting the numbers or dates stored so far to their canonical text. */
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
      this.codes[r] = v !== v ? -1 : this.codeOf(wasDate ? formatDate(v) : formatNumber(v, this.decimalCode));
    }
    this.values = NO_NUMBERS;
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
