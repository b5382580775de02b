import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  createModel, modelConfig, gradCheck, createWorkspace, forwardStack, finalState,
  type ModelConfig, type Batch,
  cellVariants, cellOf, CELL_KINDS,
} from '../../../src/engine/index';
import { randomBatch, randomState } from './helpers';

const TOL = 1e-5;
/** Every registered cell and variant (src/engine/cells/index.ts): a new cell is checked without editing this file. */
const CELLS = cellVariants();
const HEADS = [
  { readout: 'last', loss: 'mse', outputSize: 2 }, { readout: 'every', loss: 'mse', outputSize: 2 },
  { readout: 'last', loss: 'binary', outputSize: 1 }, { readout: 'last', loss: 'softmax', outputSize: 3 },
  { readout: 'every', loss: 'softmax', outputSize: 3 }, { readout: 'every', loss: 'binary', outputSize: 1 },
] as const;

function check(cfg: ModelConfig, lengths: number[], seed: number, label: string): void {
  const model = createModel(cfg, { seed });
  const { batch, targets } = randomBatch(cfg, lengths, seed + 1);
  const init = randomState(cfg, lengths.length, seed + 2);
  const r = gradCheck(model, batch, targets, { init });
  const names = r.entries.map((e) => e.name);
  assert.ok(names.includes('weight_hh_l0') && names.includes('h0_l0') && names.includes('x') && names.includes('head.bias'));
  if (cellOf(cfg.cell).cellState) assert.ok(names.includes('c0_l0'));
  const worst = r.entries.reduce((a, b) => (b.maxRelErr > a.maxRelErr ? b : a));
  assert.ok(r.maxRelErr < TOL, `${label}: ${worst.worstAt} analytic ${worst.analytic} numeric ${worst.numeric} (rel ${worst.maxRelErr})`);
  for (const e of r.entries) assert.ok(e.checked > 0, `${label}: ${e.name} checked`);
}

for (const c of CELLS) {
  for (const h of HEADS) {
    const label = `${c.cell}${'activation' in c ? '/' + c.activation : ''}${'coupled' in c ? '/coupled' : ''} ${h.readout}/${h.loss}`;
    test(`gradient check, one layer, masked batch of lengths 5,2,4: ${label}`, () => {
      check(modelConfig({ ...c, ...h, inputSize: 3, hiddenSize: 4 }), [5, 2, 4], 11, label);
    });
  }
  test(`gradient check, 3 stacked layers with residual connections: ${c.cell}${'activation' in c ? '/' + c.activation : ''}`, () => {
    check(modelConfig({ ...c, inputSize: 4, hiddenSize: 4, layers: 3, residual: true, readout: 'every', loss: 'mse', outputSize: 2 }), [6, 3], 21, 'stacked');
  });
}

test('gradient check of a truncated-BPTT chunk with state carried from the previous chunk', () => {
  for (const cell of CELL_KINDS) {
    const cfg = modelConfig({ cell, inputSize: 2, hiddenSize: 5, layers: 2, readout: 'every', loss: 'mse' });
    const model = createModel(cfg, { seed: 3 });
    const { batch, targets } = randomBatch(cfg, [8, 8], 4);
    // first chunk: steps 0..3, its final state seeds the second chunk
    const B = batch.B, D = batch.inputSize;
    const first: Batch = { T: 4, B, inputSize: D, x: batch.x.slice(0, 4 * B * D), lengths: new Int32Array([4, 4]) };
    const ws = createWorkspace(cfg, 4, B);
    forwardStack(model, ws, first);
    const carried = finalState(ws);
    const second: Batch = { T: 4, B, inputSize: D, x: batch.x.slice(4 * B * D), lengths: new Int32Array([4, 4]) };
    const r = gradCheck(model, second, targets.slice(4 * B), { init: carried });
    assert.ok(r.maxRelErr < TOL, `${cell}: ${r.maxRelErr}`);
    assert.ok(r.entries.some((e) => e.name === 'h0_l1' && e.checked > 0));
  }
});

test('a sabotaged backward pass fails the check', () => {
  const cfg = modelConfig({ cell: 'lstm', inputSize: 3, hiddenSize: 4 });
  const model = createModel(cfg, { seed: 5 });
  const { batch, targets } = randomBatch(cfg, [4, 4], 6);
  const f = model.layout.tensors.find((t) => t.name === 'weight_hh_l0')!;
  // drop the forget-gate block's gradient, as if ∂c/∂f were forgotten in the backward pass
  const r = gradCheck(model, batch, targets, {
    sabotage: (g) => g.fill(0, f.offset + 4 * 4, f.offset + 8 * 4),
  });
  assert.ok(r.maxRelErr > 1e-2, `sabotage detected: ${r.maxRelErr}`);
  assert.equal(r.entries.find((e) => e.maxRelErr > 1e-2)?.name, 'weight_hh_l0');
});
