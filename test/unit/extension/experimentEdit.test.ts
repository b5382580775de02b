/** Panel edits to experiment files: minimal text edits, formatting kept, invalid results refused with the field named. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { editExperimentText, roleChanges, spanEdit, statedRoles, withRole } from '../../../src/extension/experimentEdit';
import { ExperimentError } from '../../../src/data/experiment';

const sample = readFileSync(new URL('../../../samples/adding-50.rnn.json', import.meta.url), 'utf8');
const apply = (text: string, e: { offset: number; length: number; content: string }): string => text.slice(0, e.offset) + e.content + text.slice(e.offset + e.length);

test('changing the cell touches only that value; the edit reproduces the new text', () => {
  const r = editExperimentText(sample, [{ field: 'model.cell', value: 'gru' }], 'adding-50.rnn.json');
  assert.equal(r.experiment.model.cell, 'gru');
  assert.equal(r.edits.length, 1);
  assert.deepEqual(r.edits[0].content, 'gru');
  assert.equal(apply(sample, r.edits[0]), r.text);
  assert.equal(r.text, sample.replace('"cell": "lstm"', '"cell": "gru"'));
});

test('a preset sets several fields at once and keeps the indentation', () => {
  const r = editExperimentText(sample, [
    { field: 'model.cell', value: 'vanilla' }, { field: 'model.activation', value: 'relu' }, { field: 'model.init', value: 'identity' },
  ], 'x.rnn.json');
  assert.deepEqual([r.experiment.model.cell, r.experiment.model.activation, r.experiment.model.init], ['vanilla', 'relu', 'identity']);
  assert.equal(r.text.split('\n').length, sample.split('\n').length);
  assert.equal(apply(sample, r.edits[0]), r.text);
});

test('missing sections and keys are added; undefined removes a key so the default applies again', () => {
  const text = '{\n\t"data": { "file": "a.csv" }\n}\n';
  const r = editExperimentText(text, [{ field: 'training.learningRate', value: 0.01 }], 'a.rnn.json');
  assert.equal(r.experiment.training.learningRate, 0.01);
  assert.match(r.text, /\n\t"training": \{\n\t\t"learningRate": 0.01\n\t\}/);
  const back = editExperimentText(r.text, [{ field: 'training.learningRate', value: undefined }], 'a.rnn.json');
  assert.equal(back.experiment.training.learningRate, 0.005);
  assert.doesNotMatch(back.text, /learningRate/);
});

test('an out-of-range value is refused naming the field; broken JSON is refused with its line', () => {
  assert.throws(() => editExperimentText(sample, [{ field: 'model.hiddenSize', value: 0 }], 'adding-50.rnn.json'),
    (e: unknown) => e instanceof ExperimentError && /adding-50\.rnn\.json: model\.hiddenSize must be an integer from 1 to 1024; got 0/.test(e.message));
  assert.throws(() => editExperimentText('{\n  "data": { "file": "a.csv", }\n}', [{ field: 'model.cell', value: 'gru' }], 'b.rnn.json'),
    (e: unknown) => e instanceof ExperimentError && /^b\.rnn\.json line 2, column \d+: .*fix the file/.test(e.message));
  assert.throws(() => editExperimentText(sample, [{ field: 'data.file' as never, value: 'x.csv' }], 'c.rnn.json'), /data\.file cannot be edited/);
});

test('spanEdit finds the changed middle of two texts', () => {
  assert.deepEqual(spanEdit('abcXYZdef', 'abc12def'), { offset: 3, length: 3, content: '12' });
  assert.deepEqual(spanEdit('same', 'same'), { offset: 4, length: 0, content: '' });
  assert.deepEqual(spanEdit('aa', 'aaa'), { offset: 2, length: 0, content: 'a' });
});

test('role changes: a single role moves from the column that had it; stated roles fall back to the ones in effect', () => {
  const roles = { features: ['a', 'b'], targets: ['b'], sequenceId: 'id', label: null, time: 't' };
  assert.deepEqual(withRole(roles, 'a', 'sequenceId'), { features: ['b'], targets: ['b'], sequenceId: 'a', label: null, time: 't' });
  assert.deepEqual(withRole(roles, 'b', 'feature'), { features: ['a', 'b'], targets: [], sequenceId: 'id', label: null, time: 't' });
  assert.deepEqual(withRole(roles, 't', 'ignored'), { features: ['a', 'b'], targets: ['b'], sequenceId: 'id', label: null, time: null });
  assert.deepEqual(statedRoles({ features: ['x'], label: null }, roles), { features: ['x'], targets: ['b'], sequenceId: 'id', label: null, time: 't' });
  const changes = roleChanges(withRole(roles, 'id', 'label'));
  assert.deepEqual(changes.map((c) => c.field), ['data.features', 'data.targets', 'data.sequenceId', 'data.label', 'data.time']);
  // applied to a file, the roles are written out and parse
  const r = editExperimentText(sample, roleChanges(withRole(statedRoles({}, { features: ['value', 'marker'], targets: ['target'], sequenceId: 'sequence', label: null, time: 'step' }), 'marker', 'ignored')), 'adding-50.rnn.json');
  assert.deepEqual(r.experiment.data.features, ['value']);
});
