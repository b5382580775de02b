import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createModel, modelConfig, analyseBound, createRng, spectralNorm, spectralRadius, symmetricEigenvalues, type Activation } from '../../../src/engine/index';

const rng = createRng(42);
const randn = (n: number, s = 1): Float64Array => Float64Array.from({ length: n }, () => s * rng.normal());

function vanilla(act: Activation, m: number, d: number, scale: number, seed: number) {
  const model = createModel(modelConfig({ cell: 'vanilla', activation: act, inputSize: d, hiddenSize: m }), { seed });
  const L = model.layout.layers[0];
  model.theta.set(randn(m * m, scale / Math.sqrt(m)), L.Wh);
  model.theta.set(randn(m * d, 1), L.Wx);
  model.theta.set(randn(m, 0.3), L.bx);
  return model;
}

test('spectral norm, radius and eigenvalues against closed forms', () => {
  // [[2,1],[1,2]]: eigenvalues 1 and 3
  assert.deepEqual(Array.from(symmetricEigenvalues(2, Float64Array.of(2, 1, 1, 2))).map((v) => Math.round(v * 1e12) / 1e12), [1, 3]);
  // rotation by θ scaled by 0.7: ‖A‖ = ρ(A) = 0.7 (complex eigenvalues)
  const c = 0.7 * Math.cos(1), s = 0.7 * Math.sin(1);
  const R = Float64Array.of(c, -s, s, c);
  assert.ok(Math.abs(spectralNorm(R, 2, 2) - 0.7) < 1e-14);
  assert.ok(Math.abs(spectralRadius(2, R) - 0.7) < 1e-9);
  // nilpotent-ish [[0,5],[0,0]]: ‖A‖ = 5, ρ = 0; triangular [[0.5, 9],[0, 0.2]]: ρ = 0.5
  assert.ok(Math.abs(spectralNorm(Float64Array.of(0, 5, 0, 0), 2, 2) - 5) < 1e-14);
  assert.equal(spectralRadius(2, Float64Array.of(0, 5, 0, 0)), 0);
  assert.ok(Math.abs(spectralRadius(2, Float64Array.of(0.5, 9, 0, 0.2)) - 0.5) < 1e-8);
  // rectangular 3×2
  const A = Float64Array.of(1, 2, 3, 4, 5, 6);
  assert.ok(Math.abs(spectralNorm(A, 3, 2) - 9.525518091565107) < 1e-12);
  assert.ok(Math.abs(spectralNorm(A, 2, 3) - 9.508032000695723) < 1e-12);
});

test('the bound holds on random vanilla RNNs (tanh, sigmoid, relu; small and large ‖W_h‖)', () => {
  let cases = 0;
  for (const act of ['tanh', 'sigmoid', 'relu'] as const) {
    for (const scale of [0.5, 1, 3]) {
      for (const m of [1, 3, 8, 20]) {
        const model = vanilla(act, m, 2, scale, cases);
        const T = 25;
        const r = analyseBound(model, randn(T * 2));
        assert.equal(r.holds, true, `${act} m=${m} scale=${scale}: ${r.verdict}`);
        assert.ok((r.worstRatio as number) <= 1 + 1e-9);
        for (let i = 0; i < T; i++) {
          assert.ok((r.tightLog10 as number[])[i] <= (r.looseLog10 as number[])[i] + 1e-9, 'tight ≤ loose');
        }
        assert.match(r.verdict, /^holds at all 25 lags; (tightest at lag \d+, ratio |∂hT\/∂ht is exactly 0 at every lag)/);
        cases++;
      }
    }
  }
  assert.equal(cases, 36);
});

test('adversarial: z = 0 and a symmetric W_h make the bound exact (ratio 1 at every lag, never above 1 + 1e-9)', () => {
  for (const m of [1, 4, 16, 70]) {
    const model = createModel(modelConfig({ cell: 'vanilla', activation: 'tanh', inputSize: 1, hiddenSize: m }), { seed: m });
    const L = model.layout.layers[0];
    model.theta.fill(0, L.Wx, L.bh + m); // W_x = 0, b = 0 ⇒ h stays 0, z = 0, tanh'(0) = 1
    const S = randn(m * m, 0.9 / Math.sqrt(m));
    for (let i = 0; i < m; i++) for (let j = 0; j < i; j++) S[i * m + j] = S[j * m + i];
    model.theta.set(S, L.Wh);
    const r = analyseBound(model, new Float64Array(40));
    assert.equal(r.holds, true);
    for (let i = 0; i < 40; i++) {
      const ratio = Math.pow(10, r.measuredLog10[i] - (r.tightLog10 as number[])[i]);
      assert.ok(Math.abs(ratio - 1) < 1e-9, `m=${m} lag ${i + 1}: ratio ${ratio}`);
    }
    assert.ok(Math.abs((r.worstRatio as number) - 1) < 1e-9 && (r.worstRatio as number) <= 1 + 1e-9);
  }
});

test('long sequences: products far below the smallest double stay exact in log10', () => {
  const model = vanilla('sigmoid', 6, 1, 1, 7);
  const r = analyseBound(model, randn(1500));
  assert.equal(r.holds, true);
  const last = r.measuredLog10[1499];
  assert.ok(Number.isFinite(last) && last < -400, `log10 at lag 1500: ${last}`);
  assert.equal(r.measured[1499], 0); // the plain value underflows; the log does not
  assert.ok(r.effectiveMemory > 0 && r.effectiveMemory < 100);
});

test('the Frobenius norm is flagged as outside the theorem', () => {
  const r = analyseBound(vanilla('tanh', 5, 2, 1, 3), randn(20), { norm: 'frobenius' });
  assert.equal(r.norm, 'frobenius');
  assert.match(r.warnings.join(' '), /induced norms only/);
  assert.match(r.verdict, /Frobenius/);
});

test('gated cells: no bound, an additive-path curve and an effective memory', () => {
  for (const cell of ['lstm', 'gru', 'gated'] as const) {
    const model = createModel(modelConfig({ cell, inputSize: 2, hiddenSize: 6 }), { seed: 5, forgetBias1: true });
    const T = 60;
    const r = analyseBound(model, randn(T * 2));
    assert.equal(r.holds, null);
    assert.equal(r.tight, null);
    const add = r.additiveLog10 as number[];
    assert.equal(add.length, T);
    for (let i = 1; i < T; i++) assert.ok(add[i] <= add[i - 1] + 1e-12, 'a product of gates in (0,1) never grows');
    assert.ok(r.effectiveMemory >= 1 && r.effectiveMemory <= T);
    assert.match(r.verdict, /effective memory/);
    if (cell === 'lstm') assert.equal(r.measuredOf, '∂(h_T, c_T)/∂(h_t, c_t)');
  }
});

test('effective memory responds to the forget gate: saturated f keeps gradients alive', () => {
  const model = createModel(modelConfig({ cell: 'lstm', inputSize: 1, hiddenSize: 3 }), { seed: 1 });
  const L = model.layout.layers[0];
  const T = 200;
  const open = analyseBound(model, new Float64Array(T));
  for (let i = 0; i < 3; i++) model.theta[L.bx + 3 + i] = 12; // f ≈ 1
  const held = analyseBound(model, new Float64Array(T));
  assert.ok(held.effectiveMemory === T && open.effectiveMemory < T, `${open.effectiveMemory} → ${held.effectiveMemory}`);
});

test('IndRNN: a diagonal W_h makes the chapter\'s bound exact per unit; ‖W_h‖₂ = ρ(W_h) = max |uᵢ|', () => {
  for (const activation of ['tanh', 'relu'] as const) {
    const m = 4;
    const model = createModel(modelConfig({ cell: 'indrnn', activation, inputSize: 2, hiddenSize: m }), { seed: 7 });
    const L = model.layout.layers[0];
    assert.equal(model.layout.tensors.find((t) => t.name === 'weight_hh_l0')?.shape.join('×'), String(m), 'u is a vector');
    const u = Float64Array.of(0.95, -0.6, 0.3, 0.8);
    model.theta.set(u, L.Wh);
    const T = 30;
    const x = randn(T * 2);
    const r = analyseBound(model, x);
    assert.equal(r.normWh, 0.95);
    assert.equal(r.rhoWh, 0.95);
    assert.equal(r.holds, true, r.verdict);
    // the measured norm is the largest per-unit product ∏ |φ′(z_{k,i}) uᵢ| (the Jacobians are diagonal)
    const pre: number[][] = [];
    let h = new Float64Array(m);
    for (let t = 0; t < T; t++) {
      const z = Array.from({ length: m }, (_, i) => {
        let s = model.theta[L.bx + i] + model.theta[L.bh + i] + u[i] * h[i];
        for (let j = 0; j < 2; j++) s += model.theta[L.Wx + i * 2 + j] * x[t * 2 + j];
        return s;
      });
      pre.push(z);
      h = Float64Array.from(z, (v) => (activation === 'tanh' ? Math.tanh(v) : Math.max(0, v)));
    }
    const logs = new Float64Array(m);
    for (let lag = 1; lag <= T; lag++) {
      const k = T - lag;
      let best = -Infinity;
      for (let i = 0; i < m; i++) {
        const z = pre[k][i];
        const slope = activation === 'tanh' ? 1 - Math.tanh(z) ** 2 : z > 0 ? 1 : 0;
        logs[i] += Math.log10(Math.abs(slope * u[i]));
        best = Math.max(best, logs[i]);
      }
      const measured = r.measuredLog10[lag - 1];
      if (best === -Infinity) assert.equal(measured, -Infinity);
      else assert.ok(Math.abs(measured - best) < 1e-9, `${activation} lag ${lag}: measured 10^${measured}, per-unit 10^${best}`);
    }
  }
});
