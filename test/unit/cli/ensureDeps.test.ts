/** `npm start` and `npm test` on a bare clone: their pre-script installs the dependencies exactly when needed. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
// @ts-expect-error: a plain .mjs script without types
import { installReason } from '../../../scripts/ensure-deps.mjs';

test('the pre-script installs when node_modules is missing, unrecorded or older than the lock file, and not otherwise', () => {
  const root = mkdtempSync(join(tmpdir(), 'rnnpg-deps-'));
  writeFileSync(join(root, 'package-lock.json'), '{}');
  assert.equal(installReason(root), 'node_modules is missing');
  mkdirSync(join(root, 'node_modules'));
  assert.equal(installReason(root), 'node_modules has no record of an install');
  const marker = join(root, 'node_modules', '.package-lock.json');
  writeFileSync(marker, '{}');
  assert.equal(installReason(root), null);
  // the lock file changed after the last install (a pull that added a dependency)
  const later = new Date(Date.now() + 60_000);
  utimesSync(join(root, 'package-lock.json'), later, later);
  assert.equal(installReason(root), 'package-lock.json is newer than node_modules');
  // this repository, as the tests run it, is installed
  assert.equal(installReason(join(import.meta.dirname, '..', '..', '..')), null);
});

test('package.json runs the pre-script before start and test', async () => {
  const { readFileSync } = await import('node:fs');
  const pkg = JSON.parse(readFileSync(join(import.meta.dirname, '..', '..', '..', 'package.json'), 'utf8'));
  assert.equal(pkg.scripts.prestart, 'node scripts/ensure-deps.mjs');
  assert.equal(pkg.scripts.pretest, 'node scripts/ensure-deps.mjs');
});
