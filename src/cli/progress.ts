/**
 * A one-line progress bar, drawn on stderr only when stdout and stderr are terminals (never when output is piped or
 * redirected, nor in --json runs), so reports on stdout stay clean.
 */

/** Draws and clears a progress line. */
export interface Progress {
  update(fraction: number, detail: string): void;
  done(): void;
}

/** Creates a progress bar; a no-op when stderr is not a TTY or `quiet`. */
export function createProgress(label: string, quiet = false): Progress {
  const tty = process.stdout.isTTY === true && process.stderr.isTTY === true && !quiet;
  let last = 0;
  return {
    update(fraction, detail) {
      if (!tty) return;
      const now = Date.now();
      if (now - last < 80 && fraction < 1) return;
      last = now;
      const width = 24;
      const f = Math.max(0, Math.min(1, fraction));
      const filled = Math.round(f * width);
      const line = `${label} [${'█'.repeat(filled)}${'░'.repeat(width - filled)}] ${(f * 100).toFixed(0).padStart(3)}% ${detail}`;
      process.stderr.write(`\r${line.slice(0, (process.stderr.columns ?? 100) - 1)}\x1b[K`);
    },
    done() {
      if (tty) process.stderr.write('\r\x1b[K');
    },
  };
}
