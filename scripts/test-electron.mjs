// The extension-host suites in a desktop VS Code downloaded by @vscode/test-electron, for machines with internet.
// (The suite CI runs offline is test/e2e/exthost.test.mjs, the same mocha suites in code-server.)
import { mkdtempSync, cpSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runTests } from '@vscode/test-electron';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const workspace = mkdtempSync(join(tmpdir(), 'rnnpg-ws-'));
cpSync(join(root, 'samples'), workspace, { recursive: true });
try {
  await runTests({ extensionDevelopmentPath: root, extensionTestsPath: join(root, 'out/test/index.js'), launchArgs: [workspace, '--disable-extensions'] });
} catch (e) {
  console.error(`test:electron: ${e.message}`);
  process.exit(1);
}
