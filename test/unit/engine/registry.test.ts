/**
 * The cell registry (src/engine/cells/index.ts) is the one place a cell is described: what is generated from it is
 * up to date, each descriptor is complete and consistent with the engine, and a cell really is added in one file
 * plus one registry line (IndRNN, added that way, is named by at most 3 non-test source files).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import katex from 'katex';
import { CELLS, CELL_KINDS, cellVariants, createModel, modelConfig, gateCount, variantOf, type CellDescriptor } from '../../../src/engine/index';
import { EXPERIMENT_ENUMS, experimentToText, suggestExperiment } from '../../../src/data/experiment';
import { editExperimentText } from '../../../src/extension/experimentEdit';
import { parseCsvText } from '../../../src/data/csv';
import { CATALOG_KINDS, catalogVariant } from '../../../src/shared/protocol';
import { generatedFiles } from '../../../scripts/gen-catalog';

const ROOT = join(import.meta.dirname, '..', '..', '..');

test('the files generated from the registry are up to date (run `npm run gen:cells` after changing a cell)', () => {
  for (const f of generatedFiles()) {
    assert.equal(readFileSync(join(ROOT, f.path), 'utf8'), f.content, `${f.path} differs from what the registry generates: run npm run gen:cells`);
  }
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
  assert.deepEqual(pkg.contributes.configuration.properties['rnnPlayground.defaults.cell'].enum, CELL_KINDS);
  const schema = JSON.parse(readFileSync(join(ROOT, 'media', 'experiment.schema.json'), 'utf8'));
  // experiment files also take "custom" (with model.equations); the settings' default cell does not
  assert.deepEqual(schema.properties.model.properties.cell.enum, [...CELL_KINDS, 'custom']);
  assert.deepEqual([...EXPERIMENT_ENUMS.cell], [...CELL_KINDS, 'custom']);
  assert.deepEqual(schema.properties.model.then.required, ['equations']);
  assert.deepEqual(CATALOG_KINDS, CELL_KINDS);
});

test('every descriptor is complete: gates match the parameter layout, the equations typeset, the presets apply', () => {
  for (const v of cellVariants()) {
    const d = CELLS[v.cell] as CellDescriptor;
    const cfg = modelConfig({ ...v, inputSize: 3, hiddenSize: 4 });
    const variant = variantOf(cfg);
    const gates = d.gates(variant);
    assert.ok(gates.length >= 1, `${v.cell}: at least one block`);
    assert.equal(gateCount(cfg), gates.length);
    const model = createModel(cfg, { seed: 1 });
    const wh = model.layout.tensors.find((t) => t.name === 'weight_hh_l0');
    assert.deepEqual(wh?.shape, d.recurrent === 'diagonal' ? [gates.length * 4] : [gates.length * 4, 4], `${v.cell}: W_h shape`);
    assert.ok(d.candidateBlock(variant) >= 0 && d.candidateBlock(variant) < gates.length);
    if (d.bound.kind === 'additive') assert.ok(d.bound.block >= 0 && d.bound.block < gates.length);
    if (d.forgetBlock !== null) assert.ok(d.forgetBlock < gates.length);
    for (const line of d.equations(variant)) {
      assert.doesNotThrow(() => katex.renderToString(line.tex, { throwOnError: true }), `${v.cell}: ${line.tex}`);
      assert.ok(line.note.length > 10);
    }
    // the catalog the webviews read holds the same gates and equations
    const c = catalogVariant(v.cell, variant);
    assert.deepEqual(c?.gates, gates);
    assert.deepEqual(c?.equations, d.equations(variant));
    const mapping = d.torch(variant);
    assert.ok('native' in mapping || ('explicit' in mapping && mapping.explicit.step.length > 0));
  }
  // each preset's settings are valid edits of an experiment file
  const base = experimentToText(suggestExperiment(parseCsvText('t,x\n1,0.5\n2,0.7\n3,0.2\n4,0.9\n', 'x.csv'), 'x.csv'));
  for (const kind of CELL_KINDS) {
    for (const p of CELLS[kind].presets) {
      const { experiment } = editExperimentText(base, p.changes as never, `${p.id}.rnn.json`);
      for (const c of p.changes) {
        const [section, key] = c.field.split('.');
        assert.deepEqual((experiment as unknown as Record<string, Record<string, unknown>>)[section][key], c.value, `${p.id}: ${c.field}`);
      }
    }
  }
});

/** Source files under a folder, recursively. */
function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) return sources(p);
    return /\.(ts|mts|mjs|js)$/.test(name) ? [p] : [];
  });
}

test('a cell is one file and one registry line: IndRNN is named by at most 3 non-test source files', () => {
  const naming = ['src', 'webview', 'scripts'].flatMap((d) => sources(join(ROOT, d)))
    .filter((p) => /indrnn/i.test(readFileSync(p, 'utf8')))
    .map((p) => relative(ROOT, p));
  assert.ok(naming.length <= 3, naming.join(', '));
  assert.deepEqual(naming.sort(), ['src/engine/cells/index.ts', 'src/engine/cells/indrnn.ts', 'src/shared/cellCatalog.ts']);
});
