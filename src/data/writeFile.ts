/** Files the project writes (tasks, predictions, models): atomically (temp file + rename) and never over a file silently. */
import { closeSync, existsSync, fsyncSync, openSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

/** Thrown when the target exists and overwriting was not asked for. */
export class FileExistsError extends Error {
  constructor(readonly path: string) {
    super(`${path} already exists; choose another name or pass --force to replace it`);
    this.name = 'FileExistsError';
  }
}

/** Writes chunks produced by `write` to `path` atomically. `force` allows replacing an existing file. */
export function writeFileAtomic(path: string, write: (append: (text: string) => void) => void, force = false): void {
  if (!force && existsSync(path)) throw new FileExistsError(path);
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.${Date.now()}.tmp`);
  const fd = openSync(tmp, 'wx');
  let buffered = '';
  const flush = (): void => {
    if (buffered) writeSync(fd, buffered);
    buffered = '';
  };
  try {
    write((text) => {
      buffered += text;
      if (buffered.length > 1 << 16) flush();
    });
    flush();
    fsyncSync(fd);
    closeSync(fd);
    if (!force && existsSync(path)) throw new FileExistsError(path);
    renameSync(tmp, path);
  } catch (e) {
    try {
      closeSync(fd);
    } catch {
      /* already closed */
    }
    if (existsSync(tmp)) unlinkSync(tmp);
    throw e;
  }
}

/** One CSV field, quoted only where it must be (a comma, quote or line break inside). */
export function csvField(v: string | number): string {
  const s = String(v);
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}
