/** Errors the CLI reports in plain words (no stack trace), with the exit code they map to. */

/** Bad usage or unreadable input: exit code 2. */
export class UsageError extends Error {
  readonly exitCode = 2;
}

/** Exit codes: 0 success, 1 a check failed, 2 bad usage. */
export const EXIT = { ok: 0, checkFailed: 1, usage: 2 } as const;
