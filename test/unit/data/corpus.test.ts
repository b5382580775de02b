/**
 * The zero-configuration path on a corpus of real CSV files (test/fixtures/real, provenance in its README): for each
 * file, the roles a practitioner expects (corpus.json, written from the data, not from this code): the time axis, the
 * sequence id, a label candidate, targets among the measured variables and never a time, id or counter; the typo file
 * stops naming its line, column and value; files with gaps stop with the count and the choices.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { readCsv } from '../../../src/data/csv';
import { buildDataset, DataError } from '../../../src/data/dataset';
import { resolveData } from '../../../src/data/experiment';

const dir = fileURLToPath(new URL('../../fixtures/real/', import.meta.url));

interface Entry {
  file: string;
  layout: 'long' | 'wide';
  expected: {
    time: string[];
    sequenceId: string | null;
    label: string | null;
    targets: string[];
    neverTargets: string[];
    gaps: boolean;
    badCell: { line: number; column: string; value: string } | null;
  };
  alsoAcceptable?: { time?: string[] };
}

const corpus = JSON.parse(readFileSync(`${dir}corpus.json`, 'utf8')) as Entry[];
/** The reader names a column with an empty header "column N". */
const named = (name: string, index: number): string => (name === '' ? `column ${index + 1}` : name);

test(`the corpus has files of every layout (${corpus.length} files)`, () => {
  assert.ok(corpus.length >= 25);
  assert.ok(corpus.some((e) => e.layout === 'wide'));
  assert.ok(corpus.some((e) => e.expected.sequenceId !== null));
  assert.ok(corpus.some((e) => e.expected.badCell !== null));
  assert.ok(corpus.some((e) => e.expected.gaps));
});

for (const entry of corpus) {
  test(`roles of ${entry.file}`, async () => {
    const table = await readCsv(`${dir}${entry.file}`);
    const e = entry.expected;
    const r = resolveData(table, {});
    const s = r.suggestion;
    const why = JSON.stringify(s.reasons, null, 1);
    // the time axis: one of the expected columns (an empty header is "column 1")
    const axis = s.timeAxis?.columns ?? [];
    const expectedTime = [...e.time, ...(entry.alsoAcceptable?.time ?? [])].map((n) => named(n, table.columns.findIndex((c) => c.name === n || (n === '' && /^column \d+$/.test(c.name)))));
    if (e.time.length > 0) assert.ok(expectedTime.some((c) => axis.includes(c)), `time ${JSON.stringify(axis)}, expected one of ${JSON.stringify(expectedTime)}\n${why}`);
    if (entry.layout === 'wide') {
      assert.ok(r.layout, `${entry.file} is read wide`);
      assert.deepEqual(s.targets, ['value']);
      if (e.sequenceId) assert.equal(s.sequenceId, e.sequenceId);
    } else {
      assert.equal(s.sequenceId, e.sequenceId, `sequence id\n${why}`);
      assert.ok(s.targets.length > 0 && s.targets.some((t) => e.targets.includes(t)), `targets ${JSON.stringify(s.targets)}, expected among ${JSON.stringify(e.targets)}\n${why}`);
    }
    if (e.label) assert.equal(s.label, e.label, `label candidate\n${why}`);
    // never a time, an id or a counter as a feature or a target
    for (const n of e.neverTargets) {
      assert.ok(!s.targets.includes(n) && !s.features.includes(n), `"${n}" must not be a feature or target\n${why}`);
    }
    // every column has a reason
    for (const c of r.table.columns) assert.ok(s.reasons[c.name], `no reason for "${c.name}"`);
    // building the dataset: the typo and the gaps are named, never passed over
    try {
      const ds = buildDataset(r.table, r.spec);
      assert.equal(e.badCell, null, 'the typo was not reported');
      assert.ok(!e.gaps || !e.targets.some((t) => ds.targetNames.includes(t)), 'gaps in a target were not reported');
      for (const smp of [...ds.train, ...ds.validation]) for (const v of smp.x) assert.ok(Number.isFinite(v));
    } catch (err) {
      assert.ok(err instanceof DataError, String(err));
      if (e.badCell) {
        assert.match(err.message, new RegExp(`line ${e.badCell.line}, column "${e.badCell.column.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}".*found "${e.badCell.value.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}"`));
        assert.equal(err.line, e.badCell.line);
      } else if (e.gaps) {
        assert.match(err.message, /missing values? in the columns in use .* Choose how to fill them: --missing ffill .* interpolate .* drop/);
        assert.deepEqual([...err.fixes], ['ffill', 'interpolate', 'drop']);
      } else assert.fail(`unexpected error: ${err.message}`);
    }
  });
}
