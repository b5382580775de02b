/**
 * Entry of the extension-host tests: VS Code loads this bundle (out/test/index.js) as `extensionTestsPath` and calls
 * `run()`; mocha then runs the suites below inside the real extension host with the real `vscode` API.
 */
/// <reference types="mocha" />
import Mocha from 'mocha';
import { registerCommandTests } from './commands.test';
import { registerRecoveryTests } from './recovery.test';
import { registerPanelTests } from './panel.test';

/** Runs every suite; rejects when a test fails (VS Code turns that into a non-zero exit code). */
export function run(): Promise<void> {
  const mocha = new Mocha({ ui: 'tdd', timeout: 120_000, color: false, reporter: 'spec' });
  // the suites are bundled into this file: define them after mocha has put its globals (suite, test, …) in place
  mocha.suite.emit('pre-require', globalThis, 'extension-host-tests', mocha);
  registerCommandTests();
  registerRecoveryTests();
  registerPanelTests();
  return new Promise((resolve, reject) => {
    mocha.run((failures) => {
      console.log(`${mocha.suite.total() - failures} passed, ${failures} failed`);
      if (failures > 0) reject(new Error(`${failures} extension-host test(s) failed`));
      else resolve();
    });
  });
}
