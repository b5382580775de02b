import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chapterExamples } from '../../../src/engine/index';

const close = (a: number, b: number, tol: number): void => assert.ok(Math.abs(a - b) <= tol, `${a} ≠ ${b}`);

test("the chapter's tiny RNN, with the erratum's corrected values", () => {
  const e = chapterExamples();
  close(e.tinyRnn.sigmoid.h3[0], 0.710001, 5e-7);
  close(e.tinyRnn.sigmoid.h3[1], 0.537235, 5e-7);
  close(e.tinyRnn.sigmoid.yHat, 1.247235, 5e-7);
  close(e.tinyRnn.tanh.h3[0], 0.657974, 5e-7);
  close(e.tinyRnn.tanh.h3[1], -0.242632, 5e-7);
  close(e.tinyRnn.tanh.yHat, 0.415342, 5e-7);
  assert.equal(e.tinyRnn.sigmoid.prediction, 'trending');
  // the printed values are not what the parameters give
  assert.ok(Math.abs(e.tinyRnn.sigmoid.h3[0] - 0.81) > 0.05 && Math.abs(e.tinyRnn.sigmoid.yHat - 1.43) > 0.1);
  assert.match(e.tinyRnn.erratum, /0\.710001, 0\.537235/);
  // hand computation of step 1 with sigmoid: h1 = σ(0.8·0.5), σ(−0.3·0.5)
  close(e.tinyRnn.sigmoid.h[0][0], 1 / (1 + Math.exp(-0.4)), 1e-15);
  close(e.tinyRnn.sigmoid.h[0][1], 1 / (1 + Math.exp(0.15)), 1e-15);
});

test("the chapter's scalar example: factor 0.225, bound 1.478e-6 at T = 10 and 7.35e-65 at T = 100", () => {
  const e = chapterExamples();
  close(e.scalar.factor, 0.225, 1e-15);
  const row = (T: number) => e.scalar.rows.find((r) => r.T === T)!;
  close(row(10).bound / 1.478e-6, 1, 1e-3);
  close(row(100).bound / 7.35e-65, 1, 1e-3);
  for (const r of e.scalar.rows) {
    assert.ok(r.measured > 0 && r.measured <= r.bound * (1 + 1e-9), `T=${r.T}: ${r.measured} vs ${r.bound}`);
  }
  close(e.chapterBound.bound, Math.pow(0.5, 50), 0);
});
