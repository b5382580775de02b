// Runs before `npm start` and `npm test` (their pre-scripts): installs the dependencies with `npm ci` when
// node_modules is missing or older than package-lock.json, so a bare clone needs only those two commands.
// Uses nothing but Node's own modules (it runs before anything is installed).
import { spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Why the dependencies of the project at `root` need installing, or null when node_modules is up to date. */
export function installReason(root) {
  const lock = join(root, 'package-lock.json');
  // npm writes node_modules/.package-lock.json at the end of every install
  const marker = join(root, 'node_modules', '.package-lock.json');
  if (!existsSync(join(root, 'node_modules'))) return 'node_modules is missing';
  if (!existsSync(marker)) return 'node_modules has no record of an install';
  if (existsSync(lock) && statSync(marker).mtimeMs < statSync(lock).mtimeMs) return 'package-lock.json is newer than node_modules';
  return null;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const root = join(dirname(fileURLToPath(import.meta.url)), '..');
  const why = installReason(root);
  if (why) {
    console.log(`== installing the dependencies (npm ci): ${why}`);
    // npm runs this script with npm_execpath set to its own CLI; fall back to npm on PATH
    const npm = process.env.npm_execpath;
    const r = npm ? spawnSync(process.execPath, [npm, 'ci', '--no-audit', '--no-fund'], { cwd: root, stdio: 'inherit' })
      : spawnSync('npm', ['ci', '--no-audit', '--no-fund'], { cwd: root, stdio: 'inherit', shell: process.platform === 'win32' });
    if (r.status !== 0) {
      console.error('npm ci failed: see above (the registry must be reachable on first use)');
      process.exit(r.status ?? 1);
    }
  }
}
