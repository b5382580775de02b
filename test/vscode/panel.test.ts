/** The playground panel's Model view and the experiment file stay in step, both ways, inside the real extension host. */
/// <reference types="mocha" />
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as vscode from 'vscode';
import { playground, run, until, workspaceFile } from './util';

/** Registers the suite (called once mocha's globals exist). */
export function registerPanelTests(): void {
  suite('panel ↔ experiment file', () => {
    const exp = workspaceFile('edit-me.rnn.json');
    const original = fs.readFileSync(workspaceFile('adding-50.rnn.json').fsPath, 'utf8');

    suiteSetup(() => fs.writeFileSync(exp.fsPath, original));
    suiteTeardown(async () => {
      await vscode.commands.executeCommand('workbench.action.closeAllEditors');
      fs.rmSync(exp.fsPath, { force: true });
    });

    test('the Model view shows the file\'s settings; a panel edit writes only that value and saves', async () => {
      const api = await playground();
      await run('rnnPlayground.openPlayground', exp);
      await until(() => !!api.panels.stateOf(exp.fsPath)?.experiment, 10_000, 'the panel to read the experiment');
      assert.equal(api.panels.stateOf(exp.fsPath)?.experiment?.experiment.model.cell, 'lstm');
      assert.equal(api.panels.stateOf(exp.fsPath)?.tab, 'data');
      await api.panels.applyEdit(exp.fsPath, [{ field: 'model.cell', value: 'gru' }, { field: 'model.hiddenSize', value: 12 }]);
      const disk = fs.readFileSync(exp.fsPath, 'utf8');
      assert.equal(disk, original.replace('"cell": "lstm"', '"cell": "gru"').replace('"hiddenSize": 16', '"hiddenSize": 12'));
      const doc = vscode.workspace.textDocuments.find((d) => d.uri.fsPath === exp.fsPath);
      assert.equal(doc?.isDirty, false, 'the edit is saved');
      const m = api.panels.stateOf(exp.fsPath)?.experiment?.experiment.model;
      assert.deepEqual([m?.cell, m?.hiddenSize], ['gru', 12]);
      assert.equal(api.panels.stateOf(exp.fsPath)?.editError, null);
    });

    test('typing in the file updates the panel before saving; broken JSON keeps the last good settings and says where', async () => {
      const api = await playground();
      const editor = await vscode.window.showTextDocument(exp);
      const text = editor.document.getText();
      const at = text.indexOf('"layers": 1');
      await editor.edit((e) => e.replace(new vscode.Range(editor.document.positionAt(at), editor.document.positionAt(at + '"layers": 1'.length)), '"layers": 3'));
      await until(() => api.panels.stateOf(exp.fsPath)?.experiment?.experiment.model.layers === 3, 5000, 'the panel to follow the unsaved edit');
      const brace = editor.document.getText().lastIndexOf('}');
      await editor.edit((e) => e.delete(new vscode.Range(editor.document.positionAt(brace), editor.document.positionAt(brace + 1))));
      await until(() => !!api.panels.stateOf(exp.fsPath)?.experiment?.problem, 5000, 'the panel to report the syntax error');
      const state = api.panels.stateOf(exp.fsPath)?.experiment;
      assert.match(state?.problem ?? '', /edit-me\.rnn\.json.*line \d+/);
      assert.equal(state?.experiment.model.layers, 3, 'the last good settings stay');
      await vscode.commands.executeCommand('undo');
      await until(() => api.panels.stateOf(exp.fsPath)?.experiment?.problem === null, 5000, 'the problem to clear after undo');
      await editor.document.save();
    });

    test('an out-of-range edit is refused naming the field, and the file is left alone', async () => {
      const api = await playground();
      const before = fs.readFileSync(exp.fsPath, 'utf8');
      await api.panels.applyEdit(exp.fsPath, [{ field: 'model.hiddenSize', value: 0 }]);
      assert.match(api.panels.stateOf(exp.fsPath)?.editError ?? '', /model\.hiddenSize must be an integer from 1 to 1024; got 0/);
      assert.equal(fs.readFileSync(exp.fsPath, 'utf8'), before);
    });

    test('a change on a CSV\'s panel creates NAME.rnn.json beside it with the suggested roles, says so, and the panel moves to it', async () => {
      const api = await playground();
      const csv = workspaceFile('copy-memory.csv');
      const created = workspaceFile('copy-memory.rnn.json');
      fs.rmSync(created.fsPath, { force: true });
      try {
        await run('rnnPlayground.openPlayground', csv);
        await until(() => !!api.panels.stateOf(csv.fsPath)?.experiment, 10_000, 'the CSV panel to show the default settings');
        assert.equal(api.panels.stateOf(csv.fsPath)?.experiment?.file, null);
        const file = await api.panels.applyEdit(csv.fsPath, [{ field: 'model.cell', value: 'gru' }]);
        assert.equal(file, created.fsPath);
        const written = JSON.parse(fs.readFileSync(created.fsPath, 'utf8'));
        assert.equal(written.data.file, 'copy-memory.csv');
        assert.equal(written.data.label, 'label');
        assert.equal(written.model.cell, 'gru');
        assert.equal(api.panels.stateOf(csv.fsPath), null, 'the CSV has no panel of its own any more');
        const state = api.panels.stateOf(created.fsPath);
        assert.match(state?.editError ?? '', /Created copy-memory\.rnn\.json beside copy-memory\.csv with the suggested roles/);
        await until(() => api.panels.stateOf(created.fsPath)?.experiment?.file === created.fsPath, 10_000, 'the panel to read its new experiment');
        // a second change goes to the same file
        await api.panels.applyEdit(created.fsPath, [{ field: 'model.hiddenSize', value: 6 }]);
        assert.equal(JSON.parse(fs.readFileSync(created.fsPath, 'utf8')).model.hiddenSize, 6);
      } finally {
        await vscode.commands.executeCommand('workbench.action.closeAllEditors');
        fs.rmSync(created.fsPath, { force: true });
      }
    });
  });
}
