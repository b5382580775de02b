import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { runGolden } from '../../../src/engine/index';

const load = (name: string): unknown => JSON.parse(readFileSync(new URL(`../../golden/${name}`, import.meta.url), 'utf8'));

test('the shipped PyTorch golden file matches to 1e-12 (outputs, gates, losses, gradients, Jacobians)', () => {
  const r = runGolden(load('torch-golden.json'));
  assert.equal(r.cases.length, 8);
  assert.deepEqual(r.skipped, []);
  for (const c of r.cases) {
    const names = c.items.map((i) => i.name);
    for (const must of ['h_all', 'h_T', 'half_sum_sq_final_h.grad.weight_hh_l0', 'mse_linear_head_all_steps.grad.W_y', 'mse_linear_head_all_steps.grad.x', 'jacobian_step_b0_t4']) {
      assert.ok(names.includes(must), `${c.model}/${c.init} compares ${must}`);
    }
    if (c.model === 'LSTM') assert.ok(names.includes('half_sum_sq_final_h.grad.c0') && names.includes('gates.f'));
    if (c.model === 'GRU') assert.ok(names.includes('gates.W_hn_h_plus_b_hn'));
    assert.ok(c.maxAbsErr <= 1e-12, `${c.model}/${c.init}: ${c.maxAbsErr}`);
  }
  assert.ok(r.maxAbsErr <= 1e-12);
  assert.ok(r.compared > 4000);
});

test('golden files of other sizes (generated with PyTorch) match to 1e-12', () => {
  // m = 16 runs the LSTM step in the SIMD kernel; m = 7 and 33 (odd) take the JS cells
  for (const [file, M] of [['torch-golden-d5-m7-t9-b3.json', 7], ['torch-golden-d1-m33-t4-b1.json', 33], ['torch-golden-d3-m16-t7-b5.json', 16]] as const) {
    const r = runGolden(load(file));
    assert.equal(r.sizes.hiddenSize, M);
    assert.equal(r.cases.length, 8);
    assert.ok(r.maxAbsErr <= 1e-12, `${file}: ${r.maxAbsErr}`);
  }
});

test('float32: PyTorch float32 vectors (make_golden.py --dtype float32) match the float32 products to 1e-5 relative', () => {
  const doc = load('torch-golden-float32-d5-m16-t12-b4.json') as { generator: { dtype: string } };
  assert.equal(doc.generator.dtype, 'float32');
  const r = runGolden(doc, 'float32');
  assert.equal(r.precision, 'float32');
  assert.equal(r.cases.length, 8);
  for (const c of r.cases) for (const it of c.items) assert.ok(it.maxRelErr <= 1e-5, `${c.model}/${c.init} ${it.name}: ${it.maxRelErr}`);
  // the check is not empty: float32 differs from PyTorch's float32 by rounding, not by nothing and not by more
  assert.ok(r.maxRelErr > 1e-9 && r.maxRelErr <= 1e-5, String(r.maxRelErr));
  // and the float64 file still matches to 1e-12 after a float32 check (the precision is restored)
  assert.ok(runGolden(load('torch-golden.json')).maxAbsErr <= 1e-12);
});

test('a golden file that disagrees is reported, not hidden', () => {
  const doc = load('torch-golden.json') as { models: { GRU: { cases: { outputs: { h_all: number[][][] } }[] } } };
  doc.models.GRU.cases[0].outputs.h_all[1][2][3] += 1e-6;
  const r = runGolden(doc);
  const gru = r.cases.find((c) => c.model === 'GRU' && c.init === 'zero');
  assert.ok(gru && gru.maxAbsErr > 9e-7 && gru.maxAbsErr < 2e-6);
  assert.ok(r.maxAbsErr > 1e-12);
});

test('a malformed golden file gives a clear error', () => {
  assert.throws(() => runGolden({ models: {} }), /shared_inputs/);
  assert.throws(() => runGolden({ shared_inputs: { x: [[[1]]], W_y: [[1]] }, models: { FOO: {} } }), /no model of a known kind/);
});
