/**
 * The chapter's claims as the CLI's `chapter` and the Chapter Lab measure them: the worked example against a
 * hand-written forward pass, the scalar table against its closed form, and the trained claims (gates, ReLU, residual
 * stacks) on their small budgets — each claim's measurable property asserted, and its sentence saying so.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CHAPTER_CLAIMS, deadUnitsClaim, gatesClaim, residualClaim, scalarClaim, tinyClaim } from '../../../src/data/chapter';
import { CHAPTER_TINY_RNN } from '../../../src/engine/index';
import { HORIZON_BUDGET, memoryHorizon } from '../../../src/data/horizon';

const sigmoid = (z: number): number => 1 / (1 + Math.exp(-z));

/** The tiny RNN written out: h_t = φ(W_h h_{t−1} + w_x x_t), ŷ = w_y · h_T. */
function byHand(phi: (z: number) => number, p = CHAPTER_TINY_RNN): { h: number[][]; yHat: number } {
  let h = [0, 0];
  const hs: number[][] = [];
  for (const x of p.x) {
    h = [0, 1].map((i) => phi(p.Wh[i][0] * h[0] + p.Wh[i][1] * h[1] + p.Wx[i] * x));
    hs.push(h);
  }
  return { h: hs, yHat: p.wy[0] * h[0] + p.wy[1] * h[1] };
}

test('a: the tiny RNN step by step equals the forward pass written out, for sigmoid and tanh; the chapter\'s printed values are the erratum', () => {
  const c = tinyClaim();
  for (const [r, phi] of [[c.sigmoid, sigmoid], [c.tanh, Math.tanh]] as const) {
    const want = byHand(phi);
    r.h.forEach((h, t) => h.forEach((v, i) => assert.ok(Math.abs(v - want.h[t][i]) < 1e-12, `h_${t + 1}[${i}]`)));
    assert.ok(Math.abs(r.yHat - want.yHat) < 1e-12);
  }
  assert.equal(c.sigmoid.h3[0].toFixed(4), '0.7100');
  assert.equal(c.sigmoid.yHat.toFixed(4), '1.2472');
  assert.ok(c.held && c.chapterParams);
  assert.match(c.sentence, /match neither activation \(an erratum\)/);
  // the same parameters in another key order (as they arrive from the lab) are still the chapter's
  assert.equal(tinyClaim({ wy: [1, 1], x: [0.5, 0.8, 0.6], Wx: [0.8, -0.3], Wh: [[0.5, 0.1], [0.1, 0.5]] }).chapterParams, true);
  // edited parameters: recomputed, no erratum talk
  const edited = tinyClaim({ ...CHAPTER_TINY_RNN, Wx: [-0.8, -0.3] });
  assert.equal(edited.chapterParams, false);
  assert.ok(Math.abs(edited.tanh.yHat - byHand(Math.tanh, { ...CHAPTER_TINY_RNN, Wx: [-0.8, -0.3] }).yHat) < 1e-12);
  assert.match(edited.sentence, /^With these parameters/);
  assert.throws(() => tinyClaim({ ...CHAPTER_TINY_RNN, Wh: [[1, 2]] }), /2 × 2 W_h/);
});

test('b: ∂h_T/∂h_1 of the scalar RNN against the closed form ∏ σ′(w_h h_{k−1}) w_h, and under 0.225^(T−1) for T = 2…100', () => {
  const c = scalarClaim(0.9, 'sigmoid', 100);
  assert.equal(c.rows.length, 99);
  assert.ok(Math.abs(c.factor - 0.225) < 1e-15);
  // closed form: inputs 0, h_0 = 0, h_k = σ(w_h h_{k−1}); ∂h_T/∂h_1 = ∏_{k=2..T} σ′(w_h h_{k−1}) w_h
  const h = [0];
  for (let k = 1; k <= 100; k++) h.push(sigmoid(0.9 * h[k - 1]));
  for (const r of c.rows) {
    let d = 1;
    for (let k = 2; k <= r.T; k++) d *= h[k] * (1 - h[k]) * 0.9;
    assert.ok(Math.abs(r.measured - d) <= 1e-9 * d, `T = ${r.T}: ${r.measured} vs ${d}`);
    assert.ok(r.measured <= r.bound, `T = ${r.T}`);
    assert.equal(r.bound, Math.pow(0.225, r.T - 1));
  }
  assert.ok(c.held);
  assert.match(c.sentence, /^The bound holds at every T from 2 to 100/);
  // tanh with w_h = 1.5: the factor exceeds 1 and the bound says nothing useful, but still holds
  const t = scalarClaim(1.5, 'tanh', 30);
  assert.equal(t.factor, 1.5);
  assert.ok(t.held);
});

test('d: trained on the adding problem, the LSTM\'s and the gated cell\'s write gates are more open at the two markers than between them', () => {
  const c = gatesClaim();
  assert.equal(c.runs.length, 2);
  for (const r of c.runs) {
    const write = r.cell === 'lstm' ? 'i' : 'beta';
    assert.ok(r.valLoss < 0.1 * r.baselineLoss, `${r.cell} learned the task: ${r.valLoss} vs ${r.baselineLoss}`);
    assert.ok(r.atMarkers[write] > r.between[write] + 0.05, `${r.cell}: ${write} ${r.atMarkers[write]} at the markers vs ${r.between[write]} between`);
    assert.equal(r.markers.length, 2);
    assert.equal(r.gates[0].mean.length, c.length);
    assert.equal(r.gates[0].units[0].length, 32);
  }
  assert.ok(c.held);
  assert.match(c.sentence, /^Holds: the write gate opens at the two marked steps/);
});

test('e: IRNN (identity W_h, relu) keeps the gradient further back than a ReLU RNN with the default initialisation; dead units are counted per epoch', () => {
  const c = deadUnitsClaim();
  const [plain, irnn] = c.runs;
  assert.equal(plain.init, 'pytorch');
  assert.equal(irnn.init, 'identity');
  assert.equal(plain.deadShare.length, 6, 'before training and after each of 5 epochs');
  assert.ok(irnn.effectiveMemory > plain.effectiveMemory, `${irnn.effectiveMemory} vs ${plain.effectiveMemory}`);
  for (const r of c.runs) for (const s of r.deadShare) assert.ok(s >= 0 && s <= 1);
  assert.ok(c.held);
  // the measured dead-unit shares are in the sentence, as they came out
  assert.ok(c.sentence.includes(`${(plain.deadShare[0] * 100).toFixed(0)}%`));
});

test('f: in an 8-layer vanilla stack, residual connections keep the first layer\'s gradient far larger than without', () => {
  const c = residualClaim();
  const [plain, res] = c.runs;
  assert.equal(plain.residual, false);
  assert.equal(res.layerNorms[0].length, 8);
  const first = (r: typeof plain): number => r.layerNorms[r.layerNorms.length - 1][0];
  assert.ok(first(res) > 10 * first(plain), `${first(res)} vs ${first(plain)}`);
  assert.ok(c.held);
});

test('the claims are listed in the chapter\'s order, a to g, each with a statement of our own', () => {
  assert.deepEqual(CHAPTER_CLAIMS.map((c) => c.id), ['a', 'b', 'c', 'd', 'e', 'f', 'g']);
  for (const c of CHAPTER_CLAIMS) assert.ok(c.statement.length > 40 && c.title.length > 5);
});

test('c with a custom cell: the open experiment\'s equations get a horizon like the built-in cells', () => {
  const equations = ['a = sigmoid(W_a @ x + U_a @ h + b_a)', "h' = a * h + (1 - a) * tanh(W_c @ x + U_c @ h + b_c)"];
  const r = memoryHorizon([{ cell: 'custom', equations }, { cell: 'gated' }], [5], { ...HORIZON_BUDGET, hiddenSize: 8, epochs: 2, train: 100 });
  assert.deepEqual(r.cells.map((c) => c.cell), ['custom', 'gated']);
  for (const c of r.cells) assert.ok(Number.isFinite(c.results[0].valLoss) && Math.abs(c.results[0].baselineLoss - 1 / 6) < 0.05);
  // a different cell gives a different run (the equations are used, not ignored)
  assert.notEqual(r.cells[0].results[0].valLoss, r.cells[1].results[0].valLoss);
});
