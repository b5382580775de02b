/**
 * Experiment files (`*.rnn.json`): parsing, defaults and overrides, error messages, suggestion and round trip;
 * the JSON schema the extension contributes agrees with the parser; the manifest declares what the code uses.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseCsvText, readCsv } from '../../../src/data/csv';
import {
  planTraining, EXPERIMENT_DEFAULTS, EXPERIMENT_ENUMS, EXPERIMENT_LIMITS, EXPERIMENT_VERSION, ExperimentError,
  resolveData, experimentToText, mergePatches, parseExperiment, parseExperimentText, suggestExperiment, withOverrides,
  type Experiment, type ExperimentPatch,
} from '../../../src/data/experiment';

const fromRoot = (rel: string): string => fileURLToPath(new URL(`../../../${rel}`, import.meta.url));
const readText = (rel: string): string => readFileSync(fromRoot(rel), 'utf8');
type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const readJson = (rel: string): Json => JSON.parse(readText(rel)) as Json;

const FILE = 'sub/my experiment.rnn.json';
const ok = (extra: Json = {}): Json => ({ ...extra, data: { file: 'a.csv', ...(extra.data ?? {}) } });

/** Runs `fn`, expecting an ExperimentError; returns it. */
function experimentError(fn: () => unknown, label: string): ExperimentError {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof ExperimentError, `${label}: expected an ExperimentError, got ${String(e)}`);
    assert.equal(e.name, 'ExperimentError');
    return e;
  }
  assert.fail(`${label}: no error`);
}

// ---------------------------------------------------------------------------------------------------------------
// defaults, the defaults patch, the file, overrides

test('a minimal experiment gets the built-in defaults and nothing else', () => {
  const exp = parseExperiment({ data: { file: 'a.csv' } }, FILE);
  assert.deepEqual(exp, {
    version: EXPERIMENT_VERSION,
    data: { file: 'a.csv', missing: 'error', validation: 0.2 },
    model: EXPERIMENT_DEFAULTS.model,
    training: EXPERIMENT_DEFAULTS.training,
  });
  // the defaults are copied, not shared: changing the result leaves EXPERIMENT_DEFAULTS alone
  exp.model.hiddenSize = 999;
  exp.training.epochs = 999;
  assert.equal(EXPERIMENT_DEFAULTS.model.hiddenSize, 16);
  assert.equal(EXPERIMENT_DEFAULTS.training.epochs, 'auto');
  // $schema and description are accepted and dropped
  assert.deepEqual(parseExperiment({ $schema: './x.json', description: 'why', version: 1, data: { file: 'a.csv' } }, FILE),
    parseExperiment({ data: { file: 'a.csv' } }, FILE));
});

test('precedence: built-in defaults < defaults patch < the file < overrides', () => {
  const defaults: ExperimentPatch = {
    model: { cell: 'gru', hiddenSize: 64, init: 'identity' },
    training: { epochs: 5, learningRate: 0.1, seed: 3 },
  };
  const file = {
    data: { file: 'd.csv', features: ['a', 'b'], validation: 0.1, sequenceId: null },
    model: { cell: 'vanilla', activation: 'relu' },
    training: { learningRate: 0.02, batchSize: 8 },
  };
  const exp = parseExperimentText(JSON.stringify(file), FILE, defaults);
  // the file
  assert.equal(exp.model.cell, 'vanilla');
  assert.equal(exp.model.activation, 'relu');
  assert.equal(exp.training.learningRate, 0.02);
  assert.equal(exp.training.batchSize, 8);
  assert.deepEqual(exp.data.features, ['a', 'b']);
  assert.equal(exp.data.sequenceId, null);
  assert.equal(exp.data.validation, 0.1);
  // the defaults patch where the file is silent
  assert.equal(exp.model.hiddenSize, 64);
  assert.equal(exp.model.init, 'identity');
  assert.equal(exp.training.epochs, 5);
  assert.equal(exp.training.seed, 3);
  // built-in defaults where both are silent
  assert.equal(exp.model.layers, EXPERIMENT_DEFAULTS.model.layers);
  assert.equal(exp.model.forgetBias1, EXPERIMENT_DEFAULTS.model.forgetBias1);
  assert.equal(exp.training.optimizer, EXPERIMENT_DEFAULTS.training.optimizer);
  assert.equal(exp.training.clip, EXPERIMENT_DEFAULTS.training.clip);
  // roles the file does not give stay absent (they are suggested from the CSV later)
  assert.equal('targets' in exp.data, false);
  assert.equal('label' in exp.data, false);
  assert.equal('task' in exp.data, false);

  // overrides win over the file, the patch and the built-ins, field by field (the rest of each section stays)
  const overrides: ExperimentPatch = {
    data: { validation: 0.3 },
    model: { cell: 'lstm', layers: 2 },
    training: { learningRate: 0.5, epochs: 1 },
  };
  const over = parseExperimentText(JSON.stringify(file), FILE, defaults, overrides);
  assert.equal(over.data.validation, 0.3);
  assert.equal(over.data.file, 'd.csv');
  assert.deepEqual(over.data.features, ['a', 'b']);
  assert.equal(over.model.cell, 'lstm');
  assert.equal(over.model.activation, 'relu');
  assert.equal(over.model.layers, 2);
  assert.equal(over.model.hiddenSize, 64);
  assert.equal(over.training.learningRate, 0.5);
  assert.equal(over.training.epochs, 1);
  assert.equal(over.training.batchSize, 8);
});

test('an override left undefined keeps the file\'s value (as in mergePatches)', () => {
  const text = JSON.stringify({ data: { file: 'a.csv' }, model: { hiddenSize: 8 }, training: { epochs: 7 } });
  // e.g. a command called with { model: { hiddenSize: opts.hidden } } where opts.hidden is not given
  const exp = parseExperimentText(text, FILE, {}, { model: { hiddenSize: undefined }, training: { epochs: undefined } });
  assert.equal(exp.model.hiddenSize, 8);
  assert.equal(exp.training.epochs, 7);
});

test('withOverrides merges section by section without touching its input', () => {
  const doc = { version: 1, data: { file: 'a.csv', validation: 0.1 }, model: { cell: 'gru' } };
  const copy = structuredClone(doc);
  const out = withOverrides(doc, { data: { file: 'b.csv' }, training: { epochs: 3 } });
  assert.deepEqual(out, { version: 1, data: { file: 'b.csv', validation: 0.1 }, model: { cell: 'gru' }, training: { epochs: 3 } });
  assert.deepEqual(doc, copy);
  assert.equal(withOverrides(doc, undefined), doc);
  assert.equal(withOverrides('not an object', { model: { layers: 2 } }), 'not an object');
  // a section of the document that is not an object is replaced by the override
  assert.deepEqual(withOverrides({ model: 7 }, { model: { layers: 2 } }), { model: { layers: 2 } });
  const e = experimentError(() => withOverrides(doc, { model: 5 } as unknown as ExperimentPatch), 'model: 5');
  assert.equal(e.field, 'model');
  assert.match(e.message, /^options\.model must be an object; got 5$/);
});

test('mergePatches: later patches win, undefined values and patches are skipped, inputs untouched', () => {
  const a: ExperimentPatch = { model: { cell: 'gru', hiddenSize: 8 }, training: { epochs: 2 } };
  const b: ExperimentPatch = { model: { hiddenSize: 32, layers: undefined }, data: { validation: 0.5 } };
  const copyA = structuredClone(a);
  const m = mergePatches(a, undefined, b, { model: { cell: undefined } });
  assert.deepEqual(m, { data: { validation: 0.5 }, model: { cell: 'gru', hiddenSize: 32 }, training: { epochs: 2 } });
  assert.equal('layers' in (m.model ?? {}), false);
  assert.deepEqual(a, copyA);
  assert.deepEqual(mergePatches(), { data: {}, model: {}, training: {} });
  // a non-object section is ignored rather than spread character by character
  assert.deepEqual(mergePatches({ model: 'lstm' } as unknown as ExperimentPatch), { data: {}, model: {}, training: {} });
});

test('roles, window and transforms are kept as written', () => {
  const exp = parseExperiment(ok({
    data: {
      targets: ['y'], sequenceId: 'id', label: null, time: 't', task: 'regress', transforms: { y: 'diff', x: 'none' },
      missing: 'ffill', window: { length: 10 }, split: 'time',
    },
  }), FILE);
  assert.deepEqual(exp.data, {
    file: 'a.csv', targets: ['y'], sequenceId: 'id', label: null, time: 't', task: 'regress',
    transforms: { y: 'diff', x: 'none' }, missing: 'ffill', window: { length: 10 }, validation: 0.2, split: 'time',
  });
  assert.deepEqual(parseExperiment(ok({ data: { window: { length: 2, stride: 5 } } }), FILE).data.window, { length: 2, stride: 5 });
  assert.equal(parseExperiment(ok({ data: { window: null } }), FILE).data.window, null);
  // range ends are accepted
  const edge = parseExperiment(ok({ model: { hiddenSize: 1024, layers: 8 }, training: { seed: 2 ** 31 - 1, learningRate: 100, clip: 0 } }), FILE);
  assert.equal(edge.model.hiddenSize, 1024);
  assert.equal(edge.training.seed, 2 ** 31 - 1);
});

// ---------------------------------------------------------------------------------------------------------------
// errors name the file, the field and the bad value

/** [what, document, field, texts the message must contain besides the file] */
const BAD: [string, unknown, string | null, string[]][] = [
  // wrong type
  ['hiddenSize as a string', ok({ model: { hiddenSize: '16' } }), 'model.hiddenSize', ['model.hiddenSize', 'got "16"']],
  ['epochs not an integer', ok({ training: { epochs: 2.5 } }), 'training.epochs', ['training.epochs', 'got 2.5']],
  ['coupled as a string', ok({ model: { coupled: 'yes' } }), 'model.coupled', ['model.coupled', 'got "yes"']],
  ['learningRate as a string', ok({ training: { learningRate: '0.1' } }), 'training.learningRate', ['training.learningRate', 'got "0.1"']],
  ['features as a string', ok({ data: { features: 'value' } }), 'data.features', ['data.features', 'got "value"']],
  ['features with an empty name', ok({ data: { features: ['a', ''] } }), 'data.features', ['data.features', 'got ["a",""]']],
  ['sequenceId as a number', ok({ data: { sequenceId: 3 } }), 'data.sequenceId', ['data.sequenceId', 'got 3']],
  ['file missing', { data: {} }, 'data.file', ['data.file', 'got undefined']],
  ['file blank', { data: { file: '  ' } }, 'data.file', ['data.file', 'got "  "']],
  ['model not an object', ok({ model: ['lstm'] }), 'model', ['"model" must be an object', 'got ["lstm"]']],
  ['window not an object', ok({ data: { window: 5 } }), 'data.window', ['data.window', 'got 5']],
  ['transforms not an object', ok({ data: { transforms: 'diff' } }), 'data.transforms', ['data.transforms', '"diff"']],
  // out of range
  ['hiddenSize 0', ok({ model: { hiddenSize: 0 } }), 'model.hiddenSize', ['model.hiddenSize', 'from 1 to 1024', 'got 0']],
  ['hiddenSize 1025', ok({ model: { hiddenSize: 1025 } }), 'model.hiddenSize', ['model.hiddenSize', 'got 1025']],
  ['layers 9', ok({ model: { layers: 9 } }), 'model.layers', ['model.layers', 'got 9']],
  ['seed 2^31', ok({ training: { seed: 2 ** 31 } }), 'training.seed', ['training.seed', 'got 2147483648']],
  ['negative clip', ok({ training: { clip: -1 } }), 'training.clip', ['training.clip', 'got -1']],
  ['learningRate 101', ok({ training: { learningRate: 101 } }), 'training.learningRate', ['training.learningRate', 'got 101']],
  ['validation 0.95', ok({ data: { validation: 0.95 } }), 'data.validation', ['data.validation', 'got 0.95']],
  ['window length 1', ok({ data: { window: { length: 1 } } }), 'data.window.length', ['data.window.length', 'got 1']],
  ['window stride 0', ok({ data: { window: { length: 4, stride: 0 } } }), 'data.window.stride', ['data.window.stride', 'got 0']],
  ['learningRate 0', ok({ training: { learningRate: 0 } }), 'training.learningRate', ['training.learningRate', 'greater than 0']],
  // unknown enum values
  ['cell "rnn"', ok({ model: { cell: 'rnn' } }), 'model.cell', ['model.cell', '"lstm"', 'got "rnn"']],
  ['activation "softplus"', ok({ model: { activation: 'softplus' } }), 'model.activation', ['model.activation', 'got "softplus"']],
  ['init "xavier"', ok({ model: { init: 'xavier' } }), 'model.init', ['model.init', 'got "xavier"']],
  ['optimizer "rmsprop"', ok({ training: { optimizer: 'rmsprop' } }), 'training.optimizer', ['training.optimizer', 'got "rmsprop"']],
  ['task "forecast"', ok({ data: { task: 'forecast' } }), 'data.task', ['data.task', 'got "forecast"']],
  ['missing "zero"', ok({ data: { missing: 'zero' } }), 'data.missing', ['data.missing', 'got "zero"']],
  ['split "random"', ok({ data: { split: 'random' } }), 'data.split', ['data.split', 'got "random"']],
  ['transform "log"', ok({ data: { transforms: { close: 'log' } } }), 'data.transforms', ['data.transforms["close"]', 'got "log"']],
  ['cell in the wrong case', ok({ model: { cell: 'LSTM' } }), 'model.cell', ['model.cell', 'got "LSTM"']],
  // unknown keys, in each section and at the top
  ['unknown data key', ok({ data: { sequence: 'id' } }), 'data.sequence', ['data has no setting "sequence"']],
  ['unknown model key', ok({ model: { hidden_size: 8 } }), 'model.hidden_size', ['model has no setting "hidden_size"', 'hiddenSize']],
  ['unknown training key', ok({ training: { lr: 0.1 } }), 'training.lr', ['training has no setting "lr"', 'learningRate']],
  ['unknown window key', ok({ data: { window: { length: 4, size: 2 } } }), 'data.window.size', ['data.window has no setting "size"']],
  ['unknown top-level key', ok({ modle: {} }), 'modle', ['unknown key "modle"']],
  // version
  ['version 2', ok({ version: 2 }), 'version', ['version 2 is not supported', `version ${EXPERIMENT_VERSION}`]],
  ['version "1"', ok({ version: '1' }), 'version', ['version "1" is not supported']],
  // missing required parts
  ['window without length', ok({ data: { window: { stride: 2 } } }), 'data.window.length', ['data.window.length is required']],
];

test(`every kind of bad value is an ExperimentError naming the file, the field and the value (${BAD.length} cases)`, () => {
  const failures: string[] = [];
  for (const [what, doc, field, texts] of BAD) {
    const e = experimentError(() => parseExperiment(doc, FILE), what);
    if (!e.message.startsWith(`${FILE}:`)) failures.push(`${what}: message does not start with the file: ${e.message}`);
    if (e.field !== field) failures.push(`${what}: field ${e.field}, expected ${field}`);
    for (const t of texts) if (!e.message.includes(t)) failures.push(`${what}: "${e.message}" does not mention ${t}`);
    // the same document as text gives the same message
    const e2 = experimentError(() => parseExperimentText(JSON.stringify(doc), FILE), `${what} (text)`);
    if (e2.message !== e.message) failures.push(`${what}: text and object messages differ`);
  }
  assert.deepEqual(failures, []);
});

test('non-objects and bad values from the defaults patch or overrides are errors too', () => {
  for (const doc of [null, [], 'x', 3]) {
    const e = experimentError(() => parseExperiment(doc, FILE), JSON.stringify(doc));
    assert.equal(e.message, `${FILE}: an experiment must be a JSON object`);
  }
  // a bad value in the settings' defaults is not silently used
  const d = experimentError(() => parseExperiment(ok(), FILE, { model: { hiddenSize: 0 } }), 'defaults hiddenSize 0');
  assert.equal(d.field, 'model.hiddenSize');
  // overrides are validated like the file
  const o = experimentError(() => parseExperimentText(JSON.stringify(ok()), FILE, {}, { training: { optimizer: 'lbfgs' as never } }), 'override optimizer');
  assert.equal(o.field, 'training.optimizer');
  assert.match(o.message, /got "lbfgs"/);
  // the document for a CSV trained directly is named "options" by the worker
  const c = experimentError(() => parseExperiment(withOverrides({ data: { file: 'a.csv' } }, { model: { layers: 0 } }), 'options'), 'options layers');
  assert.match(c.message, /^options: model\.layers must be an integer from 1 to 8; got 0$/);
});

// ---------------------------------------------------------------------------------------------------------------
// JSON syntax errors

/** Line and column (1-based) of character index `i` in `text`, counted independently of the parser. */
function lineCol(text: string, i: number): [number, number] {
  let line = 1;
  let col = 1;
  for (let k = 0; k < i; k++) {
    if (text[k] === '\n') { line++; col = 1; } else col++;
  }
  return [line, col];
}

test('JSON syntax errors give the line and column of the offending character', () => {
  const cases: [string, string, number, number][] = [
    ['trailing comma', '{\n  "data": {"file": "a.csv"},\n}', 3, 1],
    ['missing comma', '{\n  "data": {\n    "file": "a.csv"\n  }\n  "model": {}\n}', 5, 3],
    ['trailing comma on one line', '{"data": {"file": "a.csv"},}', 1, 28],
    ['single quotes', '{\n  "data": {\n    \'file\': "a.csv"\n  }\n}', 3, 5],
    ['CRLF line ends', '{\r\n  "data": {"file": "a.csv"},\r\n}', 3, 1],
  ];
  for (const [what, text, line, col] of cases) {
    const e = experimentError(() => parseExperimentText(text, FILE), what);
    assert.match(e.message, new RegExp(`^${FILE} line ${line}, column ${col}: not valid JSON \\(.+\\)$`), `${what}: ${e.message}`);
    assert.doesNotMatch(e.message, /position/, what);
  }
  // the expected numbers above agree with an independent count at the offending character
  assert.deepEqual(lineCol(cases[0][1], cases[0][1].lastIndexOf('}')), [3, 1]);
  assert.deepEqual(lineCol(cases[1][1], cases[1][1].indexOf('"model"')), [5, 3]);
  // input that ends too early has no position to report, but still names the file
  const end = experimentError(() => parseExperimentText('{"data": ', FILE), 'truncated');
  assert.match(end.message, new RegExp(`^${FILE}(:| line \\d+, column \\d+:) not valid JSON`));
});

test('a byte-order mark is accepted and does not shift the reported column', () => {
  assert.equal(parseExperimentText(`\uFEFF${JSON.stringify(ok())}`, FILE).data.file, 'a.csv');
  const e = experimentError(() => parseExperimentText('\uFEFF{\n  "data": {"file": "a.csv"},\n}', FILE), 'BOM + trailing comma');
  assert.match(e.message, new RegExp(`^${FILE} line 3, column 1: not valid JSON`));
});

// ---------------------------------------------------------------------------------------------------------------
// suggestion, dataset spec, round trip

test('suggestExperiment writes the suggested roles for samples/adding-50.csv', async () => {
  const table = await readCsv(fromRoot('samples/adding-50.csv'));
  const exp = suggestExperiment(table, 'adding-50.csv');
  assert.deepEqual(exp.data, {
    file: 'adding-50.csv', features: ['value', 'marker'], targets: ['target'], sequenceId: 'sequence', label: null, time: 'step',
    task: 'regress', transforms: {}, missing: 'error', validation: 0.2,
  });
  // a wide file gets its layout written out
  const wide = suggestExperiment(parseCsvText('YEAR,JAN,FEB,MAR,APR,MAY,JUN,JUL,AUG,SEP,OCT,NOV,DEC\n1950,1,2,3,4,5,6,7,8,9,10,11,12\n1951,2,3,4,5,6,7,8,9,10,11,12,13\n', 'w.csv'), 'w.csv');
  assert.equal(wide.data.layout, 'wide');
  assert.equal(wide.data.time, 'YEAR');
  assert.deepEqual(exp.model, EXPERIMENT_DEFAULTS.model);
  assert.deepEqual(exp.training, EXPERIMENT_DEFAULTS.training);
  // the settings' defaults go into the new file
  const withDefaults = suggestExperiment(table, 'adding-50.csv', { model: { cell: 'gru', hiddenSize: 4 }, training: { epochs: 3 } });
  assert.equal(withDefaults.model.cell, 'gru');
  assert.equal(withDefaults.model.hiddenSize, 4);
  assert.equal(withDefaults.training.epochs, 3);
  assert.equal(withDefaults.training.batchSize, EXPERIMENT_DEFAULTS.training.batchSize);
});

test('suggestExperiment on samples/intraday-sessions.csv: a label means classification', async () => {
  const table = await readCsv(fromRoot('samples/intraday-sessions.csv'));
  const exp = suggestExperiment(table, '../samples/intraday-sessions.csv');
  assert.equal(exp.data.file, '../samples/intraday-sessions.csv');
  assert.equal(exp.data.label, 'label');
  assert.equal(exp.data.sequenceId, 'session');
  assert.equal(exp.data.time, 'minute');
  assert.deepEqual(exp.data.features, ['return_pct']);
  assert.equal(exp.data.task, 'classify');
});

/** A small in-memory table with a price column (suggested log-returns). */
const PRICES = parseCsvText([
  'session,minute,close,volume,label',
  'A,1,10,5,up', 'A,2,11,6,up', 'B,1,9,7,down', 'B,2,8,3,down', 'C,1,9,7,up', 'C,2,9.5,4,up',
].join('\n') + '\n', 'prices.csv');

test('experimentToText output parses back to the same experiment', async () => {
  const tables = [
    await readCsv(fromRoot('samples/adding-50.csv')),
    await readCsv(fromRoot('samples/intraday-sessions.csv')),
    PRICES,
  ];
  for (const table of tables) {
    const exp = suggestExperiment(table, 'data/x.csv', { model: { cell: 'vanilla', activation: 'relu' }, training: { seed: 7 } });
    const text = experimentToText(exp);
    assert.ok(text.endsWith('}\n') && !text.endsWith('\n\n'), 'one final newline');
    assert.ok(text.startsWith(`{\n  "version": ${EXPERIMENT_VERSION},\n  "data": {\n    "file": "data/x.csv",`), text.slice(0, 80));
    assert.deepEqual(Object.keys(JSON.parse(text)), ['version', 'data', 'model', 'training']);
    assert.deepEqual(parseExperimentText(text, 'x.rnn.json'), exp);
  }
  // transforms and a layout survive the round trip
  const prices = { ...suggestExperiment(PRICES, 'prices.csv') };
  prices.data = { ...prices.data, transforms: { close: 'log-returns' }, layout: 'long' };
  assert.deepEqual(parseExperimentText(experimentToText(prices), 'p.rnn.json').data.transforms, { close: 'log-returns' });
  assert.equal(parseExperimentText(experimentToText(prices), 'p.rnn.json').data.layout, 'long');
  // a hand-written experiment with every optional field survives too
  const full: Experiment = parseExperiment(ok({
    data: { features: ['a'], targets: ['b'], sequenceId: null, label: null, time: 't', task: 'next-step', transforms: { a: 'diff' }, missing: 'drop', window: { length: 5, stride: 2 }, validation: 0, split: 'time' },
    model: { cell: 'gated', coupled: true, residual: true, layers: 3 },
    training: { optimizer: 'momentum', tbptt: 10, patience: 4, clip: 0, epochs: 'auto', batchSize: 7 },
  }), FILE);
  assert.deepEqual(parseExperimentText(experimentToText(full), FILE), full);
});

test('resolveData: the experiment\'s roles where given, the suggestion elsewhere', async () => {
  const table = await readCsv(fromRoot('samples/adding-50.csv'));
  const parse = (data: Json) => parseExperiment({ data: { file: 'adding-50.csv', ...data } }, FILE).data;

  const plain = resolveData(table, parse({}));
  assert.deepEqual(plain.spec.roles, { features: ['value', 'marker'], targets: ['target'], sequenceId: 'sequence', label: null, time: 'step' });
  assert.equal(plain.spec.task, 'regress');
  assert.equal(plain.rolesGiven, false);
  // the suggested roles written out are not "given by hand"
  assert.equal(resolveData(table, parse({ features: ['value', 'marker'], targets: ['target'], sequenceId: 'sequence', time: 'step' })).rolesGiven, false);

  // an explicit null means "no such column", not "suggest one"
  const whole = resolveData(table, parse({ sequenceId: null, time: null })).spec;
  assert.equal(whole.roles.sequenceId, null);
  assert.equal(whole.roles.time, null);

  // a column given another role explicitly leaves the suggested features
  const t = resolveData(table, parse({ targets: ['marker'] }));
  assert.deepEqual(t.spec.roles.targets, ['marker']);
  assert.deepEqual(t.spec.roles.features, ['value', 'marker']);
  assert.equal(t.spec.task, 'next-step', 'a target given by hand is forecast');
  assert.equal(t.rolesGiven, true);
  // ... but explicit features are used as written
  const f = resolveData(table, parse({ features: ['value', 'marker', 'step'], targets: ['marker'] })).spec;
  assert.deepEqual(f.roles.features, ['value', 'marker', 'step']);

  // settings pass through
  const s = resolveData(table, parse({ window: { length: 5 }, validation: 0.3, split: 'time', missing: 'interpolate', task: 'next-step', transforms: { value: 'diff' } })).spec;
  assert.deepEqual(s.window, { length: 5 });
  assert.equal(s.validation, 0.3);
  assert.equal(s.split, 'time');
  assert.equal(s.missing, 'interpolate');
  assert.equal(s.task, 'next-step');
  assert.deepEqual(s.transforms, { value: 'diff' });

  // a label set explicitly means classification; a suggested label removed explicitly falls back to next-step
  const labelled = resolveData(table, parse({ label: 'marker' })).spec;
  assert.equal(labelled.task, 'classify');
  assert.equal(labelled.roles.features.includes('marker'), false);
  const sessions = await readCsv(fromRoot('samples/intraday-sessions.csv'));
  const noLabel = resolveData(sessions, parseExperiment({ data: { file: 'i.csv', label: null } }, FILE).data).spec;
  assert.equal(noLabel.roles.label, null);
  assert.equal(noLabel.task, 'next-step');

  // a wide file reads long unless the layout says otherwise
  const wideText = 'YEAR,JAN,FEB,MAR,APR,MAY,JUN,JUL,AUG,SEP,OCT,NOV,DEC,ANNUAL\n' + Array.from({ length: 6 }, (_, y) => `${1950 + y},${Array.from({ length: 12 }, (_, m) => 20 + y + Math.sin(m)).join(',')},0`).join('\n') + '\n';
  const wideTable = parseCsvText(wideText, 'w.csv');
  const wide = resolveData(wideTable, {});
  assert.ok(wide.layout);
  assert.equal(wide.table.rowCount, 72);
  assert.deepEqual(wide.table.columns.map((c) => c.name), ['YEAR', 'month', 'value']);
  assert.deepEqual(wide.suggestion.timeAxis?.columns, ['YEAR', 'month']);
  assert.deepEqual(wide.spec.roles.targets, ['value']);
  assert.match(wide.notes.join(' '), /12 months per row \(JAN … DEC\), one row per "YEAR": read as one series in reading order; "ANNUAL" left out/);
  assert.equal(wide.table.lineOf(13), 3, 'long row 13 is the second month of line 3');
  const long = resolveData(wideTable, { layout: 'long' });
  assert.equal(long.layout, null);
  assert.equal(long.table, wideTable);
  assert.throws(() => resolveData(PRICES, { layout: 'wide' }), /layout "wide" needs columns named as successive periods/);
});

test('resolveData: targets given by hand on a file suggested for classification are forecast (found by the fuzzer)', async () => {
  const sessions = await readCsv(fromRoot('samples/intraday-sessions.csv'));
  assert.equal(resolveData(sessions, {}).spec.task, 'classify');
  const byHand = resolveData(sessions, { targets: ['return_pct'] }).spec;
  assert.equal(byHand.task, 'next-step');
  assert.deepEqual(byHand.roles.targets, ['return_pct']);
  assert.equal(resolveData(sessions, { targets: ['return_pct'], task: 'classify' }).spec.task, 'classify');
});

test('planTraining: the given numbers, or sizes chosen from the training set', () => {
  const auto = planTraining(EXPERIMENT_DEFAULTS.training, { train: new Array(90) });
  assert.equal(auto.batchSize, 5);
  assert.equal(auto.epochs, 84);
  assert.equal(auto.patience, 17);
  assert.match(auto.notes.join(' '), /batch size 5 \(90 training samples\).*84 epochs.*early stopping after 17 epochs/);
  const big = planTraining(EXPERIMENT_DEFAULTS.training, { train: new Array(20000) });
  assert.deepEqual([big.batchSize, big.epochs, big.patience], [32, 20, 0]);
  const given = planTraining({ ...EXPERIMENT_DEFAULTS.training, epochs: 3, batchSize: 64, patience: 2 }, { train: new Array(10) });
  assert.deepEqual([given.batchSize, given.epochs, given.patience], [10, 3, 2]);
  assert.match(given.notes.join(' '), /batch size 10: the training set has only 10 samples/);
});

// ---------------------------------------------------------------------------------------------------------------
// the JSON schema agrees with the parser

const schema = readJson('media/experiment.schema.json');
const S = {
  data: schema.properties.data as Json,
  model: schema.properties.model as Json,
  training: schema.properties.training as Json,
};
const windowObject = (S.data.properties.window.oneOf as Json[]).find((o) => o.type === 'object') as Json;

/** The keys a section accepts, read from the parser's own "known: …" error message. */
function parserKeys(doc: Json): string[] {
  const e = experimentError(() => parseExperiment(doc, FILE), 'unknown key');
  const m = /\(known: ([^)]*)\)$/.exec(e.message);
  assert.ok(m, e.message);
  return m[1].split(', ');
}

test('schema: each section is closed and lists exactly the keys the parser accepts', () => {
  assert.equal(schema.additionalProperties, false);
  assert.equal(schema.type, 'object');
  for (const name of ['data', 'model', 'training'] as const) {
    assert.equal(S[name].additionalProperties, false, `${name}.additionalProperties`);
    assert.equal(S[name].type, 'object', name);
  }
  assert.equal(windowObject.additionalProperties, false, 'data.window.additionalProperties');
  const sorted = (xs: string[]) => [...xs].sort();
  const model = [...Object.keys(EXPERIMENT_DEFAULTS.model), 'equations'];
  const training = Object.keys(EXPERIMENT_DEFAULTS.training);
  assert.deepEqual(sorted(Object.keys(S.model.properties)), sorted(model));
  assert.deepEqual(sorted(Object.keys(S.training.properties)), sorted(training));
  // the parser's lists, as it reports them
  assert.deepEqual(sorted(parserKeys(ok({ model: { zz: 1 } }))), sorted(model));
  assert.deepEqual(sorted(parserKeys(ok({ training: { zz: 1 } }))), sorted(training));
  const data = parserKeys(ok({ data: { zz: 1 } }));
  assert.ok(data.includes('file') && data.includes('window'), data.join());
  assert.deepEqual(sorted(Object.keys(S.data.properties)), sorted(data));
  assert.deepEqual(sorted(Object.keys(windowObject.properties)), sorted(parserKeys(ok({ data: { window: { length: 3, zz: 1 } } }))));
  // top level: every key of the schema is accepted by the parser, and the schema's required parts are required
  const top = Object.keys(schema.properties);
  assert.deepEqual(sorted(top), sorted(['$schema', 'version', 'description', 'data', 'model', 'training']));
  const valid: Json = { $schema: 'x', version: EXPERIMENT_VERSION, description: 'd', data: { file: 'a.csv' }, model: {}, training: {} };
  for (const k of top) assert.doesNotThrow(() => parseExperiment({ data: { file: 'a.csv' }, [k]: valid[k] }, FILE), k);
  assert.deepEqual(schema.required, ['data']);
  assert.deepEqual(S.data.required, ['file']);
  assert.deepEqual(windowObject.required, ['length']);
  assert.equal(schema.properties.version.const, EXPERIMENT_VERSION);
});

/** Where each enum of the parser lives in the schema. */
const ENUM_AT: Record<keyof typeof EXPERIMENT_ENUMS, Json> = {
  layout: S.data.properties.layout,
  cell: S.model.properties.cell,
  activation: S.model.properties.activation,
  init: S.model.properties.init,
  optimizer: S.training.properties.optimizer,
  task: S.data.properties.task,
  missing: S.data.properties.missing,
  split: S.data.properties.split,
  transform: S.data.properties.transforms.additionalProperties,
  precision: S.training.properties.precision,
};

test('schema: enums equal EXPERIMENT_ENUMS', () => {
  assert.deepEqual(Object.keys(ENUM_AT).sort(), Object.keys(EXPERIMENT_ENUMS).sort());
  for (const [name, values] of Object.entries(EXPERIMENT_ENUMS)) {
    const at = ENUM_AT[name as keyof typeof EXPERIMENT_ENUMS];
    assert.ok(at, name);
    assert.deepEqual(at.enum, [...values], name);
  }
});

/** Where each range of the parser lives in the schema, and how to put a value there in a document. */
const LIMIT_AT: Record<keyof typeof EXPERIMENT_LIMITS, [Json, (v: number) => Json]> = {
  hiddenSize: [S.model.properties.hiddenSize, (v) => ok({ model: { hiddenSize: v } })],
  layers: [S.model.properties.layers, (v) => ok({ model: { layers: v } })],
  epochs: [S.training.properties.epochs, (v) => ok({ training: { epochs: v } })],
  batchSize: [S.training.properties.batchSize, (v) => ok({ training: { batchSize: v } })],
  learningRate: [S.training.properties.learningRate, (v) => ok({ training: { learningRate: v } })],
  clip: [S.training.properties.clip, (v) => ok({ training: { clip: v } })],
  tbptt: [S.training.properties.tbptt, (v) => ok({ training: { tbptt: v } })],
  patience: [S.training.properties.patience, (v) => ok({ training: { patience: v } })],
  seed: [S.training.properties.seed, (v) => ok({ training: { seed: v } })],
  validation: [S.data.properties.validation, (v) => ok({ data: { validation: v } })],
  windowLength: [windowObject.properties.length, (v) => ok({ data: { window: { length: v } } })],
};

test('schema: minimum, maximum and integer-ness equal EXPERIMENT_LIMITS and what the parser accepts', () => {
  assert.deepEqual(Object.keys(LIMIT_AT).sort(), Object.keys(EXPERIMENT_LIMITS).sort());
  const accepts = (doc: Json): boolean => {
    try {
      parseExperiment(doc, FILE);
      return true;
    } catch (e) {
      if (e instanceof ExperimentError) return false;
      throw e;
    }
  };
  for (const [name, [lo, hi]] of Object.entries(EXPERIMENT_LIMITS)) {
    const [at, put] = LIMIT_AT[name as keyof typeof EXPERIMENT_LIMITS];
    // fields that also take "auto" have the number in one branch of anyOf
    const prop = at.anyOf ? (at.anyOf as Json[]).find((b) => b.type === 'integer' || b.type === 'number') as Json : at;
    if (at.anyOf) {
      assert.deepEqual((at.anyOf as Json[]).find((b) => b !== prop), { const: 'auto' }, `${name}: the other branch is "auto"`);
      assert.equal(accepts(ok({ training: { [name]: 'auto' } })), true, `${name}: the parser accepts "auto"`);
      assert.equal(accepts(ok({ training: { [name]: 'Auto' } })), false, `${name}: and only that word`);
    }
    assert.equal(prop.maximum, hi, `${name}.maximum`);
    assert.equal(accepts(put(hi)), true, `${name}: the parser accepts the maximum`);
    assert.equal(accepts(put(hi + 1)), false, `${name}: the parser rejects above the maximum`);
    // the lower end is either inclusive in both or exclusive in both (learningRate: > 0)
    if (prop.exclusiveMinimum !== undefined) {
      assert.equal(prop.exclusiveMinimum, lo, `${name}.exclusiveMinimum`);
      assert.equal(prop.minimum, undefined, `${name}: both minimum and exclusiveMinimum`);
      assert.equal(accepts(put(lo)), false, `${name}: the schema excludes ${lo}, so must the parser`);
    } else {
      assert.equal(prop.minimum, lo, `${name}.minimum`);
      assert.equal(accepts(put(lo)), true, `${name}: the parser accepts the minimum`);
    }
    assert.equal(accepts(put(lo - 1)), false, `${name}: the parser rejects below the minimum`);
    // "integer" in the schema exactly where the parser rejects fractions
    assert.ok(['integer', 'number'].includes(prop.type), `${name}.type`);
    assert.equal(accepts(put(lo + 0.5)), prop.type === 'number', `${name}: type ${prop.type}, so ${lo + 0.5} is ${prop.type === 'number' ? 'accepted' : 'rejected'}`);
  }
  // the window stride has its own range in both
  assert.equal(windowObject.properties.stride.type, 'integer');
  assert.equal(windowObject.properties.stride.minimum, 1);
  assert.equal(windowObject.properties.stride.maximum, EXPERIMENT_LIMITS.windowLength[1]);
  assert.equal(accepts(ok({ data: { window: { length: 3, stride: 1 } } })), true);
  assert.equal(accepts(ok({ data: { window: { length: 3, stride: EXPERIMENT_LIMITS.windowLength[1] + 1 } } })), false);
});

test('schema: defaults equal EXPERIMENT_DEFAULTS and the parser\'s data defaults', () => {
  for (const section of ['model', 'training'] as const) {
    // model.equations has no default: only a custom cell has equations
    const fromSchema = Object.fromEntries(Object.entries(S[section].properties as Record<string, Json>).filter(([k]) => k !== 'equations').map(([k, p]) => [k, p.default]));
    assert.deepEqual(fromSchema, EXPERIMENT_DEFAULTS[section], section);
  }
  const data = parseExperiment({ data: { file: 'a.csv' } }, FILE).data;
  for (const [k, p] of Object.entries(S.data.properties as Record<string, Json>)) {
    if ('default' in p) assert.deepEqual(p.default, (data as unknown as Json)[k], `data.${k}`);
  }
  assert.deepEqual(['missing', 'validation'].filter((k) => !('default' in S.data.properties[k])), [], 'data defaults in the schema');
  // no window key or null: chosen from the data; "none": whole sequences
  assert.equal('window' in parseExperiment({ data: { file: 'a.csv' } }, FILE).data, false);
  assert.equal(parseExperiment({ data: { file: 'a.csv', window: null } }, FILE).data.window, null);
  assert.equal(parseExperiment({ data: { file: 'a.csv', window: 'none' } }, FILE).data.window, 'none');
});

test('samples/*.rnn.json parse (if there are any)', () => {
  const files = readdirSync(fromRoot('samples')).filter((f) => f.endsWith('.rnn.json'));
  for (const f of files) {
    const exp = parseExperimentText(readText(`samples/${f}`), `samples/${f}`);
    assert.ok(existsSync(fromRoot(`samples/${exp.data.file}`)), `${f}: data file ${exp.data.file} exists`);
  }
});

// ---------------------------------------------------------------------------------------------------------------
// the manifest

const pkg = readJson('package.json');
const contributes = pkg.contributes as Json;

const COMMANDS: [string, string][] = [
  ['rnnPlayground.openPlayground', 'Open Playground'],
  ['rnnPlayground.trainCsv', 'Train on This CSV'],
  ['rnnPlayground.trainCurrentFile', 'Train on Current File'],
  ['rnnPlayground.stopTraining', 'Stop Training'],
  ['rnnPlayground.verifyBound', 'Verify Vanishing-Gradient Bound on Current File'],
  ['rnnPlayground.compareCells', 'Compare Cells on Current File'],
  ['rnnPlayground.gradientCheck', 'Run Gradient Check'],
  ['rnnPlayground.newExperiment', 'New Experiment'],
  ['rnnPlayground.exportModel', 'Export Model'],
  ['rnnPlayground.loadModel', 'Load Model'],
];

test('manifest: the commands, their titles and category', () => {
  const declared = contributes.commands as Json[];
  const ids = declared.map((c) => c.command as string);
  assert.equal(new Set(ids).size, ids.length, 'no command declared twice');
  for (const [id, title] of COMMANDS) {
    const c = declared.find((x) => x.command === id);
    assert.ok(c, `${id} is declared`);
    assert.equal(c.title, title, id);
    assert.equal(c.category, 'RNN Playground', id);
  }
  for (const c of declared) assert.equal(c.category, 'RNN Playground', `${c.command} category`);
  for (const c of declared) assert.match(c.command, /^rnnPlayground\.[a-zA-Z]+$/);
});

/** The regex of a `resourceExtname =~ /…/flags` clause, evaluated as VS Code does. */
function extRegex(when: string): RegExp {
  const m = /resourceExtname\s*=~\s*\/((?:\\.|[^/\\])+)\/([a-z]*)/.exec(when);
  assert.ok(m, `no resourceExtname regex in "${when}"`);
  return new RegExp(m[1], m[2]);
}

test('manifest: Train on This CSV is on CSV files in the explorer and editor menus, hidden from the palette', () => {
  const menus = contributes.menus as Record<string, Json[]>;
  for (const menu of ['explorer/context', 'editor/context']) {
    const items = (menus[menu] ?? []).filter((i) => i.command === 'rnnPlayground.trainCsv');
    assert.equal(items.length, 1, `${menu} has trainCsv once`);
    const re = extRegex(items[0].when);
    for (const ext of ['.csv', '.CSV']) assert.equal(re.test(ext), true, `${menu}: ${re} matches ${ext}`);
    for (const ext of ['.json', '.txt', '.csvx', '.xcsv', '']) assert.equal(re.test(ext), false, `${menu}: ${re} does not match ${ext}`);
  }
  const palette = (menus.commandPalette ?? []).filter((i) => i.command === 'rnnPlayground.trainCsv');
  assert.deepEqual(palette.map((i) => i.when), ['false']);
});

test('manifest: every command used in menus, walkthrough links and completion events is declared', () => {
  const ids = new Set((contributes.commands as Json[]).map((c) => c.command as string));
  const used: string[] = [];
  for (const [menu, items] of Object.entries(contributes.menus as Record<string, Json[]>)) {
    for (const i of items) {
      assert.equal(typeof i.command, 'string', `${menu} item without a command`);
      used.push(i.command);
    }
  }
  for (const w of contributes.walkthroughs as Json[]) {
    for (const s of w.steps as Json[]) {
      for (const m of (s.description as string).matchAll(/\(command:([\w.]+)/g)) used.push(m[1]);
      for (const ev of (s.completionEvents ?? []) as string[]) if (ev.startsWith('onCommand:')) used.push(ev.slice('onCommand:'.length));
    }
  }
  assert.ok(used.length > 10, `found ${used.length} uses`);
  assert.deepEqual(used.filter((u) => !ids.has(u)), []);
});

test('manifest: activity bar container, webview view, schema, walkthrough media, trust', () => {
  const container = (contributes.viewsContainers.activitybar as Json[]).find((c) => c.title === 'RNN Playground');
  assert.ok(container, 'activity-bar container "RNN Playground"');
  assert.ok(existsSync(fromRoot(container.icon)), `container icon ${container.icon}`);
  const views = contributes.views[container.id] as Json[];
  assert.ok(views?.some((v) => v.type === 'webview'), 'a webview view in the container');
  const sidebarSource = readText('src/extension/sidebarView.ts');
  for (const v of views.filter((x) => x.type === 'webview')) {
    assert.ok(sidebarSource.includes(`'${v.id}'`), `view ${v.id} is the one the provider registers`);
  }

  const validation = (contributes.jsonValidation as Json[]).filter((j) => j.fileMatch === '*.rnn.json' || (Array.isArray(j.fileMatch) && j.fileMatch.includes('*.rnn.json')));
  assert.equal(validation.length, 1, 'one jsonValidation for *.rnn.json');
  assert.ok(existsSync(fromRoot(validation[0].url)), `schema ${validation[0].url} exists`);
  assert.deepEqual(readJson(validation[0].url), schema, 'the contributed schema is the one tested above');

  const media: string[] = [];
  for (const w of contributes.walkthroughs as Json[]) {
    for (const s of w.steps as Json[]) {
      for (const v of Object.values(s.media as Record<string, unknown>)) {
        if (typeof v === 'string') media.push(v);
        else if (v && typeof v === 'object') media.push(...Object.values(v as Record<string, string>).filter((x) => typeof x === 'string'));
      }
    }
  }
  assert.ok(media.length >= 1, 'walkthrough media listed');
  assert.deepEqual(media.filter((m) => !existsSync(fromRoot(m))), [], 'missing walkthrough media');

  assert.equal(pkg.capabilities.untrustedWorkspaces.supported, false);
});

const settings = contributes.configuration.properties as Record<string, Json>;
const defaultSettings = Object.keys(settings).filter((k) => k.startsWith('rnnPlayground.defaults.'));
const fieldDefaults = { ...EXPERIMENT_DEFAULTS.model, ...EXPERIMENT_DEFAULTS.training } as Record<string, unknown>;

test('manifest: every setting read in settings.ts is declared; defaults.* defaults equal EXPERIMENT_DEFAULTS', () => {
  const source = readText('src/extension/settings.ts');
  const keys = [...source.matchAll(/\bget\(\s*'([^']+)'/g)].map((m) => m[1]);
  assert.ok(keys.length >= 14, `found ${keys.length} settings in settings.ts`);
  assert.deepEqual(keys.filter((k) => !(`rnnPlayground.${k}` in settings)), [], 'settings read but not declared');

  assert.ok(defaultSettings.length >= 11, 'defaults.* settings declared');
  const problems: string[] = [];
  for (const key of defaultSettings) {
    const field = key.slice('rnnPlayground.defaults.'.length);
    if (!(field in fieldDefaults)) problems.push(`${key}: not a model or training field`);
    // an empty (null) setting leaves the built-in "auto"
    else if ((settings[key].default ?? 'auto') !== fieldDefaults[field]) problems.push(`${key}: default ${JSON.stringify(settings[key].default)} ≠ ${JSON.stringify(fieldDefaults[field])}`);
  }
  assert.deepEqual(problems, []);
});

test('manifest: defaults.* settings allow exactly the values the parser accepts (enums, minimum, maximum)', () => {
  const problems: string[] = [];
  for (const key of defaultSettings) {
    const field = key.slice('rnnPlayground.defaults.'.length);
    const p = settings[key];
    // a default cell cannot carry equations: the settings offer every cell but "custom"
    const en = (EXPERIMENT_ENUMS as Record<string, readonly string[]>)[field]?.filter((v) => !(field === 'cell' && v === 'custom'));
    if (en && JSON.stringify([...p.enum ?? []].sort()) !== JSON.stringify([...en].sort())) problems.push(`${key}: enum ${JSON.stringify(p.enum)} ≠ ${JSON.stringify(en)}`);
    const lim = (EXPERIMENT_LIMITS as Record<string, readonly [number, number]>)[field];
    if (lim) {
      const lo = p.exclusiveMinimum ?? p.minimum;
      if (lo !== lim[0]) problems.push(`${key}: minimum ${lo} ≠ ${lim[0]}`);
      // a larger value passes VS Code's settings validation, then every experiment fails on it
      if (p.maximum !== lim[1]) problems.push(`${key}: maximum ${p.maximum} ≠ ${lim[1]}`);
    }
  }
  assert.deepEqual(problems, []);
});
